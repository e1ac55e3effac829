//! Storing sessions and tutors. A session, its reschedule row and the recompute job are
//! written in one transaction; replaying the same payload changes nothing; a changed payload
//! is a correction. Events and the worker nudge go out only after the commit.

use chrono::{DateTime, Utc};
use entity::{prelude::*, reschedule, session, tutor};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;
use worker::{
    db,
    events::{Event, SessionRecorded, SharedBus},
    jobs::{self, RecomputeTutor},
};

use super::input::{TutorRef, ValidReschedule, ValidSession};
use crate::error::{ApiError, ApiResult};

/// What `recordSession` did with a payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOutcome {
    /// A new session was stored.
    Stored,
    /// The same payload was already stored: nothing changed, no recompute.
    Unchanged,
    /// An existing session was corrected and its tutor recomputed.
    Updated,
}

/// A stored session and what happened to it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub session: session::Model,
    pub reschedule: Option<reschedule::Model>,
    pub outcome: RecordOutcome,
}

/// Records one valid session in its own transaction, then nudges the worker.
pub async fn record_session(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    valid: &ValidSession,
    path: &str,
    now: DateTime<Utc>,
) -> ApiResult<Recorded> {
    let recorded = with_retry_on_duplicate(|| async {
        let txn = db::begin_write(conn).await?;
        let recorded = record_in(&txn, valid, path, now).await?;
        txn.commit().await?;
        Ok(recorded)
    })
    .await?;
    after_commit(bus, std::slice::from_ref(&recorded)).await;
    Ok(recorded)
}

/// Records a batch in one transaction with a savepoint per item, so that a failing item
/// leaves nothing behind and does not stop the others. `Err` items were invalid or failed.
pub async fn record_sessions(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    items: Vec<ApiResult<ValidSession>>,
    now: DateTime<Utc>,
) -> ApiResult<Vec<ApiResult<Recorded>>> {
    let txn = db::begin_write(conn).await?;
    lock_tutors(&txn, items.iter().filter_map(|i| i.as_ref().ok())).await?;
    let mut results = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let valid = match item {
            Ok(valid) => valid,
            Err(invalid) => {
                results.push(Err(invalid));
                continue;
            }
        };
        let savepoint = txn.begin().await?;
        match record_in(&savepoint, &valid, &format!("inputs[{index}]"), now).await {
            Ok(recorded) => {
                savepoint.commit().await?;
                results.push(Ok(recorded));
            }
            Err(e) => {
                savepoint.rollback().await?;
                results.push(Err(e));
            }
        }
    }
    txn.commit().await?;
    let stored: Vec<Recorded> = results.iter().filter_map(|r| r.as_ref().ok().cloned()).collect();
    after_commit(bus, &stored).await;
    Ok(results)
}

/// Locks every tutor a batch names, in id order, before any item is written. Each item locks
/// its tutor and the locks are held until the batch commits: taken in the items' order, two
/// batches naming the same tutors in different orders would deadlock.
async fn lock_tutors<'a, C: ConnectionTrait>(
    txn: &C,
    items: impl Iterator<Item = &'a ValidSession>,
) -> Result<(), DbErr> {
    let (mut ids, mut external_ids) = (Vec::new(), Vec::new());
    for item in items {
        match &item.tutor {
            TutorRef::Id(id) => ids.push(*id),
            TutorRef::ExternalId(external) => external_ids.push(external.clone()),
        }
    }
    if ids.is_empty() && external_ids.is_empty() {
        return Ok(());
    }
    Tutor::find()
        .select_only()
        .column(tutor::Column::Id)
        .filter(
            tutor::Column::Id
                .is_in(ids)
                .or(tutor::Column::ExternalId.is_in(external_ids)),
        )
        .order_by_asc(tutor::Column::Id)
        .lock_exclusive()
        .into_tuple::<Uuid>()
        .all(txn)
        .await?;
    Ok(())
}

/// A concurrent insert of the same new external id makes one of two writers fail on the
/// unique key; running again sees the other's row and takes the replay/correction path.
async fn with_retry_on_duplicate<F, Fut>(mut attempt: F) -> ApiResult<Recorded>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ApiResult<Recorded>>,
{
    match attempt().await {
        Err(ApiError::Internal(e)) if e.downcast_ref::<DbErr>().is_some_and(db::is_unique_violation) => {
            attempt().await
        }
        other => other,
    }
}

