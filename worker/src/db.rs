//! Database access shared by the api and the worker: opening and migrating, and starting
//! write transactions that behave the same on SQLite and Postgres.

use migration::MigratorTrait;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, RuntimeErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait, sqlx,
};

pub use migration::{ConnectError, DEFAULT_DATABASE_URL};

/// Opens the pool and brings the schema up to date. Several processes may start at once
/// against one Postgres database: an advisory lock held for the migration's transaction makes
/// them migrate one after the other (the later ones find nothing to do).
pub async fn connect_and_migrate(
    url: &str,
    max_connections: u32,
) -> Result<DatabaseConnection, ConnectError> {
    let db = migration::connect(url, max_connections).await?;
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = db.begin().await.map_err(ConnectError::Connect)?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7221955042)")
            .await
            .map_err(ConnectError::Connect)?;
        migration::Migrator::up(&txn, None).await?;
        txn.commit().await.map_err(ConnectError::Connect)?;
    } else {
        migration::Migrator::up(&db, None).await?;
    }
    Ok(db)
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so concurrent writers wait for the busy timeout instead of failing
/// with "database is locked" when a read would later upgrade to a write.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
        }
        _ => db.begin().await,
    }
}

/// Whether a database error is a unique-constraint violation (a concurrent duplicate insert).
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_)))
}

/// Whether Postgres rolled the transaction back to break a deadlock (SQLSTATE 40P01): run
/// again, it usually succeeds.
pub fn is_deadlock(err: &DbErr) -> bool {
    match err {
        DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => {
            matches!(&**e, sqlx::Error::Database(d) if d.code().as_deref() == Some("40P01"))
        }
        _ => false,
    }
}
