//! Statements: direct quotations (curly and straight marks, across sentences) and reported
//! speech ("X said (that) ...", "..., X said", "according to X, ..."); "he said" and "the
//! ministry said" resolve to the last named speaker.
//!
//! Rule ids:
//! - `statement.direct`: a quotation with a speech verb and speaker next to it;
//! - `statement.direct-continued`: a quotation with no attribution of its own, continuing the
//!   speaker of the previous quotation in the paragraph (or of the previous paragraph);
//! - `statement.attribution-line`: a paragraph that is one quotation, attributed by the next line
//!   ("Josep Borrell, High Representative ...");
//! - `statement.open-quote`: a quotation left open at the end of its paragraph (it goes on in
//!   the next one), continuing the speaker before it;
//! - `statement.block-quote`: paragraphs after "X said:" with no marks of their own;
//! - `statement.qa-answer`: the "A:" paragraphs of a question-and-answer transcript, spoken by the
//!   institution the question names;
//! - `statement.reported`, `statement.reported-final`, `statement.reported-adding`,
//!   `statement.according-to`: reported speech.

use super::{Clause, Extractor, between, evidence};
use crate::model::{ActorKind, Span, Statement};
use crate::recognise::{Doc, Form, Mention};
use crate::text;

const PRONOUNS: &[&str] = &["he", "she", "it", "they"];

struct State {
    last_person: Option<usize>,
    last_org: Option<usize>,
}

pub(super) fn extract(x: &Extractor, doc: &mut Doc, clauses: &[Clause]) {
    let mut st = State { last_person: None, last_org: None };
    let paragraphs = doc.paragraphs.clone();
    // Speaker of the quotation that closed the previous paragraph.
    let mut prev_para_speaker: Option<usize> = None;
    // "A spokesperson said:" — the following paragraphs are the statement.
    let mut block_speaker: Option<usize> = None;
    // Q&A transcripts: the institution the questions address, and whether we are in an answer.
    let mut qa_speaker: Option<usize> = None;
    let mut in_answer = false;
    for (pi, &para) in paragraphs.iter().enumerate() {
        let ptext = &doc.text[para.start..para.end];
        // Sentences are in text order: binary search for the paragraph's (linear overall).
        let first = doc.sentences.partition_point(|s| s.span.start < para.start);
        let sentences: Vec<usize> = (first..doc.sentences.len()).take_while(|&i| doc.sentences[i].span.start < para.end).filter(|&i| para.contains(doc.sentences[i].span)).collect();
        if sentences.is_empty() {
            continue;
        }
        let quotes: Vec<Span> = text::quotations(doc.text, para);
        // A quotation still open at the paragraph's end runs to that end (rule
        // `statement.open-quote`): it is taken whole in the sentence that opens it.
        let tail = text::open_quote_tail(doc.text, para);

        // Question-and-answer transcript.
        if ptext.starts_with("Q:") {
            in_answer = false;
            block_speaker = None;
            let speaking = doc.mentions.iter().filter(|m| para.contains(m.span) && can_speak(doc, m) && doc.ex.actors[m.actor].kind != ActorKind::State).map(|m| m.actor).last();
            qa_speaker = speaking.or(qa_speaker);
            continue;
        }
        if ptext.starts_with("A:") {
            in_answer = true;
        }
        if in_answer {
            if let Some(sp) = qa_speaker {
                let body = ptext.strip_prefix("A:").unwrap_or(ptext).trim();
                let c = &clauses[sentences[0]];
                let ev_span = Span::new(para.start, para.end);
                push_span(doc, c, ev_span, sp, body.to_string(), true, "statement.qa-answer", 0.75);
                continue;
            }
        }

        // Block quotation after "... said:".
        if let Some(sp) = block_speaker {
            let own_attribution = quotes.iter().any(|q| q.end - q.start > 0) || has_speech_attribution(x, doc, clauses, &sentences);
            if !own_attribution {
                let c = &clauses[sentences[0]];
                push_span(doc, c, para, sp, ptext.trim().to_string(), true, "statement.block-quote", 0.75);
                continue;
            }
            block_speaker = None;
        }

        let mut para_speaker = None;
        let mut last_quote_speaker: Option<usize> = None;
        let starts_with_quote = ptext.starts_with(['“', '"']);
        for &si in &sentences {
            let c = &clauses[si];
            if tail.is_some_and(|ts| ts <= c.span.start) {
                continue; // inside the open quotation, taken with the sentence that opened it
            }
            // Quotations are in text order: those inside this sentence, by binary search.
            let q0 = quotes.partition_point(|q| q.start < c.span.start);
            let mut squotes: Vec<Span> = quotes[q0..].iter().take_while(|q| q.start < c.span.end).filter(|q| c.span.contains(**q)).copied().collect();
            if let Some(ts) = tail.filter(|&ts| ts < c.span.end) {
                let end = para.end - ptext.len() + ptext.trim_end_matches(['”', '"', ' ']).len();
                squotes.push(Span::new(ts, end.max(ts)));
            }
            let mut done_quote = false;
            let mut used_verbs: Vec<usize> = Vec::new();
            // Verbs that follow the quotation they attribute ("“…,” X said in a statement").
            let mut quote_verbs: Vec<usize> = Vec::new();
            // Tokens a speaker can be found from before a quotation, found once per sentence.
            let back = if squotes.is_empty() { Vec::new() } else { speaker_cues(x, c) };
            let mut memo = Fruitless::default();
            for q in &squotes {
                let words = text::tokens(doc.text, *q).len();
                let found = direct_speaker(x, doc, c, *q, &mut st, &back, &mut memo);
                let (speaker, rule) = match found {
                    Some((sp, verb)) => {
                        // One statement per speech act: a second fragment of the same reported clause is not another.
                        if verb.is_some_and(|v| used_verbs.contains(&v)) {
                            done_quote = true;
                            continue;
                        }
                        if let Some(v) = verb.filter(|&v| c.toks[v].span.end <= q.start) {
                            if words >= 4 {
                                used_verbs.push(v);
                            }
                        }
                        if let Some(v) = verb.filter(|&v| c.toks[v].span.start >= q.end && words >= 4) {
                            quote_verbs.push(v);
                        }
                        (Some(sp), "statement.direct")
                    }
                    None => {
                        let carried = last_quote_speaker.or(if starts_with_quote { prev_para_speaker } else { None });
                        let next_line = (carried.is_none() && is_whole_quote(ptext)).then(|| attribution_line(doc, &paragraphs, pi)).flatten();
                        match (carried, next_line) {
                            (Some(sp), _) => (Some(sp), "statement.direct-continued"),
                            (None, Some(sp)) => (Some(sp), "statement.attribution-line"),
                            _ => (None, ""),
                        }
                    }
                };
                if let Some(sp) = speaker {
                    para_speaker = Some(sp);
                    last_quote_speaker = Some(sp);
                    remember(doc, &mut st, sp);
                    // Rule statement.short-fragment: "X slammed the claims as a lie “from start
                    // to finish”": a few quoted words inside the speaker's own clause are no
                    // quotation of their own; the statement is the clause from the verb on.
                    let verb_before = found.and_then(|(_, v)| v).filter(|&v| c.toks[v].span.end <= q.start);
                    let fragment = verb_before.filter(|&v| (3..6).contains(&words) && rule == "statement.direct" && c.tok_at(q.start) >= v + 4 && !x.words.quote_only.contains(c.word(v)));
                    if let Some(v) = fragment {
                        let from = c.toks[if c.word(v + 1) == "that" { v + 2 } else { v + 1 }].span.start;
                        let end = c.span.end.max(q.end);
                        let clause = doc.text[from..end].trim().trim_end_matches(['.', '”', '"', ' ']).trim_end_matches(['.', ',']);
                        let clause = clause.replace(['“', '”', '"'], "");
                        push(doc, c, sp, clean_quote(&clause), false, "statement.short-fragment", 0.7);
                        used_verbs.push(v);
                        done_quote = true;
                    } else if words >= 4 {
                        let conf = if rule == "statement.direct" { 0.9 } else { 0.7 };
                        let rule = if tail == Some(q.start) && rule == "statement.direct-continued" { "statement.open-quote" } else { rule };
                        push(doc, c, sp, clean_quote(&doc.text[q.start..q.end]), true, rule, conf);
                        done_quote = true;
                    }
                }
            }
            reported(x, doc, c, &squotes, &quote_verbs, done_quote, &mut st, &mut para_speaker);
        }
        // "A Foreign Office spokesperson said:" opens a block quotation.
        if ptext.trim_end().ends_with(':') {
            let c = &clauses[*sentences.last().unwrap_or(&0)];
            let n = c.toks.len();
            if n > 0 && x.words.speech.contains(c.word(n - 1)) {
                block_speaker = speaker_at(x, doc, c, n - 1, &st);
            }
        }
        // R6: a quotation paragraph with no attribution of its own continues the speaker the
        // previous paragraph attributed speech to, by quotation or by reported speech.
        prev_para_speaker = last_quote_speaker.or(para_speaker);
    }
}

