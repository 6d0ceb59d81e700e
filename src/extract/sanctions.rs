//! Sanctions: "X imposed sanctions on Y", "Y was sanctioned by X", "X's sanctions against Y",
//! "X added Y to its Entity List", "X froze the assets of Y", "X banned entry to Y".

use super::{Clause, Ctx, Extractor, between, evidence, group_actor, is_agent, state_of};
use crate::model::{ActorKind, Sanction};
use crate::recognise::{Doc, Form, Mention};

/// Words that end the target phrase and start a reason ("for their part in ...").
const REASON: &[&str] = &[
    "for", "over", "because", "due", "after", "following", "amid", "which", "that", "who", "as", "in",
    "since", "while", "whose", "when", "to",
];

const BE: &[&str] = &["was", "were", "been", "be", "is", "are", "being", "has", "have", "had"];

/// Nouns after which a location list names where the targets are ("entities located in X, Y").
const LOCATION_CUES: &[&[&str]] = &[&["located", "in"], &["based", "in"], &["destinations", "of"], &["registered", "in"], &["operating", "in"]];

pub(super) fn extract(x: &Extractor, doc: &mut Doc, c: &Clause, ctx: &mut Ctx) {
    let n = c.toks.len();
    if n == 0 {
        return;
    }
    // Measure noun and trigger verbs.
    let mut measure: Option<(usize, usize, &'static str)> = None;
    'outer: for i in 0..n {
        for (phrase, concept) in &x.words.measures {
            if c.phrase_at(i, phrase) {
                measure = Some((i, i + phrase.len(), concept));
                break 'outer;
            }
        }
    }
    let strong = (0..n).find(|&i| x.words.strong.contains(&c.lower[i]) && !adjectival(c, i));
    let light = (0..n).find(|&i| x.words.light.contains(&c.lower[i]));
    let trigger = match (strong, measure, light) {
        (Some(s), _, _) => Some(s),
        (None, Some((m, _, _)), Some(l)) => Some(l.min(m)),
        (None, Some((m, _, _)), None) if modifier_imposer(doc, c, m).is_some() => Some(m),
        _ => None,
    };
    let Some(t) = trigger else {
        location_targets(x, doc, c, ctx);
        return;
    };
    if c.modal_before(x, t, 5) || measure.is_some_and(|(m, _, _)| m != t && c.modal_before(x, m, 4)) {
        return;
    }
    let verb = strong.or(light).unwrap_or(t);
    let passive = is_passive(c, verb);
    let mut rule = "sanction.active";
    let mut confidence = 0.85;

    // Imposers.
    let mut imposers: Vec<usize> = Vec::new();
    let mut targets: Vec<usize> = Vec::new();
    let by = (verb + 1..n.min(verb + 8)).find(|&k| c.word(k) == "by");
    if let Some(b) = by.filter(|_| passive) {
        let from = c.toks[b].span.end;
        imposers = agent_list(doc, c, from, true);
        rule = "sanction.passive-by";
    }
    if imposers.is_empty() {
        if let Some((m, _, _)) = measure {
            if let Some((imp, tgt)) = modifier_imposer(doc, c, m) {
                imposers = vec![imp];
                if let Some(tg) = tgt {
                    targets.push(tg);
                }
                rule = "sanction.possessive";
            }
        }
    }
    if imposers.is_empty() && !passive {
        let before = c.toks[verb].span.start;
        imposers = subject_list(doc, c, before);
        rule = "sanction.active";
    }
    if imposers.is_empty() {
        if ctx.last_imposers.is_empty() {
            return;
        }
        imposers = ctx.last_imposers.clone();
        rule = "sanction.discourse-imposer";
        confidence = 0.6;
    } else {
        ctx.last_imposers = imposers.clone();
    }

    // Targets.
    if passive {
        let subj_end = c.toks[verb].span.start;
        for m in c.mentions.iter().filter(|m| m.span.end <= subj_end) {
            push_target(doc, c, m, &mut targets, &ctx.article);
        }
    }
    let region_start = c.toks[t.max(verb)].span.end;
    let region_start = measure.map_or(region_start, |(m0, m1, _)| if m0 > verb { c.toks[m1 - 1].span.end.min(region_start) } else { region_start });
    let cut = reason_cut(doc, c, region_start);
    for m in c.mentions.iter().filter(|m| m.span.start >= region_start && m.span.end <= cut) {
        if by.is_some_and(|b| passive && m.span.start > c.toks[b].span.start) {
            continue;
        }
        push_target(doc, c, m, &mut targets, &ctx.article);
    }
    let imposer_states: Vec<Option<String>> = imposers.iter().map(|&i| state_of(doc, i)).collect();
    targets.retain(|t| !imposers.contains(t) && (state_of(doc, *t).is_none() || !imposer_states.contains(&state_of(doc, *t))));
    targets.dedup();

    let (measure_concept, measure_text) = match measure {
        Some((a, b, concept)) => (concept, doc.text[c.toks[a].span.start..c.toks[b - 1].span.end].to_string()),
        None => ("OtherMeasure", c.toks[verb].text.to_string()),
    };
    let ev = evidence(doc, c.span, rule, confidence);
    for imp in imposers {
        doc.ex.sanctions.push(Sanction {
            imposers: vec![imp],
            targets: targets.clone(),
            measure: measure_concept,
            measure_text: measure_text.clone(),
            evidence: ev.clone(),
        });
    }
}

