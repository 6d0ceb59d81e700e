//! SPARQL syntax errors as a person reads them: one line, the position as they wrote it, and
//! a short "expected …" instead of the grammar's full expected-set.
//!
//! Positions are the user's own because the predeclared prefixes are given to the parser
//! ([`evaluator`]), not prepended as text. spargebra keeps its `peg` error private and shows
//! it only as text ("error at L:C: expected one of …"), so that text is what we read.

use crate::rdf::vocab::PREFIXES;
use oxigraph::sparql::SparqlEvaluator;

/// A query or update the parser rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SyntaxError {
    /// One line: "unknown prefix `foo:` at … — known prefixes: …", "expected `}` at line L, column C …".
    pub message: String,
    /// 1-based line of the mistake in the text as given, when known.
    pub line: Option<usize>,
    /// 1-based column, in characters, when known.
    pub column: Option<usize>,
}

/// An evaluator that knows the predeclared prefixes (`rp:`, `wd:`, …).
pub fn evaluator() -> SparqlEvaluator {
    let mut evaluator = SparqlEvaluator::new();
    for &(prefix, namespace) in PREFIXES {
        // The built-in namespaces are valid IRIs; were one not, the prefix would merely be
        // unknown, and the error message would say so.
        if let Ok(e) = evaluator.clone().with_prefix(prefix, namespace) {
            evaluator = e;
        }
    }
    evaluator
}

/// Prefixes every query may use undeclared, as listed in messages.
pub fn predeclared() -> Vec<&'static str> {
    PREFIXES.iter().map(|(p, _)| *p).collect()
}

/// Describe a parser error on `text` (the query or update exactly as the user wrote it).
///
/// The grammar reads each keyword by taking as many characters as the keyword has, so its
/// "furthest failure" is often a keyword's length past the real mistake. Mistakes we can find
/// exactly by reading the text ourselves (an unknown prefix, an unclosed bracket or string)
/// are reported first; otherwise the grammar's position is corrected for the keyword it tried.
pub fn describe(text: &str, error: &dyn std::fmt::Display) -> SyntaxError {
    let raw = error.to_string();
    let Some((line, column, expected)) = parse_peg_message(&raw) else {
        // Not a grammar error (a bad base IRI, a shared blank node): already readable.
        return SyntaxError { message: one_line(&raw), line: None, column: None };
    };
    if text.trim().is_empty() {
        return SyntaxError { message: "the query is empty".into(), line: None, column: None };
    }
    let at = |offset: usize, message: String| {
        let (line, column) = line_column(text, offset);
        SyntaxError {
            message: message.replace("{pos}", &format!("line {line}, column {column}")),
            line: Some(line),
            column: Some(column),
        }
    };
    let lexed = lex(text);
    let declared: Vec<&str> = lexed.names.iter().filter(|n| n.declared).map(|n| n.prefix.as_str()).collect();
    let is_known = |p: &str| PREFIXES.iter().any(|(k, _)| *k == p) || declared.contains(&p);
    if let Some(u) = lexed.names.iter().find(|n| !n.declared && !is_known(&n.prefix)) {
        let mut known = predeclared();
        known.extend(declared.iter().filter(|d| !PREFIXES.iter().any(|(k, _)| k == *d)));
        let known: Vec<&str> = known.into_iter().map(|p| if p.is_empty() { "(empty)" } else { p }).collect();
        return at(u.offset, format!("unknown prefix `{}:` at {{pos}} — known prefixes: {}", u.prefix, known.join(", ")));
    }
    if let Some(offset) = lexed.unterminated_string {
        return at(offset, "unterminated string starting at {pos}".into());
    }
    if let Some((close, offset)) = lexed.unmatched_close {
        return at(offset, format!("unexpected `{close}` at {{pos}} (nothing to close)"));
    }
    let (offset, what, exact) = summarise(text, char_offset(text, line, column), &expected);
    let found = found_at(text, offset);
    // A bracket left open explains a failure at the end, or one the grammar cannot place.
    if let Some(&(open, _)) = lexed.open.last().filter(|_| found.is_none() || !exact) {
        let close = match open {
            '{' => '}',
            '(' => ')',
            _ => ']',
        };
        return at(text.trim_end().len(), format!("expected `{close}` at {{pos}} (found the end of the query)"));
    }
    if let Some(word) = found.as_deref().filter(|w| w.chars().all(|c| c.is_ascii_alphabetic())) {
        if let Some(keyword) = KEYWORDS.iter().find(|k| !k.eq_ignore_ascii_case(word) && near(k, word)) {
            return at(offset, format!("unknown keyword `{word}` at {{pos}} — did you mean `{keyword}`?"));
        }
    }
    let found = match found {
        Some(t) => format!("`{t}`"),
        None => "the end of the query".into(),
    };
    match what {
        Some(what) => at(offset, format!("expected {what} at {{pos}} (found {found})")),
        None => at(offset, format!("unexpected {found} at {{pos}}")),
    }
}

