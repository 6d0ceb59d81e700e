//! The HTTP/1.1 connection layer: accept, read whole requests under deadlines, write answers.
//!
//! oxhttp 0.3's server applies only per-read timeouts, blocks its accept loop once its thread
//! cap is reached and resets connections whose request line is too long, so a few hundred
//! clients sending a byte every few seconds locked everyone out (issue 14, D4, D12). Here:
//! - the request line, headers and body must arrive within `request_timeout` (the body gets
//!   one more second per [`MIN_BODY_RATE`] bytes received, so slow but real uploads pass);
//! - one client address holds at most `per_client` connections, all clients `max_connections`;
//!   over either, the connection gets a 503 at once and the accept loop goes on;
//! - request lines over [`MAX_REQUEST_LINE`] get 414, header blocks over [`MAX_HEADERS`] 431,
//!   bodies over `max_body` 413, all without reading further.
//!
//! Requests are still oxhttp `Request<Body>` / `Response<Body>` values, so the routing code
//! does not change.

use oxhttp::model::header::{CONNECTION, CONTENT_LENGTH, EXPECT, SERVER, TRANSFER_ENCODING};
use oxhttp::model::{Body, HeaderName, HeaderValue, Method, Request, Response, StatusCode, Version};
use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{IpAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Longest request line (method, target, version). Longer GET queries belong in a POST body.
pub const MAX_REQUEST_LINE: usize = 64 * 1024;
/// Largest header block after the request line.
pub const MAX_HEADERS: usize = 32 * 1024;
/// Slowest body transfer allowed past `request_timeout`, in bytes per second.
pub const MIN_BODY_RATE: u64 = 256 * 1024;
/// How long a kept-alive connection may sit idle between requests.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// Stack of a connection thread, which parses queries (bounded by `query::syntax::check_nesting`;
/// virtual memory, only the pages used count).
const CONNECTION_STACK: usize = 16 * 1024 * 1024;

/// Limits of the connection layer.
#[derive(Debug, Clone)]
pub struct Limits {
    pub request_timeout: Duration,
    pub per_client: usize,
    pub max_connections: usize,
    pub max_body: u64,
    pub write_timeout: Duration,
}

pub type Handler = dyn Fn(&mut Request<Body>) -> Response<Body> + Send + Sync;

/// Connections open per client address, and in all.
#[derive(Default)]
struct Counts {
    per_ip: HashMap<IpAddr, usize>,
    total: usize,
}

/// Holds one connection's place in [`Counts`] until dropped.
struct Slot {
    counts: Arc<Mutex<Counts>>,
    ip: IpAddr,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        c.total = c.total.saturating_sub(1);
        if let Some(n) = c.per_ip.get_mut(&self.ip) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                c.per_ip.remove(&self.ip);
            }
        }
    }
}

/// Accept connections on `listener` in a background thread, forever.
pub fn spawn(listener: TcpListener, limits: Limits, server_name: &'static str, handler: Arc<Handler>) -> std::io::Result<()> {
    let counts = Arc::new(Mutex::new(Counts::default()));
    std::thread::Builder::new().name("realpolitik accept".into()).spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let Ok(peer) = stream.peer_addr() else { continue };
            let ip = peer.ip();
            let refused = {
                let mut c = counts.lock().unwrap_or_else(|e| e.into_inner());
                let mine = c.per_ip.get(&ip).copied().unwrap_or(0);
                if c.total >= limits.max_connections {
                    Some("too many connections to this server; try again shortly")
                } else if mine >= limits.per_client {
                    Some("too many connections from your address; close some and try again")
                } else {
                    c.total += 1;
                    *c.per_ip.entry(ip).or_insert(0) += 1;
                    None
                }
            };
            if let Some(message) = refused {
                refuse(stream, message, server_name);
                continue;
            }
            let slot = Slot { counts: Arc::clone(&counts), ip };
            let (handler, limits) = (Arc::clone(&handler), limits.clone());
            let spawned = std::thread::Builder::new()
                .name("realpolitik http".into())
                .stack_size(CONNECTION_STACK)
                .spawn(move || {
                    let _slot = slot;
                    serve_connection(stream, &limits, server_name, &*handler);
                });
            if let Err(e) = spawned {
                eprintln!("realpolitik serve: cannot start a connection thread: {e}");
            }
        }
    })?;
    Ok(())
}

