//! Changing people: creating users (with a password given or generated once), changing their
//! name, role or activity, resetting a password, and signing in and out. Every change writes
//! its audit entry in the same transaction.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use entity::{UserRole, prelude::*, sign_in, user};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, Set,
    sea_query::Expr,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::{PeopleConfig, passwords, read};
use crate::{
    audit::{self, Actor, Entry},
    db,
    error::{DomainError, DomainResult},
    input,
};

/// A person to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: UserRole,
    /// The password; `None`: generate a one-time one (returned once).
    pub password: Option<String>,
}

/// What may change about a person.
#[derive(Debug, Clone, Default)]
pub struct UserChanges {
    pub name: Option<String>,
    pub role: Option<UserRole>,
    pub active: Option<bool>,
}

fn snapshot(u: &user::Model) -> serde_json::Value {
    json!({ "email": u.email, "name": u.name, "role": u.role, "active": u.active })
}

/// Creates a user; returns it and the generated password when none was given.
pub async fn create_user(
    conn: &DatabaseConnection,
    actor: &Actor,
    new: NewUser,
    config: &PeopleConfig,
    now: DateTime<Utc>,
) -> DomainResult<(user::Model, Option<String>)> {
    let email = input::email("input.email", &new.email)?.to_lowercase();
    let name = input::identifier("input.name", &new.name, 200)?;
    let (password, generated) = match new.password {
        Some(p) => {
            passwords::check("input.password", &p, config.password_min_length)?;
            (p, None)
        }
        None => {
            let p = passwords::generate();
            (p.clone(), Some(p))
        }
    };
    let password_hash = passwords::hash(&password);
    let txn = db::begin_write(conn).await?;
    if read::by_email(&txn, &email).await?.is_some() {
        return Err(DomainError::invalid(
            "input.email",
            "is already the email of a user",
        ));
    }
    let created = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        name: Set(name),
        role: Set(new.role),
        active: Set(true),
        password_hash: Set(password_hash),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match db::is_unique_violation(&e) {
        true => DomainError::invalid("input.email", "is already the email of a user"),
        false => e.into(),
    })?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "user.created",
            subject_type: "user",
            subject_id: Some(created.id.to_string()),
            after: Some(snapshot(&created)),
            ..Entry::default()
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((created, generated))
}

