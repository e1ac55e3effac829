//! Parsing `recordSession` input into a [`ValidSession`]: every rule is checked here, at the
//! edge, and a broken one is reported with the path of the field and the rule in words.

use chrono::{DateTime, Duration, Utc};
use entity::{RescheduleInitiator, SessionStatus};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// How the integrator names the tutor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TutorRef {
    /// Our id.
    Id(Uuid),
    /// The integrator's id.
    ExternalId(String),
}

/// A session as the integrator sent it, before any check. Times are the strings as sent, so
/// that a malformed one is reported with its field name.
#[derive(Debug, Clone, Default)]
pub struct RawSession {
    pub external_id: String,
    pub tutor_id: Option<String>,
    pub tutor_external_id: Option<String>,
    pub student_ref: String,
    pub scheduled_start: String,
    pub scheduled_minutes: i32,
    pub status: Option<SessionStatus>,
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
    pub rating: Option<i32>,
    pub reschedule: Option<RawReschedule>,
}

/// Reschedule details as sent.
#[derive(Debug, Clone)]
pub struct RawReschedule {
    pub initiator: RescheduleInitiator,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub new_start: Option<String>,
    pub requested_at: String,
}

/// A session that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidSession {
    pub external_id: String,
    pub tutor: TutorRef,
    pub student_ref: String,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_minutes: i32,
    pub status: SessionStatus,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub rating: Option<i16>,
    pub reschedule: Option<ValidReschedule>,
}

/// Reschedule details that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidReschedule {
    pub initiator: RescheduleInitiator,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub new_start: Option<DateTime<Utc>>,
    pub requested_at: DateTime<Utc>,
    pub notice_hours: f64,
}

/// Limits of the input rules.
pub const MAX_ID_CHARS: usize = 200;
pub const MAX_REASON_CHARS: usize = 1000;
pub const MAX_REASON_CODE_CHARS: usize = 64;
pub const MIN_MINUTES: i32 = 5;
pub const MAX_MINUTES: i32 = 480;
/// Sessions further than this from now (either way) are rejected as implausible.
pub const MAX_DISTANCE_DAYS: i64 = 400;

/// A required identifier-like string: trimmed, 1..=max characters, no control characters.
pub fn identifier(field: &str, value: &str, max: usize) -> ApiResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::input(field, "must not be empty"));
    }
    text(field, trimmed, max)
}

