//! Settings of the api process (on top of the shared [`worker::config::CoreConfig`]).

use std::net::SocketAddr;

use clap::Args;
use worker::{
    alerts::AlertsConfig,
    config::{CoreConfig, Secret, defaults},
    interventions::InterventionsConfig,
    mail::MailConfig,
    people::PeopleConfig,
    predictions::PredictionConfig,
    runner::WorkerConfig,
    scoring::ScoringConfig,
};

/// Everything the api process reads from the environment.
#[derive(Debug, Clone, Args)]
pub struct ApiConfig {
    #[command(flatten)]
    pub core: CoreConfig,

    /// Address to listen on. Without API keys only a loopback address is allowed.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen_addr: SocketAddr,

    /// Generate demo data when the database has no tutors yet.
    #[arg(long, env = "DEMO_DATA", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_data: bool,

    /// With the demo data, also create a few demo users (printed once at first start); then
    /// people sign in to the dashboard.
    #[arg(long, env = "DEMO_USERS", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo_users: bool,

    /// Run the worker inside the api process (the embedded default). Set to false when
    /// separate `tutorscore-worker` processes do the work (service mode).
    #[arg(long, env = "RUN_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub run_worker: bool,

    /// API keys: comma-separated `role:key` or `role:sha256:<hex>` (roles: viewer, ingest,
    /// admin). Empty: the api runs open, on a loopback address only.
    #[arg(long, env = "API_KEYS", default_value = "", hide_env_values = true)]
    pub api_keys: Secret,

    /// Directory of the built dashboard, served at `/`.
    #[arg(long, env = "DASHBOARD_DIR", default_value = "frontend/dist")]
    pub dashboard_dir: String,

    /// Email of an admin to create on first start, when the server has no users yet (with
    /// `ADMIN_PASSWORD`).
    #[arg(long, env = "ADMIN_EMAIL")]
    pub admin_email: Option<String>,

    /// Password of that first admin (at least `PASSWORD_MIN_LENGTH` characters).
    #[arg(long, env = "ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<Secret>,

    /// Failed sign-ins allowed per account in 15 minutes (an address gets four times as many);
    /// then 429 until the window passes.
    #[arg(long, env = "SIGN_IN_MAX_FAILURES", default_value_t = 5)]
    pub sign_in_max_failures: usize,

    #[command(flatten)]
    pub limits: LimitsConfig,

    #[command(flatten)]
    pub people: PeopleConfig,

    #[command(flatten)]
    pub alerts: AlertsConfig,

    #[command(flatten)]
    pub predictions: PredictionConfig,

    #[command(flatten)]
    pub interventions: InterventionsConfig,

    #[command(flatten)]
    pub worker: WorkerConfig,

    #[command(flatten)]
    pub scoring: ScoringConfig,

    #[command(flatten)]
    pub mail: MailConfig,
}

