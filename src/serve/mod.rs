//! `realpolitik serve`: a SPARQL 1.1 endpoint over the store.
//!
//! - `/query`, `/sparql`: SPARQL 1.1 Protocol queries (GET, POST form, POST
//!   `application/sparql-query`), content negotiation, a service description on a bare GET.
//! - `/update` (and `/sparql` with `update=` or `application/sparql-update`), writes to
//!   `/store` and `/ingest`: only with `allow_updates` and the bearer token.
//! - `/store`: Graph Store Protocol (`?default`, `?graph=IRI`).
//! - `/`: a query page with a timeline of events and a network of states (`/assets/`: its scripts).
//!
//! Safe by default: read-only, per-query timeout, result cap (answers cut at `max_results`
//! carry `X-Realpolitik-Truncated: true`), no SERVICE, CORS open for reads from any page.
//! One thread per connection (see `conn`: whole-request deadlines, a per-client connection cap)
//! and one per query (a timeout, a memory budget); the store is shared, each query reads a snapshot.

mod auth;
mod conn;
mod describe;
mod gsp;
mod http;
mod ingest;
mod negotiate;
mod sparql;

use crate::error::{Error, Result};
use http::{Fail, Reply, bytes, empty, header, text};
use oxhttp::model::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS, ACCESS_CONTROL_MAX_AGE, ACCEPT, ALLOW, AUTHORIZATION, CACHE_CONTROL,
    CONTENT_SECURITY_POLICY, HOST, VARY, WWW_AUTHENTICATE, X_CONTENT_TYPE_OPTIONS,
};
use oxhttp::model::{Body, HeaderValue, Method, Request, Response, StatusCode};
use oxigraph::model::NamedNode;
use oxigraph::store::Store;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant};

pub use sparql::TRUNCATED_HEADER;

/// The query page, embedded so the binary serves it with no files beside it.
const INDEX_HTML: &str = include_str!("index.html");

/// The page's scripts and icon at `/assets/NAME`, embedded too (no CDN at run time; versions and
/// licences in src/serve/assets/README.md). Versioned library files may be cached for a year;
/// the page's own files are revalidated, since they change with the binary.
const ASSETS: &[(&str, &str, bool, &[u8])] = &[
    ("vis-timeline-8.5.4.min.js", "text/javascript; charset=utf-8", true, include_bytes!("assets/vis-timeline-8.5.4.min.js")),
    ("vis-network-10.1.5.min.js", "text/javascript; charset=utf-8", true, include_bytes!("assets/vis-network-10.1.5.min.js")),
    ("page.js", "text/javascript; charset=utf-8", false, include_bytes!("assets/page.js")),
    ("icon.svg", "image/svg+xml", false, include_bytes!("assets/icon.svg")),
];

/// Largest query or update body read.
const QUERY_BODY_LIMIT: u64 = 16 * 1024 * 1024;
/// Largest RDF or article body read (as the CLI's input limit).
const DATA_BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// Connections open at once, from all clients; more get 503 at once (see `conn`).
const MAX_CONNECTIONS: usize = 1024;
/// A client that does not read its answer for this long is dropped.
const SOCKET_TIMEOUT: Duration = Duration::from_secs(60);
/// The `Server` header.
const SERVER_NAME: &str = concat!("realpolitik/", env!("CARGO_PKG_VERSION"));

/// How `serve` runs. The CLI fills it from flags; `Default` is the safe, read-only setup.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on, e.g. "127.0.0.1:7878" (port 0: any free port, see [`ServerHandle::addr`]).
    pub bind: String,
    /// Updates, Graph Store writes and ingest, only with this AND the bearer token.
    pub allow_updates: bool,
    /// Bearer token for writes (from --token or REALPOLITIK_TOKEN); required with `allow_updates`.
    pub token: Option<String>,
    /// Per-query (and per-update) time limit.
    pub timeout: Duration,
    /// Cap on result rows / triples; answers cut there carry `X-Realpolitik-Truncated: true`.
    pub max_results: usize,
    /// Whether SERVICE (and LOAD in updates) may be used.
    pub allow_service: bool,
    /// Heap one query (or update) may hold, in bytes; over it, evaluation stops with 503.
    pub max_query_memory: usize,
    /// A request's line, headers and body must arrive within this (plus 1 s per 256 KiB of
    /// body); slower clients get 408, so trickling connections cannot pile up.
    pub request_timeout: Duration,
    /// Connections one client address may hold open; more get 503 at once.
    pub max_connections_per_client: usize,
    /// The store was opened read-only (beside a running ingest): nothing to flush at the end.
    pub read_only_store: bool,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:7878".into(),
            allow_updates: false,
            token: None,
            timeout: Duration::from_secs(30),
            max_results: 100_000,
            allow_service: false,
            max_query_memory: 512 * 1024 * 1024,
            request_timeout: Duration::from_secs(10),
            max_connections_per_client: 64,
            read_only_store: false,
        }
    }
}

