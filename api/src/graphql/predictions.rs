//! Predictions in the API: the upcoming sessions at risk with their reasons, a session's
//! prediction, and the model in use with its holdout figures against the baseline and how
//! its live predictions fared.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};
use entity::{prediction, prediction_model};
use worker::{
    pagination::{PageRequest, page_size},
    predictions::{
        self,
        metrics::CalibrationBin,
        model::Reason,
        read::{UpcomingFilter, UpcomingSort},
        store::StoredModel,
    },
};

use super::{
    connection::{PageInfo, edges},
    enums::SortDirection,
    ids::parse_id,
    sessions::Session,
};
use crate::{
    auth::{Role, RoleGuard},
    error::ApiError,
    state::AppState,
};

/// Why a session is predicted as it is: a feature in words and how far it moves the
/// probability, in percentage points.
#[derive(SimpleObject, Clone, Debug)]
pub struct PredictionReason {
    /// e.g. "tutor rescheduled or missed 9 of their last 30 sessions (30 days)".
    pub text: String,
    /// e.g. +14.0: this feature raises the probability by 14 points from an average session's.
    pub points: f64,
    pub feature: String,
}

impl From<Reason> for PredictionReason {
    fn from(r: Reason) -> Self {
        Self {
            text: r.text,
            points: r.points,
            feature: r.feature,
        }
    }
}

/// A booked session's prediction.
#[derive(Clone, Debug)]
pub struct SessionPrediction(pub prediction::Model);

#[Object]
impl SessionPrediction {
    /// Probability (0-1) that the tutor reschedules the session or does not show up.
    async fn probability(&self) -> f64 {
        self.0.probability
    }
    /// For a first session with a new student: probability (0-1) that it is poor.
    async fn poor_first_probability(&self) -> Option<f64> {
        self.0.poor_first_probability
    }
    /// The three largest reasons.
    async fn reasons(&self) -> Vec<PredictionReason> {
        serde_json::from_value::<Vec<Reason>>(self.0.reasons.clone())
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect()
    }
    /// The model version that made it.
    async fn model_version(&self) -> i64 {
        self.0.model_version
    }
    async fn predicted_at(&self) -> DateTime<Utc> {
        self.0.predicted_at
    }
    /// Once the outcome arrived: whether the tutor did fail the session.
    async fn failed(&self) -> Option<bool> {
        self.0.failed
    }
    async fn outcome_at(&self) -> Option<DateTime<Utc>> {
        self.0.outcome_at
    }
}

/// Which upcoming sessions to list (default: the next 48 hours).
#[derive(InputObject, Default, Clone, Debug)]
pub struct UpcomingFilterInput {
    /// Starting at or after (default: now).
    pub from: Option<DateTime<Utc>>,
    /// Starting before (default: 48 hours after `from`).
    pub to: Option<DateTime<Utc>>,
    pub tutor_id: Option<ID>,
    /// Only sessions at least this likely (0-1) to be failed by the tutor.
    pub min_risk: Option<f64>,
    #[graphql(default)]
    pub first_sessions_only: bool,
}

/// Orders of the upcoming list.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum UpcomingSortField {
    /// By the probability of a tutor-caused failure.
    #[default]
    Risk,
    /// By start.
    Start,
}

/// How to sort upcoming sessions (default: riskiest first).
#[derive(InputObject, Clone, Copy, Debug)]
pub struct UpcomingSortInput {
    #[graphql(default)]
    pub field: UpcomingSortField,
    #[graphql(default)]
    pub direction: SortDirection,
}

/// A booked session and its prediction.
#[derive(SimpleObject, Debug)]
pub struct UpcomingSession {
    pub session: Session,
    /// Null until a promoted model has predicted it.
    pub prediction: Option<SessionPrediction>,
}

/// A page of upcoming sessions.
#[derive(SimpleObject, Debug)]
pub struct UpcomingSessionConnection {
    pub edges: Vec<UpcomingSessionEdge>,
    pub page_info: PageInfo,
    pub total_count: u64,
}

