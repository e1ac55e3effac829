//! `predictions`: the latest prediction for each upcoming session, and once the outcome is
//! recorded, the outcome beside it (so live accuracy can be measured).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "predictions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: Uuid,
    pub tutor_id: Uuid,
    pub model_version: i64,
    /// Probability that the tutor reschedules the session or does not show up.
    pub probability: f64,
    /// For a first session: probability that it is poor.
    pub poor_first_probability: Option<f64>,
    /// The top contributions, in words and points.
    pub reasons: Json,
    pub predicted_at: DateTimeUtc,
    pub scheduled_start: DateTimeUtc,
    /// Whether the tutor did fail it, once the outcome is recorded.
    pub failed: Option<bool>,
    pub outcome_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "session_id", to = "id")]
    pub session: HasOne<super::session::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
