//! Text stage: paragraphs, sentences and quotations, all as byte spans into the article text.
//!
//! Sentence splitting is rule-based (an abbreviation list from `data/`, initials and dotted
//! acronyms such as "U.S." are not ends) and never splits inside a quotation that closes in the
//! same paragraph, so a quote and its "he said" stay together.

use crate::model::Span;
use std::collections::HashSet;
use std::sync::OnceLock;

const ABBREVIATIONS: &str = include_str!("../../data/lexicon/abbreviations.txt");

fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        ABBREVIATIONS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

/// Words after a dotted acronym ("U.S.") that show a new sentence has started.
const STARTERS: &[&str] = &[
    "The", "This", "That", "These", "It", "He", "She", "They", "We", "In", "On", "But", "And", "A",
    "An", "Its", "His", "Her", "Their", "However", "Meanwhile", "Earlier", "Last", "According",
];

/// A sentence of the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sentence {
    pub span: Span,
    /// Index of the paragraph (line block) it belongs to.
    pub paragraph: usize,
}

/// Paragraph spans: maximal runs of non-empty lines are split at every newline, since news
/// text puts one paragraph per line.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            push_trimmed(text, start, i, &mut out);
            start = i + 1;
        }
    }
    push_trimmed(text, start, text.len(), &mut out);
    out
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail < s.len() && !is_link_line(s.trim()) {
        out.push(Span::new(start + lead, end - trail));
    }
}

const MONTHS: &[&str] = &[
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.",
    "Nov.", "Dec.",
];

/// A trailing "related articles" entry: "- Headline Words - October 26, 2024". Not article
/// content, so it is no paragraph at all.
pub fn is_link_line(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("• ")) else { return false };
    let Some((_, date)) = rest.rsplit_once(" - ").or_else(|| rest.rsplit_once(" – ")) else { return false };
    let words: Vec<&str> = date.split_whitespace().collect();
    words.len() == 3
        && MONTHS.contains(&words[0])
        && words[1].trim_end_matches(',').parse::<u8>().is_ok()
        && words[2].len() == 4
        && words[2].parse::<u16>().is_ok()
}

/// Quoted stretches of a paragraph: the span INSIDE the marks. Curly “…” pairs and straight
/// "…" pairs; an unclosed mark opens nothing.
pub fn quotations(text: &str, para: Span) -> Vec<Span> {
    let s = &text[para.start..para.end];
    let mut out = Vec::new();
    let mut open: Option<(usize, char)> = None;
    for (i, c) in s.char_indices() {
        match (open, c) {
            (None, '“') => open = Some((i + c.len_utf8(), '”')),
            (None, '"') => open = Some((i + 1, '"')),
            (Some((st, close)), c) if c == close => {
                out.push(Span::new(para.start + st, para.start + i));
                open = None;
            }
            // A new opening curly quote while one is open: the first was never closed.
            (Some((_, '”')), '“') => open = Some((i + c.len_utf8(), '”')),
            _ => {}
        }
    }
    out
}

/// A quotation opened in the paragraph and never closed: news style for a quotation that goes
/// on into the next paragraph (the closing mark comes only at its very end). Returns the byte
/// just after the opening mark; `None` when every mark is closed.
pub fn open_quote_tail(text: &str, para: Span) -> Option<usize> {
    let s = &text[para.start..para.end];
    let mut open: Option<(usize, char)> = None;
    for (i, c) in s.char_indices() {
        match (open, c) {
            (None, '“') => open = Some((i + c.len_utf8(), '”')),
            (None, '"') => open = Some((i + 1, '"')),
            (Some((_, close)), c) if c == close => open = None,
            (Some((_, '”')), '“') => open = Some((i + c.len_utf8(), '”')),
            _ => {}
        }
    }
    // Some words must follow the mark: a stray mark at the very end opens nothing.
    open.map(|(st, _)| para.start + st).filter(|&st| text[st..para.end].split_whitespace().count() >= 2)
}

