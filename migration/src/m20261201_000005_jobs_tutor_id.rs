//! `jobs.tutor_id`: the tutor a recompute is for, as a column beside the payload, so that a
//! worker claiming one of a tutor's recomputes claims all of them in one indexed statement (a
//! burst of sessions then costs one recompute per tutor, not one per session). Jobs of other
//! kinds leave it empty; recomputes queued before this migration are still claimed, one by one.

use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000006_create_jobs::Jobs;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobsTutor {
    TutorId,
}

const INDEX: &str = "idx_jobs_tutor_status";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .add_column(uuid_null(JobsTutor::TutorId))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Jobs::Table)
                    .col(JobsTutor::TutorId)
                    .col(Jobs::Status)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name(INDEX).table(Jobs::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Jobs::Table)
                    .drop_column(JobsTutor::TutorId)
                    .to_owned(),
            )
            .await
    }
}
