//! `realpolitik push` against real SPARQL 1.1 stores that the tests start on 127.0.0.1 and
//! stop: the oxigraph server (PyPI `oxigraph`) and Virtuoso Open Source (Debian
//! `virtuoso-opensource`). Each: push the samples, count triples per graph over SPARQL, push
//! again and get the same counts, and fail clearly on wrong credentials. Also `extract --shard`
//! (the shards' union is the unsharded output) and retries, on a scripted local server.
//!
//! A missing engine fails the test and says to run scripts/setup, unless
//! REALPOLITIK_SKIP_ENGINES=1 (a silent skip would hide a missing install in CI).

mod common;

use common::{bin, samples, stderr, stdout};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Quad};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const PREFIX: &str = "https://w3id.org/realpolitik/";

/// The engine's binary, or None when REALPOLITIK_SKIP_ENGINES=1 lets the test skip.
fn engine(binary: &str, package: &str) -> Option<String> {
    // PATH, then Python's scripts folder (where `pip install oxigraph` puts its binary).
    let python_scripts = Command::new("python3")
        .args(["-c", "import sysconfig; print(sysconfig.get_path('scripts'))"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from);
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(python_scripts)
        .map(|d| d.join(binary))
        .find(|f| f.is_file());
    match found {
        Some(f) => Some(f.display().to_string()),
        None if std::env::var("REALPOLITIK_SKIP_ENGINES").as_deref() == Ok("1") => {
            eprintln!("skipping: `{binary}` not found and REALPOLITIK_SKIP_ENGINES=1");
            None
        }
        None => panic!("`{binary}` ({package}) is not installed: run scripts/setup (or set REALPOLITIK_SKIP_ENGINES=1 to skip)"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn client() -> reqwest::blocking::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}

/// A server process, killed when dropped.
struct Engine {
    child: Child,
    /// SPARQL query endpoint.
    query: String,
    _dir: tempfile::TempDir,
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Engine {
    /// Wait until `url` answers 200, or panic with the log.
    fn wait_for(mut self, url: &str, log: &Path) -> Engine {
        let c = client();
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(90) {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server exited ({status}) before answering:\n{}", std::fs::read_to_string(log).unwrap_or_default());
            }
            if c.get(url).send().is_ok_and(|r| r.status().is_success()) {
                return self;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        panic!("{url} did not answer within 90 s:\n{}", std::fs::read_to_string(log).unwrap_or_default());
    }

    /// Triples per graph, for our graphs only.
    fn counts(&self) -> BTreeMap<String, u64> {
        let q = format!("SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), \"{PREFIX}\")) }} GROUP BY ?g");
        let r = client()
            .post(&self.query)
            .header("Accept", "application/sparql-results+json")
            .form(&[("query", q.as_str())])
            .send()
            .expect("query the engine");
        assert!(r.status().is_success(), "query failed: {}", r.status());
        let json: serde_json::Value = r.json().expect("SPARQL JSON results");
        let mut out = BTreeMap::new();
        for b in json["results"]["bindings"].as_array().expect("bindings") {
            let g = b["g"]["value"].as_str().unwrap().to_string();
            let n: u64 = b["n"]["value"].as_str().unwrap().parse().unwrap();
            out.insert(g, n);
        }
        out
    }
}

fn oxigraph_server() -> Option<Engine> {
    let exe = engine("oxigraph", "PyPI package oxigraph")?;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("server.log");
    let child = Command::new(exe)
        .args(["serve", "--location"])
        .arg(dir.path().join("db"))
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(dir.path().join("server.err")).unwrap()))
        .spawn()
        .expect("start oxigraph serve");
    let base = format!("http://127.0.0.1:{port}");
    let e = Engine { child, query: format!("{base}/query"), _dir: dir };
    let ask = format!("{base}/query?query=ASK%7B%7D");
    let log = e._dir.path().join("server.err");
    Some(e.wait_for(&ask, &log))
}

/// Virtuoso in a temporary folder with its own virtuoso.ini and free ports; user dba, password
/// dba (a fresh database's), which may write through the digest-protected Graph Store endpoint.
fn virtuoso() -> Option<(Engine, String)> {
    let exe = engine("virtuoso-t", "Debian package virtuoso-opensource")?;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display().to_string();
    let (sql, http) = (free_port(), free_port());
    let vsp = ["/var/lib/virtuoso-opensource-7/vsp", "/usr/share/virtuoso-opensource-7/vsp"]
        .into_iter()
        .find(|p| Path::new(p).is_dir())
        .unwrap_or(".");
    let ini = format!(
        "[Database]\nDatabaseFile = {d}/virtuoso.db\nErrorLogFile = {d}/virtuoso.log\nLockFile = {d}/virtuoso.lck\n\
         TransactionFile = {d}/virtuoso.trx\nxa_persistent_file = {d}/virtuoso.pxa\nErrorLogLevel = 7\nFileExtend = 200\n\
         Striping = 0\nTempStorage = TempDatabase\n\n[TempDatabase]\nDatabaseFile = {d}/virtuoso-temp.db\n\
         TransactionFile = {d}/virtuoso-temp.trx\nStriping = 0\n\n[Parameters]\nServerPort = 127.0.0.1:{sql}\n\
         DisableUnixSocket = 1\nDirsAllowed = ., {d}\nNumberOfBuffers = 10000\nMaxDirtyBuffers = 6000\n\
         CheckpointInterval = 60\n\n[HTTPServer]\nServerPort = 127.0.0.1:{http}\nServerRoot = {vsp}\nServerThreads = 8\n\
         MaxClientConnections = 8\nCharset = UTF-8\n\n[SPARQL]\nResultSetMaxRows = 100000\nMaxQueryExecutionTime = 60\n"
    );
    let ini_path = dir.path().join("virtuoso.ini");
    std::fs::write(&ini_path, ini).unwrap();
    let log = dir.path().join("stdout.log");
    let child = Command::new(exe)
        .args(["+foreground", "+configfile"])
        .arg(&ini_path)
        .current_dir(dir.path())
        .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(dir.path().join("stderr.log")).unwrap()))
        .spawn()
        .expect("start virtuoso-t");
    let base = format!("http://127.0.0.1:{http}");
    let e = Engine { child, query: format!("{base}/sparql"), _dir: dir };
    let ask = format!("{base}/sparql?query=ASK%7B%7D");
    Some((e.wait_for(&ask, &log), format!("{base}/sparql-graph-crud-auth")))
}

fn push(args: &[&str]) -> Output {
    bin()
        .arg("push")
        .args(args)
        .env_remove("REALPOLITIK_STORE")
        .env_remove("REALPOLITIK_PUSH_PASSWORD")
        .env_remove("REALPOLITIK_PUSH_TOKEN")
        .env_remove("REALPOLITIK_PUSH_USER")
        .output()
        .unwrap()
}

fn nquads(args: &[&str]) -> Vec<Quad> {
    let o = bin().args(["extract", "--format", "nquads"]).args(args).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    RdfParser::from_format(RdfFormat::NQuads).for_slice(&o.stdout).collect::<Result<_, _>>().unwrap()
}

/// What a store should hold after pushing the samples: triples per graph of `extract`'s
/// N-Quads (as a set), plus the ontology graph.
fn expected_counts() -> BTreeMap<String, u64> {
    let mut graphs: BTreeMap<String, HashSet<Quad>> = BTreeMap::new();
    for q in nquads(&[samples().to_str().unwrap()]) {
        if let GraphName::NamedNode(g) = &q.graph_name {
            graphs.entry(g.as_str().to_string()).or_default().insert(q.clone());
        }
    }
    let mut out: BTreeMap<String, u64> = graphs.into_iter().map(|(g, q)| (g, q.len() as u64)).collect();
    let ontology: HashSet<_> = realpolitik::rdf::ontology_quads().unwrap().into_iter().collect();
    out.insert("https://w3id.org/realpolitik/ontology".into(), ontology.len() as u64);
    out
}

fn assert_ok(o: &Output) -> String {
    let e = stderr(o);
    assert!(o.status.success(), "push failed: {e}");
    assert!(e.contains("failures: 0"), "{e}");
    e
}

#[test]
fn oxigraph_server_graph_store_and_update() {
    let Some(ox) = oxigraph_server() else { return };
    let base = ox.query.trim_end_matches("/query").to_string();
    let expected = expected_counts();
    let store_url = format!("{base}/store");
    let s = samples();
    let out = push(&["--quiet", "--endpoint", &store_url, s.to_str().unwrap()]);
    let e = assert_ok(&out);
    assert!(e.contains(&format!("to {store_url}")), "{e}");
    let first = ox.counts();
    assert_eq!(first, expected, "triples per graph after the first push");
    // Again: every graph replaced, nothing duplicated.
    assert_ok(&push(&["--quiet", "--endpoint", &store_url, s.to_str().unwrap()]));
    assert_eq!(ox.counts(), first, "a second push changed the counts");
    // The SPARQL Update path, batched, replaces the same graphs to the same counts.
    assert_ok(&push(&["--quiet", "--update", &format!("{base}/update"), "--batch", "3", s.to_str().unwrap()]));
    assert_eq!(ox.counts(), first, "an Update push changed the counts");

    // One unreadable input is named and counted; the others still go, and the exit status says
    // something failed.
    let missing = s.join("no-such-article.txt");
    let o = push(&["--quiet", "--endpoint", &store_url, missing.to_str().unwrap(), s.to_str().unwrap()]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("no-such-article.txt") && e.contains("failures: 1"), "{e}");
    assert_eq!(ox.counts(), first, "the good articles were not all pushed");

    // From a local store: the same graphs.
    let dir = tempfile::tempdir().unwrap();
    let st = dir.path().join("store");
    let o = bin().args(["ingest", "--quiet", "--store"]).arg(&st).arg(&s).output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ok(&push(&["--quiet", "--endpoint", &store_url, "--from-store", st.to_str().unwrap()]));
    // The store also holds the events graph that ingest computes (one event, many reports):
    // it goes too, and every other graph keeps its count.
    let mut after = ox.counts();
    let events = after.remove("https://w3id.org/realpolitik/id/events");
    assert!(events.is_some_and(|n| n > 0), "the store's events graph was not pushed: {after:?}");
    assert_eq!(after, first, "pushing the ingested store changed the counts");
}

#[test]
fn virtuoso_digest_graph_store() {
    let Some((v, gsp)) = virtuoso() else { return };
    let expected = expected_counts();
    let s = samples();
    let s = s.to_str().unwrap();
    let with_password = |pw: &str| {
        bin()
            .args(["push", "--quiet", "--endpoint", &gsp, "--user", "dba", "--auth", "digest", s])
            .env("REALPOLITIK_PUSH_PASSWORD", pw)
            .output()
            .unwrap()
    };
    let e = assert_ok(&with_password("dba"));
    let first = v.counts();
    assert_eq!(first, expected, "triples per graph after the first push ({e})");
    assert_ok(&with_password("dba"));
    assert_eq!(v.counts(), first, "a second push changed the counts");
    // --auth auto answers the digest challenge by itself.
    assert_ok(&push(&["--quiet", "--endpoint", &gsp, "--user", "dba", "--password", "dba", s]));
    assert_eq!(v.counts(), first);

    // SPARQL Update (digest-protected /sparql-auth): the same graphs, the ontology's blank
    // nodes included.
    let update = gsp.replace("/sparql-graph-crud-auth", "/sparql-auth");
    let o = bin()
        .args(["push", "--quiet", "--update", &update, "--user", "dba", "--batch", "4", s])
        .env("REALPOLITIK_PUSH_PASSWORD", "dba")
        .output()
        .unwrap();
    assert_ok(&o);
    assert_eq!(v.counts(), first, "an Update push changed the counts");

    let bad = with_password("not-the-password");
    let e = stderr(&bad);
    assert!(!bad.status.success(), "a wrong password succeeded: {e}");
    assert!(e.contains(&format!("authentication failed at {gsp} (HTTP 401)")), "{e}");
    assert_eq!(v.counts(), first, "a refused push changed the store");
}

/// `realpolitik serve` is a Graph Store too: bearer tokens, and a wrong one refused clearly.
#[test]
fn bearer_token_against_our_own_server() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let log = dir.path().join("serve.log");
    let child = bin()
        .args(["serve", "--allow-updates", "--bind", &format!("127.0.0.1:{port}"), "--store"])
        .arg(dir.path().join("store"))
        .env("REALPOLITIK_TOKEN", "right-token")
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&log).unwrap()))
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let srv = Engine { child, query: format!("{base}/sparql"), _dir: tempfile::tempdir().unwrap() }
        .wait_for(&format!("{base}/sparql?query=ASK%7B%7D"), &log);
    let store_url = format!("{base}/store");
    let one = samples().join("000_70de5bca808cd6d9.txt");
    let one = one.to_str().unwrap();
    let bad = push(&["--quiet", "--endpoint", &store_url, "--bearer", "wrong-token", one]);
    let e = stderr(&bad);
    assert!(!bad.status.success(), "{e}");
    assert!(e.contains(&format!("authentication failed at {store_url} (HTTP 401)")), "{e}");
    let none = push(&["--quiet", "--endpoint", &store_url, one]);
    assert!(!none.status.success() && stderr(&none).contains("authentication failed"), "{}", stderr(&none));
    assert_ok(&push(&["--quiet", "--endpoint", &store_url, "--bearer", "right-token", one]));
    let counts = srv.counts();
    let article = counts.keys().filter(|g| g.contains("/id/article/")).count();
    assert_eq!(article, 1, "{counts:?}");
}

