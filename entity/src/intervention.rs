//! `interventions`: what a coach plans to do about a tutor (linked to some of the tutor's
//! alerts), its owner and due date, then done (its outcome measured later) or cancelled.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{InterventionStatus, OutcomeVerdict};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "interventions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub tutor_id: Uuid,
    /// The type's code (`coaching_call`, ...), one of `INTERVENTION_TYPES` when planned.
    pub kind: String,
    /// The person who does it.
    pub owner_id: Uuid,
    pub status: InterventionStatus,
    /// Do it by then (from the linked alerts' severity unless given), or it is overdue.
    pub due_at: DateTimeUtc,
    /// What the coach plans to do, as written when planning.
    pub notes: Option<String>,
    /// Who planned it (the audit label).
    pub planned_by: String,
    pub completed_at: Option<DateTimeUtc>,
    /// What was done, as written when completing.
    pub completion_note: Option<String>,
    pub cancelled_at: Option<DateTimeUtc>,
    pub cancel_reason: Option<String>,
    /// Days compared before and after (`FOLLOW_UP_DAYS` when it was done).
    pub follow_up_days: Option<i32>,
    /// When the outcome is measured.
    pub follow_up_at: Option<DateTimeUtc>,
    /// The measured outcome over every linked flag, once measured.
    pub outcome: Option<OutcomeVerdict>,
    pub measured_at: Option<DateTimeUtc>,
    /// The owner's own judgement, kept beside the measured one.
    pub assessment: Option<OutcomeVerdict>,
    pub assessment_note: Option<String>,
    pub assessed_at: Option<DateTimeUtc>,
    /// Grows by one on every change: an action on an older version is a conflict.
    pub version: i64,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "tutor_id", to = "id")]
    #[serde(skip)]
    pub tutor: HasOne<super::tutor::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
