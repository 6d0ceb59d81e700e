//! Compacted JSON-LD: short keys (`imposedBy`, `label`) under a fixed `@context`, which
//! oxigraph's streaming writer does not produce. Checked by parsing it back (see tests).

use super::vocab::*;
use crate::error::{Error, Result};
use oxigraph::model::{GraphName, NamedOrBlankNode, Quad, Term};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::io::Write;

/// (term, property local name or IRI, coercion)
const OBJECT_PROPS: &[&str] = &["country", "imposedBy", "target", "supplier", "recipient", "weapon", "speaker", "mentions", "affiliation", "report"];
const VOCAB_PROPS: &[&str] = &["category", "measure", "eventType"];
const TYPED_PROPS: &[(&str, &str)] = &[
    ("evidenceStart", "integer"),
    ("evidenceEnd", "integer"),
    ("quantity", "decimal"),
    ("confidence", "decimal"),
    ("linkConfidence", "decimal"),
    ("direct", "boolean"),
    ("published", "date"),
    ("eventDate", "date"),
    ("earliestDate", "date"),
    ("latestDate", "date"),
    ("reportCount", "integer"),
    ("url", "anyURI"),
];
const STRING_PROPS: &[&str] = &["quote", "evidence", "rule", "datePrecision", "dateText", "measureText", "status", "title", "contentHash", "role", "isoCode", "linkMethod"];

/// The `@context` every document we write uses.
pub fn context() -> Value {
    let mut c = Map::new();
    c.insert("@vocab".into(), json!(RP));
    for (p, ns) in PREFIXES {
        c.insert((*p).into(), json!(ns));
    }
    c.insert("label".into(), json!("rdfs:label"));
    c.insert("sameAs".into(), json!({"@id": "owl:sameAs", "@type": "@id"}));
    c.insert("wasDerivedFrom".into(), json!({"@id": "prov:wasDerivedFrom", "@type": "@id"}));
    for p in OBJECT_PROPS {
        c.insert((*p).into(), json!({"@id": format!("rp:{p}"), "@type": "@id"}));
    }
    for p in VOCAB_PROPS {
        c.insert((*p).into(), json!({"@id": format!("rp:{p}"), "@type": "@vocab"}));
    }
    for (p, t) in TYPED_PROPS {
        c.insert((*p).into(), json!({"@id": format!("rp:{p}"), "@type": format!("xsd:{t}")}));
    }
    Value::Object(c)
}

fn compact_iri(iri: &str) -> String {
    for (p, ns) in PREFIXES {
        if let Some(rest) = iri.strip_prefix(ns) {
            if !rest.is_empty() && !rest.contains(['/', '#']) || *p == "rpid" {
                return format!("{p}:{rest}");
            }
        }
    }
    iri.to_string()
}

/// Key and value for one (predicate, object); falls back to full IRIs when no term fits.
fn entry(pred: &str, obj: &Term) -> (String, Value) {
    let local = pred.strip_prefix(RP).unwrap_or("");
    match obj {
        Term::NamedNode(n) => {
            if pred == RDFS_LABEL {
                return (pred.into(), json!({"@id": n.as_str()}));
            }
            if pred == OWL_SAME_AS {
                return ("sameAs".into(), json!(compact_iri(n.as_str())));
            }
            if pred == PROV_DERIVED {
                return ("wasDerivedFrom".into(), json!(compact_iri(n.as_str())));
            }
            if OBJECT_PROPS.contains(&local) {
                return (local.into(), json!(compact_iri(n.as_str())));
            }
            if VOCAB_PROPS.contains(&local) {
                if let Some(l) = n.as_str().strip_prefix(RP) {
                    return (local.into(), json!(l));
                }
            }
            (pred.into(), json!({"@id": n.as_str()}))
        }
        Term::Literal(l) => {
            let dt = l.datatype().as_str();
            let plain = dt == "http://www.w3.org/2001/XMLSchema#string" && l.language().is_none();
            if pred == RDFS_LABEL && plain {
                return ("label".into(), json!(l.value()));
            }
            if STRING_PROPS.contains(&local) && plain {
                return (local.into(), json!(l.value()));
            }
            if let Some((_, t)) = TYPED_PROPS.iter().find(|(p, _)| *p == local) {
                if dt == format!("{XSD}{t}") {
                    // Native JSON for integers and booleans: JSON-LD maps them back to the same
                    // xsd:integer / xsd:boolean literal. Decimals stay strings, since a JSON
                    // number with a fraction would come back as a double's lexical form.
                    let native = match *t {
                        "integer" => l.value().parse::<i64>().ok().map(Value::from),
                        "boolean" => l.value().parse::<bool>().ok().map(Value::from),
                        _ => None,
                    };
                    return (local.into(), native.unwrap_or_else(|| json!(l.value())));
                }
            }
            let v = match l.language() {
                Some(lang) => json!({"@value": l.value(), "@language": lang}),
                None if plain => json!({"@value": l.value()}),
                None => json!({"@value": l.value(), "@type": dt}),
            };
            (pred.into(), v)
        }
        #[allow(unreachable_patterns)]
        _ => (pred.into(), json!({"@id": obj.to_string()})),
    }
}

