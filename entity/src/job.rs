//! `jobs`: the durable work queue. A job row is the source of truth for work to do;
//! pub/sub notifications only wake workers sooner.

use sea_orm::entity::prelude::*;

use crate::{JobKind, JobStatus};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "jobs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: JobKind,
    /// Kind-specific JSON payload.
    pub payload: Json,
    pub status: JobStatus,
    pub attempts: i32,
    /// Not to be run before this time (backoff and scheduling).
    pub run_after: DateTimeUtc,
    /// While running: when the claim expires and another worker may take it over.
    pub locked_until: Option<DateTimeUtc>,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The tutor a recompute is for (also in the payload), so that claiming one of a tutor's
    /// recomputes can claim them all; empty for other kinds.
    pub tutor_id: Option<Uuid>,
}

impl ActiveModelBehavior for ActiveModel {}