/// Split the text into sentences.
pub fn sentences(text: &str) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (pi, para) in paragraphs(text).into_iter().enumerate() {
        let quotes = quotations(text, para);
        let bytes = text.as_bytes();
        let mut start = para.start;
        let mut i = para.start;
        while i < para.end {
            let c = bytes[i];
            if matches!(c, b'.' | b'!' | b'?') {
                // Extend over closing punctuation.
                let mut j = i + 1;
                while j < para.end {
                    let rest = &text[j..para.end];
                    let ch = rest.chars().next().unwrap_or(' ');
                    if matches!(ch, '”' | '"' | '’' | '\'' | ')' | ']' | '.' | '!' | '?') {
                        j += ch.len_utf8();
                    } else {
                        break;
                    }
                }
                if is_boundary(text, para, start, i, j, &quotes) {
                    push_trimmed_sentence(text, start, j, pi, &mut out);
                    start = j;
                }
                i = j;
                continue;
            }
            i += 1;
        }
        push_trimmed_sentence(text, start, para.end, pi, &mut out);
    }
    out
}

fn push_trimmed_sentence(text: &str, start: usize, end: usize, paragraph: usize, out: &mut Vec<Sentence>) {
    let mut v = Vec::new();
    push_trimmed(text, start, end, &mut v);
    if let Some(span) = v.pop() {
        out.push(Sentence { span, paragraph });
    }
}

/// Is `at` inside one of `quotes` (sorted, disjoint, as [`quotations`] gives them) that is
/// shorter than 800 bytes? A binary search: scanning every quote for every period made a
/// paragraph of many short quotes quadratic (`"A."` × 50,000, issue 14 D7).
fn in_short_quote(quotes: &[Span], at: usize) -> bool {
    let i = quotes.partition_point(|q| q.start <= at);
    i > 0 && at < quotes[i - 1].end && quotes[i - 1].end - quotes[i - 1].start < 800
}

fn is_boundary(text: &str, para: Span, start: usize, dot: usize, after: usize, quotes: &[Span]) -> bool {
    if after >= para.end {
        return false; // the paragraph end closes it anyway
    }
    // Inside a quotation that closes in this paragraph: keep together (unless the quote is long).
    if in_short_quote(quotes, dot) {
        return false;
    }
    let rest = &text[after..para.end];
    if !rest.starts_with(|c: char| c.is_whitespace()) {
        return false; // "3.5", "U.S.-made", "gov.uk"
    }
    let next = rest.trim_start();
    let Some(nc) = next.chars().next() else { return false };
    if !(nc.is_uppercase() || nc.is_ascii_digit() || matches!(nc, '“' | '"' | '‘' | '(' | '[' | '-' | '–' | '—')) {
        return false;
    }
    if text.as_bytes()[dot] != b'.' {
        return true;
    }
    // The token before the period.
    let before = &text[start..dot];
    let tok_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '“' | '"' | '‘'))
        .map(|p| p + before[p..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let tok = &before[tok_start..];
    if tok.is_empty() {
        return true;
    }
    let next_word: &str = next.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    if abbreviations().contains(tok) {
        return false;
    }
    let letters: Vec<char> = tok.chars().collect();
    // An initial: "Thea D. Rozman".
    if letters.len() == 1 && letters[0].is_uppercase() {
        return false;
    }
    // A dotted acronym: "U.S", "U.N", "L.G.B.T.Q".
    if tok.contains('.') && tok.split('.').all(|p| p.chars().count() <= 2 && p.chars().all(char::is_alphabetic)) {
        return STARTERS.contains(&next_word);
    }
    true
}

/// Fast non-cryptographic hashing for the word sets looked up per token.
pub use rustc_hash::{FxHashMap, FxHashSet};

/// A word token with its byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub span: Span,
}

