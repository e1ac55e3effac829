//! A tutor's timeline: one chronological list (newest first, keyset pages) of what happened
//! to the tutor: risk changes, alerts and their transitions, interventions and their
//! outcomes, notes (all from the audit trail, which records each in the transaction that made
//! it), and the emails sent about the tutor. Each item says what happened in words.
//!
//! Two sources are merged: audit entries ordered by (time, id) and sent emails by (sent
//! time, id); the cursor holds the time, the source and the row's key, so a page never
//! skips or repeats an item whichever source it came from.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::{ActorKind, EmailStatus, RiskLevel, audit_event, email_report, prelude::*};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::{
    error::{DomainError, DomainResult},
    interventions::type_label,
    mail::render::flag_title,
    pagination::{Cursor, Key, Page, PageRequest},
    scoring::FlagCode,
};

/// The one order of the timeline.
pub const SORT: &str = "timeline_newest_first";

/// What an item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    RiskChange,
    Alert,
    Intervention,
    Outcome,
    Note,
    Email,
    Other,
}

/// One thing that happened to a tutor.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub at: DateTime<Utc>,
    pub kind: ItemKind,
    /// `alert.acknowledged`, `intervention.measured`, `email.sent`, ...
    pub action: String,
    /// What happened, in words (plain text).
    pub summary: String,
    pub actor_kind: Option<ActorKind>,
    /// Who did it (an email, a key's label, `local`, `system`); the recipient for an email.
    pub actor_label: String,
    /// `alert`, `intervention`, `note`, `tutor`, `email`.
    pub subject_type: String,
    pub subject_id: Option<String>,
    /// The audit entry's id, or none for an email.
    pub audit_id: Option<i64>,
}

/// Source ranks in the order: at the same time, audit entries come before emails.
const AUDIT: f64 = 1.0;
const EMAIL: f64 = 0.0;

fn cursor_of(item: &Item, email_id: Uuid) -> Cursor {
    let (rank, seq) = match item.audit_id {
        Some(id) => (AUDIT, id as f64),
        None => (EMAIL, 0.0),
    };
    Cursor {
        sort: SORT.into(),
        key: Key::List(vec![Key::Time(item.at), Key::Number(rank), Key::Number(seq)]),
        id: email_id,
    }
}

/// (time, source rank, audit id, email id) of a cursor.
fn position(cursor: &Cursor) -> DomainResult<(DateTime<Utc>, f64, i64, Uuid)> {
    let invalid = || DomainError::invalid("after", "is not a cursor returned by this query");
    match &cursor.key {
        Key::List(keys) => match keys.as_slice() {
            [Key::Time(at), Key::Number(rank), Key::Number(seq)] => Ok((*at, *rank, *seq as i64, cursor.id)),
            // Times read back from JSON can come as text.
            [Key::Text(at), Key::Number(rank), Key::Number(seq)] => Ok((
                DateTime::parse_from_rfc3339(at)
                    .map_err(|_| invalid())?
                    .with_timezone(&Utc),
                *rank,
                *seq as i64,
                cursor.id,
            )),
            _ => Err(invalid()),
        },
        _ => Err(invalid()),
    }
}

fn words(level: Option<&str>) -> &str {
    match level {
        Some("high") => "high",
        Some("medium") => "medium",
        Some("low") => "low",
        _ => "unscored",
    }
}

fn flag_words(code: &str) -> String {
    FlagCode::from_stored(code).map_or_else(|| "Upcoming session at risk".into(), |f| flag_title(f).into())
}

/// The words of one audit entry; `alert_flags` names the flag of each alert on the page.
fn describe(e: &audit_event::Model, alert_flags: &BTreeMap<String, String>) -> (ItemKind, String) {
    let after = e.after.clone().unwrap_or_default();
    let text = |key: &str| after[key].as_str().map(str::to_owned);
    let by = match e.actor_kind {
        ActorKind::System => String::new(),
        _ => format!(" by {}", e.actor_label),
    };
    let alert = || {
        e.subject_id
            .as_ref()
            .and_then(|id| alert_flags.get(id))
            .map_or_else(|| "Alert".into(), |f| flag_words(f))
    };
    let intervention = || type_label(&text("type").unwrap_or_default());
    let note = e.note.as_deref().map(|n| format!(": {n}")).unwrap_or_default();
    match e.action.as_str() {
        "tutor.risk_changed" => {
            let from = e
                .before
                .as_ref()
                .and_then(|b| b["risk_level"].as_str().map(str::to_owned));
            let to = text("risk_level");
            let order = |l: Option<&str>| match l {
                Some("high") => 3,
                Some("medium") => 2,
                Some("low") => 1,
                _ => 0,
            };
            let verb = if order(to.as_deref()) > order(from.as_deref()) {
                "rose"
            } else {
                "fell"
            };
            (
                ItemKind::RiskChange,
                format!(
                    "Risk {verb} from {} to {}",
                    words(from.as_deref()),
                    words(to.as_deref())
                ),
            )
        }
        action if action.starts_with("alert.") => {
            let what = action.trim_start_matches("alert.");
            let status = match what {
                "resolved" => format!(
                    "resolved as {}",
                    text("resolution").unwrap_or_default().replace('_', " ")
                ),
                "woke" => "back from snooze".into(),
                other => other.to_owned(),
            };
            (ItemKind::Alert, format!("{} alert {status}{by}{note}", alert()))
        }
        "intervention.planned" => (
            ItemKind::Intervention,
            format!(
                "{} planned{by}, due {}{note}",
                intervention(),
                text("due_at").map_or_else(String::new, |d| d.chars().take(10).collect())
            ),
        ),
        "intervention.measured" => (
            ItemKind::Outcome,
            format!(
                "Outcome of {}: {}{note}",
                e.before
                    .as_ref()
                    .and_then(|b| b["type"].as_str())
                    .map_or_else(|| "the intervention".into(), type_label),
                text("outcome").unwrap_or_default().replace('_', " ")
            ),
        ),
        "intervention.assessed" => (
            ItemKind::Outcome,
            format!(
                "{} assessed as {}{by}{note}",
                intervention(),
                text("assessment").unwrap_or_default().replace('_', " ")
            ),
        ),
        action if action.starts_with("intervention.") => (
            ItemKind::Intervention,
            format!(
                "{} {}{by}{note}",
                intervention(),
                action.trim_start_matches("intervention.")
            ),
        ),
        action if action.starts_with("note.") => {
            let body = text("body").unwrap_or_default();
            let verb = action.trim_start_matches("note.");
            (ItemKind::Note, format!("Note {verb}{by}: {body}"))
        }
        other => (ItemKind::Other, format!("{other}{by}{note}")),
    }
}

