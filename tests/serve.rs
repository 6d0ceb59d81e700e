//! `realpolitik serve` over real sockets on 127.0.0.1: protocol, formats, auth, limits,
//! concurrency, shutdown, and an independent Python client (SPARQLWrapper + rdflib).

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, Literal, NamedNode, Quad, Triple};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput};
use oxigraph::store::Store;
use realpolitik::serve::{ServeConfig, ServerHandle, spawn};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

const EX: &str = "http://example.org/";
const TOKEN: &str = "test-token-42";

fn ex(local: &str) -> NamedNode {
    NamedNode::new(format!("{EX}{local}")).unwrap()
}

/// The sample data; tests/python/serve_client.py expects exactly this.
/// g1: alpha/beta/gamma with names, alpha knows beta. g2: delta, a language-tagged name.
fn sample_store(dir: &Path) -> Store {
    let store = Store::open(dir).unwrap();
    let g1 = GraphName::NamedNode(ex("g1"));
    let g2 = GraphName::NamedNode(ex("g2"));
    let quads = [
        Quad::new(ex("alpha"), ex("name"), Literal::from("Alpha"), g1.clone()),
        Quad::new(ex("beta"), ex("name"), Literal::from("Beta"), g1.clone()),
        Quad::new(ex("gamma"), ex("name"), Literal::from("Gamma"), g1.clone()),
        Quad::new(ex("alpha"), ex("knows"), ex("beta"), g1),
        Quad::new(ex("delta"), ex("name"), Literal::new_language_tagged_literal("Delta", "en").unwrap(), g2.clone()),
        Quad::new(ex("delta"), ex("age"), Literal::from(42), g2),
    ];
    for q in &quads {
        store.insert(q).unwrap();
    }
    store
}

/// A server on a temporary store; the handle is dropped before the folder.
struct Server {
    handle: Option<ServerHandle>,
    dir: tempfile::TempDir,
}

impl Server {
    fn start(config: ServeConfig) -> Self {
        Self::start_with(config, |_| {})
    }

    fn start_with(config: ServeConfig, fill: impl FnOnce(&Store)) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = sample_store(dir.path());
        fill(&store);
        let handle = spawn(store, ServeConfig { bind: "127.0.0.1:0".into(), ..config }).unwrap();
        assert!(handle.addr().ip().is_loopback());
        Self { handle: Some(handle), dir }
    }

    fn addr(&self) -> SocketAddr {
        self.handle.as_ref().unwrap().addr()
    }

    fn get(&self, path: &str, accept: &str) -> Resp {
        request(self.addr(), "GET", path, &[("Accept", accept)], b"")
    }

    fn query(&self, query: &str, accept: &str) -> Resp {
        self.get(&format!("/query?query={}", enc(query)), accept)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.handle.take());
        let _ = &self.dir;
    }
}

fn writable() -> ServeConfig {
    ServeConfig { allow_updates: true, token: Some(TOKEN.into()), ..ServeConfig::default() }
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
    fn media_type(&self) -> String {
        self.header("content-type").unwrap_or("").split(';').next().unwrap_or("").trim().to_string()
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl std::fmt::Debug for Resp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}\n{}", self.status, self.headers, self.text())
    }
}

