//! `spawn_app`: a fresh database, the real application on port 0, and a client for it.

use std::sync::Arc;

use api::{config::ApiConfig, startup::Application, state::AppState};
use chrono::{TimeZone, Utc};
use tokio::sync::oneshot;
use worker::{clock::ManualClock, testing::TestDatabase};

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub database: TestDatabase,
    _shutdown: oneshot::Sender<()>,
}

/// The fixed "now" tests start at.
pub fn test_now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

/// Starts the application on a fresh database with `configure` applied to the test config.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ApiConfig)) -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut config = ApiConfig::for_tests(&database.url);
    configure(&mut config);
    let clock = ManualClock::new(test_now());
    let app = Application::build(config, clock.clone())
        .await
        .expect("building the application");
    let address = format!("http://{}", app.local_addr());
    let state = app.state.clone();
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::new(),
        clock,
        state,
        database,
        _shutdown: shutdown,
    }
}

/// Starts the application on a fresh database with the test defaults.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}
