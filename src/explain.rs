//! `realpolitik explain`: each fact of an article with the sentence, rule and confidence
//! behind it, as text for people or as JSON Lines for programs (jq, pandas).
//!
//! The JSON form is one object per article and line, so it streams and `jq`/`pd.read_json(…,
//! lines=True)` read it as is. Every field is always present (`null` when unknown), entities
//! are sorted by IRI and facts by position in the text, so the output is byte-stable and its
//! IRIs are the ones the store holds.

use crate::model::{Actor, Article, Evidence, Extraction};
use crate::rdf;
use serde_json::{Value, json};
use std::io::Write;

/// Output syntax of `explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ExplainFormat {
    /// Text for people
    #[default]
    Text,
    /// JSON Lines: one object per article
    Json,
}

/// Write one article's explanation in `format`.
pub fn write<W: Write>(out: &mut W, format: ExplainFormat, article: &Article, ex: &Extraction) -> std::io::Result<()> {
    match format {
        ExplainFormat::Text => write_text(out, article, ex),
        ExplainFormat::Json => {
            serde_json::to_writer(&mut *out, &article_json(article, ex))?;
            out.write_all(b"\n")
        }
    }
}

/// A confidence as published in RDF (two decimals), as a JSON number: `0.93`, not
/// `0.9300000071525879` from the f32.
fn round2(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

fn party(a: &Actor) -> Value {
    json!({"iri": rdf::actor_iri(a).as_str(), "label": a.label, "qid": a.qid, "kind": rdf::class_of(a.kind)})
}

fn entity(a: &Actor) -> Value {
    json!({
        "iri": rdf::actor_iri(a).as_str(),
        "label": a.label,
        "kind": rdf::class_of(a.kind),
        "qid": a.qid,
        "country_qid": a.country,
        "role": a.role,
        "link_method": a.link_method,
        "link_confidence": a.link_confidence.map(round2),
    })
}

/// The fields every fact ends with: why it is there.
fn provenance(fact: &mut Value, e: &Evidence) {
    fact["rule"] = json!(e.rule);
    fact["confidence"] = json!(round2(e.confidence));
    // Character (Unicode code point) offsets into the article text, as in RDF: what Python's
    // str slicing and JavaScript's Array.from expect.
    fact["evidence"] = json!({"sentence": e.sentence, "start": e.char_start, "end": e.char_end});
    fact["date"] = e.when.as_ref().map_or(Value::Null, |w| json!({"date": w.date, "precision": w.precision, "text": w.text}));
}

/// One article as a JSON object: the article, the entities it mentions, its facts.
pub fn article_json(article: &Article, ex: &Extraction) -> Value {
    let parties = |v: &[usize]| Value::Array(v.iter().map(|&i| party(&ex.actors[i])).collect());
    // (position in the text, kind rank, number): facts in reading order, ties stable.
    let mut facts: Vec<((usize, usize, u8, usize), Value)> = Vec::new();
    let key = |e: &Evidence, rank: u8, n: usize| (e.char_start, e.char_end, rank, n);
    for (n, s) in ex.sanctions.iter().enumerate() {
        let mut f = json!({
            "type": "sanction",
            "iri": rdf::fact_iri(&article.id, "sanction", n).as_str(),
            "imposers": parties(&s.imposers),
            "targets": parties(&s.targets),
            "measure": s.measure,
            "measure_text": s.measure_text,
        });
        provenance(&mut f, &s.evidence);
        facts.push((key(&s.evidence, 0, n), f));
    }
    for (n, t) in ex.transfers.iter().enumerate() {
        let mut f = json!({
            "type": "transfer",
            "iri": rdf::fact_iri(&article.id, "transfer", n).as_str(),
            "suppliers": parties(&t.suppliers),
            "recipients": parties(&t.recipients),
            "weapon": {"iri": rdf::weapon_iri(&t.weapon).as_str(), "label": t.weapon.label, "category": t.weapon.category, "qid": t.weapon.qid},
            "quantity": t.quantity,
            "status": t.status,
        });
        provenance(&mut f, &t.evidence);
        facts.push((key(&t.evidence, 1, n), f));
    }
    for (n, s) in ex.statements.iter().enumerate() {
        let mut f = json!({
            "type": "statement",
            "iri": rdf::fact_iri(&article.id, "statement", n).as_str(),
            "speaker": party(&ex.actors[s.speaker]),
            "quote": s.quote,
            "direct": s.direct,
        });
        provenance(&mut f, &s.evidence);
        facts.push((key(&s.evidence, 2, n), f));
    }
    facts.sort_by_key(|f| f.0);
    let mut entities: Vec<(String, Value)> = ex.mentioned.iter().map(|&i| (rdf::actor_iri(&ex.actors[i]).as_str().to_string(), entity(&ex.actors[i]))).collect();
    entities.sort_by(|a, b| a.0.cmp(&b.0));
    entities.dedup_by(|a, b| a.0 == b.0);
    json!({
        "article": {
            "id": article.id,
            "iri": rdf::article_iri(&article.id).as_str(),
            "source": article.source,
            "url": article.url,
            "title": article.title,
            "date": article.date,
        },
        "entities": entities.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        "facts": facts.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    })
}

/// "United States (Q30)", or the label alone when the actor has no Wikidata id.
fn named(a: &Actor) -> String {
    match &a.qid {
        Some(q) => format!("{} ({q})", a.label),
        None => a.label.clone(),
    }
}

/// The text form: one block per fact, parties with their Wikidata ids.
pub fn write_text<W: Write>(out: &mut W, a: &Article, ex: &Extraction) -> std::io::Result<()> {
    writeln!(out, "# {} ({})", a.source, rdf::article_iri(&a.id))?;
    let names = |v: &[usize]| v.iter().map(|&i| named(&ex.actors[i])).collect::<Vec<_>>().join(", ");
    for s in &ex.sanctions {
        writeln!(out, "\nSANCTION  {} → {}  [{}]", names(&s.imposers), if s.targets.is_empty() { "?".into() } else { names(&s.targets) }, s.measure)?;
        evidence(out, &s.evidence)?;
    }
    for t in &ex.transfers {
        let q = t.quantity.map(|q| format!(" ×{q}")).unwrap_or_default();
        let w = match &t.weapon.qid {
            Some(id) => format!("{} ({id})", t.weapon.label),
            None => t.weapon.label.clone(),
        };
        writeln!(out, "\nTRANSFER  {} → {}  {w}{q} ({}, {})", names(&t.suppliers), names(&t.recipients), t.weapon.category, t.status)?;
        evidence(out, &t.evidence)?;
    }
    for s in &ex.statements {
        writeln!(out, "\nSTATEMENT {} [{}]: “{}”", named(&ex.actors[s.speaker]), if s.direct { "direct" } else { "reported" }, s.quote)?;
        evidence(out, &s.evidence)?;
    }
    let states: Vec<String> = ex.mentioned.iter().filter(|&&i| ex.actors[i].kind == crate::model::ActorKind::State).map(|&i| named(&ex.actors[i])).collect();
    writeln!(out, "\nstates mentioned: {}\n", states.join(", "))
}

fn evidence<W: Write>(out: &mut W, e: &Evidence) -> std::io::Result<()> {
    write!(out, "  rule {} (confidence {:.2}), chars {}..{}", e.rule, e.confidence, e.char_start, e.char_end)?;
    match &e.when {
        Some(w) => writeln!(out, ", dated {} ({}, “{}”)", w.date, w.precision, w.text)?,
        None => writeln!(out)?,
    }
    writeln!(out, "  “{}”", e.sentence)
}
