//! Weapon transfers: "X supplied/shipped/sold W to Y", "Y received/bought W from X",
//! "W sourced from X", "deliveries of W to Y", "X's arms sales to Y", "a package of W for Y".

use super::{Clause, Ctx, Extractor, between, evidence, group_actor, is_agent};
use crate::model::{ActorKind, Transfer, Weapon};
use crate::recognise::{Doc, Form, Mention, WeaponMention};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dir {
    Give,
    Receive,
    Noun,
}

const BE: &[&str] = &["was", "were", "been", "be", "is", "are", "being"];

pub(super) fn extract(x: &Extractor, doc: &mut Doc, c: &Clause, ctx: &mut Ctx) {
    let weapons: Vec<WeaponMention> = doc.weapons.iter().filter(|w| c.span.contains(w.span)).cloned().collect();
    if weapons.is_empty() || c.toks.is_empty() {
        return;
    }
    let t = &doc.gaz.triggers.transfer;
    let n = c.toks.len();
    let inside_weapon = |k: usize| weapons.iter().any(|w| w.span.contains(c.toks[k].span));
    let trig = (0..n).find_map(|k| {
        let w = c.word(k);
        if inside_weapon(k) {
            None
        } else if x.words.give.contains(w) {
            Some((k, Dir::Give))
        } else if x.words.receive.contains(w) {
            Some((k, Dir::Receive))
        } else if x.words.tnouns.contains(w) {
            Some((k, Dir::Noun))
        } else {
            None
        }
    });
    let Some((v, dir)) = trig else { return };
    let hypothetical: Vec<Vec<String>> = t.hypothetical.iter().map(|h| h.split_whitespace().map(str::to_lowercase).collect()).collect();
    if (v.saturating_sub(4)..v).any(|k| hypothetical.iter().any(|h| c.phrase_at(k, h))) {
        return;
    }
    let passive = dir == Dir::Give && (1..=2).any(|k| v >= k && BE.contains(&c.word(v - k)))
        || c.word(v) == "sourced";
    let vstart = c.toks[v].span.start;
    let vend = c.toks[v].span.end;

    let after_prep = |preps: &[String], doc: &mut Doc| -> Option<usize> {
        (v + 1..n).find_map(|k| {
            if !preps.iter().any(|p| p == c.word(k)) {
                return None;
            }
            let from = c.toks[k].span.end;
            let m = c.mentions.iter().find(|m| m.span.start >= from && between(doc, from, m.span.start).split_whitespace().count() <= 3)?;
            party(doc, m, c, &ctx.article)
        })
    };
    let subject = |doc: &mut Doc| -> Option<usize> {
        let m = c.mentions.iter().filter(|m| m.span.end <= vstart && is_agent(doc, m, c) || m.span.end <= vstart && m.form == Form::Demonym).last()?;
        party(doc, m, c, &ctx.article)
    };
    let (mut supplier, mut recipient, rule) = match (dir, passive) {
        (Dir::Give, false) => {
            let s = subject(doc);
            // "supplied Y with W": the party right after the verb, then "with".
            let direct = c.mentions.iter().find(|m| m.span.start >= vend && between(doc, vend, m.span.start).trim().is_empty()).copied();
            let r = match direct {
                Some(m) if doc.text[m.span.end..c.span.end].trim_start().starts_with("with") => party(doc, &m, c, &ctx.article),
                _ => after_prep(&t.to_preps, doc),
            };
            (s, r, "transfer.give")
        }
        (Dir::Give, true) | (Dir::Receive, true) => {
            let s = after_prep(&t.from_preps, doc);
            let r = after_prep(&t.to_preps, doc).or_else(|| subject(doc));
            (s, r, "transfer.passive")
        }
        (Dir::Receive, false) => {
            let r = subject(doc);
            let s = after_prep(&t.from_preps, doc);
            (s, r, "transfer.receive")
        }
        (Dir::Noun, _) => {
            // "X's deliveries to Y", "the purchase of W from X", "arms sales to Y".
            let s = after_prep(&t.from_preps, doc).or_else(|| modifier(doc, c, vstart).and_then(|m| party(doc, &m, c, &ctx.article)));
            let r = after_prep(&t.to_preps, doc);
            let buying = matches!(c.word(v), "purchase" | "purchases" | "acquisition" | "acquisitions" | "procurement" | "order" | "orders");
            match (s, r, buying) {
                (None, r, _) => (subject(doc), r, "transfer.noun"),
                (s, None, true) => (s, subject(doc), "transfer.noun"),
                (s, r, _) => (s, r, "transfer.noun"),
            }
        }
    };
    let mut confidence = 0.8;
    let mut rule = rule;
    // A sentence that lists what a package "includes" continues the last transfer.
    if supplier.is_none() || recipient.is_none() {
        if let Some((s, r)) = &ctx.last_transfer {
            if supplier.is_none() && recipient.is_none() || supplier.is_some_and(|x| s.contains(&x)) || recipient.is_some_and(|x| r.contains(&x)) {
                supplier = supplier.or(s.first().copied());
                recipient = recipient.or(r.first().copied());
                rule = "transfer.discourse";
                confidence = 0.6;
            }
        }
    }
    let (Some(sup), Some(rec)) = (supplier, recipient) else { return };
    if sup == rec || super::state_of(doc, sup).is_some() && super::state_of(doc, sup) == super::state_of(doc, rec) {
        return;
    }
    ctx.last_transfer = Some((vec![sup], vec![rec]));

    let status = status(doc, c, v, dir);
    // One transfer per weapon category; a generic "weapons" only when nothing specific is named.
    let specific: Vec<&WeaponMention> = weapons.iter().filter(|w| doc.gaz.weapons[w.row].category != "Other").collect();
    let chosen: Vec<&WeaponMention> = if specific.is_empty() { weapons.iter().take(1).collect() } else { specific };
    let mut seen = Vec::new();
    let ev = evidence(doc, c.span, rule, confidence);
    for w in chosen {
        let row = &doc.gaz.weapons[w.row];
        if seen.contains(&row.category) {
            continue;
        }
        seen.push(row.category);
        let label = doc.text[w.span.start..w.span.end].to_string();
        doc.ex.transfers.push(Transfer {
            suppliers: vec![sup],
            recipients: vec![rec],
            weapon: Weapon { label, category: row.category, qid: row.qid.clone() },
            quantity: quantity_before(doc, w.span.start),
            status,
            evidence: ev.clone(),
        });
    }
}