fn one_line(s: &str) -> String {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// "error at 3:12: expected one of A, B" → (3, 12, [A, B]).
fn parse_peg_message(raw: &str) -> Option<(usize, usize, Vec<String>)> {
    let rest = raw.strip_prefix("error at ")?;
    let (pos, rest) = rest.split_once(": expected ")?;
    let (line, column) = pos.split_once(':')?;
    let (line, column) = (line.trim().parse().ok()?, column.trim().parse().ok()?);
    let set = rest.strip_prefix("one of ").unwrap_or(rest);
    Some((line, column, split_expected(set)))
}

/// Split peg's expected-set on the ", " between items, not inside quotes or `[…]` classes.
fn split_expected(set: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut current = String::new();
    let (mut depth, mut quote, mut escaped) = (0i32, None::<char>, false);
    let mut chars = set.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            current.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' => depth += 1,
            ']' => depth -= 1,
            ',' if depth <= 0 && chars.peek() == Some(&' ') => {
                chars.next();
                items.push(std::mem::take(&mut current).trim().to_string());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    if !current.trim().is_empty() {
        items.push(current.trim().to_string());
    }
    items
}

/// Tokens of SPARQL 1.2 / RDF-star syntax: valid, but noise in a hint for SPARQL 1.1 users.
const NOISE: &[&str] = &["{|", "|}", "~", "<<", ">>", "<<(", ")>>"];

/// Built-in function names: when the grammar wants one of these, it wants an expression.
const FUNCTIONS: &[&str] = &["ABS", "BOUND", "COALESCE", "CONCAT", "IRI", "NOW", "REGEX", "STR", "STRLEN", "SUM", "isLITERAL", "isIRI"];

/// Keywords that may stand in a group where a triple pattern was expected.
const PATTERN_KEYWORDS: &[&str] = &["LATERAL", "SERVICE", "OPTIONAL", "MINUS", "GRAPH", "FILTER", "BIND", "VALUES"];

/// Keywords a misspelt word is compared with.
const KEYWORDS: &[&str] = &[
    "SELECT", "CONSTRUCT", "DESCRIBE", "ASK", "WHERE", "PREFIX", "DISTINCT", "REDUCED", "OPTIONAL", "FILTER", "UNION",
    "MINUS", "GRAPH", "VALUES", "BIND", "ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "FROM", "NAMED", "SERVICE",
];

/// Where the mistake is, and a short "what was expected" there: "`}`", "`.` or `}`",
/// "an expression", "a number", "a triple pattern or `}`"; and whether that position is exact.
fn summarise(text: &str, offset: usize, expected: &[String]) -> (usize, Option<String>, bool) {
    let quoted: Vec<&str> = expected
        .iter()
        .filter_map(|e| e.strip_prefix('"').and_then(|e| e.strip_suffix('"')))
        .filter(|t| !NOISE.contains(t))
        .collect();
    let classes: Vec<&str> = expected.iter().map(String::as_str).filter(|e| e.starts_with('[') && *e != "[_]").collect();
    let keywords: Vec<&str> = expected
        .iter()
        .map(String::as_str)
        .filter(|e| !e.is_empty() && e.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .collect();
    if !quoted.is_empty() || !classes.is_empty() {
        // Punctuation and character classes fail where they stand; keywords listed with
        // them were tried further back, so they are left out.
        let mut what: Vec<String> = quoted.iter().map(|t| format!("`{t}`")).collect();
        let digits = classes.iter().any(|c| c.contains("'0'..='9'") || c.contains("'0' ..= '9'"));
        let letters = classes.iter().any(|c| c.contains("'a'"));
        if digits && !letters {
            what.push("a number".into());
        }
        if what.is_empty() {
            what.push("a name".into());
        }
        what.truncate(6);
        return (offset, Some(or_list(&what)), true);
    }
    // Only keywords: each was read as a block of its own length ending here.
    let Some(shortest) = keywords.iter().map(|k| k.chars().count()).min() else {
        return (offset, None, false);
    };
    let start = back_chars(text, offset, shortest);
    let what = if keywords.iter().any(|k| FUNCTIONS.contains(k)) {
        "an expression".to_string()
    } else if keywords.iter().all(|k| PATTERN_KEYWORDS.contains(k)) {
        "a triple pattern or `}`".to_string()
    } else {
        let mut listed: Vec<String> = keywords.iter().filter(|k| k.chars().count() == shortest).map(|k| format!("`{k}`")).collect();
        listed.truncate(6);
        or_list(&listed)
    };
    (start, Some(what), false)
}

fn or_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => items.join(""),
    }
}

/// Edit distance at most 2 and under a third of the keyword (case-insensitive): "did you mean".
fn near(keyword: &str, word: &str) -> bool {
    let a: Vec<char> = keyword.to_ascii_uppercase().chars().collect();
    let b: Vec<char> = word.to_ascii_uppercase().chars().collect();
    if a.len().abs_diff(b.len()) > 2 || b.len() < 3 {
        return false;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    let d = row[b.len()];
    d <= 2 && d * 3 <= a.len()
}

/// Byte offset `n` characters before `offset`.
fn back_chars(text: &str, offset: usize, n: usize) -> usize {
    let before = text.get(..offset).unwrap_or(text);
    before.char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

/// Byte offset of a 1-based (line, character column) position.
fn char_offset(text: &str, line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    text[start..].char_indices().nth(column.saturating_sub(1)).map_or(text.len(), |(i, _)| start + i)
}

/// 1-based line and character column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    (before.matches('\n').count() + 1, before.chars().rev().take_while(|&c| c != '\n').count() + 1)
}

/// The token at `offset`, or `None` at the end of the text.
fn found_at(text: &str, offset: usize) -> Option<String> {
    let rest = text.get(offset..)?.trim_start();
    let first = rest.chars().next()?;
    let word: String = rest.chars().take_while(|&c| is_name_char(c) || c == ':' || c == '?' || c == '$').take(30).collect();
    Some(if word.is_empty() { first.to_string() } else { word })
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-' || c == '.'
}

/// Length in bytes of the leading run of `s` whose characters satisfy `f`.
fn take_while(s: &str, f: impl Fn(char) -> bool) -> usize {
    s.char_indices().find(|&(_, c)| !f(c)).map_or(s.len(), |(i, _)| i)
}

/// A prefixed name in the text: `rp:Sanction` has prefix "rp".
struct Name {
    prefix: String,
    offset: usize,
    /// Right after a `PREFIX` keyword: a declaration, not a use.
    declared: bool,
}

/// What a lexical pass over the text finds, skipping strings, IRIs and comments.
#[derive(Default)]
struct Lexed {
    names: Vec<Name>,
    /// Brackets still open at the end, with their offsets.
    open: Vec<(char, usize)>,
    /// The first closing bracket with no opening one (or the wrong one).
    unmatched_close: Option<(char, usize)>,
    unterminated_string: Option<usize>,
}

fn lex(text: &str) -> Lexed {
    let b = text.as_bytes();
    let mut out = Lexed::default();
    let mut i = 0;
    let mut after_prefix_keyword = false;
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => i += take_while(&text[i..], |c| c != '\n'),
            b'"' | b'\'' => {
                let start = i;
                let long = b[i..].starts_with(&[c, c, c]);
                i += if long { 3 } else { 1 };
                let mut closed = false;
                while i < b.len() {
                    if b[i] == b'\\' {
                        i += 1;
                        i += text[i..].chars().next().map_or(0, char::len_utf8);
                    } else if long && b[i..].starts_with(&[c, c, c]) {
                        i += 3;
                        closed = true;
                        break;
                    } else if !long && b[i] == c {
                        i += 1;
                        closed = true;
                        break;
                    } else if !long && b[i] == b'\n' {
                        break;
                    } else {
                        i += 1;
                    }
                }
                if !closed && out.unterminated_string.is_none() {
                    out.unterminated_string = Some(start);
                }
            }
            // An IRI has no blanks before its `>`; otherwise `<` is "less than".
            b'<' => match text[i + 1..].find(|ch: char| ch == '>' || ch.is_whitespace() || ch == '<' || ch == '"') {
                Some(j) if b[i + 1 + j] == b'>' => i += j + 2,
                _ => i += 1,
            },
            b'?' | b'$' | b'@' => i += 1 + take_while(&text[i + 1..], is_name_char),
            b'{' | b'(' | b'[' => {
                out.open.push((c as char, i));
                i += 1;
            }
            b'}' | b')' | b']' => {
                let wanted = match c {
                    b'}' => '{',
                    b')' => '(',
                    _ => '[',
                };
                match out.open.last() {
                    Some(&(open, _)) if open == wanted => {
                        out.open.pop();
                    }
                    _ if out.unmatched_close.is_none() => out.unmatched_close = Some((c as char, i)),
                    _ => {}
                }
                i += 1;
            }
            _ => {
                let ch = text[i..].chars().next().unwrap_or(' ');
                if !(ch.is_alphabetic() || ch == '_' || ch == ':') {
                    i += ch.len_utf8();
                    continue;
                }
                let start = i;
                i += take_while(&text[i..], is_name_char);
                if b.get(i) == Some(&b':') {
                    let prefix = text[start..i].to_string();
                    // The local part, which may itself hold colons.
                    i += 1 + take_while(&text[i + 1..], |c| is_name_char(c) || c == ':' || c == '%' || c == '\\');
                    if prefix != "_" {
                        out.names.push(Name { prefix, offset: start, declared: after_prefix_keyword });
                    }
                    after_prefix_keyword = false;
                } else {
                    after_prefix_keyword = text[start..i].eq_ignore_ascii_case("PREFIX");
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(q: &str) -> SyntaxError {
        match evaluator().parse_query(q) {
            Ok(_) => panic!("{q:?} parsed"),
            Err(e) => describe(q, &e),
        }
    }

    #[test]
    fn unknown_prefix_is_named_with_the_known_ones() {
        let e = error_of("SELECT ?x WHERE {\n  ?x foo:bar ?y }");
        assert_eq!(
            e.message,
            "unknown prefix `foo:` at line 2, column 6 — known prefixes: rp, rpid, wd, rdf, rdfs, owl, prov, xsd, skos"
        );
        assert_eq!((e.line, e.column), (Some(2), Some(6)));
    }

    #[test]
    fn declared_prefixes_count_as_known() {
        let e = error_of("PREFIX ex: <http://ex/>\nSELECT ?x WHERE { ?x ex:a ?y ; bad:b ?z }");
        assert!(e.message.starts_with("unknown prefix `bad:` at line 2, column 32 — known prefixes: rp,"), "{}", e.message);
        assert!(e.message.ends_with(", skos, ex"), "{}", e.message);
    }

    #[test]
    fn prefixes_in_strings_iris_and_comments_are_not_names() {
        let q = "SELECT ?x WHERE { # no: here\n ?x <http://a/b:c> \"zz:top\" ; nope:p ?y }";
        let e = error_of(q);
        assert!(e.message.starts_with("unknown prefix `nope:` at line 2, column 31"), "{}", e.message);
    }

    #[test]
    fn an_open_group_at_the_end_expects_its_bracket() {
        let e = error_of("SELECT ?x\nWHERE { ?x ?p ?y ");
        assert_eq!(e.message, "expected `}` at line 2, column 17 (found the end of the query)");
        assert_eq!((e.line, e.column), (Some(2), Some(17)));
    }

    #[test]
    fn positions_are_the_users_own_on_line_one() {
        // The grammar's own position would be 1:26, past the end; the pattern starts at 19.
        let e = error_of("SELECT ?s WHERE { ?s ?p }");
        assert_eq!(e.message, "expected a triple pattern or `}` at line 1, column 19 (found `?s`)");
    }

    #[test]
    fn a_missing_operand_wants_an_expression() {
        let e = error_of("SELECT ?x WHERE { ?x rp:a ?y . FILTER(?y = ) }");
        assert_eq!(e.message, "expected an expression at line 1, column 44 (found `)`)");
    }

    #[test]
    fn a_misspelt_keyword_gets_a_suggestion() {
        let e = error_of("SELEC ?x WHERE { ?x ?p ?y }");
        assert_eq!(e.message, "unknown keyword `SELEC` at line 1, column 1 — did you mean `SELECT`?");
    }

    #[test]
    fn brackets_and_strings_are_checked_exactly() {
        assert_eq!(error_of("ASK { ?s ?p \"open }").message, "unterminated string starting at line 1, column 13");
        assert_eq!(error_of("SELECT ?x WHERE { ?x ?p ?y . }}").message, "unexpected `}` at line 1, column 31 (nothing to close)");
        assert_eq!(error_of("SELECT (COUNT(?x) AS ?n WHERE {}").message, "expected `)` at line 1, column 25 (found `WHERE`)");
        assert_eq!(error_of("SELECT * WHERE { ?s ?p ?o } LIMIT x").message, "expected a number at line 1, column 35 (found `x`)");
        assert_eq!(error_of("SELECT ?x WHERE { ?x ?p ?y } ORDER ?x").message, "expected `BY` at line 1, column 36 (found `?x`)");
        assert_eq!(error_of("  ").message, "the query is empty");
    }

    #[test]
    fn every_message_is_one_short_line() {
        for q in ["SELECT * WHERE { ?s ?p ?o", "{", "SELECT ?x WHERE { ?x rp:p rp:q . ?x ?y }", "SELECT ?x WHERE { ?x ?p ?y } GROUP ?x", "ASK { ?s ?p 'é\\", "DESCRIBE"] {
            let e = error_of(q);
            assert!(!e.message.contains('\n') && e.message.chars().count() < 160, "{q:?}: {}", e.message);
            assert!(!e.message.contains("Prefix not found") && !e.message.contains("'\\u"), "{q:?}: {}", e.message);
        }
    }

    #[test]
    fn updates_are_described_too() {
        let u = "INSERT DATA { nope:a nope:b 1 }";
        let e = match evaluator().parse_update(u) {
            Ok(_) => panic!("parsed"),
            Err(e) => describe(u, &e),
        };
        assert!(e.message.starts_with("unknown prefix `nope:` at line 1, column 15"), "{}", e.message);
    }

    #[test]
    fn expected_sets_split_on_items_only() {
        assert_eq!(split_expected(r#"",", ".", ['a' ..= 'z' | ','], ABS"#), [r#"",""#, r#"".""#, "['a' ..= 'z' | ',']", "ABS"]);
    }

    #[test]
    fn keywords_near_misses() {
        assert!(near("SELECT", "SELEC") && near("WHERE", "WHRE") && near("OPTIONAL", "OPTINAL"));
        assert!(!near("ASK", "AS") && !near("SELECT", "DELETE") && !near("BIND", "BY"));
    }
}

/// Deepest nesting of `{`, `(` and `[` a query or update may have. The parser and the
/// evaluator recurse once per level, and a few thousand levels overflow a thread's stack
/// (an abort, not an error: issue 14, D1); real queries stay far below this.
pub const MAX_NESTING: usize = 128;

/// Most groups and operators (`{`, UNION, OPTIONAL, MINUS, `||`, `&&`, arithmetic, comparison,
/// path `/` and `|`) one query may hold. A chain of them, though flat in the text, becomes a
/// tree as deep as the chain is long, and building, optimising and dropping that tree recurse
/// (some 2 KB of stack per link): 10,000 UNIONs overflow an 8 MB stack.
pub const MAX_OPERATORS: usize = 2_000;

/// Refuse text nested deeper than [`MAX_NESTING`], or with more than [`MAX_OPERATORS`],
/// before any recursive parser sees it. A linear scan that skips strings, IRIs, comments,
/// variables and names, so what they hold does not count.
pub fn check_nesting(text: &str) -> Result<(), SyntaxError> {
    let b = text.as_bytes();
    let (mut i, mut depth, mut line, mut line_start) = (0usize, 0usize, 1usize, 0usize);
    let mut operators = 0usize;
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b':' | b'.') || c >= 0x80;
    while i < b.len() {
        if operators > MAX_OPERATORS {
            return Err(SyntaxError {
                message: format!(
                    "more than {MAX_OPERATORS} groups and operators (UNION, OPTIONAL, ||, +, …); split the query"
                ),
                line: None,
                column: None,
            });
        }
        match b[i] {
            b'?' | b'$' | b'@' => {
                i += 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'-') || b[i] >= 0x80) {
                    i += 1;
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => {
                let start = i;
                while i < b.len() && name_byte(b[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                if ["UNION", "OPTIONAL", "MINUS"].iter().any(|k| word.eq_ignore_ascii_case(k)) {
                    operators += 1;
                }
            }
            b'|' | b'&' | b'/' | b'*' | b'+' | b'-' | b'=' | b'>' | b'!' | b'^' => {
                operators += 1;
                i += 1;
            }
            b'\n' => {
                line += 1;
                line_start = i + 1;
                i += 1;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                if b[i..].starts_with(&[q, q, q]) {
                    i += 3;
                    while i < b.len() && !b[i..].starts_with(&[q, q, q]) {
                        if b[i] == b'\n' {
                            line += 1;
                            line_start = i + 1;
                        }
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 3;
                } else {
                    i += 1;
                    while i < b.len() && b[i] != q && b[i] != b'\n' {
                        i += if b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
            }
            b'<' => {
                // An IRI if a '>' closes it before a character IRIs cannot hold; else less-than.
                let mut j = i + 1;
                while j < b.len() && b[j] != b'>' && b[j] > 0x20 && !b"<\"{}|^`".contains(&b[j]) {
                    j += 1;
                }
                if j < b.len() && b[j] == b'>' {
                    i = j + 1;
                } else {
                    operators += 1;
                    i += 1;
                }
            }
            c @ (b'{' | b'(' | b'[') => {
                operators += usize::from(c == b'{');
                depth += 1;
                if depth > MAX_NESTING {
                    let column = text.get(line_start..i).map_or(0, |s| s.chars().count()) + 1;
                    return Err(SyntaxError {
                        message: format!(
                            "nested more than {MAX_NESTING} levels deep (brackets, braces, parentheses) at line {line}, column {column}; flatten the query"
                        ),
                        line: Some(line),
                        column: Some(column),
                    });
                }
                i += 1;
            }
            b'}' | b')' | b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

#[cfg(test)]
mod nesting_tests {
    use super::{MAX_NESTING, MAX_OPERATORS, check_nesting};

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("SELECT * WHERE {{{}?s ?p ?o{}}}", "{".repeat(10_000), "}".repeat(10_000));
        let e = check_nesting(&deep).unwrap_err();
        assert!(e.message.contains(&format!("nested more than {MAX_NESTING} levels")), "{e}");
        let ok = format!("SELECT * WHERE {{{}?s ?p ?o{}}}", "{".repeat(50), "}".repeat(50));
        assert!(check_nesting(&ok).is_ok());
        // Brackets in strings, IRIs and comments do not count.
        let quoted = format!("SELECT * WHERE {{ ?s ?p \"{}\" }} # {}", "{".repeat(500), "(".repeat(500));
        assert!(check_nesting(&quoted).is_ok());
        assert!(check_nesting(&format!("SELECT * WHERE {{ ?s ?p ({}) }}", "(".repeat(200))).is_err());
    }

    #[test]
    fn long_operator_chains_are_refused() {
        let unions = format!("SELECT * WHERE {{ {{?s ?p ?o}} {} }}", "UNION {?s ?p ?o} ".repeat(10_000));
        assert!(check_nesting(&unions).unwrap_err().message.contains(&MAX_OPERATORS.to_string()));
        let ors = format!("SELECT * WHERE {{ ?s ?p ?o FILTER(?o {}) }}", "|| ?s ".repeat(10_000));
        assert!(check_nesting(&ors).is_err());
        let names = format!("SELECT * WHERE {{ ?s rp:a-b-c ?union ; <http://x/a-b/c> \"{}\" }}", "-".repeat(9_000));
        assert!(check_nesting(&names).is_ok(), "hyphens in names, IRIs and strings are not operators");
    }
}