/// "U.S.-designated", "the designated entities", "frozen conflict": not an act of sanctioning.
fn adjectival(c: &Clause, i: usize) -> bool {
    let w = c.word(i);
    let prev = if i > 0 { c.word(i - 1) } else { "" };
    (w.ends_with("ed") || w == "frozen") && matches!(prev, "the" | "a" | "an" | "previously" | "already" | "these" | "those" | "newly")
        || (w == "sanctions" || w == "sanction" || w == "ban" || w == "bans") && !verb_context(c, i)
}

/// "sanctions" as a verb: after a subject-like word or modal ("the US sanctions firms" is rare;
/// "sanctions" is mostly a noun and then counts through the measure list, not as a verb).
fn verb_context(c: &Clause, i: usize) -> bool {
    let prev = if i > 0 { c.word(i - 1) } else { "" };
    matches!(prev, "to" | "will" | "would" | "also" | "and")
}

fn is_passive(c: &Clause, verb: usize) -> bool {
    let w = c.word(verb);
    let participle = w.ends_with("ed") || matches!(w, "frozen" | "put" | "taken" | "hit" | "imposed");
    participle && (1..=3).any(|k| verb >= k && BE.contains(&c.word(verb - k)) && c.word(verb - k) != "has" && c.word(verb - k) != "have" && c.word(verb - k) != "had")
        || participle && verb >= 2 && c.word(verb - 1) == "been"
}

/// "U.S. sanctions", "the EU's restrictive measures", "the UK’s Russia sanctions regime".
fn modifier_imposer(doc: &mut Doc, c: &Clause, m: usize) -> Option<(usize, Option<usize>)> {
    let start = c.toks[m].span.start;
    let before: Vec<Mention> = c.mentions.iter().filter(|mm| mm.span.end <= start).copied().collect();
    let last = *before.last()?;
    let gap = between(doc, last.span.end, start).trim();
    let gap_ok = |g: &str| {
        let g = g.trim_start_matches("'s").trim_start_matches("’s").trim();
        g.split_whitespace().count() <= 2 && g.split_whitespace().all(|w| matches!(w, "new" | "additional" | "latest" | "own" | "further" | "fresh" | "existing" | "sweeping" | "tough"))
    };
    if !gap_ok(gap) {
        return None;
    }
    let a = doc.ex.actors[last.actor].clone();
    // "the UK’s Russia sanctions": a state name right before the noun, after a possessive imposer.
    if before.len() >= 2 && a.kind == ActorKind::State && last.form == Form::Name {
        let prev = before[before.len() - 2];
        let g2 = between(doc, prev.span.end, last.span.start).trim();
        if (g2 == "'s" || g2 == "’s") && can_impose(doc, &prev) {
            return Some((imposer_actor(doc, &prev)?, Some(last.actor)));
        }
    }
    if can_impose(doc, &last) { Some((imposer_actor(doc, &last)?, None)) } else { None }
}

fn can_impose(doc: &Doc, m: &Mention) -> bool {
    let a = &doc.ex.actors[m.actor];
    match a.kind {
        ActorKind::State | ActorKind::Igo | ActorKind::GovernmentBody => !doc.gaz.is_news_agency(&a.label),
        ActorKind::Person => a.country.is_some(),
        _ => false,
    }
}

/// Officials act for their state: a person imposer becomes the state.
fn imposer_actor(doc: &mut Doc, m: &Mention) -> Option<usize> {
    let a = &doc.ex.actors[m.actor];
    if a.kind == ActorKind::Person {
        let q = a.country.clone()?;
        let st = doc.gaz.state_actor_by_qid(&q)?;
        return Some(doc.ex.intern(st));
    }
    Some(m.actor)
}

// The borrow checker wants &mut Doc for interning; these helpers take what they need.
fn imposer_actor_mut(doc: &mut Doc, m: Mention) -> Option<usize> {
    imposer_actor(doc, &m)
}

