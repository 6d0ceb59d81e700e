//! Online linking: actors the offline tables do not know (persons, companies, organisations,
//! armed groups, government bodies) are looked up in the Wikidata API and linked only when one
//! candidate is clearly right.
//!
//! For each unlinked actor: `wbsearchentities` (English, items, 7 candidates), then one
//! `wbgetentities` for the candidates' labels, aliases, descriptions and claims. A candidate
//! must be the right sort of thing (P31 instance of: human for persons; an organisation class
//! for the others, the class walked up P279 "subclass of" a few steps when it is not one we
//! list) and, when the actor's state is known, of that state (P27 citizenship for persons, P17
//! country for organisations). The confidence combines name match (label, alias), type fit,
//! country agreement and ambiguity; only a candidate at or above `min_confidence` is linked, so
//! an ambiguous name stays unlinked.
//!
//! Every answer ("no link" included) is cached on disk by (kind, normalised name, state), so a
//! name is looked up once across runs; the cache file is replaced atomically. Requests are
//! sequential, carry a descriptive User-Agent and `maxlag=5`, and are retried with exponential
//! backoff on network errors, HTTP 429 / 5xx and the API's `maxlag` error (honouring
//! Retry-After up to a cap). A failed look-up is a warning returned to the caller, never the
//! loss of the article.

use crate::error::{Error, Result};
use crate::ingest::fetch::{describe, http_status, install_crypto_provider, secs, user_agent};
use crate::model::{Actor, ActorKind, Extraction};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The public Wikidata API.
pub const DEFAULT_API_URL: &str = "https://www.wikidata.org/w/api.php";
/// Value of `rp:linkMethod` for links made here.
pub const LINK_METHOD: &str = "wikidata-api";
/// Candidates asked of `wbsearchentities`.
const SEARCH_LIMIT: usize = 7;
/// Largest API response read (a wbgetentities answer for 7 well-known items is ~1–2 MB).
const MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;
/// Steps walked up P279 (subclass of) from an unlisted P31 class.
const CLASS_WALK_DEPTH: usize = 3;
/// After this many look-ups in a row fail on the network, the rest of the run stays offline.
const MAX_CONSECUTIVE_FAILURES: u32 = 3;
/// Cache file format version.
const CACHE_VERSION: u32 = 1;

#[derive(Debug, Clone)]
pub struct OnlineConfig {
    /// Wikidata (or compatible Wikibase) action API endpoint.
    pub api_url: String,
    /// Persistent cache file (JSON); created with its folder when missing.
    pub cache_path: PathBuf,
    /// Timeout of one request (connect and each read).
    pub timeout: Duration,
    /// Retries after the first attempt, on network errors, 429, 5xx and maxlag.
    pub retries: u32,
    /// Links below this confidence are not made.
    pub min_confidence: f32,
    pub user_agent: String,
    /// First retry delay; doubled on each further retry.
    pub backoff: Duration,
    /// Longest wait honoured from a Retry-After header, and longest backoff.
    pub max_retry_wait: Duration,
}

impl Default for OnlineConfig {
    fn default() -> Self {
        Self {
            api_url: DEFAULT_API_URL.to_string(),
            cache_path: default_cache_path(),
            timeout: Duration::from_secs(10),
            retries: 3,
            min_confidence: 0.8,
            user_agent: user_agent(),
            backoff: Duration::from_secs(1),
            max_retry_wait: Duration::from_secs(30),
        }
    }
}

/// `$XDG_CACHE_HOME/realpolitik/wikidata-links.json`, else `~/.cache/realpolitik/…`, else a
/// `.realpolitik-cache` folder in the working directory.
pub fn default_cache_path() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".cache")));
    match base {
        Some(b) => b.join("realpolitik").join("wikidata-links.json"),
        None => PathBuf::from(".realpolitik-cache").join("wikidata-links.json"),
    }
}

/// Which actors are looked up online.
pub fn is_linkable(kind: ActorKind) -> bool {
    matches!(
        kind,
        ActorKind::Person | ActorKind::Company | ActorKind::Organization | ActorKind::ArmedGroup | ActorKind::GovernmentBody
    )
}

