//! Sessions in the API: the `Session` and `Reschedule` types, the sessions list,
//! `recordSession` / `recordSessions`, and the `sessionRecorded` subscription.

use std::collections::{HashMap, HashSet};

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, Subscription, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use entity::{reschedule, session};
use futures::{Stream, StreamExt, stream};
use uuid::Uuid;
use worker::{
    events::Event,
    pagination::{PageRequest, page_size},
    sessions::{
        self, RawReschedule, RawSession, Recorded,
        read::{self as session_read, SessionFilter},
    },
};

use super::{
    connection::{PageInfo, edges},
    enums::{RecordOutcome, RescheduleInitiator, SessionStatus},
    ids::{id, parse_id},
    live::{Delivery, deliveries},
    loaders::TutorLoader,
    tutors::{Tutor, score_details},
};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// A scheduled tutoring session.
#[derive(Clone, Debug)]
pub struct Session {
    pub model: session::Model,
    pub reschedule: Option<reschedule::Model>,
    /// The tutor when it was loaded with the page.
    pub preloaded_tutor: Option<Tutor>,
}

impl From<Recorded> for Session {
    fn from(recorded: Recorded) -> Self {
        Session {
            model: recorded.session,
            reschedule: recorded.reschedule,
            preloaded_tutor: None,
        }
    }
}

