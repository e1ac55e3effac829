//! `sessions`: status restricted to the known values, rating 1..=5, a positive length,
//! and an actual end never before the actual start.

use entity::SessionStatus;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_tutors::Tutors;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub(crate) enum Sessions {
    Table,
    Id,
    ExternalId,
    TutorId,
    StudentRef,
    ScheduledStart,
    ScheduledMinutes,
    ActualStart,
    ActualEnd,
    Status,
    IsFirstSession,
    Rating,
    CreatedAt,
    UpdatedAt,
    /// Added by `m20261201_000003_booked_sessions_predictions`.
    BookedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_uuid(Sessions::Id))
                    .col(string_len_uniq(Sessions::ExternalId, 200))
                    .col(uuid(Sessions::TutorId))
                    .col(string_len(Sessions::StudentRef, 200))
                    .col(timestamp_with_time_zone(Sessions::ScheduledStart))
                    .col(integer(Sessions::ScheduledMinutes))
                    .col(timestamp_with_time_zone_null(Sessions::ActualStart))
                    .col(timestamp_with_time_zone_null(Sessions::ActualEnd))
                    .col(string_len(Sessions::Status, 20))
                    .col(boolean(Sessions::IsFirstSession))
                    .col(small_integer_null(Sessions::Rating))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sessions_tutor")
                            .from(Sessions::Table, Sessions::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "sessions_status_known",
                        crate::one_of(Sessions::Status, SessionStatus::db_values()),
                    ))
                    .check((
                        "sessions_rating_1_to_5",
                        Expr::col(Sessions::Rating).between(1, 5),
                    ))
                    .check((
                        "sessions_minutes_positive",
                        Expr::col(Sessions::ScheduledMinutes).gt(0),
                    ))
                    .check((
                        "sessions_end_not_before_start",
                        Expr::col(Sessions::ActualEnd).gte(Expr::col(Sessions::ActualStart)),
                    ))
                    .to_owned(),
            )
            .await?;
        // Window queries: one tutor's sessions in a time range.
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_tutor_start")
                    .table(Sessions::Table)
                    .col(Sessions::TutorId)
                    .col(Sessions::ScheduledStart)
                    .to_owned(),
            )
            .await?;
        // Overview ("sessions in the last 24 h") and date-range listings.
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_start")
                    .table(Sessions::Table)
                    .col(Sessions::ScheduledStart)
                    .to_owned(),
            )
            .await?;
        // First-session derivation and the "booked again within 14 days" check.
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_tutor_student_start")
                    .table(Sessions::Table)
                    .col(Sessions::TutorId)
                    .col(Sessions::StudentRef)
                    .col(Sessions::ScheduledStart)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Sessions::Table).to_owned())
            .await
    }
}
