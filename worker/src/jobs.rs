//! The durable job queue on the `jobs` table.
//!
//! Enqueueing happens inside the caller's transaction, so a job exists exactly when the data
//! it refers to was committed.

use chrono::{DateTime, Utc};
use entity::{JobKind, JobStatus, job};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Payload of a `recompute_tutor` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecomputeTutor {
    /// The tutor whose score to recompute.
    pub tutor_id: Uuid,
}

fn new_job(kind: JobKind, payload: serde_json::Value, now: DateTime<Utc>) -> job::ActiveModel {
    job::ActiveModel {
        kind: Set(kind),
        payload: Set(payload),
        status: Set(JobStatus::Queued),
        attempts: Set(0),
        run_after: Set(now),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// Enqueues one recompute job per tutor, in batches (inside the caller's transaction).
pub async fn enqueue_recompute<C: ConnectionTrait>(
    db: &C,
    tutor_ids: impl IntoIterator<Item = Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let models: Vec<_> = tutor_ids
        .into_iter()
        .map(|tutor_id| {
            let payload = serde_json::to_value(RecomputeTutor { tutor_id }).expect("plain struct serialises");
            new_job(JobKind::RecomputeTutor, payload, now)
        })
        .collect();
    for chunk in models.chunks(500) {
        job::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
