//! One event, many reports: articles that report the same sanction become one rp:ReportedEvent
//! with a report per fact; the events graph is stable under re-ingest; `events` lists it.

mod common;

use common::{run, stderr, stdout, write};
use serde_json::Value;

const EVENTS_GRAPH: &str = "https://w3id.org/realpolitik/id/events";

/// Two outlets' wording of one sanction (two days apart), and a third article with another target.
fn articles(dir: &std::path::Path) -> Vec<String> {
    let a = write(
        dir,
        "a.txt",
        b"# source: https://example.org/news/a\n# title: Sanctions on banks\n# date: 2024-05-20\n\nThe United States imposed sanctions on two Russian banks on Monday, the Treasury said.\n",
    );
    let b = write(
        dir,
        "b.txt",
        b"# source: https://example.org/news/b\n# title: Banks hit\n# date: 2024-05-22\n\nWashington has announced new sanctions against Russian banks, officials said on Wednesday.\n",
    );
    let c = write(
        dir,
        "c.txt",
        b"# source: https://example.org/news/c\n# title: Other sanctions\n# date: 2024-05-21\n\nThe United States imposed sanctions on three Iranian companies on Tuesday, the Treasury said.\n",
    );
    [a, b, c].iter().map(|p| p.display().to_string()).collect()
}

fn events_json(store: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["events", "--store", store, "--format", "json"];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&o)));
    v["results"]["bindings"].as_array().cloned().unwrap_or_default()
}

fn value<'a>(row: &'a Value, var: &str) -> &'a str {
    row[var]["value"].as_str().unwrap_or("")
}

fn export_events(store: &str) -> Vec<u8> {
    let o = run(&["export", "--store", store, "--format", "nquads", "--graph", EVENTS_GRAPH]);
    assert!(o.status.success(), "{}", stderr(&o));
    o.stdout
}

#[test]
fn two_reports_of_one_sanction_are_one_event_and_reingest_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = articles(dir.path());
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let mut args = vec!["ingest", "-q", "--store", s];
    args.extend(inputs.iter().map(String::as_str));
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(" (1 reported by more than one fact)"), "{}", stderr(&o));

    let rows = events_json(s, &["--type", "sanction"]);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    // Biggest first: the bank sanction, reported by both outlets.
    let merged = &rows[0];
    assert_eq!((value(merged, "type"), value(merged, "reports"), value(merged, "articles")), ("Sanction", "2", "2"), "{merged:#?}");
    assert!(value(merged, "by_qid").contains("Q30"), "{merged:#?}");
    assert!(value(merged, "to").to_lowercase().contains("russian"), "{merged:#?}");
    assert!(value(merged, "event").starts_with("https://w3id.org/realpolitik/id/event/sanction/"), "{merged:#?}");
    assert_eq!((value(merged, "earliest"), value(merged, "latest")), ("2024-05-20", "2024-05-22"), "{merged:#?}");
    let other = &rows[1];
    assert_eq!(value(other, "reports"), "1", "{other:#?}");
    assert!(value(other, "to").to_lowercase().contains("iranian"), "{other:#?}");
    assert!(events_json(s, &["--type", "transfer"]).is_empty());

    // Re-ingesting changes nothing: same IRIs, same bytes.
    let before = export_events(s);
    assert!(!before.is_empty());
    let o = run(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(export_events(s), before);
    let again = events_json(s, &["--type", "sanction"]);
    assert_eq!(value(&again[0], "event"), value(merged, "event"));

    // Table and CSV output work too.
    for fmt in ["table", "csv"] {
        let o = run(&["events", "--store", s, "--format", fmt]);
        assert!(o.status.success() && stdout(&o).contains("Sanction"), "{fmt}: {}{}", stdout(&o), stderr(&o));
    }
}

#[test]
fn refresh_rebuilds_the_events_graph_of_a_store() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = articles(dir.path());
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let mut args = vec!["ingest", "-q", "--store", s];
    args.extend(inputs.iter().map(String::as_str));
    assert!(run(&args).status.success());
    let before = export_events(s);
    // Drop the graph (as in a store written before events existed), then rebuild it.
    let st = realpolitik::store::open(&store).unwrap();
    st.clear_graph(oxigraph::model::NamedNodeRef::new_unchecked(EVENTS_GRAPH)).unwrap();
    drop(st);
    realpolitik::store::release(&store);
    assert!(export_events(s).is_empty());
    let o = run(&["events", "--refresh", "--store", s, "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(export_events(s), before);
}

#[test]
fn events_of_a_missing_store_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["events", "--store", dir.path().join("none").to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no store here"), "{}", stderr(&o));
}
