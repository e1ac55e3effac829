//! `sessions`: one row per scheduled tutoring session, upserted on the integrator's external id.

use sea_orm::entity::prelude::*;

use crate::SessionStatus;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The integrator's id for this session: the idempotency key of `recordSession`.
    #[sea_orm(unique)]
    pub external_id: String,
    pub tutor_id: Uuid,
    /// The integrator's reference for the student (we keep no student records).
    pub student_ref: String,
    /// When the session was (originally) scheduled to start.
    pub scheduled_start: DateTimeUtc,
    pub scheduled_minutes: i32,
    pub actual_start: Option<DateTimeUtc>,
    pub actual_end: Option<DateTimeUtc>,
    pub status: SessionStatus,
    /// First session of this tutor with this student, derived at ingest.
    pub is_first_session: bool,
    /// The student's rating, 1 to 5.
    pub rating: Option<i16>,
    /// When the student booked it (as the integrator says, or when we first saw it).
    pub booked_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "tutor_id", to = "id")]
    pub tutor: HasOne<super::tutor::Entity>,
    #[sea_orm(has_one)]
    pub reschedule: HasOne<super::reschedule::Entity>,
    #[sea_orm(has_one)]
    pub prediction: HasOne<super::prediction::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
