//! README.md as a test. Its shell commands and example queries are taken from the file itself
//! (```sh fenced blocks, and the queries of the endpoint's curl examples), so they cannot drift,
//! and run as written against the bundled samples in a fresh HOME and a temporary store. Each
//! example query must give one row per fact, the facts counted independently from
//! `extract --format ntriples` (a set of triples, so nothing there can be counted twice): if
//! shared descriptions were ever multiplied again by the union default graph, this fails.

mod common;

use common::{stderr, stdout};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

/// Commands of README's fenced blocks this test does not run, and why. Every entry must match
/// a README command (so the list cannot go stale), and every README command must be run or
/// listed here (so a new one is not silently ignored).
const SKIPPED: &[(&str, &str)] = &[
    ("scripts/demo", "builds the project and runs setup (apt-get, pip); its ingest and query are the ones run here"),
    ("scripts/test", "runs the whole test suite, this test included"),
    ("cargo build --release", "builds the binary this test runs"),
    ("cargo build --profile profiling", "a second full build, minutes long"),
    ("cargo bench", "benchmarks: minutes long and machine dependent"),
    ("scripts/bench-ingest", "benchmark on 10,000 articles: minutes long"),
    ("scripts/bench-scale", "benchmark on 100,000 generated articles: hours long"),
    ("scripts/serve-load", "load measurement of the endpoint: a minute long, machine dependent"),
    ("scripts/date-accuracy.py", "needs the annotated corpus outside this repository"),
    ("scripts/merge-accuracy.py", "needs the annotated corpus outside this repository"),
    ("python3 ../shared/eval/score.py", "needs the annotated corpus outside this repository"),
];

/// What "one row per fact" means for each README query, as a count over the facts' own
/// structure (no labels, so label copies cannot inflate it). Keyed by a fragment of the query.
/// `None`: the query is run, but its answer is not a list of facts.
const EXPECTED: &[(&str, Option<&str>)] = &[
    // Who sanctioned whom: one row per sanction × imposer × target (one measure, one evidence each).
    (
        "rp:measure/skos:prefLabel ?measure",
        Some("SELECT (COUNT(*) AS ?n) WHERE { ?s a rp:Sanction ; rp:imposedBy ?i ; rp:target ?t ; rp:measure ?m ; rp:evidence ?e }"),
    ),
    // Russian entities: one row per distinct imposer, Russian target and date.
    (
        "{ ?t owl:sameAs wd:Q159 } UNION",
        Some(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?i ?t ?date WHERE {
               ?s a rp:Sanction ; rp:imposedBy ?i ; rp:target ?t ; prov:wasDerivedFrom ?a .
               { ?t owl:sameAs wd:Q159 } UNION { ?t rp:country <https://w3id.org/realpolitik/id/state/Q159> }
               OPTIONAL { ?a rp:published ?date } } }",
        ),
    ),
    // Transfers: one row per transfer × supplier × recipient (one weapon, one status each).
    (
        "rp:supplier/rdfs:label ?supplier",
        Some("SELECT (COUNT(*) AS ?n) WHERE { ?t a rp:WeaponTransfer ; rp:supplier ?s ; rp:recipient ?r ; rp:weapon ?w ; rp:status ?st }"),
    ),
    // Statements: one row per statement (one speaker, one quote).
    ("rp:speaker/rdfs:label ?speaker", Some("SELECT (COUNT(*) AS ?n) WHERE { ?s a rp:Statement ; rp:speaker ?p ; rp:quote ?q }")),
    // Endpoint examples (curl), run through the CLI on the same store.
    ("GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", None),
    ("SELECT * WHERE { ?s a rp:Sanction } LIMIT 10", Some("SELECT (COUNT(*) AS ?n) WHERE { SELECT * WHERE { ?s a rp:Sanction } LIMIT 10 }")),
    ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 20", None),
];

/// One command of a README block: its words (`~/` expanded to the test's HOME) and where its
/// standard output goes.
#[derive(Debug)]
struct Cmd {
    line: usize,
    words: Vec<String>,
    stdout_to: Option<String>,
}

impl Cmd {
    fn text(&self) -> String {
        self.words.join(" ")
    }
}

/// The ```sh fenced blocks, with the README line number of each block's first line.
fn fenced_sh_blocks(readme: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in readme.lines().enumerate() {
        match &mut current {
            None if line.trim_end() == "```sh" => current = Some((i + 2, String::new())),
            None => {}
            Some(_) if line.trim_end() == "```" => blocks.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
        }
    }
    assert!(current.is_none(), "README.md: a ```sh block is not closed");
    blocks
}

