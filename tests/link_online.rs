//! Online Wikidata linking against a local HTTP server (127.0.0.1, started in each test) that
//! answers with hand-written responses in the Wikidata API's JSON shape
//! (tests/fixtures/wikidata). No test reaches the real Wikidata.

use realpolitik::link::online::{OnlineConfig, OnlineLinker};
use realpolitik::model::{Actor, ActorKind, Extraction};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "support/http_server.rs"]
mod server;

use server::{Reply, Request, Server};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/wikidata").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Answer like the Wikidata API from the fixtures.
fn wikidata(req: &Request) -> Reply {
    match req.param("action").as_deref() {
        Some("wbsearchentities") => {
            let file = match req.param("search").as_deref() {
                Some("Vladimir Putin") => "search_vladimir_putin.json",
                Some("John Smith") => "search_john_smith.json",
                Some("Lockheed Martin") => "search_lockheed_martin.json",
                _ => "search_no_match.json",
            };
            Reply::json(fixture(file))
        }
        Some("wbgetentities") => {
            let ids = req.param("ids").unwrap_or_default();
            let file = match ids.as_str() {
                "Q7747|Q900000101|Q900000102" => "entities_vladimir_putin.json",
                "Q900000201|Q900000202|Q900000203" => "entities_john_smith.json",
                "Q7240|Q900000301" => "entities_lockheed_martin.json",
                "Q936518|Q41176" => "classes_q936518_q41176.json",
                "Q811979" => "classes_q811979.json",
                other => {
                    // Unknown ids: the API answers {"id": …, "missing": ""} for each.
                    let entities: Vec<String> =
                        other.split('|').map(|id| format!("\"{id}\":{{\"id\":\"{id}\",\"missing\":\"\"}}")).collect();
                    return Reply::json(format!("{{\"entities\":{{{}}},\"success\":1}}", entities.join(",")));
                }
            };
            Reply::json(fixture(file))
        }
        _ => Reply::json(r#"{"error":{"code":"badvalue","info":"Unrecognized value for parameter \"action\"."}}"#),
    }
}

fn config(server: &Server, cache: &Path) -> OnlineConfig {
    OnlineConfig {
        api_url: format!("{}/w/api.php", server.base),
        cache_path: cache.to_path_buf(),
        timeout: Duration::from_secs(5),
        retries: 2,
        min_confidence: 0.8,
        backoff: Duration::from_millis(20),
        max_retry_wait: Duration::from_millis(200),
        ..OnlineConfig::default()
    }
}

fn actor(kind: ActorKind, label: &str, country: Option<&str>) -> Actor {
    Actor {
        key: realpolitik::model::slug(label),
        kind,
        label: label.into(),
        qid: None,
        country: country.map(str::to_string),
        role: None,
        iso: None,
        link_method: None,
        link_confidence: None,
    }
}

fn extraction(actors: Vec<Actor>) -> Extraction {
    let mut ex = Extraction::default();
    ex.actors = actors;
    ex
}

fn cache_file(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("sub").join("wikidata-links.json")
}

#[test]
fn person_is_linked_with_confidence() {
    let server = Server::start(|r, _| wikidata(r));
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    let mut ex = extraction(vec![
        actor(ActorKind::Person, "Vladimir Putin", Some("Q159")),
        // States are linked offline and never looked up.
        Actor { qid: Some("Q159".into()), iso: Some("RU".into()), ..actor(ActorKind::State, "Russia", None) },
    ]);
    let warnings = linker.link(&mut ex);
    assert!(warnings.is_empty(), "{warnings:?}");
    let putin = &ex.actors[0];
    assert_eq!(putin.qid.as_deref(), Some("Q7747"));
    assert_eq!(putin.link_method, Some("wikidata-api"));
    let c = putin.link_confidence.unwrap();
    assert!((0.8..=1.0).contains(&c), "confidence {c}");
    assert_eq!(ex.actors[1].link_method, None);

    // Two requests (search, entities), with API etiquette.
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    for r in &reqs {
        assert_eq!(r.path(), "/w/api.php");
        assert_eq!(r.param("format").as_deref(), Some("json"));
        assert_eq!(r.param("maxlag").as_deref(), Some("5"));
        let ua = r.header("User-Agent").unwrap_or("");
        assert!(ua.starts_with("realpolitik/") && ua.contains("https://w3id.org/realpolitik"), "{ua}");
    }
    assert_eq!(reqs[0].param("action").as_deref(), Some("wbsearchentities"));
    assert_eq!(reqs[0].param("language").as_deref(), Some("en"));
    assert_eq!(reqs[0].param("type").as_deref(), Some("item"));
    assert_eq!(reqs[0].param("limit").as_deref(), Some("7"));
    assert_eq!(reqs[1].param("action").as_deref(), Some("wbgetentities"));
    assert!(reqs[1].param("props").unwrap().contains("claims"));
    assert!(cache_file(&dir).exists(), "cache written, its folder created");
}

#[test]
fn person_of_another_country_is_not_linked() {
    let server = Server::start(|r, _| wikidata(r));
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    // The article says this Vladimir Putin is American: no candidate agrees.
    let mut ex = extraction(vec![actor(ActorKind::Person, "Vladimir Putin", Some("Q30"))]);
    assert!(linker.link(&mut ex).is_empty());
    assert_eq!(ex.actors[0].qid, None);
    assert_eq!(ex.actors[0].link_confidence, None);
}

#[test]
fn ambiguous_name_is_left_unlinked() {
    let server = Server::start(|r, _| wikidata(r));
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Person, "John Smith", None)]);
    assert!(linker.link(&mut ex).is_empty());
    let a = &ex.actors[0];
    assert_eq!(a.qid, None, "three equally good John Smiths must not be guessed between");
    assert_eq!(a.link_method, None);
    assert_eq!(server.count(), 2);
}

