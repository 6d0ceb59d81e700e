//! RDF stage: map an [`Extraction`] to quads under our ontology, and write them.
//!
//! IRIs are stable (states and IGOs by QID, others by slug, events by article and ordinal),
//! each article's facts are its own named graph, the descriptions of shared entities go to one
//! entities graph, and output is sorted, so the same input always gives byte-identical RDF,
//! re-ingesting replaces instead of duplicating, and a shared label is stored once.

pub mod jsonld;
pub mod vocab;

use crate::error::{Error, Result};
use crate::model::{Actor, ActorKind, Article, Evidence, Extraction, Weapon, slug};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{GraphName, Literal, NamedNode, NamedOrBlankNode, Quad, Term};
use std::collections::BTreeSet;
use std::io::Write;
use vocab::*;

/// The ontology (Turtle), embedded: one source of truth for binary and repository.
pub const ONTOLOGY_TTL: &str = include_str!("../../ontology/realpolitik.ttl");
pub const SHAPES_TTL: &str = include_str!("../../ontology/shapes.ttl");

/// Output formats of `extract` and `export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Turtle,
    Ntriples,
    Nquads,
    Trig,
    Jsonld,
    Rdfxml,
}

impl Format {
    fn oxigraph(self) -> Option<RdfFormat> {
        Some(match self {
            Format::Turtle => RdfFormat::Turtle,
            Format::Ntriples => RdfFormat::NTriples,
            Format::Nquads => RdfFormat::NQuads,
            Format::Trig => RdfFormat::TriG,
            Format::Rdfxml => RdfFormat::RdfXml,
            Format::Jsonld => return None,
        })
    }

    /// Formats that can carry named graphs.
    pub fn keeps_graphs(self) -> bool {
        matches!(self, Format::Nquads | Format::Trig | Format::Jsonld)
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jsonld => "application/ld+json",
            f => f.oxigraph().map(|f| f.media_type()).unwrap_or("application/octet-stream"),
        }
    }
}

fn nn(iri: impl Into<String>) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

pub fn article_iri(article_id: &str) -> NamedNode {
    nn(format!("{ID}article/{article_id}"))
}

/// IRI of an actor from its key ("state/Q159", "person/brian-nelson", "group/<article>/...").
pub fn actor_iri(actor: &Actor) -> NamedNode {
    nn(format!("{ID}{}", actor.key))
}

/// Local name of an actor kind's class in the ontology ("State", "Person", ...).
pub fn class_of(kind: ActorKind) -> &'static str {
    match kind {
        ActorKind::State => "State",
        ActorKind::FormerState => "FormerState",
        ActorKind::Igo => "IntergovernmentalOrganization",
        ActorKind::GovernmentBody => "GovernmentBody",
        ActorKind::Company => "Company",
        ActorKind::ArmedGroup => "ArmedGroup",
        ActorKind::Organization => "Organization",
        ActorKind::Person => "Person",
    }
}

fn string(s: &str) -> Term {
    Literal::new_simple_literal(s).into()
}

fn typed(v: impl Into<String>, dt: oxigraph::model::NamedNodeRef<'_>) -> Term {
    Literal::new_typed_literal(v, dt).into()
}

fn decimal(x: f64) -> Term {
    // Fixed precision keeps output byte-stable.
    let s = format!("{x:.2}");
    typed(s, xsd::DECIMAL)
}

/// IRI of a weapon: one node per category and name, shared by every article naming it.
pub fn weapon_iri(w: &Weapon) -> NamedNode {
    nn(format!("{ID}weapon/{}/{}", slug(w.category), slug(&w.label)))
}

/// IRI of an article's `n`-th fact (from 0) of a kind ("sanction", "transfer", "statement"),
/// numbered in extraction order.
pub fn fact_iri(article_id: &str, kind: &str, n: usize) -> NamedNode {
    nn(format!("{ID}article/{article_id}/{kind}/{}", n + 1))
}

/// The graph of shared entities' descriptions (see [`vocab::ENTITIES_GRAPH`]).
pub fn entities_graph() -> NamedNode {
    nn(ENTITIES_GRAPH)
}

/// Which graph a triple goes to: the article's own, or the shared entities graph.
#[derive(Clone, Copy)]
enum In {
    Article,
    Entities,
}

struct Builder {
    graph: GraphName,
    entities: GraphName,
    quads: Vec<Quad>,
}

