//! Prometheus metrics of the api: request counts and latency by operation, errors by code,
//! SQL statements, WebSockets and subscriptions (the queue's gauges are read at scrape time by
//! [`crate::health::metrics`]).
//!
//! Series go through the `metrics` facade into one process-wide Prometheus recorder; the SQL
//! statement count is also kept per application, so a test can count a request's statements.

use std::{
    collections::HashSet,
    sync::{
        Mutex,
        atomic::{AtomicU64, Ordering},
    },
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

/// Distinct operation names that become labels; later names are counted as `other`.
pub const MAX_OPERATION_LABELS: usize = 100;
/// Longest operation name that becomes a label.
pub const MAX_OPERATION_LABEL_CHARS: usize = 64;

/// The operation's name as a label: the client chooses it, so only the first
/// [`MAX_OPERATION_LABELS`] distinct short names are kept, the rest are `other` (every label
/// value is a series held for the life of the process).
pub fn operation_label(operation: &str) -> String {
    static SEEN: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let plain = operation.len() <= MAX_OPERATION_LABEL_CHARS
        && operation.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !plain {
        return "other".into();
    }
    let mut seen = SEEN.lock().expect("operation labels mutex poisoned");
    let seen = seen.get_or_insert_with(HashSet::new);
    if seen.contains(operation) || seen.len() < MAX_OPERATION_LABELS {
        seen.insert(operation.to_owned());
        operation.to_owned()
    } else {
        "other".into()
    }
}

/// Counts an error answered outside GraphQL execution (401, 429, 413, ...).
pub fn record_error(code: &str) {
    metrics::counter!("tutorscore_graphql_errors_total", "code" => code.to_owned()).increment(1);
}

/// Records one GraphQL request.
pub fn record_request(operation: &str, kind: &str, elapsed: Duration, error_codes: &[String]) {
    let operation = operation_label(operation);
    metrics::counter!("tutorscore_graphql_requests_total", "operation" => operation.clone(), "kind" => kind.to_owned())
        .increment(1);
    metrics::histogram!("tutorscore_graphql_request_seconds", "operation" => operation, "kind" => kind.to_owned())
        .record(elapsed.as_secs_f64());
    for code in error_codes {
        record_error(code);
    }
}

/// The Prometheus text of every series of the process.
pub fn render() -> String {
    recorder().render()
}