/// Free text: at most `max` characters, no control characters (newlines and tabs allowed).
pub fn text(field: &str, value: &str, max: usize) -> ApiResult<String> {
    if value.chars().count() > max {
        return Err(ApiError::input(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(ApiError::input(field, "must not contain control characters"));
    }
    Ok(value.to_owned())
}

/// An RFC 3339 timestamp with an offset (`2026-03-02T15:00:00Z`, `...+01:00`), in UTC and at
/// the precision the databases keep.
pub fn timestamp(field: &str, value: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| worker::clock::to_db_precision(t.with_timezone(&Utc)))
        .map_err(|_| {
            ApiError::input(
                field,
                "must be an RFC 3339 timestamp with an offset, e.g. 2026-03-02T15:00:00Z",
            )
        })
}

fn optional_timestamp(field: &str, value: Option<&String>) -> ApiResult<Option<DateTime<Utc>>> {
    value.map(|v| timestamp(field, v)).transpose()
}

fn forbid_actual_times(path: &str, raw: &RawSession, status: &str) -> ApiResult<()> {
    if raw.actual_start.is_some() {
        return Err(ApiError::input(
            format!("{path}.actualStart"),
            format!("must be absent for a {status} session"),
        ));
    }
    if raw.actual_end.is_some() {
        return Err(ApiError::input(
            format!("{path}.actualEnd"),
            format!("must be absent for a {status} session"),
        ));
    }
    Ok(())
}

/// Checks every rule; `path` prefixes field names in errors (`input`, `inputs[3]`).
pub fn validate(path: &str, raw: &RawSession, now: DateTime<Utc>) -> ApiResult<ValidSession> {
    let field = |name: &str| format!("{path}.{name}");
    let external_id = identifier(&field("externalId"), &raw.external_id, MAX_ID_CHARS)?;
    let tutor = match (&raw.tutor_id, &raw.tutor_external_id) {
        (Some(id), None) => TutorRef::Id(
            Uuid::parse_str(id.trim())
                .map_err(|_| ApiError::input(field("tutorId"), "must be a tutor id (a UUID)"))?,
        ),
        (None, Some(external)) => {
            TutorRef::ExternalId(identifier(&field("tutorExternalId"), external, MAX_ID_CHARS)?)
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::input(
                field("tutorId"),
                "give either tutorId or tutorExternalId, not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::input(
                field("tutorId"),
                "tutorId or tutorExternalId is required",
            ));
        }
    };
    let student_ref = identifier(&field("studentRef"), &raw.student_ref, MAX_ID_CHARS)?;
    let status = raw
        .status
        .ok_or_else(|| ApiError::input(field("status"), "is required"))?;
    let scheduled_start = timestamp(&field("scheduledStart"), &raw.scheduled_start)?;
    let actual_start = optional_timestamp(&field("actualStart"), raw.actual_start.as_ref())?;
    let actual_end = optional_timestamp(&field("actualEnd"), raw.actual_end.as_ref())?;

    if (scheduled_start - now).num_days().abs() > MAX_DISTANCE_DAYS {
        return Err(ApiError::input(
            field("scheduledStart"),
            format!("must be within {MAX_DISTANCE_DAYS} days of now"),
        ));
    }
    if !(MIN_MINUTES..=MAX_MINUTES).contains(&raw.scheduled_minutes) {
        return Err(ApiError::input(
            field("scheduledMinutes"),
            format!("must be between {MIN_MINUTES} and {MAX_MINUTES}"),
        ));
    }
    let scheduled_end = scheduled_start + Duration::minutes(raw.scheduled_minutes.into());

    match status {
        SessionStatus::Completed => {
            let start = actual_start.ok_or_else(|| {
                ApiError::input(field("actualStart"), "is required for a completed session")
            })?;
            let end = actual_end
                .ok_or_else(|| ApiError::input(field("actualEnd"), "is required for a completed session"))?;
            if end < start {
                return Err(ApiError::input(
                    field("actualEnd"),
                    "must not be before actualStart",
                ));
            }
            if end - start > Duration::hours(12) {
                return Err(ApiError::input(
                    field("actualEnd"),
                    "must be within 12 hours of actualStart",
                ));
            }
            if (start - scheduled_start).num_hours().abs() >= 12 {
                return Err(ApiError::input(
                    field("actualStart"),
                    "must be within 12 hours of scheduledStart",
                ));
            }
        }
        SessionStatus::Rescheduled => forbid_actual_times(path, raw, "rescheduled")?,
        SessionStatus::TutorNoShow | SessionStatus::StudentNoShow => {
            forbid_actual_times(path, raw, "no-show")?
        }
        SessionStatus::Cancelled => forbid_actual_times(path, raw, "cancelled")?,
    }

    let rating = match raw.rating {
        None => None,
        Some(_) if status != SessionStatus::Completed => {
            return Err(ApiError::input(
                field("rating"),
                "only a completed session can be rated",
            ));
        }
        Some(r) if (1..=5).contains(&r) => Some(r as i16),
        Some(_) => return Err(ApiError::input(field("rating"), "must be between 1 and 5")),
    };

    let reschedule = match (&raw.reschedule, status) {
        (None, SessionStatus::Rescheduled) => {
            return Err(ApiError::input(
                field("reschedule"),
                "is required for a rescheduled session (with its initiator)",
            ));
        }
        (Some(_), s) if s != SessionStatus::Rescheduled => {
            return Err(ApiError::input(
                field("reschedule"),
                "is only allowed when status is RESCHEDULED",
            ));
        }
        (None, _) => None,
        (Some(r), _) => Some(validate_reschedule(
            &field("reschedule"),
            r,
            scheduled_start,
            scheduled_end,
        )?),
    };

    Ok(ValidSession {
        external_id,
        tutor,
        student_ref,
        scheduled_start,
        scheduled_minutes: raw.scheduled_minutes,
        status,
        actual_start,
        actual_end,
        rating,
        reschedule,
    })
}

