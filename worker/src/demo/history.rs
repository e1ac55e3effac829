//! Back-filled score history for the demo: each tutor's score as it would have been computed
//! at the end of each of the last weeks, so the trend charts have a past on the first start.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use entity::{reschedule, score_history, session};
use sea_orm::Set;
use uuid::Uuid;

use crate::{
    scoring::{self, ScoringConfig, SessionFact},
    sessions,
};

/// One history point per tutor and week, oldest first, scored with the default rules and the
/// previous week's flags (hysteresis as the worker would have applied it). Version 0 marks them
/// as back-filled. The facts come from the rows about to be stored, read as the worker reads
/// stored sessions.
pub fn backfill(
    sessions: &[session::Model],
    reschedules: &[reschedule::Model],
    until: DateTime<Utc>,
    weeks: u32,
) -> Vec<score_history::ActiveModel> {
    let config = ScoringConfig::default();
    let reschedule_of: HashMap<Uuid, &reschedule::Model> =
        reschedules.iter().map(|r| (r.session_id, r)).collect();
    let mut by_tutor: BTreeMap<Uuid, Vec<SessionFact>> = BTreeMap::new();
    for s in sessions {
        let r = reschedule_of.get(&s.id).map(|r| (*r).clone());
        by_tutor
            .entry(s.tutor_id)
            .or_default()
            .push(sessions::read::fact(s.clone(), r));
    }
    let mut points = Vec::with_capacity(by_tutor.len() * weeks as usize);
    for (tutor_id, facts) in by_tutor {
        let mut previous = Vec::new();
        for back in (1..=weeks).rev() {
            let at = until - Duration::weeks(back.into());
            let report = scoring::score(&facts, at, &previous, &config);
            previous = report.held_flags();
            let rate = |days| report.window(days).map_or(0.0, |w| w.reschedule_rate);
            points.push(score_history::ActiveModel {
                tutor_id: Set(tutor_id),
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
