//! Mutation root: recording sessions (one or a batch), upserting tutors, admin actions.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{JobStatus, job, prelude::*};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::{
    enums::{RecordOutcome, RescheduleInitiator, SessionStatus, UpsertOutcome},
    objects::{Session, Tutor},
};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    ingest::{
        input::{self, RawReschedule, RawSession},
        service::{self, TutorInput},
    },
    read::cursor::page_size,
    state::AppState,
};

/// A session as the platform records it; `externalId` is the idempotency key.
#[derive(InputObject, Clone, Debug)]
pub struct RecordSessionInput {
    /// Your id for the session (1-200 characters). Replaying it with the same payload changes
    /// nothing; with a different payload it corrects the stored session.
    pub external_id: String,
    /// Our id for the tutor (give this or tutorExternalId).
    pub tutor_id: Option<ID>,
    /// Your id for the tutor (give this or tutorId).
    pub tutor_external_id: Option<String>,
    /// Your reference for the student (1-200 characters).
    pub student_ref: String,
    /// Scheduled start: an RFC 3339 timestamp with an offset (e.g. 2026-03-02T15:00:00Z).
    pub scheduled_start: String,
    /// Booked length in minutes (5-480).
    pub scheduled_minutes: i32,
    pub status: SessionStatus,
    /// When the session actually started, RFC 3339 (required for COMPLETED, absent otherwise).
    pub actual_start: Option<String>,
    /// When it actually ended, RFC 3339 (required for COMPLETED, not before actualStart).
    pub actual_end: Option<String>,
    /// The student's rating, 1-5 (COMPLETED sessions only).
    pub rating: Option<i32>,
    /// Required when status is RESCHEDULED.
    pub reschedule: Option<RescheduleInput>,
}

/// Details of a reschedule.
#[derive(InputObject, Clone, Debug)]
pub struct RescheduleInput {
    pub initiator: RescheduleInitiator,
    /// Machine-readable reason (a-z, 0-9, _), e.g. platform_outage (excused by default).
    pub reason_code: Option<String>,
    /// The reason in words (at most 1000 characters).
    pub reason: Option<String>,
    /// The new time (RFC 3339), after the original scheduledStart.
    pub new_start: Option<String>,
    /// When the reschedule was asked for (RFC 3339); notice = scheduledStart - requestedAt.
    pub requested_at: String,
}

impl From<RecordSessionInput> for RawSession {
    fn from(i: RecordSessionInput) -> Self {
        RawSession {
            external_id: i.external_id,
            tutor_id: i.tutor_id.map(|id| id.0),
            tutor_external_id: i.tutor_external_id,
            student_ref: i.student_ref,
            scheduled_start: i.scheduled_start,
            scheduled_minutes: i.scheduled_minutes,
            status: Some(i.status.into()),
            actual_start: i.actual_start,
            actual_end: i.actual_end,
            rating: i.rating,
            reschedule: i.reschedule.map(|r| RawReschedule {
                initiator: r.initiator.into(),
                reason_code: r.reason_code,
                reason: r.reason,
                new_start: r.new_start,
                requested_at: r.requested_at,
            }),
        }
    }
}

/// The stored session and what happened.
#[derive(SimpleObject, Debug)]
pub struct RecordSessionPayload {
    pub session: Session,
    pub outcome: RecordOutcome,
}

/// The result of one item of a batch.
#[derive(SimpleObject, Debug)]
pub struct RecordSessionResult {
    /// Position of the item in `inputs`.
    pub index: i32,
    pub external_id: String,
    /// What happened, or null when the item failed.
    pub outcome: Option<RecordOutcome>,
    pub session: Option<Session>,
    /// Why the item failed (nothing of it was written).
    pub error: Option<ItemError>,
}

/// An error of one batch item.
#[derive(SimpleObject, Debug)]
pub struct ItemError {
    pub code: String,
    /// The offending input field, e.g. `inputs[3].actualEnd`.
    pub field: Option<String>,
    pub message: String,
}

impl From<ApiError> for ItemError {
    fn from(e: ApiError) -> Self {
        let field = match &e {
            ApiError::BadUserInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        if let ApiError::Internal(cause) = &e {
            tracing::error!(error = ?cause, "internal error in a batch item");
        }
        Self {
            code: e.code().into(),
            field,
            message: e.message(),
        }
    }
}

/// A tutor as the platform describes it, keyed by external id.
#[derive(InputObject, Clone, Debug)]
pub struct UpsertTutorInput {
    /// Your id for the tutor (1-200 characters).
    pub external_id: String,
    /// 1-200 characters.
    pub name: String,
    pub email: String,
    #[graphql(default = true)]
    pub active: bool,
}

/// The stored tutor and what happened.
#[derive(SimpleObject, Debug)]
pub struct UpsertTutorPayload {
    pub tutor: Tutor,
    pub outcome: UpsertOutcome,
}

/// A job that failed too often and stopped being retried.
#[derive(SimpleObject, Debug)]
pub struct DeadJob {
    pub id: ID,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

fn session(recorded: service::Recorded) -> Session {
    Session {
        model: recorded.session,
        reschedule: recorded.reschedule,
        preloaded_tutor: None,
    }
}

/// Largest `recordSessions` batch.
pub const MAX_BATCH: usize = 500;

fn validate_tutor(input: UpsertTutorInput) -> ApiResult<TutorInput> {
    let email = input::identifier("input.email", &input.email, 320)?;
    let valid_email = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
    }) && !email.contains(char::is_whitespace);
    if !valid_email {
        return Err(ApiError::input(
            "input.email",
            "must be an email address like name@example.com",
        ));
    }
    Ok(TutorInput {
        external_id: input::identifier("input.externalId", &input.external_id, input::MAX_ID_CHARS)?,
        name: input::identifier("input.name", &input.name, 200)?,
        email,
        active: input.active,
    })
}

