//! The cases of the calibration issue, scored by both rules.

use chrono::Duration;
use entity::{RescheduleInitiator, SessionStatus};
use worker::scoring::{self, RescheduleFact, SessionFact};

use crate::{RULE_NAMES, Rules, now};

/// `total` sessions spread evenly over `(now - to_days, now - from_days]`, the first `bad`
/// of them rescheduled by the tutor (`last_minute` of those with under 24 h notice).
pub fn spread(
    from_days: f64,
    to_days: f64,
    total: usize,
    bad: usize,
    last_minute: usize,
) -> Vec<SessionFact> {
    (0..total)
        .map(|i| {
            let days = from_days + (to_days - from_days) * (i as f64 + 0.5) / total as f64;
            let start = now() - Duration::minutes((days * 24.0 * 60.0) as i64);
            // The `bad` sessions spread evenly among the others.
            let rescheduled = (i + 1) * bad / total > i * bad / total;
            SessionFact {
                student_ref: format!("student-{}", i % 8),
                scheduled_start: start,
                scheduled_minutes: 60,
                actual_start: (!rescheduled).then_some(start),
                actual_end: (!rescheduled).then(|| start + Duration::minutes(60)),
                status: if rescheduled {
                    SessionStatus::Rescheduled
                } else {
                    SessionStatus::Completed
                },
                is_first_session: false,
                rating: (!rescheduled).then_some(5),
                reschedule: rescheduled.then(|| RescheduleFact {
                    initiator: RescheduleInitiator::Tutor,
                    reason_code: Some("schedule_conflict".into()),
                    // The j-th reschedule; `last_minute` of them spread evenly too.
                    notice_hours: if (i * bad / total + 1) * last_minute / bad
                        > i * bad / total * last_minute / bad
                    {
                        3.0
                    } else {
                        72.0
                    },
                }),
            }
        })
        .collect()
}

/// The steady offender of the issue: 22 of 120 sessions (18%) in 90 days, 7 of 41 (17%) in
/// 30 days, 2 of 12 (17%) in 7 days.
pub fn steady_offender() -> Vec<SessionFact> {
    let mut sessions = spread(0.0, 7.0, 12, 2, 0);
    sessions.extend(spread(7.0, 30.0, 29, 5, 0));
    sessions.extend(spread(30.0, 90.0, 79, 15, 0));
    sessions
}

/// The demo's chronic rescheduler: 33 of 77 sessions (43%) in 90 days, most at the last minute.
pub fn chronic_rescheduler() -> Vec<SessionFact> {
    spread(0.0, 90.0, 77, 33, 23)
}

pub fn print(rules: &Rules) {
    println!("\nThe cases of the issue");
    for (name, sessions) in [
        (
            "18% of 120 sessions, above 15% in every window",
            steady_offender(),
        ),
        (
            "43% of 77 sessions (the chronic rescheduler)",
            chronic_rescheduler(),
        ),
    ] {
        println!("\n{name}:");
        for (r, config) in rules.configs.iter().enumerate() {
            let report = scoring::score(&sessions, now(), &[], config);
            println!(
                "- {}: {:?}, score {:.1}",
                RULE_NAMES[r], report.risk_level, report.quality_score
            );
            for f in &report.flags {
                println!("  - {:?} {:?}: {}", f.code, f.severity, f.evidence);
            }
        }
    }
}
