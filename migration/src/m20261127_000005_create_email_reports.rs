//! `email_reports`: unique per (kind, subject_key, recipient), the guard against sending a
//! report twice.

use entity::{EmailKind, EmailStatus};
use sea_orm_migration::{prelude::*, schema::*};

use crate::{m20261127_000001_create_tutors::Tutors, m20261127_000002_create_sessions::Sessions};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum EmailReports {
    Table,
    Id,
    Kind,
    SubjectKey,
    Recipient,
    TutorId,
    SessionId,
    Subject,
    BodyText,
    BodyHtml,
    Status,
    Attempts,
    LastError,
    CreatedAt,
    UpdatedAt,
    SentAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(EmailReports::Table)
                    .col(pk_uuid(EmailReports::Id))
                    .col(string_len(EmailReports::Kind, 20))
                    .col(string_len(EmailReports::SubjectKey, 200))
                    .col(string_len(EmailReports::Recipient, 320))
                    .col(uuid_null(EmailReports::TutorId))
                    .col(uuid_null(EmailReports::SessionId))
                    .col(string_len(EmailReports::Subject, 300))
                    .col(text(EmailReports::BodyText))
                    .col(text(EmailReports::BodyHtml))
                    .col(string_len(EmailReports::Status, 10))
                    .col(integer(EmailReports::Attempts).default(0))
                    .col(text_null(EmailReports::LastError))
                    .col(timestamp_with_time_zone(EmailReports::CreatedAt))
                    .col(timestamp_with_time_zone(EmailReports::UpdatedAt))
                    .col(timestamp_with_time_zone_null(EmailReports::SentAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_reports_tutor")
                            .from(EmailReports::Table, EmailReports::TutorId)
                            .to(Tutors::Table, Tutors::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_email_reports_session")
                            .from(EmailReports::Table, EmailReports::SessionId)
                            .to(Sessions::Table, Sessions::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .check((
                        "email_reports_kind_known",
                        crate::one_of(EmailReports::Kind, EmailKind::db_values()),
                    ))
                    .check((
                        "email_reports_status_known",
                        crate::one_of(EmailReports::Status, EmailStatus::db_values()),
                    ))
                    .check((
                        "email_reports_attempts_not_negative",
                        Expr::col(EmailReports::Attempts).gte(0),
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("uq_email_reports_kind_subject_recipient")
                    .table(EmailReports::Table)
                    .col(EmailReports::Kind)
                    .col(EmailReports::SubjectKey)
                    .col(EmailReports::Recipient)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The tutor page lists the reports about one tutor, newest first.
        manager
            .create_index(
                Index::create()
                    .name("idx_email_reports_tutor_created")
                    .table(EmailReports::Table)
                    .col(EmailReports::TutorId)
                    .col(EmailReports::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_email_reports_status_created")
                    .table(EmailReports::Table)
                    .col(EmailReports::Status)
                    .col(EmailReports::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(EmailReports::Table).to_owned())
            .await
    }
}
