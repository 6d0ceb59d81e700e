//! SPARQL 1.1 Graph Store HTTP Protocol at /store: `?default` or `?graph=IRI`.
//! Reads go through the query path (same timeout, cap and negotiation); writes are one
//! transaction each.

use super::http::{self, Fail, Reply, empty};
use super::sparql::{self, DatasetParams};
use super::Shared;
use oxhttp::model::{Method, StatusCode};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, Quad};
use oxigraph::store::Store;

/// The graph a request names.
enum Target {
    /// `?default`: for reads the union of all graphs (what queries see), for writes the
    /// store's own default graph.
    Default,
    Named(NamedNode),
}

fn target(params: &[(String, String)]) -> Result<Target, Fail> {
    let has_default = params.iter().any(|(k, _)| k == "default");
    match (has_default, http::single(params, "graph")?) {
        (true, None) => Ok(Target::Default),
        (false, Some(iri)) => NamedNode::new(iri)
            .map(Target::Named)
            .map_err(|e| Fail::bad_request(format!("invalid graph IRI {iri:?}: {e}"))),
        (true, Some(_)) => Err(Fail::bad_request("give either ?default or ?graph=IRI, not both")),
        (false, None) => Err(Fail::bad_request("name a graph: /store?default or /store?graph=IRI")),
    }
}

fn store_failure(e: impl std::fmt::Display) -> Fail {
    Fail::internal(format!("store error: {e}"))
}

fn exists(store: &Store, graph: &NamedNode) -> Result<bool, Fail> {
    store.contains_named_graph(graph).map_err(store_failure)
}

/// GET: the graph in the negotiated RDF format; 404 for an unknown named graph.
pub fn read(shared: &Shared, store: Store, params: &[(String, String)], accept: Option<&str>) -> Reply {
    let query = match target(params)? {
        Target::Default => "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }".to_string(),
        Target::Named(graph) => {
            if !exists(&store, &graph)? {
                return Err(Fail::new(StatusCode::NOT_FOUND, format!("graph {graph} does not exist")));
            }
            format!("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        }
    };
    sparql::query(shared, store, &query, &DatasetParams::default(), accept)
}

/// PUT (replace), POST (add to) or DELETE a graph. The caller has checked the token.
pub fn write(
    store: Store,
    method: &Method,
    params: &[(String, String)],
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Reply {
    let target = target(params)?;
    let graph_name = match &target {
        Target::Default => GraphName::DefaultGraph,
        Target::Named(n) => GraphName::NamedNode(n.clone()),
    };
    let existed = match &target {
        Target::Default => true,
        Target::Named(n) => exists(&store, n)?,
    };

    if method == Method::DELETE {
        let mut tx = store.start_transaction().map_err(store_failure)?;
        match &target {
            Target::Default => tx.clear_graph(GraphNameRef::DefaultGraph).map_err(store_failure)?,
            Target::Named(n) if existed => tx.remove_named_graph(n).map_err(store_failure)?,
            Target::Named(n) => return Err(Fail::new(StatusCode::NOT_FOUND, format!("graph {n} does not exist"))),
        }
        tx.commit().map_err(store_failure)?;
        return Ok(empty(StatusCode::NO_CONTENT));
    }

    let media = content_type.unwrap_or("");
    let format = RdfFormat::from_media_type(media)
        .filter(|f| !matches!(f, RdfFormat::NQuads | RdfFormat::TriG))
        .ok_or_else(|| {
            Fail::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "cannot read a graph from content type {media:?}; send text/turtle, application/n-triples, \
                     application/rdf+xml or application/ld+json"
                ),
            )
        })?;
    let mut parser = RdfParser::from_format(format)
        .without_named_graphs()
        .rename_blank_nodes()
        .with_default_graph(graph_name.clone());
    if let Target::Named(n) = &target {
        parser = parser.with_base_iri(n.as_str()).map_err(|e| Fail::bad_request(e.to_string()))?;
    }
    let quads = parser
        .for_slice(&body)
        .collect::<Result<Vec<Quad>, _>>()
        .map_err(|e| Fail::bad_request(format!("cannot parse the {} body: {e}", format.name())))?;

    let mut tx = store.start_transaction().map_err(store_failure)?;
    if method == Method::PUT {
        tx.clear_graph(&graph_name).map_err(store_failure)?;
    }
    if let Target::Named(n) = &target {
        // An empty PUT still creates the graph.
        tx.insert_named_graph(n);
    }
    tx.extend(quads.iter());
    tx.commit().map_err(store_failure)?;
    Ok(empty(if existed { StatusCode::NO_CONTENT } else { StatusCode::CREATED }))
}
