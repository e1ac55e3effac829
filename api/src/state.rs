//! The application state handed to every handler and resolver: cheap to clone.

use sea_orm::DatabaseConnection;
use worker::clock::SharedClock;

use crate::config::ApiConfig;

/// Shared state of one api process.
#[derive(Clone)]
pub struct AppState {
    /// The database pool.
    pub db: DatabaseConnection,
    /// The clock every time-dependent decision reads.
    pub clock: SharedClock,
    /// The configuration the process started with.
    pub config: std::sync::Arc<ApiConfig>,
}
