//! Storing sessions. A session, its reschedule row, the first-session derivation of its pair
//! and the recompute job are written in one transaction; replaying the same payload changes
//! nothing; a changed payload is a correction. The worker nudge and the `SessionRecorded`
//! events go out only after the commit.

use chrono::{DateTime, Utc};
use entity::{SessionStatus, prelude::*, reschedule, session};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait,
    IntoActiveModel, QueryFilter, QuerySelect, Set, TransactionTrait,
    sea_query::{Expr, Order, Query, QueryStatementBuilder, SimpleExpr},
};
use uuid::Uuid;

use super::{
    insert::{self, NewSession},
    valid::{ValidReschedule, ValidSession},
};
use crate::{
    db,
    error::{DomainError, DomainResult},
    events::{Event, SessionRecorded, SharedBus},
    jobs::{self, RecomputeTutor},
    tutors::{self, TutorRef},
};

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

/// Records one valid session in its own transaction, then nudges the worker; `path` names
/// the input in errors.
pub async fn record_session(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    valid: &ValidSession,
    path: &str,
    now: DateTime<Utc>,
) -> DomainResult<Recorded> {
    let attempt = || async {
        let txn = db::begin_write(conn).await?;
        let recorded = record_in(&txn, valid, path, now).await?;
        txn.commit().await?;
        Ok(recorded)
    };
    // A concurrent insert of the same new external id makes one of two writers fail on the
    // unique key; running again sees the other's row and takes the replay/correction path. A
    // correction that moves a session to another tutor locks that tutor second, which can
    // deadlock with a writer that holds it and waits for ours: Postgres rolls one back.
    let recorded = match attempt().await {
        Err(DomainError::Database(e)) if db::is_unique_violation(&e) || db::is_deadlock(&e) => {
            attempt().await
        }
        other => other,
    }?;
    after_commit(bus, std::slice::from_ref(&recorded)).await;
    Ok(recorded)
}

