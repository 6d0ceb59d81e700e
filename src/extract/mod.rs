//! Extract stage: events (sanctions, weapon transfers, statements) from a recognised article.
//!
//! Each event kind has its own module of argument frames; they share the clause helpers here.
//! Every fact carries its evidence sentence, the id of the rule that produced it and a
//! confidence, so `realpolitik explain` can show why it is there.

pub mod dates;
mod sanctions;
mod statements;
mod transfers;

use crate::error::Result;
use crate::model::{Actor, ActorKind, Article, Evidence, Extraction, Span, slug};
use crate::recognise::{self, Doc, Form, Gazetteer, Mention};
use crate::text;
use crate::text::{FxHashMap, FxHashSet};

/// The extractor: the compiled gazetteer plus word sets of the trigger lexicon.
pub struct Extractor {
    pub gaz: &'static Gazetteer,
    words: Words,
    /// Rule id → measured precision (`data/lexicon/calibration.tsv`): what `rp:confidence` says.
    calibration: FxHashMap<String, f32>,
    /// Date phrases (`data/lexicon/dates.toml`).
    dates: dates::Dates,
}

const CALIBRATION: &str = include_str!("../../data/lexicon/calibration.tsv");

/// The calibration table: each rule's confidence is the precision its facts showed on the gold
/// corpora, so that facts at confidence c are right about c of the time.
fn calibration() -> Result<FxHashMap<String, f32>> {
    const FILE: &str = "data/lexicon/calibration.tsv";
    let mut out = FxHashMap::default();
    for (line, row) in recognise::lexicon::Tsv::parse(FILE, CALIBRATION)?.rows {
        let rule = recognise::lexicon::cell(&row, "rule");
        let conf = recognise::lexicon::cell(&row, "confidence").and_then(|c| c.parse::<f32>().ok()).filter(|c| (0.0..=1.0).contains(c));
        match (rule, conf) {
            (Some(r), Some(c)) => {
                out.insert(r, c);
            }
            _ => return Err(crate::Error::Data { file: FILE, line, problem: "needs a rule id and a confidence in [0, 1]".into() }),
        }
    }
    Ok(out)
}

pub(crate) struct Words {
    pub strong: FxHashSet<String>,
    pub light: FxHashSet<String>,
    pub give: FxHashSet<String>,
    pub receive: FxHashSet<String>,
    pub tnouns: FxHashSet<String>,
    pub speech: FxHashSet<String>,
    pub quote_only: FxHashSet<String>,
    pub fronted_openers: FxHashSet<String>,
    pub adding: FxHashSet<String>,
    pub anaphors: FxHashSet<String>,
    pub outlet_modifiers: FxHashSet<String>,
    pub role_nouns: FxHashSet<String>,
    pub inversion: FxHashSet<String>,
    pub that_verbs: FxHashSet<String>,
    pub object_verbs: FxHashSet<String>,
    pub modal: Phrases,
    pub clause_modal: Phrases,
    pub modal_cancel: Phrases,
    pub agent_participles: FxHashSet<String>,
    pub target_links: FxHashSet<String>,
    pub possessive_pronouns: FxHashSet<String>,
    pub reactions: FxHashSet<String>,
    pub state_measures: FxHashSet<String>,
    /// Transfer phrase lists, split into words once.
    pub hypothetical: Phrases,
    pub possession: Phrases,
    pub respectively: FxHashSet<String>,
    pub company_anaphors: FxHashSet<String>,
    pub part_of: Phrases,
    pub verb_followers: FxHashSet<String>,
    pub beneficiary: FxHashSet<String>,
    pub military_nouns: Phrases,
    /// The same phrases as one automaton: most sentences have none, and this says so at once.
    pub military_ac: aho_corasick::AhoCorasick,
    pub origin_suffixes: FxHashSet<String>,
    pub capture: Phrases,
    pub destination: FxHashSet<String>,
    pub buying: FxHashSet<String>,
    pub take_delivery: FxHashSet<String>,
    pub customers: FxHashSet<String>,
    /// Every word that can trigger a transfer (give, receive, noun, destination, customer):
    /// one look-up rules out the other tokens of a sentence.
    pub transfer_any: FxHashSet<String>,
    pub speech_nouns: FxHashSet<String>,
    /// "diplomat" → the lower-cased titles it covers ("foreign minister", "ambassador").
    pub role_hypernyms: crate::text::FxHashMap<String, Vec<String>>,
    pub status_lists: Vec<(Phrases, &'static str)>,
    /// Measure phrases (longest first) and their concepts, in the same order.
    pub measures: Phrases,
    pub measure_concepts: Vec<&'static str>,
}

/// A list of lower-cased word sequences, indexed by first word so that matching at a token
/// only tries the phrases that can start there.
pub(crate) struct Phrases {
    pub list: Vec<Vec<String>>,
    by_first: FxHashMap<String, Vec<usize>>,
    /// An empty phrase matches everywhere: then every lookup scans the whole list.
    has_empty: bool,
}

impl Phrases {
    fn new(list: Vec<Vec<String>>) -> Phrases {
        let mut by_first: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        let mut has_empty = false;
        for (i, p) in list.iter().enumerate() {
            match p.first() {
                Some(w) => by_first.entry(w.clone()).or_default().push(i),
                None => has_empty = true,
            }
        }
        Phrases { list, by_first, has_empty }
    }

