//! Per-article isolation: a bug that one article trips (a panic anywhere in reading,
//! extraction or the RDF mapping) becomes that article's named failure, and the batch goes on.
//!
//! Every batch path shares it: reading ([`crate::ingest::read_bytes`],
//! [`crate::ingest::html::article_from_html`]), then `extract`, `ingest` and `explain` on the
//! command line (through [`article`]; `explain`'s rendering through [`explain`]), and `POST /ingest` through
//! [`crate::store::ingest_article`]. A stack overflow cannot be caught this way (it aborts);
//! the recursive stages bound their depth instead (see [`crate::ingest::html`]). Needs
//! `panic = "unwind"` (the default; the profiles keep it).

use crate::error::{Error, Result};
use crate::model::{Article, Extraction};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Run `f` for the article named `source`; a panic inside becomes [`Error::Internal`].
///
/// `AssertUnwindSafe` is sound here: `f` borrows shared, read-only state (the compiled
/// lexicon, the article) and whatever it builds is dropped with the panic; the one shared
/// mutable state on these paths, the online linker's cache, recovers from a poisoned lock.
pub fn run<T>(source: &str, f: impl FnOnce() -> T) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Error::Internal { input: source.to_string(), problem: what }
    })
}

/// Run `f`, the per-article work on `article` (extraction, linking, RDF mapping), under [`run`],
/// named by the article's source; the one entry point every batch path uses.
pub fn article<T>(article: &Article, f: impl FnOnce() -> T) -> Result<T> {
    run(&article.source, || {
        fault::check(article);
        f()
    })
}

/// `explain`'s rendering of one article under [`run`], named by its source, into memory: a bug
/// while rendering is that article's failure, and leaves no half-written explanation behind.
pub fn explain(format: crate::explain::ExplainFormat, a: &Article, ex: &Extraction) -> Result<Vec<u8>> {
    run(&a.source, || {
        fault::check_explain(a);
        let mut buf = Vec::new();
        crate::explain::write(&mut buf, format, a, ex).map(|()| buf)
    })?
    .map_err(|e| Error::Internal { input: a.source.clone(), problem: format!("rendering the explanation: {e}") })
}

impl crate::Extractor {
    /// [`Self::extract`] under [`article`]: the article's failure instead of the batch's.
    pub fn extract_isolated(&self, a: &Article) -> Result<Extraction> {
        article(a, || self.extract(a))
    }
}

/// A deliberate fault for proving the isolation through the real batch paths. Compiled only
/// into unit tests and `--features fault-injection` builds, never into a normal build.
pub mod fault {
    /// Articles whose text contains this marker panic in extraction (in fault-injection builds).
    pub const MARKER: &str = "REALPOLITIK-INJECTED-FAULT";

    #[cfg(any(test, feature = "fault-injection"))]
    pub(crate) fn check(article: &crate::model::Article) {
        if article.text.contains(MARKER) {
            panic!("injected fault ({MARKER})");
        }
    }

    #[cfg(not(any(test, feature = "fault-injection")))]
    #[inline(always)]
    pub(crate) fn check(_: &crate::model::Article) {}

    /// Articles whose text contains this marker panic while `explain` renders them (in
    /// fault-injection builds); extraction goes through.
    pub const EXPLAIN_MARKER: &str = "REALPOLITIK-INJECTED-EXPLAIN-FAULT";

    #[cfg(any(test, feature = "fault-injection"))]
    pub(crate) fn check_explain(article: &crate::model::Article) {
        if article.text.contains(EXPLAIN_MARKER) {
            panic!("injected fault ({EXPLAIN_MARKER})");
        }
    }

    #[cfg(not(any(test, feature = "fault-injection")))]
    #[inline(always)]
    pub(crate) fn check_explain(_: &crate::model::Article) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Kind, read_bytes};

    #[test]
    fn a_panicking_article_is_named_and_the_others_go_on() {
        let x = crate::Extractor::shared().unwrap();
        let src = format!(
            "{{\"text\":\"Russia sanctioned Iran.\"}}\n{{\"text\":\"{}\"}}\n{{\"text\":\"France sanctioned Syria.\"}}\n",
            fault::MARKER
        );
        let out: Vec<_> = read_bytes("b.jsonl", src.as_bytes(), Kind::Jsonl)
            .into_iter()
            .map(|a| a.and_then(|a| x.extract_isolated(&a)))
            .collect();
        assert!(out[0].as_ref().is_ok_and(|e| !e.sanctions.is_empty()));
        let e = out[1].as_ref().unwrap_err().to_string();
        assert!(e.starts_with("b.jsonl:2: ") && e.contains("injected fault"), "{e}");
        assert!(out[2].as_ref().is_ok_and(|e| !e.sanctions.is_empty()));
    }

    /// The server's path: the faulting article is its error and writes nothing; the store
    /// takes the next article as usual.
    #[test]
    fn ingest_article_turns_a_panic_into_the_articles_error() {
        let st = oxigraph::store::Store::new().unwrap();
        let bad = crate::ingest::article_from_text("bad.txt", &format!("Russia sanctioned Iran. {}", fault::MARKER), None, None, None).unwrap();
        let e = crate::store::ingest_article(&st, &bad).unwrap_err();
        assert!(matches!(e, Error::Internal { .. }) && e.to_string().starts_with("bad.txt: internal error"), "{e}");
        assert_eq!(st.len().unwrap(), 0);
        let good = crate::ingest::article_from_text("good.txt", "Russia sanctioned Iran.", None, None, None).unwrap();
        assert_eq!(crate::store::ingest_article(&st, &good).unwrap().sanctions, 1);
    }
}
