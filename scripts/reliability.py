#!/usr/bin/env python3
"""Reliability of rp:confidence: is a fact at confidence c right about c of the time?

Runs `realpolitik extract` on every gold article of the given corpora, judges each extracted
fact on its own against the gold (the matching of ../shared/eval/score.py), and prints
precision per rule id and per confidence bucket. With --write FILE it also writes the
calibration table that the extractor reads (rule id -> measured precision, Laplace-smoothed).

  scripts/reliability.py --eval ../shared/eval ../shared/corpus/dev ../shared/corpus/news ../shared/corpus/seed
"""
import argparse
import collections
import os
import subprocess
import sys
import tempfile

RP = "https://w3id.org/realpolitik/ontology#"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpora", nargs="+", help="folders holding <article>.txt and gold/<article>.json")
    ap.add_argument("--eval", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval"))
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "realpolitik"))
    ap.add_argument("--write", help="write the rule -> precision calibration table here")
    ap.add_argument("--min-facts", type=int, default=3, help="rules with fewer judged facts keep their own confidence")
    args = ap.parse_args()
    sys.path.insert(0, os.path.abspath(args.eval))
    import rdflib
    import score as S

    facts = []  # (kind, rule, confidence, correct)
    for corpus in args.corpora:
        for name, gold in sorted(S.read_gold(os.path.join(corpus, "gold")).items()):
            with tempfile.TemporaryDirectory() as tmp:
                body = os.path.join(tmp, name + ".txt")
                open(body, "w", encoding="utf-8").write(S.body_of(os.path.join(corpus, name + ".txt")))
                out = subprocess.run([args.bin, "extract", "--format", "ntriples", body], capture_output=True, check=True).stdout
            g = rdflib.Graph()
            g.parse(data=out, format="nt")
            path = os.path.join(tmp, "x.nt")
            os.makedirs(tmp, exist_ok=True)
            open(path, "wb").write(out)
            pred = S.rdf_to_pred(path, "nt", name)
            os.remove(path)
            os.rmdir(tmp)
            # rdf_to_pred lists events in sorted IRI order; walk the graph in the same order.
            def meta(kind):
                nodes = sorted(str(s) for s in g.subjects(rdflib.RDF.type, rdflib.URIRef(RP + kind)))
                return [(str(g.value(rdflib.URIRef(n), rdflib.URIRef(RP + "rule"))),
                         float(g.value(rdflib.URIRef(n), rdflib.URIRef(RP + "confidence")) or 0), n) for n in nodes]
            gs = S.dedupe(S.expand_gold_sanctions(gold))
            i = 0
            for rule, conf, n in meta("Sanction"):
                imposers = len(list(g.objects(rdflib.URIRef(n), rdflib.URIRef(RP + "imposedBy")))) or 1
                for p in pred["sanctions"][i:i + imposers]:
                    ik = set(p["imposer_keys"])
                    ok = any(S.keys_match(a, ik) and (t in (p["target_states"] or ["?"])) for a, t in gs)
                    facts.append(("sanction", rule, conf, ok))
                i += imposers
            gt = [(S.gold_keys(t["supplier"]), S.gold_keys(t["recipient"]), {S.norm_cat(t.get("category") or "")}) for t in gold["transfers"]]
            i = 0
            for rule, conf, n in meta("WeaponTransfer"):
                k = max(1, len(list(g.objects(rdflib.URIRef(n), rdflib.URIRef(RP + "supplier"))))) * max(1, len(list(g.objects(rdflib.URIRef(n), rdflib.URIRef(RP + "recipient")))))
                for p in pred["transfers"][i:i + k]:
                    sk, rk, cats = set(p["supplier_keys"]), set(p["recipient_keys"]), {S.norm_cat(c) for c in p["categories"]}
                    ok = any(S.keys_match(a, sk) and S.keys_match(b, rk) and bool(c & cats) for a, b, c in gt)
                    facts.append(("transfer", rule, conf, ok))
                i += k
            for (rule, conf, n), p in zip(meta("Statement"), pred["statements"]):
                ok = any(S.speaker_match(q["speaker"], p["speaker"]) and S.quote_match(q, p["quote"]) for q in gold["statements"])
                facts.append(("statement", rule, conf, ok))

    by_rule = collections.defaultdict(lambda: [0, 0, 0.0])
    for kind, rule, conf, ok in facts:
        r = by_rule[rule]
        r[0] += 1
        r[1] += ok
        r[2] += conf
    print(f"{'rule':58} {'facts':>5} {'right':>5} {'prec':>5} {'conf':>5}")
    for rule, (n, tp, cs) in sorted(by_rule.items(), key=lambda kv: -kv[1][0]):
        print(f"{rule:58} {n:5d} {tp:5d} {tp / n:5.2f} {cs / n:5.2f}")
    print()
    buckets = [(0.0, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.01)]
    print(f"{'confidence':12} {'facts':>5} {'precision':>9}")
    for lo, hi in buckets:
        sel = [ok for _, _, c, ok in facts if lo <= c < hi]
        if sel:
            print(f"[{lo:.1f}, {min(hi, 1.0):.1f}{')' if hi < 1 else ']'}  {len(sel):5d} {sum(sel) / len(sel):9.3f}")
    print(f"all          {len(facts):5d} {sum(ok for *_, ok in facts) / max(1, len(facts)):9.3f}")
    if args.write:
        with open(args.write, "w", encoding="utf-8") as f:
            f.write("# calibration.tsv - rp:confidence per rule id: the precision measured for facts of that rule\n"
                    "# on dev + news + seed (Laplace-smoothed: (right + 1) / (facts + 2)), written by\n"
                    "# scripts/reliability.py --write. Rules not listed keep the confidence their code gives.\n"
                    "rule\tconfidence\tfacts\tright\n")
            for rule, (n, tp, _) in sorted(by_rule.items()):
                if n >= args.min_facts:
                    f.write(f"{rule}\t{(tp + 1) / (n + 2):.2f}\t{n}\t{tp}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
