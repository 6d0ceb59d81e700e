//! SPARQL 1.1 Protocol: query and update evaluation with a timeout, a result cap, the
//! union default graph, and SERVICE / LOAD refused unless allowed.

use super::http::{Fail, Reply, bytes, text};
use super::negotiate::{self, RESULT_OFFERS};
use super::Shared;
use oxhttp::model::{HeaderValue, StatusCode};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, NamedOrBlankNode, Quad, Triple};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{
    CancellationToken, QueryDatasetSpecification, QueryEvaluationError, QueryResults, SparqlEvaluator,
    UpdateEvaluationError,
};
use oxigraph::store::Store;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Header set when results were cut at `max_results`.
pub const TRUNCATED_HEADER: &str = "x-realpolitik-truncated";

/// Query threads alive above which new queries get 503: a bound on threads.
const MAX_WORKERS: usize = 256;
/// Timed-out queries still winding down above which new queries get 503: each may hold a
/// core and much memory, and nobody waits for its answer.
const MAX_ABANDONED: usize = 4;

/// Stack of each query thread.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// `default-graph-uri` / `named-graph-uri` (or `using-…` for updates) protocol parameters.
#[derive(Debug, Default, Clone)]
pub struct DatasetParams {
    pub default: Vec<NamedNode>,
    pub named: Vec<NamedNode>,
}

impl DatasetParams {
    pub fn parse(params: &[(String, String)], default_key: &str, named_key: &str) -> Result<Self, Fail> {
        let iri = |v: &str, key: &str| {
            NamedNode::new(v).map_err(|e| Fail::bad_request(format!("invalid IRI in '{key}': {v:?}: {e}")))
        };
        let mut out = Self::default();
        for (k, v) in params {
            if k == default_key {
                out.default.push(iri(v, default_key)?);
            } else if k == named_key {
                out.named.push(iri(v, named_key)?);
            }
        }
        Ok(out)
    }

    fn is_empty(&self) -> bool {
        self.default.is_empty() && self.named.is_empty()
    }

    /// Protocol parameters replace the query's own dataset; without them, a query with no
    /// FROM / FROM NAMED (or USING) sees the union of all graphs as its default graph, as the
    /// CLI `query` does, since each article lives in its own named graph.
    fn apply(&self, dataset: &mut QueryDatasetSpecification) {
        if !self.is_empty() {
            dataset.set_default_graph(self.default.iter().cloned().map(GraphName::from).collect());
            dataset.set_available_named_graphs(self.named.iter().cloned().map(NamedOrBlankNode::from).collect());
        } else if dataset.is_default_dataset() {
            dataset.set_default_graph_as_union();
        }
    }
}

/// An evaluator with our cancellation token and the prefixes every query may use undeclared
/// (declared on the parser, not prepended as text, so error positions stay the user's own).
fn evaluator(token: &CancellationToken) -> Result<SparqlEvaluator, Fail> {
    Ok(crate::query::syntax::evaluator().with_cancellation_token(token.clone()))
}

/// A query's finished, serialised answer.
struct Answer {
    content_type: &'static str,
    body: Vec<u8>,
    truncated: bool,
}

/// Evaluate a query and answer in the negotiated format.
pub fn query(shared: &Shared, store: Store, query: &str, dataset: &DatasetParams, accept: Option<&str>) -> Reply {
    let config = &shared.config;
    let token = CancellationToken::new();
    crate::query::syntax::check_nesting(query).map_err(|e| Fail::bad_request(format!("malformed query: {e}")))?;
    let mut prepared = evaluator(&token)?
        .parse_query(query)
        .map_err(|e| Fail::bad_request(format!("malformed query: {}", crate::query::syntax::describe(query, &e))))?;
    if !config.allow_service {
        if let Some(keyword) = find_keyword(query, &["SERVICE"]) {
            return Err(disabled(keyword));
        }
    }
    dataset.apply(prepared.dataset_mut());

    let accept = accept.map(str::to_owned);
    let max_results = config.max_results;
    let allow_service = config.allow_service;
    let timeout = config.timeout;
    let max_memory = config.max_query_memory;
    let (sender, receiver) = mpsc::sync_channel(1);
    let worker_token = token.clone();
    let job = spawn_worker(shared, &token, move || {
        let (outcome, exceeded) = crate::memory::with_budget(max_memory, &worker_token, || {
            prepared
                .on_store(&store)
                .execute()
                .map_err(|e| evaluation_failure(e, &worker_token, timeout, allow_service))
                .and_then(|results| {
                    serialise(results, accept.as_deref(), max_results, &worker_token, timeout, allow_service)
                })
        });
        // Over the budget, the evaluator stopped on the cancelled token: say why.
        let outcome = if exceeded { Err(out_of_memory("query", max_memory)) } else { outcome };
        // The handler may have given up (timeout): nobody is listening then.
        let _ = sender.send(outcome);
    })?;

    match receiver.recv_timeout(config.timeout) {
        Ok(Ok(answer)) => {
            let mut response = bytes(StatusCode::OK, answer.content_type, answer.body);
            if answer.truncated {
                response.headers_mut().insert(TRUNCATED_HEADER, HeaderValue::from_static("true"));
            }
            Ok(response)
        }
        Ok(Err(fail)) => Err(fail),
        Err(RecvTimeoutError::Timeout) => {
            // The worker notices the token at its next step and exits on its own.
            job.abandon();
            Err(timed_out("query", timeout))
        }
        Err(RecvTimeoutError::Disconnected) => Err(Fail::internal("query evaluation failed unexpectedly")),
    }
}

