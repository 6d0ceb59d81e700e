#!/usr/bin/env python3
"""Consistency checks for data/wikidata/{states,igos}.tsv (stdlib only).

Usage: python3 data/wikidata/check_tables.py [DIR]   (DIR defaults to this script's directory)

Checks
  states.tsv   197 rows (193 un_member, 2 un_observer, 2 other); header/column count; QID, ISO 3166-1
               alpha-2/alpha-3 syntax; unique QID/iso2/iso3; non-empty name; no empty or padded list
               items; status vocabulary; `ambiguous` is a subset of the row's own strings; QIDs agree with
               reference/states_reference.tsv by iso2 (and iso3 where the reference gives one); QIDs agree
               with the project's annotation guide; no name/alias/demonym/seat string (compared
               case-insensitively and with diacritics folded) belongs to two different states.
  igos.tsv     QID syntax, unique QIDs, kind vocabulary, igo_body rows have a parent_qid that is an igo
               row of the file, igo rows have none; every QID is in reference/igos_reference.tsv; no
               acronym/name/alias string belongs to two organisations or to an organisation and a state.
Exits 1 if any problem was found, 0 otherwise.
"""
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict

QID_RE = re.compile(r"^Q[1-9][0-9]*$")
ISO2_RE = re.compile(r"^[A-Z]{2}$")
ISO3_RE = re.compile(r"^[A-Z]{3}$")

STATE_COLS = ["qid", "iso2", "iso3", "name", "aliases", "demonyms", "seats", "status", "ambiguous"]
IGO_COLS = ["qid", "acronym", "name", "aliases", "kind", "parent_qid"]
STATUS_COUNTS = {"un_member": 193, "un_observer": 2, "other": 2}
IGO_KINDS = {"igo", "igo_body"}

# QIDs fixed by the project's annotation guide (must match exactly).
GUIDE_STATES = {
    "United States": "Q30", "Russia": "Q159", "North Korea": "Q423", "South Korea": "Q884",
    "Ukraine": "Q212", "Iran": "Q794", "China": "Q148", "United Kingdom": "Q145", "France": "Q142",
    "Germany": "Q183", "Japan": "Q17", "India": "Q668", "Turkey": "Q43", "Belarus": "Q184",
    "Syria": "Q858", "Venezuela": "Q717", "Myanmar": "Q836", "Mali": "Q912", "Poland": "Q36",
    "Canada": "Q16", "Australia": "Q408", "Taiwan": "Q865", "Yemen": "Q805",
    "United Arab Emirates": "Q878", "Israel": "Q801", "Morocco": "Q1028", "Brazil": "Q155",
    "Namibia": "Q1030", "Italy": "Q38", "Spain": "Q29", "Netherlands": "Q55", "Belgium": "Q31",
    "Switzerland": "Q39", "Sweden": "Q34", "Norway": "Q20", "Finland": "Q33", "Denmark": "Q35",
    "Austria": "Q40", "Czech Republic": "Q213", "Slovakia": "Q214", "Hungary": "Q28",
    "Romania": "Q218", "Bulgaria": "Q219", "Greece": "Q41", "Lithuania": "Q37", "Latvia": "Q211",
    "Estonia": "Q191", "Georgia": "Q230", "Armenia": "Q399", "Azerbaijan": "Q227",
    "Kazakhstan": "Q232", "Uzbekistan": "Q265", "Afghanistan": "Q889", "Pakistan": "Q843",
    "Iraq": "Q796", "Saudi Arabia": "Q851", "Qatar": "Q846", "Egypt": "Q79", "Libya": "Q1016",
    "Algeria": "Q262", "Sudan": "Q1049", "Ethiopia": "Q115", "Nigeria": "Q1033",
    "South Africa": "Q258", "Burkina Faso": "Q965", "Niger": "Q1032",
    "Central African Republic": "Q929", "Cuba": "Q241", "Nicaragua": "Q811", "Mexico": "Q96",
    "Argentina": "Q414", "Vietnam": "Q881", "Indonesia": "Q252", "Philippines": "Q928",
    "Thailand": "Q869", "Malaysia": "Q833", "Singapore": "Q334", "New Zealand": "Q664",
    "Lebanon": "Q822", "Jordan": "Q810", "Kuwait": "Q817", "Bahrain": "Q398", "Oman": "Q842",
    "Cyprus": "Q229", "Serbia": "Q403", "Moldova": "Q217", "Laos": "Q819", "Cambodia": "Q424",
    "Mongolia": "Q711", "Bangladesh": "Q902", "Ireland": "Q27", "Portugal": "Q45",
    "Croatia": "Q224", "Slovenia": "Q215", "Albania": "Q222", "Palestine": "Q219060",
    "Eritrea": "Q986", "Somalia": "Q1045", "South Sudan": "Q958", "Chad": "Q657",
    "Colombia": "Q739", "Kyrgyzstan": "Q813", "Tajikistan": "Q863",
    # given in the brief's column description
    "Kosovo": "Q1246", "Vatican City": "Q237",
}
GUIDE_IGOS = {"European Union": "Q458", "United Nations": "Q1065",
              "United Nations Security Council": "Q37470",
              "North Atlantic Treaty Organization": "Q7184"}