/// Does any sentence hold a speech verb with a speaker next to it?
fn has_speech_attribution(x: &Extractor, doc: &Doc, clauses: &[Clause], sentences: &[usize]) -> bool {
    let st = State { last_person: None, last_org: None };
    sentences.iter().any(|&si| {
        let c = &clauses[si];
        (0..c.toks.len()).any(|k| x.words.speech.contains(c.word(k)) && speaker_at(x, doc, c, k, &st).is_some())
    })
}

/// The paragraph is one quotation and nothing else.
fn is_whole_quote(p: &str) -> bool {
    let p = p.trim();
    (p.starts_with('“') && p.ends_with('”')) || (p.starts_with('"') && p.ends_with('"') && p.len() > 2)
}

/// "Josep Borrell, High Representative for Foreign Affairs": a short next paragraph that starts
/// with a speaker and a comma, and holds no sentence of its own.
fn attribution_line(doc: &Doc, paragraphs: &[Span], pi: usize) -> Option<usize> {
    let next = *paragraphs.get(pi + 1)?;
    let t = &doc.text[next.start..next.end];
    if t.split_whitespace().count() > 20 || t.trim_end().ends_with('.') && t.split_whitespace().count() > 12 {
        return None;
    }
    let m = doc.mentions.iter().find(|m| next.contains(m.span))?;
    let lead = &doc.text[next.start..m.span.start];
    let after = &doc.text[m.span.end..next.end];
    (lead.trim().is_empty() && (after.starts_with(',') || after.trim().is_empty()) && can_speak(doc, m)).then_some(m.actor)
}

fn push(doc: &mut Doc, c: &Clause, speaker: usize, quote: String, direct: bool, rule: &str, confidence: f32) {
    push_span(doc, c, c.span, speaker, quote, direct, rule, confidence)
}