/// A scripted HTTP server that reads each whole request (so closing never resets the
/// connection under the client) and answers `reply(n)` for the n-th request; it logs targets.
struct Scripted {
    base: String,
    log: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn start(reply: impl Fn(usize) -> (u16, &'static str) + Send + Sync + 'static) -> Scripted {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let log: Arc<Mutex<Vec<String>>> = Arc::default();
        let thread_log = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    continue;
                }
                let mut length = 0usize;
                loop {
                    let mut h = String::new();
                    if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
                        break;
                    }
                    if let Some((k, v)) = h.split_once(':') {
                        if k.trim().eq_ignore_ascii_case("content-length") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let n = {
                    let mut log = thread_log.lock().unwrap();
                    log.push(line.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
                    log.len() - 1
                };
                let (status, text) = reply(n);
                let _ = write!(stream, "HTTP/1.1 {status} Status\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}", text.len());
                let _ = stream.flush();
            }
        });
        Scripted { base, log }
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

/// Connection trouble and 5xx are retried with backoff; a 4xx is not, and names the graph.
#[test]
fn transient_failures_are_retried_and_counted() {
    let srv = Scripted::start(|n| if n < 2 { (503, "busy") } else { (201, "") });
    let one = samples().join("000_70de5bca808cd6d9.txt");
    let url = format!("{}/store", srv.base);
    let o = push(&["--quiet", "--parallel", "1", "--endpoint", &url, one.to_str().unwrap()]);
    let e = assert_ok(&o);
    assert!(e.contains("retries: 2"), "{e}");
    // The ontology (three tries), the article, the entity additions.
    let r = srv.requests();
    assert_eq!(r.len(), 5, "{r:?}");
    assert!(r[..4].iter().all(|t| t.starts_with("PUT /store?graph=")) && r[4].starts_with("POST /store?graph="), "{r:?}");

    let refuse = Scripted::start(|_| (400, "no such thing"));
    let url = format!("{}/store", refuse.base);
    let o = push(&["--quiet", "--retries", "3", "--endpoint", &url, one.to_str().unwrap()]);
    let e = stderr(&o);
    assert!(!o.status.success(), "{e}");
    assert!(e.contains("HTTP 400") && e.contains("no such thing") && e.contains("retries: 0"), "{e}");

    // Nothing listening: the connection error is retried, then stops the push (every other
    // graph would only wait through the same retries).
    let port = free_port();
    let o = push(&["--quiet", "--retries", "1", "--endpoint", &format!("http://127.0.0.1:{port}/store"), one.to_str().unwrap()]);
    let e = stderr(&o);
    assert!(!o.status.success() && e.contains("gave up after 2 tries") && e.contains("failures: 1"), "{e}");
}

/// `extract --shard i/n`: disjoint article graphs, identical IRIs, union = unsharded output.
#[test]
fn shards_partition_the_output() {
    let s = samples();
    let s = s.to_str().unwrap();
    let all: BTreeSet<String> = nquads(&[s]).iter().map(|q| q.to_string()).collect();
    let mut union = BTreeSet::new();
    let mut articles_seen = BTreeSet::new();
    let mut nonempty = 0;
    for i in 1..=3 {
        let o = bin().args(["extract", "--format", "nquads", "--shard", &format!("{i}/3"), s]).output().unwrap();
        // A shard with no article says so by its exit code; its output is empty then.
        let quads: Vec<Quad> = RdfParser::from_format(RdfFormat::NQuads).for_slice(&o.stdout).collect::<Result<_, _>>().unwrap();
        nonempty += usize::from(!quads.is_empty());
        let articles: BTreeSet<String> = quads
            .iter()
            .filter_map(|q| match &q.graph_name {
                GraphName::NamedNode(g) if g.as_str().contains("/id/article/") => Some(g.as_str().to_string()),
                _ => None,
            })
            .collect();
        assert!(articles.is_disjoint(&articles_seen), "shard {i} repeats an article");
        articles_seen.extend(articles);
        union.extend(quads.iter().map(|q| q.to_string()));
    }
    assert!(nonempty >= 2, "9 samples should spread over at least two of three shards");
    assert_eq!(union, all, "the shards' union differs from the unsharded output");
    let bad = bin().args(["extract", "--shard", "4/3", s]).output().unwrap();
    assert!(!bad.status.success() && stderr(&bad).contains("not a shard"), "{}", stderr(&bad));
    let _ = stdout(&bad);
}
