//! Tutors in the API: the `Tutor` type and its fields, the tutors list and look-up, and
//! `upsertTutor`.

use async_graphql::{
    ComplexObject, Context, ID, InputObject, Lookahead, Object, SimpleObject, dataloader::DataLoader,
};
use chrono::{DateTime, Utc};
use entity::{tutor, tutor_score};
use worker::{
    pagination::{PageRequest, page_size},
    scores,
    sessions::read::SessionFilter,
    tutors::{
        TutorInput, TutorRef,
        read::{ScoreDetails, TutorFilter, TutorSort},
    },
};

use super::{
    alerts::Alert,
    connection::{PageInfo, edges},
    email::{EmailReportConnection, EmailReportFilterInput},
    enums::{FlagCode, RiskLevel, SortDirection, TutorSortField, UpsertOutcome},
    ids::{id, parse_id},
    loaders::ScoreLoader,
    scores::{ScorePoint, TutorScore, WeekTrendPoint},
    sessions::{Reschedule, SessionConnection, SessionFilterInput},
};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

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

    /// A tutor of a list with the score row loaded beside it, kept when it was loaded whole:
    /// one without its details is never shown (the `score` field loads its own).
    pub fn listed(model: tutor::Model, score: Option<tutor_score::Model>, details: ScoreDetails) -> Self {
        Self::new(model, (details == ScoreDetails::Load).then_some(score))
    }
}

/// The score details a selection of tutors needs: none unless it asks for the score.
pub(super) fn score_details(tutor: &Lookahead<'_>) -> ScoreDetails {
    if tutor.field("score").exists() {
        ScoreDetails::Load
    } else {
        ScoreDetails::Skip
    }
}

#[Object]
impl Tutor {
    /// Our id for the tutor.
    async fn id(&self) -> ID {
        id(self.model.id)
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
        let loaded;
        let row = match &self.preloaded_score {
            Some(row) => row.as_ref(),
            None => {
                loaded = ctx
                    .data_unchecked::<DataLoader<ScoreLoader>>()
                    .load_one(self.model.id)
                    .await
                    .map_err(|e| ApiError::from(e.as_ref().clone()))?;
                loaded.as_ref()
            }
        };
        Ok(row.map(TutorScore::from_row).transpose()?)
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
        let points = scores::read::history(&state.db, self.model.id, limit)
            .await
            .map_err(ApiError::from)?;
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
        let points = scores::read::weekly_trend(
            &state.db,
            self.model.id,
            weeks as u32,
            state.clock.now(),
            &state.config.scoring,
        )
        .await
        .map_err(ApiError::from)?;
        Ok(points.into_iter().map(WeekTrendPoint::from).collect())
    }

    /// The most recent reschedules of this tutor's sessions, newest first.
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn recent_reschedules(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<Reschedule>> {
        let limit = page_size(Some(first), 20, 100).map_err(ApiError::from)?;
        let state = ctx.data_unchecked::<AppState>();
        let rows = worker::sessions::read::recent_reschedules(&state.db, self.model.id, limit)
            .await
            .map_err(ApiError::from)?;
        Ok(rows.into_iter().map(Reschedule).collect())
    }

    /// Email reports about this tutor, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn email_reports(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<EmailReportConnection> {
        let filter = EmailReportFilterInput {
            tutor_id: Some(id(self.model.id)),
            ..Default::default()
        };
        Ok(EmailReportConnection::load(ctx, filter, first, after).await?)
    }

    /// This tutor's alerts, the most recently opened first (unresolved only by default).
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn alerts(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] include_resolved: bool,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<Alert>> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(Some(first), 20, 100).map_err(ApiError::from)?;
        let mut filter = worker::alerts::read::AlertFilter {
            tutor_id: Some(self.model.id),
            ..Default::default()
        };
        if !include_resolved {
            filter.statuses = vec![
                entity::AlertStatus::Open,
                entity::AlertStatus::Acknowledged,
                entity::AlertStatus::Snoozed,
            ];
        }
        let request = PageRequest::new(
            first,
            None,
            worker::alerts::read::AlertSort::OpenedAt.name(),
            true,
        )
        .map_err(ApiError::from)?;
        let (page, _) = worker::alerts::read::list(
            &state.db,
            &filter,
            worker::alerts::read::AlertSort::OpenedAt,
            &request,
            state.clock.now(),
        )
        .await
        .map_err(ApiError::from)?;
        Ok(page.rows.into_iter().map(|(a, _)| Alert(a)).collect())
    }

    /// Everything that happened to this tutor, newest first: risk changes, alerts and their
    /// transitions, interventions and their outcomes, notes, emails sent.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<super::timeline::TimelineConnection> {
        super::timeline::timeline_of(ctx, self.model.id, first, after).await
    }

    /// Notes on this tutor, pinned first, then newest first.
    #[graphql(complexity = "first.clamp(1, 100) as usize * child_complexity")]
    async fn notes(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: i32,
    ) -> async_graphql::Result<Vec<super::timeline::Note>> {
        super::timeline::notes_of(ctx, self.model.id, first).await
    }

    /// This tutor's interventions, by due date.
    #[graphql(complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity")]
    async fn interventions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<super::interventions::InterventionConnection> {
        let filter = worker::interventions::read::InterventionFilter {
            tutor_id: Some(self.model.id),
            ..Default::default()
        };
        super::interventions::load(ctx, filter, Default::default(), first, after).await
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
        let filter = SessionFilter {
            tutor_id: Some(self.model.id),
            ..filter.unwrap_or_default().into_filter()?
        };
        Ok(SessionConnection::load(ctx, &filter, first, after).await?)
    }
}

