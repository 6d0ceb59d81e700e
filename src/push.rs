//! Past one machine: send article graphs to another SPARQL 1.1 store, over its Graph Store
//! Protocol (`PUT ?graph=IRI` replaces a graph) or its Update endpoint (`DROP SILENT GRAPH` +
//! `INSERT DATA`, several articles per request). Either way an article graph is replaced, never
//! duplicated, so pushing twice leaves the same store. The entities graph is only ever added
//! to (a store is a set of triples), as in our own store. Requests are retried with backoff on
//! connection errors, 429 and 5xx; an authentication failure stops the push at once.
//!
//! [`Shard`] splits a corpus across machines by a stable hash of the article id, so shards give
//! disjoint article graphs with the same IRIs as one unsharded run.

use crate::error::{Error, Result};
use crate::ingest::Source;
use crate::model::Article;
use indicatif::ProgressBar;
use crate::ingest::fetch::{describe, http_status, install_crypto_provider, user_agent};
use crate::rdf::{self, vocab};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Quad, Term, Triple};
use oxigraph::store::Store;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// One machine's part of a corpus: articles whose id hashes to `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Whether an article belongs to this shard. The article id (already a hash of URL or text)
    /// is hashed again with SHA-256, so the split is even and the same on every machine.
    pub fn contains(&self, article_id: &str) -> bool {
        use sha2::Digest;
        let h = sha2::Sha256::digest(article_id.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&h[..8]);
        u64::from_be_bytes(first) % self.count == self.index - 1
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    /// "I/N" with 1 ≤ I ≤ N.
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write I/N with 1 ≤ I ≤ N, e.g. 2/8");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if count == 0 || index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// How graphs reach the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// SPARQL 1.1 Graph Store HTTP Protocol: one PUT per graph.
    GraphStore,
    /// SPARQL 1.1 Update: DROP SILENT GRAPH + INSERT DATA, batched.
    Update,
}

/// How to authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AuthScheme {
    /// Whatever the server asks for in its 401 challenge (Basic or Digest)
    Auto,
    /// HTTP Basic, sent with every request
    Basic,
    /// HTTP Digest (RFC 7616, MD5, qop=auth), as Virtuoso's *-auth endpoints want
    Digest,
}

/// Credentials.
#[derive(Clone)]
pub enum Auth {
    None,
    User { scheme: AuthScheme, user: String, password: String },
    Bearer(String),
}

impl std::fmt::Debug for Auth {
    // Never print secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::User { scheme, user, .. } => write!(f, "User({scheme:?}, {user})"),
            Auth::Bearer(_) => f.write_str("Bearer(…)"),
        }
    }
}

/// Where and how to push.
#[derive(Debug, Clone)]
pub struct PushConfig {
    pub url: String,
    pub mode: Mode,
    pub auth: Auth,
    /// Articles per Update request.
    pub batch: usize,
    /// Requests in flight at once (Graph Store mode).
    pub parallel: usize,
    /// Retries of one request after the first try.
    pub retries: u32,
    /// Wait before the first retry; doubled for each next one (capped at 30 s).
    pub backoff: Duration,
    /// Time allowed for one request.
    pub timeout: Duration,
}

impl PushConfig {
    pub fn new(url: impl Into<String>, mode: Mode) -> PushConfig {
        PushConfig {
            url: url.into(),
            mode,
            auth: Auth::None,
            batch: 50,
            parallel: 4,
            retries: 5,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(60),
        }
    }
}

/// What a push did, for the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Graphs replaced (articles, ontology) plus additions to the entities graph.
    pub graphs: usize,
    /// Triples sent.
    pub triples: usize,
    /// Requests tried again after a transient failure.
    pub retries: usize,
    /// Articles or graphs that could not be sent (or read).
    pub failures: usize,
}

/// One graph to send.
struct Graph {
    iri: NamedNode,
    triples: Vec<Triple>,
}

/// Why one request failed.
enum Failure {
    /// Every further request would fail the same way: 401/403, or the store cannot be reached
    /// even after the retries. The push stops.
    Fatal(Error),
    Other(Error),
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Error {
        match f {
            Failure::Fatal(e) | Failure::Other(e) => e,
        }
    }
}

