//! Join planning with store counts (vendor/sparopt, "realpolitik patch"): a star join over
//! thousands of facts is hash-joined, a join from one selective pattern stays a for-loop, a
//! LIMIT without ORDER BY keeps the streaming plan, and every plan gives the answer of the
//! unoptimized evaluation.

use oxigraph::model::{GraphNameRef, Literal, NamedNode, Quad};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use oxigraph::store::Store;

const PREFIXES: &str = "PREFIX rp: <https://w3id.org/realpolitik/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX ex: <http://example.com/>
";

fn nn(s: &str) -> NamedNode {
    NamedNode::new(s).unwrap()
}

/// `n` sanctions by 20 states, each on its own target with its own evidence; target 0 is Russia.
fn store(n: usize) -> Store {
    let rp = |l: &str| nn(&format!("https://w3id.org/realpolitik/ontology#{l}"));
    let ex = |l: String| nn(&format!("http://example.com/{l}"));
    let label = nn("http://www.w3.org/2000/01/rdf-schema#label");
    let ty = nn("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
    let g = GraphNameRef::DefaultGraph;
    let store = Store::new().unwrap();
    let mut quads = Vec::new();
    for k in 0..20 {
        quads.push(Quad::new(ex(format!("st{k}")), label.clone(), Literal::new_simple_literal(format!("State {k:02}")), g));
    }
    for i in 0..n {
        let s = ex(format!("s{i}"));
        let t = ex(format!("t{i}"));
        quads.push(Quad::new(s.clone(), ty.clone(), rp("Sanction"), g));
        quads.push(Quad::new(s.clone(), rp("imposedBy"), ex(format!("st{}", i % 20)), g));
        quads.push(Quad::new(s.clone(), rp("target"), t.clone(), g));
        quads.push(Quad::new(s.clone(), rp("evidence"), Literal::new_simple_literal(format!("evidence {i}")), g));
        quads.push(Quad::new(t, label.clone(), Literal::new_simple_literal(format!("Target {i}")), g));
    }
    quads.push(Quad::new(ex("t0".into()), nn("http://www.w3.org/2002/07/owl#sameAs"), nn("http://www.wikidata.org/entity/Q159"), g));
    store.extend(quads).unwrap();
    store
}

/// The plan's operators (explanation as text) and the answer's rows, sorted.
fn run(store: &Store, query: &str, optimize: bool) -> (String, Vec<String>) {
    let mut evaluator = SparqlEvaluator::new();
    if !optimize {
        evaluator = evaluator.without_optimizations();
    }
    let (results, explanation) = evaluator.parse_query(&format!("{PREFIXES}{query}")).unwrap().on_store(store).explain();
    let mut rows = Vec::new();
    if let Ok(QueryResults::Solutions(solutions)) = results {
        for s in solutions {
            let s = s.unwrap();
            rows.push(s.iter().map(|(v, t)| format!("{v}={t}")).collect::<Vec<_>>().join(" "));
        }
    } else {
        panic!("not a SELECT answer");
    }
    (format!("{explanation:?}"), rows)
}

const WHO: &str = "SELECT ?imposer ?target ?evidence WHERE {
  ?s a rp:Sanction ; rp:imposedBy/rdfs:label ?imposer ; rp:target/rdfs:label ?target ; rp:evidence ?evidence .
} ORDER BY ?imposer ?evidence";

#[test]
fn a_star_join_over_many_facts_is_hash_joined_with_the_same_answer() {
    let store = store(5000);
    let (plan, rows) = run(&store, WHO, true);
    assert!(plan.contains("HashBuildLeftProbeRight"), "expected a hash join:\n{plan}");
    let (_, reference) = run(&store, WHO, false);
    assert_eq!(rows.len(), 5000);
    assert_eq!(rows, reference, "ordered rows differ from the unoptimized evaluation");
}

#[test]
fn a_tiny_store_gives_the_same_answer() {
    let store = store(3);
    let (_, rows) = run(&store, WHO, true);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows, run(&store, WHO, false).1);
}

#[test]
fn a_selective_pattern_drives_for_loop_joins() {
    let store = store(5000);
    let q = "SELECT ?imposer ?target WHERE {
  ?t owl:sameAs wd:Q159 ; rdfs:label ?target . ?s rp:target ?t ; rp:imposedBy/rdfs:label ?imposer .
} ORDER BY ?imposer";
    let (plan, rows) = run(&store, q, true);
    assert!(plan.contains("Lateral"), "expected for-loop joins from the one Russian target:\n{plan}");
    let first = plan.split("QuadPattern(").nth(1).unwrap_or("");
    assert!(first.contains("owl#sameAs"), "the one Russian target should drive the plan:\n{plan}");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows, run(&store, q, false).1);
}

#[test]
fn a_limit_without_order_keeps_the_streaming_plan() {
    let store = store(5000);
    let q = "SELECT ?imposer ?target ?evidence WHERE {
  ?s a rp:Sanction ; rp:imposedBy/rdfs:label ?imposer ; rp:target/rdfs:label ?target ; rp:evidence ?evidence .
} LIMIT 10";
    let (plan, rows) = run(&store, q, true);
    assert!(!plan.contains("HashBuildLeftProbeRight"), "a LIMIT should stream:\n{plan}");
    assert_eq!(rows.len(), 10);
}
