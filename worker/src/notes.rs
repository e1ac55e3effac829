//! Notes on tutors: free text by a person, pinned or not. The author may change the text for
//! [`EDIT_MINUTES`] after writing it; after that it is kept as written (pinning may still
//! change). Stored and returned as plain text; [`html`] is the one way it becomes HTML.
//! Every change has its audit entry in the same transaction and is published after it.

use chrono::{DateTime, Duration, Utc};
use entity::{prelude::*, tutor_note};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{
    audit::{self, Actor, Entry},
    db,
    error::{DomainError, DomainResult},
    events::{Event, SharedBus},
    input,
};

/// Minutes after writing during which the author may change a note's text.
pub const EDIT_MINUTES: i64 = 15;
/// Longest note.
pub const MAX_NOTE_CHARS: usize = 4000;

/// A change to a note, published after its commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteChange {
    pub note: tutor_note::Model,
    /// `note.added`, `note.edited`, `note.pinned`, `note.unpinned`.
    pub action: String,
}

/// `text` safe inside HTML: `& < > " '` escaped, line breaks as `<br>`.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

fn body(field: &str, value: &str) -> DomainResult<String> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    input::text(field, trimmed, MAX_NOTE_CHARS)
}

fn state(n: &tutor_note::Model) -> serde_json::Value {
    json!({ "body": n.body, "pinned": n.pinned, "version": n.version })
}

async fn publish(bus: &SharedBus, change: &NoteChange) {
    if let Err(e) = bus.publish(Event::NoteChanged(change.clone())).await {
        tracing::warn!(error = %e, "could not publish a note change");
    }
}

/// Adds a note by `actor` on the tutor.
pub async fn add(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    tutor_id: Uuid,
    text: &str,
    pinned: bool,
    now: DateTime<Utc>,
) -> DomainResult<NoteChange> {
    let text = body("body", text)?;
    let txn = db::begin_write(conn).await?;
    if Tutor::find_by_id(tutor_id).one(&txn).await?.is_none() {
        return Err(DomainError::NotFound(format!("no tutor with id {tutor_id}")));
    }
    let note = tutor_note::ActiveModel {
        id: Set(Uuid::now_v7()),
        tutor_id: Set(tutor_id),
        author_id: Set(actor.user_id),
        author_label: Set(actor.label.clone()),
        body: Set(text),
        pinned: Set(pinned),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        edited_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action: "note.added",
            subject_type: "note",
            subject_id: Some(note.id.to_string()),
            tutor_id: Some(tutor_id),
            before: None,
            after: Some(state(&note)),
            note: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    let change = NoteChange {
        note,
        action: "note.added".into(),
    };
    publish(bus, &change).await;
    Ok(change)
}

/// Whether `actor` wrote `note`.
fn is_author(note: &tutor_note::Model, actor: &Actor) -> bool {
    match (note.author_id, actor.user_id) {
        (Some(author), Some(user)) => author == user,
        (None, None) => note.author_label == actor.label,
        _ => false,
    }
}

/// Changes a note seen at `version`: its text (the author, within [`EDIT_MINUTES`]) and/or
/// whether it is pinned (anyone who may act).
#[allow(clippy::too_many_arguments)]
pub async fn edit(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    id: Uuid,
    version: i64,
    text: Option<&str>,
    pinned: Option<bool>,
    now: DateTime<Utc>,
) -> DomainResult<NoteChange> {
    let text = text.map(|t| body("body", t)).transpose()?;
    if text.is_none() && pinned.is_none() {
        return Err(DomainError::invalid("body", "give a new body, pinned, or both"));
    }
    let txn = db::begin_write(conn).await?;
    let current = TutorNote::find_by_id(id)
        .lock_exclusive()
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no note with id {id}")))?;
    if current.version != version {
        return Err(DomainError::Conflict(format!(
            "the note changed since version {version} (now version {}): reload it and try again",
            current.version
        )));
    }
    let mut row = current.clone().into_active_model();
    let mut action = "note.edited";
    if let Some(text) = text.filter(|t| *t != current.body) {
        if !is_author(&current, actor) {
            return Err(DomainError::invalid(
                "body",
                "only the note's author may change its text",
            ));
        }
        if now - current.created_at > Duration::minutes(EDIT_MINUTES) {
            return Err(DomainError::invalid(
                "body",
                format!("a note is kept as written {EDIT_MINUTES} minutes after it was added"),
            ));
        }
        row.body = Set(text);
        row.edited_at = Set(Some(now));
    } else if let Some(pin) = pinned {
        action = if pin { "note.pinned" } else { "note.unpinned" };
    }
    if let Some(pin) = pinned {
        row.pinned = Set(pin);
    }
    row.version = Set(current.version + 1);
    row.updated_at = Set(now);
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        actor,
        Entry {
            action,
            subject_type: "note",
            subject_id: Some(id.to_string()),
            tutor_id: Some(current.tutor_id),
            before: Some(state(&current)),
            after: Some(state(&after)),
            note: None,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    let change = NoteChange {
        note: after,
        action: action.into(),
    };
    publish(bus, &change).await;
    Ok(change)
}

/// A tutor's notes: pinned first, then newest first (at most `limit`).
pub async fn of_tutor<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    limit: u64,
) -> Result<Vec<tutor_note::Model>, DbErr> {
    TutorNote::find()
        .filter(tutor_note::Column::TutorId.eq(tutor_id))
        .order_by_desc(tutor_note::Column::Pinned)
        .order_by_desc(tutor_note::Column::CreatedAt)
        .order_by_desc(tutor_note::Column::Id)
        .limit(limit)
        .all(db)
        .await
}

/// One note.
pub async fn by_id<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Option<tutor_note::Model>, DbErr> {
    TutorNote::find_by_id(id).one(db).await
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_escapes_markup_and_keeps_line_breaks() {
        assert_eq!(
            super::html("<script>alert('x')</script> & \"quotes\"\nnext"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;<br>next"
        );
    }
}
