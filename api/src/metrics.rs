//! Prometheus metrics of the api: request counts and latency by operation, errors by code,
//! SQL statements, WebSockets and subscriptions (the queue's gauges are read at scrape time by
//! [`crate::health::metrics`]).
//!
//! Series go through the `metrics` facade into one process-wide Prometheus recorder; the SQL
//! statement count is also kept per application, so a test can count a request's statements.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use metrics_exporter_prometheus::PrometheusHandle;

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

/// The Prometheus text of every series of the process.
pub fn render() -> String {
    recorder().render()
}