/// Query and update threads: how many are alive, and how many of those the handler gave up
/// on at the timeout and are still winding down (some operators, e.g. ORDER BY's sort, only
/// notice cancellation when done). Both are bounded so runaway queries cannot pile up.
#[derive(Default)]
pub struct Workers {
    alive: AtomicUsize,
    abandoned: AtomicUsize,
}

impl Workers {
    /// Wait until every worker thread has exited, or `deadline` passes; true if none is left.
    /// A thread still evaluating when the process exits races the store's own teardown
    /// (RocksDB's statics), which can crash the process, so stopping waits for them.
    pub fn wait_idle(&self, deadline: std::time::Instant) -> bool {
        while self.alive.load(Ordering::SeqCst) > 0 {
            if std::time::Instant::now() >= deadline {
                return false;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        true
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum JobState {
    Running,
    Abandoned,
    Done,
}

/// The handler's side of a worker thread.
struct Job {
    state: Arc<Mutex<JobState>>,
    workers: Arc<Workers>,
    token: CancellationToken,
}

impl Job {
    /// Stop waiting: cancel the evaluation and count the thread as abandoned until it exits.
    fn abandon(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if *state == JobState::Running {
            *state = JobState::Abandoned;
            self.workers.abandoned.fetch_add(1, Ordering::SeqCst);
        }
        self.token.cancel();
    }
}

/// Run `job` on its own thread, so the handler can answer at the timeout whatever the job does.
fn spawn_worker(shared: &Shared, token: &CancellationToken, job: impl FnOnce() + Send + 'static) -> Result<Job, Fail> {
    let workers = &shared.workers;
    let abandoned = workers.abandoned.load(Ordering::SeqCst);
    if abandoned >= MAX_ABANDONED {
        return Err(Fail::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("{abandoned} earlier queries that timed out are still stopping; try again shortly"),
        ));
    }
    if workers.alive.fetch_add(1, Ordering::SeqCst) >= MAX_WORKERS {
        workers.alive.fetch_sub(1, Ordering::SeqCst);
        return Err(Fail::new(StatusCode::SERVICE_UNAVAILABLE, "too many queries running; try again shortly"));
    }
    let state = Arc::new(Mutex::new(JobState::Running));
    let (thread_state, thread_workers) = (Arc::clone(&state), Arc::clone(workers));
    // A known, large stack: the parser is bounded by `check_nesting`, but evaluation and
    // dropping of long operator chains recurse too (virtual memory: only used pages count).
    let spawned = std::thread::Builder::new().name("realpolitik sparql".into()).stack_size(WORKER_STACK).spawn(move || {
        job();
        let mut state = thread_state.lock().unwrap_or_else(|e| e.into_inner());
        if *state == JobState::Abandoned {
            thread_workers.abandoned.fetch_sub(1, Ordering::SeqCst);
        }
        *state = JobState::Done;
        thread_workers.alive.fetch_sub(1, Ordering::SeqCst);
    });
    match spawned {
        Ok(_) => Ok(Job { state, workers: Arc::clone(workers), token: token.clone() }),
        Err(e) => {
            workers.alive.fetch_sub(1, Ordering::SeqCst);
            Err(Fail::new(StatusCode::SERVICE_UNAVAILABLE, format!("cannot start a query thread: {e}")))
        }
    }
}

fn timed_out(what: &str, timeout: Duration) -> Fail {
    Fail::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("{what} timed out after {} s (the server's --timeout)", seconds(timeout)),
    )
}

/// Over `--max-query-memory`: the evaluation was stopped (an update rolled back).
fn out_of_memory(what: &str, budget: usize) -> Fail {
    Fail::new(
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "{what} stopped: it needed more than the server's --max-query-memory ({} MB); narrow it (more specific patterns, LIMIT, no ORDER BY over large results)",
            budget / (1024 * 1024)
        ),
    )
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0}") } else { format!("{s:.1}") }
}

