//! The rules every piece of text and every time from outside obeys, whatever it belongs to:
//! identifiers, free text, email addresses and RFC 3339 timestamps. Each function takes the
//! field's path for its error and returns the value in its valid form.
//!
//! Text that could deceive a reader is refused: bidirectional controls (a right-to-left
//! override makes `gpj.exe` read as `exe.jpg` in an email subject) and identifiers made only
//! of invisible characters. Ordinary Unicode (accents, scripts, emoji with joiners) is kept.

use chrono::{DateTime, Timelike, Utc};

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
    if trimmed.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err(DomainError::invalid(
            field,
            "must contain a visible character (not only zero-width ones)",
        ));
    }
    text(field, trimmed, max)
}

/// Bidirectional embeddings, overrides, isolates and marks: they reorder how the text around
/// them is displayed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Characters that take no space on screen: zero-width space and joiners, word joiner, the
/// byte-order mark, soft hyphen, and the other invisible operators.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}' | '\u{180E}')
        || is_bidi_control(c)
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
    if value.chars().any(is_bidi_control) {
        return Err(DomainError::invalid(
            field,
            "must not contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C)",
        ));
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
/// the precision the databases keep; never a leap second.
pub fn timestamp(field: &str, value: &str) -> DomainResult<DateTime<Utc>> {
    let time = DateTime::parse_from_rfc3339(value.trim())
        .map(|t| clock::to_db_precision(t.with_timezone(&Utc)))
        .map_err(|_| {
            DomainError::invalid(
                field,
                "must be an RFC 3339 timestamp with an offset, e.g. 2026-03-02T15:00:00Z",
            )
        })?;
    not_leap_second(field, time)
}

/// Refuses a leap second (`23:59:60`): chrono and RFC 3339 accept it, but JavaScript's
/// `Date` and most databases do not, so it would break every reader downstream.
pub fn not_leap_second(field: &str, time: DateTime<Utc>) -> DomainResult<DateTime<Utc>> {
    if time.nanosecond() >= 1_000_000_000 {
        return Err(DomainError::invalid(
            field,
            "must not be a leap second (seconds must be 00-59)",
        ));
    }
    Ok(time)
}

/// An optional timestamp.
pub fn optional_timestamp(field: &str, value: Option<&str>) -> DomainResult<Option<DateTime<Utc>>> {
    value.map(|v| timestamp(field, v)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(result: DomainResult<impl std::fmt::Debug>) -> String {
        match result {
            Err(DomainError::Invalid { rule, .. }) => rule,
            other => panic!("expected a broken rule, got {other:?}"),
        }
    }

    #[test]
    fn leap_seconds_are_refused_and_ordinary_seconds_kept() {
        assert!(rule(timestamp("t", "2016-12-31T23:59:60Z")).contains("leap second"));
        assert!(rule(timestamp("t", "2016-12-31T23:59:60.5+01:00")).contains("leap second"));
        assert!(timestamp("t", "2016-12-31T23:59:59Z").is_ok());
    }

    #[test]
    fn deceptive_text_is_refused_and_ordinary_unicode_kept() {
        assert!(rule(identifier("name", "\u{200b}\u{feff}", 50)).contains("visible"));
        assert!(rule(identifier("name", " \u{200d} ", 50)).contains("visible"));
        assert!(rule(identifier("name", "invoice\u{202e}gpj.exe", 50)).contains("bidirectional"));
        assert!(rule(text("reason", "late \u{2066}x\u{2069}", 50)).contains("bidirectional"));
        for name in [
            "Zoë Ångström",
            "محمد",
            "李小龙",
            "👩\u{200d}🏫 Ana",
            "O'Brien-Smith",
        ] {
            assert_eq!(identifier("name", name, 50).unwrap(), name);
        }
    }
}
