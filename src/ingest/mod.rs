//! Ingest stage: turn inputs (files, folders, stdin, JSON Lines, HTML, URLs) into articles.
//!
//! An input that cannot become an article yields an [`Error::Input`] naming it, and the
//! rest of the batch goes on.

pub mod fetch;
pub mod html;

use crate::error::{Error, Result};
use crate::model::Article;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Extensions read when walking a folder.
pub const EXTENSIONS: &[&str] = &["txt", "html", "htm", "jsonl"];

/// Largest single input we accept, so a stray disk image cannot exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// One input as given on the command line, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Stdin,
    Url(String),
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::File(p) => write!(f, "{}", p.display()),
            Source::Stdin => f.write_str("<stdin>"),
            Source::Url(u) => f.write_str(u),
        }
    }
}

/// Expand command-line inputs: folders are walked recursively (sorted, by extension), `-` is
/// stdin, `http(s)://` is a URL. A missing path becomes an error item, not a panic.
///
/// Symbolic links are followed, but every folder and file is taken once, by its canonical path:
/// a link cycle (`ln -s . d/loop`) ends the walk there, and a file reached twice (through a
/// link, or named twice) is read once, under the name it was first reached by.
pub fn expand(inputs: &[String]) -> Vec<Result<Source>> {
    let mut out = Vec::new();
    let mut seen = Seen::default();
    for input in inputs {
        if input == "-" {
            out.push(Ok(Source::Stdin));
        } else if input.starts_with("http://") || input.starts_with("https://") {
            out.push(Ok(Source::Url(input.clone())));
        } else if input.contains("://") {
            out.push(Err(Error::input(input, "unsupported URL scheme (only http and https)")));
        } else {
            let path = PathBuf::from(input);
            if path.is_dir() {
                walk(&path, &mut seen, &mut out);
            } else if path.exists() {
                if seen.first(&path, false) {
                    out.push(Ok(Source::File(path)));
                }
            } else {
                out.push(Err(Error::input(input, "no such file or directory")));
            }
        }
    }
    out
}

/// Canonical paths already taken by a walk: folders (cycle and re-entry guard) and files.
#[derive(Default)]
struct Seen {
    dirs: std::collections::HashSet<PathBuf>,
    files: std::collections::HashSet<PathBuf>,
}

impl Seen {
    /// True the first time this folder or file is met. A path that cannot be canonicalised
    /// (a race with a deletion) counts as new: reading it then names the problem.
    fn first(&mut self, path: &Path, dir: bool) -> bool {
        let Ok(c) = std::fs::canonicalize(path) else { return true };
        if dir { self.dirs.insert(c) } else { self.files.insert(c) }
    }
}

fn walk(dir: &Path, seen: &mut Seen, out: &mut Vec<Result<Source>>) {
    if !seen.first(dir, true) {
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            out.push(Err(Error::input(dir.display().to_string(), format!("cannot read folder: {e}"))));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, seen, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            && seen.first(&p, false)
        {
            out.push(Ok(Source::File(p)));
        }
    }
}

/// Read one source into its articles (a JSONL file gives many; each bad line is its own error).
/// URLs are fetched with default settings; see [`read_source_with`].
pub fn read_source(source: &Source) -> Vec<Result<Article>> {
    read_source_with(source, None)
}

