//! The extractor's output as plain data: articles, actors, events and their evidence.
//! Nothing here knows about RDF (see [`crate::rdf`] for the mapping).

use serde::Serialize;

/// One news article, as read by [`crate::ingest`].
#[derive(Debug, Clone, Serialize)]
pub struct Article {
    /// Stable identity: 16 hex digits of SHA-256 over the URL if known, else over the text.
    pub id: String,
    /// Where it came from, for messages ("file.txt", "batch.jsonl:3", a URL).
    pub source: String,
    pub url: Option<String>,
    pub title: Option<String>,
    /// ISO date (YYYY-MM-DD) when known.
    pub date: Option<String>,
    pub text: String,
    /// "sha256:<hex>" of the text.
    pub content_hash: String,
}

/// A half-open byte range in the article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum ActorKind {
    State,
    /// A state that no longer exists (the Soviet Union): typed rp:FormerState, not rp:State.
    FormerState,
    Igo,
    GovernmentBody,
    Company,
    ArmedGroup,
    /// Any other organisation (bank, institute, "Russian entities").
    Organization,
    Person,
}

/// An actor of one article. States and IGOs are keyed by QID so they are one node across
/// articles; others by a slug of their name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    pub key: String,
    pub kind: ActorKind,
    pub label: String,
    pub qid: Option<String>,
    /// QID of the state the actor belongs to (for non-states).
    pub country: Option<String>,
    pub role: Option<String>,
    pub iso: Option<String>,
    pub link_method: Option<&'static str>,
    pub link_confidence: Option<f32>,
}

impl Actor {
    /// Whether the actor's node belongs to one article ("group/<article>/…": "Russian
    /// companies" as one article names them) rather than being shared across articles.
    pub fn article_scoped(&self) -> bool {
        self.key.starts_with("group/")
    }
}

/// The sentence an event comes from, with its position in the article text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub sentence: String,
    /// Byte span in the article text.
    pub span: Span,
    /// Character (Unicode scalar) offsets, as published in RDF.
    pub char_start: usize,
    pub char_end: usize,
    /// Id of the rule that produced the fact (see `realpolitik explain`).
    pub rule: String,
    pub confidence: f32,
    /// When the event happened, as the sentence dates it (none when it does not).
    pub when: Option<EventDate>,
}

/// An event's date from a date phrase of its sentence ("on Wednesday", "in August 2021").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventDate {
    /// ISO date; with month or year precision, the first day of that month or year, with week
    /// precision the Monday of that week.
    pub date: String,
    /// day | week | month | year
    pub precision: &'static str,
    /// The phrase as written.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sanction {
    pub imposers: Vec<usize>,
    pub targets: Vec<usize>,
    /// Local name of a concept of the measure scheme ("AssetFreeze", "OtherMeasure", ...).
    pub measure: &'static str,
    pub measure_text: String,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weapon {
    pub label: String,
    /// Local name of a concept of the weapon-category scheme ("Missile", ...).
    pub category: &'static str,
    pub qid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transfer {
    pub suppliers: Vec<usize>,
    pub recipients: Vec<usize>,
    pub weapon: Weapon,
    pub quantity: Option<f64>,
    /// delivered | ongoing | agreed | planned | alleged | intercepted
    pub status: &'static str,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    pub speaker: usize,
    pub quote: String,
    pub direct: bool,
    pub evidence: Evidence,
}

/// Everything extracted from one article. Events refer to actors by index into `actors`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Extraction {
    pub actors: Vec<Actor>,
    /// Indices of actors the article mentions (states at least).
    pub mentioned: Vec<usize>,
    pub sanctions: Vec<Sanction>,
    pub transfers: Vec<Transfer>,
    pub statements: Vec<Statement>,
    /// Actor key → index into `actors`, for [`Extraction::intern`]; rebuilt when stale.
    #[serde(skip)]
    index: std::collections::HashMap<String, usize>,
}

impl Extraction {
    /// Drops the facts whose calibrated confidence is below `min` (`--min-confidence`): the
    /// confidence of a rule is its measured precision, so this trades recall for precision.
    pub fn retain_confident(&mut self, min: f32) {
        self.sanctions.retain(|f| f.evidence.confidence >= min);
        self.transfers.retain(|f| f.evidence.confidence >= min);
        self.statements.retain(|f| f.evidence.confidence >= min);
    }

    /// Index of the actor with this key, adding it if new.
    pub fn intern(&mut self, actor: Actor) -> usize {
        // The index is trusted only while it matches `actors` (which callers may edit directly).
        if self.index.len() != self.actors.len() || self.actors.iter().enumerate().rev().take(1).any(|(i, a)| self.index.get(&a.key) != Some(&i)) {
            self.index.clear();
            for (i, a) in self.actors.iter().enumerate() {
                self.index.entry(a.key.clone()).or_insert(i);
            }
        }
        let found = if self.index.len() == self.actors.len() {
            // Exact: one entry per actor, so a miss means the key is new.
            self.index.get(&actor.key).copied().filter(|&i| self.actors[i].key == actor.key)
        } else {
            // Duplicate keys pushed directly: fall back to the first match.
            self.actors.iter().position(|a| a.key == actor.key)
        };
        if let Some(i) = found {
            let a = &mut self.actors[i];
            if a.country.is_none() {
                a.country = actor.country;
            }
            if a.role.is_none() {
                a.role = actor.role;
            }
            return i;
        }
        self.index.insert(actor.key.clone(), self.actors.len());
        self.actors.push(actor);
        self.actors.len() - 1
    }

    pub fn mention(&mut self, idx: usize) {
        if !self.mentioned.contains(&idx) {
            self.mentioned.push(idx);
        }
    }

    pub fn fact_count(&self) -> usize {
        self.sanctions.len() + self.transfers.len() + self.statements.len()
    }
}

/// ASCII slug of a name for IRIs: stable, readable, collision-checked by the caller's key.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        let c = fold_char(c);
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if out.is_empty() { "x".into() } else { out }
}

fn fold_char(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'ñ' => 'n',
        'ş' => 's',
        'ğ' => 'g',
        'ı' => 'i',
        _ => c,
    }
}
