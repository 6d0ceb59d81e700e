#!/usr/bin/env python3
"""Pairwise precision and recall of event merging (rp:ReportedEvent) against the team's merge gold, eval/merge.tsv.

usage: scripts/merge-accuracy.py [--shared ../shared] [--bin target/release/realpolitik] [-v]

The dev, news and seed corpora are ingested together into a temporary store (so the events graph is computed as
`ingest` computes it), and each extracted sanction and transfer is mapped to a gold fact: one of the same kind in
an article holding the fact's evidence sentence, whose gold evidence holds that sentence or is held by it (the gold
is named in eval/merge.tsv by the SHA-256 of its evidence, so no corpus text lives in this repository); among several,
the one whose imposer or supplier has the same Wikidata id, then the same weapon category, then the first (a transfer
maps only to a gold transfer of its weapon category, unless one of them is "Other"). A fact from another sentence
than the gold's maps to the one gold fact of its article with the same imposer or supplier (and category), if only one.

A pair is two different gold facts. Predicted pairs: gold facts that two facts of one predicted event map to. Gold
pairs: gold facts of one gold event. Precision is over predicted pairs; recall is given twice: over the gold pairs
whose two facts were both extracted (the merging's own recall) and over all gold pairs (with the extraction's misses).
"""
import argparse
import collections
import glob
import hashlib
import itertools
import json
import os
import subprocess
import sys
import tempfile

import evaltsv  # scripts/evaltsv.py, beside this script

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KIND = {"Sanction": "sanctions", "WeaponTransfer": "transfers"}
QUERY = """SELECT ?event ?f ?kind ?e (GROUP_CONCAT(DISTINCT ?q; separator=" ") AS ?qids) (SAMPLE(?c) AS ?cat) WHERE {
  GRAPH <https://w3id.org/realpolitik/id/events> { ?event rp:report ?f }
  ?f a ?k ; rp:evidence ?e . FILTER(?k IN (rp:Sanction, rp:WeaponTransfer))
  BIND(STRAFTER(STR(?k), "#") AS ?kind)
  OPTIONAL { ?f rp:imposedBy|rp:supplier ?p . { ?p owl:sameAs ?w } UNION { ?p rp:country ?w } BIND(REPLACE(STR(?w), "^.*/", "") AS ?q) }
  OPTIONAL { ?f rp:weapon/rp:category ?cc . BIND(STRAFTER(STR(?cc), "#") AS ?c) }
} GROUP BY ?event ?f ?kind ?e"""


def norm(s):
    return " ".join(s.split())


