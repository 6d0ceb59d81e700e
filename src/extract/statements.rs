//! Statements: direct quotations (curly and straight marks, across sentences) and reported
//! speech ("X said (that) ...", "..., X said", "according to X, ..."); "he said" and "the
//! ministry said" resolve to the last named speaker.

use super::{Clause, Extractor, evidence};
use crate::model::{ActorKind, Span, Statement};
use crate::recognise::{Doc, Form, Mention};
use crate::text;

/// Verbs that introduce a quotation but not reported speech ("called it a “threat”").
const QUOTE_ONLY: &[&str] = &["called", "calls", "described", "describes", "condemned", "condemns", "denounced", "denounces"];
/// Participles that add a second speech act: "..., adding that ...".
const ADDING: &[&str] = &["adding", "noting", "saying", "stating", "stressing", "warning", "reassuring", "insisting", "arguing", "explaining"];
const PRONOUNS: &[&str] = &["he", "she", "it", "they"];
/// Nouns that refer back to the last institutional speaker ("the ministry said").
const ANAPHORS: &[&str] = &["ministry", "statement", "department", "office", "government", "spokesperson", "spokesman", "spokeswoman", "official", "officials", "agency", "council", "kremlin", "embassy"];

struct State {
    last_person: Option<usize>,
    last_org: Option<usize>,
}

pub(super) fn extract(x: &Extractor, doc: &mut Doc) {
    let mut st = State { last_person: None, last_org: None };
    let paragraphs = doc.paragraphs.clone();
    let mut prev_para_speaker: Option<usize> = None;
    for para in paragraphs {
        let quotes: Vec<Span> = text::quotations(doc.text, para);
        let sentences: Vec<usize> = (0..doc.sentences.len()).filter(|&i| para.contains(doc.sentences[i].span)).collect();
        let mut para_speaker = None;
        for si in sentences {
            let c = Clause::new(doc, si);
            let squotes: Vec<Span> = quotes.iter().filter(|q| c.span.contains(**q)).copied().collect();
            let mut done_quote = false;
            for q in &squotes {
                let words = text::tokens(doc.text, *q).len();
                let speaker = direct_speaker(x, doc, &c, *q, &mut st)
                    .or_else(|| (q.start <= c.span.start + 3 && c.span.start <= para.start + 3).then_some(prev_para_speaker).flatten());
                if let Some(sp) = speaker {
                    para_speaker = Some(sp);
                    if words >= 4 {
                        push(doc, &c, sp, clean_quote(&doc.text[q.start..q.end]), true, "statement.direct", 0.9);
                        done_quote = true;
                    }
                }
            }
            reported(x, doc, &c, &squotes, done_quote, &mut st, &mut para_speaker);
        }
        prev_para_speaker = para_speaker.or(prev_para_speaker).filter(|_| para_speaker.is_some());
    }
}

fn push(doc: &mut Doc, c: &Clause, speaker: usize, quote: String, direct: bool, rule: &str, confidence: f32) {
    if quote.split_whitespace().count() < 3 {
        return;
    }
    let ev = evidence(doc, c.span, rule, confidence);
    doc.ex.statements.push(Statement { speaker, quote, direct, evidence: ev });
}

fn clean_quote(q: &str) -> String {
    q.trim().trim_end_matches([',', ';', ':']).trim().to_string()
}

fn can_speak(doc: &Doc, m: &Mention) -> bool {
    let a = &doc.ex.actors[m.actor];
    if doc.gaz.is_news_agency(&a.label) {
        return false;
    }
    match a.kind {
        ActorKind::State => m.form != Form::Demonym,
        ActorKind::Company | ActorKind::Organization => a.key.starts_with("org/"),
        _ => true,
    }
}

fn remember(doc: &Doc, st: &mut State, actor: usize) {
    if doc.ex.actors[actor].kind == ActorKind::Person {
        st.last_person = Some(actor);
    } else {
        st.last_org = Some(actor);
    }
}

/// The speaker of a word at token `k` when it is a pronoun or an anaphoric noun.
fn anaphor(c: &Clause, k: usize, st: &State) -> Option<usize> {
    match c.word(k) {
        "he" | "she" => st.last_person,
        "it" | "they" => st.last_org.or(st.last_person),
        w if ANAPHORS.contains(&w) && k > 0 && c.word(k - 1) == "the" => st.last_org.or(st.last_person),
        _ => None,
    }
}