/// A 503 written without blocking the accept loop (it fits in the socket buffer).
fn refuse(mut stream: TcpStream, message: &str, server_name: &str) {
    let _ = stream.set_nonblocking(true);
    let body = format!("{message}\n");
    let head = format!(
        "HTTP/1.1 503 Service Unavailable\r\nServer: {server_name}\r\nContent-Type: text/plain; charset=utf-8\r\nRetry-After: 5\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.shutdown(std::net::Shutdown::Write);
}

/// Why a request could not be read.
enum ReadFail {
    /// The client went away or stayed silent between requests: close without an answer.
    Gone,
    /// Answer with this status and message, then close.
    Answer(StatusCode, String),
}

/// A connection's socket and the bytes read but not yet used.
struct Conn {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Conn {
    /// Read more bytes before `deadline`; `Ok(false)` at the deadline, `Err` when closed.
    fn fill(&mut self, deadline: Instant) -> Result<bool, ()> {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            // A zero timeout means "none" to the OS: keep at least a millisecond.
            if self.stream.set_read_timeout(Some(left.max(Duration::from_millis(1)))).is_err() {
                return Err(());
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Err(()),
                Ok(n) => {
                    self.buffer.extend_from_slice(&chunk[..n]);
                    return Ok(true);
                }
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted) => {}
                Err(_) => return Err(()),
            }
        }
    }
}

fn answer(status: StatusCode, message: impl Into<String>) -> ReadFail {
    ReadFail::Answer(status, message.into())
}

fn serve_connection(stream: TcpStream, limits: &Limits, server_name: &'static str, handler: &Handler) {
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(limits.write_timeout));
    let mut conn = Conn { stream, buffer: Vec::new() };
    loop {
        let (mut response, keep_alive) = match read_request(&mut conn, limits) {
            Ok((mut request, keep_alive)) => (handler(&mut request), keep_alive),
            Err(ReadFail::Gone) => return,
            Err(ReadFail::Answer(status, message)) => (super::http::text(status, &message), false),
        };
        if write_response(&mut conn.stream, &mut response, keep_alive, server_name).is_err() || !keep_alive {
            let _ = conn.stream.shutdown(std::net::Shutdown::Write);
            // Let the client read the answer before the socket closes on unread input.
            let _ = conn.stream.set_read_timeout(Some(Duration::from_millis(200)));
            let mut sink = [0u8; 4096];
            let until = Instant::now() + Duration::from_secs(1);
            while Instant::now() < until && matches!(conn.stream.read(&mut sink), Ok(n) if n > 0) {}
            return;
        }
    }
}

