//! Interventions: what a coach does about a tutor, and whether it worked. An intervention
//! answers one or more of the tutor's alerts; it has a type (`INTERVENTION_TYPES`), an owner
//! and a due date (from the alerts' severity unless given); it is `PLANNED`, then `DONE` or
//! `CANCELLED`. Done, it schedules a follow-up `FOLLOW_UP_DAYS` later (a job on the queue,
//! so it survives restarts) that compares each linked flag's metric over the same number of
//! days before and after; the owner may add an assessment of their own beside it.
//!
//! - [`store`]: plan, complete, cancel, assess (version-checked, each with its audit entry in
//!   the same transaction, published after the commit);
//! - [`outcome`]: the before/after comparison (pure) and the follow-up that stores it;
//! - [`effectiveness`]: which types of intervention work, per type and per flag, and each
//!   flag rule's precision by coaches' verdicts;
//! - [`read`]: lists, one intervention with its alerts and outcomes, the digest's queues.

pub mod effectiveness;
pub mod outcome;
pub mod read;
pub mod store;

use chrono::{DateTime, Duration, Utc};
use clap::Args;
use entity::{AlertSeverity, InterventionStatus, intervention};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// The intervention rules.
#[derive(Debug, Clone, Args)]
pub struct InterventionsConfig {
    /// Days to carry out an intervention for a critical alert (the default due date).
    #[arg(long, env = "INTERVENTION_DUE_DAYS_CRITICAL", default_value_t = 2)]
    pub due_days_critical: i64,
    /// Days to carry out an intervention for warnings only.
    #[arg(long, env = "INTERVENTION_DUE_DAYS_WARNING", default_value_t = 7)]
    pub due_days_warning: i64,
    /// Days after an intervention is done until its outcome is measured; the same number of
    /// days before it is the comparison.
    #[arg(long, env = "FOLLOW_UP_DAYS", default_value_t = 28)]
    pub follow_up_days: i64,
    /// The types of intervention coaches choose from, comma-separated codes (lowercase
    /// letters, digits and underscores).
    #[arg(
        long,
        env = "INTERVENTION_TYPES",
        value_delimiter = ',',
        default_value = "coaching_call,training_module,first_session_check_in,schedule_review,formal_warning,performance_plan,recognition,other"
    )]
    pub types: Vec<String>,
}

impl Default for InterventionsConfig {
    fn default() -> Self {
        crate::config::defaults()
    }
}

/// Longest type code.
pub const MAX_TYPE_CHARS: usize = 40;

impl InterventionsConfig {
    /// Refuses settings that cannot work (at start, naming the variable).
    pub fn check(&self) -> Result<(), String> {
        if self.types.is_empty() {
            return Err("INTERVENTION_TYPES must list at least one type".into());
        }
        for code in &self.types {
            let ok = !code.is_empty()
                && code.len() <= MAX_TYPE_CHARS
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !ok {
                return Err(format!(
                    "INTERVENTION_TYPES: {code:?} must be 1 to {MAX_TYPE_CHARS} lowercase letters, digits or underscores"
                ));
            }
        }
        for (name, days) in [
            ("INTERVENTION_DUE_DAYS_CRITICAL", self.due_days_critical),
            ("INTERVENTION_DUE_DAYS_WARNING", self.due_days_warning),
            ("FOLLOW_UP_DAYS", self.follow_up_days),
        ] {
            if !(1..=365).contains(&days) {
                return Err(format!("{name} must be between 1 and 365 days"));
            }
        }
        Ok(())
    }

    /// The default due date of an intervention planned at `now` for alerts of which the most
    /// serious is `severity`.
    pub fn default_due(&self, severity: AlertSeverity, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::days(match severity {
            AlertSeverity::Critical => self.due_days_critical,
            AlertSeverity::Warning => self.due_days_warning,
        })
    }

    /// `kind` if it is one of the configured types.
    pub fn known_type(&self, field: &str, kind: &str) -> DomainResult<String> {
        let kind = kind.trim();
        if self.types.iter().any(|t| t == kind) {
            Ok(kind.to_owned())
        } else {
            Err(DomainError::invalid(
                field,
                format!("must be one of: {}", self.types.join(", ")),
            ))
        }
    }
}

/// A type's code in words: `first_session_check_in` -> "First session check in".
pub fn type_label(code: &str) -> String {
    let words = code.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Planned and past its due date.
pub fn is_overdue(i: &intervention::Model, now: DateTime<Utc>) -> bool {
    i.status == InterventionStatus::Planned && i.due_at < now
}

/// The state word of a status, as clients see it.
pub fn status_word(status: InterventionStatus) -> &'static str {
    match status {
        InterventionStatus::Planned => "PLANNED",
        InterventionStatus::Done => "DONE",
        InterventionStatus::Cancelled => "CANCELLED",
    }
}

/// A change to an intervention, published after its commit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InterventionChange {
    pub intervention: intervention::Model,
    /// `intervention.planned`, `.completed`, `.cancelled`, `.assessed`, `.measured`.
    pub action: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_types_are_valid_and_read_as_words() {
        let config = InterventionsConfig::default();
        assert_eq!(config.types.len(), 8);
        assert!(config.check().is_ok());
        assert_eq!(type_label("first_session_check_in"), "First session check in");
        assert!(config.known_type("input.type", "coaching_call").is_ok());
        assert!(matches!(
            config.known_type("input.type", "pep_talk"),
            Err(DomainError::Invalid { field, rule }) if field == "input.type" && rule.contains("coaching_call")
        ));
        let bad = InterventionsConfig {
            types: vec!["Coaching Call".into()],
            ..InterventionsConfig::default()
        };
        assert!(bad.check().unwrap_err().contains("INTERVENTION_TYPES"));
    }
}
