//! Content negotiation: pick a response format from an `Accept` header with q-values.
//!
//! Hand-written (as oxigraph's own server does) because the rules we need are small: the most
//! specific matching media range sets an offer's quality, the highest quality wins, and ties
//! go to the server's order of preference, so a wildcard gets the canonical default.

use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;

/// One media range of an `Accept` header, lower-cased.
#[derive(Debug, Clone, PartialEq)]
struct MediaRange {
    kind: String,
    subtype: String,
    q: f32,
}

/// Parse an `Accept` header; malformed ranges are skipped (a client's typo should not turn a
/// usable request into a 406).
fn parse_accept(header: &str) -> Vec<MediaRange> {
    let mut ranges = Vec::new();
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let Some(media) = pieces.next().map(str::trim).filter(|m| !m.is_empty()) else {
            continue;
        };
        let Some((kind, subtype)) = media.split_once('/') else {
            continue;
        };
        let (kind, subtype) = (kind.trim().to_ascii_lowercase(), subtype.trim().to_ascii_lowercase());
        if kind.is_empty() || subtype.is_empty() || (kind == "*" && subtype != "*") {
            continue;
        }
        let mut q = Some(1.0f32);
        for param in pieces {
            if let Some((key, value)) = param.split_once('=') {
                if key.trim().eq_ignore_ascii_case("q") {
                    q = value.trim().parse::<f32>().ok().filter(|q| (0.0..=1.0).contains(q));
                }
            }
        }
        if let Some(q) = q {
            ranges.push(MediaRange { kind, subtype, q });
        }
    }
    ranges
}

/// Quality the client gives to `media` (e.g. "text/turtle"): that of the most specific
/// matching range, 0 if none matches.
fn quality(ranges: &[MediaRange], media: &str) -> f32 {
    let (kind, subtype) = media.split_once('/').unwrap_or((media, ""));
    let mut best: Option<(u8, f32)> = None;
    for r in ranges {
        let specificity = if r.kind == kind && r.subtype == subtype {
            2
        } else if r.kind == kind && r.subtype == "*" {
            1
        } else if r.kind == "*" {
            0
        } else {
            continue;
        };
        if best.is_none_or(|(s, _)| specificity > s) {
            best = Some((specificity, r.q));
        }
    }
    best.map_or(0.0, |(_, q)| q)
}

/// Choose among `offers` (media type, value), listed in the server's order of preference.
/// No or an empty `Accept` header means the first offer; `None` means answer 406.
pub fn choose<T: Copy>(accept: Option<&str>, offers: &[(&str, T)]) -> Option<T> {
    let ranges = match accept.map(str::trim) {
        None | Some("") => return offers.first().map(|(_, v)| *v),
        Some(header) => parse_accept(header),
    };
    let mut best: Option<(f32, T)> = None;
    for (media, value) in offers {
        let q = quality(&ranges, media);
        if q > 0.0 && best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, *value));
        }
    }
    best.map(|(_, v)| v)
}

fn json_ld() -> RdfFormat {
    RdfFormat::JsonLd { profile: JsonLdProfileSet::empty() }
}

/// Formats for SELECT and ASK results; JSON first, being the default.
pub const RESULT_OFFERS: &[(&str, QueryResultsFormat)] = &[
    ("application/sparql-results+json", QueryResultsFormat::Json),
    ("application/sparql-results+xml", QueryResultsFormat::Xml),
    ("text/csv", QueryResultsFormat::Csv),
    ("text/tab-separated-values", QueryResultsFormat::Tsv),
    // Aliases that clients (SPARQLWrapper, browsers) send.
    ("application/json", QueryResultsFormat::Json),
    ("application/xml", QueryResultsFormat::Xml),
    ("text/xml", QueryResultsFormat::Xml),
];

