//! Building and running the api: bind the listener first (so tests can ask for port 0),
//! connect and migrate the database, seed demo data on an empty database, then serve.

use std::{net::SocketAddr, sync::Arc};

use axum::{Router, routing::get};
use entity::prelude::Tutor;
use sea_orm::{EntityTrait, PaginatorTrait};
use tokio::net::TcpListener;
use worker::{clock::SharedClock, demo};

use crate::{config::ApiConfig, health, state::AppState};

/// A built application, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    /// The state, for tests that want to look behind the API.
    pub state: AppState,
}

impl Application {
    /// Binds, connects, migrates and (when enabled and the database is empty) seeds demo data.
    pub async fn build(config: ApiConfig, clock: SharedClock) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(config.listen_addr).await?;
        let db =
            worker::db::connect_and_migrate(&config.core.database_url, config.core.database_max_connections)
                .await?;
        if config.demo_data && Tutor::find().count(&db).await? == 0 {
            let summary = demo::generate(&db, &demo::DemoOptions::default(), clock.now()).await?;
            tracing::info!(
                tutors = summary.tutors,
                sessions = summary.sessions,
                "generated demo data on first start (DEMO_DATA=false turns this off)"
            );
        }
        let state = AppState {
            db,
            clock,
            config: Arc::new(config),
        };
        let router = router(state.clone());
        Ok(Self {
            listener,
            router,
            state,
        })
    }

    /// The address actually bound (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    /// Serves until `shutdown` resolves, then finishes in-flight requests.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Every route of the api.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(state)
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received, finishing in-flight work");
}
