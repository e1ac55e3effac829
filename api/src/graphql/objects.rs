//! The main object types: tutors, sessions, reschedules and their connections.

use std::collections::{HashMap, HashSet};

use async_graphql::{Context, ID, InputObject, Object, SimpleObject, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use entity::{reschedule, score_history, session, tutor, tutor_score};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{
    enums::{RescheduleInitiator, SessionStatus},
    loaders::{ScoreLoader, TutorLoader},
    score::{ScorePoint, TutorScore, WeekTrendPoint},
};
use crate::{
    error::{ApiError, ApiResult},
    read::{self, cursor::page_size},
    state::AppState,
};

/// Pagination details of a connection.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    pub has_next_page: bool,
    pub has_previous_page: bool,
    pub start_cursor: Option<String>,
    pub end_cursor: Option<String>,
}

impl PageInfo {
    pub fn new(cursors: &[&String], has_next: bool, has_previous: bool) -> Self {
        Self {
            has_next_page: has_next,
            has_previous_page: has_previous,
            start_cursor: cursors.first().map(|c| (*c).clone()),
            end_cursor: cursors.last().map(|c| (*c).clone()),
        }
    }
}

/// A tutor: profile, current score and history.
#[derive(Clone, Debug)]
pub struct Tutor {
    pub model: tutor::Model,
    /// The score when it was loaded with the tutor (`Some(None)`: loaded, none yet).
    pub preloaded_score: Option<Option<tutor_score::Model>>,
}

impl Tutor {
    pub fn new(model: tutor::Model, score: Option<Option<tutor_score::Model>>) -> Self {
        Self {
            model,
            preloaded_score: score,
        }
    }
}

/// Parses a GraphQL `ID` argument holding one of our UUIDs.
pub fn parse_id(field: &str, id: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(id.as_str().trim())
        .map_err(|_| ApiError::input(field, "must be an id returned by this API (a UUID)"))
}

