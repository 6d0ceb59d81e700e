//! One event, many reports: the facts of different articles that report the same real-world
//! event (the same sanction told by five outlets) are linked to one `rp:ReportedEvent` node,
//! with an `rp:report` link to each fact, in one named graph ([`EVENTS_GRAPH`]).
//!
//! The graph is recomputed from the facts in the store after every ingest ([`refresh`]), by a
//! deterministic rule ([`cluster`]): facts are blocked by type and imposers, suppliers or
//! speaker (parties as states where the actor belongs to one, so "OFAC" and "the United States"
//! are one imposer), and within a block two facts are the same event when they share a target
//! or recipient, their measure (or weapon category and status, or quote) is compatible and
//! their dates lie within [`WINDOW_DAYS`] of each other; taken in date order, a fact joins the
//! first event whose first report it matches. The graph is written only when it changed, so re-ingesting
//! leaves it byte-identical.
//!
//! Cost: the whole store's facts are read and clustered on each refresh (linear in the facts,
//! plus the pairs within a window of one block); see README ("One event, many reports").

use crate::error::{Error, Result};
use crate::rdf::vocab::{ID, OWL_SAME_AS, PROV_DERIVED, RDF_TYPE, rp};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{GraphName, GraphNameRef, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxigraph::store::Store;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};

/// Named graph holding the reported events (computed, never written by an article).
pub const EVENTS_GRAPH: &str = "https://w3id.org/realpolitik/id/events";

/// How far apart (in days, between the date intervals) two reports of one event may be dated.
pub const WINDOW_DAYS: i64 = 30;

/// The kinds of fact that are merged into events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum, serde::Serialize)]
pub enum Kind {
    Sanction,
    Transfer,
    Statement,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Sanction, Kind::Transfer, Kind::Statement];

    /// Local name of the fact class in the ontology.
    pub fn class(self) -> &'static str {
        match self {
            Kind::Sanction => "Sanction",
            Kind::Transfer => "WeaponTransfer",
            Kind::Statement => "Statement",
        }
    }

    /// The word used in fact and event IRIs.
    pub fn slug(self) -> &'static str {
        match self {
            Kind::Sanction => "sanction",
            Kind::Transfer => "transfer",
            Kind::Statement => "statement",
        }
    }
}

/// One fact as the merging sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The fact's IRI.
    pub fact: String,
    pub kind: Kind,
    /// IRI of the article it comes from.
    pub article: String,
    /// Imposers, suppliers or the speaker (as states where they belong to one), sorted.
    pub by: Vec<String>,
    /// Targets or recipients (as states where they belong to one), sorted; empty for statements.
    pub to: Vec<String>,
    /// Measure (local name), weapon category (local name), or the quote in lower case.
    pub what: String,
    /// Transfer status.
    pub status: Option<String>,
    /// `rp:eventDate` and `rp:datePrecision`.
    pub date: Option<(String, String)>,
    /// The article's `rp:published` date, the fallback when the sentence gives no date.
    pub published: Option<String>,
}

impl Report {
    /// Whether the sentence dates the event only by month or year.
    fn coarse(&self) -> bool {
        self.date.as_ref().is_some_and(|(_, p)| p == "month" || p == "year")
    }

    /// The days the event may have happened on: the date phrase's whole month or year, or,
    /// when the sentence gives no date, the day the article was published.
    pub fn interval(&self) -> Option<(i64, i64)> {
        if let Some((d, p)) = &self.date {
            let (y, m, day) = parse_date(d)?;
            let start = days_from_civil(y, m, day);
            return Some(match p.as_str() {
                "week" => (start, start + 6),
                "month" => (days_from_civil(y, m, 1), days_from_civil(y, m, 1) + days_in_month(y, m) - 1),
                "year" => (days_from_civil(y, 1, 1), days_from_civil(y, 12, 31)),
                _ => (start, start),
            });
        }
        let (y, m, d) = parse_date(self.published.as_deref()?)?;
        let p = days_from_civil(y, m, d);
        Some((p, p))
    }
}

