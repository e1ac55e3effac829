//! Reading stored scores: current scores by tutor, score history, the weekly trend, the
//! latest risk changes and the highest version (the all-tutors snapshot).

use chrono::{DateTime, Duration, Utc};
use entity::{prelude::*, score_history, tutor, tutor_score};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

use crate::{
    scoring::{ScoringConfig, WindowMetrics},
    sessions,
};

/// Current scores by tutor id, in one statement.
pub async fn current<C: ConnectionTrait>(
    db: &C,
    tutor_ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<tutor_score::Model>, DbErr> {
    TutorScore::find()
        .filter(tutor_score::Column::TutorId.is_in(tutor_ids))
        .all(db)
        .await
}

/// A tutor's latest `limit` history points, oldest first.
pub async fn history<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    limit: u64,
) -> Result<Vec<score_history::Model>, DbErr> {
    let mut points = ScoreHistory::find()
        .filter(score_history::Column::TutorId.eq(tutor_id))
        .order_by_desc(score_history::Column::ComputedAt)
        .order_by_desc(score_history::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    points.reverse();
    Ok(points)
}

/// The highest score version stored (0 when nothing is scored yet).
pub async fn highest_version<C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let version: Option<i64> = TutorScore::find()
        .select_only()
        .column_as(
            Expr::expr(Func::max(Expr::col(tutor_score::Column::Version))),
            "version",
        )
        .into_tuple()
        .one(db)
        .await?
        .flatten();
    Ok(version.unwrap_or(0))
}

/// Tutors whose risk level changed most recently, newest first.
pub async fn recent_risk_changes<C: ConnectionTrait>(
    db: &C,
    limit: u64,
) -> Result<Vec<(tutor_score::Model, tutor::Model)>, DbErr> {
    let rows = TutorScore::find()
        .find_also_related(Tutor)
        .filter(tutor_score::Column::PreviousRiskLevel.is_not_null())
        .order_by_desc(tutor_score::Column::RiskSince)
        .order_by_desc(tutor_score::Column::TutorId)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(s, t)| t.map(|t| (s, t))).collect())
}

/// One week of a tutor's trend.
#[derive(Debug, Clone)]
pub struct WeekPoint {
    /// Start of the week (exclusive) and its end (inclusive).
    pub week_start: DateTime<Utc>,
    pub week_end: DateTime<Utc>,
    pub metrics: WindowMetrics,
}

/// The last `weeks` weeks ending at `now`, oldest first, each counted by the same rules as
/// the scores (at most 12 weeks: within the scored history).
pub async fn weekly_trend<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    weeks: u32,
    now: DateTime<Utc>,
    config: &ScoringConfig,
) -> Result<Vec<WeekPoint>, DbErr> {
    let facts = sessions::read::facts(db, tutor_id, now, config).await?;
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
