//! `tutors`: the people being scored, keyed by our UUID and by the integrator's external id.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "tutors")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The integrator's id for this tutor; unique.
    #[sea_orm(unique)]
    pub external_id: String,
    pub name: String,
    pub email: String,
    /// Inactive tutors keep their history but are hidden by default.
    pub active: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub sessions: HasMany<super::session::Entity>,
    #[sea_orm(has_one)]
    pub score: HasOne<super::tutor_score::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