/// Whether two measures, categories or statuses can describe one event: equal, or one of them
/// is the unspecific "sanctions" / "weapons" that any more precise wording may refine.
fn compatible_what(kind: Kind, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match kind {
        Kind::Sanction => a == "OtherMeasure" || b == "OtherMeasure",
        Kind::Transfer => a == "Other" || b == "Other",
        // One report may quote more of the same words than another.
        Kind::Statement => !a.is_empty() && !b.is_empty() && (a.contains(b) || b.contains(a)),
    }
}

/// A deal (agreed, planned), a delivery (delivered, ongoing) and an interception are different
/// events of one relationship; an allegation may be a report of any of the first two.
fn compatible_status(a: Option<&str>, b: Option<&str>) -> bool {
    fn stage(s: &str) -> u8 {
        match s {
            "agreed" | "planned" => 1,
            "delivered" | "ongoing" => 2,
            "intercepted" => 3,
            _ => 0,
        }
    }
    match (a, b) {
        (Some(a), Some(b)) => {
            let (x, y) = (stage(a), stage(b));
            x == y || (x == 0 && y != 3) || (y == 0 && x != 3)
        }
        _ => true,
    }
}

/// Whether two reports of one block (same type, same imposers, suppliers or speaker) are
/// reports of one event.
fn same_event(a: &Report, b: &Report, ia: (i64, i64), ib: (i64, i64)) -> bool {
    // One outlet names the Russian and North Korean targets, another only the Russian ones.
    let shared_target = a.to.iter().any(|t| b.to.binary_search(t).is_ok()) || (a.to.is_empty() && b.to.is_empty());
    if !shared_target {
        return false;
    }
    if a.article == b.article {
        // Two facts of one article are one event only when the article repeats itself exactly
        // (a headline and its first paragraph); otherwise it reports two acts.
        return a.what == b.what && a.status == b.status && a.date == b.date;
    }
    let gap = (ib.0 - ia.1).max(ia.0 - ib.1);
    // The window allows for the lag between an event and a report dated by a day (or only by
    // its publication); two whole months or years that do not overlap are different periods.
    let window = if a.coarse() && b.coarse() { 0 } else { WINDOW_DAYS };
    gap <= window && compatible_what(a.kind, &a.what, &b.what) && compatible_status(a.status.as_deref(), b.status.as_deref())
}

/// Group reports into events: a list of events, each the indices of its reports, first report
/// first (earliest date, then IRI). Deterministic: the same reports in any order give the same
/// groups. A report with no date at all (neither the sentence nor the article dates it) is an
/// event of its own: nothing says which of the block's events it belongs to.
pub fn cluster(reports: &[Report]) -> Vec<Vec<usize>> {
    let mut blocks: BTreeMap<(Kind, &[String]), Vec<usize>> = BTreeMap::new();
    for (i, r) in reports.iter().enumerate() {
        blocks.entry((r.kind, &r.by[..])).or_default().push(i);
    }
    let intervals: Vec<Option<(i64, i64)>> = reports.iter().map(Report::interval).collect();
    let order = |&i: &usize| (intervals[i].map_or(i64::MAX, |x| x.0), reports[i].fact.clone());
    let mut events = Vec::new();
    for (_, mut members) in blocks {
        members.sort_by_key(order);
        // Leader clustering in date order: a report joins the first event whose first report
        // it matches, else starts one. Comparing with the first report only (not with any
        // member) keeps an event within one window: linking any pair would chain a year of
        // near-daily "US sanctions Russia" reports into one event.
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut active: Vec<usize> = Vec::new();
        for &m in &members {
            let Some(im) = intervals[m] else {
                groups.push(vec![m]);
                continue;
            };
            active.retain(|&g| intervals[groups[g][0]].is_some_and(|ig| ig.1 + WINDOW_DAYS >= im.0));
            let joined = active.iter().copied().find(|&g| {
                let lead = groups[g][0];
                intervals[lead].is_some_and(|il| same_event(&reports[lead], &reports[m], il, im))
            });
            match joined {
                Some(g) => groups[g].push(m),
                None => {
                    active.push(groups.len());
                    groups.push(vec![m]);
                }
            }
        }
        events.extend(groups);
    }
    events.sort_by_key(|g| order(&g[0]));
    events
}

