//! `idx_jobs_claimable`: the jobs a worker may claim (queued, or running with a lease that may
//! have expired), in the order it claims them. Done jobs stay for `JOB_RETENTION_DAYS`, one or
//! more per recorded session, so they soon outnumber the pending ones by thousands to one; with
//! statistics that lag a burst, Postgres read the whole table and sorted it for every claim (10-20
//! ms at 10,000 rows under load). The partial index holds only the pending rows, already in
//! claim order, so a claim reads the few it takes.
//!
//! sea-query builds no partial index; the statement is the same on both backends.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared(
                "CREATE INDEX idx_jobs_claimable ON jobs (run_after, id) \
                 WHERE status IN ('queued', 'running')",
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX idx_jobs_claimable")
            .await?;
        Ok(())
    }
}