/// State shared by all connection threads.
struct Shared {
    config: ServeConfig,
    /// Set only when writes are enabled.
    token: Option<auth::Token>,
    /// Taken out at shutdown so the store closes once the last request using it ends.
    store: RwLock<Option<Store>>,
    draining: AtomicBool,
    in_flight: Mutex<usize>,
    idle: Condvar,
    workers: Arc<sparql::Workers>,
}

impl Shared {
    fn store(&self) -> Option<Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// Counts a request as in flight until dropped, so shutdown can wait for it.
struct InFlight<'a>(&'a Shared);

impl<'a> InFlight<'a> {
    fn enter(shared: &'a Shared) -> Self {
        *shared.in_flight.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Self(shared)
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut n = self.0.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        *n = n.saturating_sub(1);
        if *n == 0 {
            self.0.idle.notify_all();
        }
    }
}

/// A running server. [`ServerHandle::shutdown`] drains it and releases the store.
pub struct ServerHandle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stopped: bool,
}

impl ServerHandle {
    /// The address actually listened on (the real port when the config asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Graceful stop: new requests get 503, in-flight ones may finish (for at most the query
    /// timeout plus 5 s), then the store is flushed and released. oxhttp 0.3 cannot close its
    /// listening socket; it closes when the process exits, and answers 503 until then.
    pub fn shutdown(mut self) -> Result<()> {
        self.stopped = true;
        self.shared.draining.store(true, Ordering::SeqCst);
        let deadline = Instant::now() + self.shared.config.timeout + Duration::from_secs(5);
        let mut n = self.shared.in_flight.lock().unwrap_or_else(|e| e.into_inner());
        while *n > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                eprintln!("realpolitik serve: {} request(s) still running at shutdown; not waiting longer", *n);
                break;
            }
            n = self.shared.idle.wait_timeout(n, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        drop(n);
        // Queries abandoned at their timeout were cancelled and stop on their own.
        if !self.shared.workers.wait_idle(deadline.max(Instant::now() + Duration::from_secs(5))) {
            eprintln!("realpolitik serve: a cancelled query is still stopping at shutdown; not waiting longer");
        }
        let store = self.shared.store.write().unwrap_or_else(|e| e.into_inner()).take();
        // A read-only store (serving beside an ingest) has nothing to flush.
        if let Some(store) = store.filter(|_| !self.shared.config.read_only_store) {
            store.flush().map_err(|e| Error::Store { path: "store".into(), message: format!("flush at shutdown: {e}") })?;
        }
        Ok(())
    }
}

impl Drop for ServerHandle {
    /// Dropped without `shutdown` (e.g. a panicking test): refuse further requests and let
    /// go of the store, waiting a few seconds at most for cancelled queries to stop.
    fn drop(&mut self) {
        if !self.stopped {
            self.shared.draining.store(true, Ordering::SeqCst);
            self.shared.store.write().unwrap_or_else(|e| e.into_inner()).take();
            self.shared.workers.wait_idle(Instant::now() + Duration::from_secs(10));
        }
    }
}

