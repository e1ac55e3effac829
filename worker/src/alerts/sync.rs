//! What a recompute does to the tutor's alerts, inside its transaction (the tutor's row is
//! locked, so two recomputes of one tutor never sync at once; the partial unique index is
//! the backstop): a new flag opens an alert, or reopens the tutor's alert for that flag
//! resolved within `ALERT_REOPEN_DAYS`; a flag going from warning to critical escalates its
//! alert; a snoozed alert whose time came and whose flag is still there opens again; a flag
//! that cleared resolves its alert as `RECOVERED`, whatever its state; an alert a person
//! resolved stays resolved while its flag stands. Each transition is
//! audited (actor: system) and notified as the notification rules say.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use entity::{AlertKind, AlertResolution, AlertSeverity, AlertStatus, alert, prelude::*, tutor, tutor_score};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{AlertChange, AlertsConfig, Transition, lifecycle, notify};
use crate::{
    audit::{self, Actor, Entry},
    mail::MailConfig,
    scoring::{Flag, ScoreReport, Severity},
};

fn severity_of(flag: &Flag) -> AlertSeverity {
    match flag.severity {
        Severity::Warning => AlertSeverity::Warning,
        Severity::Critical => AlertSeverity::Critical,
    }
}

fn evidence(flag: &Flag) -> serde_json::Value {
    serde_json::to_value(flag).expect("flags serialise")
}

/// The alert's state in the audit trail.
pub fn state(a: &alert::Model) -> serde_json::Value {
    json!({
        "status": a.status,
        "severity": a.severity,
        "resolution": a.resolution,
        "assignee_id": a.assignee_id,
        "snoozed_until": a.snoozed_until,
        "version": a.version,
    })
}

