//! Recognise stage: find the actors and weapons an article mentions.
//!
//! Gazetteers from `data/` (states with names, demonyms and seats of power; IGOs; government
//! bodies; companies and armed groups; weapons) are compiled once into Aho-Corasick automata.
//! Persons and unlisted organisations are found by rules over capitalisation, titles,
//! appositions and speech verbs, since no permissively licensed English tagger ships its data.

pub mod lexicon;

use crate::error::{Error, Result};
use crate::model::{Actor, ActorKind, Extraction, Span, slug};
use crate::text::{self, Sentence, Token};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use lexicon::*;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const STATES: &str = include_str!("../../data/wikidata/states.tsv");
const IGOS: &str = include_str!("../../data/wikidata/igos.tsv");
const FORMER_STATES: &str = include_str!("../../data/wikidata/former_states.tsv");
const BODIES: &str = include_str!("../../data/gazetteer/gov_bodies.tsv");
const GENERIC_BODIES: &str = include_str!("../../data/gazetteer/generic_bodies.tsv");
const ORGS: &str = include_str!("../../data/gazetteer/organisations.tsv");
const PERSONS: &str = include_str!("../../data/gazetteer/persons.tsv");
const WEAPONS: &str = include_str!("../../data/lexicon/weapons.tsv");
const TITLES: &str = include_str!("../../data/lexicon/titles.tsv");
const STATE_TITLES: &str = include_str!("../../data/lexicon/state_titles.tsv");
const TRIGGERS: &str = include_str!("../../data/lexicon/triggers.toml");
const COREF: &str = include_str!("../../data/lexicon/coreference.toml");

/// What a gazetteer string names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    State(usize),
    FormerState(usize),
    Igo(usize),
    Body(usize),
    GenericBody(usize),
    Org(usize),
    Person(usize),
}

/// How a state is named: the distinction matters ("Russian companies" targets Russian
/// entities; "Moscow said" is the Russian government speaking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Name,
    Demonym,
    Seat,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Pattern {
    entry: Entry,
    form: Form,
    ambiguous: bool,
}

/// All bundled knowledge, compiled.
pub struct Gazetteer {
    pub states: Vec<StateRow>,
    pub former_states: Vec<FormerStateRow>,
    pub igos: Vec<IgoRow>,
    pub bodies: Vec<BodyRow>,
    pub generic_bodies: Vec<GenericBodyRow>,
    pub orgs: Vec<OrgRow>,
    pub persons: Vec<PersonRow>,
    pub weapons: Vec<WeaponRow>,
    pub titles: Vec<TitleRow>,
    pub state_titles: Vec<(String, String)>,
    pub triggers: Triggers,
    pub coref: Coref,
    pub state_by_qid: HashMap<String, usize>,
    names: AhoCorasick,
    patterns: Vec<Pattern>,
    /// State forms only, for overlapping search inside longer names.
    state_ac: AhoCorasick,
    state_pat: Vec<usize>,
    weapon_ac: AhoCorasick,
    weapon_pat: Vec<usize>,
    /// Head-noun rows of the weapon lexicon, by lower-cased term.
    pub weapon_heads: HashMap<String, usize>,
    /// Lower-cased words that occur in titles ("secretary", "minister", "spokesman").
    pub title_words: HashSet<String>,
    /// One-word titles a name never ends in.
    pub head_titles: HashSet<String>,
    title_ac: AhoCorasick,
    /// Names and aliases of news agencies.
    news_agencies: text::FxHashSet<String>,
    /// Speech verbs, for person cues.
    speech_verbs: text::FxHashSet<String>,
}

