//! URL input against a local HTTP server (127.0.0.1, started in each test) serving the pages in
//! tests/fixtures/pages, and the same through the built binary.

use realpolitik::ingest::fetch::{FetchConfig, Fetcher, fetch_article};
use std::path::Path;
use std::time::{Duration, Instant};

#[path = "support/http_server.rs"]
mod server;

use server::{Reply, Request, Server};

fn page(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pages").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The test site.
fn site(req: &Request) -> Reply {
    let path = req.target.split('?').next().unwrap_or("");
    match path {
        "/article.html" => Reply::new(200, "text/html; charset=utf-8", page("article.html")),
        "/xhtml" => Reply::new(200, "application/xhtml+xml", page("article.html")),
        "/no-type" => Reply::new(200, "text/html", page("article.html")).headers_cleared(),
        "/statement.txt" => Reply::new(200, "text/plain", page("statement.txt")),
        "/french.html" => Reply::new(200, "text/html", page("windows-1252.html")),
        "/old-address" => Reply::redirect(301, "/article.html"),
        "/hop" => Reply::redirect(302, "hop2"),
        "/hop2" => Reply::redirect(302, "/article.html"),
        "/loop-a" => Reply::redirect(302, "/loop-b"),
        "/loop-b" => Reply::redirect(302, "/loop-a"),
        "/to-ftp" => Reply::redirect(302, "ftp://127.0.0.1/file"),
        "/report.pdf" => Reply::new(200, "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec()),
        "/huge-declared" => Reply::new(200, "text/html", vec![b'a'; 300_000]),
        "/huge-streamed" => Reply::new(200, "text/html", vec![b'a'; 2_000_000]).without_length(),
        "/slow" => Reply::new(200, "text/html", page("article.html")).delay(Duration::from_secs(3)),
        "/broken" => Reply::new(500, "text/html", "<h1>error</h1>"),
        "/empty.html" => Reply::new(200, "text/html", "<html><body></body></html>"),
        _ => Reply::new(404, "text/html", "<h1>not here</h1>"),
    }
}

trait Headers {
    fn headers_cleared(self) -> Self;
}
impl Headers for Reply {
    fn headers_cleared(mut self) -> Self {
        self.headers.clear();
        self
    }
}

fn err(url: &str, config: &FetchConfig) -> String {
    match fetch_article(url, config) {
        Ok(a) => panic!("{url}: expected an error, got article {:?}", a.title),
        Err(e) => e.to_string(),
    }
}

#[test]
fn page_becomes_an_article_identified_by_its_url() {
    let server = Server::start(|r, _| site(r));
    let url = format!("{}/article.html", server.base);
    let a = fetch_article(&url, &FetchConfig::default()).unwrap();
    assert_eq!(a.url.as_deref(), Some(url.as_str()));
    assert_eq!(a.source, url);
    assert_eq!(a.id, realpolitik::ingest::article_id(Some(&url), ""));
    assert_eq!(a.title.as_deref(), Some("EU adopts new sanctions on Russian drone suppliers"));
    assert_eq!(a.date.as_deref(), Some("2024-06-24"));
    assert!(a.text.contains("The European Union on Monday imposed sanctions on Russian companies"), "{}", a.text);
    assert!(a.text.contains("Sergei Lavrov"));
    assert!(!a.text.contains("Copyright Example Wire"), "boilerplate left in: {}", a.text);

    // Identity is the URL: the same page fetched again is the same article.
    let again = fetch_article(&url, &FetchConfig::default()).unwrap();
    assert_eq!(again.id, a.id);

    let req = &server.requests()[0];
    let ua = req.header("User-Agent").unwrap_or("");
    assert!(ua.starts_with(&format!("realpolitik/{} (+https://w3id.org/realpolitik", env!("CARGO_PKG_VERSION"))), "{ua}");
    assert!(req.header("Accept").unwrap_or("").contains("text/html"));
}

#[test]
fn xhtml_plain_text_and_untyped_pages_are_read() {
    let server = Server::start(|r, _| site(r));
    let cfg = FetchConfig::default();
    let a = fetch_article(&format!("{}/xhtml", server.base), &cfg).unwrap();
    assert!(a.text.contains("imposed sanctions"));
    let t = fetch_article(&format!("{}/statement.txt", server.base), &cfg).unwrap();
    assert!(t.text.starts_with("The United States on Thursday announced sanctions"), "{}", t.text);
    assert_eq!(t.url.as_deref(), Some(format!("{}/statement.txt", server.base).as_str()));
    assert_eq!(t.title, None);
    // No Content-Type at all: sniffed from the bytes.
    let u = fetch_article(&format!("{}/no-type", server.base), &cfg).unwrap();
    assert_eq!(u.title.as_deref(), Some("EU adopts new sanctions on Russian drone suppliers"));
}

#[test]
fn charset_of_the_page_is_honoured() {
    let server = Server::start(|r, _| site(r));
    // windows-1252 bytes, declared only in a <meta http-equiv> tag.
    let a = fetch_article(&format!("{}/french.html", server.base), &FetchConfig::default()).unwrap();
    assert_eq!(a.title.as_deref(), Some("Sanctions décidées contre des sociétés"));
    assert!(a.text.contains("Russia’s defence industry"), "{}", a.text);
    assert!(a.text.contains("“We will not tolerate"), "{}", a.text);
    assert_eq!(a.date.as_deref(), Some("2024-03-05"));
}

#[test]
fn redirects_are_followed_and_the_requested_url_stays_the_identity() {
    let server = Server::start(|r, _| site(r));
    let url = format!("{}/hop", server.base);
    let a = fetch_article(&url, &FetchConfig::default()).unwrap();
    assert_eq!(a.url.as_deref(), Some(url.as_str()));
    assert_eq!(a.title.as_deref(), Some("EU adopts new sanctions on Russian drone suppliers"));
    assert_eq!(server.count(), 3);
    let moved = fetch_article(&format!("{}/old-address", server.base), &FetchConfig::default()).unwrap();
    assert!(moved.text.contains("imposed sanctions"));
}

#[test]
fn redirect_loop_is_rejected_cleanly() {
    let server = Server::start(|r, _| site(r));
    let url = format!("{}/loop-a", server.base);
    let start = Instant::now();
    let e = err(&url, &FetchConfig::default());
    assert!(e.starts_with(&format!("{url}: ")), "{e}");
    assert!(e.contains("too many redirects (5)"), "{e}");
    assert!(e.contains("loop"), "{e}");
    assert_eq!(server.count(), 6, "the first request and 5 redirects, no more");
    assert!(start.elapsed() < Duration::from_secs(5));

    let e = err(&url, &FetchConfig { max_redirects: 2, ..FetchConfig::default() });
    assert!(e.contains("too many redirects (2)"), "{e}");
    let e = err(&format!("{}/to-ftp", server.base), &FetchConfig::default());
    assert!(e.contains("unsupported URL scheme \"ftp\""), "{e}");
}

#[test]
fn oversized_page_is_rejected_cleanly() {
    let server = Server::start(|r, _| site(r));
    let cfg = FetchConfig { max_bytes: 100_000, ..FetchConfig::default() };
    let url = format!("{}/huge-declared", server.base);
    let e = err(&url, &cfg);
    assert!(e.starts_with(&format!("{url}: ")), "{e}");
    assert!(e.contains("page is larger than 100000 bytes (Content-Length: 300000)"), "{e}");
    // No Content-Length: the body is read up to the limit and no further.
    let e = err(&format!("{}/huge-streamed", server.base), &cfg);
    assert!(e.contains("page is larger than 100000 bytes"), "{e}");
    // Within the default limit the same page is fine size-wise.
    let big = fetch_article(&format!("{}/huge-declared", server.base), &FetchConfig::default());
    assert!(big.map_err(|e| e.to_string()).err().is_none_or(|e| !e.contains("larger than")));
}

#[test]
fn unsupported_content_type_is_rejected() {
    let server = Server::start(|r, _| site(r));
    let url = format!("{}/report.pdf", server.base);
    let e = err(&url, &FetchConfig::default());
    assert!(e.starts_with(&format!("{url}: ")), "{e}");
    assert!(e.contains("unsupported content type application/pdf"), "{e}");
}

#[test]
fn http_errors_name_status_and_url() {
    let server = Server::start(|r, _| site(r));
    let url = format!("{}/missing", server.base);
    assert_eq!(err(&url, &FetchConfig::default()), format!("{url}: HTTP 404 Not Found"));
    let url = format!("{}/broken", server.base);
    assert_eq!(err(&url, &FetchConfig::default()), format!("{url}: HTTP 500 Internal Server Error"));
    let e = err(&format!("{}/empty.html", server.base), &FetchConfig::default());
    assert!(e.contains("no article text"), "{e}");
}

#[test]
fn slow_server_times_out_in_bounded_time() {
    let server = Server::start(|r, _| site(r));
    let url = format!("{}/slow", server.base);
    let cfg = FetchConfig { read_timeout: Duration::from_millis(400), ..FetchConfig::default() };
    let start = Instant::now();
    let e = err(&url, &cfg);
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
    assert!(e.starts_with(&format!("{url}: ")) && e.contains("timed out after 0.4 s"), "{e}");
}

#[test]
fn network_failure_names_the_cause() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/article.html");
    let e = err(&url, &FetchConfig::default());
    assert!(e.starts_with(&format!("{url}: cannot connect: ")), "{e}");
    assert!(e.to_lowercase().contains("refused"), "{e}");
}

#[test]
fn one_fetcher_serves_many_urls() {
    let server = Server::start(|r, _| site(r));
    let fetcher = Fetcher::new(&FetchConfig::default()).unwrap();
    for p in ["/article.html", "/statement.txt", "/xhtml"] {
        fetcher.fetch(&format!("{}{p}", server.base)).unwrap();
    }
    assert!(fetcher.fetch(&format!("{}/report.pdf", server.base)).is_err());
    assert_eq!(server.count(), 4);
}

/// The binary, end to end: `extract --format ntriples URL`.
#[test]
fn extract_command_reads_a_url() {
    let server = Server::start(|r, _| site(r));
    let url = format!("{}/article.html", server.base);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_realpolitik"))
        .args(["extract", "--format", "ntriples", &url])
        .env_remove("REALPOLITIK_WIKIDATA_API")
        .output()
        .expect("run realpolitik");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}\nstderr: {stderr}", out.status);
    let id = realpolitik::ingest::article_id(Some(&url), "");
    let article = format!("<https://w3id.org/realpolitik/id/article/{id}>");
    assert!(stdout.contains(&article), "no {article} in:\n{stdout}");
    assert!(stdout.contains(&format!("\"{url}\"")), "URL not in output:\n{stdout}");
    assert!(stdout.contains("EU adopts new sanctions on Russian drone suppliers"), "{stdout}");
    assert!(stdout.contains("\"2024-06-24\""), "{stdout}");
    assert_eq!(server.count(), 1);

    // A URL that fails is reported on stderr with the URL and the problem; exit non-zero.
    let bad = format!("{}/report.pdf", server.base);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_realpolitik"))
        .args(["extract", "--format", "ntriples", &bad])
        .output()
        .expect("run realpolitik");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&bad) && stderr.contains("unsupported content type application/pdf"), "{stderr}");
}