    /// Index of the first phrase (in list order) that starts at token k.
    pub fn first_at(&self, c: &Clause, k: usize) -> Option<usize> {
        if self.has_empty {
            return self.list.iter().position(|p| c.phrase_at(k, p));
        }
        let cands = self.by_first.get(c.word(k))?;
        cands.iter().copied().find(|&i| c.phrase_at(k, &self.list[i]))
    }

    /// Does any phrase start at token k?
    pub fn any_at(&self, c: &Clause, k: usize) -> bool {
        self.first_at(c, k).is_some()
    }
}

fn phrases(v: &[String]) -> Phrases {
    Phrases::new(v.iter().map(|c| c.split_whitespace().map(str::to_lowercase).collect()).collect())
}

fn set(v: &[String]) -> FxHashSet<String> {
    v.iter().map(|s| s.to_lowercase()).collect()
}

impl Extractor {
    pub fn new() -> Result<Extractor> {
        let gaz = Gazetteer::get()?;
        let t = &gaz.triggers;
        let mut measures: Vec<(Vec<String>, &'static str)> = t
            .sanction
            .measures
            .iter()
            .filter_map(|(k, v)| {
                Some((k.split_whitespace().map(str::to_lowercase).collect(), crate::recognise::lexicon::measure_concept(v)?))
            })
            .collect();
        measures.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        let words = Words {
            strong: set(&t.sanction.strong_verbs),
            light: set(&t.sanction.light_verbs),
            give: set(&t.transfer.give_verbs),
            receive: set(&t.transfer.receive_verbs),
            tnouns: set(&t.transfer.nouns),
            speech: set(&t.statement.speech_verbs),
            quote_only: set(&t.statement.quote_only),
            fronted_openers: set(&t.statement.fronted_openers),
            adding: set(&t.statement.adding),
            anaphors: set(&t.statement.anaphors),
            outlet_modifiers: set(&t.statement.outlet_modifiers),
            role_nouns: set(&t.statement.role_nouns),
            inversion: set(&t.statement.inversion_verbs),
            that_verbs: set(&t.statement.that_verbs),
            object_verbs: set(&t.statement.object_verbs),
            modal: phrases(&t.modality.cues),
            modal_cancel: phrases(&t.modality.not_cues),
            clause_modal: phrases(&t.modality.clause_cues),
            agent_participles: set(&t.sanction.agent_participles),
            target_links: set(&t.sanction.target_links),
            possessive_pronouns: set(&t.sanction.possessive_pronouns),
            reactions: set(&t.sanction.reaction_verbs),
            state_measures: set(&t.sanction.state_measure_nouns),
            hypothetical: phrases(&t.transfer.hypothetical),
            possession: phrases(&t.transfer.possession_cues),
            respectively: set(&t.transfer.distributive),
            company_anaphors: set(&t.transfer.company_anaphors),
            part_of: phrases(&t.transfer.part_of_cues),
            verb_followers: set(&t.transfer.verb_followers),
            beneficiary: set(&t.transfer.beneficiary_verbs),
            military_nouns: phrases(&t.transfer.military_nouns),
            military_ac: aho_corasick::AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .build(&t.transfer.military_nouns)
                .map_err(|e| crate::Error::Data { file: "data/lexicon/triggers.toml", line: 0, problem: e.to_string() })?,
            origin_suffixes: set(&t.transfer.origin_suffixes),
            capture: phrases(&t.transfer.capture_cues),
            destination: set(&t.transfer.destination_words),
            buying: set(&t.transfer.buying_nouns),
            take_delivery: set(&t.transfer.take_delivery_verbs),
            customers: set(&t.transfer.customer_nouns),
            transfer_any: [&t.transfer.give_verbs, &t.transfer.receive_verbs, &t.transfer.nouns, &t.transfer.destination_words, &t.transfer.customer_nouns]
                .into_iter()
                .flat_map(|v| set(v))
                .collect(),
            speech_nouns: set(&t.statement.speech_nouns),
            role_hypernyms: t.statement.role_hypernyms.iter().map(|(k, v)| (k.to_lowercase(), v.iter().map(|t| t.to_lowercase()).collect())).collect(),
            status_lists: vec![
                (phrases(&t.transfer.intercepted), "intercepted"),
                (phrases(&t.transfer.alleged), "alleged"),
                (phrases(&t.transfer.planned), "planned"),
                (phrases(&t.transfer.agreed), "agreed"),
                (phrases(&t.transfer.ongoing), "ongoing"),
            ],
            measure_concepts: measures.iter().map(|(_, c)| *c).collect(),
            measures: Phrases::new(measures.into_iter().map(|(p, _)| p).collect()),
        };
        Ok(Extractor { gaz, words, calibration: calibration()?, dates: dates::Dates::new()? })
    }

    /// One extractor for the process (the lexicon is compiled once).
    pub fn shared() -> Result<&'static Extractor> {
        static X: std::sync::OnceLock<std::result::Result<Extractor, String>> = std::sync::OnceLock::new();
        X.get_or_init(|| Extractor::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| crate::Error::Data { file: "data/", line: 0, problem: e.clone() })
    }