impl Gazetteer {
    /// The bundled gazetteer, built at first use. Bundled data is checked by the test suite,
    /// so failure here is a build defect; callers still get an error, not a panic.
    pub fn get() -> Result<&'static Gazetteer> {
        static G: OnceLock<std::result::Result<Gazetteer, String>> = OnceLock::new();
        G.get_or_init(|| Gazetteer::build().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Data { file: "data/", line: 0, problem: e.clone() })
    }

    pub fn build() -> Result<Gazetteer> {
        let states: Vec<StateRow> = Tsv::parse("data/wikidata/states.tsv", STATES)?
            .rows
            .into_iter()
            .map(|(_, r)| StateRow {
                qid: cell(&r, "qid").unwrap_or_default(),
                iso2: cell(&r, "iso2").unwrap_or_default(),
                name: cell(&r, "name").unwrap_or_default(),
                aliases: multi(&r, "aliases"),
                demonyms: multi(&r, "demonyms"),
                seats: multi(&r, "seats"),
                ambiguous: multi(&r, "ambiguous"),
            })
            .collect();
        let former_states: Vec<FormerStateRow> = Tsv::parse("data/wikidata/former_states.tsv", FORMER_STATES)?
            .rows
            .into_iter()
            .map(|(_, r)| FormerStateRow { qid: cell(&r, "qid").unwrap_or_default(), name: cell(&r, "name").unwrap_or_default(), aliases: multi(&r, "aliases") })
            .collect();
        let igos: Vec<IgoRow> = Tsv::parse("data/wikidata/igos.tsv", IGOS)?
            .rows
            .into_iter()
            .map(|(_, r)| {
                let name = cell(&r, "name").unwrap_or_default();
                let mut forms = vec![name.clone()];
                forms.extend(multi(&r, "acronym"));
                forms.extend(multi(&r, "aliases"));
                IgoRow { qid: cell(&r, "qid").unwrap_or_default(), name, forms, parent: cell(&r, "parent_qid") }
            })
            .collect();
        let bodies: Vec<BodyRow> = Tsv::parse("data/gazetteer/gov_bodies.tsv", BODIES)?
            .rows
            .into_iter()
            .map(|(_, r)| BodyRow {
                name: cell(&r, "name").unwrap_or_default(),
                aliases: multi(&r, "aliases"),
                state: cell(&r, "state"),
                kind: cell(&r, "kind").unwrap_or_default(),
                qid: cell(&r, "qid"),
            })
            .collect();
        let generic_bodies: Vec<GenericBodyRow> = Tsv::parse("data/gazetteer/generic_bodies.tsv", GENERIC_BODIES)?
            .rows
            .into_iter()
            .map(|(_, r)| GenericBodyRow { alias: cell(&r, "alias").unwrap_or_default(), kind: cell(&r, "kind").unwrap_or_default() })
            .filter(|g| !g.alias.is_empty())
            .collect();
        let orgs: Vec<OrgRow> = Tsv::parse("data/gazetteer/organisations.tsv", ORGS)?
            .rows
            .into_iter()
            .map(|(_, r)| OrgRow {
                name: cell(&r, "name").unwrap_or_default(),
                aliases: multi(&r, "aliases"),
                country: cell(&r, "country"),
                kind: cell(&r, "kind").unwrap_or_default(),
                qid: cell(&r, "qid"),
            })
            .collect();
        let persons: Vec<PersonRow> = Tsv::parse("data/gazetteer/persons.tsv", PERSONS)?
            .rows
            .into_iter()
            .map(|(_, r)| PersonRow { name: cell(&r, "name").unwrap_or_default(), aliases: multi(&r, "aliases"), country: cell(&r, "country"), role: cell(&r, "role") })
            .collect();
        let mut weapons = Vec::new();
        for (line, r) in Tsv::parse("data/lexicon/weapons.tsv", WEAPONS)?.rows {
            let cat = cell(&r, "category").unwrap_or_default();
            let category = category_concept(&cat).ok_or_else(|| Error::Data {
                file: "data/lexicon/weapons.tsv",
                line,
                problem: format!("unknown category {cat:?}"),
            })?;
            let Some(term) = cell(&r, "term") else { continue };
            let kind = cell(&r, "kind").unwrap_or_default();
            weapons.push(WeaponRow { term, category, system: kind == "system", head: kind == "head", qid: cell(&r, "qid") });
        }
        let titles: Vec<TitleRow> = Tsv::parse("data/lexicon/titles.tsv", TITLES)?
            .rows
            .into_iter()
            .filter_map(|(_, r)| Some(TitleRow { title: cell(&r, "title")?, kind: cell(&r, "kind").unwrap_or_default() }))
            .collect();
        let state_titles: Vec<(String, String)> = Tsv::parse("data/lexicon/state_titles.tsv", STATE_TITLES)?
            .rows
            .into_iter()
            .filter_map(|(_, r)| Some((cell(&r, "title")?, cell(&r, "state")?)))
            .collect();
        let triggers: Triggers = toml::from_str(TRIGGERS)
            .map_err(|e| Error::Data { file: "data/lexicon/triggers.toml", line: 0, problem: e.to_string() })?;
        let coref: Coref = toml::from_str(COREF)
            .map_err(|e| Error::Data { file: "data/lexicon/coreference.toml", line: 0, problem: e.to_string() })?;
        for m in triggers.sanction.measures.values() {
            if measure_concept(m).is_none() {
                return Err(Error::Data { file: "data/lexicon/triggers.toml", line: 0, problem: format!("unknown measure {m}") });
            }
        }

        // Names automaton: case-sensitive (proper nouns), leftmost-longest ("Washington, D.C."
        // beats "Washington"); all-caps variants catch datelines ("MOSCOW, March 3").
        let mut strings: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut add = |s: &str, p: Pattern, strings: &mut Vec<String>, patterns: &mut Vec<Pattern>| {
            let s = s.trim();
            // Typographic apostrophes: "People’s Republic of China" is the same name.
            let curly = s.contains('\'').then(|| s.replace('\'', "’"));
            for v in std::iter::once(s.to_string()).chain(curly) {
                if v.is_empty() || seen.contains_key(&v) {
                    continue;
                }
                seen.insert(v.clone(), patterns.len());
                strings.push(v);
                patterns.push(p);
            }
        };
        for (i, st) in states.iter().enumerate() {
            let amb = |s: &str| st.ambiguous.iter().any(|a| a == s);
            let mut forms: Vec<(String, Form)> = vec![(st.name.clone(), Form::Name)];
            forms.extend(st.aliases.iter().map(|a| (a.clone(), Form::Name)));
            forms.extend(st.demonyms.iter().map(|a| (a.clone(), Form::Demonym)));
            forms.extend(st.seats.iter().map(|a| (a.clone(), Form::Seat)));
            for (f, form) in forms {
                let p = Pattern { entry: Entry::State(i), form, ambiguous: amb(&f) };
                add(&f, p, &mut strings, &mut patterns);
                if let Some(rest) = f.strip_prefix("the ").or_else(|| f.strip_prefix("The ")) {
                    add(rest, p, &mut strings, &mut patterns);
                }
                if form != Form::Demonym && f.chars().filter(|c| c.is_alphabetic()).count() >= 4 && !amb(&f) {
                    add(&f.to_uppercase(), p, &mut strings, &mut patterns);
                }
            }
        }
        for (i, f) in former_states.iter().enumerate() {
            for form in std::iter::once(&f.name).chain(&f.aliases) {
                add(form, Pattern { entry: Entry::FormerState(i), form: Form::Name, ambiguous: false }, &mut strings, &mut patterns);
            }
        }
        for (i, g) in igos.iter().enumerate() {
            for f in &g.forms {
                add(f, Pattern { entry: Entry::Igo(i), form: Form::Other, ambiguous: false }, &mut strings, &mut patterns);
            }
        }
        for (i, b) in bodies.iter().enumerate() {
            for f in std::iter::once(&b.name).chain(&b.aliases) {
                add(f, Pattern { entry: Entry::Body(i), form: Form::Other, ambiguous: false }, &mut strings, &mut patterns);
            }
        }
        for (i, o) in orgs.iter().enumerate() {
            for f in std::iter::once(&o.name).chain(&o.aliases) {
                add(f, Pattern { entry: Entry::Org(i), form: Form::Other, ambiguous: false }, &mut strings, &mut patterns);
            }
        }
        for (i, pr) in persons.iter().enumerate() {
            for f in std::iter::once(&pr.name).chain(&pr.aliases) {
                add(f, Pattern { entry: Entry::Person(i), form: Form::Other, ambiguous: false }, &mut strings, &mut patterns);
            }
        }
        for (i, g) in generic_bodies.iter().enumerate() {
            // Lower-case forms ("Japan's foreign ministry") are kept only where a state attaches
            // to them (see `resolve_generic_bodies`).
            add(&g.alias, Pattern { entry: Entry::GenericBody(i), form: Form::Other, ambiguous: false }, &mut strings, &mut patterns);
        }
        let state_idx: Vec<usize> = (0..patterns.len()).filter(|&i| matches!(patterns[i].entry, Entry::State(_))).collect();
        let state_ac = AhoCorasickBuilder::new()
            .build(state_idx.iter().map(|&i| strings[i].as_str()))
            .map_err(|e| Error::Data { file: "data/", line: 0, problem: e.to_string() })?;
        let names = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&strings)
            .map_err(|e| Error::Data { file: "data/", line: 0, problem: e.to_string() })?;

        let mut wstrings = Vec::new();
        let mut weapon_pat = Vec::new();
        let mut wseen = HashSet::new();
        let mut weapon_heads = HashMap::new();
        for (i, w) in weapons.iter().enumerate() {
            let key = w.term.to_lowercase();
            if w.head {
                weapon_heads.entry(key).or_insert(i);
                continue;
            }
            if wseen.insert(key) {
                wstrings.push(w.term.clone());
                weapon_pat.push(i);
            }
        }
        let weapon_ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .build(&wstrings)
            .map_err(|e| Error::Data { file: "data/lexicon/weapons.tsv", line: 0, problem: e.to_string() })?;
        let title_strings: Vec<&str> = titles.iter().map(|t| t.title.as_str()).collect();
        let title_ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(true)
            .build(&title_strings)
            .map_err(|e| Error::Data { file: "data/lexicon/titles.tsv", line: 0, problem: e.to_string() })?;
        let title_words = titles
            .iter()
            .flat_map(|t| t.title.split(|c: char| !c.is_alphanumeric() && c != '-').map(str::to_lowercase).collect::<Vec<_>>())
            .filter(|w| w.len() > 1 && !matches!(w.as_str(), "of" | "the" | "for" | "and" | "on" | "in"))
            .collect();
        // One-word titles that head a role ("Ambassador", "Minister"); those that are also
        // common surnames ("Major", "King") stay out.
        let head_titles = titles
            .iter()
            .filter(|t| !t.title.contains(' ') && t.kind != "honorific")
            .map(|t| t.title.to_lowercase())
            .filter(|t| !matches!(t.as_str(), "king" | "major" | "justice" | "marshal" | "prince" | "queen" | "speaker" | "chancellor" | "dean"))
            .collect();
        let state_by_qid = states.iter().enumerate().map(|(i, s)| (s.qid.clone(), i)).collect();
        let news_agencies = orgs
            .iter()
            .filter(|o| o.kind == "news_agency")
            .flat_map(|o| std::iter::once(o.name.clone()).chain(o.aliases.iter().cloned()))
            .collect();
        let speech_verbs = triggers.statement.speech_verbs.iter().cloned().collect();
        Ok(Gazetteer {
            states,
            former_states,
            igos,
            bodies,
            generic_bodies,
            orgs,
            persons,
            weapons,
            titles,
            state_titles,
            triggers,
            coref,
            state_by_qid,
            names,
            patterns,
            state_ac,
            state_pat: state_idx,
            weapon_ac,
            weapon_pat,
            weapon_heads,
            title_words,
            head_titles,
            title_ac,
            news_agencies,
            speech_verbs,
        })
    }

    pub fn state_actor(&self, i: usize) -> Actor {
        let s = &self.states[i];
        Actor { iso: Some(s.iso2.clone()), ..table_actor(format!("state/{}", s.qid), ActorKind::State, &s.name, &s.qid) }
    }

    pub fn state_actor_by_qid(&self, qid: &str) -> Option<Actor> {
        self.state_by_qid.get(qid).map(|&i| self.state_actor(i))
    }

    fn former_state_actor(&self, i: usize) -> Actor {
        let f = &self.former_states[i];
        table_actor(format!("former-state/{}", f.qid), ActorKind::FormerState, &f.name, &f.qid)
    }

    pub fn igo_by_qid(&self, qid: &str) -> Option<usize> {
        self.igos.iter().position(|g| g.qid == qid)
    }

    pub fn igo_actor(&self, i: usize) -> Actor {
        let g = &self.igos[i];
        table_actor(format!("org/{}", g.qid), ActorKind::Igo, &g.name, &g.qid)
    }

    fn body_actor(&self, i: usize) -> Actor {
        let b = &self.bodies[i];
        Actor {
            key: b.qid.as_ref().map(|q| format!("org/{q}")).unwrap_or_else(|| format!("org/{}", slug(&b.name))),
            kind: ActorKind::GovernmentBody,
            label: b.name.clone(),
            qid: b.qid.clone(),
            country: b.state.clone(),
            role: None,
            iso: None,
            link_method: b.qid.as_ref().map(|_| "offline-table"),
            link_confidence: b.qid.as_ref().map(|_| 1.0),
        }
    }

    fn org_actor(&self, i: usize) -> Actor {
        let o = &self.orgs[i];
        let kind = match o.kind.as_str() {
            "company" | "state_company" | "bank" => ActorKind::Company,
            "armed_group" => ActorKind::ArmedGroup,
            _ => ActorKind::Organization,
        };
        Actor {
            key: o.qid.as_ref().map(|q| format!("org/{q}")).unwrap_or_else(|| format!("org/{}", slug(&o.name))),
            kind,
            label: o.name.clone(),
            qid: o.qid.clone(),
            country: o.country.clone(),
            role: None,
            iso: None,
            link_method: o.qid.as_ref().map(|_| "offline-table"),
            link_confidence: o.qid.as_ref().map(|_| 1.0),
        }
    }

    fn person_actor(&self, i: usize) -> Actor {
        let p = &self.persons[i];
        Actor {
            key: format!("person/{}", slug(&p.name)),
            kind: ActorKind::Person,
            label: p.name.clone(),
            qid: None,
            country: p.country.clone(),
            role: p.role.clone(),
            iso: None,
            link_method: None,
            link_confidence: None,
        }
    }

    /// A verb of saying ("said", "wrote"), lower-case.
    pub fn is_speech_verb(&self, word: &str) -> bool {
        self.speech_verbs.contains(word)
    }

    pub fn is_news_agency(&self, label: &str) -> bool {
        self.news_agencies.contains(label)
    }
}

