//! Reading sessions: the session list (newest first, keyset pages), one session, a tutor's
//! recent reschedules, and the facts about a tutor's recent sessions that scoring reads.

use chrono::{DateTime, Duration, Utc};
use entity::{SessionStatus, prelude::*, reschedule, session};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::{
    error::{DomainError, DomainResult},
    pagination::{Cursor, Key, Page, PageRequest},
    scoring::{RescheduleFact, ScoringConfig, SessionFact, WINDOWS},
};

/// A session with its reschedule details, if any.
pub type SessionWithReschedule = (session::Model, Option<reschedule::Model>);

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

/// The one order sessions are listed in.
pub const SORT: &str = "scheduled_start_desc";

/// Lists sessions newest first (`request` must be descending, for [`SORT`]).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &SessionFilter,
    request: &PageRequest,
) -> DomainResult<Page<SessionWithReschedule>> {
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        return Err(DomainError::invalid(
            "filter.to",
            "must not be before filter.from",
        ));
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
    if let Some(beyond) = request.beyond(
        Expr::col((Session, session::Column::ScheduledStart)),
        Expr::col((Session, session::Column::Id)),
    ) {
        condition = condition.add(beyond);
    }
    let rows = Session::find()
        .find_also_related(Reschedule)
        .filter(condition)
        .order_by_desc(session::Column::ScheduledStart)
        .order_by_desc(session::Column::Id)
        .limit(request.limit())
        .all(db)
        .await?;
    Ok(request.page(rows, |(s, _)| Cursor {
        sort: SORT.into(),
        key: Key::Time(s.scheduled_start),
        id: s.id,
    }))
}

/// One session with its reschedule.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<SessionWithReschedule>, DbErr> {
    Session::find_by_id(id)
        .find_also_related(Reschedule)
        .one(db)
        .await
}

/// Sessions by id with their reschedules.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<SessionWithReschedule>, DbErr> {
    Session::find()
        .filter(session::Column::Id.is_in(ids))
        .find_also_related(Reschedule)
        .all(db)
        .await
}

/// A tutor's most recent reschedules, newest first.
pub async fn recent_reschedules<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    limit: u64,
) -> Result<Vec<reschedule::Model>, DbErr> {
    Reschedule::find()
        .filter(reschedule::Column::TutorId.eq(tutor_id))
        .order_by_desc(reschedule::Column::OriginalStart)
        .limit(limit)
        .all(db)
        .await
}

/// How far back scoring looks: the longest window.
pub fn history_days() -> i64 {
    WINDOWS.iter().copied().max().unwrap_or(90).into()
}

/// The window of a tutor's sessions scoring reads at `now`: the longest window back, and the
/// rebooking days ahead (rebookings shortly after "now" still count for first sessions near
/// the end).
pub fn scoring_span(now: DateTime<Utc>, config: &ScoringConfig) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        now - Duration::days(history_days()),
        now + Duration::days(config.rebook_days),
    )
}

/// What scoring needs about one tutor's sessions of the longest window before `now` (through
/// the `(tutor_id, scheduled_start)` index, so the cost does not grow with the table).
pub async fn facts<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    now: DateTime<Utc>,
    config: &ScoringConfig,
) -> Result<Vec<SessionFact>, DbErr> {
    let (from, until) = scoring_span(now, config);
    facts_between(db, tutor_id, from, until).await
}

/// The facts about a tutor's sessions scheduled in `(from, until]` (an intervention's
/// before and after periods).
pub async fn facts_between<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<SessionFact>, DbErr> {
    let rows = of_tutor_between(db, tutor_id, from, until).await?;
    Ok(rows.into_iter().map(|(s, r)| fact(s, r)).collect())
}

/// A tutor's sessions scheduled in `(from, until]`, with their reschedules.
pub async fn of_tutor_between<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<SessionWithReschedule>, DbErr> {
    of_tutors_between(db, &[tutor_id], from, until).await
}

/// The sessions of `tutor_ids` scheduled in `(from, until]`, with their reschedules, in one
/// statement (each tutor an indexed range on `(tutor_id, scheduled_start)`).
pub async fn of_tutors_between<C: ConnectionTrait>(
    db: &C,
    tutor_ids: &[Uuid],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<SessionWithReschedule>, DbErr> {
    Session::find()
        .filter(session::Column::TutorId.is_in(tutor_ids.iter().copied()))
        .filter(session::Column::ScheduledStart.gt(from))
        .filter(session::Column::ScheduledStart.lte(until))
        .find_also_related(Reschedule)
        .all(db)
        .await
}

/// What scoring reads of a stored session and its reschedule.
pub fn fact(s: session::Model, r: Option<reschedule::Model>) -> SessionFact {
    SessionFact {
        student_ref: s.student_ref,
        scheduled_start: s.scheduled_start,
        scheduled_minutes: s.scheduled_minutes,
        actual_start: s.actual_start,
        actual_end: s.actual_end,
        status: s.status,
        is_first_session: s.is_first_session,
        rating: s.rating,
        reschedule: r.map(|r| RescheduleFact {
            initiator: r.initiator,
            reason_code: r.reason_code,
            notice_hours: r.notice_hours,
        }),
    }
}
