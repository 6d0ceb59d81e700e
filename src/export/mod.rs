//! Export stage: the store (or one graph) in any of our RDF formats, sorted and byte-stable.

use crate::error::{Error, Result};
use crate::rdf::{self, Format};
use oxigraph::model::{GraphNameRef, NamedNode, Quad};
use oxigraph::store::Store;
use std::io::Write;

/// Write every quad of the store, or of one named graph.
pub fn export<W: Write>(store: &Store, format: Format, graph: Option<&str>, out: W) -> Result<W> {
    let quads: Vec<Quad> = match graph {
        Some(g) => {
            let node = NamedNode::new(g).map_err(|e| Error::input(g, format!("not an IRI: {e}")))?;
            if !store.contains_named_graph(node.as_ref()).map_err(|e| Error::Rdf(e.to_string()))? {
                return Err(Error::input(g, "no such graph in the store"));
            }
            store
                .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(node.as_ref())))
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| Error::Rdf(e.to_string()))?
        }
        None => store.iter().collect::<std::result::Result<_, _>>().map_err(|e| Error::Rdf(e.to_string()))?,
    };
    rdf::write_quads(quads, format, out)
}
