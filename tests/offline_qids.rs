//! Every Wikidata QID bundled for offline linking must be backed by independent evidence:
//! - QIDs in data/gazetteer/gov_bodies.tsv, data/gazetteer/organisations.tsv,
//!   data/wikidata/former_states.tsv and data/lexicon/weapons.tsv appear in
//!   data/wikidata/linking_reference.tsv with a label that matches the row's name or one of its
//!   aliases (for a weapon term, the named system it stands for: its `canonical` cell);
//! - one QID names one entity: rows sharing a QID share their name (weapons: their canonical);
//! - QIDs in data/wikidata/states.tsv agree with data/wikidata/reference/states_reference.tsv by
//!   ISO 3166-1 alpha-2 (where the reference lists several QIDs for a state, any of them).
//!
//! A label matches when, compared case-insensitively with diacritics, punctuation, hyphens and
//! a leading "the" ignored and "United States" read as "U.S.", it equals the name or an alias; a reference label written as
//! "A (B)", "A / B" or "A - B" offers A and B separately; and a reference label in capitals
//! (an acronym such as "PAP") also matches a name whose initials it is ("Polska Agencja
//! Prasowa").

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// QIDs known not to be confirmable yet, each with the reason; reported, not failed. An entry
/// that becomes confirmable, or whose QID leaves the tables, fails the test so the list stays
/// true. Keep it short: each entry is a question for the table's owner.
const PENDING: &[(&str, &str)] = &[(
    "Q629733",
    "RBC: the source (news-outlet register pinned by official website rbc.ru) gives the label \
     \"RBC Information Systems\", which is not among the row's name/aliases",
)];

struct Table {
    file: String,
    header: Vec<String>,
    rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    fn read(rel: &str) -> Table {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut header = None;
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let cells: Vec<String> = line.split('\t').map(str::to_string).collect();
            if header.is_none() {
                header = Some(cells);
            } else {
                rows.push((i + 1, cells));
            }
        }
        Table { file: rel.to_string(), header: header.unwrap_or_else(|| panic!("{rel}: no header")), rows }
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn get<'a>(&self, row: &'a [String], name: &str) -> &'a str {
        self.col(name).and_then(|i| row.get(i)).map(|s| s.trim()).unwrap_or("")
    }
}

fn is_qid(s: &str) -> bool {
    s.len() > 1 && s.starts_with('Q') && !s[1..].starts_with('0') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

fn norm(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' => 'e',
            'í' | 'ì' | 'î' | 'ï' | 'ı' | 'İ' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ö' => 'o',
            'ú' | 'ù' | 'û' | 'ü' | 'Ü' => 'u',
            'ç' | 'č' | 'Ç' | 'Č' => 'c',
            'ş' | 'š' | 'Ş' | 'Š' => 's',
            'ğ' => 'g',
            'ñ' => 'n',
            'ž' | 'Ž' => 'z',
            '-' | '‐' | '–' | '—' | '/' => ' ',
            '.' | ',' | '\'' | '’' | '"' | '(' | ')' => continue,
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    let out = out.strip_prefix("the ").map(str::to_string).unwrap_or(out);
    // "United States Senate" and "U.S. Senate" (already "us senate") name the same body.
    match out.strip_prefix("united states ") {
        Some(rest) => format!("us {rest}"),
        None => out,
    }
}

/// The forms a reference label offers: itself, and the parts of "A (B)", "A / B", "A - B".
fn label_forms(label: &str) -> Vec<String> {
    let mut forms = vec![label.to_string()];
    if let Some((a, b)) = label.split_once(" (") {
        forms.push(a.to_string());
        forms.push(b.trim_end_matches(')').to_string());
    }
    for sep in [" / ", " - "] {
        if let Some((a, b)) = label.split_once(sep) {
            forms.push(a.to_string());
            forms.push(b.to_string());
        }
    }
    forms
}

fn initials(name: &str) -> String {
    name.split(|c: char| c.is_whitespace() || c == '-')
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_uppercase)
        .collect()
}

fn label_matches(label: &str, names: &[String]) -> bool {
    label_forms(label).iter().any(|form| {
        let f = norm(form);
        let acronym = form.len() >= 2 && form.chars().all(|c| c.is_ascii_uppercase());
        names.iter().any(|n| norm(n) == f || (acronym && initials(n) == *form))
    })
}

fn reference() -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let t = Table::read("data/wikidata/linking_reference.tsv");
    assert_eq!(t.header, ["qid", "label", "source"], "{}: header", t.file);
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (line, row) in &t.rows {
        let (qid, label, source) = (t.get(row, "qid"), t.get(row, "label"), t.get(row, "source"));
        if row.len() != 3 || !is_qid(qid) || label.is_empty() || source.is_empty() {
            problems.push(format!("{}:{line}: malformed row {row:?}", t.file));
            continue;
        }
        let labels = map.entry(qid.to_string()).or_default();
        if labels.iter().any(|l| l == label) {
            problems.push(format!("{}:{line}: duplicate row {qid} {label:?}", t.file));
        }
        labels.push(label.to_string());
    }
    (map, problems)
}

