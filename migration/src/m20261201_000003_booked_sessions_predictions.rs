//! Booked sessions and predictions: `sessions.status` admits `scheduled` and sessions get
//! `booked_at`; `prediction_models` (every fitted model with its holdout figures, promoted or
//! not) and `predictions` (the latest prediction for each upcoming session, kept beside the
//! outcome once it arrives).

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000002_create_sessions::Sessions;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PredictionModels {
    Table,
    Version,
    TrainedAt,
    Samples,
    HoldoutSamples,
    Auc,
    Brier,
    LogLoss,
    BaselineAuc,
    BaselineBrier,
    BaselineLogLoss,
    Promoted,
    Reason,
    Details,
}

#[derive(DeriveIden)]
enum Predictions {
    Table,
    SessionId,
    TutorId,
    ModelVersion,
    Probability,
    PoorFirstProbability,
    Reasons,
    PredictedAt,
    ScheduledStart,
    Failed,
    OutcomeAt,
}

/// Widens the check constraint `name` of `table`'s `column` to `values`. Postgres swaps the
/// constraint; SQLite cannot alter one, and its documented way to loosen a CHECK is to edit
/// the table's stored definition (the rows and their format do not change).
pub(crate) async fn widen_check(
    manager: &SchemaManager<'_>,
    table: &str,
    name: &str,
    column: &str,
    values: &[String],
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.execute_unprepared(&format!("ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}"))
                .await?;
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ADD CONSTRAINT {name} CHECK ({column} IN ({list}))"
            ))
            .await?;
        }
        _ => {
            let row = db
                .query_one_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'"),
                ))
                .await?
                .ok_or_else(|| DbErr::Custom(format!("no table {table}")))?;
            let sql: String = row.try_get("", "sql")?;
            let marker = format!("CONSTRAINT \"{name}\" CHECK (\"{column}\" IN (");
            let start = sql
                .find(&marker)
                .ok_or_else(|| DbErr::Custom(format!("no constraint {name} in {table}")))?
                + marker.len();
            let end = start + sql[start..].find(')').expect("the IN list closes");
            let widened = format!("{}{list}{}", &sql[..start], &sql[end..]);
            let version: i64 = db
                .query_one_raw(Statement::from_string(DbBackend::Sqlite, "PRAGMA schema_version"))
                .await?
                .expect("a schema version")
                .try_get_by_index(0)?;
            let escaped = widened.replace('\'', "''");
            db.execute_unprepared(&format!(
                "PRAGMA writable_schema = ON;\n\
                 UPDATE sqlite_master SET sql = '{escaped}' WHERE type = 'table' AND name = '{table}';\n\
                 PRAGMA schema_version = {};\n\
                 PRAGMA writable_schema = OFF",
                version + 1
            ))
            .await?;
        }
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        widen_check(
            manager,
            "sessions",
            "sessions_status_known",
            "status",
            &entity::SessionStatus::db_values(),
        )
        .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .add_column(timestamp_with_time_zone_null(Sessions::BookedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(PredictionModels::Table)
                    .col(big_integer(PredictionModels::Version).primary_key())
                    .col(timestamp_with_time_zone(PredictionModels::TrainedAt))
                    .col(integer(PredictionModels::Samples))
                    .col(integer(PredictionModels::HoldoutSamples))
                    .col(double_null(PredictionModels::Auc))
                    .col(double_null(PredictionModels::Brier))
                    .col(double_null(PredictionModels::LogLoss))
                    .col(double_null(PredictionModels::BaselineAuc))
                    .col(double_null(PredictionModels::BaselineBrier))
                    .col(double_null(PredictionModels::BaselineLogLoss))
                    .col(boolean(PredictionModels::Promoted))
                    .col(text(PredictionModels::Reason))
                    .col(json_binary(PredictionModels::Details))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Predictions::Table)
                    .col(uuid(Predictions::SessionId).primary_key())
                    .col(uuid(Predictions::TutorId))
                    .col(big_integer(Predictions::ModelVersion))
                    .col(double(Predictions::Probability))
                    .col(double_null(Predictions::PoorFirstProbability))
                    .col(json_binary(Predictions::Reasons))
                    .col(timestamp_with_time_zone(Predictions::PredictedAt))
                    .col(timestamp_with_time_zone(Predictions::ScheduledStart))
                    .col(boolean_null(Predictions::Failed))
                    .col(timestamp_with_time_zone_null(Predictions::OutcomeAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_predictions_session")
                            .from(Predictions::Table, Predictions::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        // The upcoming list (by start) and the live figures (outcomes of the last 30 days).
        for (name, column) in [
            ("idx_predictions_start", Predictions::ScheduledStart),
            ("idx_predictions_outcome_at", Predictions::OutcomeAt),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Predictions::Table)
                        .col(column)
                        .to_owned(),
                )
                .await?;
        }
        // Upcoming sessions by status and start.
        manager
            .create_index(
                Index::create()
                    .name("idx_sessions_status_start")
                    .table(Sessions::Table)
                    .col(Sessions::Status)
                    .col(Sessions::ScheduledStart)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Predictions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(PredictionModels::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("idx_sessions_status_start")
                    .table(Sessions::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Sessions::Table)
                    .drop_column(Sessions::BookedAt)
                    .to_owned(),
            )
            .await
    }
}
