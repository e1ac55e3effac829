//! Writing tutors: `upsertTutor` keyed by the integrator's id, and finding a tutor under a
//! lock for the writes that concern it.

use chrono::{DateTime, Utc};
use entity::{prelude::*, tutor};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{TutorRef, ValidTutor};
use crate::{
    db,
    error::{DomainError, DomainResult},
};

/// Whether `upsertTutor` created or changed a tutor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Creates or updates a tutor keyed by external id, in its own transaction.
pub async fn upsert_tutor(
    conn: &DatabaseConnection,
    input: &ValidTutor,
    now: DateTime<Utc>,
) -> DomainResult<(tutor::Model, UpsertOutcome)> {
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
    // Two callers creating the same new tutor: the loser of the unique key sees the winner's
    // row on its second try.
    match attempt().await {
        Err(e) if db::is_unique_violation(&e) => Ok(attempt().await?),
        other => Ok(other?),
    }
}

/// Finds and locks the tutor `tutor` names; `path` is the input's path for the error when it
/// names no tutor. The lock serialises writes about one tutor (ingest and recompute both take
/// it first), so concurrent sessions of the same tutor and student cannot deadlock.
pub async fn lock<C: ConnectionTrait>(db: &C, tutor: &TutorRef, path: &str) -> DomainResult<tutor::Model> {
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
        TutorRef::Id(_) => DomainError::invalid(format!("{path}.tutorId"), "unknown tutor"),
        TutorRef::ExternalId(_) => DomainError::invalid(format!("{path}.tutorExternalId"), "unknown tutor"),
    })
}

/// Locks every tutor in `tutors`, in id order, before a batch writes any of them. Each item
/// locks its tutor and the locks are held until the batch commits: taken in the items' order,
/// two batches naming the same tutors in different orders would deadlock.
pub async fn lock_all<'a, C: ConnectionTrait>(
    db: &C,
    tutors: impl Iterator<Item = &'a TutorRef>,
) -> Result<(), DbErr> {
    let (mut ids, mut external_ids) = (Vec::new(), Vec::new());
    for tutor in tutors {
        match tutor {
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
        .all(db)
        .await?;
    Ok(())
}