/// IRI of an event: named after its first report, so it stays when later reports join.
pub fn event_iri(kind: Kind, first_fact: &str) -> NamedNode {
    let h = Sha256::digest(first_fact.as_bytes());
    let hex: String = h.iter().take(8).map(|b| format!("{b:02x}")).collect();
    NamedNode::new_unchecked(format!("{ID}event/{}/{hex}", kind.slug()))
}

/// The quads of the events graph (sorted).
pub fn event_quads(reports: &[Report], events: &[Vec<usize>]) -> Vec<Quad> {
    let g = GraphName::NamedNode(NamedNode::new_unchecked(EVENTS_GRAPH));
    let mut quads = Vec::new();
    let nn = |s: String| NamedNode::new_unchecked(s);
    for members in events {
        let first = &reports[members[0]];
        let e = NamedOrBlankNode::NamedNode(event_iri(first.kind, &first.fact));
        let mut add = |p: &str, o: Term| quads.push(Quad::new(e.clone(), nn(p.to_string()), o, g.clone()));
        add(RDF_TYPE, nn(rp("ReportedEvent")).into());
        add(&rp("eventType"), nn(rp(first.kind.class())).into());
        add(&rp("reportCount"), Literal::new_typed_literal(members.len().to_string(), xsd::INTEGER).into());
        for &m in members {
            add(&rp("report"), nn(reports[m].fact.clone()).into());
        }
        let dates: Vec<&str> = members.iter().filter_map(|&m| reports[m].date.as_ref().map(|d| d.0.as_str())).collect();
        if let (Some(lo), Some(hi)) = (dates.iter().min(), dates.iter().max()) {
            add(&rp("earliestDate"), Literal::new_typed_literal(*lo, xsd::DATE).into());
            add(&rp("latestDate"), Literal::new_typed_literal(*hi, xsd::DATE).into());
        }
    }
    crate::rdf::sort_quads(&mut quads);
    quads
}

/// What a refresh found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    /// Facts read.
    pub reports: usize,
    /// Events (each fact is in exactly one).
    pub events: usize,
    /// Events with more than one report.
    pub merged: usize,
    /// Whether the graph had to be rewritten.
    pub changed: bool,
}

/// Recompute the events graph from the facts in the store, and replace it in one transaction
/// if it differs (so an unchanged store is not written at all).
pub fn refresh(store: &Store) -> Result<Summary> {
    let reports = read_reports(store)?;
    let events = cluster(&reports);
    let quads = event_quads(&reports, &events);
    let g = NamedNodeRef::new_unchecked(EVENTS_GRAPH);
    let mut stored = Vec::new();
    for q in store.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g))) {
        stored.push(q.map_err(store_err)?);
    }
    crate::rdf::sort_quads(&mut stored);
    let changed = stored != quads;
    if changed {
        let mut tx = store.start_transaction().map_err(store_err)?;
        tx.clear_graph(GraphNameRef::NamedNode(g)).map_err(store_err)?;
        tx.extend(quads.iter());
        tx.commit().map_err(store_err)?;
    }
    Ok(Summary { reports: reports.len(), events: events.len(), merged: events.iter().filter(|e| e.len() > 1).count(), changed })
}

fn store_err(e: impl std::fmt::Display) -> Error {
    Error::Store { path: "store".into(), message: format!("events graph: {e}") }
}

