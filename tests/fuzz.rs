//! Fuzz targets on the stable toolchain (issue 14 item 5): a deterministic-seeded byte mutator
//! over the bundled public-domain samples (`data/samples`) and inputs written here, run for a
//! bounded time per target. No nightly, no cargo-fuzz.
//!
//! Targets: `text` (sentence, paragraph, token and quotation splitting, character offsets),
//! `extract` (read → extract → RDF → N-Triples), `jsonl` and `html` (the readers, then
//! extraction), `sparql` (the `query` layer over an in-memory store) and `serve` (raw HTTP
//! requests to a server this test starts on 127.0.0.1, which must keep answering a probe).
//!
//! A finding is a panic, an error that reports a caught panic (`Error::Internal`), a broken
//! invariant, a case slower than `SLOW`, or (for `serve`) a server that stops answering. It is
//! shrunk, printed, and saved as `tests/fuzz_crashers/<target>-<hash>.bin`; the test then
//! fails. `replay_saved_crashers` runs every saved file through its target in every test run,
//! so a fixed crasher stays fixed.
//!
//! `REALPOLITIK_FUZZ_SECS` sets the time per target (default 1 s; `scripts/test` gives each
//! target more), `REALPOLITIK_FUZZ_SEED` the seed. Each target prints its executions.

use realpolitik::ingest::{self, Kind};
use realpolitik::{Error, Extractor, query, rdf, store, text};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A case slower than this is a finding (inputs are at most `MAX_LEN` bytes).
const SLOW: Duration = Duration::from_secs(5);
/// A case still running after this is a hang: its input is saved and the test fails.
const HANG: Duration = Duration::from_secs(20);
const MAX_LEN: usize = 24 * 1024;

type Target = fn(&[u8]) -> Result<(), String>;

fn target(name: &str) -> Option<Target> {
    Some(match name {
        "text" => t_text,
        "extract" => t_extract,
        "jsonl" => t_jsonl,
        "html" => t_html,
        "sparql" => t_sparql,
        "serve" => t_serve,
        _ => return None,
    })
}

// ---------------------------------------------------------------- targets

fn t_text(data: &[u8]) -> Result<(), String> {
    let s = String::from_utf8_lossy(data);
    let s = s.as_ref();
    let check = |what: &str, sp: realpolitik::model::Span| -> Result<(), String> {
        if sp.start > sp.end || s.get(sp.start..sp.end).is_none() {
            return Err(format!("{what} {sp:?} is not a slice of the text"));
        }
        Ok(())
    };
    let paras = text::paragraphs(s);
    for w in paras.windows(2) {
        if w[0].end > w[1].start {
            return Err(format!("paragraphs out of order or overlapping: {:?} {:?}", w[0], w[1]));
        }
    }
    for &p in &paras {
        check("paragraph", p)?;
        for q in text::quotations(s, p) {
            check("quotation", q)?;
        }
        if let Some(t) = text::open_quote_tail(s, p) {
            check("open quotation", realpolitik::model::Span::new(t, p.end))?;
        }
    }
    let sentences = text::sentences(s);
    for w in sentences.windows(2) {
        if w[0].span.end > w[1].span.start {
            return Err(format!("sentences out of order or overlapping: {:?} {:?}", w[0].span, w[1].span));
        }
    }
    let chars = text::CharIndex::new(s);
    for sen in &sentences {
        check("sentence", sen.span)?;
        let _ = text::dateline_len(&s[sen.span.start..sen.span.end]);
        let toks = text::tokens(s, sen.span);
        for w in toks.windows(2) {
            // Clause::tok_at / tok_of binary-search on this.
            if w[0].span.end > w[1].span.start || w[0].span.start >= w[0].span.end {
                return Err(format!("tokens out of order, overlapping or empty: {:?} {:?}", w[0], w[1]));
            }
        }
        for t in &toks {
            check("token", t.span)?;
        }
        for b in [sen.span.start, sen.span.end] {
            let (fast, slow) = (chars.char_offset(b), s[..b].chars().count());
            if fast != slow {
                return Err(format!("CharIndex gives {fast} at byte {b}, counting gives {slow}"));
            }
        }
    }
    Ok(())
}

fn extractor() -> &'static Extractor {
    Extractor::shared().expect("lexicon")
}