problems = []


def problem(msg):
    problems.append(msg)
    print("PROBLEM:", msg)


def read_tsv(path, expected_cols=None):
    """Return (header, rows) where rows are (lineno, dict). '#' lines and blank lines are skipped."""
    header, rows = None, []
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if line.endswith("\r"):
                problem(f"{os.path.basename(path)}:{lineno}: CRLF line ending")
                line = line.rstrip("\r")
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            if header is None:
                header = cells
                if expected_cols is not None and header != expected_cols:
                    problem(f"{os.path.basename(path)}: header {header} != expected {expected_cols}")
                continue
            if len(cells) != len(header):
                problem(f"{os.path.basename(path)}:{lineno}: {len(cells)} columns, expected {len(header)}")
                continue
            rows.append((lineno, dict(zip(header, cells))))
    if header is None:
        problem(f"{os.path.basename(path)}: no header line")
    return header, rows


def split_list(value, where):
    if value == "":
        return []
    items = value.split("|")
    for it in items:
        if it == "":
            problem(f"{where}: empty item in list {value!r}")
        elif it != it.strip() or "  " in it:
            problem(f"{where}: item has stray whitespace: {it!r}")
    return [it for it in items if it]


def norm(s):
    """Key for clash detection: NFKD, strip combining marks, unify apostrophes, casefold."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.replace("\u2019", "'").replace("\u02bb", "'").replace("\u2018", "'")
    return s.casefold().strip()


def check_states(d):
    path = os.path.join(d, "states.tsv")
    _, rows = read_tsv(path, STATE_COLS)
    print(f"states.tsv: {len(rows)} rows")
    if len(rows) != 197:
        problem(f"states.tsv: {len(rows)} rows, expected 197")

    status = Counter(r["status"] for _, r in rows)
    for k, n in STATUS_COUNTS.items():
        if status.get(k, 0) != n:
            problem(f"states.tsv: {status.get(k, 0)} rows with status {k}, expected {n}")
    for k in status:
        if k not in STATUS_COUNTS:
            problem(f"states.tsv: unknown status {k!r}")

    for col in ("qid", "iso2", "iso3", "name"):
        for v, n in Counter(r[col] for _, r in rows).items():
            if n > 1:
                problem(f"states.tsv: {col} {v!r} occurs {n} times")

    owner = defaultdict(set)  # normalised string -> {(qid, name, original string, column)}
    by_iso2 = {}
    for lineno, r in rows:
        where = f"states.tsv:{lineno} ({r['name']})"
        if not QID_RE.match(r["qid"]):
            problem(f"{where}: bad qid {r['qid']!r}")
        if not ISO2_RE.match(r["iso2"]):
            problem(f"{where}: bad iso2 {r['iso2']!r}")
        if not ISO3_RE.match(r["iso3"]):
            problem(f"{where}: bad iso3 {r['iso3']!r}")
        if not r["name"] or r["name"] != r["name"].strip():
            problem(f"{where}: empty or padded name")
        strings = {r["name"]: "name"}
        for col in ("aliases", "demonyms", "seats"):
            for s in split_list(r[col], f"{where} {col}"):
                if s in strings:
                    problem(f"{where}: {s!r} repeated in {strings[s]} and {col}")
                strings.setdefault(s, col)
        for s in split_list(r["ambiguous"], f"{where} ambiguous"):
            if s not in strings:
                problem(f"{where}: ambiguous entry {s!r} is not one of the row's own strings")
        for s, col in strings.items():
            owner[norm(s)].add((r["qid"], r["name"], s, col))
        by_iso2[r["iso2"]] = r

    clashes = 0
    for key, owners in sorted(owner.items()):
        if len({o[0] for o in owners}) > 1:
            clashes += 1
            desc = "; ".join(f"{o[1]} ({o[0]}) {o[3]} {o[2]!r}" for o in sorted(owners))
            problem(f"states.tsv: string {key!r} claimed by several states: {desc}")
    print(f"states.tsv: {len(owner)} distinct strings, {clashes} cross-state clashes")

    # annotation guide
    by_name = {r["name"]: r for _, r in rows}
    for name, q in GUIDE_STATES.items():
        r = by_name.get(name)
        if r is None:
            problem(f"states.tsv: guide state {name!r} missing (by name)")
        elif r["qid"] != q:
            problem(f"states.tsv: {name} has {r['qid']}, annotation guide says {q}")

    # independent reference
    rpath = os.path.join(d, "reference", "states_reference.tsv")
    _, refrows = read_tsv(rpath, ["qid", "iso2", "iso3", "name", "source"])
    ref = defaultdict(list)
    for lineno, rr in refrows:
        if not QID_RE.match(rr["qid"]) or not ISO2_RE.match(rr["iso2"]):
            problem(f"states_reference.tsv:{lineno}: malformed row {rr}")
        ref[rr["iso2"]].append(rr)
    agree = 0
    for iso2, r in sorted(by_iso2.items()):
        cands = ref.get(iso2)
        if not cands:
            problem(f"states.tsv: {r['name']} ({iso2}) has no reference row")
            continue
        qids = sorted({c["qid"] for c in cands})
        if r["qid"] not in qids:
            problem(f"states.tsv: {r['name']} ({iso2}) {r['qid']} disagrees with reference {qids}")
            continue
        agree += 1
        for c in cands:
            if c["iso3"] and c["iso3"] != r["iso3"]:
                problem(f"states.tsv: {r['name']} iso3 {r['iso3']} != reference {c['iso3']} ({c['source']})")
        if len(qids) > 1:
            alts = ", ".join(f"{c['qid']} ({c['source']})" for c in cands)
            print(f"note: reference has several QIDs for {iso2} {r['name']}: {alts}; table uses {r['qid']}")
        elif cands[0]["source"] != "owid":
            print(f"note: {iso2} {r['name']} {r['qid']} checked against {cands[0]['source']} "
                  f"(no QID in the primary source)")
    print(f"states.tsv: {agree}/{len(by_iso2)} QIDs agree with reference/states_reference.tsv")
    return owner


def check_igos(d, state_owner):
    path = os.path.join(d, "igos.tsv")
    _, rows = read_tsv(path, IGO_COLS)
    print(f"igos.tsv: {len(rows)} rows")
    for v, n in Counter(r["qid"] for _, r in rows).items():
        if n > 1:
            problem(f"igos.tsv: qid {v} occurs {n} times")
    kinds = {r["qid"]: r["kind"] for _, r in rows}
    _, refrows = read_tsv(os.path.join(d, "reference", "igos_reference.tsv"), ["qid", "name", "source"])
    refq = defaultdict(list)
    for lineno, rr in refrows:
        if not QID_RE.match(rr["qid"]):
            problem(f"igos_reference.tsv:{lineno}: bad qid {rr['qid']!r}")
        refq[rr["qid"]].append(f"{rr['name']} [{rr['source']}]")

    owner = defaultdict(set)
    for lineno, r in rows:
        where = f"igos.tsv:{lineno} ({r['name']})"
        if not QID_RE.match(r["qid"]):
            problem(f"{where}: bad qid {r['qid']!r}")
        if not r["name"] or r["name"] != r["name"].strip():
            problem(f"{where}: empty or padded name")
        if r["kind"] not in IGO_KINDS:
            problem(f"{where}: bad kind {r['kind']!r}")
        if r["kind"] == "igo_body":
            if not QID_RE.match(r["parent_qid"]):
                problem(f"{where}: igo_body without a valid parent_qid")
            elif kinds.get(r["parent_qid"]) != "igo":
                problem(f"{where}: parent {r['parent_qid']} is not an igo row of igos.tsv")
        elif r["parent_qid"]:
            problem(f"{where}: kind igo must have an empty parent_qid")
        if r["qid"] not in refq:
            problem(f"{where}: {r['qid']} not found in reference/igos_reference.tsv")
        strings = {r["name"]}
        for col in ("acronym", "aliases"):
            strings.update(split_list(r[col], f"{where} {col}"))
        for s in strings:
            owner[norm(s)].add((r["qid"], r["name"], s))
    for name, q in GUIDE_IGOS.items():
        hit = [r for _, r in rows if r["name"] == name]
        if not hit:
            problem(f"igos.tsv: guide IGO {name!r} missing")
        elif hit[0]["qid"] != q:
            problem(f"igos.tsv: {name} has {hit[0]['qid']}, annotation guide says {q}")
    for key, owners in sorted(owner.items()):
        if len({o[0] for o in owners}) > 1:
            problem(f"igos.tsv: string {key!r} claimed by several organisations: {sorted(owners)}")
        if key in state_owner:
            problem(f"igos.tsv: string {key!r} also names a state: {sorted(state_owner[key])}")
    ok = sum(1 for _, r in rows if r["qid"] in refq)
    print(f"igos.tsv: {ok}/{len(rows)} QIDs found in reference/igos_reference.tsv")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    state_owner = check_states(d)
    check_igos(d, state_owner)
    if problems:
        print(f"FAILED: {len(problems)} problem(s)")
        return 1
    print("OK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
