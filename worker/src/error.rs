//! The core's error type: what the domain services report to their callers. A broken input
//! rule carries the path of the offending field and the rule in words, so that the transport
//! (the api) can tell the client exactly what to fix; database failures stay database errors
//! for the transport to classify (unavailable or internal).

use sea_orm::DbErr;

/// Why a domain operation did not happen. Nothing was written when one of these is returned.
///
/// Deliberately not `Display`: async-graphql turns any `Display` error into a GraphQL error
/// without a code, so a stray `?` in a resolver would lose the code. The api converts this
/// type into its own error, which always sets one.
#[derive(Debug)]
pub enum DomainError {
    /// The input breaks a rule: `field` is its path (`input.reschedule.requestedAt`), `rule`
    /// what is wrong with it.
    Invalid { field: String, rule: String },
    /// The thing asked for does not exist.
    NotFound(String),
    /// Someone else changed it first (the caller acted on a stale version).
    Conflict(String),
    /// The caller's role allows the operation, but not on this thing (why, in words).
    NotAllowed(String),
    /// The database refused or could not be reached.
    Database(DbErr),
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        Self::Database(err)
    }
}

impl DomainError {
    /// A broken rule of `field`.
    pub fn invalid(field: impl Into<String>, rule: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            rule: rule.into(),
        }
    }
}

/// Result of the domain services.
pub type DomainResult<T> = Result<T, DomainError>;
