//! The rules every stored session keeps, checked on typed values ([`SessionDraft`]) so that
//! every writer (the api after parsing text, the demo generator, tests) goes through the same
//! checks and derives the same values.

use chrono::{DateTime, Duration, Utc};
use entity::{RescheduleInitiator, SessionStatus};
use uuid::Uuid;

use crate::{
    error::{DomainError, DomainResult},
    input::{self, MAX_ID_CHARS},
    tutors::TutorRef,
};

/// Longest reschedule reason in words.
pub const MAX_REASON_CHARS: usize = 1000;
/// Longest reschedule reason code.
pub const MAX_REASON_CODE_CHARS: usize = 64;
/// Shortest and longest booked length, in minutes.
pub const MIN_MINUTES: i32 = 5;
pub const MAX_MINUTES: i32 = 480;
/// Sessions further than this from now (either way) are refused as implausible.
pub const MAX_DISTANCE_DAYS: i64 = 400;
/// A reschedule is asked for at most this long before the original start, and moves the
/// session at most this far after it.
pub const MAX_RESCHEDULE_DAYS: i64 = 365;

/// A session with typed values, not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionDraft {
    pub external_id: String,
    pub tutor: TutorRef,
    pub student_ref: String,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_minutes: i32,
    pub status: SessionStatus,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub rating: Option<i32>,
    pub reschedule: Option<RescheduleDraft>,
    /// When the student booked it, if the integrator says.
    pub booked_at: Option<DateTime<Utc>>,
}

/// Reschedule details with typed values, not yet checked.
#[derive(Debug, Clone, PartialEq)]
pub struct RescheduleDraft {
    pub initiator: RescheduleInitiator,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub new_start: Option<DateTime<Utc>>,
    pub requested_at: DateTime<Utc>,
}

/// A session that passed every rule (only [`ValidSession::check`] makes one).
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
    /// When the student booked it, if the integrator says (not after the start, not ahead of
    /// now).
    pub booked_at: Option<DateTime<Utc>>,
}

/// Reschedule details that passed every rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidReschedule {
    pub initiator: RescheduleInitiator,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub new_start: Option<DateTime<Utc>>,
    pub requested_at: DateTime<Utc>,
    /// Hours between the request and the original start, to the hundredth.
    pub notice_hours: f64,
}

/// Hours of notice a reschedule gave: from the request to the original start, rounded to the
/// hundredth (negative when asked for after the start).
pub fn notice_hours(original_start: DateTime<Utc>, requested_at: DateTime<Utc>) -> f64 {
    let minutes = (original_start - requested_at).num_seconds() as f64 / 60.0;
    (minutes / 60.0 * 100.0).round() / 100.0
}

/// The first session of a tutor-student pair: the earliest by scheduled start, ties broken by
/// id (sessions may arrive out of order, e.g. in a backfill).
pub fn first_session(pair: impl IntoIterator<Item = (DateTime<Utc>, Uuid)>) -> Option<Uuid> {
    pair.into_iter().min().map(|(_, id)| id)
}

fn forbid_actual_times(path: &str, draft: &SessionDraft, status: &str) -> DomainResult<()> {
    for (name, value) in [
        ("actualStart", draft.actual_start),
        ("actualEnd", draft.actual_end),
    ] {
        if value.is_some() {
            return Err(DomainError::invalid(
                format!("{path}.{name}"),
                format!("must be absent for a {status} session"),
            ));
        }
    }
    Ok(())
}

