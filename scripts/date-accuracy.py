#!/usr/bin/env python3
"""Accuracy of event dates (rp:eventDate) against the team's date gold, eval/dates.tsv.

usage: scripts/date-accuracy.py [--shared ../shared] [--bin target/release/realpolitik] [-v]

For each gold fact the sentence is found through the shared gold's "evidence" (named in
eval/dates.tsv by its SHA-256, so no corpus text lives in this repository), the article is run
through `realpolitik explain --format json`, and the first extracted fact of that kind whose
evidence sentence holds the gold sentence (or is held by it) is judged: right when its date and
precision equal the gold's, or when both have no date. Facts the extractor does not find are
counted apart (they are the extraction's misses, not the dating's).
"""
import argparse
import collections
import hashlib
import json
import os
import subprocess
import sys

import evaltsv  # scripts/evaltsv.py, beside this script

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def norm(s):
    return " ".join(s.split())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "realpolitik"))
    ap.add_argument("-v", "--verbose", action="store_true", help="print every judged fact")
    args = ap.parse_args()
    rows = evaltsv.rows(os.path.join(ROOT, "eval", "dates.tsv"))
    cache = {}
    counts = collections.Counter()
    for r in rows:
        corpus_dir = os.path.join(args.shared, "corpus", r["corpus"])
        gold = json.load(open(os.path.join(corpus_dir, "gold", r["article"] + ".json"), encoding="utf-8"))
        evidence = next((f["evidence"] for f in gold.get(r["kind"], [])
                         if hashlib.sha256((f.get("evidence") or "").encode()).hexdigest()[:16] == r["evidence_sha256"]), None)
        if evidence is None:
            sys.exit(f"eval/dates.tsv: {r['article']}: no gold {r['kind']} evidence with hash {r['evidence_sha256']}")
        if r["article"] not in cache:
            src = next(f for f in sorted(os.listdir(corpus_dir)) if f.startswith(r["article"] + "."))
            out = subprocess.run([args.bin, "explain", "--format", "json", os.path.join(corpus_dir, src)],
                                 capture_output=True, text=True, check=True).stdout
            cache[r["article"]] = json.loads(out)
        facts = [f for f in cache[r["article"]]["facts"] if f["type"] + "s" == r["kind"]]
        g = norm(evidence)
        hit = next((f for f in facts if g in norm(f["evidence"]["sentence"]) or norm(f["evidence"]["sentence"]) in g), None)
        given = r["date"] != "none"
        group = "text gives the date" if given else "no date for this fact"
        if hit is None:
            counts[(group, "fact not extracted")] += 1
            continue
        d = hit.get("date")
        pred = (d["date"], d["precision"]) if d else None
        right = pred == ((r["date"], r["precision"]) if given else None)
        counts[(group, "right" if right else "wrong")] += 1
        if args.verbose or not right:
            print(f"{'ok ' if right else 'BAD'} {r['article'][:40]:40} {r['kind']:10} gold {r['date']} {r['precision']:5} "
                  f"predicted {pred[0] + ' ' + pred[1] if pred else 'none'}" + (f" ({d['text']})" if d else ""))
    print()
    print("| gold | facts | extracted | right | accuracy |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for group in ["text gives the date", "no date for this fact"]:
        right, wrong, missing = (counts[(group, k)] for k in ["right", "wrong", "fact not extracted"])
        n = right + wrong
        print(f"| {group} | {n + missing} | {n} | {right} | {right / n if n else 0:.3f} |")
    right = sum(v for (g, k), v in counts.items() if k == "right")
    n = sum(v for (g, k), v in counts.items() if k != "fact not extracted")
    print(f"| all | {len(rows)} | {n} | {right} | {right / n if n else 0:.3f} |")


if __name__ == "__main__":
    main()