fn disabled(keyword: &str) -> Fail {
    Fail::bad_request(format!("{keyword} is disabled; start with --allow-service"))
}

fn evaluation_failure(e: QueryEvaluationError, token: &CancellationToken, timeout: Duration, allow_service: bool) -> Fail {
    match e {
        QueryEvaluationError::Cancelled => timed_out("query", timeout),
        _ if token.is_cancelled() => timed_out("query", timeout),
        QueryEvaluationError::UnsupportedService(name) => service_unavailable(&name, allow_service),
        QueryEvaluationError::Service(e) => Fail::new(StatusCode::BAD_GATEWAY, format!("SERVICE call failed: {e}")),
        QueryEvaluationError::UnboundService | QueryEvaluationError::InvalidServiceName(_) => {
            Fail::bad_request(format!("query evaluation failed: {e}"))
        }
        e => Fail::internal(format!("query evaluation failed: {e}")),
    }
}

/// SERVICE reached the evaluator: refused (the request check missed nothing it should have,
/// but this is the guarantee) or, when allowed, impossible in a build without an HTTP client.
fn service_unavailable(name: &NamedNode, allow_service: bool) -> Fail {
    if allow_service {
        Fail::new(
            StatusCode::NOT_IMPLEMENTED,
            format!("SERVICE {name} cannot be called: this build has no HTTP client for federated queries"),
        )
    } else {
        disabled("SERVICE")
    }
}

/// Serialise results in the negotiated format, stopping after `max_results` rows / triples.
fn serialise(
    results: QueryResults<'_>,
    accept: Option<&str>,
    max_results: usize,
    token: &CancellationToken,
    timeout: Duration,
    allow_service: bool,
) -> Result<Answer, Fail> {
    let failed = |e: QueryEvaluationError| evaluation_failure(e, token, timeout, allow_service);
    let io = |e: std::io::Error| Fail::internal(format!("cannot serialise results: {e}"));
    match results {
        QueryResults::Boolean(value) => {
            let format = results_format(accept)?;
            let body = QueryResultsSerializer::from_format(format)
                .serialize_boolean_to_writer(Vec::new(), value)
                .map_err(io)?;
            Ok(Answer { content_type: format.media_type(), body, truncated: false })
        }
        QueryResults::Solutions(solutions) => {
            let format = results_format(accept)?;
            let mut serializer = QueryResultsSerializer::from_format(format)
                .serialize_solutions_to_writer(Vec::new(), solutions.variables().to_vec())
                .map_err(io)?;
            let (mut rows, mut truncated) = (0usize, false);
            for solution in solutions {
                let solution = solution.map_err(failed)?;
                if rows == max_results {
                    truncated = true;
                    break;
                }
                serializer.serialize(&solution).map_err(io)?;
                rows += 1;
            }
            Ok(Answer { content_type: format.media_type(), body: serializer.finish().map_err(io)?, truncated })
        }
        QueryResults::Graph(triples) => {
            let format = graph_format(accept)?;
            if matches!(format, RdfFormat::JsonLd { .. }) {
                // Compacted under our @context, as `export --format jsonld` writes it; that
                // writer groups by subject, so the (capped) graph is collected first.
                let (mut kept, mut truncated) = (Vec::new(), false);
                for triple in triples {
                    let triple = triple.map_err(failed)?;
                    if kept.len() == max_results {
                        truncated = true;
                        break;
                    }
                    kept.push(triple);
                }
                return Ok(Answer { content_type: format.media_type(), body: compacted_json_ld(kept)?, truncated });
            }
            let mut serializer = graph_serializer(format)?.for_writer(Vec::new());
            let (mut count, mut truncated) = (0usize, false);
            for triple in triples {
                let triple = triple.map_err(failed)?;
                if count == max_results {
                    truncated = true;
                    break;
                }
                serializer.serialize_triple(&triple).map_err(io)?;
                count += 1;
            }
            Ok(Answer { content_type: format.media_type(), body: serializer.finish().map_err(io)?, truncated })
        }
    }
}

/// The SELECT / ASK results format the client accepts, or 406.
fn results_format(accept: Option<&str>) -> Result<QueryResultsFormat, Fail> {
    negotiate::choose(accept, RESULT_OFFERS).ok_or_else(|| {
        not_acceptable("query results", RESULT_OFFERS.iter().take(4).map(|(m, _)| *m))
    })
}