/// A server's Digest challenge, with the count of its nonce's uses.
#[derive(Debug, Clone)]
struct Challenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    qop_auth: bool,
    sess: bool,
    nc: u32,
}

/// What the server wants, learned from its first 401 under [`AuthScheme::Auto`].
#[derive(Debug, Clone)]
enum AuthState {
    Unknown,
    Basic,
    Digest(Challenge),
}

/// A connection to one target store; [`Pusher::push_articles`] and [`Pusher::push_store`]
/// send, and [`Pusher::summary`] tells what was sent.
pub struct Pusher {
    client: reqwest::blocking::Client,
    config: PushConfig,
    url: url::Url,
    auth: Mutex<AuthState>,
    /// Entity triples already sent in this run: each is sent once.
    sent_entities: Mutex<HashSet<Triple>>,
    graphs: AtomicUsize,
    triples: AtomicUsize,
    retries: AtomicUsize,
    failures: AtomicUsize,
    cnonce_counter: AtomicUsize,
}

/// The outcome of one article: its triples sent, or why not.
pub type ArticleResult = std::result::Result<usize, Error>;

/// What [`Pusher::push_articles`] did: one result per article, in order, and whether adding
/// to the entities graph failed.
pub struct Pushed {
    pub articles: Vec<ArticleResult>,
    pub entities: Option<Error>,
}

