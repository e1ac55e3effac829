//! The features of one session, as of the time a prediction is made: one function for
//! fitting and for predicting, reading only what was known then (sessions that had ended by
//! that time), never later. Each value comes with the numbers behind it, for the reasons a
//! coach reads.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc, Weekday};
use entity::{RescheduleInitiator, SessionStatus};

use crate::scoring::SessionFact;

/// How many features a session has.
pub const COUNT: usize = 10;

/// The features' names, in order.
pub const NAMES: [&str; COUNT] = [
    "failure_rate_30d",
    "failure_rate_90d",
    "sessions_30d",
    "trend_7d",
    "sessions_with_student",
    "failures_with_student",
    "first_session",
    "lead_time",
    "evening",
    "session_length",
];

/// Whether a session ended as the tutor's failure: rescheduled by the tutor, or a tutor
/// no-show. This is what the model predicts.
pub fn tutor_failed(status: SessionStatus, initiator: Option<RescheduleInitiator>) -> bool {
    match status {
        SessionStatus::TutorNoShow => true,
        // A reschedule without details counts against the tutor, as in scoring.
        SessionStatus::Rescheduled => initiator != Some(RescheduleInitiator::Student),
        _ => false,
    }
}

fn failed(s: &SessionFact) -> bool {
    tutor_failed(s.status, s.reschedule.as_ref().map(|r| r.initiator))
}

/// The session to predict.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub student_ref: String,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_minutes: i32,
    pub booked_at: Option<DateTime<Utc>>,
}

/// The numbers behind the features.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub failures_30d: u32,
    pub sessions_30d: u32,
    pub failures_90d: u32,
    pub sessions_90d: u32,
    pub failures_7d: u32,
    pub sessions_7d: u32,
    pub sessions_with_student: u32,
    pub failures_with_student: u32,
    pub lead_hours: f64,
}

/// A session's features and the counts they came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Features {
    pub values: [f64; COUNT],
    pub counts: Counts,
}

/// A failure rate shrunk toward 10% by five sessions' worth of prior: a tutor with two
/// sessions is not at 0% or 100%.
pub fn smoothed(failures: u32, sessions: u32) -> f64 {
    (f64::from(failures) + 0.5) / (f64::from(sessions) + 5.0)
}

/// Lead time assumed when the booking time is not known.
const UNKNOWN_LEAD_HOURS: f64 = 168.0;

/// The features of `target` as of `as_of`, from the tutor's sessions in `history` (any order;
/// only sessions that had ended by `as_of` count, so sessions recorded later change nothing).
pub fn features(history: &[SessionFact], target: &Target, as_of: DateTime<Utc>) -> Features {
    let mut c = Counts::default();
    let mut earlier_with_student = false;
    for s in history {
        let ended = s.scheduled_start + Duration::minutes(s.scheduled_minutes.into());
        if s.status == SessionStatus::Scheduled || ended > as_of {
            continue;
        }
        let age = as_of - s.scheduled_start;
        let f = u32::from(failed(s));
        if age <= Duration::days(90) {
            c.sessions_90d += 1;
            c.failures_90d += f;
        }
        if age <= Duration::days(30) {
            c.sessions_30d += 1;
            c.failures_30d += f;
        }
        if age <= Duration::days(7) {
            c.sessions_7d += 1;
            c.failures_7d += f;
        }
        if s.student_ref == target.student_ref {
            c.sessions_with_student += 1;
            c.failures_with_student += f;
            earlier_with_student |= s.scheduled_start < target.scheduled_start;
        }
    }
    c.lead_hours = target.booked_at.map_or(UNKNOWN_LEAD_HOURS, |booked| {
        ((target.scheduled_start - booked).num_minutes() as f64 / 60.0).max(0.0)
    });
    let start = target.scheduled_start;
    let evening =
        start.hour() >= 19 || matches!(start.weekday(), Weekday::Sat | Weekday::Sun) && start.hour() >= 17;
    let rate_30 = smoothed(c.failures_30d, c.sessions_30d);
    Features {
        values: [
            rate_30,
            smoothed(c.failures_90d, c.sessions_90d),
            f64::from(c.sessions_30d).ln_1p(),
            smoothed(c.failures_7d, c.sessions_7d) - rate_30,
            f64::from(c.sessions_with_student).ln_1p(),
            f64::from(c.failures_with_student.min(5)),
            f64::from(u8::from(!earlier_with_student)),
            c.lead_hours.ln_1p(),
            f64::from(u8::from(evening)),
            f64::from(target.scheduled_minutes) / 60.0,
        ],
        counts: c,
    }
}

