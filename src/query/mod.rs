//! Query stage: SPARQL 1.1 over the store, with the union of all graphs (articles, shared
//! entities, ontology) as the default graph, and results printed as a terminal table, CSV, TSV, JSON or XML.

pub mod layout;
pub mod syntax;
pub mod tables;

pub use layout::TableWidth;

use crate::error::{Error, Result};
use crate::rdf::vocab::PREFIXES;
use oxigraph::model::Term;
use oxigraph::sparql::QueryResults;
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::store::Store;
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ResultFormat {
    #[default]
    Table,
    Csv,
    Tsv,
    Json,
    Xml,
}

/// Run a query and write its results (tables cut as for a pipe: see [`TableWidth`]).
pub fn run<W: Write>(store: &Store, query: &str, format: ResultFormat, out: W) -> Result<W> {
    run_with(store, query, format, TableWidth::default(), out)
}

/// [`run`], with the width rule for `--format table`.
pub fn run_with<W: Write>(store: &Store, query: &str, format: ResultFormat, width: TableWidth, mut out: W) -> Result<W> {
    syntax::check_nesting(query)?;
    let mut prepared = syntax::evaluator().parse_query(query).map_err(|e| syntax::describe(query, &e))?;
    if prepared.dataset().is_default_dataset() {
        prepared.dataset_mut().set_default_graph_as_union();
    }
    let results = prepared.on_store(store).execute().map_err(|e| Error::Query(e.to_string()))?;
    let io = |e: std::io::Error| Error::Query(format!("writing results: {e}"));
    match results {
        QueryResults::Boolean(b) => match format {
            ResultFormat::Table => writeln!(out, "{b}").map_err(io)?,
            f => {
                out = QueryResultsSerializer::from_format(results_format(f)).serialize_boolean_to_writer(out, b).map_err(io)?;
            }
        },
        QueryResults::Solutions(solutions) => {
            let vars = solutions.variables().to_vec();
            if format == ResultFormat::Table {
                let mut rows = Vec::new();
                for s in solutions {
                    let s = s.map_err(|e| Error::Query(e.to_string()))?;
                    rows.push(vars.iter().map(|v| s.get(v).map(short).unwrap_or_default()).collect::<Vec<_>>());
                }
                let header: Vec<String> = vars.iter().map(|v| v.as_str().to_string()).collect();
                layout::write_table(&mut out, &header, &rows, width).map_err(io)?;
            } else {
                let mut ser = QueryResultsSerializer::from_format(results_format(format))
                    .serialize_solutions_to_writer(out, vars)
                    .map_err(io)?;
                for s in solutions {
                    let s = s.map_err(|e| Error::Query(e.to_string()))?;
                    ser.serialize(&s).map_err(io)?;
                }
                out = ser.finish().map_err(io)?;
            }
        }
        QueryResults::Graph(triples) => {
            let mut quads = Vec::new();
            for t in triples {
                let t = t.map_err(|e| Error::Query(e.to_string()))?;
                quads.push(t.in_graph(oxigraph::model::GraphName::DefaultGraph));
            }
            out = crate::rdf::write_quads(quads, crate::rdf::Format::Turtle, out)?;
        }
    }
    Ok(out)
}

fn results_format(f: ResultFormat) -> QueryResultsFormat {
    match f {
        ResultFormat::Csv => QueryResultsFormat::Csv,
        ResultFormat::Tsv => QueryResultsFormat::Tsv,
        ResultFormat::Xml => QueryResultsFormat::Xml,
        _ => QueryResultsFormat::Json,
    }
}

/// A term as a person reads it: prefixed IRIs, bare literal values.
pub fn short(t: &Term) -> String {
    match t {
        Term::NamedNode(n) => {
            for (p, ns) in PREFIXES {
                if let Some(rest) = n.as_str().strip_prefix(ns) {
                    return format!("{p}:{rest}");
                }
            }
            format!("<{}>", n.as_str())
        }
        Term::Literal(l) => l.value().to_string(),
        other => other.to_string(),
    }
}