impl Builder {
    fn add(&mut self, s: &NamedNode, p: &str, o: Term) {
        self.add_in(In::Article, s, p, o);
    }
    fn iri(&mut self, s: &NamedNode, p: &str, o: &NamedNode) {
        self.add(s, p, Term::NamedNode(o.clone()));
    }
    fn add_in(&mut self, g: In, s: &NamedNode, p: &str, o: Term) {
        let g = match g {
            In::Article => self.graph.clone(),
            In::Entities => self.entities.clone(),
        };
        self.quads.push(Quad::new(NamedOrBlankNode::NamedNode(s.clone()), nn(p), o, g));
    }
    fn iri_in(&mut self, g: In, s: &NamedNode, p: &str, o: &NamedNode) {
        self.add_in(g, s, p, Term::NamedNode(o.clone()));
    }
}

/// All quads for one article (sorted, no blank nodes): its facts, evidence and provenance in
/// its own named graph; the descriptions of shared entities (actors not scoped to the article,
/// weapons) in the entities graph, where the same triple from many articles is one triple.
/// Dropping the graph names gives exactly the triples of a self-contained article.
pub fn article_quads(article: &Article, ex: &Extraction) -> Vec<Quad> {
    let a = article_iri(&article.id);
    let mut b = Builder { graph: GraphName::NamedNode(a.clone()), entities: GraphName::NamedNode(entities_graph()), quads: Vec::new() };
    b.iri(&a, RDF_TYPE, &nn(rp("Article")));
    b.add(&a, &rp("contentHash"), string(&article.content_hash));
    if let Some(u) = &article.url {
        b.add(&a, &rp("url"), typed(u.clone(), xsd::ANY_URI));
    }
    if let Some(t) = &article.title {
        b.add(&a, &rp("title"), string(t));
    }
    if let Some(d) = &article.date {
        b.add(&a, &rp("published"), typed(d.clone(), xsd::DATE));
    }
    // Actors. A state is typed rp:State where the article mentions it; a state reached only
    // as someone's rp:country is described (label, sameAs) and typed by rp:country's range.
    let mentioned: BTreeSet<usize> = ex.mentioned.iter().copied().collect();
    let mut countries: BTreeSet<String> = BTreeSet::new();
    for (i, actor) in ex.actors.iter().enumerate() {
        if !mentioned.contains(&i) {
            continue;
        }
        let s = actor_iri(actor);
        b.iri(&a, &rp("mentions"), &s);
        describe_actor(&mut b, actor, true);
        if let Some(c) = &actor.country {
            countries.insert(c.clone());
        }
    }
    if let Ok(gaz) = crate::recognise::Gazetteer::get() {
        for q in countries {
            let typed_here = ex.actors.iter().enumerate().any(|(i, x)| mentioned.contains(&i) && x.qid.as_deref() == Some(q.as_str()) && x.kind == ActorKind::State);
            if !typed_here {
                if let Some(st) = gaz.state_actor_by_qid(&q) {
                    describe_actor(&mut b, &st, false);
                }
            }
        }
    }
    let event = |kind: &str, n: usize| fact_iri(&article.id, kind, n);
    for (n, s) in ex.sanctions.iter().enumerate() {
        let e = event("sanction", n);
        b.iri(&e, RDF_TYPE, &nn(rp("Sanction")));
        for &i in &s.imposers {
            b.iri(&e, &rp("imposedBy"), &actor_iri(&ex.actors[i]));
        }
        for &i in &s.targets {
            b.iri(&e, &rp("target"), &actor_iri(&ex.actors[i]));
        }
        b.iri(&e, &rp("measure"), &nn(rp(s.measure)));
        b.add(&e, &rp("measureText"), string(&s.measure_text));
        provenance(&mut b, &e, &a, &s.evidence);
    }
    for (n, t) in ex.transfers.iter().enumerate() {
        let e = event("transfer", n);
        b.iri(&e, RDF_TYPE, &nn(rp("WeaponTransfer")));
        for &i in &t.suppliers {
            b.iri(&e, &rp("supplier"), &actor_iri(&ex.actors[i]));
        }
        for &i in &t.recipients {
            b.iri(&e, &rp("recipient"), &actor_iri(&ex.actors[i]));
        }
        let w = weapon_iri(&t.weapon);
        b.iri(&e, &rp("weapon"), &w);
        // A weapon node is shared by every article naming that weapon.
        b.iri_in(In::Entities, &w, RDF_TYPE, &nn(rp("Weapon")));
        b.add_in(In::Entities, &w, RDFS_LABEL, string(&t.weapon.label.to_lowercase()));
        b.iri_in(In::Entities, &w, &rp("category"), &nn(rp(t.weapon.category)));
        if let Some(q) = &t.weapon.qid {
            b.iri_in(In::Entities, &w, OWL_SAME_AS, &nn(format!("{WD}{q}")));
        }
        if let Some(q) = t.quantity {
            b.add(&e, &rp("quantity"), decimal(q));
        }
        b.add(&e, &rp("status"), string(t.status));
        provenance(&mut b, &e, &a, &t.evidence);
    }
    for (n, s) in ex.statements.iter().enumerate() {
        let e = event("statement", n);
        b.iri(&e, RDF_TYPE, &nn(rp("Statement")));
        b.iri(&e, &rp("speaker"), &actor_iri(&ex.actors[s.speaker]));
        b.add(&e, &rp("quote"), string(&s.quote));
        b.add(&e, &rp("direct"), typed(if s.direct { "true" } else { "false" }, xsd::BOOLEAN));
        provenance(&mut b, &e, &a, &s.evidence);
    }
    sort_quads(&mut b.quads);
    b.quads
}

