//! IRIs of the ontology and of our identifiers, in one place.

pub const RP: &str = "https://w3id.org/realpolitik/ontology#";
pub const ID: &str = "https://w3id.org/realpolitik/id/";
/// Named graph holding the ontology in the store.
pub const ONTOLOGY_GRAPH: &str = "https://w3id.org/realpolitik/ontology";
/// Named graph holding the descriptions of shared entities (states, organisations, persons,
/// weapons: nodes many articles point to), stored once instead of once per article graph, so
/// union-graph queries get one row per fact.
pub const ENTITIES_GRAPH: &str = "https://w3id.org/realpolitik/id/entities";
pub const WD: &str = "http://www.wikidata.org/entity/";
pub const RDF_TYPE: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
pub const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
pub const OWL_SAME_AS: &str = "http://www.w3.org/2002/07/owl#sameAs";
pub const PROV_DERIVED: &str = "http://www.w3.org/ns/prov#wasDerivedFrom";
pub const XSD: &str = "http://www.w3.org/2001/XMLSchema#";

/// Prefixes written in Turtle/TriG output and the JSON-LD context.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rp", RP),
    ("rpid", ID),
    ("wd", WD),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("xsd", XSD),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
];

pub fn rp(local: &str) -> String {
    format!("{RP}{local}")
}
