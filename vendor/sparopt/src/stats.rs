//! realpolitik patch: store counts for join planning.
//!
//! Upstream plans every join of a quad pattern as a for-loop (lateral) join, whatever the
//! sizes: on a store of 20,000 articles a star join over 31,000 sanctions then opens a store
//! iterator per probe, several hundred thousand of them, and takes seconds where scanning the
//! few predicates involved once and hash-joining them takes a tenth of that. With counts of the
//! quad patterns (each capped, so counting stays cheap) the optimizer can tell a selective
//! pattern (one state's `owl:sameAs`) from a scan-sized one (`?s a rp:Sanction`) and pick a hash
//! join where a for-loop would probe too often.

use crate::algebra::{Expression, GraphPattern};
use spargebra::term::{GroundTermPattern, NamedNodePattern, Variable};
use std::cell::RefCell;
use std::collections::HashMap;

/// A quad pattern with its variables erased: what a count depends on.
pub type PatternKey = (GroundTermPattern, NamedNodePattern, GroundTermPattern);

/// Cost of one for-loop probe, in quads a scan reads in the same time (measured on RocksDB:
/// a probe opens, seeks and drops an iterator, about 25 times the cost of reading one quad in a
/// scan).
pub(crate) const PROBE_COST: usize = 30;

/// Rows a probe on a bound subject is guessed to give, when the pattern has been counted.
pub(crate) const PROBE_FANOUT: usize = 2;

thread_local! {
    static COUNTS: RefCell<Option<HashMap<PatternKey, usize>>> = const { RefCell::new(None) };
}

fn erase_term(t: &GroundTermPattern) -> GroundTermPattern {
    match t {
        GroundTermPattern::Variable(_) => GroundTermPattern::Variable(Variable::new_unchecked("v")),
        t => t.clone(),
    }
}

fn erase_named(p: &NamedNodePattern) -> NamedNodePattern {
    match p {
        NamedNodePattern::Variable(_) => NamedNodePattern::Variable(Variable::new_unchecked("v")),
        p => p.clone(),
    }
}

/// The key of a quad pattern: its constants, with every variable the same.
pub fn pattern_key(
    subject: &GroundTermPattern,
    predicate: &NamedNodePattern,
    object: &GroundTermPattern,
) -> PatternKey {
    (erase_term(subject), erase_named(predicate), erase_term(object))
}

/// The keys of every quad pattern in `pattern` (also inside EXISTS), without repeats.
pub fn quad_pattern_keys(pattern: &GraphPattern) -> Vec<PatternKey> {
    let mut out = Vec::new();
    collect(pattern, &mut out);
    out
}

fn collect(pattern: &GraphPattern, out: &mut Vec<PatternKey>) {
    match pattern {
        GraphPattern::QuadPattern { subject, predicate, object, .. } => {
            let k = pattern_key(subject, predicate, object);
            if !out.contains(&k) {
                out.push(k);
            }
        }
        GraphPattern::Path { .. } | GraphPattern::Graph { .. } | GraphPattern::Values { .. } => {}
        GraphPattern::Join { left, right, .. } | GraphPattern::Minus { left, right, .. } => {
            collect(left, out);
            collect(right, out);
        }
        #[cfg(feature = "sep-0006")]
        GraphPattern::Lateral { left, right } => {
            collect(left, out);
            collect(right, out);
        }
        GraphPattern::LeftJoin { left, right, expression, .. } => {
            collect(left, out);
            collect(right, out);
            collect_expression(expression, out);
        }
        GraphPattern::Filter { inner, expression } | GraphPattern::Extend { inner, expression, .. } => {
            collect(inner, out);
            collect_expression(expression, out);
        }
        GraphPattern::Union { inner } => inner.iter().for_each(|i| collect(i, out)),
        GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Group { inner, .. }
        | GraphPattern::Service { inner, .. } => collect(inner, out),
    }
}

fn collect_expression(expression: &Expression, out: &mut Vec<PatternKey>) {
    match expression {
        Expression::Exists(inner) => collect(inner, out),
        Expression::Or(inner)
        | Expression::And(inner)
        | Expression::Coalesce(inner)
        | Expression::FunctionCall(_, inner) => inner.iter().for_each(|e| collect_expression(e, out)),
        Expression::Equal(a, b)
        | Expression::SameTerm(a, b)
        | Expression::Greater(a, b)
        | Expression::GreaterOrEqual(a, b)
        | Expression::Less(a, b)
        | Expression::LessOrEqual(a, b)
        | Expression::Add(a, b)
        | Expression::Subtract(a, b)
        | Expression::Multiply(a, b)
        | Expression::Divide(a, b) => {
            collect_expression(a, out);
            collect_expression(b, out);
        }
        Expression::UnaryPlus(e) | Expression::UnaryMinus(e) | Expression::Not(e) => {
            collect_expression(e, out)
        }
        Expression::If(a, b, c) => {
            collect_expression(a, out);
            collect_expression(b, out);
            collect_expression(c, out);
        }
        _ => {}
    }
}

/// Whether a LIMIT over the query's solutions lets it stop early (no ORDER BY, GROUP BY in the
/// way): then for-loop joins, which stream, stay the better plan whatever the counts say.
pub fn stops_early(pattern: &GraphPattern) -> bool {
    fn streams(p: &GraphPattern) -> bool {
        match p {
            GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Extend { inner, .. }
            | GraphPattern::Filter { inner, .. } => streams(inner),
            GraphPattern::OrderBy { .. } | GraphPattern::Group { .. } => false,
            _ => true,
        }
    }
    match pattern {
        GraphPattern::Slice { inner, length: Some(_), .. } => streams(inner),
        GraphPattern::Project { inner, .. } | GraphPattern::Distinct { inner } | GraphPattern::Reduced { inner } => {
            stops_early(inner)
        }
        _ => false,
    }
}

/// Run `f` with `counts` available to the optimizer on this thread.
pub(crate) fn with_counts<T>(counts: HashMap<PatternKey, usize>, f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            COUNTS.with(|c| *c.borrow_mut() = None);
        }
    }
    COUNTS.with(|c| *c.borrow_mut() = Some(counts));
    let _reset = Reset;
    f()
}

pub(crate) fn active() -> bool {
    COUNTS.with(|c| c.borrow().is_some())
}

/// The count of a quad pattern, if it was measured.
pub(crate) fn count(
    subject: &GroundTermPattern,
    predicate: &NamedNodePattern,
    object: &GroundTermPattern,
) -> Option<usize> {
    COUNTS.with(|c| c.borrow().as_ref()?.get(&pattern_key(subject, predicate, object)).copied())
}