#[test]
fn organisation_type_is_walked_up_the_class_tree() {
    let server = Server::start(|r, _| wikidata(r));
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    let mut ex = extraction(vec![
        actor(ActorKind::Company, "Lockheed Martin", Some("Q30")),
        actor(ActorKind::Company, "Zzyzx Trading", Some("Q30")),
    ]);
    assert!(linker.link(&mut ex).is_empty());
    assert_eq!(ex.actors[0].qid.as_deref(), Some("Q7240"));
    assert!(ex.actors[0].link_confidence.unwrap() >= 0.8);
    assert_eq!(ex.actors[1].qid, None);
    // search + entities + 2 class-walk steps for Lockheed; 1 search for the unknown company.
    assert_eq!(server.count(), 5, "{:?}", server.requests());

    // The answer is cached: a new linker on the same cache asks nothing.
    let server2 = Server::start(|r, _| wikidata(r));
    let linker2 = OnlineLinker::new(config(&server2, &cache_file(&dir))).unwrap();
    let mut ex2 = extraction(vec![actor(ActorKind::Company, "Lockheed Martin", Some("Q30"))]);
    assert!(linker2.link(&mut ex2).is_empty());
    assert_eq!(ex2.actors[0].qid.as_deref(), Some("Q7240"));
    assert_eq!(server2.count(), 0);
}

#[test]
fn cache_prevents_a_second_request() {
    let server = Server::start(|r, _| wikidata(r));
    let dir = tempfile::tempdir().unwrap();
    let cache = cache_file(&dir);
    let actors = || {
        extraction(vec![
            actor(ActorKind::Person, "Vladimir Putin", Some("Q159")),
            actor(ActorKind::Person, "John Smith", None),
            actor(ActorKind::Organization, "Zzyzx Trading", None),
        ])
    };
    let first = OnlineLinker::new(config(&server, &cache)).unwrap();
    let mut ex1 = actors();
    assert!(first.link(&mut ex1).is_empty());
    let after_first = server.count();
    assert_eq!(after_first, 5, "{:?}", server.requests());

    // Same linker, same names: answered from memory.
    let mut again = actors();
    assert!(first.link(&mut again).is_empty());
    assert_eq!(server.count(), after_first);
    drop(first);

    // A new linker (a later run) with the same cache file: no request at all, same answers,
    // including the "no link" ones.
    let second = OnlineLinker::new(config(&server, &cache)).unwrap();
    let mut ex2 = actors();
    assert!(second.link(&mut ex2).is_empty());
    assert_eq!(server.count(), after_first, "second run must not ask the API");
    assert_eq!(ex2.actors[0].qid.as_deref(), Some("Q7747"));
    assert_eq!(ex2.actors[0].link_confidence, ex1.actors[0].link_confidence);
    assert_eq!(ex2.actors[1].qid, None);
    assert_eq!(ex2.actors[2].qid, None);

    // The cache is plain JSON, written whole (no temporary file left behind).
    let text = std::fs::read_to_string(&cache).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["links"]["person|vladimir putin|Q159"]["qid"], "Q7747");
    assert!(v["links"]["person|john smith|"]["confidence"].as_f64().unwrap() < 0.8);
    let leftovers: Vec<_> = std::fs::read_dir(cache.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn a_stricter_threshold_applies_to_cached_answers() {
    let server = Server::start(|r, _| wikidata(r));
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Company, "Lockheed Martin", None)]);
    linker.link(&mut ex);
    let c = ex.actors[0].link_confidence.expect("linked");
    let strict = OnlineLinker::new(OnlineConfig { min_confidence: (c + 0.01).min(1.0), ..config(&server, &cache_file(&dir)) }).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Company, "Lockheed Martin", None)]);
    strict.link(&mut ex);
    assert_eq!(ex.actors[0].qid, None);
}

