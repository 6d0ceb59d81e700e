//! Bearer-token check for the routes that write (updates, Graph Store writes, ingest).

use sha2::{Digest, Sha256};

/// The expected token, kept only as a digest: comparing fixed-length digests in constant time
/// leaks neither the token's bytes nor its length through timing.
#[derive(Clone)]
pub struct Token([u8; 32]);

impl Token {
    pub fn new(token: &str) -> Self {
        Self(Sha256::digest(token.as_bytes()).into())
    }

    /// Whether `candidate` is the token, in time independent of where they differ.
    pub fn matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        let diff = self.0.iter().zip(digest.iter()).fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(diff) == 0
    }
}

/// Why a write was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The server was started without `--allow-updates` (403).
    Disabled,
    /// No `Authorization: Bearer …` header (401).
    Missing,
    /// A bearer token that is not ours (401).
    Wrong,
}

/// Check an `Authorization` header value against the configured token (`None`: writes are off).
pub fn check(expected: Option<&Token>, authorization: Option<&str>) -> Result<(), Refusal> {
    let Some(expected) = expected else {
        return Err(Refusal::Disabled);
    };
    let Some(value) = authorization.map(str::trim) else {
        return Err(Refusal::Missing);
    };
    let (scheme, credentials) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Refusal::Missing);
    }
    let credentials = credentials.trim();
    if credentials.is_empty() {
        return Err(Refusal::Missing);
    }
    if expected.matches(credentials) { Ok(()) } else { Err(Refusal::Wrong) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_matches_only_itself() {
        let t = Token::new("s3cret");
        assert!(t.matches("s3cret"));
        assert!(!t.matches("s3cre"));
        assert!(!t.matches("s3crett"));
        assert!(!t.matches(""));
        assert!(!t.matches("S3CRET"));
    }

    #[test]
    fn header_checks() {
        let t = Token::new("s3cret");
        assert_eq!(check(None, Some("Bearer s3cret")), Err(Refusal::Disabled));
        assert_eq!(check(Some(&t), None), Err(Refusal::Missing));
        assert_eq!(check(Some(&t), Some("Bearer")), Err(Refusal::Missing));
        assert_eq!(check(Some(&t), Some("Basic czNjcmV0")), Err(Refusal::Missing));
        assert_eq!(check(Some(&t), Some("Bearer nope")), Err(Refusal::Wrong));
        assert_eq!(check(Some(&t), Some("Bearer s3cret")), Ok(()));
        assert_eq!(check(Some(&t), Some("bearer   s3cret ")), Ok(()));
    }
}
