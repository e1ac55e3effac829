//! People (`users`, `sign_ins`), `alerts` and `audit_events`; alerts are opened for the flags
//! tutors carry at upgrade time, so the queue starts with the work already there.

use entity::{ActorKind, AlertKind, AlertResolution, AlertSeverity, AlertStatus, UserRole};
use sea_orm::{ActiveEnum, ConnectionTrait, Statement};
use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261127_000001_create_tutors::Tutors;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    Name,
    Role,
    Active,
    PasswordHash,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum SignIns {
    Table,
    Id,
    UserId,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum Alerts {
    Table,
    Id,
    TutorId,
    Kind,
    FlagCode,
    SessionId,
    Status,
    Severity,
    Resolution,
    AssigneeId,
    OpenedAt,
    AckDueAt,
    AcknowledgedAt,
    SnoozedUntil,
    ResolvedAt,
    ReopenedCount,
    OpeningEvidence,
    LatestEvidence,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorKind,
    ActorId,
    ActorLabel,
    Action,
    SubjectType,
    SubjectId,
    TutorId,
    Before,
    After,
    Note,
}

/// Hours to acknowledge an alert opened at upgrade time, by severity: the defaults of
/// `ALERT_ACK_HOURS_CRITICAL` and `ALERT_ACK_HOURS_WARNING`.
const ACK_HOURS_CRITICAL: i64 = 24;
const ACK_HOURS_WARNING: i64 = 72;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_uuid(Users::Id))
                    .col(string_len_uniq(Users::Email, 320))
                    .col(string_len(Users::Name, 200))
                    .col(string_len(Users::Role, 10))
                    .col(boolean(Users::Active).default(true))
                    .col(string_len(Users::PasswordHash, 200))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .col(timestamp_with_time_zone(Users::UpdatedAt))
                    .check((
                        "users_role_known",
                        crate::one_of(Users::Role, UserRole::db_values()),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(SignIns::Table)
                    .col(pk_uuid(SignIns::Id))
                    .col(uuid(SignIns::UserId))
                    .col(string_len_uniq(SignIns::TokenHash, 64))
                    .col(timestamp_with_time_zone(SignIns::CreatedAt))
                    .col(timestamp_with_time_zone(SignIns::ExpiresAt))
                    .col(timestamp_with_time_zone_null(SignIns::RevokedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_sign_ins_user")
                            .from(SignIns::Table, SignIns::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_sign_ins_user")
                    .table(SignIns::Table)
                    .col(SignIns::UserId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Alerts::Table)
                    .col(pk_uuid(Alerts::Id))
                    .col(uuid(Alerts::TutorId))
                    .col(string_len(Alerts::Kind, 20))
                    .col(string_len(Alerts::FlagCode, 40))
                    .col(uuid_null(Alerts::SessionId))
                    .col(string_len(Alerts::Status, 15))
                    .col(string_len(Alerts::Severity, 10))
                    .col(string_len_null(Alerts::Resolution, 15))
                    .col(uuid_null(Alerts::AssigneeId))
                    .col(timestamp_with_time_zone(Alerts::OpenedAt))
                    .col(timestamp_with_time_zone(Alerts::AckDueAt))
                    .col(timestamp_with_time_zone_null(Alerts::AcknowledgedAt))
                    .col(timestamp_with_time_zone_null(Alerts::SnoozedUntil))
                    .col(timestamp_with_time_zone_null(Alerts::ResolvedAt))
                    .col(integer(Alerts::ReopenedCount).default(0))
                    .col(json_binary(Alerts::OpeningEvidence))
                    .col(json_binary(Alerts::LatestEvidence))
                    .col(big_integer(Alerts::Version))
                    .col(timestamp_with_time_zone(Alerts::CreatedAt))
                    .col(timestamp_with_time_zone(Alerts::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_alerts_tutor")
                            .from(Alerts::Table, Alerts::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_alerts_assignee")
                            .from(Alerts::Table, Alerts::AssigneeId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .check((
                        "alerts_kind_known",
                        crate::one_of(Alerts::Kind, AlertKind::db_values()),
                    ))
                    .check((
                        "alerts_status_known",
                        crate::one_of(Alerts::Status, AlertStatus::db_values()),
                    ))
                    .check((
                        "alerts_severity_known",
                        crate::one_of(Alerts::Severity, AlertSeverity::db_values()),
                    ))
                    .check((
                        "alerts_resolution_known",
                        Expr::col(Alerts::Resolution)
                            .is_null()
                            .or(crate::one_of(Alerts::Resolution, AlertResolution::db_values())),
                    ))
                    // Resolved exactly when a resolution is recorded.
                    .check((
                        "alerts_resolution_iff_resolved",
                        Expr::col(Alerts::Status)
                            .eq(AlertStatus::Resolved.to_value())
                            .eq(Expr::col(Alerts::Resolution).is_not_null()),
                    ))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        // At most one unresolved alert per tutor and flag, and one alert ever per upcoming
        // session: the database holds the rule, whatever the application does concurrently.
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_alerts_unresolved_per_tutor_flag ON alerts (tutor_id, flag_code) \
             WHERE status <> 'resolved' AND kind = 'flag'",
        )
        .await?;
        db.execute_unprepared(
            "CREATE UNIQUE INDEX uq_alerts_per_upcoming_session ON alerts (session_id) \
             WHERE kind = 'upcoming_session'",
        )
        .await?;
        // The triage queue (by status, newest first), an assignee's alerts, a tutor's alerts,
        // and the reopen look-up (the latest resolved alert of a tutor and flag).
        for (name, columns) in [
            ("idx_alerts_status_opened", vec![Alerts::Status, Alerts::OpenedAt]),
            (
                "idx_alerts_assignee_status",
                vec![Alerts::AssigneeId, Alerts::Status],
            ),
            (
                "idx_alerts_tutor_flag_resolved",
                vec![Alerts::TutorId, Alerts::FlagCode, Alerts::ResolvedAt],
            ),
        ] {
            let mut index = Index::create().name(name).table(Alerts::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(string_len(AuditEvents::ActorKind, 10))
                    .col(uuid_null(AuditEvents::ActorId))
                    .col(string_len(AuditEvents::ActorLabel, 320))
                    .col(string_len(AuditEvents::Action, 60))
                    .col(string_len(AuditEvents::SubjectType, 30))
                    .col(string_len_null(AuditEvents::SubjectId, 64))
                    .col(uuid_null(AuditEvents::TutorId))
                    .col(json_binary_null(AuditEvents::Before))
                    .col(json_binary_null(AuditEvents::After))
                    .col(text_null(AuditEvents::Note))
                    .check((
                        "audit_events_actor_known",
                        crate::one_of(AuditEvents::ActorKind, ActorKind::db_values()),
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            (
                "idx_audit_events_subject",
                vec![AuditEvents::SubjectType, AuditEvents::SubjectId, AuditEvents::Id],
            ),
            (
                "idx_audit_events_actor",
                vec![AuditEvents::ActorId, AuditEvents::Id],
            ),
            (
                "idx_audit_events_tutor",
                vec![AuditEvents::TutorId, AuditEvents::Id],
            ),
            ("idx_audit_events_at", vec![AuditEvents::At]),
        ] {
            let mut index = Index::create().name(name).table(AuditEvents::Table).to_owned();
            for column in columns {
                index.col(column);
            }
            manager.create_index(index).await?;
        }

        open_alerts_for_current_flags(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvents::Table.into_iden(),
            Alerts::Table.into_iden(),
            SignIns::Table.into_iden(),
            Users::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

/// An alert, open since the score was computed, for every flag a stored score carries (no
/// notification: the flags are not new).
async fn open_alerts_for_current_flags(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT tutor_id, details, computed_at FROM tutor_scores",
        ))
        .await?;
    for row in rows {
        let tutor_id: uuid::Uuid = row.try_get("", "tutor_id")?;
        let details: serde_json::Value = row.try_get("", "details")?;
        let computed_at: chrono::DateTime<chrono::Utc> = row.try_get("", "computed_at")?;
        for flag in details["flags"].as_array().cloned().unwrap_or_default() {
            let Some(code) = flag["code"].as_str() else {
                continue;
            };
            let critical = flag["severity"].as_str() == Some("critical");
            let (severity, ack_hours) = if critical {
                (AlertSeverity::Critical, ACK_HOURS_CRITICAL)
            } else {
                (AlertSeverity::Warning, ACK_HOURS_WARNING)
            };
            let insert = Query::insert()
                .into_table(Alerts::Table)
                .columns([
                    Alerts::Id,
                    Alerts::TutorId,
                    Alerts::Kind,
                    Alerts::FlagCode,
                    Alerts::Status,
                    Alerts::Severity,
                    Alerts::OpenedAt,
                    Alerts::AckDueAt,
                    Alerts::ReopenedCount,
                    Alerts::OpeningEvidence,
                    Alerts::LatestEvidence,
                    Alerts::Version,
                    Alerts::CreatedAt,
                    Alerts::UpdatedAt,
                ])
                .values_panic([
                    uuid::Uuid::now_v7().into(),
                    tutor_id.into(),
                    AlertKind::Flag.to_value().into(),
                    code.into(),
                    AlertStatus::Open.to_value().into(),
                    severity.to_value().into(),
                    computed_at.into(),
                    (computed_at + chrono::Duration::hours(ack_hours)).into(),
                    0.into(),
                    flag.clone().into(),
                    flag.clone().into(),
                    1i64.into(),
                    computed_at.into(),
                    computed_at.into(),
                ])
                .to_owned();
            manager.exec_stmt(insert).await?;
        }
    }
    Ok(())
}
