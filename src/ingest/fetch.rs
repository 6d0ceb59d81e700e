//! Articles fetched by URL: http(s) only, bounded in time, size and redirects, with the page's
//! charset honoured. The URL as given is the article's identity.
//!
//! Every failure is an [`Error::Input`] naming the URL and the problem ("HTTP 404 Not Found",
//! "too many redirects (5)", "page is larger than 10485760 bytes", "unsupported content type
//! application/pdf", "timed out after 30 s", "cannot connect: Connection refused"), so a batch
//! reports it and goes on.

use crate::error::{Error, Result};
use crate::model::Article;
use reqwest::header::{HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use std::io::Read;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout (per network operation: response headers, each body read).
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// Default bound on one whole fetch, redirects and body included.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
/// Default largest page accepted (10 MiB).
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Default number of redirects followed.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// The User-Agent sent with every request (pages and the Wikidata API): names the tool, its
/// version and where to read about it, as Wikimedia's User-Agent policy asks.
pub fn user_agent() -> String {
    format!(
        "realpolitik/{} (+https://w3id.org/realpolitik; news-to-RDF extractor for sanctions, arms transfers and statements)",
        env!("CARGO_PKG_VERSION")
    )
}

/// Limits and identity of URL fetching.
#[derive(Debug, Clone)]
pub struct FetchConfig {
    /// Time allowed to open the TCP (and TLS) connection.
    pub connect_timeout: Duration,
    /// Time allowed for each network operation after connecting (headers, each body read).
    pub read_timeout: Duration,
    /// Bound on the whole fetch, redirects and body included (guards against slow drips).
    pub total_timeout: Duration,
    /// Largest body accepted, in bytes.
    pub max_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        Self {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
            max_bytes: DEFAULT_MAX_BYTES,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            user_agent: user_agent(),
        }
    }
}

/// Install ring as the process's rustls crypto provider (once). reqwest is built with
/// `rustls-no-provider`: it takes `CryptoProvider::get_default()` when a client is built and
/// panics if there is none, so this must run before any client is built.
pub(crate) fn install_crypto_provider() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        // Err means another provider is installed already, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// A reusable fetcher: one HTTP client (connection pool, TLS config) for many URLs.
pub struct Fetcher {
    client: reqwest::blocking::Client,
    config: FetchConfig,
}

impl Fetcher {
    pub fn new(config: &FetchConfig) -> Result<Self> {
        install_crypto_provider();
        let client = reqwest::blocking::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .timeout(config.read_timeout)
            // Redirects are followed by hand, to check each target and report loops clearly.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Network(format!("cannot set up the HTTP client: {}", describe(&e))))?;
        Ok(Self { client, config: config.clone() })
    }