/// A feature's value for this session in words, for the reasons a coach reads.
pub fn words(index: usize, f: &Features) -> String {
    let c = &f.counts;
    match NAMES[index] {
        "failure_rate_30d" => format!(
            "tutor rescheduled or missed {} of their last {} sessions (30 days)",
            c.failures_30d, c.sessions_30d
        ),
        "failure_rate_90d" => format!(
            "tutor rescheduled or missed {} of {} sessions in 90 days",
            c.failures_90d, c.sessions_90d
        ),
        "sessions_30d" => format!("{} sessions in the last 30 days", c.sessions_30d),
        "trend_7d" => format!(
            "{} of {} sessions rescheduled or missed this week",
            c.failures_7d, c.sessions_7d
        ),
        "sessions_with_student" => format!("{} earlier sessions with this student", c.sessions_with_student),
        "failures_with_student" => format!("{} earlier failures with this student", c.failures_with_student),
        "first_session" if f.values[index] > 0.5 => "first session with this student".into(),
        "first_session" => "a returning student".into(),
        "lead_time" if c.lead_hours < 48.0 => format!("booked only {:.0} hours ahead", c.lead_hours),
        "lead_time" => format!("booked {:.0} days ahead", c.lead_hours / 24.0),
        "evening" if f.values[index] > 0.5 => "an evening or weekend-evening slot".into(),
        "evening" => "a daytime slot".into(),
        _ => format!("a {:.0}-minute session", f.values[index] * 60.0),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::scoring::RescheduleFact;

    fn at(hours_ago: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap() - Duration::hours(hours_ago)
    }

    fn fact(hours_ago: i64, student: &str, status: SessionStatus) -> SessionFact {
        SessionFact {
            student_ref: student.into(),
            scheduled_start: at(hours_ago),
            scheduled_minutes: 60,
            actual_start: None,
            actual_end: None,
            status,
            is_first_session: false,
            rating: None,
            reschedule: (status == SessionStatus::Rescheduled).then_some(RescheduleFact {
                initiator: RescheduleInitiator::Tutor,
                reason_code: None,
                notice_hours: 30.0,
            }),
        }
    }

    #[test]
    fn sessions_after_the_prediction_time_change_nothing() {
        let target = Target {
            student_ref: "s1".into(),
            scheduled_start: at(-24),
            scheduled_minutes: 60,
            booked_at: Some(at(100)),
        };
        let mut history: Vec<SessionFact> = (1..40)
            .map(|d| {
                fact(
                    d * 20,
                    if d % 2 == 0 { "s1" } else { "s2" },
                    if d % 4 == 0 {
                        SessionStatus::Rescheduled
                    } else {
                        SessionStatus::Completed
                    },
                )
            })
            .collect();
        let before = features(&history, &target, at(0));
        // Sessions that ended after `as_of`: one still running, later ones, a later backfill
        // of failures with the same student, and a booking.
        history.push(fact(0, "s1", SessionStatus::TutorNoShow));
        history.push(fact(-5, "s1", SessionStatus::Rescheduled));
        history.push(fact(-48, "s1", SessionStatus::TutorNoShow));
        history.push(fact(10, "s1", SessionStatus::Scheduled));
        assert_eq!(features(&history, &target, at(0)), before);
        // While a session that ended before `as_of` does change them.
        history.push(fact(3, "s1", SessionStatus::TutorNoShow));
        assert_ne!(features(&history, &target, at(0)), before);
    }

    #[test]
    fn the_counts_and_words_follow_the_history() {
        let history = vec![
            fact(30, "s1", SessionStatus::Rescheduled),
            fact(60, "s2", SessionStatus::Completed),
            fact(24 * 40, "s1", SessionStatus::TutorNoShow),
        ];
        let target = Target {
            student_ref: "s1".into(),
            scheduled_start: at(-10),
            scheduled_minutes: 90,
            booked_at: Some(at(0)),
        };
        let f = features(&history, &target, at(0));
        assert_eq!((f.counts.failures_30d, f.counts.sessions_30d), (1, 2));
        assert_eq!((f.counts.failures_90d, f.counts.sessions_90d), (2, 3));
        assert_eq!(
            (f.counts.sessions_with_student, f.counts.failures_with_student),
            (2, 2)
        );
        assert_eq!(f.values[6], 0.0, "the student came before");
        assert_eq!(
            words(0, &f),
            "tutor rescheduled or missed 1 of their last 2 sessions (30 days)"
        );
        assert_eq!(words(7, &f), "booked only 10 hours ahead");
        assert!(tutor_failed(SessionStatus::TutorNoShow, None));
        assert!(!tutor_failed(
            SessionStatus::Rescheduled,
            Some(RescheduleInitiator::Student)
        ));
    }
}