/// A party of a transfer: states, organisations, persons with a state; "South Korean firms"
/// becomes a group with that country.
fn party(doc: &mut Doc, m: &Mention, c: &Clause, article: &str) -> Option<usize> {
    let a = &doc.ex.actors[m.actor];
    if doc.gaz.is_news_agency(&a.label) {
        return None;
    }
    match (a.kind, m.form) {
        (ActorKind::Igo, _) => Some(m.actor),
        (ActorKind::State, Form::Demonym) => group_actor(doc, article, m, c).or(Some(m.actor)),
        (ActorKind::Person, _) => {
            let q = a.country.clone()?;
            let st = doc.gaz.state_actor_by_qid(&q)?;
            Some(doc.ex.intern(st))
        }
        _ => Some(m.actor),
    }
}

/// The party right before a transfer noun: "Russia's deliveries", "U.S. arms sales".
fn modifier(doc: &Doc, c: &Clause, before: usize) -> Option<Mention> {
    let m = c.mentions.iter().filter(|m| m.span.end <= before).last()?;
    let gap = between(doc, m.span.end, before).trim().trim_start_matches("'s").trim_start_matches("’s").trim();
    (gap.split_whitespace().count() <= 2).then_some(*m)
}

fn status(doc: &Doc, c: &Clause, v: usize, dir: Dir) -> &'static str {
    let t = &doc.gaz.triggers.transfer;
    let has = |list: &[String]| (0..c.toks.len()).any(|k| list.iter().any(|p| {
        let ws: Vec<&str> = p.split_whitespace().collect();
        ws.iter().enumerate().all(|(j, w)| c.word(k + j) == *w)
    }));
    if has(&t.intercepted) {
        "intercepted"
    } else if has(&t.alleged) {
        "alleged"
    } else if has(&t.planned) {
        "planned"
    } else if has(&t.agreed) {
        "agreed"
    } else if has(&t.ongoing) || c.word(v).ends_with("ing") && dir != Dir::Noun {
        "ongoing"
    } else {
        "delivered"
    }
}

/// "288 Chunmoo", "6 million shells", "more than 1,000 drones", "dozens of missiles".
fn quantity_before(doc: &Doc, start: usize) -> Option<f64> {
    let before = doc.text[..start].trim_end();
    let words: Vec<&str> = before.rsplit(' ').take(4).collect();
    let mut mult = 1.0;
    for w in words {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != ',' && c != '.');
        match w.to_lowercase().as_str() {
            "million" => mult = 1e6,
            "billion" => mult = 1e9,
            "thousand" => mult = 1e3,
            "hundreds" => return Some(100.0),
            "dozens" => return Some(24.0),
            "of" | "more" | "than" | "over" | "about" | "some" | "nearly" | "around" | "up" | "to" | "new" | "additional" => {}
            _ => {
                let digits = w.replace(',', "");
                return digits.parse::<f64>().ok().filter(|n| *n > 0.0 && n.is_finite()).map(|n| n * mult);
            }
        }
    }
    None
}
