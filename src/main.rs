//! `realpolitik`: a thin command line over the library. Arguments become a plain config,
//! then library pieces are wired together; all the work lives in the library.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use realpolitik::ingest::{self, Source};
use realpolitik::model::{Article, Extraction};
use realpolitik::query::ResultFormat;
use realpolitik::rdf::{self, Format};
use realpolitik::{Extractor, store};
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Parser)]
#[command(name = "realpolitik", version, about = "News about sanctions, weapon transfers and officials' statements → a Wikidata-linked RDF knowledge graph", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct StoreArg {
    /// Store folder [default: ~/.local/share/realpolitik/store]
    #[arg(long, env = "REALPOLITIK_STORE", value_name = "DIR")]
    store: Option<PathBuf>,
}

impl StoreArg {
    fn path(&self) -> PathBuf {
        self.store.clone().unwrap_or_else(store::default_path)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Extract facts from articles and print them as RDF (no store)
    Extract {
        #[arg(long, short, value_enum, default_value = "turtle")]
        format: Format,
        /// Files (.txt, .html, .jsonl), folders, URLs, or - for stdin
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Extract facts from articles into the store (one transaction per article)
    Ingest {
        #[command(flatten)]
        store: StoreArg,
        /// Worker threads for extraction [default: all cores]
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        /// Print no progress bar
        #[arg(long, short)]
        quiet: bool,
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Run a SPARQL 1.1 query over the store (the default graph is the union of all articles)
    Query {
        #[command(flatten)]
        store: StoreArg,
        #[arg(long, short, value_enum, default_value = "table")]
        format: ResultFormat,
        /// Read the query from a file
        #[arg(long, value_name = "FILE", conflicts_with = "query")]
        file: Option<PathBuf>,
        /// The query (prefixes rp:, rpid:, wd:, rdf:, rdfs:, owl:, prov:, xsd: are predeclared)
        query: Option<String>,
    },
    /// Write the store, or one graph of it, as RDF
    Export {
        #[command(flatten)]
        store: StoreArg,
        #[arg(long, short, value_enum, default_value = "trig")]
        format: Format,
        /// Only this named graph (an article IRI, or the ontology graph)
        #[arg(long, value_name = "IRI")]
        graph: Option<String>,
        /// Write to this file instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print each extracted fact with its sentence, rule and confidence
    Explain {
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Extract { format, inputs } => extract(format, &inputs),
        Command::Ingest { store, threads, quiet, inputs } => ingest_cmd(&store.path(), threads, quiet, &inputs),
        Command::Query { store, format, file, query } => {
            let q = match (file, query) {
                (Some(f), _) => std::fs::read_to_string(&f).with_context(|| format!("{}: cannot read query file", f.display()))?,
                (None, Some(q)) => q,
                (None, None) => bail!("give a query, or --file FILE"),
            };
            let path = store.path();
            let st = store::open_existing(&path)?;
            let out = BufWriter::new(std::io::stdout().lock());
            let r = realpolitik::query::run(&st, &q, format, out).and_then(|mut o| o.flush().map_err(|e| realpolitik::Error::Query(e.to_string())));
            store::release(&path);
            r?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { store, format, graph, output } => {
            let path = store.path();
            let st = store::open_existing(&path)?;
            let r = match &output {
                Some(f) => {
                    let file = std::fs::File::create(f).with_context(|| format!("{}: cannot create", f.display()))?;
                    realpolitik::export::export(&st, format, graph.as_deref(), BufWriter::new(file)).map(|mut w| w.flush())
                }
                None => realpolitik::export::export(&st, format, graph.as_deref(), BufWriter::new(std::io::stdout().lock())).map(|mut w| w.flush()),
            };
            store::release(&path);
            r?.context("writing the export")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { inputs } => explain(&inputs),
    }
}

/// Read every input into articles, in order; failures are reported and counted.
fn read_all(inputs: &[String]) -> (Vec<Article>, usize) {
    let sources = ingest::expand(inputs);
    let results: Vec<Vec<realpolitik::Result<Article>>> = sources
        .par_iter()
        .map(|s| match s {
            Ok(src) => ingest::read_source(src),
            Err(e) => vec![Err(realpolitik::Error::input(e.to_string(), ""))],
        })
        .collect();
    let mut articles = Vec::new();
    let mut failures = 0;
    for r in results.into_iter().flatten() {
        match r {
            Ok(a) => articles.push(a),
            Err(e) => {
                failures += 1;
                eprintln!("error: {}", e.to_string().trim_end_matches(": "));
            }
        }
    }
    (articles, failures)
}

fn extract(format: Format, inputs: &[String]) -> Result<ExitCode> {
    let x = Extractor::shared()?;
    let (articles, failures) = read_all(inputs);
    let quads: Vec<_> = articles.par_iter().flat_map_iter(|a| rdf::article_quads(a, &x.extract(a))).collect();
    let out = BufWriter::new(std::io::stdout().lock());
    rdf::write_quads(quads, format, out)?.flush()?;
    Ok(if failures > 0 || articles.is_empty() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

#[derive(Default)]
struct Totals {
    articles: usize,
    sanctions: usize,
    transfers: usize,
    statements: usize,
    triples: usize,
    failures: usize,
}

fn ingest_cmd(path: &std::path::Path, threads: Option<usize>, quiet: bool, inputs: &[String]) -> Result<ExitCode> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let started = Instant::now();
    let x = Extractor::shared()?;
    let st = store::open(path)?;
    store::ensure_ontology(&st)?;
    let sources: Vec<Source> = ingest::expand(inputs)
        .into_iter()
        .filter_map(|s| s.map_err(|e| eprintln!("error: {e}")).ok())
        .collect();
    let mut t = Totals { failures: ingest::expand(inputs).iter().filter(|s| s.is_err()).count(), ..Default::default() };
    let bar = if quiet || sources.len() < 50 {
        ProgressBar::hidden()
    } else {
        let b = ProgressBar::new(sources.len() as u64);
        b.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} inputs, {per_sec}, eta {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
        b
    };
    // Bounded chunks: extraction runs on all cores, writes go one transaction per article.
    for chunk in sources.chunks(256) {
        let done: Vec<Vec<realpolitik::Result<(Article, Extraction)>>> = chunk
            .par_iter()
            .map(|s| ingest::read_source(s).into_iter().map(|a| a.map(|a| { let e = x.extract(&a); (a, e) })).collect())
            .collect();
        for r in done.into_iter().flatten() {
            match r.and_then(|(a, e)| store::write_article(&st, &a, &e)) {
                Ok(rep) => {
                    t.articles += 1;
                    t.sanctions += rep.sanctions;
                    t.transfers += rep.transfers;
                    t.statements += rep.statements;
                    t.triples += rep.triples;
                }
                Err(e) => {
                    t.failures += 1;
                    bar.suspend(|| eprintln!("error: {e}"));
                }
            }
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    st.flush().ok();
    let total = st.len().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    drop(st);
    store::release(path);
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "ingested {} article{} into {} in {:.2}s ({:.0} articles/s)\n  sanctions: {}\n  weapon transfers: {}\n  statements: {}\n  triples written: {} (store now holds {} quads)\n  failures: {}",
        t.articles,
        if t.articles == 1 { "" } else { "s" },
        path.display(),
        secs,
        t.articles as f64 / secs.max(1e-9),
        t.sanctions,
        t.transfers,
        t.statements,
        t.triples,
        total,
        t.failures
    );
    Ok(if t.failures > 0 || t.articles == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn explain(inputs: &[String]) -> Result<ExitCode> {
    let x = Extractor::shared()?;
    let (articles, failures) = read_all(inputs);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for a in &articles {
        let ex = x.extract(a);
        writeln!(out, "# {} ({})", a.source, rdf::article_iri(&a.id))?;
        let name = |i: usize| ex.actors[i].label.clone();
        let names = |v: &[usize]| v.iter().map(|&i| name(i)).collect::<Vec<_>>().join(", ");
        for s in &ex.sanctions {
            writeln!(out, "\nSANCTION  {} → {}  [{}]", names(&s.imposers), if s.targets.is_empty() { "?".into() } else { names(&s.targets) }, s.measure)?;
            evidence(&mut out, &s.evidence)?;
        }
        for t in &ex.transfers {
            let q = t.quantity.map(|q| format!(" ×{q}")).unwrap_or_default();
            writeln!(out, "\nTRANSFER  {} → {}  {}{} ({}, {})", names(&t.suppliers), names(&t.recipients), t.weapon.label, q, t.weapon.category, t.status)?;
            evidence(&mut out, &t.evidence)?;
        }
        for s in &ex.statements {
            writeln!(out, "\nSTATEMENT {} ({}): “{}”", name(s.speaker), if s.direct { "direct" } else { "reported" }, s.quote)?;
            evidence(&mut out, &s.evidence)?;
        }
        let states: Vec<String> = ex.mentioned.iter().filter(|&&i| ex.actors[i].kind == realpolitik::model::ActorKind::State).map(|&i| name(i)).collect();
        writeln!(out, "\nstates mentioned: {}\n", states.join(", "))?;
    }
    out.flush()?;
    Ok(if failures > 0 || articles.is_empty() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn evidence(out: &mut impl Write, e: &realpolitik::model::Evidence) -> std::io::Result<()> {
    writeln!(out, "  rule {} (confidence {:.2}), chars {}..{}", e.rule, e.confidence, e.char_start, e.char_end)?;
    writeln!(out, "  “{}”", e.sentence)
}
