//! Weapon transfers: "X supplied/shipped/sold W to Y", "Y received/bought W from X",
//! "W sourced from X", "deliveries of W to Y", "X's arms sales to Y", "a package of W for Y",
//! "entities providing W to Y", "W that sustain Y's war", "Y ... with X-made W".

use super::{Clause, Ctx, Extractor, GROUP_NOUNS, between, evidence, group_actor, is_agent};
use crate::model::{ActorKind, Span, Transfer, Weapon};
use crate::recognise::{Doc, Form, Mention, WeaponMention};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dir {
    Give,
    Receive,
    Noun,
    /// "weapons bound for the Houthis": a destination after the goods, no acting subject.
    Bound,
}

/// Nouns of an agreement between two parties ("a deal with Moscow to buy ...").
const DEAL_NOUNS: &[&str] = &["deal", "deals", "contract", "contracts", "agreement", "agreements", "accord", "accords", "memorandum", "pact"];

const BE: &[&str] = &["was", "were", "been", "be", "is", "are", "being"];

pub(super) fn extract(x: &Extractor, doc: &mut Doc, c: &Clause, ctx: &mut Ctx) {
    if c.toks.is_empty() {
        return;
    }
    // Weapons are in text order: those inside the clause by binary search.
    let from = doc.weapons.partition_point(|w| w.span.start < c.span.start);
    let all: Vec<WeaponMention> = doc.weapons[from..].iter().take_while(|w| w.span.start <= c.span.end).filter(|w| c.span.contains(w.span)).cloned().collect();
    let mut weapons = item_weapons(doc, c, &all);
    // An unlisted item named as the object of a military sale.
    let sold_item = weapons.is_empty();
    if sold_item {
        match sale_item(x, doc, c) {
            Some(w) => weapons.push(w),
            None => return,
        }
    }
    let n = c.toks.len();
    let inside_weapon = |k: usize| all.iter().any(|w| w.span.contains(c.toks[k].span));
    let possession = &x.words.possession;
    // The trigger: a verb whose object holds a weapon, or a transfer noun next to one.
    let wtok: Vec<usize> = weapons.iter().map(|w| c.tok_at(w.span.start)).collect();
    let cands: Vec<(usize, Dir)> = (0..n)
        .filter_map(|k| {
            let w = c.word(k);
            // Only a trigger word can start one (every `dir` below needs one).
            if !x.words.transfer_any.contains(w) || inside_weapon(k) || possession.any_at(c, k) {
                return None;
            }
            // Rule transfer.restricted: "restrictions on the export of W", "forbids buying W".
            let tt = &doc.gaz.triggers.transfer;
            let mut j = k;
            while j > 0 && matches!(c.word(j - 1), "the" | "a" | "an" | "any" | "all" | "arms" | "weapons" | "military" | "further" | "future" | "new") {
                j -= 1;
            }
            if j > 0 && tt.prohibit_verbs.iter().any(|p| p == c.word(j - 1)) || j > 1 && c.word(j - 1) == "on" && tt.restriction_nouns.iter().any(|p| p == c.word(j - 2)) {
                return None;
            }
            // "the unlawful transfer of arms", "the supply of tanks": a noun, not the verb.
            let prev = if k > 0 { c.word(k - 1) } else { "" };
            let nominal = x.words.tnouns.contains(w)
                && (c.word(k + 1) == "of" || matches!(prev, "the" | "a" | "an" | "its" | "their" | "his" | "her" | "our" | "this" | "these" | "those" | "any" | "such" | "further" | "continued" | "unlawful" | "illegal" | "illicit" | "new" | "arms" | "weapons" | "military"));
            // Rule transfer.prenominal: "the Russian armed forces", "the supplied rifles": a
            // participle between a determiner or demonym and its noun is an adjective.
            if w.ends_with("ed") && k > 0 && k + 1 < n && (x.words.give.contains(w) || x.words.receive.contains(w)) {
                let after_demonym = c.mentions.iter().any(|m| m.form == Form::Demonym && m.span.end == c.toks[k - 1].span.end);
                let det = matches!(prev, "the" | "a" | "an" | "its" | "their" | "his" | "her" | "our" | "these" | "those");
                let next = c.word(k + 1);
                let noun_next = next.chars().all(|ch| ch.is_ascii_lowercase()) && !x.words.verb_followers.contains(next);
                if (det || after_demonym) && noun_next {
                    return None;
                }
            }
            // Rule transfer.customer: "X became the first export customer for W": the buyer's
            // role noun is the trigger (X receives); "export" before it is no act of its own.
            if x.words.customers.contains(c.word(k + 1)) && (x.words.give.contains(w) || x.words.tnouns.contains(w)) {
                return None;
            }
            let dir = if x.words.customers.contains(w) {
                Dir::Receive
            } else if nominal {
                Dir::Noun
            } else if x.words.destination.contains(w) && matches!(c.word(k + 1), "for" | "to") {
                Dir::Bound
            } else if x.words.give.contains(w) {
                Dir::Give
            } else if x.words.receive.contains(w) {
                Dir::Receive
            } else if x.words.tnouns.contains(w) {
                Dir::Noun
            } else {
                return None;
            };
            let near = match dir {
                // The object: within the next dozen words ("supplied Y with W", "sold W to Y").
                Dir::Give | Dir::Receive => wtok.iter().any(|&p| p > k && p <= k + 20) || wtok.iter().any(|&p| p < k && k - p <= 3) || dir == Dir::Receive && wtok.iter().any(|&p| object_relative(doc, c, p, k)),
                // "arms sales", "deliveries of S-400 systems", "a package of W".
                Dir::Noun => wtok.iter().any(|&p| p > k && p <= k + 20 || p < k && k - p <= 4),
                // "Iranian weapons bound for Yemen".
                Dir::Bound => wtok.iter().any(|&p| p < k && k - p <= 4),
            };
            near.then_some((k, dir))
        })
        .collect();
    if cands.is_empty() {
        if !instrument(x, doc, c, &weapons, ctx) {
            includes(doc, c, &weapons, ctx);
        }
        return;
    }
    // The first trigger whose frame finds both parties; else the first one.
    // Among those, the one nearest to a weapon ("gave a statement on ... the transfer of arms").
    let mut frames: Vec<(usize, Dir, Frame)> = Vec::new();
    let mut chosen = None;
    let mut best: Option<(usize, usize, Dir, Frame)> = None;
    for &(v, dir) in &cands {
        if let Some(found) = frame(x, doc, c, ctx, v, dir, &wtok) {
            frames.push((v, dir, found));
            if found.0.is_some() && found.1.is_some() {
                let dist = wtok.iter().map(|&p| p.abs_diff(v)).min().unwrap_or(usize::MAX);
                if best.as_ref().is_none_or(|b| dist < b.0) {
                    best = Some((dist, v, dir, found));
                }
            } else if chosen.is_none() {
                chosen = Some((v, dir, found));
            }
        }
    }
    if let Some((_, v, dir, found)) = best {
        chosen = Some((v, dir, found));
    }
    let Some(chosen) = chosen else { return };
    let (cs, cr, _) = chosen.2;
    if cs.is_none() && cr.is_none() {
        // "The package will include: ...": contents of the transfer just reported.
        includes(doc, c, &weapons, ctx);
        return;
    }
    // "X sent shells to Y and received technology in return": goods after another trigger belong
    // to that trigger when its frame is complete; when its one party contradicts the chosen
    // frame's direction, they belong to neither.
    let mut groups: Vec<((usize, Dir, Frame), Vec<WeaponMention>)> = vec![(chosen, Vec::new())];
    // Rule transfer.carrier-subject: "six Y-20 airlifters landed ..., delivering the FK-3 to
    // Serbia": with goods after a giving verb, a weapon in its subject is the carrier.
    let object_goods = chosen.1 == Dir::Give && wtok.iter().any(|&p| p > chosen.0);
    for (w, &p) in weapons.iter().zip(&wtok) {
        if object_goods && p + 3 < chosen.0 && !frames.iter().any(|f| f.0 < p) {
            continue;
        }
        let own = frames.iter().filter(|f| f.0 < p).max_by_key(|f| f.0).copied();
        let target = match own {
            Some(f) if f.0 != chosen.0 => {
                let (s, r, _) = f.2;
                if s.is_some() && r.is_some() {
                    Some(f)
                } else if (r.is_some() && r == cs || s.is_some() && s == cr) && !DEAL_NOUNS.contains(&c.word(f.0)) {
                    // (A deal noun's one party gives no direction: "became a buyer of W after
                    // signing a contract for W2" is one purchase.)
                    None
                } else {
                    Some(chosen)
                }
            }
            _ => Some(chosen),
        };
        let Some(target) = target else { continue };
        match groups.iter_mut().find(|g| g.0.0 == target.0) {
            Some(g) => g.1.push(w.clone()),
            None => groups.push((target, vec![w.clone()])),
        }
    }
    for ((v, dir, found), ws) in groups {
        if !ws.is_empty() {
            complete(x, doc, c, ctx, v, dir, found, &ws, sold_item);
        }
    }
}