/// Extract from each article read, and map it to RDF and N-Triples.
fn extract_all(read: Vec<realpolitik::Result<realpolitik::Article>>) -> Result<(), String> {
    for a in read {
        let a = match a {
            Ok(a) => a,
            // A caught panic while reading is a bug; any other refusal is a named input error.
            Err(e @ Error::Internal { .. }) => return Err(e.to_string()),
            Err(_) => continue,
        };
        let ex = extractor().extract(&a);
        for e in ex.sanctions.iter().map(|s| &s.evidence).chain(ex.transfers.iter().map(|t| &t.evidence)).chain(ex.statements.iter().map(|s| &s.evidence)) {
            if a.text.get(e.span.start..e.span.end).is_none() {
                return Err(format!("evidence span {:?} is not a slice of the text", e.span));
            }
        }
        let quads = rdf::article_quads(&a, &ex);
        rdf::write_quads(quads, rdf::Format::Ntriples, Vec::new()).map_err(|e| format!("writing N-Triples: {e}"))?;
    }
    Ok(())
}

/// Bytes the reader would refuse whole (bad UTF-8, NUL) made readable, so that most cases
/// reach extraction; the refusals themselves are exercised with the raw bytes first.
fn readable(data: &[u8]) -> Option<Vec<u8>> {
    let ok = std::str::from_utf8(data).is_ok() && !data.contains(&0);
    (!ok).then(|| String::from_utf8_lossy(data).replace('\0', "").into_bytes())
}

fn t_extract(data: &[u8]) -> Result<(), String> {
    extract_all(ingest::read_bytes("fuzz.txt", data, Kind::Text))?;
    match readable(data) {
        Some(d) => extract_all(ingest::read_bytes("fuzz.txt", &d, Kind::Text)),
        None => Ok(()),
    }
}

fn t_jsonl(data: &[u8]) -> Result<(), String> {
    extract_all(ingest::read_bytes("fuzz.jsonl", data, Kind::Jsonl))
}

fn t_html(data: &[u8]) -> Result<(), String> {
    extract_all(ingest::read_bytes("fuzz.html", data, Kind::Html))?;
    match readable(data) {
        Some(d) => extract_all(ingest::read_bytes("fuzz.html", &d, Kind::Html)),
        None => Ok(()),
    }
}

/// A small in-memory store: one written article (no ontology: joins stay cheap).
fn small_store() -> &'static oxigraph::store::Store {
    static S: OnceLock<oxigraph::store::Store> = OnceLock::new();
    S.get_or_init(|| {
        let s = oxigraph::store::Store::new().expect("in-memory store");
        let text = "Russia sanctioned Iran. \u{201c}We will respond,\u{201d} the Iranian Foreign Ministry said.\n\nFrance supplied missiles to Ukraine.";
        for a in ingest::read_bytes("seed.txt", text.as_bytes(), Kind::Text).into_iter().flatten() {
            store::ingest_article(&s, &a).expect("seed article");
        }
        s
    })
}

fn t_sparql(data: &[u8]) -> Result<(), String> {
    let q = String::from_utf8_lossy(data);
    for format in [query::ResultFormat::Table, query::ResultFormat::Json] {
        match query::run(small_store(), &q, format, Vec::new()) {
            // A refused or failed query is an answer; only a caught panic is a bug.
            Err(e @ Error::Internal { .. }) => return Err(e.to_string()),
            _ => {}
        }
    }
    Ok(())
}

const TOKEN: &str = "fuzz-token";

struct FuzzServer {
    addr: SocketAddr,
    _handle: realpolitik::serve::ServerHandle,
}

fn server() -> &'static FuzzServer {
    static S: OnceLock<FuzzServer> = OnceLock::new();
    S.get_or_init(|| {
        let s = oxigraph::store::Store::new().expect("in-memory store");
        let config = realpolitik::serve::ServeConfig {
            bind: "127.0.0.1:0".into(),
            allow_updates: true,
            token: Some(TOKEN.into()),
            timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(4),
            max_connections_per_client: 1024,
            ..Default::default()
        };
        let handle = realpolitik::serve::spawn(s, config).expect("server");
        FuzzServer { addr: handle.addr(), _handle: handle }
    })
}

/// Send raw bytes, read what comes back (until the server closes or 6 s pass).
fn exchange(addr: SocketAddr, request: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut c = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    c.set_read_timeout(Some(Duration::from_secs(6)))?;
    c.set_write_timeout(Some(Duration::from_secs(6)))?;
    c.write_all(request)?;
    c.shutdown(std::net::Shutdown::Write)?;
    let mut out = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match c.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if out.is_empty() && !matches!(e.kind(), std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::BrokenPipe) => return Err(e),
            Err(_) => break,
        }
    }
    Ok(out)
}