#[test]
fn server_errors_are_retried() {
    // 503 twice, then the real answers.
    let server = Server::start(|r, n| if n < 2 { Reply::new(503, "text/plain", "busy") } else { wikidata(r) });
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Person, "Vladimir Putin", Some("Q159"))]);
    let warnings = linker.link(&mut ex);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(ex.actors[0].qid.as_deref(), Some("Q7747"));
    assert_eq!(server.count(), 4, "3 search attempts + 1 entities request");
}

#[test]
fn rate_limit_and_maxlag_are_retried_with_capped_wait() {
    // 429 asking for an hour, then the API's maxlag error, then the answers: the wait is capped
    // at max_retry_wait (200 ms here), so this takes well under a second.
    let server = Server::start(|r, n| match n {
        0 => Reply::new(429, "text/plain", "slow down").header("Retry-After", "3600"),
        1 => Reply::json(fixture("error_maxlag.json")).header("Retry-After", "5"),
        _ => wikidata(r),
    });
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Person, "Vladimir Putin", None)]);
    let start = Instant::now();
    let warnings = linker.link(&mut ex);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(ex.actors[0].qid.as_deref(), Some("Q7747"));
    assert!(start.elapsed() < Duration::from_secs(2), "{:?}", start.elapsed());
}

#[test]
fn persistent_server_error_is_a_clear_warning() {
    let server = Server::start(|_, _| Reply::new(500, "text/html", "<h1>oops</h1>"));
    let dir = tempfile::tempdir().unwrap();
    let linker = OnlineLinker::new(config(&server, &cache_file(&dir))).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Person, "Vladimir Putin", Some("Q159"))]);
    let warnings = linker.link(&mut ex);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0].to_string();
    assert!(w.contains("\"Vladimir Putin\""), "{w}");
    assert!(w.contains("HTTP 500 Internal Server Error"), "{w}");
    assert!(w.contains("3 attempts"), "{w}");
    assert!(w.contains(&server.base), "{w}");
    assert_eq!(server.count(), 3);
    // The article keeps its actor, unlinked, and the failure is not cached.
    assert_eq!(ex.actors[0].qid, None);
    assert!(!cache_file(&dir).exists());
}

#[test]
fn timeout_is_bounded_and_clear() {
    let server = Server::start(|r, _| wikidata(r).delay(Duration::from_secs(3)));
    let dir = tempfile::tempdir().unwrap();
    let cfg = OnlineConfig { timeout: Duration::from_millis(300), retries: 1, ..config(&server, &cache_file(&dir)) };
    let linker = OnlineLinker::new(cfg).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Person, "Vladimir Putin", None)]);
    let start = Instant::now();
    let warnings = linker.link(&mut ex);
    let elapsed = start.elapsed();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = warnings[0].to_string();
    assert!(w.contains("timed out after 0.3 s") && w.contains("2 attempts"), "{w}");
    assert!(elapsed < Duration::from_secs(2), "took {elapsed:?}");
    assert_eq!(ex.actors[0].qid, None);
}

#[test]
fn unreachable_api_stops_after_a_few_failures() {
    // A port with nothing listening: connection refused at once.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let cfg = OnlineConfig {
        api_url: format!("http://127.0.0.1:{port}/w/api.php"),
        retries: 0,
        ..config(&Server::start(|r, _| wikidata(r)), &cache_file(&dir))
    };
    let linker = OnlineLinker::new(cfg).unwrap();
    let names = ["Ann One", "Bob Two", "Cy Three", "Di Four", "Ed Five"];
    let mut ex = extraction(names.iter().map(|n| actor(ActorKind::Person, n, None)).collect());
    let warnings: Vec<String> = linker.link(&mut ex).iter().map(|e| e.to_string()).collect();
    assert_eq!(warnings.len(), 4, "{warnings:?}");
    assert!(warnings[0].contains("cannot connect"), "{warnings:?}");
    assert!(warnings[3].contains("online linking is off"), "{warnings:?}");
    assert!(ex.actors.iter().all(|a| a.qid.is_none()));
}

#[test]
fn corrupt_cache_is_reported_and_replaced() {
    let server = Server::start(|r, _| wikidata(r));
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("links.json");
    std::fs::write(&cache, "{not json").unwrap();
    let linker = OnlineLinker::new(config(&server, &cache)).unwrap();
    let mut ex = extraction(vec![actor(ActorKind::Person, "Vladimir Putin", Some("Q159"))]);
    let warnings = linker.link(&mut ex);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].to_string().contains("not valid JSON"), "{}", warnings[0]);
    assert_eq!(ex.actors[0].qid.as_deref(), Some("Q7747"));
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    assert_eq!(v["version"], 1);
}

#[test]
fn linker_can_be_shared_across_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<OnlineLinker>();
    shared::<realpolitik::ingest::fetch::Fetcher>();
}
