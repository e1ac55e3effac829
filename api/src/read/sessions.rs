//! Session listings (newest first, keyset-paginated) and a tutor's recent reschedules.

use chrono::{DateTime, Utc};
use entity::{SessionStatus, prelude::*, reschedule, session};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::cursor::{Cursor, Key};
use crate::error::{ApiError, ApiResult};

/// Which sessions to list.
#[derive(Debug, Clone, Default)]
pub struct SessionFilter {
    pub tutor_id: Option<Uuid>,
    pub statuses: Vec<SessionStatus>,
    /// Scheduled at or after.
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before.
    pub to: Option<DateTime<Utc>>,
    pub first_sessions_only: bool,
}

/// One page of sessions with their reschedule details.
pub struct SessionPage {
    pub rows: Vec<(session::Model, Option<reschedule::Model>, String)>,
    pub has_next: bool,
}

const SORT: &str = "scheduled_start_desc";

/// Lists sessions newest first.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &SessionFilter,
    first: u64,
    after: Option<&str>,
) -> ApiResult<SessionPage> {
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(ApiError::input("filter.to", "must not be before filter.from"));
    }
    let mut condition = Condition::all();
    if let Some(tutor_id) = filter.tutor_id {
        condition = condition.add(session::Column::TutorId.eq(tutor_id));
    }
    if !filter.statuses.is_empty() {
        condition = condition.add(session::Column::Status.is_in(filter.statuses.clone()));
    }
    if let Some(from) = filter.from {
        condition = condition.add(session::Column::ScheduledStart.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(session::Column::ScheduledStart.lt(to));
    }
    if filter.first_sessions_only {
        condition = condition.add(session::Column::IsFirstSession.eq(true));
    }
    if let Some(after) = after {
        let cursor = Cursor::decode(after, SORT, "after")?;
        let Key::Time(start) = cursor.key else {
            return Err(ApiError::input("after", "is not a cursor returned by this query"));
        };
        condition = condition.add(
            Condition::any()
                .add(session::Column::ScheduledStart.lt(start))
                .add(
                    Condition::all()
                        .add(session::Column::ScheduledStart.eq(start))
                        .add(session::Column::Id.lt(cursor.id)),
                ),
        );
    }
    let rows = Session::find()
        .find_also_related(Reschedule)
        .filter(condition)
        .order_by_desc(session::Column::ScheduledStart)
        .order_by_desc(session::Column::Id)
        .limit(first + 1)
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > first;
    let rows = rows
        .into_iter()
        .take(first as usize)
        .map(|(s, r)| {
            let cursor = Cursor {
                sort: SORT.into(),
                key: Key::Time(s.scheduled_start),
                id: s.id,
            }
            .encode();
            (s, r, cursor)
        })
        .collect();
    Ok(SessionPage { rows, has_next })
}

/// A tutor's most recent reschedules, newest first.
pub async fn recent_reschedules<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    limit: u64,
) -> ApiResult<Vec<reschedule::Model>> {
    Ok(Reschedule::find()
        .filter(reschedule::Column::TutorId.eq(tutor_id))
        .order_by_desc(reschedule::Column::OriginalStart)
        .limit(limit)
        .all(db)
        .await?)
}