/// Formats for RDF graphs (CONSTRUCT, DESCRIBE, Graph Store reads, service description);
/// Turtle first, being the default.
pub fn graph_offers() -> [(&'static str, RdfFormat); 10] {
    [
        ("text/turtle", RdfFormat::Turtle),
        ("application/n-triples", RdfFormat::NTriples),
        ("application/ld+json", json_ld()),
        ("application/rdf+xml", RdfFormat::RdfXml),
        // Aliases: older Turtle types (SPARQLWrapper sends application/turtle), N-Triples'
        // historical text/plain, JSON-LD's x- type and plain JSON, plain XML.
        ("application/turtle", RdfFormat::Turtle),
        ("application/x-turtle", RdfFormat::Turtle),
        ("text/plain", RdfFormat::NTriples),
        ("application/x-json+ld", json_ld()),
        ("application/json", json_ld()),
        ("application/xml", RdfFormat::RdfXml),
    ]
}

/// The media types we can answer with, for a 406 message.
pub fn describe(offers: impl IntoIterator<Item = &'static str>) -> String {
    offers.into_iter().collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFERS: &[(&str, char)] = &[("text/turtle", 't'), ("application/n-triples", 'n'), ("application/ld+json", 'j')];

    #[test]
    fn no_or_empty_accept_gives_the_default() {
        assert_eq!(choose(None, OFFERS), Some('t'));
        assert_eq!(choose(Some("  "), OFFERS), Some('t'));
    }

    #[test]
    fn exact_match_and_406() {
        assert_eq!(choose(Some("application/ld+json"), OFFERS), Some('j'));
        assert_eq!(choose(Some("image/png"), OFFERS), None);
        assert_eq!(choose(Some("text/html, application/xhtml+xml"), OFFERS), None);
    }

    #[test]
    fn q_values_rank_offers() {
        assert_eq!(choose(Some("text/turtle;q=0.2, application/n-triples;q=0.9"), OFFERS), Some('n'));
        assert_eq!(choose(Some("application/ld+json; q=0.5, text/turtle; q=0.4"), OFFERS), Some('j'));
        // q=0 means "not acceptable", even when a wildcard would allow it.
        assert_eq!(choose(Some("text/turtle;q=0, */*;q=0.1"), OFFERS), Some('n'));
        assert_eq!(choose(Some("text/turtle;q=0"), OFFERS), None);
    }

    #[test]
    fn wildcards_and_specificity() {
        assert_eq!(choose(Some("*/*"), OFFERS), Some('t'));
        assert_eq!(choose(Some("application/*"), OFFERS), Some('n'));
        // The most specific range decides: text/turtle is refused although text/* is welcome.
        assert_eq!(choose(Some("text/*;q=1, text/turtle;q=0, application/*;q=0.5"), OFFERS), Some('n'));
        // Browsers' default Accept.
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(choose(Some(browser), RESULT_OFFERS), Some(QueryResultsFormat::Xml));
        assert_eq!(choose(Some(browser), &graph_offers()), Some(RdfFormat::RdfXml));
    }

    #[test]
    fn ties_go_to_server_order_and_case_is_ignored() {
        assert_eq!(choose(Some("application/ld+json, text/turtle"), OFFERS), Some('t'));
        assert_eq!(choose(Some("Text/Turtle"), OFFERS), Some('t'));
    }

    #[test]
    fn malformed_ranges_are_skipped() {
        assert_eq!(choose(Some("garbage, text/turtle;q=abc, application/ld+json"), OFFERS), Some('j'));
        assert_eq!(choose(Some("*/turtle, ;q=1"), OFFERS), None);
    }

    #[test]
    fn results_aliases_from_real_clients() {
        // SPARQLWrapper's JSON Accept header.
        let sw = "application/sparql-results+json,application/json,text/javascript,application/javascript";
        assert_eq!(choose(Some(sw), RESULT_OFFERS), Some(QueryResultsFormat::Json));
        assert_eq!(choose(Some("text/csv"), RESULT_OFFERS), Some(QueryResultsFormat::Csv));
        assert_eq!(choose(Some("text/tab-separated-values"), RESULT_OFFERS), Some(QueryResultsFormat::Tsv));
        assert_eq!(choose(Some("application/turtle,text/turtle"), &graph_offers()), Some(RdfFormat::Turtle));
        assert_eq!(choose(Some("application/ld+json,application/x-json+ld"), &graph_offers()), Some(json_ld()));
    }
}