// ---------------------------------------------------------------------------------------------
// Classes. Each QID below was checked against public code that names it with its label.

/// Families of P31 classes a candidate can belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Family {
    Human,
    Business,
    Government,
    Armed,
    Organisation,
}

const CLASS_ROOTS: &[(&str, Family)] = &[
    ("Q5", Family::Human),                // human
    ("Q4830453", Family::Business),       // business
    ("Q783794", Family::Business),        // company
    ("Q6881511", Family::Business),       // enterprise
    ("Q891723", Family::Business),        // public company
    ("Q167037", Family::Business),        // corporation
    ("Q1589009", Family::Business),       // privately held company
    ("Q219577", Family::Business),        // holding company
    ("Q270791", Family::Business),        // state-owned enterprise
    ("Q197952", Family::Business),        // corporate group
    ("Q22687", Family::Business),         // bank
    ("Q18388277", Family::Business),      // technology company
    ("Q327333", Family::Government),      // government agency
    ("Q2659904", Family::Government),     // government organization
    ("Q192350", Family::Government),      // ministry
    ("Q11204", Family::Government),       // legislature / parliament
    ("Q1639780", Family::Government),     // regulatory agency
    ("Q47459", Family::Government),       // armed forces
    ("Q17149090", Family::Armed),         // armed organization
    ("Q17127659", Family::Armed),         // terrorist organization
    ("Q43229", Family::Organisation),     // organization
    ("Q163740", Family::Organisation),    // nonprofit organization
    ("Q79913", Family::Organisation),     // non-governmental organization
    ("Q15911314", Family::Organisation),  // association
    ("Q31855", Family::Organisation),     // research institute
    ("Q192283", Family::Organisation),    // news agency
    ("Q11032", Family::Organisation),     // newspaper
    ("Q1002697", Family::Organisation),   // periodical
    ("Q1616075", Family::Organisation),   // television station
    ("Q7278", Family::Organisation),      // political party
    ("Q7210356", Family::Organisation),   // political organization
];

fn root_family(class: &str) -> Option<Family> {
    CLASS_ROOTS.iter().find(|(q, _)| *q == class).map(|(_, f)| *f)
}

/// How well a class family suits an actor kind (0 = not this sort of thing).
fn type_fit(kind: ActorKind, family: Family) -> f32 {
    use Family::*;
    match (kind, family) {
        (ActorKind::Person, Human) => 1.0,
        (ActorKind::Person, _) | (_, Human) => 0.0,
        (ActorKind::Company, Business) => 1.0,
        (ActorKind::GovernmentBody, Government) => 1.0,
        (ActorKind::ArmedGroup, Armed) => 1.0,
        (ActorKind::Organization, _) => 1.0,
        // An organisation, though not of the kind the text suggested (a state company
        // filed as an agency, a militia filed as an organisation): plausible, not certain.
        _ => 0.85,
    }
}

/// Countries that Wikidata models as two items, either of which a statement may use.
const SAME_COUNTRY: &[&[&str]] = &[
    &["Q55", "Q29999"], // Netherlands / Kingdom of the Netherlands
    &["Q35", "Q756617"], // Denmark / Kingdom of Denmark
];

fn same_country(a: &str, b: &str) -> bool {
    a == b || SAME_COUNTRY.iter().any(|g| g.contains(&a) && g.contains(&b))
}

// ---------------------------------------------------------------------------------------------
// Cache.

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct CachedLink {
    /// Best candidate, if any (linked only when `confidence` reaches the threshold in force).
    qid: Option<String>,
    #[serde(default)]
    label: Option<String>,
    confidence: f32,
    /// "unique", "ambiguous", "dominant", "no candidate", "no candidate of the right type".
    note: String,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    version: u32,
    #[serde(default)]
    links: BTreeMap<String, CachedLink>,
    /// Class QID → the family it reaches up P279, or null when it reaches none.
    #[serde(default)]
    classes: BTreeMap<String, Option<Family>>,
}