/// An actor whose QID comes from a bundled table (states, former states, IGOs): linked offline,
/// with full confidence.
fn table_actor(key: String, kind: ActorKind, label: &str, qid: &str) -> Actor {
    Actor {
        key,
        kind,
        label: label.to_string(),
        qid: Some(qid.to_string()),
        country: None,
        role: None,
        iso: None,
        link_method: Some("offline-table"),
        link_confidence: Some(1.0),
    }
}

/// One actor mention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mention {
    pub span: Span,
    /// Index into the article's [`Extraction::actors`].
    pub actor: usize,
    pub form: Form,
    pub entry: Option<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeaponMention {
    pub span: Span,
    pub row: usize,
}

/// An article with everything the recogniser found: the input to extraction.
pub struct Doc<'a> {
    pub text: &'a str,
    pub sentences: Vec<Sentence>,
    pub paragraphs: Vec<Span>,
    /// Sorted by start.
    pub mentions: Vec<Mention>,
    pub weapons: Vec<WeaponMention>,
    pub ex: Extraction,
    pub gaz: &'static Gazetteer,
    /// Tokens of each sentence (`text::tokens` of its span), by sentence index.
    pub sentence_tokens: Vec<Vec<Token<'a>>>,
    /// The longest mention's length in bytes (bounds the binary search of `overlaps_mention`).
    pub longest_mention: usize,
}

impl Doc<'_> {
    /// Does any mention overlap the span? A binary search over the mentions (sorted by start),
    /// not a scan of the article's.
    pub fn overlaps_mention(&self, span: Span) -> bool {
        let lo = self.mentions.partition_point(|m| m.span.start + self.longest_mention <= span.start);
        self.mentions[lo..].iter().take_while(|m| m.span.start < span.end).any(|m| m.span.overlaps(span))
    }
}

const STOP: &[&str] = &[
    "The", "A", "An", "This", "That", "These", "Those", "It", "He", "She", "We", "They", "I", "In", "On",
    "At", "For", "By", "With", "From", "To", "Today", "Yesterday", "Tomorrow", "But", "And", "Or", "As",
    "After", "Before", "While", "When", "Since", "Also", "However", "According", "Under", "Over",
    "Following", "During", "Its", "His", "Her", "Their", "Our", "Your", "My", "If", "Of", "Such", "Some",
    "All", "Any", "Each", "Both", "Many", "Most", "Other", "Another", "Further", "Additionally", "Meanwhile",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.", "Sept.", "Oct.", "Nov.", "Dec.",
    "There", "Here", "What", "Who", "Which", "Where", "Why", "How", "Not", "No", "Yes", "Then", "Now",
    "Because", "Although", "Though", "Despite", "Through", "Against", "Among", "Between", "Within",
    "Without", "Until", "Once", "Last", "Next", "First", "Second", "Third", "New", "Our", "Mr", "Ms",
    "Mrs", "Dr", "Mr.", "Ms.", "Mrs.", "Dr.", "Sir", "Lord", "Dame", "Madam", "Former", "Prime", "Vice",
    "Deputy", "Senior", "Chief", "Acting", "Interim", "Special", "Executive", "E.O.", "Section",
    "Part", "Article", "Annex", "Resolution", "Regulation", "Decision", "Council", "Ministers",
];

/// Words that make a capitalised run an organisation rather than a person.
const ORG_WORDS: &[&str] = &[
    "Ministry", "Department", "Council", "Agency", "Bureau", "Office", "Corporation", "Corp", "Corp.",
    "Company", "Co", "Co.", "Group", "Bank", "Industries", "Industry", "Ltd", "Ltd.", "LLC", "Inc",
    "Inc.", "Forces", "Force", "Army", "Navy", "University", "Institute", "Committee", "Commission",
    "Union", "Republic", "Federation", "Kingdom", "States", "Party", "Airlines", "Air", "Trading",
    "Technology", "Technologies", "Systems", "Service", "Services", "Law", "Act", "Program",
    "Programme", "List", "Order", "War", "Sea", "Region", "Oblast", "Province", "City", "Street",
    "Center", "Centre", "Plant", "Factory", "Enterprise", "Enterprises", "Holding", "Holdings",
    "Limited", "Aviation", "Aerospace", "Electronics", "Shipping", "Energy", "Oil", "Gas", "Security",
    "Defense", "Defence", "Affairs", "Foreign", "Treasury", "Administration", "Association", "Network",
    "Import", "Export", "Trade", "Logistics", "Engineering", "Research", "Academy", "Guard", "Corps",
    "Division", "Brigade", "Battalion", "Regiment", "Command", "Authority", "Organization",
    "Organisation", "Alliance", "Coalition", "Front", "Movement", "Fund", "Foundation", "Exchange",
    "Parliament", "Assembly", "Congress", "Senate", "Court", "Tribunal", "Embassy", "Mission",
    "Representative", "Chamber", "Partnership", "Cooperation", "Development", "Manufacturing",
    "Works", "Design", "Machinery", "Machine", "Equipment", "Instruments", "Motors", "Port", "Airport",
    "Zone", "Park", "Base", "Island", "Islands", "Peninsula", "Strait", "Ocean", "River", "Mountains",
    "Sanctions", "Regulations", "Rule", "Rules", "Policy", "Strategy", "Day", "Week", "Year", "Month",
    "Missile", "Missiles", "System", "Rocket", "Rockets", "Drone", "Drones", "Ballistic", "Nuclear",
    "Military", "Armed", "People's", "National", "International", "Global", "Federal", "State",
    "Economic", "Cultural", "Agreement", "Treaty", "Convention", "Charter", "Summit", "Conference",
    "Forum", "Package", "Initiative", "Operation", "Project", "Programmes", "Industrial", "Complex",
    "Fleet", "Troops", "Ukrainian", "Russian", "Chinese",
];

