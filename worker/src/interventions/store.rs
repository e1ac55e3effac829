//! A person's actions on interventions: plan one for a tutor's alerts, complete it (which
//! schedules its follow-up and may resolve its alerts as `ACTIONED`), cancel it, and assess
//! it. Each checks its input first, then (for an existing intervention) the version the
//! person saw (a stale one is a conflict) and the state; writes the change and its audit
//! entry (and the alerts' changes and theirs) in one transaction; publishes after the commit.

use chrono::{DateTime, Duration, Utc};
use entity::{
    AlertResolution, AlertSeverity, AlertStatus, InterventionStatus, JobKind, OutcomeVerdict, UserRole,
    intervention, intervention_alert, prelude::*,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, IntoActiveModel, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{InterventionChange, InterventionsConfig, outcome::MeasureOutcome, status_word, type_label};
use crate::{
    alerts::{AlertChange, store::Action},
    audit::{self, Actor, Entry},
    db,
    error::{DomainError, DomainResult},
    events::{Event, SharedBus},
    input, jobs, people,
};

/// Most alerts one intervention answers.
pub const MAX_ALERTS: usize = 20;
/// Longest notes, completion note, reason or assessment.
pub const MAX_TEXT_CHARS: usize = 4000;
/// Latest due date, in days from now.
pub const MAX_DUE_DAYS: i64 = 365;

/// What a coach plans.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub tutor_id: Uuid,
    /// The tutor's alerts it answers (at least one).
    pub alert_ids: Vec<Uuid>,
    /// One of `INTERVENTION_TYPES`.
    pub kind: String,
    /// Who does it; the person planning when absent.
    pub owner_id: Option<Uuid>,
    /// By when; from the alerts' severity when absent.
    pub due_at: Option<DateTime<Utc>>,
    pub notes: Option<String>,
}

/// The intervention's state in the audit trail.
pub fn state(i: &intervention::Model) -> serde_json::Value {
    json!({
        "status": i.status,
        "type": i.kind,
        "owner_id": i.owner_id,
        "due_at": i.due_at,
        "outcome": i.outcome,
        "assessment": i.assessment,
        "version": i.version,
    })
}

fn optional_text(field: &str, value: Option<&str>) -> DomainResult<Option<String>> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| input::text(field, v, MAX_TEXT_CHARS))
        .transpose()
}

async fn publish(bus: &SharedBus, change: &InterventionChange, alerts: &[AlertChange]) {
    if let Err(e) = bus.publish(Event::InterventionChanged(change.clone())).await {
        tracing::warn!(error = %e, "could not publish interventionChanged");
    }
    for alert in alerts {
        if let Err(e) = bus.publish(Event::AlertChanged(alert.clone())).await {
            tracing::warn!(error = %e, "could not publish alertChanged");
        }
    }
}

/// Checks that `user_id` may own interventions (an active coach or admin).
async fn check_owner<C: ConnectionTrait>(db: &C, field: &str, user_id: Uuid) -> DomainResult<()> {
    let user = people::read::by_id(db, user_id).await?;
    if user.is_some_and(|u| u.active && u.role >= UserRole::Coach) {
        Ok(())
    } else {
        Err(DomainError::invalid(field, "must be an active coach or admin"))
    }
}