/// A minimal HTTP/1.1 client: one request per connection.
fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if !body.is_empty() || method == "POST" || method == "PUT" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("no end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers.iter().any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    Resp { status, headers, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = std::str::from_utf8(&data[..line_end]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

fn json(resp: &Resp) -> serde_json::Value {
    serde_json::from_slice(&resp.body).unwrap_or_else(|e| panic!("not JSON ({e}): {resp:?}"))
}

/// Values of `var` in SPARQL JSON results.
fn json_column(resp: &Resp, var: &str) -> Vec<String> {
    json(resp)["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b[var]["value"].as_str().unwrap_or("").to_string())
        .collect()
}

fn parse_triples(resp: &Resp, format: RdfFormat) -> Vec<Triple> {
    RdfParser::from_format(format)
        .for_slice(&resp.body)
        .map(|q| Triple::from(q.unwrap_or_else(|e| panic!("bad {format}: {e}\n{resp:?}"))))
        .collect()
}

const NAMES: &str = "PREFIX ex: <http://example.org/> SELECT ?s ?name WHERE { ?s ex:name ?name } ORDER BY STR(?name)";
const LABELS: &str =
    "PREFIX ex: <http://example.org/> CONSTRUCT { ?s ex:label ?name } WHERE { ?s ex:name ?name }";

#[test]
fn select_in_json_xml_csv_tsv() {
    let server = Server::start(ServeConfig::default());

    // JSON is the default, and the union of the named graphs is the default graph.
    let r = server.query(NAMES, "");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.media_type(), "application/sparql-results+json");
    assert_eq!(json_column(&r, "name"), ["Alpha", "Beta", "Delta", "Gamma"]);
    assert_eq!(json(&r)["head"]["vars"], serde_json::json!(["s", "name"]));

    let r = server.query(NAMES, "application/sparql-results+xml");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.media_type(), "application/sparql-results+xml");
    let parsed = QueryResultsParser::from_format(QueryResultsFormat::Xml).for_slice(&r.body).unwrap();
    let SliceQueryResultsParserOutput::Solutions(solutions) = parsed else { panic!("not solutions") };
    let names: Vec<String> = solutions
        .map(|s| match s.unwrap().get("name") {
            Some(oxigraph::model::Term::Literal(l)) => l.value().to_string(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(names, ["Alpha", "Beta", "Delta", "Gamma"]);

    let r = server.query(NAMES, "text/csv");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.media_type(), "text/csv");
    let lines: Vec<&str> = std::str::from_utf8(&r.body).unwrap().lines().collect();
    assert_eq!(lines, ["s,name", "http://example.org/alpha,Alpha", "http://example.org/beta,Beta", "http://example.org/delta,Delta", "http://example.org/gamma,Gamma"]);

    let r = server.query(NAMES, "text/tab-separated-values");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.media_type(), "text/tab-separated-values");
    let text = r.text();
    assert_eq!(text.lines().next(), Some("?s\t?name"));
    assert!(text.contains("<http://example.org/delta>\t\"Delta\"@en"), "{text}");
    let parsed = QueryResultsParser::from_format(QueryResultsFormat::Tsv).for_slice(&r.body).unwrap();
    let SliceQueryResultsParserOutput::Solutions(solutions) = parsed else { panic!("not solutions") };
    assert_eq!(solutions.count(), 4);
}

#[test]
fn negotiation_q_values_and_406() {
    let server = Server::start(ServeConfig::default());
    let r = server.query(NAMES, "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1");
    assert_eq!(r.media_type(), "text/csv", "{r:?}");
    let r = server.query(NAMES, "image/png");
    assert_eq!(r.status, 406, "{r:?}");
    assert!(r.text().contains("application/sparql-results+json"), "{r:?}");
    // A graph format is not acceptable for SELECT results.
    assert_eq!(server.query(NAMES, "text/turtle").status, 406);
    // Browsers' Accept header gets XML results.
    let r = server.query(NAMES, "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
    assert_eq!(r.media_type(), "application/sparql-results+xml", "{r:?}");
}

#[test]
fn construct_in_turtle_ntriples_jsonld_rdfxml() {
    let server = Server::start(ServeConfig::default());
    let expected = {
        let mut v: Vec<String> = ["alpha", "beta", "gamma"]
            .iter()
            .zip(["Alpha", "Beta", "Gamma"])
            .map(|(s, n)| Triple::new(ex(s), ex("label"), Literal::from(n)).to_string())
            .collect();
        v.push(
            Triple::new(ex("delta"), ex("label"), Literal::new_language_tagged_literal("Delta", "en").unwrap())
                .to_string(),
        );
        v.sort();
        v
    };
    for (accept, media, format) in [
        ("", "text/turtle", RdfFormat::Turtle),
        ("text/turtle", "text/turtle", RdfFormat::Turtle),
        ("application/n-triples", "application/n-triples", RdfFormat::NTriples),
        ("application/ld+json", "application/ld+json", RdfFormat::JsonLd { profile: Default::default() }),
        ("application/rdf+xml", "application/rdf+xml", RdfFormat::RdfXml),
    ] {
        let r = server.query(LABELS, accept);
        assert_eq!(r.status, 200, "{accept}: {r:?}");
        assert_eq!(r.media_type(), media);
        let mut got: Vec<String> = parse_triples(&r, format).iter().map(Triple::to_string).collect();
        got.sort();
        assert_eq!(got, expected, "{accept}");
    }
    assert_eq!(server.query(LABELS, "application/sparql-results+json").status, 406);
}

/// JSON-LD over HTTP (CONSTRUCT, Graph Store GET, service description) is the compacted form
/// `export --format jsonld` writes: the same @context and the same nodes, numbers as numbers.
#[test]
fn json_ld_answers_are_compacted_like_export() {
    let article = {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/000_70de5bca808cd6d9.txt");
        let bytes = std::fs::read(&p).unwrap();
        realpolitik::ingest::read_bytes("000.txt", &bytes, realpolitik::ingest::Kind::Text).remove(0).unwrap()
    };
    let graph = realpolitik::rdf::article_iri(&article.id);
    let mut exported = Vec::new();
    let server = Server::start_with(ServeConfig::default(), |store| {
        realpolitik::store::ingest_article(store, &article).unwrap();
        exported = realpolitik::export::export(store, realpolitik::rdf::Format::Jsonld, Some(graph.as_str()), Vec::new()).unwrap();
    });
    let exported: serde_json::Value = serde_json::from_slice(&exported).unwrap();
    // One named graph exported: {"@context", "@graph": [{"@id": graph, "@graph": nodes}]}.
    let export_nodes = &exported["@graph"][0]["@graph"];
    assert!(export_nodes.as_array().is_some_and(|n| n.len() > 5), "{exported}");

    let construct = format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}");
    let gsp = format!("/store?graph={}", enc(graph.as_str()));
    for (what, r) in [("CONSTRUCT", server.query(&construct, "application/ld+json")), ("Graph Store GET", server.get(&gsp, "application/ld+json"))] {
        assert_eq!(r.status, 200, "{what}: {r:?}");
        assert_eq!(r.media_type(), "application/ld+json", "{what}");
        let doc = json(&r);
        assert_eq!(doc["@context"], exported["@context"], "{what}: the export's @context");
        assert_eq!(&doc["@graph"], export_nodes, "{what}: the export's nodes");
        let sanction = doc["@graph"].as_array().unwrap().iter().find(|n| n["@type"] == "Sanction").expect("a sanction node");
        assert!(sanction["evidenceStart"].is_u64() && sanction["imposedBy"].is_string(), "{what}: compacted: {sanction}");
        // Still the same graph for any JSON-LD reader.
        assert_eq!(parse_triples(&r, RdfFormat::JsonLd { profile: Default::default() }).len(), {
            let nt = server.get(&gsp, "application/n-triples");
            parse_triples(&nt, RdfFormat::NTriples).len()
        });
    }
    // The service description too, and a DESCRIBE.
    let r = server.get("/query", "application/ld+json");
    assert_eq!(r.media_type(), "application/ld+json", "{r:?}");
    assert_eq!(json(&r)["@context"], exported["@context"]);
    assert!(!parse_triples(&r, RdfFormat::JsonLd { profile: Default::default() }).is_empty());
    let r = server.query("DESCRIBE ?s WHERE { ?s a rp:Sanction } LIMIT 1", "application/ld+json");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(json(&r)["@context"], exported["@context"]);
}

#[test]
fn ask_and_dataset_parameters() {
    let server = Server::start(ServeConfig::default());
    let r = server.query("PREFIX ex: <http://example.org/> ASK { ex:alpha ex:knows ex:beta }", "");
    assert_eq!(json(&r)["boolean"], serde_json::json!(true), "{r:?}");
    let r = server.query("ASK { ?s ?p \"Nobody\" }", "application/sparql-results+xml");
    assert!(r.text().contains("<boolean>false</boolean>"), "{r:?}");

    // default-graph-uri restricts the default graph to g1.
    let path = format!("/query?query={}&default-graph-uri={}", enc(NAMES), enc("http://example.org/g1"));
    assert_eq!(json_column(&server.get(&path, ""), "name"), ["Alpha", "Beta", "Gamma"]);
    // named-graph-uri: GRAPH ?g sees only g2.
    let q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }";
    let path = format!("/query?query={}&named-graph-uri={}", enc(q), enc("http://example.org/g2"));
    assert_eq!(json_column(&server.get(&path, ""), "g"), ["http://example.org/g2"]);
    // FROM in the query is honoured.
    let q = "PREFIX ex: <http://example.org/> SELECT ?name FROM ex:g2 WHERE { ?s ex:name ?name }";
    assert_eq!(json_column(&server.query(q, ""), "name"), ["Delta"]);
    // Predeclared prefixes (rdf:) need no PREFIX line.
    let r = server.query("SELECT (COUNT(*) AS ?n) WHERE { ?s rdf:type ?t }", "");
    assert_eq!(r.status, 200, "{r:?}");
}