/// The unresolved flag alerts of `tutor_ids`, by tutor, in one statement (read after the
/// tutors are locked, so no recompute of theirs changes them until the commit).
pub async fn unresolved_flags<C: ConnectionTrait>(
    db: &C,
    tutor_ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<alert::Model>>, DbErr> {
    let alerts = Alert::find()
        .filter(alert::Column::TutorId.is_in(tutor_ids.iter().copied()))
        .filter(alert::Column::Kind.eq(AlertKind::Flag))
        .filter(alert::Column::Status.ne(AlertStatus::Resolved))
        .all(db)
        .await?;
    let mut by_tutor: HashMap<Uuid, Vec<alert::Model>> = HashMap::new();
    for alert in alerts {
        by_tutor.entry(alert.tutor_id).or_default().push(alert);
    }
    Ok(by_tutor)
}

/// Brings the tutor's flag alerts (`unresolved`, from [`unresolved_flags`]) in line with
/// `report` (the tutor's score before it: `previous`); returns what changed, to publish
/// after the commit.
#[allow(clippy::too_many_arguments)]
pub async fn after_recompute<C: ConnectionTrait>(
    db: &C,
    tutor: &tutor::Model,
    report: &ScoreReport,
    previous: Option<&tutor_score::Model>,
    unresolved: Vec<alert::Model>,
    config: &AlertsConfig,
    mail: Option<&MailConfig>,
    now: DateTime<Utc>,
) -> Result<Vec<AlertChange>, DbErr> {
    let mut changes = Vec::new();
    for flag in &report.flags {
        let code = flag.code.as_str();
        // A flag the previous score had too never left: a person resolved its alert in
        // between (actioned, or a false alarm), and that stands until the flag clears.
        let continuous = previous.is_some_and(|p| ScoreReport::holds_flag(&p.flag_codes, code));
        let change = match unresolved.iter().find(|a| a.flag_code == code) {
            Some(current) => still_flagged(db, current, flag, config, now).await?,
            None if continuous => None,
            None => Some(flagged_again(db, tutor, flag, config, now).await?),
        };
        changes.extend(change);
    }
    for gone in unresolved
        .iter()
        .filter(|a| !report.flags.iter().any(|f| f.code.as_str() == a.flag_code))
    {
        let mut row = gone.clone().into_active_model();
        row.status = Set(AlertStatus::Resolved);
        row.resolution = Set(Some(AlertResolution::Recovered));
        row.resolved_at = Set(Some(now));
        row.snoozed_until = Set(None);
        changes.push(commit(db, gone, row, Transition::Recover, now).await?);
    }
    for change in &changes {
        notify::after_transition(db, mail, tutor, change, report, now).await?;
    }
    Ok(changes)
}

/// A flag whose alert is unresolved: refresh the evidence; escalate, or wake a snooze that
/// is over.
async fn still_flagged<C: ConnectionTrait>(
    db: &C,
    current: &alert::Model,
    flag: &Flag,
    config: &AlertsConfig,
    now: DateTime<Utc>,
) -> Result<Option<AlertChange>, DbErr> {
    let severity = severity_of(flag);
    let latest = evidence(flag);
    let mut row = current.clone().into_active_model();
    let escalates = current.severity == AlertSeverity::Warning && severity == AlertSeverity::Critical;
    let wakes =
        current.status == AlertStatus::Snoozed && current.snoozed_until.is_none_or(|until| until <= now);
    let transition = if escalates {
        Transition::Escalate
    } else if wakes {
        Transition::Wake
    } else {
        // Only the evidence (or a softer severity) changed: not a transition, no new version;
        // and when nothing changed (an hourly recompute, say), no write.
        if current.latest_evidence != latest || current.severity != severity {
            row.latest_evidence = Set(latest);
            row.severity = Set(severity);
            row.update(db).await?;
        }
        return Ok(None);
    };
    row.latest_evidence = Set(latest);
    let status =
        lifecycle::next(current.status, transition).expect("escalating or waking an unresolved alert");
    row.status = Set(status);
    row.severity = Set(severity);
    if status != AlertStatus::Snoozed {
        row.snoozed_until = Set(None);
    }
    if escalates && current.acknowledged_at.is_none() {
        row.ack_due_at = Set(config.ack_due(severity, now).min(current.ack_due_at));
    }
    Ok(Some(commit(db, current, row, transition, now).await?))
}

/// A flag with no unresolved alert: reopen its alert resolved within the window, or open a
/// new one.
async fn flagged_again<C: ConnectionTrait>(
    db: &C,
    tutor: &tutor::Model,
    flag: &Flag,
    config: &AlertsConfig,
    now: DateTime<Utc>,
) -> Result<AlertChange, DbErr> {
    let severity = severity_of(flag);
    let recent = Alert::find()
        .filter(alert::Column::TutorId.eq(tutor.id))
        .filter(alert::Column::Kind.eq(AlertKind::Flag))
        .filter(alert::Column::FlagCode.eq(flag.code.as_str()))
        .filter(alert::Column::Status.eq(AlertStatus::Resolved))
        .filter(alert::Column::ResolvedAt.gte(now - Duration::days(config.reopen_days)))
        .order_by_desc(alert::Column::ResolvedAt)
        .one(db)
        .await?;
    if let Some(previous) = recent {
        let mut row = previous.clone().into_active_model();
        row.status = Set(AlertStatus::Open);
        row.resolution = Set(None);
        row.resolved_at = Set(None);
        row.acknowledged_at = Set(None);
        row.snoozed_until = Set(None);
        row.severity = Set(severity);
        row.opened_at = Set(now);
        row.ack_due_at = Set(config.ack_due(severity, now));
        row.reopened_count = Set(previous.reopened_count + 1);
        row.latest_evidence = Set(evidence(flag));
        return commit(db, &previous, row, Transition::Reopen, now).await;
    }
    let opened = alert::ActiveModel {
        id: Set(Uuid::now_v7()),
        tutor_id: Set(tutor.id),
        kind: Set(AlertKind::Flag),
        flag_code: Set(flag.code.as_str().to_owned()),
        session_id: Set(None),
        status: Set(AlertStatus::Open),
        severity: Set(severity),
        resolution: Set(None),
        assignee_id: Set(None),
        opened_at: Set(now),
        ack_due_at: Set(config.ack_due(severity, now)),
        acknowledged_at: Set(None),
        snoozed_until: Set(None),
        resolved_at: Set(None),
        reopened_count: Set(0),
        opening_evidence: Set(evidence(flag)),
        latest_evidence: Set(evidence(flag)),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?;
    audit::record(
        db,
        &Actor::system(),
        Entry {
            action: "alert.opened",
            subject_type: "alert",
            subject_id: Some(opened.id.to_string()),
            tutor_id: Some(tutor.id),
            after: Some(state(&opened)),
            ..Entry::default()
        },
        now,
    )
    .await?;
    Ok(AlertChange {
        alert: opened,
        action: "alert.opened".into(),
    })
}

/// Writes a system transition with its new version and audit entry.
async fn commit<C: ConnectionTrait>(
    db: &C,
    before: &alert::Model,
    mut row: alert::ActiveModel,
    transition: Transition,
    now: DateTime<Utc>,
) -> Result<AlertChange, DbErr> {
    row.version = Set(before.version + 1);
    row.updated_at = Set(now);
    let after = row.update(db).await?;
    audit::record(
        db,
        &Actor::system(),
        Entry {
            action: transition.action(),
            subject_type: "alert",
            subject_id: Some(after.id.to_string()),
            tutor_id: Some(after.tutor_id),
            before: Some(state(before)),
            after: Some(state(&after)),
            ..Entry::default()
        },
        now,
    )
    .await?;
    Ok(AlertChange {
        alert: after,
        action: transition.action().into(),
    })
}

/// Opens an "upcoming session at risk" alert for each booked session in the next 48 hours
/// predicted at least `threshold` percent likely to fail (never twice for one session: the
/// check runs under the tutor's lock, and a unique index backs it). `None`: off.
#[allow(clippy::too_many_arguments)]
pub async fn upcoming_sessions<C: ConnectionTrait>(
    db: &C,
    tutor: &tutor::Model,
    predicted: &[crate::predictions::store::Predicted],
    threshold: Option<f64>,
    config: &AlertsConfig,
    mail: Option<&MailConfig>,
    report: &ScoreReport,
    now: DateTime<Utc>,
) -> Result<Vec<AlertChange>, DbErr> {
    let Some(threshold) = threshold else {
        return Ok(Vec::new());
    };
    let mut changes = Vec::new();
    for p in predicted {
        let soon = p.session.scheduled_start <= now + Duration::hours(48);
        if !soon || p.probability * 100.0 < threshold {
            continue;
        }
        let exists = Alert::find()
            .filter(alert::Column::SessionId.eq(p.session.id))
            .filter(alert::Column::Kind.eq(AlertKind::UpcomingSession))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let evidence = json!({
            "probability": p.probability,
            "reasons": p.reasons,
            "scheduled_start": p.session.scheduled_start,
            "student_ref": p.session.student_ref,
            "evidence": format!(
                "{:.0}% likely to be rescheduled or missed by the tutor ({} on {})",
                p.probability * 100.0,
                p.session.student_ref,
                p.session.scheduled_start.format("%a %d %b %H:%M UTC")
            ),
        });
        // Due before the session starts, or by the warning's time if that is sooner.
        let due = config
            .ack_due(AlertSeverity::Warning, now)
            .min(p.session.scheduled_start);
        let opened = alert::ActiveModel {
            id: Set(Uuid::now_v7()),
            tutor_id: Set(tutor.id),
            kind: Set(AlertKind::UpcomingSession),
            flag_code: Set("upcoming_session".into()),
            session_id: Set(Some(p.session.id)),
            status: Set(AlertStatus::Open),
            severity: Set(AlertSeverity::Warning),
            resolution: Set(None),
            assignee_id: Set(None),
            opened_at: Set(now),
            ack_due_at: Set(due),
            acknowledged_at: Set(None),
            snoozed_until: Set(None),
            resolved_at: Set(None),
            reopened_count: Set(0),
            opening_evidence: Set(evidence.clone()),
            latest_evidence: Set(evidence),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        audit::record(
            db,
            &Actor::system(),
            Entry {
                action: "alert.opened",
                subject_type: "alert",
                subject_id: Some(opened.id.to_string()),
                tutor_id: Some(tutor.id),
                after: Some(state(&opened)),
                ..Entry::default()
            },
            now,
        )
        .await?;
        let change = AlertChange {
            alert: opened,
            action: "alert.opened".into(),
        };
        notify::after_transition(db, mail, tutor, &change, report, now).await?;
        changes.push(change);
    }
    Ok(changes)
}
