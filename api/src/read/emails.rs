//! Email report listings, newest first, keyset-paginated.

use entity::{EmailKind, EmailStatus, email_report, prelude::*};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::cursor::{Cursor, Key};
use crate::error::{ApiError, ApiResult};

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct EmailFilter {
    pub tutor_id: Option<Uuid>,
    pub statuses: Vec<EmailStatus>,
    pub kinds: Vec<EmailKind>,
}

const SORT: &str = "created_at_desc";

/// One page of reports with their cursors, and whether more follow.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &EmailFilter,
    first: u64,
    after: Option<&str>,
) -> ApiResult<(Vec<(email_report::Model, String)>, bool)> {
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
    if let Some(after) = after {
        let cursor = Cursor::decode(after, SORT, "after")?;
        let Key::Time(created) = cursor.key else {
            return Err(ApiError::input("after", "is not a cursor returned by this query"));
        };
        condition = condition.add(
            Condition::any()
                .add(email_report::Column::CreatedAt.lt(created))
                .add(
                    Condition::all()
                        .add(email_report::Column::CreatedAt.eq(created))
                        .add(email_report::Column::Id.lt(cursor.id)),
                ),
        );
    }
    let rows = EmailReport::find()
        .filter(condition)
        .order_by_desc(email_report::Column::CreatedAt)
        .order_by_desc(email_report::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > first;
    let rows = rows
        .into_iter()
        .take(first as usize)
        .map(|r| {
            let cursor = Cursor {
                sort: SORT.into(),
                key: Key::Time(r.created_at),
                id: r.id,
            }
            .encode();
            (r, cursor)
        })
        .collect();
    Ok((rows, has_next))
}
