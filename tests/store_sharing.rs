//! Issue 14, D10 and D11: reading commands run beside a server holding the store, and a
//! server start leaves an unchanged store byte-identical.

mod common;

use common::{bin, run, samples, stderr, stdout};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// `realpolitik serve` on the store, returned once it listens.
fn serve(store: &str) -> Child {
    let mut child = bin()
        .args(["serve", "--store", store, "--bind", "127.0.0.1:0"])
        .env_remove("REALPOLITIK_STORE")
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let ready = lines.next().expect("serve printed nothing").unwrap();
    assert!(ready.contains("SPARQL endpoint at"), "{ready}");
    child
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn query_and_export_beside_serve_and_restarts_keep_exports_identical() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let store = store.to_str().unwrap();
    let o = run(&["ingest", "--store", store, samples().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = run(&["export", "--store", store]);
    assert!(before.status.success(), "{}", stderr(&before));

    let server = serve(store);
    let o = run(&["query", "--store", store, "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"]);
    assert!(o.status.success(), "query beside serve: {}", stderr(&o));
    assert!(stdout(&o).lines().nth(1).is_some_and(|n| n.trim().parse::<u64>().is_ok_and(|n| n > 0)), "{}", stdout(&o));
    let during = run(&["export", "--store", store]);
    assert!(during.status.success(), "export beside serve: {}", stderr(&during));
    assert!(during.stdout == before.stdout, "export during serve differs");
    stop(server);

    // Restarting the server does not rewrite the (unchanged) ontology graph.
    stop(serve(store));
    let after = run(&["export", "--store", store]);
    assert!(after.status.success(), "{}", stderr(&after));
    assert!(after.stdout == before.stdout, "export after a restart differs (ontology rewritten?)");
}