fn t_serve(data: &[u8]) -> Result<(), String> {
    let s = server();
    // The reply to a malformed request may be anything, or nothing; the server must live on.
    let _ = exchange(s.addr, data);
    let probe = b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\nConnection: close\r\n\r\n";
    let reply = exchange(s.addr, probe).map_err(|e| format!("probe after the request: {e}"))?;
    if !reply.starts_with(b"HTTP/1.1 200") {
        return Err(format!("probe after the request answered {:?}", String::from_utf8_lossy(&reply[..reply.len().min(200)])));
    }
    Ok(())
}

// ---------------------------------------------------------------- seeds

/// The bundled samples' texts, each cut to a few KB so cases stay fast.
fn sample_texts() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/samples");
    let mut out = Vec::new();
    for s in ingest::expand(&[dir.to_string()]).into_iter().flatten() {
        for a in ingest::read_source(&s).into_iter().flatten() {
            let mut end = a.text.len().min(6000);
            while !a.text.is_char_boundary(end) {
                end -= 1;
            }
            out.push(a.text[..end].to_string());
        }
    }
    assert!(!out.is_empty(), "no samples in {dir}");
    out
}

/// Inputs written for these tests: shapes the extractor has tripped on before.
const WRITTEN: &[&str] = &[
    "According to the U.S.\n",
    "Russia sanctioned Iran. \u{201c}This is a threat,\u{201d} the Foreign Ministry said.",
    "\"A.\"\"A.\"\"A.\" she said: \"B.\"",
    "Q: Will the Council act?\nA: The Council said it would consider sanctions on the country.",
    "The Ministry of Defence of Ukraine said France's Foreign Ministry supplied missiles to the two countries.",
    "SEOUL, May 2 (Reuters) - North Korea shipped artillery shells to Russia, officials said on Monday.",
];

fn text_seeds() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = sample_texts().into_iter().map(String::into_bytes).collect();
    v.extend(WRITTEN.iter().map(|s| s.as_bytes().to_vec()));
    v
}

fn jsonl_seeds() -> Vec<Vec<u8>> {
    let texts: Vec<String> = sample_texts().into_iter().chain(WRITTEN.iter().map(|s| s.to_string())).collect();
    let line = |i: usize, t: &str| {
        serde_json::json!({"url": format!("https://example.org/{i}"), "title": format!("Article {i}"), "date": "2024-10-26", "text": t}).to_string()
    };
    let mut v: Vec<Vec<u8>> = texts.iter().enumerate().map(|(i, t)| line(i, t).into_bytes()).collect();
    // Several lines, one of them bad.
    v.push(format!("{}\n{{\"text\": 3}}\n{}\n", line(0, WRITTEN[0]), line(1, WRITTEN[1])).into_bytes());
    v
}

fn html_seeds() -> Vec<Vec<u8>> {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut v = Vec::new();
    for (i, t) in sample_texts().iter().chain(WRITTEN.iter().map(|s| s.to_string()).collect::<Vec<_>>().iter()).enumerate() {
        let paras: String = t.split('\n').filter(|p| !p.trim().is_empty()).map(|p| format!("<p>{}</p>\n", esc(p))).collect();
        v.push(
            format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Article {i}</title><script>var x = '<p>';</script></head><body><nav><a href=\"/\">Home</a></nav><div class=\"content\"><article><h1>Article {i}</h1>{paras}</article></div><footer>Footer</footer></body></html>"
            )
            .into_bytes(),
        );
    }
    v.push(b"<html><body><table><tr><td><div><p>Russia sanctioned Iran.</p></div></td></tr></table></body></html>".to_vec());
    v
}

