//! `/healthz` (the process is alive), `/readyz` (its dependencies answer) and `/metrics`
//! (Prometheus text, with the queue's gauges read at scrape time).

use std::time::Duration;

use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::IntoResponse,
};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::state::AppState;

/// Longest a readiness probe waits for one dependency.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Liveness: answers as long as the process serves HTTP.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

async fn database(state: &AppState) -> Result<(), &'static str> {
    match tokio::time::timeout(PROBE_TIMEOUT, state.db.execute_unprepared("SELECT 1")).await {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database check failed");
            Err("unreachable")
        }
        Err(_) => Err("timed out"),
    }
}

async fn redis(state: &AppState) -> Option<Result<(), &'static str>> {
    state.config.core.redis_url.as_ref()?;
    Some(
        match tokio::time::timeout(PROBE_TIMEOUT, state.bus.is_healthy()).await {
            Ok(true) => Ok(()),
            Ok(false) => Err("unreachable"),
            Err(_) => Err("timed out"),
        },
    )
}

fn show(check: Result<(), &'static str>) -> Value {
    match check {
        Ok(()) => json!("ok"),
        Err(reason) => json!(reason),
    }
}

/// Readiness: 200 when the database (and Redis, when configured) answer; 503 naming what is
/// down otherwise.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let (database, redis) = tokio::join!(database(&state), redis(&state));
    let ready = database.is_ok() && redis.is_none_or(|r| r.is_ok());
    let mut body =
        json!({ "status": if ready { "ready" } else { "unavailable" }, "database": show(database) });
    if let Some(redis) = redis {
        body["redis"] = show(redis);
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    worker::telemetry::record_queue_gauges(
        &state.db,
        state.clock.now(),
        state.config.scoring.outcome_grace_hours,
    )
    .await;
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        crate::metrics::render(),
    )
}
