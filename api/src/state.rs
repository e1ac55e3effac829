//! The application state handed to every handler and resolver: cheap to clone.

use std::sync::Arc;

use sea_orm::DatabaseConnection;
use worker::{clock::SharedClock, events::SharedBus};

use tokio_util::sync::CancellationToken;

use crate::{
    auth::ApiKeys,
    client_address::TrustedProxies,
    config::ApiConfig,
    metrics::Metrics,
    people::PeopleGate,
    rate_limit::{AuthThrottle, RateLimiter},
    response_cache::ResponseCache,
    ws::PendingSockets,
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
    /// Failed authentications per client address.
    pub auth_throttle: Arc<AuthThrottle>,
    /// The proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// WebSockets per client address that have not initialised yet.
    pub ws_pending: Arc<PendingSockets>,
    /// Answers to the dashboard's read-mostly queries, until the next change.
    pub response_cache: Arc<ResponseCache>,
    /// Whether people exist (open mode) and the failed sign-in throttle.
    pub people: Arc<PeopleGate>,
    /// Cancelled when the process shuts down (closes WebSockets, stops the worker).
    pub shutdown: CancellationToken,
}
