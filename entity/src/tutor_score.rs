//! `tutor_scores`: the current score of each tutor (one row per tutor).
//!
//! The sortable and filterable figures are columns (indexed); the full explanation (every window,
//! every flag with its evidence and recommendation) is JSON in `details`.

use sea_orm::entity::prelude::*;

use crate::{RiskLevel, StoredJson};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "tutor_scores")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub tutor_id: Uuid,
    /// 0 (worst) to 100 (best).
    pub quality_score: f64,
    pub risk_level: RiskLevel,
    /// When the tutor entered the current risk level.
    pub risk_since: DateTimeUtc,
    /// The level before the current one (`None` until the level first changes).
    pub previous_risk_level: Option<RiskLevel>,
    /// Flag codes as `,code,code,`: set membership with a portable `LIKE '%,code,%'`.
    pub flag_codes: String,
    pub reschedule_rate_7d: f64,
    pub reschedule_rate_30d: f64,
    pub reschedule_rate_90d: f64,
    pub no_show_rate_30d: f64,
    pub late_start_rate_30d: f64,
    pub early_end_rate_30d: f64,
    pub sessions_30d: i32,
    /// The full scoring result (windows, flags, evidence, recommendations): a
    /// `worker::scoring::ScoreReport`, decoded by whatever reads it (the score field, the
    /// digest, the next recompute's hysteresis).
    #[sea_orm(column_type = "JsonBinary")]
    pub details: StoredJson,
    pub computed_at: DateTimeUtc,
    /// Grows by one on every recompute; subscribers drop events older than what they hold.
    pub version: i64,
    #[sea_orm(belongs_to, from = "tutor_id", to = "id")]
    pub tutor: HasOne<super::tutor::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
