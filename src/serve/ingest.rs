//! POST /ingest: articles sent over HTTP, for ingesting while the server holds the store
//! (a second process cannot open it).

use super::http::{self, Fail, Reply, bytes};
use crate::ingest::Kind;
use oxhttp::model::StatusCode;
use oxigraph::store::Store;
use serde_json::{Value, json};

/// Name used in messages for articles that came in over HTTP.
const SOURCE: &str = "POST /ingest";

/// Ingest the body: one plain-text article (`?url=`, `?title=`, `?date=` optional), one HTML
/// page (text/html), or JSON Lines (application/x-ndjson), each record as the CLI reads them.
/// Answers JSON with one entry per article: its report, or its error. The token is checked
/// by the caller.
pub fn ingest(store: &Store, content_type: Option<&str>, params: &[(String, String)], body: Vec<u8>) -> Reply {
    let kind = match content_type {
        Some("application/x-ndjson" | "application/jsonl" | "application/json-lines" | "application/jsonlines") => {
            Kind::Jsonl
        }
        Some("text/html" | "application/xhtml+xml") => Kind::Html,
        _ => Kind::Text,
    };
    let url = http::single(params, "url")?.map(str::to_owned);
    let title = http::single(params, "title")?.map(str::to_owned);
    let date = http::single(params, "date")?.map(str::to_owned);
    let has_metadata = url.is_some() || title.is_some() || date.is_some();

    let articles = match kind {
        Kind::Text => {
            if body.contains(&0) {
                return Err(Fail::bad_request("body is binary (contains NUL bytes), not text"));
            }
            let text = http::utf8(body, "body")?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
            vec![crate::ingest::article_from_text(SOURCE, text, url, title, date)]
        }
        _ if has_metadata => {
            return Err(Fail::bad_request(
                "?url, ?title and ?date apply to one plain-text article; JSON Lines records and HTML pages carry their own",
            ));
        }
        kind => crate::ingest::read_bytes(SOURCE, &body, kind),
    };

    let mut results = Vec::with_capacity(articles.len());
    let (mut ingested, mut input_errors, mut other_errors) = (0usize, 0usize, 0usize);
    for article in articles {
        let outcome = article.and_then(|a| crate::store::ingest_article(store, &a));
        match outcome {
            Ok(report) => {
                ingested += 1;
                results.push(serde_json::to_value(&report).unwrap_or_else(|e| json!({ "error": e.to_string() })));
            }
            Err(e) => {
                if matches!(e, crate::Error::Input { .. }) {
                    input_errors += 1;
                } else {
                    other_errors += 1;
                }
                results.push(json!({ "error": e.to_string() }));
            }
        }
    }
    // One event, many reports: the events graph follows the facts after every request.
    let events = if ingested > 0 {
        match crate::events::refresh(store) {
            Ok(s) => json!({ "events": s.events, "merged": s.merged }),
            Err(e) => {
                other_errors += 1;
                json!({ "error": e.to_string() })
            }
        }
    } else {
        Value::Null
    };
    // Any success is a 200 (failures are listed per article); all failed: the client's fault
    // (400) if every error was about the input, else ours (500).
    let status = if ingested > 0 || results.is_empty() {
        StatusCode::OK
    } else if other_errors == 0 {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    let summary: Value = json!({
        "ingested": ingested,
        "failed": input_errors + other_errors,
        "articles": results,
        "events": events,
    });
    let mut body = serde_json::to_vec_pretty(&summary).map_err(|e| Fail::internal(e.to_string()))?;
    body.push(b'\n');
    Ok(bytes(status, "application/json", body))
}