#[allow(clippy::too_many_arguments)]
fn push_span(doc: &mut Doc, _c: &Clause, span: Span, speaker: usize, quote: String, direct: bool, rule: &str, confidence: f32) {
    if quote.split_whitespace().count() < 3 {
        return;
    }
    let ev = evidence(doc, span, rule, confidence);
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
    // "Russia's readiness": a possessive names an owner, not a speaker.
    let after = &doc.text[m.span.end..];
    if after.starts_with("'s") || after.starts_with("’s") {
        return matches!(a.kind, ActorKind::Person) && false;
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
fn anaphor(x: &Extractor, doc: &Doc, c: &Clause, k: usize, st: &State) -> Option<usize> {
    match c.word(k) {
        "he" | "she" => st.last_person,
        "it" | "they" => st.last_org.or(st.last_person),
        w if x.words.anaphors.contains(w) => {
            // "the ministry", "the foreign ministry", "the Swiss federal council": up to two
            // lower-case modifiers between the article and the noun.
            let det = (k.saturating_sub(3)..k).rev().take_while(|&d| d == k - 1 || c.word(d + 1).chars().next().is_some_and(char::is_lowercase)).find(|&d| c.word(d) == "the")?;
            // Rule statement.outlet-anaphor: "the Russian news agency said" is an outlet.
            if (det + 1..k).any(|d| x.words.outlet_modifiers.contains(c.word(d))) {
                return None;
            }
            anaphor_np(doc, c, det, w, st)
        }
        _ => None,
    }
}

/// Rule statement.anaphor-head: "the council said" is the last institution mentioned whose
/// name has that head noun ("the Federal Council"), else the last institutional speaker.
fn anaphor_np(doc: &Doc, c: &Clause, det: usize, noun: &str, st: &State) -> Option<usize> {
    let before = c.toks[det].span.start;
    let head = doc
        .mentions
        .iter()
        .filter(|m| m.span.end <= before && can_speak(doc, m) && doc.ex.actors[m.actor].kind != ActorKind::Person)
        .filter(|m| {
            let a = &doc.ex.actors[m.actor];
            let named = |t: &str| t.split(|ch: char| !ch.is_alphanumeric()).any(|w| w.eq_ignore_ascii_case(noun));
            named(&a.label) || named(&doc.text[m.span.start..m.span.end])
        })
        .max_by_key(|m| m.span.start);
    let generic = matches!(noun, "statement" | "document" | "release" | "communique" | "official" | "officials");
    match head {
        Some(m) if !generic => Some(m.actor),
        _ => st.last_org.or(st.last_person).or(head.map(|m| m.actor)),
    }
}

/// "a representative of the FSMTC": the role noun before a mention, if the mention is its
/// complement.
fn role_noun_before<'c>(x: &Extractor, doc: &Doc, c: &'c Clause, m: &Mention) -> Option<&'c str> {
    // "the Federal Service ... (FSMTC)": the acronym in brackets stands for the name before it.
    let m = match doc.text[..m.span.start].trim_end().strip_suffix('(') {
        Some(before) => c.mentions.iter().find(|o| o.actor == m.actor && o.span.end == before.trim_end().len()).unwrap_or(m),
        None => m,
    };
    let k = c.tok_of(m);
    let mut j = k;
    while j > 0 && matches!(c.word(j - 1), "the" | "of" | "for" | "at") {
        j -= 1;
    }
    if j == k || j == 0 {
        return None;
    }
    let w = c.word(j - 1);
    let _ = doc;
    x.words.role_nouns.contains(w).then_some(w)
}

/// A person of the article whose role holds this role noun (and, if given, the organisation).
fn person_with_role(doc: &Doc, noun: &str, org: usize) -> Option<usize> {
    let org_label = doc.ex.actors[org].label.to_lowercase();
    let cands: Vec<usize> = (0..doc.ex.actors.len())
        .filter(|&i| doc.ex.actors[i].kind == ActorKind::Person)
        .filter(|&i| doc.ex.actors[i].role.as_deref().is_some_and(|r| r.to_lowercase().split(|c: char| !c.is_alphanumeric()).any(|w| w == noun)))
        .collect();
    let with_org: Vec<usize> = cands
        .iter()
        .copied()
        .filter(|&i| {
            let r = doc.ex.actors[i].role.as_deref().unwrap_or("").to_lowercase();
            doc.mentions.iter().any(|m| m.actor == org && r.contains(&doc.text[m.span.start..m.span.end].to_lowercase())) || r.contains(&org_label)
        })
        .collect();
    if with_org.len() == 1 {
        Some(with_org[0])
    } else if cands.len() == 1 {
        Some(cands[0])
    } else {
        None
    }
}

/// A speaker mention, resolved through a role noun before it ("a representative of X").
fn resolve_speaker(x: &Extractor, doc: &Doc, c: &Clause, m: &Mention) -> usize {
    if doc.ex.actors[m.actor].kind != ActorKind::Person {
        if let Some(noun) = role_noun_before(x, doc, c, m) {
            if let Some(p) = person_with_role(doc, noun, m.actor) {
                return p;
            }
        }
    }
    m.actor
}

/// The mention is the object of a preposition ("in Tokyo", "to the embassy").
fn after_preposition(c: &Clause, m: &Mention) -> bool {
    let mut j = c.tok_of(m);
    while j > 0 && c.word(j - 1) == "the" {
        j -= 1;
    }
    // "a statement from X", "a spokesman for X", "issued by X" still name who speaks.
    j > 0 && matches!(c.word(j - 1), "in" | "at" | "to" | "with" | "on" | "into" | "against" | "over" | "near")
}

/// Words that may stand between a speaker and a speech verb: auxiliaries, adverbs of time.
fn aux_word(w: &str) -> bool {
    matches!(w, "has" | "had" | "have" | "also" | "quoted" | "as" | "been" | "later" | "then" | "on" | "today" | "earlier" | "previously" | "would" | "will" | "once" | "again" | "was" | "is" | "in" | "a" | "statement" | "spokesman" | "spokesperson" | "spokeswoman" | "further" | "further," | "repeatedly")
        || w.ends_with("day")
}

/// A title phrase between "said" and a name: "Under Secretary of Commerce for Industry and Security".
fn title_gap(x: &Extractor, gap: &str) -> bool {
    gap.split_whitespace().all(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.is_empty() || w.chars().next().is_some_and(char::is_uppercase) || matches!(w, "of" | "for" | "and" | "the" | "a" | "an" | "to") || x.gaz.title_words.contains(&w.to_lowercase())
    })
}

/// The marks a phrase of occasion cannot hold (see `past_pp` in [`speaker_at`]), in the
/// clause: ';', '“', '"', '(', ':', and a comma that the removal of ", Jr." / ", Sr." cannot take.
fn phrase_marks(doc: &Doc, c: &Clause) -> Vec<usize> {
    let b = doc.text.as_bytes();
    let survives = |i: usize| match (b.get(i + 1), b.get(i + 2)) {
        (Some(b' '), Some(n)) => !matches!(n, b'J' | b'S' | b','),
        (Some(b' '), None) => true,
        (Some(n), _) => *n != b',',
        (None, _) => true,
    };
    (c.span.start..c.span.end.min(b.len()))
        .filter(|&i| match b[i] {
            b';' | b'"' | b'(' | b':' => true,
            b',' => survives(i),
            0xE2 => b.get(i + 1..i + 3) == Some(&[0x80, 0x9C][..]),
            _ => false,
        })
        .collect()
}