/// Protective limits of the GraphQL endpoint.
#[derive(Debug, Clone, Args)]
pub struct LimitsConfig {
    /// Deepest allowed query nesting.
    #[arg(long, env = "MAX_QUERY_DEPTH", default_value_t = 12)]
    pub max_depth: usize,
    /// Largest allowed query complexity (one point per field, lists multiplied by `first`).
    #[arg(long, env = "MAX_QUERY_COMPLEXITY", default_value_t = 5000)]
    pub max_complexity: usize,
    /// Most aliases allowed in one document.
    #[arg(long, env = "MAX_QUERY_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Most field selections (and fragment spreads) in one document.
    #[arg(long, env = "MAX_QUERY_FIELDS", default_value_t = 1000)]
    pub max_fields: usize,
    /// Deepest allowed nesting of list and object values (arguments, variable defaults,
    /// directive arguments, variables), checked before the document is parsed.
    #[arg(long, env = "MAX_VALUE_DEPTH", default_value_t = 32)]
    pub max_value_depth: usize,
    /// Largest page (`first`) a list returns.
    #[arg(long, env = "MAX_PAGE_SIZE", default_value_t = 100)]
    pub max_page_size: u64,
    /// Largest request body in bytes (larger bodies get 413).
    #[arg(long, env = "MAX_BODY_BYTES", default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Longest a query or mutation may run, in seconds.
    #[arg(long, env = "QUERY_TIMEOUT_SECONDS", default_value_t = 10)]
    pub query_timeout_seconds: u64,
    /// Allow schema introspection (GraphiQL needs it).
    #[arg(long, env = "INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// Seconds a WebSocket client has to send `connection_init`.
    #[arg(long, env = "WS_INIT_TIMEOUT_SECONDS", default_value_t = 10)]
    pub ws_init_timeout_seconds: u64,
    /// Most subscriptions one WebSocket connection may hold.
    #[arg(long, env = "WS_MAX_SUBSCRIPTIONS", default_value_t = 100)]
    pub ws_max_subscriptions: usize,
    /// Largest WebSocket message in bytes.
    #[arg(long, env = "WS_MAX_MESSAGE_BYTES", default_value_t = 64 * 1024)]
    pub ws_max_message_bytes: usize,
    /// Requests per minute allowed per API key (0: unlimited).
    #[arg(long, env = "RATE_LIMIT_PER_MINUTE", default_value_t = 6000)]
    pub rate_limit_per_minute: u32,
    /// Seconds between keep-alive pings on WebSocket connections.
    #[arg(long, env = "WS_KEEPALIVE_SECONDS", default_value_t = 15)]
    pub ws_keepalive_seconds: u64,
    /// WebSockets one client address may hold before they send `connection_init`.
    #[arg(long, env = "WS_MAX_PENDING_PER_ADDRESS", default_value_t = 64)]
    pub ws_max_pending_per_address: usize,
    /// Seconds a client has to send a request's headers.
    #[arg(long, env = "HTTP_HEADER_TIMEOUT_SECONDS", default_value_t = 10)]
    pub http_header_timeout_seconds: u64,
    /// Seconds a connection may pass with no byte read or written (a slow body, an idle
    /// keep-alive) before it is closed; must exceed `QUERY_TIMEOUT_SECONDS`.
    #[arg(long, env = "HTTP_IDLE_TIMEOUT_SECONDS", default_value_t = 60)]
    pub http_idle_timeout_seconds: u64,
    /// Most open connections (HTTP and WebSocket); more are closed as they arrive.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// Failed authentications (wrong API key) allowed per client address per minute; then
    /// 429 until the minute passes.
    #[arg(long, env = "AUTH_FAILURES_PER_MINUTE", default_value_t = 30)]
    pub auth_failures_per_minute: u32,
    /// Comma-separated CIDRs of the proxies in front of the api (e.g. `10.0.0.0/8`): for a
    /// connection from one of them, the client address is taken from `X-Forwarded-For`.
    /// Empty: the peer address is the client's.
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// Longest an answer to the dashboard's list and overview queries is reused (any change
    /// empties the cache before that; this bounds what moves with time alone). 0: no cache.
    #[arg(long, env = "RESPONSE_CACHE_SECONDS", default_value_t = 5)]
    pub response_cache_seconds: u64,
    /// Most answers kept in that cache (per api process; each is one page, up to ~50 KB).
    #[arg(long, env = "RESPONSE_CACHE_ENTRIES", default_value_t = 256)]
    pub response_cache_entries: usize,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        defaults()
    }
}

impl ApiConfig {
    /// Defaults for tests: a given database, port 0 on loopback, no demo data, in-process
    /// worker and events, no keys, no email.
    pub fn for_tests(database_url: &str) -> Self {
        let mut config: Self = defaults();
        config.core.database_url = database_url.into();
        config.core.database_max_connections = 5;
        config.listen_addr = SocketAddr::from(([127, 0, 0, 1], 0));
        config.demo_data = false;
        config.mail.to = Vec::new();
        config
    }
}

#[cfg(test)]
mod tests {
    use clap::{Args, FromArgMatches};

    use super::*;

    #[test]
    fn the_replaced_single_flag_probability_stops_the_process_with_its_replacement() {
        let command = ApiConfig::augment_args(clap::Command::new("tutorscore").no_binary_name(true))
            .mut_args(|arg| arg.env(None::<&str>));
        let error = command
            .try_get_matches_from(["--replaced-flag-probability", "50"])
            .and_then(|m| ApiConfig::from_arg_matches(&m))
            .expect_err("refused");
        let message = error.to_string();
        assert!(message.contains("SCORE_RESCHEDULE_FLAG_PROBABILITY"), "{message}");
    }

    #[test]
    fn secrets_never_show_in_the_configurations_debug_output() {
        let mut config = ApiConfig::for_tests("postgres://app:db-password-1@db/tutorscore");
        config.api_keys = "admin:key-that-must-not-leak,viewer:sha256:00".into();
        config.core.redis_url = Some("redis://:redis-password-2@cache:6379".into());
        config.mail.smtp_url = Some("smtps://mailer:smtp-password-3@mail:465".into());
        let shown = format!("{config:?}");
        for secret in [
            "db-password-1",
            "key-that-must-not-leak",
            "redis-password-2",
            "smtp-password-3",
        ] {
            assert!(!shown.contains(secret), "{secret} leaked into {shown}");
        }
    }
}
