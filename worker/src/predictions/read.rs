//! Reading predictions: the upcoming sessions with their predictions (riskiest first or
//! soonest first, keyset pages), the models and their figures, and how the live predictions
//! fared against the outcomes that followed.

use chrono::{DateTime, Duration, Utc};
use entity::{SessionStatus, prediction, prediction_model, prelude::*, session};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, Func, SimpleExpr},
};
use uuid::Uuid;

use super::metrics;
use crate::{
    error::{DomainError, DomainResult},
    pagination::{Cursor, Key, Page, PageRequest},
};

/// A booked session and its prediction (none yet: no promoted model, or not predicted yet).
pub type Upcoming = (session::Model, Option<prediction::Model>);

/// Which upcoming sessions to list.
#[derive(Debug, Clone)]
pub struct UpcomingFilter {
    /// Starting at or after.
    pub from: DateTime<Utc>,
    /// Starting before.
    pub to: DateTime<Utc>,
    pub tutor_id: Option<Uuid>,
    /// Only sessions predicted at least this likely to fail (0-1).
    pub min_probability: Option<f64>,
    pub first_sessions_only: bool,
}

/// The orders of the list (ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpcomingSort {
    /// By probability of a tutor-caused failure (riskiest first when descending).
    Risk,
    /// By start.
    Start,
}

impl UpcomingSort {
    pub fn name(self) -> &'static str {
        match self {
            UpcomingSort::Risk => "upcoming_risk",
            UpcomingSort::Start => "upcoming_start",
        }
    }

    fn key_expr(self) -> SimpleExpr {
        match self {
            // Unpredicted sessions sort as -1: after every prediction, riskiest first.
            UpcomingSort::Risk => Func::coalesce([
                Expr::col((Prediction, prediction::Column::Probability)),
                Expr::val(-1.0),
            ])
            .into(),
            UpcomingSort::Start => Expr::col((Session, session::Column::ScheduledStart)),
        }
    }

    fn key(self, (s, p): &Upcoming) -> Key {
        Key::List(vec![match self {
            UpcomingSort::Risk => Key::Number(p.as_ref().map_or(-1.0, |p| p.probability)),
            UpcomingSort::Start => Key::Time(s.scheduled_start),
        }])
    }
}

/// One page of upcoming sessions and how many match.
pub async fn upcoming<C: ConnectionTrait>(
    db: &C,
    filter: &UpcomingFilter,
    sort: UpcomingSort,
    request: &PageRequest,
) -> DomainResult<(Page<Upcoming>, u64)> {
    if filter.to < filter.from {
        return Err(DomainError::invalid(
            "filter.to",
            "must not be before filter.from",
        ));
    }
    let mut condition = Condition::all()
        .add(session::Column::Status.eq(SessionStatus::Scheduled))
        .add(session::Column::ScheduledStart.gte(filter.from))
        .add(session::Column::ScheduledStart.lt(filter.to));
    if let Some(tutor) = filter.tutor_id {
        condition = condition.add(session::Column::TutorId.eq(tutor));
    }
    if let Some(min) = filter.min_probability {
        condition = condition.add(prediction::Column::Probability.gte(min));
    }
    if filter.first_sessions_only {
        condition = condition.add(session::Column::IsFirstSession.eq(true));
    }
    let order = if request.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut query = Session::find()
        .find_also_related(Prediction)
        .filter(condition.clone());
    if let Some(beyond) =
        request.beyond_keys(vec![sort.key_expr()], Expr::col((Session, session::Column::Id)))?
    {
        query = query.filter(beyond);
    }
    let rows = query
        .order_by(sort.key_expr(), order.clone())
        .order_by(Expr::col((Session, session::Column::Id)), order)
        .limit(request.limit())
        .all(db)
        .await?;
    let total = Session::find()
        .find_also_related(Prediction)
        .filter(condition)
        .count(db)
        .await?;
    let page = request.page(rows, |row| Cursor {
        sort: sort.name().into(),
        key: sort.key(row),
        id: row.0.id,
    });
    Ok((page, total))
}

/// The predictions of these sessions (those that have one), in one statement.
pub async fn of_sessions<C: ConnectionTrait>(
    db: &C,
    session_ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<prediction::Model>, DbErr> {
    Prediction::find()
        .filter(prediction::Column::SessionId.is_in(session_ids))
        .all(db)
        .await
}

/// The newest models, promoted or not, newest first.
pub async fn models<C: ConnectionTrait>(db: &C, last: u64) -> Result<Vec<prediction_model::Model>, DbErr> {
    PredictionModel::find()
        .order_by_desc(prediction_model::Column::Version)
        .limit(last)
        .all(db)
        .await
}

/// How the live predictions fared on the outcomes recorded in a period.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LiveFigures {
    pub samples: u64,
    pub auc: Option<f64>,
    pub brier: Option<f64>,
}

/// Live figures over the outcomes of the last `days` days before `now`.
pub async fn live<C: ConnectionTrait>(db: &C, now: DateTime<Utc>, days: i64) -> Result<LiveFigures, DbErr> {
    let rows: Vec<(f64, Option<bool>)> = Prediction::find()
        .select_only()
        .column(prediction::Column::Probability)
        .column(prediction::Column::Failed)
        .filter(prediction::Column::OutcomeAt.gt(now - Duration::days(days)))
        .filter(prediction::Column::OutcomeAt.lte(now))
        .into_tuple()
        .all(db)
        .await?;
    let scores: Vec<(f64, bool)> = rows.into_iter().filter_map(|(p, f)| f.map(|f| (p, f))).collect();
    Ok(LiveFigures {
        samples: scores.len() as u64,
        auc: metrics::auc(&scores),
        brier: metrics::brier(&scores),
    })
}

/// Booked sessions past their time by more than `grace_hours` with no outcome recorded.
pub async fn outcomes_missing<C: ConnectionTrait>(
    db: &C,
    tutor_id: Option<Uuid>,
    grace_hours: i64,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut query = Session::find()
        .filter(session::Column::Status.eq(SessionStatus::Scheduled))
        .filter(session::Column::ScheduledStart.lt(now - Duration::hours(grace_hours)));
    if let Some(tutor) = tutor_id {
        query = query.filter(session::Column::TutorId.eq(tutor));
    }
    query.count(db).await
}
