//! Sanctions: "X imposed sanctions on Y", "Y was sanctioned by X", "X's sanctions against Y",
//! "X added Y to its Entity List", "X froze the assets of Y", "X banned entry to Y".

use super::{Clause, Ctx, Extractor, GROUP_NOUNS, between, evidence, group_actor, is_agent, state_of};
use crate::model::{ActorKind, Sanction};
use crate::recognise::{Doc, Form, Mention};

/// Words that end the target phrase and start a reason ("for their part in ...").
const REASON: &[&str] = &[
    "for", "over", "because", "due", "after", "following", "amid", "which", "that", "who", "as", "in",
    "since", "while", "whose", "when", "to", "used", "using",
];

/// Quantity words before a group of targets ("seven Russian officials").
const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "dozens", "several",
    "more", "additional", "further", "other", "some", "many", "the", "a", "an", "top", "senior", "dozen",
];

const BE: &[&str] = &["was", "were", "been", "be", "is", "are", "being", "has", "have", "had"];

/// Nouns after which a location list names where the targets are ("entities located in X, Y").
const LOCATION_CUES: &[&[&str]] = &[&["located", "in"], &["based", "in"], &["destinations", "of"], &["registered", "in"], &["operating", "in"]];

/// Words that open an adverbial clause with its own subject and verb ("after the UK joined ...").
const SUBORDINATORS: &[&str] = &["after", "as", "while", "when", "because", "since", "whereas", "before", "until"];

/// Openers of a fronted adverbial phrase ("Amid ..., X imposed ...").
const FRONTED: &[&str] = &["amid", "despite", "under", "following", "after", "before", "since", "while", "as", "when", "because", "although", "though", "with"];