/// The subject before the verb: the nearest acting party and everything conjoined with it
/// ("Australia, Canada, France ... and the United States").
fn subject_list(doc: &mut Doc, c: &Clause, before: usize) -> Vec<usize> {
    let cands: Vec<Mention> = c.mentions.iter().filter(|m| m.span.end <= before).copied().collect();
    let Some(pos) = cands.iter().rposition(|m| can_impose(doc, m) && is_agent(doc, m, c) && !object_of_prep(doc, c, m)) else {
        return Vec::new();
    };
    let mut chosen = vec![cands[pos]];
    let mut k = pos;
    while k > 0 {
        let prev = cands[k - 1];
        let gap = between(doc, prev.span.end, cands[k].span.start).trim();
        let conj = matches!(gap, "," | "and" | ", and" | ", the" | "and the" | ", and the" | "the" | "as well as" | ", as well as" | "&" | "/" | "-")
            || gap.is_empty();
        if conj && can_impose(doc, &prev) {
            chosen.push(prev);
            k -= 1;
        } else {
            break;
        }
    }
    chosen.reverse();
    let mut out = Vec::new();
    for m in chosen {
        if let Some(a) = imposer_actor_mut(doc, m) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

/// A mention right after "on", "against", "to" ... is an object, not a subject.
fn object_of_prep(doc: &Doc, c: &Clause, m: &Mention) -> bool {
    let k = c.tok_of(m);
    let mut j = k;
    while j > 0 && matches!(c.word(j - 1), "the" | "its" | "their") {
        j -= 1;
    }
    let _ = doc;
    j > 0 && matches!(c.word(j - 1), "on" | "against" | "with" | "targeting" | "from" | "into" | "at")
}

/// Agents after "by": the first acting party and its conjuncts.
fn agent_list(doc: &mut Doc, c: &Clause, from: usize, _passive: bool) -> Vec<usize> {
    let cands: Vec<Mention> = c.mentions.iter().filter(|m| m.span.start >= from).copied().collect();
    let mut out = Vec::new();
    let mut last_end = from;
    for m in cands {
        let gap = between(doc, last_end, m.span.start).trim();
        let ok = out.is_empty() && gap.split_whitespace().count() <= 3
            || matches!(gap, "," | "and" | ", and" | "and the" | ", the" | ", and the");
        if !ok || !can_impose(doc, &m) {
            break;
        }
        if let Some(a) = imposer_actor_mut(doc, m) {
            out.push(a);
        }
        last_end = m.span.end;
    }
    out
}

/// Where the target phrase ends: at a reason marker, once something has been targeted before it.
fn reason_cut(doc: &Doc, c: &Clause, from: usize) -> usize {
    let start = c.tok_at(from);
    let mut seen_target = false;
    for k in start..c.toks.len() {
        let tok = &c.toks[k];
        if c.mentions.iter().any(|m| m.span.start == tok.span.start) {
            seen_target = true;
        }
        if seen_target && REASON.contains(&c.word(k)) && !(c.word(k) == "in" && is_location_in(c, k)) {
            return tok.span.start;
        }
    }
    let _ = doc;
    c.span.end
}

/// "entities in China, Turkey and the UAE": "in" before a state list is a location, not a reason.
fn is_location_in(c: &Clause, k: usize) -> bool {
    let next = c.toks.get(k + 1).map(|t| t.span.start).unwrap_or(usize::MAX);
    let next2 = c.toks.get(k + 2).map(|t| t.span.start).unwrap_or(usize::MAX);
    c.mentions.iter().any(|m| m.span.start == next || (c.word(k + 1) == "the" && m.span.start == next2))
}

fn push_target(doc: &mut Doc, c: &Clause, m: &Mention, targets: &mut Vec<usize>, article: &str) {
    let a = doc.ex.actors[m.actor].clone();
    if doc.gaz.is_news_agency(&a.label) {
        return;
    }
    let idx = match (a.kind, m.form) {
        (ActorKind::Igo, _) => return,
        (ActorKind::State, Form::Demonym) => match group_actor(doc, article, m, c) {
            Some(g) => g,
            None => m.actor,
        },
        _ => m.actor,
    };
    if !targets.contains(&idx) {
        targets.push(idx);
    }
}

/// "These entities are located in China, India and Türkiye": the targets of the act just
/// reported, named in a sentence of their own.
fn location_targets(x: &Extractor, doc: &mut Doc, c: &Clause, ctx: &mut Ctx) {
    if ctx.last_imposers.is_empty() || doc.ex.sanctions.is_empty() {
        return;
    }
    let Some(cue) = (0..c.toks.len()).find(|&i| LOCATION_CUES.iter().any(|cue| cue.iter().enumerate().all(|(k, w)| c.word(i + k) == *w))) else {
        return;
    };
    let refers = (0..cue).any(|i| matches!(c.word(i), "entities" | "companies" | "individuals" | "parties" | "persons" | "firms"));
    if !refers || c.modal_before(x, cue, 4) {
        return;
    }
    let from = c.toks[cue].span.end;
    let mut targets = Vec::new();
    for m in c.mentions.iter().filter(|m| m.span.start >= from) {
        if doc.ex.actors[m.actor].kind == ActorKind::State {
            targets.push(m.actor);
        }
    }
    if targets.is_empty() {
        return;
    }
    let ev = evidence(doc, c.span, "sanction.target-location", 0.7);
    let last = doc.ex.sanctions.last().map(|s| (s.measure, s.measure_text.clone())).unwrap_or(("OtherMeasure", "sanctions".into()));
    for &imp in &ctx.last_imposers {
        doc.ex.sanctions.push(Sanction { imposers: vec![imp], targets: targets.clone(), measure: last.0, measure_text: last.1.clone(), evidence: ev.clone() });
    }
}