struct State {
    cache: CacheFile,
    dirty: bool,
    consecutive_failures: u32,
    disabled_reported: bool,
    pending: Vec<Error>,
}

/// Links actors to Wikidata through its API. Cheap to share: requests are serialised.
pub struct OnlineLinker {
    cfg: OnlineConfig,
    client: reqwest::blocking::Client,
    state: Mutex<State>,
}

impl OnlineLinker {
    pub fn new(cfg: OnlineConfig) -> Result<Self> {
        let api = url::Url::parse(&cfg.api_url)
            .map_err(|e| Error::input(&cfg.api_url, format!("invalid Wikidata API URL: {e}")))?;
        if !matches!(api.scheme(), "http" | "https") {
            return Err(Error::input(&cfg.api_url, "Wikidata API URL must be http or https"));
        }
        if !(0.0..=1.0).contains(&cfg.min_confidence) {
            return Err(Error::input("--min-confidence", format!("{} is not between 0 and 1", cfg.min_confidence)));
        }
        install_crypto_provider();
        let client = reqwest::blocking::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.timeout)
            .timeout(cfg.timeout)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| Error::Network(format!("cannot set up the HTTP client: {}", describe(&e))))?;
        let mut pending = Vec::new();
        let cache = match load_cache(&cfg.cache_path) {
            Ok(c) => c,
            Err(problem) => {
                pending.push(Error::input(
                    cfg.cache_path.display().to_string(),
                    format!("{problem}; starting an empty link cache (the file will be replaced)"),
                ));
                CacheFile { version: CACHE_VERSION, ..Default::default() }
            }
        };
        Ok(Self {
            cfg,
            client,
            state: Mutex::new(State { cache, dirty: false, consecutive_failures: 0, disabled_reported: false, pending }),
        })
    }

    pub fn config(&self) -> &OnlineConfig {
        &self.cfg
    }

    /// Link the extraction's unlinked persons and organisations. Returns warnings (failed
    /// look-ups, cache problems); the extraction is usable whatever they say.
    pub fn link(&self, ex: &mut Extraction) -> Vec<Error> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut warnings = std::mem::take(&mut state.pending);
        for actor in ex.actors.iter_mut() {
            if actor.qid.is_some() || !is_linkable(actor.kind) {
                continue;
            }
            let Some(name) = lookup_name(actor) else { continue };
            let key = cache_key(actor.kind, &name, actor.country.as_deref());
            let answer = match state.cache.links.get(&key) {
                Some(a) => a.clone(),
                None => {
                    if state.consecutive_failures >= MAX_CONSECUTIVE_FAILURES {
                        if !state.disabled_reported {
                            state.disabled_reported = true;
                            warnings.push(Error::Network(format!(
                                "Wikidata API {}: {MAX_CONSECUTIVE_FAILURES} look-ups in a row failed; online linking is off for the rest of this run",
                                self.cfg.api_url
                            )));
                        }
                        continue;
                    }
                    match self.resolve(&mut state, actor, &name) {
                        Ok(a) => {
                            state.consecutive_failures = 0;
                            state.cache.links.insert(key, a.clone());
                            state.dirty = true;
                            a
                        }
                        Err(e) => {
                            state.consecutive_failures += 1;
                            warnings.push(e);
                            continue;
                        }
                    }
                }
            };
            if let Some(qid) = answer.qid.as_ref().filter(|_| answer.confidence >= self.cfg.min_confidence) {
                actor.qid = Some(qid.clone());
                actor.link_method = Some(LINK_METHOD);
                actor.link_confidence = Some(answer.confidence);
            }
        }
        if state.dirty {
            match save_cache(&self.cfg.cache_path, &state.cache) {
                Ok(()) => state.dirty = false,
                Err(e) => warnings.push(e),
            }
        }
        warnings
    }

    /// Search, fetch and score the candidates for one actor.
    fn resolve(&self, state: &mut State, actor: &Actor, name: &str) -> Result<CachedLink> {
        let what = format!("Wikidata look-up of {:?} ({})", actor.label, kind_name(actor.kind));
        let search = self
            .api(&[
                ("action", "wbsearchentities"),
                ("search", name),
                ("language", "en"),
                ("uselang", "en"),
                ("type", "item"),
                ("limit", &SEARCH_LIMIT.to_string()),
            ])
            .map_err(|p| Error::Network(format!("{what}: {p}")))?;
        let hits: Vec<SearchHit> = search
            .get("search")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(SearchHit::from_json).collect())
            .unwrap_or_default();
        let mut ids: Vec<String> = Vec::new();
        for h in &hits {
            if !ids.contains(&h.id) {
                ids.push(h.id.clone());
            }
        }
        if ids.is_empty() {
            return Ok(CachedLink { qid: None, label: None, confidence: 0.0, note: "no candidate".into() });
        }
        let entities = self.get_entities(&ids, "claims|labels|aliases|descriptions").map_err(|p| Error::Network(format!("{what}: {p}")))?;
        // Humans are always filed as instances of Q5 itself, so persons need no class walk;
        // for the others, every class not listed is walked once, all candidates together.
        if actor.kind != ActorKind::Person {
            let mut classes: Vec<String> = Vec::new();
            for id in &ids {
                for c in entities.get(id).map(|e| claim_ids(e, "P31")).unwrap_or_default() {
                    if !classes.contains(&c) {
                        classes.push(c);
                    }
                }
            }
            self.learn_classes(state, &classes).map_err(|p| Error::Network(format!("{what}: {p}")))?;
        }
        let mut candidates = Vec::new();
        for (rank, id) in ids.iter().enumerate() {
            let Some(entity) = entities.get(id) else { continue };
            let hit = hits.iter().find(|h| &h.id == id);
            let fit = claim_ids(entity, "P31")
                .iter()
                .filter_map(|c| root_family(c).or_else(|| state.cache.classes.get(c).copied().flatten()))
                .map(|f| type_fit(actor.kind, f))
                .fold(0.0f32, f32::max);
            let country_prop = if actor.kind == ActorKind::Person { "P27" } else { "P17" };
            let countries = claim_ids(entity, country_prop);
            candidates.push(Candidate {
                qid: id.clone(),
                label: en_label(entity),
                name_score: name_score(name, entity, hit),
                type_score: fit,
                country_score: country_score(actor.country.as_deref(), &countries),
                claims: claim_count(entity),
                rank,
            });
        }
        Ok(decide(candidates))
    }

    /// Make sure the cache knows which family (if any) each class reaches up P279.
    fn learn_classes(&self, state: &mut State, classes: &[String]) -> Result<(), String> {
        let unknown: Vec<String> = classes
            .iter()
            .filter(|c| root_family(c).is_none() && !state.cache.classes.contains_key(*c))
            .cloned()
            .collect();
        if unknown.is_empty() {
            return Ok(());
        }
        for (class, family) in self.walk_classes(&unknown)? {
            state.cache.classes.insert(class, family);
            state.dirty = true;
        }
        Ok(())
    }

    /// Walk up P279 from each class (breadth first, at most [`CLASS_WALK_DEPTH`] steps, in
    /// batches of up to 50 ids per request) to the first root family it reaches.
    fn walk_classes(&self, classes: &[String]) -> Result<Vec<(String, Option<Family>)>, String> {
        // For each start class, its current frontier.
        let mut frontier: Vec<(String, Vec<String>)> = classes.iter().map(|c| (c.clone(), vec![c.clone()])).collect();
        let mut result: HashMap<String, Option<Family>> = HashMap::new();
        let mut parents_of: HashMap<String, Vec<String>> = HashMap::new();
        for _ in 0..CLASS_WALK_DEPTH {
            let mut need: Vec<String> = Vec::new();
            for (_, f) in &frontier {
                for c in f {
                    if !parents_of.contains_key(c) && !need.contains(c) {
                        need.push(c.clone());
                    }
                }
            }
            for chunk in need.chunks(50) {
                let entities = self.get_entities(chunk, "claims")?;
                for id in chunk {
                    let parents = entities.get(id).map(|e| claim_ids(e, "P279")).unwrap_or_default();
                    parents_of.insert(id.clone(), parents);
                }
            }
            let mut next = Vec::new();
            for (start, f) in frontier {
                let parents: Vec<String> = f.iter().flat_map(|c| parents_of.get(c).cloned().unwrap_or_default()).collect();
                if let Some(fam) = parents.iter().find_map(|p| root_family(p)) {
                    result.insert(start, Some(fam));
                } else if parents.is_empty() {
                    result.insert(start, None);
                } else {
                    let mut p = parents;
                    p.sort();
                    p.dedup();
                    p.truncate(12);
                    next.push((start, p));
                }
            }
            frontier = next;
            if frontier.is_empty() {
                break;
            }
        }
        for (start, _) in frontier {
            result.insert(start, None);
        }
        Ok(classes.iter().map(|c| (c.clone(), result.get(c).copied().flatten())).collect())
    }

    fn get_entities(&self, ids: &[String], props: &str) -> Result<serde_json::Map<String, Value>, String> {
        let joined = ids.join("|");
        let v = self.api(&[("action", "wbgetentities"), ("ids", &joined), ("props", props), ("languages", "en")])?;
        match v.get("entities") {
            Some(Value::Object(m)) => Ok(m.clone()),
            _ => Err("wbgetentities answer has no \"entities\" object".into()),
        }
    }

    /// One API call with retries. Errors name the endpoint, the problem and the attempts.
    fn api(&self, params: &[(&str, &str)]) -> Result<Value, String> {
        let mut query: Vec<(&str, &str)> = params.to_vec();
        query.push(("format", "json"));
        query.push(("maxlag", "5"));
        let attempts = self.cfg.retries + 1;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let outcome = self.api_once(&query);
            let (problem, wait) = match outcome {
                Ok(v) => return Ok(v),
                Err(Failure::Fatal(p)) => return Err(format!("{}: {p}", self.cfg.api_url)),
                Err(Failure::Retry(p, retry_after)) => (p, retry_after),
            };
            if attempt >= attempts {
                let tries = if attempts == 1 { "1 attempt".to_string() } else { format!("{attempts} attempts") };
                return Err(format!("{}: {problem} ({tries})", self.cfg.api_url));
            }
            let backoff = self.cfg.backoff.saturating_mul(1u32 << (attempt - 1).min(16));
            let wait = wait.unwrap_or(backoff).min(self.cfg.max_retry_wait);
            std::thread::sleep(wait);
        }
    }

    fn api_once(&self, query: &[(&str, &str)]) -> Result<Value, Failure> {
        let response = self.client.get(&self.cfg.api_url).query(query).send().map_err(|e| {
            Failure::Retry(
                if e.is_timeout() {
                    format!("timed out after {}", secs(self.cfg.timeout))
                } else if e.is_connect() {
                    format!("cannot connect: {}", crate::ingest::fetch::innermost(&e))
                } else {
                    format!("request failed: {}", describe(&e))
                },
                None,
            )
        })?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            return Err(Failure::Retry(http_status(status), retry_after));
        }
        if !status.is_success() {
            return Err(Failure::Fatal(http_status(status)));
        }
        let mut body = Vec::new();
        let started = Instant::now();
        let read = response.take(MAX_RESPONSE_BYTES + 1).read_to_end(&mut body);
        if let Err(e) = read {
            let timed_out = e.kind() == std::io::ErrorKind::TimedOut || e.to_string().contains("timed out");
            return Err(Failure::Retry(
                if timed_out {
                    format!("timed out after {} reading the answer", secs(self.cfg.timeout.max(started.elapsed())))
                } else {
                    format!("connection failed reading the answer: {e}")
                },
                None,
            ));
        }
        if body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(Failure::Fatal(format!("answer is larger than {MAX_RESPONSE_BYTES} bytes")));
        }
        let v: Value = serde_json::from_slice(&body).map_err(|e| Failure::Fatal(format!("answer is not JSON: {e}")))?;
        if let Some(err) = v.get("error") {
            let code = err.get("code").and_then(Value::as_str).unwrap_or("unknown");
            let info = err.get("info").and_then(Value::as_str).unwrap_or("");
            let problem = format!("API error {code}: {info}");
            // Replication lag: the API asks bots to wait and try again.
            return Err(if code == "maxlag" {
                Failure::Retry(problem, retry_after.or(Some(Duration::from_secs(5))))
            } else {
                Failure::Fatal(problem)
            });
        }
        Ok(v)
    }
}

