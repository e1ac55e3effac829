//! Prometheus metrics: request counts and latency by operation, errors by code, SQL
//! statements, WebSockets and subscriptions, and (read at scrape time) the job queue.
//!
//! Series go through the `metrics` facade into one process-wide Prometheus recorder; the SQL
//! statement count is also kept per application, so a test can count a request's statements.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use axum::{extract::State, http::header, response::IntoResponse};
use chrono::{DateTime, Utc};
use entity::{EmailStatus, JobStatus, email_report, job, prelude::*};
use metrics_exporter_prometheus::PrometheusHandle;
use sea_orm::{ActiveEnum, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};

use crate::state::AppState;

fn recorder() -> &'static PrometheusHandle {
    worker::telemetry::prometheus()
}

/// Per-application counters, plus access to the process-wide recorder.
pub struct Metrics {
    sql_statements: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        recorder();
        Self {
            sql_statements: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Called for every SQL statement this application runs.
    pub fn record_statement(&self, elapsed: Duration, failed: bool) {
        self.sql_statements.fetch_add(1, Ordering::Relaxed);
        metrics::counter!("tutorscore_sql_statements_total", "failed" => if failed { "true" } else { "false" }).increment(1);
        metrics::histogram!("tutorscore_sql_statement_seconds").record(elapsed.as_secs_f64());
    }

    /// SQL statements run so far by this application.
    pub fn sql_statements(&self) -> u64 {
        self.sql_statements.load(Ordering::Relaxed)
    }
}

/// Records one GraphQL request.
pub fn record_request(operation: &str, kind: &str, elapsed: Duration, error_codes: &[String]) {
    let operation = operation.to_owned();
    metrics::counter!("tutorscore_graphql_requests_total", "operation" => operation.clone(), "kind" => kind.to_owned())
        .increment(1);
    metrics::histogram!("tutorscore_graphql_request_seconds", "operation" => operation, "kind" => kind.to_owned())
        .record(elapsed.as_secs_f64());
    for code in error_codes {
        metrics::counter!("tutorscore_graphql_errors_total", "code" => code.clone()).increment(1);
    }
}

/// `GET /metrics`: Prometheus text format.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    if let Ok(depth) = Job::find()
        .filter(job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .count(&state.db)
        .await
    {
        metrics::gauge!("tutorscore_job_queue_depth").set(depth as f64);
    }
    if let Ok(dead) = Job::find()
        .filter(job::Column::Status.eq(JobStatus::Dead))
        .count(&state.db)
        .await
    {
        metrics::gauge!("tutorscore_jobs_dead").set(dead as f64);
    }
    let oldest: Option<DateTime<Utc>> = Job::find()
        .filter(job::Column::Status.eq(JobStatus::Queued))
        .order_by_asc(job::Column::RunAfter)
        .one(&state.db)
        .await
        .ok()
        .flatten()
        .map(|j| j.run_after);
    let age = oldest.map_or(0.0, |t| {
        (state.clock.now() - t).num_milliseconds().max(0) as f64 / 1000.0
    });
    metrics::gauge!("tutorscore_job_oldest_age_seconds").set(age);
    for status in [EmailStatus::Pending, EmailStatus::Sent, EmailStatus::Failed] {
        let reports = EmailReport::find()
            .filter(email_report::Column::Status.eq(status))
            .count(&state.db)
            .await;
        if let Ok(n) = reports {
            metrics::gauge!("tutorscore_email_reports", "status" => status.to_value()).set(n as f64);
        }
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        recorder().render(),
    )
}
