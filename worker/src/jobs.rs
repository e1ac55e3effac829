//! The durable job queue on the `jobs` table.
//!
//! Enqueueing happens inside the caller's transaction, so a job exists exactly when the data
//! it refers to was committed. Workers claim batches (`FOR UPDATE SKIP LOCKED` on Postgres, so
//! several workers never take the same job; SQLite has one writer at a time anyway) with a
//! lease: a worker that dies holding jobs loses them to another worker once the lease expires.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use entity::{JobKind, JobStatus, job, prelude::Job};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, ExprTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Set,
    sea_query::{Expr, LockBehavior, LockType},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::db;

/// Payload of a `recompute_tutor` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecomputeTutor {
    /// The tutor whose score to recompute.
    pub tutor_id: Uuid,
    /// The recorded session that asked for it (its report goes out after the recompute);
    /// absent for periodic and bulk recomputes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_id: Option<Uuid>,
}

/// Retry policy of failed jobs.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts before a job is dead.
    pub max_attempts: i32,
    /// Delay before the first retry; doubles on each further attempt.
    pub base_delay: Duration,
    /// Longest delay between attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_delay: Duration::seconds(2),
            max_delay: Duration::minutes(10),
        }
    }
}

impl RetryPolicy {
    /// Delay after the `attempts`-th failed attempt: base x 2^(attempts-1), capped.
    pub fn delay_after(&self, attempts: i32) -> Duration {
        let exponent = attempts.saturating_sub(1).clamp(0, 20) as u32;
        let delay = self.base_delay * 2i32.saturating_pow(exponent);
        delay.min(self.max_delay)
    }
}

