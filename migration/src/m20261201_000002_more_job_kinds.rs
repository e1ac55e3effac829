//! Admits the job kinds added since `jobs` was created (`measure_outcome`, `train_model`):
//! the kind's check constraint lists every kind. Postgres swaps the constraint; SQLite cannot
//! alter one, so the table is rebuilt with its rows and indexes.

use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

use crate::m20261127_000006_create_jobs::{jobs_indexes, jobs_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn rebuild(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    match db.get_database_backend() {
        DbBackend::Postgres => {
            let kinds = entity::JobKind::db_values()
                .iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ");
            db.execute_unprepared("ALTER TABLE jobs DROP CONSTRAINT IF EXISTS jobs_kind_known")
                .await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE jobs ADD CONSTRAINT jobs_kind_known CHECK (kind IN ({kinds}))"
            ))
            .await?;
        }
        _ => {
            // One batch on one connection: pooled connections would each cache the schema.
            let mut batch = vec![
                jobs_table("jobs_rebuilt").to_string(SqliteQueryBuilder),
                "INSERT INTO jobs_rebuilt SELECT * FROM jobs".to_owned(),
                "DROP TABLE jobs".to_owned(),
                "ALTER TABLE jobs_rebuilt RENAME TO jobs".to_owned(),
            ];
            batch.extend(jobs_indexes().iter().map(|i| i.to_string(SqliteQueryBuilder)));
            db.execute_unprepared(&batch.join(";\n")).await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        rebuild(manager).await
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The wider constraint admits every row the narrower one did: nothing to undo.
        Ok(())
    }
}
