//! `tutor_notes`: free text about a tutor by a person: editable by its author for a short
//! while, then kept as written; pinned notes show first.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "tutor_notes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tutor_id: Uuid,
    /// The author, for a person (keys and the local admin have none).
    pub author_id: Option<Uuid>,
    /// The author as the audit trail names them.
    pub author_label: String,
    /// The text as written (plain text; escaped wherever it is shown as HTML).
    pub body: String,
    pub pinned: bool,
    /// Grows by one on every change.
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the text was last changed by its author, if ever.
    pub edited_at: Option<DateTimeUtc>,
}

impl ActiveModelBehavior for ActiveModel {}