#[test]
fn post_forms_and_sparql_query_bodies() {
    let server = Server::start(ServeConfig::default());
    let form = format!("query={}", enc(NAMES));
    let r = request(
        server.addr(),
        "POST",
        "/query",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/sparql-results+json")],
        form.as_bytes(),
    );
    assert_eq!(json_column(&r, "name").len(), 4, "{r:?}");
    let r = request(
        server.addr(),
        "POST",
        &format!("/sparql?default-graph-uri={}", enc("http://example.org/g2")),
        &[("Content-Type", "application/sparql-query; charset=utf-8")],
        NAMES.as_bytes(),
    );
    assert_eq!(json_column(&r, "name"), ["Delta"], "{r:?}");
    let r = request(server.addr(), "POST", "/query", &[("Content-Type", "text/plain")], NAMES.as_bytes());
    assert_eq!(r.status, 415, "{r:?}");
    let r = request(server.addr(), "DELETE", "/query", &[], b"");
    assert_eq!(r.status, 405, "{r:?}");
    assert!(r.header("allow").unwrap().contains("POST"));
    assert_eq!(server.get("/nowhere", "").status, 404);
}

#[test]
fn malformed_query_is_400_with_the_parser_message() {
    let server = Server::start(ServeConfig::default());
    let r = server.query("SELECT ?s WHERE { ?s ?p }", "");
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(r.media_type(), "text/plain");
    let text = r.text();
    assert!(text.starts_with("malformed query:"), "{text}");
    assert!(text.contains("at line 1, column 19"), "no position in {text}");
    assert_eq!(server.get("/query?query=1&query=2", "").status, 400);
}

