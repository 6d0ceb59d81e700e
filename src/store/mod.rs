//! Store stage: the on-disk Oxigraph (RocksDB) store. One transaction per article; an
//! article's named graph is replaced as a whole, so re-ingesting never duplicates and a bad
//! article never leaves half its facts behind.

use crate::error::{Error, Result};
use crate::extract::Extractor;
use crate::model::{Article, Extraction};
use crate::rdf::{self, vocab};
use oxigraph::model::{GraphNameRef, NamedNodeRef, Quad};
use oxigraph::store::Store;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// File in the store folder naming the process that holds it, for a useful "in use" message.
const OWNER_FILE: &str = "realpolitik.owner";

/// Default store folder: `$XDG_DATA_HOME/realpolitik/store`, else `~/.local/share/...`,
/// else `./realpolitik-store`.
pub fn default_path() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("realpolitik").join("store");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(h).join(".local").join("share").join("realpolitik").join("store");
    }
    PathBuf::from("realpolitik-store")
}

/// Open (creating if needed) a store read-write. A store held by another process gives an
/// error naming that process instead of RocksDB's lock message.
pub fn open(path: &Path) -> Result<Store> {
    if path.exists() && !path.is_dir() {
        return Err(Error::Store { path: path.display().to_string(), message: "exists and is not a folder".into() });
    }
    match Store::open(path) {
        Ok(s) => {
            let me = format!("{} {}\n", std::process::id(), std::env::args().collect::<Vec<_>>().join(" "));
            let _ = std::fs::write(path.join(OWNER_FILE), me);
            Ok(s)
        }
        Err(e) => {
            let msg = e.to_string();
            if msg.contains("LOCK") || msg.to_lowercase().contains("lock") {
                let owner = std::fs::read_to_string(path.join(OWNER_FILE)).unwrap_or_default();
                let owner = owner.trim();
                let who = if owner.is_empty() { "another process".to_string() } else { format!("process {owner}") };
                Err(Error::Store {
                    path: path.display().to_string(),
                    message: format!(
                        "is in use by {who}; stop it first, or ingest through the running server (POST /ingest, see README)"
                    ),
                })
            } else {
                Err(Error::Store { path: path.display().to_string(), message: msg })
            }
        }
    }
}

/// Open an existing store for reading: a missing store is an error, not a silent empty one.
pub fn open_existing(path: &Path) -> Result<Store> {
    if !path.join("CURRENT").exists() {
        return Err(Error::Store {
            path: path.display().to_string(),
            message: "no store here; create one with `realpolitik ingest --store DIR INPUT...`".into(),
        });
    }
    open(path)
}

/// Drop the owner note when a process is done with the store.
pub fn release(path: &Path) {
    let _ = std::fs::remove_file(path.join(OWNER_FILE));
}

/// (Re)load the embedded ontology into its own named graph, in one transaction.
pub fn ensure_ontology(store: &Store) -> Result<()> {
    let quads = rdf::ontology_quads()?;
    let g = NamedNodeRef::new_unchecked(vocab::ONTOLOGY_GRAPH);
    let mut tx = store.start_transaction().map_err(store_err)?;
    tx.clear_graph(GraphNameRef::NamedNode(g)).map_err(store_err)?;
    tx.extend(quads.iter());
    tx.commit().map_err(store_err)
}

fn store_err(e: impl std::fmt::Display) -> Error {
    Error::Store { path: "store".into(), message: e.to_string() }
}

/// What ingesting one article did.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct IngestReport {
    /// Article IRI (also its graph name).
    pub article: String,
    pub source: String,
    pub facts: usize,
    pub sanctions: usize,
    pub transfers: usize,
    pub statements: usize,
    pub triples: usize,
}

/// Extract and store one article.
pub fn ingest_article(store: &Store, article: &Article) -> Result<IngestReport> {
    let ex = Extractor::shared()?.extract(article);
    write_article(store, article, &ex)
}

/// Replace the article's graph with the quads of this extraction, atomically.
pub fn write_article(store: &Store, article: &Article, ex: &Extraction) -> Result<IngestReport> {
    let quads: Vec<Quad> = rdf::article_quads(article, ex);
    let graph = rdf::article_iri(&article.id);
    let mut tx = store.start_transaction().map_err(store_err)?;
    tx.clear_graph(GraphNameRef::NamedNode(graph.as_ref())).map_err(store_err)?;
    tx.extend(quads.iter());
    tx.commit().map_err(store_err)?;
    Ok(IngestReport {
        article: graph.as_str().to_string(),
        source: article.source.clone(),
        facts: ex.fact_count(),
        sanctions: ex.sanctions.len(),
        transfers: ex.transfers.len(),
        statements: ex.statements.len(),
        triples: quads.len(),
    })
}