/// A speaker right next to token `k` (a speech verb): "X said", "said X", "X, the minister, said".
fn speaker_at(doc: &Doc, c: &Clause, k: usize, st: &State) -> Option<usize> {
    let vs = c.toks[k].span.start;
    let ve = c.toks[k].span.end;
    // Before: the nearest speaking mention, with only an apposition or auxiliaries between.
    let before = c.mentions.iter().filter(|m| m.span.end <= vs && can_speak(doc, m)).last();
    if let Some(m) = before {
        let gap = doc.text[m.span.end..vs].trim();
        let gap_words = gap.split_whitespace().count();
        let appos = gap.starts_with(',') && gap.ends_with(',');
        let aux = gap.split_whitespace().all(|w| matches!(w, "has" | "had" | "have" | "also" | "later" | "then" | "on" | "today" | "earlier" | "previously" | "would" | "will" | "had" | "once" | "again" | "was" | "is" | "in" | "a" | "statement" | "spokesman" | "spokesperson" | "spokeswoman") || w.ends_with("day"));
        if gap.is_empty() || aux && gap_words <= 4 || appos && gap_words <= 20 || gap == "'s" {
            return Some(m.actor);
        }
    }
    if k > 0 {
        if let Some(a) = anaphor(c, k - 1, st) {
            return Some(a);
        }
    }
    // After: "said Alan Estevez", "said the Foreign Ministry".
    let after = c.mentions.iter().find(|m| m.span.start >= ve && can_speak(doc, m))?;
    let gap = doc.text[ve..after.span.start].trim();
    let ok = gap.is_empty() || gap.split_whitespace().count() <= 12 && !gap.contains([',', '.', '“', '"']) && c.word(k) == "said";
    if ok {
        return Some(after.actor);
    }
    if c.word(k + 1) == "the" && ANAPHORS.contains(&c.word(k + 2)) {
        return st.last_org.or(st.last_person);
    }
    None
}

/// Speaker of a quotation: a speech verb just after the closing mark, or before the opening one.
fn direct_speaker(x: &Extractor, doc: &Doc, c: &Clause, q: Span, st: &mut State) -> Option<usize> {
    let qe = c.tok_at(q.end);
    for k in qe..(qe + 6).min(c.toks.len()) {
        if x.words.speech.contains(c.word(k)) {
            if let Some(s) = speaker_at(doc, c, k, st) {
                remember(doc, st, s);
                return Some(s);
            }
        }
        if k > qe && doc.text[c.toks[k - 1].span.end..c.toks[k].span.start].contains(['“', '"', '.']) {
            break;
        }
    }
    // Before the quote, in the same sentence.
    let qs = c.tok_at(q.start);
    for k in (0..qs).rev() {
        let w = c.word(k);
        if x.words.speech.contains(w) || QUOTE_ONLY.contains(&w) {
            if let Some(s) = speaker_at(doc, c, k, st) {
                remember(doc, st, s);
                return Some(s);
            }
        }
        if w == "according" && c.word(k + 1) == "to" {
            let from = c.toks[k + 1].span.end;
            if let Some(m) = c.mentions.iter().find(|m| m.span.start >= from && can_speak(doc, m)) {
                remember(doc, st, m.actor);
                return Some(m.actor);
            }
        }
    }
    None
}