/// A speaker right next to token `k` (a speech verb): "X said", "said X", "X, the minister, said".
fn speaker_at(x: &Extractor, doc: &Doc, c: &Clause, k: usize, st: &State) -> Option<usize> {
    // Rule statement.passive-object-verb: "Beijing is accused of ...", "X was criticised":
    // the subject is what the speech is about, not its speaker.
    if k > 0 && x.words.object_verbs.contains(c.word(k)) && matches!(c.word(k - 1), "is" | "was" | "were" | "are" | "been" | "being" | "be" | "widely" | "often" | "repeatedly") {
        return None;
    }
    let vs = c.toks[k].span.start;
    let ve = c.toks[k].span.end;
    // Before: the nearest speaking mention, with only an apposition or auxiliaries between.
    // A place after a preposition ("in Tokyo") is where, not who: look past it.
    // (Mentions are sorted by start: the last one ending by `vs` is found walking back from
    // those starting before it.)
    let upto = c.mentions.partition_point(|m| m.span.start < vs);
    let before = c.mentions[..upto].iter().rev().find(|m| m.span.end <= vs && can_speak(doc, m) && !after_preposition(c, m));
    // Rule statement.subject-past-pp: "X in a meeting with Y reaffirmed ...": a person followed
    // by a prepositional phrase of occasion is the subject; the names inside the phrase are not.
    // The phrase holds no ';', '“', '"', '(', ':' nor a comma (but for ", Jr.", ", Sr."): only
    // mentions ending after the last such mark before the verb can pass, so the search starts
    // there instead of at the sentence's first mention.
    let marks = c.phrase_marks.get_or_init(|| phrase_marks(doc, c));
    let mark = marks[..marks.partition_point(|&i| i < vs)].last().copied();
    let from = mark.map_or(0, |f| c.mentions.partition_point(|m| m.span.start + doc.longest_mention <= f));
    let past_pp = c.mentions[from.min(upto)..upto].iter().filter(|m| m.span.end <= vs && before.is_some_and(|b| b.span.start > m.span.end)).find(|m| {
        let first = doc.text[m.span.end..vs].split_whitespace().next().unwrap_or("");
        if !matches!(first, "in" | "during" | "at" | "after" | "following" | "before") || doc.ex.actors[m.actor].kind != ActorKind::Person || !can_speak(doc, m) {
            return false;
        }
        // Initials and a name's suffix stay inside the phrase ("Pedro C. Souza, Jr.").
        let gap = doc.text[m.span.end..vs].replace(", Jr.", "").replace(", Sr.", "");
        !gap.contains([',', ';', '“', '"', '(', ':']) && (3..=16).contains(&gap.split_whitespace().count())
    });
    if let Some(m) = past_pp {
        return Some(resolve_speaker(x, doc, c, m));
    }
    // Rule statement.state-side: "the US side said", "the Russian side noted", "the Iranian
    // authorities said": the state speaks, whichever form names it.
    // Only a state within three words can pass: the walk back stops once mentions end before
    // the fourth word before the verb (any earlier state has more words between).
    let fourth = doc.text[c.span.start..vs].split_whitespace().rev().nth(3).map_or(c.span.start, |w| w.as_ptr() as usize - doc.text.as_ptr() as usize);
    let near = c.mentions[..upto].iter().rev().take_while(|m| m.span.start + doc.longest_mention >= fourth);
    let side = near.filter(|m| m.span.end <= vs && doc.ex.actors[m.actor].kind == ActorKind::State).next().filter(|m| {
        let gap: Vec<&str> = doc.text[m.span.end..vs].split_whitespace().collect();
        gap.first().is_some_and(|w| matches!(*w, "side" | "authorities" | "government"))
            && gap[1..].iter().all(|w| aux_word(w))
            && gap.len() <= 3
    });
    if let Some(m) = side {
        return Some(m.actor);
    }
    if let Some(m) = before {
        let gap = doc.text[m.span.end..vs].trim().trim_start_matches(')').trim_start_matches(['(', ')']).trim();
        let gap = if gap.starts_with('(') { gap.find(')').map(|p| gap[p + 1..].trim()).unwrap_or(gap) } else { gap };
        let gap_words = gap.split_whitespace().count();
        let appos = gap.starts_with(',') && gap.ends_with(',');
        let aux = gap.split_whitespace().all(aux_word);
        if gap.is_empty() || aux && gap_words <= 4 || appos && gap_words <= 20 || gap == "'s" {
            return Some(resolve_speaker(x, doc, c, m));
        }
    }
    if k > 0 {
        // "He also said", "she later added": a pronoun subject with adverbs between.
        let mut j = k;
        while j > 1 && k - j < 3 && matches!(c.word(j - 1), "also" | "later" | "then" | "further" | "again" | "repeatedly" | "has" | "had" | "have" | "once" | "previously" | "earlier" | "however" | "on") {
            j -= 1;
        }
        if let Some(a) = anaphor(x, doc, c, j - 1, st) {
            return Some(a);
        }
        if let Some(p) = definite_title(x, doc, c, k) {
            return Some(p);
        }
        // "the ministry said in a statement", "the Russian Foreign Ministry said" handled above;
        // "the representative said" → the person with that role.
        if x.words.role_nouns.contains(c.word(k - 1)) && k >= 2 && c.word(k - 2) == "the" {
            return st.last_person.or(st.last_org);
        }
    }
    // After: "said Alan Estevez", "said the Foreign Ministry", "said Secretary of the Treasury Janet Yellen".
    if !x.words.inversion.contains(c.word(k)) {
        return None;
    }
    let mut chosen = None;
    let from = c.mentions.partition_point(|m| m.span.start < ve);
    for m in &c.mentions[from..] {
        let gap = doc.text[ve..m.span.start].trim();
        if gap.contains([',', '.', '“', '"', ';']) || gap.split_whitespace().count() > 14 || !title_gap(x, gap) {
            break;
        }
        if !can_speak(doc, m) {
            continue;
        }
        let is_person = doc.ex.actors[m.actor].kind == ActorKind::Person;
        if chosen.is_none() || is_person {
            chosen = Some(m.actor);
        }
        if is_person {
            break;
        }
    }
    if chosen.is_some() {
        return chosen;
    }
    // Rule statement.inverted-title: "“…,” said the secretary-general": the one person with
    // that title, as before the verb.
    if c.word(k + 1) == "the" {
        let at_end = |i: usize| i + 1 >= c.toks.len() || doc.text[c.toks[i].span.end..c.toks[i + 1].span.start].contains([',', '.', ';']) || matches!(c.word(i + 1), "in" | "on" | "at" | "during" | "after" | "before" | "when" | "as" | "who");
        if let Some(t) = (k + 2..(k + 5).min(c.toks.len())).find(|&i| at_end(i)) {
            if let Some(p) = title_person(x, doc, c, t) {
                return Some(p);
            }
        }
    }
    // "said the ministry", "said the foreign ministry".
    if c.word(k + 1) == "the" {
        let lower = |i: usize| c.word(i).chars().next().is_some_and(char::is_lowercase);
        if let Some(n) = (k + 2..(k + 5).min(c.toks.len())).take_while(|&i| lower(i)).find(|&i| x.words.anaphors.contains(c.word(i))) {
            return anaphor_np(doc, c, k + 1, c.word(n), st);
        }
    }
    None
}