#[test]
fn query_errors_are_one_line_at_the_users_position() {
    // The same words as the CLI's (the library formats both); positions ignore the
    // predeclared prefixes, and the grammar's expected-set is not dumped.
    let server = Server::start(ServeConfig::default());
    let r = server.query("SELECT ?x WHERE { ?x foo:bar ?y }", "");
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(
        r.text().trim(),
        "malformed query: unknown prefix `foo:` at line 1, column 22 — known prefixes: rp, rpid, wd, rdf, rdfs, owl, prov, xsd, skos"
    );
    let r = server.query("SELECT ?x\nWHERE { ?x rp:p ?y . FILTER(?y = ) }", "");
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(r.text().trim(), "malformed query: expected an expression at line 2, column 34 (found `)`)");
    let r = server.query("SELECT ?x WHERE { ?x rp:p ?y ", "");
    assert_eq!(r.text().trim(), "malformed query: expected `}` at line 1, column 29 (found the end of the query)");
    assert!(!r.text().trim().contains('\n'), "{r:?}");
    // Updates are described the same way.
    let server = Server::start(writable());
    let r = request(
        server.addr(),
        "POST",
        "/update",
        &[("Content-Type", "application/sparql-update"), ("Authorization", &format!("Bearer {TOKEN}"))],
        b"INSERT DATA { nope:a rp:b 1 }",
    );
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.text().starts_with("malformed update: unknown prefix `nope:` at line 1, column 15"), "{r:?}");
}

#[test]
fn service_is_refused_unless_allowed() {
    let server = Server::start(ServeConfig::default());
    let q = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }";
    let r = server.query(q, "");
    assert_eq!(r.status, 400, "{r:?}");
    assert_eq!(r.text().trim(), "SERVICE is disabled; start with --allow-service");
    // The word in a string is not a SERVICE clause.
    assert_eq!(server.query("SELECT * WHERE { ?s ?p \"SERVICE <x> {}\" }", "").status, 200);

    // Allowed, but this build has no HTTP client: a clear 501, and nothing is fetched.
    let open = Server::start(ServeConfig { allow_service: true, ..ServeConfig::default() });
    let r = open.query(q, "");
    assert_eq!(r.status, 501, "{r:?}");
    assert!(r.text().contains("SERVICE"), "{r:?}");
}

#[test]
fn updates_need_the_switch_and_the_token() {
    let update = "PREFIX ex: <http://example.org/> INSERT DATA { GRAPH ex:g1 { ex:omega ex:name \"Omega\" } }";
    let post = |server: &Server, headers: &[(&str, &str)]| {
        let mut h = vec![("Content-Type", "application/sparql-update")];
        h.extend_from_slice(headers);
        request(server.addr(), "POST", "/update", &h, update.as_bytes())
    };
    let auth = format!("Bearer {TOKEN}");

    let read_only = Server::start(ServeConfig::default());
    let r = post(&read_only, &[("Authorization", &auth)]);
    assert_eq!(r.status, 403, "{r:?}");
    assert!(r.text().contains("--allow-updates"));

    let server = Server::start(writable());
    let r = post(&server, &[]);
    assert_eq!(r.status, 401, "{r:?}");
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));
    assert_eq!(post(&server, &[("Authorization", "Bearer wrong")]).status, 401);
    assert_eq!(json_column(&server.query(NAMES, ""), "name").len(), 4, "nothing written yet");

    let r = post(&server, &[("Authorization", &auth)]);
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(json_column(&server.query(NAMES, ""), "name"), ["Alpha", "Beta", "Delta", "Gamma", "Omega"]);

    // Form-encoded, on /sparql.
    let form = format!("update={}", enc("PREFIX ex: <http://example.org/> DELETE WHERE { GRAPH ?g { ex:omega ?p ?o } }"));
    let r = request(
        server.addr(),
        "POST",
        "/sparql",
        &[("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", &auth)],
        form.as_bytes(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(json_column(&server.query(NAMES, ""), "name").len(), 4);

    let r = request(
        server.addr(),
        "POST",
        "/update",
        &[("Content-Type", "application/sparql-update"), ("Authorization", &auth)],
        b"INSERT DATA { oops",
    );
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.text().starts_with("malformed update:"));

    // LOAD fetches a URL: refused like SERVICE.
    let r = request(
        server.addr(),
        "POST",
        "/update",
        &[("Content-Type", "application/sparql-update"), ("Authorization", &auth)],
        b"LOAD <http://127.0.0.1:9/data.ttl>",
    );
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.text().contains("LOAD is disabled"));
}

