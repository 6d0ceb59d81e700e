//! The binary on real and bad input: clear errors naming the input, non-zero exits, batches
//! that survive bad articles, and exports that independent tools (rdflib, pyshacl) accept.

mod common;

use common::{run, stderr, stdout, write};

#[test]
fn extract_prints_rdf_for_a_sample() {
    let f = common::samples().join("000_70de5bca808cd6d9.txt");
    let o = run(&["extract", "--format", "ntriples", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("<https://w3id.org/realpolitik/ontology#Sanction>"));
    assert!(out.contains("<http://www.wikidata.org/entity/Q423>"));
}

#[test]
fn each_bad_input_gets_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(std::path::PathBuf, &str)> = vec![
        (dir.path().join("missing.txt"), "no such file"),
        (write(dir.path(), "binary.txt", b"\x7fELF\x00\x01\x02"), "binary file"),
        (write(dir.path(), "latin1.txt", b"Sanctions on M\xfcller"), "invalid UTF-8"),
        (write(dir.path(), "empty.txt", b""), "empty article"),
        (write(dir.path(), "bad.jsonl", b"{\"text\": \"fine\"}\n{not json\n"), "bad.jsonl:2: malformed JSON"),
        (write(dir.path(), "notext.jsonl", b"{\"title\": \"x\"}\n"), "missing required field \"text\""),
    ];
    for (path, problem) in cases {
        let p = path.to_str().unwrap();
        let o = run(&["extract", p]);
        assert!(!o.status.success(), "{p} must fail");
        let err = stderr(&o);
        assert!(err.contains(problem), "{p}: expected {problem:?} in {err:?}");
        assert!(err.contains(path.file_name().unwrap().to_str().unwrap()), "{p}: error must name the input: {err}");
    }
}

