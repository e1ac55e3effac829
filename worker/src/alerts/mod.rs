//! Alerts: a flag made into work a team gets through. One alert per tutor and flag code at
//! most while unresolved (a partial unique index holds it), holding the evidence at opening
//! and the latest; coaches acknowledge, assign, snooze and resolve it; the flag clearing
//! resolves it (`RECOVERED`); the flag returning within `ALERT_REOPEN_DAYS` reopens it.
//!
//! - [`lifecycle`]: the allowed transitions, in one function;
//! - [`sync`]: what a recompute does to the tutor's alerts, in its transaction;
//! - [`store`]: a person's actions (version-checked: a stale version is a conflict), each
//!   with its audit entry;
//! - [`read`]: the triage queue, one alert and its history, the overview's counts;
//! - [`notify`]: the notification emails of openings, reopenings and escalations.

pub mod lifecycle;
pub mod notify;
pub mod read;
pub mod store;
pub mod sync;

use chrono::{DateTime, Duration, Utc};
use clap::Args;
use entity::{AlertSeverity, AlertStatus, alert};
use serde::{Deserialize, Serialize};

pub use lifecycle::Transition;

/// The alert rules.
#[derive(Debug, Clone, Args)]
pub struct AlertsConfig {
    /// Days after its resolution within which a returning flag reopens the same alert
    /// (later, a new alert opens).
    #[arg(long, env = "ALERT_REOPEN_DAYS", default_value_t = 30)]
    pub reopen_days: i64,
    /// Hours to acknowledge a critical alert before it is overdue.
    #[arg(long, env = "ALERT_ACK_HOURS_CRITICAL", default_value_t = 24)]
    pub ack_hours_critical: i64,
    /// Hours to acknowledge a warning before it is overdue.
    #[arg(long, env = "ALERT_ACK_HOURS_WARNING", default_value_t = 72)]
    pub ack_hours_warning: i64,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        crate::config::defaults()
    }
}

impl AlertsConfig {
    /// When an alert of `severity` opened at `opened` must be acknowledged.
    pub fn ack_due(&self, severity: AlertSeverity, opened: DateTime<Utc>) -> DateTime<Utc> {
        opened
            + Duration::hours(match severity {
                AlertSeverity::Critical => self.ack_hours_critical,
                AlertSeverity::Warning => self.ack_hours_warning,
            })
    }
}

/// An alert is overdue when it is open (not acknowledged, snoozed or resolved) past its
/// acknowledge-by time.
pub fn is_overdue(alert: &alert::Model, now: DateTime<Utc>) -> bool {
    alert.status == AlertStatus::Open && alert.ack_due_at < now
}

/// A change to an alert, published after its commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertChange {
    pub alert: alert::Model,
    /// `alert.opened`, `alert.acknowledged`, ... (the audit action).
    pub action: String,
}