impl Pusher {
    pub fn new(config: PushConfig) -> Result<Pusher> {
        let url = url::Url::parse(config.url.trim())
            .map_err(|e| Error::Network(format!("{}: not a URL: {e}", config.url)))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Error::Network(format!("{url}: only http and https endpoints are supported")));
        }
        install_crypto_provider();
        let client = reqwest::blocking::Client::builder()
            .user_agent(user_agent())
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .timeout(config.timeout)
            .build()
            .map_err(|e| Error::Network(format!("cannot set up the HTTP client: {}", describe(&e))))?;
        let auth = match &config.auth {
            Auth::User { scheme: AuthScheme::Basic, .. } => AuthState::Basic,
            _ => AuthState::Unknown,
        };
        Ok(Pusher {
            client,
            config,
            url,
            auth: Mutex::new(auth),
            sent_entities: Mutex::new(HashSet::new()),
            graphs: AtomicUsize::new(0),
            triples: AtomicUsize::new(0),
            retries: AtomicUsize::new(0),
            failures: AtomicUsize::new(0),
            cnonce_counter: AtomicUsize::new(0),
        })
    }

    pub fn url(&self) -> &str {
        self.url.as_str()
    }

    pub fn summary(&self) -> Summary {
        Summary {
            graphs: self.graphs.load(Ordering::Relaxed),
            triples: self.triples.load(Ordering::Relaxed),
            retries: self.retries.load(Ordering::Relaxed),
            failures: self.failures.load(Ordering::Relaxed),
        }
    }

    /// Count a failure that happened before pushing (an unreadable input).
    pub fn count_failure(&self) {
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// Replace the ontology graph with the embedded ontology. `Err` when authentication failed or
    /// the store is unreachable (stop then); `Ok(Some(e))` when only this graph could not be
    /// sent (counted).
    pub fn push_ontology(&self) -> Result<Option<Error>> {
        let quads = rdf::ontology_quads()?;
        let g = NamedNode::new_unchecked(vocab::ONTOLOGY_GRAPH);
        let graph = Graph { iri: g, triples: quads.into_iter().map(Triple::from).collect() };
        match self.replace_one(&graph) {
            Ok(()) => Ok(None),
            Err(f) => {
                self.count_failure();
                match f {
                    Failure::Fatal(e) => Err(e),
                    Failure::Other(e) => Ok(Some(Error::Network(format!("ontology graph: {e}")))),
                }
            }
        }
    }

    /// Send a batch of extracted articles (each named, e.g. by its source, and given as its
    /// quads): each article's own graph is replaced, and the entity triples not sent yet in
    /// this run are added to the entities graph. `Err` for the whole batch only when
    /// authentication failed or the store is unreachable (stop then).
    pub fn push_articles(&self, items: Vec<(String, Vec<Quad>)>) -> Result<Pushed> {
        let entities = rdf::entities_graph();
        let mut graphs = Vec::with_capacity(items.len());
        let mut names = Vec::with_capacity(items.len());
        let mut new_entities = Vec::new();
        {
            let mut sent = self.sent_entities.lock().unwrap_or_else(|p| p.into_inner());
            for (name, quads) in items {
                let mut own: BTreeMap<NamedNode, Vec<Triple>> = BTreeMap::new();
                for q in quads {
                    match q.graph_name.clone() {
                        GraphName::NamedNode(g) if g == entities => {
                            let t = Triple::from(q);
                            if sent.insert(t.clone()) {
                                new_entities.push(t);
                            }
                        }
                        GraphName::NamedNode(g) => own.entry(g).or_default().push(q.into()),
                        // Our article quads are always in named graphs; anything else goes to
                        // the article's graph (never the target's default graph).
                        _ => own.entry(NamedNode::new_unchecked("urn:realpolitik:unnamed")).or_default().push(q.into()),
                    }
                }
                // One graph per article in practice; more are sent as one unit.
                let mut it = own.into_iter();
                let (iri, mut triples) = it.next().unwrap_or((NamedNode::new_unchecked("urn:realpolitik:empty"), Vec::new()));
                for (_, t) in it {
                    triples.extend(t);
                }
                graphs.push(Graph { iri, triples });
                names.push(name);
            }
        }
        let mut out = self.replace_many(&graphs)?;
        for (r, name) in out.iter_mut().zip(&names) {
            if let Err(e) = r {
                *r = Err(Error::Network(format!("{name}: {e}")));
            }
        }
        if !new_entities.is_empty() {
            if let Err(f) = self.add_triples(&entities, &new_entities) {
                // The triples go again on the next push; this run counts one failure.
                let mut sent = self.sent_entities.lock().unwrap_or_else(|p| p.into_inner());
                for t in &new_entities {
                    sent.remove(t);
                }
                self.count_failure();
                match f {
                    Failure::Fatal(e) => return Err(e),
                    Failure::Other(e) => return Ok(Pushed { articles: out, entities: Some(Error::Network(format!("entities graph: {e}"))) }),
                }
            }
        }
        Ok(Pushed { articles: out, entities: None })
    }

    /// Send every named graph of a local store: the entities graph by addition, every other
    /// graph (articles, ontology) by replacement, `batch` graphs at a time. `progress` is told
    /// how many graphs are done. Per-graph failures are returned with the graph named; `Err`
    /// when the store cannot be read, authentication failed or the target is unreachable.
    pub fn push_store(&self, store: &Store, mut progress: impl FnMut(u64), mut failed: impl FnMut(Error)) -> Result<()> {
        let store_err = |e: &dyn std::fmt::Display| Error::Store { path: "store".into(), message: e.to_string() };
        let entities = rdf::entities_graph();
        let mut names = Vec::new();
        for g in store.named_graphs() {
            match g.map_err(|e| store_err(&e))? {
                NamedOrBlankNode::NamedNode(n) => names.push(n),
                NamedOrBlankNode::BlankNode(_) => {}
            }
        }
        names.sort();
        let read = |g: &NamedNode| -> Result<Vec<Triple>> {
            store
                .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g.as_ref())))
                .map(|q| q.map(Triple::from).map_err(|e| store_err(&e)))
                .collect()
        };
        let step = self.config.batch.max(1).max(self.config.parallel);
        for chunk in names.chunks(step) {
            let mut graphs = Vec::new();
            for g in chunk {
                if *g == entities {
                    let triples = read(g)?;
                    // A large entities graph goes in pieces; adding is idempotent.
                    for part in triples.chunks(20_000) {
                        if let Err(f) = self.add_triples(g, part) {
                            self.count_failure();
                            match f {
                                Failure::Fatal(e) => return Err(e),
                                Failure::Other(e) => failed(e),
                            }
                        }
                    }
                    progress(1);
                } else {
                    graphs.push(Graph { iri: g.clone(), triples: read(g)? });
                }
            }
            let n = graphs.len() as u64;
            for (g, r) in graphs.iter().zip(self.replace_many(&graphs)?) {
                if let Err(e) = r {
                    failed(Error::Network(format!("graph {}: {e}", g.iri)));
                }
            }
            progress(n);
        }
        Ok(())
    }

    /// Replace several graphs: Graph Store mode sends them `parallel` at a time, Update mode
    /// `batch` per request (a failed batch is sent again article by article, so one bad graph
    /// is named and costs no other). Failures are counted.
    fn replace_many(&self, graphs: &[Graph]) -> Result<Vec<ArticleResult>> {
        let results: Vec<std::result::Result<usize, Failure>> = match self.config.mode {
            Mode::GraphStore => self.in_parallel(graphs),
            Mode::Update => {
                let mut out = Vec::with_capacity(graphs.len());
                for batch in graph_batches(graphs, self.config.batch.max(1)) {
                    match self.update_batch(&batch) {
                        Ok(()) => out.extend(batch.iter().map(|g| Ok(g.triples.len()))),
                        Err(Failure::Fatal(e)) => return Err(e),
                        Err(Failure::Other(_)) if batch.len() > 1 => {
                            for g in &batch {
                                out.push(self.update_batch(std::slice::from_ref(g)).map(|()| g.triples.len()));
                            }
                        }
                        Err(f) => out.push(Err(f)),
                    }
                }
                out
            }
        };
        let mut out = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok(n) => {
                    self.graphs.fetch_add(1, Ordering::Relaxed);
                    self.triples.fetch_add(n, Ordering::Relaxed);
                    out.push(Ok(n));
                }
                Err(Failure::Fatal(e)) => {
                    self.count_failure();
                    return Err(e);
                }
                Err(Failure::Other(e)) => {
                    self.count_failure();
                    out.push(Err(e));
                }
            }
        }
        Ok(out)
    }

    /// Graph Store PUTs, a few in flight at once, results in input order.
    fn in_parallel(&self, graphs: &[Graph]) -> Vec<std::result::Result<usize, Failure>> {
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<std::result::Result<usize, Failure>>>> = graphs.iter().map(|_| Mutex::new(None)).collect();
        let workers = self.config.parallel.clamp(1, graphs.len().max(1));
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(g) = graphs.get(i) else { break };
                        let r = self.gsp(Method::PUT, &g.iri, &g.triples).map(|()| g.triples.len());
                        let stop = matches!(r, Err(Failure::Fatal(_)));
                        *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(r);
                        if stop {
                            // The others would fail alike: take no more.
                            next.store(graphs.len(), Ordering::Relaxed);
                            break;
                        }
                    }
                });
            }
        });
        let mut out = Vec::with_capacity(graphs.len());
        for slot in slots {
            let r = slot.into_inner().unwrap_or_else(|p| p.into_inner());
            match r {
                Some(r) => out.push(r),
                // Not tried because authentication failed: the Auth error before it says why.
                None => break,
            }
        }
        out
    }

    fn replace_one(&self, g: &Graph) -> std::result::Result<(), Failure> {
        let r = match self.config.mode {
            Mode::GraphStore => self.gsp(Method::PUT, &g.iri, &g.triples),
            Mode::Update => self.update_batch(&[g]),
        };
        if r.is_ok() {
            self.graphs.fetch_add(1, Ordering::Relaxed);
            self.triples.fetch_add(g.triples.len(), Ordering::Relaxed);
        }
        r
    }

    /// Add triples to a graph (Graph Store POST, or INSERT DATA).
    fn add_triples(&self, graph: &NamedNode, triples: &[Triple]) -> std::result::Result<(), Failure> {
        let r = match self.config.mode {
            Mode::GraphStore => self.gsp(Method::POST, graph, triples),
            Mode::Update => {
                let mut body = String::from("INSERT DATA { GRAPH ");
                body.push_str(&graph.to_string());
                body.push_str(" {\n");
                push_triples(&mut body, triples);
                body.push_str("} }\n");
                self.send(Method::POST, self.url.clone(), "application/sparql-update", body.into_bytes())
            }
        };
        if r.is_ok() {
            self.graphs.fetch_add(1, Ordering::Relaxed);
            self.triples.fetch_add(triples.len(), Ordering::Relaxed);
        }
        r
    }

    fn gsp(&self, method: Method, graph: &NamedNode, triples: &[Triple]) -> std::result::Result<(), Failure> {
        let mut url = self.url.clone();
        url.query_pairs_mut().append_pair("graph", graph.as_str());
        let mut body = String::with_capacity(triples.len() * 120);
        push_triples(&mut body, triples);
        // N-Triples is Turtle, and every store reads Turtle.
        self.send(method, url, "text/turtle; charset=utf-8", body.into_bytes())
    }

    /// One Update request replacing each graph of the batch.
    fn update_batch(&self, graphs: &[&Graph]) -> std::result::Result<(), Failure> {
        let mut body = String::new();
        for (i, g) in graphs.iter().enumerate() {
            if i > 0 {
                body.push_str(";\n");
            }
            // INSERT DATA may not hold blank nodes on every store (Virtuoso refuses them): a
            // graph with blank nodes goes as an INSERT template over one empty solution, which
            // makes fresh blank nodes just the same.
            let (insert, end) = if has_blank_nodes(&g.triples) { ("INSERT", "} } WHERE {}") } else { ("INSERT DATA", "} }") };
            body.push_str(&format!("DROP SILENT GRAPH {} ;\n{insert} {{ GRAPH {} {{\n", g.iri, g.iri));
            push_triples(&mut body, &g.triples);
            body.push_str(end);
        }
        body.push('\n');
        self.send(Method::POST, self.url.clone(), "application/sparql-update", body.into_bytes())
    }

    /// Send one request, retrying transient failures with exponential backoff and answering
    /// an authentication challenge once.
    fn send(&self, method: Method, url: url::Url, content_type: &str, body: Vec<u8>) -> std::result::Result<(), Failure> {
        let what = format!("{method} {}", url_for_messages(&url));
        let mut attempt = 0u32;
        let mut challenged = false;
        loop {
            let mut req = self
                .client
                .request(method.clone(), url.clone())
                .header(CONTENT_TYPE, content_type)
                .body(body.clone());
            if let Some(h) = self.authorization(&method, &url) {
                req = req.header(AUTHORIZATION, h);
            }
            let started = Instant::now();
            let transient = match req.send() {
                Ok(resp) => {
                    let status = resp.status();
                    if status.is_success() {
                        return Ok(());
                    }
                    if status == StatusCode::UNAUTHORIZED && !challenged && self.learn_challenge(&resp) {
                        challenged = true;
                        continue;
                    }
                    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
                        return Err(Failure::Fatal(self.auth_error(status)));
                    }
                    let wait = retry_after(&resp);
                    let text = resp.text().unwrap_or_default();
                    let problem = format!("{what}: {}{}", http_status(status), body_excerpt(&text));
                    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
                        (problem, wait, false)
                    } else {
                        return Err(Failure::Other(Error::Network(problem)));
                    }
                }
                Err(e) if e.is_connect() || e.is_timeout() || e.is_request() => {
                    let why = if e.is_timeout() {
                        format!("timed out after {:.0} s", started.elapsed().as_secs_f64())
                    } else {
                        describe(&e)
                    };
                    (format!("{what}: {why}"), None, e.is_connect())
                }
                Err(e) => return Err(Failure::Other(Error::Network(format!("{what}: {}", describe(&e))))),
            };
            let (problem, wait, unreachable) = transient;
            if attempt >= self.config.retries {
                let tries = attempt + 1;
                let e = Error::Network(format!("{problem} (gave up after {tries} tr{})", if tries == 1 { "y" } else { "ies" }));
                // A store that cannot be reached at all would cost every other graph the same
                // retries: stop instead.
                return Err(if unreachable { Failure::Fatal(e) } else { Failure::Other(e) });
            }
            let backoff = self.config.backoff.saturating_mul(1u32 << attempt.min(6)).min(Duration::from_secs(30));
            std::thread::sleep(wait.map(|w| w.min(Duration::from_secs(60))).unwrap_or(backoff));
            attempt += 1;
            self.retries.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn auth_error(&self, status: StatusCode) -> Error {
        let hint = match &self.config.auth {
            Auth::None => "; the store wants credentials: --user NAME with --password or REALPOLITIK_PUSH_PASSWORD, or --bearer TOKEN",
            Auth::User { .. } => "; check --user and the password (Virtuoso's *-auth endpoints also need a user with the SPARQL_UPDATE role)",
            Auth::Bearer(_) => "; check the bearer token",
        };
        Error::Network(format!("authentication failed at {} (HTTP {}){hint}", url_for_messages(&self.url), status.as_u16()))
    }

    /// The Authorization header for the next request, if any.
    fn authorization(&self, method: &Method, url: &url::Url) -> Option<String> {
        match &self.config.auth {
            Auth::None => None,
            Auth::Bearer(t) => Some(format!("Bearer {t}")),
            Auth::User { user, password, .. } => {
                let mut state = self.auth.lock().unwrap_or_else(|p| p.into_inner());
                match &mut *state {
                    AuthState::Unknown => None,
                    AuthState::Basic => {
                        use base64_lite::encode;
                        Some(format!("Basic {}", encode(format!("{user}:{password}").as_bytes())))
                    }
                    AuthState::Digest(c) => {
                        c.nc += 1;
                        let uri = match url.query() {
                            Some(q) => format!("{}?{q}", url.path()),
                            None => url.path().to_string(),
                        };
                        let n = self.cnonce_counter.fetch_add(1, Ordering::Relaxed);
                        Some(digest_header(c, user, password, method.as_str(), &uri, &cnonce(n)))
                    }
                }
            }
        }
    }

    /// Take the scheme and parameters of a 401's challenge; false when there is nothing new to
    /// answer with (no credentials, or no challenge we can answer).
    fn learn_challenge(&self, resp: &reqwest::blocking::Response) -> bool {
        let Auth::User { scheme, .. } = &self.config.auth else { return false };
        let headers: Vec<&str> = resp.headers().get_all(WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).collect();
        let digest = headers.iter().find_map(|h| parse_challenge(h));
        let basic = headers.iter().any(|h| h.trim_start().get(..5).is_some_and(|w| w.eq_ignore_ascii_case("basic")));
        let mut state = self.auth.lock().unwrap_or_else(|p| p.into_inner());
        match (scheme, digest) {
            (AuthScheme::Auto | AuthScheme::Digest, Some(c)) => {
                *state = AuthState::Digest(c);
                true
            }
            (AuthScheme::Auto, None) if basic && !matches!(*state, AuthState::Basic) => {
                *state = AuthState::Basic;
                true
            }
            _ => false,
        }
    }
}

