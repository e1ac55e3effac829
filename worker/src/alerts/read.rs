//! Reading alerts: the triage queue (filters, three orders, keyset pages, the total), one
//! alert, an alert's history, and the counts the overview shows.

use chrono::{DateTime, Utc};
use entity::{AlertSeverity, AlertStatus, alert, audit_event, prelude::*};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, ExprTrait, Order, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, SimpleExpr},
};
use uuid::Uuid;

use crate::{
    error::DomainResult,
    pagination::{Cursor, Key, Page, PageRequest},
};

/// Which alerts to list. Empty lists mean "any"; `assignee` and `unassigned` together mean
/// "assigned to them or to nobody" (a coach's default queue).
#[derive(Debug, Clone, Default)]
pub struct AlertFilter {
    pub statuses: Vec<AlertStatus>,
    pub assignee: Option<Uuid>,
    pub unassigned: bool,
    pub flags: Vec<String>,
    pub severities: Vec<AlertSeverity>,
    /// Only alerts open past their acknowledge-by time (`Some(false)`: only those not).
    pub overdue: Option<bool>,
    pub tutor_id: Option<Uuid>,
}

/// The orders of the queue (ties broken by id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertSort {
    /// Critical first, then the oldest opening first: the triage order.
    Severity,
    /// By when the alert (last) opened.
    OpenedAt,
    /// By acknowledge-by time.
    AckDue,
}

impl AlertSort {
    pub fn name(self) -> &'static str {
        match self {
            AlertSort::Severity => "alert_severity",
            AlertSort::OpenedAt => "alert_opened_at",
            AlertSort::AckDue => "alert_ack_due",
        }
    }

    fn keys(self) -> Vec<SimpleExpr> {
        let column = |c: alert::Column| -> SimpleExpr { Expr::col((Alert, c)) };
        match self {
            // Critical sorts as 0, warning as 1: ascending is the triage order.
            AlertSort::Severity => vec![
                Expr::case(column(alert::Column::Severity).eq("critical"), 0)
                    .finally(1)
                    .into(),
                column(alert::Column::OpenedAt),
            ],
            AlertSort::OpenedAt => vec![column(alert::Column::OpenedAt)],
            AlertSort::AckDue => vec![column(alert::Column::AckDueAt)],
        }
    }

    fn key(self, a: &alert::Model) -> Key {
        match self {
            AlertSort::Severity => Key::List(vec![
                Key::Number(if a.severity == AlertSeverity::Critical {
                    0.0
                } else {
                    1.0
                }),
                Key::Time(a.opened_at),
            ]),
            AlertSort::OpenedAt => Key::List(vec![Key::Time(a.opened_at)]),
            AlertSort::AckDue => Key::List(vec![Key::Time(a.ack_due_at)]),
        }
    }
}

fn condition(filter: &AlertFilter, now: DateTime<Utc>) -> Condition {
    let mut condition = Condition::all();
    if !filter.statuses.is_empty() {
        condition = condition.add(alert::Column::Status.is_in(filter.statuses.clone()));
    }
    match (filter.assignee, filter.unassigned) {
        (Some(user), true) => {
            condition = condition.add(
                Condition::any()
                    .add(alert::Column::AssigneeId.eq(user))
                    .add(alert::Column::AssigneeId.is_null()),
            )
        }
        (Some(user), false) => condition = condition.add(alert::Column::AssigneeId.eq(user)),
        (None, true) => condition = condition.add(alert::Column::AssigneeId.is_null()),
        (None, false) => {}
    }
    if !filter.flags.is_empty() {
        condition = condition.add(alert::Column::FlagCode.is_in(filter.flags.clone()));
    }
    if !filter.severities.is_empty() {
        condition = condition.add(alert::Column::Severity.is_in(filter.severities.clone()));
    }
    let overdue = Condition::all()
        .add(alert::Column::Status.eq(AlertStatus::Open))
        .add(alert::Column::AckDueAt.lt(now));
    match filter.overdue {
        Some(true) => condition = condition.add(overdue),
        Some(false) => condition = condition.add(overdue.not()),
        None => {}
    }
    if let Some(tutor) = filter.tutor_id {
        condition = condition.add(alert::Column::TutorId.eq(tutor));
    }
    condition
}

/// One page of alerts and how many match the filter.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &AlertFilter,
    sort: AlertSort,
    request: &PageRequest,
    now: DateTime<Utc>,
) -> DomainResult<(Page<alert::Model>, u64)> {
    let condition = condition(filter, now);
    let order = if request.descending {
        Order::Desc
    } else {
        Order::Asc
    };
    let mut query = Alert::find().filter(condition.clone());
    if let Some(beyond) = request.beyond_keys(sort.keys(), Expr::col((Alert, alert::Column::Id)))? {
        query = query.filter(beyond);
    }
    for key in sort.keys() {
        query = query.order_by(key, order.clone());
    }
    let rows = query
        .order_by(Expr::col((Alert, alert::Column::Id)), order)
        .limit(request.limit())
        .all(db)
        .await?;
    let total = Alert::find().filter(condition).count(db).await?;
    let page = request.page(rows, |a| Cursor {
        sort: sort.name().into(),
        key: sort.key(a),
        id: a.id,
    });
    Ok((page, total))
}

/// One alert.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<alert::Model>, DbErr> {
    Alert::find_by_id(id).one(db).await
}

/// Alerts by id.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<alert::Model>, DbErr> {
    Alert::find().filter(alert::Column::Id.is_in(ids)).all(db).await
}

/// An alert's history: its audit entries, oldest first.
pub async fn history<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Vec<audit_event::Model>, DbErr> {
    crate::audit::of_subject(db, "alert", &id.to_string()).await
}

/// The overview's alert counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlertCounts {
    /// Unresolved (open, acknowledged or snoozed).
    pub unresolved: u64,
    /// Open past their acknowledge-by time.
    pub overdue: u64,
    /// Unresolved with nobody assigned.
    pub unassigned: u64,
}

/// Counts at `now`.
pub async fn counts<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<AlertCounts, DbErr> {
    let unresolved = || Alert::find().filter(alert::Column::Status.ne(AlertStatus::Resolved));
    Ok(AlertCounts {
        unresolved: unresolved().count(db).await?,
        overdue: Alert::find()
            .filter(alert::Column::Status.eq(AlertStatus::Open))
            .filter(alert::Column::AckDueAt.lt(now))
            .count(db)
            .await?,
        unassigned: unresolved()
            .filter(alert::Column::AssigneeId.is_null())
            .count(db)
            .await?,
    })
}

/// Unresolved alerts by assignee (`None`: nobody), for the digest.
pub async fn unresolved_with_tutors<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(alert::Model, Option<entity::tutor::Model>)>, DbErr> {
    Alert::find()
        .filter(alert::Column::Status.ne(AlertStatus::Resolved))
        .find_also_related(Tutor)
        .order_by_asc(alert::Column::AckDueAt)
        .all(db)
        .await
}
