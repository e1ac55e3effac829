//! Building and running the api: bind the listener first (so tests can ask for port 0),
//! connect and migrate the database, seed demo data on an empty database, start the
//! in-process worker (embedded default), then serve.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::http::HeaderName;
use axum::{Router, extract::DefaultBodyLimit, middleware, routing::get};
use entity::prelude::Tutor;
use sea_orm::{EntityTrait, PaginatorTrait};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tower::ServiceBuilder;
use tower_http::{
    limit::RequestBodyLimitLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use worker::{clock::SharedClock, demo, events, mail::MailService, runner::Worker};

use crate::{
    auth::ApiKeys, config::ApiConfig, graphql, health, http, metrics::Metrics, pages,
    rate_limit::RateLimiter, state::AppState,
};

/// A built application, bound to its port but not yet serving.
pub struct Application {
    listener: TcpListener,
    router: Router,
    /// The in-process worker, awaited at shutdown so that its current step finishes.
    worker: Option<tokio::task::JoinHandle<()>>,
    /// The state, for tests that want to look behind the API.
    pub state: AppState,
}

impl Application {
    /// Binds, connects, migrates, seeds demo data (when enabled and the database is empty) and
    /// starts the in-process worker (when enabled).
    pub async fn build(config: ApiConfig, clock: SharedClock) -> anyhow::Result<Self> {
        let keys = ApiKeys::parse(config.api_keys.expose())?;
        if keys.is_empty() && !config.listen_addr.ip().is_loopback() {
            anyhow::bail!(
                "refusing to listen on {} without API keys: set API_KEYS or use a loopback address",
                config.listen_addr
            );
        }
        let listener = TcpListener::bind(config.listen_addr)
            .await
            .with_context(|| format!("binding {}", config.listen_addr))?;
        if keys.is_empty() {
            tracing::warn!(
                "no API_KEYS configured: the api is open to anyone who can reach {}",
                config.listen_addr
            );
        }
        let metrics = Arc::new(Metrics::default());
        let mut db = worker::db::connect_and_migrate(
            config.core.database_url.expose(),
            config.core.database_max_connections,
        )
        .await?;
        let counter = metrics.clone();
        db.set_metric_callback(move |info| counter.record_statement(info.elapsed, info.failed));
        if config.demo_data && Tutor::find().count(&db).await? == 0 {
            let options = demo::DemoOptions {
                quiet: true,
                ..demo::DemoOptions::default()
            };
            let summary = demo::generate(&db, &options, clock.now()).await?;
            tracing::info!(
                tutors = summary.tutors,
                sessions = summary.sessions,
                "generated demo data on first start (DEMO_DATA=false turns this off)"
            );
        }
        let bus = events::from_config(&config.core)?;
        let shutdown = CancellationToken::new();
        let state = AppState {
            db,
            bus,
            clock,
            rate_limiter: Arc::new(RateLimiter::new(config.limits.rate_limit_per_minute)),
            config: Arc::new(config),
            keys: Arc::new(keys),
            metrics,
            shutdown,
        };
        let worker = if state.config.run_worker {
            let worker = Worker::new(
                state.db.clone(),
                state.bus.clone(),
                state.clock.clone(),
                state.config.scoring.clone(),
                state.config.worker.clone(),
            )
            .with_mail(MailService::from_config(state.config.mail.clone())?);
            Some(tokio::spawn(worker.run(state.shutdown.clone())))
        } else {
            None
        };
        let router = router(state.clone());
        Ok(Self {
            listener,
            router,
            worker,
            state,
        })
    }

    /// The address actually bound (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("bound listener has an address")
    }

    /// Serves until `shutdown` resolves; then closes WebSockets (1001), stops the in-process
    /// worker after its current step, and finishes in-flight requests.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let token = self.state.shutdown.clone();
        let signal = async move {
            shutdown.await;
            token.cancel();
            // Give WebSocket tasks a moment to send their close frames.
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(signal)
            .await?;
        if let Some(worker) = self.worker {
            let _ = worker.await;
        }
        Ok(())
    }
}

/// Every route of the api.
pub fn router(state: AppState) -> Router {
    let endpoint = graphql::endpoint(state.clone());
    let max_body = state.config.limits.max_body_bytes;
    let dashboard = std::path::PathBuf::from(&state.config.dashboard_dir);
    let api = Router::new()
        .route("/graphql", get(http::graphql_get).post(http::graphql_post))
        .with_state(endpoint)
        .merge(pages::routes(&dashboard))
        .merge(
            Router::new()
                .route("/healthz", get(health::healthz))
                .route("/readyz", get(health::readyz))
                .route("/metrics", get(health::metrics))
                .with_state(state),
        )
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body));
    // Every request gets an id (kept from `x-request-id` when the caller sent one): it is on
    // every log line of the request, in GraphQL errors, and in the response header.
    let request_id = HeaderName::from_static("x-request-id");
    let traced = TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
        let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
    });
    api.fallback_service(pages::dashboard(&dashboard)).layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(traced)
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(middleware::map_response(pages::security_headers)),
    )
}