/// Changes a user's name, role or activity; deactivating revokes their sign-ins.
pub async fn update_user(
    conn: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    changes: UserChanges,
    now: DateTime<Utc>,
) -> DomainResult<user::Model> {
    let name = changes
        .name
        .as_deref()
        .map(|n| input::identifier("input.name", n, 200))
        .transpose()?;
    let txn = db::begin_write(conn).await?;
    let before = read::by_id(&txn, id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no user with id {id}")))?;
    if actor.user_id == Some(id)
        && (changes.active == Some(false) || changes.role.is_some_and(|r| r != UserRole::Admin))
    {
        return Err(DomainError::invalid(
            "input",
            "an admin cannot deactivate or demote themselves (ask another admin)",
        ));
    }
    let mut row: user::ActiveModel = before.clone().into();
    if let Some(name) = name {
        row.name = Set(name);
    }
    if let Some(role) = changes.role {
        row.role = Set(role);
    }
    if let Some(active) = changes.active {
        row.active = Set(active);
    }
    row.updated_at = Set(now);
    let after = row.update(&txn).await?;
    if !after.active {
        revoke_all(&txn, id, now).await?;
    }
    audit::record(
        &txn,
        actor,
        Entry {
            action: "user.updated",
            subject_type: "user",
            subject_id: Some(id.to_string()),
            before: Some(snapshot(&before)),
            after: Some(snapshot(&after)),
            ..Entry::default()
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Gives a user a new one-time password (returned once) and signs them out everywhere.
pub async fn reset_password(
    conn: &DatabaseConnection,
    actor: &Actor,
    id: Uuid,
    now: DateTime<Utc>,
) -> DomainResult<String> {
    let password = passwords::generate();
    let password_hash = passwords::hash(&password);
    let txn = db::begin_write(conn).await?;
    let user = read::by_id(&txn, id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no user with id {id}")))?;
    let mut row: user::ActiveModel = user.into();
    row.password_hash = Set(password_hash);
    row.updated_at = Set(now);
    row.update(&txn).await?;
    revoke_all(&txn, id, now).await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "user.password_reset",
            subject_type: "user",
            subject_id: Some(id.to_string()),
            ..Entry::default()
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(password)
}

/// Changes one's own password (the current one must be given).
pub async fn change_password(
    conn: &DatabaseConnection,
    user_id: Uuid,
    current: &str,
    new: &str,
    config: &PeopleConfig,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    passwords::check("newPassword", new, config.password_min_length)?;
    let user = read::by_id(conn, user_id)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no user with id {user_id}")))?;
    if !passwords::verify(current, Some(&user.password_hash)) {
        return Err(DomainError::invalid(
            "currentPassword",
            "is not your current password",
        ));
    }
    let password_hash = passwords::hash(new);
    let txn = db::begin_write(conn).await?;
    let actor = Actor::user(&user);
    let mut row: user::ActiveModel = user.into();
    row.password_hash = Set(password_hash);
    row.updated_at = Set(now);
    row.update(&txn).await?;
    audit::record(
        &txn,
        &actor,
        Entry {
            action: "user.password_changed",
            subject_type: "user",
            subject_id: Some(user_id.to_string()),
            ..Entry::default()
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn revoke_all<C: ConnectionTrait>(db: &C, user_id: Uuid, now: DateTime<Utc>) -> Result<(), DbErr> {
    SignIn::update_many()
        .col_expr(sign_in::Column::RevokedAt, Expr::value(now))
        .filter(sign_in::Column::UserId.eq(user_id))
        .filter(sign_in::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// The stored form of a sign-in token.
fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A person signed in: who, and the token for their cookie (shown once, never stored).
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: user::Model,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Signs a person in with email and password. Wrong email, wrong password and an inactive
/// account are the same answer (`None`), after the same work.
pub async fn sign_in(
    conn: &DatabaseConnection,
    email: &str,
    password: &str,
    config: &PeopleConfig,
    now: DateTime<Utc>,
) -> Result<Option<SignedIn>, DbErr> {
    let user = read::by_email(conn, email).await?;
    let matches = passwords::verify(password, user.as_ref().map(|u| u.password_hash.as_str()));
    let Some(user) = user.filter(|u| matches && u.active) else {
        return Ok(None);
    };
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let expires_at = now + Duration::hours(config.sign_in_hours);
    let txn = db::begin_write(conn).await?;
    let id = Uuid::now_v7();
    sign_in::ActiveModel {
        id: Set(id),
        user_id: Set(user.id),
        token_hash: Set(token_hash(&token)),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &Actor::user(&user),
        Entry {
            action: "user.signed_in",
            subject_type: "sign_in",
            subject_id: Some(id.to_string()),
            ..Entry::default()
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(Some(SignedIn {
        user,
        token,
        expires_at,
    }))
}

/// The person a cookie's token belongs to, while the sign-in is unexpired, unrevoked and the
/// person active.
pub async fn authenticate<C: ConnectionTrait>(
    db: &C,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(user::Model, sign_in::Model)>, DbErr> {
    let found = SignIn::find()
        .filter(sign_in::Column::TokenHash.eq(token_hash(token)))
        .filter(sign_in::Column::RevokedAt.is_null())
        .filter(sign_in::Column::ExpiresAt.gt(now))
        .one(db)
        .await?;
    let Some(sign_in) = found else { return Ok(None) };
    let user = read::by_id(db, sign_in.user_id).await?.filter(|u| u.active);
    Ok(user.map(|u| (u, sign_in)))
}

/// Ends the sign-in of this token (a no-op for an unknown one).
pub async fn sign_out(conn: &DatabaseConnection, token: &str, now: DateTime<Utc>) -> Result<bool, DbErr> {
    let txn = db::begin_write(conn).await?;
    let Some((user, sign_in)) = authenticate(&txn, token, now).await? else {
        return Ok(false);
    };
    SignIn::update_many()
        .col_expr(sign_in::Column::RevokedAt, Expr::value(now))
        .filter(sign_in::Column::Id.eq(sign_in.id))
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        &Actor::user(&user),
        Entry {
            action: "user.signed_out",
            subject_type: "sign_in",
            subject_id: Some(sign_in.id.to_string()),
            ..Entry::default()
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}