/// Read, extract and push inputs: sources a few at a time, articles extracted in bounded
/// chunks on all cores (as `ingest` does), each chunk sent as one batch, so memory does not grow
/// with the corpus. Unreadable inputs and failed articles go to `failed`, named, and the rest
/// still go; `Err` only when authentication failed or the store is unreachable (nothing
/// further could be sent).
pub fn push_inputs<R, P>(pusher: &Pusher, sources: &[Source], read: R, process: P, bar: &ProgressBar, mut failed: impl FnMut(Error)) -> Result<()>
where
    R: Fn(&Source) -> Vec<Result<Article>> + Sync,
    P: Fn(&Article) -> Result<Vec<Quad>> + Sync,
{
    use rayon::prelude::*;
    const CHUNK: usize = 512;
    for group in sources.chunks(16) {
        let read: Vec<Vec<Result<Article>>> = group.par_iter().map(&read).collect();
        let mut articles = Vec::new();
        for r in read.into_iter().flatten() {
            match r {
                Ok(a) => articles.push(a),
                Err(e) => {
                    pusher.count_failure();
                    failed(e);
                }
            }
        }
        bar.inc_length(articles.len() as u64);
        for chunk in articles.chunks(CHUNK) {
            let done: Vec<Result<Vec<Quad>>> = chunk.par_iter().map(&process).collect();
            let mut items = Vec::with_capacity(chunk.len());
            for (a, r) in chunk.iter().zip(done) {
                match r {
                    Ok(q) => items.push((a.source.clone(), q)),
                    Err(e) => {
                        pusher.count_failure();
                        failed(e);
                        bar.inc(1);
                    }
                }
            }
            // Sent `batch` articles at a time, so progress moves while a chunk goes out.
            let mut items = items.into_iter().peekable();
            while items.peek().is_some() {
                let part: Vec<_> = items.by_ref().take(pusher.config.batch.max(1)).collect();
                let n = part.len() as u64;
                let pushed = pusher.push_articles(part)?;
                for e in pushed.articles.into_iter().filter_map(|r| r.err()).chain(pushed.entities) {
                    failed(e);
                }
                bar.inc(n);
            }
        }
    }
    Ok(())
}

