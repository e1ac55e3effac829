//! Interventions and what they achieved: `interventions` (planned for a tutor, done or
//! cancelled, with the measured outcome and the owner's own assessment), the alerts each one
//! answers (`intervention_alerts`), the measured outcome per flag (`intervention_outcomes`),
//! and free-text notes on tutors (`tutor_notes`).

use entity::{AlertSeverity, InterventionStatus, OutcomeVerdict};
use sea_orm::ActiveEnum;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_tutors::Tutors;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum Interventions {
    Table,
    Id,
    TutorId,
    Kind,
    OwnerId,
    Status,
    DueAt,
    Notes,
    PlannedBy,
    CompletedAt,
    CompletionNote,
    CancelledAt,
    CancelReason,
    FollowUpDays,
    FollowUpAt,
    Outcome,
    MeasuredAt,
    Assessment,
    AssessmentNote,
    AssessedAt,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum InterventionAlerts {
    Table,
    InterventionId,
    AlertId,
    FlagCode,
    Severity,
}

#[derive(DeriveIden)]
enum InterventionOutcomes {
    Table,
    InterventionId,
    FlagCode,
    Verdict,
    PeriodDays,
    BeforeCount,
    BeforeOutOf,
    AfterCount,
    AfterOutOf,
    BeforeRate,
    BeforeLow,
    BeforeHigh,
    AfterRate,
    AfterLow,
    AfterHigh,
    Change,
    ChangeLow,
    ChangeHigh,
    Sentence,
    MeasuredAt,
}

#[derive(DeriveIden)]
enum TutorNotes {
    Table,
    Id,
    TutorId,
    AuthorId,
    AuthorLabel,
    Body,
    Pinned,
    Version,
    CreatedAt,
    UpdatedAt,
    EditedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Alerts {
    Table,
    Id,
}

fn verdict_or_null(column: impl IntoIden + Clone + 'static) -> SimpleExpr {
    Expr::col(column.clone())
        .is_null()
        .or(crate::one_of(column, OutcomeVerdict::db_values()))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Interventions::Table)
                    .col(pk_uuid(Interventions::Id))
                    .col(uuid(Interventions::TutorId))
                    .col(string_len(Interventions::Kind, 40))
                    .col(uuid(Interventions::OwnerId))
                    .col(string_len(Interventions::Status, 10))
                    .col(timestamp_with_time_zone(Interventions::DueAt))
                    .col(text_null(Interventions::Notes))
                    .col(string_len(Interventions::PlannedBy, 320))
                    .col(timestamp_with_time_zone_null(Interventions::CompletedAt))
                    .col(text_null(Interventions::CompletionNote))
                    .col(timestamp_with_time_zone_null(Interventions::CancelledAt))
                    .col(text_null(Interventions::CancelReason))
                    .col(integer_null(Interventions::FollowUpDays))
                    .col(timestamp_with_time_zone_null(Interventions::FollowUpAt))
                    .col(string_len_null(Interventions::Outcome, 20))
                    .col(timestamp_with_time_zone_null(Interventions::MeasuredAt))
                    .col(string_len_null(Interventions::Assessment, 20))
                    .col(text_null(Interventions::AssessmentNote))
                    .col(timestamp_with_time_zone_null(Interventions::AssessedAt))
                    .col(big_integer(Interventions::Version))
                    .col(timestamp_with_time_zone(Interventions::CreatedAt))
                    .col(timestamp_with_time_zone(Interventions::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_interventions_tutor")
                            .from(Interventions::Table, Interventions::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_interventions_owner")
                            .from(Interventions::Table, Interventions::OwnerId)
                            .to(Users::Table, Users::Id),
                    )
                    .check((
                        "interventions_status_known",
                        crate::one_of(Interventions::Status, InterventionStatus::db_values()),
                    ))
                    .check((
                        "interventions_outcome_known",
                        verdict_or_null(Interventions::Outcome),
                    ))
                    .check((
                        "interventions_assessment_known",
                        verdict_or_null(Interventions::Assessment),
                    ))
                    // Done exactly when completed; cancelled exactly when cancelled.
                    .check((
                        "interventions_done_iff_completed",
                        Expr::col(Interventions::Status)
                            .eq(InterventionStatus::Done.to_value())
                            .eq(Expr::col(Interventions::CompletedAt).is_not_null()),
                    ))
                    .check((
                        "interventions_cancelled_iff_cancelled_at",
                        Expr::col(Interventions::Status)
                            .eq(InterventionStatus::Cancelled.to_value())
                            .eq(Expr::col(Interventions::CancelledAt).is_not_null()),
                    ))
                    .to_owned(),
            )
            .await?;
        // A tutor's interventions, an owner's queue by due date, the planned ones by due date
        // (overdue), and the effectiveness report (done ones by completion time).
        for (name, columns) in [
            (
                "idx_interventions_tutor_created",
                vec![Interventions::TutorId, Interventions::CreatedAt],
            ),
            (
                "idx_interventions_owner_status_due",
                vec![
                    Interventions::OwnerId,
                    Interventions::Status,
                    Interventions::DueAt,
                ],
            ),
            (
                "idx_interventions_status_due",
                vec![Interventions::Status, Interventions::DueAt],
            ),
            ("idx_interventions_completed", vec![Interventions::CompletedAt]),
        ] {
            let mut index = Index::create().name(name).table(Interventions::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(InterventionAlerts::Table)
                    .col(uuid(InterventionAlerts::InterventionId))
                    .col(uuid(InterventionAlerts::AlertId))
                    .col(string_len(InterventionAlerts::FlagCode, 40))
                    .col(string_len(InterventionAlerts::Severity, 10))
                    .primary_key(
                        Index::create()
                            .col(InterventionAlerts::InterventionId)
                            .col(InterventionAlerts::AlertId),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_intervention_alerts_intervention")
                            .from(InterventionAlerts::Table, InterventionAlerts::InterventionId)
                            .to(Interventions::Table, Interventions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_intervention_alerts_alert")
                            .from(InterventionAlerts::Table, InterventionAlerts::AlertId)
                            .to(Alerts::Table, Alerts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "intervention_alerts_severity_known",
                        crate::one_of(InterventionAlerts::Severity, AlertSeverity::db_values()),
                    ))
                    .to_owned(),
            )
            .await?;
        // An alert's interventions.
        manager
            .create_index(
                Index::create()
                    .name("idx_intervention_alerts_alert")
                    .table(InterventionAlerts::Table)
                    .col(InterventionAlerts::AlertId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InterventionOutcomes::Table)
                    .col(uuid(InterventionOutcomes::InterventionId))
                    .col(string_len(InterventionOutcomes::FlagCode, 40))
                    .col(string_len(InterventionOutcomes::Verdict, 20))
                    .col(integer(InterventionOutcomes::PeriodDays))
                    .col(integer(InterventionOutcomes::BeforeCount))
                    .col(integer(InterventionOutcomes::BeforeOutOf))
                    .col(integer(InterventionOutcomes::AfterCount))
                    .col(integer(InterventionOutcomes::AfterOutOf))
                    .col(double(InterventionOutcomes::BeforeRate))
                    .col(double(InterventionOutcomes::BeforeLow))
                    .col(double(InterventionOutcomes::BeforeHigh))
                    .col(double(InterventionOutcomes::AfterRate))
                    .col(double(InterventionOutcomes::AfterLow))
                    .col(double(InterventionOutcomes::AfterHigh))
                    .col(double(InterventionOutcomes::Change))
                    .col(double(InterventionOutcomes::ChangeLow))
                    .col(double(InterventionOutcomes::ChangeHigh))
                    .col(text(InterventionOutcomes::Sentence))
                    .col(timestamp_with_time_zone(InterventionOutcomes::MeasuredAt))
                    .primary_key(
                        Index::create()
                            .col(InterventionOutcomes::InterventionId)
                            .col(InterventionOutcomes::FlagCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_intervention_outcomes_intervention")
                            .from(InterventionOutcomes::Table, InterventionOutcomes::InterventionId)
                            .to(Interventions::Table, Interventions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "intervention_outcomes_verdict_known",
                        crate::one_of(InterventionOutcomes::Verdict, OutcomeVerdict::db_values()),
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(TutorNotes::Table)
                    .col(pk_uuid(TutorNotes::Id))
                    .col(uuid(TutorNotes::TutorId))
                    .col(uuid_null(TutorNotes::AuthorId))
                    .col(string_len(TutorNotes::AuthorLabel, 320))
                    .col(text(TutorNotes::Body))
                    .col(boolean(TutorNotes::Pinned).default(false))
                    .col(big_integer(TutorNotes::Version))
                    .col(timestamp_with_time_zone(TutorNotes::CreatedAt))
                    .col(timestamp_with_time_zone(TutorNotes::UpdatedAt))
                    .col(timestamp_with_time_zone_null(TutorNotes::EditedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tutor_notes_tutor")
                            .from(TutorNotes::Table, TutorNotes::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tutor_notes_author")
                            .from(TutorNotes::Table, TutorNotes::AuthorId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_tutor_notes_tutor")
                    .table(TutorNotes::Table)
                    .col(TutorNotes::TutorId)
                    .col(TutorNotes::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            TutorNotes::Table.into_iden(),
            InterventionOutcomes::Table.into_iden(),
            InterventionAlerts::Table.into_iden(),
            Interventions::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
