//! `realpolitik`: a thin command line over the library. Arguments become a plain config,
//! then library pieces are wired together; all the work lives in the library.

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use realpolitik::ingest::{self, Source};
use realpolitik::model::{Article, Extraction};
use realpolitik::explain::ExplainFormat;
use realpolitik::query::{ResultFormat, TableWidth};
use realpolitik::rdf::{self, Format};
use realpolitik::ingest::fetch;
use realpolitik::link::{LinkMode, online};
use realpolitik::{Extractor, isolate, store};
use std::time::Duration;
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

/// How wide `--format table` output may be (shared by query, table, stats).
#[derive(Args, Clone, Copy)]
struct WidthOpts {
    /// Never cut table cells (default on a terminal: fit its width; piped: cut cells at 60 characters)
    #[arg(long, conflicts_with = "max_width")]
    wide: bool,
    /// Fit the whole table in N columns, cutting the widest columns first (also when piped)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    max_width: Option<u16>,
}

impl WidthOpts {
    fn width(self) -> TableWidth {
        TableWidth::for_stdout(self.wide, self.max_width.map(usize::from))
    }
}

/// How inputs are read and actors linked (shared by extract, ingest, explain).
#[derive(Args, Clone)]
struct InputOpts {
    /// Wikidata linking: the bundled table only, or also the Wikidata API for persons and organisations
    #[arg(long, value_enum, default_value = "offline")]
    link: LinkMode,
    /// Wikidata API endpoint for --link online
    #[arg(long, env = "REALPOLITIK_WIKIDATA_API", value_name = "URL", default_value = online::DEFAULT_API_URL)]
    wikidata_api: String,
    /// Cache file of online look-ups [default: ~/.cache/realpolitik/wikidata-links.json]
    #[arg(long, env = "REALPOLITIK_LINK_CACHE", value_name = "FILE")]
    link_cache: Option<PathBuf>,
    /// Minimum confidence for an online link
    #[arg(long, default_value_t = 0.8, value_name = "X")]
    min_link_confidence: f32,
    /// Keep only facts whose confidence (the measured precision of their rule) is at least X
    #[arg(long, default_value_t = 0.0, value_name = "X", value_parser = unit_interval)]
    min_confidence: f32,
    /// Read timeout when fetching URLs, in seconds
    #[arg(long, default_value_t = 30, value_name = "SECS")]
    fetch_timeout: u64,
    /// Largest page accepted when fetching URLs, in bytes
    #[arg(long, default_value_t = fetch::DEFAULT_MAX_BYTES, value_name = "N")]
    max_page_bytes: u64,
    /// Only the articles of shard I of N (1 ≤ I ≤ N), split by a stable hash of the article id:
    /// N machines given the same inputs and --shard 1/N … N/N produce disjoint articles with
    /// the same IRIs, whose union is the unsharded output
    #[arg(long, value_name = "I/N")]
    shard: Option<realpolitik::push::Shard>,
}

/// The configured pipeline: extractor, URL fetcher, optional online linker.
struct Pipeline {
    x: &'static Extractor,
    fetcher: Option<fetch::Fetcher>,
    linker: Option<online::OnlineLinker>,
    min_confidence: f32,
    shard: Option<realpolitik::push::Shard>,
}

/// A confidence threshold: a number from 0 to 1.
fn unit_interval(s: &str) -> std::result::Result<f32, String> {
    match s.parse::<f32>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(x) => Err(format!("{x} is not between 0 and 1")),
        Err(_) => Err(format!("`{s}` is not a number between 0 and 1")),
    }
}

impl Pipeline {
    fn new(o: &InputOpts, inputs: &[String]) -> Result<Pipeline> {
        let x = Extractor::shared()?;
        let wants_urls = inputs.iter().any(|i| i.starts_with("http://") || i.starts_with("https://"));
        let fetcher = if wants_urls {
            let secs = Duration::from_secs(o.fetch_timeout.max(1));
            let cfg = fetch::FetchConfig {
                read_timeout: secs,
                connect_timeout: secs.min(fetch::DEFAULT_CONNECT_TIMEOUT),
                max_bytes: o.max_page_bytes,
                ..Default::default()
            };
            Some(fetch::Fetcher::new(&cfg)?)
        } else {
            None
        };
        let linker = match o.link {
            LinkMode::Offline => None,
            LinkMode::Online => Some(online::OnlineLinker::new(online::OnlineConfig {
                api_url: o.wikidata_api.clone(),
                cache_path: o.link_cache.clone().unwrap_or_else(online::default_cache_path),
                min_confidence: o.min_link_confidence,
                ..Default::default()
            })?),
        };
        Ok(Pipeline { x, fetcher, linker, min_confidence: o.min_confidence, shard: o.shard })
    }

