//! `users`: the people who sign in (coaches, operations leads, admins).

use sea_orm::entity::prelude::*;

use crate::UserRole;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub name: String,
    pub role: UserRole,
    /// An inactive user cannot sign in; their sign-in sessions are revoked.
    pub active: bool,
    /// Argon2id hash in PHC string form.
    pub password_hash: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
