//! Link stage: Wikidata identities of actors.
//!
//! Offline linking is the default and is done by the gazetteer itself (every state, IGO and
//! listed body/company carries its QID in `data/`), so output is reproducible. Online
//! linking ([`online`]) is opt-in and looks up persons and organisations not in the table.

pub mod online;

/// Wikidata entity IRI of a QID.
pub fn wikidata_iri(qid: &str) -> String {
    format!("{}{qid}", crate::rdf::vocab::WD)
}

/// How actors get their Wikidata links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LinkMode {
    /// Only the bundled table: reproducible, no network.
    #[default]
    Offline,
    /// The table, then the Wikidata API for persons and organisations it lacks.
    Online,
}
