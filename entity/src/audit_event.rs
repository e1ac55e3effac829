//! `audit_events`: the append-only trail of who did what and when, written in the same
//! transaction as the change it records.

use sea_orm::entity::prelude::*;

use crate::ActorKind;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub actor_kind: ActorKind,
    /// The user, for a person.
    pub actor_id: Option<Uuid>,
    /// The user's email, the key's label (`admin-key-0`), `local` or `system`.
    pub actor_label: String,
    /// What happened, e.g. `alert.acknowledged`, `user.created`, `user.signed_in`.
    pub action: String,
    /// What it happened to: `alert`, `user`, ...
    pub subject_type: String,
    pub subject_id: Option<String>,
    /// The tutor concerned, if any (for a tutor's timeline).
    pub tutor_id: Option<Uuid>,
    /// The subject's state before and after, as JSON (absent for creations and deletions).
    pub before: Option<Json>,
    pub after: Option<Json>,
    /// Free text the actor gave (a resolution note).
    pub note: Option<String>,
}

impl ActiveModelBehavior for ActiveModel {}
