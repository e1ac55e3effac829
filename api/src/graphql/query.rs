//! Query root: tutors, one tutor, sessions, the overview and the scoring rules.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{prelude::Tutor as TutorRow, tutor};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    enums::{DecisionRule, FlagCode, RiskLevel, SortDirection, TutorSortField},
    objects::{PageInfo, SessionConnection, SessionFilterInput, Tutor, parse_id},
};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    read::{
        self,
        cursor::{Cursor, page_size},
        tutors::{TutorFilter, TutorSort},
    },
    state::AppState,
};

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
pub struct TutorConnection {
    pub edges: Vec<TutorEdge>,
    pub page_info: PageInfo,
    /// Tutors matching the filter and search, over all pages.
    pub total_count: u64,
}

/// A tutor and its cursor.
#[derive(SimpleObject, Debug)]
pub struct TutorEdge {
    pub cursor: String,
    pub node: Tutor,
}

/// The overview cards.
#[derive(SimpleObject, Debug)]
pub struct Overview {
    /// Active tutors.
    pub tutors: u64,
    pub low_risk: u64,
    pub medium_risk: u64,
    pub high_risk: u64,
    /// Tutors without a score yet.
    pub unscored: u64,
    pub average_quality_score: Option<f64>,
    /// Average over tutors of the 30-day tutor reschedule rate, percent.
    #[graphql(name = "averageRescheduleRate30d")]
    pub average_reschedule_rate_30d: Option<f64>,
    #[graphql(name = "averageNoShowRate30d")]
    pub average_no_show_rate_30d: Option<f64>,
    /// Sessions scheduled in the last 24 hours.
    #[graphql(name = "sessionsLast24h")]
    pub sessions_last_24h: u64,
    #[graphql(name = "sessionsLast7d")]
    pub sessions_last_7d: u64,
    /// Tutors whose risk level changed most recently.
    pub recent_risk_changes: Vec<RiskChange>,
    pub generated_at: DateTime<Utc>,
}

/// A tutor's move between risk levels.
#[derive(SimpleObject, Clone, Debug)]
pub struct RiskChange {
    pub tutor_id: ID,
    pub tutor_name: String,
    pub from: Option<RiskLevel>,
    pub to: RiskLevel,
    pub flags: Vec<FlagCode>,
    pub at: DateTime<Utc>,
    pub version: i64,
}

/// The scoring rules in force (every threshold and weight is configurable). Percentages and
/// probabilities are in percent.
#[derive(SimpleObject, Debug)]
pub struct ScoringRules {
    pub windows_days: Vec<i32>,
    /// Sessions a window, and a rule within it, needs before it can flag.
    pub min_sessions: i32,
    /// How rules decide.
    pub decision: DecisionRule,
    /// Probability that the true rate is above the threshold from which a rule flags (the
    /// longest window).
    pub flag_probability: f64,
    /// The same in the shorter windows.
    pub recent_flag_probability: f64,
    /// Probability, on the tutor's own sessions, that the rate is above the critical level
    /// from which a flag is critical.
    pub critical_probability: f64,
    /// Weight of the prior, in events expected at the threshold.
    pub prior_weight: f64,
    /// The prior's rate as a share of each threshold.
    pub prior_share: f64,
    /// z-value of the Wilson bound (`WILSON` rule only).
    pub confidence_z: f64,
    pub reschedule_threshold: f64,
    pub reschedule_critical: f64,
    pub reschedule_weight: f64,
    pub last_minute_hours: f64,
    pub last_minute_weight: f64,
    pub excused_reason_codes: Vec<String>,
    pub no_show_threshold: f64,
    pub no_show_critical: f64,
    pub no_show_weight: f64,
    pub late_start_minutes: i32,
    pub late_start_threshold: f64,
    pub late_start_critical: f64,
    pub late_start_weight: f64,
    pub early_end_minutes: i32,
    pub early_end_threshold: f64,
    pub early_end_critical: f64,
    pub early_end_weight: f64,
    pub poor_first_session_threshold: f64,
    pub poor_first_session_critical: f64,
    pub poor_first_session_weight: f64,
    pub poor_rating_max: i32,
    pub rebook_days: i32,
    pub hysteresis_margin: f64,
    pub high_risk_flag_count: i32,
    /// Points of the quality score a warning flag takes away.
    pub warning_penalty: f64,
    /// Points of the quality score a critical flag takes away.
    pub critical_penalty: f64,
    /// Whether the penalties outweigh the rates, so that every high-risk tutor scores below
    /// every medium-risk one and every medium-risk one below every low-risk one (true with
    /// the defaults; see the README's scoring section).
    pub score_order_holds: bool,
}

fn sort_of(field: TutorSortField) -> TutorSort {
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

fn flag_code_str(code: FlagCode) -> &'static str {
    worker::scoring::FlagCode::from(code).as_str()
}

/// Read-only operations (viewer role).
#[derive(Default)]
pub struct QueryRoot;

