//! `alerts`: one per problem a coach should work through: a tutor's flag (at most one
//! unresolved alert per tutor and flag code, by a partial unique index) or an upcoming session
//! at risk.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{AlertKind, AlertResolution, AlertSeverity, AlertStatus};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tutor_id: Uuid,
    pub kind: AlertKind,
    /// The flag's code (`reschedule_rate`, ...), or `upcoming_session`.
    pub flag_code: String,
    /// The upcoming session, for that kind.
    pub session_id: Option<Uuid>,
    pub status: AlertStatus,
    pub severity: AlertSeverity,
    pub resolution: Option<AlertResolution>,
    pub assignee_id: Option<Uuid>,
    /// When the current opening began (the first opening or the latest reopening).
    pub opened_at: DateTimeUtc,
    /// Acknowledge by then (from the severity), or the alert is overdue.
    pub ack_due_at: DateTimeUtc,
    pub acknowledged_at: Option<DateTimeUtc>,
    pub snoozed_until: Option<DateTimeUtc>,
    pub resolved_at: Option<DateTimeUtc>,
    /// Times the flag came back within the reopen window and reopened this alert.
    pub reopened_count: i32,
    /// The flag as it was when the alert opened (numbers and sentence).
    pub opening_evidence: Json,
    /// The flag as the latest recompute saw it.
    pub latest_evidence: Json,
    /// Grows by one on every change: an action on an older version is a conflict.
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "tutor_id", to = "id")]
    #[serde(skip)]
    pub tutor: HasOne<super::tutor::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