impl ValidSession {
    /// Checks every rule at `now`; `path` prefixes field names in errors (`input`,
    /// `inputs[3]`). Text is trimmed and checked as the api's input rules say.
    pub fn check(path: &str, draft: SessionDraft, now: DateTime<Utc>) -> DomainResult<Self> {
        let field = |name: &str| format!("{path}.{name}");
        let external_id = input::identifier(&field("externalId"), &draft.external_id, MAX_ID_CHARS)?;
        let tutor = match &draft.tutor {
            TutorRef::ExternalId(external) => TutorRef::ExternalId(input::identifier(
                &field("tutorExternalId"),
                external,
                MAX_ID_CHARS,
            )?),
            id => id.clone(),
        };
        let student_ref = input::identifier(&field("studentRef"), &draft.student_ref, MAX_ID_CHARS)?;
        let status = draft.status;
        // Typed values may come from elsewhere than text (the demo generator, tests): the
        // leap-second rule holds for them too.
        for (name, value) in [
            ("scheduledStart", Some(draft.scheduled_start)),
            ("actualStart", draft.actual_start),
            ("actualEnd", draft.actual_end),
            ("bookedAt", draft.booked_at),
        ] {
            if let Some(value) = value {
                input::not_leap_second(&field(name), value)?;
            }
        }
        let scheduled_start = draft.scheduled_start;
        if (scheduled_start - now).num_days().abs() > MAX_DISTANCE_DAYS {
            return Err(DomainError::invalid(
                field("scheduledStart"),
                format!("must be within {MAX_DISTANCE_DAYS} days of now"),
            ));
        }
        if !(MIN_MINUTES..=MAX_MINUTES).contains(&draft.scheduled_minutes) {
            return Err(DomainError::invalid(
                field("scheduledMinutes"),
                format!("must be between {MIN_MINUTES} and {MAX_MINUTES}"),
            ));
        }
        let scheduled_end = scheduled_start + Duration::minutes(draft.scheduled_minutes.into());

        match status {
            SessionStatus::Completed => {
                let start = draft.actual_start.ok_or_else(|| {
                    DomainError::invalid(field("actualStart"), "is required for a completed session")
                })?;
                let end = draft.actual_end.ok_or_else(|| {
                    DomainError::invalid(field("actualEnd"), "is required for a completed session")
                })?;
                if end < start {
                    return Err(DomainError::invalid(
                        field("actualEnd"),
                        "must not be before actualStart",
                    ));
                }
                if end - start > Duration::hours(12) {
                    return Err(DomainError::invalid(
                        field("actualEnd"),
                        "must be within 12 hours of actualStart",
                    ));
                }
                if (start - scheduled_start).num_hours().abs() >= 12 {
                    return Err(DomainError::invalid(
                        field("actualStart"),
                        "must be within 12 hours of scheduledStart",
                    ));
                }
            }
            SessionStatus::Rescheduled => forbid_actual_times(path, &draft, "rescheduled")?,
            SessionStatus::TutorNoShow | SessionStatus::StudentNoShow => {
                forbid_actual_times(path, &draft, "no-show")?
            }
            SessionStatus::Cancelled => forbid_actual_times(path, &draft, "cancelled")?,
            SessionStatus::Scheduled => forbid_actual_times(path, &draft, "scheduled")?,
        }
        if let Some(booked) = draft.booked_at {
            if booked > scheduled_start {
                return Err(DomainError::invalid(
                    field("bookedAt"),
                    "must not be after scheduledStart",
                ));
            }
            if booked > now + Duration::minutes(5) {
                return Err(DomainError::invalid(
                    field("bookedAt"),
                    "must not be in the future",
                ));
            }
            if (scheduled_start - booked).num_days() > MAX_DISTANCE_DAYS {
                return Err(DomainError::invalid(
                    field("bookedAt"),
                    format!("must be within {MAX_DISTANCE_DAYS} days before scheduledStart"),
                ));
            }
        }

        let rating = match draft.rating {
            None => None,
            Some(_) if status != SessionStatus::Completed => {
                return Err(DomainError::invalid(
                    field("rating"),
                    "only a completed session can be rated",
                ));
            }
            Some(r) if (1..=5).contains(&r) => Some(r as i16),
            Some(_) => return Err(DomainError::invalid(field("rating"), "must be between 1 and 5")),
        };

        let reschedule = match (draft.reschedule, status) {
            (None, SessionStatus::Rescheduled) => {
                return Err(DomainError::invalid(
                    field("reschedule"),
                    "is required for a rescheduled session (with its initiator)",
                ));
            }
            (Some(_), s) if s != SessionStatus::Rescheduled => {
                return Err(DomainError::invalid(
                    field("reschedule"),
                    "is only allowed when status is RESCHEDULED",
                ));
            }
            (None, _) => None,
            (Some(r), _) => Some(ValidReschedule::check(
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
            scheduled_minutes: draft.scheduled_minutes,
            status,
            actual_start: draft.actual_start,
            actual_end: draft.actual_end,
            rating,
            reschedule,
            booked_at: draft.booked_at,
        })
    }
}

impl ValidReschedule {
    fn check(
        path: &str,
        r: RescheduleDraft,
        original_start: DateTime<Utc>,
        original_end: DateTime<Utc>,
    ) -> DomainResult<Self> {
        let field = |name: &str| format!("{path}.{name}");
        input::not_leap_second(&field("requestedAt"), r.requested_at)?;
        if let Some(new_start) = r.new_start {
            input::not_leap_second(&field("newStart"), new_start)?;
        }
        let reason_code = match &r.reason_code {
            Some(code) => {
                let code = input::identifier(&field("reasonCode"), code, MAX_REASON_CODE_CHARS)?;
                if !code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                {
                    return Err(DomainError::invalid(
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
            .map(|t| input::text(&field("reason"), t, MAX_REASON_CHARS))
            .transpose()?;
        if r.new_start.is_some_and(|new_start| new_start <= original_start) {
            return Err(DomainError::invalid(
                field("newStart"),
                "must be after the original scheduledStart",
            ));
        }
        if r.new_start
            .is_some_and(|new_start| new_start - original_start > Duration::days(MAX_RESCHEDULE_DAYS))
        {
            return Err(DomainError::invalid(
                field("newStart"),
                format!("must be within {MAX_RESCHEDULE_DAYS} days after the original scheduledStart"),
            ));
        }
        if r.requested_at > original_end {
            return Err(DomainError::invalid(
                field("requestedAt"),
                "must not be after the original session's end",
            ));
        }
        if original_start - r.requested_at > Duration::days(MAX_RESCHEDULE_DAYS) {
            return Err(DomainError::invalid(
                field("requestedAt"),
                format!("must be within {MAX_RESCHEDULE_DAYS} days before the original scheduledStart"),
            ));
        }
        Ok(ValidReschedule {
            initiator: r.initiator,
            reason_code,
            reason,
            new_start: r.new_start,
            requested_at: r.requested_at,
            notice_hours: notice_hours(original_start, r.requested_at),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
    }

    fn rescheduled(requested_at: DateTime<Utc>, new_start: Option<DateTime<Utc>>) -> SessionDraft {
        SessionDraft {
            external_id: "s-1".into(),
            tutor: TutorRef::ExternalId("t-1".into()),
            student_ref: "student-1".into(),
            scheduled_start: now(),
            scheduled_minutes: 60,
            status: SessionStatus::Rescheduled,
            actual_start: None,
            actual_end: None,
            rating: None,
            reschedule: Some(RescheduleDraft {
                initiator: RescheduleInitiator::Tutor,
                reason_code: None,
                reason: None,
                new_start,
                requested_at,
            }),
            booked_at: None,
        }
    }

    fn broken(draft: SessionDraft) -> (String, String) {
        match ValidSession::check("input", draft, now()) {
            Err(DomainError::Invalid { field, rule }) => (field, rule),
            other => panic!("expected a broken rule, got {other:?}"),
        }
    }

    #[test]
    fn reschedule_times_must_lie_within_a_year_of_the_session() {
        let year_one = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
        let (field, rule) = broken(rescheduled(year_one, None));
        assert_eq!(field, "input.reschedule.requestedAt");
        assert!(rule.contains("365 days before"), "{rule}");
        let far = Utc.with_ymd_and_hms(9999, 1, 1, 0, 0, 0).unwrap();
        let (field, rule) = broken(rescheduled(now() - Duration::hours(2), Some(far)));
        assert_eq!(field, "input.reschedule.newStart");
        assert!(rule.contains("365 days after"), "{rule}");
        let fine = rescheduled(now() - Duration::days(300), Some(now() + Duration::days(300)));
        assert!(ValidSession::check("input", fine, now()).is_ok());
    }

    #[test]
    fn leap_seconds_in_typed_values_are_refused() {
        let leap = NaiveDate::from_ymd_opt(2026, 11, 1)
            .unwrap()
            .and_hms_milli_opt(23, 59, 59, 1_500)
            .unwrap()
            .and_utc();
        let (field, rule) = broken(rescheduled(leap, None));
        assert_eq!(field, "input.reschedule.requestedAt");
        assert!(rule.contains("leap second"), "{rule}");
    }
}
