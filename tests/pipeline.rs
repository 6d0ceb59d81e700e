//! End-to-end behaviour of the library: the seed article's facts, RDF round trips in every
//! format, determinism, and the store (re-ingest, SPARQL).

mod common;

use oxigraph::model::{Quad, Triple};
use realpolitik::ingest::{self, Kind};
use realpolitik::model::{ActorKind, Article, Extraction};
use realpolitik::rdf::{self, Format};
use realpolitik::{Extractor, store};
use std::collections::BTreeSet;

/// Quads and triples as sortable N-Quads/N-Triples lines.
fn lines<T: ToString>(items: impl IntoIterator<Item = T>) -> BTreeSet<String> {
    items.into_iter().map(|t| t.to_string()).collect()
}

fn seed_000() -> Article {
    let p = common::samples().join("000_70de5bca808cd6d9.txt");
    let bytes = std::fs::read(&p).unwrap();
    ingest::read_bytes(&p.display().to_string(), &bytes, Kind::Text).remove(0).unwrap()
}

fn all_samples() -> Vec<Article> {
    let srcs = ingest::expand(&[common::samples().display().to_string()]);
    srcs.into_iter().flat_map(|s| ingest::read_source(&s.unwrap())).map(|a| a.unwrap()).collect()
}

fn state(ex: &Extraction, i: usize) -> Option<String> {
    let a = &ex.actors[i];
    if a.kind == ActorKind::State { a.qid.clone() } else { a.country.clone() }
}

#[test]
fn seed_article_yields_sanctions_transfer_and_statements() {
    let a = seed_000();
    let ex = Extractor::shared().unwrap().extract(&a);
    // US sanctions on Russian entities.
    assert!(
        ex.sanctions.iter().any(|s| s.imposers.iter().any(|&i| state(&ex, i).as_deref() == Some("Q30"))
            && s.targets.iter().any(|&t| state(&ex, t).as_deref() == Some("Q159"))),
        "no US → Russia sanction in {:#?}",
        ex.sanctions
    );
    // North Korea → Russia ballistic missiles.
    assert!(
        ex.transfers.iter().any(|t| t.suppliers.iter().any(|&i| state(&ex, i).as_deref() == Some("Q423"))
            && t.recipients.iter().any(|&i| state(&ex, i).as_deref() == Some("Q159"))
            && t.weapon.category == "Missile"),
        "no NK → Russia missile transfer in {:#?}",
        ex.transfers
    );
    // Statements by Brian Nelson and Matthew Miller.
    for who in ["Brian Nelson", "Matthew Miller"] {
        assert!(
            ex.statements.iter().any(|s| ex.actors[s.speaker].label == who && s.quote.split_whitespace().count() >= 4),
            "no statement by {who}"
        );
    }
    let nelson = ex.actors.iter().find(|a| a.label == "Brian Nelson").unwrap();
    assert_eq!(nelson.country.as_deref(), Some("Q30"), "the Treasury role makes Nelson a US official");
    // Every fact carries its evidence: the sentence is at its offsets in the article text.
    for ev in ex.sanctions.iter().map(|s| &s.evidence).chain(ex.transfers.iter().map(|t| &t.evidence)).chain(ex.statements.iter().map(|s| &s.evidence)) {
        let sentence: String = a.text.chars().skip(ev.char_start).take(ev.char_end - ev.char_start).collect();
        assert_eq!(sentence, ev.sentence);
        assert!(!ev.rule.is_empty() && ev.confidence > 0.0 && ev.confidence <= 1.0);
    }
}

fn sample_quads() -> Vec<Quad> {
    let x = Extractor::shared().unwrap();
    all_samples().iter().flat_map(|a| rdf::article_quads(a, &x.extract(a))).collect()
}

fn triples(quads: &[Quad]) -> BTreeSet<String> {
    lines(quads.iter().map(|q| Triple::from(q.clone())))
}

#[test]
fn every_format_parses_back_to_the_same_graph() {
    let quads = sample_quads();
    assert!(quads.len() > 200, "samples give a real graph, got {} quads", quads.len());
    let want_quads = lines(quads.iter());
    for f in [Format::Turtle, Format::Ntriples, Format::Nquads, Format::Trig, Format::Jsonld, Format::Rdfxml] {
        let bytes = rdf::write_quads(quads.clone(), f, Vec::new()).unwrap();
        let back = rdf::parse(&bytes, f).unwrap_or_else(|e| panic!("{f:?} does not parse back: {e}"));
        if f.keeps_graphs() {
            assert_eq!(lines(back.iter()), want_quads, "{f:?} round trip (with graphs)");
        } else {
            assert_eq!(triples(&back), triples(&quads), "{f:?} round trip");
        }
    }
}