/// A new queued job row.
pub fn new_job(
    kind: JobKind,
    payload: serde_json::Value,
    run_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> job::ActiveModel {
    job::ActiveModel {
        kind: Set(kind),
        payload: Set(payload),
        status: Set(JobStatus::Queued),
        attempts: Set(0),
        run_after: Set(run_after),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// A queued recompute of `tutor_id`, the tutor also in its column (see [`claim_from`]).
fn recompute_job(
    tutor_id: Uuid,
    payload: serde_json::Value,
    run_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> job::ActiveModel {
    job::ActiveModel {
        tutor_id: Set(Some(tutor_id)),
        ..new_job(JobKind::RecomputeTutor, payload, run_after, now)
    }
}

/// Enqueues one recompute job per tutor, in batches (inside the caller's transaction).
pub async fn enqueue_recompute<C: ConnectionTrait>(
    db: &C,
    tutor_ids: impl IntoIterator<Item = Uuid>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let requests = tutor_ids.into_iter().map(|tutor_id| RecomputeTutor {
        tutor_id,
        session_id: None,
    });
    enqueue_recomputes(db, requests, now).await
}

/// Enqueues a recompute of one tutor due at `run_after` (a snooze's end).
pub async fn enqueue_recompute_at<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    run_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let payload = serde_json::to_value(RecomputeTutor {
        tutor_id,
        session_id: None,
    })
    .expect("plain struct serialises");
    Job::insert(recompute_job(tutor_id, payload, run_after, now))
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// The job row of one recompute request, due now.
pub fn recompute_row(request: RecomputeTutor, now: DateTime<Utc>) -> job::ActiveModel {
    let tutor_id = request.tutor_id;
    let payload = serde_json::to_value(request).expect("plain struct serialises");
    recompute_job(tutor_id, payload, now, now)
}

/// Enqueues recompute jobs (inside the caller's transaction), in batches.
pub async fn enqueue_recomputes<C: ConnectionTrait>(
    db: &C,
    requests: impl IntoIterator<Item = RecomputeTutor>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let models: Vec<_> = requests
        .into_iter()
        .map(|request| recompute_row(request, now))
        .collect();
    for chunk in models.chunks(500) {
        Job::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Enqueues a singleton job (`recompute_all`, `daily_digest`) unless one is already queued or
/// running. Two processes racing may both insert; running a periodic job twice is harmless.
pub async fn ensure_scheduled<C: ConnectionTrait>(
    db: &C,
    kind: JobKind,
    run_after: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let pending = Job::find()
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .one(db)
        .await?;
    if pending.is_some() {
        return Ok(false);
    }
    Job::insert(new_job(kind, serde_json::json!({}), run_after, now))
        .exec_without_returning(db)
        .await?;
    Ok(true)
}

/// Which jobs a claim takes: the worker claims the three queues separately, so that a backlog
/// of email or a model being fitted never delays a score (and a stream of recomputes never
/// starves either).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Queue {
    /// Recomputes, the periodic recompute, the digest and outcome measurements: what a
    /// dashboard waits for.
    Scores,
    /// Sending email.
    Email,
    /// Fitting the prediction model (seconds on a large history).
    Model,
    /// Every job (tests, tools).
    All,
}

impl Queue {
    fn condition(self) -> Condition {
        let apart = [JobKind::SendEmail, JobKind::TrainModel];
        match self {
            Queue::Scores => Condition::all().add(job::Column::Kind.is_not_in(apart)),
            Queue::Email => Condition::all().add(job::Column::Kind.eq(JobKind::SendEmail)),
            Queue::Model => Condition::all().add(job::Column::Kind.eq(JobKind::TrainModel)),
            Queue::All => Condition::all(),
        }
    }
}

/// Makes a queued singleton job (`train_model`) due now.
pub async fn bring_forward<C: ConnectionTrait>(
    db: &C,
    kind: JobKind,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    Job::update_many()
        .col_expr(job::Column::RunAfter, Expr::value(now))
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::Status.eq(JobStatus::Queued))
        .filter(job::Column::RunAfter.gt(now))
        .exec(db)
        .await?;
    Ok(())
}

/// Claims up to `limit` due jobs of every kind for `worker` until `now + lease`, oldest
/// first. Expired claims of dead workers are due again.
pub async fn claim(
    conn: &DatabaseConnection,
    worker: &str,
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<job::Model>, DbErr> {
    claim_from(conn, Queue::All, worker, limit, lease, now).await
}

/// Claims up to `limit` due jobs of `queue`, as [`claim`] does.
pub async fn claim_from(
    conn: &DatabaseConnection,
    queue: Queue,
    worker: &str,
    limit: u64,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<job::Model>, DbErr> {
    let ids = claimable(queue, limit, now);
    // On Postgres each UPDATE is atomic on its own (and a crash between the two only leaves
    // leases to expire): no transaction, two round trips fewer per step. SQLite takes its
    // write lock up front instead of upgrading a read lock.
    if conn.get_database_backend() == DbBackend::Sqlite {
        let txn = db::begin_write(conn).await?;
        let claimed = take_with_siblings(&txn, ids, worker, lease, now).await?;
        txn.commit().await?;
        Ok(claimed)
    } else {
        take_with_siblings(conn, ids, worker, lease, now).await
    }
}

/// The condition of `idx_jobs_claimable` (migration `m20261202_000001_jobs_claimable`).
const PENDING: &str = "status IN ('queued', 'running')";

/// The ids of up to `limit` jobs of `queue` a worker may claim at `now`, oldest due first:
/// queued and due, or running with an expired lease. Locked rows are skipped. The partial
/// index `idx_jobs_claimable` serves it on both backends, whatever the count of finished jobs.
pub fn claimable(queue: Queue, limit: u64, now: DateTime<Utc>) -> sea_orm::sea_query::SelectStatement {
    let due = Condition::any()
        .add(
            job::Column::Status
                .eq(JobStatus::Queued)
                .and(job::Column::RunAfter.lte(now)),
        )
        .add(
            job::Column::Status
                .eq(JobStatus::Running)
                .and(job::Column::LockedUntil.lt(now)),
        );
    Job::find()
        .select_only()
        .column(job::Column::Id)
        .filter(due)
        // Implied by `due`, but as the index's own predicate, written out: SQLite uses a
        // partial index only for a query that names its condition, and never with a bound
        // parameter in it; Postgres then needs no proof of its own either.
        .filter(Expr::cust(PENDING))
        .filter(queue.condition())
        .order_by_asc(job::Column::RunAfter)
        .order_by_asc(job::Column::Id)
        .limit(limit)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .into_query()
}

/// Takes the jobs `ids` selects and every other due recompute of the recomputes' tutors: one
/// recompute satisfies them all (it reads every session committed before its lock), so a
/// burst of sessions costs one recompute per tutor instead of one per batch it spreads over.
async fn take_with_siblings<C: ConnectionTrait>(
    conn: &C,
    ids: sea_orm::sea_query::SelectStatement,
    worker: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<job::Model>, DbErr> {
    let mut claimed = take(conn, ids, worker, lease, now).await?;
    let tutors: BTreeSet<Uuid> = claimed
        .iter()
        .filter(|j| j.kind == JobKind::RecomputeTutor)
        .filter_map(|j| j.tutor_id)
        .collect();
    if !tutors.is_empty() {
        let siblings = Job::find()
            .select_only()
            .column(job::Column::Id)
            .filter(job::Column::Kind.eq(JobKind::RecomputeTutor))
            .filter(job::Column::Status.eq(JobStatus::Queued))
            .filter(job::Column::RunAfter.lte(now))
            .filter(job::Column::TutorId.is_in(tutors))
            .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
            .into_query();
        claimed.extend(take(conn, siblings, worker, lease, now).await?);
    }
    Ok(claimed)
}

/// Marks the jobs `ids` selects as running for `worker` until `now + lease`.
async fn take<C: ConnectionTrait>(
    conn: &C,
    ids: sea_orm::sea_query::SelectStatement,
    worker: &str,
    lease: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<job::Model>, DbErr> {
    Job::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Running))
        .col_expr(job::Column::LockedUntil, Expr::value(now + lease))
        .col_expr(job::Column::LockedBy, Expr::value(worker))
        .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.in_subquery(ids))
        .exec_with_returning(conn)
        .await
}

/// Marks claimed jobs done (only if this worker still holds them).
pub async fn complete<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    worker: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    Job::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Done))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.is_in(ids.iter().copied()))
        .filter(job::Column::LockedBy.eq(worker))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: back to the queue after a backoff, or dead when out of attempts.
pub async fn fail<C: ConnectionTrait>(
    db: &C,
    job: &job::Model,
    error: &str,
    policy: &RetryPolicy,
    now: DateTime<Utc>,
) -> Result<JobStatus, DbErr> {
    let dead = job.attempts >= policy.max_attempts;
    let status = if dead { JobStatus::Dead } else { JobStatus::Queued };
    Job::update_many()
        .col_expr(job::Column::Status, Expr::value(status))
        .col_expr(
            job::Column::RunAfter,
            Expr::value(now + policy.delay_after(job.attempts)),
        )
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(job::Column::LastError, Expr::value(truncate(error, 2000)))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(job.id))
        .exec(db)
        .await?;
    Ok(status)
}

/// Deletes jobs finished before `before` (the queue keeps a week of history by default).
pub async fn purge_done<C: ConnectionTrait>(db: &C, before: DateTime<Utc>) -> Result<u64, DbErr> {
    let result = Job::delete_many()
        .filter(job::Column::Status.eq(JobStatus::Done))
        .filter(job::Column::UpdatedAt.lt(before))
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Puts a dead job back in the queue with a fresh set of attempts (admin action).
pub async fn retry_dead<C: ConnectionTrait>(db: &C, id: i64, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let result = Job::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Queued))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(job::Column::RunAfter, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq(JobStatus::Dead))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// Jobs that exhausted their attempts, newest first.
pub async fn dead<C: ConnectionTrait>(db: &C, limit: u64) -> Result<Vec<job::Model>, DbErr> {
    Job::find()
        .filter(job::Column::Status.eq(JobStatus::Dead))
        .order_by_desc(job::Column::UpdatedAt)
        .limit(limit)
        .all(db)
        .await
}

/// The state of the queue, for the metrics page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueFigures {
    /// Jobs queued or running.
    pub depth: u64,
    /// Jobs out of attempts.
    pub dead: u64,
    /// Seconds the oldest due queued job has waited (0 when none).
    pub oldest_age_seconds: f64,
}

/// Reads the queue's figures at `now`.
pub async fn queue_figures<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> Result<QueueFigures, DbErr> {
    let depth = Job::find()
        .filter(job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .count(db)
        .await?;
    let dead = Job::find()
        .filter(job::Column::Status.eq(JobStatus::Dead))
        .count(db)
        .await?;
    let oldest: Option<DateTime<Utc>> = Job::find()
        .select_only()
        .column(job::Column::RunAfter)
        .filter(job::Column::Status.eq(JobStatus::Queued))
        .order_by_asc(job::Column::RunAfter)
        .into_tuple()
        .one(db)
        .await?;
    Ok(QueueFigures {
        depth,
        dead,
        oldest_age_seconds: oldest.map_or(0.0, |t| Ord::max((now - t).num_milliseconds(), 0) as f64 / 1000.0),
    })
}