/// "The Russian president said", "the North Korean leader also said": a definite title (with
/// an optional demonym) before the verb resolves to the one person of the article with that
/// title (and that state).
fn definite_title(x: &Extractor, doc: &Doc, c: &Clause, k: usize) -> Option<usize> {
    let mut j = k;
    while j > 0 && aux_word(c.word(j - 1)) && c.word(j - 1) != "a" {
        j -= 1;
    }
    if j == 0 {
        return None;
    }
    // Rule statement.relative-skip: "the president, who did not take questions, said": a
    // relative clause between commas stands between the title and its verb.
    let gap_before = |i: usize| between(doc, c.toks[i - 1].span.end, c.toks[i].span.start);
    if gap_before(j).trim() == "," {
        if let Some(w) = (j.saturating_sub(14)..j - 1).rev().find(|&i| i > 0 && matches!(c.word(i), "who" | "which") && gap_before(i).trim() == ",") {
            return title_person(x, doc, c, w - 1);
        }
    }
    title_person(x, doc, c, j - 1)
}

/// The one person of the article whose title is the word at `t`, after "the" (and an optional
/// demonym): "the Russian president", "the secretary-general".
fn title_person(x: &Extractor, doc: &Doc, c: &Clause, t: usize) -> Option<usize> {
    let j = t + 1;
    let title = c.word(j - 1);
    let covers = x.words.role_hypernyms.get(title);
    if !(x.gaz.title_words.contains(title) || covers.is_some()) || x.words.anaphors.contains(title) {
        return None;
    }
    // Optional demonym between "the" and the title.
    let tstart = c.toks[j - 1].span.start;
    let demonym = c.mentions.iter().find(|m| m.span.end <= tstart && doc.text[m.span.end..tstart].trim().is_empty() && m.form == Form::Demonym);
    let mut det_at = match demonym {
        Some(m) => c.tok_of(m),
        None => j - 1,
    };
    // "the top Turkish diplomat", "the senior Chinese envoy".
    while det_at > 0 && matches!(c.word(det_at - 1), "top" | "senior" | "chief" | "veteran") {
        det_at -= 1;
    }
    if det_at == 0 || c.word(det_at - 1) != "the" {
        return None;
    }
    let state = demonym.and_then(|m| doc.ex.actors[m.actor].qid.clone());
    let people = |holds: &dyn Fn(&str) -> bool| -> Vec<usize> {
        (0..doc.ex.actors.len())
            .filter(|&i| {
                let a = &doc.ex.actors[i];
                a.kind == ActorKind::Person && a.role.as_deref().is_some_and(|r| holds(&r.to_lowercase())) && (state.is_none() || a.country == state)
            })
            .collect()
    };
    // "the president" is not the vice president: a title word after vice/deputy/former is another office.
    let holds_title = |r: &str| {
        let words: Vec<&str> = r.split(|ch: char| !(ch.is_alphanumeric() || ch == '-')).filter(|w| !w.is_empty()).collect();
        let plain = |i: usize| i == 0 || !matches!(words[i - 1], "vice" | "deputy" | "former" | "ex" | "acting");
        words.iter().enumerate().any(|(i, w)| (*w == title || w.split('-').any(|p| p == title)) && plain(i))
    };
    let mut cands = people(&holds_title);
    // Rule statement.definite-role: a noun that covers titles ("diplomat": foreign minister,
    // ambassador) when no one holds the noun itself.
    if cands.is_empty() {
        if let Some(titles) = covers {
            cands = people(&|r: &str| titles.iter().any(|t| r.contains(t.as_str())));
        }
    }
    if cands.len() > 1 {
        // Rule statement.definite-recent: with several holders, "the president" is the one
        // mentioned last before the sentence.
        let start = c.span.start;
        let last = |i: usize| doc.mentions.iter().filter(|m| m.actor == i && m.span.end <= start).map(|m| m.span.start).max();
        let mut ranked: Vec<(usize, usize)> = cands.iter().filter_map(|&i| last(i).map(|p| (p, i))).collect();
        ranked.sort();
        return ranked.last().map(|&(_, i)| i);
    }
    (cands.len() == 1).then(|| cands[0])
}

/// The tokens of a sentence where `direct_speaker` looks for a speaker before a quotation (a
/// speech or quote-only verb, "according to"), in text order: each quotation then visits only
/// these, not every token before it (linear in a sentence of many quotations).
fn speaker_cues(x: &Extractor, c: &Clause) -> Vec<usize> {
    (0..c.toks.len())
        .filter(|&k| {
            let w = c.word(k);
            x.words.speech.contains(w) || x.words.quote_only.contains(w) || w == "according" && c.word(k + 1) == "to"
        })
        .collect()
}