fn stop_set() -> &'static text::FxHashSet<&'static str> {
    static SET: OnceLock<text::FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOP.iter().copied().collect())
}

fn org_word_set() -> &'static text::FxHashSet<&'static str> {
    static SET: OnceLock<text::FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| ORG_WORDS.iter().copied().collect())
}

/// Particles allowed inside a person's name ("Osama bin Laden", "Ursula von der Leyen").
const PARTICLES: &[&str] = &["bin", "al", "de", "van", "von", "der", "da", "di", "le", "la", "del", "dos", "ibn", "el"];

/// Words after a name that show it is a person ("X said", "X, who").
fn is_person_cue(word: &str, gaz: &Gazetteer) -> bool {
    gaz.speech_verbs.contains(word) || matches!(word, "who" | "whose" | "himself" | "herself")
}

/// Run recognition over one article.
pub fn recognise<'a>(text: &'a str, gaz: &'static Gazetteer) -> Doc<'a> {
    let sentences = text::sentences(text);
    let paragraphs = text::paragraphs(text);
    let mut ex = Extraction::default();
    let mut mentions: Vec<Mention> = Vec::new();

    // 1. Gazetteer names.
    for m in gaz.names.find_iter(text) {
        let span = Span::new(m.start(), m.end());
        if !word_bounded(text, span) {
            continue;
        }
        let p = gaz.patterns[m.pattern().as_usize()];
        if p.ambiguous && !ambiguous_ok(text, span) && !before_title(text, span, gaz) {
            continue;
        }
        if !in_paragraphs(&paragraphs, span) || (matches!(p.entry, Entry::State(_)) && text[span.end..].starts_with('$')) {
            continue; // a related-articles line; a currency ("US$6 billion")
        }
        // A body or company whose name holds a state's name or seat ("Taipei Economic and
        // Cultural Representative Office") mentions that state too.
        if matches!(p.entry, Entry::Body(_) | Entry::Org(_)) {
            let inner = &text[span.start..span.end];
            for im in gaz.state_ac.find_overlapping_iter(inner) {
                let ip = gaz.patterns[gaz.state_pat[im.pattern().as_usize()]];
                if let Entry::State(si) = ip.entry {
                    if ip.form != Form::Demonym && !ip.ambiguous && word_bounded(inner, Span::new(im.start(), im.end())) {
                        let st = ex.intern(gaz.state_actor(si));
                        ex.mention(st);
                    }
                }
            }
        }
        let actor = match p.entry {
            Entry::State(i) => gaz.state_actor(i),
            Entry::FormerState(i) => gaz.former_state_actor(i),
            Entry::Igo(i) => gaz.igo_actor(i),
            Entry::Body(i) => gaz.body_actor(i),
            Entry::Org(i) => gaz.org_actor(i),
            Entry::Person(i) => gaz.person_actor(i),
            Entry::GenericBody(i) => {
                // Resolved below, once state mentions are known.
                Actor {
                    key: format!("generic/{i}"),
                    kind: ActorKind::GovernmentBody,
                    label: gaz.generic_bodies[i].alias.clone(),
                    qid: None,
                    country: None,
                    role: None,
                    iso: None,
                    link_method: None,
                    link_confidence: None,
                }
            }
        };
        mentions.push(Mention { span, actor: usize::MAX, form: p.form, entry: Some(p.entry) });
        let idx = ex.intern(actor);
        if let Some(last) = mentions.last_mut() {
            last.actor = idx;
        }
    }
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    definite_descriptions(text, gaz, &paragraphs, &mut ex, &mut mentions);
    mentions.sort_by_key(|m| (m.span.start, m.span.end));
    resolve_generic_bodies(text, gaz, &mut ex, &mut mentions);

    // 2. Persons and unlisted organisations, sentence by sentence.
    let mut persons: Vec<(String, usize)> = Vec::new(); // (surname, actor)
    // Listed persons named in full ("Shinzo Abe") are known by their surname too.
    for m in &mentions {
        let a = &ex.actors[m.actor];
        if a.kind == ActorKind::Person {
            if let Some(sn) = a.label.rsplit(' ').next().filter(|sn| sn.chars().count() > 2 && a.label.contains(' ')) {
                if !persons.iter().any(|(s, _)| s == sn) {
                    persons.push((sn.to_string(), m.actor));
                }
            }
        }
    }
    let sent_toks: Vec<Vec<Token>> = sentences.iter().map(|s| text::tokens(text, s.span)).collect();
    // Mentions found so far are sorted by start (find_names appends its own, which never reach
    // into another sentence): each sentence looks only at those that can overlap it, found by
    // binary search, not at every mention of the article.
    let sorted = mentions.len();
    let max_len = mentions.iter().map(|m| m.span.end - m.span.start).max().unwrap_or(0);
    for (s, toks) in sentences.iter().zip(&sent_toks) {
        let lo = mentions[..sorted].partition_point(|m| m.span.start + max_len < s.span.start);
        let hi = mentions[..sorted].partition_point(|m| m.span.start < s.span.end);
        let near: Vec<Span> = mentions[lo..hi].iter().map(|m| m.span).filter(|sp| sp.overlaps(s.span)).collect();
        find_names(text, s.span, toks, gaz, &mut ex, &mut mentions, &mut persons, &near);
    }
    // 3. Bare surnames of known persons ("Nelson stated").
    if !persons.is_empty() {
        // The mentions so far by start, with the longest one's length: those that can overlap a
        // token are found by binary search, not by scanning every mention for every surname.
        // (A surname added here lies inside its token; tokens never overlap, so it cannot
        // overlap a later one.)
        let mut known: Vec<Span> = mentions.iter().map(|m| m.span).collect();
        known.sort_by_key(|sp| (sp.start, sp.end));
        let longest = known.iter().map(|sp| sp.end - sp.start).max().unwrap_or(0);
        let overlaps_known = |span: Span| {
            let lo = known.partition_point(|m| m.start + longest <= span.start);
            known[lo..].iter().take_while(|m| m.start < span.end).any(|m| m.overlaps(span))
        };
        for toks in &sent_toks {
            for &t in toks {
                let bare = crate::text::unpossessed(t.text);
                if let Some(&(_, actor)) = persons.iter().find(|(sn, _)| sn == bare) {
                    let span = Span::new(t.span.start, t.span.start + bare.len());
                    if !overlaps_known(span) {
                        mentions.push(Mention { span, actor, form: Form::Other, entry: None });
                    }
                }
            }
        }
    }
    mentions.sort_by_key(|m| (m.span.start, m.span.end));

    // 4. Weapons.
    let mut weapons = Vec::new();
    for m in gaz.weapon_ac.find_iter(text) {
        let span = Span::new(m.start(), m.end());
        if word_bounded(text, span) {
            weapons.push(WeaponMention { span, row: gaz.weapon_pat[m.pattern().as_usize()] });
        }
    }

    for i in 0..ex.actors.len() {
        if ex.actors[i].kind == ActorKind::State {
            ex.mention(i);
        }
    }
    let longest_mention = mentions.iter().map(|m| m.span.end - m.span.start).max().unwrap_or(0);
    Doc { text, sentences, paragraphs, mentions, weapons, ex, gaz, sentence_tokens: sent_toks, longest_mention }
}

