//! A session as the integrator sent it ([`RawSession`]: times as text, so that a malformed one
//! is reported with its field name), parsed into a [`SessionDraft`] and checked by
//! [`ValidSession::check`].

use chrono::{DateTime, Utc};
use entity::{RescheduleInitiator, SessionStatus};
use uuid::Uuid;

use super::valid::{RescheduleDraft, SessionDraft, ValidSession};
use crate::{
    error::{DomainError, DomainResult},
    input::{optional_timestamp, timestamp},
    tutors::TutorRef,
};

/// A session as the integrator sent it, before any check.
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
    pub booked_at: Option<String>,
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

impl RawSession {
    /// Parses and checks every rule; `path` prefixes field names in errors (`input`,
    /// `inputs[3]`).
    pub fn validate(&self, path: &str, now: DateTime<Utc>) -> DomainResult<ValidSession> {
        ValidSession::check(path, self.parse(path)?, now)
    }

    /// The typed values, or the first field that is not of its type.
    pub fn parse(&self, path: &str) -> DomainResult<SessionDraft> {
        let field = |name: &str| format!("{path}.{name}");
        let tutor = match (&self.tutor_id, &self.tutor_external_id) {
            (Some(id), None) => TutorRef::Id(
                Uuid::parse_str(id.trim())
                    .map_err(|_| DomainError::invalid(field("tutorId"), "must be a tutor id (a UUID)"))?,
            ),
            (None, Some(external)) => TutorRef::ExternalId(external.clone()),
            (Some(_), Some(_)) => {
                return Err(DomainError::invalid(
                    field("tutorId"),
                    "give either tutorId or tutorExternalId, not both",
                ));
            }
            (None, None) => {
                return Err(DomainError::invalid(
                    field("tutorId"),
                    "tutorId or tutorExternalId is required",
                ));
            }
        };
        let status = self
            .status
            .ok_or_else(|| DomainError::invalid(field("status"), "is required"))?;
        let reschedule = match &self.reschedule {
            None => None,
            Some(r) => {
                let field = |name: &str| format!("{path}.reschedule.{name}");
                Some(RescheduleDraft {
                    initiator: r.initiator,
                    reason_code: r.reason_code.clone(),
                    reason: r.reason.clone(),
                    new_start: optional_timestamp(&field("newStart"), r.new_start.as_deref())?,
                    requested_at: timestamp(&field("requestedAt"), &r.requested_at)?,
                })
            }
        };
        Ok(SessionDraft {
            external_id: self.external_id.clone(),
            tutor,
            student_ref: self.student_ref.clone(),
            scheduled_start: timestamp(&field("scheduledStart"), &self.scheduled_start)?,
            scheduled_minutes: self.scheduled_minutes,
            status,
            actual_start: optional_timestamp(&field("actualStart"), self.actual_start.as_deref())?,
            actual_end: optional_timestamp(&field("actualEnd"), self.actual_end.as_deref())?,
            rating: self.rating,
            reschedule,
            booked_at: optional_timestamp(&field("bookedAt"), self.booked_at.as_deref())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    use super::*;
    use crate::sessions::valid::{MAX_DISTANCE_DAYS, MAX_MINUTES, MAX_REASON_CHARS, MIN_MINUTES};
    use crate::{input::MAX_ID_CHARS, sessions::valid::notice_hours};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
    }

    /// A time near now as integrators might write it: various offsets and precisions.
    fn time_text(t: DateTime<Utc>, micros: u32, offset: &str) -> String {
        let t = t + Duration::microseconds(micros.into());
        let zone = match offset {
            "+02:00" => chrono::FixedOffset::east_opt(2 * 3600).unwrap(),
            "-05:30" => chrono::FixedOffset::west_opt(5 * 3600 + 1800).unwrap(),
            _ => chrono::FixedOffset::east_opt(0).unwrap(),
        };
        let local = t
            .with_timezone(&zone)
            .naive_local()
            .format("%Y-%m-%dT%H:%M:%S%.6f");
        if offset == "Z" {
            format!("{local}Z")
        } else {
            format!("{local}{offset}")
        }
    }

    /// Mostly plausible text with a fair share of broken values, so that both paths run.
    fn broken_or<T: std::fmt::Debug + Clone + 'static>(
        good: impl Strategy<Value = T> + 'static,
        bad: impl Strategy<Value = T> + 'static,
    ) -> impl Strategy<Value = T> {
        prop_oneof![9 => good.boxed(), 1 => bad.boxed()]
    }

    fn offset() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just("Z"), Just("+02:00"), Just("-05:30")]
    }

    /// Sessions shaped like real ones: a status, times consistent with it, and now and then a
    /// broken field (blank id, garbage time, wrong order, out-of-range number).
    fn raw_session() -> impl Strategy<Value = RawSession> {
        let status = prop_oneof![
            6 => Just(SessionStatus::Completed),
            2 => Just(SessionStatus::Rescheduled),
            1 => Just(SessionStatus::TutorNoShow),
            1 => Just(SessionStatus::StudentNoShow),
            1 => Just(SessionStatus::Cancelled),
        ];
        (
            (
                broken_or("[a-z0-9-]{1,40}", ".{0,210}"),
                broken_or("[A-Za-z0-9 ._-]{0,60}[a-z]", "[ \t]{0,3}|\u{0}x"),
                broken_or(Just(None::<String>), proptest::option::of("[0-9a-f-]{0,40}")),
            ),
            (
                -2000i64..2000,
                0u32..1_000_000,
                offset(),
                broken_or(MIN_MINUTES..=MAX_MINUTES, -10i32..600),
                status,
            ),
            (
                broken_or(-20i64..40, -1000i64..1000),
                broken_or(0i64..240, -60i64..900),
                broken_or(proptest::option::of(1i32..=5), proptest::option::of(-2i32..8)),
                any::<bool>(),
            ),
            (
                any::<bool>(),
                broken_or(
                    proptest::option::of("[a-z_]{1,30}"),
                    proptest::option::of(".{0,70}"),
                ),
                broken_or(
                    proptest::option::of("[ -~]{0,200}"),
                    proptest::option::of(".{0,1100}"),
                ),
                broken_or(30i64..20_000, -20_000i64..20_000),
                broken_or(
                    proptest::option::of(1i64..20_000),
                    proptest::option::of(-20_000i64..20_000),
                ),
                any::<bool>(),
            ),
        )
            .prop_map(
                |(
                    (external_id, student_ref, tutor_id),
                    (start_hours, micros, offset, minutes, status),
                    (late_minutes, length_minutes, rating, shuffle),
                    (tutor_initiated, reason_code, reason, notice_minutes, moved_minutes, garbage),
                )| {
                    let start = now() + Duration::hours(start_hours);
                    let completed = status == SessionStatus::Completed;
                    let actual_start = start + Duration::minutes(late_minutes);
                    let actual_end = actual_start + Duration::minutes(length_minutes);
                    let reschedule =
                        (status == SessionStatus::Rescheduled || shuffle && garbage).then(|| RawReschedule {
                            initiator: if tutor_initiated {
                                RescheduleInitiator::Tutor
                            } else {
                                RescheduleInitiator::Student
                            },
                            reason_code,
                            reason,
                            new_start: moved_minutes
                                .map(|m| time_text(start + Duration::minutes(m), micros, offset)),
                            requested_at: if garbage && !shuffle {
                                "yesterday".into()
                            } else {
                                time_text(start - Duration::minutes(notice_minutes), micros, offset)
                            },
                        });
                    // Now and then the times of a completed session on another status, or missing.
                    let with_times = completed != (shuffle && garbage);
                    RawSession {
                        external_id,
                        tutor_id: tutor_id.clone(),
                        tutor_external_id: if tutor_id.is_some() && !garbage {
                            None
                        } else {
                            Some("t-1".into())
                        },
                        student_ref,
                        scheduled_start: if garbage && shuffle && !completed {
                            "2026-11-01T10:00:00".into()
                        } else {
                            time_text(start, micros, offset)
                        },
                        scheduled_minutes: minutes,
                        status: Some(status),
                        actual_start: with_times.then(|| time_text(actual_start, micros, offset)),
                        actual_end: with_times.then(|| time_text(actual_end, micros, offset)),
                        rating: if completed {
                            rating
                        } else {
                            rating.filter(|_| garbage)
                        },
                        reschedule,
                        booked_at: None,
                    }
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

        /// Whatever arrives, validation answers without panicking, and what it accepts keeps
        /// every rule the database and the scoring rely on.
        #[test]
        fn accepted_sessions_keep_every_rule(raw in raw_session()) {
            let Ok(valid) = raw.validate("input", now()) else { return Ok(()) };
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
                prop_assert_eq!(r.notice_hours, notice_hours(valid.scheduled_start, r.requested_at));
                prop_assert!(r.reason.as_ref().is_none_or(|t| t.chars().count() <= MAX_REASON_CHARS));
            }
        }

        /// A rejection always names a field of the input and says what is wrong.
        #[test]
        fn rejections_name_a_field(raw in raw_session()) {
            if let Err(DomainError::Invalid { field, rule }) = raw.validate("input", now()) {
                prop_assert!(field.starts_with("input."), "{}", field);
                prop_assert!(!rule.is_empty());
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
            let valid = raw.validate("input", now()).unwrap();
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

    /// The generator exercises both paths: a property over accepted sessions that almost
    /// never sees one proves nothing.
    #[test]
    fn the_generated_sessions_are_mostly_valid_and_sometimes_not() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut accepted, total) = (0, 2000);
        for _ in 0..total {
            let raw = raw_session().new_tree(&mut runner).unwrap().current();
            accepted += usize::from(raw.validate("input", now()).is_ok());
        }
        let share = accepted as f64 / total as f64;
        println!(
            "accepted {accepted} of {total} generated sessions ({:.0}%)",
            share * 100.0
        );
        assert!((0.3..0.95).contains(&share), "accepted share {share:.2}");
    }
}