#[test]
fn malformed_query_fails_with_message() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let sample = common::samples().join("004_69c6e8bd48be83ed.txt");
    let o = run(&["ingest", "--quiet", "--store", store.to_str().unwrap(), sample.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&["query", "--store", store.to_str().unwrap(), "SELECT ?x WHERE {"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("SPARQL query"), "{}", stderr(&o));
    // One line, the user's own position, the known prefixes for an unknown one.
    let o = run(&["query", "--store", store.to_str().unwrap(), "SELECT ?x\nWHERE { ?x foo:bar ?y }"]);
    assert!(!o.status.success());
    assert_eq!(o.stdout, b"");
    assert_eq!(
        stderr(&o),
        "error: SPARQL query: unknown prefix `foo:` at line 2, column 12 — known prefixes: rp, rpid, wd, rdf, rdfs, owl, prov, xsd, skos\n"
    );
    let o = run(&["query", "--store", store.to_str().unwrap(), "SELECT ?x WHERE { ?x rp:p ?y "]);
    assert_eq!(stderr(&o), "error: SPARQL query: expected `}` at line 1, column 29 (found the end of the query)\n");
    // A store that does not exist is named, not silently created.
    let o = run(&["query", "--store", dir.path().join("nope").to_str().unwrap(), "ASK {}"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no store here"), "{}", stderr(&o));
}

#[test]
fn batch_with_bad_articles_ingests_the_rest_and_counts_failures() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(common::samples().join("000_70de5bca808cd6d9.txt"), inputs.join("good.txt")).unwrap();
    write(&inputs, "bad.txt", b"\xff\xfe broken");
    write(&inputs, "mixed.jsonl", b"{\"text\": \"The European Union imposed sanctions on Belarus.\", \"url\": \"https://example.org/eu\"}\n{broken\n");
    let store = dir.path().join("store");
    let o = run(&["ingest", "--store", store.to_str().unwrap(), inputs.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(!o.status.success(), "failures give a non-zero exit");
    assert!(err.contains("ingested 2 articles"), "{err}");
    assert!(err.contains("failures: 2"), "{err}");
    assert!(err.contains("bad.txt") && err.contains("mixed.jsonl:2"), "{err}");
    // Both good articles are queryable.
    let o = run(&["query", "--store", store.to_str().unwrap(), "--format", "csv", "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a rp:Article }"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().nth(1).map(str::trim), Some("2"));
}

#[test]
fn reingest_via_cli_keeps_the_count() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let samples = common::samples();
    let count = || {
        let o = run(&["query", "--store", s, "--format", "csv", "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"]);
        assert!(o.status.success(), "{}", stderr(&o));
        stdout(&o).lines().nth(1).unwrap().trim().to_string()
    };
    assert!(run(&["ingest", "-q", "--store", s, samples.to_str().unwrap()]).status.success());
    let first = count();
    assert!(run(&["ingest", "-q", "--store", s, samples.to_str().unwrap()]).status.success());
    assert_eq!(count(), first);
}

/// Exports parse in rdflib with the same triple count, and the shapes hold (pyshacl).
#[test]
fn exports_parse_in_rdflib_and_conform_to_shapes() {
    if !common::python_has("rdflib, pyshacl") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    let o = run(&["ingest", "-q", "--store", s, common::samples().to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut files = Vec::new();
    for (fmt, ext) in [("turtle", "ttl"), ("ntriples", "nt"), ("jsonld", "jsonld"), ("trig", "trig"), ("nquads", "nq"), ("rdfxml", "rdf")] {
        let out = dir.path().join(format!("export.{ext}"));
        let o = run(&["export", "--store", s, "--format", fmt, "--output", out.to_str().unwrap()]);
        assert!(o.status.success(), "{fmt}: {}", stderr(&o));
        files.push(out);
    }
    let script = common::root().join("tests").join("python").join("check_exports.py");
    let shapes = common::root().join("ontology").join("shapes.ttl");
    let o = std::process::Command::new("python3")
        .arg(&script)
        .arg(&shapes)
        .args(&files)
        .output()
        .unwrap();
    assert!(o.status.success(), "check_exports.py failed:\n{}\n{}", stdout(&o), stderr(&o));
}

#[test]
fn ingest_into_the_default_store_of_a_fresh_home() {
    // Issue 11: the parents of ~/.local/share/realpolitik/store did not exist.
    let home = tempfile::tempdir().unwrap();
    let sample = common::samples().join("000_70de5bca808cd6d9.txt");
    let o = common::bin()
        .args(["ingest", "--quiet", sample.to_str().unwrap()])
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("REALPOLITIK_STORE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(home.path().join(".local/share/realpolitik/store").is_dir());
    let o = common::bin()
        .args(["query", "SELECT (COUNT(*) AS ?n) WHERE { ?s a rp:Sanction }", "--format", "csv"])
        .env("HOME", home.path())
        .env_remove("XDG_DATA_HOME")
        .env_remove("REALPOLITIK_STORE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("\n0"), "{}", stdout(&o));
}

#[test]
fn query_dash_reads_stdin_and_a_closed_stdout_is_quiet() {
    use std::io::{Read, Write};
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("s");
    let s = store.to_str().unwrap();
    assert!(run(&["ingest", "-q", "--store", s, common::samples().to_str().unwrap()]).status.success());
    for args in [vec!["query", "--store", s, "--format", "csv", "-"], vec!["query", "--store", s, "--format", "csv", "--file", "-"]] {
        let mut child = common::bin().args(&args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        child.stdin.take().unwrap().write_all(b"SELECT (COUNT(*) AS ?n) WHERE { ?s a rp:Sanction }").unwrap();
        let o = child.wait_with_output().unwrap();
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert_eq!(stdout(&o).lines().next().map(str::trim), Some("n"), "{args:?}: {}", stdout(&o));
    }
    // A reader that stops after a few bytes (`| head -c 10`): exit 0, nothing on stderr.
    let mut child = common::bin()
        .args(["query", "--store", s, "--format", "csv", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 10];
    child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "exit {:?}: {}", o.status, stderr(&o));
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
}

#[test]
fn min_confidence_keeps_only_confident_facts() {
    let samples = common::samples();
    let p = samples.to_str().unwrap();
    let count = |args: &[&str]| {
        let o = run(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        stdout(&o).lines().filter(|l| l.contains("/ontology#confidence>")).count()
    };
    let all = count(&["extract", "--format", "ntriples", p]);
    assert_eq!(all, count(&["extract", "--format", "ntriples", "--min-confidence", "0", p]));
    let high = count(&["extract", "--format", "ntriples", "--min-confidence", "0.9", p]);
    assert!(high < all && high > 0, "{high} of {all}");
    assert_eq!(count(&["extract", "--format", "ntriples", "--min-confidence", "1", p]), 0);
    let o = run(&["explain", "--min-confidence", "0.99", p]);
    assert!(o.status.success());
    assert!(stdout(&o).lines().filter(|l| l.trim_start().starts_with("rule ")).all(|l| l.contains("(confidence 0.99") || l.contains("(confidence 1")), "{}", stdout(&o));
    for bad in ["1.5", "-0.1", "high"] {
        let o = run(&["ingest", &format!("--min-confidence={bad}"), p]);
        assert!(!o.status.success(), "{bad}");
        assert!(stderr(&o).contains("--min-confidence"), "{bad}: {}", stderr(&o));
    }
}

#[test]
fn completions_are_printed_for_each_shell_and_an_unknown_shell_is_refused() {
    for shell in ["bash", "zsh", "fish"] {
        let o = run(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("realpolitik"), "{shell}");
        assert!(out.contains("ingest") && out.contains("query"), "{shell}: subcommands completed");
    }
    let o = run(&["completions", "tcsh"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("tcsh"), "{}", stderr(&o));
}

#[test]
fn help_describes_every_argument_and_gives_examples() {
    for cmd in ["extract", "ingest", "query", "table", "events", "stats", "export", "explain"] {
        let o = run(&[cmd, "--help"]);
        assert!(o.status.success(), "{cmd}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("Example"), "{cmd} --help has examples");
        for line in out.lines().skip_while(|l| !l.starts_with("Arguments:") && !l.starts_with("Options:")) {
            let t = line.trim_start();
            // An argument line with nothing after its name is an argument without a description.
            let is_arg = t.starts_with('-') || t.starts_with('<') || t.strip_prefix('[').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase()));
            if is_arg && !t.contains("  ") {
                let next_is_help = out.lines().skip_while(|l| *l != line).nth(1).is_some_and(|n| n.starts_with("          "));
                assert!(next_is_help, "{cmd}: `{t}` has no description");
            }
        }
    }
}

/// `table` gives one row per fact (counted independently), with QIDs; `stats` agrees with it.
#[test]
fn table_and_stats_give_one_row_per_fact() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    assert!(run(&["ingest", "-q", "--store", s, common::samples().to_str().unwrap()]).status.success());
    let count = |class: &str| -> usize {
        let q = format!("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a rp:{class} }}");
        let o = run(&["query", "--store", s, "--format", "csv", &q]);
        stdout(&o).lines().nth(1).unwrap().trim().parse().unwrap()
    };
    let stats = run(&["stats", "--store", s, "--format", "json"]);
    assert!(stats.status.success(), "{}", stderr(&stats));
    let stats: serde_json::Value = serde_json::from_str(&stdout(&stats)).expect("stats JSON");
    let stat = |item: &str| -> usize {
        let rows = stats["results"]["bindings"].as_array().unwrap();
        let row = rows.iter().find(|r| r["section"]["value"] == "facts" && r["item"]["value"] == item).expect(item);
        row["count"]["value"].as_str().unwrap().parse().unwrap()
    };
    for (table, class) in [("sanctions", "Sanction"), ("transfers", "WeaponTransfer"), ("statements", "Statement")] {
        let o = run(&["table", table, "--store", s, "--format", "csv"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = stdout(&o);
        let rows = out.lines().count() - 1;
        let n = count(class);
        assert!(n > 0, "{class}");
        assert_eq!(rows, n, "{table}: {rows} rows for {n} facts");
        assert_eq!(stat(table), n);
        assert!(out.lines().next().unwrap().contains("_qid") && out.contains(",Q"), "{table} has Wikidata ids");
        assert!(out.lines().next().unwrap().ends_with("evidence"), "{table}: evidence column");
    }
    assert_eq!(stat("articles"), count("Article"));
    let o = run(&["table", "actors", "--store", s, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("actors JSON");
    assert!(v["results"]["bindings"].as_array().unwrap().iter().any(|r| r["qid"]["value"] == "Q30"));
    assert!(!run(&["table", "weapons", "--store", s]).status.success());
}

/// `explain --format json`: JSON Lines, one object per article, every fact with its parties'
/// Wikidata ids, rule, confidence and evidence offsets that slice the article text; the same
/// facts as the text form and the same IRIs as `extract`; byte-stable.
#[test]
fn explain_json_gives_each_fact_with_qids_rule_and_evidence_offsets() {
    let samples = common::samples();
    let p = samples.to_str().unwrap();
    let o = run(&["explain", "--format", "json", p]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out, stdout(&run(&["explain", "--format", "json", p])), "deterministic");
    let articles: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).expect("one JSON object per line")).collect();
    let files = std::fs::read_dir(&samples).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "txt")).count();
    assert_eq!(articles.len(), files, "one line per article");

    let text = stdout(&run(&["explain", p]));
    let text_facts = text.lines().filter(|l| ["SANCTION ", "TRANSFER ", "STATEMENT "].iter().any(|k| l.starts_with(k))).count();
    let nt = stdout(&run(&["extract", "--format", "ntriples", p]));
    let mut facts = 0;
    let mut qids = std::collections::BTreeSet::new();
    for a in &articles {
        let source = a["article"]["source"].as_str().unwrap();
        assert!(a["article"]["iri"].as_str().unwrap().ends_with(a["article"]["id"].as_str().unwrap()));
        for key in ["url", "title", "date"] {
            assert!(a["article"].get(key).is_some(), "{key} is always present (null when unknown)");
        }
        let bytes = std::fs::read(source).unwrap();
        let article = realpolitik::ingest::read_bytes(source, &bytes, realpolitik::ingest::Kind::Text).remove(0).unwrap();
        let chars: Vec<char> = article.text.chars().collect();
        let entities = a["entities"].as_array().unwrap();
        let iris: Vec<&str> = entities.iter().map(|e| e["iri"].as_str().unwrap()).collect();
        assert!(iris.windows(2).all(|w| w[0] < w[1]), "entities sorted by IRI: {iris:?}");
        for e in entities {
            assert!(e["label"].is_string() && e["kind"].is_string() && e.get("qid").is_some(), "{e}");
            assert!(nt.contains(&format!("<{}>", e["iri"].as_str().unwrap())), "entity IRI as in RDF: {e}");
        }
        let mut last = 0;
        for f in a["facts"].as_array().unwrap() {
            facts += 1;
            let iri = f["iri"].as_str().unwrap();
            assert!(nt.contains(&format!("<{iri}>")), "fact IRI as in RDF: {iri}");
            assert!(f["rule"].as_str().is_some_and(|r| !r.is_empty()), "{f}");
            let c = f["confidence"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&c) && (c * 100.0 - (c * 100.0).round()).abs() < 1e-9, "two decimals, as in RDF: {c}");
            let ev = &f["evidence"];
            let (start, end) = (ev["start"].as_u64().unwrap() as usize, ev["end"].as_u64().unwrap() as usize);
            assert!(start >= last, "facts in text order");
            last = start;
            let slice: String = chars[start..end].iter().collect();
            assert_eq!(slice, ev["sentence"].as_str().unwrap(), "character offsets slice the article text");
            let parties: Vec<&serde_json::Value> = match f["type"].as_str().unwrap() {
                "sanction" => f["imposers"].as_array().unwrap().iter().chain(f["targets"].as_array().unwrap()).collect(),
                "transfer" => {
                    assert!(f["weapon"]["label"].is_string() && f["status"].is_string(), "{f}");
                    f["suppliers"].as_array().unwrap().iter().chain(f["recipients"].as_array().unwrap()).collect()
                }
                "statement" => {
                    assert!(f["quote"].is_string() && f["direct"].is_boolean(), "{f}");
                    vec![&f["speaker"]]
                }
                other => panic!("unknown fact type {other}"),
            };
            for party in parties {
                assert!(party["label"].is_string() && iris.contains(&party["iri"].as_str().unwrap()), "party among the entities: {party}");
                if let Some(q) = party["qid"].as_str() {
                    qids.insert(q.to_string());
                }
            }
        }
    }
    assert_eq!(facts, text_facts, "the text and JSON forms give the same facts");
    assert!(qids.contains("Q30") && qids.contains("Q159"), "{qids:?}");
    // The text form shows the Wikidata ids too.
    assert!(text.contains("United States (Q30)") && text.contains("Russia (Q159)"), "{text}");
    assert!(!run(&["explain", "--format", "yaml", p]).status.success());
}

/// Table width: `--max-width N` fits the whole table in N columns (widest cut first, `…`),
/// `--wide` never cuts, piped output keeps cells cut at 60, and on a terminal the table fits
/// its width (COLUMNS, through a pseudo-terminal from `script` where available).
#[test]
fn tables_fit_a_width_or_are_never_cut() {
    use unicode_width::UnicodeWidthStr;
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let s = store.to_str().unwrap();
    assert!(run(&["ingest", "-q", "--store", s, common::samples().to_str().unwrap()]).status.success());
    let widest = |out: &str| out.lines().map(|l| l.trim_end_matches('\r').width()).max().unwrap_or(0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&run(&["table", "statements", "--store", s, "--format", "json"]))).unwrap();
    let longest = json["results"]["bindings"].as_array().unwrap().iter().map(|b| b["evidence"]["value"].as_str().unwrap().replace('\n', " ")).max_by_key(|e| e.chars().count()).unwrap();
    assert!(longest.chars().count() > 60, "{longest}");

    for n in ["60", "100", "150"] {
        for args in [vec!["table", "statements"], vec!["stats"], vec!["query", "SELECT ?s ?e WHERE { ?s rp:evidence ?e }"]] {
            let mut args = args.clone();
            args.extend(["--store", s, "--max-width", n]);
            let o = run(&args);
            assert!(o.status.success(), "{args:?}: {}", stderr(&o));
            let out = stdout(&o);
            assert!(widest(&out) <= n.parse().unwrap(), "{args:?}: {}\n{out}", widest(&out));
        }
    }
    let narrow = stdout(&run(&["table", "statements", "--store", s, "--max-width", "100"]));
    assert!(narrow.contains('…') && narrow.lines().last().unwrap().ends_with("rows)"), "{narrow}");
    // The header keeps the leftmost, narrow columns whole: the widest were cut first.
    assert!(narrow.lines().next().unwrap().contains("direct"), "{narrow}");

    let wide = stdout(&run(&["table", "statements", "--store", s, "--wide"]));
    assert!(wide.contains(&longest), "--wide shows whole cells");
    let piped = stdout(&run(&["table", "statements", "--store", s]));
    assert!(!piped.contains(&longest) && piped.contains('…'), "piped: cells cut at 60 as before");
    for line in piped.lines().skip(2) {
        assert!(line.split(" │ ").all(|c| c.trim_end().chars().count() <= 60), "{line}");
    }
    assert!(!run(&["table", "statements", "--store", s, "--wide", "--max-width", "80"]).status.success(), "--wide conflicts with --max-width");
    assert!(!run(&["table", "statements", "--store", s, "--max-width", "0"]).status.success());

    // On a terminal: fit its width. `script` gives the command a pseudo-terminal.
    let bin = env!("CARGO_BIN_EXE_realpolitik");
    let cmd = format!("'{bin}' table statements --store '{s}'");
    match std::process::Command::new("script").args(["-qec", &cmd, "/dev/null"]).env("COLUMNS", "72").output() {
        Ok(o) if o.status.success() => {
            let out = stdout(&o);
            assert!(out.contains("rows)") && widest(&out) <= 72 && widest(&out) > 60, "{}\n{out}", widest(&out));
        }
        _ => eprintln!("skipping the terminal case: no working `script` (util-linux)"),
    }
}

/// N-Quads stream article by article: the batch holds exactly the quads of the articles one by
/// one (shared entities once), and the bytes repeat run to run.
#[test]
fn line_formats_stream_articles_with_shared_entities_once() {
    let dir = common::samples();
    let o = run(&["extract", "--format", "nquads", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let batch = stdout(&o);
    let lines: Vec<&str> = batch.lines().collect();
    let unique: std::collections::BTreeSet<&str> = lines.iter().copied().collect();
    assert_eq!(unique.len(), lines.len(), "a quad is written twice");
    let mut single = std::collections::BTreeSet::new();
    for f in std::fs::read_dir(&dir).unwrap() {
        let p = f.unwrap().path();
        let o = run(&["extract", "--format", "nquads", p.to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
        single.extend(stdout(&o).lines().map(str::to_string));
    }
    assert_eq!(unique.iter().map(|s| s.to_string()).collect::<std::collections::BTreeSet<_>>(), single);
    let again = run(&["extract", "--format", "nquads", dir.to_str().unwrap()]);
    assert_eq!(stdout(&again), batch, "output must be byte-identical run to run");
}