fn sparql_seeds() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        "SELECT * WHERE { ?s ?p ?o } LIMIT 10",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "ASK { ?s a ?t }",
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 5",
        "DESCRIBE ?s WHERE { ?s ?p ?o } LIMIT 1",
        "PREFIX rp: <https://realpolitik.example/ontology#> SELECT ?s ?l WHERE { ?s rp:speaker ?sp . OPTIONAL { ?sp rdfs:label ?l } FILTER(LANG(?l) = \"\" || REGEX(STR(?l), \"^R\", \"i\")) } ORDER BY DESC(?l) LIMIT 3",
        "SELECT ?g (SAMPLE(?o) AS ?x) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g HAVING (COUNT(?o) > 1)",
        "SELECT * WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } MINUS { ?s a ?t } VALUES ?p { rdf:type } BIND(STRLEN(STR(?o)) AS ?n) }",
        "SELECT * WHERE { ?s (rdf:type|^rdf:type)/rdfs:subClassOf* ?c } LIMIT 5",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    use query::tables::{Table, sparql};
    v.extend([Table::Sanctions, Table::Transfers, Table::Statements, Table::Actors].into_iter().map(|t| sparql(t).into_bytes()));
    v.push(query::tables::stats_sparql().as_bytes().to_vec());
    v
}

fn serve_seeds() -> Vec<Vec<u8>> {
    let enc = |q: &str| q.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
    let q = "SELECT * WHERE { ?s ?p ?o } LIMIT 3";
    let post = |path: &str, ctype: &str, auth: bool, body: &str| {
        let a = if auth { format!("Authorization: Bearer {TOKEN}\r\n") } else { String::new() };
        format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {ctype}\r\n{a}Content-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).into_bytes()
    };
    vec![
        format!("GET /query?query={} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\nConnection: close\r\n\r\n", enc(q)).into_bytes(),
        format!("GET /sparql?query={}&default-graph-uri=urn%3Ax HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+xml;q=0.9, */*;q=0.1\r\n\r\n", enc(q)).into_bytes(),
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/html\r\n\r\n".to_vec(),
        b"GET /store?default HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/turtle\r\n\r\n".to_vec(),
        b"OPTIONS /update HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".to_vec(),
        post("/query", "application/sparql-query", false, q),
        post("/query", "application/x-www-form-urlencoded", false, &format!("query={}", enc(q))),
        post("/update", "application/sparql-update", true, "INSERT DATA { <urn:a> <urn:b> \"c\" }"),
        post("/update", "application/sparql-update", false, "CLEAR ALL"),
        post("/ingest", "text/plain", true, "Russia sanctioned Iran. France supplied missiles to Ukraine."),
        post("/ingest", "application/x-ndjson", true, "{\"text\":\"Russia sanctioned Iran.\"}\n{\"text\":\"x\u{e9}\"}\n"),
        post("/store?graph=urn%3Ag", "application/n-triples", true, "<urn:a> <urn:b> <urn:c> .\n"),
        b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/sparql-query\r\n\r\n5\r\nASK {\r\n2\r\n }\r\n0\r\n\r\n".to_vec(),
    ]
}

// ---------------------------------------------------------------- mutator

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Pieces worth inserting: marks, words and markup the stages treat specially.
const PIECES: &[&str] = &[
    "\"", "\u{201c}", "\u{201d}", "\u{2019}s", "'s", ".", "U.S.", "U.N.", " said ", " said: ", "according to ", "\n", "\n\n", "Q:", "A:",
    ":", ",", "(", ")", " - ", "\u{2014}", "Mr. ", "the country", "the two countries", "the Council", "Foreign Ministry", "Russia",
    "sanctioned", "supplied ", "missiles", " to ", " of the ", "who", "\u{e9}", "\u{1f642}", "\u{feff}", "\u{200b}", "\r\n", "\t",
    "<p>", "</p>", "<div>", "</div>", "<table><tr><td>", "<script>", "<!--", "-->", "&amp;", "&#0;", "&#x1F642;", "<br/>",
    "{", "}", "[", "]", "\\u0000", "\\ud800", "\\\"", "\"text\":", "null", "SELECT", "WHERE", "{ ?s ?p ?o }", "FILTER(", "?x",
    "<urn:x>", "\"\"\"", "^^xsd:integer", "@en", "*", "/", "|", "OPTIONAL", "UNION", "SERVICE <http://127.0.0.1:1/>", "LOAD <urn:x>",
    "%00", "%ZZ", "%7B", "+", "&", "=", "Content-Length: 99999\r\n", "Transfer-Encoding: chunked\r\n", "Accept: */*\r\n", "\r\n\r\n",
];

