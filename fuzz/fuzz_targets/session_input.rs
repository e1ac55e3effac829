//! Fuzzes the validation of `recordSession` input: whatever arrives, `validate` answers
//! without panicking, and what it accepts keeps the rules the database relies on and the
//! ones readers rely on (no leap seconds, no bidirectional controls, times near the session).
#![no_main]

use worker::sessions::{RawReschedule, RawSession};
use chrono::{Duration, TimeZone, Timelike, Utc};
use entity::{RescheduleInitiator, SessionStatus};
use libfuzzer_sys::{
    arbitrary::{self, Arbitrary},
    fuzz_target,
};

#[derive(Arbitrary, Debug)]
struct Input {
    external_id: String,
    tutor_id: Option<String>,
    tutor_external_id: Option<String>,
    student_ref: String,
    scheduled_start: String,
    scheduled_minutes: i32,
    status: Option<u8>,
    actual_start: Option<String>,
    actual_end: Option<String>,
    rating: Option<i32>,
    reschedule: Option<(bool, Option<String>, Option<String>, Option<String>, String)>,
    booked_at: Option<String>,
}

const STATUSES: [SessionStatus; 6] = [
    SessionStatus::Completed,
    SessionStatus::Scheduled,
    SessionStatus::Rescheduled,
    SessionStatus::TutorNoShow,
    SessionStatus::StudentNoShow,
    SessionStatus::Cancelled,
];

fuzz_target!(|input: Input| {
    let raw = RawSession {
        external_id: input.external_id,
        tutor_id: input.tutor_id,
        tutor_external_id: input.tutor_external_id,
        student_ref: input.student_ref,
        scheduled_start: input.scheduled_start,
        scheduled_minutes: input.scheduled_minutes,
        status: input.status.map(|s| STATUSES[usize::from(s) % STATUSES.len()]),
        actual_start: input.actual_start,
        actual_end: input.actual_end,
        rating: input.rating,
        reschedule: input.reschedule.map(|(tutor, reason_code, reason, new_start, requested_at)| RawReschedule {
            initiator: if tutor { RescheduleInitiator::Tutor } else { RescheduleInitiator::Student },
            reason_code,
            reason,
            new_start,
            requested_at,
        }),
        booked_at: input.booked_at,
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap();
    if let Ok(valid) = raw.validate("input", now) {
        assert!(valid.rating.is_none_or(|r| (1..=5).contains(&r)));
        assert_eq!(valid.actual_start.is_some(), valid.actual_end.is_some());
        if let (Some(start), Some(end)) = (valid.actual_start, valid.actual_end) {
            assert!(end >= start, "the session ends before it starts");
        }
        assert!(!valid.external_id.is_empty() && !valid.student_ref.is_empty());
        assert_eq!(valid.reschedule.is_some(), valid.status == SessionStatus::Rescheduled);
        let times = [Some(valid.scheduled_start), valid.actual_start, valid.actual_end, valid.booked_at];
        for time in times.into_iter().flatten() {
            assert!(time.nanosecond() < 1_000_000_000, "a leap second was accepted");
        }
        for text in [&valid.external_id, &valid.student_ref] {
            assert!(!text.chars().any(worker::input::is_bidi_control), "a bidirectional control was accepted");
            assert!(!text.chars().all(worker::input::is_invisible), "an invisible identifier was accepted");
        }
        if let Some(r) = &valid.reschedule {
            let year = Duration::days(worker::sessions::valid::MAX_RESCHEDULE_DAYS);
            assert!(valid.scheduled_start - r.requested_at <= year);
            assert!(r.new_start.is_none_or(|n| n - valid.scheduled_start <= year));
            assert!(r.requested_at.nanosecond() < 1_000_000_000);
        }
    }
});
