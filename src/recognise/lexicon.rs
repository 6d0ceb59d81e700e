//! The bundled knowledge (`data/`): parsed once, at first use, from files embedded in the
//! binary, so the tool is a single file and the data stays reviewable text.

use crate::error::{Error, Result};
use std::collections::HashMap;

/// A parsed TSV file: header names → cell, `#` comments and blank lines skipped.
pub struct Tsv {
    pub rows: Vec<(usize, HashMap<String, String>)>,
}

impl Tsv {
    pub fn parse(file: &'static str, text: &str) -> Result<Tsv> {
        let mut header: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cells: Vec<&str> = line.split('\t').collect();
            match &header {
                None => header = Some(cells.iter().map(|c| c.trim().to_string()).collect()),
                Some(h) => {
                    if cells.len() > h.len() {
                        return Err(Error::Data { file, line: i + 1, problem: format!("{} cells, header has {}", cells.len(), h.len()) });
                    }
                    let row = h.iter().cloned().zip(cells.iter().map(|c| c.trim().to_string())).collect();
                    rows.push((i + 1, row));
                }
            }
        }
        Ok(Tsv { rows })
    }
}

/// A cell split on `|`, empty parts dropped.
pub fn multi(row: &HashMap<String, String>, col: &str) -> Vec<String> {
    row.get(col)
        .map(|c| c.split('|').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default()
}

pub fn cell(row: &HashMap<String, String>, col: &str) -> Option<String> {
    row.get(col).map(|c| c.trim().to_string()).filter(|c| !c.is_empty())
}

#[derive(Debug, Clone)]
pub struct StateRow {
    pub qid: String,
    pub iso2: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub demonyms: Vec<String>,
    pub seats: Vec<String>,
    pub ambiguous: Vec<String>,
}

/// A state that no longer exists (the Soviet Union): a party of past events, not a current state.
#[derive(Debug, Clone)]
pub struct FormerStateRow {
    pub qid: String,
    pub name: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct IgoRow {
    pub qid: String,
    pub name: String,
    pub forms: Vec<String>,
    pub parent: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BodyRow {
    pub name: String,
    pub aliases: Vec<String>,
    pub state: Option<String>,
    pub kind: String,
    pub qid: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GenericBodyRow {
    pub alias: String,
    pub kind: String,
}

#[derive(Debug, Clone)]
pub struct OrgRow {
    pub name: String,
    pub aliases: Vec<String>,
    pub country: Option<String>,
    pub kind: String,
    pub qid: Option<String>,
}

#[derive(Debug, Clone)]
pub struct WeaponRow {
    pub term: String,
    pub category: &'static str,
    pub system: bool,
    /// A head noun ("systems", "equipment") that is an item only as the head of the object of a
    /// military sale ("a Foreign Military Sale of Mobile Ground Control Approach Systems"):
    /// never matched on its own.
    pub head: bool,
    pub qid: Option<String>,
}

#[derive(Debug, Clone)]
pub struct TitleRow {
    pub title: String,
    pub kind: String,
}

/// Trigger words and frames (`data/lexicon/triggers.toml`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Triggers {
    pub sanction: SanctionTriggers,
    pub transfer: TransferTriggers,
    pub statement: StatementTriggers,
    pub modality: Modality,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SanctionTriggers {
    pub strong_verbs: Vec<String>,
    pub light_verbs: Vec<String>,
    pub measures: std::collections::BTreeMap<String, String>,
    /// Participles whose "by" phrase names the imposer ("sanctions imposed by X", "steps taken by X").
    #[serde(default)]
    pub agent_participles: Vec<String>,
    /// Words that continue a target noun phrase rather than start a reason ("entities linked to X").
    #[serde(default)]
    pub target_links: Vec<String>,
    /// Modifiers of a measure noun that name its imposer ("international sanctions" → the UN Security Council).
    #[serde(default)]
    pub imposer_modifiers: std::collections::BTreeMap<String, String>,
    /// Possessive pronouns that refer the measure back to the clause subject ("their sanctions").
    #[serde(default)]
    pub possessive_pronouns: Vec<String>,
    /// Nouns that are a sanction only when a state modifies them and a sanction verb governs
    /// them ("targeted by US measures"; rule sanction.state-measures).
    #[serde(default)]
    pub state_measure_nouns: Vec<String>,
    /// Verbs of reacting to a measure ("Turkey denounced the US sanctions"): with no target
    /// named, the one who reacts is the target.
    #[serde(default)]
    pub reaction_verbs: Vec<String>,
    /// Phrases whose object is a victim, never a target ("Russia's invasion of Ukraine").
    #[serde(default)]
    pub victim_cues: Vec<String>,
    /// The fallback imposer of a sanctions regime with no imposer in reach, when the article names
    /// it (the UN Security Council).
    #[serde(default)]
    pub default_imposer: Option<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct TransferTriggers {
    pub give_verbs: Vec<String>,
    pub receive_verbs: Vec<String>,
    pub nouns: Vec<String>,
    pub planned: Vec<String>,
    pub agreed: Vec<String>,
    pub ongoing: Vec<String>,
    pub alleged: Vec<String>,
    pub intercepted: Vec<String>,
    pub hypothetical: Vec<String>,
    pub to_preps: Vec<String>,
    pub from_preps: Vec<String>,
    /// Heads after a weapon word that make it a modifier, not a transferred item ("missile programs").
    #[serde(default)]
    pub non_item_heads: Vec<String>,
    /// Verbs whose object is what a system defeats, not what is moved ("designed to destroy
    /// cruise and ballistic missiles", "to shoot down drones").
    #[serde(default)]
    pub defeat_verbs: Vec<String>,
    /// Nouns and verbs of prohibition: "restrictions on the export of W", "bans the sale of W",
    /// "forbids buying W" name what is stopped, not a transfer (rule transfer.restricted).
    #[serde(default)]
    pub restriction_nouns: Vec<String>,
    #[serde(default)]
    pub prohibit_verbs: Vec<String>,
    /// Item nouns whose "for" phrase lists what they serve ("munitions for air defense systems").
    #[serde(default)]
    pub for_heads: Vec<String>,
    /// Words that list the contents of the transfer just reported ("The package includes ...").
    #[serde(default)]
    pub include_cues: Vec<String>,
    /// Adverbs that pair the n-th party of a coordination with the n-th item (rule
    /// transfer.respectively).
    #[serde(default)]
    pub distributive: Vec<String>,
    /// Words after a participle that keep it a verb ("the weapons supplied to", "armed with"),
    /// against its use as an adjective before a noun (rule transfer.prenominal).
    #[serde(default)]
    pub verb_followers: Vec<String>,
    /// "technologies found in drones": what follows holds the goods before it (rule
    /// transfer.part-of).
    #[serde(default)]
    pub part_of_cues: Vec<String>,
    /// Plurals that stand for companies named before ("from the companies and KAI"; rule
    /// transfer.anaphoric-supplier).
    #[serde(default)]
    pub company_anaphors: Vec<String>,
    /// "armed with", "equipped with": possession, not transfer.
    #[serde(default)]
    pub possession_cues: Vec<String>,
    /// Hedges that scope over the whole clause before a trigger ("in an attempt to obtain").
    #[serde(default)]
    pub hedges: Vec<String>,
    /// Verbs of a relative clause after the goods that name who gets them ("goods that sustain
    /// Russia's military industrial base").
    #[serde(default)]
    pub beneficiary_verbs: Vec<String>,
    /// Transfer nouns that say by themselves that the goods are military ("Foreign Military
    /// Sale"): their "of" phrase is the item even when the lexicon does not name it.
    #[serde(default)]
    pub military_nouns: Vec<String>,
    /// Suffixes that make a state's name or demonym the origin of the goods ("Iranian-made drones").
    #[serde(default)]
    pub origin_suffixes: Vec<String>,
    /// Last words of items that are services ("technical assistance", "training"): listed beside
    /// goods they accompany those goods and are no transfer of their own.
    #[serde(default)]
    pub service_heads: Vec<String>,
    /// "captured Russian tanks": goods taken from an enemy have an origin but no supplier.
    #[serde(default)]
    pub capture_cues: Vec<String>,
    /// "weapons bound for the Houthis": words that, before "for"/"to", give the goods' destination.
    #[serde(default)]
    pub destination_words: Vec<String>,
    /// Transfer nouns seen from the buyer's side: their possessor or subject receives.
    #[serde(default)]
    pub buying_nouns: Vec<String>,
    /// Verbs before a delivery noun that make its subject the buyer ("took delivery of W").
    #[serde(default)]
    pub take_delivery_verbs: Vec<String>,
    /// Role nouns of a buyer ("the first export customer for W"): the subject receives.
    #[serde(default)]
    pub customer_nouns: Vec<String>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct StatementTriggers {
    pub speech_verbs: Vec<String>,
    /// Verbs that introduce a quotation but not reported speech ("called it a “threat”").
    #[serde(default)]
    pub quote_only: Vec<String>,
    /// First words of a fronted adverbial phrase ("Speaking to reporters, X said ...").
    #[serde(default)]
    pub fronted_openers: Vec<String>,
    /// Participles that add a second speech act: "..., adding that ...".
    #[serde(default)]
    pub adding: Vec<String>,
    /// Nouns that refer back to the last institutional speaker ("the ministry said").
    #[serde(default)]
    pub anaphors: Vec<String>,
    /// Words that make an anaphoric noun an outlet ("the Russian news agency said"): never a
    /// speaker (ANNOTATION R3), so no carry-over to the last institution.
    #[serde(default)]
    pub outlet_modifiers: Vec<String>,
    /// Role nouns of an unnamed spokesperson ("a representative of X said"): resolved to the
    /// person of the article whose role holds the same noun, else to X itself.
    #[serde(default)]
    pub role_nouns: Vec<String>,
    /// Speech verbs whose speaker may follow them ("said Alan Estevez").
    #[serde(default)]
    pub inversion_verbs: Vec<String>,
    /// Speech verbs that report a clause only when "that" follows.
    #[serde(default)]
    pub that_verbs: Vec<String>,
    /// Verbs of saying whose content is their object ("denied any link", "condemned the
    /// launch"): what they report always follows them.
    #[serde(default)]
    pub object_verbs: Vec<String>,
    /// Nouns journalists use for a titled person ("the top Turkish diplomat", "the Russian
    /// leader"), each with the titles it covers.
    /// Nouns of a speech act whose agent follows "by"/"from": "accusations by X that ...".
    #[serde(default)]
    pub speech_nouns: Vec<String>,
    #[serde(default)]
    pub role_hypernyms: std::collections::BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct Modality {
    pub cues: Vec<String>,
    /// Cues whose scope is the whole clause after them ("urges X to ... sanctions").
    #[serde(default)]
    pub clause_cues: Vec<String>,
    /// Phrases that start with a cue word but assert ("has no choice but to impose", "not only").
    #[serde(default)]
    pub not_cues: Vec<String>,
}

/// Category column values → local names in the ontology's weapon-category scheme.
pub fn category_concept(c: &str) -> Option<&'static str> {
    Some(match c.trim().to_ascii_lowercase().as_str() {
        "missile" => "Missile",
        "ammunition" => "Ammunition",
        "drone" => "Drone",
        "aircraft" => "Aircraft",
        "armored_vehicle" => "ArmoredVehicle",
        "air_defense" => "AirDefense",
        "artillery" => "Artillery",
        "small_arms" => "SmallArms",
        "naval" => "Naval",
        "military_technology" => "MilitaryTechnology",
        "components" => "Components",
        "other" => "Other",
        _ => return None,
    })
}

/// Measure concept local names the ontology defines.
pub const MEASURES: &[&str] = &[
    "AssetFreeze", "TravelBan", "ArmsEmbargo", "ExportControl", "FinancialBlock", "InvestmentBan",
    "TradeRestriction", "FlightBan", "OtherMeasure",
];

pub fn measure_concept(m: &str) -> Option<&'static str> {
    MEASURES.iter().copied().find(|x| *x == m)
}

/// Definite descriptions resolved by rule (`data/lexicon/coreference.toml`).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Coref {
    pub state_descriptions: Vec<StateDescription>,
    pub council: CouncilCoref,
    pub country: CountryCoref,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct StateDescription {
    pub form: String,
    pub state: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct CouncilCoref {
    pub forms: Vec<String>,
    pub un_security_council: String,
    pub eu_council: String,
    pub eu: String,
    pub un: String,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct CountryCoref {
    pub one: Vec<String>,
    pub two: Vec<String>,
}

/// A leader who acts or speaks for one state (`data/gazetteer/persons.tsv`).
#[derive(Debug, Clone)]
pub struct PersonRow {
    pub name: String,
    pub aliases: Vec<String>,
    pub country: Option<String>,
    pub role: Option<String>,
}