async fn after_commit(bus: &SharedBus, recorded: &[Recorded]) {
    let changed: Vec<&Recorded> = recorded
        .iter()
        .filter(|r| r.outcome != RecordOutcome::Unchanged)
        .collect();
    if changed.is_empty() {
        return;
    }
    if let Err(e) = bus.notify_jobs().await {
        tracing::warn!(error = %e, "could not nudge the worker; it will find the job by polling");
    }
    for r in changed {
        let event = Event::SessionRecorded(SessionRecorded {
            session_id: r.session.id,
            external_id: r.session.external_id.clone(),
            tutor_id: r.session.tutor_id,
            status: r.session.status,
            scheduled_start: r.session.scheduled_start,
            corrected: r.outcome == RecordOutcome::Updated,
        });
        if let Err(e) = bus.publish(event).await {
            tracing::warn!(error = %e, "could not publish sessionRecorded");
        }
    }
}

/// Finds and locks the tutor a session names. The lock serialises writes about one tutor
/// (ingest and recompute both take it first), so concurrent sessions of the same tutor and
/// student cannot deadlock on the first-session update.
pub async fn resolve_tutor<C: ConnectionTrait>(
    db: &C,
    tutor: &TutorRef,
    path: &str,
) -> ApiResult<tutor::Model> {
    let found = match tutor {
        TutorRef::Id(id) => Tutor::find_by_id(*id).lock_exclusive().one(db).await?,
        TutorRef::ExternalId(external) => {
            Tutor::find()
                .filter(tutor::Column::ExternalId.eq(external.as_str()))
                .lock_exclusive()
                .one(db)
                .await?
        }
    };
    found.ok_or_else(|| match tutor {
        TutorRef::Id(_) => ApiError::input(format!("{path}.tutorId"), "unknown tutor"),
        TutorRef::ExternalId(_) => ApiError::input(format!("{path}.tutorExternalId"), "unknown tutor"),
    })
}

/// The core of `recordSession`, inside the caller's transaction.
async fn record_in<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    valid: &ValidSession,
    path: &str,
    now: DateTime<Utc>,
) -> ApiResult<Recorded> {
    let tutor = resolve_tutor(txn, &valid.tutor, path).await?;
    let existing = Session::find()
        .filter(session::Column::ExternalId.eq(valid.external_id.as_str()))
        .lock_exclusive()
        .one(txn)
        .await?;
    let (session, outcome, previous_tutor) = match existing {
        Some(old) => {
            let old_reschedule = Reschedule::find()
                .filter(reschedule::Column::SessionId.eq(old.id))
                .one(txn)
                .await?;
            if same_payload(&old, old_reschedule.as_ref(), tutor.id, valid) {
                return Ok(Recorded {
                    session: old,
                    reschedule: old_reschedule,
                    outcome: RecordOutcome::Unchanged,
                });
            }
            let previous_tutor = old.tutor_id;
            let mut row: session::ActiveModel = old.into();
            fill(&mut row, tutor.id, valid);
            row.updated_at = Set(now);
            let updated = row.update(txn).await?;
            Reschedule::delete_many()
                .filter(reschedule::Column::SessionId.eq(updated.id))
                .exec(txn)
                .await?;
            (updated, RecordOutcome::Updated, Some(previous_tutor))
        }
        None => {
            let mut row = session::ActiveModel {
                id: Set(Uuid::now_v7()),
                external_id: Set(valid.external_id.clone()),
                is_first_session: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            };
            fill(&mut row, tutor.id, valid);
            (row.insert(txn).await?, RecordOutcome::Stored, None)
        }
    };
    let reschedule = match &valid.reschedule {
        Some(r) => Some(insert_reschedule(txn, &session, r, now).await?),
        None => None,
    };
    let first = mark_first_sessions(txn, tutor.id, &session.student_ref).await?;
    // The session's tutor is recomputed with this session (it gets its report); a tutor the
    // session was moved away from is recomputed too.
    let mut recomputes = vec![RecomputeTutor {
        tutor_id: tutor.id,
        session_id: Some(session.id),
    }];
    if let Some(previous) = previous_tutor.filter(|p| *p != tutor.id) {
        recomputes.push(RecomputeTutor {
            tutor_id: previous,
            session_id: None,
        });
    }
    jobs::enqueue_recomputes(txn, recomputes, now).await?;
    // The one column the update above may have changed in this row.
    let session = session::Model {
        is_first_session: first == Some(session.id),
        ..session
    };
    Ok(Recorded {
        session,
        reschedule,
        outcome,
    })
}

fn fill(row: &mut session::ActiveModel, tutor_id: Uuid, v: &ValidSession) {
    row.tutor_id = Set(tutor_id);
    row.student_ref = Set(v.student_ref.clone());
    row.scheduled_start = Set(v.scheduled_start);
    row.scheduled_minutes = Set(v.scheduled_minutes);
    row.actual_start = Set(v.actual_start);
    row.actual_end = Set(v.actual_end);
    row.status = Set(v.status);
    row.rating = Set(v.rating);
}