/// Records a batch in one transaction with a savepoint per item, so that a failing item
/// leaves nothing behind and does not stop the others. `Err` items were invalid or failed.
pub async fn record_sessions(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    items: Vec<DomainResult<ValidSession>>,
    now: DateTime<Utc>,
) -> DomainResult<Vec<DomainResult<Recorded>>> {
    let items = refuse_repeats(items);
    let txn = db::begin_write(conn).await?;
    tutors::store::lock_all(
        &txn,
        items.iter().filter_map(|i| i.as_ref().ok()).map(|s| &s.tutor),
    )
    .await?;
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

/// A batch names each session once: an item whose `externalId` an earlier item already has
/// is refused (naming both), rather than silently overwriting it within one transaction.
fn refuse_repeats(items: Vec<DomainResult<ValidSession>>) -> Vec<DomainResult<ValidSession>> {
    let mut first_at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    items
        .into_iter()
        .enumerate()
        .map(|(index, item)| {
            let valid = item?;
            match first_at.get(&valid.external_id) {
                Some(first) => Err(DomainError::invalid(
                    format!("inputs[{index}].externalId"),
                    format!("repeats inputs[{first}].externalId; a batch holds each session once"),
                )),
                None => {
                    first_at.insert(valid.external_id.clone(), index);
                    Ok(valid)
                }
            }
        })
        .collect()
}

async fn after_commit(bus: &SharedBus, recorded: &[Recorded]) {
    let changed: Vec<&Recorded> = recorded
        .iter()
        .filter(|r| r.outcome != RecordOutcome::Unchanged)
        .collect();
    if changed.is_empty() {
        return;
    }
    let events = changed
        .into_iter()
        .map(|r| {
            Event::SessionRecorded(SessionRecorded {
                session_id: r.session.id,
                external_id: r.session.external_id.clone(),
                tutor_id: r.session.tutor_id,
                status: r.session.status,
                scheduled_start: r.session.scheduled_start,
                corrected: r.outcome == RecordOutcome::Updated,
            })
        })
        .collect();
    // The nudge and the events in one go (one round trip on Redis).
    if let Err(e) = bus.publish_all(events, true).await {
        tracing::warn!(error = %e, "could not nudge the worker or publish sessionRecorded; the worker finds the job by polling");
    }
}

/// The core of `recordSession`, inside the caller's transaction. A new session, the common
/// case, takes the tutor's lock and then one statement on Postgres ([`insert::store_new`]);
/// a session whose external id is stored is a replay or a correction.
async fn record_in<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    valid: &ValidSession,
    path: &str,
    now: DateTime<Utc>,
) -> DomainResult<Recorded> {
    let tutor = tutors::store::lock(txn, &valid.tutor, path).await?;
    // Times are at the database's precision already, so the rows as built are the rows stored.
    let row = new_row(Uuid::now_v7(), tutor.id, valid, now);
    let reschedule = valid
        .reschedule
        .as_ref()
        .map(|r| reschedule_row(Uuid::now_v7(), &row, r, now));
    // The session's tutor is recomputed with this session (it gets its report).
    let recompute = RecomputeTutor {
        tutor_id: tutor.id,
        session_id: Some(row.id),
    };
    let new = NewSession {
        row: &row,
        reschedule: reschedule.as_ref(),
        recompute,
    };
    if let Some(is_first) = insert::store_new(txn, &new, now).await? {
        return Ok(Recorded {
            session: session::Model {
                is_first_session: is_first,
                ..row
            },
            reschedule,
            outcome: RecordOutcome::Stored,
        });
    }
    let (session, previous_tutor, previous_student) = match correct(txn, tutor.id, valid, now).await? {
        Corrected::Unchanged(recorded) => return Ok(recorded),
        Corrected::Updated {
            session,
            previous_tutor,
            previous_student,
        } => (session, previous_tutor, previous_student),
    };
    let reschedule = match &valid.reschedule {
        Some(r) => Some(
            reschedule_row(Uuid::now_v7(), &session, r, now)
                .into_active_model()
                .insert(txn)
                .await?,
        ),
        None => None,
    };
    let is_first = mark_first_sessions(txn, tutor.id, &session.student_ref, session.id)
        .await?
        .unwrap_or(session.is_first_session);
    // The pair the session left: when it was that pair's first, the next one is now. Another
    // tutor's pair is re-derived under that tutor's lock, as its own sessions are.
    if (previous_tutor, previous_student.as_str()) != (tutor.id, session.student_ref.as_str()) {
        if previous_tutor != tutor.id {
            tutors::store::lock(txn, &TutorRef::Id(previous_tutor), path).await?;
        }
        mark_first_sessions(txn, previous_tutor, &previous_student, session.id).await?;
    }
    // A tutor the session was moved away from is recomputed too.
    let mut recomputes = vec![RecomputeTutor {
        tutor_id: tutor.id,
        session_id: Some(session.id),
    }];
    if previous_tutor != tutor.id {
        recomputes.push(RecomputeTutor {
            tutor_id: previous_tutor,
            session_id: None,
        });
    }
    jobs::enqueue_recomputes(txn, recomputes, now).await?;
    Ok(Recorded {
        session: session::Model {
            is_first_session: is_first,
            ..session
        },
        reschedule,
        outcome: RecordOutcome::Updated,
    })
}

/// What a payload for a stored session did to it.
enum Corrected {
    /// The same payload: nothing written.
    Unchanged(Recorded),
    /// A correction, with the tutor and student the session had before.
    Updated {
        session: session::Model,
        previous_tutor: Uuid,
        previous_student: String,
    },
}

