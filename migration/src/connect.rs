//! Opening the database the same way in every process (api, worker, migration CLI, tests).
//!
//! SQLite gets WAL mode (readers never wait for the writer), a busy timeout (writers queue
//! instead of failing with "database is locked"), foreign keys on, and its folder created.
//! Write transactions on SQLite must start with `BEGIN IMMEDIATE` (see `worker::db`): a
//! deferred transaction that upgrades from read to write cannot wait out a busy lock.

use std::{path::Path, time::Duration};

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

/// The embedded default: a SQLite file under `./data/`, created when missing.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tutorscore.db?mode=rwc";

/// How long a SQLite writer waits for the lock before giving up.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("DATABASE_URL must start with sqlite:// or postgres:// (got scheme {0:?})")]
    UnsupportedScheme(String),
    #[error("could not create the folder for the SQLite file {path}: {source}")]
    CreateFolder { path: String, source: std::io::Error },
    #[error("could not connect to the database: {0}")]
    Connect(#[from] DbErr),
}

/// Opens a pool of at most `max_connections` to `url` (sqlite:// or postgres://).
pub async fn connect(url: &str, max_connections: u32) -> Result<DatabaseConnection, ConnectError> {
    let scheme = url.split(':').next().unwrap_or_default();
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(max_connections)
        .connect_timeout(Duration::from_secs(5))
        // Fail fast when the database is down: a request gets SERVICE_UNAVAILABLE within
        // seconds rather than hanging (a healthy pool hands out connections in milliseconds).
        .acquire_timeout(Duration::from_secs(3))
        .sqlx_logging(false);
    match scheme {
        "sqlite" => {
            create_sqlite_folder(url)?;
            options.map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    .foreign_keys(true)
                    .create_if_missing(true)
            });
        }
        "postgres" | "postgresql" => {}
        other => return Err(ConnectError::UnsupportedScheme(other.to_owned())),
    }
    Ok(Database::connect(options).await?)
}

/// `sqlite://data/x.db?mode=rwc` -> creates `data/` so that the first start just works.
fn create_sqlite_folder(url: &str) -> Result<(), ConnectError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(folder) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|source| ConnectError::CreateFolder {
            path: path.to_owned(),
            source,
        })?;
    }
    Ok(())
}