/// Read one whole request: head within `request_timeout` of its first byte, then the body.
fn read_request(conn: &mut Conn, limits: &Limits) -> Result<(Request<Body>, bool), ReadFail> {
    // Idle wait for the first byte of the next request.
    if conn.buffer.is_empty() {
        match conn.fill(Instant::now() + IDLE_TIMEOUT) {
            Ok(true) => {}
            _ => return Err(ReadFail::Gone),
        }
    }
    let deadline = Instant::now() + limits.request_timeout;
    let head_end = loop {
        if let Some(end) = find_head_end(&conn.buffer) {
            break end;
        }
        let line_done = conn.buffer.contains(&b'\n');
        if !line_done && conn.buffer.len() > MAX_REQUEST_LINE {
            return Err(answer(
                StatusCode::URI_TOO_LONG,
                format!("request line over {MAX_REQUEST_LINE} bytes; send long queries in a POST body"),
            ));
        }
        if conn.buffer.len() > MAX_REQUEST_LINE + MAX_HEADERS {
            return Err(too_many_headers());
        }
        match conn.fill(deadline) {
            Ok(true) => {}
            Ok(false) => return Err(timed_out(limits)),
            Err(()) => return Err(ReadFail::Gone),
        }
    };
    let head: Vec<u8> = conn.buffer.drain(..head_end.1).collect();
    let head = std::str::from_utf8(&head[..head_end.0]).map_err(|_| answer(StatusCode::BAD_REQUEST, "request head is not valid UTF-8"))?;
    let mut lines = head.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let request_line = lines.next().unwrap_or("");
    if request_line.len() > MAX_REQUEST_LINE {
        return Err(answer(StatusCode::URI_TOO_LONG, format!("request line over {MAX_REQUEST_LINE} bytes; send long queries in a POST body")));
    }
    if head.len() - request_line.len() > MAX_HEADERS {
        return Err(too_many_headers());
    }
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(answer(StatusCode::BAD_REQUEST, "malformed request line"));
    };
    let version = match version {
        "HTTP/1.1" => Version::HTTP_11,
        "HTTP/1.0" => Version::HTTP_10,
        _ => return Err(answer(StatusCode::HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are spoken here")),
    };
    let method = Method::from_bytes(method.as_bytes()).map_err(|_| answer(StatusCode::BAD_REQUEST, "malformed method"))?;
    let mut builder = Request::builder().method(method).uri(target).version(version);
    let mut content_length: Option<u64> = None;
    let (mut chunked, mut close, mut keep_alive_asked, mut expect_continue) = (false, false, false, false);
    for line in lines.filter(|l| !l.is_empty()) {
        let Some((name, value)) = line.split_once(':') else {
            return Err(answer(StatusCode::BAD_REQUEST, "malformed header line"));
        };
        let value = value.trim();
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| answer(StatusCode::BAD_REQUEST, "malformed header name"))?;
        if name == CONTENT_LENGTH {
            let n = value.parse::<u64>().map_err(|_| answer(StatusCode::BAD_REQUEST, "malformed Content-Length"))?;
            if content_length.is_some_and(|m| m != n) {
                return Err(answer(StatusCode::BAD_REQUEST, "conflicting Content-Length headers"));
            }
            content_length = Some(n);
        } else if name == TRANSFER_ENCODING {
            if !value.eq_ignore_ascii_case("chunked") {
                return Err(answer(StatusCode::NOT_IMPLEMENTED, format!("unsupported Transfer-Encoding {value}")));
            }
            chunked = true;
        } else if name == CONNECTION {
            close |= value.split(',').any(|t| t.trim().eq_ignore_ascii_case("close"));
            keep_alive_asked |= value.split(',').any(|t| t.trim().eq_ignore_ascii_case("keep-alive"));
        } else if name == EXPECT {
            if !value.eq_ignore_ascii_case("100-continue") {
                return Err(answer(StatusCode::EXPECTATION_FAILED, format!("unsupported Expect: {value}")));
            }
            expect_continue = true;
        }
        let value = HeaderValue::from_str(value).map_err(|_| answer(StatusCode::BAD_REQUEST, "malformed header value"))?;
        builder = builder.header(name, value);
    }
    if chunked && content_length.is_some() {
        return Err(answer(StatusCode::BAD_REQUEST, "both Content-Length and chunked Transfer-Encoding"));
    }
    let keep_alive = !close && (version == Version::HTTP_11 || keep_alive_asked);
    if let Some(n) = content_length.filter(|&n| n > limits.max_body) {
        return Err(answer(StatusCode::PAYLOAD_TOO_LARGE, format!("request body of {n} bytes is over the {}-byte limit", limits.max_body)));
    }
    let has_body = chunked || content_length.is_some_and(|n| n > 0);
    if has_body && expect_continue && version == Version::HTTP_11 {
        let _ = conn.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
    }
    let body_start = Instant::now();
    let body = if chunked {
        read_chunked(conn, limits, body_start)?
    } else {
        read_exact_body(conn, limits, body_start, content_length.unwrap_or(0))?
    };
    let body = if body.is_empty() { Body::empty() } else { Body::from(body) };
    let request = builder.body(body).map_err(|e| answer(StatusCode::BAD_REQUEST, format!("malformed request: {e}")))?;
    Ok((request, keep_alive))
}

/// End of the head text and the index just past its blank line, if complete.
fn find_head_end(b: &[u8]) -> Option<(usize, usize)> {
    let limit = b.len().min(MAX_REQUEST_LINE + MAX_HEADERS + 4);
    let mut i = 0;
    while i < limit {
        if b[i] == b'\n' {
            if b.get(i + 1) == Some(&b'\n') {
                return Some((i, i + 2));
            }
            if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                return Some((i, i + 3));
            }
        }
        i += 1;
    }
    None
}

fn too_many_headers() -> ReadFail {
    answer(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, format!("request headers over {MAX_HEADERS} bytes"))
}

fn timed_out(limits: &Limits) -> ReadFail {
    answer(
        StatusCode::REQUEST_TIMEOUT,
        format!("request not received within {} s (the server's --request-timeout)", limits.request_timeout.as_secs()),
    )
}

/// The body deadline: `request_timeout`, plus a second for every [`MIN_BODY_RATE`] bytes in.
fn body_deadline(limits: &Limits, start: Instant, received: usize) -> Instant {
    start + limits.request_timeout + Duration::from_secs_f64(received as f64 / MIN_BODY_RATE as f64)
}

