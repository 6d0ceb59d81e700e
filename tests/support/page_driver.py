#!/usr/bin/env python3
"""Drive the query page of a running `realpolitik serve` in headless Chromium.

Starts chromedriver on a free port of 127.0.0.1, talks to it over the W3C WebDriver HTTP API
(standard library only), and prints one JSON object of what the page showed: the events on the
timeline and in the undated list, the network's nodes and edges, the evidence shown after a
real click on a timeline item, and the browser console's warnings and errors. tests/page.rs
compares these with its own SPARQL counts. With --screenshot DIR it also writes
DIR/page-timeline.png and DIR/page-network.png.

Exit codes: 0 with the report on stdout; 3 when chromium or chromedriver is missing; 1 on
any other failure (message on stderr).
"""
import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52f-4a5d5a6c8f76"


class Driver:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.session = None

    def call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return json.loads(response.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"webdriver {method} {path}: {e.code} {e.read().decode(errors='replace')[:800]}") from None

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def run(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def wait_for(self, script, what, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.run(script)
            if value:
                return value
            time.sleep(0.2)
        errors = self.run("return (window.rpPage && window.rpPage.errors) || []")
        raise RuntimeError(f"timed out waiting for {what} (page errors: {errors}; console: {self.console()})")

    def console(self):
        try:
            return self.s("POST", "/se/log", {"type": "browser"}) or []
        except RuntimeError:
            return []

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.s("GET", "/screenshot")))


def ref(found):
    """The id of a found element (W3C key, or the one key chromedriver gives)."""
    if ELEMENT in found:
        return found[ELEMENT]
    if len(found) == 1:
        return next(iter(found.values()))
    raise RuntimeError(f"not an element: {found}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", help="the page, e.g. http://127.0.0.1:7878/")
    parser.add_argument("--screenshot", metavar="DIR", help="also write page-timeline.png and page-network.png here")
    args = parser.parse_args()

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    chromedriver = shutil.which("chromedriver")
    if not chromium or not chromedriver:
        print("chromium and chromedriver are needed (Debian: apt-get install chromium chromium-driver; scripts/setup does it)", file=sys.stderr)
        return 3

    port = free_port()
    log = tempfile.TemporaryFile()
    service = subprocess.Popen([chromedriver, f"--port={port}"], stdout=log, stderr=log)
    driver = Driver(port)
    profile = tempfile.mkdtemp(prefix="rp-chromium-")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if driver.call("GET", "/status").get("ready"):
                    break
            except (OSError, RuntimeError):
                pass
            if time.monotonic() > deadline or service.poll() is not None:
                raise RuntimeError("chromedriver did not start")
            time.sleep(0.1)
        caps = {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000",
                         "--hide-scrollbars", "--force-device-scale-factor=1", f"--user-data-dir={profile}", "--lang=en-US"],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }
        answer = driver.call("POST", "/session", {"capabilities": {"alwaysMatch": caps}})
        driver.session = answer["sessionId"]
        report = {}

        driver.s("POST", "/url", {"url": args.url.rstrip("#") + "#timeline"})
        driver.wait_for("return window.rpPage && (window.rpPage.timelineReady || window.rpPage.errors.length > 0)", "the timeline")
        report["timeline"] = driver.run("""const p = window.rpPage;
            return { events: p.events, shown: p.timelineShown, undated: p.undatedShown,
                     drawn: document.querySelectorAll('#timeline .vis-item').length, status: document.getElementById('tl-status').textContent,
                     errors: p.errors };""")
        if args.screenshot:
            time.sleep(0.5)
        # A real click (WebDriver moves the pointer and presses) on the first item drawn.
        items = driver.s("POST", "/elements", {"using": "css selector", "value": "#timeline .vis-item .ev-label"})
        clicked = None
        if items:
            element = ref(items[0])
            clicked = driver.s("GET", f"/element/{element}/attribute/data-event")
            driver.s("POST", f"/element/{element}/click", {})
            driver.wait_for("return document.querySelectorAll('#tl-sources blockquote.evidence').length > 0 || "
                            "document.querySelector('#tl-sources .error')", "the sources of the clicked event")
        report["click"] = {
            "event": clicked,
            "evidence": driver.run("return [...document.querySelectorAll('#tl-sources blockquote.evidence')].map(e => e.textContent)"),
            "heading": driver.run("const h = document.querySelector('#tl-sources h3'); return h ? h.textContent : null"),
        }
        if args.screenshot:
            # Move the pointer off the item (no tooltip) and show the sources under the timeline.
            driver.s("POST", "/actions", {"actions": [{"type": "pointer", "id": "mouse", "actions": [
                {"type": "pointerMove", "x": 5, "y": 5, "origin": "viewport"}]}]})
            driver.run("document.getElementById('tl-undated').hidden = true")
            time.sleep(0.3)
            driver.screenshot(os.path.join(args.screenshot, "page-timeline.png"))
            driver.run("document.getElementById('tl-undated').hidden = false")

        tab = ref(driver.s("POST", "/element", {"using": "css selector", "value": "#link-network"}))
        driver.s("POST", f"/element/{tab}/click", {})
        driver.wait_for("return window.rpPage.networkReady || window.rpPage.errors.length > 0", "the network", timeout=120)
        report["network"] = driver.run("""const p = window.rpPage;
            const pos = p.network ? p.network.getPositions() : {};
            return { nodes: p.nodes, edges: p.edges, placed: Object.keys(pos).length,
                     canvas: document.querySelectorAll('#network canvas').length, errors: p.errors };""")
        if args.screenshot:
            driver.screenshot(os.path.join(args.screenshot, "page-network.png"))
        report["console"] = [e for e in driver.console() if e.get("level") in ("SEVERE", "WARNING")]
        print(json.dumps(report, indent=1, sort_keys=True))
        return 0
    except Exception as e:  # noqa: BLE001 - one message for the test, whatever went wrong
        print(f"page driver: {e}", file=sys.stderr)
        log.seek(0)
        tail = log.read()[-2000:].decode(errors="replace")
        if tail:
            print("chromedriver log (end):\n" + tail, file=sys.stderr)
        return 1
    finally:
        if driver.session:
            try:
                driver.call("DELETE", f"/session/{driver.session}")
            except (OSError, RuntimeError):
                pass
        service.terminate()
        try:
            service.wait(timeout=10)
        except subprocess.TimeoutExpired:
            service.kill()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