/// Applies a payload to the stored session of its external id (locked first), its reschedule
/// row replaced; the prediction made for a booking gets its outcome.
async fn correct<C: ConnectionTrait>(
    txn: &C,
    tutor_id: Uuid,
    valid: &ValidSession,
    now: DateTime<Utc>,
) -> DomainResult<Corrected> {
    let old = Session::find()
        .filter(session::Column::ExternalId.eq(valid.external_id.as_str()))
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("session {}", valid.external_id)))?;
    let old_reschedule = Reschedule::find()
        .filter(reschedule::Column::SessionId.eq(old.id))
        .one(txn)
        .await?;
    if same_payload(&old, old_reschedule.as_ref(), tutor_id, valid) {
        return Ok(Corrected::Unchanged(Recorded {
            session: old,
            reschedule: old_reschedule,
            outcome: RecordOutcome::Unchanged,
        }));
    }
    let (previous_tutor, previous_student) = (old.tutor_id, old.student_ref.clone());
    let was_booking = old.status == SessionStatus::Scheduled;
    let mut row: session::ActiveModel = old.into();
    fill(&mut row, tutor_id, valid);
    row.updated_at = Set(now);
    let updated = row.update(txn).await?;
    Reschedule::delete_many()
        .filter(reschedule::Column::SessionId.eq(updated.id))
        .exec(txn)
        .await?;
    if was_booking && updated.status != SessionStatus::Scheduled {
        // The prediction made before it stays, with the outcome beside it.
        crate::predictions::store::outcome_recorded(txn, &updated, valid.reschedule.as_ref(), now).await?;
    }
    Ok(Corrected::Updated {
        session: updated,
        previous_tutor,
        previous_student,
    })
}

/// The row of a new session (`is_first_session` is derived per pair after insertion, or by
/// the bulk loader with [`first_session`](super::valid::first_session)).
pub fn new_row(id: Uuid, tutor_id: Uuid, valid: &ValidSession, now: DateTime<Utc>) -> session::Model {
    session::Model {
        id,
        external_id: valid.external_id.clone(),
        tutor_id,
        student_ref: valid.student_ref.clone(),
        scheduled_start: valid.scheduled_start,
        scheduled_minutes: valid.scheduled_minutes,
        actual_start: valid.actual_start,
        actual_end: valid.actual_end,
        status: valid.status,
        is_first_session: false,
        rating: valid.rating,
        // A booking's time defaults to when we first saw it; an outcome sent directly has none.
        booked_at: valid
            .booked_at
            .or((valid.status == SessionStatus::Scheduled).then_some(now)),
        created_at: now,
        updated_at: now,
    }
}

/// The reschedule row of a stored session.
pub fn reschedule_row(
    id: Uuid,
    session: &session::Model,
    r: &ValidReschedule,
    now: DateTime<Utc>,
) -> reschedule::Model {
    reschedule::Model {
        id,
        session_id: session.id,
        tutor_id: session.tutor_id,
        initiator: r.initiator,
        reason_code: r.reason_code.clone(),
        reason: r.reason.clone(),
        original_start: session.scheduled_start,
        new_start: r.new_start,
        requested_at: r.requested_at,
        notice_hours: r.notice_hours,
        created_at: now,
    }
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
    // A correction without a booking time keeps the one recorded with the booking.
    if v.booked_at.is_some() {
        row.booked_at = Set(v.booked_at);
    }
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
        && v.booked_at.is_none_or(|b| old.booked_at == Some(b))
        && reschedule_same
}

/// Re-derives `is_first_session` for one tutor-student pair by
/// [`first_session`](super::valid::first_session)'s rule, in
/// one statement that writes only the rows whose flag changes (usually just a new first
/// session). Returns the flag of `session_id` when it changed.
pub(super) async fn mark_first_sessions<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    student_ref: &str,
    session_id: Uuid,
) -> Result<Option<bool>, DbErr> {
    let first = Query::select()
        .column(session::Column::Id)
        .from(Session)
        .and_where(session::Column::TutorId.eq(tutor_id))
        .and_where(session::Column::StudentRef.eq(student_ref))
        .order_by(session::Column::ScheduledStart, Order::Asc)
        .order_by(session::Column::Id, Order::Asc)
        .limit(1)
        .to_owned();
    let is_first = Expr::col(session::Column::Id).eq(SimpleExpr::SubQuery(
        None,
        Box::new(first.into_sub_query_statement()),
    ));
    let changed = Session::update_many()
        .col_expr(session::Column::IsFirstSession, is_first.clone())
        .filter(session::Column::TutorId.eq(tutor_id))
        .filter(session::Column::StudentRef.eq(student_ref))
        .filter(Expr::col(session::Column::IsFirstSession).ne(is_first))
        .exec_with_returning(db)
        .await?;
    Ok(changed
        .into_iter()
        .find(|s| s.id == session_id)
        .map(|s| s.is_first_session))
}
