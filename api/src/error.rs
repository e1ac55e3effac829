//! The api's error type: every client-visible case has an `extensions.code`; internal errors
//! are logged with their cause chain and reach the client only as a generic message.

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;
use worker::error::DomainError;

/// Everything that can go wrong in a request, as the client should see it.
///
/// Deliberately not `Display`: async-graphql converts any `Display` type into an error
/// without a code, so a stray `?` would lose the code. Without it, the only conversion is the
/// one below, which always sets `extensions.code`.
#[derive(Debug)]
pub enum ApiError {
    /// The input breaks a rule; `field` is the path of the offending input field.
    BadUserInput { field: String, message: String },
    /// The thing asked for does not exist.
    NotFound(String),
    /// Someone changed it first: the caller acted on a stale version.
    Conflict(String),
    /// No valid API key was presented.
    Unauthenticated,
    /// The caller's role does not allow the operation; names the role it needs.
    Forbidden(&'static str),
    /// The role allows it, but not for this caller on this thing (why, in words).
    NotAllowed(String),
    /// Too many requests for this key.
    RateLimited { retry_after_seconds: u64 },
    /// A dependency (the database) is down or overloaded.
    ServiceUnavailable,
    /// A bug or an unexpected failure: logged, never described to the client.
    Internal(anyhow::Error),
}

impl ApiError {
    /// A `BAD_USER_INPUT` error for `field`.
    pub fn input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadUserInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message the client sees.
    pub fn message(&self) -> String {
        match self {
            ApiError::BadUserInput { field, message } => format!("{field}: {message}"),
            ApiError::NotFound(what) | ApiError::Conflict(what) | ApiError::NotAllowed(what) => what.clone(),
            ApiError::Unauthenticated => "a valid API key is required (Authorization: Bearer <key>)".into(),
            ApiError::Forbidden(role) => format!("this operation needs the {role} role"),
            ApiError::RateLimited { retry_after_seconds } => {
                format!("rate limit exceeded; retry after {retry_after_seconds} s")
            }
            ApiError::ServiceUnavailable => "the service is temporarily unavailable; retry shortly".into(),
            ApiError::Internal(_) => "internal error".into(),
        }
    }

    /// The `extensions.code` of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadUserInput { .. } => "BAD_USER_INPUT",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::Conflict(_) => "CONFLICT",
            ApiError::Unauthenticated => "UNAUTHENTICATED",
            ApiError::Forbidden(_) | ApiError::NotAllowed(_) => "FORBIDDEN",
            ApiError::RateLimited { .. } => "RATE_LIMITED",
            ApiError::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ApiError::Internal(_) => "INTERNAL",
        }
    }
}

/// Whether a database error means "the database is not reachable right now" rather than a
/// problem with this statement.
pub fn is_unavailable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(e) | DbErr::Query(e) => {
            let text = e.to_string();
            [
                "pool timed out",
                "pool closed",
                "connection refused",
                "broken pipe",
                "connection reset",
                "terminating connection",
                "error communicating",
                "io error",
                "database is locked",
            ]
            .iter()
            .any(|needle| text.to_lowercase().contains(needle))
        }
        _ => false,
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if is_unavailable(&err) {
            tracing::warn!(error = %err, "database unavailable");
            ApiError::ServiceUnavailable
        } else {
            ApiError::Internal(err.into())
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::Invalid { field, rule } => ApiError::BadUserInput { field, message: rule },
            DomainError::NotFound(what) => ApiError::NotFound(what),
            DomainError::Conflict(what) => ApiError::Conflict(what),
            DomainError::NotAllowed(why) => ApiError::NotAllowed(why),
            DomainError::Database(e) => e.into(),
        }
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        if let ApiError::Internal(cause) = &err {
            tracing::error!(error = ?cause, "internal error");
        }
        let code = err.code();
        let field = match &err {
            ApiError::BadUserInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        let retry_after = match &err {
            ApiError::RateLimited { retry_after_seconds } => Some(*retry_after_seconds),
            _ => None,
        };
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(field) = &field {
                ext.set("field", field.as_str());
            }
            if let Some(seconds) = retry_after {
                ext.set("retryAfter", seconds);
            }
        })
    }
}

/// Result type of services.
pub type ApiResult<T> = Result<T, ApiError>;