/// Every sanction, transfer and statement of the store, as the merging sees it.
pub fn read_reports(store: &Store) -> Result<Vec<Report>> {
    let mut r = Reader { store, party: HashMap::new(), published: HashMap::new() };
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let class = NamedNode::new_unchecked(rp(kind.class()));
        let ty = NamedNodeRef::new_unchecked(RDF_TYPE);
        let mut facts = Vec::new();
        for q in store.quads_for_pattern(None, Some(ty), Some(class.as_ref().into()), None) {
            let q = q.map_err(store_err)?;
            // Only article graphs hold facts (the ontology graph types no instances).
            if let NamedOrBlankNode::NamedNode(s) = q.subject {
                facts.push(s);
            }
        }
        facts.sort_unstable();
        facts.dedup();
        for f in facts {
            out.push(r.report(kind, f)?);
        }
    }
    Ok(out)
}

struct Reader<'a> {
    store: &'a Store,
    /// Actor IRI → the party it counts as (its state, or itself).
    party: HashMap<String, String>,
    published: HashMap<String, Option<String>>,
}

impl Reader<'_> {
    fn objects(&self, s: &NamedNode, p: &str) -> Result<Vec<Term>> {
        let p = NamedNodeRef::new_unchecked(p);
        let mut out = Vec::new();
        for q in self.store.quads_for_pattern(Some(s.as_ref().into()), Some(p), None, None) {
            out.push(q.map_err(store_err)?.object);
        }
        out.sort_unstable_by(|a, b| a.to_string().cmp(&b.to_string()));
        out.dedup();
        Ok(out)
    }

    fn first_literal(&self, s: &NamedNode, p: &str) -> Result<Option<String>> {
        Ok(self.objects(s, p)?.into_iter().find_map(|t| match t {
            Term::Literal(l) => Some(l.value().to_string()),
            _ => None,
        }))
    }

    fn first_iri(&self, s: &NamedNode, p: &str) -> Result<Option<NamedNode>> {
        Ok(self.objects(s, p)?.into_iter().find_map(|t| match t {
            Term::NamedNode(n) => Some(n),
            _ => None,
        }))
    }

    /// A state, former state or IGO is its own party; any other actor counts as the state it
    /// belongs to (rp:country) when it has one, so "the Treasury" and "the United States" match.
    fn party(&mut self, actor: &NamedNode) -> Result<String> {
        if let Some(p) = self.party.get(actor.as_str()) {
            return Ok(p.clone());
        }
        let types = self.objects(actor, RDF_TYPE)?;
        let sovereign = ["State", "FormerState", "IntergovernmentalOrganization"].map(rp);
        let is_sovereign = actor.as_str().starts_with(&format!("{ID}state/"))
            || types.iter().any(|t| matches!(t, Term::NamedNode(n) if sovereign.iter().any(|s| s == n.as_str())));
        let p = if is_sovereign {
            actor.as_str().to_string()
        } else {
            match self.first_iri(actor, &rp("country"))? {
                Some(c) => c.as_str().to_string(),
                None => actor.as_str().to_string(),
            }
        };
        self.party.insert(actor.as_str().to_string(), p.clone());
        Ok(p)
    }

    fn parties(&mut self, fact: &NamedNode, p: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for t in self.objects(fact, p)? {
            if let Term::NamedNode(n) = t {
                out.push(self.party(&n)?);
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    fn report(&mut self, kind: Kind, fact: NamedNode) -> Result<Report> {
        let article = self.first_iri(&fact, PROV_DERIVED)?.map(|a| a.as_str().to_string()).unwrap_or_default();
        let published = match self.published.get(&article) {
            Some(p) => p.clone(),
            None => {
                let p = if article.is_empty() { None } else { self.first_literal(&NamedNode::new_unchecked(article.clone()), &rp("published"))? };
                self.published.insert(article.clone(), p.clone());
                p
            }
        };
        let local = |n: Option<NamedNode>| n.and_then(|n| n.as_str().rsplit_once('#').map(|(_, l)| l.to_string())).unwrap_or_default();
        let (by, to, what, status) = match kind {
            Kind::Sanction => (
                self.parties(&fact, &rp("imposedBy"))?,
                self.parties(&fact, &rp("target"))?,
                local(self.first_iri(&fact, &rp("measure"))?),
                None,
            ),
            Kind::Transfer => {
                let w = self.first_iri(&fact, &rp("weapon"))?;
                let cat = match &w {
                    Some(w) => local(self.first_iri(w, &rp("category"))?),
                    None => String::new(),
                };
                (self.parties(&fact, &rp("supplier"))?, self.parties(&fact, &rp("recipient"))?, cat, self.first_literal(&fact, &rp("status"))?)
            }
            Kind::Statement => {
                // The speaker as named: two officials of one state do not say the same thing.
                let mut by: Vec<String> = self.objects(&fact, &rp("speaker"))?.into_iter().filter_map(|t| match t {
                    Term::NamedNode(n) => Some(n.as_str().to_string()),
                    _ => None,
                }).collect();
                by.sort_unstable();
                let quote = self.first_literal(&fact, &rp("quote"))?.unwrap_or_default();
                (by, Vec::new(), normalise_quote(&quote), None)
            }
        };
        let date = match (self.first_literal(&fact, &rp("eventDate"))?, self.first_literal(&fact, &rp("datePrecision"))?) {
            (Some(d), p) => Some((d, p.unwrap_or_else(|| "day".into()))),
            _ => None,
        };
        Ok(Report { fact: fact.as_str().to_string(), kind, article, by, to, what, status, date, published })
    }
}

/// Lower case, letters and digits only, single spaces: quotes that differ in punctuation or
/// typographic quotes compare equal.
fn normalise_quote(q: &str) -> String {
    let mut out = String::new();
    for w in q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&w.to_lowercase());
    }
    out
}

