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
    assert_eq!(st.named_graphs().count(), articles.len() + 2, "one graph per article plus the entities and the ontology");

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
    let entities = rdf::entities_graph();
    let in_entities = st.quads_for_pattern(None, None, None, Some(entities.as_ref().into())).count();
    assert_eq!(in_entities, rep.entity_triples, "the entities' descriptions are written with the article");
    assert_eq!(st.len().unwrap(), rep.triples + rep.entity_triples);
}

fn graph_of(q: &Quad) -> String {
    q.graph_name.to_string()
}

#[test]
fn shared_entities_are_described_once_in_the_entities_graph() {
    let entities = format!("<{}>", rdf::entities_graph().as_str());
    let x = Extractor::shared().unwrap();
    let articles = all_samples();
    for a in &articles {
        let quads = rdf::article_quads(a, &x.extract(a));
        let own = format!("<{}>", rdf::article_iri(&a.id).as_str());
        let article = rdf::article_iri(&a.id).as_str().to_string();
        let scoped = [format!("{article}/"), format!("https://w3id.org/realpolitik/id/group/{}/", a.id)];
        for q in &quads {
            let s = q.subject.to_string();
            let s = s.trim_matches(['<', '>']);
            let article_scoped = s == article || scoped.iter().any(|p| s.starts_with(p.as_str()));
            let role = q.predicate.as_str().ends_with("#role");
            if article_scoped || role {
                assert_eq!(graph_of(q), own, "{q}: facts, provenance, article-scoped nodes and roles stay in the article graph");
            } else {
                assert_eq!(graph_of(q), entities, "{q}: a shared node is described in the entities graph");
            }
        }
        // Each article still carries the description of every node it points to, so its
        // triples alone (extract --format ntriples) stay self-contained.
        let labelled: BTreeSet<String> = quads.iter().filter(|q| q.predicate.as_str().ends_with("rdf-schema#label")).map(|q| q.subject.to_string()).collect();
        for q in &quads {
            let p = q.predicate.as_str();
            if ["imposedBy", "target", "supplier", "recipient", "speaker", "weapon", "mentions"].iter().any(|l| p.ends_with(&format!("#{l}"))) {
                assert!(labelled.contains(&q.object.to_string()), "{q}: its object has a label in the article's output");
            }
        }
    }
    // In the store: the United States' label is one triple, whatever the number of articles.
    let dir = tempfile::tempdir().unwrap();
    let st = store::open(dir.path()).unwrap();
    for a in &articles {
        store::ingest_article(&st, a).unwrap();
    }
    let us = oxigraph::model::NamedNode::new("https://w3id.org/realpolitik/id/state/Q30").unwrap();
    let label = oxigraph::model::NamedNode::new("http://www.w3.org/2000/01/rdf-schema#label").unwrap();
    let labels: Vec<Quad> = st.quads_for_pattern(Some(us.as_ref().into()), Some(label.as_ref()), None, None).map(|q| q.unwrap()).collect();
    assert_eq!(labels.len(), 1, "{labels:?}");
    assert_eq!(graph_of(&labels[0]), entities);
}

#[test]
fn replacing_an_article_keeps_the_entities_and_bulk_equals_one_by_one() {
    let x = Extractor::shared().unwrap();
    let articles = all_samples();
    let extractions: Vec<Extraction> = articles.iter().map(|a| x.extract(a)).collect();
    let dump = |st: &oxigraph::store::Store| lines(st.iter().map(|q| q.unwrap()));
    // One transaction per article, and the bulk path, give the same store.
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, bulk) = (store::open(d1.path()).unwrap(), store::open(d2.path()).unwrap());
    for (a, e) in articles.iter().zip(&extractions) {
        store::write_article(&one, a, e).unwrap();
    }
    let prepared: Vec<store::Prepared> =
        articles.iter().zip(&extractions).map(|(a, e)| store::Prepared { article: a, extraction: e, quads: rdf::article_quads(a, e) }).collect();
    assert!(store::write_batch(&bulk, &prepared).iter().all(Result::is_ok));
    assert_eq!(dump(&one), dump(&bulk));
    // Re-ingesting (replacing) through either path changes nothing.
    assert!(store::write_batch(&bulk, &prepared).iter().all(Result::is_ok));
    assert_eq!(dump(&one), dump(&bulk));
    // An article replaced by one without facts loses its own graph's facts; the entities it
    // described stay, for the other articles that point to them.
    let entities = rdf::entities_graph();
    let in_entities = |st: &oxigraph::store::Store| st.quads_for_pattern(None, None, None, Some(entities.as_ref().into())).count();
    let before = in_entities(&one);
    let rep = store::write_article(&one, &articles[0], &Extraction::default()).unwrap();
    assert_eq!(in_entities(&one), before);
    let g = rdf::article_iri(&articles[0].id);
    assert_eq!(one.quads_for_pattern(None, None, None, Some(g.as_ref().into())).count(), rep.triples);
    let q = "ASK { ?s a rp:Sanction ; prov:wasDerivedFrom <ARTICLE> }".replace("ARTICLE", g.as_str());
    let out = realpolitik::query::run(&one, &q, realpolitik::query::ResultFormat::Csv, Vec::new()).unwrap();
    assert!(String::from_utf8(out).unwrap().contains("false"));
}

#[test]
fn malformed_query_is_a_clear_error() {
    let st = oxigraph::store::Store::new().unwrap();
    let e = realpolitik::query::run(&st, "SELECT ?x WHERE { ?x ", realpolitik::query::ResultFormat::Table, Vec::new()).unwrap_err();
    assert!(e.to_string().starts_with("SPARQL query:"), "{e}");
}

/// ORDER BY under a LIMIT keeps only the first rows while reading (patched spareval): the
/// answer must be exactly the fully sorted answer's slice, ties in the same order.
#[test]
fn order_by_with_limit_is_the_slice_of_the_full_sort() {
    let st = oxigraph::store::Store::new().unwrap();
    for a in &all_samples() {
        store::ingest_article(&st, a).unwrap();
    }
    let csv = |q: &str| {
        let out = realpolitik::query::run(&st, q, realpolitik::query::ResultFormat::Csv, Vec::new()).unwrap();
        String::from_utf8(out).unwrap().lines().map(str::to_owned).collect::<Vec<_>>()
    };
    let body = "SELECT ?imposer ?target ?evidence WHERE { ?s a rp:Sanction ; rp:imposedBy/rdfs:label ?imposer ; \
                rp:target/rdfs:label ?target ; rp:evidence ?evidence }";
    for order in ["ORDER BY ?imposer", "ORDER BY DESC(?imposer)", "ORDER BY ?imposer DESC(?target)", "ORDER BY STRLEN(?evidence)"] {
        let full = csv(&format!("{body} {order}"));
        assert!(full.len() > 12, "the samples hold more than a dozen sanction rows: {full:?}");
        for (limit, offset) in [(1, 0), (3, 0), (5, 2), (7, 4), (1000, 0)] {
            let part = csv(&format!("{body} {order} LIMIT {limit} OFFSET {offset}"));
            let rows = &full[1..];
            let want: Vec<_> = rows.iter().skip(offset).take(limit).cloned().collect();
            assert_eq!(part[0], full[0], "header");
            assert_eq!(&part[1..], &want[..], "{order} LIMIT {limit} OFFSET {offset}");
        }
        // LIMIT 0 keeps nothing.
        assert_eq!(csv(&format!("{body} {order} LIMIT 0")).len(), 1);
    }
}
