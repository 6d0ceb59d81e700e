//! Store stage: the on-disk Oxigraph (RocksDB) store. One transaction per article; an
//! article's named graph is replaced as a whole, so re-ingesting never duplicates and a bad
//! article never leaves half its facts behind. Descriptions of shared entities are added to
//! the entities graph in the same transaction (a store is a set: a triple already there from
//! another article is not stored twice) and are never removed by replacing an article.

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
    // RocksDB creates the store folder but not its parents (a fresh ~/.local/share).
    std::fs::create_dir_all(path).map_err(|e| Error::Store { path: path.display().to_string(), message: format!("cannot create the folder: {e}") })?;
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

/// Open an existing store read-only, for commands that only read (`query`, `table`, `stats`,
/// `export`). Takes no lock, so it works while `ingest` or `serve` holds the store: it sees
/// the store as it was when opened (RocksDB's read-only mode replays the log up to then; data
/// written later is not seen). Writes nothing, not even the owner note, so never call
/// [`release`] after it.
pub fn open_read_only(path: &Path) -> Result<Store> {
    if !path.join("CURRENT").exists() {
        return open_existing(path);
    }
    let mut last = String::new();
    // A writer may be switching log or manifest files at that very moment: retry briefly.
    for attempt in 0..5 {
        match Store::open_read_only(path) {
            Ok(s) => return Ok(s),
            Err(e) => last = e.to_string(),
        }
        std::thread::sleep(std::time::Duration::from_millis(100 * (attempt + 1)));
    }
    Err(Error::Store { path: path.display().to_string(), message: format!("cannot open read-only: {last}") })
}

/// Drop the owner note when a process is done with the store.
pub fn release(path: &Path) {
    let _ = std::fs::remove_file(path.join(OWNER_FILE));
}

/// (Re)load the embedded ontology into its own named graph, in one transaction, but only if
/// the graph differs from it: rewriting an unchanged graph would give its blank nodes new
/// labels (exports of an untouched store would change) and needs write access.
pub fn ensure_ontology(store: &Store) -> Result<()> {
    let quads = rdf::ontology_quads()?;
    let g = NamedNodeRef::new_unchecked(vocab::ONTOLOGY_GRAPH);
    if ontology_is_current(store, &quads)? {
        return Ok(());
    }
    let mut tx = store.start_transaction().map_err(store_err)?;
    tx.clear_graph(GraphNameRef::NamedNode(g)).map_err(store_err)?;
    tx.extend(quads.iter());
    tx.commit().map_err(store_err)
}

/// Whether the ontology graph holds exactly `quads`. Blank nodes are compared as "a blank
/// node" (their labels differ from load to load), which a change of the ontology text would not
/// escape unless it only rewired blank nodes among themselves.
pub fn ontology_is_current(store: &Store, quads: &[Quad]) -> Result<bool> {
    use oxigraph::model::{NamedOrBlankNode, Term};
    let g = NamedNodeRef::new_unchecked(vocab::ONTOLOGY_GRAPH);
    let key = |q: &Quad| {
        let s = match &q.subject {
            NamedOrBlankNode::BlankNode(_) => "_".to_string(),
            other => other.to_string(),
        };
        let o = match &q.object {
            Term::BlankNode(_) => "_".to_string(),
            other => other.to_string(),
        };
        (s, q.predicate.to_string(), o)
    };
    let mut stored = Vec::new();
    for q in store.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g))) {
        stored.push(key(&q.map_err(store_err)?));
        if stored.len() > quads.len() {
            return Ok(false);
        }
    }
    // Read the embedded quads back through an in-memory store, so literals are normalised the
    // way the store normalises them ("1.0"^^xsd:decimal).
    let mem = Store::new().map_err(store_err)?;
    mem.extend(quads.iter().cloned()).map_err(store_err)?;
    let mut embedded = Vec::new();
    for q in mem.quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(g))) {
        embedded.push(key(&q.map_err(store_err)?));
    }
    // The parsed text may state a triple twice; the store holds it once.
    stored.sort_unstable();
    stored.dedup();
    embedded.sort_unstable();
    embedded.dedup();
    Ok(stored == embedded)
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
    /// Triples in the article's own graph.
    pub triples: usize,
    /// Triples describing shared entities, added to the entities graph (most of them are
    /// already there from other articles).
    pub entity_triples: usize,
}