/// Graphs grouped for Update requests: up to `batch` each, a graph with blank nodes alone (a
/// blank node label would otherwise be shared across the request's INSERT DATA operations).
fn graph_batches(graphs: &[Graph], batch: usize) -> Vec<Vec<&Graph>> {
    let mut out: Vec<Vec<&Graph>> = Vec::new();
    let mut current = Vec::new();
    for g in graphs {
        if has_blank_nodes(&g.triples) {
            out.push(vec![g]);
            continue;
        }
        current.push(g);
        if current.len() == batch {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn has_blank_nodes(triples: &[Triple]) -> bool {
    triples
        .iter()
        .any(|t| matches!(t.subject, NamedOrBlankNode::BlankNode(_)) || matches!(t.object, Term::BlankNode(_)))
}

/// N-Triples lines (also valid Turtle and SPARQL triple syntax).
fn push_triples(body: &mut String, triples: &[Triple]) {
    use std::fmt::Write;
    for t in triples {
        let _ = writeln!(body, "{t} .");
    }
}

/// The endpoint as shown in messages: no query string (graph IRIs), no credentials.
fn url_for_messages(url: &url::Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    let _ = u.set_password(None);
    let _ = u.set_username("");
    u.to_string()
}

fn body_excerpt(text: &str) -> String {
    let t: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return String::new();
    }
    let cut: String = t.chars().take(300).collect();
    format!(": {cut}{}", if cut.len() < t.len() { "…" } else { "" })
}

fn retry_after(resp: &reqwest::blocking::Response) -> Option<Duration> {
    let v = resp.headers().get(RETRY_AFTER)?.to_str().ok()?;
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Parse `Digest realm="…", nonce="…", qop="auth", …`; None unless it is a Digest challenge
/// with MD5 (or MD5-sess) and qop auth or none.
fn parse_challenge(header: &str) -> Option<Challenge> {
    let h = header.trim_start();
    if !h.get(..7).is_some_and(|w| w.eq_ignore_ascii_case("digest ")) {
        return None;
    }
    let params = parse_params(h.get(7..)?);
    let get = |k: &str| params.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone());
    let algorithm = get("algorithm").unwrap_or_else(|| "MD5".into());
    let sess = match algorithm.to_ascii_uppercase().as_str() {
        "MD5" => false,
        "MD5-SESS" => true,
        _ => return None,
    };
    let qop = get("qop");
    let qop_auth = qop.as_deref().is_some_and(|q| q.split(',').any(|x| x.trim().eq_ignore_ascii_case("auth")));
    if qop.is_some() && !qop_auth {
        return None;
    }
    Some(Challenge { realm: get("realm")?, nonce: get("nonce")?, opaque: get("opaque"), qop_auth, sess, nc: 0 })
}

/// `k=v, k="v, with comma"` pairs.
fn parse_params(s: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ',') {
            chars.next();
        }
        let mut key = String::new();
        while let Some(&c) = chars.peek() {
            if c == '=' || c == ',' {
                break;
            }
            key.push(c);
            chars.next();
        }
        if key.is_empty() && chars.peek().is_none() {
            break;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'=') {
            chars.next();
            if chars.peek() == Some(&'"') {
                chars.next();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some(n) = chars.next() {
                                value.push(n);
                            }
                        }
                        '"' => break,
                        c => value.push(c),
                    }
                }
            } else {
                while let Some(&c) = chars.peek() {
                    if c == ',' {
                        break;
                    }
                    value.push(c);
                    chars.next();
                }
            }
        }
        out.push((key.trim().to_string(), value.trim().to_string()));
        if chars.peek().is_none() {
            break;
        }
    }
    out
}