/// Apply one to four random edits; `reps` bounds how often a slice may be repeated.
fn mutate(rng: &mut Rng, data: &mut Vec<u8>, seeds: &[Vec<u8>], reps: usize) {
    for _ in 0..1 + rng.below(4) {
        let len = data.len();
        let at = rng.below(len + 1);
        match rng.below(9) {
            0 if len > 0 => {
                let i = rng.below(len);
                data[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                data[i] = [0u8, 0xff, 0xe9, 0xc3, 0x80, b'"', b'.', b'\n', b' ', b'<', b'{', b'\\'][rng.below(12)];
            }
            2 | 3 => {
                let p = PIECES[rng.below(PIECES.len())].as_bytes();
                data.splice(at..at, p.iter().copied());
            }
            4 if len > 0 => {
                let n = 1 + rng.below(64.min(len - at.min(len - 1)));
                let from = at.min(len - 1);
                data.drain(from..(from + n).min(len));
            }
            5 if len > 0 => {
                // Repeat a slice: the shape of the super-linear inputs of issue 14.
                let from = at.min(len - 1);
                let n = 1 + rng.below(32.min(len - from));
                let piece: Vec<u8> = data[from..from + n].to_vec();
                let times = 1 + rng.below(reps);
                let rep: Vec<u8> = piece.iter().copied().cycle().take(piece.len() * times).collect();
                data.splice(from..from, rep);
            }
            6 => {
                let other = &seeds[rng.below(seeds.len())];
                if !other.is_empty() {
                    let s = rng.below(other.len());
                    let n = 1 + rng.below((other.len() - s).min(256));
                    data.splice(at..at, other[s..s + n].iter().copied());
                }
            }
            7 => {
                let n = 1 + rng.below(8);
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
            _ if len > 0 && rng.below(8) == 0 => {
                // Truncate (rarely: short inputs would crowd out the rest).
                data.truncate(rng.below(len));
            }
            _ => data.push(rng.next() as u8),
        }
    }
    data.truncate(MAX_LEN);
}

// ---------------------------------------------------------------- harness

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics while shrinking are expected: keep them off the log.
fn install_quiet_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                default(info);
            }
        }));
    });
}

#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Ok,
    /// A panic or a reported bug, with its message.
    Bug(String),
    Slow(Duration),
}

fn run_case(t: Target, data: &[u8]) -> Outcome {
    let start = Instant::now();
    let r = catch_unwind(AssertUnwindSafe(|| t(data)));
    let took = start.elapsed();
    match r {
        Ok(Ok(())) if took > SLOW => Outcome::Slow(took),
        Ok(Ok(())) => Outcome::Ok,
        Ok(Err(e)) => Outcome::Bug(e),
        Err(p) => Outcome::Bug(format!(
            "panic: {}",
            p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned()).unwrap_or_default()
        )),
    }
}

/// Shrink a failing input: drop chunks while the same kind of failure remains (bounded).
fn shrink(t: Target, data: &[u8], failure: &Outcome) -> Vec<u8> {
    let same = |o: &Outcome| matches!((o, failure), (Outcome::Bug(_), Outcome::Bug(_)));
    if !matches!(failure, Outcome::Bug(_)) {
        return data.to_vec(); // a slow case stays as found
    }
    QUIET.with(|q| q.set(true));
    let mut cur = data.to_vec();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut chunk = cur.len() / 2;
    while chunk >= 1 && Instant::now() < deadline {
        let mut i = 0;
        let mut progressed = false;
        while i < cur.len() && Instant::now() < deadline {
            let mut cand = cur.clone();
            cand.drain(i..(i + chunk).min(cur.len()));
            if same(&run_case(t, &cand)) {
                cur = cand;
                progressed = true;
            } else {
                i += chunk;
            }
        }
        if !progressed {
            chunk /= 2;
        }
    }
    QUIET.with(|q| q.set(false));
    cur
}

fn crasher_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fuzz_crashers"))
}

fn fnv(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

fn save(name: &str, data: &[u8], why: &str) -> PathBuf {
    let dir = crasher_dir();
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("{name}-{:016x}.bin", fnv(data)));
    let _ = std::fs::write(&path, data);
    let shown = String::from_utf8_lossy(&data[..data.len().min(4000)]);
    eprintln!("fuzz {name}: FINDING ({why}), {} bytes, saved as {}\n  input: {shown:?}", data.len(), path.display());
    path
}