    /// The articles of a source (of this shard only, with --shard); unreadable ones as errors.
    fn read(&self, s: &Source) -> Vec<realpolitik::Result<Article>> {
        let mut read = ingest::read_source_with(s, self.fetcher.as_ref());
        if let Some(shard) = self.shard {
            read.retain(|r| r.as_ref().map_or(true, |a| shard.contains(&a.id)));
        }
        read
    }

    /// Extract and link one article; a bug it trips is its own failure ([`isolate`]).
    fn extract(&self, a: &Article) -> realpolitik::Result<Extraction> {
        isolate::article(a, || self.extract_unguarded(a))
    }

    /// [`Self::extract`] and the article's quads, both under the same isolation.
    fn process(&self, a: &Article) -> realpolitik::Result<(Extraction, Vec<oxigraph::model::Quad>)> {
        isolate::article(a, || {
            let ex = self.extract_unguarded(a);
            let quads = rdf::article_quads(a, &ex);
            (ex, quads)
        })
    }

    fn extract_unguarded(&self, a: &Article) -> Extraction {
        let mut ex = self.x.extract(a);
        ex.retain_confident(self.min_confidence);
        if let Some(l) = &self.linker {
            for w in l.link(&mut ex) {
                eprintln!("warning: {}: {w}", a.source);
            }
        }
        ex
    }
}