fn md5_hex(s: &str) -> String {
    use md5::Digest;
    crate::ingest::hex(&md5::Md5::digest(s.as_bytes()))
}

/// A client nonce: unpredictable enough for a nonce (time, process, counter), never a secret.
fn cnonce(n: usize) -> String {
    use sha2::Digest;
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let h = sha2::Sha256::digest(format!("{t}:{}:{n}", std::process::id()).as_bytes());
    crate::ingest::hex(&h[..8])
}

/// The Authorization header answering a Digest challenge (RFC 7616 §3.4, RFC 2617).
fn digest_header(c: &Challenge, user: &str, password: &str, method: &str, uri: &str, cnonce: &str) -> String {
    let mut ha1 = md5_hex(&format!("{user}:{}:{password}", c.realm));
    if c.sess {
        ha1 = md5_hex(&format!("{ha1}:{}:{cnonce}", c.nonce));
    }
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    let nc = format!("{:08x}", c.nc);
    let response = if c.qop_auth {
        md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", c.nonce))
    } else {
        md5_hex(&format!("{ha1}:{}:{ha2}", c.nonce))
    };
    let q = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut h = format!(
        "Digest username=\"{}\", realm=\"{}\", nonce=\"{}\", uri=\"{}\", algorithm={}, response=\"{response}\"",
        q(user),
        q(&c.realm),
        q(&c.nonce),
        q(uri),
        if c.sess { "MD5-sess" } else { "MD5" }
    );
    if c.qop_auth {
        h.push_str(&format!(", qop=auth, nc={nc}, cnonce=\"{cnonce}\""));
    }
    if let Some(o) = &c.opaque {
        h.push_str(&format!(", opaque=\"{}\"", q(o)));
    }
    h
}