#[Object]
impl QueryRoot {
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
        let first = page_size(first, 20, state.config.limits.max_page_size)?;
        if search.as_ref().is_some_and(|s| s.chars().count() > 200) {
            return Err(ApiError::input("search", "must be at most 200 characters").into());
        }
        let filter_input = filter.unwrap_or_default();
        let filter = TutorFilter {
            risk_levels: filter_input
                .risk_levels
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            flags: filter_input
                .flags
                .unwrap_or_default()
                .into_iter()
                .map(|f| flag_code_str(f).to_owned())
                .collect(),
            active: filter_input.active,
            search,
        };
        let sort = sort.unwrap_or_default();
        let sort_key = sort_of(sort.field);
        let cursor = after
            .as_deref()
            .map(|a| Cursor::decode(a, read::tutors::sort_name(sort_key), "after"))
            .transpose()?;
        let descending = sort.direction == SortDirection::Desc;
        let page =
            read::tutors::list(&state.db, &filter, sort_key, descending, first, cursor.as_ref()).await?;
        let cursors: Vec<&String> = page.rows.iter().map(|(_, _, c)| c).collect();
        let page_info = PageInfo::new(&cursors, page.has_next, after.is_some());
        Ok(TutorConnection {
            edges: page
                .rows
                .into_iter()
                .map(|(t, s, cursor)| TutorEdge {
                    cursor,
                    node: Tutor::new(t, Some(s)),
                })
                .collect(),
            page_info,
            total_count: page.total,
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
        let found = match (id, external_id) {
            (Some(id), None) => TutorRow::find_by_id(parse_id("id", &id)?).one(&state.db).await,
            (None, Some(external)) => {
                TutorRow::find()
                    .filter(tutor::Column::ExternalId.eq(external))
                    .one(&state.db)
                    .await
            }
            _ => return Err(ApiError::input("id", "give either id or externalId").into()),
        }
        .map_err(ApiError::from)?;
        Ok(found.map(|t| Tutor::new(t, None)))
    }

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

    /// Tutors by risk level, averages, recent volume and the latest risk changes.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn overview(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] recent_changes: i32,
    ) -> async_graphql::Result<Overview> {
        let state = ctx.data_unchecked::<AppState>();
        let limit = page_size(Some(recent_changes), 10, 100)?;
        let now = state.clock.now();
        let f = read::overview::figures(&state.db, now).await?;
        let changes = read::overview::recent_risk_changes(&state.db, limit).await?;
        Ok(Overview {
            tutors: f.tutors,
            low_risk: f.low,
            medium_risk: f.medium,
            high_risk: f.high,
            unscored: f.tutors.saturating_sub(f.low + f.medium + f.high),
            average_quality_score: f.average_quality_score,
            average_reschedule_rate_30d: f.average_reschedule_rate_30d,
            average_no_show_rate_30d: f.average_no_show_rate_30d,
            sessions_last_24h: f.sessions_last_24h,
            sessions_last_7d: f.sessions_last_7d,
            recent_risk_changes: changes
                .into_iter()
                .map(|(s, t)| risk_change_of(&s, &t))
                .collect::<ApiResult<_>>()?,
            generated_at: now,
        })
    }

    /// The scoring rules in force.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn scoring_rules(&self, ctx: &Context<'_>) -> ScoringRules {
        let c = &ctx.data_unchecked::<AppState>().config.scoring;
        ScoringRules {
            windows_days: worker::scoring::WINDOWS.iter().map(|d| *d as i32).collect(),
            min_sessions: c.min_sessions as i32,
            decision: c.decision.into(),
            flag_probability: c.flag_probability,
            recent_flag_probability: c.recent_flag_probability,
            critical_probability: c.critical_probability,
            prior_weight: c.prior_weight,
            prior_share: c.prior_share,
            confidence_z: c.confidence_z,
            reschedule_threshold: c.reschedule_threshold,
            reschedule_critical: c.reschedule_critical,
            reschedule_weight: c.reschedule_weight,
            last_minute_hours: c.last_minute_hours,
            last_minute_weight: c.last_minute_weight,
            excused_reason_codes: c.excused_reason_codes.clone(),
            no_show_threshold: c.no_show_threshold,
            no_show_critical: c.no_show_critical,
            no_show_weight: c.no_show_weight,
            late_start_minutes: c.late_start_minutes as i32,
            late_start_threshold: c.late_start_threshold,
            late_start_critical: c.late_start_critical,
            late_start_weight: c.late_start_weight,
            early_end_minutes: c.early_end_minutes as i32,
            early_end_threshold: c.early_end_threshold,
            early_end_critical: c.early_end_critical,
            early_end_weight: c.early_end_weight,
            poor_first_session_threshold: c.poor_first_session_threshold,
            poor_first_session_critical: c.poor_first_session_critical,
            poor_first_session_weight: c.poor_first_session_weight,
            poor_rating_max: c.poor_rating_max.into(),
            rebook_days: c.rebook_days as i32,
            hysteresis_margin: c.hysteresis_margin,
            high_risk_flag_count: c.high_risk_flag_count as i32,
            warning_penalty: c.warning_penalty,
            critical_penalty: c.critical_penalty,
            score_order_holds: c.score_order_holds(),
        }
    }
}

/// A risk change from a score row (its current level, since when, and the one before).
pub fn risk_change_of(
    score: &entity::tutor_score::Model,
    tutor: &entity::tutor::Model,
) -> ApiResult<RiskChange> {
    let details = super::score::TutorScore::from_row(score)?;
    Ok(RiskChange {
        tutor_id: ID(tutor.id.to_string()),
        tutor_name: tutor.name.clone(),
        from: score.previous_risk_level.map(Into::into),
        to: score.risk_level.into(),
        flags: details.flags.iter().map(|f| f.code).collect(),
        at: score.risk_since,
        version: score.version,
    })
}