/// Which tutors to list.
#[derive(InputObject, Default, Clone, Debug)]
pub struct TutorFilterInput {
    /// Any of these risk levels (tutors not scored yet have none).
    pub risk_levels: Option<Vec<RiskLevel>>,
    /// Tutors with any of these flags.
    pub flags: Option<Vec<FlagCode>>,
    /// Only active (true) or inactive (false) tutors; all when absent.
    pub active: Option<bool>,
}

/// How to sort the tutors list.
#[derive(InputObject, Default, Clone, Copy, Debug)]
pub struct TutorSortInput {
    #[graphql(default)]
    pub field: TutorSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

/// A page of tutors.
#[derive(SimpleObject, Debug)]
#[graphql(complex)]
pub struct TutorConnection {
    pub edges: Vec<TutorEdge>,
    pub page_info: PageInfo,
    #[graphql(skip)]
    pub filter: TutorFilter,
}

#[ComplexObject]
impl TutorConnection {
    /// Tutors matching the filter and search, over all pages.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<u64> {
        let state = ctx.data_unchecked::<AppState>();
        Ok(worker::tutors::read::count(&state.db, &self.filter)
            .await
            .map_err(ApiError::from)?)
    }
}

/// A tutor and its cursor.
#[derive(SimpleObject, Debug)]
pub struct TutorEdge {
    pub cursor: String,
    pub node: Tutor,
}

pub(crate) fn sort_of(field: TutorSortField) -> TutorSort {
    match field {
        TutorSortField::QualityScore => TutorSort::QualityScore,
        TutorSortField::RiskLevel => TutorSort::RiskLevel,
        TutorSortField::RescheduleRate7d => TutorSort::RescheduleRate7d,
        TutorSortField::RescheduleRate30d => TutorSort::RescheduleRate30d,
        TutorSortField::RescheduleRate90d => TutorSort::RescheduleRate90d,
        TutorSortField::NoShowRate30d => TutorSort::NoShowRate30d,
        TutorSortField::Sessions30d => TutorSort::Sessions30d,
        TutorSortField::Name => TutorSort::Name,
        TutorSortField::ComputedAt => TutorSort::ComputedAt,
    }
}

impl TutorFilterInput {
    pub(crate) fn into_filter(self, search: Option<String>) -> ApiResult<TutorFilter> {
        if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
            return Err(ApiError::input("search", "must be at most 200 characters"));
        }
        Ok(TutorFilter {
            risk_levels: self
                .risk_levels
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            flags: self
                .flags
                .unwrap_or_default()
                .into_iter()
                .map(|f| worker::scoring::FlagCode::from(f).as_str().to_owned())
                .collect(),
            active: self.active,
            search,
        })
    }
}

/// Tutor queries (viewer role).
#[derive(Default)]
pub struct TutorQuery;

#[Object]
impl TutorQuery {
    /// Tutors with their current scores: filter, search (name, email, external id), sort by any
    /// score column or name (ties broken by id), cursor pagination.
    #[graphql(
        guard = "RoleGuard(Role::Viewer)",
        complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    async fn tutors(
        &self,
        ctx: &Context<'_>,
        filter: Option<TutorFilterInput>,
        search: Option<String>,
        sort: Option<TutorSortInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TutorConnection> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, 20, state.config.limits.max_page_size).map_err(ApiError::from)?;
        let filter = filter.unwrap_or_default().into_filter(search)?;
        let sort = sort.unwrap_or_default();
        let sort_key = sort_of(sort.field);
        let request = PageRequest::new(
            first,
            after.as_deref(),
            sort_key.name(),
            sort.direction == SortDirection::Desc,
        )
        .map_err(ApiError::from)?;
        // Only a query that selects scores pays for decoding their explanations.
        let details = score_details(&ctx.look_ahead().field("edges").field("node"));
        let page = worker::tutors::read::list(&state.db, &filter, sort_key, &request, details)
            .await
            .map_err(ApiError::from)?;
        let (edges, page_info) = edges(page, |cursor, (t, s)| TutorEdge {
            cursor,
            node: Tutor::listed(t, s, details),
        });
        Ok(TutorConnection {
            edges,
            page_info,
            filter,
        })
    }

    /// One tutor by our id or by the integrator's external id (give exactly one).
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn tutor(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        external_id: Option<String>,
    ) -> async_graphql::Result<Option<Tutor>> {
        let state = ctx.data_unchecked::<AppState>();
        let tutor = match (id, external_id) {
            (Some(id), None) => TutorRef::Id(parse_id("id", &id)?),
            (None, Some(external)) => TutorRef::ExternalId(external),
            _ => return Err(ApiError::input("id", "give either id or externalId").into()),
        };
        let found = worker::tutors::read::find(&state.db, &tutor)
            .await
            .map_err(ApiError::from)?;
        Ok(found.map(|t| Tutor::new(t, None)))
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

/// Tutor mutations (ingest role).
#[derive(Default)]
pub struct TutorMutation;

#[Object]
impl TutorMutation {
    /// Creates or updates a tutor keyed by the integrator's external id.
    #[graphql(guard = "RoleGuard(Role::Ingest)")]
    async fn upsert_tutor(
        &self,
        ctx: &Context<'_>,
        input: UpsertTutorInput,
    ) -> async_graphql::Result<UpsertTutorPayload> {
        let state = ctx.data_unchecked::<AppState>();
        let valid = TutorInput {
            external_id: input.external_id,
            name: input.name,
            email: input.email,
            active: input.active,
        }
        .validate("input")
        .map_err(ApiError::from)?;
        let (tutor, outcome) = worker::tutors::store::upsert_tutor(&state.db, &valid, state.clock.now())
            .await
            .map_err(ApiError::from)?;
        Ok(UpsertTutorPayload {
            tutor: Tutor::new(tutor, None),
            outcome: outcome.into(),
        })
    }
}