/// Base64 for the Basic header (standard alphabet, padded): too small to need a crate.
mod base64_lite {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                if i <= chunk.len() {
                    out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_split_every_id_into_exactly_one() {
        let shards: Vec<Shard> = (1..=3).map(|i| format!("{i}/3").parse().unwrap()).collect();
        for n in 0..300 {
            let id = format!("{n:016x}");
            assert_eq!(shards.iter().filter(|s| s.contains(&id)).count(), 1);
        }
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("1/0".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        assert!("1/1".parse::<Shard>().unwrap().contains("anything"));
    }

    #[test]
    fn digest_matches_rfc2617_example() {
        // RFC 2617 §3.5: Mufasa / Circle Of Life.
        let c = Challenge {
            realm: "testrealm@host.com".into(),
            nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093".into(),
            opaque: Some("5ccc069c403ebaf9f0171e9517f40e41".into()),
            qop_auth: true,
            sess: false,
            nc: 1,
        };
        let h = digest_header(&c, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b");
        assert!(h.contains("response=\"6629fae49393a05397450978507c4ef1\""), "{h}");
        assert!(h.contains("nc=00000001"), "{h}");
    }

    #[test]
    fn challenges_parse() {
        let c = parse_challenge(
            r#"Digest realm="SPARQL", domain="/sparql-graph-crud-auth", nonce="dacb18", opaque="5ebe", stale="false", qop="auth", algorithm="MD5""#,
        )
        .unwrap();
        assert_eq!((c.realm.as_str(), c.nonce.as_str(), c.opaque.as_deref(), c.qop_auth), ("SPARQL", "dacb18", Some("5ebe"), true));
        assert!(parse_challenge("Basic realm=\"x\"").is_none());
        assert!(parse_challenge("Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256").is_none());
    }

    #[test]
    fn basic_base64() {
        assert_eq!(base64_lite::encode(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64_lite::encode(b"ab"), "YWI=");
        assert_eq!(base64_lite::encode(b""), "");
    }
}
