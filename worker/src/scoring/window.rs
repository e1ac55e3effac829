//! The metrics of one time window, counted from a tutor's sessions.

use chrono::{DateTime, Duration, Utc};
use entity::{RescheduleInitiator, SessionStatus};
use serde::{Deserialize, Serialize};

use super::{ScoringConfig, SessionFact, confidence::percent};

/// The windows every tutor is scored over, in days.
pub const WINDOWS: [u32; 3] = [7, 30, 90];

/// Counts and rates of one window. Rates are percentages (0..=100).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowMetrics {
    /// Length of the window in days.
    pub days: u32,
    /// Sessions scheduled in the window with an outcome (every status but booked).
    pub sessions: u32,
    /// Booked sessions past their time by more than `OUTCOME_GRACE_HOURS` whose outcome was
    /// never recorded: in no rate, shown as a data-quality signal.
    #[serde(default)]
    pub outcomes_missing: u32,
    /// Whether the window has at least the minimum number of sessions to flag on.
    pub enough_data: bool,
    /// Reschedules initiated by the tutor, excused ones excluded.
    pub tutor_reschedules: u32,
    /// Of those, requested with under the last-minute notice.
    pub last_minute_reschedules: u32,
    /// Tutor reschedules with an excused reason code (not in the rate).
    pub excused_reschedules: u32,
    /// Reschedules initiated by the student.
    pub student_reschedules: u32,
    /// tutor_reschedules / sessions x 100.
    pub reschedule_rate: f64,
    /// Sessions that were due to take place (completed or a no-show).
    pub due_sessions: u32,
    pub tutor_no_shows: u32,
    /// tutor_no_shows / due_sessions x 100.
    pub no_show_rate: f64,
    pub completed_sessions: u32,
    pub late_starts: u32,
    /// late_starts / completed_sessions x 100.
    pub late_start_rate: f64,
    pub early_ends: u32,
    /// early_ends / completed_sessions x 100.
    pub early_end_rate: f64,
    /// First sessions with a new student whose outcome is known.
    pub first_sessions: u32,
    /// Of those, poor: low rating, tutor no-show, or the student did not book again in time.
    pub poor_first_sessions: u32,
    /// poor_first_sessions / first_sessions x 100.
    pub poor_first_session_rate: f64,
}

impl WindowMetrics {
    /// Counts the sessions scheduled in `(now - days, now]`. `all` holds the tutor's sessions
    /// of the longest window (for the rebooking check of first sessions).
    pub fn count(days: u32, all: &[SessionFact], now: DateTime<Utc>, config: &ScoringConfig) -> Self {
        let from = now - Duration::days(days.into());
        let in_window = all
            .iter()
            .filter(|s| s.scheduled_start > from && s.scheduled_start <= now);
        let mut m = WindowMetrics {
            days,
            sessions: 0,
            outcomes_missing: 0,
            enough_data: false,
            tutor_reschedules: 0,
            last_minute_reschedules: 0,
            excused_reschedules: 0,
            student_reschedules: 0,
            reschedule_rate: 0.0,
            due_sessions: 0,
            tutor_no_shows: 0,
            no_show_rate: 0.0,
            completed_sessions: 0,
            late_starts: 0,
            late_start_rate: 0.0,
            early_ends: 0,
            early_end_rate: 0.0,
            first_sessions: 0,
            poor_first_sessions: 0,
            poor_first_session_rate: 0.0,
        };
        let grace = Duration::hours(config.outcome_grace_hours);
        for s in in_window {
            if s.status == SessionStatus::Scheduled {
                m.outcomes_missing += u32::from(s.scheduled_start < now - grace);
                continue;
            }
            m.sessions += 1;
            match s.status {
                SessionStatus::Rescheduled => match &s.reschedule {
                    Some(r) if r.initiator == RescheduleInitiator::Student => m.student_reschedules += 1,
                    Some(r)
                        if r.reason_code
                            .as_ref()
                            .is_some_and(|c| config.excused_reason_codes.contains(c)) =>
                    {
                        m.excused_reschedules += 1
                    }
                    Some(r) => {
                        m.tutor_reschedules += 1;
                        m.last_minute_reschedules += u32::from(r.notice_hours < config.last_minute_hours);
                    }
                    // A rescheduled session without details counts against the tutor, who
                    // initiates 98% of reschedules.
                    None => m.tutor_reschedules += 1,
                },
                SessionStatus::Completed => {
                    m.due_sessions += 1;
                    m.completed_sessions += 1;
                    if let (Some(start), Some(end)) = (s.actual_start, s.actual_end) {
                        let scheduled_end = s.scheduled_start + Duration::minutes(s.scheduled_minutes.into());
                        m.late_starts += u32::from(
                            start - s.scheduled_start > Duration::minutes(config.late_start_minutes),
                        );
                        m.early_ends +=
                            u32::from(scheduled_end - end > Duration::minutes(config.early_end_minutes));
                    }
                }
                SessionStatus::TutorNoShow => {
                    m.due_sessions += 1;
                    m.tutor_no_shows += 1;
                }
                SessionStatus::StudentNoShow => m.due_sessions += 1,
                SessionStatus::Cancelled | SessionStatus::Scheduled => {}
            }
            if let Some(poor) = first_session_outcome(s, all, now, config) {
                m.first_sessions += 1;
                m.poor_first_sessions += u32::from(poor);
            }
        }
        m.enough_data = m.sessions >= config.min_sessions;
        m.reschedule_rate = percent(m.tutor_reschedules, m.sessions);
        m.no_show_rate = percent(m.tutor_no_shows, m.due_sessions);
        m.late_start_rate = percent(m.late_starts, m.completed_sessions);
        m.early_end_rate = percent(m.early_ends, m.completed_sessions);
        m.poor_first_session_rate = percent(m.poor_first_sessions, m.first_sessions);
        m
    }
}

/// For a first session with a new student: `Some(true)` when it was poor, `Some(false)` when
/// it was good, `None` when it is not a first session that took place or its outcome is not
/// known yet (no low rating, and the rebooking period has not passed).
fn first_session_outcome(
    s: &SessionFact,
    all: &[SessionFact],
    now: DateTime<Utc>,
    config: &ScoringConfig,
) -> Option<bool> {
    if !s.is_first_session {
        return None;
    }
    match s.status {
        SessionStatus::TutorNoShow => return Some(true),
        SessionStatus::Completed => {}
        _ => return None,
    }
    if s.rating.is_some_and(|r| r <= config.poor_rating_max) {
        return Some(true);
    }
    let deadline = s.scheduled_start + Duration::days(config.rebook_days);
    let booked_again = all.iter().any(|other| {
        other.student_ref == s.student_ref
            && other.scheduled_start > s.scheduled_start
            && other.scheduled_start <= deadline
    });
    if booked_again {
        Some(false)
    } else if deadline <= now {
        Some(true)
    } else {
        None
    }
}
