//! `email_reports`: one row per email the system means to send, unique per
//! (kind, subject key, recipient), so a retried job never sends the same report twice.

use sea_orm::entity::prelude::*;

use crate::{EmailKind, EmailStatus};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: EmailKind,
    /// What the report is about, e.g. `session:<uuid>` or `risk:<tutor>:<version>`.
    pub subject_key: String,
    pub recipient: String,
    pub tutor_id: Option<Uuid>,
    pub session_id: Option<Uuid>,
    /// The email's subject line.
    pub subject: String,
    /// The rendered plain-text part, as decided when the report was created.
    pub body_text: String,
    /// The rendered HTML part.
    pub body_html: String,
    pub status: EmailStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