fn node_id(s: &NamedOrBlankNode) -> String {
    match s {
        NamedOrBlankNode::NamedNode(n) => compact_iri(n.as_str()),
        NamedOrBlankNode::BlankNode(b) => format!("_:{}", b.as_str()),
        #[allow(unreachable_patterns)]
        _ => s.to_string(),
    }
}

/// Write sorted quads as one compacted JSON-LD document.
pub fn write<W: Write>(quads: &[Quad], mut out: W) -> Result<W> {
    // graph -> subject -> key -> values
    let mut graphs: BTreeMap<Option<String>, BTreeMap<String, BTreeMap<String, Vec<Value>>>> = BTreeMap::new();
    for q in quads {
        let g = match &q.graph_name {
            GraphName::DefaultGraph => None,
            GraphName::NamedNode(n) => Some(compact_iri(n.as_str())),
            GraphName::BlankNode(b) => Some(format!("_:{}", b.as_str())),
        };
        let node = graphs.entry(g).or_default().entry(node_id(&q.subject)).or_default();
        if q.predicate.as_str() == RDF_TYPE {
            if let Term::NamedNode(t) = &q.object {
                let v = t.as_str().strip_prefix(RP).map(str::to_string).unwrap_or_else(|| compact_iri(t.as_str()));
                node.entry("@type".into()).or_default().push(json!(v));
                continue;
            }
        }
        let (k, v) = entry(q.predicate.as_str(), &q.object);
        node.entry(k).or_default().push(v);
    }
    let nodes = |subjects: BTreeMap<String, BTreeMap<String, Vec<Value>>>| -> Vec<Value> {
        subjects
            .into_iter()
            .map(|(id, props)| {
                let mut m = Map::new();
                m.insert("@id".into(), json!(id));
                // @type first, then keys sorted: stable and readable.
                if let Some(t) = props.get("@type") {
                    m.insert("@type".into(), one_or_many(t.clone()));
                }
                for (k, vs) in props {
                    if k != "@type" {
                        m.insert(k, one_or_many(vs));
                    }
                }
                Value::Object(m)
            })
            .collect()
    };
    let mut top: Vec<Value> = Vec::new();
    for (g, subjects) in graphs {
        match g {
            None => top.extend(nodes(subjects)),
            Some(g) => top.push(json!({"@id": g, "@graph": nodes(subjects)})),
        }
    }
    let doc = json!({"@context": context(), "@graph": top});
    serde_json::to_writer_pretty(&mut out, &doc).map_err(|e| Error::Rdf(e.to_string()))?;
    out.write_all(b"\n").map_err(|e| Error::Rdf(e.to_string()))?;
    Ok(out)
}

fn one_or_many(mut vs: Vec<Value>) -> Value {
    if vs.len() == 1 { vs.remove(0) } else { Value::Array(vs) }
}
