//! Configuration shared by every tutorscore process, read once from the environment (and a
//! `.env` file) into typed values. Every variable is listed in `.env.example` and the README.
//!
//! Each default is written once, in its clap attribute; [`defaults`] reads them back for the
//! `Default` impls (tests, library users) without consulting the environment.

use std::{fmt, str::FromStr};

use clap::{Args, FromArgMatches, ValueEnum};

use crate::db::DEFAULT_DATABASE_URL;

/// Settings every process (api, worker, CLI) needs.
#[derive(Debug, Clone, Args)]
pub struct CoreConfig {
    /// Database: `sqlite://path?mode=rwc` (embedded default) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: Secret,

    /// Largest number of pooled database connections per process.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,

    /// Redis for cross-process events (`redis://host:6379`); unset means in-process events.
    #[arg(long, env = "REDIS_URL")]
    pub redis_url: Option<Secret>,

    /// Prefix of the Redis channels, so that several deployments can share one Redis.
    #[arg(long, env = "REDIS_PREFIX", default_value = "tutorscore")]
    pub redis_prefix: String,

    /// Log format on stderr.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

impl Default for CoreConfig {
    fn default() -> Self {
        defaults()
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The defaults of a group of settings, as its clap attributes give them, ignoring the
/// environment (so that a test's configuration does not depend on the shell it runs in).
pub fn defaults<T: Args + FromArgMatches>() -> T {
    let command = T::augment_args(clap::Command::new("defaults").no_binary_name(true))
        .mut_args(|arg| arg.env(None::<&str>).hide_env(true));
    let matches = command
        .try_get_matches_from(std::iter::empty::<String>())
        .expect("every setting has a default or is optional");
    T::from_arg_matches(&matches).expect("defaults parse")
}

/// A value that must not appear in logs or `Debug` output: a URL with a password, an API
/// key. Read it with [`Secret::expose`] where it is used.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() {
            "Secret(empty)"
        } else {
            "Secret(***)"
        })
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_clap_attributes_whatever_the_environment() {
        // SAFETY-free: the variable is read by the parser only when env lookups are on.
        let config: CoreConfig = defaults();
        assert_eq!(config.database_url.expose(), DEFAULT_DATABASE_URL);
        assert_eq!(config.database_max_connections, 10);
        assert_eq!(config.redis_prefix, "tutorscore");
        assert!(config.redis_url.is_none());
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        let config = CoreConfig {
            database_url: Secret::new("postgres://app:hunter2@db/tutorscore"),
            redis_url: Some(Secret::new("redis://:s3cret@cache:6379")),
            ..CoreConfig::default()
        };
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2") && !shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("Secret(***)"));
    }
}
