//! The query page in a real headless Chromium: the samples are ingested into a temporary store,
//! `realpolitik serve` runs on a free port of 127.0.0.1, and tests/support/page_driver.py drives
//! Chromium through chromedriver (W3C WebDriver). What the page shows is checked against counts
//! this test makes itself with SPARQL: every event on the timeline or in its undated list, every
//! state of a sanction or transfer in the network, evidence after a click, no console errors.
//! Missing Chromium fails the test (scripts/setup installs it) unless REALPOLITIK_SKIP_BROWSER=1.

mod common;

use common::{bin, root, samples, stderr};
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server process, killed when the test ends (also on a failed assertion).
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One column of a SPARQL SELECT sent to the endpoint, as strings.
fn column(client: &reqwest::blocking::Client, base: &str, query: &str, var: &str) -> Vec<String> {
    let r = client
        .post(format!("{base}/query"))
        .header("Content-Type", "application/sparql-query")
        .header("Accept", "application/sparql-results+json")
        .body(query.to_string())
        .send()
        .unwrap();
    assert!(r.status().is_success(), "{query}: {}", r.status());
    let json: Value = r.json().unwrap();
    json["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[var]["value"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array().unwrap_or_else(|| panic!("not a list: {v}")).iter().map(|s| s.as_str().unwrap().to_string()).collect()
}

#[test]
fn timeline_and_network_in_headless_chromium() {
    let browser = ["chromium", "chromedriver"]
        .iter()
        .all(|b| Command::new("sh").args(["-c", &format!("command -v {b}")]).output().is_ok_and(|o| o.status.success()));
    if !browser {
        if std::env::var("REALPOLITIK_SKIP_BROWSER").as_deref() == Ok("1") {
            eprintln!("skipping: chromium or chromedriver not found and REALPOLITIK_SKIP_BROWSER=1");
            return;
        }
        panic!("chromium and chromedriver (Debian: chromium, chromium-driver) are not installed: run scripts/setup (or set REALPOLITIK_SKIP_BROWSER=1 to skip)");
    }

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let ingest = bin().args(["ingest", "--quiet", "--store"]).arg(&store).arg(samples()).env_remove("REALPOLITIK_STORE").output().unwrap();
    assert!(ingest.status.success(), "{}", stderr(&ingest));

    let port = free_port();
    let log = dir.path().join("serve.log");
    let _server = Server(
        bin()
            .args(["serve", "--bind", &format!("127.0.0.1:{port}"), "--store"])
            .arg(&store)
            .env_remove("REALPOLITIK_STORE")
            .stdout(Stdio::null())
            .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
            .spawn()
            .unwrap(),
    );
    let base = format!("http://127.0.0.1:{port}");
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/query?query=ASK%7B%7D")).send().map(|r| !r.status().is_success()).unwrap_or(true) {
        assert!(Instant::now() < deadline, "serve did not start: {}", std::fs::read_to_string(&log).unwrap_or_default());
        std::thread::sleep(Duration::from_millis(100));
    }

    // The test's own view of the store.
    let events: BTreeSet<String> =
        column(&client, &base, "SELECT ?e WHERE { GRAPH rpid:events { ?e a rp:ReportedEvent } }", "e").into_iter().collect();
    let dated: BTreeSet<String> = column(
        &client,
        &base,
        "SELECT DISTINCT ?e WHERE { GRAPH rpid:events { ?e a rp:ReportedEvent }
           { GRAPH rpid:events { ?e rp:earliestDate ?d } } UNION
           { GRAPH rpid:events { ?e rp:report ?f } ?f prov:wasDerivedFrom ?a . ?a rp:published ?p } }",
        "e",
    )
    .into_iter()
    .collect();
    let count = column(&client, &base, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH rpid:events { ?e a rp:ReportedEvent } }", "n");
    assert_eq!(count, [events.len().to_string()]);
    assert!(events.len() > 10 && !dated.is_empty(), "the samples store has events: {events:?}");
    let states: BTreeSet<String> = column(
        &client,
        &base,
        "SELECT DISTINCT ?s WHERE { VALUES ?role { rp:imposedBy rp:target rp:supplier rp:recipient }
           ?f ?role ?s . ?s a rp:State . { ?f a rp:Sanction } UNION { ?f a rp:WeaponTransfer } }",
        "s",
    )
    .into_iter()
    .collect();
    assert!(states.len() >= 3, "{states:?}");

    // Optional screenshots (scripts/page-screenshot sets it).
    let mut driver = Command::new("python3");
    driver.arg(root().join("tests/support/page_driver.py")).arg(format!("{base}/"));
    if let Some(shots) = std::env::var_os("REALPOLITIK_PAGE_SCREENSHOTS") {
        driver.arg("--screenshot").arg(shots);
    }
    let out = driver.output().expect("run python3 tests/support/page_driver.py");
    assert!(out.status.success(), "page driver failed:\n{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();

    // No console warnings or errors (a CSP refusal, a missing asset or a script error shows here).
    assert_eq!(report["console"].as_array().map(Vec::len), Some(0), "console: {:#}", report["console"]);

    // Timeline: every event, dated ones on the timeline and the rest in the undated list.
    let t = &report["timeline"];
    assert_eq!(t["errors"].as_array().map(Vec::len), Some(0), "{t:#}");
    assert_eq!(strings(&t["events"]), events, "the page's events are the store's");
    assert_eq!(strings(&t["shown"]), dated, "dated events on the timeline");
    let undated: BTreeSet<String> = events.difference(&dated).cloned().collect();
    assert_eq!(strings(&t["undated"]), undated, "undated events in the list below the timeline");
    assert!(t["drawn"].as_u64().unwrap_or(0) >= 1, "the timeline drew items: {t:#}");
    let status = t["status"].as_str().unwrap();
    assert!(status.starts_with(&format!("{n} of {n} events: {} on the timeline", dated.len(), n = events.len())), "{status}");

    // A click on a timeline item shows that event's evidence sentences, as the store has them.
    let clicked = report["click"]["event"].as_str().unwrap_or_else(|| panic!("no item clicked: {:#}", report["click"]));
    assert!(dated.contains(clicked), "{clicked}");
    let evidence: BTreeSet<String> = column(
        &client,
        &base,
        &format!("SELECT DISTINCT ?ev WHERE {{ GRAPH rpid:events {{ <{clicked}> rp:report ?f }} ?f rp:evidence ?ev }}"),
        "ev",
    )
    .into_iter()
    .collect();
    let shown = strings(&report["click"]["evidence"]);
    assert!(!shown.is_empty() && shown == evidence, "shown {shown:?}, store {evidence:?}");

    // Network: every state of a sanction or transfer is a node, and each node got a position.
    let n = &report["network"];
    assert_eq!(n["errors"].as_array().map(Vec::len), Some(0), "{n:#}");
    let nodes = n["nodes"].as_array().unwrap();
    let state_nodes: BTreeSet<String> =
        nodes.iter().filter(|v| v["group"] == "State").map(|v| v["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(state_nodes, states, "the network's states");
    assert_eq!(n["placed"].as_u64(), Some(nodes.len() as u64), "{n:#}");
    assert_eq!(n["canvas"].as_u64(), Some(1));
    let kinds: BTreeSet<&str> = n["edges"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, BTreeSet::from(["sanction", "transfer"]));
}
