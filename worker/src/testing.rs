//! Fresh databases for tests, on the backend chosen by `TUTORSCORE_TEST_BACKEND`
//! (`sqlite`, the default, or `postgres`). Each test gets its own SQLite file or its own
//! Postgres database, dropped when the [`TestDatabase`] goes out of scope.
//!
//! Postgres is reached through `TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); when it is unreachable the test fails
//! loudly rather than skipping.

use std::path::PathBuf;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use uuid::Uuid;

/// The two supported database engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend this test run targets.
    pub fn under_test() -> Self {
        match std::env::var("TUTORSCORE_TEST_BACKEND").as_deref() {
            Ok("postgres") => Backend::Postgres,
            Ok("sqlite") | Err(_) => Backend::Sqlite,
            Ok(other) => panic!("TUTORSCORE_TEST_BACKEND must be sqlite or postgres, not {other:?}"),
        }
    }
}

/// The admin connection used to create and drop per-test Postgres databases.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database that exists for one test.
pub struct TestDatabase {
    /// Connection URL, for processes the test starts.
    pub url: String,
    /// A pool on it.
    pub db: DatabaseConnection,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Folder(PathBuf),
    PostgresDatabase(String),
}

impl TestDatabase {
    /// A fresh, migrated database.
    pub async fn migrated() -> Self {
        let test_db = Self::empty().await;
        crate::db::connect_and_migrate(&test_db.url, 1)
            .await
            .expect("migrating the test database")
            .close()
            .await
            .ok();
        test_db
    }

    /// A fresh database without any tables.
    pub async fn empty() -> Self {
        let backend = Backend::under_test();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let folder = std::env::temp_dir().join(format!("tutorscore-test-{}", Uuid::new_v4()));
                std::fs::create_dir_all(&folder).expect("creating a temporary folder");
                let url = format!("sqlite://{}/test.db?mode=rwc", folder.display());
                (url, Cleanup::Folder(folder))
            }
            Backend::Postgres => {
                let name = format!("tutorscore_test_{}", Uuid::new_v4().simple());
                let admin = Database::connect(postgres_admin_url())
                    .await
                    .expect("Postgres tests need a server at TEST_POSTGRES_URL (default 127.0.0.1:5432)");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("creating the test database");
                admin.close().await.ok();
                let url = replace_database(&postgres_admin_url(), &name);
                (url, Cleanup::PostgresDatabase(name))
            }
        };
        let db = migration::connect(&url, 5)
            .await
            .expect("connecting to the test database");
        Self {
            url,
            db,
            backend,
            cleanup,
        }
    }
}

/// `postgres://u@h:p/old?x` -> `postgres://u@h:p/new?x`.
fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let prefix = base.rsplit_once('/').map_or(base, |(p, _)| p);
    match query {
        Some(q) => format!("{prefix}/{database}?{q}"),
        None => format!("{prefix}/{database}"),
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Folder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::PostgresDatabase(name) => {
                // Drop runs inside the test's runtime, which cannot block on itself: use a
                // short-lived runtime on another thread.
                let name = name.clone();
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let admin = Database::connect(postgres_admin_url()).await.ok()?;
                        admin
                            .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .await
                            .ok()?;
                        admin.close().await.ok()
                    })
                })
                .join();
            }
        }
    }
}
