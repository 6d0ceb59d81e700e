//! HTML articles: main text by a Readability port (dom_smoothie), title and publication date
//! from meta tags / JSON-LD.

use crate::error::{Error, Result};
use crate::model::Article;
use dom_smoothie::{Config, Readability, TextMode};

/// Extract the article body, title and date from an HTML page.
pub fn article_from_html(source: &str, html: &str, url: Option<&str>) -> Result<Article> {
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