/// One trigger's transfer: fill a missing supplier from the goods' origin or a missing party
/// from the transfer just reported, then record one transfer per weapon category.
#[allow(clippy::too_many_arguments)]
fn complete(x: &Extractor, doc: &mut Doc, c: &Clause, ctx: &mut Ctx, v: usize, dir: Dir, found: Frame, weapons: &[WeaponMention], sold_item: bool) {
    // Rule transfer.part-of: "technologies found in Iranian drones": goods named as parts of
    // other goods in the same transfer go with them.
    let mut parts = weapons.to_vec();
    if parts.len() > 1 {
        let starts: Vec<usize> = parts.iter().map(|w| w.span.start).collect();
        parts.retain(|w| {
            let k = c.tok_at(w.span.end);
            let Some(i) = x.words.part_of.first_at(c, k) else { return true };
            let from = k + x.words.part_of.list[i].len();
            !(from..(from + 4).min(c.toks.len())).any(|j| starts.contains(&c.toks[j].span.start))
        });
    }
    let weapons: &[WeaponMention] = &parts;
    let (mut supplier, mut recipient, rule) = found;
    let mut confidence = 0.8;
    let mut rule = if sold_item { "transfer.sale-of" } else { rule };
    // "India ordered Russian fighter jets": the origin of the trigger's own goods (the weapon
    // nearest it) supplies them, unless they were captured.
    let captured = (0..c.toks.len()).any(|k| x.words.capture.any_at(c, k));
    let object = weapons.iter().min_by_key(|w| {
        let p = c.tok_at(w.span.start);
        (p < v, p.abs_diff(v))
    });
    if supplier.is_none() && !captured {
        // Rule transfer.possessive-origin: "Germany will acquire Israel's Arrow 3": the state
        // whose goods they are supplies them to the one acquiring them.
        let possessed = object.and_then(|w| possessor_of(doc, c, w)).map(|m| (m, "transfer.possessive-origin"));
        if let Some((m, r)) = object.and_then(|w| origin_of(x, doc, c, w)).map(|m| (m, "transfer.origin")).or(possessed) {
            if Some(m.actor) != recipient && !recipient.is_some_and(|r| super::state_of(doc, r) == super::state_of(doc, m.actor)) {
                supplier = Some(m.actor);
                rule = r;
                confidence = 0.7;
            }
        }
    }
    // "Qatar became the first buyer of Dassault's Rafale", "signed a contract for MBDA missiles":
    // the company that makes the goods supplies them when the frame names no supplier; a lone
    // government party of a deal noun is the buyer (rule transfer.maker).
    if supplier.is_none() && !captured {
        let maker = object.and_then(|w| maker_of(doc, c, w)).or_else(|| weapons.iter().find_map(|w| maker_of(doc, c, w)));
        if let Some(m) = maker {
            if recipient.is_some_and(|b| b != m.actor && super::state_of(doc, b) != super::state_of(doc, m.actor)) {
                supplier = Some(m.actor);
                rule = "transfer.maker";
                confidence = 0.7;
            }
        }
    } else if !captured && dir == Dir::Noun && DEAL_NOUNS.contains(&c.word(v)) {
        // "Greece signed a contract for Dassault's Rafales" / "for Naval Group submarines": the
        // subject of a deal noun is no supplier, nor the maker a recipient, when a company makes
        // the goods.
        let maker = object.and_then(|w| maker_of(doc, c, w));
        if let (Some(s), Some(m)) = (supplier, maker.filter(|m| recipient.is_none_or(|r| r == m.actor))) {
            if s != m.actor && super::state_of(doc, s) != super::state_of(doc, m.actor) && !is_company(doc, s) {
                supplier = Some(m.actor);
                recipient = Some(s);
                rule = "transfer.maker";
                confidence = 0.7;
            }
        }
    }
    // A sentence that names one party continues the last transfer.
    if supplier.is_none() != recipient.is_none() {
        if let Some((s, r)) = &ctx.last_transfer {
            if supplier.is_some_and(|x| s.contains(&x)) || recipient.is_some_and(|x| r.contains(&x)) {
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
    // "buy GCA systems, which consist of radios; test equipment; spare parts": once the object is
    // named, generic goods and parts in the list of its contents are part of it.
    let n = c.toks.len();
    let cues = &doc.gaz.triggers.transfer.include_cues;
    let mut weapons = weapons.to_vec();
    if let Some(q) = (v + 1..n).find(|&k| cues.iter().any(|q| q == c.word(k))) {
        let tok = |w: &WeaponMention| c.tok_at(w.span.start);
        let object_named = (v + 1..q).any(|k| doc.gaz.weapon_heads.contains_key(c.word(k))) || weapons.iter().any(|w| (v + 1..q).contains(&tok(w)));
        if object_named {
            weapons.retain(|w| tok(w) < q || !accompanies(doc, w));
        }
    }
    if weapons.is_empty() {
        return;
    }
    let status = status(x, c, v, dir);
    if rule != "transfer.maker" {
        // Rule transfer.conjoined: "from Denmark and the Netherlands", "to Russia and Belarus":
        // each party of a coordination is a party of its own transfer.
        let sups = conjoined(doc, c, sup, &ctx.article);
        let recs = conjoined(doc, c, rec, &ctx.article);
        ctx.last_transfer = Some((sups.clone(), recs.clone()));
        if recs.len() == 1 && respectively(x, doc, c, sup, rec, &weapons, status, confidence) {
            return;
        }
        if recs.len() == 1 && sups.len() == 1 && anaphoric_suppliers(x, doc, c, sup, rec, &weapons, status, confidence) {
            return;
        }
        for &s in &sups {
            for &r in &recs {
                if s == r || super::state_of(doc, s).is_some() && super::state_of(doc, s) == super::state_of(doc, r) {
                    continue;
                }
                let rule = if s == sup && r == rec { rule } else { "transfer.conjoined" };
                // Rule transfer.state-maker: "the US agreed to sell Boeing F-15s": goods made by a
                // company of the supplying state are supplied by that company.
                let mut rest = Vec::new();
                let mut by_maker: Vec<(usize, Vec<WeaponMention>)> = Vec::new();
                let state_party = matches!(doc.ex.actors[s].kind, ActorKind::State | ActorKind::GovernmentBody);
                for w in &weapons {
                    match maker_of(doc, c, w).map(|m| m.actor) {
                        Some(m) if state_party && m != r && super::state_of(doc, m).is_some() && super::state_of(doc, m) == super::state_of(doc, s) => {
                            match by_maker.iter_mut().find(|g| g.0 == m) {
                                Some(g) => g.1.push(w.clone()),
                                None => by_maker.push((m, vec![w.clone()])),
                            }
                        }
                        _ => rest.push(w.clone()),
                    }
                }
                for (m, ws) in by_maker {
                    push_transfers(doc, c, &ws, m, r, status, "transfer.state-maker", confidence);
                }
                if !rest.is_empty() {
                    push_transfers(doc, c, &rest, s, r, status, rule, confidence);
                }
            }
        }
        return;
    }
    ctx.last_transfer = Some((vec![sup], vec![rec]));
    // "Dassault's Rafales, Naval Group frigates and MBDA missiles": each maker supplies its own
    // goods; goods named without a maker go with the first one.
    let mut by_maker: Vec<(usize, Vec<WeaponMention>)> = Vec::new();
    for w in &weapons {
        let m = maker_of(doc, c, w).map_or(sup, |m| m.actor);
        let m = if m == rec || super::state_of(doc, m) == super::state_of(doc, rec) { sup } else { m };
        match by_maker.iter_mut().find(|g| g.0 == m) {
            Some(g) => g.1.push(w.clone()),
            None => by_maker.push((m, vec![w.clone()])),
        }
    }
    for (m, ws) in by_maker {
        push_transfers(doc, c, &ws, m, rec, status, rule, confidence);
    }
}

type Frame = (Option<usize>, Option<usize>, &'static str);

/// The argument frame of one trigger: (supplier, recipient, rule id); None when the trigger is
/// in the scope of a hypothetical.
fn frame(x: &Extractor, doc: &mut Doc, c: &Clause, ctx: &Ctx, v: usize, dir: Dir, wtok: &[usize]) -> Option<Frame> {
    let t = &doc.gaz.triggers.transfer;
    let n = c.toks.len();
    let hypothetical = &x.words.hypothetical;
    if (v.saturating_sub(8)..v).any(|k| hypothetical.any_at(c, k)) {
        return None;
    }
    // Hedges scope over the whole clause before the trigger ("in an attempt to obtain W ... in exchange").
    if (0..v).any(|k| t.hedges.iter().any(|h| h == c.word(k))) {
        return None;
    }
    // "has been supplying" is progressive, not passive: a passive needs the participle.
    let passive = dir == Dir::Give && !c.word(v).ends_with("ing") && (1..=2).any(|k| v >= k && BE.contains(&c.word(v - k)))
        || c.word(v) == "sourced";
    let vstart = c.toks[v].span.start;
    let vend = c.toks[v].span.end;

    let after_prep = |preps: &[String], doc: &mut Doc| -> Option<usize> {
        (v + 1..n).find_map(|k| {
            if !preps.iter().any(|p| p == c.word(k)) {
                return None;
            }
            let from = c.toks[k].span.end;
            // Within three words, articles not counted ("to the Government of the Philippines").
            let near = |m: &&Mention| between(doc, from, m.span.start).split_whitespace().filter(|w| !matches!(*w, "the" | "a" | "an")).count() <= 3;
            let m = c.mentions.iter().find(|m| m.span.start >= from && near(m))?;
            // "to China's Taiwan region": the possessed state is the party.
            let m = match c.mentions.iter().find(|o| o.span.start > m.span.end && matches!(between(doc, m.span.end, o.span.start).trim(), "'s" | "’s")) {
                Some(o) if doc.ex.actors[o.actor].kind == ActorKind::State => o,
                _ => m,
            };
            party(doc, m, c, &ctx.article)
        })
    };
    // Rule transfer.reduced-user: "Russian attacks using Iranian drones": a participle after a
    // noun has that noun's owner as its user (a demonym or state right before it), never the
    // clause subject ("Ukraine has reported ...").
    if dir == Dir::Receive && c.word(v).ends_with("ing") && v >= 2 && !matches!(c.word(v - 1), "been" | "is" | "are" | "was" | "were" | "be" | "by" | "of" | "for" | "and" | "also" | "still" | "not" | "in" | "from") {
        let head_start = c.toks[v - 1].span.start;
        // "in response to Russia using W": the gerund's own subject, else the noun's owner.
        let subject = c.mentions.iter().find(|m| m.span.end == c.toks[v - 1].span.end && m.form != Form::Demonym).copied();
        let owner = subject.or_else(|| c.mentions.iter().find(|m| m.span.end <= head_start && between(doc, m.span.end, head_start).trim().is_empty()).copied());
        let owner = owner.filter(|m| doc.ex.actors[m.actor].kind == ActorKind::State).and_then(|m| party(doc, &m, c, &ctx.article));
        let Some(r) = owner else { return None };
        let from_preps = t.from_preps.clone();
        let supplier = after_prep(&from_preps, doc);
        return Some((supplier, Some(r), "transfer.reduced-user"));
    }
    // The subject: the last acting party before the verb that is not the object of a preposition.
    // "Russia has ignored U.N. resolutions and used W": the second of two conjoined verbs shares
    // the subject of the first, so the first candidate counts, not the last.
    let mut j = v;
    while j > 0 && matches!(c.word(j - 1), "has" | "have" | "had" | "also" | "then" | "later" | "reportedly" | "allegedly") {
        j -= 1;
    }
    let conjoined = j > 0 && c.word(j - 1) == "and";
    // Rule transfer.for-gerund: "sanctions on X for providing Y with W", "X was punished for
    // selling W": the gerund's subject is the party just before "for".
    let for_gerund = |doc: &mut Doc| -> Option<usize> {
        if v == 0 || c.word(v - 1) != "for" || !c.word(v).ends_with("ing") {
            return None;
        }
        let fs = c.toks[v - 1].span.start;
        let m = c.mentions.iter().filter(|m| m.span.end <= fs).last()?;
        let gap = between(doc, m.span.end, fs).trim();
        (gap.split_whitespace().count() <= 2 && !gap.contains([',', ';', '(', '“', '"'])).then_some(())?;
        party(doc, m, c, &ctx.article)
    };
    let subject = |doc: &mut Doc| -> Option<usize> {
        let mut cands = c
            .mentions
            .iter()
            .filter(|m| m.span.end <= vstart && (is_agent(doc, m, c) || m.form == Form::Demonym) && !prep_object(c, m) && !clause_between(x, c, m, vstart));
        let m = if conjoined { cands.next()? } else { cands.last()? };
        party(doc, m, c, &ctx.article)
    };
    // "PRC entities providing critical inputs to Russia": a participle right after a party is a
    // reduced relative clause, and that party is its subject wherever it stands.
    let reduced = |doc: &mut Doc| -> Option<usize> {
        if !c.word(v).ends_with("ing") {
            return None;
        }
        let m = c.mentions.iter().filter(|m| m.span.end <= vstart).last()?;
        let k = c.tok_at(m.span.end);
        let gap_ok = v - k <= 3 && (k..v).all(|i| GROUP_NOUNS.contains(&c.word(i)) || c.word(i).ends_with("ly"));
        if !gap_ok || between(doc, m.span.end, vstart).contains([',', ';', ':', '(', ')', '“', '"']) {
            return None;
        }
        party(doc, m, c, &ctx.article)
    };
    // "W that sustain Russia's military industrial base": the relative clause after the goods
    // names who gets them.
    let beneficiary = |doc: &mut Doc| -> Option<usize> {
        (v + 1..n).find_map(|k| {
            if !matches!(c.word(k), "that" | "which") || !x.words.beneficiary.contains(c.word(k + 1)) || !wtok.iter().any(|&p| p > v && p < k) {
                return None;
            }
            let from = c.toks[k + 1].span.end;
            let m = c.mentions.iter().find(|m| m.span.start >= from && between(doc, from, m.span.start).split_whitespace().all(|w| matches!(w, "the" | "its" | "their")))?;
            party(doc, m, c, &ctx.article)
        })
    };
    // "signed a contract with Y to supply W": Y receives.
    let contract_with = |doc: &mut Doc| -> Option<usize> {
        if v == 0 || c.word(v - 1) != "to" {
            return None;
        }
        let k = (0..v).rev().find(|&k| c.word(k) == "with" && (1..=3).any(|d| k >= d && matches!(c.word(k - d), "contract" | "deal" | "agreement" | "accord")))?;
        let from = c.toks[k].span.end;
        let m = c.mentions.iter().find(|m| m.span.start >= from && between(doc, from, m.span.start).split_whitespace().count() <= 2)?;
        party(doc, m, c, &ctx.article)
    };
    // "deals between South Korean firms and the Polish government for the supply of W".
    let between_parties = |doc: &mut Doc| -> Option<(usize, usize)> {
        let k = (0..v).rev().find(|&k| c.word(k) == "between")?;
        let from = c.toks[k].span.end;
        let ms: Vec<Mention> = c.mentions.iter().filter(|m| m.span.start >= from && m.span.end <= vstart).copied().collect();
        let (a, b) = (ms.first()?, ms.get(1)?);
        if !between(doc, a.span.end, b.span.start).contains("and") {
            return None;
        }
        let pa = party(doc, a, c, &ctx.article)?;
        let pb = party(doc, b, c, &ctx.article)?;
        // A company (or group of firms) supplies a government.
        let company = |doc: &Doc, i: usize| matches!(doc.ex.actors[i].kind, ActorKind::Company | ActorKind::Organization);
        Some(if company(doc, pb) && !company(doc, pa) { (pb, pa) } else { (pa, pb) })
    };
    // Rule transfer.deal-with: "X signed a deal with Y to buy W" / "X inked contracts with Y to
    // supply W": the infinitive's subject is X (the one who signed), the partner is Y.
    let deal_with = |doc: &mut Doc| -> Option<(usize, usize)> {
        if v == 0 || c.word(v - 1) != "to" || !matches!(dir, Dir::Give | Dir::Receive) {
            return None;
        }
        let k = (0..v).rev().find(|&k| c.word(k) == "with")?;
        let noun = (1..=4).find(|&d| k >= d && DEAL_NOUNS.contains(&c.word(k - d)))?;
        let from = c.toks[k].span.end;
        let partner = c.mentions.iter().find(|m| m.span.start >= from && m.span.end <= vstart && between(doc, from, m.span.start).split_whitespace().count() <= 2).copied()?;
        let noun_start = c.toks[k - noun].span.start;
        let signer = c.mentions.iter().filter(|m| m.span.end <= noun_start && (is_agent(doc, m, c) || m.form == Form::Demonym) && !prep_object(c, m)).next_back().copied()?;
        let (a, b) = (party(doc, &signer, c, &ctx.article)?, party(doc, &partner, c, &ctx.article)?);
        Some(if dir == Dir::Give { (a, b) } else { (b, a) })
    };
    if !passive {
        if let Some((s, r)) = deal_with(doc) {
            return Some((Some(s), Some(r), "transfer.deal-with"));
        }
    }
    let (supplier, recipient, rule) = match (dir, passive) {
        (Dir::Give, false) => {
            let s = for_gerund(doc).or_else(|| reduced(doc)).or_else(|| subject(doc));
            // "supplied Y with W", "pumping the Kyiv regime with W": the party right after the
            // verb (an article and a state noun allowed), then "with".
            let direct = c.mentions.iter().find(|m| m.span.start >= vend && matches!(between(doc, vend, m.span.start).trim(), "" | "the")).copied();
            let with_after = |m: &Mention| {
                let rest = doc.text[m.span.end..c.span.end].trim_start();
                let rest = STATE_NOUNS.iter().find_map(|w| rest.strip_prefix(w)).map_or(rest, str::trim_start);
                rest.starts_with("with ")
            };
            // Rule transfer.double-object: "gave Ukraine 14 tanks": the party right after the verb,
            // with the goods right after it, receives them.
            // ("sell Boeing F-15s": a company before the goods makes them.)
            let double_object = |m: &Mention| {
                let after = c.tok_at(m.span.end);
                wtok.iter().any(|&p| p >= after && p <= after + 4 && (after..p).all(|i| !matches!(c.word(i), "to" | "for" | "from" | "with" | "of" | "in" | "and" | "," | "that")))
                    && doc.ex.actors[m.actor].kind != ActorKind::Company
            };
            let r = match direct {
                Some(m) if with_after(&m) => party(doc, &m, c, &ctx.article),
                Some(m) if double_object(&m) => party(doc, &m, c, &ctx.article),
                _ => after_prep(&t.to_preps, doc),
            };
            // "supplying it with arms": the pronoun is the last other party named before the verb.
            let r = r.or_else(|| {
                if !matches!(c.word(v + 1), "it" | "them") || c.word(v + 2) != "with" {
                    return None;
                }
                let ms: Vec<Mention> = c.mentions.iter().filter(|m| m.span.end <= vstart).copied().collect();
                ms.iter().rev().find_map(|m| party(doc, m, c, &ctx.article).filter(|&p| Some(p) != s))
            });
            let r = r.or_else(|| beneficiary(doc));
            match r {
                Some(r) => (s, Some(r), "transfer.give"),
                None => (s, contract_with(doc), "transfer.contract-with"),
            }
        }
        (Dir::Give, true) | (Dir::Receive, true) => {
            let s = after_prep(&t.from_preps, doc);
            let r = after_prep(&t.to_preps, doc).or_else(|| subject(doc));
            (s, r, "transfer.passive")
        }
        (Dir::Receive, false) => {
            let r = reduced(doc).or_else(|| subject(doc));
            let s = after_prep(&t.from_preps, doc);
            (s, r, if x.words.customers.contains(c.word(v)) { "transfer.customer" } else { "transfer.receive" })
        }
        (Dir::Bound, _) => (after_prep(&t.from_preps, doc), after_prep(&t.to_preps, doc), "transfer.destination"),
        (Dir::Noun, _) => {
            if let Some((s, r)) = between_parties(doc) {
                (Some(s), Some(r), "transfer.between")
            } else {
                let modified = |doc: &mut Doc| modifier(x, doc, c, vstart).and_then(|m| party(doc, &m, c, &ctx.article));
                // Rule transfer.take-delivery: "took delivery of W from X" is the buyer's side.
                let taken = matches!(c.word(v), "delivery" | "deliveries") && (1..=3).any(|d| v >= d && x.words.take_delivery.contains(c.word(v - d)));
                if x.words.buying.contains(c.word(v)) || taken {
                    // "Turkey's purchase of S-400s from Russia", "the purchase of W from X by Y",
                    // "India approved the purchase of fighter jets": the buyer is the possessor,
                    // the "by" phrase or the subject; the seller follows "from".
                    let (from, by) = (["from".to_string()], ["by".to_string()]);
                    let s = after_prep(&from, doc);
                    let r = after_prep(&t.to_preps, doc).or_else(|| after_prep(&by, doc)).or_else(|| modified(doc)).or_else(|| subject(doc));
                    (s, r, if taken { "transfer.take-delivery" } else { "transfer.noun" })
                } else {
                    // "X's deliveries to Y", "arms sales to Y", "provider of W that sustain Y's war".
                    let s = after_prep(&t.from_preps, doc).or_else(|| modified(doc)).or_else(|| subject(doc));
                    let r = after_prep(&t.to_preps, doc).or_else(|| beneficiary(doc));
                    (s, r, "transfer.noun")
                }
            }
        }
    };
    Some((supplier, recipient, rule))
}

/// Rule transfer.object-relative: "the Iranian drones Russia has been using": goods, then a party
/// and the receiving verb (auxiliaries between) — a relative clause without "that".
fn object_relative(doc: &Doc, c: &Clause, p: usize, k: usize) -> bool {
    if !(p < k && k - p <= 6) {
        return false;
    }
    let (ws, ve) = (c.toks[p].span.end, c.toks[k].span.start);
    let Some(m) = c.mentions.iter().find(|m| m.span.start >= ws && m.span.end <= ve) else { return false };
    let gap_before = between(doc, ws, m.span.start);
    let gap_after = between(doc, m.span.end, ve);
    // The weapon mention may run over several tokens: only its own words before the party.
    // Weapons are in text order and disjoint: only the last one starting at or before the token can hold it.
    let tok = c.toks[p].span;
    let i = doc.weapons.partition_point(|w| w.span.start <= tok.start);
    let weapon_end = i.checked_sub(1).map(|i| &doc.weapons[i]).filter(|w| w.span.contains(tok)).map_or(ws, |w| w.span.end);
    let gap_before = if weapon_end >= ws { between(doc, weapon_end, m.span.start) } else { gap_before };
    gap_before.trim().is_empty()
        && gap_after.split_whitespace().all(|w| matches!(w, "has" | "have" | "had" | "been" | "is" | "are" | "was" | "were" | "being" | "reportedly" | "allegedly" | "now" | "also"))
}

/// Parts and generic goods ("spare parts", "equipment"): listed beside or inside a named system,
/// they belong to it and are no transfer of their own.
fn accompanies(doc: &Doc, w: &WeaponMention) -> bool {
    matches!(doc.gaz.weapons[w.row].category, "Components" | "Other")
}

/// One transfer per weapon category; a generic "weapons" only when nothing specific is named.
#[allow(clippy::too_many_arguments)]
fn push_transfers(doc: &mut Doc, c: &Clause, weapons: &[WeaponMention], sup: usize, rec: usize, status: &'static str, rule: &str, confidence: f32) {
    // Services listed beside goods accompany the goods.
    let services = &doc.gaz.triggers.transfer.service_heads;
    let is_service = |w: &WeaponMention| doc.gaz.weapons[w.row].term.rsplit(' ').next().is_some_and(|h| services.iter().any(|s| s.eq_ignore_ascii_case(h)));
    let goods: Vec<WeaponMention> = weapons.iter().filter(|w| !is_service(w)).cloned().collect();
    let weapons: &[WeaponMention] = if goods.is_empty() { weapons } else { &goods };
    let specific: Vec<&WeaponMention> = weapons.iter().filter(|w| doc.gaz.weapons[w.row].category != "Other").collect();
    let mut chosen: Vec<&WeaponMention> = if specific.is_empty() { weapons.iter().take(1).collect() } else { specific };
    // Spare parts and components listed beside systems belong to those systems.
    if chosen.iter().any(|w| !accompanies(doc, w)) {
        chosen.retain(|w| doc.gaz.weapons[w.row].category != "Components");
    }
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

/// "The following items will be included: unmanned aerial systems; ...": a sentence with an
/// include cue and weapons but no trigger of its own lists more contents of the last transfer
/// (rule transfer.includes).
fn includes(doc: &mut Doc, c: &Clause, weapons: &[WeaponMention], ctx: &Ctx) {
    let Some((s, r)) = ctx.last_transfer.clone() else { return };
    // Only right after the transfer it continues: the same or the next paragraph.
    let Some(last) = doc.ex.transfers.last().map(|t| t.evidence.span) else { return };
    // Paragraphs are in text order and disjoint: the one holding a span by binary search.
    let para_of = |sp: Span| {
        let i = doc.paragraphs.partition_point(|p| p.end < sp.end);
        doc.paragraphs.get(i).filter(|p| p.contains(sp)).map(|_| i)
    };
    let (Some(pl), Some(pc)) = (para_of(last), para_of(c.span)) else { return };
    if pc > pl + 1 {
        return;
    }
    let cues = &doc.gaz.triggers.transfer.include_cues;
    if !(0..c.toks.len()).any(|k| cues.iter().any(|q| q == c.word(k))) {
        return;
    }
    let status = doc.ex.transfers.last().map(|t| t.status).unwrap_or("delivered");
    // Contents are listed for packages, sales and deals (agreed or planned), not for deliveries.
    if !matches!(status, "agreed" | "planned") {
        return;
    }
    // Generic goods and parts in a list of contents belong to the systems already reported; only
    // a named kind of item is a transfer of its own.
    let weapons: Vec<WeaponMention> = weapons.iter().filter(|w| !accompanies(doc, w)).cloned().collect();
    if weapons.is_empty() {
        return;
    }
    push_transfers(doc, c, &weapons, s[0], r[0], status, "transfer.includes", 0.6);
}

/// The weapons of a sentence that name transferred items: not part of a name ("Ministry of
/// Rocket Industry"), not a modifier ("ballistic missile programs"), not what ammunition is for
/// ("munitions for air defense systems, artillery, and rocket systems").
fn item_weapons(doc: &Doc, c: &Clause, all: &[WeaponMention]) -> Vec<WeaponMention> {
    let t = &doc.gaz.triggers.transfer;
    let mut out = Vec::new();
    // Spans covered by a "for" list after an ammunition-like head.
    let mut for_lists: Vec<Span> = Vec::new();
    for w in all {
        let head = doc.text[w.span.start..w.span.end].rsplit(' ').next().unwrap_or("").to_lowercase();
        if !t.for_heads.contains(&head) {
            continue;
        }
        let rest = &doc.text[w.span.end..c.span.end];
        if let Some(r) = rest.strip_prefix(" for ") {
            // The list runs to the item after its "and"/"or".
            let base = w.span.end + 5;
            let mut end = r.find(['.', ';', ':']).unwrap_or(r.len());
            if let Some(p) = r[..end].find(" and ").or_else(|| r[..end].find(" or ")) {
                end = r[p + 5..end].find(',').map(|q| p + 5 + q).unwrap_or(end);
            } else {
                end = r[..end].find(',').unwrap_or(end);
            }
            for_lists.push(Span::new(base, base + end));
        }
    }
    for w in all {
        let text = &doc.text[w.span.start..w.span.end];
        let row = &doc.gaz.weapons[w.row];
        if doc.overlaps_mention(w.span) || for_lists.iter().any(|s| s.contains(w.span)) {
            continue;
        }
        // A generic word written capitalised inside a name ("Ministry of Rocket Industry").
        let after = &doc.text[w.span.end..c.span.end];
        let next_cap = after.strip_prefix(' ').is_some_and(|a| a.starts_with(char::is_uppercase));
        let sentence_start = w.span.start == c.span.start;
        if !row.system && text.starts_with(char::is_uppercase) && next_cap && !sentence_start {
            continue;
        }
        let next_word = after.trim_start().split(|ch: char| !ch.is_alphanumeric() && ch != '-').next().unwrap_or("").to_lowercase();
        if t.non_item_heads.contains(&next_word) {
            continue;
        }
        // Rule transfer.defeat-object: "designed to destroy aircraft, cruise and ballistic
        // missiles": the weapons a system defeats, within a short list after the verb.
        let lead = &doc.text[c.span.start..w.span.start];
        let lead = lead.rsplit([';', ':', '(', '“', '"']).next().unwrap_or(lead);
        let back: Vec<String> = lead.split_whitespace().rev().take(7).map(|x| x.trim_matches(|ch: char| !ch.is_alphanumeric()).to_lowercase()).collect();
        if let Some(p) = back.iter().position(|b| t.defeat_verbs.contains(b)) {
            let list_only = p <= 4 && !back[..p].iter().any(|b| matches!(b.as_str(), "to" | "for" | "with" | "from" | "by" | "the" | "that" | "which"));
            if list_only {
                continue;
            }
        }
        // "(WMD)", "(UAVs)": an acronym restating the weapon just named.
        if doc.text[..w.span.start].ends_with('(') {
            continue;
        }
        // "development of weapons of mass destruction", "use of ballistic missiles": not an item moved.
        let before: Vec<String> = doc.text[c.span.start..w.span.start].split_whitespace().rev().take(2).map(|x| x.to_lowercase()).collect();
        if before.len() == 2 && before[0] == "of" && t.non_item_heads.contains(&before[1]) {
            continue;
        }
        out.push(w.clone());
    }
    out
}

/// Is the mention the object of a preposition ("with Poland", "of South Korea", "in Warsaw")?
fn prep_object(c: &Clause, m: &Mention) -> bool {
    let k = c.tok_of(m);
    let mut j = k;
    while j > 0 && matches!(c.word(j - 1), "the" | "its" | "their") {
        j -= 1;
    }
    // "the Government of Poland has requested": the state is the government's, the subject.
    if j >= 2 && c.word(j - 1) == "of" && STATE_NOUNS.contains(&c.word(j - 2)) {
        return false;
    }
    j > 0
        && matches!(
            c.word(j - 1),
            "of" | "with" | "in" | "for" | "on" | "at" | "against" | "into" | "from" | "about" | "over" | "to" | "by" | "under" | "through" | "via" | "like" | "than" | "among" | "toward" | "towards" | "around" | "near" | "across" | "within" | "beyond" | "inside" | "outside" | "throughout"
        )
}

/// "the U.S. will hold accountable those who facilitate the shipment", "Ukraine said the
/// deliveries ...": a relative pronoun or a verb of saying between the mention and the trigger
/// starts another clause, whose subject the mention is not.
fn clause_between(x: &Extractor, c: &Clause, m: &Mention, vstart: usize) -> bool {
    let a = c.tok_at(m.span.end);
    let b = c.tok_at(vstart);
    // "announced deliveries of tanks" is the act itself; "announced that ..." reports one.
    let says = |k: usize| x.words.speech.contains(c.word(k)) && (!x.words.that_verbs.contains(c.word(k)) || c.word(k + 1) == "that");
    (a..b).any(|k| matches!(c.word(k), "who" | "which" | "whom" | "whose") || says(k))
}

/// Document-level: a transfer of generic "weapons"/"arms" (category Other) is dropped where the
/// same supplier and recipient have a transfer of a named category (rule transfer.prefer-specific).
/// A state's bodies, officials and companies are covered by the state ("France sold arms to
/// Egypt" beside "Dassault's Rafales for Egypt"); a named company or armed group is a party of
/// its own and is covered only by itself ("weapons to Wagner" beside "shells to Russia").
pub(super) fn finish(doc: &mut Doc) {
    // A party as the keys it can be found by: itself, and its state unless it is a party of its
    // own (a company or armed group), which only a generic transfer naming it covers.
    let own = |doc: &Doc, i: usize| matches!(doc.ex.actors[i].kind, ActorKind::Company | ActorKind::ArmedGroup);
    let as_specific = |doc: &Doc, i: usize| {
        let mut v = vec![format!("k:{}", doc.ex.actors[i].key)];
        v.extend(super::state_of(doc, i).map(|s| format!("s:{s}")));
        v
    };
    let as_generic = |doc: &Doc, i: usize| {
        let mut v = vec![format!("k:{}", doc.ex.actors[i].key)];
        if !own(doc, i) {
            v.extend(super::state_of(doc, i).map(|s| format!("s:{s}")));
        }
        v
    };
    // Every (supplier, recipient) key pair of a transfer of a named category, as a set (not a
    // scan of every transfer for each generic one).
    let mut specific: std::collections::HashSet<(String, String)> = Default::default();
    for t in doc.ex.transfers.iter().filter(|t| t.weapon.category != "Other") {
        for &s in &t.suppliers {
            for &r in &t.recipients {
                for a in as_specific(doc, s) {
                    for b in as_specific(doc, r) {
                        specific.insert((a.clone(), b));
                    }
                }
            }
        }
    }
    let drop: Vec<bool> = doc
        .ex
        .transfers
        .iter()
        .map(|t| {
            t.weapon.category == "Other"
                && t.suppliers.iter().any(|&s| {
                    t.recipients.iter().any(|&r| as_generic(doc, s).iter().any(|a| as_generic(doc, r).iter().any(|b| specific.contains(&(a.clone(), b.clone())))))
                })
        })
        .collect();
    let mut i = 0;
    doc.ex.transfers.retain(|_| {
        i += 1;
        !drop[i - 1]
    });
}

/// A party of a transfer: states (for their bodies and officials too), organisations; "South
/// Korean firms" becomes a group with that country.
fn party(doc: &mut Doc, m: &Mention, c: &Clause, article: &str) -> Option<usize> {
    let a = &doc.ex.actors[m.actor];
    if doc.gaz.is_news_agency(&a.label) {
        return None;
    }
    match (a.kind, m.form) {
        (ActorKind::Igo, _) => Some(m.actor),
        // "the Indian government", "the Russian military" act as the state itself.
        (ActorKind::State, Form::Demonym) if STATE_NOUNS.contains(&c.word(c.tok_at(m.span.end))) => Some(m.actor),
        (ActorKind::State, Form::Demonym) => group_actor(doc, article, m, c).or(Some(m.actor)),
        // Ministries, agencies and armed forces act for their state, as officials do (and as
        // sanction imposers do).
        (ActorKind::GovernmentBody, _) if a.country.is_some() => {
            let st = a.country.as_deref().and_then(|q| doc.gaz.state_actor_by_qid(q))?;
            Some(doc.ex.intern(st))
        }
        (ActorKind::Person, _) => {
            let q = a.country.clone()?;
            let st = doc.gaz.state_actor_by_qid(&q)?;
            Some(doc.ex.intern(st))
        }
        _ => Some(m.actor),
    }
}

/// The party right before a transfer noun: "Russia's deliveries", "U.S. arms sales".
/// Two modifier words at most, and no determiner or verb among them ("Ukraine's ministry said
/// the deliveries": no modifier).
fn modifier(x: &Extractor, doc: &Doc, c: &Clause, before: usize) -> Option<Mention> {
    let m = c.mentions.iter().filter(|m| m.span.end <= before).last()?;
    let gap = between(doc, m.span.end, before).trim().trim_start_matches("'s").trim_start_matches("’s").trim();
    let words: Vec<String> = gap.split_whitespace().map(str::to_lowercase).collect();
    let plain = words.iter().all(|w| !matches!(w.as_str(), "the" | "a" | "an" | "this" | "these" | "that" | "those" | "its" | "their") && !x.words.speech.contains(w) && !x.words.give.contains(w) && !x.words.receive.contains(w));
    (words.len() <= 2 && plain).then_some(*m)
}

fn status(x: &Extractor, c: &Clause, v: usize, dir: Dir) -> &'static str {
    let has = |list: &super::Phrases| (0..c.toks.len()).any(|k| list.any_at(c, k));
    for (list, st) in &x.words.status_lists {
        if has(list) {
            return st;
        }
    }
    if c.word(v).ends_with("ing") && dir != Dir::Noun { "ongoing" } else { "delivered" }
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

/// Nouns after a demonym that name the state itself, not a group of its entities (ANNOTATION:
/// a state's government, leadership and armed forces resolve to the state).
const STATE_NOUNS: &[&str] = &["government", "authorities", "administration", "regime", "leadership", "military", "army", "navy", "forces", "state", "side"];

/// Words that end the noun phrase of a sold item.
const ITEM_STOP: &[&str] = &["for", "to", "at", "with", "which", "that", "in", "from", "by", "under", "including", "as", "valued", "worth", "and"];

/// "a possible Foreign Military Sale to Poland of Mobile Ground Control Approach Systems and
/// related elements": after a noun that makes the goods military by itself, the "of" phrase is
/// the item even when the lexicon does not name it; its head noun (a weapons.tsv "head" row)
/// gives the category (rule transfer.sale-of).
fn sale_item(x: &Extractor, doc: &Doc, c: &Clause) -> Option<WeaponMention> {
    if !x.words.military_ac.is_match(&doc.text[c.span.start..c.span.end]) {
        return None;
    }
    let n = c.toks.len();
    let k = (0..n).find(|&k| x.words.military_nouns.any_at(c, k))?;
    for j in k + 1..n {
        if c.word(j) != "of" {
            continue;
        }
        let mut first = j + 1;
        while matches!(c.word(first), "the" | "a" | "an") {
            first += 1;
        }
        // The phrase runs to punctuation or a stop word, within a few words.
        let mut last = None;
        for i in first..n.min(first + 8) {
            if ITEM_STOP.contains(&c.word(i)) || i > first && !between(doc, c.toks[i - 1].span.end, c.toks[i].span.start).trim().is_empty() {
                break;
            }
            last = Some(i);
        }
        let Some(last) = last else { continue };
        let span = Span::new(c.toks[first].span.start, c.toks[last].span.end);
        // "to the Government of Poland of ...": a party is not an item.
        if c.mentions.iter().any(|m| m.span.overlaps(span)) {
            continue;
        }
        if let Some(&row) = doc.gaz.weapon_heads.get(c.word(last)) {
            return Some(WeaponMention { span, row });
        }
    }
    None
}

/// The state the goods come from, as the words right before them say: "Russian MiG-29s",
/// "North Korean-produced missiles", "US-made bombs".
fn origin_of(x: &Extractor, doc: &Doc, c: &Clause, w: &WeaponMention) -> Option<Mention> {
    let m = c.mentions.iter().filter(|m| m.span.end <= w.span.start).last()?;
    if doc.ex.actors[m.actor].kind != ActorKind::State {
        return None;
    }
    let gap = between(doc, m.span.end, w.span.start);
    let suffixed = gap.strip_prefix('-').map(|g| g.trim_end()).is_some_and(|g| x.words.origin_suffixes.contains(&g.to_lowercase()));
    let adjacent = gap == " " && m.form == Form::Demonym;
    (suffixed || adjacent).then_some(*m)
}

/// "Israel's Arrow 3": a state named in the possessive right before the goods.
fn possessor_of(doc: &Doc, c: &Clause, w: &WeaponMention) -> Option<Mention> {
    let m = c.mentions.iter().filter(|m| m.span.end <= w.span.start).last()?;
    if doc.ex.actors[m.actor].kind != ActorKind::State || m.form == Form::Demonym {
        return None;
    }
    matches!(between(doc, m.span.end, w.span.start), "'s " | "’s ").then_some(*m)
}

/// The party and the parties coordinated right after its first mention in the clause
/// ("Denmark and the Netherlands", "Russia, Belarus and Iran"); states and IGOs only.
fn conjoined(doc: &mut Doc, c: &Clause, actor: usize, article: &str) -> Vec<usize> {
    let mut out = vec![actor];
    let state_like = |doc: &Doc, a: usize| matches!(doc.ex.actors[a].kind, ActorKind::State | ActorKind::Igo);
    if !state_like(doc, actor) {
        return out;
    }
    // The party's own mention (not one resolved through `party`, which would intern the state
    // of every official named in the clause).
    let Some(i) = c.mentions.iter().position(|m| m.actor == actor) else { return out };
    let mut prev = c.mentions[i];
    for m in c.mentions[i + 1..].iter().copied() {
        let gap = between(doc, prev.span.end, m.span.start).trim();
        let gap = gap.strip_suffix(" the").or_else(|| gap.strip_suffix("the")).unwrap_or(gap).trim();
        if !matches!(gap, "," | "and" | ", and" | "as well as" | ", as well as") || m.form == Form::Demonym {
            break;
        }
        let Some(p) = party(doc, &m, c, article) else { break };
        if !state_like(doc, p) {
            break;
        }
        if !out.contains(&p) {
            out.push(p);
        }
        prev = m;
        if gap.ends_with("and") || gap.ends_with("as well as") {
            break;
        }
    }
    out
}

/// Rule transfer.respectively: "A and B signed contracts to supply tanks and howitzers,
/// respectively": the n-th party of a coordinated supplier supplies the n-th item. Returns
/// whether it recorded the transfers.
#[allow(clippy::too_many_arguments)]
fn respectively(x: &Extractor, doc: &mut Doc, c: &Clause, sup: usize, rec: usize, weapons: &[WeaponMention], status: &'static str, confidence: f32) -> bool {
    if !(0..c.toks.len()).any(|k| x.words.respectively.contains(c.word(k))) {
        return false;
    }
    let parties = coordination(doc, c, sup);
    // The items in text order, one per distinct named item (parts and generic goods go with them).
    let mut items: Vec<&WeaponMention> = weapons.iter().filter(|w| !accompanies(doc, w)).collect();
    items.sort_by_key(|w| w.span.start);
    // "PzH 2000 howitzers" is one item however many lexicon rows it holds.
    items.dedup_by(|b, a| b.span.start < a.span.end || between(doc, a.span.end, b.span.start).trim().is_empty());
    if parties.len() < 2 || parties.len() != items.len() || parties.contains(&rec) {
        return false;
    }
    for (p, w) in parties.into_iter().zip(items.into_iter().cloned().collect::<Vec<_>>()) {
        push_transfers(doc, c, std::slice::from_ref(&w), p, rec, status, "transfer.respectively", confidence);
    }
    true
}

/// Rule transfer.anaphoric-supplier: "… tanks, howitzers and jets from the companies and KAI":
/// a plural like "the companies" beside the named supplier stands for the companies that
/// already supply this recipient; each of them keeps the goods it was reported with, the named
/// supplier gets the rest. Returns whether it recorded the transfers.
#[allow(clippy::too_many_arguments)]
fn anaphoric_suppliers(x: &Extractor, doc: &mut Doc, c: &Clause, sup: usize, rec: usize, weapons: &[WeaponMention], status: &'static str, confidence: f32) -> bool {
    let Some(m) = c.mentions.iter().find(|m| m.actor == sup) else { return false };
    let k = c.tok_of(m);
    if k < 3 || c.word(k - 1) != "and" || !x.words.company_anaphors.contains(c.word(k - 2)) || !matches!(c.word(k - 3), "the" | "both" | "these" | "those" | "two" | "three") {
        return false;
    }
    // Earlier suppliers of this recipient, with the goods (lexicon rows) each was reported with.
    let earlier: Vec<(usize, String, &str)> = doc
        .ex
        .transfers
        .iter()
        .filter(|t| t.recipients == [rec] && t.suppliers.len() == 1 && t.suppliers[0] != sup && is_company(doc, t.suppliers[0]))
        .map(|t| (t.suppliers[0], t.weapon.label.to_lowercase(), t.weapon.category))
        .collect();
    if earlier.is_empty() {
        return false;
    }
    let mut rest = Vec::new();
    let mut known: Vec<(usize, WeaponMention)> = Vec::new();
    for w in weapons {
        let label = doc.text[w.span.start..w.span.end].to_lowercase();
        let cat = doc.gaz.weapons[w.row].category;
        // The same goods by name; else the one earlier supplier of that kind of goods.
        let same_kind: Vec<usize> = earlier.iter().filter(|e| e.2 == cat).map(|e| e.0).collect();
        let by_kind = (!same_kind.is_empty() && same_kind.iter().all(|&s| s == same_kind[0])).then(|| same_kind[0]);
        match earlier.iter().find(|e| e.1 == label).map(|e| e.0).or(by_kind) {
            Some(s) => known.push((s, w.clone())),
            None => rest.push(w.clone()),
        }
    }
    if known.is_empty() {
        return false;
    }
    for (s, w) in known {
        push_transfers(doc, c, std::slice::from_ref(&w), s, rec, status, "transfer.anaphoric-supplier", confidence);
    }
    if !rest.is_empty() {
        push_transfers(doc, c, &rest, sup, rec, status, "transfer.anaphoric-supplier", confidence);
    }
    true
}

/// The actors of a plain coordination ("A, B and C") that holds `actor`'s mention, in text
/// order; just `actor` when it stands alone.
fn coordination(doc: &Doc, c: &Clause, actor: usize) -> Vec<usize> {
    let Some(i) = c.mentions.iter().position(|m| m.actor == actor) else { return vec![actor] };
    let joins = |a: &Mention, b: &Mention| matches!(between(doc, a.span.end, b.span.start).trim(), "," | "and" | ", and");
    let mut first = i;
    while first > 0 && joins(&c.mentions[first - 1], &c.mentions[first]) {
        first -= 1;
    }
    let mut last = i;
    while last + 1 < c.mentions.len() && joins(&c.mentions[last], &c.mentions[last + 1]) {
        last += 1;
    }
    let mut out: Vec<usize> = Vec::new();
    for m in &c.mentions[first..=last] {
        if !out.contains(&m.actor) {
            out.push(m.actor);
        }
    }
    out
}

fn is_company(doc: &Doc, a: usize) -> bool {
    doc.ex.actors[a].kind == ActorKind::Company
}

/// "Dassault's Rafale", "MBDA missiles", "Naval Group frigates": a company named right before the
/// goods (possessive or as a modifier) makes them.
fn maker_of(doc: &Doc, c: &Clause, w: &WeaponMention) -> Option<Mention> {
    let m = c.mentions.iter().filter(|m| m.span.end <= w.span.start).last()?;
    if !is_company(doc, m.actor) {
        return None;
    }
    let gap = between(doc, m.span.end, w.span.start);
    let gap = gap.strip_prefix("'s").or_else(|| gap.strip_prefix("’s")).unwrap_or(gap);
    gap.trim().is_empty().then_some(*m)
}

/// "North Korea enhanced its capabilities with Russian technology", "Russia struck Kyiv with
/// Iranian-made drones": goods of another state's origin used by the clause's subject were
/// supplied to it (rule transfer.instrument). Returns whether it found one.
fn instrument(x: &Extractor, doc: &mut Doc, c: &Clause, weapons: &[WeaponMention], ctx: &mut Ctx) -> bool {
    for w in weapons {
        let Some(o) = origin_of(x, doc, c, w) else { continue };
        let k = c.tok_of(&o);
        if k == 0 || c.word(k - 1) != "with" {
            continue;
        }
        // "armed with Russian missiles" is possession; "could strike with" is not asserted;
        // "with captured Russian tanks" is no transfer.
        if k >= 2 && x.words.possession.any_at(c, k - 2) || (0..k).any(|i| x.words.hypothetical.any_at(c, i)) || (0..c.toks.len()).any(|i| x.words.capture.any_at(c, i)) {
            continue;
        }
        let with_start = c.toks[k - 1].span.start;
        let Some(rec) = c.mentions.iter().copied().find(|m| {
            m.span.end <= with_start && m.actor != o.actor && (is_agent(doc, m, c) || m.form == Form::Demonym) && !prep_object(c, m)
        }) else {
            continue;
        };
        let Some(rec) = party(doc, &rec, c, &ctx.article) else { continue };
        if super::state_of(doc, rec) == super::state_of(doc, o.actor) {
            continue;
        }
        let used: Vec<WeaponMention> = weapons.iter().filter(|v| v.span.start >= w.span.start).cloned().collect();
        ctx.last_transfer = Some((vec![o.actor], vec![rec]));
        let st = status(x, c, k - 1, Dir::Noun);
        push_transfers(doc, c, &used, o.actor, rec, st, "transfer.instrument", 0.6);
        return true;
    }
    false
}