fn parse_date(s: &str) -> Option<(i64, i64, i64)> {
    let mut it = s.get(..10)?.split('-');
    let y = it.next()?.parse().ok()?;
    let m = it.next()?.parse().ok()?;
    let d = it.next()?.parse().ok()?;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// The columns of `realpolitik events`.
pub const COLUMNS: [&str; 12] = ["type", "by", "by_qid", "to", "to_qid", "what", "earliest", "latest", "reports", "articles", "first_reported", "event"];

/// `realpolitik events`: one row per reported event (see [`COLUMNS`]): type, the labels and
/// Wikidata ids of the parties its reports name, what was done (measure, weapon category or
/// quote), its dates, its numbers of reports and articles, the first publication date and its
/// IRI; by type, then biggest first. Read from the store by lookups rather than one SPARQL
/// GROUP BY: joining every column at once multiplies an event's rows by its reports' parties,
/// measures and articles, and took minutes on a 5,000-article store.
pub fn rows(store: &Store, kind: Option<Kind>) -> Result<Vec<Vec<Option<Term>>>> {
    let r = Reader { store, party: HashMap::new(), published: HashMap::new() };
    let g = NamedNodeRef::new_unchecked(EVENTS_GRAPH);
    let ty = NamedNodeRef::new_unchecked(RDF_TYPE);
    let class = NamedNode::new_unchecked(rp("ReportedEvent"));
    let mut events = Vec::new();
    for q in store.quads_for_pattern(None, Some(ty), Some(class.as_ref().into()), Some(GraphNameRef::NamedNode(g))) {
        if let NamedOrBlankNode::NamedNode(e) = q.map_err(store_err)?.subject {
            events.push(e);
        }
    }
    let mut labels: HashMap<NamedNode, (Option<String>, Option<String>)> = HashMap::new();
    let mut out = Vec::new();
    for e in events {
        let Some(t) = r.first_iri(&e, &rp("eventType"))? else { continue };
        let type_name = t.as_str().rsplit_once('#').map(|(_, l)| l.to_string()).unwrap_or_default();
        if kind.is_some_and(|k| k.class() != type_name) {
            continue;
        }
        let (mut by, mut by_q, mut to, mut to_q, mut what, mut articles, mut published) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for f in r.objects(&e, &rp("report"))? {
            let Term::NamedNode(f) = f else { continue };
            if let Some(a) = r.first_iri(&f, PROV_DERIVED)? {
                if let Some(p) = r.first_literal(&a, &rp("published"))? {
                    published.push(p);
                }
                articles.push(a);
            }
            for (props, names, qids) in [(&["imposedBy", "supplier", "speaker"][..], &mut by, &mut by_q), (&["target", "recipient"][..], &mut to, &mut to_q)] {
                for p in props {
                    for a in r.objects(&f, &rp(p))? {
                        let Term::NamedNode(a) = a else { continue };
                        if !labels.contains_key(&a) {
                            let l = r.first_literal(&a, crate::rdf::vocab::RDFS_LABEL)?;
                            let q = r.objects(&a, OWL_SAME_AS)?.into_iter().find_map(|t| match t {
                                Term::NamedNode(n) => n.as_str().strip_prefix(crate::rdf::vocab::WD).map(str::to_string),
                                _ => None,
                            });
                            labels.insert(a.clone(), (l, q));
                        }
                        let (l, q) = &labels[&a];
                        names.extend(l.clone());
                        qids.extend(q.clone());
                    }
                }
            }
            let concept = match r.first_iri(&f, &rp("measure"))? {
                Some(m) => Some(m),
                None => match r.first_iri(&f, &rp("weapon"))? {
                    Some(w) => r.first_iri(&w, &rp("category"))?,
                    None => None,
                },
            };
            match concept {
                Some(c) => what.extend(r.first_literal(&c, "http://www.w3.org/2004/02/skos/core#prefLabel")?),
                None => what.extend(r.first_literal(&f, &rp("quote"))?),
            }
        }
        let joined = |mut v: Vec<String>| -> Option<Term> {
            v.sort_unstable();
            v.dedup();
            (!v.is_empty()).then(|| Literal::new_simple_literal(v.join("; ")).into())
        };
        let date = |v: Option<String>| v.map(|d| Term::from(Literal::new_typed_literal(d, xsd::DATE)));
        articles.sort_unstable();
        articles.dedup();
        let int = |n: String| Some(Term::from(Literal::new_typed_literal(n, xsd::INTEGER)));
        out.push(vec![
            Some(Literal::new_simple_literal(type_name).into()),
            joined(by),
            joined(by_q),
            joined(to),
            joined(to_q),
            joined(what),
            date(r.first_literal(&e, &rp("earliestDate"))?),
            date(r.first_literal(&e, &rp("latestDate"))?),
            int(r.first_literal(&e, &rp("reportCount"))?.unwrap_or_else(|| "0".into())),
            int(articles.len().to_string()),
            date(published.into_iter().min()),
            Some(e.into()),
        ]);
    }
    // By type, biggest first, then earliest, then IRI (undated after dated).
    let key = |row: &Vec<Option<Term>>| {
        let text = |i: usize| match &row[i] {
            Some(Term::Literal(l)) => l.value().to_string(),
            Some(Term::NamedNode(n)) => n.as_str().to_string(),
            _ => String::new(),
        };
        let reports: i64 = text(8).parse().unwrap_or(0);
        (text(0), -reports, row[6].is_none(), text(6), text(11))
    };
    out.sort_by_cached_key(key);
    Ok(out)
}

/// Write [`rows`] as `query` writes results: a table for people, or CSV, TSV, JSON, XML.
pub fn write<W: std::io::Write>(rows: &[Vec<Option<Term>>], format: crate::query::ResultFormat, width: crate::query::TableWidth, mut out: W) -> Result<W> {
    use crate::query::ResultFormat;
    use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
    use oxigraph::sparql::{QuerySolution, Variable};
    let io = |e: std::io::Error| Error::Query(format!("writing results: {e}"));
    let header: Vec<String> = COLUMNS.iter().map(|c| c.to_string()).collect();
    let f = match format {
        ResultFormat::Table => {
            let text: Vec<Vec<String>> = rows.iter().map(|r| r.iter().map(|t| t.as_ref().map(crate::query::short).unwrap_or_default()).collect()).collect();
            crate::query::layout::write_table(&mut out, &header, &text, width).map_err(io)?;
            return Ok(out);
        }
        ResultFormat::Csv => QueryResultsFormat::Csv,
        ResultFormat::Tsv => QueryResultsFormat::Tsv,
        ResultFormat::Xml => QueryResultsFormat::Xml,
        ResultFormat::Json => QueryResultsFormat::Json,
    };
    let vars: std::sync::Arc<[Variable]> = COLUMNS.iter().map(|c| Variable::new_unchecked(*c)).collect::<Vec<_>>().into();
    let mut ser = QueryResultsSerializer::from_format(f).serialize_solutions_to_writer(out, vars.to_vec()).map_err(io)?;
    for r in rows {
        let s = QuerySolution::from((vars.clone(), r.clone()));
        ser.serialize(&s).map_err(io)?;
    }
    ser.finish().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sanction(fact: &str, article: &str, by: &[&str], to: &[&str], measure: &str, date: Option<(&str, &str)>, published: Option<&str>) -> Report {
        Report {
            fact: fact.into(),
            kind: Kind::Sanction,
            article: article.into(),
            by: by.iter().map(|s| s.to_string()).collect(),
            to: to.iter().map(|s| s.to_string()).collect(),
            what: measure.into(),
            status: None,
            date: date.map(|(d, p)| (d.into(), p.into())),
            published: published.map(Into::into),
        }
    }

    #[test]
    fn dates_become_day_intervals() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
        let r = sanction("f", "a", &["us"], &["ru"], "OtherMeasure", Some(("2024-02-01", "month")), None);
        let (lo, hi) = r.interval().unwrap();
        assert_eq!(hi - lo, 28);
        let r = sanction("f", "a", &["us"], &["ru"], "OtherMeasure", None, Some("2024-05-02"));
        assert_eq!(r.interval(), Some((days_from_civil(2024, 5, 2), days_from_civil(2024, 5, 2))));
        assert_eq!(sanction("f", "a", &[], &[], "", None, None).interval(), None);
    }

    #[test]
    fn reports_of_one_sanction_merge_and_others_do_not() {
        let rs = vec![
            sanction("x/a1/sanction/1", "a1", &["us"], &["ru"], "AssetFreeze", Some(("2024-05-20", "day")), Some("2024-05-21")),
            // Another outlet, two days later, says only "sanctions".
            sanction("x/a2/sanction/1", "a2", &["us"], &["ru"], "OtherMeasure", None, Some("2024-05-23")),
            // Same parties, a year later: another act.
            sanction("x/a3/sanction/1", "a3", &["us"], &["ru"], "AssetFreeze", Some(("2025-05-20", "day")), None),
            // Same day, another target.
            sanction("x/a4/sanction/1", "a4", &["us"], &["kp"], "AssetFreeze", Some(("2024-05-20", "day")), None),
            // Same parties, another measure, six weeks later.
            sanction("x/a5/sanction/1", "a5", &["us"], &["ru"], "TravelBan", Some(("2024-06-30", "day")), None),
            // No date at all: alone.
            sanction("x/a6/sanction/1", "a6", &["us"], &["ru"], "AssetFreeze", None, None),
        ];
        let ev = cluster(&rs);
        assert_eq!(ev.len(), 5, "{ev:?}");
        // A report naming one more target state still shares one.
        let mut wider = rs.clone();
        wider[1].to = vec!["ru".into(), "ua".into()];
        assert_eq!(cluster(&wider), ev);
        assert!(ev.contains(&vec![0, 1]), "{ev:?}");
        // Any input order gives the same events and IRIs.
        let mut rev = rs.clone();
        rev.reverse();
        let a = event_quads(&rs, &ev);
        let b = event_quads(&rev, &cluster(&rev));
        assert_eq!(a, b);
        // The first report names the event: a later report joining keeps the IRI.
        let first = event_iri(Kind::Sanction, "x/a1/sanction/1");
        assert!(a.iter().any(|q| q.subject == NamedOrBlankNode::NamedNode(first.clone())));
        let mut more = rs.clone();
        more.push(sanction("x/a0/sanction/1", "a7", &["us"], &["ru"], "AssetFreeze", Some(("2024-05-21", "day")), None));
        let ev2 = cluster(&more);
        assert!(ev2.contains(&vec![0, 6, 1]), "{ev2:?}");
    }

    #[test]
    fn two_periods_that_do_not_overlap_are_two_events() {
        let rs = vec![
            sanction("a/1", "a", &["us"], &["ru"], "OtherMeasure", Some(("2022-12-01", "month")), None),
            sanction("b/1", "b", &["us"], &["ru"], "OtherMeasure", Some(("2023-01-01", "year")), None),
            // A day (or a publication date) within the window of a period joins it.
            sanction("c/1", "c", &["us"], &["ru"], "OtherMeasure", None, Some("2024-01-05")),
        ];
        assert_eq!(cluster(&rs), vec![vec![0], vec![1, 2]]);
    }

    #[test]
    fn one_article_repeating_itself_is_one_event_two_acts_are_two() {
        let rs = vec![
            sanction("x/a1/sanction/1", "a1", &["eu"], &["ru"], "AssetFreeze", None, Some("2024-05-21")),
            sanction("x/a1/sanction/2", "a1", &["eu"], &["ru"], "AssetFreeze", None, Some("2024-05-21")),
            sanction("x/a1/sanction/3", "a1", &["eu"], &["ru"], "OtherMeasure", None, Some("2024-05-21")),
        ];
        assert_eq!(cluster(&rs), vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn transfers_need_a_compatible_status_and_category() {
        let t = |fact: &str, article: &str, cat: &str, status: &str, d: &str| Report {
            fact: fact.into(),
            kind: Kind::Transfer,
            article: article.into(),
            by: vec!["kp".into()],
            to: vec!["ru".into()],
            what: cat.into(),
            status: Some(status.into()),
            date: Some((d.into(), "day".into())),
            published: None,
        };
        let rs = vec![
            t("a/1", "a", "Missile", "delivered", "2024-01-04"),
            t("b/1", "b", "Missile", "ongoing", "2024-01-10"),
            t("c/1", "c", "Missile", "agreed", "2024-01-05"),
            t("d/1", "d", "Drone", "delivered", "2024-01-05"),
            t("e/1", "e", "Missile", "intercepted", "2024-01-06"),
        ];
        let ev = cluster(&rs);
        assert_eq!(ev, vec![vec![0, 1], vec![2], vec![3], vec![4]]);
        assert!(compatible_status(Some("alleged"), Some("delivered")) && compatible_status(Some("planned"), Some("alleged")));
        assert!(!compatible_status(Some("alleged"), Some("intercepted")));
    }

    #[test]
    fn statements_merge_on_speaker_and_quote() {
        let s = |fact: &str, article: &str, who: &str, q: &str| Report {
            fact: fact.into(),
            kind: Kind::Statement,
            article: article.into(),
            by: vec![who.into()],
            to: vec![],
            what: normalise_quote(q),
            status: None,
            date: None,
            published: Some("2024-01-01".into()),
        };
        let rs = vec![s("a/1", "a", "p", "We will respond firmly."), s("b/1", "b", "p", "we will respond firmly"), s("c/1", "c", "q", "We will respond firmly.")];
        assert_eq!(cluster(&rs), vec![vec![0, 1], vec![2]]);
    }
}
