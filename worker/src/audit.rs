//! The audit trail: who did what and when, appended to `audit_events` in the same
//! transaction as the change it records, and read back for admins and for an alert's
//! history.

use chrono::{DateTime, Utc};
use entity::{ActorKind, audit_event, prelude::*, user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    error::DomainResult,
    pagination::{Cursor, Key, Page, PageRequest},
};

/// Who is acting: a person, a machine's key, whoever runs the embedded default on this
/// machine, or tutorscore itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub kind: ActorKind,
    /// The user, for a person.
    pub user_id: Option<Uuid>,
    /// The user's email, the key's label, `local` or `system`.
    pub label: String,
}

impl Actor {
    /// A signed-in person.
    pub fn user(user: &user::Model) -> Self {
        Self {
            kind: ActorKind::User,
            user_id: Some(user.id),
            label: user.email.clone(),
        }
    }

    /// An API key, by its label (never the key).
    pub fn key(label: impl Into<String>) -> Self {
        Self {
            kind: ActorKind::Key,
            user_id: None,
            label: label.into(),
        }
    }

    /// The open embedded default (no keys, no users).
    pub fn local() -> Self {
        Self {
            kind: ActorKind::Local,
            user_id: None,
            label: "local".into(),
        }
    }

    /// tutorscore itself (the worker).
    pub fn system() -> Self {
        Self {
            kind: ActorKind::System,
            user_id: None,
            label: "system".into(),
        }
    }
}

/// One entry of the trail.
#[derive(Debug, Clone, Default)]
pub struct Entry {
    /// `alert.acknowledged`, `user.created`, ...
    pub action: &'static str,
    /// `alert`, `user`, `sign_in`.
    pub subject_type: &'static str,
    pub subject_id: Option<String>,
    pub tutor_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub note: Option<String>,
}

/// Appends `entry` by `actor` at `now`, inside the caller's transaction.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    entry: Entry,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    AuditEvent::insert(audit_event::ActiveModel {
        at: Set(now),
        actor_kind: Set(actor.kind),
        actor_id: Set(actor.user_id),
        actor_label: Set(actor.label.clone()),
        action: Set(entry.action.to_owned()),
        subject_type: Set(entry.subject_type.to_owned()),
        subject_id: Set(entry.subject_id),
        tutor_id: Set(entry.tutor_id),
        before: Set(entry.before),
        after: Set(entry.after),
        note: Set(entry.note),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Which entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<Uuid>,
    /// Actions starting with this (`alert.` for every alert action).
    pub action_prefix: Option<String>,
    pub subject_type: Option<String>,
    pub subject_id: Option<String>,
    pub tutor_id: Option<Uuid>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// The one order entries are listed in.
pub const SORT: &str = "audit_newest_first";

/// Entries newest first (`request` descending, for [`SORT`]).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    filter: &AuditFilter,
    request: &PageRequest,
) -> DomainResult<Page<audit_event::Model>> {
    let mut condition = Condition::all();
    if let Some(actor) = filter.actor_id {
        condition = condition.add(audit_event::Column::ActorId.eq(actor));
    }
    if let Some(prefix) = &filter.action_prefix {
        condition = condition.add(audit_event::Column::Action.starts_with(prefix.as_str()));
    }
    if let Some(kind) = &filter.subject_type {
        condition = condition.add(audit_event::Column::SubjectType.eq(kind.as_str()));
    }
    if let Some(id) = &filter.subject_id {
        condition = condition.add(audit_event::Column::SubjectId.eq(id.as_str()));
    }
    if let Some(tutor) = filter.tutor_id {
        condition = condition.add(audit_event::Column::TutorId.eq(tutor));
    }
    if let Some(from) = filter.from {
        condition = condition.add(audit_event::Column::At.gte(from));
    }
    if let Some(to) = filter.to {
        condition = condition.add(audit_event::Column::At.lt(to));
    }
    // Ids only grow and are unique: the id alone orders the trail and is the cursor's key.
    if let Some(Cursor {
        key: Key::Number(after),
        ..
    }) = &request.after
    {
        condition = condition.add(audit_event::Column::Id.lt(*after as i64));
    }
    let rows = AuditEvent::find()
        .filter(condition)
        .order_by_desc(audit_event::Column::Id)
        .limit(request.limit())
        .all(db)
        .await?;
    Ok(request.page(rows, |e| Cursor {
        sort: SORT.into(),
        key: Key::Number(e.id as f64),
        id: Uuid::nil(),
    }))
}

/// Every entry about one subject, oldest first (an alert's history).
pub async fn of_subject<C: ConnectionTrait>(
    db: &C,
    subject_type: &str,
    subject_id: &str,
) -> Result<Vec<audit_event::Model>, DbErr> {
    AuditEvent::find()
        .filter(audit_event::Column::SubjectType.eq(subject_type))
        .filter(audit_event::Column::SubjectId.eq(subject_id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await
}