    /// Fetch one page and make it an article whose identity is `url` (as given).
    pub fn fetch(&self, url: &str) -> Result<Article> {
        let url = url.trim();
        let fail = |problem: String| Error::input(url, problem);
        let start = Instant::now();
        let mut current = parse_http_url(url).map_err(fail)?;
        let mut seen = vec![current.clone()];
        let mut hops = 0usize;
        let response = loop {
            let elapsed = start.elapsed();
            if elapsed >= self.config.total_timeout {
                return Err(fail(format!("timed out after {}", secs(self.config.total_timeout))));
            }
            let response = self
                .client
                .get(current.clone())
                .header(ACCEPT, "text/html, application/xhtml+xml, text/plain;q=0.9")
                .timeout(self.config.read_timeout.min(self.config.total_timeout - elapsed))
                .send()
                .map_err(|e| fail(self.network_problem(&e)))?;
            let status = response.status();
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| fail(format!("{} without a Location header", http_status(status))))?;
                let next = current
                    .join(location)
                    .map_err(|e| fail(format!("{} to an invalid location {location:?}: {e}", http_status(status))))?;
                hops += 1;
                if hops > self.config.max_redirects {
                    let looped = if seen.contains(&next) { ": the page redirects in a loop" } else { "" };
                    return Err(fail(format!("too many redirects ({}){looped}", self.config.max_redirects)));
                }
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(fail(format!("redirected to unsupported URL scheme {:?} ({next})", next.scheme())));
                }
                seen.push(next.clone());
                current = next;
                continue;
            }
            if !status.is_success() {
                let mut problem = http_status(status);
                if let Some(after) = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
                    problem.push_str(&format!(" (Retry-After: {after})"));
                }
                return Err(fail(problem));
            }
            break response;
        };

        let content_type = response.headers().get(CONTENT_TYPE).cloned();
        let kind = match content_type.as_ref() {
            None => None,
            Some(v) => {
                let essence = mime_essence(v);
                match essence.as_str() {
                    "text/html" | "application/xhtml+xml" => Some(super::Kind::Html),
                    "text/plain" => Some(super::Kind::Text),
                    _ => {
                        let shown = if essence.is_empty() { String::from_utf8_lossy(v.as_bytes()).into_owned() } else { essence };
                        return Err(fail(format!(
                            "unsupported content type {shown} (expected text/html, application/xhtml+xml or text/plain)"
                        )));
                    }
                }
            }
        };
        let max = self.config.max_bytes;
        if let Some(len) = response.content_length().filter(|&len| len > max) {
            return Err(fail(format!("page is larger than {max} bytes (Content-Length: {len})")));
        }
        let body = self.read_limited(response, start).map_err(fail)?;
        let kind = kind.unwrap_or_else(|| super::Kind::sniff(&body));
        if kind == super::Kind::Text && body.contains(&0) {
            return Err(fail("binary content (contains NUL bytes), not text".into()));
        }
        let text = decode(body, content_type, kind == super::Kind::Html).map_err(fail)?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        match kind {
            super::Kind::Html => super::html::article_from_html(url, text, Some(url)),
            _ => super::article_from_text(url, text, Some(url.to_string()), None, None),
        }
    }

    /// Stream the body into memory, stopping as soon as it passes the size limit or the
    /// overall deadline.
    fn read_limited(&self, mut response: reqwest::blocking::Response, start: Instant) -> Result<Vec<u8>, String> {
        let max = self.config.max_bytes;
        let mut body = Vec::new();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            if start.elapsed() >= self.config.total_timeout {
                return Err(format!("timed out after {} while reading the page", secs(self.config.total_timeout)));
            }
            let n = match response.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.read_problem(&e)),
            };
            if body.len() as u64 + n as u64 > max {
                return Err(format!("page is larger than {max} bytes"));
            }
            body.extend_from_slice(&buf[..n]);
        }
        Ok(body)
    }

    fn network_problem(&self, e: &reqwest::Error) -> String {
        if e.is_timeout() {
            if e.is_connect() {
                format!("timed out after {} connecting", secs(self.config.connect_timeout))
            } else {
                format!("timed out after {} waiting for the server", secs(self.config.read_timeout))
            }
        } else if e.is_connect() {
            format!("cannot connect: {}", innermost(e))
        } else {
            format!("request failed: {}", describe(e))
        }
    }

    fn read_problem(&self, e: &std::io::Error) -> String {
        let chain = error_chain(e);
        if e.kind() == std::io::ErrorKind::TimedOut || chain.contains("timed out") {
            format!("timed out after {} while reading the page", secs(self.config.read_timeout))
        } else {
            format!("connection failed while reading the page: {chain}")
        }
    }
}

/// Fetch a page by URL (http or https) into an article; see [`Fetcher`] to reuse one client.
pub fn fetch_article(url: &str, config: &FetchConfig) -> Result<Article> {
    Fetcher::new(config)?.fetch(url)
}

fn parse_http_url(url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("invalid URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("unsupported URL scheme {:?} (only http and https)", parsed.scheme()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("invalid URL: no host".into());
    }
    Ok(parsed)
}