enum Failure {
    Retry(String, Option<Duration>),
    Fatal(String),
}

fn kind_name(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::State => "state",
        ActorKind::FormerState => "former-state",
        ActorKind::Igo => "igo",
        ActorKind::GovernmentBody => "government-body",
        ActorKind::Company => "company",
        ActorKind::ArmedGroup => "armed-group",
        ActorKind::Organization => "organization",
        ActorKind::Person => "person",
    }
}

/// The name searched for, or None when it is not worth a look-up (a bare surname, a
/// possessive description, a one-letter string).
fn lookup_name(actor: &Actor) -> Option<String> {
    let name = actor.label.split_whitespace().collect::<Vec<_>>().join(" ");
    let name = name.trim_matches(|c: char| matches!(c, '"' | '\'' | ',' | '“' | '”' | '‘' | '’'));
    if name.chars().count() < 2 || !name.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) {
        return None;
    }
    if name.contains("'s ") || name.contains("’s ") {
        return None;
    }
    if actor.kind == ActorKind::Person && name.split(' ').count() < 2 {
        return None;
    }
    Some(name.to_string())
}

/// Case, spacing, diacritics-insensitive form for comparing names.
pub fn normalise_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split(|c: char| c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '—')).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in w.chars() {
            if matches!(c, '.' | ',' | '\'' | '’' | '"' | '“' | '”') {
                continue;
            }
            for l in c.to_lowercase() {
                out.push(fold(l));
            }
        }
    }
    let out = out.strip_prefix("the ").map(str::to_string).unwrap_or(out);
    out.trim().to_string()
}

fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ė' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'ı' | 'ī' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'ū' => 'u',
        'ç' | 'č' | 'ć' => 'c',
        'ñ' | 'ń' => 'n',
        'ş' | 'š' | 'ś' => 's',
        'ž' | 'ź' | 'ż' => 'z',
        'ğ' => 'g',
        'ř' => 'r',
        'ł' => 'l',
        'ý' => 'y',
        _ => c,
    }
}

fn cache_key(kind: ActorKind, name: &str, country: Option<&str>) -> String {
    format!("{}|{}|{}", kind_name(kind), normalise_name(name), country.unwrap_or(""))
}

// ---------------------------------------------------------------------------------------------
// Reading API answers.

struct SearchHit {
    id: String,
    /// The text the search matched (a label or alias, possibly in another language).
    match_text: Option<String>,
}

impl SearchHit {
    fn from_json(v: &Value) -> Option<Self> {
        let id = v.get("id")?.as_str()?;
        if !is_qid(id) {
            return None;
        }
        let match_text = v.get("match").and_then(|m| m.get("text")).and_then(Value::as_str).map(str::to_string);
        Some(Self { id: id.to_string(), match_text })
    }
}

fn is_qid(s: &str) -> bool {
    s.len() > 1 && s.starts_with('Q') && s[1..].bytes().all(|b| b.is_ascii_digit()) && !s[1..].starts_with('0')
}

