//! Library errors: each names the input it concerns, so a batch can report and move on.

use std::path::PathBuf;

/// Result alias for the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input (file, line, URL) that cannot become an article.
    #[error("{input}: {problem}")]
    Input { input: String, problem: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A bundled data file (gazetteer, lexicon) is malformed: a build defect, not user input.
    #[error("data file {file}, line {line}: {problem}")]
    Data { file: &'static str, line: usize, problem: String },
    #[error("store {path}: {message}")]
    Store { path: String, message: String },
    #[error("SPARQL query: {0}")]
    Query(String),
    /// A query the parser rejected, with the position as the user wrote it. (Not a
    /// `#[source]`: the message is already whole, and `{:#}` would print it twice.)
    #[error("SPARQL query: {0}")]
    QuerySyntax(crate::query::syntax::SyntaxError),
    #[error("RDF: {0}")]
    Rdf(String),
    #[error("{0}")]
    Network(String),
    /// A bug met while processing one input (a caught panic): that input fails, the batch goes on.
    #[error("{input}: internal error, article skipped: {problem} (a bug: please report it with the article)")]
    Internal { input: String, problem: String },
}

impl From<crate::query::syntax::SyntaxError> for Error {
    fn from(e: crate::query::syntax::SyntaxError) -> Self {
        Self::QuerySyntax(e)
    }
}

impl Error {
    pub fn input(input: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Input { input: input.into(), problem: problem.into() }
    }
}