/// Like [`read_source`], fetching URLs with a configured client shared across the batch.
pub fn read_source_with(source: &Source, fetcher: Option<&fetch::Fetcher>) -> Vec<Result<Article>> {
    match source {
        Source::Url(url) => vec![match fetcher {
            Some(f) => f.fetch(url),
            None => fetch::fetch_article(url, &fetch::FetchConfig::default()),
        }],
        Source::Stdin => {
            let mut buf = Vec::new();
            if let Err(e) = std::io::stdin().take(MAX_INPUT_BYTES + 1).read_to_end(&mut buf) {
                return vec![Err(Error::input("<stdin>", format!("cannot read: {e}")))];
            }
            read_bytes("<stdin>", &buf, Kind::sniff(&buf))
        }
        Source::File(path) => {
            let name = path.display().to_string();
            let size = match std::fs::metadata(path) {
                Ok(m) => m.len(),
                Err(e) => return vec![Err(Error::input(name, format!("cannot read: {e}")))],
            };
            if size > MAX_INPUT_BYTES {
                return vec![Err(Error::input(name, format!("file is {size} bytes, over the {MAX_INPUT_BYTES}-byte limit")))];
            }
            let bytes = match std::fs::read(path) {
                Ok(b) => b,
                Err(e) => return vec![Err(Error::input(name, format!("cannot read: {e}")))],
            };
            let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
            let kind = match ext.as_deref() {
                Some("jsonl") | Some("ndjson") => Kind::Jsonl,
                Some("html") | Some("htm") => Kind::Html,
                _ => Kind::Text,
            };
            read_bytes(&name, &bytes, kind)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Html,
    Jsonl,
}

impl Kind {
    /// Guess the kind of stdin from its first bytes.
    pub fn sniff(bytes: &[u8]) -> Kind {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).trim_start().to_ascii_lowercase();
        if head.starts_with("<!doctype html") || head.starts_with("<html") {
            Kind::Html
        } else if head.starts_with('{') {
            Kind::Jsonl
        } else {
            Kind::Text
        }
    }
}

/// Decode and validate bytes of a given kind into articles. JSON Lines are checked line by
/// line (a bad byte fails its line alone); other kinds are one article, good or not. A bug
/// met while reading is the input's [`Error::Internal`], not the batch's end.
pub fn read_bytes(name: &str, bytes: &[u8], kind: Kind) -> Vec<Result<Article>> {
    crate::isolate::run(name, || decode(name, bytes, kind)).unwrap_or_else(|e| vec![Err(e)])
}

fn decode(name: &str, bytes: &[u8], kind: Kind) -> Vec<Result<Article>> {
    if kind == Kind::Jsonl {
        return read_jsonl(name, bytes);
    }
    if bytes.contains(&0) {
        return vec![Err(Error::input(name, "binary file (contains NUL bytes), not text"))];
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            return vec![Err(Error::input(name, format!("invalid UTF-8 at byte {}", e.valid_up_to())))];
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match kind {
        Kind::Text => {
            let (meta, body) = front_matter(text);
            vec![article_from_text(name, body, meta.url, meta.title, meta.date)]
        }
        Kind::Html => vec![html::article_from_html(name, text, None)],
        // Not reached (JSON Lines are read line by line above), but harmless if it were.
        Kind::Jsonl => read_jsonl(name, text.as_bytes()),
    }
}

#[derive(Default)]
struct Meta {
    url: Option<String>,
    title: Option<String>,
    date: Option<String>,
}

/// An optional header of `# key: value` lines (source/url, title, date) before a text body,
/// as news archives and our samples write it.
fn front_matter(text: &str) -> (Meta, &str) {
    let mut meta = Meta::default();
    let mut rest = text;
    loop {
        let line_end = rest.find('\n').map_or(rest.len(), |p| p + 1);
        let line = rest[..line_end].trim_end();
        let Some((key, value)) = line.strip_prefix("# ").and_then(|l| l.split_once(':')) else { break };
        let key = key.trim().to_ascii_lowercase();
        if !key.chars().all(|c| c.is_ascii_alphabetic() || c == '_') || key.is_empty() {
            break;
        }
        let value = value.trim().to_string();
        match key.as_str() {
            "source" | "url" => meta.url = Some(value),
            "title" => meta.title = Some(value),
            "date" => meta.date = Some(value),
            _ => {}
        }
        rest = &rest[line_end..];
    }
    if rest.len() == text.len() {
        return (Meta::default(), text);
    }
    // A malformed date in a header is not worth losing the article over.
    if meta.date.as_deref().is_some_and(|d| normalise_date(d).is_none()) {
        meta.date = None;
    }
    (meta, rest.trim_start_matches(['\n', '\r']))
}

#[derive(serde::Deserialize)]
struct JsonlRecord {
    text: Option<serde_json::Value>,
    url: Option<String>,
    title: Option<String>,
    date: Option<String>,
}

/// One article per line. Each line is decoded on its own, so invalid UTF-8 or a NUL byte
/// fails that line alone, named `file:line`, and the good lines are read.
fn read_jsonl(name: &str, bytes: &[u8]) -> Vec<Result<Article>> {
    let mut out = Vec::new();
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    for (i, raw) in bytes.split(|&b| b == b'\n').enumerate() {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let at = format!("{name}:{}", i + 1);
        if raw.contains(&0) {
            out.push(Err(Error::input(at, "line holds a NUL byte (binary data), not JSON")));
            continue;
        }
        let line = match std::str::from_utf8(raw) {
            Ok(l) => l,
            Err(e) => {
                out.push(Err(Error::input(at, format!("invalid UTF-8 at byte {} of the line", e.valid_up_to() + 1))));
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let rec: JsonlRecord = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                out.push(Err(Error::input(at, format!("malformed JSON: {e}"))));
                continue;
            }
        };
        let body = match rec.text {
            Some(serde_json::Value::String(s)) => s,
            Some(_) => {
                out.push(Err(Error::input(at, "field \"text\" must be a string")));
                continue;
            }
            None => {
                out.push(Err(Error::input(at, "missing required field \"text\"")));
                continue;
            }
        };
        out.push(article_from_text(&at, &body, rec.url, rec.title, rec.date));
    }
    if out.is_empty() {
        out.push(Err(Error::input(name, "empty JSON Lines file (no articles)")));
    }
    out
}

/// Build an article from its body text; the identity is the URL if known, else the text.
pub fn article_from_text(
    source: &str,
    text: &str,
    url: Option<String>,
    title: Option<String>,
    date: Option<String>,
) -> Result<Article> {
    let text = normalise_newlines(text);
    if text.trim().is_empty() {
        return Err(Error::input(source, "empty article (no text)"));
    }
    let date = match date {
        Some(d) => Some(normalise_date(&d).ok_or_else(|| Error::input(source, format!("unrecognised date {d:?} (want YYYY-MM-DD)")))?),
        None => None,
    };
    let url = url.filter(|u| !u.trim().is_empty());
    let content_hash = format!("sha256:{}", hex(&Sha256::digest(text.as_bytes())));
    let id = article_id(url.as_deref(), &text);
    Ok(Article { id, source: source.to_string(), url, title: title.filter(|t| !t.trim().is_empty()), date, text, content_hash })
}

/// 16 hex digits of SHA-256 over the URL if given, else over the text.
pub fn article_id(url: Option<&str>, text: &str) -> String {
    let digest = match url {
        Some(u) => Sha256::digest(u.trim().as_bytes()),
        None => Sha256::digest(text.as_bytes()),
    };
    hex(&digest[..8])
}

fn normalise_newlines(text: &str) -> String {
    if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text.to_string() }
}

/// Accept "2024-04-11", "2024-04-11T10:00:00Z" and similar; keep the date part.
pub fn normalise_date(d: &str) -> Option<String> {
    let d = d.trim();
    let head = d.get(..10)?;
    let b = head.as_bytes();
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && head.chars().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !ok {
        return None;
    }
    let month: u32 = head[5..7].parse().ok()?;
    let day: u32 = head[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| head.to_string())
}

pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_is_url_else_text() {
        let a = article_from_text("a", "Same text.", None, None, None).unwrap();
        let b = article_from_text("b", "Same text.", None, None, None).unwrap();
        assert_eq!(a.id, b.id);
        let c = article_from_text("c", "Other text.", Some("https://x.org/1".into()), None, None).unwrap();
        let d = article_from_text("d", "Edited text.", Some("https://x.org/1".into()), None, None).unwrap();
        assert_eq!(c.id, d.id);
        assert_ne!(a.id, c.id);
    }

    #[test]
    fn bad_bytes_are_named() {
        let e = read_bytes("x.txt", b"abc\xff", Kind::Text).remove(0).unwrap_err().to_string();
        assert!(e.contains("x.txt") && e.contains("UTF-8"), "{e}");
        let e = read_bytes("y.txt", b"a\0b", Kind::Text).remove(0).unwrap_err().to_string();
        assert!(e.contains("binary"), "{e}");
        let e = read_bytes("z.txt", b"  \n", Kind::Text).remove(0).unwrap_err().to_string();
        assert!(e.contains("empty"), "{e}");
    }

    #[test]
    fn text_front_matter_gives_metadata() {
        let a = read_bytes("a.txt", b"# source: https://example.org/a\n# title: T\n# date: 2024-04-11\n\nBody text here.", Kind::Text).remove(0).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(a.title.as_deref(), Some("T"));
        assert_eq!(a.date.as_deref(), Some("2024-04-11"));
        assert_eq!(a.text, "Body text here.");
        let b = read_bytes("b.txt", b"# Not a header line\nBody", Kind::Text).remove(0).unwrap();
        assert!(b.text.starts_with("# Not a header"));
    }

    #[test]
    fn jsonl_bad_line_does_not_hide_good_ones() {
        let src = "{\"text\":\"One.\"}\n{oops\n{\"title\":\"no text\"}\n{\"text\":\"Two.\",\"date\":\"2024-01-02\"}\n";
        let r = read_bytes("b.jsonl", src.as_bytes(), Kind::Jsonl);
        assert_eq!(r.len(), 4);
        assert!(r[0].is_ok() && r[3].is_ok());
        assert!(r[1].as_ref().unwrap_err().to_string().starts_with("b.jsonl:2: malformed JSON"));
        assert!(r[2].as_ref().unwrap_err().to_string().contains("missing required field \"text\""));
    }
}