/// Item ids of a property's statements, deprecated ones left out.
fn claim_ids(entity: &Value, property: &str) -> Vec<String> {
    let Some(claims) = entity.get("claims").and_then(|c| c.get(property)).and_then(Value::as_array) else {
        return Vec::new();
    };
    claims
        .iter()
        .filter(|c| c.get("rank").and_then(Value::as_str) != Some("deprecated"))
        .filter_map(|c| c.pointer("/mainsnak/datavalue/value/id").and_then(Value::as_str))
        .filter(|id| is_qid(id))
        .map(str::to_string)
        .collect()
}

fn claim_count(entity: &Value) -> usize {
    entity.get("claims").and_then(Value::as_object).map(|m| m.values().filter_map(Value::as_array).map(Vec::len).sum()).unwrap_or(0)
}

fn en_label(entity: &Value) -> Option<String> {
    entity.pointer("/labels/en/value").and_then(Value::as_str).map(str::to_string)
}

fn en_aliases(entity: &Value) -> Vec<String> {
    entity
        .pointer("/aliases/en")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.get("value").and_then(Value::as_str)).map(str::to_string).collect())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Scoring.

#[derive(Debug, Clone)]
struct Candidate {
    qid: String,
    label: Option<String>,
    name_score: f32,
    type_score: f32,
    country_score: f32,
    /// Statement count: how documented the item is, a stand-in for notability.
    claims: usize,
    /// Position in the search answer.
    rank: usize,
}

