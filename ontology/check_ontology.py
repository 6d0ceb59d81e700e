#!/usr/bin/env python3
"""Check the realpolitik ontology (and the closed lists the SHACL shapes repeat from it).

    python3 ontology/check_ontology.py [ONTOLOGY.ttl] [SHAPES.ttl]

Asserts that
  - the ontology header has owl:versionInfo, dcterms:title, dcterms:description, dcterms:license;
  - every term the Rust code emits (a superset of shared/eval/CONTRACT.md) is defined with the right
    OWL type, an English rdfs:label, an rdfs:comment and rdfs:isDefinedBy, and every property has
    rdfs:domain and rdfs:range (the expected ones, unions included);
  - every other rp: class or property defined in the file is documented the same way, and no rp:
    term is used without being defined;
  - rp:WeaponCategories holds exactly the 12 weapon-category concepts and rp:SanctionMeasures
    exactly the 9 measure concepts, each typed, labelled, defined and a top concept of its scheme;
  - the shapes' sh:in lists (measures, categories, transfer statuses) equal those closed lists.
Needs only rdflib. Exits 1 with one line per failure, 0 when everything holds.
"""

import sys
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

RP = Namespace("https://w3id.org/realpolitik/ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")
RPS = Namespace("https://w3id.org/realpolitik/shapes#")
ONTOLOGY_IRI = URIRef("https://w3id.org/realpolitik/ontology")

HERE = Path(__file__).resolve().parent

# Terms named in shared/eval/CONTRACT.md: their names and meaning are fixed.
CONTRACT = {
    "State", "Organization", "Person", "country", "Sanction", "imposedBy", "target",
    "WeaponTransfer", "supplier", "recipient", "weapon", "category", "Statement", "speaker", "quote",
}

CLASSES = [
    "Article", "Actor", "State", "FormerState", "Organization", "IntergovernmentalOrganization", "GovernmentBody",
    "Company", "ArmedGroup", "Person", "Event", "Sanction", "WeaponTransfer", "Statement", "Weapon",
    "WeaponCategory", "SanctionMeasure", "ReportedEvent",
]

# name -> (superclasses that must be asserted)
SUBCLASSES = {
    "State": ["Actor"], "FormerState": ["Actor"], "Organization": ["Actor"], "Person": ["Actor"],
    "IntergovernmentalOrganization": ["Organization"], "GovernmentBody": ["Organization"],
    "Company": ["Organization"], "ArmedGroup": ["Organization"],
    "Sanction": ["Event"], "WeaponTransfer": ["Event"], "Statement": ["Event"],
}

ACTOR = ("Actor",)
# name -> (domain classes, range)   a tuple of several domain classes means owl:unionOf
OBJECT_PROPERTIES = {
    "country": (("Organization", "Person"), RP.State),
    "imposedBy": (("Sanction",), RP.Actor),
    "target": (("Sanction",), RP.Actor),
    "measure": (("Sanction",), RP.SanctionMeasure),
    "supplier": (("WeaponTransfer",), RP.Actor),
    "recipient": (("WeaponTransfer",), RP.Actor),
    "weapon": (("WeaponTransfer",), RP.Weapon),
    "category": (("Weapon",), RP.WeaponCategory),
    "speaker": (("Statement",), RP.Actor),
    "mentions": (("Article",), RP.Actor),
    "affiliation": (("Person",), RP.Organization),
    "report": (("ReportedEvent",), RP.Event),
}

DATATYPE_PROPERTIES = {
    "quote": (("Statement",), XSD.string),
    "direct": (("Statement",), XSD.boolean),
    "measureText": (("Sanction",), XSD.string),
    "quantity": (("WeaponTransfer",), XSD.decimal),
    "status": (("WeaponTransfer",), XSD.string),
    "evidence": (("Event",), XSD.string),
    "evidenceStart": (("Event",), XSD.integer),
    "evidenceEnd": (("Event",), XSD.integer),
    "rule": (("Event",), XSD.string),
    "confidence": (("Event",), XSD.decimal),
    "url": (("Article",), XSD.anyURI),
    "title": (("Article",), XSD.string),
    "published": (("Article",), XSD.date),
    "contentHash": (("Article",), XSD.string),
    "role": (("Person",), XSD.string),
    "isoCode": (("State",), XSD.string),
    "linkMethod": (("Actor", "Weapon"), XSD.string),
    "linkConfidence": (("Actor", "Weapon"), XSD.decimal),
    "earliestDate": (("ReportedEvent",), XSD.date),
    "latestDate": (("ReportedEvent",), XSD.date),
    "reportCount": (("ReportedEvent",), XSD.integer),
}