/// Is the span inside one of the (sorted) paragraphs?
fn in_paragraphs(paras: &[Span], span: Span) -> bool {
    let i = paras.partition_point(|p| p.end < span.end);
    paras.get(i).is_some_and(|p| p.contains(span))
}

/// The match is a whole word (or words): no letter or digit glued on either side.
pub fn word_bounded(text: &str, span: Span) -> bool {
    let before = text[..span.start].chars().next_back();
    let after = text[span.end..].chars().next();
    !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
        && !after.is_some_and(|c| c.is_alphanumeric() || c == '_')
        // "U.S" must not match inside "U.S.": a period glued after an acronym ending in a letter.
        && !(after == Some('.') && text[span.end..].chars().nth(1).is_some_and(|c| c.is_uppercase()) && text[span.start..span.end].contains('.'))
}

/// An ambiguous name ("Jordan", "Georgia", "Washington") counts only when no capitalised
/// word is glued to it, as in "Michael Jordan" or "Washington Post".
/// Rule recognise.state-before-title: "US Ambassador", "US Secretary of State": an ambiguous
/// state form right before a title word is the state, though a capital follows.
fn before_title(text: &str, span: Span, gaz: &Gazetteer) -> bool {
    let Some(rest) = text[span.end..].strip_prefix(' ') else { return false };
    let w: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '-').collect();
    w.starts_with(char::is_uppercase) && gaz.title_words.contains(&w.to_lowercase()) && !stop_set().contains(w.as_str())
}

fn ambiguous_ok(text: &str, span: Span) -> bool {
    let after = text[span.end..].trim_start_matches(' ');
    let next_cap = text[span.end..].starts_with(' ') && after.chars().next().is_some_and(char::is_uppercase);
    let before = &text[..span.start];
    let prev_word = before.trim_end_matches(' ');
    let prev_cap = before.ends_with(' ')
        && prev_word
            .rsplit(|c: char| !c.is_alphanumeric() && c != '.')
            .next()
            .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase) && !stop_set().contains(w));
    // "US" inside all-caps text is a word, not the country.
    let shouting = text[span.start..span.end] == *"US"
        && after.split_whitespace().next().is_some_and(|w| w.len() > 2 && w.chars().all(|c| c.is_uppercase()));
    !next_cap && !prev_cap && !shouting
}

/// Definite descriptions (`data/lexicon/coreference.toml`): "the North" (recognise.coref-state),
/// a bare "the Council" (recognise.coref-council), "the country" / "the two countries"
/// (recognise.coref-country). Mentions must be sorted by start.
fn definite_descriptions(text: &str, gaz: &Gazetteer, paras: &[Span], ex: &mut Extraction, mentions: &mut Vec<Mention>) {
    let co = &gaz.coref;
    // `mentions` is sorted by start and stays as it is below (new ones go to `added`): a
    // description's overlapping mentions are found by binary search, bounded by the longest.
    let longest = mentions.iter().map(|m| m.span.end - m.span.start).max().unwrap_or(0);
    let free = |span: Span, mentions: &[Mention]| {
        let lo = mentions.partition_point(|m| m.span.start + longest <= span.start);
        word_bounded(text, span) && in_paragraphs(paras, span) && !mentions[lo..].iter().take_while(|m| m.span.start < span.end).any(|m| m.span.overlaps(span))
    };
    let state_named = |ex: &Extraction, q: &str| ex.actors.iter().any(|a| a.kind == ActorKind::State && a.qid.as_deref() == Some(q));
    // All forms are searched in one pass; per form, the same non-overlapping, left-to-right
    // occurrences as `str::match_indices`.
    let occ = coref_occurrences(text, gaz);
    let match_indices = |f: &str| -> Vec<usize> {
        match &occ {
            Some(o) => o.get(f).cloned().unwrap_or_default(),
            None => text.match_indices(f).map(|(p, _)| p).collect(),
        }
    };
    let mut added: Vec<Mention> = Vec::new();
    for d in &co.state_descriptions {
        if !state_named(ex, &d.state) {
            continue;
        }
        let Some(&si) = gaz.state_by_qid.get(&d.state) else { continue };
        let head = d.form.trim_start_matches("the ");
        for p in match_indices(head) {
            let span = Span::new(p, p + head.len());
            let det = text[..p].ends_with("the ") || text[..p].ends_with("The ");
            // "the North Korean ...", "the North Atlantic": the description is the whole noun phrase.
            let next_cap = text[span.end..].strip_prefix(' ').is_some_and(|r| r.starts_with(char::is_uppercase));
            if det && !next_cap && free(span, mentions) {
                let idx = ex.intern(gaz.state_actor(si));
                added.push(Mention { span, actor: idx, form: Form::Name, entry: Some(Entry::State(si)) });
            }
        }
    }
    // Bare councils, in text order.
    let mut found: Vec<(Span, bool)> = Vec::new();
    // The same spans, start -> end: they never overlap one another, so only the one starting
    // last before a new span's end can overlap it.
    let mut found_at: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for f in &co.council.forms {
        for p in match_indices(f.as_str()) {
            let span = Span::new(p, p + f.len());
            let det = text[..p].ends_with("the ") || text[..p].ends_with("The ");
            let of = text[span.end..].starts_with(" of");
            let overlaps_found = found_at.range(..span.end).next_back().is_some_and(|(&s, &e)| Span::new(s, e).overlaps(span));
            if det && !of && free(span, mentions) && !overlaps_found {
                found.push((span, f.contains("Security")));
                found_at.insert(span.start, span.end);
            }
        }
    }
    found.sort_by_key(|(s, _)| s.start);
    let igo_named = |ex: &Extraction, q: &str| ex.actors.iter().any(|a| a.qid.as_deref() == Some(q));
    let mut resolved: Option<usize> = None;
    // Council mentions, in text order (the last one before a description is its referent).
    let councils: Vec<Mention> = mentions.iter().filter(|m| matches!(m.entry, Some(Entry::Igo(_))) && ex.actors[m.actor].label.contains("Council")).copied().collect();
    for (span, security) in found {
        let before = councils.partition_point(|m| m.span.start <= span.start);
        let last_council = councils[..before].iter().rev().find(|m| m.span.end <= span.start).map(|m| m.actor);
        let target = resolved.or(last_council).or_else(|| {
            let q = if security {
                &co.council.un_security_council
            } else if igo_named(ex, &co.council.eu) {
                &co.council.eu_council
            } else if igo_named(ex, &co.council.un) || igo_named(ex, &co.council.un_security_council) {
                &co.council.un_security_council
            } else {
                return None;
            };
            gaz.igo_by_qid(q).map(|i| ex.intern(gaz.igo_actor(i)))
        });
        if let Some(t) = target {
            resolved = Some(t);
            let entry = gaz.igo_by_qid(ex.actors[t].qid.as_deref().unwrap_or("")).map(Entry::Igo);
            added.push(Mention { span, actor: t, form: Form::Other, entry });
        }
    }
    // "the country", "the two countries": the last states named before.
    // States named (by name or seat) in text order; for each, the nearest earlier one naming
    // another state; and each actor's first mention's entry. With these, the last one or two
    // distinct states before a description are found without walking back over every mention.
    let named: Vec<&Mention> = mentions.iter().filter(|m| matches!(m.entry, Some(Entry::State(_))) && matches!(m.form, Form::Name | Form::Seat)).collect();
    let mut prev_other: Vec<Option<usize>> = vec![None; named.len()];
    for i in 1..named.len() {
        prev_other[i] = if named[i - 1].actor != named[i].actor { Some(i - 1) } else { prev_other[i - 1] };
    }
    let mut first_entry: HashMap<usize, Option<Entry>> = HashMap::new();
    for m in mentions.iter() {
        first_entry.entry(m.actor).or_insert(m.entry);
    }
    for (forms, n) in [(&co.country.one, 1usize), (&co.country.two, 2usize)] {
        for f in forms {
            for p in match_indices(f.as_str()) {
                let span = Span::new(p, p + f.len());
                if !free(span, mentions) {
                    continue;
                }
                // The distinct states of the named ones ending by `p`, nearest first, up to n.
                let ends_by = |i: usize| named[i].span.end <= p;
                let hi = named.partition_point(|m| m.span.start <= p);
                let mut states: Vec<usize> = Vec::new();
                if let Some(i0) = (0..hi).rev().find(|&i| ends_by(i)) {
                    states.push(named[i0].actor);
                    let mut j = prev_other[i0];
                    while states.len() < n {
                        let Some(k) = j else { break };
                        if states.contains(&named[k].actor) {
                            j = prev_other[k];
                        } else if ends_by(k) {
                            states.push(named[k].actor);
                            j = k.checked_sub(1);
                        } else {
                            j = k.checked_sub(1);
                        }
                    }
                }
                states.truncate(n);
                if states.len() == n {
                    for a in states {
                        let entry = first_entry.get(&a).copied().flatten();
                        added.push(Mention { span, actor: a, form: Form::Other, entry });
                    }
                }
            }
        }
    }
    mentions.extend(added);
}