fn read_exact_body(conn: &mut Conn, limits: &Limits, start: Instant, length: u64) -> Result<Vec<u8>, ReadFail> {
    let length = usize::try_from(length).map_err(|_| answer(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"))?;
    while conn.buffer.len() < length {
        let deadline = body_deadline(limits, start, conn.buffer.len());
        match conn.fill(deadline) {
            Ok(true) => {}
            Ok(false) => return Err(timed_out(limits)),
            Err(()) => return Err(ReadFail::Gone),
        }
    }
    Ok(conn.buffer.drain(..length).collect())
}

fn read_chunked(conn: &mut Conn, limits: &Limits, start: Instant) -> Result<Vec<u8>, ReadFail> {
    let mut body = Vec::new();
    let mut pos = 0usize;
    // Need `n` more bytes in the buffer past `pos`.
    let need = |conn: &mut Conn, pos: usize, n: usize, received: usize| -> Result<(), ReadFail> {
        while conn.buffer.len() < pos + n {
            match conn.fill(body_deadline(limits, start, received)) {
                Ok(true) => {}
                Ok(false) => return Err(timed_out(limits)),
                Err(()) => return Err(ReadFail::Gone),
            }
        }
        Ok(())
    };
    loop {
        // Chunk size line.
        let line_end = loop {
            if let Some(i) = conn.buffer[pos..].iter().position(|&c| c == b'\n') {
                break pos + i;
            }
            if conn.buffer.len() - pos > 1024 {
                return Err(answer(StatusCode::BAD_REQUEST, "malformed chunk size"));
            }
            need(conn, pos, conn.buffer.len() - pos + 1, body.len())?;
        };
        let size_text = std::str::from_utf8(&conn.buffer[pos..line_end]).unwrap_or("");
        let size_text = size_text.trim().split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| answer(StatusCode::BAD_REQUEST, "malformed chunk size"))?;
        pos = line_end + 1;
        if size == 0 {
            // Trailers (ignored) up to the blank line.
            loop {
                let Some(i) = conn.buffer[pos..].iter().position(|&c| c == b'\n') else {
                    if conn.buffer.len() - pos > MAX_HEADERS {
                        return Err(too_many_headers());
                    }
                    need(conn, pos, conn.buffer.len() - pos + 1, body.len())?;
                    continue;
                };
                let line = &conn.buffer[pos..pos + i];
                pos += i + 1;
                if line.is_empty() || line == b"\r" {
                    conn.buffer.drain(..pos);
                    return Ok(body);
                }
            }
        }
        if (body.len() + size) as u64 > limits.max_body {
            return Err(answer(StatusCode::PAYLOAD_TOO_LARGE, format!("request body is over the {}-byte limit", limits.max_body)));
        }
        need(conn, pos, size + 2, body.len())?;
        body.extend_from_slice(&conn.buffer[pos..pos + size]);
        pos += size;
        // CRLF after the chunk data.
        if conn.buffer[pos] == b'\r' {
            pos += 1;
        }
        if conn.buffer.get(pos) == Some(&b'\n') {
            pos += 1;
        } else {
            return Err(answer(StatusCode::BAD_REQUEST, "malformed chunk"));
        }
        conn.buffer.drain(..pos);
        pos = 0;
    }
}

fn write_response(stream: &mut TcpStream, response: &mut Response<Body>, keep_alive: bool, server_name: &str) -> std::io::Result<()> {
    let mut body = Vec::new();
    response.body_mut().read_to_end(&mut body)?;
    let status = response.status();
    let mut head = format!("HTTP/1.1 {} {}\r\n", status.as_u16(), status.canonical_reason().unwrap_or(""));
    for (name, value) in response.headers() {
        if name == CONTENT_LENGTH || name == TRANSFER_ENCODING || name == CONNECTION || name == SERVER {
            continue;
        }
        head.push_str(name.as_str());
        head.push_str(": ");
        head.push_str(&String::from_utf8_lossy(value.as_bytes()));
        head.push_str("\r\n");
    }
    head.push_str(&format!(
        "Server: {server_name}\r\nContent-Length: {}\r\nConnection: {}\r\n\r\n",
        body.len(),
        if keep_alive { "keep-alive" } else { "close" }
    ));
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut *stream);
    out.write_all(head.as_bytes())?;
    out.write_all(&body)?;
    out.flush()
}