/// Start serving in background threads and return at once.
pub fn spawn(store: Store, config: ServeConfig) -> Result<ServerHandle> {
    let token = match (&config.allow_updates, config.token.as_deref().map(str::trim)) {
        (false, _) => None,
        (true, Some(t)) if !t.is_empty() => Some(auth::Token::new(t)),
        (true, _) => {
            return Err(Error::Input {
                input: "--allow-updates".into(),
                problem: "needs a bearer token (--token or REALPOLITIK_TOKEN)".into(),
            });
        }
    };
    if config.timeout.is_zero() {
        return Err(Error::input("--timeout", "must be more than 0 seconds"));
    }
    if config.request_timeout.is_zero() {
        return Err(Error::input("--request-timeout", "must be more than 0 seconds"));
    }
    if config.max_connections_per_client == 0 {
        return Err(Error::input("--max-connections-per-client", "must be at least 1"));
    }
    let addrs = resolve(&config.bind)?;
    let shared = Arc::new(Shared {
        config,
        token,
        store: RwLock::new(Some(store)),
        draining: AtomicBool::new(false),
        in_flight: Mutex::new(0),
        idle: Condvar::new(),
        workers: Arc::default(),
    });

    let limits = conn::Limits {
        request_timeout: shared.config.request_timeout,
        per_client: shared.config.max_connections_per_client,
        max_connections: MAX_CONNECTIONS,
        max_body: DATA_BODY_LIMIT,
        write_timeout: SOCKET_TIMEOUT,
    };
    let mut listeners = Vec::new();
    for addr in &addrs {
        let listener = TcpListener::bind(addr).map_err(|e| Error::Network(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr().map_err(|e| Error::Network(format!("cannot listen on {addr}: {e}")))?;
        listeners.push((listener, local));
    }
    let addr = listeners[0].1;
    for (listener, local) in listeners {
        let handler_state = Arc::clone(&shared);
        let handler: Arc<conn::Handler> = Arc::new(move |request: &mut Request<Body>| handle(&handler_state, request));
        conn::spawn(listener, limits.clone(), SERVER_NAME, handler)
            .map_err(|e| Error::Network(format!("cannot start the listener on {local}: {e}")))?;
    }
    Ok(ServerHandle { shared, addr, stopped: false })
}

fn resolve(bind: &str) -> Result<Vec<SocketAddr>> {
    let mut addrs: Vec<SocketAddr> = bind
        .to_socket_addrs()
        .map_err(|e| Error::input(bind, format!("not a listen address (want HOST:PORT): {e}")))?
        .collect();
    addrs.dedup();
    if addrs.is_empty() {
        return Err(Error::input(bind, "resolves to no address"));
    }
    Ok(addrs)
}

/// Serve until SIGINT / SIGTERM, then shut down gracefully (see [`ServerHandle::shutdown`]).
pub fn serve(store: Store, config: ServeConfig) -> Result<()> {
    let handle = spawn(store, config)?;
    let (sender, receiver) = std::sync::mpsc::channel();
    let signalled = AtomicBool::new(false);
    ctrlc::set_handler(move || {
        // A second signal means "now": skip the graceful wait.
        if signalled.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        let _ = sender.send(());
    })
    .map_err(|e| Error::Network(format!("cannot install the signal handler: {e}")))?;
    eprintln!(
        "realpolitik: SPARQL endpoint at http://{addr}/query, query page at http://{addr}/ (Ctrl-C to stop)",
        addr = handle.addr()
    );
    let _ = receiver.recv();
    eprintln!("realpolitik: shutting down (Ctrl-C again to stop at once)");
    handle.shutdown()
}

/// Every request: refuse while draining, route, then add the headers all answers carry.
fn handle(shared: &Shared, request: &mut Request<Body>) -> Response<Body> {
    let mut response = if shared.draining.load(Ordering::SeqCst) {
        text(StatusCode::SERVICE_UNAVAILABLE, "server is shutting down")
    } else {
        let _in_flight = InFlight::enter(shared);
        match shared.store() {
            Some(store) => route(shared, store, request).unwrap_or_else(Fail::into_response),
            None => text(StatusCode::SERVICE_UNAVAILABLE, "server is shutting down"),
        }
    };
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(TRUNCATED_HEADER));
    headers.insert(VARY, HeaderValue::from_static("Accept"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if request.method() == Method::HEAD {
        *response.body_mut() = Body::empty();
    }
    response
}

const READ_METHODS: &str = "GET, HEAD, POST, OPTIONS";
const STORE_METHODS: &str = "GET, HEAD, PUT, POST, DELETE, OPTIONS";

fn route(shared: &Shared, store: Store, request: &mut Request<Body>) -> Reply {
    let path = request.uri().path().to_string();
    let method = request.method().clone();
    if method == Method::OPTIONS {
        return Ok(preflight(&path));
    }
    let read = method == Method::GET || method == Method::HEAD;
    match path.as_str() {
        "/" | "/index.html" if read => {
            let mut r = bytes(StatusCode::OK, "text/html; charset=utf-8", INDEX_HTML.as_bytes().to_vec());
            r.headers_mut().insert(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:; connect-src 'self'",
                ),
            );
            Ok(r)
        }
        p if read && p.starts_with("/assets/") => asset(&p["/assets/".len()..]),
        "/query" | "/sparql" if read => get_query(shared, store, request, &path),
        "/query" | "/sparql" if method == Method::POST => post_sparql(shared, store, request, path == "/sparql"),
        "/update" if method == Method::POST => {
            authorize(shared, request)?;
            let (update, params) = update_from_post(request)?;
            sparql::update(shared, store, &update, &sparql::DatasetParams::parse(&params, "using-graph-uri", "using-named-graph-uri")?)
        }
        "/store" if read => gsp::read(shared, store, &http::url_params(request), header(request, ACCEPT)),
        "/store" if method == Method::PUT || method == Method::POST || method == Method::DELETE => {
            authorize(shared, request)?;
            let params = http::url_params(request);
            let content_type = http::content_type(request);
            let body = http::read_body(request, DATA_BODY_LIMIT)?;
            gsp::write(store, &method, &params, content_type.as_deref(), body)
        }
        "/ingest" if method == Method::POST => {
            authorize(shared, request)?;
            let params = http::url_params(request);
            let content_type = http::content_type(request);
            let body = http::read_body(request, DATA_BODY_LIMIT)?;
            ingest::ingest(&store, content_type.as_deref(), &params, body)
        }
        "/" | "/index.html" | "/query" | "/sparql" => Err(not_allowed(READ_METHODS)),
        "/update" | "/ingest" => Err(not_allowed("POST, OPTIONS")),
        "/store" => Err(not_allowed(STORE_METHODS)),
        p if p.starts_with("/assets/") => Err(not_allowed("GET, HEAD, OPTIONS")),
        _ => Err(Fail::new(
            StatusCode::NOT_FOUND,
            format!("no such page: {path} (try /, /query, /update, /store or /ingest)"),
        )),
    }
}

/// One embedded asset of the page, or 404.
fn asset(name: &str) -> Reply {
    let Some((_, content_type, versioned, body)) = ASSETS.iter().find(|(n, ..)| *n == name) else {
        return Err(Fail::new(StatusCode::NOT_FOUND, format!("no such asset: {name}")));
    };
    let mut r = bytes(StatusCode::OK, content_type, body.to_vec());
    let cache = if *versioned { "public, max-age=31536000, immutable" } else { "no-cache" };
    r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(r)
}

fn not_allowed(allow: &'static str) -> Fail {
    Fail::new(StatusCode::METHOD_NOT_ALLOWED, format!("method not allowed here; use {allow}")).with_header(ALLOW, allow)
}

/// CORS preflight: any origin may read; writes still need the token. (oxhttp 0.3 drops
/// `Access-Control-Allow-Methods` from responses, so cross-origin pages get GET, HEAD and POST,
/// the methods browsers allow without it, but not PUT / DELETE on /store.)
fn preflight(path: &str) -> Response<Body> {
    let methods = match path {
        "/store" => STORE_METHODS,
        "/update" | "/ingest" => "POST, OPTIONS",
        _ => READ_METHODS,
    };
    let mut r = empty(StatusCode::NO_CONTENT);
    let h = r.headers_mut();
    h.insert(ALLOW, HeaderValue::from_static(methods));
    h.insert(ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods));
    h.insert(ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Accept, Authorization, Content-Type"));
    h.insert(ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    r
}

/// 403 when writes are off, 401 without the right bearer token.
fn authorize(shared: &Shared, request: &Request<Body>) -> Result<(), Fail> {
    auth::check(shared.token.as_ref(), header(request, AUTHORIZATION)).map_err(|refusal| match refusal {
        auth::Refusal::Disabled => Fail::new(
            StatusCode::FORBIDDEN,
            "updates are disabled on this server (start it with --allow-updates and a --token)",
        ),
        auth::Refusal::Missing => Fail::new(StatusCode::UNAUTHORIZED, "missing bearer token (Authorization: Bearer <token>)")
            .with_header(WWW_AUTHENTICATE, "Bearer realm=\"realpolitik\""),
        auth::Refusal::Wrong => Fail::new(StatusCode::UNAUTHORIZED, "wrong bearer token")
            .with_header(WWW_AUTHENTICATE, "Bearer realm=\"realpolitik\", error=\"invalid_token\""),
    })
}

/// GET /query: a query if `query=` is given, else the service description.
fn get_query(shared: &Shared, store: Store, request: &Request<Body>, path: &str) -> Reply {
    let params = http::url_params(request);
    let accept = header(request, ACCEPT);
    match http::single(&params, "query")? {
        Some(query) => {
            let dataset = sparql::DatasetParams::parse(&params, "default-graph-uri", "named-graph-uri")?;
            sparql::query(shared, store, query, &dataset, accept)
        }
        None => describe::service_description(shared, endpoint_iri(request, path), accept),
    }
}

/// POST /query or /sparql: a query (form or `application/sparql-query`), or on /sparql also
/// an update (form `update=` or `application/sparql-update`).
fn post_sparql(shared: &Shared, store: Store, request: &mut Request<Body>, updates_too: bool) -> Reply {
    let content_type = http::content_type(request);
    let accept = header(request, ACCEPT).map(str::to_owned);
    let url_params = http::url_params(request);
    match content_type.as_deref() {
        Some("application/sparql-query") => {
            let query = http::utf8(http::read_body(request, QUERY_BODY_LIMIT)?, "query")?;
            let dataset = sparql::DatasetParams::parse(&url_params, "default-graph-uri", "named-graph-uri")?;
            sparql::query(shared, store, &query, &dataset, accept.as_deref())
        }
        Some("application/x-www-form-urlencoded") => {
            let mut params = http::form_pairs(&http::read_body(request, QUERY_BODY_LIMIT)?);
            params.extend(url_params);
            if let Some(query) = http::single(&params, "query")? {
                if http::single(&params, "update")?.is_some() {
                    return Err(Fail::bad_request("give either 'query' or 'update', not both"));
                }
                let dataset = sparql::DatasetParams::parse(&params, "default-graph-uri", "named-graph-uri")?;
                sparql::query(shared, store, query, &dataset, accept.as_deref())
            } else if let Some(update) = http::single(&params, "update")?.filter(|_| updates_too) {
                authorize(shared, request)?;
                let using = sparql::DatasetParams::parse(&params, "using-graph-uri", "using-named-graph-uri")?;
                sparql::update(shared, store, update, &using)
            } else if updates_too {
                Err(Fail::bad_request("missing 'query' or 'update' parameter"))
            } else {
                Err(Fail::bad_request("missing 'query' parameter (updates go to /update)"))
            }
        }
        Some("application/sparql-update") if updates_too => {
            authorize(shared, request)?;
            let update = http::utf8(http::read_body(request, QUERY_BODY_LIMIT)?, "update")?;
            let using = sparql::DatasetParams::parse(&url_params, "using-graph-uri", "using-named-graph-uri")?;
            sparql::update(shared, store, &update, &using)
        }
        Some("application/sparql-update") => Err(Fail::bad_request("updates go to /update (or /sparql)")),
        other => Err(Fail::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "unsupported content type {}; send application/sparql-query or application/x-www-form-urlencoded",
                other.unwrap_or("(none)")
            ),
        )),
    }
}

/// The update text and parameters of POST /update (form or `application/sparql-update`).
fn update_from_post(request: &mut Request<Body>) -> Result<(String, Vec<(String, String)>), Fail> {
    let mut params = http::url_params(request);
    match http::content_type(request).as_deref() {
        Some("application/sparql-update") => {
            let update = http::utf8(http::read_body(request, QUERY_BODY_LIMIT)?, "update")?;
            Ok((update, params))
        }
        Some("application/x-www-form-urlencoded") => {
            let form = http::form_pairs(&http::read_body(request, QUERY_BODY_LIMIT)?);
            let update = http::single(&form, "update")?
                .ok_or_else(|| Fail::bad_request("missing 'update' parameter"))?
                .to_owned();
            params.extend(form);
            Ok((update, params))
        }
        other => Err(Fail::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "unsupported content type {}; send application/sparql-update or application/x-www-form-urlencoded",
                other.unwrap_or("(none)")
            ),
        )),
    }
}

/// This endpoint's absolute IRI, from the Host header (what the client used to reach us).
fn endpoint_iri(request: &Request<Body>, path: &str) -> NamedNode {
    header(request, HOST)
        .and_then(|host| NamedNode::new(format!("http://{host}{path}")).ok())
        .unwrap_or_else(|| NamedNode::new_unchecked(format!("http://localhost{path}")))
}