impl Token<'_> {
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }
    /// Most tokens are ASCII: their lower case needs no Unicode tables.
    pub fn lower(&self) -> String {
        if self.text.is_ascii() { self.text.to_ascii_lowercase() } else { self.text.to_lowercase() }
    }
}

impl<'a> Token<'a> {
    /// The lower case, borrowed when the token already is lower-case ASCII.
    pub fn lower_cow(&self) -> std::borrow::Cow<'a, str> {
        let t: &'a str = self.text;
        if t.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) { std::borrow::Cow::Borrowed(t) } else { std::borrow::Cow::Owned(self.lower()) }
    }
}

/// A word without its possessive ending ("Putin's" → "Putin", also with ’).
pub fn unpossessed(w: &str) -> &str {
    w.strip_suffix("'s").or_else(|| w.strip_suffix("’s")).unwrap_or(w)
}

/// Word tokens of a span: letters/digits with inner apostrophes, hyphens and periods
/// ("Kim Jong-un", "U.S.", "Shahed-136", "don't"); punctuation is skipped.
pub fn tokens(text: &str, span: Span) -> Vec<Token<'_>> {
    let s = &text[span.start..span.end];
    let mut out = Vec::with_capacity(s.len() / 5 + 1);
    let mut cur: Option<usize> = None;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let inner = matches!(c, '\'' | '’' | '-' | '.' | '&')
            && cur.is_some()
            && it.peek().is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner || (c == '.' && cur.is_some() && is_acronym_tail(s, cur.unwrap_or(0), i)) {
            if cur.is_none() {
                cur = Some(i);
            }
        } else if let Some(st) = cur.take() {
            out.push(Token { text: &text[span.start + st..span.start + i], span: Span::new(span.start + st, span.start + i) });
        }
    }
    if let Some(st) = cur {
        out.push(Token { text: &text[span.start + st..span.end], span: Span::new(span.start + st, span.end) });
    }
    out
}

/// "U.S." keeps its final period: the token so far is single letters joined by periods.
fn is_acronym_tail(s: &str, start: usize, dot: usize) -> bool {
    let t = &s[start..dot];
    t.contains('.') && t.split('.').all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase))
}

/// The length in bytes of a news dateline at the start of a sentence ("SEOUL, Oct. 19 (Yonhap) --",
/// "WASHINGTON, November 1, 2024 - ", "KYIV (Reuters) — "): where the agency's words end and the
/// reported ones begin. 0 when there is none.
pub fn dateline_len(s: &str) -> usize {
    // A dateline opens with two capitals (or a capital and a mark): most sentences are ruled
    // out by their first two bytes, before the regex runs.
    let b = s.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_uppercase() || !(b[1].is_ascii_uppercase() || matches!(b[1], b'.' | b'\'' | b'-' | b' ')) {
        return 0;
    }
    static RE: OnceLock<Option<regex::Regex>> = OnceLock::new();
    let re = RE.get_or_init(|| {
        regex::Regex::new(
            r"^[A-Z][A-Z.'\- ]{1,30}(?:, [A-Z][A-Za-z.'\- ]{1,30})?(?:, [A-Z][a-z]{2,8}\.? \d{1,2}(?:, \d{4})?)?\s*(?:\([^)]{1,40}\))?\s*(?:--|[-–—])\s+",
        )
        .ok()
    });
    re.as_ref().and_then(|r| r.find(s)).map(|m| m.end()).unwrap_or(0)
}

/// Byte offset → character offset, for publishing offsets that any language can index with.
/// Counts from the start: for many offsets into one text use [`CharIndex`].
pub fn char_offset(text: &str, byte: usize) -> usize {
    count_chars(&text.as_bytes()[..byte.min(text.len())])
}

/// Characters in UTF-8 bytes: the bytes that are not continuation bytes (`10xxxxxx`).
fn count_chars(b: &[u8]) -> usize {
    b.iter().filter(|&&c| c & 0xC0 != 0x80).count()
}