/// Plans an intervention.
pub async fn plan(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    plan: &Plan,
    config: &InterventionsConfig,
    now: DateTime<Utc>,
) -> DomainResult<InterventionChange> {
    let kind = config.known_type("input.type", &plan.kind)?;
    if plan.alert_ids.is_empty() {
        return Err(DomainError::invalid(
            "input.alertIds",
            "must name at least one of the tutor's alerts",
        ));
    }
    if plan.alert_ids.len() > MAX_ALERTS {
        return Err(DomainError::invalid(
            "input.alertIds",
            format!("must hold at most {MAX_ALERTS} alerts"),
        ));
    }
    for (i, id) in plan.alert_ids.iter().enumerate() {
        if plan.alert_ids[..i].contains(id) {
            return Err(DomainError::invalid(
                format!("input.alertIds[{i}]"),
                "is listed twice",
            ));
        }
    }
    if let Some(due) = plan.due_at {
        if due <= now {
            return Err(DomainError::invalid("input.dueAt", "must be in the future"));
        }
        if due > now + Duration::days(MAX_DUE_DAYS) {
            return Err(DomainError::invalid(
                "input.dueAt",
                format!("must be within {MAX_DUE_DAYS} days"),
            ));
        }
    }
    let notes = optional_text("input.notes", plan.notes.as_deref())?;
    let owner_id = plan.owner_id.or(actor.user_id).ok_or_else(|| {
        DomainError::invalid(
            "input.ownerId",
            "is required when the caller is not a signed-in person",
        )
    })?;

    let txn = db::begin_write(conn).await?;
    let tutor = Tutor::find_by_id(plan.tutor_id)
        .one(&txn)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no tutor with id {}", plan.tutor_id)))?;
    check_owner(&txn, "input.ownerId", owner_id).await?;
    let mut links = Vec::with_capacity(plan.alert_ids.len());
    for (i, id) in plan.alert_ids.iter().enumerate() {
        let alert = Alert::find_by_id(*id)
            .one(&txn)
            .await?
            .ok_or_else(|| DomainError::NotFound(format!("no alert with id {id}")))?;
        if alert.tutor_id != tutor.id {
            return Err(DomainError::invalid(
                format!("input.alertIds[{i}]"),
                "is an alert of another tutor",
            ));
        }
        links.push(alert);
    }
    let severity = links
        .iter()
        .map(|a| a.severity)
        .max()
        .unwrap_or(AlertSeverity::Warning);
    let planned = intervention::ActiveModel {
        id: Set(Uuid::now_v7()),
        tutor_id: Set(tutor.id),
        kind: Set(kind),
        owner_id: Set(owner_id),
        status: Set(InterventionStatus::Planned),
        due_at: Set(plan.due_at.unwrap_or_else(|| config.default_due(severity, now))),
        notes: Set(notes.clone()),
        planned_by: Set(actor.label.clone()),
        completed_at: Set(None),
        completion_note: Set(None),
        cancelled_at: Set(None),
        cancel_reason: Set(None),
        follow_up_days: Set(None),
        follow_up_at: Set(None),
        outcome: Set(None),
        measured_at: Set(None),
        assessment: Set(None),
        assessment_note: Set(None),
        assessed_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let rows: Vec<_> = links
        .iter()
        .map(|a| intervention_alert::ActiveModel {
            intervention_id: Set(planned.id),
            alert_id: Set(a.id),
            flag_code: Set(a.flag_code.clone()),
            severity: Set(a.severity),
        })
        .collect();
    InterventionAlert::insert_many(rows)
        .exec_without_returning(&txn)
        .await?;
    let mut after = state(&planned);
    after["alert_ids"] = json!(plan.alert_ids);
    audit::record(
        &txn,
        actor,
        Entry {
            action: "intervention.planned",
            subject_type: "intervention",
            subject_id: Some(planned.id.to_string()),
            tutor_id: Some(tutor.id),
            before: None,
            after: Some(after),
            note: notes,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    let change = InterventionChange {
        intervention: planned,
        action: "intervention.planned".into(),
    };
    publish(bus, &change, &[]).await;
    Ok(change)
}

/// Locks the intervention `id` seen at `version` in `txn`: not found, or a conflict.
async fn locked<C: ConnectionTrait>(txn: &C, id: Uuid, version: i64) -> DomainResult<intervention::Model> {
    let current = Intervention::find_by_id(id)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| DomainError::NotFound(format!("no intervention with id {id}")))?;
    if current.version != version {
        return Err(DomainError::Conflict(format!(
            "the intervention changed since version {version} (now version {}, {}): reload it and try again",
            current.version,
            status_word(current.status)
        )));
    }
    Ok(current)
}

fn must_be_planned(current: &intervention::Model, what: &str) -> DomainResult<()> {
    if current.status == InterventionStatus::Planned {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "id",
            format!(
                "the intervention is {}: only a planned intervention can be {what}",
                status_word(current.status)
            ),
        ))
    }
}

async fn finish<C: ConnectionTrait>(
    txn: &C,
    actor: &Actor,
    action: &'static str,
    current: &intervention::Model,
    row: intervention::ActiveModel,
    note: Option<String>,
    now: DateTime<Utc>,
) -> DomainResult<InterventionChange> {
    let mut row = row;
    row.version = Set(current.version + 1);
    row.updated_at = Set(now);
    let after = row.update(txn).await?;
    audit::record(
        txn,
        actor,
        Entry {
            action,
            subject_type: "intervention",
            subject_id: Some(current.id.to_string()),
            tutor_id: Some(current.tutor_id),
            before: Some(state(current)),
            after: Some(state(&after)),
            note,
        },
        now,
    )
    .await?;
    Ok(InterventionChange {
        intervention: after,
        action: action.into(),
    })
}

/// What completing says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Completion {
    /// What was done.
    pub note: Option<String>,
    /// Resolve the linked alerts that are still unresolved as `ACTIONED`.
    pub resolve_alerts: bool,
}