fn validate_reschedule(
    path: &str,
    r: &RawReschedule,
    original_start: DateTime<Utc>,
    original_end: DateTime<Utc>,
) -> ApiResult<ValidReschedule> {
    let field = |name: &str| format!("{path}.{name}");
    let reason_code = match &r.reason_code {
        Some(code) => {
            let code = identifier(&field("reasonCode"), code, MAX_REASON_CODE_CHARS)?;
            if !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(ApiError::input(
                    field("reasonCode"),
                    "must use only a-z, 0-9 and _ (e.g. platform_outage)",
                ));
            }
            Some(code)
        }
        None => None,
    };
    let reason = r
        .reason
        .as_deref()
        .map(|t| text(&field("reason"), t, MAX_REASON_CHARS))
        .transpose()?;
    let new_start = optional_timestamp(&field("newStart"), r.new_start.as_ref())?;
    let requested_at = timestamp(&field("requestedAt"), &r.requested_at)?;
    if new_start.is_some_and(|new_start| new_start <= original_start) {
        return Err(ApiError::input(
            field("newStart"),
            "must be after the original scheduledStart",
        ));
    }
    if requested_at > original_end {
        return Err(ApiError::input(
            field("requestedAt"),
            "must not be after the original session's end",
        ));
    }
    let notice_minutes = (original_start - requested_at).num_seconds() as f64 / 60.0;
    Ok(ValidReschedule {
        initiator: r.initiator,
        reason_code,
        reason,
        new_start,
        requested_at,
        notice_hours: (notice_minutes / 60.0 * 100.0).round() / 100.0,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use proptest::prelude::*;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
    }

    /// Timestamps as integrators might send them: valid ones with various offsets and
    /// precisions, ones without an offset, and garbage.
    fn timestamp_text() -> impl Strategy<Value = String> {
        prop_oneof![
            (
                -500i64..500,
                0u32..1_000_000,
                prop_oneof![Just("Z"), Just("+02:00"), Just("-05:30")]
            )
                .prop_map(|(hours, micros, offset)| {
                    let t = now() + Duration::hours(hours) + Duration::microseconds(micros.into());
                    format!("{}{offset}", t.naive_utc().format("%Y-%m-%dT%H:%M:%S%.6f"))
                }),
            Just("2026-11-01T10:00:00".to_string()),
            ".{0,40}",
        ]
    }

    fn raw_session() -> impl Strategy<Value = RawSession> {
        let status = prop_oneof![
            Just(SessionStatus::Completed),
            Just(SessionStatus::Rescheduled),
            Just(SessionStatus::TutorNoShow),
            Just(SessionStatus::StudentNoShow),
            Just(SessionStatus::Cancelled),
        ];
        let reschedule = (
            prop_oneof![
                Just(RescheduleInitiator::Tutor),
                Just(RescheduleInitiator::Student)
            ],
            proptest::option::of("[a-z_]{0,70}|.{0,10}"),
            proptest::option::of(".{0,1100}"),
            proptest::option::of(timestamp_text()),
            timestamp_text(),
        )
            .prop_map(
                |(initiator, reason_code, reason, new_start, requested_at)| RawReschedule {
                    initiator,
                    reason_code,
                    reason,
                    new_start,
                    requested_at,
                },
            );
        (
            (
                ".{0,210}",
                proptest::option::of("[0-9a-f-]{0,40}"),
                proptest::option::of(".{0,20}"),
                ".{0,210}",
            ),
            (timestamp_text(), -10i32..600, proptest::option::of(status)),
            (
                proptest::option::of(timestamp_text()),
                proptest::option::of(timestamp_text()),
                proptest::option::of(-2i32..8),
            ),
            proptest::option::of(reschedule),
        )
            .prop_map(
                |(
                    (external_id, tutor_id, tutor_external_id, student_ref),
                    (start, minutes, status),
                    times,
                    reschedule,
                )| {
                    RawSession {
                        external_id,
                        tutor_id,
                        tutor_external_id,
                        student_ref,
                        scheduled_start: start,
                        scheduled_minutes: minutes,
                        status,
                        actual_start: times.0,
                        actual_end: times.1,
                        rating: times.2,
                        reschedule,
                    }
                },
            )
    }

    proptest! {
        /// Whatever arrives, validation answers without panicking, and what it accepts keeps
        /// every rule the database and the scoring rely on.
        #[test]
        fn accepted_sessions_keep_every_rule(raw in raw_session()) {
            let Ok(valid) = validate("input", &raw, now()) else { return Ok(()) };
            for text in [&valid.external_id, &valid.student_ref] {
                prop_assert!(!text.is_empty() && text.chars().count() <= MAX_ID_CHARS);
                prop_assert_eq!(text.trim(), text.as_str());
                prop_assert!(!text.chars().any(char::is_control));
            }
            prop_assert!((MIN_MINUTES..=MAX_MINUTES).contains(&valid.scheduled_minutes));
            prop_assert!((valid.scheduled_start - now()).num_days().abs() <= MAX_DISTANCE_DAYS);
            prop_assert!(valid.rating.is_none_or(|r| (1..=5).contains(&r)));
            match valid.status {
                SessionStatus::Completed => {
                    let (start, end) = (valid.actual_start.unwrap(), valid.actual_end.unwrap());
                    prop_assert!(end >= start && end - start <= Duration::hours(12));
                }
                _ => prop_assert!(valid.actual_start.is_none() && valid.actual_end.is_none() && valid.rating.is_none()),
            }
            prop_assert_eq!(valid.reschedule.is_some(), valid.status == SessionStatus::Rescheduled);
            if let Some(r) = &valid.reschedule {
                prop_assert!(r.new_start.is_none_or(|n| n > valid.scheduled_start));
                let notice = (valid.scheduled_start - r.requested_at).num_seconds() as f64 / 3600.0;
                prop_assert!((notice - r.notice_hours).abs() < 0.01);
                prop_assert!(r.reason.as_ref().is_none_or(|t| t.chars().count() <= MAX_REASON_CHARS));
            }
        }

        /// A rejection always names a field of the input and says what is wrong.
        #[test]
        fn rejections_name_a_field(raw in raw_session()) {
            if let Err(ApiError::BadUserInput { field, message }) = validate("input", &raw, now()) {
                prop_assert!(field.starts_with("input."), "{}", field);
                prop_assert!(!message.is_empty());
            }
        }

        /// Completed sessions within every rule are accepted as sent.
        #[test]
        fn well_formed_completed_sessions_are_accepted(
            hours_ago in 0i64..2000,
            minutes in MIN_MINUTES..=MAX_MINUTES,
            late in -60i64..60,
            length in 0i64..700,
            rating in proptest::option::of(1i32..=5),
            student in "[a-zA-Z0-9 _-]{0,50}[a-z]",
        ) {
            let start = now() - Duration::hours(hours_ago);
            let actual_start = start + Duration::minutes(late);
            let raw = RawSession {
                external_id: format!("s-{hours_ago}-{late}"),
                tutor_external_id: Some("t-1".into()),
                student_ref: student.clone(),
                scheduled_start: start.to_rfc3339(),
                scheduled_minutes: minutes,
                status: Some(SessionStatus::Completed),
                actual_start: Some(actual_start.to_rfc3339()),
                actual_end: Some((actual_start + Duration::minutes(length)).to_rfc3339()),
                rating,
                ..RawSession::default()
            };
            let valid = validate("input", &raw, now()).unwrap();
            prop_assert_eq!(valid.student_ref, student.trim());
            prop_assert_eq!(valid.actual_start, Some(actual_start));
            prop_assert_eq!(valid.rating, rating.map(|r| r as i16));
        }

        /// Every RFC 3339 form with an offset is read as the same instant.
        #[test]
        fn timestamps_with_any_offset_mean_the_same_instant(minutes in -100_000i64..100_000, offset in -14i32..=14) {
            let instant = now() + Duration::minutes(minutes);
            let zone = chrono::FixedOffset::east_opt(offset * 3600).unwrap();
            let text = instant.with_timezone(&zone).to_rfc3339();
            prop_assert_eq!(timestamp("t", &text).unwrap(), instant);
        }
    }
}
