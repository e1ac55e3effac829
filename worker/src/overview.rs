//! The overview's read model: tutors by risk level, averages and recent volume. (The latest
//! risk changes it shows come from [`crate::scores::read::recent_risk_changes`].)

use chrono::{DateTime, Duration, Utc};
use entity::{RiskLevel, prelude::*, session, tutor, tutor_score};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QuerySelect,
    sea_query::{Expr, Func},
};

/// Figures for the overview cards.
#[derive(Debug, Clone, Default)]
pub struct OverviewFigures {
    pub tutors: u64,
    pub low: u64,
    pub medium: u64,
    pub high: u64,
    pub average_quality_score: Option<f64>,
    pub average_reschedule_rate_30d: Option<f64>,
    pub average_no_show_rate_30d: Option<f64>,
    pub sessions_last_24h: u64,
    pub sessions_last_7d: u64,
}

#[derive(FromQueryResult)]
struct Averages {
    quality: Option<f64>,
    reschedule: Option<f64>,
    no_show: Option<f64>,
}

#[derive(FromQueryResult)]
struct RiskCount {
    risk_level: RiskLevel,
    tutors: i64,
}

/// Computes the overview figures at `now`.
pub async fn figures<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<OverviewFigures, DbErr> {
    let mut figures = OverviewFigures {
        tutors: Tutor::find()
            .filter(tutor::Column::Active.eq(true))
            .count(db)
            .await?,
        ..Default::default()
    };
    let counts = TutorScore::find()
        .select_only()
        .column(tutor_score::Column::RiskLevel)
        .column_as(
            Expr::expr(Func::count(Expr::col(tutor_score::Column::TutorId))),
            "tutors",
        )
        .group_by(tutor_score::Column::RiskLevel)
        .into_model::<RiskCount>()
        .all(db)
        .await?;
    for c in counts {
        let n = c.tutors.max(0) as u64;
        match c.risk_level {
            RiskLevel::Low => figures.low = n,
            RiskLevel::Medium => figures.medium = n,
            RiskLevel::High => figures.high = n,
        }
    }
    let averages = TutorScore::find()
        .select_only()
        .column_as(
            Expr::expr(Func::avg(Expr::col(tutor_score::Column::QualityScore))),
            "quality",
        )
        .column_as(
            Expr::expr(Func::avg(Expr::col(tutor_score::Column::RescheduleRate30d))),
            "reschedule",
        )
        .column_as(
            Expr::expr(Func::avg(Expr::col(tutor_score::Column::NoShowRate30d))),
            "no_show",
        )
        .into_model::<Averages>()
        .one(db)
        .await?;
    if let Some(a) = averages {
        let round = |v: Option<f64>| v.map(|v| (v * 10.0).round() / 10.0);
        figures.average_quality_score = round(a.quality);
        figures.average_reschedule_rate_30d = round(a.reschedule);
        figures.average_no_show_rate_30d = round(a.no_show);
    }
    let since = |d: Duration| {
        Session::find()
            .filter(session::Column::ScheduledStart.gt(now - d))
            .filter(session::Column::ScheduledStart.lte(now))
    };
    figures.sessions_last_24h = since(Duration::hours(24)).count(db).await?;
    figures.sessions_last_7d = since(Duration::days(7)).count(db).await?;
    Ok(figures)
}