/// "HTTP 404 Not Found".
pub(crate) fn http_status(status: reqwest::StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("HTTP {} {reason}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

/// "30 s", "0.5 s".
pub(crate) fn secs(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s.fract() == 0.0 { format!("{s:.0} s") } else { format!("{s} s") }
}

/// Lower-case "type/subtype" of a Content-Type value, without parameters.
fn mime_essence(v: &HeaderValue) -> String {
    String::from_utf8_lossy(v.as_bytes()).split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// Decode the body with reqwest's charset handling (BOM, then the Content-Type charset, then
/// for HTML a `<meta charset>` in the first bytes, then UTF-8; malformed sequences become
/// U+FFFD). The body was read with a size limit first, so it is handed back to reqwest as an
/// in-memory response; `oxhttp::model` re-exports the `http` crate reqwest builds on.
fn decode(body: Vec<u8>, content_type: Option<HeaderValue>, html: bool) -> Result<String, String> {
    let fallback = if html { meta_charset(&body) } else { None };
    let mut builder = oxhttp::model::Response::builder();
    if let Some(ct) = content_type {
        builder = builder.header(CONTENT_TYPE, ct);
    }
    let response: reqwest::blocking::Response = builder.body(body).map_err(|e| format!("cannot decode the page: {e}"))?.into();
    response
        .text_with_charset(fallback.as_deref().unwrap_or("utf-8"))
        .map_err(|e| format!("cannot decode the page: {}", describe(&e)))
}

/// The charset an HTML page declares in a `<meta>` tag within its first 2 KiB.
fn meta_charset(body: &[u8]) -> Option<String> {
    static RE: OnceLock<regex::bytes::Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::bytes::Regex::new(r#"(?i)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_\-:.]+)"#).expect("static regex")
    });
    let head = &body[..body.len().min(2048)];
    re.captures(head).map(|c| String::from_utf8_lossy(&c[1]).to_ascii_lowercase())
}

/// The error and its causes, without reqwest's repetition of the URL.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    let mut parts = vec![strip_url(&e.to_string())];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.retain(|p| !p.is_empty());
    parts.join(": ")
}

/// The deepest cause ("Connection refused (os error 111)"), which is what a person acts on.
pub(crate) fn innermost(e: &reqwest::Error) -> String {
    let mut last = strip_url(&e.to_string());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    last
}

fn error_chain(e: &std::io::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

fn strip_url(s: &str) -> String {
    match s.find(" for url (") {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https() {
        let e = fetch_article("ftp://example.org/x", &FetchConfig::default()).unwrap_err().to_string();
        assert!(e.starts_with("ftp://example.org/x: ") && e.contains("unsupported URL scheme"), "{e}");
        let e = fetch_article("http://", &FetchConfig::default()).unwrap_err().to_string();
        assert!(e.contains("invalid URL"), "{e}");
    }

    #[test]
    fn meta_charset_is_found() {
        assert_eq!(meta_charset(b"<html><head><meta charset=\"windows-1252\">").as_deref(), Some("windows-1252"));
        assert_eq!(
            meta_charset(b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\">").as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(meta_charset(b"<html><body>no charset</body></html>"), None);
    }

    #[test]
    fn decode_honours_header_then_meta() {
        let latin1 = b"<html><head><meta charset=\"iso-8859-1\"></head><body>Caf\xe9</body></html>".to_vec();
        let t = decode(latin1.clone(), Some(HeaderValue::from_static("text/html")), true).unwrap();
        assert!(t.contains("Café"), "{t}");
        let t = decode(b"Caf\xc3\xa9".to_vec(), Some(HeaderValue::from_static("text/plain; charset=utf-8")), false).unwrap();
        assert_eq!(t, "Café");
        let t = decode(b"Caf\xe9".to_vec(), Some(HeaderValue::from_static("text/plain; charset=windows-1252")), false).unwrap();
        assert_eq!(t, "Café");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(secs(Duration::from_secs(30)), "30 s");
        assert_eq!(secs(Duration::from_millis(500)), "0.5 s");
    }
}