/// The indented (4-space) blocks' `curl` commands to the query endpoint, joined across `\`
/// continuations (the others write, and need a server and a token).
fn curl_commands(readme: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut lines = readme.lines().enumerate().peekable();
    while let Some((i, line)) = lines.next() {
        if let Some(cmd) = line.strip_prefix("    curl ") {
            let mut text = format!("curl {cmd}\n");
            while text.trim_end().ends_with('\\') {
                match lines.next() {
                    Some((_, next)) => {
                        text.push_str(next);
                        text.push('\n');
                    }
                    None => break,
                }
            }
            if text.contains("/query") {
                out.push((i + 1, text));
            }
        }
    }
    out
}

/// Split a block into commands the way sh would, for the subset README uses: words, '…' and
/// "…" quotes (spanning lines), `\` escapes and line continuations, `#` comments and `>`
/// redirection. Anything else (pipes, `&&`, `$`) fails the test: keep README in this subset,
/// or teach this parser.
fn parse_commands(block: &str, first_line: usize, home: &Path) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word: Option<String> = None;
    let mut redirect = false;
    let mut stdout_to = None;
    let mut line = first_line;
    let mut start = first_line;
    let mut chars = block.chars().peekable();
    let home = home.display().to_string();
    let end_word = |word: &mut Option<String>, words: &mut Vec<String>, redirect: &mut bool, stdout_to: &mut Option<String>| {
        if let Some(w) = word.take() {
            let w = match w.strip_prefix("~/") {
                Some(rest) => format!("{home}/{rest}"),
                None => w,
            };
            if std::mem::take(redirect) { *stdout_to = Some(w) } else { words.push(w) }
        }
    };
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => end_word(&mut word, &mut words, &mut redirect, &mut stdout_to),
            '\n' => {
                end_word(&mut word, &mut words, &mut redirect, &mut stdout_to);
                assert!(!redirect, "README line {line}: `>` without a file");
                if !words.is_empty() {
                    cmds.push(Cmd { line: start, words: std::mem::take(&mut words), stdout_to: stdout_to.take() });
                }
                line += 1;
                start = line;
            }
            '\\' => match chars.next() {
                Some('\n') => line += 1,
                Some(e) => word.get_or_insert_with(String::new).push(e),
                None => {}
            },
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => {
                            line += usize::from(ch == '\n');
                            w.push(ch);
                        }
                        None => panic!("README line {start}: unclosed '"),
                    }
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') if matches!(chars.peek(), Some('"' | '\\')) => w.extend(chars.next()),
                        Some('$' | '`') => panic!("README line {line}: expansion in \"…\" is not supported"),
                        Some(ch) => {
                            line += usize::from(ch == '\n');
                            w.push(ch);
                        }
                        None => panic!("README line {start}: unclosed \""),
                    }
                }
            }
            '#' if word.is_none() => {
                while chars.peek().is_some_and(|&ch| ch != '\n') {
                    chars.next();
                }
            }
            '>' => {
                end_word(&mut word, &mut words, &mut redirect, &mut stdout_to);
                redirect = true;
            }
            '|' | '&' | ';' | '<' | '$' | '`' | '(' | ')' | '*' | '?' => {
                panic!("README line {line}: shell syntax `{c}` is not understood by tests/readme.rs")
            }
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    end_word(&mut word, &mut words, &mut redirect, &mut stdout_to);
    if !words.is_empty() {
        cmds.push(Cmd { line: start, words, stdout_to });
    }
    cmds
}

/// A fresh machine, as far as the binary can tell: an empty HOME, no store or cache settings,
/// and a working folder where the repository's `data/` is visible and outputs land.
struct Sandbox {
    _dir: tempfile::TempDir,
    home: PathBuf,
    cwd: PathBuf,
    store: PathBuf,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("home");
        let cwd = dir.path().join("work");
        std::fs::create_dir_all(&home).unwrap();
        std::fs::create_dir_all(&cwd).unwrap();
        std::os::unix::fs::symlink(common::root().join("data"), cwd.join("data")).unwrap();
        // The default store of that fresh home: README's commands name no --store.
        let store = home.join(".local/share/realpolitik/store");
        Sandbox { _dir: dir, home, cwd, store }
    }

    fn realpolitik(&self, args: &[String]) -> Output {
        common::bin()
            .args(args)
            .current_dir(&self.cwd)
            .env("HOME", &self.home)
            .env_remove("REALPOLITIK_STORE")
            .env_remove("REALPOLITIK_LINK_CACHE")
            .env_remove("REALPOLITIK_WIKIDATA_API")
            .env_remove("REALPOLITIK_TOKEN")
            .env_remove("XDG_DATA_HOME")
            .env_remove("XDG_CACHE_HOME")
            .output()
            .expect("run realpolitik")
    }

    fn path(&self, p: &str) -> PathBuf {
        self.cwd.join(p)
    }
}