/// The coreference forms `definite_descriptions` searches for, compiled once (None when a form
/// is empty: then it falls back to `str::match_indices`).
fn coref_ac(gaz: &Gazetteer) -> &'static Option<(AhoCorasick, Vec<String>)> {
    static AC: OnceLock<Option<(AhoCorasick, Vec<String>)>> = OnceLock::new();
    AC.get_or_init(|| {
        let co = &gaz.coref;
        let mut forms: Vec<String> = Vec::new();
        let all = co
            .state_descriptions
            .iter()
            .map(|d| d.form.trim_start_matches("the ").to_string())
            .chain(co.council.forms.iter().cloned())
            .chain(co.country.one.iter().cloned())
            .chain(co.country.two.iter().cloned());
        for f in all {
            if !forms.contains(&f) {
                forms.push(f);
            }
        }
        if forms.iter().any(String::is_empty) {
            return None;
        }
        AhoCorasickBuilder::new().build(&forms).ok().map(|ac| (ac, forms))
    })
}

/// Per form: start offsets of its non-overlapping occurrences, leftmost first.
fn coref_occurrences<'g>(text: &str, gaz: &'g Gazetteer) -> Option<HashMap<&'static str, Vec<usize>>> {
    let (ac, forms) = coref_ac(gaz).as_ref()?;
    let mut out: HashMap<&'static str, Vec<usize>> = forms.iter().map(|f| (f.as_str(), Vec::new())).collect();
    let mut last_end: Vec<usize> = vec![0; forms.len()];
    // Overlapping matches come by end offset; for one pattern (fixed length) that is start order.
    for m in ac.find_overlapping_iter(text) {
        let i = m.pattern().as_usize();
        if m.start() >= last_end[i] {
            last_end[i] = m.end();
            if let Some(v) = out.get_mut(forms[i].as_str()) {
                v.push(m.start());
            }
        }
    }
    Some(out)
}