/// The RDF format the client accepts for a graph, or 406.
pub fn graph_format(accept: Option<&str>) -> Result<RdfFormat, Fail> {
    let offers = negotiate::graph_offers();
    negotiate::choose(accept, &offers)
        .ok_or_else(|| not_acceptable("an RDF graph", offers.iter().take(4).map(|(m, _)| *m)))
}

fn not_acceptable(what: &str, offers: impl IntoIterator<Item = &'static str>) -> Fail {
    Fail::new(
        StatusCode::NOT_ACCEPTABLE,
        format!("no acceptable format for {what}; this server offers {}", negotiate::describe(offers)),
    )
}

/// Triples as the compacted JSON-LD document `export --format jsonld` writes (same
/// `@context`, short keys, native numbers), so clients of the endpoint and of files read one form.
pub fn compacted_json_ld(triples: impl IntoIterator<Item = Triple>) -> Result<Vec<u8>, Fail> {
    let quads: Vec<Quad> = triples.into_iter().map(|t| t.in_graph(GraphName::DefaultGraph)).collect();
    crate::rdf::write_quads(quads, crate::rdf::Format::Jsonld, Vec::new())
        .map_err(|e| Fail::internal(format!("cannot serialise JSON-LD: {e}")))
}

/// A serializer with our prefixes, so Turtle and RDF/XML read well.
pub fn graph_serializer(format: RdfFormat) -> Result<RdfSerializer, Fail> {
    let mut serializer = RdfSerializer::from_format(format);
    for &(prefix, namespace) in crate::rdf::vocab::PREFIXES.iter() {
        serializer = serializer
            .with_prefix(prefix, namespace)
            .map_err(|e| Fail::internal(format!("bad built-in prefix {prefix}: {e}")))?;
    }
    Ok(serializer)
}

/// Apply a SPARQL update. Same timeout as queries; the update is one transaction, so a
/// cancelled one leaves the store as it was.
pub fn update(shared: &Shared, store: Store, update: &str, using: &DatasetParams) -> Reply {
    let config = &shared.config;
    let token = CancellationToken::new();
    crate::query::syntax::check_nesting(update).map_err(|e| Fail::bad_request(format!("malformed update: {e}")))?;
    let mut prepared = evaluator(&token)?
        .parse_update(update)
        .map_err(|e| Fail::bad_request(format!("malformed update: {}", crate::query::syntax::describe(update, &e))))?;
    if !config.allow_service {
        // LOAD fetches a URL, as SERVICE does: both stay off unless allowed.
        if let Some(keyword) = find_keyword(update, &["SERVICE", "LOAD"]) {
            return Err(disabled(keyword));
        }
    }
    for dataset in prepared.using_datasets_mut() {
        using.apply(dataset);
    }

    let timeout = config.timeout;
    let allow_service = config.allow_service;
    let max_memory = config.max_query_memory;
    let (sender, receiver) = mpsc::sync_channel(1);
    let worker_token = token.clone();
    let job = spawn_worker(shared, &token, move || {
        let (outcome, exceeded) =
            crate::memory::with_budget(max_memory, &worker_token, || prepared.on_store(&store).execute());
        let _ = sender.send(if exceeded { Err(None) } else { outcome.map_err(Some) });
    })?;
    let outcome = match receiver.recv_timeout(timeout) {
        Ok(outcome) => outcome,
        Err(RecvTimeoutError::Timeout) => {
            token.cancel();
            // Wait for the real outcome: telling a client "timed out" about an update that
            // then commits would be a lie.
            match receiver.recv_timeout(Duration::from_secs(30)) {
                Ok(outcome) => outcome,
                Err(_) => {
                    job.abandon();
                    return Err(Fail::new(
                        StatusCode::SERVICE_UNAVAILABLE,
                        format!(
                            "update timed out after {} s; it was cancelled but had not stopped 30 s later",
                            seconds(timeout)
                        ),
                    ));
                }
            }
        }
        Err(RecvTimeoutError::Disconnected) => return Err(Fail::internal("update evaluation failed unexpectedly")),
    };
    match outcome {
        Ok(()) => Ok(text(StatusCode::OK, "update applied")),
        Err(None) => Err(out_of_memory("update", max_memory)),
        Err(_) if token.is_cancelled() => Err(Fail::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("update timed out after {} s and was rolled back", seconds(timeout)),
        )),
        Err(Some(e)) => Err(update_failure(e, allow_service)),
    }
}