    /// Extract everything from one article.
    pub fn extract(&self, article: &Article) -> Extraction {
        let mut doc = recognise::recognise(&article.text, self.gaz);
        let mut ctx = Ctx::new(&article.id);
        // Every sentence is tokenised once; statements reuse the same clauses.
        let toks = std::mem::take(&mut doc.sentence_tokens);
        let clauses: Vec<Clause> = toks.into_iter().enumerate().map(|(si, t)| Clause::new(&doc, si, t)).collect();
        for clause in &clauses {
            // An adverbial clause's imposer is background: the discourse keeps the main one.
            let parts = sanctions::acts(self, &doc, clause);
            if parts.is_empty() {
                sanctions::extract(self, &mut doc, clause, &mut ctx);
            }
            let mut main_imposers = None;
            for part in parts {
                sanctions::extract(self, &mut doc, &part, &mut ctx);
                match &main_imposers {
                    None => main_imposers = Some(ctx.last_imposers.clone()),
                    Some(m) => ctx.last_imposers = m.clone(),
                }
            }
            transfers::extract(self, &mut doc, clause, &mut ctx);
        }
        sanctions::finish(&mut doc);
        transfers::finish(&mut doc);
        statements::extract(self, &mut doc, &clauses);
        let mut ex = std::mem::take(&mut doc.ex);
        let calibrated = |e: &mut Evidence| {
            if let Some(&c) = self.calibration.get(&e.rule) {
                e.confidence = c;
            }
        };
        ex.sanctions.iter_mut().for_each(|s| calibrated(&mut s.evidence));
        ex.transfers.iter_mut().for_each(|t| calibrated(&mut t.evidence));
        ex.statements.iter_mut().for_each(|s| calibrated(&mut s.evidence));
        // Each event's date from its sentence and the article's date.
        let published = article.date.as_deref().and_then(dates::Day::parse);
        // Facts of one sentence share its date: each sentence is read once.
        let mut by_span: FxHashMap<(usize, usize), Option<crate::model::EventDate>> = FxHashMap::default();
        let mut dated = |e: &mut Evidence| e.when = by_span.entry((e.span.start, e.span.end)).or_insert_with(|| self.dates.resolve(&e.sentence, published)).clone();
        ex.sanctions.iter_mut().for_each(|s| dated(&mut s.evidence));
        ex.transfers.iter_mut().for_each(|t| dated(&mut t.evidence));
        ex.statements.iter_mut().for_each(|s| dated(&mut s.evidence));
        // Character offsets from one index of the text (see `evidence`).
        let chars = text::CharIndex::new(&article.text);
        let offsets = |e: &mut Evidence| {
            e.char_start = chars.char_offset(e.span.start);
            e.char_end = chars.char_offset(e.span.end);
        };
        ex.sanctions.iter_mut().for_each(|s| offsets(&mut s.evidence));
        ex.transfers.iter_mut().for_each(|t| offsets(&mut t.evidence));
        ex.statements.iter_mut().for_each(|s| offsets(&mut s.evidence));
        // Actors used by events are mentioned by the article too.
        let used: Vec<usize> = ex
            .sanctions
            .iter()
            .flat_map(|s| s.imposers.iter().chain(&s.targets).copied())
            .chain(ex.transfers.iter().flat_map(|t| t.suppliers.iter().chain(&t.recipients).copied()))
            .chain(ex.statements.iter().map(|s| s.speaker))
            .collect();
        for i in used {
            ex.mention(i);
        }
        ex.mentioned.sort_unstable();
        ex
    }
}

/// Discourse state carried across sentences: the last imposer, the last transfer parties.
pub(crate) struct Ctx {
    pub article: String,
    pub last_imposers: Vec<usize>,
    pub last_transfer: Option<(Vec<usize>, Vec<usize>)>,
}

impl Ctx {
    fn new(article: &str) -> Ctx {
        Ctx { article: article.to_string(), last_imposers: Vec::new(), last_transfer: None }
    }
}

/// One sentence, tokenised, with its mentions: what every frame works on.
pub(crate) struct Clause<'a> {
    pub span: Span,
    /// The whole sentence (the evidence), which a sub-clause is part of.
    pub sentence: Span,
    pub toks: Vec<text::Token<'a>>,
    /// Lower-cased words, borrowed where the token already is (most are: no allocation).
    pub lower: Vec<std::borrow::Cow<'a, str>>,
    /// Mentions inside the sentence, by start.
    pub mentions: Vec<Mention>,
    /// Byte offsets of the marks no phrase of occasion crosses (`statements::speaker_at`), in
    /// order; found on first use, once per clause.
    pub phrase_marks: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Clause<'a> {
    /// `toks` are the sentence's tokens (`text::tokens` of its span).
    fn new(doc: &Doc<'a>, si: usize, toks: Vec<text::Token<'a>>) -> Clause<'a> {
        let span = doc.sentences[si].span;
        let mut lower: Vec<std::borrow::Cow<'a, str>> = toks.iter().map(|t| t.lower_cow()).collect();
        // "May 2", "2 May": the month, not the modal that marks a hypothetical.
        for k in 0..toks.len() {
            let digit = |i: Option<&text::Token>| i.is_some_and(|t| t.text.starts_with(|c: char| c.is_ascii_digit()));
            if toks[k].text == "May" && (digit(toks.get(k + 1)) || k > 0 && digit(toks.get(k - 1))) {
                lower[k] = "may-month".into();
            }
        }
        // Mentions are sorted by start: only those starting inside the span can be contained.
        let from = doc.mentions.partition_point(|m| m.span.start < span.start);
        let mentions = doc.mentions[from..].iter().take_while(|m| m.span.start <= span.end).filter(|m| span.contains(m.span)).copied().collect();
        Clause { span, sentence: span, toks, lower, mentions, phrase_marks: Default::default() }
    }

    /// Tokens `from..to` as a clause of their own, in the same sentence.
    pub fn part(&self, from: usize, to: usize) -> Clause<'a> {
        let to = to.min(self.toks.len());
        let span = Span::new(self.toks[from].span.start, self.toks[to - 1].span.end);
        let mentions = self.mentions.iter().filter(|m| span.contains(m.span)).copied().collect();
        Clause { span, sentence: self.sentence, toks: self.toks[from..to].to_vec(), lower: self.lower[from..to].to_vec(), mentions, phrase_marks: Default::default() }
    }

    /// Token index at or after a byte offset. Tokens are in text order and never overlap, so
    /// starts and ends both increase: binary search, not a scan of the sentence.
    pub fn tok_at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.span.start < byte)
    }

    /// Index of the token a mention starts at.
    pub fn tok_of(&self, m: &Mention) -> usize {
        self.toks.partition_point(|t| t.span.end <= m.span.start)
    }

    /// Does the lower-cased word sequence `phrase` start at token i?
    pub fn phrase_at(&self, i: usize, phrase: &[String]) -> bool {
        phrase.iter().enumerate().all(|(k, w)| self.lower.get(i + k).is_some_and(|t| t == w))
    }

    pub fn word(&self, i: usize) -> &str {
        self.lower.get(i).map(|w| w.as_ref()).unwrap_or("")
    }

    /// Is there a modality cue (threat, call, hypothetical, negation) in the few words before token i?
    pub fn modal_before(&self, x: &Extractor, i: usize, window: usize) -> bool {
        let from = i.saturating_sub(window);
        let cancelled = |k: usize| x.words.modal_cancel.any_at(self, k);
        (from..i).any(|k| x.words.modal.any_at(self, k) && !cancelled(k)) || (0..i).any(|k| x.words.clause_modal.any_at(self, k))
    }
}

