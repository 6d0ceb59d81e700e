//! realpolitik: news about sanctions, weapon transfers and officials' statements, turned into
//! a Wikidata-linked RDF knowledge graph.
//!
//! The modules follow the pipeline, one stage each:
//! [`ingest`] (files, HTML, JSON Lines, URLs → [`model::Article`]) → [`text`] (sentences,
//! quotations) → [`recognise`] (gazetteers → mentions of states, organisations, persons,
//! weapons) → [`extract`] (events with evidence) → [`link`] (Wikidata) → [`rdf`] (triples
//! under our ontology) → [`store`] / [`query`] / [`export`] → [`serve`]; [`events`] merges the facts that report one real-world event; [`explain`] shows
//! why each fact is there.
//!
//! Extraction output is plain Rust data ([`model`]), independent of RDF, so the linguistic
//! rules and the RDF mapping can be tested and changed apart.

pub mod error;
pub mod events;
pub mod explain;
pub mod export;
pub mod extract;
pub mod ingest;
pub mod isolate;
pub mod link;
pub mod memory;
pub mod model;
pub mod push;
pub mod query;
pub mod rdf;
pub mod recognise;
pub mod serve;
pub mod store;
pub mod text;

pub use error::{Error, Result};
pub use extract::Extractor;
pub use model::{Article, Extraction};