#[derive(Subcommand)]
enum Command {
    /// Extract facts from articles and print them as RDF (no store)
    #[command(after_help = "Examples:\n  realpolitik extract data/samples/000_70de5bca808cd6d9.txt\n  realpolitik extract --format ntriples articles/ > facts.nt\n  realpolitik extract --min-confidence 0.8 https://example.org/news/article.html\n  cat article.txt | realpolitik extract -")]
    Extract {
        /// RDF syntax of the output. ntriples and nquads stream article by article in bounded
        /// memory (each article's lines sorted, articles in input order, a shared entity's
        /// description written once; a triple two articles both state, such as a person's role,
        /// appears for each in N-Triples); turtle, trig, rdfxml and jsonld group the whole graph,
        /// so they hold all output in memory: use a line format for large batches
        #[arg(long, short, value_enum, default_value = "turtle")]
        format: Format,
        #[command(flatten)]
        opts: InputOpts,
        /// Files (.txt, .html, .jsonl), folders, URLs, or - for stdin
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Extract facts from articles into the store (one transaction per article)
    #[command(after_help = "Examples:\n  realpolitik ingest data/samples/\n  realpolitik ingest --store ./store -j 4 news.jsonl https://example.org/article.html")]
    Ingest {
        #[command(flatten)]
        store: StoreArg,
        /// Worker threads for extraction [default: all cores]
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        /// Print no progress bar
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        opts: InputOpts,
        /// Files (.txt, .html, .jsonl), folders, URLs, or - for stdin
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Run a SPARQL 1.1 query over the store (the default graph is the union of all articles)
    #[command(after_help = "Examples:\n  realpolitik query 'SELECT ?s ?imposer WHERE { ?s a rp:Sanction ; rp:imposedBy ?imposer }'\n  realpolitik query --format csv --file who-sanctioned-whom.rq > out.csv\n  echo 'ASK { ?s a rp:Statement }' | realpolitik query -\n  realpolitik query --wide 'SELECT ?e WHERE { ?s rp:evidence ?e }'")]
    Query {
        #[command(flatten)]
        store: StoreArg,
        /// Result syntax (table for people; csv, tsv, json, xml for programs)
        #[arg(long, short, value_enum, default_value = "table")]
        format: ResultFormat,
        #[command(flatten)]
        width: WidthOpts,
        /// Read the query from a file ("-" reads stdin)
        #[arg(long, value_name = "FILE", conflicts_with = "query")]
        file: Option<PathBuf>,
        /// The query, or "-" to read it from stdin (prefixes rp:, rpid:, wd:, rdf:, rdfs:, owl:, prov:, xsd:, skos: are predeclared)
        query: Option<String>,
    },
    /// Print one flat row per fact (parties with labels and Wikidata ids, measure or weapon, confidence, article, evidence)
    #[command(after_help = "Examples:\n  realpolitik table sanctions\n  realpolitik table transfers --format csv > transfers.csv\n  realpolitik table actors --format json\n  realpolitik table statements --max-width 120\n  realpolitik table statements --wide | less -S")]
    Table {
        #[command(flatten)]
        store: StoreArg,
        /// Result syntax (table for people; csv, tsv, json, xml for spreadsheets and programs)
        #[arg(long, short, value_enum, default_value = "table")]
        format: ResultFormat,
        #[command(flatten)]
        width: WidthOpts,
        /// Which facts: sanctions, transfers, statements, or actors (with their fact counts)
        #[arg(value_enum)]
        which: realpolitik::query::tables::Table,
    },
    /// List reported events: the facts of all articles that report one real-world event, merged (type, parties, measure or weapon, dates, reports, articles)
    #[command(after_help = "Facts of different articles are one event when they have the same type and the same imposers, suppliers or speaker, share a target or recipient (actors counted as the state they belong to), have a compatible measure, weapon category and status (or the same quote), and are dated within 30 days of the event's first report (the sentence's date, else the article's). The events graph is recomputed by every ingest.\n\nExamples:\n  realpolitik events\n  realpolitik events --type sanction --format csv > sanctions-by-event.csv\n  realpolitik events --format json | jq '.results.bindings[] | select(.reports.value != \"1\")'\n  realpolitik events --refresh --store ./old-store")]
    Events {
        #[command(flatten)]
        store: StoreArg,
        /// Result syntax (table for people; csv, tsv, json, xml for spreadsheets and programs)
        #[arg(long, short, value_enum, default_value = "table")]
        format: ResultFormat,
        #[command(flatten)]
        width: WidthOpts,
        /// Only events of this type
        #[arg(long = "type", value_enum, value_name = "TYPE")]
        kind: Option<realpolitik::events::Kind>,
        /// Recompute the events graph first (for a store ingested before events existed; needs write access to the store)
        #[arg(long)]
        refresh: bool,
    },
    /// Count articles and facts per type, and list the ten actors in most facts
    #[command(after_help = "Examples:\n  realpolitik stats\n  realpolitik stats --format json\n  realpolitik stats --wide")]
    Stats {
        #[command(flatten)]
        store: StoreArg,
        /// Result syntax (table for people; csv, tsv, json, xml for programs)
        #[arg(long, short, value_enum, default_value = "table")]
        format: ResultFormat,
        #[command(flatten)]
        width: WidthOpts,
    },
    /// Write the store, or one graph of it, as RDF
    #[command(after_help = "Examples:\n  realpolitik export --format trig > graph.trig\n  realpolitik export --format jsonld --output graph.jsonld")]
    Export {
        #[command(flatten)]
        store: StoreArg,
        /// RDF syntax of the output (trig and nquads keep the article graphs)
        #[arg(long, short, value_enum, default_value = "trig")]
        format: Format,
        /// Only this named graph (an article IRI, or the ontology graph)
        #[arg(long, value_name = "IRI")]
        graph: Option<String>,
        /// Write to this file instead of stdout
        #[arg(long, short, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Serve the store over the SPARQL 1.1 Protocol (read-only unless --allow-updates)
    Serve {
        #[command(flatten)]
        store: StoreArg,
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1:7878", value_name = "ADDR")]
        bind: String,
        /// Accept SPARQL updates, Graph Store writes and POST /ingest (needs --token)
        #[arg(long)]
        allow_updates: bool,
        /// Bearer token that updates must carry
        #[arg(long, env = "REALPOLITIK_TOKEN", value_name = "TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Per-query time limit, in seconds
        #[arg(long, default_value_t = 30, value_name = "SECS")]
        timeout: u64,
        /// Most result rows or triples a query may return
        #[arg(long, default_value_t = 100_000, value_name = "N")]
        max_results: usize,
        /// Allow SERVICE calls to other endpoints in queries
        #[arg(long)]
        allow_service: bool,
        /// Most memory one query may use, in MB; a query needing more is stopped with 503
        #[arg(long, default_value_t = 512, value_name = "MB")]
        max_query_memory: usize,
        /// Seconds a client has to send a whole request (plus 1 s per 256 KiB of body); slower ones get 408
        #[arg(long, default_value_t = 10, value_name = "SECS")]
        request_timeout: u64,
        /// Connections one client address may hold open at once; more get 503
        #[arg(long, default_value_t = 64, value_name = "N")]
        max_connections_per_client: usize,
    },
    /// Print each extracted fact with its sentence, rule and confidence
    #[command(after_help = "Examples:\n  realpolitik explain data/samples/000_70de5bca808cd6d9.txt\n  realpolitik explain --format json data/samples/ | jq -c '.facts[] | {type, rule, confidence}'")]
    Explain {
        /// Output: text for people, or json (JSON Lines: one object per article, with entities, facts, Wikidata ids, evidence offsets)
        #[arg(long, short, value_enum, default_value = "text")]
        format: ExplainFormat,
        #[command(flatten)]
        opts: InputOpts,
        /// Files (.txt, .html, .jsonl), folders, URLs, or - for stdin
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<String>,
    },
    /// Send article graphs (and the entities and ontology graphs) to another SPARQL 1.1 store
    ///
    /// Extracts INPUTs as `ingest` does (or, with --from-store, reads a local store) and
    /// replaces each article's graph in the target store, so pushing again never duplicates.
    /// The entities graph is only added to. Transient failures (connection, 429, 5xx) are
    /// retried with backoff; an authentication failure stops at once.
    #[command(after_help = "Examples:\n  realpolitik push --endpoint http://localhost:7878/store data/samples/\n  REALPOLITIK_PUSH_PASSWORD=dba realpolitik push --endpoint http://localhost:8890/sparql-graph-crud-auth --user dba --auth digest news.jsonl\n  realpolitik push --update http://localhost:7878/update --batch 100 --from-store ./store\n  realpolitik push --endpoint https://db.example.org/store --bearer \"$TOKEN\" --shard 3/8 corpus/")]
    Push {
        /// Graph Store Protocol URL of the target (oxigraph: http://HOST:7878/store; Virtuoso: http://HOST:8890/sparql-graph-crud-auth; GraphDB: http://HOST:7200/repositories/ID/rdf-graphs/service)
        #[arg(long, value_name = "URL", required_unless_present = "update", conflicts_with = "update")]
        endpoint: Option<String>,
        /// SPARQL 1.1 Update endpoint instead of --endpoint (oxigraph: /update; Virtuoso: /sparql-auth; Neptune: :8182/sparql)
        #[arg(long, value_name = "URL")]
        update: Option<String>,
        /// Send the graphs of this local store instead of extracting INPUTs
        #[arg(long, value_name = "DIR", conflicts_with = "inputs")]
        from_store: Option<PathBuf>,
        /// User name for HTTP authentication
        #[arg(long, env = "REALPOLITIK_PUSH_USER", value_name = "NAME")]
        user: Option<String>,
        /// Password for --user (prefer the environment variable: a command line is visible to others)
        #[arg(long, env = "REALPOLITIK_PUSH_PASSWORD", value_name = "PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Authentication scheme for --user: auto answers the server's challenge (Basic or Digest)
        #[arg(long, value_enum, default_value = "auto")]
        auth: realpolitik::push::AuthScheme,
        /// Bearer token sent with every request (e.g. `realpolitik serve --token`)
        #[arg(long, env = "REALPOLITIK_PUSH_TOKEN", value_name = "TOKEN", hide_env_values = true, conflicts_with = "user")]
        bearer: Option<String>,
        /// Articles per request with --update, and per progress step
        #[arg(long, default_value_t = 50, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        batch: u64,
        /// Requests in flight at once with --endpoint
        #[arg(long, default_value_t = 4, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=64))]
        parallel: u64,
        /// Retries of a request after a connection error, 429 or 5xx (waits 0.5 s, 1 s, 2 s, …)
        #[arg(long, default_value_t = 5, value_name = "N")]
        retries: u32,
        /// Time allowed for one request, in seconds
        #[arg(long, default_value_t = 60, value_name = "SECS")]
        timeout: u64,
        /// Worker threads for extraction [default: all cores]
        #[arg(long, short = 'j')]
        threads: Option<usize>,
        /// Print no progress bar
        #[arg(long, short)]
        quiet: bool,
        #[command(flatten)]
        opts: InputOpts,
        /// Files (.txt, .html, .jsonl), folders, URLs, or - for stdin
        #[arg(value_name = "INPUT", required_unless_present = "from_store")]
        inputs: Vec<String>,
    },
    /// Print a shell completion script, e.g. `realpolitik completions bash > ~/.local/share/bash-completion/completions/realpolitik`
    Completions {
        /// bash, zsh, fish, elvish or powershell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A reader that stops early (`| head`) is not an error (ripgrep, oxigraph-cli).
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// The output was closed by its reader; library errors may carry the io::Error only as text.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.to_string().contains("Broken pipe")
    })
}


/// One query over the store, results on stdout (shared by `query`, `table` and `stats`).
fn run_query(store: &StoreArg, q: &str, format: ResultFormat, width: WidthOpts) -> Result<ExitCode> {
    let path = store.path();
    // Read-only: runs beside `ingest` or `serve` (sees the store as it was at open).
    let st = store::open_read_only(&path)?;
    let out = BufWriter::new(std::io::stdout().lock());
    realpolitik::query::run_with(&st, q, format, width.width(), out).and_then(|mut o| o.flush().map_err(|e| realpolitik::Error::Query(e.to_string())))?;
    Ok(ExitCode::SUCCESS)
}

/// A query from a file, or from stdin when the file or the query is "-".
fn read_query(file: Option<PathBuf>, query: Option<String>) -> Result<String> {
    let stdin = || -> Result<String> {
        let mut q = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut q).context("stdin: cannot read the query")?;
        Ok(q)
    };
    match (file, query) {
        (Some(f), _) if f.as_os_str() == "-" => stdin(),
        (Some(f), _) => std::fs::read_to_string(&f).with_context(|| format!("{}: cannot read query file", f.display())),
        (None, Some(q)) if q == "-" => stdin(),
        (None, Some(q)) => Ok(q),
        (None, None) => bail!("give a query, or --file FILE (\"-\" reads stdin)"),
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Extract { format, opts, inputs } => extract(&Pipeline::new(&opts, &inputs)?, format, &inputs),
        Command::Ingest { store, threads, quiet, opts, inputs } => ingest_cmd(&Pipeline::new(&opts, &inputs)?, &store.path(), threads, quiet, &inputs),
        Command::Query { store, format, width, file, query } => {
            let q = read_query(file, query)?;
            run_query(&store, &q, format, width)
        }
        Command::Table { store, format, width, which } => run_query(&store, &realpolitik::query::tables::sparql(which), format, width),
        Command::Events { store, format, width, kind, refresh } => {
            if refresh {
                let path = store.path();
                let st = store::open_existing(&path)?;
                let r = realpolitik::events::refresh(&st);
                drop(st);
                store::release(&path);
                let s = r?;
                eprintln!("events: {} from {} facts ({} reported more than once)", s.events, s.reports, s.merged);
            }
            // Read-only: runs beside `ingest` or `serve` (sees the store as it was at open).
            let st = store::open_read_only(&store.path())?;
            let rows = realpolitik::events::rows(&st, kind)?;
            let out = BufWriter::new(std::io::stdout().lock());
            realpolitik::events::write(&rows, format, width.width(), out)?.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats { store, format, width } => run_query(&store, realpolitik::query::tables::stats_sparql(), format, width),
        Command::Export { store, format, graph, output } => {
            let path = store.path();
            let st = store::open_read_only(&path)?;
            let r = match &output {
                Some(f) => {
                    let file = std::fs::File::create(f).with_context(|| format!("{}: cannot create", f.display()))?;
                    realpolitik::export::export(&st, format, graph.as_deref(), BufWriter::new(file)).map(|mut w| w.flush())
                }
                None => realpolitik::export::export(&st, format, graph.as_deref(), BufWriter::new(std::io::stdout().lock())).map(|mut w| w.flush()),
            };
            r?.context("writing the export")?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve {
            store,
            bind,
            allow_updates,
            token,
            timeout,
            max_results,
            allow_service,
            max_query_memory,
            request_timeout,
            max_connections_per_client,
        } => {
            if allow_updates && token.as_deref().is_none_or(|t| t.trim().is_empty()) {
                bail!("--allow-updates needs a bearer token: --token TOKEN or REALPOLITIK_TOKEN");
            }
            let path = store.path();
            // A read-only server can also share the store with a running ingest: then it
            // serves the store as it was at start.
            let (st, owned) = match store::open(&path) {
                Ok(st) => (st, true),
                Err(e) if !allow_updates && path.join("CURRENT").exists() => {
                    eprintln!("realpolitik: {e:#}\nrealpolitik: serving it read-only, as it is now (restart to see later writes)");
                    (store::open_read_only(&path)?, false)
                }
                Err(e) => return Err(e.into()),
            };
            if owned {
                store::ensure_ontology(&st)?;
            }
            let cfg = realpolitik::serve::ServeConfig {
                bind,
                allow_updates,
                token,
                timeout: Duration::from_secs(timeout.max(1)),
                max_results,
                allow_service,
                max_query_memory: max_query_memory.max(1).saturating_mul(1024 * 1024),
                request_timeout: Duration::from_secs(request_timeout.max(1)),
                max_connections_per_client: max_connections_per_client.max(1),
                read_only_store: !owned,
            };
            let r = realpolitik::serve::serve(st, cfg);
            if owned {
                store::release(&path);
            }
            r?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Push {
            endpoint,
            update,
            from_store,
            user,
            password,
            auth,
            bearer,
            batch,
            parallel,
            retries,
            timeout,
            threads,
            quiet,
            opts,
            inputs,
        } => {
            use realpolitik::push::{Auth, Mode, PushConfig};
            let (url, mode) = match (endpoint, update) {
                (Some(u), None) => (u, Mode::GraphStore),
                (None, Some(u)) => (u, Mode::Update),
                _ => bail!("give one of --endpoint URL (Graph Store Protocol) or --update URL (SPARQL Update)"),
            };
            let auth = match (user, bearer) {
                (Some(user), _) => Auth::User { scheme: auth, user, password: password.unwrap_or_default() },
                (None, Some(t)) if !t.trim().is_empty() => Auth::Bearer(t.trim().to_string()),
                _ => Auth::None,
            };
            let cfg = PushConfig {
                auth,
                batch: usize::try_from(batch).unwrap_or(usize::MAX),
                parallel: usize::try_from(parallel).unwrap_or(4),
                retries,
                timeout: Duration::from_secs(timeout.max(1)),
                ..PushConfig::new(url, mode)
            };
            push_cmd(cfg, from_store, threads, quiet, &opts, &inputs)
        }
        Command::Explain { format, opts, inputs } => explain(&Pipeline::new(&opts, &inputs)?, format, &inputs),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "realpolitik", &mut out);
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&out).and_then(|()| stdout.flush()).context("stdout")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Read every input into articles, in order; failures are reported and counted.
fn read_all(p: &Pipeline, inputs: &[String]) -> (Vec<Article>, usize) {
    let sources = ingest::expand(inputs);
    let results: Vec<Vec<realpolitik::Result<Article>>> = sources
        .par_iter()
        .map(|s| match s {
            Ok(src) => p.read(src),
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

fn extract(p: &Pipeline, format: Format, inputs: &[String]) -> Result<ExitCode> {
    if format.streams() {
        return extract_streaming(p, format, inputs);
    }
    let (articles, mut failures) = read_all(p, inputs);
    let done: Vec<_> = articles.par_iter().map(|a| p.process(a)).collect();
    let mut quads = Vec::new();
    for r in done {
        match r {
            Ok((_, q)) => quads.extend(q),
            Err(e) => {
                failures += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let out = BufWriter::new(std::io::stdout().lock());
    rdf::write_quads(quads, format, out)?.flush()?;
    Ok(if failures > 0 || articles.is_empty() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

/// The articles of a few sources, read in parallel; each unreadable one goes to `failed`.
fn read_group(p: &Pipeline, group: &[Source], mut failed: impl FnMut(realpolitik::Error)) -> Vec<Article> {
    let read: Vec<Vec<realpolitik::Result<Article>>> = group.par_iter().map(|s| p.read(s)).collect();
    let mut articles = Vec::new();
    for r in read.into_iter().flatten() {
        match r {
            Ok(a) => articles.push(a),
            Err(e) => failed(e),
        }
    }
    articles
}

/// N-Triples and N-Quads: sources read a few at a time, articles extracted in bounded chunks on
/// all cores and written in input order as each chunk is done, so memory does not grow with
/// the number of articles.
fn extract_streaming(p: &Pipeline, format: Format, inputs: &[String]) -> Result<ExitCode> {
    const CHUNK: usize = 512;
    let mut failures = 0;
    let mut any = false;
    let mut sources = Vec::new();
    for s in ingest::expand(inputs) {
        match s {
            Ok(s) => sources.push(s),
            Err(e) => {
                failures += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let mut stream = rdf::QuadStream::new(format, BufWriter::new(std::io::stdout().lock()))?;
    for group in sources.chunks(16) {
        let articles = read_group(p, group, |e| {
            failures += 1;
            eprintln!("error: {}", e.to_string().trim_end_matches(": "));
        });
        any |= !articles.is_empty();
        for chunk in articles.chunks(CHUNK) {
            let done: Vec<_> = chunk.par_iter().map(|a| p.process(a)).collect();
            for r in done {
                match r {
                    Ok((_, q)) => stream.write_article(q)?,
                    Err(e) => {
                        failures += 1;
                        eprintln!("error: {e}");
                    }
                }
            }
        }
    }
    stream.finish()?;
    Ok(if failures > 0 || !any { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

#[derive(Default)]
struct Totals {
    articles: usize,
    sanctions: usize,
    transfers: usize,
    statements: usize,
    triples: usize,
    entity_triples: usize,
    failures: usize,
}

fn ingest_cmd(p: &Pipeline, path: &std::path::Path, threads: Option<usize>, quiet: bool, inputs: &[String]) -> Result<ExitCode> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    let started = Instant::now();
    let st = store::open(path)?;
    store::ensure_ontology(&st)?;
    let expanded = ingest::expand(inputs);
    let mut t = Totals::default();
    let mut sources: Vec<Source> = Vec::new();
    for s in expanded {
        match s {
            Ok(s) => sources.push(s),
            Err(e) => {
                t.failures += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new(0) };
    bar.set_style(ProgressStyle::with_template("{bar:40} {pos}/{len} articles, {per_sec}, eta {eta}").unwrap_or_else(|_| ProgressStyle::default_bar()));
    // Sources are read a few at a time (a JSON Lines file may hold thousands of articles);
    // articles are then extracted in bounded chunks on all cores, and written one
    // transaction per article. Memory stays bounded by the chunk, not the batch.
    const CHUNK: usize = 512;
    for group in sources.chunks(16) {
        let articles = read_group(p, group, |e| {
            t.failures += 1;
            bar.suspend(|| eprintln!("error: {e}"));
        });
        bar.inc_length(articles.len() as u64);
        if bar.length().unwrap_or(0) >= 200 && !quiet {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        } else {
            bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
        }
        for chunk in articles.chunks(CHUNK) {
            let done: Vec<realpolitik::Result<(Extraction, Vec<oxigraph::model::Quad>)>> =
                chunk.par_iter().map(|a| p.process(a)).collect();
            // An article whose extraction failed is reported here and never written; the
            // others of the chunk go on to the store.
            let mut ok = Vec::with_capacity(chunk.len());
            for (a, r) in chunk.iter().zip(done) {
                match r {
                    Ok((e, q)) => ok.push((a, e, q)),
                    Err(e) => {
                        t.failures += 1;
                        bar.suspend(|| eprintln!("error: {e}"));
                        bar.inc(1);
                    }
                }
            }
            let prepared: Vec<store::Prepared> = ok
                .iter_mut()
                .map(|(a, e, q)| store::Prepared { article: a, extraction: e, quads: std::mem::take(q) })
                .collect();
            let written = store::write_batch(&st, &prepared);
            for (prep, r) in prepared.iter().zip(written) {
                let a = prep.article;
                match r {
                    Ok(rep) => {
                        t.articles += 1;
                        t.sanctions += rep.sanctions;
                        t.transfers += rep.transfers;
                        t.statements += rep.statements;
                        t.triples += rep.triples;
                        t.entity_triples += rep.entity_triples;
                    }
                    Err(e) => {
                        t.failures += 1;
                        bar.suspend(|| eprintln!("error: {}: {e}", a.source));
                    }
                }
                bar.inc(1);
            }
        }
    }
    bar.finish_and_clear();
    // One event, many reports: recomputed once per ingest, over the whole store.
    let events = match realpolitik::events::refresh(&st) {
        Ok(s) => format!("{} ({} reported by more than one fact)", s.events, s.merged),
        Err(e) => {
            t.failures += 1;
            eprintln!("error: {e}");
            "not updated".to_string()
        }
    };
    st.flush().ok();
    let total = st.len().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    drop(st);
    store::release(path);
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "ingested {} article{} into {} in {:.2}s ({:.0} articles/s)\n  sanctions: {}\n  weapon transfers: {}\n  statements: {}\n  triples written: {} (+ {} describing shared entities; store now holds {} quads)\n  reported events: {}\n  failures: {}",
        t.articles,
        if t.articles == 1 { "" } else { "s" },
        path.display(),
        secs,
        t.articles as f64 / secs.max(1e-9),
        t.sanctions,
        t.transfers,
        t.statements,
        t.triples,
        t.entity_triples,
        total,
        events,
        t.failures
    );
    Ok(if t.failures > 0 || t.articles == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn push_cmd(cfg: realpolitik::push::PushConfig, from_store: Option<PathBuf>, threads: Option<usize>, quiet: bool, opts: &InputOpts, inputs: &[String]) -> Result<ExitCode> {
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(n.max(1)).build_global().ok();
    }
    if from_store.is_some() && opts.shard.is_some() {
        bail!("--shard splits INPUTs being extracted; a store given with --from-store is sent whole");
    }
    let started = Instant::now();
    let pusher = realpolitik::push::Pusher::new(cfg)?;
    let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new(0) };
    let unit = if from_store.is_some() { "graphs" } else { "articles" };
    bar.set_style(ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {unit}, {{per_sec}}, eta {{eta}}")).unwrap_or_else(|_| ProgressStyle::default_bar()));
    let report = |e: realpolitik::Error| bar.suspend(|| eprintln!("error: {}", e.to_string().trim_end_matches(": ")));
    let pushed = match &from_store {
        Some(dir) => {
            let st = store::open_read_only(dir)?;
            bar.set_length(st.named_graphs().count() as u64);
            pusher.push_store(&st, |n| bar.inc(n), report)
        }
        None => {
            let p = Pipeline::new(opts, inputs)?;
            let mut sources = Vec::new();
            for s in ingest::expand(inputs) {
                match s {
                    Ok(s) => sources.push(s),
                    Err(e) => {
                        pusher.count_failure();
                        report(e);
                    }
                }
            }
            // The ontology is the one graph pushed whole; a failure there is counted, and the
            // articles still go.
            pusher.push_ontology().and_then(|failed| {
                failed.into_iter().for_each(report);
                realpolitik::push::push_inputs(&pusher, &sources, |s| p.read(s), |a| p.process(a).map(|(_, q)| q), &bar, report)
            })
        }
    };
    bar.finish_and_clear();
    let s = pusher.summary();
    let secs = started.elapsed().as_secs_f64();
    let line = format!(
        "pushed {} graph{} ({} triples) to {} in {:.2}s; retries: {}; failures: {}",
        s.graphs,
        if s.graphs == 1 { "" } else { "s" },
        s.triples,
        pusher.url(),
        secs,
        s.retries,
        s.failures
    );
    if let Err(e) = pushed {
        eprintln!("{line}");
        return Err(e.into());
    }
    eprintln!("{line}");
    Ok(if s.failures > 0 || s.graphs == 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn explain(p: &Pipeline, format: ExplainFormat, inputs: &[String]) -> Result<ExitCode> {
    let (articles, mut failures) = read_all(p, inputs);
    let mut out = BufWriter::new(std::io::stdout().lock());
    for a in &articles {
        // Rendering is isolated like extraction: a bug in either is the article's failure.
        match p.extract(a).and_then(|ex| realpolitik::isolate::explain(format, a, &ex)) {
            Ok(rendered) => out.write_all(&rendered)?,
            Err(e) => {
                failures += 1;
                out.flush()?;
                eprintln!("error: {e}");
            }
        }
    }
    out.flush()?;
    Ok(if failures > 0 || articles.is_empty() { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}
