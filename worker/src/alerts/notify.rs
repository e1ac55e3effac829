//! Notifications: an alert's opening, reopening and escalation (and, with
//! `ALERT_ON_RECOVERY`, its recovery) each become one email per recipient, decided in the
//! transaction of the change and unique per transition (the key names the alert and its new
//! version), so a retried recompute never sends one twice. The assignee gets it when there
//! is one; `EMAIL_TO` otherwise.

use chrono::{DateTime, Utc};
use entity::{EmailKind, tutor};
use sea_orm::{ConnectionTrait, DbErr};

use super::AlertChange;
use crate::{
    mail::{
        MailConfig,
        render::{self, AlertView, TutorView},
        reports,
    },
    people,
    scoring::{Flag, ScoreReport},
};

/// Whether this change notifies anyone.
fn notifies(action: &str, config: &MailConfig) -> bool {
    match action {
        "alert.opened" | "alert.reopened" | "alert.escalated" => true,
        "alert.recovered" => config.alert_on_recovery,
        _ => false,
    }
}

/// Enqueues the notification of `change`, if it notifies and email is on.
pub async fn after_transition<C: ConnectionTrait>(
    db: &C,
    mail: Option<&MailConfig>,
    tutor: &tutor::Model,
    change: &AlertChange,
    report: &ScoreReport,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let Some(config) = mail.filter(|c| notifies(&change.action, c)) else {
        return Ok(0);
    };
    let alert = &change.alert;
    let assignee = match alert.assignee_id {
        Some(id) => people::read::by_id(db, id).await?.filter(|u| u.active),
        None => None,
    };
    let recipients = match assignee {
        Some(user) => vec![user.email],
        None => config.recipients(),
    };
    if recipients.is_empty() {
        return Ok(0);
    }
    let flag: Option<Flag> = serde::Deserialize::deserialize(&alert.latest_evidence).ok();
    let view = AlertView::new(alert, &change.action, flag.as_ref(), &config.public_url);
    let rendered = render::alert_notification(&TutorView::new(tutor, &config.public_url), &view, report);
    let key = format!("alert:{}:v{}", alert.id, alert.version);
    reports::enqueue(
        db,
        EmailKind::RiskAlert,
        &key,
        (Some(tutor.id), None),
        &rendered,
        &recipients,
        now,
    )
    .await
}