#[Object]
impl Tutor {
    /// Our id for the tutor.
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }
    /// The integrator's id for the tutor.
    async fn external_id(&self) -> &str {
        &self.model.external_id
    }
    async fn name(&self) -> &str {
        &self.model.name
    }
    async fn email(&self) -> &str {
        &self.model.email
    }
    /// Inactive tutors keep their history but get no periodic recompute.
    async fn active(&self) -> bool {
        self.model.active
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.model.updated_at
    }

    /// The current score; null until the tutor's first session has been scored.
    async fn score(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<TutorScore>> {
        let row = match &self.preloaded_score {
            Some(row) => row.clone(),
            None => ctx
                .data_unchecked::<DataLoader<ScoreLoader>>()
                .load_one(self.model.id)
                .await
                .map_err(|e| ApiError::from(e.as_ref().clone()))?,
        };
        Ok(row.as_ref().map(TutorScore::from_row).transpose()?)
    }

    /// Score history points, oldest first (the latest `last` points, at most 500).
    #[graphql(complexity = "last.clamp(1, 500) as usize * child_complexity")]
    async fn score_history(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 100)] last: i32,
    ) -> async_graphql::Result<Vec<ScorePoint>> {
        let limit = page_size(Some(last), 100, 500)
            .map_err(|_| ApiError::input("last", "must be between 1 and 500"))?;
        let state = ctx.data_unchecked::<AppState>();
        let mut points = entity::prelude::ScoreHistory::find()
            .filter(score_history::Column::TutorId.eq(self.model.id))
            .order_by_desc(score_history::Column::ComputedAt)
            .order_by_desc(score_history::Column::Id)
            .limit(limit)
            .all(&state.db)
            .await
            .map_err(ApiError::from)?;
        points.reverse();
        Ok(points.into_iter().map(ScorePoint::from).collect())
    }

    /// Weekly sessions and reschedule rate for the last `weeks` weeks (1-12), oldest first.
    async fn weekly_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 12)] weeks: i32,
    ) -> async_graphql::Result<Vec<WeekTrendPoint>> {
        if !(1..=12).contains(&weeks) {
            return Err(ApiError::input("weeks", "must be between 1 and 12").into());
        }
        let state = ctx.data_unchecked::<AppState>();
        let points = read::trend::weekly(
            &state.db,
            self.model.id,
            weeks as u32,
            state.clock.now(),
            &state.config.scoring,
        )
        .await?;
        Ok(points.into_iter().map(WeekTrendPoint::from).collect())
    }

    /// The most recent reschedules of this tutor's sessions, newest first.
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn recent_reschedules(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<Reschedule>> {
        let limit = page_size(Some(first), 20, 100)?;
        let state = ctx.data_unchecked::<AppState>();
        let rows = read::sessions::recent_reschedules(&state.db, self.model.id, limit).await?;
        Ok(rows.into_iter().map(Reschedule).collect())
    }

    /// Email reports about this tutor, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn email_reports(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<super::email::EmailReportConnection> {
        let filter = super::email::EmailReportFilterInput {
            tutor_id: Some(ID(self.model.id.to_string())),
            ..Default::default()
        };
        Ok(super::email::load(ctx, filter, first, after).await?)
    }

    /// This tutor's sessions, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn sessions(
        &self,
        ctx: &Context<'_>,
        filter: Option<SessionFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<SessionConnection> {
        let mut filter = filter.unwrap_or_default().into_filter()?;
        filter.tutor_id = Some(self.model.id);
        Ok(SessionConnection::load(ctx, &filter, first, after).await?)
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
    pub fn into_filter(self) -> ApiResult<read::sessions::SessionFilter> {
        Ok(read::sessions::SessionFilter {
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
    pub async fn load(
        ctx: &Context<'_>,
        filter: &read::sessions::SessionFilter,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Self> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, 20, state.config.limits.max_page_size)?;
        let page = read::sessions::list(&state.db, filter, first, after.as_deref()).await?;
        // When the client asks for the sessions' tutors, fetch them (with scores) in one
        // statement for the whole page.
        let wants_tutor = ctx
            .look_ahead()
            .field("edges")
            .field("node")
            .field("tutor")
            .exists();
        let tutors: HashMap<Uuid, Tutor> = if wants_tutor {
            let ids: HashSet<Uuid> = page.rows.iter().map(|(s, _, _)| s.tutor_id).collect();
            read::tutors::with_scores(&state.db, ids)
                .await?
                .into_iter()
                .map(|(t, score)| (t.id, Tutor::new(t, Some(score))))
                .collect()
        } else {
            HashMap::new()
        };
        let cursors: Vec<&String> = page.rows.iter().map(|(_, _, c)| c).collect();
        let page_info = PageInfo::new(&cursors, page.has_next, after.is_some());
        Ok(Self {
            edges: page
                .rows
                .into_iter()
                .map(|(s, r, cursor)| {
                    let preloaded_tutor = tutors.get(&s.tutor_id).cloned();
                    SessionEdge {
                        cursor,
                        node: Session {
                            model: s,
                            reschedule: r,
                            preloaded_tutor,
                        },
                    }
                })
                .collect(),
            page_info,
        })
    }
}

/// A scheduled tutoring session.
#[derive(Clone, Debug)]
pub struct Session {
    pub model: session::Model,
    pub reschedule: Option<reschedule::Model>,
    /// The tutor when it was loaded with the page.
    pub preloaded_tutor: Option<Tutor>,
}

#[Object]
impl Session {
    async fn id(&self) -> ID {
        ID(self.model.id.to_string())
    }
    /// The integrator's id (the idempotency key of recordSession).
    async fn external_id(&self) -> &str {
        &self.model.external_id
    }
    async fn tutor_id(&self) -> ID {
        ID(self.model.tutor_id.to_string())
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
        ID(self.0.session_id.to_string())
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
    /// Requested with under 24 hours' notice.
    async fn last_minute(&self, ctx: &Context<'_>) -> bool {
        self.0.notice_hours < ctx.data_unchecked::<AppState>().config.scoring.last_minute_hours
    }
}
