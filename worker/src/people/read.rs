//! Reading users.

use entity::{prelude::*, user};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

/// Every user, by name.
pub async fn all<C: ConnectionTrait>(db: &C) -> Result<Vec<user::Model>, DbErr> {
    User::find().order_by_asc(user::Column::Name).all(db).await
}

/// One user.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<user::Model>, DbErr> {
    User::find_by_id(id).one(db).await
}

/// Users by id.
pub async fn by_ids<C: ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<user::Model>, DbErr> {
    User::find().filter(user::Column::Id.is_in(ids)).all(db).await
}

/// The user with this email (compared lower-cased).
pub async fn by_email<C: ConnectionTrait>(db: &C, email: &str) -> Result<Option<user::Model>, DbErr> {
    User::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await
}

/// How many users exist (none: the embedded default stays open on loopback).
pub async fn count<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    User::find().count(db).await
}