/// Text between two byte offsets of the document.
pub(crate) fn between<'t>(doc: &Doc<'t>, a: usize, b: usize) -> &'t str {
    if a <= b { &doc.text[a..b] } else { "" }
}

/// Build the evidence record of a sentence. Its character offsets are filled in once per
/// article by [`Extractor::extract`] from an index (counting here, from the start of the text
/// for every fact, was quadratic in the article's length).
pub(crate) fn evidence(doc: &Doc, span: Span, rule: &str, confidence: f32) -> Evidence {
    Evidence {
        sentence: doc.text[span.start..span.end].to_string(),
        span,
        char_start: 0,
        char_end: 0,
        rule: rule.to_string(),
        confidence,
        when: None,
    }
}

/// Nouns that name a group of entities ("Russian companies", "PRC entities").
pub(crate) const GROUP_NOUNS: &[&str] = &[
    "companies", "company", "entities", "entity", "firms", "firm", "individuals", "individual", "persons",
    "banks", "bank", "businesses", "people", "officials", "official", "nationals", "citizens", "oligarchs",
    "suppliers", "supplier", "enterprises", "manufacturers", "manufacturer", "groups", "organisations",
    "organizations", "parties", "networks", "network", "vessels", "ships", "shipping", "defense", "defence",
    "military", "government", "regime", "producers", "exporters", "traders", "intermediaries", "procurement",
    "fronts", "subsidiaries", "affiliates", "actors", "operators", "airlines", "leaders", "generals",
    // Armed groups: "Palestinian guerrillas", "Syrian rebels" are parties of their own, not the state.
    "guerrillas", "militants", "rebels", "insurgents", "militias", "militiamen", "separatists", "fighters",
];

