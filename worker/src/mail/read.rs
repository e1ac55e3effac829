//! Reading email reports back: the list (newest first, keyset pages) and one report.

use entity::{EmailKind, EmailStatus, email_report, prelude::*};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    error::DomainResult,
    pagination::{Cursor, Key, Page, PageRequest},
};

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct EmailFilter {
    pub tutor_id: Option<Uuid>,
    pub statuses: Vec<EmailStatus>,
    pub kinds: Vec<EmailKind>,
}

/// The one order reports are listed in.
pub const SORT: &str = "created_at_desc";

/// One page of reports, newest first (`request` must be descending, for [`SORT`]).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &EmailFilter,
    request: &PageRequest,
) -> DomainResult<Page<email_report::Model>> {
    let mut condition = Condition::all();
    if let Some(tutor_id) = filter.tutor_id {
        condition = condition.add(email_report::Column::TutorId.eq(tutor_id));
    }
    if !filter.statuses.is_empty() {
        condition = condition.add(email_report::Column::Status.is_in(filter.statuses.clone()));
    }
    if !filter.kinds.is_empty() {
        condition = condition.add(email_report::Column::Kind.is_in(filter.kinds.clone()));
    }
    if let Some(beyond) = request.beyond(
        Expr::col((EmailReport, email_report::Column::CreatedAt)),
        Expr::col((EmailReport, email_report::Column::Id)),
    ) {
        condition = condition.add(beyond);
    }
    let rows = EmailReport::find()
        .filter(condition)
        .order_by_desc(email_report::Column::CreatedAt)
        .order_by_desc(email_report::Column::Id)
        .limit(request.limit())
        .all(db)
        .await?;
    Ok(request.page(rows, |r| Cursor {
        sort: SORT.into(),
        key: Key::Time(r.created_at),
        id: r.id,
    }))
}

/// One report.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<email_report::Model>, DbErr> {
    EmailReport::find_by_id(id).one(db).await
}

/// Reports by delivery status (for the metrics page).
pub async fn count_by_status<C: ConnectionTrait>(db: &C, status: EmailStatus) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    EmailReport::find()
        .filter(email_report::Column::Status.eq(status))
        .count(db)
        .await
}