WEAPON_CATEGORIES = [
    "Missile", "Ammunition", "Drone", "Aircraft", "ArmoredVehicle", "AirDefense", "Artillery",
    "SmallArms", "Naval", "MilitaryTechnology", "Components", "Other",
]
SANCTION_MEASURES = [
    "AssetFreeze", "TravelBan", "ArmsEmbargo", "ExportControl", "FinancialBlock", "InvestmentBan",
    "TradeRestriction", "FlightBan", "OtherMeasure",
]
TRANSFER_STATUSES = ["delivered", "ongoing", "agreed", "planned", "alleged", "intercepted"]


class Checker:
    def __init__(self, g: Graph):
        self.g = g
        self.failures: list[str] = []

    def fail(self, msg: str) -> None:
        self.failures.append(msg)

    def check(self, cond: bool, msg: str) -> bool:
        if not cond:
            self.fail(msg)
        return cond

    # -- helpers ------------------------------------------------------------------------------
    def en_label(self, s: URIRef) -> bool:
        return any(isinstance(o, Literal) and o.language == "en" and str(o).strip()
                   for o in self.g.objects(s, RDFS.label))

    def has_text(self, s: URIRef, p: URIRef) -> bool:
        return any(isinstance(o, Literal) and str(o).strip() for o in self.g.objects(s, p))

    def union_members(self, node) -> set:
        lst = self.g.value(node, OWL.unionOf)
        return set(Collection(self.g, lst)) if lst is not None else set()

    def matches(self, value, expected: tuple) -> bool:
        """value equals rp:X (one expected class) or is owl:unionOf exactly the expected classes."""
        want = {RP[n] for n in expected}
        if len(want) == 1:
            return value in want
        return self.union_members(value) == want

    def documented(self, s: URIRef, what: str) -> None:
        name = s.n3(self.g.namespace_manager)
        self.check(self.en_label(s), f"{what} {name}: no English rdfs:label")
        self.check(self.has_text(s, RDFS.comment), f"{what} {name}: no rdfs:comment")
        self.check((s, RDFS.isDefinedBy, ONTOLOGY_IRI) in self.g,
                   f"{what} {name}: no rdfs:isDefinedBy <{ONTOLOGY_IRI}>")

    # -- checks -------------------------------------------------------------------------------
    def header(self) -> None:
        g = self.g
        self.check((ONTOLOGY_IRI, RDF.type, OWL.Ontology) in g, f"<{ONTOLOGY_IRI}> is not an owl:Ontology")
        for p in (OWL.versionInfo, DCTERMS.title, DCTERMS.description, DCTERMS.license):
            self.check(g.value(ONTOLOGY_IRI, p) is not None, f"ontology header lacks {p.n3(g.namespace_manager)}")

    def classes(self) -> None:
        for n in CLASSES:
            c = RP[n]
            if not self.check((c, RDF.type, OWL.Class) in self.g, f"class rp:{n} is not declared owl:Class"):
                continue
            self.documented(c, "class")
        for n, supers in SUBCLASSES.items():
            for s in supers:
                self.check((RP[n], RDFS.subClassOf, RP[s]) in self.g, f"rp:{n} is not rdfs:subClassOf rp:{s}")
        for n in ("WeaponCategory", "SanctionMeasure"):
            self.check((RP[n], RDFS.subClassOf, SKOS.Concept) in self.g, f"rp:{n} is not rdfs:subClassOf skos:Concept")

    def properties(self) -> None:
        for kind, table in ((OWL.ObjectProperty, OBJECT_PROPERTIES), (OWL.DatatypeProperty, DATATYPE_PROPERTIES)):
            kname = kind.n3(self.g.namespace_manager)
            other = OWL.DatatypeProperty if kind == OWL.ObjectProperty else OWL.ObjectProperty
            for n, (domain, rng) in table.items():
                p = RP[n]
                if not self.check((p, RDF.type, kind) in self.g, f"property rp:{n} is not declared {kname}"):
                    continue
                self.check((p, RDF.type, other) not in self.g, f"property rp:{n} is typed both object and datatype property")
                self.documented(p, "property")
                doms = list(self.g.objects(p, RDFS.domain))
                rngs = list(self.g.objects(p, RDFS.range))
                self.check(len(doms) == 1, f"property rp:{n}: expected one rdfs:domain, found {len(doms)}")
                self.check(len(rngs) == 1, f"property rp:{n}: expected one rdfs:range, found {len(rngs)}")
                if doms:
                    self.check(self.matches(doms[0], domain),
                               f"property rp:{n}: rdfs:domain should be {' or '.join('rp:' + d for d in domain)}")
                if rngs:
                    self.check(rngs[0] == rng, f"property rp:{n}: rdfs:range should be {rng.n3(self.g.namespace_manager)}")

    def contract(self) -> None:
        defined = {s for s in self.g.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI)}
        for n in sorted(CONTRACT):
            self.check(RP[n] in defined, f"contract term rp:{n} is not defined")

    def everything_documented(self) -> None:
        """Any other rp: class or property in the file is documented; no rp: term dangles."""
        g = self.g
        declared = set()
        for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty):
            for s in g.subjects(RDF.type, kind):
                if isinstance(s, URIRef) and str(s).startswith(str(RP)):
                    declared.add(s)
                    self.documented(s, "term")
                    if kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
                        self.check(g.value(s, RDFS.domain) is not None, f"property {s.n3(g.namespace_manager)}: no rdfs:domain")
                        self.check(g.value(s, RDFS.range) is not None, f"property {s.n3(g.namespace_manager)}: no rdfs:range")
        individuals = {s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(RP))}
        used = {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(str(RP))}
        for t in sorted(used - declared - individuals):
            self.fail(f"{t.n3(g.namespace_manager)} is used but never defined")

    def scheme(self, scheme: URIRef, cls: URIRef, names: list, alt_labels: bool) -> None:
        g = self.g
        sname = scheme.n3(g.namespace_manager)
        self.check((scheme, RDF.type, SKOS.ConceptScheme) in g, f"{sname} is not a skos:ConceptScheme")
        self.check(self.en_label(scheme) or g.value(scheme, SKOS.prefLabel) is not None, f"{sname}: no label")
        want = {RP[n] for n in names}
        in_scheme = set(g.subjects(SKOS.inScheme, scheme))
        self.check(in_scheme == want, f"{sname}: concepts in scheme differ: missing "
                   f"{sorted(str(x) for x in want - in_scheme)}, extra {sorted(str(x) for x in in_scheme - want)}")
        self.check(set(g.objects(scheme, SKOS.hasTopConcept)) == want, f"{sname}: skos:hasTopConcept differs from the concept list")
        typed = set(g.subjects(RDF.type, cls))
        self.check(typed == want, f"{sname}: instances of {cls.n3(g.namespace_manager)} differ from the concept list")
        for c in sorted(want):
            cn = c.n3(g.namespace_manager)
            self.check((c, RDF.type, SKOS.Concept) in g, f"{cn} is not a skos:Concept")
            self.check((c, RDF.type, cls) in g, f"{cn} is not a {cls.n3(g.namespace_manager)}")
            self.check((c, SKOS.topConceptOf, scheme) in g, f"{cn} is not skos:topConceptOf {sname}")
            pref = [o for o in g.objects(c, SKOS.prefLabel) if isinstance(o, Literal) and o.language == "en"]
            self.check(len(pref) == 1, f"{cn}: needs exactly one English skos:prefLabel, has {len(pref)}")
            self.check(self.has_text(c, SKOS.definition), f"{cn}: no skos:definition")
            if alt_labels:
                self.check(self.has_text(c, SKOS.altLabel), f"{cn}: no skos:altLabel")
            for m in (SKOS.exactMatch, SKOS.closeMatch, SKOS.narrowMatch, SKOS.broadMatch, SKOS.relatedMatch):
                for o in g.objects(c, m):
                    self.check(str(o).startswith("http://www.wikidata.org/entity/Q"),
                               f"{cn}: {m.n3(g.namespace_manager)} {o} is not a Wikidata entity IRI")
        # the class is closed over exactly these concepts (owl:oneOf), if it says so
        for eq in g.objects(cls, OWL.equivalentClass):
            lst = g.value(eq, OWL.oneOf)
            if lst is not None:
                self.check(set(Collection(g, lst)) == want, f"{cls.n3(g.namespace_manager)}: owl:oneOf differs from the concept list")

    def shapes(self, sg: Graph) -> None:
        def in_list(path: URIRef) -> list:
            out = []
            for ps in sg.subjects(SH.path, path):
                lst = sg.value(ps, SH["in"])
                if lst is not None:
                    out.append([x for x in Collection(sg, lst)])
            return out

        for path, want, what in (
            (RP.measure, [RP[n] for n in SANCTION_MEASURES], "sanction measures"),
            (RP.category, [RP[n] for n in WEAPON_CATEGORIES], "weapon categories"),
            (RP.status, [Literal(s) for s in TRANSFER_STATUSES], "transfer statuses"),
        ):
            lists = in_list(path)
            if self.check(bool(lists), f"shapes: no sh:in list on {path.n3(self.g.namespace_manager)}"):
                for lst in lists:
                    self.check(set(lst) == set(want) and len(lst) == len(want),
                               f"shapes: sh:in on {path.n3(self.g.namespace_manager)} differs from the {what}")
        comment = str(self.g.value(RP.status, RDFS.comment) or "")
        for s in TRANSFER_STATUSES:
            self.check(f"'{s}'" in comment, f"rp:status comment does not list '{s}'")
        for shape in ("SanctionShape", "WeaponTransferShape", "StatementShape", "EventShape", "StateShape",
                      "OrganizationShape", "PersonShape", "ArticleShape", "ReportedEventShape"):
            self.check((RPS[shape], RDF.type, SH.NodeShape) in sg, f"shapes: rps:{shape} missing")


