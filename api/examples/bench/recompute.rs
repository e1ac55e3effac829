//! Recompute: one recompute job per active tutor, inserted straight into the `jobs` table,
//! timed until no due job is queued or running. The per-tutor cost comes from the jobs'
//! completion stamps (a worker stamps a job with the time its tutor's recompute started, after
//! taking the tutor's lock), so the gaps between consecutive stamps are per-tutor times.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use chrono::{DateTime, Utc};
use entity::{JobKind, JobStatus, job, prelude::*, tutor};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    report::{Report, fmt_int},
    stats::{Latencies, Probe},
    system::System,
};

pub async fn run(system: &mut System, report: &mut Report) -> Result<()> {
    let tutors = Tutor::find()
        .filter(tutor::Column::Active.eq(true))
        .count(&system.db)
        .await?;
    eprintln!("==> recompute: every tutor ({})", fmt_int(tutors));
    let before = Job::find()
        .order_by_desc(job::Column::Id)
        .one(&system.db)
        .await?
        .map_or(0, |j| j.id);

    system.settle().await;
    let probe = Probe::start(&system.pids);
    let started = Instant::now();
    match system.db.get_database_backend() {
        DbBackend::Postgres => {
            let inserted = system
                .db
                .execute_unprepared(
                    "INSERT INTO jobs (kind, payload, status, attempts, run_after, created_at, updated_at) \
                     SELECT 'recompute_tutor', jsonb_build_object('tutor_id', id), 'queued', 0, now(), now(), now() \
                     FROM tutors WHERE active",
                )
                .await?
                .rows_affected();
            if inserted != tutors {
                bail!("inserted {inserted} jobs for {tutors} tutors");
            }
        }
        _ => {
            // SQLite stores ids as 16-byte blobs: enqueue through the job queue's own code.
            let ids: Vec<Uuid> = Tutor::find()
                .select_only()
                .column(tutor::Column::Id)
                .filter(tutor::Column::Active.eq(true))
                .into_tuple()
                .all(&system.db)
                .await?;
            for chunk in ids.chunks(1000) {
                let txn = worker::db::begin_write(&system.db).await?;
                worker::jobs::enqueue_recompute(&txn, chunk.iter().copied(), Utc::now()).await?;
                txn.commit().await?;
            }
        }
    }
    let inserted_seconds = started.elapsed().as_secs_f64();
    system.wake_workers().await?;

    // Poll until drained; note when the first job was claimed.
    let mut first_claim = None;
    loop {
        let queued = Job::find()
            .filter(job::Column::Id.gt(before))
            .filter(job::Column::Status.eq(JobStatus::Queued))
            .count(&system.db)
            .await?;
        if first_claim.is_none() && queued < tutors {
            first_claim = Some(started.elapsed());
        }
        if system.pending_jobs().await? == 0 {
            break;
        }
        system.check_alive()?;
        if started.elapsed() > Duration::from_secs(3600) {
            bail!("the recompute did not finish within an hour");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total = started.elapsed();
    let mut row = system.row("recompute", "all");
    probe.finish(&mut row).await;

    let stamps: Vec<DateTime<Utc>> = Job::find()
        .select_only()
        .column(job::Column::UpdatedAt)
        .filter(job::Column::Id.gt(before))
        .filter(job::Column::Kind.eq(JobKind::RecomputeTutor))
        .filter(job::Column::Status.eq(JobStatus::Done))
        .order_by_asc(job::Column::UpdatedAt)
        .into_tuple()
        .all(&system.db)
        .await?;
    let failed = Job::find()
        .filter(job::Column::Id.gt(before))
        .filter(job::Column::Attempts.gt(0))
        .filter(job::Column::Status.ne(JobStatus::Done))
        .count(&system.db)
        .await?;
    let gaps: Vec<Duration> = stamps
        .windows(2)
        .filter_map(|w| (w[1] - w[0]).to_std().ok())
        .collect();
    let span = match (stamps.first(), stamps.last()) {
        (Some(a), Some(b)) => (*b - *a).to_std().unwrap_or_default(),
        _ => Duration::ZERO,
    };
    let workers = system.pids.workers.len().max(1);
    let per_tutor_ms = if stamps.len() > 1 {
        span.as_secs_f64() * 1000.0 / (stamps.len() - 1) as f64 * workers as f64
    } else {
        f64::NAN
    };
    let processing = total.saturating_sub(first_claim.unwrap_or_default());
    row.variant = format!("all {} tutors", fmt_int(tutors));
    row.count = stamps.len() as u64;
    row.errors = failed + tutors.saturating_sub(stamps.len() as u64);
    row.rate_per_s = Some(tutors as f64 / total.as_secs_f64());
    row.latency = Latencies::of(&gaps);
    row.note = format!(
        "total {:.2} s (jobs inserted in {inserted_seconds:.2} s, first claim after {:.2} s); {per_tutor_ms:.2} ms per tutor; latency = gap between consecutive recomputes",
        total.as_secs_f64(),
        first_claim.unwrap_or_default().as_secs_f64()
    );
    row.details = json!({
        "tutors": tutors,
        "total_s": total.as_secs_f64(),
        "insert_s": inserted_seconds,
        "first_claim_s": first_claim.map(|d| d.as_secs_f64()),
        "processing_s": processing.as_secs_f64(),
        "per_tutor_ms": per_tutor_ms,
        "workers": workers,
        "sessions_per_tutor": system.dataset.sessions as f64 / system.dataset.tutors as f64,
    });
    report.push(row);
    Ok(())
}
