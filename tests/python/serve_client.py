#!/usr/bin/env python3
"""Check `realpolitik serve` with independent clients: SPARQLWrapper for the protocol,
rdflib for parsing graphs.

Usage: serve_client.py http://127.0.0.1:PORT

The server must hold the sample data of tests/serve.rs (sample_store): in graph
<http://example.org/g1> alpha, beta, gamma with ex:name, and alpha ex:knows beta; in graph
<http://example.org/g2> delta with ex:name "Delta"@en and ex:age 42. Exits non-zero on any
mismatch.
"""

import csv
import io
import sys

import rdflib
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

EX = "http://example.org/"
PREFIX = "PREFIX ex: <http://example.org/>\n"
NAMES = PREFIX + "SELECT ?s ?name WHERE { ?s ex:name ?name } ORDER BY STR(?name)"
LABELS = PREFIX + "CONSTRUCT { ?s ex:label ?name } WHERE { ?s ex:name ?name }"
EXPECTED_NAMES = ["Alpha", "Beta", "Delta", "Gamma"]

failures = []


def check(what, got, expected):
    if got == expected:
        print(f"ok   {what}")
    else:
        print(f"FAIL {what}: got {got!r}, expected {expected!r}")
        failures.append(what)


def client(endpoint, query, fmt, method=None):
    sw = SPARQLWrapper(endpoint)
    sw.setQuery(query)
    sw.setReturnFormat(fmt)
    if method:
        sw.setMethod(method)
    return sw


def expected_labels():
    g = rdflib.Graph()
    label = rdflib.URIRef(EX + "label")
    for s, n in [("alpha", "Alpha"), ("beta", "Beta"), ("gamma", "Gamma")]:
        g.add((rdflib.URIRef(EX + s), label, rdflib.Literal(n)))
    g.add((rdflib.URIRef(EX + "delta"), label, rdflib.Literal("Delta", lang="en")))
    return g


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    endpoint = sys.argv[1].rstrip("/") + "/query"

    # SELECT, JSON, over GET and POST (form).
    for method in (None, POST):
        res = client(endpoint, NAMES, JSON, method).query().convert()
        names = [b["name"]["value"] for b in res["results"]["bindings"]]
        check(f"SELECT JSON ({method or 'GET'})", names, EXPECTED_NAMES)
        check(f"SELECT JSON vars ({method or 'GET'})", res["head"]["vars"], ["s", "name"])
    res = client(endpoint, NAMES, JSON).query().convert()
    delta = [b for b in res["results"]["bindings"] if b["name"]["value"] == "Delta"][0]
    check("SELECT JSON language tag", delta["name"].get("xml:lang"), "en")

    # SELECT, XML (SPARQLWrapper returns a DOM).
    doc = client(endpoint, NAMES, XML).query().convert()
    names = [
        b.getElementsByTagName("literal")[0].firstChild.data
        for b in doc.getElementsByTagName("binding")
        if b.getAttribute("name") == "name"
    ]
    check("SELECT XML", names, EXPECTED_NAMES)

    # SELECT, CSV.
    raw = client(endpoint, NAMES, CSV).query().convert()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    check("SELECT CSV header", rows[0], ["s", "name"])
    check("SELECT CSV rows", [r[1] for r in rows[1:]], EXPECTED_NAMES)
    check("SELECT CSV subjects", rows[1][0], EX + "alpha")

    # ASK, JSON and XML.
    res = client(endpoint, PREFIX + "ASK { ex:alpha ex:knows ex:beta }", JSON).query().convert()
    check("ASK JSON true", res.get("boolean"), True)
    res = client(endpoint, PREFIX + "ASK { ex:beta ex:knows ex:alpha }", JSON).query().convert()
    check("ASK JSON false", res.get("boolean"), False)
    doc = client(endpoint, PREFIX + "ASK { ex:delta ex:age 42 }", XML).query().convert()
    check("ASK XML", doc.getElementsByTagName("boolean")[0].firstChild.data, "true")

    # CONSTRUCT, Turtle and JSON-LD, parsed by rdflib and compared as graphs.
    expected = expected_labels()
    for fmt, rdflib_format in ((TURTLE, "turtle"), (JSONLD, "json-ld")):
        response = client(endpoint, LABELS, fmt).query()
        content_type = response.response.headers.get("Content-Type", "")
        body = response.response.read()
        g = rdflib.Graph()
        g.parse(data=body.decode("utf-8"), format=rdflib_format)
        check(f"CONSTRUCT {rdflib_format} content type", content_type.split(";")[0].strip(),
              {"turtle": "text/turtle", "json-ld": "application/ld+json"}[rdflib_format])
        check(f"CONSTRUCT {rdflib_format} graph", rdflib.compare.isomorphic(g, expected), True)
        if not rdflib.compare.isomorphic(g, expected):
            print(body.decode("utf-8"))

    # A malformed query is a 400 that SPARQLWrapper reports as QueryBadFormed.
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    try:
        client(endpoint, "SELECT ?s WHERE { ?s ?p }", JSON).query()
        check("malformed query refused", "accepted", "QueryBadFormed")
    except QueryBadFormed:
        check("malformed query refused", "QueryBadFormed", "QueryBadFormed")

    if failures:
        print(f"{len(failures)} check(s) failed: {', '.join(failures)}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    import rdflib.compare  # noqa: F401  (isomorphic)

    sys.exit(main())
