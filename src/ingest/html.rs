//! HTML articles: main text by a Readability port (dom_smoothie), title and publication date
//! from meta tags / JSON-LD.

use crate::error::{Error, Result};
use crate::model::Article;
use dom_smoothie::{Config, Readability, TextMode};

/// Deepest element nesting given to the Readability port. It walks the tree recursively and
/// in time growing with depth × size, so a page nested deeper (`<div>` × 20,000, real pages
/// stay under ~100) would overflow the stack or stall; such a page is read as plain text.
pub const MAX_DEPTH: usize = 256;

/// Extract the article body, title and date from an HTML page. A page nested deeper than
/// [`MAX_DEPTH`] is read by [`plain_text`] instead (all its text, no boilerplate removal). A
/// panic in the HTML parser is this page's [`Error::Internal`] (see [`crate::isolate`]).
pub fn article_from_html(source: &str, html: &str, url: Option<&str>) -> Result<Article> {
    crate::isolate::run(source, || read_html(source, html, url)).and_then(|r| r)
}

fn read_html(source: &str, html: &str, url: Option<&str>) -> Result<Article> {
    if nesting_depth(html) > MAX_DEPTH {
        return article_from_deep_html(source, html, url);
    }
    let cfg = Config { text_mode: TextMode::Formatted, ..Default::default() };
    let mut reader = Readability::new(html, url, Some(cfg))
        .map_err(|e| Error::input(source, format!("cannot parse HTML: {e}")))?;
    let parsed = reader
        .parse()
        .map_err(|e| Error::input(source, format!("no article text found in HTML: {e}")))?;
    let text = tidy(&parsed.text_content);
    if text.trim().is_empty() {
        return Err(Error::input(source, "no article text found in HTML"));
    }
    let title = Some(parsed.title.trim().to_string()).filter(|t| !t.is_empty());
    let date = parsed
        .published_time
        .as_deref()
        .and_then(super::normalise_date)
        .or_else(|| meta_date(html));
    // The page's own canonical address names the article better than the address it was
    // fetched from (tracking parameters, mirrors, AMP copies) and gives a saved file a URL.
    let url = canonical_url(html, url).or(url.map(str::to_string)).or(parsed.url.clone());
    super::article_from_text(source, &text, url, title, date)
}

/// The fallback for pages nested too deep for Readability: the page's text, tags dropped.
fn article_from_deep_html(source: &str, html: &str, url: Option<&str>) -> Result<Article> {
    let text = tidy(&plain_text(html));
    if text.trim().is_empty() {
        return Err(Error::input(source, format!("no article text found in HTML (nested over {MAX_DEPTH} elements deep, read as plain text)")));
    }
    static TITLE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let title_re = TITLE.get_or_init(|| regex::Regex::new(r"(?is)<title\b[^>]*>([^<]*)</title").expect("static regex"));
    let title = title_re
        .captures(html)
        .map(|c| decode_entities(&c[1]).split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    let url = canonical_url(html, url).or(url.map(str::to_string));
    super::article_from_text(source, &text, url, title, meta_date(html))
}

/// One piece of an HTML page, as [`Tags`] reads it.
#[derive(Debug, PartialEq, Eq)]
enum Piece<'a> {
    Text(&'a str),
    /// Start tag: lower-cased name, whether it closes itself (`<br/>`).
    Open(String, bool),
    Close(String),
}

/// Elements that never hold others, or whose end tag is optional and implied by the next
/// sibling (`<p>`, `<li>`, `<td>`): they do not deepen the tree as written.
const FLAT: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "rb", "rt",
    "rp", "html", "head", "body",
];

/// Elements whose content is raw text, not markup: skipped whole.
const RAW: &[&str] = &["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext", "template"];

/// A linear, non-recursive reader of tags and text, tolerant of any input (comments,
/// doctypes and raw-text content are skipped; a `<` that starts no tag is text).
struct Tags<'a> {
    html: &'a str,
    lower: String,
    at: usize,
}