#[test]
fn jsonld_is_compacted_for_people() {
    let quads = sample_quads();
    let bytes = rdf::write_quads(quads, Format::Jsonld, Vec::new()).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(v["@context"].is_object());
    for key in ["\"imposedBy\"", "\"target\"", "\"supplier\"", "\"speaker\"", "\"quote\"", "\"label\"", "\"sameAs\": \"wd:Q30\""] {
        assert!(text.contains(key), "compact key {key} missing");
    }
    assert!(!text.contains("\"https://w3id.org/realpolitik/ontology#imposedBy\""), "keys must be compacted");
    // Typed literals the context coerces come out as JSON numbers and booleans.
    let re = |p: &str| regex::Regex::new(p).unwrap();
    assert!(re(r#""evidenceStart": \d+[,\n]"#).is_match(&text), "evidenceStart as a JSON number");
    assert!(!text.contains("\"evidenceStart\": \""), "no evidenceStart as a string");
    assert!(re(r#""direct": (true|false)"#).is_match(&text), "direct as a JSON boolean");
}

#[test]
fn output_is_deterministic() {
    let a = rdf::write_quads(sample_quads(), Format::Turtle, Vec::new()).unwrap();
    let b = rdf::write_quads(sample_quads(), Format::Turtle, Vec::new()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn reingest_replaces_and_sparql_answers() {
    let dir = tempfile::tempdir().unwrap();
    let st = store::open(dir.path()).unwrap();
    store::ensure_ontology(&st).unwrap();
    let articles = all_samples();
    for a in &articles {
        store::ingest_article(&st, a).unwrap();
    }
    let n1 = st.len().unwrap();
    for a in &articles {
        store::ingest_article(&st, a).unwrap();
    }
    store::ensure_ontology(&st).unwrap();
    assert_eq!(st.len().unwrap(), n1, "re-ingesting must not duplicate");
    assert_eq!(st.named_graphs().count(), articles.len() + 1, "one graph per article plus the ontology");

    let q = "SELECT DISTINCT ?imposer WHERE { ?s a rp:Sanction ; rp:imposedBy/owl:sameAs ?imposer ; rp:target ?t . } ORDER BY ?imposer";
    let out = realpolitik::query::run(&st, q, realpolitik::query::ResultFormat::Csv, Vec::new()).unwrap();
    let csv = String::from_utf8(out).unwrap();
    assert!(csv.lines().any(|l| l.trim() == "http://www.wikidata.org/entity/Q30"), "US imposes sanctions:\n{csv}");

    let q = "SELECT ?speaker WHERE { ?s a rp:Statement ; rp:speaker/rdfs:label ?speaker }";
    let out = realpolitik::query::run(&st, q, realpolitik::query::ResultFormat::Table, Vec::new()).unwrap();
    let table = String::from_utf8(out).unwrap();
    assert!(table.contains("Brian Nelson") && table.contains("Matthew Miller"), "{table}");

    // The ontology is in the store, in its own graph.
    let q = "ASK { GRAPH <https://w3id.org/realpolitik/ontology> { rp:Sanction a owl:Class } }";
    let out = realpolitik::query::run(&st, q, realpolitik::query::ResultFormat::Table, Vec::new()).unwrap();
    assert_eq!(String::from_utf8(out).unwrap().trim(), "true");
}

#[test]
fn failed_write_leaves_nothing_half_done() {
    // An article is one transaction: its graph holds all of its facts or none.
    let dir = tempfile::tempdir().unwrap();
    let st = store::open(dir.path()).unwrap();
    let a = seed_000();
    let rep = store::ingest_article(&st, &a).unwrap();
    let g = oxigraph::model::NamedNode::new(&rep.article).unwrap();
    let in_graph = st.quads_for_pattern(None, None, None, Some(g.as_ref().into())).count();
    assert_eq!(in_graph, rep.triples);
}

#[test]
fn malformed_query_is_a_clear_error() {
    let st = oxigraph::store::Store::new().unwrap();
    let e = realpolitik::query::run(&st, "SELECT ?x WHERE { ?x ", realpolitik::query::ResultFormat::Table, Vec::new()).unwrap_err();
    assert!(e.to_string().starts_with("SPARQL query:"), "{e}");
}
