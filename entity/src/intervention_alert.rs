//! `intervention_alerts`: which of the tutor's alerts an intervention answers, with the flag
//! and severity the alert had when it was linked (what the follow-up measures).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AlertSeverity;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "intervention_alerts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub intervention_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub alert_id: Uuid,
    /// The alert's flag code (`reschedule_rate`, ..., or `upcoming_session`).
    pub flag_code: String,
    pub severity: AlertSeverity,
    #[sea_orm(belongs_to, from = "intervention_id", to = "id")]
    #[serde(skip)]
    pub intervention: HasOne<super::intervention::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