#[Object]
impl Session {
    async fn id(&self) -> ID {
        id(self.model.id)
    }
    /// The integrator's id (the idempotency key of recordSession).
    async fn external_id(&self) -> &str {
        &self.model.external_id
    }
    async fn tutor_id(&self) -> ID {
        id(self.model.tutor_id)
    }
    /// The tutor (batched: listing many sessions costs one query for their tutors).
    async fn tutor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Tutor>> {
        if let Some(tutor) = &self.preloaded_tutor {
            return Ok(Some(tutor.clone()));
        }
        let tutor = ctx
            .data_unchecked::<DataLoader<TutorLoader>>()
            .load_one(self.model.tutor_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(tutor.map(|t| Tutor::new(t, None)))
    }
    /// The integrator's reference for the student.
    async fn student_ref(&self) -> &str {
        &self.model.student_ref
    }
    async fn scheduled_start(&self) -> DateTime<Utc> {
        self.model.scheduled_start
    }
    async fn scheduled_minutes(&self) -> i32 {
        self.model.scheduled_minutes
    }
    async fn actual_start(&self) -> Option<DateTime<Utc>> {
        self.model.actual_start
    }
    async fn actual_end(&self) -> Option<DateTime<Utc>> {
        self.model.actual_end
    }
    async fn status(&self) -> SessionStatus {
        self.model.status.into()
    }
    /// First session of this tutor with this student (derived when sessions are recorded).
    async fn is_first_session(&self) -> bool {
        self.model.is_first_session
    }
    /// The student's rating, 1 to 5.
    async fn rating(&self) -> Option<i32> {
        self.model.rating.map(i32::from)
    }
    /// When the student booked it, if known.
    async fn booked_at(&self) -> Option<DateTime<Utc>> {
        self.model.booked_at
    }
    /// The prediction for a booked session (or, once its outcome arrived, the prediction made
    /// before it, with the outcome).
    async fn prediction(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::predictions::SessionPrediction>> {
        let found = ctx
            .data_unchecked::<DataLoader<super::loaders::PredictionLoader>>()
            .load_one(self.model.id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(found.map(super::predictions::SessionPrediction))
    }
    /// Reschedule details when the session was rescheduled.
    async fn reschedule(&self) -> Option<Reschedule> {
        self.reschedule.clone().map(Reschedule)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }
}

/// The details of a reschedule.
#[derive(Clone, Debug)]
pub struct Reschedule(pub reschedule::Model);

#[Object]
impl Reschedule {
    async fn session_id(&self) -> ID {
        id(self.0.session_id)
    }
    async fn initiator(&self) -> RescheduleInitiator {
        self.0.initiator.into()
    }
    /// Machine-readable reason; some codes are excused from the rate (see scoringRules).
    async fn reason_code(&self) -> Option<&str> {
        self.0.reason_code.as_deref()
    }
    /// The reason in words, as given.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
    async fn original_start(&self) -> DateTime<Utc> {
        self.0.original_start
    }
    async fn new_start(&self) -> Option<DateTime<Utc>> {
        self.0.new_start
    }
    async fn requested_at(&self) -> DateTime<Utc> {
        self.0.requested_at
    }
    /// Hours between the request and the original start.
    async fn notice_hours(&self) -> f64 {
        self.0.notice_hours
    }
    /// Requested with less notice than `scoringRules.lastMinuteHours`.
    async fn last_minute(&self, ctx: &Context<'_>) -> bool {
        self.0.notice_hours < ctx.data_unchecked::<AppState>().config.scoring.last_minute_hours
    }
}

/// Which sessions to list.
#[derive(InputObject, Default, Clone, Debug)]
pub struct SessionFilterInput {
    /// Sessions of this tutor only.
    pub tutor_id: Option<ID>,
    /// Any of these statuses.
    pub statuses: Option<Vec<SessionStatus>>,
    /// Scheduled at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Scheduled before this time.
    pub to: Option<DateTime<Utc>>,
    /// Only first sessions with a new student.
    #[graphql(default)]
    pub first_sessions_only: bool,
}

impl SessionFilterInput {
    pub fn into_filter(self) -> ApiResult<SessionFilter> {
        Ok(SessionFilter {
            tutor_id: self
                .tutor_id
                .as_ref()
                .map(|id| parse_id("filter.tutorId", id))
                .transpose()?,
            statuses: self
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            from: self.from,
            to: self.to,
            first_sessions_only: self.first_sessions_only,
        })
    }
}

/// A page of sessions.
#[derive(SimpleObject, Debug)]
pub struct SessionConnection {
    pub edges: Vec<SessionEdge>,
    pub page_info: PageInfo,
}

/// A session and its cursor.
#[derive(SimpleObject, Debug)]
pub struct SessionEdge {
    pub cursor: String,
    pub node: Session,
}

impl SessionConnection {
    /// One page of sessions; their tutors (with scores) come in one statement for the whole
    /// page when the query asks for them.
    pub async fn load(
        ctx: &Context<'_>,
        filter: &SessionFilter,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Self> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, 20, state.config.limits.max_page_size)?;
        let request = PageRequest::new(first, after.as_deref(), session_read::SORT, true)?;
        let page = session_read::list(&state.db, filter, &request).await?;
        let wants_tutor = ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("tutor")
            .exists();
        let tutors: HashMap<Uuid, Tutor> = if wants_tutor {
            let ids: HashSet<Uuid> = page.rows.iter().map(|((s, _), _)| s.tutor_id).collect();
            let details = score_details(&ctx.look_ahead().field("edges").field("node").field("tutor"));
            worker::tutors::read::with_scores(&state.db, ids, details)
                .await?
                .into_iter()
                .map(|(t, score)| (t.id, Tutor::listed(t, score, details)))
                .collect()
        } else {
            HashMap::new()
        };
        let (edges, page_info) = edges(page, |cursor, (s, r)| SessionEdge {
            cursor,
            node: Session {
                preloaded_tutor: tutors.get(&s.tutor_id).cloned(),
                model: s,
                reschedule: r,
            },
        });
        Ok(Self { edges, page_info })
    }
}

/// Session queries (viewer role).
#[derive(Default)]
pub struct SessionQuery;

#[Object]
impl SessionQuery {
    /// Sessions, newest first: by tutor, status, date range, first sessions only.
    #[graphql(
        guard = "RoleGuard(Role::Viewer)",
        complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    async fn sessions(
        &self,
        ctx: &Context<'_>,
        filter: Option<SessionFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SessionConnection> {
        let filter = filter.unwrap_or_default().into_filter()?;
        Ok(SessionConnection::load(ctx, &filter, first, after).await?)
    }
}

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
    /// When the student booked it, RFC 3339 (not after scheduledStart); a SCHEDULED session
    /// without it is taken as booked when first recorded.
    pub booked_at: Option<String>,
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
            booked_at: i.booked_at,
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

/// Largest `recordSessions` batch.
pub const MAX_BATCH: usize = 500;

/// Session mutations (ingest role).
#[derive(Default)]
pub struct SessionMutation;

#[Object]
impl SessionMutation {
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
        let valid = RawSession::from(input)
            .validate("input", now)
            .map_err(ApiError::from)?;
        let recorded = sessions::record_session(&state.db, &state.bus, &valid, "input", now)
            .await
            .map_err(ApiError::from)?;
        Ok(RecordSessionPayload {
            outcome: recorded.outcome.into(),
            session: recorded.into(),
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
            .map(|(index, item)| RawSession::from(item).validate(&format!("inputs[{index}]"), now))
            .collect();
        let results = sessions::record_sessions(&state.db, &state.bus, items, now)
            .await
            .map_err(ApiError::from)?;
        Ok(results
            .into_iter()
            .zip(external_ids)
            .enumerate()
            .map(|(index, (result, external_id))| {
                let (outcome, session, error) = match result {
                    Ok(recorded) => (Some(recorded.outcome.into()), Some(recorded.into()), None),
                    Err(e) => (None, None, Some(ApiError::from(e).into())),
                };
                RecordSessionResult {
                    index: index as i32,
                    external_id,
                    outcome,
                    session,
                    error,
                }
            })
            .collect())
    }
}

/// A session was recorded (or, with `snapshot`, the stream is listening).
#[derive(Clone, Debug)]
pub struct SessionUpdate {
    snapshot: bool,
    event: Option<worker::events::SessionRecorded>,
}

#[Object]
impl SessionUpdate {
    /// True for the first message: the stream is listening.
    async fn snapshot(&self) -> bool {
        self.snapshot
    }
    async fn session_id(&self) -> Option<ID> {
        self.event.as_ref().map(|e| id(e.session_id))
    }
    async fn external_id(&self) -> Option<&str> {
        self.event.as_ref().map(|e| e.external_id.as_str())
    }
    async fn tutor_id(&self) -> Option<ID> {
        self.event.as_ref().map(|e| id(e.tutor_id))
    }
    async fn status(&self) -> Option<SessionStatus> {
        self.event.as_ref().map(|e| e.status.into())
    }
    async fn scheduled_start(&self) -> Option<DateTime<Utc>> {
        self.event.as_ref().map(|e| e.scheduled_start)
    }
    /// True when an existing session was corrected.
    async fn corrected(&self) -> Option<bool> {
        self.event.as_ref().map(|e| e.corrected)
    }
    /// The stored session (read from the database when asked for).
    async fn session(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Session>> {
        let Some(event) = &self.event else { return Ok(None) };
        let state = ctx.data_unchecked::<AppState>();
        let row = session_read::by_id(&state.db, event.session_id)
            .await
            .map_err(ApiError::from)?;
        Ok(row.map(|(model, reschedule)| Session {
            model,
            reschedule,
            preloaded_tutor: None,
        }))
    }
    /// The tutor (read from the database when asked for).
    async fn tutor(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Tutor>> {
        let Some(event) = &self.event else { return Ok(None) };
        let tutor = ctx
            .data_unchecked::<DataLoader<TutorLoader>>()
            .load_one(event.tutor_id)
            .await
            .map_err(|e| ApiError::from(e.as_ref().clone()))?;
        Ok(tutor.map(|t| Tutor::new(t, None)))
    }
}

/// Live sessions (viewer role).
#[derive(Default)]
pub struct SessionSubscription;

#[Subscription]
impl SessionSubscription {
    /// Sessions recorded for one tutor, or for all when `tutorId` is omitted. The first message
    /// is a snapshot marker: the stream is listening.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn session_recorded(
        &self,
        ctx: &Context<'_>,
        tutor_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = SessionUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>();
        let tutor_id = tutor_id.as_ref().map(|id| parse_id("tutorId", id)).transpose()?;
        let receiver = state.bus.subscribe();
        let marker = || SessionUpdate {
            snapshot: true,
            event: None,
        };
        let sessions = deliveries(receiver).filter_map(move |delivery| {
            let update = match delivery {
                Delivery::Event(event) => match event.as_ref() {
                    Event::SessionRecorded(e) if tutor_id.is_none_or(|id| id == e.tutor_id) => {
                        Some(SessionUpdate {
                            snapshot: false,
                            event: Some(e.clone()),
                        })
                    }
                    _ => None,
                },
                Delivery::Lagged => Some(marker()),
            };
            std::future::ready(update)
        });
        Ok(stream::once(std::future::ready(marker())).chain(sessions))
    }
}