#[test]
fn allow_updates_without_a_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let config = ServeConfig { bind: "127.0.0.1:0".into(), allow_updates: true, ..ServeConfig::default() };
    let err = spawn(store, config).err().expect("must refuse");
    assert!(err.to_string().contains("token"), "{err}");
}

#[test]
fn graph_store_protocol() {
    let server = Server::start(writable());
    let g1 = format!("/store?graph={}", enc("http://example.org/g1"));
    let r = server.get(&g1, "text/turtle");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.media_type(), "text/turtle");
    assert_eq!(parse_triples(&r, RdfFormat::Turtle).len(), 4);

    let r = server.get(&format!("/store?graph={}", enc("http://example.org/nope")), "");
    assert_eq!(r.status, 404, "{r:?}");
    let r = server.get("/store?default", "application/n-triples");
    assert_eq!(r.media_type(), "application/n-triples");
    assert_eq!(parse_triples(&r, RdfFormat::NTriples).len(), 6, "{r:?}");
    assert_eq!(server.get("/store", "").status, 400);
    assert_eq!(server.get(&g1, "image/png").status, 406);

    let new = format!("/store?graph={}", enc("http://example.org/new"));
    let auth = format!("Bearer {TOKEN}");
    let ttl = b"<http://example.org/x> <http://example.org/p> \"one\" .".as_slice();
    let put = |body: &[u8], method: &str, token: &str| {
        request(server.addr(), method, &new, &[("Content-Type", "text/turtle"), ("Authorization", token)], body)
    };
    assert_eq!(put(ttl, "PUT", "Bearer wrong").status, 401);
    assert_eq!(put(ttl, "PUT", &auth).status, 201);
    assert_eq!(put(ttl, "PUT", &auth).status, 204);
    assert_eq!(put(b"<http://example.org/x> <http://example.org/p> \"two\" .", "POST", &auth).status, 204);
    assert_eq!(parse_triples(&server.get(&new, "text/turtle"), RdfFormat::Turtle).len(), 2);
    assert_eq!(put(b"<http://example.org/x> <http://example.org/p> \"three\" .", "PUT", &auth).status, 204);
    assert_eq!(parse_triples(&server.get(&new, "text/turtle"), RdfFormat::Turtle).len(), 1);
    let r = put(b"this is not turtle", "PUT", &auth);
    assert_eq!(r.status, 400, "{r:?}");
    let r = request(server.addr(), "PUT", &new, &[("Content-Type", "image/png"), ("Authorization", &auth)], ttl);
    assert_eq!(r.status, 415, "{r:?}");
    let r = request(server.addr(), "DELETE", &new, &[("Authorization", &auth)], b"");
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(server.get(&new, "").status, 404);
    assert_eq!(request(server.addr(), "DELETE", &new, &[("Authorization", &auth)], b"").status, 404);

    let read_only = Server::start(ServeConfig::default());
    let r = request(read_only.addr(), "DELETE", &g1, &[("Authorization", &auth)], b"");
    assert_eq!(r.status, 403, "{r:?}");
}

#[test]
fn cors_preflight_and_headers() {
    let server = Server::start(ServeConfig::default());
    let r = request(
        server.addr(),
        "OPTIONS",
        "/query",
        &[
            ("Origin", "http://example.com"),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        b"",
    );
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"), "{r:?}");
    // oxhttp 0.3 drops Access-Control-Allow-Methods from responses; browsers do not need it
    // for GET, HEAD and POST (CORS-safelisted methods). The headers must be allowed though.
    let allowed_headers = r.header("access-control-allow-headers").unwrap().to_lowercase();
    assert!(allowed_headers.contains("content-type") && allowed_headers.contains("authorization"), "{r:?}");
    assert!(r.header("allow").unwrap().contains("POST"), "{r:?}");
    let r = server.query("ASK {}", "");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let r = server.query("SELECT * WHERE { ?s ?p }", "");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"), "errors carry CORS too");
}

#[test]
fn service_description_and_query_page() {
    let server = Server::start(ServeConfig::default());
    let r = server.get("/query", "text/turtle");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.media_type(), "text/turtle");
    let triples = parse_triples(&r, RdfFormat::Turtle);
    let sd = |l: &str| NamedNode::new(format!("http://www.w3.org/ns/sparql-service-description#{l}")).unwrap();
    let endpoint = NamedNode::new(format!("http://{}/query", server.addr())).unwrap();
    assert!(triples.contains(&Triple::new(endpoint.clone(), oxigraph::model::vocab::rdf::TYPE, sd("Service"))), "{r:?}");
    assert!(triples.contains(&Triple::new(endpoint.clone(), sd("endpoint"), endpoint.clone())));
    assert!(!triples.iter().any(|t| t.object == sd("SPARQL11Update").into()), "read-only server");
    let r = server.get("/sparql", "application/rdf+xml");
    assert_eq!(r.media_type(), "application/rdf+xml");
    assert!(!parse_triples(&r, RdfFormat::RdfXml).is_empty());

    let r = server.get("/", "text/html");
    assert_eq!(r.status, 200);
    assert_eq!(r.media_type(), "text/html");
    let page = r.text();
    assert!(page.contains("<textarea") && page.contains("application/sparql-results+json"));
    assert!(!page.contains("http://") && !page.contains("https://"), "no external resources");
}