/// Rule sanction.sub-clause: "X announced sanctions on Y after Z joined W in sanctioning V": an
/// adverbial clause with a party as its subject and a finite verb is an act of its own; the
/// sentence is cut there and each part read alone (the evidence stays the sentence). Empty when
/// the sentence is one act (the clause itself is read, without copying its tokens).
pub(super) fn acts<'a>(x: &Extractor, doc: &Doc<'a>, c: &Clause<'a>) -> Vec<Clause<'a>> {
    let n = c.toks.len();
    // A party at token `j` (after "the"/"its"/"their") followed by a finite verb.
    let subject_verb_at = |mut j: usize| -> bool {
        while matches!(c.word(j), "the" | "its" | "their") {
            j += 1;
        }
        let Some(start) = c.toks.get(j).map(|t| t.span.start) else { return false };
        let Some(m) = c.mentions.iter().find(|m| m.span.start == start) else { return false };
        let mut v = c.tok_at(m.span.end);
        if doc.text[m.span.end..].starts_with("'s") || doc.text[m.span.end..].starts_with("’s") {
            return false;
        }
        while matches!(c.word(v), "government" | "authorities" | "administration" | "cabinet")
            || matches!(c.word(v), "has" | "have" | "had" | "also" | "then" | "later" | "itself" | "first" | "already" | "on" | "recently") || c.word(v).ends_with("day") && v > 0 {
            v += 1;
        }
        let w = c.word(v);
        w.len() > 3 && w.ends_with("ed") || matches!(w, "is" | "are" | "was" | "were" | "will" | "said" | "says" | "took" | "began" | "sent" | "made" | "put" | "froze" | "slapped") || x.words.strong.contains(w)
    };
    let mut cuts = Vec::new();
    // Rule sanction.fronted-adverbial: "Amid claims that X undermines the UN's sanctions, the
    // government imposed ...": a fronted phrase up to the comma before the main clause's
    // subject and verb is read as its own part.
    if FRONTED.contains(&c.word(0)) {
        if let Some(k) = (3..n.saturating_sub(2)).find(|&k| between(doc, c.toks[k - 1].span.end, c.toks[k].span.start).trim() == "," && subject_verb_at(k)) {
            cuts.push(k);
        }
    }
    for k in 2..n.saturating_sub(2) {
        if SUBORDINATORS.contains(&c.word(k)) && subject_verb_at(k + 1) && cuts.last().is_none_or(|&p| p < k) {
            cuts.push(k);
        }
    }
    if cuts.is_empty() {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut from = 0;
    for k in cuts {
        parts.push(c.part(from, k));
        from = k;
    }
    parts.push(c.part(from, n));
    parts
}

pub(super) fn extract(x: &Extractor, doc: &mut Doc, c: &Clause, ctx: &mut Ctx) {
    let n = c.toks.len();
    if n == 0 {
        return;
    }
    // Measure noun and trigger verbs.
    let mut measure: Option<(usize, usize, &'static str)> = None;
    for i in 0..n {
        if let Some(p) = x.words.measures.first_at(c, i) {
            measure = Some((i, i + x.words.measures.list[p].len(), x.words.measure_concepts[p]));
            break;
        }
    }
    // Rule sanction.state-measures: "targeted by US measures": a generic noun right after a
    // state or IGO is the measure when a sanction verb governs the clause.
    if measure.is_none() && (0..n).any(|i| x.words.light.contains(c.word(i)) || x.words.strong.contains(c.word(i))) {
        measure = (1..n)
            .find(|&i| {
                x.words.state_measures.contains(c.word(i))
                    && c.mentions.iter().any(|m| m.span.end == c.toks[i - 1].span.end && matches!(doc.ex.actors[m.actor].kind, ActorKind::State | ActorKind::Igo))
            })
            .map(|i| (i, i + 1, "OtherMeasure"));
    }
    let strong = (0..n).find(|&i| x.words.strong.contains(c.word(i)) && !adjectival(c, i));
    // Rule sanction.complement-light: "X announced that Y was adopting sanctions": a light verb
    // in the that-clause holding the measure governs it, not the reporting verb before "that".
    let is_light = |i: &usize| x.words.light.contains(c.word(*i));
    let first_light = (0..n).find(is_light);
    let light = match (first_light, measure) {
        (Some(l), Some((m0, _, _))) if l < m0 => match (l..m0).rev().find(|&k| c.word(k) == "that") {
            Some(th) => ((th + 1)..m0).find(is_light).or(first_light),
            None => first_light,
        },
        _ => first_light,
    };
    let trigger = match (strong, measure, light) {
        (Some(s), _, _) => Some(s),
        (None, Some((m, _, _)), Some(l)) => Some(l.min(m)),
        (None, Some((m, _, _)), None) => Some(m),
        _ => None,
    };
    let Some(t) = trigger else {
        location_targets(x, doc, c, ctx);
        return;
    };
    // "sanctions would not work", "sanctions could follow": a modal right after the measure too.
    let modal_after = measure.is_some_and(|(_, m1, _)| (m1..(m1 + 3).min(n)).any(|k| matches!(c.word(k), "would" | "could" | "might" | "may" | "should")));
    if modal_after || c.modal_before(x, t, 5) || measure.is_some_and(|(m, _, _)| m != t && c.modal_before(x, m, 4)) {
        return;
    }
    let verb = strong.or(light).unwrap_or(t);
    let prev_imposers = ctx.last_imposers.clone();
    let passive = is_passive(c, verb);
    let mut rule = "sanction.active";
    let mut confidence = 0.85;

    // Imposers.
    let mut imposers: Vec<usize> = Vec::new();
    let mut targets: Vec<usize> = Vec::new();
    // "sanctions imposed by X", "steps taken by X, Y and Z", "Y was sanctioned by X".
    let by = (1..n).find(|&k| {
        c.word(k) == "by" && (x.words.agent_participles.contains(c.word(k - 1)) || passive && k > verb && k <= verb + 8)
    });
    let mut by_zone: Option<(usize, usize)> = None;
    if let Some(b) = by {
        let from = c.toks[b].span.end;
        let (agents, last_end) = agent_list(doc, c, from);
        if !agents.is_empty() {
            imposers = agents;
            by_zone = Some((c.toks[b].span.start, last_end));
            rule = if passive && b > verb { "sanction.passive-by" } else { "sanction.by-agent" };
        }
    }
    if let Some((m, _, _)) = measure {
        match modifier_imposer(x, doc, c, m, ctx) {
            Some((imp, tgt)) => {
                if !imposers.contains(&imp) {
                    imposers.insert(0, imp);
                }
                if let Some(tg) = tgt {
                    targets.push(tg);
                }
                if rule == "sanction.active" {
                    rule = "sanction.possessive";
                }
            }
            None => {
                // "their recent sanctions designations": the subject of the clause.
                if let Some(p) = pronoun_before(x, c, m) {
                    let subj = subject_list(doc, c, c.toks[p].span.start);
                    let subj = if subj.is_empty() { ctx.last_imposers.clone() } else { subj };
                    if imposers.is_empty() && !subj.is_empty() {
                        imposers = subj;
                        rule = "sanction.pronoun-imposer";
                    }
                }
            }
        }
    }
    // "X is subject to sanctions": X is the target, not the imposer.
    // Rule sanction.subject-to-adverb: "X is also / already / still subject to sanctions".
    let be_before = |k: usize| BE.contains(&c.word(k - 1)) || k >= 2 && matches!(c.word(k - 1), "also" | "already" | "still" | "now" | "currently" | "likewise") && BE.contains(&c.word(k - 2));
    let subject_to = (1..n).find(|&k| c.word(k) == "subject" && c.word(k + 1) == "to" && be_before(k));
    // "... to impose costs": an infinitive takes its agent from the discourse.
    let infinitive = verb > 0 && c.word(verb - 1) == "to";
    // Rule sanction.by-agent: "the sanctions imposed by X" names its imposer; the clause subject
    // imposes too only when its verb governs the measure ("enacted new sanctions").
    let governs = measure.is_some_and(|(m0, _, _)| verb <= m0 && m0 - verb <= 3);
    let agent_named = by.is_some() && !imposers.is_empty() && !(passive && by.is_some_and(|b| b > verb)) && !governs;
    // A measure noun with no verb of its own ("X criticised Y's sanctions") takes no subject.
    let has_verb = strong.is_some() || light.is_some();
    // "we have decided on ...": a pronoun subject stands between any earlier name and the verb.
    let pronoun_subject = pronoun_before_verb(c, verb);
    // "Obama said he had expanded sanctions": he/she is the person named before in the sentence.
    // Rule sanction.pronoun-subject: "Canada said it had added ...": "it" is the party named
    // before it in the sentence (a person for he/she, a state or body for it).
    if pronoun_subject && has_verb && imposers.is_empty() && matches!(pronoun_word(c, verb), "he" | "she" | "it") {
        let vs = c.toks[verb].span.start;
        let personal = pronoun_word(c, verb) != "it";
        let person = c.mentions.iter().filter(|m| m.span.end <= vs && (doc.ex.actors[m.actor].kind == ActorKind::Person) == personal && can_impose(doc, m) && !object_of_prep(doc, c, m) && !possessive(doc, m)).last().copied();
        if let Some(a) = person.and_then(|m| imposer_actor_mut(doc, m)) {
            imposers.push(a);
            rule = "sanction.pronoun-subject";
        }
    }
    if !passive && subject_to.is_none() && !infinitive && has_verb && !agent_named && !pronoun_subject {
        // Rule sanction.conjoined-predicate: "X imposed a ban on Y, including Z, and froze
        // their assets": a verb after "and" shares the subject of the earlier verb.
        let earlier = (verb >= 2 && c.word(verb - 1) == "and")
            .then(|| (0..verb - 1).find(|&k| x.words.light.contains(c.word(k)) || x.words.strong.contains(c.word(k))))
            .flatten();
        let before = c.toks[earlier.unwrap_or(verb)].span.start;
        let subj = subject_list(doc, c, before);
        if !subj.is_empty() {
            // Rule sanction.subject-over-by: "X adopted sanctions ..., following measures
            // announced by Y": a by-agent away from the governed measure belongs to another act.
            let by_attached = by.is_some_and(|b| measure.is_some_and(|(_, m1, _)| b >= 1 && b - 1 <= m1 + 1));
            if governs && by.is_some() && !by_attached {
                imposers.clear();
            }
            if imposers.is_empty() {
                rule = "sanction.active";
            }
            for a in subj.into_iter().rev() {
                if !imposers.contains(&a) {
                    imposers.insert(0, a);
                }
            }
        }
    }
    // Rule sanction.joined-in: "the UK joined the EU and others in sanctioning X": the one who
    // joins and the one joined both impose.
    if verb >= 3 && c.word(verb - 1) == "in" {
        if let Some(jn) = (0..verb - 1).rev().find(|&k| matches!(c.word(k), "joined" | "joins" | "join" | "joining")) {
            let joined_end = c.toks[jn].span.end;
            let in_start = c.toks[verb - 1].span.start;
            let joiner = subject_list(doc, c, c.toks[jn].span.start);
            let partners: Vec<Mention> = c.mentions.iter().filter(|m| m.span.start >= joined_end && m.span.end <= in_start).copied().collect();
            let mut all = joiner;
            for m in partners {
                if can_impose(doc, &m) {
                    if let Some(a) = imposer_actor(doc, &m) {
                        if !all.contains(&a) {
                            all.push(a);
                        }
                    }
                }
            }
            if all.len() >= 2 {
                imposers = all;
                rule = "sanction.joined-in";
            }
        }
    }
    if imposers.is_empty() {
        if !ctx.last_imposers.is_empty() {
            imposers = ctx.last_imposers.clone();
            rule = "sanction.discourse-imposer";
            confidence = 0.6;
        } else if let Some(un) = default_imposer(doc) {
            imposers = vec![un];
            rule = "sanction.default-imposer";
            confidence = 0.5;
        } else {
            return;
        }
    } else {
        ctx.last_imposers = imposers.clone();
    }

    // Targets.
    // "X is subject to sanctions", "Y was sanctioned by X": the subject is the target.
    if passive || subject_to.is_some() {
        let subj_end = c.toks[subject_to.unwrap_or(verb)].span.start;
        let before_targets = targets.len();
        for m in c.mentions.iter().filter(|m| m.span.end <= subj_end) {
            if !possessive(doc, m) {
                push_target(doc, c, m, &mut targets, &ctx.article);
            }
        }
        // Rule sanction.possessive-subject: "Iran's missile agency was sanctioned": with no
        // named target of its own, the owner state stands for it.
        if targets.len() == before_targets {
            if let Some(m) = c.mentions.iter().find(|m| m.span.end <= subj_end && possessive(doc, m) && doc.ex.actors[m.actor].kind == ActorKind::State).copied() {
                push_target(doc, c, &m, &mut targets, &ctx.article);
            }
        }
    }
    let mut region_start = c.toks[t.max(verb)].span.end;
    // "sanctions against X took effect", "sanctions on X announced by Y": the object follows the noun.
    if let Some((m0, m1, _)) = measure {
        if m0 < verb && matches!(c.word(m1), "on" | "against" | "targeting" | "upon") {
            region_start = c.toks[m1 - 1].span.end;
        }
    }
    let region_start = measure.map_or(region_start, |(m0, m1, _)| if m0 > verb { c.toks[m1 - 1].span.end.min(region_start) } else { region_start });
    for m in target_phrase(x, doc, c, region_start) {
        if by_zone.is_some_and(|(a, b)| m.span.start >= a && m.span.end <= b) {
            continue;
        }
        push_target(doc, c, &m, &mut targets, &ctx.article);
    }
    // Rule sanction.measure-object: "added 12 entities to its list of firms targeted by
    // sanctions on Iran": when the verb's object names no party, the measure's own object does.
    if let Some((_, m1, _)) = measure {
        if targets.is_empty() && matches!(c.word(m1), "on" | "against" | "targeting") && c.toks[m1].span.end > region_start {
            for m in target_phrase(x, doc, c, c.toks[m1].span.end) {
                if !by_zone.is_some_and(|(a, b)| m.span.start >= a && m.span.end <= b) {
                    push_target(doc, c, &m, &mut targets, &ctx.article);
                }
            }
        }
    }
    // "anti-Russian sanctions": the demonym glued to the measure names its target.
    if let Some((m0, _, _)) = measure {
        let ms = c.toks[m0].span.start;
        if let Some(m) = c.mentions.iter().find(|m| m.span.end <= ms && doc.text[m.span.end..ms].trim().is_empty() && doc.text[..m.span.start].ends_with("anti-")) {
            let m = *m;
            push_target(doc, c, &m, &mut targets, &ctx.article);
        }
    }
    // Rule sanction.pronoun-target: "the UK's sanctions against it": "it" is the state named
    // before the measure that is not the imposer ("Moscow says ... sanctions against it").
    if let Some((m0, m1, _)) = measure {
        if targets.is_empty() && matches!(c.word(m1), "against" | "on" | "targeting") && matches!(c.word(m1 + 1), "it" | "them") {
            let ms = c.toks[m0].span.start;
            let imp: Vec<Option<String>> = imposers.iter().map(|&i| state_of(doc, i)).collect();
            let prior = c.mentions.iter().filter(|m| m.span.end <= ms && doc.ex.actors[m.actor].kind == ActorKind::State && !imp.contains(&doc.ex.actors[m.actor].qid)).last().copied();
            if let Some(m) = prior {
                push_target(doc, c, &m, &mut targets, &ctx.article);
            }
        }
    }
    // Rule sanction.complainant-target: "Turkey's president denounced the US sanctions": a
    // measure with no target, the object of a reaction by a party of another state, targets
    // that party's state.
    if let Some((m0, _, _)) = measure {
        if targets.is_empty() {
            let ms = c.toks[m0].span.start;
            if let Some(r) = (0..m0).find(|&k| x.words.reactions.contains(c.word(k))) {
                let rs = c.toks[r].span.start;
                let imp: Vec<Option<String>> = imposers.iter().map(|&i| state_of(doc, i)).collect();
                let subj = c.mentions.iter().filter(|m| m.span.end <= rs && !object_of_prep(doc, c, m)).last().copied();
                if let Some(m) = subj.filter(|m| m.span.end <= ms) {
                    let q = state_of(doc, m.actor);
                    if q.is_some() && !imp.contains(&q) {
                        if let Some(sm) = c.mentions.iter().find(|o| o.span.end <= rs && doc.ex.actors[o.actor].kind == ActorKind::State && doc.ex.actors[o.actor].qid == q).copied() {
                            push_target(doc, c, &sm, &mut targets, &ctx.article);
                        } else if let Some(sm) = doc.gaz.state_actor_by_qid(q.as_deref().unwrap_or("")) {
                            let a = doc.ex.intern(sm);
                            targets.push(a);
                        }
                    }
                }
            }
        }
    }
    let mut imposer_states: Vec<Option<String>> = imposers.iter().map(|&i| state_of(doc, i)).collect();
    // Rule sanction.not-self: a state does not sanction its own people. When every target
    // belongs to the subject found ("the country imposed a travel ban on Russian officials",
    // "the country" read as Russia), the act is the previous imposer's.
    let target_states: Vec<Option<String>> = targets.iter().map(|&t| state_of(doc, t)).collect();
    if rule == "sanction.active"
        && !target_states.is_empty()
        && target_states.iter().all(|q| q.is_some() && imposer_states.contains(q))
        && !prev_imposers.is_empty()
        && prev_imposers.iter().all(|&i| !imposer_states.contains(&state_of(doc, i)))
    {
        imposers = prev_imposers.clone();
        imposer_states = imposers.iter().map(|&i| state_of(doc, i)).collect();
        ctx.last_imposers = imposers.clone();
        rule = "sanction.not-self";
        confidence = 0.6;
    }
    targets.retain(|t| !imposers.contains(t) && (state_of(doc, *t).is_none() || !imposer_states.contains(&state_of(doc, *t))));
    targets.dedup();

    let (measure_concept, measure_text) = match measure {
        Some((a, b, concept)) => (concept, doc.text[c.toks[a].span.start..c.toks[b - 1].span.end].to_string()),
        None => ("OtherMeasure", c.toks[verb].text.to_string()),
    };
    let ev = evidence(doc, c.sentence, rule, confidence);
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

/// A personal pronoun is the verb's subject ("we have decided", "they also imposed").
fn pronoun_before_verb(c: &Clause, verb: usize) -> bool {
    matches!(pronoun_word(c, verb), "we" | "they" | "i" | "he" | "she" | "it")
}

/// The word before the verb, over auxiliaries and adverbs.
fn pronoun_word<'c>(c: &'c Clause, verb: usize) -> &'c str {
    let mut k = verb;
    while k > 0 && matches!(c.word(k - 1), "have" | "has" | "had" | "will" | "also" | "now" | "already" | "today" | "then" | "just" | "would" | "recently") {
        k -= 1;
    }
    if k > 0 { c.word(k - 1) } else { "" }
}

/// "their", "its", "our" right before the measure noun (adjectives between allowed).
fn pronoun_before(x: &Extractor, c: &Clause, m: usize) -> Option<usize> {
    let mut k = m;
    while k > 0 && matches!(c.word(k - 1), "new" | "recent" | "latest" | "additional" | "own" | "further" | "fresh" | "sanctions" | "coordinated" | "joint") {
        k -= 1;
    }
    (k > 0 && x.words.possessive_pronouns.contains(c.word(k - 1))).then(|| k - 1)
}

/// The UN Security Council, when the article names the UN or its Security Council.
fn default_imposer(doc: &mut Doc) -> Option<usize> {
    let q = doc.gaz.triggers.sanction.default_imposer.clone()?;
    let named = doc.mentions.iter().any(|m| {
        let a = &doc.ex.actors[m.actor];
        a.qid.as_deref() == Some(q.as_str()) || a.qid.as_deref() == Some("Q1065")
    });
    if !named {
        return None;
    }
    let i = doc.gaz.igo_by_qid(&q)?;
    Some(doc.ex.intern(doc.gaz.igo_actor(i)))
}

fn possessive(doc: &Doc, m: &Mention) -> bool {
    let after = &doc.text[m.span.end..];
    after.starts_with("'s") || after.starts_with("’s")
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

/// "U.S. sanctions", "the EU's restrictive measures", "the UK’s Russia sanctions regime",
/// "international sanctions"; "the DPRK sanctions program" names the target when the imposer
/// is known from the discourse.
fn modifier_imposer(x: &Extractor, doc: &mut Doc, c: &Clause, m: usize, ctx: &Ctx) -> Option<(usize, Option<usize>)> {
    let start = c.toks[m].span.start;
    let adjective = |w: &str| matches!(w, "new" | "additional" | "latest" | "own" | "further" | "fresh" | "existing" | "sweeping" | "tough" | "robust" | "targeted" | "binding");
    // A lexical modifier: "international sanctions".
    let mut k = m;
    while k > 0 && adjective(c.word(k - 1)) {
        k -= 1;
    }
    if k > 0 {
        if let Some(q) = doc.gaz.triggers.sanction.imposer_modifiers.get(c.word(k - 1)).cloned() {
            if let Some(i) = doc.gaz.igo_by_qid(&q) {
                return Some((doc.ex.intern(doc.gaz.igo_actor(i)), None));
            }
        }
    }
    let _ = x;
    let before: Vec<Mention> = c.mentions.iter().filter(|mm| mm.span.end <= start).copied().collect();
    let last = *before.last()?;
    let gap = between(doc, last.span.end, start).trim();
    let gap_ok = |g: &str| {
        let g = g.trim_start_matches("'s").trim_start_matches("’s").trim();
        g.split_whitespace().count() <= 2 && g.split_whitespace().all(adjective)
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
    // "the DPRK sanctions program" in a text whose imposer is another state.
    let possessive = gap.starts_with("'s") || gap.starts_with("’s");
    if a.kind == ActorKind::State && last.form == Form::Name && !possessive && !ctx.last_imposers.is_empty() {
        let imp_states: Vec<Option<String>> = ctx.last_imposers.iter().map(|&i| state_of(doc, i)).collect();
        if !imp_states.contains(&a.qid) {
            return Some((ctx.last_imposers[0], Some(last.actor)));
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

/// Officials and government bodies act for their state: a person or body imposer becomes the
/// state; an organ of an IGO (the Council of the EU) becomes the IGO.
fn imposer_actor(doc: &mut Doc, m: &Mention) -> Option<usize> {
    let a = &doc.ex.actors[m.actor];
    match a.kind {
        ActorKind::Person => {
            let q = a.country.clone()?;
            let st = doc.gaz.state_actor_by_qid(&q)?;
            Some(doc.ex.intern(st))
        }
        ActorKind::GovernmentBody => match a.country.clone().and_then(|q| doc.gaz.state_actor_by_qid(&q)) {
            Some(st) => Some(doc.ex.intern(st)),
            None => Some(m.actor),
        },
        // The UN Security Council imposes in its own name; other organs act for their IGO.
        ActorKind::Igo if a.qid.is_some() && a.qid == doc.gaz.triggers.sanction.default_imposer => Some(m.actor),
        // "UN sanctions" are the Security Council's (the organ of the UN that imposes them).
        ActorKind::Igo if default_parent(doc).is_some_and(|(p, _)| a.qid.as_deref() == Some(p.as_str())) => {
            let (_, i) = default_parent(doc)?;
            Some(doc.ex.intern(doc.gaz.igo_actor(i)))
        }
        ActorKind::Igo => {
            let parent = a.qid.as_deref().and_then(|q| doc.gaz.igo_by_qid(q)).and_then(|i| doc.gaz.igos[i].parent.clone());
            match parent.and_then(|p| doc.gaz.igo_by_qid(&p)) {
                Some(pi) => Some(doc.ex.intern(doc.gaz.igo_actor(pi))),
                None => Some(m.actor),
            }
        }
        _ => Some(m.actor),
    }
}

/// The parent IGO of the default imposer (the UN, for its Security Council) and the default's row.
fn default_parent(doc: &Doc) -> Option<(String, usize)> {
    let q = doc.gaz.triggers.sanction.default_imposer.as_deref()?;
    let i = doc.gaz.igo_by_qid(q)?;
    Some((doc.gaz.igos[i].parent.clone()?, i))
}

// The borrow checker wants &mut Doc for interning; these helpers take what they need.
fn imposer_actor_mut(doc: &mut Doc, m: Mention) -> Option<usize> {
    imposer_actor(doc, &m)
}

/// The subject before the verb: the nearest acting party and everything conjoined with it
/// ("Australia, Canada, France ... and the United States").
fn subject_list(doc: &mut Doc, c: &Clause, before: usize) -> Vec<usize> {
    let cands: Vec<Mention> = c.mentions.iter().filter(|m| m.span.end <= before).copied().collect();
    let Some(pos) = cands.iter().rposition(|m| can_impose(doc, m) && is_agent(doc, m, c) && !object_of_prep(doc, c, m) && !possessive(doc, m)) else {
        return Vec::new();
    };
    let mut chosen = vec![cands[pos]];
    let mut k = pos;
    // Rule sanction.glued-state: "the South Korean government", "Japan's foreign ministry": the
    // state written into a body's or official's name is part of that party, not a conjunct.
    while k > 0 && glued_state(doc, &cands[k - 1], &cands[k]) {
        k -= 1;
    }
    let head_start = cands[k].span.start;
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
    // A list of parties ends with "and"/"&"; commas alone join an apposition or a clause
    // ("North Korea, the South Korean government slapped ..."): then only the nearest acts.
    if chosen.len() > 1 {
        let last_gap = between(doc, chosen[chosen.len() - 2].span.end, head_start).trim();
        if !(last_gap.contains("and") || last_gap.contains('&') || last_gap.contains('/') || last_gap == "-" || last_gap.is_empty()) {
            chosen.drain(..chosen.len() - 1);
        }
    }
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

/// `prev` is the state written into `cur`'s name: "South Korean government", "Japan's minister".
fn glued_state(doc: &Doc, prev: &Mention, cur: &Mention) -> bool {
    let gap = between(doc, prev.span.end, cur.span.start).trim();
    let p = &doc.ex.actors[prev.actor];
    let c = &doc.ex.actors[cur.actor];
    matches!(gap, "" | "'s" | "’s") && p.kind == ActorKind::State && c.kind != ActorKind::State && c.country.is_some() && c.country == p.qid
}

/// A mention right after "on", "against", "to" ... is an object, not a subject. Rule
/// sanction.agent-not-subject: nor is one after "by" ("the resolution, drafted by X, bans ...":
/// X is the agent of the participle, the resolution's act is its author's in the discourse).
fn object_of_prep(doc: &Doc, c: &Clause, m: &Mention) -> bool {
    let k = c.tok_of(m);
    let mut j = k;
    while j > 0 && matches!(c.word(j - 1), "the" | "its" | "their") {
        j -= 1;
    }
    let _ = doc;
    j > 0
        && matches!(
            c.word(j - 1),
            "on" | "against" | "with" | "by" | "targeting" | "from" | "into" | "at" | "in" | "of" | "for" | "to" | "over" | "about" | "under" | "toward" | "towards" | "between" | "among" | "across" | "within" | "like" | "including" | "around" | "near" | "beyond" | "inside" | "outside" | "throughout"
        )
}

/// Agents after "by": the first acting party and its conjuncts, and where the list ends.
fn agent_list(doc: &mut Doc, c: &Clause, from: usize) -> (Vec<usize>, usize) {
    let cands: Vec<Mention> = c.mentions.iter().filter(|m| m.span.start >= from).copied().collect();
    let mut out = Vec::new();
    let mut last_end = from;
    for m in cands {
        let gap = between(doc, last_end, m.span.start).trim();
        let ok = out.is_empty() && gap.split_whitespace().count() <= 3
            || matches!(gap, "," | "and" | ", and" | "and the" | ", the" | ", and the" | "or" | ", or");
        if !ok || !can_impose(doc, &m) {
            break;
        }
        if let Some(a) = imposer_actor_mut(doc, m) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        last_end = m.span.end;
    }
    (out, last_end)
}

/// Mentions of the target phrase after `from`: it runs until a reason marker ("for", "over",
/// "in response to") once a target has been named (a mention, a group noun or a name); a
/// semicolon starts the next list item; "linked to", "involved in" and "from X to Y" keep it going.
fn target_phrase(x: &Extractor, doc: &Doc, c: &Clause, from: usize) -> Vec<Mention> {
    let start = c.tok_at(from);
    let mut out = Vec::new();
    let mut seen_target = false;
    let mut in_reason = false;
    let mut from_open = false;
    let mut mi = 0;
    for k in start..c.toks.len() {
        let tok = &c.toks[k];
        if k > start && doc.text[c.toks[k - 1].span.end..tok.span.start].contains(';') {
            seen_target = false;
            in_reason = false;
            from_open = false;
        }
        let w = c.word(k);
        let prev = if k > 0 { c.word(k - 1) } else { "" };
        if seen_target && !in_reason && REASON.contains(&w) {
            // "a travel ban for seven Russian officials": "for" before a demonym group is no reason.
            let for_group = w == "for" && {
                let mut j = k + 1;
                while j < c.toks.len() && (c.word(j).chars().all(|ch| ch.is_ascii_digit() || ch == ',') || NUMBER_WORDS.contains(&c.word(j))) {
                    j += 1;
                }
                j < c.toks.len() && c.mentions.iter().any(|m| m.span.start == c.toks[j].span.start && m.form == Form::Demonym)
            };
            let linked = x.words.target_links.contains(prev) || for_group;
            let range = w == "to" && from_open;
            let location = w == "in" && is_location_in(c, k);
            // "80 entities in total, including ...": a tally, no reason.
            let tally = w == "in" && matches!(c.word(k + 1), "total" | "all");
            if !(linked || range || location || tally) {
                in_reason = true;
            }
        }
        if w == "from" {
            from_open = true;
        }
        // Mentions are sorted by start and tokens are in order: one cursor walks both.
        while mi < c.mentions.len() && c.mentions[mi].span.start < tok.span.start {
            mi += 1;
        }
        let here = mi;
        while mi < c.mentions.len() && c.mentions[mi].span.start < tok.span.end {
            mi += 1;
        }
        for m in &c.mentions[here..mi] {
            // Rule sanction.victim: "Russia's invasion of Ukraine": Ukraine is no target.
            let mut j = k;
            while j > 0 && c.word(j - 1) == "the" {
                j -= 1;
            }
            // A cue is one or two words right before the mention ("invaded", "invasion of").
            let victim = doc.gaz.triggers.sanction.victim_cues.iter().any(|v| {
                let n = v.split(' ').count();
                j >= n && v.split(' ').enumerate().all(|(o, w)| c.word(j - n + o) == w)
            });
            if !in_reason && !victim {
                out.push(*m);
            }
            seen_target = true;
        }
        if GROUP_NOUNS.contains(&w) || tok.is_capitalised() && k > start && !matches!(w, "the" | "a" | "an") {
            seen_target = true;
        }
    }
    out
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
    // Rule sanction.speaker-not-target: "“The sanctions must hurt,” Abe said": the one who
    // speaks about the measure is not its target.
    let next = c.toks.get(c.tok_at(m.span.end)).filter(|t| t.span.start >= m.span.end).map(|t| t.text.to_lowercase()).unwrap_or_default();
    if doc.gaz.is_speech_verb(&next) && doc.ex.actors[m.actor].kind == ActorKind::Person {
        return;
    }
    // Rule sanction.heritage-demonym: "Indian-origin ministers" are of their own country.
    let after = &doc.text.as_bytes()[m.span.end..];
    let starts = |s: &str| after.len() >= s.len() && after[..s.len()].eq_ignore_ascii_case(s.as_bytes());
    if m.form == Form::Demonym && ["-origin", "-born", "-descent", " origin", " descent", "-heritage"].iter().any(|s| starts(s)) {
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
    // The act just reported named no target state: these are its targets.
    let last_span = doc.ex.sanctions.last().map(|s| s.evidence.span);
    let untargeted = |doc: &Doc, s: &Sanction| !s.targets.iter().any(|&t| state_of(doc, t).is_some());
    if let Some(span) = last_span {
        let same: Vec<usize> = (0..doc.ex.sanctions.len()).filter(|&i| doc.ex.sanctions[i].evidence.span == span).collect();
        if same.iter().all(|&i| untargeted(doc, &doc.ex.sanctions[i]) && ctx.last_imposers.contains(&doc.ex.sanctions[i].imposers[0])) {
            for i in same {
                let s = &mut doc.ex.sanctions[i];
                for &t in &targets {
                    if !s.targets.contains(&t) {
                        s.targets.push(t);
                    }
                }
                s.evidence.rule = format!("{}+sanction.target-location", s.evidence.rule);
            }
            return;
        }
    }
    let ev = evidence(doc, c.sentence, "sanction.target-location", 0.7);
    let last = doc.ex.sanctions.last().map(|s| (s.measure, s.measure_text.clone())).unwrap_or(("OtherMeasure", "sanctions".into()));
    for &imp in &ctx.last_imposers {
        doc.ex.sanctions.push(Sanction { imposers: vec![imp], targets: targets.clone(), measure: last.0, measure_text: last.1.clone(), evidence: ev.clone() });
    }
}

/// Document-level clean-up of the sanctions of one article, after all sentences are read.
///
/// - `sanction.inherit-targets`: an act with no target at all ("These sanctions are issued in
///   coordination with new designations announced by the United States, Japan and ...") takes
///   the targets of the act reported before it.
/// - a regime mention with no target state ("UN sanctions", "the measures") is dropped when the
///   same imposer has an act with a target state in the article: it is the same regime.
pub(super) fn finish(doc: &mut Doc) {
    let n = doc.ex.sanctions.len();
    let has_state = |doc: &Doc, s: &Sanction| s.targets.iter().any(|&t| state_of(doc, t).is_some());
    for i in 0..n {
        if !doc.ex.sanctions[i].targets.is_empty() {
            continue;
        }
        let span = doc.ex.sanctions[i].evidence.span;
        // The same imposer's last act first; else the act reported just before (coordinated acts).
        let imp = doc.ex.sanctions[i].imposers.clone();
        let earlier = |j: &usize| doc.ex.sanctions[*j].evidence.span != span && has_state(doc, &doc.ex.sanctions[*j]);
        let prev = (0..i).rev().filter(earlier).find(|&j| doc.ex.sanctions[j].imposers == imp).or_else(|| (0..i).rev().find(earlier));
        if let Some(j) = prev {
            let inherited: Vec<usize> = doc.ex.sanctions[j].targets.iter().copied().filter(|&t| state_of(doc, t).is_some()).collect();
            let imp_states: Vec<Option<String>> = doc.ex.sanctions[i].imposers.iter().map(|&a| state_of(doc, a)).collect();
            let inherited: Vec<usize> = inherited.into_iter().filter(|&t| !imp_states.contains(&state_of(doc, t))).collect();
            if !inherited.is_empty() {
                let s = &mut doc.ex.sanctions[i];
                s.targets = inherited;
                s.evidence.rule = format!("{}+sanction.inherit-targets", s.evidence.rule);
                s.evidence.confidence *= 0.8;
            }
        }
    }
    let keys: Vec<(Vec<Option<String>>, bool)> = doc
        .ex
        .sanctions
        .iter()
        .map(|s| (s.imposers.iter().map(|&a| state_of(doc, a).or_else(|| doc.ex.actors[a].qid.clone())).collect(), has_state(doc, s)))
        .collect();
    let mut k = 0;
    doc.ex.sanctions.retain(|s| {
        let (imp, targeted) = &keys[k];
        k += 1;
        let regime = !s.evidence.rule.starts_with("sanction.active") && !s.evidence.rule.starts_with("sanction.passive-by");
        !(regime && !targeted && keys.iter().any(|(i2, t2)| *t2 && i2 == imp))
    });
}
