//! Configuration shared by every tutorscore process, read once from the environment (and a
//! `.env` file) into typed values. Every variable is listed in `.env.example` and the README.

use clap::{Args, ValueEnum};

use crate::db::DEFAULT_DATABASE_URL;

/// Settings every process (api, worker, CLI) needs.
#[derive(Debug, Clone, Args)]
pub struct CoreConfig {
    /// Database: `sqlite://path?mode=rwc` (embedded default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    /// Largest number of pooled database connections per process.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,

    /// Redis for cross-process events (`redis://host:6379`); unset means in-process events.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<String>,

    /// Prefix of the Redis channels, so that several deployments can share one Redis.
    #[arg(long, env = "REDIS_PREFIX", default_value = "tutorscore")]
    pub redis_prefix: String,

    /// Log format on stderr.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}