/// Rows of a SELECT answer, asked with `--format json`.
fn rows(sb: &Sandbox, query: &str) -> usize {
    let o = sb.realpolitik(&["query".into(), "--format".into(), "json".into(), query.into()]);
    assert!(o.status.success(), "query failed: {}\n{query}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(&o)));
    v["results"]["bindings"].as_array().map(Vec::len).unwrap_or_else(|| panic!("not a SELECT answer: {v}"))
}

/// A `COUNT` query's number, asked of the ingested store with `--format csv`.
fn stored_count(sb: &Sandbox, query: &str) -> usize {
    let o = sb.realpolitik(&["query".into(), "--format".into(), "csv".into(), query.into()]);
    assert!(o.status.success(), "query failed: {}\n{query}", stderr(&o));
    stdout(&o).lines().nth(1).and_then(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("not a count: {}", stdout(&o)))
}

/// The facts as `extract` gives them (a set of triples), in an in-memory store.
fn extracted_facts(sb: &Sandbox) -> oxigraph::store::Store {
    let o = sb.realpolitik(&["extract".into(), "--format".into(), "ntriples".into(), "data/samples/".into()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let st = oxigraph::store::Store::new().unwrap();
    st.load_from_slice(oxigraph::io::RdfFormat::NTriples, &o.stdout).unwrap();
    st
}

fn count(st: &oxigraph::store::Store, query: &str) -> usize {
    let out = realpolitik::query::run(st, query, realpolitik::query::ResultFormat::Csv, Vec::new()).unwrap();
    let csv = String::from_utf8(out).unwrap();
    csv.lines().nth(1).and_then(|l| l.trim().parse().ok()).unwrap_or_else(|| panic!("not a count: {csv}"))
}

fn expected_for(query: &str) -> Option<&'static str> {
    let hits: Vec<_> = EXPECTED.iter().filter(|(key, _)| query.contains(key)).collect();
    assert_eq!(hits.len(), 1, "README query needs exactly one entry in EXPECTED (tests/readme.rs):\n{query}");
    hits[0].1
}

/// Check a README query: it runs as written, and gives one row per fact.
fn check_query(sb: &Sandbox, facts: &oxigraph::store::Store, line: usize, query: &str, report: &mut Vec<String>) {
    let Some(fact_query) = expected_for(query) else {
        let o = sb.realpolitik(&["query".into(), query.into()]);
        assert!(o.status.success(), "README line {line}: {}", stderr(&o));
        report.push(format!("line {line}: ran (not a list of facts)"));
        return;
    };
    // As written (a table), then as JSON to count the rows.
    let o = sb.realpolitik(&["query".into(), query.into()]);
    assert!(o.status.success() && !o.stdout.is_empty(), "README line {line}: {}", stderr(&o));
    let got = rows(sb, query);
    let want = count(facts, fact_query);
    // The store holds the facts extract gives: the same count over the ingested store.
    assert_eq!(stored_count(sb, fact_query), want, "README line {line}: the store and extract disagree on the facts");
    assert!(want > 0, "README line {line}: the samples must give facts for this query, or it checks nothing");
    assert_eq!(got, want, "README line {line}: one row per fact expected ({want} facts, {got} rows):\n{query}");
    report.push(format!("line {line}: {got} rows = {want} facts"));
}

#[test]
fn readme_commands_and_queries_run_and_give_one_row_per_fact() {
    let readme = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let sb = Sandbox::new();
    let facts = extracted_facts(&sb);
    let mut skipped_used = BTreeSet::new();
    let mut report = Vec::new();
    let mut queries = 0;
    let mut ingested = false;
    for (first, block) in fenced_sh_blocks(&readme) {
        for cmd in parse_commands(&block, first, &sb.home) {
            let text = cmd.text();
            if let Some((prefix, _)) = SKIPPED.iter().find(|(p, _)| text.starts_with(p)) {
                skipped_used.insert(*prefix);
                continue;
            }
            match cmd.words[0].as_str() {
                "realpolitik" => {}
                "mkdir" if cmd.words.get(1).map(String::as_str) == Some("-p") => {
                    for d in &cmd.words[2..] {
                        std::fs::create_dir_all(sb.path(d)).unwrap();
                    }
                    continue;
                }
                _ => panic!("README line {}: `{text}` is neither run by tests/readme.rs nor listed in SKIPPED", cmd.line),
            }
            let args = &cmd.words[1..];
            let sub = args.first().map(String::as_str).unwrap_or("");
            if sub == "query" {
                assert!(ingested, "README line {}: a query before the samples are ingested", cmd.line);
                let query = args.last().unwrap();
                queries += 1;
                check_query(&sb, &facts, cmd.line, query, &mut report);
                continue;
            }
            let o = sb.realpolitik(args);
            assert!(o.status.success(), "README line {}: `{text}` failed: {}", cmd.line, stderr(&o));
            let written = match &cmd.stdout_to {
                Some(file) => {
                    // As a shell would: the redirection fails if the folder is missing.
                    std::fs::write(sb.path(file), &o.stdout).unwrap_or_else(|e| panic!("README line {}: cannot write {file}: {e}", cmd.line));
                    o.stdout.clone()
                }
                None => match args.iter().position(|a| a == "--output") {
                    Some(i) => std::fs::read(sb.path(&args[i + 1])).unwrap_or_else(|e| panic!("README line {}: no --output file: {e}", cmd.line)),
                    None => o.stdout.clone(),
                },
            };
            match sub {
                "ingest" => {
                    let err = stderr(&o);
                    assert!(err.contains("failures: 0"), "README line {}: {err}", cmd.line);
                    assert!(sb.store.join("CURRENT").exists(), "README line {}: the default store of a fresh HOME", cmd.line);
                    ingested = true;
                }
                "export" => {
                    assert!(ingested, "README line {}: an export before the samples are ingested", cmd.line);
                    assert!(!written.is_empty(), "README line {}: empty export", cmd.line);
                    let text = String::from_utf8_lossy(&written);
                    if args.iter().any(|a| a == "jsonld") {
                        serde_json::from_slice::<serde_json::Value>(&written).unwrap_or_else(|e| panic!("README line {}: not JSON: {e}", cmd.line));
                    }
                    if args.iter().any(|a| a == "trig") && !args.iter().any(|a| a == "--graph") {
                        assert!(text.contains("rpid:entities {"), "README line {}: the entities graph is exported", cmd.line);
                    }
                }
                _ => assert!(!written.is_empty(), "README line {}: `{text}` printed nothing", cmd.line),
            }
            report.push(format!("line {}: {text}", cmd.line));
        }
    }
    // The endpoint's example queries (curl), run through the CLI on the same store.
    for (line, text) in curl_commands(&readme) {
        let cmd = parse_commands(&text, line, &sb.home).remove(0);
        let query = cmd.words.iter().find_map(|w| w.strip_prefix("query=")).map(str::to_string).or_else(|| {
            let sparql_body = cmd.words.iter().any(|w| w.contains("application/sparql-query"));
            let data = cmd.words.iter().position(|w| w == "--data")?;
            sparql_body.then(|| cmd.words[data + 1].clone())
        });
        if let Some(query) = query {
            queries += 1;
            check_query(&sb, &facts, line, &query, &mut report);
        }
    }
    // The GRAPH count example: one graph per article, the entities graph, the events graph, the ontology.
    let articles = count(&facts, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a rp:Article }");
    assert_eq!(rows(&sb, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"), articles + 3);
    assert!(queries >= 6, "README's example queries were not found: {report:#?}");
    let unused: Vec<_> = SKIPPED.iter().filter(|(p, _)| !skipped_used.contains(p)).collect();
    assert!(unused.is_empty(), "SKIPPED entries match no README command any more: {unused:?}");
    let unused: Vec<_> = EXPECTED.iter().filter(|(k, _)| !readme.contains(k)).collect();
    assert!(unused.is_empty(), "EXPECTED entries match no README query any more: {unused:?}");
    eprintln!("README checks:\n  {}\nskipped:", report.join("\n  "));
    for (p, why) in SKIPPED {
        eprintln!("  {p}: {why}");
    }
}

#[test]
fn the_parser_reads_quotes_continuations_comments_and_redirects() {
    let home = Path::new("/h");
    let cmds = parse_commands("a 'b c\nd' # note\ne \\\n  f > ~/x \"g \\\" h\"\n", 1, home);
    assert_eq!(cmds.len(), 2);
    assert_eq!(cmds[0].words, ["a", "b c\nd"]);
    assert_eq!((cmds[1].line, cmds[1].words.clone(), cmds[1].stdout_to.clone()), (3, vec!["e".to_string(), "f".into(), "g \" h".into()], Some("/h/x".into())));
}
