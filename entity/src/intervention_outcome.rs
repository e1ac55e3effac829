//! `intervention_outcomes`: one per intervention and measured flag: the flag's counts and
//! rates over the same number of days before and after the intervention, their intervals,
//! the verdict and the numbers in a sentence.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

use crate::OutcomeVerdict;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "intervention_outcomes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub intervention_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub flag_code: String,
    pub verdict: OutcomeVerdict,
    /// Days in each period.
    pub period_days: i32,
    pub before_count: i32,
    pub before_out_of: i32,
    pub after_count: i32,
    pub after_out_of: i32,
    /// Rates in percent, and their 95% Wilson intervals.
    pub before_rate: f64,
    pub before_low: f64,
    pub before_high: f64,
    pub after_rate: f64,
    pub after_low: f64,
    pub after_high: f64,
    /// After minus before, in percentage points, with its 95% interval (Newcombe).
    pub change: f64,
    pub change_low: f64,
    pub change_high: f64,
    /// "reschedules 9 of 31 before, 2 of 28 after".
    pub sentence: String,
    pub measured_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "intervention_id", to = "id")]
    #[serde(skip)]
    pub intervention: HasOne<super::intervention::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
