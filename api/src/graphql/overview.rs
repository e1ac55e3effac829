//! The overview cards in the API.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use worker::{pagination::page_size, scores};

use super::scores::{RiskChange, risk_change_of};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

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
    /// Alerts not resolved yet (open, acknowledged or snoozed).
    pub open_alerts: u64,
    /// Alerts open past their acknowledge-by time.
    pub overdue_alerts: u64,
    /// Unresolved alerts nobody is assigned to.
    pub unassigned_alerts: u64,
    /// Booked sessions past their time by more than `OUTCOME_GRACE_HOURS` whose outcome was
    /// never recorded (counted in no rate: a data-quality signal).
    pub outcomes_missing: u64,
    /// Tutors whose risk level changed most recently.
    pub recent_risk_changes: Vec<RiskChange>,
    pub generated_at: DateTime<Utc>,
}

/// The overview query (viewer role).
#[derive(Default)]
pub struct OverviewQuery;

#[Object]
impl OverviewQuery {
    /// Tutors by risk level, averages, recent volume and the latest risk changes.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn overview(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] recent_changes: i32,
    ) -> async_graphql::Result<Overview> {
        let state = ctx.data_unchecked::<AppState>();
        let limit = page_size(Some(recent_changes), 10, 100).map_err(ApiError::from)?;
        let now = state.clock.now();
        let f = worker::overview::figures(&state.db, now)
            .await
            .map_err(ApiError::from)?;
        let changes = scores::read::recent_risk_changes(&state.db, limit)
            .await
            .map_err(ApiError::from)?;
        let alerts = worker::alerts::read::counts(&state.db, now)
            .await
            .map_err(ApiError::from)?;
        let grace = state.config.scoring.outcome_grace_hours;
        let outcomes_missing = worker::predictions::read::outcomes_missing(&state.db, None, grace, now)
            .await
            .map_err(ApiError::from)?;
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
            open_alerts: alerts.unresolved,
            overdue_alerts: alerts.overdue,
            unassigned_alerts: alerts.unassigned,
            outcomes_missing,
            recent_risk_changes: changes
                .into_iter()
                .map(|(s, t)| risk_change_of(&s, &t))
                .collect::<ApiResult<_>>()?,
            generated_at: now,
        })
    }
}