/// An actor's description goes to the entities graph unless its node is the article's own;
/// its role stays with the article that gives it (an office is as of that report).
fn describe_actor(b: &mut Builder, actor: &Actor, with_type: bool) {
    let s = actor_iri(actor);
    let g = if actor.article_scoped() { In::Article } else { In::Entities };
    if with_type {
        b.iri_in(g, &s, RDF_TYPE, &nn(rp(class_of(actor.kind))));
    }
    b.add_in(g, &s, RDFS_LABEL, string(&actor.label));
    if let Some(q) = &actor.qid {
        b.iri_in(g, &s, OWL_SAME_AS, &nn(format!("{WD}{q}")));
        if let Some(m) = actor.link_method {
            b.add_in(g, &s, &rp("linkMethod"), string(m));
        }
        if let Some(c) = actor.link_confidence {
            b.add_in(g, &s, &rp("linkConfidence"), decimal(c as f64));
        }
    }
    if let Some(iso) = &actor.iso {
        b.add_in(g, &s, &rp("isoCode"), string(iso));
    }
    if actor.kind != ActorKind::State {
        if let Some(c) = &actor.country {
            b.iri_in(g, &s, &rp("country"), &nn(format!("{ID}state/{c}")));
        }
    }
    if let Some(r) = &actor.role {
        b.add(&s, &rp("role"), string(r));
    }
}

fn provenance(b: &mut Builder, e: &NamedNode, article: &NamedNode, ev: &Evidence) {
    b.iri(e, PROV_DERIVED, article);
    b.add(e, &rp("evidence"), string(&ev.sentence));
    b.add(e, &rp("evidenceStart"), typed(ev.char_start.to_string(), xsd::INTEGER));
    b.add(e, &rp("evidenceEnd"), typed(ev.char_end.to_string(), xsd::INTEGER));
    b.add(e, &rp("rule"), string(&ev.rule));
    b.add(e, &rp("confidence"), decimal(ev.confidence as f64));
    if let Some(w) = &ev.when {
        b.add(e, &rp("eventDate"), typed(w.date.clone(), xsd::DATE));
        b.add(e, &rp("datePrecision"), string(w.precision));
        b.add(e, &rp("dateText"), string(&w.text));
    }
}

/// The ontology as quads in its own named graph.
pub fn ontology_quads() -> Result<Vec<Quad>> {
    let g = GraphName::NamedNode(nn(ONTOLOGY_GRAPH));
    oxigraph::io::RdfParser::from_format(RdfFormat::Turtle)
        .with_default_graph(g)
        .for_slice(ONTOLOGY_TTL.as_bytes())
        .map(|q| q.map_err(|e| Error::Rdf(format!("ontology/realpolitik.ttl: {e}"))))
        .collect()
}

/// Write quads in a format; formats without graphs get the union of the graphs.
/// Quads are sorted first so output is byte-stable.
pub fn write_quads<W: Write>(mut quads: Vec<Quad>, format: Format, out: W) -> Result<W> {
    sort_quads(&mut quads);
    match format.oxigraph() {
        None => jsonld::write(&quads, out),
        Some(f) => {
            let mut ser = RdfSerializer::from_format(f);
            if matches!(format, Format::Turtle | Format::Trig | Format::Rdfxml) {
                for (p, ns) in PREFIXES {
                    ser = ser.with_prefix(*p, *ns).map_err(|e| Error::Rdf(e.to_string()))?;
                }
            }
            let mut w = ser.for_writer(out);
            if format.keeps_graphs() {
                for q in &quads {
                    w.serialize_quad(q).map_err(|e| Error::Rdf(e.to_string()))?;
                }
            } else {
                // Sort triples as triples (graph dropped) so subjects stay grouped.
                let mut triples: Vec<oxigraph::model::Triple> = quads.into_iter().map(|q| q.into()).collect();
                triples.sort_unstable_by(|a, b| {
                    let ka = (subject_str(&a.subject), a.predicate.as_str(), term_key(&a.object));
                    let kb = (subject_str(&b.subject), b.predicate.as_str(), term_key(&b.object));
                    ka.cmp(&kb)
                });
                triples.dedup();
                for t in &triples {
                    w.serialize_triple(t).map_err(|e| Error::Rdf(e.to_string()))?;
                }
            }
            w.finish().map_err(|e| Error::Rdf(e.to_string()))
        }
    }
}