impl Candidate {
    fn base(&self) -> f32 {
        self.name_score * self.type_score * self.country_score
    }
}

/// Exact English label 1.0; exact English alias 0.95; the search matched the name exactly in
/// another language 0.85; a partial match 0.5.
fn name_score(name: &str, entity: &Value, hit: Option<&SearchHit>) -> f32 {
    let want = normalise_name(name);
    if en_label(entity).is_some_and(|l| normalise_name(&l) == want) {
        1.0
    } else if en_aliases(entity).iter().any(|a| normalise_name(a) == want) {
        0.95
    } else if hit.and_then(|h| h.match_text.as_deref()).is_some_and(|t| normalise_name(t) == want) {
        0.85
    } else {
        0.5
    }
}

/// Actor's state known: the candidate's country agrees 1.0, it has none 0.8, it has others
/// 0.2. Actor's state unknown: 0.9 (nothing confirms the candidate).
fn country_score(actor_country: Option<&str>, candidate: &[String]) -> f32 {
    match actor_country {
        None => 0.9,
        Some(_) if candidate.is_empty() => 0.8,
        Some(c) if candidate.iter().any(|k| same_country(c, k)) => 1.0,
        Some(_) => 0.2,
    }
}

/// A runner-up scoring at least this share of the best makes the name ambiguous…
const AMBIGUOUS_RATIO: f32 = 0.75;
/// …unless the best is this many times better documented (the president, not his namesake).
const DOMINANCE: usize = 5;

fn decide(mut candidates: Vec<Candidate>) -> CachedLink {
    candidates.retain(|c| c.type_score > 0.0);
    if candidates.is_empty() {
        return CachedLink { qid: None, label: None, confidence: 0.0, note: "no candidate of the right type".into() };
    }
    candidates.sort_by(|a, b| {
        b.base().total_cmp(&a.base()).then(b.claims.cmp(&a.claims)).then(a.rank.cmp(&b.rank))
    });
    let best = &candidates[0];
    let b = best.base();
    let (confidence, note) = match candidates.get(1) {
        None => (b, "unique"),
        Some(second) => {
            let ratio = if b > 0.0 { second.base() / b } else { 1.0 };
            if ratio < AMBIGUOUS_RATIO {
                (b * (1.0 - 0.2 * ratio), "unique")
            } else if best.claims >= DOMINANCE * second.claims.max(1) {
                (b * 0.9, "dominant")
            } else {
                (b * 0.5, "ambiguous")
            }
        }
    };
    let confidence = (confidence * 1000.0).round() / 1000.0;
    CachedLink { qid: Some(best.qid.clone()), label: best.label.clone(), confidence, note: note.into() }
}

// ---------------------------------------------------------------------------------------------
// Cache file.

fn load_cache(path: &Path) -> Result<CacheFile, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(CacheFile { version: CACHE_VERSION, ..Default::default() });
        }
        Err(e) => return Err(format!("cannot read the link cache: {e}")),
    };
    let cache: CacheFile = serde_json::from_str(&text).map_err(|e| format!("link cache is not valid JSON: {e}"))?;
    if cache.version != CACHE_VERSION {
        return Err(format!("link cache has version {} (this build writes {CACHE_VERSION})", cache.version));
    }
    Ok(cache)
}