/// How far back a sentence's cues are known to give no speaker, and for which discourse state
/// (a cue's speaker depends only on the sentence and that state): the next quotation of the
/// sentence looks back no further, so many quotations in one sentence stay linear.
#[derive(Default)]
struct Fruitless {
    upto: usize,
    st: (Option<usize>, Option<usize>),
}

/// Speaker of a quotation: a speech verb just after the closing mark, or before the opening
/// one. Also returns the verb's token index (None for "according to"). `back` is the
/// sentence's `speaker_cues`; `memo` what earlier quotations of the sentence found there.
fn direct_speaker(x: &Extractor, doc: &Doc, c: &Clause, q: Span, st: &mut State, back: &[usize], memo: &mut Fruitless) -> Option<(usize, Option<usize>)> {
    let qe = c.tok_at(q.end);
    // Rule `statement.direct` reaches over a long apposition: "“…,” the White House's deputy
    // press secretary, Josh Earnest, said"; another quotation mark or a full stop ends the search.
    for k in qe..(qe + 24).min(c.toks.len()) {
        if x.words.speech.contains(c.word(k)) {
            if let Some(s) = speaker_at(x, doc, c, k, st) {
                remember(doc, st, s);
                return Some((s, Some(k)));
            }
        }
        if k > qe && doc.text[c.toks[k - 1].span.end..c.toks[k].span.start].contains(['“', '"', '.']) {
            break;
        }
    }
    // Before the quote, in the same sentence.
    let qs = c.tok_at(q.start);
    let now = (st.last_person, st.last_org);
    let known = if memo.st == now { memo.upto } else { 0 };
    let below = back.partition_point(|&k| k < qs);
    let floor = back.partition_point(|&k| k < known).min(below);
    for &k in back[floor..below].iter().rev() {
        let w = c.word(k);
        if x.words.speech.contains(w) || x.words.quote_only.contains(w) {
            if let Some(s) = speaker_at(x, doc, c, k, st) {
                remember(doc, st, s);
                return Some((s, Some(k)));
            }
        }
        if w == "according" && c.word(k + 1) == "to" {
            let from = c.toks[k + 1].span.end;
            if let Some(m) = c.mentions.iter().find(|m| m.span.start >= from && can_speak(doc, m)) {
                let m = np_head(x, doc, c, *m);
                remember(doc, st, m.actor);
                return Some((m.actor, None));
            }
        }
    }
    // Nothing from here back: the next quotation need not look again (same state).
    *memo = Fruitless { upto: known.max(qs), st: now };
    None
}

/// Rule statement.according-to-head: "according to U.S. Secretary of State Antony Blinken",
/// "according to Japan's defence ministry": the head of the noun phrase speaks, not the state
/// written into its title.
fn np_head(x: &Extractor, doc: &Doc, c: &Clause, m: Mention) -> Mention {
    let mut cur = m;
    for next in c.mentions.iter().filter(|n| n.span.start >= m.span.end) {
        let gap = doc.text[cur.span.end..next.span.start].trim();
        let gap = gap.strip_prefix("'s").or_else(|| gap.strip_prefix("’s")).unwrap_or(gap).trim();
        let words = gap.split_whitespace().count();
        let title_like = gap.split_whitespace().all(|w| {
            w.starts_with(char::is_uppercase) || matches!(w, "of" | "the" | "for") || x.gaz.title_words.contains(&w.to_lowercase())
        });
        if words > 8 || gap.contains([',', ';', '“', '"', '(', ')']) || !title_like || !can_speak(doc, next) {
            break;
        }
        cur = *next;
    }
    cur
}