/// Extract and store one article. A bug that the article trips (a panic in extraction or the
/// RDF mapping) is its [`Error::Internal`] and nothing is written (see [`crate::isolate`]).
pub fn ingest_article(store: &Store, article: &Article) -> Result<IngestReport> {
    let x = Extractor::shared()?;
    let (ex, quads) = crate::isolate::article(article, || {
        let ex = x.extract(article);
        let quads = rdf::article_quads(article, &ex);
        (ex, quads)
    })?;
    replace_graph(store, &Prepared { article, extraction: &ex, quads })
}

/// Replace the article's graph with the quads of this extraction, atomically.
pub fn write_article(store: &Store, article: &Article, ex: &Extraction) -> Result<IngestReport> {
    let p = Prepared { article, extraction: ex, quads: rdf::article_quads(article, ex) };
    replace_graph(store, &p)
}

/// One extracted article ready to store.
pub struct Prepared<'a> {
    pub article: &'a Article,
    pub extraction: &'a Extraction,
    pub quads: Vec<Quad>,
}

impl Prepared<'_> {
    fn report(&self) -> IngestReport {
        let ex = self.extraction;
        let graph = rdf::article_iri(&self.article.id);
        let own = self.quads.iter().filter(|q| q.graph_name.as_ref() == GraphNameRef::NamedNode(graph.as_ref())).count();
        IngestReport {
            article: graph.as_str().to_string(),
            source: self.article.source.clone(),
            facts: ex.fact_count(),
            sanctions: ex.sanctions.len(),
            transfers: ex.transfers.len(),
            statements: ex.statements.len(),
            triples: own,
            entity_triples: self.quads.len() - own,
        }
    }
}

/// Store a batch of articles. Articles new to the store go through the bulk loader, committed
/// once for the batch (all of them or none); an article whose graph already exists is replaced
/// in its own transaction. Either way an article is never half there. If the bulk commit fails,
/// each article is retried alone, so one bad write never costs the others.
pub fn write_batch(store: &Store, items: &[Prepared<'_>]) -> Vec<Result<IngestReport>> {
    let mut fresh = Vec::new();
    let mut replace = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, p) in items.iter().enumerate() {
        let g = rdf::article_iri(&p.article.id);
        let exists = store.contains_named_graph(g.as_ref()).unwrap_or(true);
        if !exists && seen.insert(p.article.id.clone()) { fresh.push(i) } else { replace.push(i) }
    }
    let mut out: Vec<Option<Result<IngestReport>>> = (0..items.len()).map(|_| None).collect();
    if !fresh.is_empty() {
        let mut loader = store.bulk_loader().with_max_memory_size_in_megabytes(256);
        let loaded = loader
            .load_quads(fresh.iter().flat_map(|&i| items[i].quads.iter().cloned()))
            .and_then(|()| loader.commit());
        match loaded {
            Ok(()) => {
                for &i in &fresh {
                    out[i] = Some(Ok(items[i].report()));
                }
            }
            Err(_) => replace.extend(fresh.iter().copied()),
        }
    }
    replace.sort_unstable();
    for i in replace {
        let p = &items[i];
        out[i] = Some(replace_graph(store, p));
    }
    out.into_iter().map(|r| r.unwrap_or_else(|| Err(store_err("article was not written")))).collect()
}

/// Clear the article's graph and insert its quads (its own and the entities' descriptions) in
/// one transaction; the entities graph is only ever added to.
fn replace_graph(store: &Store, p: &Prepared<'_>) -> Result<IngestReport> {
    let graph = rdf::article_iri(&p.article.id);
    let mut tx = store.start_transaction().map_err(store_err)?;
    tx.clear_graph(GraphNameRef::NamedNode(graph.as_ref())).map_err(store_err)?;
    tx.extend(p.quads.iter());
    tx.commit().map_err(store_err)?;
    Ok(p.report())
}