/// Byte → character offsets for many look-ups into one text: the character count at every
/// [`CharIndex::BLOCK`] bytes, so a look-up scans at most one block instead of the text up to
/// it (counting from the start for every fact made a long article quadratic, issue 14 D7).
pub struct CharIndex<'a> {
    bytes: &'a [u8],
    /// `marks[k]`: characters in `bytes[..k * BLOCK]`.
    marks: Vec<usize>,
}

impl<'a> CharIndex<'a> {
    pub const BLOCK: usize = 1024;

    pub fn new(text: &'a str) -> CharIndex<'a> {
        let bytes = text.as_bytes();
        let mut marks = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let mut n = 0;
        marks.push(0);
        for block in bytes.chunks(Self::BLOCK) {
            n += count_chars(block);
            marks.push(n);
        }
        CharIndex { bytes, marks }
    }

    /// Same as [`char_offset`] on the indexed text.
    pub fn char_offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.bytes.len());
        let k = byte / Self::BLOCK;
        self.marks[k] + count_chars(&self.bytes[k * Self::BLOCK..byte])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_lookup_agrees_with_a_scan() {
        let text = "He said \"a. B\" and “c. D” then \"e\" f. \"".to_string() + &"x".repeat(900) + "\" g.";
        let quotes = quotations(&text, Span::new(0, text.len()));
        assert_eq!(quotes.len(), 4);
        for at in 0..=text.len() {
            let scan = quotes.iter().any(|q| q.start <= at && at < q.end && q.end - q.start < 800);
            assert_eq!(in_short_quote(&quotes, at), scan, "at {at}");
        }
    }

    /// D7: a paragraph of 200,000 short quotations took seconds to split (each period
    /// scanned every quotation); it is linear now. Generous bound: the scan took ~5 s here.
    #[test]
    fn many_quotations_split_in_linear_time() {
        let text = "\"A.\"".repeat(200_000);
        let t = std::time::Instant::now();
        assert_eq!(sentences(&text).len(), 1);
        assert!(t.elapsed() < std::time::Duration::from_secs(2), "{:?}", t.elapsed());
    }

    /// D7: character offsets for 200,000 facts in a 4 MB text (counting from the start for
    /// each took minutes); the index answers from one block.
    #[test]
    fn char_index_is_fast_on_a_long_text() {
        let text = "é".repeat(2 << 20);
        let ix = CharIndex::new(&text);
        let t = std::time::Instant::now();
        let mut sum = 0usize;
        for k in 0..200_000usize {
            sum = sum.wrapping_add(ix.char_offset((k * 7919 * 2) % text.len()));
        }
        assert!(sum > 0);
        assert!(t.elapsed() < std::time::Duration::from_secs(2), "{:?}", t.elapsed());
        assert_eq!(ix.char_offset(text.len()), 2 << 20);
    }

    #[test]
    fn char_index_agrees_with_counting() {
        let text = "Zürich — «ja» 北京 ".repeat(300);
        let ix = CharIndex::new(&text);
        for b in (0..=text.len() + 3).filter(|&b| b >= text.len() || text.is_char_boundary(b)) {
            assert_eq!(ix.char_offset(b), text[..b.min(text.len())].chars().count(), "byte {b}");
            assert_eq!(char_offset(&text, b), ix.char_offset(b));
        }
        assert_eq!(CharIndex::new("").char_offset(5), 0);
    }

    #[test]
    fn possessive_endings_and_borrowed_lower_case() {
        assert_eq!(unpossessed("Putin's"), "Putin");
        assert_eq!(unpossessed("Kallas’s"), "Kallas");
        assert_eq!(unpossessed("sanctions"), "sanctions");
        let t = Token { text: "sanctions", span: Span::new(0, 9) };
        assert!(matches!(t.lower_cow(), std::borrow::Cow::Borrowed("sanctions")));
        let t = Token { text: "Türkiye", span: Span::new(0, 8) };
        assert_eq!(t.lower_cow(), "türkiye");
        let t = Token { text: "OFAC", span: Span::new(0, 4) };
        assert_eq!(t.lower_cow(), "ofac");
    }