/// Reported speech in a sentence; quoted stretches are left to the direct rule.
fn reported(x: &Extractor, doc: &mut Doc, c: &Clause, quotes: &[Span], quote_verbs: &[usize], done_quote: bool, st: &mut State, para_speaker: &mut Option<usize>) {
    // Which tokens lie inside a quotation, marked once (tokens are in text order), instead of
    // testing every quotation for every token.
    let mut quoted = vec![false; c.toks.len()];
    for q in quotes {
        let from = c.toks.partition_point(|t| t.span.start < q.start);
        for (i, t) in c.toks[from..].iter().enumerate().take_while(|(_, t)| t.span.start < q.end) {
            if t.span.end <= q.end {
                quoted[from + i] = true;
            }
        }
    }
    let in_quote = |k: usize| quoted.get(k).copied().unwrap_or(false);
    let n = c.toks.len();
    let end = c.span.end - doc.text[c.span.start..c.span.end].len() + doc.text[c.span.start..c.span.end].trim_end_matches(['.', '”', '"', ' ']).len();
    // A last token keeps its own period ("According to the U.S."): the clause never ends inside it.
    let end = end.max(c.toks.last().map_or(c.span.start, |t| t.span.end));
    let mut speaker_of_sentence = None;
    // Where a reported clause ends: a speech verb outside quotations that starts the next
    // speech act ("... and said ...", ", adding ..."), found once per sentence.
    let breakers: Vec<usize> = (1..n)
        .filter(|&e| x.words.speech.contains(c.word(e)) && !in_quote(e) && (c.word(e - 1) == "and" || x.words.adding.contains(c.word(e)) && doc.text[..c.toks[e].span.start].trim_end().ends_with(',')))
        .collect();
    let nominal = nominal_by(x, doc, c, end, &in_quote);
    for (_, _, sp, clause) in &nominal {
        remember(doc, st, *sp);
        push(doc, c, *sp, clause.clone(), false, "statement.nominal-by", 0.7);
    }
    for k in 0..n {
        let w = c.word(k);
        if in_quote(k) {
            continue;
        }
        // "according to X, CLAUSE" / "CLAUSE, according to X."
        if w == "according" && c.word(k + 1) == "to" {
            let from = c.toks[k + 1].span.end;
            let named = c
                .mentions
                .iter()
                .find(|m| m.span.start >= from && doc.text[from..m.span.start].split_whitespace().count() <= 2)
                .map(|m| np_head(x, doc, c, *m))
                .filter(|m| can_speak(doc, m));
            // "According to him, ...": the pronoun is the last speaker (rule statement.according-to).
            let pronoun = match c.word(k + 2) {
                "him" | "her" => st.last_person,
                "them" => st.last_org.or(st.last_person),
                _ => None,
            };
            let m = match (named, pronoun) {
                (Some(m), _) => m,
                (None, Some(a)) => Mention { span: c.toks[k + 2].span, actor: a, form: Form::Other, entry: None },
                _ => continue,
            };
            // The mention may run past the clause's end ("According to e.U.S.": the mention
            // "U.S." keeps the period the clause drops): then no comma follows it.
            let comma = doc.text.get(m.span.end..end).and_then(|t| t.find(',')).map(|p| m.span.end + p + 1);
            let clause = if k == 0 || c.toks[k].span.start <= c.span.start + 1 {
                comma.map(|p| &doc.text[p..end])
            } else {
                Some(doc.text[c.span.start..c.toks[k].span.start].trim_end().trim_end_matches(','))
            };
            if let Some(cl) = clause {
                if !overlaps_quote(quotes, cl, doc.text) || !done_quote {
                    remember(doc, st, m.actor);
                    *para_speaker = Some(m.actor);
                    speaker_of_sentence = Some(m.actor);
                    push(doc, c, m.actor, cl.trim().to_string(), false, "statement.according-to", 0.75);
                }
            }
            continue;
        }
        if !x.words.speech.contains(w) || nominal.iter().any(|n| n.1 == k) {
            continue;
        }
        if x.words.quote_only.contains(w) {
            // "X called it a “threat”": no clause, but X is the sentence's speaker.
            if speaker_of_sentence.is_none() {
                speaker_of_sentence = speaker_at(x, doc, c, k, st);
            }
            continue;
        }
        // Rule statement.quoted-as: "X was quoted as saying ...": X is the speaker, not a second
        // speech act of the sentence's speaker.
        let quoted_as = k >= 2 && c.word(k - 1) == "as" && c.word(k - 2) == "quoted";
        let adding = x.words.adding.contains(w) && !quoted_as;
        // "X expressed ... and said ...": the same speaker.
        let and_verb = k > 0 && c.word(k - 1) == "and" && speaker_of_sentence.is_some();
        let speaker = if adding { speaker_of_sentence.or(*para_speaker) } else if and_verb { speaker_of_sentence } else { speaker_at(x, doc, c, k, st) };
        let Some(sp) = speaker else { continue };
        speaker_of_sentence = Some(sp);
        remember(doc, st, sp);
        *para_speaker = Some(sp);
        // Rule statement.after-quote: a verb that attributes the quotation before it is that
        // one speech act; what follows it ("in an e-mailed statement", ", referring to ...")
        // is no second one, unless it opens a clause of its own with "that".
        let after_quote = quote_verbs.contains(&k) && c.word(k + 1) != "that";
        // "X said (that) CLAUSE"
        let mut j = k + 1;
        if c.word(j) == "out" && c.word(k) == "pointed" {
            j += 1;
        }
        // Skip what stands between the verb and its clause: "that", the audience ("told
        // reporters"), the day ("on Monday"), the channel ("in a statement"); a place or
        // occasion ("told reporters in the Briefing Room") is no clause.
        while j < n && j < k + 5 {
            let wj = c.word(j);
            let channel = |i: usize| matches!(c.word(i), "statement" | "interview" | "post" | "speech" | "briefing" | "letter");
            if matches!(wj, "that" | "reporters" | "journalists" | "today" | "yesterday") || wj.ends_with("day") {
                j += 1;
            } else if wj == "on" && c.word(j + 1).ends_with("day") {
                j += 2;
            } else if wj == "in" && matches!(c.word(j + 1), "a" | "an") && channel(j + 2) {
                j += 3;
            } else if wj == "in" && matches!(c.word(j + 1), "a" | "an" | "the" | "his" | "her" | "its" | "their") && channel(j + 3) {
                j += 4; // "in an e-mailed statement", "in a written statement"
            } else {
                break;
            }
        }
        // Rule statement.that-clause: "told the RIA news agency that ...", "wrote on Telegram
        // that ...": the audience or channel ends at a "that" a few words on.
        let mut that_clause = false;
        if let Some(t) = (j..(k + 10).min(n)).find(|&i| c.word(i) == "that") {
            let gap = &doc.text[c.toks[k].span.end..c.toks[t].span.start];
            if !gap.contains([',', ';', '“', '"', ':']) && !(k + 1..t).any(|i| x.words.speech.contains(c.word(i))) {
                j = t + 1;
                that_clause = true;
            }
        }
        if !that_clause && j > k + 1 && matches!(c.word(j), "in" | "at" | "on" | "during" | "after" | "before" | "from") {
            continue;
        }
        // The clause ends where the next speech act starts ("... and said ...", ", adding ...").
        let clause_end = breakers[breakers.partition_point(|&e| e <= j)..]
            .first()
            .copied()
            .map(|e| {
                let b = if c.word(e - 1) == "and" { c.toks[e - 1].span.start } else { c.toks[e].span.start };
                doc.text[..b].trim_end().trim_end_matches(',').len()
            })
            .unwrap_or(end)
            .min(end);
        let after = if j < n && c.toks[j].span.start < clause_end { &doc.text[c.toks[j].span.start..clause_end] } else { "" };
        let starts_quote = j < n && in_quote(j);
        let vstart = c.toks[k].span.start;
        let before_clause = doc.text[c.span.start..vstart].trim_end();
        // "SEOUL, May 2 (Reuters) - ...": the dateline is the agency's, not the speaker's.
        let before_clause = &before_clause[text::dateline_len(before_clause)..];
        // "CLAUSE, X said." — the speaker (or pronoun, or role phrase) follows the last comma.
        // (Only compared with 6: counting stops at 7.)
        let rest_words = doc.text[c.toks[k].span.end..end].split_whitespace().take(7).count();
        let verb_late = vstart > c.span.start
            && !x.words.object_verbs.contains(w)
            && (rest_words <= 6 || matches!(c.word(k + 1), "at" | "in" | "on" | "during" | "after" | "before" | "while" | "to"))
            && before_clause.rfind(',').is_some_and(|p| {
                let tail = &before_clause[p + 1..];
                tail.split_whitespace().count() <= 14
                    && (c.mentions[c.mentions.partition_point(|m| m.span.start < c.span.start + p)..].iter().any(|m| m.span.end <= vstart)
                        || k > 0 && (PRONOUNS.contains(&c.word(k - 1)) || x.words.anaphors.contains(c.word(k - 1)) || x.words.role_nouns.contains(c.word(k - 1))))
            });
        // Rule statement.fronted: "Speaking to reporters in Ankara, X said the deal would go
        // ahead": a fronted adverbial phrase is no reported clause when a clause follows the verb.
        let fronted = {
            let first = before_clause.split_whitespace().next().unwrap_or("").trim_matches(|ch: char| !ch.is_alphanumeric()).to_lowercase();
            (x.words.fronted_openers.contains(&first) || first.len() > 4 && first.ends_with("ing"))
                && !before_clause.starts_with(['“', '"'])
                && after.split_whitespace().nth(3).is_some()
                && !matches!(c.word(j), "in" | "at" | "on" | "during" | "after" | "before" | "while" | "to" | "from")
        };
        let verb_late = verb_late && !fronted;
        // Mentions after the verb (they are sorted by start).
        let later = &c.mentions[c.mentions.partition_point(|m| m.span.start < c.toks[k].span.end)..];
        let said_then_name = later.iter().any(|m| m.actor == sp) && before_clause.ends_with(',');
        let speaker_after = x.words.inversion.contains(w) && later.iter().any(|m| m.actor == sp && title_gap(x, doc.text[c.toks[k].span.end..m.span.start].trim()));
        let (clause, rule) = if said_then_name {
            (before_clause.trim_end_matches(',').trim_start_matches(['“', '"']).trim_end_matches(['”', '"', ',']).to_string(), "statement.reported-final")
        } else if verb_late {
            let cut = before_clause.rfind(',').map(|p| &before_clause[..p]).unwrap_or(before_clause);
            (cut.trim_start_matches(['“', '"']).trim_end_matches(['”', '"', ',']).to_string(), "statement.reported-final")
        } else if !starts_quote && !speaker_after && !after_quote && after.split_whitespace().nth(3).is_some() && (!x.words.that_verbs.contains(w) || c.word(k + 1) == "that") {
            (after.to_string(), if adding { "statement.reported-adding" } else if fronted { "statement.fronted" } else { "statement.reported" })
        } else {
            continue;
        };
        if clause.split_whitespace().count() < 4 {
            continue;
        }
        // One statement per speech act: a quote already taken covers this clause.
        if done_quote && (overlaps_quote(quotes, &clause, doc.text) || quotes.iter().any(|q| q.start >= c.toks[k].span.end && text::tokens(doc.text, *q).len() >= 4)) {
            continue;
        }
        push(doc, c, sp, clause.trim().to_string(), false, rule, 0.7);
    }
}

