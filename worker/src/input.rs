//! The rules every piece of text and every time from outside obeys, whatever it belongs to:
//! identifiers, free text, email addresses and RFC 3339 timestamps. Each function takes the
//! field's path for its error and returns the value in its valid form.

use chrono::{DateTime, Utc};

use crate::{
    clock,
    error::{DomainError, DomainResult},
};

/// Longest identifier (external ids, student references).
pub const MAX_ID_CHARS: usize = 200;

/// A required identifier-like string: trimmed, 1..=max characters, no control characters
/// at all (free text may hold newlines and tabs; an identifier may not).
pub fn identifier(field: &str, value: &str, max: usize) -> DomainResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(DomainError::invalid(field, "must not contain control characters"));
    }
    text(field, trimmed, max)
}

/// Free text: at most `max` characters, no control characters (newlines and tabs allowed).
pub fn text(field: &str, value: &str, max: usize) -> DomainResult<String> {
    if value.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(DomainError::invalid(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

/// An email address like `name@example.com` (at most 320 characters, no spaces).
pub fn email(field: &str, value: &str) -> DomainResult<String> {
    let email = identifier(field, value, 320)?;
    let valid = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
    }) && !email.contains(char::is_whitespace);
    if !valid {
        return Err(DomainError::invalid(
            field,
            "must be an email address like name@example.com",
        ));
    }
    Ok(email)
}

/// An RFC 3339 timestamp with an offset (`2026-03-02T15:00:00Z`, `...+01:00`), in UTC and at
/// the precision the databases keep.
pub fn timestamp(field: &str, value: &str) -> DomainResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| clock::to_db_precision(t.with_timezone(&Utc)))
        .map_err(|_| {
            DomainError::invalid(
                field,
                "must be an RFC 3339 timestamp with an offset, e.g. 2026-03-02T15:00:00Z",
            )
        })
}

/// An optional timestamp.
pub fn optional_timestamp(field: &str, value: Option<&str>) -> DomainResult<Option<DateTime<Utc>>> {
    value.map(|v| timestamp(field, v)).transpose()
}