def main(argv: list) -> int:
    onto = Path(argv[1]) if len(argv) > 1 else HERE / "realpolitik.ttl"
    shapes = Path(argv[2]) if len(argv) > 2 else HERE / "shapes.ttl"
    g = Graph()
    g.bind("rp", RP)
    try:
        g.parse(onto, format="turtle")
    except Exception as e:  # noqa: BLE001 - report any parse failure the same way
        print(f"FAIL: {onto} does not parse: {e}")
        return 1
    c = Checker(g)
    c.header()
    c.classes()
    c.properties()
    c.contract()
    c.everything_documented()
    c.scheme(RP.WeaponCategories, RP.WeaponCategory, WEAPON_CATEGORIES, alt_labels=False)
    c.scheme(RP.SanctionMeasures, RP.SanctionMeasure, SANCTION_MEASURES, alt_labels=True)
    if shapes.exists():
        sg = Graph()
        try:
            sg.parse(shapes, format="turtle")
            c.shapes(sg)
        except Exception as e:  # noqa: BLE001
            c.fail(f"{shapes} does not parse: {e}")
    else:
        c.fail(f"{shapes} not found")
    for f in c.failures:
        print(f"FAIL: {f}")
    if c.failures:
        print(f"{len(c.failures)} failure(s)")
        return 1
    n_terms = len(CLASSES) + len(OBJECT_PROPERTIES) + len(DATATYPE_PROPERTIES)
    print(f"ok: {onto.name}: {n_terms} terms documented, {len(WEAPON_CATEGORIES)} weapon categories, "
          f"{len(SANCTION_MEASURES)} sanction measures; {shapes.name} lists agree")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
