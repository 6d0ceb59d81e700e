//! SPARQL 1.1 Service Description, answered on GET /query without a query.

use super::http::{Fail, Reply, bytes};
use super::sparql::{compacted_json_ld, graph_format, graph_serializer};
use super::Shared;
use oxhttp::model::StatusCode;
use oxigraph::io::RdfFormat;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{BlankNode, Literal, NamedNode, NamedOrBlankNode, Term, Triple};

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
const FORMATS: &str = "http://www.w3.org/ns/formats/";

fn sd(local: &str) -> NamedNode {
    NamedNode::new_unchecked(format!("{SD}{local}"))
}

/// The description of the endpoint at `endpoint` (an absolute IRI built from the Host header).
pub fn service_description(shared: &Shared, endpoint: NamedNode, accept: Option<&str>) -> Reply {
    let config = &shared.config;
    let service = NamedOrBlankNode::from(endpoint.clone());
    let mut triples = vec![
        Triple::new(service.clone(), rdf::TYPE, sd("Service")),
        Triple::new(service.clone(), sd("endpoint"), endpoint),
        Triple::new(service.clone(), sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple::new(service.clone(), sd("feature"), sd("UnionDefaultGraph")),
        Triple::new(
            service.clone(),
            NamedNode::new_unchecked("http://purl.org/dc/terms/title"),
            Literal::new_simple_literal("realpolitik knowledge graph (sanctions, weapon transfers, statements)"),
        ),
    ];
    if config.allow_updates {
        triples.push(Triple::new(service.clone(), sd("supportedLanguage"), sd("SPARQL11Update")));
    }
    if config.allow_service {
        triples.push(Triple::new(service.clone(), sd("feature"), sd("BasicFederatedQuery")));
    }
    for format in ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"] {
        triples.push(Triple::new(service.clone(), sd("resultFormat"), NamedNode::new_unchecked(format!("{FORMATS}{format}"))));
    }
    for format in [RdfFormat::Turtle, RdfFormat::NTriples, RdfFormat::RdfXml] {
        triples.push(Triple::new(service.clone(), sd("resultFormat"), NamedNode::new_unchecked(format.iri())));
    }
    triples.push(Triple::new(
        service.clone(),
        sd("resultFormat"),
        NamedNode::new_unchecked(format!("{FORMATS}JSON-LD")),
    ));
    // The default dataset: its default graph is the union of the named graphs (articles,
    // shared entities, ontology).
    let dataset = BlankNode::default();
    let default_graph = BlankNode::default();
    triples.push(Triple::new(service, sd("defaultDataset"), dataset.clone()));
    triples.push(Triple::new(dataset.clone(), rdf::TYPE, sd("Dataset")));
    triples.push(Triple::new(dataset, sd("defaultGraph"), Term::from(default_graph.clone())));
    triples.push(Triple::new(default_graph, rdf::TYPE, sd("Graph")));

    let format = graph_format(accept)?;
    if matches!(format, RdfFormat::JsonLd { .. }) {
        return Ok(bytes(StatusCode::OK, format.media_type(), compacted_json_ld(triples)?));
    }
    let io = |e: std::io::Error| Fail::internal(format!("cannot serialise the service description: {e}"));
    let mut serializer = graph_serializer(format)?
        .with_prefix("sd", SD)
        .map_err(|e| Fail::internal(e.to_string()))?
        .for_writer(Vec::new());
    for triple in &triples {
        serializer.serialize_triple(triple).map_err(io)?;
    }
    Ok(bytes(StatusCode::OK, format.media_type(), serializer.finish().map_err(io)?))
}
