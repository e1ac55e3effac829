//! `reschedules`: the details of a rescheduled session (at most one row per session).

use sea_orm::entity::prelude::*;

use crate::RescheduleInitiator;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reschedules")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub session_id: Uuid,
    /// Denormalised from the session so window queries need no join.
    pub tutor_id: Uuid,
    pub initiator: RescheduleInitiator,
    /// Machine-readable reason (some codes are excused from the rate, see scoring).
    pub reason_code: Option<String>,
    /// Free text as given by the integrator.
    pub reason: Option<String>,
    pub original_start: DateTimeUtc,
    pub new_start: Option<DateTimeUtc>,
    pub requested_at: DateTimeUtc,
    /// Hours between the request and the original start (derived at ingest).
    pub notice_hours: f64,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "session_id", to = "id")]
    pub session: HasOne<super::session::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