/// An upcoming session and its cursor.
#[derive(SimpleObject, Debug)]
pub struct UpcomingSessionEdge {
    pub cursor: String,
    pub node: UpcomingSession,
}

/// One bin of a calibration table: predictions in [from, to), how many, their mean and how
/// often the event happened.
#[derive(SimpleObject, Clone, Debug)]
pub struct CalibrationBinInfo {
    pub from: f64,
    pub to: f64,
    pub count: i32,
    pub predicted: f64,
    pub observed: f64,
}

impl From<&CalibrationBin> for CalibrationBinInfo {
    fn from(b: &CalibrationBin) -> Self {
        Self {
            from: b.from,
            to: b.to,
            count: b.count as i32,
            predicted: b.predicted,
            observed: b.observed,
        }
    }
}

/// A feature of the model and its fitted weight (on the standardised feature).
#[derive(SimpleObject, Clone, Debug)]
pub struct ModelFeature {
    pub name: String,
    pub weight: f64,
    pub mean: f64,
    pub spread: f64,
}

/// How the live predictions fared on the outcomes of the last 30 days.
#[derive(SimpleObject, Clone, Debug)]
pub struct LivePredictionFigures {
    pub samples: u64,
    pub auc: Option<f64>,
    pub brier: Option<f64>,
}

/// A fitted model: its figures on the newest 20% of outcomes it never saw, the baseline's
/// (the tutor's own 30-day failure rate) on the same, and whether it is in use.
#[derive(Clone, Debug)]
pub struct PredictionModelInfo(pub prediction_model::Model);

#[Object]
impl PredictionModelInfo {
    async fn version(&self) -> i64 {
        self.0.version
    }
    async fn trained_at(&self) -> DateTime<Utc> {
        self.0.trained_at
    }
    /// Outcomes it was fitted on (the older 80%).
    async fn samples(&self) -> i32 {
        self.0.samples
    }
    /// Outcomes it was judged on (the newest 20%).
    async fn holdout_samples(&self) -> i32 {
        self.0.holdout_samples
    }
    async fn auc(&self) -> Option<f64> {
        self.0.auc
    }
    async fn brier(&self) -> Option<f64> {
        self.0.brier
    }
    async fn log_loss(&self) -> Option<f64> {
        self.0.log_loss
    }
    async fn baseline_auc(&self) -> Option<f64> {
        self.0.baseline_auc
    }
    async fn baseline_brier(&self) -> Option<f64> {
        self.0.baseline_brier
    }
    async fn baseline_log_loss(&self) -> Option<f64> {
        self.0.baseline_log_loss
    }
    /// In use (a model that does not beat the baseline is kept, not used).
    async fn promoted(&self) -> bool {
        self.0.promoted
    }
    /// Why (not), in words.
    async fn reason(&self) -> &str {
        &self.0.reason
    }
    /// The holdout's calibration: ten bins of predicted probability.
    async fn calibration(&self) -> Vec<CalibrationBinInfo> {
        stored(&self.0).map_or_else(Vec::new, |s| {
            s.failure.calibration.iter().map(Into::into).collect()
        })
    }
    /// The features and their weights.
    async fn features(&self) -> Vec<ModelFeature> {
        let Some(model) = stored(&self.0).and_then(|s| s.failure.model) else {
            return Vec::new();
        };
        (0..model.names.len())
            .map(|i| ModelFeature {
                name: model.names[i].clone(),
                weight: model.weights[i],
                mean: model.means[i],
                spread: model.spreads[i],
            })
            .collect()
    }
    /// The first-session model's holdout AUC and whether it is in use.
    async fn poor_first_auc(&self) -> Option<f64> {
        stored(&self.0).and_then(|s| s.poor_first.model_figures.auc)
    }
    async fn poor_first_promoted(&self) -> bool {
        stored(&self.0).is_some_and(|s| s.poor_first.promoted)
    }
    /// The live predictions' figures over the last 30 days of outcomes (any model version).
    async fn live(&self, ctx: &Context<'_>) -> async_graphql::Result<LivePredictionFigures> {
        let state = ctx.data_unchecked::<AppState>();
        let live = predictions::read::live(&state.db, state.clock.now(), 30)
            .await
            .map_err(ApiError::from)?;
        Ok(LivePredictionFigures {
            samples: live.samples,
            auc: live.auc,
            brier: live.brier,
        })
    }
}