#[test]
fn results_are_capped_with_a_header() {
    let server = Server::start(ServeConfig { max_results: 2, ..ServeConfig::default() });
    let r = server.query(NAMES, "");
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(json_column(&r, "name"), ["Alpha", "Beta"]);
    assert_eq!(r.header("x-realpolitik-truncated"), Some("true"));
    let r = server.query(LABELS, "application/n-triples");
    assert_eq!(parse_triples(&r, RdfFormat::NTriples).len(), 2);
    assert_eq!(r.header("x-realpolitik-truncated"), Some("true"));
    // JSON-LD is collected before it is written (compaction groups by subject): same cap.
    let r = server.query(LABELS, "application/ld+json");
    assert_eq!(parse_triples(&r, RdfFormat::JsonLd { profile: Default::default() }).len(), 2);
    assert_eq!(r.header("x-realpolitik-truncated"), Some("true"));
    let r = server.query("SELECT ?x WHERE { VALUES ?x { 1 2 } }", "");
    assert_eq!(r.header("x-realpolitik-truncated"), None, "exactly at the cap is complete");
}

#[test]
fn a_runaway_query_is_cut_off_at_the_timeout() {
    let config = ServeConfig { timeout: Duration::from_secs(1), ..ServeConfig::default() };
    let server = Server::start_with(config, |store| {
        let g = GraphName::NamedNode(ex("big"));
        let quads: Vec<Quad> =
            (0..1000).map(|i| Quad::new(ex(&format!("n{i}")), ex("v"), Literal::from(i), g.clone())).collect();
        store.extend(quads).unwrap();
    });
    let started = Instant::now();
    let r = server.query("SELECT (COUNT(*) AS ?c) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "");
    let elapsed = started.elapsed();
    assert_eq!(r.status, 503, "{r:?}");
    assert!(r.text().contains("query timed out after 1 s"), "{r:?}");
    assert!(elapsed < Duration::from_secs(20), "took {elapsed:?}");
    // The server still answers.
    assert_eq!(server.query("ASK {}", "").status, 200);
}

#[test]
fn fifty_concurrent_clients_get_their_own_answers() {
    let server = Server::start_with(ServeConfig::default(), |store| {
        let g = GraphName::NamedNode(ex("items"));
        for i in 0..50 {
            store.insert(&Quad::new(ex(&format!("item{i}")), ex("value"), Literal::from(i), g.clone())).unwrap();
        }
    });
    let addr = server.addr();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(50));
    let threads: Vec<_> = (0..50)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let q = format!("PREFIX ex: <http://example.org/> SELECT ?s WHERE {{ ?s ex:value {i} }}");
                let r = request(addr, "GET", &format!("/query?query={}", enc(&q)), &[], b"");
                assert_eq!(r.status, 200, "{r:?}");
                assert_eq!(json_column(&r, "s"), [format!("http://example.org/item{i}")]);
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a client thread failed");
    }
}