#[test]
fn bundled_table_qids_are_backed_by_the_reference() {
    let (reference, mut problems) = reference();
    let pending: HashMap<&str, &str> = PENDING.iter().copied().collect();
    let mut seen_pending = Vec::new();
    let mut checked = 0;
    // QID -> (file, name) of its first use, to catch one QID given to two entities.
    let mut owners: HashMap<String, (String, String)> = HashMap::new();
    for (rel, name_col, alias_col) in [
        ("data/gazetteer/gov_bodies.tsv", "name", Some("aliases")),
        ("data/gazetteer/organisations.tsv", "name", Some("aliases")),
        ("data/wikidata/former_states.tsv", "name", Some("aliases")),
        ("data/lexicon/weapons.tsv", "canonical", None),
    ] {
        let t = Table::read(rel);
        assert!(t.col("qid").is_some(), "{rel}: no qid column");
        assert!(t.col("source").is_some(), "{rel}: no source column");
        for (line, row) in &t.rows {
            let qid = t.get(row, "qid");
            if qid.is_empty() {
                continue;
            }
            checked += 1;
            let name = t.get(row, name_col).to_string();
            if name.is_empty() {
                problems.push(format!("{rel}:{line}: qid {qid} without a {name_col} cell"));
                continue;
            }
            let at = format!("{rel}:{line} {name:?} {qid}");
            if !is_qid(qid) {
                problems.push(format!("{at}: not a QID"));
                continue;
            }
            if t.get(row, "source").is_empty() {
                problems.push(format!("{at}: qid without a source"));
            }
            if let Some((f, n)) = owners.get(qid) {
                if norm(n) != norm(&name) {
                    problems.push(format!("{at}: same QID as {n:?} in {f}"));
                }
            } else {
                owners.insert(qid.to_string(), (rel.to_string(), name.clone()));
            }
            let mut names = vec![name.clone()];
            if let Some(c) = alias_col {
                names.extend(t.get(row, c).split('|').map(str::trim).filter(|a| !a.is_empty()).map(str::to_string));
            }
            let ok = match reference.get(qid) {
                None => Err("not in data/wikidata/linking_reference.tsv".to_string()),
                Some(labels) if labels.iter().any(|l| label_matches(l, &names)) => Ok(()),
                Some(labels) => Err(format!("reference labels {labels:?} match neither the name nor an alias")),
            };
            match (ok, pending.get(qid)) {
                (Ok(()), None) => {}
                (Ok(()), Some(_)) => problems.push(format!("{at}: confirmed now, remove it from PENDING in tests/offline_qids.rs")),
                (Err(_), Some(reason)) => seen_pending.push(format!("{at}: {reason}")),
                (Err(e), None) => problems.push(format!("{at}: {e}")),
            }
        }
    }
    for (qid, _) in PENDING {
        if !owners.contains_key(*qid) {
            problems.push(format!("PENDING lists {qid}, which no table uses any more: remove it"));
        }
    }
    for p in &seen_pending {
        eprintln!("pending (not confirmable yet): {p}");
    }
    assert!(problems.is_empty(), "{} of {checked} table QIDs fail:\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn state_qids_agree_with_the_states_reference() {
    let reference = Table::read("data/wikidata/reference/states_reference.tsv");
    let mut by_iso2: HashMap<String, Vec<String>> = HashMap::new();
    for (_, row) in &reference.rows {
        by_iso2.entry(reference.get(row, "iso2").to_string()).or_default().push(reference.get(row, "qid").to_string());
    }
    let states = Table::read("data/wikidata/states.tsv");
    let mut problems = Vec::new();
    let mut agree = 0;
    for (line, row) in &states.rows {
        let (qid, iso2, name) = (states.get(row, "qid"), states.get(row, "iso2"), states.get(row, "name"));
        match by_iso2.get(iso2) {
            None => problems.push(format!("states.tsv:{line} {name} ({iso2}): no reference row")),
            Some(qids) if qids.iter().any(|q| q == qid) => agree += 1,
            Some(qids) => problems.push(format!("states.tsv:{line} {name} ({iso2}): {qid}, reference has {qids:?}")),
        }
    }
    assert!(agree >= 190, "only {agree} states checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn label_matching_rule() {
    let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(label_matches("The Kyiv Independent", &names(&["Kyiv Independent"])));
    assert!(label_matches("RTX (Raytheon Technologies)", &names(&["RTX Corporation", "Raytheon Technologies"])));
    assert!(label_matches("US DOD - Department of Defense", &names(&["Pentagon", "Department of Defense"])));
    assert!(label_matches("PAP", &names(&["Polish Press Agency", "Polska Agencja Prasowa"])));
    assert!(label_matches("AFP", &names(&["Agence France-Presse"])));
    assert!(label_matches("Česká zbrojovka", &names(&["Ceska zbrojovka"])));
    assert!(label_matches("United States House of Representatives", &names(&["U.S. House of Representatives"])));
    assert!(!label_matches("RBC Information Systems", &names(&["RBC", "RBK"])));
    assert!(!label_matches("Thales", &names(&["Thales Alenia Space"])));
    assert!(!label_matches("Intel", &names(&["Intelsat"])));
}