/// The article's home state: the state named (by name or seat) most often, if it leads clearly.
fn home_state(ex: &Extraction, mentions: &[Mention]) -> Option<usize> {
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for m in mentions {
        // A state named, or a body of a state ("the Government of Japan").
        let st = match m.entry {
            Some(Entry::State(_)) if m.form != Form::Other => Some(m.actor),
            Some(Entry::Body(_)) => ex.actors[m.actor].country.as_ref().and_then(|q| ex.actors.iter().position(|a| a.kind == ActorKind::State && a.qid.as_ref() == Some(q))),
            _ => None,
        };
        let Some(st) = st else { continue };
        match counts.iter_mut().find(|(a, _)| *a == st) {
            Some(c) => c.1 += 1,
            None => counts.push((st, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1));
    let first = counts.first()?;
    let clear = first.1 >= 2 && counts.get(1).is_none_or(|s| first.1 > s.1);
    clear.then_some(first.0)
}

/// A generic body ("Foreign Ministry") of a given state: one node per state and body.
fn state_body(st: &StateRow, alias: &str, label: String) -> Actor {
    Actor {
        key: format!("org/{}-{}", st.iso2.to_lowercase(), slug(alias)),
        kind: ActorKind::GovernmentBody,
        label,
        qid: None,
        country: Some(st.qid.clone()),
        role: None,
        iso: None,
        link_method: None,
        link_confidence: None,
    }
}

/// "the Russian Foreign Ministry", "Russia's Foreign Ministry", "Foreign Ministry of Russia":
/// a generic body takes the state named next to it; otherwise it stays stateless.
fn resolve_generic_bodies(text: &str, gaz: &Gazetteer, ex: &mut Extraction, mentions: &mut Vec<Mention>) {
    let home = home_state(ex, mentions).and_then(|a| ex.actors[a].qid.as_ref()).and_then(|q| gaz.state_by_qid.get(q).copied());
    let states: Vec<(Span, usize)> = mentions
        .iter()
        .filter_map(|m| match m.entry {
            Some(Entry::State(i)) => Some((m.span, i)),
            _ => None,
        })
        .collect();
    // Only a state right before the body (spaces and "'s" between) or right after it ("of",
    // "of the") can qualify: those are found by binary search over the states (in text order),
    // not by testing every state of the article for every body.
    let longest = states.iter().map(|(s, _)| s.end - s.start).max().unwrap_or(0);
    let ws_before = |at: usize| text[..at].len() - text[..at].trim_end().len();
    let ws_after = |at: usize| text[at..].len() - text[at..].trim_start().len();
    for m in mentions.iter_mut() {
        let Some(Entry::GenericBody(gi)) = m.entry else { continue };
        let qualifies = |s: &Span| {
            let between = if s.end <= m.span.start { &text[s.end..m.span.start] } else if m.span.end <= s.start { &text[m.span.end..s.start] } else { "x" };
            let b = between.trim();
            (s.end <= m.span.start && (b.is_empty() || b == "'s" || b == "’s"))
                || (m.span.end <= s.start && (b == "of" || b == "of the"))
        };
        // Before: a state ending at or after `lo` (spaces, an optional "'s", spaces, the body).
        let p0 = m.span.start - ws_before(m.span.start);
        let p1 = ["'s", "’s"].iter().find(|e| text[..p0].ends_with(**e)).map_or(p0, |e| p0 - e.len());
        let lo = p1 - ws_before(p1);
        let a_lo = states.partition_point(|(s, _)| s.start + longest < lo);
        let a_hi = states.partition_point(|(s, _)| s.start <= m.span.start);
        // After: a state starting by `hi` (spaces, "of", an optional " the", spaces).
        let mut hi = m.span.end + ws_after(m.span.end);
        if text[hi..].starts_with("of") {
            hi += 2;
            if text[hi..].starts_with(" the") {
                hi += 4;
            }
            hi += ws_after(hi);
        }
        let b_lo = states.partition_point(|(s, _)| s.start < m.span.end);
        let b_hi = states.partition_point(|(s, _)| s.start <= hi);
        let first = |from: usize, to: usize| states.get(from..to.max(from)).and_then(|r| r.iter().find(|(s, _)| qualifies(s)));
        let state = first(a_lo, a_hi).or_else(|| first(b_lo.max(a_hi), b_hi));
        let g = &gaz.generic_bodies[gi];
        // Rule recognise.generic-lowercase: "the ministry", "a foreign ministry official" stay
        // common nouns; "Japan's foreign ministry", "the Russian embassy" name a body.
        if state.is_none() && g.alias.starts_with(char::is_lowercase) {
            m.entry = None;
            m.actor = usize::MAX;
            continue;
        }
        let actor = match state {
            Some(&(_, si)) => {
                let st = &gaz.states[si];
                state_body(st, &g.alias, format!("{} {}", st.demonyms.first().unwrap_or(&st.name), g.alias))
            }
            // Unattached: the body of the article's home state (recognise.generic-home-state).
            None => match home {
                Some(si) => state_body(&gaz.states[si], &g.alias, g.alias.clone()),
                None => ex.actors[m.actor].clone(),
            },
        };
        m.actor = ex.intern(actor);
    }
    mentions.retain(|m| m.actor != usize::MAX);
}

/// "Thea D. Rozman": a one-letter initial, its period and a space.
fn initial_gap(text: &str, a: &Token, b: &Token) -> bool {
    a.text.len() == 1 && a.text.chars().all(|c| c.is_ascii_uppercase()) && &text[a.span.end..b.span.start] == ". "
}

fn gap_is_space(text: &str, a: &Token, b: &Token) -> bool {
    text[a.span.end..b.span.start].chars().all(|c| c == ' ')
}

fn find_names(
    text: &str,
    sent: Span,
    toks: &[Token],
    gaz: &Gazetteer,
    ex: &mut Extraction,
    mentions: &mut Vec<Mention>,
    persons: &mut Vec<(String, usize)>,
    spans: &[Span],
) {
    // Only mentions overlapping the sentence can cover its tokens (given by the caller, sorted
    // by start): a binary search finds the few that can reach a token.
    let longest = spans.iter().map(|s| s.end - s.start).max().unwrap_or(0);
    let covered = |t: &Token| {
        let i = spans.partition_point(|s| s.start < t.span.end);
        spans[..i].iter().rev().take_while(|s| s.start + longest >= t.span.start).any(|s| s.overlaps(t.span))
    };
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        let starts = t.is_capitalised() && !covered(t) && !stop_set().contains(t.text);
        if !starts {
            i += 1;
            continue;
        }
        // Grow a run of capitalised tokens separated by single spaces.
        let mut j = i + 1;
        while j < toks.len() && (gap_is_space(text, &toks[j - 1], &toks[j]) || initial_gap(text, &toks[j - 1], &toks[j])) && !covered(&toks[j]) {
            let w = toks[j].text;
            let cap = toks[j].is_capitalised();
            let particle = PARTICLES.contains(&w) && toks.get(j + 1).is_some_and(|n| n.is_capitalised());
            // Rule recognise.hyphen-particle: "Karim al-Masri", "Abdel Fattah el-Sisi": a particle
            // joined to a capitalised surname by a hyphen continues the name.
            let joined = w.split_once('-').is_some_and(|(p, rest)| PARTICLES.contains(&p) && rest.chars().next().is_some_and(char::is_uppercase));
            if cap || particle || joined {
                j += 1;
            } else {
                break;
            }
        }
        let run = &toks[i..j];
        // Strip leading title words ("Foreign Secretary Liz Truss").
        let mut k = 0;
        while k < run.len() && gaz.title_words.contains(&run[k].lower().trim_end_matches('.').to_string()) {
            k += 1;
        }
        let org_word = |t: &Token| org_word_set().contains(crate::text::unpossessed(t.text));
        // A long title that runs into the name: "... for Industry and Security Alan Estevez",
        // "Secretary of the Treasury Janet L. Yellen". The name starts after the last org word,
        // when a title word heads the chain of capitalised words and connectives before it.
        let mut chain_role: Option<usize> = None;
        if let Some(last_org) = run[k..].iter().rposition(|t| org_word(t)).map(|p| p + k) {
            let p = last_org + 1;
            if (2..=4).contains(&(run.len() - p)) && !(j < toks.len() && gap_is_space(text, &toks[j - 1], &toks[j]) && toks[j].is_capitalised()) {
                chain_role = title_chain_start(toks, i + p, gaz);
                if chain_role.is_some() {
                    k = p;
                }
            }
        }
        if k > 0 && chain_role.is_none() {
            chain_role = title_chain_start(toks, i + k, gaz);
        }
        // "Defence Minister Anna Kowal" after a demonym: the chain ends in title words too.
        if chain_role.is_some() {
            while k < run.len() && gaz.title_words.contains(&run[k].lower().trim_end_matches('.').to_string()) {
                k += 1;
            }
        }
        let name_toks = &run[k..];
        let is_org = name_toks.iter().any(|t| org_word(t)) || (k == 0 && run.iter().any(|t| org_word(t)));
        if is_org || name_toks.is_empty() {
            i = j;
            continue;
        }
        let n = name_toks.len();
        let last_clean = crate::text::unpossessed(name_toks[n - 1].text);
        let name_span = Span::new(name_toks[0].span.start, name_toks[n - 1].span.start + last_clean.len());
        let name = &text[name_span.start..name_span.end];
        let all_caps = name_toks.iter().all(|t| t.text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase));
        // "President Obama", "Secretary Teodoro": a lone surname right after a title is a person
        // too (rule recognise.titled-surname); untitled single words stay unknown.
        let titled_surname = n == 1 && k > 0 && name_toks[0].text.chars().count() > 2 && !org_word(&name_toks[0]) && j - i == run.len();
        // Rule recognise.quoted-surname: "“…,” Podolyak wrote": one capitalised word between a
        // closing quotation and a speech verb is the speaker's surname.
        let quoted_surname = n == 1
            && k == 0
            && j - i == 1
            && name_toks[0].text.chars().count() > 2
            && text[sent.start..name_span.start].trim_end().trim_end_matches([',', '.']).ends_with(['”', '"'])
            && toks.get(j).is_some_and(|t| gaz.speech_verbs.contains(&t.lower()))
            && !gaz.is_news_agency(name_toks[0].text)
            && !persons.iter().any(|(sn, _)| sn == name_toks[0].text);
        // A name never ends in a title word ("US Ambassador").
        let ends_in_title = gaz.head_titles.contains(&name_toks[n - 1].lower());
        if !((2..=4).contains(&n) || titled_surname || quoted_surname) || all_caps || ends_in_title || name_toks.iter().any(|t| stop_set().contains(t.text)) {
            i = j;
            continue;
        }
        // Evidence that this is a person. Rule recognise.role-apposition-before: "her Czech
        // counterpart, Tomas Brezina, signed": a title, a comma, the name and a closing comma.
        let comma_role = || {
            let closed = text[name_span.end..sent.end].starts_with(',');
            let b = name_span.start.checked_sub(2).filter(|&b| closed && text.get(b..name_span.start) == Some(", "))?;
            role_before(text, sent, toks, b, gaz)
        };
        let role_before = role_before(text, sent, toks, name_span.start, gaz).or(chain_role).or_else(comma_role);
        let titled = k > 0 || role_before.is_some();
        let apposition = apposition_after(text, sent, name_span.end, gaz);
        let next_word = toks.get(j).map(|t| t.lower()).unwrap_or_default();
        let prev_word = if i > 0 { toks[i - 1].lower() } else { String::new() };
        let cue = is_person_cue(&next_word, gaz)
            || (is_person_cue(&prev_word, gaz) && !matches!(prev_word.as_str(), "called" | "calls" | "described"))
            || (i >= 2 && toks[i - 2].lower() == "according" && prev_word == "to");
        if !(titled || apposition.is_some() || cue) {
            i = j;
            continue;
        }
        let role_span = match (k > 0, role_before) {
            (_, Some(r)) => Some(Span::new(r, name_span.start)),
            (true, None) => Some(Span::new(run[0].span.start, name_span.start)),
            _ => apposition,
        };
        let role = role_span.map(|r| text[r.start..r.end].trim().trim_matches(',').trim().to_string()).filter(|r| !r.is_empty());
        let country = role_span.and_then(|r| country_in(text, r, gaz, ex, mentions)).or_else(|| role.as_deref().and_then(|r| title_state(r, gaz, ex)));
        let actor = Actor {
            key: format!("person/{}", slug(name)),
            kind: ActorKind::Person,
            label: name.to_string(),
            qid: None,
            country,
            role,
            iso: None,
            link_method: None,
            link_confidence: None,
        };
        let idx = ex.intern(actor);
        mentions.push(Mention { span: name_span, actor: idx, form: Form::Other, entry: None });
        let surname = crate::text::unpossessed(name_toks[n - 1].text).to_string();
        if !persons.iter().any(|(s, _)| *s == surname) {
            persons.push((surname, idx));
        }
        // Rule recognise.family-name-first: "Lim Soo-suk", "Kwon Jong-gun": a hyphenated,
        // lower-case-joined given name after one word marks Korean order, so "Lim" alone is the person.
        let given = name_toks[n - 1].text;
        let korean_given = n == 2 && given.split_once('-').is_some_and(|(a, b)| !a.is_empty() && b.chars().next().is_some_and(char::is_lowercase));
        if korean_given {
            let family = name_toks[0].text.to_string();
            if !persons.iter().any(|(s, _)| *s == family) {
                persons.push((family, idx));
            }
        }
        i = j;
    }
}