/// Rule statement.nominal-by: a speech noun with its agent, "accusations by X that CLAUSE",
/// "a statement by X, the sister of Y, condemning ...": X says the clause (or the participle
/// phrase). Returns (noun token, clause's first token, speaker, clause).
fn nominal_by(x: &Extractor, doc: &Doc, c: &Clause, end: usize, in_quote: &dyn Fn(usize) -> bool) -> Vec<(usize, usize, usize, String)> {
    let mut out = Vec::new();
    let n = c.toks.len();
    for k in 0..n.saturating_sub(2) {
        if in_quote(k) || !x.words.speech_nouns.contains(c.word(k)) || !matches!(c.word(k + 1), "by" | "from") {
            continue;
        }
        let from = c.toks[k + 1].span.end;
        // The agent: the first speaking mention right after "by" (an article at most between).
        let Some(agent) = c.mentions.iter().find(|m| m.span.start >= from && doc.text[from..m.span.start].split_whitespace().all(|w| matches!(w, "the" | "a"))) else { continue };
        if !can_speak(doc, agent) {
            continue;
        }
        let a = c.tok_of(agent);
        // "... that CLAUSE" within a few words (coordinated agents: "by Ukraine and the West").
        let that = (a + 1..(a + 8).min(n)).find(|&i| c.word(i) == "that" && !doc.text[c.toks[a].span.start..c.toks[i].span.start].contains([',', ';']));
        let start = match that {
            Some(t) => c.toks.get(t + 1).map(|t| t.span.start),
            None => {
                // ", an apposition, condemning ...": the participle after the agent's apposition.
                let after = doc.text.get(agent.span.end..end).unwrap_or("");
                let skip = if after.starts_with(',') { after[1..].find(',').map(|p| p + 2) } else { Some(0) };
                skip.and_then(|p| {
                    let rest = after[p..].trim_start_matches(',').trim_start();
                    let first = rest.split_whitespace().next().unwrap_or("");
                    (first.ends_with("ing") && x.words.speech.contains(first)).then(|| end - rest.len())
                })
            }
        };
        let Some(start) = start.filter(|&s| s < end) else { continue };
        let clause = doc.text[start..end].trim().trim_end_matches(',');
        if clause.split_whitespace().count() >= 4 {
            out.push((k, c.tok_at(start), resolve_speaker(x, doc, c, agent), clause.to_string()));
        }
    }
    out
}

fn overlaps_quote(quotes: &[Span], clause: &str, text: &str) -> bool {
    quotes.iter().any(|q| {
        let qt = &text[q.start..q.end];
        qt.split_whitespace().count() >= 4 && (clause.contains(qt.trim_end_matches(',')) || qt.contains(clause))
    })
}