fn budget() -> Duration {
    let secs: f64 = std::env::var("REALPOLITIK_FUZZ_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    Duration::from_secs_f64(secs.max(0.0))
}

/// Run `name` for the time budget; fail with the saved findings.
fn fuzz(name: &'static str, seeds: Vec<Vec<u8>>, reps: usize) {
    install_quiet_hook();
    let t = target(name).expect("target");
    let seed: u64 = std::env::var("REALPOLITIK_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_2026);
    let mut rng = Rng((seed ^ fnv(name.as_bytes())) | 1);
    let budget = budget();
    let start = Instant::now();
    // The case in progress, for a hang report; cases run on a worker thread so a hang is seen.
    let current: Arc<Mutex<Vec<u8>>> = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = mpsc::channel::<(Vec<u8>, Outcome)>();
    let cur = Arc::clone(&current);
    let worker = std::thread::Builder::new()
        .name(format!("fuzz-{name}"))
        .stack_size(64 << 20)
        .spawn(move || {
            let mut execs = 0u64;
            // Every seed once as it is, then mutants of seeds and of earlier mutants.
            let mut pool = seeds.clone();
            loop {
                let data = if (execs as usize) < seeds.len() {
                    seeds[execs as usize].clone()
                } else {
                    let mut d = pool[rng.below(pool.len())].clone();
                    mutate(&mut rng, &mut d, &seeds, reps);
                    d
                };
                if let Ok(mut c) = cur.lock() {
                    c.clone_from(&data);
                }
                let out = run_case(t, &data);
                execs += 1;
                // Keep some mutants to mutate further (bounded pool).
                if out == Outcome::Ok && rng.below(8) == 0 {
                    if pool.len() < 256 {
                        pool.push(data.clone());
                    } else {
                        let i = seeds.len() + rng.below(256 - seeds.len().min(255));
                        if i < pool.len() {
                            pool[i] = data.clone();
                        }
                    }
                }
                if tx.send((data, out)).is_err() {
                    return execs;
                }
                if start.elapsed() >= budget && execs as usize >= seeds.len() {
                    return execs;
                }
            }
        })
        .expect("worker thread");
    let mut findings = Vec::new();
    let mut cases = 0u64;
    let mut bytes = 0u64;
    loop {
        match rx.recv_timeout(HANG) {
            Ok((data, out)) => {
                cases += 1;
                bytes += data.len() as u64;
                if out != Outcome::Ok && findings.len() < 5 {
                    let small = shrink(t, &data, &out);
                    let why = format!("{out:?}");
                    findings.push((save(name, &small, &why), why));
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let data = current.lock().map(|c| c.clone()).unwrap_or_default();
                let path = save(name, &data, "hang");
                panic!("fuzz {name}: a case ran over {HANG:?} after {cases} executions; input saved as {}", path.display());
            }
        }
    }
    let execs = worker.join().unwrap_or(cases);
    eprintln!("fuzz {name}: {execs} executions in {:.1} s (mean input {} bytes), {} findings", start.elapsed().as_secs_f64(), bytes / cases.max(1), findings.len());
    assert!(findings.is_empty(), "fuzz {name}: findings saved: {findings:#?}");
}

#[test]
fn fuzz_text() {
    fuzz("text", text_seeds(), 64);
}

#[test]
fn fuzz_extract() {
    fuzz("extract", text_seeds(), 64);
}

#[test]
fn fuzz_jsonl() {
    fuzz("jsonl", jsonl_seeds(), 16);
}

#[test]
fn fuzz_html() {
    fuzz("html", html_seeds(), 64);
}

#[test]
fn fuzz_sparql() {
    // Few repeats: a query that joins a pattern with itself many times is slow by nature.
    fuzz("sparql", sparql_seeds(), 3);
}

#[test]
fn fuzz_serve() {
    fuzz("serve", serve_seeds(), 8);
}

/// Every saved crasher goes through its target again: none may panic, hang or fail.
#[test]
fn replay_saved_crashers() {
    let Ok(dir) = std::fs::read_dir(crasher_dir()) else { return };
    let mut failed = Vec::new();
    let mut n = 0;
    for entry in dir.flatten() {
        let path = entry.path();
        let Some(file) = path.file_name().and_then(|f| f.to_str()) else { continue };
        let Some(t) = file.split('-').next().and_then(target) else { continue };
        let Ok(data) = std::fs::read(&path) else { continue };
        n += 1;
        let out = run_case(t, &data);
        if out != Outcome::Ok {
            failed.push(format!("{file}: {out:?}"));
        }
    }
    eprintln!("replayed {n} saved fuzz crashers");
    assert!(failed.is_empty(), "saved fuzz crashers still fail:\n{}", failed.join("\n"));
}
