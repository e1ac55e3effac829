//! `reschedules`: at most one per session, initiator restricted to the known values,
//! the new time after the original one.

use entity::RescheduleInitiator;
use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261127_000001_create_tutors::Tutors, m20261127_000002_create_sessions::Sessions};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Reschedules {
    Table,
    Id,
    SessionId,
    TutorId,
    Initiator,
    ReasonCode,
    Reason,
    OriginalStart,
    NewStart,
    RequestedAt,
    NoticeHours,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Reschedules::Table)
                    .col(pk_uuid(Reschedules::Id))
                    .col(uuid_uniq(Reschedules::SessionId))
                    .col(uuid(Reschedules::TutorId))
                    .col(string_len(Reschedules::Initiator, 10))
                    .col(string_len_null(Reschedules::ReasonCode, 64))
                    .col(string_len_null(Reschedules::Reason, 1000))
                    .col(timestamp_with_time_zone(Reschedules::OriginalStart))
                    .col(timestamp_with_time_zone_null(Reschedules::NewStart))
                    .col(timestamp_with_time_zone(Reschedules::RequestedAt))
                    .col(double(Reschedules::NoticeHours))
                    .col(timestamp_with_time_zone(Reschedules::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_reschedules_session")
                            .from(Reschedules::Table, Reschedules::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_reschedules_tutor")
                            .from(Reschedules::Table, Reschedules::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "reschedules_initiator_known",
                        crate::one_of(Reschedules::Initiator, RescheduleInitiator::db_values()),
                    ))
                    .check((
                        "reschedules_new_after_original",
                        Expr::col(Reschedules::NewStart).gt(Expr::col(Reschedules::OriginalStart)),
                    ))
                    .to_owned(),
            )
            .await?;
        // Window queries over one tutor's reschedules.
        manager
            .create_index(
                Index::create()
                    .name("idx_reschedules_tutor_original")
                    .table(Reschedules::Table)
                    .col(Reschedules::TutorId)
                    .col(Reschedules::OriginalStart)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Reschedules::Table).to_owned())
            .await
    }
}
