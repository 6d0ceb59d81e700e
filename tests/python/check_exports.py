#!/usr/bin/env python3
"""Independent checks of realpolitik's exports.

usage: check_exports.py SHAPES FILE...

Every file is parsed with rdflib (format from its extension); all must give the same number
of distinct triples (graph names dropped). The Turtle export, minus the ontology graph, is
then validated against the SHACL shapes with pyshacl.
"""
import sys

import rdflib
from pyshacl import validate

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "nq": "nquads", "rdf": "xml"}
ONTOLOGY = "https://w3id.org/realpolitik/ontology"


def triples(path):
    fmt = FORMATS[path.rsplit(".", 1)[1]]
    ds = rdflib.Dataset()
    if fmt in ("trig", "nquads", "json-ld"):
        ds.parse(path, format=fmt)
        return {(s, p, o) for s, p, o, g in ds.quads((None, None, None, None))}, ds
    g = rdflib.Graph()
    g.parse(path, format=fmt)
    return set(g), g


def main():
    shapes, files = sys.argv[1], sys.argv[2:]
    counts = {}
    data = None
    for f in files:
        ts, parsed = triples(f)
        counts[f] = len(ts)
        if f.endswith(".trig"):
            # The data graph for SHACL: every article graph and the entities graph, not the ontology.
            data = rdflib.Graph()
            for s, p, o, g in parsed.quads((None, None, None, None)):
                if str(g) != ONTOLOGY:
                    data.add((s, p, o))
    print("triples per export:", counts)
    if len(set(counts.values())) != 1:
        print("FAIL: exports disagree on the triple count")
        return 1
    if data is None or len(data) == 0:
        print("FAIL: no data to validate")
        return 1
    conforms, _, text = validate(data, shacl_graph=rdflib.Graph().parse(shapes, format="turtle"), inference="none")
    print(f"SHACL conforms: {conforms} ({len(data)} triples)")
    if not conforms:
        print(text[:4000])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