impl Format {
    /// Line formats can be written article by article in bounded memory ([`QuadStream`]); the
    /// others (Turtle, TriG, RDF/XML, JSON-LD) group the whole graph and need it at once.
    pub fn streams(self) -> bool {
        matches!(self, Format::Ntriples | Format::Nquads)
    }
}

/// N-Triples or N-Quads written one article at a time: each article's quads sorted, in input
/// order, and a shared entity's description written once (the first article that uses it), so
/// memory grows with the number of distinct entities, not of articles. The same input gives the
/// same bytes.
pub struct QuadStream<W: Write> {
    out: W,
    format: Format,
    entities: NamedNode,
    seen: std::collections::HashSet<Quad>,
}

impl<W: Write> QuadStream<W> {
    pub fn new(format: Format, out: W) -> Result<QuadStream<W>> {
        if !format.streams() {
            return Err(Error::Rdf(format!("{format:?} cannot be written article by article")));
        }
        Ok(QuadStream { out, format, entities: entities_graph(), seen: Default::default() })
    }

    pub fn write_article(&mut self, mut quads: Vec<Quad>) -> Result<()> {
        sort_quads(&mut quads);
        let triples = !self.format.keeps_graphs();
        let mut lines = Vec::with_capacity(quads.len());
        for q in quads {
            let shared = matches!(&q.graph_name, GraphName::NamedNode(g) if *g == self.entities);
            if shared && !self.seen.insert(q.clone()) {
                continue;
            }
            lines.push(q);
        }
        if triples {
            let mut ts: Vec<oxigraph::model::Triple> = lines.into_iter().map(|q| q.into()).collect();
            ts.sort_unstable_by(|a, b| {
                let ka = (subject_str(&a.subject), a.predicate.as_str(), term_key(&a.object));
                let kb = (subject_str(&b.subject), b.predicate.as_str(), term_key(&b.object));
                ka.cmp(&kb)
            });
            ts.dedup();
            for t in &ts {
                writeln!(self.out, "{t} .").map_err(stdout_err)?;
            }
        } else {
            for q in &lines {
                writeln!(self.out, "{q} .").map_err(stdout_err)?;
            }
        }
        Ok(())
    }

    pub fn finish(mut self) -> Result<W> {
        self.out.flush().map_err(stdout_err)?;
        Ok(self.out)
    }
}

fn stdout_err(source: std::io::Error) -> Error {
    Error::Io { path: "standard output".into(), source }
}

/// Sort by (graph, subject, predicate, object) as N-Triples text: a total, stable order that
/// keeps each graph and each subject together.
pub fn sort_quads(quads: &mut Vec<Quad>) {
    quads.sort_unstable_by(|a, b| quad_key(a).cmp(&quad_key(b)));
    quads.dedup();
}

fn subject_str(s: &NamedOrBlankNode) -> &str {
    match s {
        NamedOrBlankNode::NamedNode(n) => n.as_str(),
        NamedOrBlankNode::BlankNode(b) => b.as_str(),
    }
}

/// A borrowed sort key: no allocation per comparison.
type TermKey<'a> = (u8, &'a str, &'a str, &'a str);

fn term_key(t: &Term) -> TermKey<'_> {
    match t {
        Term::NamedNode(n) => (0, n.as_str(), "", ""),
        Term::BlankNode(b) => (1, b.as_str(), "", ""),
        Term::Literal(l) => (2, l.value(), l.datatype().as_str(), l.language().unwrap_or("")),
        #[allow(unreachable_patterns)]
        _ => (3, "", "", ""),
    }
}

fn quad_key(q: &Quad) -> (TermKey<'_>, TermKey<'_>, &str, TermKey<'_>) {
    let g = match &q.graph_name {
        GraphName::DefaultGraph => (0, "", "", ""),
        GraphName::NamedNode(n) => (1, n.as_str(), "", ""),
        GraphName::BlankNode(b) => (2, b.as_str(), "", ""),
    };
    let s = match &q.subject {
        NamedOrBlankNode::NamedNode(n) => (0, n.as_str(), "", ""),
        NamedOrBlankNode::BlankNode(b) => (1, b.as_str(), "", ""),
    };
    (g, s, q.predicate.as_str(), term_key(&q.object))
}

/// Parse RDF in one of our formats (for round-trip checks and tests).
pub fn parse(data: &[u8], format: Format) -> Result<Vec<Quad>> {
    let f = format.oxigraph().unwrap_or(RdfFormat::JsonLd { profile: Default::default() });
    oxigraph::io::RdfParser::from_format(f)
        .for_slice(data)
        .map(|q| q.map_err(|e| Error::Rdf(e.to_string())))
        .collect()
}