fn update_failure(e: UpdateEvaluationError, allow_service: bool) -> Fail {
    match e {
        UpdateEvaluationError::UnsupportedService(name) => service_unavailable(&name, allow_service),
        UpdateEvaluationError::GraphAlreadyExists(_)
        | UpdateEvaluationError::GraphDoesNotExist(_)
        | UpdateEvaluationError::GraphParsing(_)
        | UpdateEvaluationError::UnsupportedContentType(_)
        | UpdateEvaluationError::UnboundService
        | UpdateEvaluationError::InvalidServiceName(_) => Fail::bad_request(format!("update failed: {e}")),
        UpdateEvaluationError::Service(e) => Fail::new(StatusCode::BAD_GATEWAY, format!("SERVICE call failed: {e}")),
        e => Fail::internal(format!("update failed: {e}")),
    }
}

/// The first of `keywords` that `text` uses as a SPARQL keyword, i.e. outside strings, IRIs,
/// comments, variables, language tags and prefixed names. Only run on text that parsed, so it
/// needs to be right for valid SPARQL only; it decides for a clear 400 early, while the
/// evaluator's own refusal (no HTTP client compiled in) is what guarantees nothing is fetched.
pub fn find_keyword(text: &str, keywords: &[&'static str]) -> Option<&'static str> {
    let b = text.as_bytes();
    let len = b.len();
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b':' | b'.') || c >= 0x80;
    let var_byte = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut i = 0;
    while i < len {
        match b[i] {
            b'#' => {
                while i < len && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                if b[i..].starts_with(&[q, q, q]) {
                    i += 3;
                    while i < len && !b[i..].starts_with(&[q, q, q]) {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < len && b[i] != q && b[i] != b'\n' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
            }
            b'<' => {
                // An IRI if a '>' closes it before any character IRIs cannot hold; else the
                // less-than operator.
                let mut j = i + 1;
                while j < len && b[j] != b'>' && b[j] > 0x20 && !b"<\"{}|^`".contains(&b[j]) {
                    j += 1;
                }
                i = if j < len && b[j] == b'>' { j + 1 } else { i + 1 };
            }
            b'?' | b'$' => {
                i += 1;
                while i < len && var_byte(b[i]) {
                    i += 1;
                }
            }
            b'@' => {
                i += 1;
                while i < len && (b[i].is_ascii_alphanumeric() || b[i] == b'-') {
                    i += 1;
                }
            }
            c if name_byte(c) => {
                let start = i;
                while i < len && name_byte(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                // Prefixed names and blank node labels hold a ':'; a keyword never does.
                if !word.contains(':') {
                    for part in word.split('.') {
                        if let Some(k) = keywords.iter().find(|k| part.eq_ignore_ascii_case(k)) {
                            return Some(k);
                        }
                    }
                }
            }
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::find_keyword;

    const S: &[&str] = &["SERVICE"];

    #[test]
    fn finds_service_clauses() {
        assert_eq!(find_keyword("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }", S), Some("SERVICE"));
        assert_eq!(find_keyword("select * {service silent <http://x/> {}}", S), Some("SERVICE"));
        assert_eq!(find_keyword("SELECT * { ?s ?p ?o .SERVICE ?x {} }", S), Some("SERVICE"));
        assert_eq!(find_keyword("SELECT * { ?s ?p ?o.SERVICE<http://x/>{} }", S), Some("SERVICE"));
        assert_eq!(find_keyword("SELECT * { FILTER(?a<?b) SERVICE <http://x/> {} }", S), Some("SERVICE"));
        assert_eq!(find_keyword("SELECT * { FILTER(EXISTS { SERVICE<http://x/>{} }) }", S), Some("SERVICE"));
    }

    #[test]
    fn ignores_service_in_strings_iris_comments_and_names() {
        let q = r#"PREFIX service: <http://ex/SERVICE#>
            # SERVICE <http://x/> in a comment
            SELECT ?service WHERE {
              ?s service:SERVICE "SERVICE <http://x/> {}" , 'service' , """a "SERVICE"
              SERVICE""" , '''SERVICE''' , "x"@service , _:service , <http://SERVICE/> .
              ?s <p> "a\"SERVICE" .
            }"#;
        assert_eq!(find_keyword(q, S), None);
        assert_eq!(find_keyword("SELECT $service { ?s ?p $SERVICE }", S), None);
        assert_eq!(find_keyword("SELECT * { ?s ?p ex:a.SERVICE }", S), None);
    }

    #[test]
    fn load_in_updates() {
        let k = &["SERVICE", "LOAD"];
        assert_eq!(find_keyword("LOAD <http://x/data.ttl> INTO GRAPH <g>", k), Some("LOAD"));
        assert_eq!(find_keyword("INSERT DATA { <a> <b> \"LOAD\" }", k), None);
    }
}
