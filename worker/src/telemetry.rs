//! Logging setup: tracing to stderr (stdout stays clean for commands that print data),
//! `RUST_LOG` to override the default filter.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

use crate::config::LogFormat;

/// The default filter: our crates at info, the SQL drivers only when something is wrong.
const DEFAULT_FILTER: &str = "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn";

/// Installs the global subscriber once; later calls are ignored (tests call it repeatedly).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match format {
        LogFormat::Text => registry
            .with(fmt::layer().with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_current_span(true)
                    .with_writer(std::io::stderr),
            )
            .try_init(),
    };
}

/// The process-wide Prometheus recorder: every `metrics::counter!`/`histogram!` of the process
/// ends up here (installed on first use).
pub fn prometheus() -> &'static metrics_exporter_prometheus::PrometheusHandle {
    use std::sync::OnceLock;
    static HANDLE: OnceLock<metrics_exporter_prometheus::PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        metrics_exporter_prometheus::PrometheusBuilder::new()
            .set_buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
            .expect("valid buckets")
            .install_recorder()
            .expect("the only Prometheus recorder of the process")
    })
}

/// Serves `GET /metrics` (Prometheus text) and `GET /healthz` for a process without an HTTP
/// server of its own (the worker), until `shutdown` is cancelled. A deliberately tiny HTTP/1.1
/// responder: one request per connection, no keep-alive.
pub async fn serve_metrics(listener: tokio::net::TcpListener, shutdown: tokio_util::sync::CancellationToken) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = shutdown.cancelled() => return,
        };
        let Ok((mut stream, _)) = accepted else { continue };
        tokio::spawn(async move {
            let mut request = [0u8; 1024];
            let read =
                tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut request)).await;
            let Ok(Ok(n)) = read else { return };
            let line = String::from_utf8_lossy(&request[..n]);
            let (status, body) = match line.split_whitespace().nth(1) {
                Some("/metrics") => ("200 OK", prometheus().render()),
                Some("/healthz") => ("200 OK", "{\"status\":\"ok\"}\n".to_owned()),
                _ => ("404 Not Found", "not found\n".to_owned()),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        });
    }
}

/// Sets the queue, email and prediction gauges from the database (called at scrape time):
/// queue depth, dead jobs, the oldest due job's age, email reports by status, bookings whose
/// outcome is missing past `outcome_grace_hours`, the promoted model's version and holdout AUC.
/// A failed read leaves the previous values.
pub async fn record_queue_gauges<C: sea_orm::ConnectionTrait>(
    db: &C,
    now: chrono::DateTime<chrono::Utc>,
    outcome_grace_hours: i64,
) {
    use entity::EmailStatus;
    use sea_orm::ActiveEnum;
    if let Ok(queue) = crate::jobs::queue_figures(db, now).await {
        metrics::gauge!("tutorscore_job_queue_depth").set(queue.depth as f64);
        metrics::gauge!("tutorscore_jobs_dead").set(queue.dead as f64);
        metrics::gauge!("tutorscore_job_oldest_age_seconds").set(queue.oldest_age_seconds);
    }
    for status in [EmailStatus::Pending, EmailStatus::Sent, EmailStatus::Failed] {
        if let Ok(n) = crate::mail::read::count_by_status(db, status).await {
            metrics::gauge!("tutorscore_email_reports", "status" => status.to_value()).set(n as f64);
        }
    }
    if let Ok(n) = crate::predictions::read::outcomes_missing(db, None, outcome_grace_hours, now).await {
        metrics::gauge!("tutorscore_sessions_outcome_missing").set(n as f64);
    }
    if let Ok(Some((version, model))) = crate::predictions::store::promoted(db).await {
        metrics::gauge!("tutorscore_prediction_model_version").set(version as f64);
        for (target, evaluation) in [("failure", &model.failure), ("poor_first", &model.poor_first)] {
            if let Some(auc) = evaluation.model_figures.auc.filter(|_| evaluation.promoted) {
                metrics::gauge!("tutorscore_prediction_model_auc", "target" => target).set(auc);
            }
        }
    }
}