    #[test]
    fn datelines() {
        for (s, rest) in [
            ("SEOUL, Oct. 19 (Yonhap) -- Hanwha signed a deal.", "Hanwha signed a deal."),
            ("WASHINGTON, November 1, 2024 - The State Department approved it.", "The State Department approved it."),
            ("KYIV, Ukraine (AP) — Drones hit the city.", "Drones hit the city."),
            ("MOSCOW (Reuters) - Russia said so.", "Russia said so."),
            ("The UK - and France - agreed.", "The UK - and France - agreed."),
            ("North Korea sent shells.", "North Korea sent shells."),
        ] {
            assert_eq!(&s[dateline_len(s)..], rest, "{s}");
        }
    }

    fn split(t: &str) -> Vec<&str> {
        sentences(t).iter().map(|s| &t[s.span.start..s.span.end]).collect()
    }

    #[test]
    fn abbreviations_and_acronyms_do_not_end_sentences() {
        let t = "Mr. Smith met U.S. officials on Jan. 5 at the U.N. headquarters. He left.";
        assert_eq!(split(t), vec!["Mr. Smith met U.S. officials on Jan. 5 at the U.N. headquarters.", "He left."]);
    }

    #[test]
    fn acronym_then_new_sentence() {
        assert_eq!(split("Aid came from the U.S. The talks failed."), vec!["Aid came from the U.S.", "The talks failed."]);
    }

    #[test]
    fn initials_are_not_ends() {
        assert_eq!(split("Thea D. Rozman spoke. Then left."), vec!["Thea D. Rozman spoke.", "Then left."]);
    }

    #[test]
    fn quotations_stay_whole() {
        let t = "“We will act. We are ready,” said the minister. Others disagreed.";
        assert_eq!(split(t), vec!["“We will act. We are ready,” said the minister.", "Others disagreed."]);
    }

    #[test]
    fn newline_ends_sentence() {
        assert_eq!(split("First line\nSecond line."), vec!["First line", "Second line."]);
    }

    #[test]
    fn related_article_lines_are_not_paragraphs() {
        let t = "Body text here.\n- Some Other Story About Things - March 3, 2021\n";
        assert_eq!(paragraphs(t).len(), 1);
        assert!(!is_link_line("- a list item in the body"));
    }

    #[test]
    fn open_quotation_runs_to_the_paragraph_end() {
        let t = "He said: “We will not stop. The work goes on";
        let st = open_quote_tail(t, Span::new(0, t.len())).expect("open quote");
        assert_eq!(&t[st..], "We will not stop. The work goes on");
        let closed = "He said “we will not stop” today.";
        assert_eq!(open_quote_tail(closed, Span::new(0, closed.len())), None);
        let straight = "\"One. Two three,\" she said. \"Four five six";
        let st = open_quote_tail(straight, Span::new(0, straight.len())).expect("open straight quote");
        assert_eq!(&straight[st..], "Four five six");
    }

    #[test]
    fn quotation_spans() {
        let t = "He said “one two” and \"three\".";
        let q: Vec<&str> = quotations(t, Span::new(0, t.len())).iter().map(|s| &t[s.start..s.end]).collect();
        assert_eq!(q, vec!["one two", "three"]);
    }

    #[test]
    fn tokens_keep_acronyms_and_hyphens() {
        let t = "The U.S. sent Shahed-136 drones to Kim Jong-un's army.";
        let toks: Vec<&str> = tokens(t, Span::new(0, t.len())).iter().map(|t| t.text).collect();
        assert_eq!(toks, vec!["The", "U.S.", "sent", "Shahed-136", "drones", "to", "Kim", "Jong-un's", "army"]);
    }
}
