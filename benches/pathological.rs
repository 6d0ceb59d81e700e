//! Time per MB on normal text and on each pathological input family of issue 14 (D6, D7),
//! through the real read → extract → RDF path; prints a table with the ratio to normal text.
//! Not a timed test: run `cargo bench --bench pathological` (add `-- --quick` for the
//! smallest sizes only). The target is every family within 3× of normal text per MB.

use realpolitik::ingest::{self, Kind};
use realpolitik::{Extractor, rdf};
use std::hint::black_box;
use std::time::Instant;

/// The bundled samples, concatenated (front matter stripped), as the "normal text" unit.
fn sample_text() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/samples");
    let mut out = String::new();
    for s in ingest::expand(&[dir.to_string()]) {
        for a in ingest::read_source(&s.expect("sample")) {
            out.push_str(&a.expect("sample article").text);
            out.push_str("\n\n");
        }
    }
    out
}

fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes.div_ceil(unit.len()).max(1))
}

/// Seconds to read and extract one input (best of `runs`), with its size in bytes.
fn time(x: &Extractor, input: &[u8], kind: Kind, runs: usize) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let t = Instant::now();
        for a in ingest::read_bytes("bench", input, kind) {
            if let Ok(a) = a {
                if let Ok(ex) = x.extract_isolated(&a) {
                    black_box(rdf::article_quads(&a, &ex));
                }
            }
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let x = Extractor::shared().expect("lexicon");
    let sample = sample_text();
    let para = "Officials said the measures would stay in place.";
    let mut rows: Vec<(String, usize, f64)> = Vec::new();
    let mb = 1024 * 1024;
    let sizes: &[usize] = if quick { &[2 * mb] } else { &[2 * mb, 4 * mb, 8 * mb] };

    // Normal text: each sample article alone, many times over (about 2 MB in all).
    let mut normal = 0.0;
    let mut normal_bytes = 0;
    let reps = (2 * mb / sample.len()).max(1);
    for _ in 0..reps {
        for art in sample.split("\n\n\n").filter(|s| !s.trim().is_empty()) {
            normal += time(x, art.as_bytes(), Kind::Text, 1);
            normal_bytes += art.len();
        }
    }
    rows.push(("normal articles (samples)".into(), normal_bytes, normal));

    for &n in sizes {
        let t = repeat_to(&sample, n);
        rows.push((format!("whole article {} MB", n / mb), t.len(), time(x, t.as_bytes(), Kind::Text, 1)));
    }
    for k in if quick { vec![80_000] } else { vec![80_000, 160_000, 320_000] } {
        let t = "U.S. ".repeat(k);
        rows.push((format!("\"U.S. \" x{k}"), t.len(), time(x, t.as_bytes(), Kind::Text, 1)));
    }
    for k in if quick { vec![12_500] } else { vec![12_500, 25_000, 50_000] } {
        let t = "\"A.\"".repeat(k);
        rows.push((format!("'\"A.\"' x{k}"), t.len(), time(x, t.as_bytes(), Kind::Text, 1)));
    }
    // One long sentence of quotations and speech verbs, of named speakers, of definite
    // descriptions: statements' and recognition's look-backs.
    for (unit, base) in [("\"A b c d.\" said ", 10_000), ("Putin said, ", 10_000), ("Russia and the country. ", 20_000)] {
        for k in if quick { vec![base] } else { vec![base, 2 * base, 4 * base] } {
            let t = unit.repeat(k);
            rows.push((format!("'{unit}' x{k}"), t.len(), time(x, t.as_bytes(), Kind::Text, 1)));
        }
    }
    for (tag, open, close) in [("div", "<div>", "</div>"), ("table", "<table><tr><td>", "</td></tr></table>")] {
        let depths: Vec<usize> = match (quick, tag) {
            (true, _) => vec![5_000],
            (false, "div") => vec![5_000, 10_000, 20_000],
            (false, _) => vec![7_500, 15_000, 30_000],
        };
        for d in depths {
            let h = format!("<html><body>{}<p>{para}</p>{}</body></html>", open.repeat(d), close.repeat(d));
            rows.push((format!("nested <{tag}> depth {d}"), h.len(), time(x, h.as_bytes(), Kind::Html, 1)));
        }
    }
    // Just under the depth limit (html::MAX_DEPTH), where the Readability port still runs:
    // nests of depth 250 side by side, each holding a paragraph.
    for blocks in if quick { vec![100] } else { vec![100, 200, 400] } {
        let nest = format!("{}<p>{para}</p>{}", "<div>".repeat(250), "</div>".repeat(250));
        let h = format!("<html><body>{}</body></html>", nest.repeat(blocks));
        rows.push((format!("{blocks} <div> nests of depth 250"), h.len(), time(x, h.as_bytes(), Kind::Html, 1)));
    }

    let per_mb = |b: usize, s: f64| s / (b as f64 / mb as f64);
    let base = per_mb(rows[0].1, rows[0].2);
    println!("| input | size | time | s/MB | ratio to normal | within 3x |");
    println!("| --- | ---: | ---: | ---: | ---: | :---: |");
    let mut over = Vec::new();
    for (name, b, s) in &rows {
        let ratio = per_mb(*b, *s) / base;
        if ratio > 3.0 {
            over.push(name.as_str());
        }
        let ok = if ratio <= 3.0 { "yes" } else { "NO" };
        println!("| {name} | {:.2} MB | {:.3} s | {:.3} | {ratio:.2}x | {ok} |", *b as f64 / mb as f64, s, per_mb(*b, *s));
    }
    if over.is_empty() {
        println!("\nevery family within 3x of normal text per MB");
    } else {
        println!("\nover 3x of normal text per MB: {}", over.join(", "));
    }
}
