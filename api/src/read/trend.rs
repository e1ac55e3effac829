//! A tutor's weekly trend: for each of the last N weeks, the sessions and tutor-initiated
//! reschedule rate of that week, counted by the same rules as the scores.

use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;
use uuid::Uuid;
use worker::{
    recompute,
    scoring::{ScoringConfig, WindowMetrics},
};

use crate::error::ApiResult;

/// One week of the trend.
#[derive(Debug, Clone)]
pub struct WeekPoint {
    /// Start of the week (exclusive) and its end (inclusive).
    pub week_start: DateTime<Utc>,
    pub week_end: DateTime<Utc>,
    pub metrics: WindowMetrics,
}

/// The last `weeks` weeks ending at `now`, oldest first (at most 12: within the scored history).
pub async fn weekly<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    weeks: u32,
    now: DateTime<Utc>,
    config: &ScoringConfig,
) -> ApiResult<Vec<WeekPoint>> {
    let facts = recompute::load_facts(db, tutor_id, now, config).await?;
    Ok((0..weeks)
        .rev()
        .map(|back| {
            let week_end = now - Duration::weeks(back.into());
            WeekPoint {
                week_start: week_end - Duration::weeks(1),
                week_end,
                metrics: WindowMetrics::count(7, &facts, week_end, config),
            }
        })
        .collect())
}
