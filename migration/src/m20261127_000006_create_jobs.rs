//! `jobs`: the durable work queue, claimed by status and `run_after` (and by `locked_until`
//! when a worker died holding a claim).

use entity::{JobKind, JobStatus};
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Jobs {
    Table,
    Id,
    Kind,
    Payload,
    Status,
    Attempts,
    RunAfter,
    LockedUntil,
    LockedBy,
    LastError,
    CreatedAt,
    UpdatedAt,
}

/// The `jobs` table under `name` (a later migration rebuilds it to admit new job kinds).
pub(crate) fn jobs_table(name: &str) -> TableCreateStatement {
    Table::create()
        .table(Alias::new(name))
        .col(big_pk_auto(Jobs::Id))
        .col(string_len(Jobs::Kind, 20))
        .col(json_binary(Jobs::Payload))
        .col(string_len(Jobs::Status, 10))
        .col(integer(Jobs::Attempts).default(0))
        .col(timestamp_with_time_zone(Jobs::RunAfter))
        .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
        .col(string_len_null(Jobs::LockedBy, 200))
        .col(text_null(Jobs::LastError))
        .col(timestamp_with_time_zone(Jobs::CreatedAt))
        .col(timestamp_with_time_zone(Jobs::UpdatedAt))
        .check(("jobs_kind_known", crate::one_of(Jobs::Kind, JobKind::db_values())))
        .check((
            "jobs_status_known",
            crate::one_of(Jobs::Status, JobStatus::db_values()),
        ))
        .check(("jobs_attempts_not_negative", Expr::col(Jobs::Attempts).gte(0)))
        .to_owned()
}

/// The indexes of `jobs`: claims by status and due time, and expired leases.
pub(crate) fn jobs_indexes() -> Vec<IndexCreateStatement> {
    vec![
        Index::create()
            .name("idx_jobs_status_run_after")
            .table(Jobs::Table)
            .col(Jobs::Status)
            .col(Jobs::RunAfter)
            .to_owned(),
        Index::create()
            .name("idx_jobs_status_locked_until")
            .table(Jobs::Table)
            .col(Jobs::Status)
            .col(Jobs::LockedUntil)
            .to_owned(),
    ]
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(jobs_table("jobs")).await?;
        for index in jobs_indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Jobs::Table).to_owned())
            .await
    }
}
