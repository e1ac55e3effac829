//! Reading interventions: the list (filters, two orders, keyset pages, the total), one
//! intervention, the alerts it answers, an alert's interventions, and the digest's queues.

use chrono::{DateTime, Duration, Utc};
use entity::{InterventionStatus, intervention, intervention_alert, prelude::*, tutor};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, SimpleExpr},
};
use uuid::Uuid;

use crate::{
    error::DomainResult,
    pagination::{Cursor, Key, Page, PageRequest},
};

/// Which interventions to list. Empty lists mean "any".
#[derive(Debug, Clone, Default)]
pub struct InterventionFilter {
    pub statuses: Vec<InterventionStatus>,
    pub owner_id: Option<Uuid>,
    pub tutor_id: Option<Uuid>,
    /// Those answering this alert.
    pub alert_id: Option<Uuid>,
    pub types: Vec<String>,
    /// Only planned ones past their due date (`Some(false)`: only those not).
    pub overdue: Option<bool>,
}

/// The orders of the list (ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterventionSort {
    /// By due date: what to do next first.
    DueAt,
    /// By when it was planned.
    CreatedAt,
}

impl InterventionSort {
    pub fn name(self) -> &'static str {
        match self {
            InterventionSort::DueAt => "intervention_due_at",
            InterventionSort::CreatedAt => "intervention_created_at",
        }
    }

    fn expr(self) -> SimpleExpr {
        match self {
            InterventionSort::DueAt => Expr::col((Intervention, intervention::Column::DueAt)),
            InterventionSort::CreatedAt => Expr::col((Intervention, intervention::Column::CreatedAt)),
        }
    }

    fn key(self, i: &intervention::Model) -> Key {
        match self {
            InterventionSort::DueAt => Key::Time(i.due_at),
            InterventionSort::CreatedAt => Key::Time(i.created_at),
        }
    }
}

fn condition(filter: &InterventionFilter, now: DateTime<Utc>) -> Condition {
    let mut condition = Condition::all();
    if !filter.statuses.is_empty() {
        condition = condition.add(intervention::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(owner) = filter.owner_id {
        condition = condition.add(intervention::Column::OwnerId.eq(owner));
    }
    if let Some(tutor) = filter.tutor_id {
        condition = condition.add(intervention::Column::TutorId.eq(tutor));
    }
    if let Some(alert) = filter.alert_id {
        let linked = InterventionAlert::find()
            .select_only()
            .column(intervention_alert::Column::InterventionId)
            .filter(intervention_alert::Column::AlertId.eq(alert))
            .into_query();
        condition = condition.add(intervention::Column::Id.in_subquery(linked));
    }
    if !filter.types.is_empty() {
        condition = condition.add(intervention::Column::Kind.is_in(filter.types.clone()));
    }
    let overdue = Condition::all()
        .add(intervention::Column::Status.eq(InterventionStatus::Planned))
        .add(intervention::Column::DueAt.lt(now));
    match filter.overdue {
        Some(true) => condition = condition.add(overdue),
        Some(false) => condition = condition.add(overdue.not()),
        None => {}
    }
    condition
}

/// One page of interventions and how many match the filter.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &InterventionFilter,
    sort: InterventionSort,
    request: &PageRequest,
    now: DateTime<Utc>,
) -> DomainResult<(Page<intervention::Model>, u64)> {
    let condition = condition(filter, now);
    let order = if request.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut query = Intervention::find().filter(condition.clone());
    if let Some(beyond) = request.beyond(sort.expr(), Expr::col((Intervention, intervention::Column::Id))) {
        query = query.filter(beyond);
    }
    let rows = query
        .order_by(sort.expr(), order.clone())
        .order_by(Expr::col((Intervention, intervention::Column::Id)), order)
        .limit(request.limit())
        .all(db)
        .await?;
    let total = Intervention::find().filter(condition).count(db).await?;
    let page = request.page(rows, |i| Cursor {
        sort: sort.name().into(),
        key: sort.key(i),
        id: i.id,
    });
    Ok((page, total))
}

/// One intervention.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<intervention::Model>, DbErr> {
    Intervention::find_by_id(id).one(db).await
}

/// The alerts an intervention answers, as linked.
pub async fn alerts_of<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Vec<intervention_alert::Model>, DbErr> {
    InterventionAlert::find()
        .filter(intervention_alert::Column::InterventionId.eq(id))
        .order_by_asc(intervention_alert::Column::AlertId)
        .all(db)
        .await
}

/// Planned interventions past their due date, and done ones whose follow-up falls within
/// the coming week, with their tutors: the digest's work per owner.
pub async fn for_digest<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Vec<(intervention::Model, Option<tutor::Model>)>, DbErr> {
    let overdue = Condition::all()
        .add(intervention::Column::Status.eq(InterventionStatus::Planned))
        .add(intervention::Column::DueAt.lt(now));
    let follow_up = Condition::all()
        .add(intervention::Column::Status.eq(InterventionStatus::Done))
        .add(intervention::Column::MeasuredAt.is_null())
        .add(intervention::Column::FollowUpAt.lte(now + Duration::days(7)));
    Intervention::find()
        .filter(Condition::any().add(overdue).add(follow_up))
        .find_also_related(Tutor)
        .order_by_asc(intervention::Column::DueAt)
        .all(db)
        .await
}

/// Planned interventions past their due date: how many.
pub async fn overdue_count<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<u64, DbErr> {
    Intervention::find()
        .filter(intervention::Column::Status.eq(InterventionStatus::Planned))
        .filter(intervention::Column::DueAt.lt(now))
        .count(db)
        .await
}
