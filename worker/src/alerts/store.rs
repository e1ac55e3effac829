//! A person's actions on alerts: acknowledge, assign, snooze, resolve. Each checks the version
//! the person saw (a stale one is a conflict: two coaches acting at once, one wins, the other
//! is told), checks the transition, writes the change and its audit entry in one
//! transaction, and publishes the change after the commit.

use chrono::{DateTime, Duration, Utc};
use entity::{AlertResolution, AlertStatus, UserRole, prelude::*};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QuerySelect, Set,
};
use uuid::Uuid;

use super::{AlertChange, Transition, lifecycle, sync::state};
use crate::{
    audit::{self, Actor, Entry},
    db,
    error::{DomainError, DomainResult},
    events::{Event, SharedBus},
    input, jobs, people,
};

/// Longest a snooze may last.
pub const MAX_SNOOZE_DAYS: i64 = 90;
/// Longest resolution note.
pub const MAX_NOTE_CHARS: usize = 2000;
/// Most alerts one bulk action takes.
pub const MAX_BULK: usize = 100;

/// What a person does to an alert.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Acknowledge,
    /// Assigns to a coach or admin, or to nobody.
    Assign(Option<Uuid>),
    Snooze {
        until: DateTime<Utc>,
    },
    Resolve {
        resolution: AlertResolution,
        note: Option<String>,
    },
}

impl Action {
    fn transition(&self) -> Transition {
        match self {
            Action::Acknowledge => Transition::Acknowledge,
            Action::Assign(_) => Transition::Assign,
            Action::Snooze { .. } => Transition::Snooze,
            Action::Resolve { resolution, .. } => Transition::Resolve(*resolution),
        }
    }
}

/// Checks what can be checked before touching the database.
fn check(action: &Action, now: DateTime<Utc>) -> DomainResult<Option<String>> {
    match action {
        Action::Snooze { until } if *until <= now => {
            Err(DomainError::invalid("until", "must be in the future"))
        }
        Action::Snooze { until } if *until > now + Duration::days(MAX_SNOOZE_DAYS) => Err(
            DomainError::invalid("until", format!("must be within {MAX_SNOOZE_DAYS} days")),
        ),
        Action::Resolve { note: Some(note), .. } => {
            Ok(Some(input::text("note", note.trim(), MAX_NOTE_CHARS)?))
        }
        _ => Ok(None),
    }
}

/// Does `action` to the alert `id`, which the person saw at `version`.
pub async fn act(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    id: Uuid,
    version: i64,
    action: &Action,
    now: DateTime<Utc>,
) -> DomainResult<AlertChange> {
    let note = check(action, now)?;
    let txn = db::begin_write(conn).await?;
    let change = act_in(&txn, actor, id, Some(version), action, note, now).await?;
    txn.commit().await?;
    if let Err(e) = bus.publish(Event::AlertChanged(change.clone())).await {
        tracing::warn!(error = %e, "could not publish alertChanged");
    }
    Ok(change)
}

/// Does `action` to the alert `id` inside the caller's transaction (which publishes the
/// change after its commit): checks `version` when given (an intervention resolving its
/// alerts acts on them as they are), the transition, and records the audit entry.
pub(crate) async fn act_in<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    id: Uuid,
    version: Option<i64>,
    action: &Action,
    note: Option<String>,
    now: DateTime<Utc>,
) -> DomainResult<AlertChange> {
    let current = Alert::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no alert with id {id}")))?;
    if let Some(version) = version
        && current.version != version
    {
        return Err(DomainError::Conflict(format!(
            "the alert changed since version {version} (now version {}, {}): reload it and try again",
            current.version,
            status_word(current.status)
        )));
    }
    let transition = action.transition();
    let status = lifecycle::next(current.status, transition)
        .map_err(|refused| DomainError::invalid("id", refused.0))?;
    let mut row = current.clone().into_active_model();
    row.status = Set(status);
    match action {
        Action::Acknowledge => {
            row.acknowledged_at = Set(Some(now));
            row.snoozed_until = Set(None);
        }
        Action::Assign(assignee) => {
            if let Some(user_id) = assignee {
                let user = people::read::by_id(txn, *user_id).await?;
                if !user.is_some_and(|u| u.active && u.role >= UserRole::Coach) {
                    return Err(DomainError::invalid(
                        "assigneeId",
                        "must be an active coach or admin",
                    ));
                }
            }
            row.assignee_id = Set(*assignee);
        }
        Action::Snooze { until } => {
            row.snoozed_until = Set(Some(*until));
            // The tutor's recompute at that time wakes the alert if the flag is still there.
            jobs::enqueue_recompute_at(txn, current.tutor_id, *until, now).await?;
        }
        Action::Resolve { resolution, .. } => {
            row.resolution = Set(Some(*resolution));
            row.resolved_at = Set(Some(now));
            row.snoozed_until = Set(None);
        }
    }
    row.version = Set(current.version + 1);
    row.updated_at = Set(now);
    let after = row.update(txn).await?;
    audit::record(
        txn,
        actor,
        Entry {
            action: transition.action(),
            subject_type: "alert",
            subject_id: Some(id.to_string()),
            tutor_id: Some(after.tutor_id),
            before: Some(state(&current)),
            after: Some(state(&after)),
            note,
        },
        now,
    )
    .await?;
    Ok(AlertChange {
        alert: after,
        action: transition.action().into(),
    })
}

/// Does `action` to each alert (at most [`MAX_BULK`]), each on its own: one failing (stale,
/// not allowed) does not stop the others.
pub async fn act_on_each(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    alerts: &[(Uuid, i64)],
    action: &Action,
    now: DateTime<Utc>,
) -> DomainResult<Vec<DomainResult<AlertChange>>> {
    if alerts.len() > MAX_BULK {
        return Err(DomainError::invalid(
            "alerts",
            format!("must hold at most {MAX_BULK} alerts"),
        ));
    }
    let mut results = Vec::with_capacity(alerts.len());
    for (id, version) in alerts {
        results.push(act(conn, bus, actor, *id, *version, action, now).await);
    }
    Ok(results)
}

fn status_word(status: AlertStatus) -> &'static str {
    match status {
        AlertStatus::Open => "OPEN",
        AlertStatus::Acknowledged => "ACKNOWLEDGED",
        AlertStatus::Snoozed => "SNOOZED",
        AlertStatus::Resolved => "RESOLVED",
    }
}