def camel(cat):
    return "".join(w.capitalize() for w in (cat or "").split("_"))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "realpolitik"))
    ap.add_argument("-v", "--verbose", action="store_true", help="list every missed and wrong pair")
    args = ap.parse_args()

    # The gold: every gold sanction and transfer, with its event.
    gold = {}
    for r in evaltsv.rows(os.path.join(ROOT, "eval", "merge.tsv")):
        gold[(r["corpus"], r["article"], r["kind"], int(r["index"]))] = r
    facts, texts, inputs = {}, {}, []
    for corpus in ["dev", "news", "seed"]:
        d = os.path.join(args.shared, "corpus", corpus)
        for g in sorted(glob.glob(os.path.join(d, "gold", "*.json"))):
            article = os.path.basename(g)[:-5]
            src = next(f for f in sorted(os.listdir(d)) if f.startswith(article + "."))
            inputs.append(os.path.join(d, src))
            texts[(corpus, article)] = norm(open(os.path.join(d, src), encoding="utf-8").read())
            doc = json.load(open(g, encoding="utf-8"))
            for kind in KIND.values():
                for i, f in enumerate(doc.get(kind, [])):
                    key = (corpus, article, kind, i)
                    r = gold.get(key)
                    if r is None:
                        sys.exit(f"eval/merge.tsv: no line for {key}")
                    if hashlib.sha256(f["evidence"].encode()).hexdigest()[:16] != r["evidence_sha256"]:
                        sys.exit(f"eval/merge.tsv: {key}: the gold evidence changed (hash differs)")
                    party = f.get("imposer") if kind == "sanctions" else f.get("supplier")
                    facts[key] = {"evidence": norm(f["evidence"]), "qids": {p for p in (party or "").split("|") if p.startswith("Q")},
                                  "cat": camel(f.get("category")), "event": r["event"]}
    if set(facts) != set(gold):
        sys.exit(f"eval/merge.tsv: lines for facts the gold does not have: {sorted(set(gold) - set(facts))[:5]}")

    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "store")
        p = subprocess.run([args.bin, "ingest", "-q", "--store", store] + inputs, capture_output=True, text=True)
        if p.returncode != 0:
            sys.exit(f"ingest failed:\n{p.stderr}")
        out = subprocess.run([args.bin, "query", "--store", store, "--format", "json", QUERY],
                             capture_output=True, text=True, check=True).stdout
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(out)["results"]["bindings"]]

    # Map each extracted fact to a gold fact.
    mapped = {}
    for r in rows:
        e = norm(r["e"])
        kind = KIND[r["kind"]]
        cat = r.get("cat", "")
        # A transfer of other goods named in the gold fact's sentence is not that fact.
        cands = [k for k, f in facts.items() if k[2] == kind and e in texts[k[:2]] and (e in f["evidence"] or f["evidence"] in e)
                 and (kind != "transfers" or cat in (f["cat"], "Other") or f["cat"] == "Other")]
        qids = set(r.get("qids", "").split())
        if not cands:
            # Another sentence of the article restating a gold fact: the one gold fact of that article with the
            # same imposer or supplier (and weapon category), if there is exactly one.
            cands = [k for k, f in facts.items() if k[2] == kind and e in texts[k[:2]] and f["qids"] & qids
                     and (kind != "transfers" or cat in (f["cat"], "Other") or f["cat"] == "Other")]
            if len(cands) != 1:
                continue
        cands.sort(key=lambda k: (not (facts[k]["qids"] & qids), facts[k]["cat"] != r.get("cat", ""), k))
        mapped[r["f"]] = cands[0]

    events = collections.defaultdict(set)
    for r in rows:
        if r["f"] in mapped:
            events[r["event"]].add(mapped[r["f"]])
    pred = {tuple(sorted(p)) for g in events.values() for p in itertools.combinations(sorted(g), 2)}
    by_event = collections.defaultdict(list)
    for k, f in facts.items():
        by_event[f["event"]].append(k)
    gold_pairs = {tuple(sorted(p)) for g in by_event.values() for p in itertools.combinations(sorted(g), 2)}
    extracted = set(mapped.values())
    gold_extracted = {p for p in gold_pairs if p[0] in extracted and p[1] in extracted}
    right = pred & gold_pairs

    def show(tag, pairs):
        for a, b in sorted(pairs):
            print(f"{tag} {'/'.join(map(str, a[:2]))[:45]:45} {a[2][:-1]} {a[3]} ~ {'/'.join(map(str, b[:2]))[:45]:45} {b[3]}"
                  f"  gold events {facts[a]['event']} / {facts[b]['event']}")

    if args.verbose:
        show("MISSED", gold_extracted - pred)
        show("WRONG ", pred - gold_pairs)
    p = len(right) / len(pred) if pred else 0.0
    r1 = len(right & gold_extracted) / len(gold_extracted) if gold_extracted else 0.0
    r2 = len(right) / len(gold_pairs) if gold_pairs else 0.0
    f1 = 2 * p * r1 / (p + r1) if p + r1 else 0.0
    f2 = 2 * p * r2 / (p + r2) if p + r2 else 0.0
    print(f"gold facts {len(facts)} (extracted {len(extracted)}), gold events {len(by_event)}, "
          f"predicted events holding them {len(events)}")
    print()
    print("| pairs | gold | predicted | right | precision | recall | F1 |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"| both facts extracted | {len(gold_extracted)} | {len(pred)} | {len(right & gold_extracted)} | {p:.3f} | {r1:.3f} | {f1:.3f} |")
    print(f"| all gold pairs | {len(gold_pairs)} | {len(pred)} | {len(right)} | {p:.3f} | {r2:.3f} | {f2:.3f} |")


if __name__ == "__main__":
    main()