#[test]
fn ingest_over_http() {
    let server = Server::start(writable());
    let auth = format!("Bearer {TOKEN}");
    let text = "The European Union imposed new sanctions on Russia on Monday, the Council said.";
    let path = format!("/ingest?url={}&date=2024-03-04&title=EU+sanctions", enc("https://news.example/eu-sanctions"));
    let r = request(server.addr(), "POST", &path, &[("Content-Type", "text/plain")], text.as_bytes());
    assert_eq!(r.status, 401, "{r:?}");
    let r = request(server.addr(), "POST", &path, &[("Content-Type", "text/plain"), ("Authorization", &auth)], text.as_bytes());
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.media_type(), "application/json");
    let report = json(&r);
    assert_eq!(report["ingested"], 1, "{r:?}");
    let article = report["articles"][0]["article"].as_str().expect("article IRI").to_string();
    // The events graph follows the request's facts, as after a CLI ingest.
    assert!(report["events"]["events"].as_u64().is_some_and(|n| n >= 1), "{r:?}");
    let r = server.query("ASK { GRAPH <https://w3id.org/realpolitik/id/events> { ?e a rp:ReportedEvent ; rp:report ?f } }", "");
    assert_eq!(json(&r)["boolean"], true, "events graph written: {r:?}");
    let r = server.query(&format!("ASK {{ GRAPH <{article}> {{ ?s ?p ?o }} }}"), "");
    assert_eq!(json(&r)["boolean"], true, "article graph written: {r:?}");
    // The same library write path as the CLI: Russia's label in the entities graph only.
    let r = server.query("SELECT ?g WHERE { GRAPH ?g { <https://w3id.org/realpolitik/id/state/Q159> rdfs:label ?l } }", "");
    assert_eq!(json_column(&r, "g"), ["https://w3id.org/realpolitik/id/entities"], "{r:?}");

    let lines = "{\"text\": \"Germany delivered tanks to Ukraine.\", \"url\": \"https://news.example/2\"}\n{\"no_text\": 1}\n";
    let r = request(
        server.addr(),
        "POST",
        "/ingest",
        &[("Content-Type", "application/x-ndjson"), ("Authorization", &auth)],
        lines.as_bytes(),
    );
    assert_eq!(r.status, 200, "{r:?}");
    let report = json(&r);
    assert_eq!((report["ingested"].as_u64(), report["failed"].as_u64()), (Some(1), Some(1)), "{r:?}");
    assert!(report["articles"][1]["error"].as_str().unwrap().contains("text"));

    let r = request(server.addr(), "POST", "/ingest", &[("Authorization", &auth)], b"   ");
    assert_eq!(r.status, 400, "{r:?}");

    let read_only = Server::start(ServeConfig::default());
    let r = request(read_only.addr(), "POST", "/ingest", &[("Authorization", &auth)], text.as_bytes());
    assert_eq!(r.status, 403, "{r:?}");
}

#[test]
fn shutdown_drains_and_releases_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = sample_store(dir.path());
    let handle = spawn(store, ServeConfig { bind: "127.0.0.1:0".into(), ..ServeConfig::default() }).unwrap();
    let addr = handle.addr();
    // A query in flight when shutdown starts still gets its answer.
    let client = std::thread::spawn(move || {
        request(addr, "GET", &format!("/query?query={}", enc(NAMES)), &[], b"")
    });
    std::thread::sleep(Duration::from_millis(50));
    handle.shutdown().unwrap();
    let r = client.join().unwrap();
    assert!(r.status == 200 || r.status == 503, "{r:?}");
    let r = request(addr, "GET", "/query?query=ASK%7B%7D", &[], b"");
    assert_eq!(r.status, 503, "{r:?}");
    // The store is closed: this process (or another) can open it again.
    let reopened = Store::open(dir.path()).expect("store still locked after shutdown");
    assert_eq!(reopened.len().unwrap(), 6);
}

#[test]
fn independent_python_client() {
    let available = std::process::Command::new("python3")
        .args(["-c", "import SPARQLWrapper, rdflib"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have python3 with SPARQLWrapper and rdflib (pip install SPARQLWrapper rdflib)"
        );
        eprintln!("SKIPPED independent_python_client: python3 with SPARQLWrapper and rdflib not found");
        return;
    }
    let server = Server::start(ServeConfig::default());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/serve_client.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(format!("http://{}", server.addr()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(out.status.success(), "python client failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("all checks passed"), "{stdout}\n{stderr}");
}

// ---- Issue 14: hostile requests (D1-D4, D12) ----

/// A store with `n` quads in one graph, enough to make cross products explode.
fn with_quads(n: usize) -> impl FnOnce(&Store) {
    move |store: &Store| {
        let g = GraphName::NamedNode(ex("big"));
        let quads: Vec<Quad> =
            (0..n).map(|i| Quad::new(ex(&format!("n{i}")), ex("v"), Literal::from(i as i64), g.clone())).collect();
        store.extend(quads).unwrap();
    }
}

fn post_query(server: &Server, query: &str) -> Resp {
    request(server.addr(), "POST", "/query", &[("Content-Type", "application/sparql-query")], query.as_bytes())
}

#[test]
fn d1_deeply_nested_queries_are_400_not_an_abort() {
    let server = Server::start(ServeConfig::default());
    let deep = format!("SELECT * WHERE {{{}?s ?p ?o{}}}", "{".repeat(10_000), "}".repeat(10_000));
    let r = post_query(&server, &deep);
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.text().contains("nested more than"), "{r:?}");
    assert_eq!(r.text().lines().count(), 1, "one line: {r:?}");
    let unions = format!("SELECT * WHERE {{ {{?s ?p ?o}} {} }}", "UNION {?s ?p ?o} ".repeat(50_000));
    let r = post_query(&server, &unions);
    assert_eq!(r.status, 400, "{r:?}");
    let r = post_query(&server, "SELECT * WHERE { { { ?s ?p ?o } } UNION { ?s ?p ?o } } LIMIT 1");
    assert_eq!(r.status, 200, "ordinary nesting still works: {r:?}");
    assert_eq!(server.query("ASK {}", "").status, 200, "the server is still up");
}

#[test]
fn d2_timed_out_queries_stop_instead_of_piling_up() {
    let config = ServeConfig { timeout: Duration::from_secs(1), ..ServeConfig::default() };
    let server = Server::start_with(config, with_quads(500));
    // Before the fix each of these ran on after its 503; from the fifth on, every query got
    // "earlier queries that timed out are still stopping".
    let q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }";
    for i in 0..7 {
        let r = post_query(&server, q);
        assert_eq!(r.status, 503, "query {i}: {r:?}");
        assert!(r.text().contains("query timed out after 1 s"), "query {i}: {r:?}");
    }
    assert_eq!(server.query("ASK {}", "").status, 200);
}

#[test]
fn d3_a_query_over_its_memory_budget_is_stopped() {
    let config = ServeConfig {
        max_query_memory: 64 * 1024 * 1024,
        timeout: Duration::from_secs(120),
        ..ServeConfig::default()
    };
    let server = Server::start_with(config, with_quads(1000));
    let r = post_query(&server, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i");
    assert_eq!(r.status, 503, "{r:?}");
    assert!(r.text().contains("--max-query-memory (64 MB)"), "{r:?}");
    // Within budget, queries are answered as before.
    let r = server.query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c }", "");
    assert_eq!(r.status, 200, "{r:?}");
}

/// A connection to `addr` from another loopback address, so the per-client cap of the
/// tricklers does not apply to the probe from 127.0.0.1.
fn connect_from(source: &str, addr: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None)?;
    socket.bind(&source.parse::<SocketAddr>().unwrap().into())?;
    socket.connect(&addr.into())?;
    Ok(socket.into())
}