fn same_payload(
    old: &session::Model,
    old_reschedule: Option<&reschedule::Model>,
    tutor_id: Uuid,
    v: &ValidSession,
) -> bool {
    let reschedule_same = match (old_reschedule, &v.reschedule) {
        (None, None) => true,
        (Some(o), Some(n)) => {
            o.initiator == n.initiator
                && o.reason_code == n.reason_code
                && o.reason == n.reason
                && o.new_start == n.new_start
                && o.requested_at == n.requested_at
        }
        _ => false,
    };
    old.tutor_id == tutor_id
        && old.student_ref == v.student_ref
        && old.scheduled_start == v.scheduled_start
        && old.scheduled_minutes == v.scheduled_minutes
        && old.actual_start == v.actual_start
        && old.actual_end == v.actual_end
        && old.status == v.status
        && old.rating == v.rating
        && reschedule_same
}

async fn insert_reschedule<C: ConnectionTrait>(
    db: &C,
    session: &session::Model,
    r: &ValidReschedule,
    now: DateTime<Utc>,
) -> Result<reschedule::Model, DbErr> {
    reschedule::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session.id),
        tutor_id: Set(session.tutor_id),
        initiator: Set(r.initiator),
        reason_code: Set(r.reason_code.clone()),
        reason: Set(r.reason.clone()),
        original_start: Set(session.scheduled_start),
        new_start: Set(r.new_start),
        requested_at: Set(r.requested_at),
        notice_hours: Set(r.notice_hours),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

/// Re-derives `is_first_session` for one tutor-student pair: only the earliest session is the
/// first (sessions may arrive out of order, e.g. in a backfill). Returns the first's id.
async fn mark_first_sessions<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    student_ref: &str,
) -> Result<Option<Uuid>, DbErr> {
    let first: Option<Uuid> = Session::find()
        .select_only()
        .column(session::Column::Id)
        .filter(session::Column::TutorId.eq(tutor_id))
        .filter(session::Column::StudentRef.eq(student_ref))
        .order_by_asc(session::Column::ScheduledStart)
        .order_by_asc(session::Column::Id)
        .into_tuple()
        .one(db)
        .await?;
    let Some(first) = first else { return Ok(None) };
    // Only rows whose flag changes are written: usually just the new session.
    let is_first = Expr::col(session::Column::Id).eq(first);
    Session::update_many()
        .col_expr(session::Column::IsFirstSession, is_first.clone())
        .filter(session::Column::TutorId.eq(tutor_id))
        .filter(session::Column::StudentRef.eq(student_ref))
        .filter(Expr::col(session::Column::IsFirstSession).ne(is_first))
        .exec(db)
        .await?;
    Ok(Some(first))
}

/// A tutor as the integrator describes it.
#[derive(Debug, Clone)]
pub struct TutorInput {
    pub external_id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
}

/// Whether `upsertTutor` created or changed a tutor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Creates or updates a tutor keyed by external id.
pub async fn upsert_tutor(
    conn: &DatabaseConnection,
    input: &TutorInput,
    now: DateTime<Utc>,
) -> ApiResult<(tutor::Model, UpsertOutcome)> {
    let attempt = || async {
        let txn = db::begin_write(conn).await?;
        let existing = Tutor::find()
            .filter(tutor::Column::ExternalId.eq(input.external_id.as_str()))
            .lock_exclusive()
            .one(&txn)
            .await?;
        let result = match existing {
            Some(t) if t.name == input.name && t.email == input.email && t.active == input.active => {
                (t, UpsertOutcome::Unchanged)
            }
            Some(t) => {
                let mut row: tutor::ActiveModel = t.into();
                row.name = Set(input.name.clone());
                row.email = Set(input.email.clone());
                row.active = Set(input.active);
                row.updated_at = Set(now);
                (row.update(&txn).await?, UpsertOutcome::Updated)
            }
            None => {
                let row = tutor::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    external_id: Set(input.external_id.clone()),
                    name: Set(input.name.clone()),
                    email: Set(input.email.clone()),
                    active: Set(input.active),
                    created_at: Set(now),
                    updated_at: Set(now),
                };
                (row.insert(&txn).await?, UpsertOutcome::Created)
            }
        };
        txn.commit().await?;
        Ok::<_, DbErr>(result)
    };
    match attempt().await {
        Err(e) if db::is_unique_violation(&e) => Ok(attempt().await?),
        other => Ok(other?),
    }
}