/// Operations that write (ingest role; admin operations need the admin role).
#[derive(Default)]
pub struct MutationRoot;

#[Object]
impl MutationRoot {
    /// Records one session: validated, stored with its reschedule and a recompute job in one
    /// transaction, durable before this returns. Idempotent on `externalId`.
    #[graphql(guard = "RoleGuard(Role::Ingest)")]
    async fn record_session(
        &self,
        ctx: &Context<'_>,
        input: RecordSessionInput,
    ) -> async_graphql::Result<RecordSessionPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let now = state.clock.now();
        let valid = input::validate("input", &input.into(), now)?;
        let recorded = service::record_session(&state.db, &state.bus, &valid, "input", now).await?;
        let outcome = recorded.outcome.into();
        Ok(RecordSessionPayload {
            session: session(recorded),
            outcome,
        })
    }

    /// Records up to 500 sessions (backfills). Each item gets its own result; a bad item is
    /// never half-written and never blocks the good ones.
    #[graphql(guard = "RoleGuard(Role::Ingest)")]
    async fn record_sessions(
        &self,
        ctx: &Context<'_>,
        inputs: Vec<RecordSessionInput>,
    ) -> async_graphql::Result<Vec<RecordSessionResult>> {
        if inputs.len() > MAX_BATCH {
            return Err(ApiError::input("inputs", format!("must hold at most {MAX_BATCH} sessions")).into());
        }
        let state = ctx.data_unchecked::<AppState>();
        let now = state.clock.now();
        let external_ids: Vec<String> = inputs.iter().map(|i| i.external_id.clone()).collect();
        let items = inputs
            .into_iter()
            .enumerate()
            .map(|(index, item)| input::validate(&format!("inputs[{index}]"), &item.into(), now))
            .collect();
        let results = service::record_sessions(&state.db, &state.bus, items, now).await?;
        Ok(results
            .into_iter()
            .zip(external_ids)
            .enumerate()
            .map(|(index, (result, external_id))| match result {
                Ok(recorded) => RecordSessionResult {
                    index: index as i32,
                    external_id,
                    outcome: Some(recorded.outcome.into()),
                    session: Some(session(recorded)),
                    error: None,
                },
                Err(e) => RecordSessionResult {
                    index: index as i32,
                    external_id,
                    outcome: None,
                    session: None,
                    error: Some(e.into()),
                },
            })
            .collect())
    }

    /// Creates or updates a tutor keyed by the integrator's external id.
    #[graphql(guard = "RoleGuard(Role::Ingest)")]
    async fn upsert_tutor(
        &self,
        ctx: &Context<'_>,
        input: UpsertTutorInput,
    ) -> async_graphql::Result<UpsertTutorPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let valid = validate_tutor(input)?;
        let (tutor, outcome) = service::upsert_tutor(&state.db, &valid, state.clock.now()).await?;
        Ok(UpsertTutorPayload {
            tutor: Tutor::new(tutor, None),
            outcome: outcome.into(),
        })
    }

    /// Puts a dead job back in the queue with fresh attempts (admin).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn retry_dead_job(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let state = ctx.data_unchecked::<AppState>();
        let id: i64 = id
            .parse()
            .map_err(|_| ApiError::input("id", "must be a job id"))?;
        let retried = worker::jobs::retry_dead(&state.db, id, state.clock.now())
            .await
            .map_err(ApiError::from)?;
        if !retried {
            return Err(ApiError::NotFound(format!("no dead job with id {id}")).into());
        }
        let _ = state.bus.notify_jobs().await;
        Ok(true)
    }
}

/// Admin queries, merged into the query root.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Jobs that exhausted their attempts, newest first (admin).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn dead_jobs(&self, ctx: &Context<'_>, first: Option<i32>) -> async_graphql::Result<Vec<DeadJob>> {
        let state = ctx.data_unchecked::<AppState>();
        let limit = page_size(first, 20, state.config.limits.max_page_size)?;
        let rows = Job::find()
            .filter(job::Column::Status.eq(JobStatus::Dead))
            .order_by_desc(job::Column::UpdatedAt)
            .limit(limit)
            .all(&state.db)
            .await
            .map_err(ApiError::from)?;
        Ok(rows
            .into_iter()
            .map(|j| DeadJob {
                id: ID(j.id.to_string()),
                kind: serde_json::to_value(j.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                payload: j.payload,
                attempts: j.attempts,
                last_error: j.last_error,
                updated_at: j.updated_at,
            })
            .collect())
    }
}