fn read_status(stream: &mut TcpStream) -> Option<u16> {
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    text.split(' ').nth(1).and_then(|s| s.parse().ok())
}

#[test]
fn d4_trickling_clients_do_not_lock_others_out() {
    let config = ServeConfig {
        request_timeout: Duration::from_secs(3),
        max_connections_per_client: 8,
        ..ServeConfig::default()
    };
    let server = Server::start(config);
    let addr = server.addr();
    // 260 sockets from 127.0.0.2, each sending the start of a request and then nothing more.
    let mut tricklers = Vec::new();
    for _ in 0..260 {
        if let Ok(mut s) = connect_from("127.0.0.2:0", addr) {
            let _ = s.write_all(b"G");
            tricklers.push(s);
        }
    }
    assert!(tricklers.len() >= 200, "could open only {} sockets", tricklers.len());
    // While they hang on, another client is answered.
    for _ in 0..3 {
        let r = server.query("ASK {}", "");
        assert_eq!(r.status, 200, "probe while tricklers are connected: {r:?}");
    }
    // Those over the per-client cap were refused at once, the others cut at the deadline.
    let statuses: Vec<Option<u16>> = tricklers
        .iter_mut()
        .map(|s| {
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
            let _ = s.write_all(b"E");
            read_status(s)
        })
        .collect();
    let refused = statuses.iter().filter(|s| **s == Some(503)).count();
    let cut = statuses.iter().filter(|s| **s == Some(408)).count();
    assert!(refused >= 200, "{refused} refused: {statuses:?}");
    assert!((1..=8).contains(&cut), "{cut} cut at the request deadline: {statuses:?}");
    assert_eq!(server.query("ASK {}", "").status, 200);
}

#[test]
fn d12_oversized_and_stalled_requests_get_answers() {
    let config = ServeConfig { request_timeout: Duration::from_secs(2), ..ServeConfig::default() };
    let server = Server::start(config);
    let long = format!("/query?query={}", "a".repeat(70_000));
    let r = request(server.addr(), "GET", &long, &[], b"");
    assert_eq!(r.status, 414, "{r:?}");
    let big_header = "x".repeat(40_000);
    let r = request(server.addr(), "GET", "/query?query=ASK%7B%7D", &[("X-Big", &big_header)], b"");
    assert_eq!(r.status, 431, "{r:?}");
    // A GET a little over 8 KB is fine.
    let q = format!("ASK {{ FILTER(\"{}\" != \"\") }}", "b".repeat(9_000));
    assert_eq!(server.query(&q, "").status, 200);
    // A huge declared body is refused before it is read.
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 10000000000\r\n\r\nASK").unwrap();
    assert_eq!(read_status(&mut s), Some(413));
    // A body that stalls is cut at the request deadline, well before a minute.
    let started = Instant::now();
    let mut s = TcpStream::connect(server.addr()).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    s.write_all(b"POST /query HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK").unwrap();
    assert_eq!(read_status(&mut s), Some(408));
    assert!(started.elapsed() < Duration::from_secs(50), "{:?}", started.elapsed());
    assert_eq!(server.query("ASK {}", "").status, 200);
}
