//! Back-filled score history for the demo: each tutor's score as it would have been computed
//! at the end of each of the last weeks, so the trend charts have a past on the first start.

use chrono::{DateTime, Duration, Utc};
use entity::score_history;
use sea_orm::Set;
use uuid::Uuid;

use super::{DemoTutor, SyntheticSession};
use crate::scoring::{self, RescheduleFact, ScoringConfig, SessionFact};

fn fact(s: &SyntheticSession) -> SessionFact {
    SessionFact {
        student_ref: s.student_ref.clone(),
        scheduled_start: s.scheduled_start,
        scheduled_minutes: s.scheduled_minutes,
        actual_start: s.actual_start,
        actual_end: s.actual_end,
        status: s.status,
        is_first_session: s.is_first_session,
        rating: s.rating,
        reschedule: s.reschedule.as_ref().map(|r| RescheduleFact {
            initiator: r.initiator,
            reason_code: Some(r.reason_code.to_owned()),
            notice_hours: r.notice_hours,
        }),
    }
}

/// One history point per tutor and week, oldest first, scored with the default rules and the
/// previous week's risk (hysteresis as the worker would have applied it). Version 0 marks them
/// as back-filled.
pub fn backfill(tutors: &[DemoTutor], until: DateTime<Utc>, weeks: u32) -> Vec<score_history::ActiveModel> {
    let config = ScoringConfig::default();
    let mut points = Vec::with_capacity(tutors.len() * weeks as usize);
    for tutor in tutors {
        let facts: Vec<SessionFact> = tutor.sessions.iter().map(fact).collect();
        let mut previous = None;
        for back in (1..=weeks).rev() {
            let at = until - Duration::weeks(back.into());
            let report = scoring::score(&facts, at, previous, &config);
            previous = Some(report.risk_level);
            let rate = |days| report.window(days).map_or(0.0, |w| w.reschedule_rate);
            points.push(score_history::ActiveModel {
                tutor_id: Set(tutor.id),
                computed_at: Set(at),
                quality_score: Set(report.quality_score),
                risk_level: Set(report.risk_level),
                reschedule_rate_7d: Set(rate(7)),
                reschedule_rate_30d: Set(rate(30)),
                reschedule_rate_90d: Set(rate(90)),
                no_show_rate_30d: Set(report.window(30).map_or(0.0, |w| w.no_show_rate)),
                version: Set(0),
                ..Default::default()
            });
        }
    }
    points
}

/// The tutor of a point (for the bulk writers).
pub fn tutor_of(point: &score_history::ActiveModel) -> Uuid {
    point.tutor_id.clone().unwrap()
}
