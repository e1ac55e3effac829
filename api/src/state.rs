//! The application state handed to every handler and resolver: cheap to clone.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use worker::{clock::SharedClock, events::SharedBus};

use tokio_util::sync::CancellationToken;

use crate::{
    auth::ApiKeys, config::ApiConfig, metrics::Metrics, people::PeopleGate, rate_limit::RateLimiter,
};

/// Shared state of one api process.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// Events in and out (in-process or Redis).
    pub bus: SharedBus,
    /// The clock every time-dependent decision reads.
    pub clock: SharedClock,
    /// The configuration the process started with.
    pub config: Arc<ApiConfig>,
    /// The configured API keys (hashes only).
    pub keys: Arc<ApiKeys>,
    /// Counters and histograms for `/metrics`.
    pub metrics: Arc<Metrics>,
    /// Token buckets per API key.
    pub rate_limiter: Arc<RateLimiter>,
    /// Whether people exist (open mode) and the failed sign-in throttle.
    pub people: Arc<PeopleGate>,
    /// Cancelled when the process shuts down (closes WebSockets, stops the worker).
    pub shutdown: CancellationToken,
}