/// One page of the tutor's timeline, newest first.
pub async fn page<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    request: &PageRequest,
) -> DomainResult<Page<Item>> {
    let after = request.after.as_ref().map(position).transpose()?;
    let mut audit = Condition::all().add(audit_event::Column::TutorId.eq(tutor_id));
    let mut email = Condition::all()
        .add(email_report::Column::TutorId.eq(tutor_id))
        .add(email_report::Column::Status.eq(EmailStatus::Sent))
        .add(email_report::Column::SentAt.is_not_null());
    if let Some((at, rank, seq, id)) = after {
        // At the cursor's time, audit entries come first: only an audit cursor has some of
        // them beyond it.
        let mut beyond = Condition::any().add(audit_event::Column::At.lt(at));
        if rank == AUDIT {
            beyond = beyond.add(
                Condition::all()
                    .add(audit_event::Column::At.eq(at))
                    .add(audit_event::Column::Id.lt(seq)),
            );
        }
        audit = audit.add(beyond);
        let same_time = if rank == AUDIT {
            Condition::all().add(email_report::Column::SentAt.eq(at))
        } else {
            Condition::all()
                .add(email_report::Column::SentAt.eq(at))
                .add(email_report::Column::Id.lt(id))
        };
        email = email.add(
            Condition::any()
                .add(email_report::Column::SentAt.lt(at))
                .add(same_time),
        );
    }
    let entries = AuditEvent::find()
        .filter(audit)
        .order_by_desc(audit_event::Column::At)
        .order_by_desc(audit_event::Column::Id)
        .limit(request.limit())
        .all(db)
        .await?;
    let emails: Vec<(Uuid, DateTime<Utc>, String, String)> = EmailReport::find()
        .select_only()
        .column(email_report::Column::Id)
        .column(email_report::Column::SentAt)
        .column(email_report::Column::Recipient)
        .column(email_report::Column::Subject)
        .filter(email)
        .order_by_desc(email_report::Column::SentAt)
        .order_by_desc(email_report::Column::Id)
        .limit(request.limit())
        .into_tuple()
        .all(db)
        .await?;
    let alert_ids: Vec<Uuid> = entries
        .iter()
        .filter(|e| e.subject_type == "alert")
        .filter_map(|e| e.subject_id.as_deref().and_then(|id| Uuid::parse_str(id).ok()))
        .collect();
    let alert_flags: BTreeMap<String, String> = if alert_ids.is_empty() {
        BTreeMap::new()
    } else {
        Alert::find()
            .filter(entity::alert::Column::Id.is_in(alert_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id.to_string(), a.flag_code))
            .collect()
    };
    let mut items: Vec<(Item, Uuid)> = entries
        .iter()
        .map(|e| {
            let (kind, summary) = describe(e, &alert_flags);
            let item = Item {
                at: e.at,
                kind,
                action: e.action.clone(),
                summary,
                actor_kind: Some(e.actor_kind),
                actor_label: e.actor_label.clone(),
                subject_type: e.subject_type.clone(),
                subject_id: e.subject_id.clone(),
                audit_id: Some(e.id),
            };
            (item, Uuid::nil())
        })
        .collect();
    items.extend(emails.into_iter().map(|(id, sent_at, recipient, subject)| {
        let item = Item {
            at: sent_at,
            kind: ItemKind::Email,
            action: "email.sent".into(),
            summary: format!("Email sent to {recipient}: {subject}"),
            actor_kind: None,
            actor_label: recipient,
            subject_type: "email".into(),
            subject_id: Some(id.to_string()),
            audit_id: None,
        };
        (item, id)
    }));
    // Newest first; at one time audit entries (by id, descending) before emails (by id).
    items.sort_by(|(a, a_id), (b, b_id)| {
        b.at.cmp(&a.at)
            .then_with(|| b.audit_id.is_some().cmp(&a.audit_id.is_some()))
            .then_with(|| b.audit_id.cmp(&a.audit_id))
            .then_with(|| b_id.cmp(a_id))
    });
    items.truncate(request.limit() as usize);
    let page = request.page(items, |(item, id)| cursor_of(item, *id));
    Ok(Page {
        rows: page
            .rows
            .into_iter()
            .map(|((item, _), cursor)| (item, cursor))
            .collect(),
        has_next: page.has_next,
        has_previous: page.has_previous,
    })
}

/// The risk level's stored word (for a risk change's audit entry).
pub fn risk_word(level: RiskLevel) -> &'static str {
    match level {
        RiskLevel::Low => "low",
        RiskLevel::Medium => "medium",
        RiskLevel::High => "high",
    }
}