/// Reported speech in a sentence; quoted stretches are left to the direct rule.
fn reported(x: &Extractor, doc: &mut Doc, c: &Clause, quotes: &[Span], done_quote: bool, st: &mut State, para_speaker: &mut Option<usize>) {
    let in_quote = |k: usize| quotes.iter().any(|q| q.start <= c.toks[k].span.start && c.toks[k].span.end <= q.end);
    let n = c.toks.len();
    let end = c.span.end - doc.text[c.span.start..c.span.end].len() + doc.text[c.span.start..c.span.end].trim_end_matches(['.', '”', '"', ' ']).len();
    let mut speaker_of_sentence = None;
    for k in 0..n {
        let w = c.word(k);
        if in_quote(k) {
            continue;
        }
        // "according to X, CLAUSE" / "CLAUSE, according to X."
        if w == "according" && c.word(k + 1) == "to" {
            let from = c.toks[k + 1].span.end;
            let Some(m) = c.mentions.iter().find(|m| m.span.start >= from && can_speak(doc, m) && doc.text[from..m.span.start].split_whitespace().count() <= 2).copied() else { continue };
            let comma = doc.text[m.span.end..end].find(',').map(|p| m.span.end + p + 1);
            let clause = if k == 0 || c.toks[k].span.start <= c.span.start + 1 {
                comma.map(|p| &doc.text[p..end])
            } else {
                Some(doc.text[c.span.start..c.toks[k].span.start].trim_end().trim_end_matches(','))
            };
            if let Some(cl) = clause {
                if !overlaps_quote(quotes, cl, doc.text) || !done_quote {
                    remember(doc, st, m.actor);
                    *para_speaker = Some(m.actor);
                    push(doc, c, m.actor, cl.trim().to_string(), false, "statement.according-to", 0.75);
                }
            }
            continue;
        }
        if !x.words.speech.contains(w) || QUOTE_ONLY.contains(&w) {
            continue;
        }
        let adding = ADDING.contains(&w);
        let speaker = if adding { speaker_of_sentence.or(*para_speaker) } else { speaker_at(doc, c, k, st) };
        let Some(sp) = speaker else { continue };
        speaker_of_sentence = Some(sp);
        remember(doc, st, sp);
        *para_speaker = Some(sp);
        // "X said (that) CLAUSE"
        let mut j = k + 1;
        while j < n && (matches!(c.word(j), "that" | "on" | "in" | "a" | "statement" | "reporters" | "journalists") || c.word(j).ends_with("day")) && j < k + 4 {
            j += 1;
        }
        if let Some(m) = c.mentions.iter().find(|m| m.actor == sp && m.span.start >= c.toks[k].span.end) {
            // "said X" — the clause is before the verb.
            let _ = m;
        }
        let after = if j < n { &doc.text[c.toks[j].span.start..end] } else { "" };
        let starts_quote = j < n && in_quote(j);
        let before_clause = doc.text[c.span.start..c.toks[k].span.start].trim_end();
        let verb_late = c.toks[k].span.start > c.span.start && {
            // "CLAUSE, X said." — the speaker follows a comma.
            let speaker_start = c.mentions.iter().filter(|m| m.actor == sp && m.span.end <= c.toks[k].span.start).map(|m| m.span.start).last();
            speaker_start.is_some_and(|s| doc.text[c.span.start..s].trim_end().ends_with(',')) || k > 0 && PRONOUNS.contains(&c.word(k - 1)) && doc.text[c.span.start..c.toks[k - 1].span.start].trim_end().ends_with(',')
        };
        let said_then_name = c.mentions.iter().any(|m| m.actor == sp && m.span.start >= c.toks[k].span.end) && doc.text[c.span.start..c.toks[k].span.start].trim_end().ends_with(',');
        let (clause, rule) = if verb_late || said_then_name {
            let cut = before_clause.rfind(',').map(|p| &before_clause[..p]).unwrap_or(before_clause);
            let cut = if said_then_name { doc.text[c.span.start..c.toks[k].span.start].trim_end().trim_end_matches(',') } else { cut };
            (cut.trim_start_matches(['“', '"']).trim_end_matches(['”', '"', ',']).to_string(), "statement.reported-final")
        } else if !starts_quote && after.split_whitespace().count() >= 4 {
            (after.to_string(), if adding { "statement.reported-adding" } else { "statement.reported" })
        } else {
            continue;
        };
        if clause.split_whitespace().count() < 4 {
            continue;
        }
        // One statement per speech act: a quote already taken covers this clause.
        if done_quote && overlaps_quote(quotes, &clause, doc.text) {
            continue;
        }
        push(doc, c, sp, clause.trim().to_string(), false, rule, 0.7);
    }
}

fn overlaps_quote(quotes: &[Span], clause: &str, text: &str) -> bool {
    quotes.iter().any(|q| {
        let qt = &text[q.start..q.end];
        qt.split_whitespace().count() >= 4 && (clause.contains(qt.trim_end_matches(',')) || qt.contains(clause))
    })
}
