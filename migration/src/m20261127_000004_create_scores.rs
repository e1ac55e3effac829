//! `tutor_scores` (current score, one row per tutor) and `score_history` (append-only points).

use entity::RiskLevel;
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_tutors::Tutors;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden, Clone, Copy)]
enum TutorScores {
    Table,
    TutorId,
    QualityScore,
    RiskLevel,
    RiskSince,
    PreviousRiskLevel,
    FlagCodes,
    #[sea_orm(iden = "reschedule_rate_7d")]
    RescheduleRate7d,
    #[sea_orm(iden = "reschedule_rate_30d")]
    RescheduleRate30d,
    #[sea_orm(iden = "reschedule_rate_90d")]
    RescheduleRate90d,
    #[sea_orm(iden = "no_show_rate_30d")]
    NoShowRate30d,
    #[sea_orm(iden = "late_start_rate_30d")]
    LateStartRate30d,
    #[sea_orm(iden = "early_end_rate_30d")]
    EarlyEndRate30d,
    #[sea_orm(iden = "sessions_30d")]
    Sessions30d,
    Details,
    ComputedAt,
    Version,
}

#[derive(DeriveIden)]
enum ScoreHistory {
    Table,
    Id,
    TutorId,
    ComputedAt,
    QualityScore,
    RiskLevel,
    #[sea_orm(iden = "reschedule_rate_7d")]
    RescheduleRate7d,
    #[sea_orm(iden = "reschedule_rate_30d")]
    RescheduleRate30d,
    #[sea_orm(iden = "reschedule_rate_90d")]
    RescheduleRate90d,
    #[sea_orm(iden = "no_show_rate_30d")]
    NoShowRate30d,
    Version,
}

/// Every column the tutors list can sort by; each gets a `(column, tutor_id)` index so that
/// a sorted page with the id tie-break is an index range scan.
const SORTABLE: [TutorScores; 9] = [
    TutorScores::QualityScore,
    TutorScores::RescheduleRate7d,
    TutorScores::RescheduleRate30d,
    TutorScores::RescheduleRate90d,
    TutorScores::NoShowRate30d,
    TutorScores::Sessions30d,
    TutorScores::ComputedAt,
    TutorScores::RiskLevel,
    TutorScores::RiskSince,
];

fn sort_index_name(column: TutorScores) -> String {
    format!("idx_tutor_scores_{}", column.to_string())
}

fn risk_level_check(column: impl IntoIden + 'static) -> SimpleExpr {
    crate::one_of(column, RiskLevel::db_values())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let rate = |column| double(column).check(Expr::col(column).between(0, 100)).to_owned();
        manager
            .create_table(
                Table::create()
                    .table(TutorScores::Table)
                    .col(uuid(TutorScores::TutorId).primary_key())
                    .col(double(TutorScores::QualityScore))
                    .col(string_len(TutorScores::RiskLevel, 10))
                    .col(timestamp_with_time_zone(TutorScores::RiskSince))
                    .col(string_len_null(TutorScores::PreviousRiskLevel, 10))
                    .col(string_len(TutorScores::FlagCodes, 500))
                    .col(rate(TutorScores::RescheduleRate7d))
                    .col(rate(TutorScores::RescheduleRate30d))
                    .col(rate(TutorScores::RescheduleRate90d))
                    .col(rate(TutorScores::NoShowRate30d))
                    .col(rate(TutorScores::LateStartRate30d))
                    .col(rate(TutorScores::EarlyEndRate30d))
                    .col(integer(TutorScores::Sessions30d))
                    .col(json_binary(TutorScores::Details))
                    .col(timestamp_with_time_zone(TutorScores::ComputedAt))
                    .col(big_integer(TutorScores::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_tutor_scores_tutor")
                            .from(TutorScores::Table, TutorScores::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "tutor_scores_risk_level_known",
                        risk_level_check(TutorScores::RiskLevel),
                    ))
                    .check((
                        "tutor_scores_quality_0_to_100",
                        Expr::col(TutorScores::QualityScore).between(0, 100),
                    ))
                    .to_owned(),
            )
            .await?;
        for column in SORTABLE {
            manager
                .create_index(
                    Index::create()
                        .name(sort_index_name(column))
                        .table(TutorScores::Table)
                        .col(column)
                        .col(TutorScores::TutorId)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ScoreHistory::Table)
                    .col(big_pk_auto(ScoreHistory::Id))
                    .col(uuid(ScoreHistory::TutorId))
                    .col(timestamp_with_time_zone(ScoreHistory::ComputedAt))
                    .col(double(ScoreHistory::QualityScore))
                    .col(string_len(ScoreHistory::RiskLevel, 10))
                    .col(double(ScoreHistory::RescheduleRate7d))
                    .col(double(ScoreHistory::RescheduleRate30d))
                    .col(double(ScoreHistory::RescheduleRate90d))
                    .col(double(ScoreHistory::NoShowRate30d))
                    .col(big_integer(ScoreHistory::Version))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_score_history_tutor")
                            .from(ScoreHistory::Table, ScoreHistory::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "score_history_risk_level_known",
                        risk_level_check(ScoreHistory::RiskLevel),
                    ))
                    .to_owned(),
            )
            .await?;
        // Trend charts: one tutor's points in time order.
        manager
            .create_index(
                Index::create()
                    .name("idx_score_history_tutor_time")
                    .table(ScoreHistory::Table)
                    .col(ScoreHistory::TutorId)
                    .col(ScoreHistory::ComputedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScoreHistory::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(TutorScores::Table).to_owned())
            .await
    }
}