/// An actor standing for a state's entities: "Russian companies" → a group with country Russia.
pub(crate) fn group_actor(doc: &mut Doc, article_key: &str, m: &Mention, clause: &Clause) -> Option<usize> {
    let st = doc.ex.actors[m.actor].clone();
    let qid = st.qid.clone()?;
    let ti = clause.toks.iter().position(|t| t.span.start >= m.span.end)?;
    // Skip adjectives between the demonym and the noun ("Russian defense companies").
    let mut end = None;
    for k in ti..(ti + 3).min(clause.toks.len()) {
        let w = clause.word(k);
        if GROUP_NOUNS.contains(&w) {
            end = Some(k);
            if !matches!(w, "defense" | "defence" | "military" | "procurement" | "shipping") {
                break;
            }
        }
    }
    let k = end?;
    let mut stop = k;
    // "companies and individuals"
    if clause.word(k + 1) == "and" && GROUP_NOUNS.contains(&clause.word(k + 2)) {
        stop = k + 2;
    }
    let label = doc.text[m.span.start..clause.toks[stop].span.end].to_string();
    let actor = Actor {
        key: format!("group/{article_key}/{}", slug(&label)),
        kind: ActorKind::Organization,
        label,
        qid: None,
        country: Some(qid),
        role: None,
        iso: None,
        link_method: None,
        link_confidence: None,
    };
    Some(doc.ex.intern(actor))
}

/// The state an actor stands for, if any (itself, or its country).
pub(crate) fn state_of(doc: &Doc, actor: usize) -> Option<String> {
    let a = &doc.ex.actors[actor];
    match a.kind {
        ActorKind::State => a.qid.clone(),
        _ => a.country.clone(),
    }
}

/// An acting party: states by name or seat, IGOs, bodies, persons; demonyms only when they
/// modify a body-like noun ("the Canadian government").
pub(crate) fn is_agent(doc: &Doc, m: &Mention, clause: &Clause) -> bool {
    let a = &doc.ex.actors[m.actor];
    if doc.gaz.is_news_agency(&a.label) {
        return false;
    }
    match (a.kind, m.form) {
        (ActorKind::State, Form::Demonym) => {
            let k = clause.tok_at(m.span.end);
            matches!(clause.word(k), "government" | "authorities" | "administration" | "officials" | "ministry" | "president" | "leader")
        }
        _ => true,
    }
}