/// Merge with what is on disk now (another run may have added entries), then write to a
/// temporary file beside the cache and rename it over the cache.
fn save_cache(path: &Path, cache: &CacheFile) -> Result<()> {
    let io = |source: std::io::Error| Error::Io { path: path.to_path_buf(), source };
    let mut merged = load_cache(path).unwrap_or_else(|_| CacheFile { version: CACHE_VERSION, ..Default::default() });
    merged.version = CACHE_VERSION;
    for (k, v) in &cache.links {
        merged.links.insert(k.clone(), v.clone());
    }
    for (k, v) in &cache.classes {
        merged.classes.insert(k.clone(), *v);
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "cache".into());
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", std::process::id()));
    let json = serde_json::to_vec_pretty(&merged).map_err(|e| Error::Io { path: path.to_path_buf(), source: std::io::Error::other(e) })?;
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&json)?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(qid: &str, name: f32, ty: f32, country: f32, claims: usize) -> Candidate {
        Candidate { qid: qid.into(), label: None, name_score: name, type_score: ty, country_score: country, claims, rank: 0 }
    }

    #[test]
    fn names_normalise() {
        assert_eq!(normalise_name("  Sergei   Lavrov "), "sergei lavrov");
        assert_eq!(normalise_name("The Kremlin"), "kremlin");
        assert_eq!(normalise_name("Recep Tayyip Erdoğan"), "recep tayyip erdogan");
        assert_eq!(normalise_name("Kim Jong-un"), "kim jong un");
        assert_eq!(normalise_name("L3Harris Technologies, Inc."), "l3harris technologies inc");
    }

    #[test]
    fn unique_exact_match_links_ambiguous_does_not() {
        let d = decide(vec![cand("Q1", 1.0, 1.0, 1.0, 100), cand("Q2", 0.5, 1.0, 0.2, 10)]);
        assert_eq!(d.qid.as_deref(), Some("Q1"));
        assert!(d.confidence >= 0.9, "{d:?}");
        let d = decide(vec![cand("Q1", 1.0, 1.0, 0.9, 40), cand("Q2", 1.0, 1.0, 0.9, 30)]);
        assert_eq!(d.note, "ambiguous");
        assert!(d.confidence < 0.8, "{d:?}");
        let d = decide(vec![cand("Q1", 1.0, 1.0, 0.9, 400), cand("Q2", 1.0, 1.0, 0.9, 30)]);
        assert_eq!(d.note, "dominant");
        assert!(d.confidence >= 0.8, "{d:?}");
        let d = decide(vec![cand("Q1", 1.0, 0.0, 1.0, 400)]);
        assert_eq!(d.qid, None);
    }

    #[test]
    fn types_and_countries() {
        assert_eq!(type_fit(ActorKind::Person, Family::Human), 1.0);
        assert_eq!(type_fit(ActorKind::Person, Family::Business), 0.0);
        assert_eq!(type_fit(ActorKind::Company, Family::Human), 0.0);
        assert_eq!(type_fit(ActorKind::Company, Family::Business), 1.0);
        assert!(type_fit(ActorKind::Company, Family::Government) < 1.0);
        assert_eq!(country_score(Some("Q55"), &["Q29999".into()]), 1.0);
        assert_eq!(country_score(Some("Q159"), &["Q30".into()]), 0.2);
    }

    #[test]
    fn unworthy_names_are_not_looked_up() {
        let mut a = Actor {
            key: "x".into(),
            kind: ActorKind::Person,
            label: "Lavrov".into(),
            qid: None,
            country: None,
            role: None,
            iso: None,
            link_method: None,
            link_confidence: None,
        };
        assert_eq!(lookup_name(&a), None);
        a.label = "Sergei Lavrov".into();
        assert_eq!(lookup_name(&a).as_deref(), Some("Sergei Lavrov"));
        a.kind = ActorKind::Organization;
        a.label = "Russia's army".into();
        assert_eq!(lookup_name(&a), None);
    }
}