impl<'a> Tags<'a> {
    fn new(html: &'a str) -> Tags<'a> {
        Tags { html, lower: html.to_ascii_lowercase(), at: 0 }
    }

    /// Position just after the next `pat` from `from`, or the end of the page.
    fn past(&self, from: usize, pat: &str) -> usize {
        self.lower.get(from..).and_then(|r| r.find(pat)).map_or(self.html.len(), |p| from + p + pat.len())
    }
}

impl<'a> Iterator for Tags<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        // A loop, not recursion, past comments and declarations: a page of 100,000 comments
        // must not nest calls.
        loop {
            let b = self.html.as_bytes();
            let start = self.at;
            if start >= b.len() {
                return None;
            }
            // Text up to the next `<` that starts a tag, comment or declaration.
            let mut i = start;
            let lt = loop {
                match self.html[i..].find('<') {
                    None => {
                        self.at = b.len();
                        return Some(Piece::Text(&self.html[start..]));
                    }
                    Some(p) => {
                        let lt = i + p;
                        let next = b.get(lt + 1).copied().unwrap_or(b' ');
                        if next.is_ascii_alphabetic() || matches!(next, b'/' | b'!' | b'?') {
                            break lt;
                        }
                        i = lt + 1;
                    }
                }
            };
            if lt > start {
                self.at = lt;
                return Some(Piece::Text(&self.html[start..lt]));
            }
            let rest = &self.lower[lt + 1..];
            if rest.starts_with("!--") {
                self.at = self.past(lt + 4, "-->");
                continue;
            }
            if rest.starts_with('!') || rest.starts_with('?') {
                self.at = self.past(lt + 1, ">");
                continue;
            }
            let closing = rest.starts_with('/');
            let name_from = lt + 1 + usize::from(closing);
            let name_len = self.lower[name_from..]
                .bytes()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b':' | b'_'))
                .count();
            let name = self.lower[name_from..name_from + name_len].to_string();
            let end = self.past(name_from, ">");
            self.at = end;
            if closing {
                return Some(Piece::Close(name));
            }
            let self_closing = self.html[..end].ends_with("/>");
            if RAW.contains(&name.as_str()) && !self_closing {
                self.at = self.past(end, &format!("</{name}"));
                self.at = self.past(self.at, ">");
            }
            return Some(Piece::Open(name, self_closing));
        }
    }
}

/// How deep the page's elements nest, as written (an estimate that never recurses: optional
/// end tags and void elements do not count, a stray end tag closes the innermost element).
pub fn nesting_depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    for piece in Tags::new(html) {
        match piece {
            Piece::Open(name, false) if !FLAT.contains(&name.as_str()) && !RAW.contains(&name.as_str()) => {
                depth += 1;
                max = max.max(depth);
            }
            Piece::Close(name) if !FLAT.contains(&name.as_str()) && !RAW.contains(&name.as_str()) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
    }
    max
}

/// All the text of a page, tags dropped, a line break at each block-level tag; linear time.
pub fn plain_text(html: &str) -> String {
    const BLOCK: &[&str] = &[
        "p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section", "article",
        "blockquote", "header", "footer", "ul", "ol", "dl", "dt", "dd", "pre", "hr", "main", "aside", "nav", "figure",
        "figcaption", "form",
    ];
    let mut out = String::with_capacity(html.len() / 2);
    for piece in Tags::new(html) {
        match piece {
            Piece::Text(t) => out.push_str(&decode_entities(t)),
            Piece::Open(name, _) | Piece::Close(name) if BLOCK.contains(&name.as_str()) => out.push('\n'),
            _ => {}
        }
    }
    out.lines().map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n")
}

