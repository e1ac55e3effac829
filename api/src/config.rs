//! Settings of the api process (on top of the shared [`worker::config::CoreConfig`]).

use std::net::SocketAddr;

use clap::Args;
use worker::{config::CoreConfig, mail::MailConfig, runner::WorkerConfig, scoring::ScoringConfig};

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

    /// Run the worker inside the api process (the embedded default). Set to false when
    /// separate `tutorscore-worker` processes do the work (service mode).
    #[arg(long, env = "RUN_WORKER", default_value_t = true, action = clap::ArgAction::Set)]
    pub run_worker: bool,

    /// API keys: comma-separated `role:key` or `role:sha256:<hex>` (roles: viewer, ingest,
    /// admin). Empty: the api runs open, on a loopback address only.
    #[arg(long, env = "API_KEYS", default_value = "", hide_env_values = true)]
    pub api_keys: String,

    /// Directory of the built dashboard, served at `/`.
    #[arg(long, env = "DASHBOARD_DIR", default_value = "frontend/dist")]
    pub dashboard_dir: String,

    #[command(flatten)]
    pub limits: LimitsConfig,

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
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_depth: 12,
            max_complexity: 5000,
            max_aliases: 30,
            max_page_size: 100,
            max_body_bytes: 1024 * 1024,
            query_timeout_seconds: 10,
            introspection: true,
            ws_init_timeout_seconds: 10,
            ws_max_subscriptions: 100,
            ws_max_message_bytes: 64 * 1024,
            rate_limit_per_minute: 6000,
            ws_keepalive_seconds: 15,
        }
    }
}

impl ApiConfig {
    /// Defaults for tests: a given database, port 0 on loopback, no demo data, in-process
    /// worker and events, no keys.
    pub fn for_tests(database_url: &str) -> Self {
        Self {
            core: CoreConfig {
                database_url: database_url.to_owned(),
                database_max_connections: 5,
                redis_url: None,
                redis_prefix: "tutorscore".into(),
                log_format: worker::config::LogFormat::Text,
            },
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            demo_data: false,
            run_worker: true,
            api_keys: String::new(),
            dashboard_dir: "frontend/dist".into(),
            limits: LimitsConfig::default(),
            worker: WorkerConfig::default(),
            scoring: ScoringConfig::default(),
            mail: MailConfig {
                to: Vec::new(),
                ..MailConfig::default()
            },
        }
    }
}
