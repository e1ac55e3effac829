//! `score_history`: append-only score points for trend charts.

use sea_orm::entity::prelude::*;

use crate::RiskLevel;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "score_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub tutor_id: Uuid,
    pub computed_at: DateTimeUtc,
    pub quality_score: f64,
    pub risk_level: RiskLevel,
    pub reschedule_rate_7d: f64,
    pub reschedule_rate_30d: f64,
    pub reschedule_rate_90d: f64,
    pub no_show_rate_30d: f64,
    /// The `tutor_scores.version` this point was written with.
    pub version: i64,
    #[sea_orm(belongs_to, from = "tutor_id", to = "id")]
    pub tutor: HasOne<super::tutor::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