fn stored(model: &prediction_model::Model) -> Option<StoredModel> {
    serde::Deserialize::deserialize(&model.details).ok()
}

/// Prediction queries (viewer role).
#[derive(Default)]
pub struct PredictionQuery;

#[Object]
impl PredictionQuery {
    /// Booked sessions with their predictions: the next 48 hours by default, riskiest first.
    #[graphql(
        guard = "RoleGuard(Role::Viewer)",
        complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    async fn upcoming_sessions(
        &self,
        ctx: &Context<'_>,
        filter: Option<UpcomingFilterInput>,
        sort: Option<UpcomingSortInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<UpcomingSessionConnection> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, 20, state.config.limits.max_page_size).map_err(ApiError::from)?;
        let f = filter.unwrap_or_default();
        if f.min_risk.is_some_and(|r| !(0.0..=1.0).contains(&r)) {
            return Err(ApiError::input("filter.minRisk", "must be between 0 and 1").into());
        }
        let from = f.from.unwrap_or_else(|| state.clock.now());
        let filter = UpcomingFilter {
            from,
            to: f.to.unwrap_or(from + Duration::hours(48)),
            tutor_id: f
                .tutor_id
                .as_ref()
                .map(|t| parse_id("filter.tutorId", t))
                .transpose()?,
            min_probability: f.min_risk,
            first_sessions_only: f.first_sessions_only,
        };
        let sort = sort.unwrap_or(UpcomingSortInput {
            field: UpcomingSortField::Risk,
            direction: SortDirection::Desc,
        });
        let key = match sort.field {
            UpcomingSortField::Risk => UpcomingSort::Risk,
            UpcomingSortField::Start => UpcomingSort::Start,
        };
        let request = PageRequest::new(
            first,
            after.as_deref(),
            key.name(),
            sort.direction == SortDirection::Desc,
        )
        .map_err(ApiError::from)?;
        let (page, total_count) = predictions::read::upcoming(&state.db, &filter, key, &request)
            .await
            .map_err(ApiError::from)?;
        let (edges, page_info) = edges(page, |cursor, (s, p)| UpcomingSessionEdge {
            cursor,
            node: UpcomingSession {
                session: Session {
                    model: s,
                    reschedule: None,
                    preloaded_tutor: None,
                },
                prediction: p.map(SessionPrediction),
            },
        });
        Ok(UpcomingSessionConnection {
            edges,
            page_info,
            total_count,
        })
    }

    /// The model in use (the newest promoted one), or null while the baseline is.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn prediction_model(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<PredictionModelInfo>> {
        let state = ctx.data_unchecked::<AppState>();
        let models = predictions::read::models(&state.db, 50)
            .await
            .map_err(ApiError::from)?;
        Ok(models.into_iter().find(|m| m.promoted).map(PredictionModelInfo))
    }

    /// The latest fits, promoted or not, newest first (at most 50).
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn prediction_models(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 10)] last: i32,
    ) -> async_graphql::Result<Vec<PredictionModelInfo>> {
        let state = ctx.data_unchecked::<AppState>();
        let last = page_size(Some(last), 10, 50).map_err(ApiError::from)?;
        let models = predictions::read::models(&state.db, last)
            .await
            .map_err(ApiError::from)?;
        Ok(models.into_iter().map(PredictionModelInfo).collect())
    }
}