/// The state a title fixes: the longest title of `state_titles.tsv` inside the role. A title
/// several states use ("Foreign Secretary": UK and India, written `Q145|Q668`) takes the one of
/// its states that the article mentions, if exactly one is.
pub fn title_state(role: &str, gaz: &Gazetteer, ex: &Extraction) -> Option<String> {
    let rl = role.to_lowercase();
    let (_, states) = gaz.state_titles.iter().filter(|(t, _)| rl.contains(&t.to_lowercase())).max_by_key(|(t, _)| t.len())?;
    let cands: Vec<&str> = states.split('|').map(str::trim).collect();
    if cands.len() == 1 {
        return Some(cands[0].to_string());
    }
    let present: Vec<&str> = cands.into_iter().filter(|q| ex.actors.iter().any(|a| a.kind == ActorKind::State && a.qid.as_deref() == Some(q))).collect();
    (present.len() == 1).then(|| present[0].to_string())
}

/// Start (byte) of a title chain that ends right before token `at`: capitalised words and
/// connectives ("of", "for", "and", "the") going left, headed by a title word within 12 tokens.
fn title_chain_start(toks: &[Token], at: usize, gaz: &Gazetteer) -> Option<usize> {
    let mut start = None;
    let mut k = at;
    while k > 0 && at - k < 12 {
        let t = &toks[k - 1];
        let w = t.lower();
        let connective = matches!(w.as_str(), "of" | "for" | "and" | "the");
        if !(t.is_capitalised() || connective) || stop_set().contains(t.text) && !connective && !gaz.title_words.contains(&w) {
            break;
        }
        if gaz.title_words.contains(w.trim_end_matches('.')) && !connective {
            start = Some(t.span.start);
        }
        k -= 1;
    }
    // Take in modifiers before the title word ("Under", "Assistant", "Deputy").
    let s = start?;
    let i = toks.iter().position(|t| t.span.start == s)?;
    let mut j = i;
    while j > 0 && toks[j - 1].is_capitalised() && matches!(toks[j - 1].text, "Under" | "Assistant" | "Deputy" | "Acting" | "Vice" | "Senior" | "Chief" | "Former") {
        j -= 1;
    }
    Some(toks[j].span.start)
}

/// Start of a role phrase ending right before a name: "Under Secretary of Commerce for
/// Industry and Security", "Kremlin spokesman", "U.S. Secretary of State".
fn role_before(text: &str, sent: Span, sent_toks: &[Token], name_start: usize, gaz: &Gazetteer) -> Option<usize> {
    let before = &text[sent.start..name_start];
    // (A role closed by the comma of an apposition ends right at that comma.)
    if !before.ends_with(' ') && !text[name_start..].starts_with(", ") {
        return None;
    }
    // A title must end within the last word before the name.
    let mut best = None;
    for m in gaz.title_ac.find_iter(before) {
        let end = sent.start + m.end();
        let tail = &text[end..name_start];
        if (tail.trim().is_empty() || posted_to(tail)) && word_bounded(text, Span::new(sent.start + m.start(), end)) {
            best = Some(sent.start + m.start());
        }
    }
    let start = best?;
    // Extend left over the modifiers of the title: capitalised words, "of", "the", "for", "and".
    // Tokens of the text before the title: the sentence's own tokens that end before it, unless
    // one runs across the title's start (then the prefix tokenises differently).
    let owned;
    let toks: &[Token] = if sent_toks.iter().any(|t| t.span.start < start && start < t.span.end) {
        owned = text::tokens(text, Span::new(sent.start, start));
        &owned
    } else {
        &sent_toks[..sent_toks.partition_point(|t| t.span.end <= start)]
    };
    let mut s = start;
    for t in toks.iter().rev().take(10) {
        let gap = &text[t.span.end..s];
        if !gap.chars().all(|c| c == ' ') {
            break;
        }
        if t.is_capitalised() && !stop_set().contains(t.text) || matches!(t.text, "of" | "the" | "for" | "and") && t.span.start > sent.start {
            s = t.span.start;
        } else {
            break;
        }
    }
    // Do not start a role with a connective.
    let mut role = &text[s..start];
    for w in ["of ", "the ", "for ", "and "] {
        role = role.strip_prefix(w).unwrap_or(role);
    }
    Some(start - role.len().min(start - s))
}

/// Rule recognise.title-posted-to: "Ambassador to the UN Karen Whitlow", "envoy to Moscow":
/// the place a title is posted to, in capitalised words, sits between the title and the name.
fn posted_to(tail: &str) -> bool {
    let t = tail.trim();
    let Some(rest) = t.strip_prefix("to ") else { return false };
    let rest = rest.strip_prefix("the ").unwrap_or(rest);
    let words: Vec<&str> = rest.split_whitespace().collect();
    (1..=4).contains(&words.len()) && words.iter().all(|w| w.starts_with(char::is_uppercase) && !w.ends_with(','))
}

/// ", undersecretary of the Treasury for terrorism and financial intelligence," after a name.
fn apposition_after(text: &str, sent: Span, name_end: usize, gaz: &Gazetteer) -> Option<Span> {
    let rest = &text[name_end..sent.end];
    let body = rest.strip_prefix(", ")?;
    // The phrase ends at a comma, a bracket, a quote or a full stop (not the one of "U.S.").
    let mut end = body.len();
    for (i, ch) in body.char_indices() {
        if matches!(ch, ',' | ';' | '(' | '“' | '"') {
            end = i;
            break;
        }
        if ch == '.' && !body[i + 1..].starts_with(|c: char| c.is_alphanumeric()) {
            let word = body[..i].rsplit(' ').next().unwrap_or("");
            let acronym = !word.is_empty() && word.split('.').all(|p| p.chars().count() <= 1 && p.chars().all(char::is_uppercase));
            if !acronym {
                end = i;
                break;
            }
        }
    }
    let phrase = &body[..end];
    let first = phrase.split_whitespace().next()?;
    let first_l = first.to_lowercase();
    let has_title = |w: &str| gaz.title_words.contains(&w.to_lowercase());
    let looks_role = gaz.title_words.contains(first_l.trim_end_matches('.'))
        || (matches!(first_l.as_str(), "the" | "a" | "an" | "former" | "deputy" | "senior" | "chief" | "acting")
            && phrase.split_whitespace().nth(1).is_some_and(|w| has_title(w) || phrase.split_whitespace().any(has_title)))
        // "U.S. State Department Spokesperson", "official representative of FSMTC"
        || phrase.split_whitespace().count() <= 8 && phrase.split_whitespace().skip(1).any(has_title);
    if !looks_role || phrase.split_whitespace().count() > 16 {
        return None;
    }
    let start = name_end + 2;
    Some(Span::new(start, start + end))
}

/// The state a role phrase points to: a state, its demonym or seat, or a body of a state.
fn country_in(text: &str, r: Span, _gaz: &Gazetteer, ex: &Extraction, mentions: &[Mention]) -> Option<String> {
    let _ = text;
    mentions.iter().filter(|m| r.contains(m.span)).find_map(|m| {
        let a = &ex.actors[m.actor];
        match a.kind {
            ActorKind::State => a.qid.clone(),
            ActorKind::Igo => None,
            _ => a.country.clone(),
        }
    })
}