/// Marks an intervention done, schedules its follow-up, and resolves its alerts if asked.
#[allow(clippy::too_many_arguments)]
pub async fn complete(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    id: Uuid,
    version: i64,
    completion: &Completion,
    config: &InterventionsConfig,
    now: DateTime<Utc>,
) -> DomainResult<(InterventionChange, Vec<AlertChange>)> {
    let note = optional_text("note", completion.note.as_deref())?;
    let txn = db::begin_write(conn).await?;
    let current = locked(&txn, id, version).await?;
    must_be_planned(&current, "completed")?;
    let follow_up_at = now + Duration::days(config.follow_up_days);
    let mut row = current.clone().into_active_model();
    row.status = Set(InterventionStatus::Done);
    row.completed_at = Set(Some(now));
    row.completion_note = Set(note.clone());
    row.follow_up_days = Set(Some(config.follow_up_days as i32));
    row.follow_up_at = Set(Some(follow_up_at));
    let payload = serde_json::to_value(MeasureOutcome { intervention_id: id }).expect("plain struct");
    Job::insert(jobs::new_job(JobKind::MeasureOutcome, payload, follow_up_at, now))
        .exec_without_returning(&txn)
        .await?;
    let mut alerts = Vec::new();
    if completion.resolve_alerts {
        let resolve = Action::Resolve {
            resolution: AlertResolution::Actioned,
            note: None,
        };
        let why = format!("Intervention done: {}", type_label(&current.kind));
        for link in super::read::alerts_of(&txn, id).await? {
            let unresolved = Alert::find_by_id(link.alert_id)
                .one(&txn)
                .await?
                .is_some_and(|a| a.status != AlertStatus::Resolved);
            if unresolved {
                alerts.push(
                    crate::alerts::store::act_in(
                        &txn,
                        actor,
                        link.alert_id,
                        None,
                        &resolve,
                        Some(why.clone()),
                        now,
                    )
                    .await?,
                );
            }
        }
    }
    let change = finish(&txn, actor, "intervention.completed", &current, row, note, now).await?;
    txn.commit().await?;
    publish(bus, &change, &alerts).await;
    Ok((change, alerts))
}

/// Cancels a planned intervention.
pub async fn cancel(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    id: Uuid,
    version: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<InterventionChange> {
    let reason = optional_text("reason", reason)?;
    let txn = db::begin_write(conn).await?;
    let current = locked(&txn, id, version).await?;
    must_be_planned(&current, "cancelled")?;
    let mut row = current.clone().into_active_model();
    row.status = Set(InterventionStatus::Cancelled);
    row.cancelled_at = Set(Some(now));
    row.cancel_reason = Set(reason.clone());
    let change = finish(&txn, actor, "intervention.cancelled", &current, row, reason, now).await?;
    txn.commit().await?;
    publish(bus, &change, &[]).await;
    Ok(change)
}

/// The owner's own judgement of a done intervention (an admin's too); replaces an earlier
/// one (the trail keeps both), never the measured outcome.
#[allow(clippy::too_many_arguments)]
pub async fn assess(
    conn: &DatabaseConnection,
    bus: &SharedBus,
    actor: &Actor,
    id: Uuid,
    version: i64,
    verdict: OutcomeVerdict,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> DomainResult<InterventionChange> {
    if !matches!(
        verdict,
        OutcomeVerdict::Improved | OutcomeVerdict::NoChange | OutcomeVerdict::Worse
    ) {
        return Err(DomainError::invalid(
            "verdict",
            "must be IMPROVED, NO_CHANGE or WORSE (the others are measured)",
        ));
    }
    let note = optional_text("note", note)?;
    let txn = db::begin_write(conn).await?;
    let current = locked(&txn, id, version).await?;
    if current.status != InterventionStatus::Done {
        return Err(DomainError::invalid(
            "id",
            format!(
                "the intervention is {}: only a done intervention can be assessed",
                status_word(current.status)
            ),
        ));
    }
    let allowed = match actor.user_id {
        Some(user) if user == current.owner_id => true,
        Some(user) => people::read::by_id(&txn, user)
            .await?
            .is_some_and(|u| u.role == UserRole::Admin),
        // Keys that act and the open local admin have the admin's rights.
        None => true,
    };
    if !allowed {
        return Err(DomainError::NotAllowed(
            "only the intervention's owner (or an admin) may assess it".into(),
        ));
    }
    let mut row = current.clone().into_active_model();
    row.assessment = Set(Some(verdict));
    row.assessment_note = Set(note.clone());
    row.assessed_at = Set(Some(now));
    let change = finish(&txn, actor, "intervention.assessed", &current, row, note, now).await?;
    txn.commit().await?;
    publish(bus, &change, &[]).await;
    Ok(change)
}
