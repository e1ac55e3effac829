//! Settings of the api process (on top of the shared [`worker::config::CoreConfig`]).

use std::net::SocketAddr;

use clap::Args;
use worker::config::CoreConfig;

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
}

impl ApiConfig {
    /// Defaults for tests: a given database, port 0 on loopback, no demo data.
    pub fn for_tests(database_url: &str) -> Self {
        Self {
            core: CoreConfig {
                database_url: database_url.to_owned(),
                database_max_connections: 5,
                redis_url: None,
                log_format: worker::config::LogFormat::Text,
            },
            listen_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            demo_data: false,
        }
    }
}
