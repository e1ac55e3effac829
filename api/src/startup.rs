//! Building and running the api: bind the listener first (so tests can ask for port 0),
//! connect and migrate the database, seed demo data on an empty database, start the
//! in-process worker (embedded default), then serve.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::http::HeaderName;
use axum::{
    Router,
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
};
use entity::prelude::Tutor;
use sea_orm::{ActiveEnum, EntityTrait, PaginatorTrait};
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
    auth::ApiKeys,
    client_address::TrustedProxies,
    config::ApiConfig,
    edge, export, graphql, health, http,
    metrics::Metrics,
    pages,
    people::{self, PeopleGate},
    rate_limit::{AuthThrottle, RateLimiter},
    response_cache::ResponseCache,
    server,
    state::AppState,
    ws::PendingSockets,
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
        config.interventions.check().map_err(anyhow::Error::msg)?;
        let trusted_proxies =
            TrustedProxies::parse(&config.limits.trusted_proxies).map_err(anyhow::Error::msg)?;
        if config.limits.http_idle_timeout_seconds <= config.limits.query_timeout_seconds {
            anyhow::bail!(
                "HTTP_IDLE_TIMEOUT_SECONDS ({}) must exceed QUERY_TIMEOUT_SECONDS ({}): a connection \
                 waiting for its answer sends nothing",
                config.limits.http_idle_timeout_seconds,
                config.limits.query_timeout_seconds
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
        first_admin(&db, &config, clock.now()).await?;
        if config.demo_data && Tutor::find().count(&db).await? == 0 {
            let options = demo::DemoOptions {
                quiet: true,
                users: config.demo_users,
                ..demo::DemoOptions::default()
            };
            let summary = demo::generate(&db, &options, clock.now()).await?;
            tracing::info!(
                tutors = summary.tutors,
                sessions = summary.sessions,
                "generated demo data on first start (DEMO_DATA=false turns this off)"
            );
            if !summary.users.is_empty() {
                // Shown once: the passwords are stored only as hashes.
                println!("Demo sign-ins (one-time passwords; DEMO_USERS=false creates none):");
                for u in &summary.users {
                    println!("  {:<7} {:<32} {}", u.role.to_value(), u.email, u.password);
                }
            }
        }
        let has_users = worker::people::read::count(&db).await? > 0;
        if keys.is_empty() && !has_users && !config.listen_addr.ip().is_loopback() {
            anyhow::bail!(
                "refusing to listen on {} without API keys or users: set API_KEYS, create a user \
                 (tutorscore users add), or use a loopback address",
                config.listen_addr
            );
        }
        let listener = TcpListener::bind(config.listen_addr)
            .await
            .with_context(|| format!("binding {}", config.listen_addr))?;
        if keys.is_empty() && !has_users {
            tracing::warn!(
                "no API_KEYS and no users: the api is open, as a local admin, to anyone who can reach {}",
                config.listen_addr
            );
        }
        let bus = events::from_config(&config.core)?;
        let shutdown = CancellationToken::new();
        let state = AppState {
            db,
            bus,
            clock,
            rate_limiter: Arc::new(RateLimiter::new(config.limits.rate_limit_per_minute)),
            auth_throttle: Arc::new(AuthThrottle::new(config.limits.auth_failures_per_minute)),
            trusted_proxies: Arc::new(trusted_proxies),
            ws_pending: Arc::new(PendingSockets::new(config.limits.ws_max_pending_per_address)),
            people: Arc::new(PeopleGate::new(config.sign_in_max_failures, has_users)),
            response_cache: Arc::new(ResponseCache::new(
                config.limits.response_cache_entries,
                Duration::from_secs(config.limits.response_cache_seconds),
            )),
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
            .with_alerts(state.config.alerts.clone())
            .with_predictions(state.config.predictions.clone())
            .with_mail(MailService::from_config(state.config.mail.clone())?);
            Some(tokio::spawn(worker.run(state.shutdown.clone())))
        } else {
            None
        };
        tokio::spawn(PeopleGate::watch(state.clone()));
        tokio::spawn(crate::response_cache::follow(
            state.response_cache.clone(),
            state.bus.clone(),
            state.shutdown.clone(),
        ));
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
        let limits = &self.state.config.limits;
        let limits = server::ConnectionLimits {
            header_timeout: Duration::from_secs(limits.http_header_timeout_seconds.max(1)),
            idle_timeout: Duration::from_secs(limits.http_idle_timeout_seconds.max(1)),
            max_connections: limits.max_connections,
        };
        server::serve(self.listener, self.router, limits, signal).await?;
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
        .merge(export::routes(state.clone()))
        .merge(
            Router::new()
                .route("/auth/sign-in", post(people::sign_in))
                .route("/auth/sign-out", post(people::sign_out))
                .route("/auth/status", get(people::status))
                .with_state(state.clone()),
        )
        .merge(
            Router::new()
                .route("/healthz", get(health::healthz))
                .route("/readyz", get(health::readyz))
                .route("/metrics", get(health::metrics))
                .with_state(state),
        )
        .layer(DefaultBodyLimit::max(max_body))
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(middleware::map_response(edge::payload_too_large_as_json));
    // Every request gets an id (kept from `x-request-id` when the caller sent an acceptable
    // one, see [`edge`]): it is on
    // every log line of the request, in GraphQL errors, and in the response header.
    let request_id = HeaderName::from_static("x-request-id");
    let traced = TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
        let id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
        tracing::info_span!("request", request_id = %id, method = %request.method(), path = %request.uri().path())
    });
    api.fallback_service(pages::dashboard(&dashboard)).layer(
        ServiceBuilder::new()
            .layer(middleware::map_request(edge::check_request_id))
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(traced)
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(middleware::map_response(pages::security_headers)),
    )
}

/// Creates the admin of `ADMIN_EMAIL` / `ADMIN_PASSWORD` when the server has no users yet.
async fn first_admin(
    db: &sea_orm::DatabaseConnection,
    config: &ApiConfig,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let (Some(email), Some(password)) = (&config.admin_email, &config.admin_password) else {
        return Ok(());
    };
    if worker::people::read::count(db).await? > 0 {
        return Ok(());
    }
    let new = worker::people::store::NewUser {
        email: email.clone(),
        name: "Administrator".into(),
        role: entity::UserRole::Admin,
        password: Some(password.expose().to_owned()),
    };
    let actor = worker::audit::Actor::system();
    worker::people::store::create_user(db, &actor, new, &config.people, now)
        .await
        .map_err(|e| anyhow::anyhow!("ADMIN_EMAIL / ADMIN_PASSWORD: {e:?}"))?;
    tracing::info!(%email, "created the first admin from ADMIN_EMAIL");
    Ok(())
}