/// The common named character references and all numeric ones; anything else stays as written.
fn decode_entities(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let end = rest.get(1..).and_then(|r| r.find(';')).filter(|&e| e <= 10).map(|e| e + 1);
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "mdash" => '—',
                "ndash" => '–',
                "rsquo" => '’',
                "lsquo" => '‘',
                "rdquo" => '”',
                "ldquo" => '“',
                _ => {
                    let n = name.strip_prefix('#')?;
                    let code = match n.strip_prefix(['x', 'X']) {
                        Some(h) => u32::from_str_radix(h, 16).ok()?,
                        None => n.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

/// Collapse the blank lines and indentation the formatter leaves; one paragraph per line.
fn tidy(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

/// `<link rel="canonical" href>`, else `<meta property="og:url" content>`, resolved against the
/// page's own address; only http(s) addresses count.
fn canonical_url(html: &str, base: Option<&str>) -> Option<String> {
    static RES: std::sync::OnceLock<[regex::Regex; 5]> = std::sync::OnceLock::new();
    let [tag, rel, og, href, content] = RES.get_or_init(|| {
        let value = |name: &str| format!(r#"(?is)[\s<]{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#);
        [
            regex::Regex::new(r"(?is)<(?:link|meta)\b[^>]*>").expect("static regex"),
            regex::Regex::new(r#"(?is)^<link\b.*\srel\s*=\s*["']?canonical["'\s>/]"#).expect("static regex"),
            regex::Regex::new(r#"(?is)^<meta\b.*\s(?:property|name)\s*=\s*["']?og:url["'\s>/]"#).expect("static regex"),
            regex::Regex::new(&value("href")).expect("static regex"),
            regex::Regex::new(&value("content")).expect("static regex"),
        ]
    });
    let attr = |t: &str, re: &regex::Regex| -> Option<String> {
        let c = re.captures(t)?;
        c.get(1).or(c.get(2)).or(c.get(3)).map(|m| m.as_str().trim().replace("&amp;", "&"))
    };
    let tags: Vec<&str> = tag.find_iter(html).map(|m| m.as_str()).collect();
    let found = tags
        .iter()
        .find(|t| rel.is_match(t))
        .and_then(|t| attr(t, href))
        .or_else(|| tags.iter().find(|t| og.is_match(t)).and_then(|t| attr(t, content)))?;
    let resolved = match base.and_then(|b| url::Url::parse(b).ok()) {
        Some(b) => b.join(&found).ok()?,
        None => url::Url::parse(&found).ok()?,
    };
    matches!(resolved.scheme(), "http" | "https").then(|| resolved.to_string())
}

/// Fallback for pages whose date sits in a meta tag Readability does not read.
fn meta_date(html: &str) -> Option<String> {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r#"(?i)<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|date|pubdate|publishdate|dc\.date|DC\.date\.issued|og:published_time)["'][^>]*content\s*=\s*["']([^"']+)["']"#,
        )
        .expect("static regex")
    });
    re.captures(html).and_then(|c| super::normalise_date(&c[1]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_main_text_title_and_date() {
        let html = r#"<!doctype html><html><head><title>Sanctions news</title>
<meta property="article:published_time" content="2024-06-12T09:00:00Z"></head>
<body><nav><a href="/">Home</a> <a href="/x">Menu</a></nav><article><h1>Sanctions news</h1>
<p>The United States imposed sanctions on Russian companies on Wednesday for supplying drones to the army. The measures freeze their assets.</p>
<p>Officials said the action targets networks that help Moscow evade export controls, and more designations would follow in the coming weeks.</p>
<p>The Treasury said the companies had shipped components through third countries including Turkey and the United Arab Emirates.</p>
</article><footer>Copyright</footer></body></html>"#;
        let a = article_from_html("page.html", html, None).unwrap();
        assert_eq!(a.date.as_deref(), Some("2024-06-12"));
        assert_eq!(a.title.as_deref(), Some("Sanctions news"));
        assert!(a.text.contains("The United States imposed sanctions"));
        assert!(!a.text.contains("Copyright"));
        assert_eq!(a.url, None);
        let with_link = html.replace("</head>", r#"<link rel="canonical" href="https://news.example/sanctions"></head>"#);
        let b = article_from_html("page.html", &with_link, None).unwrap();
        assert_eq!(b.url.as_deref(), Some("https://news.example/sanctions"));
        assert_ne!(a.id, b.id, "the canonical URL, not a content hash, names the article");
    }

    #[test]
    fn depth_counts_nesting_as_written() {
        assert_eq!(nesting_depth("<html><body><div><p>a<p>b</div><br><img src=x></body></html>"), 1);
        assert_eq!(nesting_depth(&"<div>".repeat(300)), 300);
        assert_eq!(nesting_depth(&"<div></div>".repeat(300)), 1);
        assert_eq!(nesting_depth("<script>'<div><div><div>'</script><!-- <div><div> --><div/>"), 0);
        assert_eq!(nesting_depth("a < b <3 <"), 0);
        assert_eq!(nesting_depth(&"<table><tr><td>".repeat(1000)), 1000);
    }

    #[test]
    fn plain_text_drops_tags_and_decodes() {
        let t = plain_text("<head><title>T</title><style>p{}</style></head><p>Russia &amp; Iran&#39;s <b>deal</b><br>Next &bogus; &#x41;");
        assert_eq!(t.lines().filter(|l| !l.is_empty()).collect::<Vec<_>>(), ["Russia & Iran's deal", "Next &bogus; A"]);
    }

    /// D6: a page nested 30,000 deep overflowed the stack in main-text extraction; it is now
    /// read as plain text, in linear time.
    #[test]
    fn deeply_nested_page_is_read_as_plain_text() {
        for (open, close) in [("<table><tr><td>", ""), ("<div>", "</div>")] {
            let html = format!(
                "<html><head><title>Deep</title></head><body>{}<p>The United States imposed sanctions on Iran.</p>{}</body></html>",
                open.repeat(30_000),
                close.repeat(30_000)
            );
            let t = std::time::Instant::now();
            let a = article_from_html("deep.html", &html, None).unwrap();
            assert_eq!(a.text, "The United States imposed sanctions on Iran.");
            assert_eq!(a.title.as_deref(), Some("Deep"));
            assert!(t.elapsed() < std::time::Duration::from_secs(5), "{:?}", t.elapsed());
        }
        let e = article_from_html("empty.html", &"<div>".repeat(1000), None).unwrap_err().to_string();
        assert!(e.starts_with("empty.html: no article text") && e.contains("nested over"), "{e}");
    }

    /// The hand-written tag reader on garbled pages: random splices of markup fragments and
    /// multi-byte text (a fixed seed, so a failure replays) never panic.
    #[test]
    fn tag_reader_survives_garbled_markup() {
        const BITS: &[&str] = &[
            "<", ">", "</", "/>", "<!--", "-->", "<!", "<?", "&", ";", "&#", "&#x", "&amp;", "&#xFFFFFFF;", "é", "北",
            "\"", "'", "<div>", "</div>", "<p>", "<script>", "</script", "<title>", "</title>", "<br/>", " ", "\n", "a",
            "<DIV class=\"x>y\">", "<td>", "<table", "&#128512;", "\u{feff}",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let n = (next() % 40) as usize;
            let page: String = (0..n).map(|_| BITS[(next() % BITS.len() as u64) as usize]).collect();
            let _ = nesting_depth(&page);
            let text = plain_text(&page);
            assert!(text.len() <= page.len() * 4 + 4, "{page:?}");
            let _ = decode_entities(&page);
        }
    }

    #[test]
    fn canonical_link_and_og_url_name_the_article() {
        let link = r#"<head><meta property="og:url" content="https://example.org/og">
<link href="https://example.org/news/a?x=1&amp;y=2" rel="canonical" /></head>"#;
        assert_eq!(canonical_url(link, None).as_deref(), Some("https://example.org/news/a?x=1&y=2"));
        let og = r#"<meta content='https://example.org/og' property='og:url'>"#;
        assert_eq!(canonical_url(og, None).as_deref(), Some("https://example.org/og"));
        let relative = r#"<link rel=canonical href="/news/b">"#;
        assert_eq!(canonical_url(relative, Some("https://example.org/x/y?utm=1")).as_deref(), Some("https://example.org/news/b"));
        assert_eq!(canonical_url(relative, None), None);
        assert_eq!(canonical_url(r#"<link rel="canonical" href="javascript:void(0)">"#, None), None);
        assert_eq!(canonical_url(r#"<link rel="stylesheet" href="https://example.org/s.css">"#, None), None);
    }
}
