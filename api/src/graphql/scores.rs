//! Scores in the API: the explained score of a tutor (windows, flags), its history and
//! trend, risk changes, the scoring rules in force, and the score and risk subscriptions.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject, Subscription};
use chrono::{DateTime, Utc};
use entity::{score_history, tutor_score};
use futures::{Stream, StreamExt, stream};
use uuid::Uuid;
use worker::{
    events::Event,
    scores,
    scoring::{self, ScoreReport, WindowMetrics},
};

use super::{
    enums::{DecisionRule, FlagCode, FlagSeverity, RiskLevel},
    ids::{id, parse_id},
    live::{Delivery, deliveries},
};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// A tutor's current score, with everything that explains it.
#[derive(SimpleObject, Clone, Debug)]
#[graphql(complex)]
pub struct TutorScore {
    /// 0 (worst) to 100 (best): 100 minus weighted penalties per metric (see `scoringRules`).
    pub quality_score: f64,
    pub risk_level: RiskLevel,
    /// When the tutor entered the current risk level.
    pub risk_since: DateTime<Utc>,
    /// The level before the current one, if it ever changed.
    pub previous_risk_level: Option<RiskLevel>,
    /// The rules the tutor breaks, with evidence and a recommended intervention each.
    pub flags: Vec<Flag>,
    /// Metrics over the last 7, 30 and 90 days.
    pub windows: Vec<ScoreWindow>,
    pub computed_at: DateTime<Utc>,
    /// Grows by one on every recompute: drop updates older than the version you hold.
    pub version: i64,
}

#[ComplexObject]
impl TutorScore {
    /// The metrics of one window (7, 30 or 90 days).
    async fn window(&self, days: i32) -> Option<&ScoreWindow> {
        self.windows.iter().find(|w| w.days == days)
    }
}

impl TutorScore {
    /// From a stored score row.
    pub fn from_row(row: &tutor_score::Model) -> Result<Self, ApiError> {
        let report: ScoreReport = row.details.decode().map_err(|e| {
            ApiError::Internal(anyhow::anyhow!(
                "stored score details of {} unreadable: {e}",
                row.tutor_id
            ))
        })?;
        Ok(Self::from_report(
            &report,
            row.version,
            row.risk_since,
            row.previous_risk_level,
        ))
    }

    /// From a freshly computed report (subscription events).
    pub fn from_report(
        report: &ScoreReport,
        version: i64,
        risk_since: DateTime<Utc>,
        previous: Option<entity::RiskLevel>,
    ) -> Self {
        Self {
            quality_score: report.quality_score,
            risk_level: report.risk_level.into(),
            risk_since,
            previous_risk_level: previous.map(Into::into),
            flags: report.flags.iter().map(Flag::from).collect(),
            windows: report.windows.iter().map(ScoreWindow::from).collect(),
            computed_at: report.computed_at,
            version,
        }
    }
}

/// The metrics of one time window. Rates are percentages (0-100).
#[derive(SimpleObject, Clone, Debug)]
pub struct ScoreWindow {
    /// Length of the window in days.
    pub days: i32,
    /// Sessions scheduled in the window with an outcome (booked ones are not counted).
    pub sessions: i32,
    /// Booked sessions past their time by more than `OUTCOME_GRACE_HOURS` whose outcome was
    /// never recorded (in no rate: a data-quality signal).
    pub outcomes_missing: i32,
    /// False when the window has too few sessions to flag on ("not enough data").
    pub enough_data: bool,
    /// Tutor-initiated reschedules / sessions x 100 (excused reasons excluded).
    pub reschedule_rate: f64,
    /// Reschedules initiated by the tutor, excused ones excluded.
    pub tutor_reschedules: i32,
    /// Of those, requested with less notice than `scoringRules.lastMinuteHours`.
    pub last_minute_reschedules: i32,
    /// Tutor reschedules with an excused reason code (shown, not in the rate).
    pub excused_reschedules: i32,
    /// Reschedules initiated by the student (not held against the tutor).
    pub student_reschedules: i32,
    /// Tutor no-shows / sessions due to take place x 100.
    pub no_show_rate: f64,
    pub tutor_no_shows: i32,
    /// Sessions that were due to take place (completed or a no-show).
    pub due_sessions: i32,
    /// Sessions started more than `scoringRules.lateStartMinutes` late / completed sessions x 100.
    pub late_start_rate: f64,
    pub late_starts: i32,
    /// Sessions ended more than `scoringRules.earlyEndMinutes` early / completed sessions x 100.
    pub early_end_rate: f64,
    pub early_ends: i32,
    pub completed_sessions: i32,
    /// Poor first sessions / first sessions with a known outcome x 100.
    pub poor_first_session_rate: f64,
    pub poor_first_sessions: i32,
    /// First sessions with new students whose outcome is known.
    pub first_sessions: i32,
}

impl From<&WindowMetrics> for ScoreWindow {
    fn from(w: &WindowMetrics) -> Self {
        let n = |v: u32| v as i32;
        Self {
            days: w.days as i32,
            sessions: n(w.sessions),
            outcomes_missing: n(w.outcomes_missing),
            enough_data: w.enough_data,
            reschedule_rate: w.reschedule_rate,
            tutor_reschedules: n(w.tutor_reschedules),
            last_minute_reschedules: n(w.last_minute_reschedules),
            excused_reschedules: n(w.excused_reschedules),
            student_reschedules: n(w.student_reschedules),
            no_show_rate: w.no_show_rate,
            tutor_no_shows: n(w.tutor_no_shows),
            due_sessions: n(w.due_sessions),
            late_start_rate: w.late_start_rate,
            late_starts: n(w.late_starts),
            early_end_rate: w.early_end_rate,
            early_ends: n(w.early_ends),
            completed_sessions: n(w.completed_sessions),
            poor_first_session_rate: w.poor_first_session_rate,
            poor_first_sessions: n(w.poor_first_sessions),
            first_sessions: n(w.first_sessions),
        }
    }
}

/// A broken rule, with its numbers and what to do about it.
#[derive(SimpleObject, Clone, Debug)]
pub struct Flag {
    pub code: FlagCode,
    pub severity: FlagSeverity,
    /// The window whose numbers triggered the flag.
    pub window_days: i32,
    /// Events counted (reschedules, no-shows, ...).
    pub count: i32,
    /// Out of this many sessions.
    pub out_of: i32,
    /// The observed rate, percent.
    pub rate: f64,
    /// The bound compared with the threshold, percent: under the `POSTERIOR` rule the rate the
    /// true rate is above with the flag probability (the median in the longest window), so the
    /// flag holds exactly when it is above the line; under `WILSON` the 95% Wilson lower bound.
    pub lower_bound: f64,
    /// The probability, percent, that the true rate is above the threshold.
    pub probability: f64,
    /// The threshold, percent.
    pub threshold: f64,
    /// The numbers in words and what was compared, e.g. "22 of 120 sessions rescheduled by the
    /// tutor in 90 days: 18.3%, more likely than not above the 15% line (70% probability)".
    pub evidence: String,
    /// One recommended intervention, in plain words.
    pub recommendation: String,
}

impl From<&scoring::Flag> for Flag {
    fn from(f: &scoring::Flag) -> Self {
        Self {
            code: f.code.into(),
            severity: f.severity.into(),
            window_days: f.window_days as i32,
            count: f.count as i32,
            out_of: f.out_of as i32,
            rate: f.rate,
            lower_bound: f.lower_bound,
            probability: f.probability,
            threshold: f.threshold,
            evidence: f.evidence.clone(),
            recommendation: f.recommendation.clone(),
        }
    }
}

/// One point of a tutor's score history.
#[derive(SimpleObject, Clone, Debug)]
pub struct ScorePoint {
    pub computed_at: DateTime<Utc>,
    pub quality_score: f64,
    pub risk_level: RiskLevel,
    #[graphql(name = "rescheduleRate7d")]
    pub reschedule_rate_7d: f64,
    #[graphql(name = "rescheduleRate30d")]
    pub reschedule_rate_30d: f64,
    #[graphql(name = "rescheduleRate90d")]
    pub reschedule_rate_90d: f64,
    #[graphql(name = "noShowRate30d")]
    pub no_show_rate_30d: f64,
    pub version: i64,
}

impl From<score_history::Model> for ScorePoint {
    fn from(p: score_history::Model) -> Self {
        Self {
            computed_at: p.computed_at,
            quality_score: p.quality_score,
            risk_level: p.risk_level.into(),
            reschedule_rate_7d: p.reschedule_rate_7d,
            reschedule_rate_30d: p.reschedule_rate_30d,
            reschedule_rate_90d: p.reschedule_rate_90d,
            no_show_rate_30d: p.no_show_rate_30d,
            version: p.version,
        }
    }
}

/// One week of a tutor's trend.
#[derive(SimpleObject, Clone, Debug)]
pub struct WeekTrendPoint {
    /// The week covers (weekStart, weekEnd].
    pub week_start: DateTime<Utc>,
    pub week_end: DateTime<Utc>,
    pub sessions: i32,
    pub tutor_reschedules: i32,
    /// Tutor-initiated reschedule rate of the week, percent.
    pub reschedule_rate: f64,
    pub tutor_no_shows: i32,
}

impl From<scores::read::WeekPoint> for WeekTrendPoint {
    fn from(p: scores::read::WeekPoint) -> Self {
        Self {
            week_start: p.week_start,
            week_end: p.week_end,
            sessions: p.metrics.sessions as i32,
            tutor_reschedules: p.metrics.tutor_reschedules as i32,
            reschedule_rate: p.metrics.reschedule_rate,
            tutor_no_shows: p.metrics.tutor_no_shows as i32,
        }
    }
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

/// A risk change from a score row (its current level, since when, and the one before).
pub fn risk_change_of(
    score: &entity::tutor_score::Model,
    tutor: &entity::tutor::Model,
) -> ApiResult<RiskChange> {
    let details = TutorScore::from_row(score)?;
    Ok(RiskChange {
        tutor_id: id(tutor.id),
        tutor_name: tutor.name.clone(),
        from: score.previous_risk_level.map(Into::into),
        to: score.risk_level.into(),
        flags: details.flags.iter().map(|f| f.code).collect(),
        at: score.risk_since,
        version: score.version,
    })
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
    /// Probability that the true rate is above the threshold from which a rule flags in the
    /// shorter windows and on a small sample (each rule has its own for the longest window:
    /// `rescheduleFlagProbability`, ...).
    pub recent_flag_probability: f64,
    /// Sessions of its kind under which a window is a small sample for a rule (it then needs
    /// `recentFlagProbability`).
    pub small_sample_sessions: i32,
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
    /// Probability that the true rate is above the threshold from which the rule flags the
    /// longest window, on at least `smallSampleSessions` sessions.
    pub reschedule_flag_probability: f64,
    pub reschedule_weight: f64,
    pub last_minute_hours: f64,
    pub last_minute_weight: f64,
    pub excused_reason_codes: Vec<String>,
    pub no_show_threshold: f64,
    pub no_show_critical: f64,
    /// Probability that the true rate is above the threshold from which the rule flags the
    /// longest window, on at least `smallSampleSessions` sessions.
    pub no_show_flag_probability: f64,
    pub no_show_weight: f64,
    pub late_start_minutes: i32,
    pub late_start_threshold: f64,
    pub late_start_critical: f64,
    /// Probability that the true rate is above the threshold from which the rule flags the
    /// longest window, on at least `smallSampleSessions` sessions.
    pub late_start_flag_probability: f64,
    pub late_start_weight: f64,
    pub early_end_minutes: i32,
    pub early_end_threshold: f64,
    pub early_end_critical: f64,
    /// Probability that the true rate is above the threshold from which the rule flags the
    /// longest window, on at least `smallSampleSessions` sessions.
    pub early_end_flag_probability: f64,
    pub early_end_weight: f64,
    pub poor_first_session_threshold: f64,
    pub poor_first_session_critical: f64,
    /// Probability that the true rate is above the threshold from which the rule flags the
    /// longest window, on at least `smallSampleSessions` sessions.
    pub poor_first_session_flag_probability: f64,
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

/// Score queries (viewer role).
#[derive(Default)]
pub struct ScoreQuery;

#[Object]
impl ScoreQuery {
    /// The scoring rules in force.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn scoring_rules(&self, ctx: &Context<'_>) -> ScoringRules {
        let c = &ctx.data_unchecked::<AppState>().config.scoring;
        ScoringRules {
            windows_days: worker::scoring::WINDOWS.iter().map(|d| *d as i32).collect(),
            min_sessions: c.min_sessions as i32,
            decision: c.decision.into(),
            recent_flag_probability: c.recent_flag_probability,
            small_sample_sessions: c.small_sample_sessions as i32,
            critical_probability: c.critical_probability,
            prior_weight: c.prior_weight,
            prior_share: c.prior_share,
            confidence_z: c.confidence_z,
            reschedule_threshold: c.reschedule_threshold,
            reschedule_critical: c.reschedule_critical,
            reschedule_flag_probability: c.reschedule_flag_probability,
            reschedule_weight: c.reschedule_weight,
            last_minute_hours: c.last_minute_hours,
            last_minute_weight: c.last_minute_weight,
            excused_reason_codes: c.excused_reason_codes.clone(),
            no_show_threshold: c.no_show_threshold,
            no_show_critical: c.no_show_critical,
            no_show_flag_probability: c.no_show_flag_probability,
            no_show_weight: c.no_show_weight,
            late_start_minutes: c.late_start_minutes as i32,
            late_start_threshold: c.late_start_threshold,
            late_start_critical: c.late_start_critical,
            late_start_flag_probability: c.late_start_flag_probability,
            late_start_weight: c.late_start_weight,
            early_end_minutes: c.early_end_minutes as i32,
            early_end_threshold: c.early_end_threshold,
            early_end_critical: c.early_end_critical,
            early_end_flag_probability: c.early_end_flag_probability,
            early_end_weight: c.early_end_weight,
            poor_first_session_threshold: c.poor_first_session_threshold,
            poor_first_session_critical: c.poor_first_session_critical,
            poor_first_session_flag_probability: c.poor_first_session_flag_probability,
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

/// A tutor's score changed (or, with `snapshot`, the state to start from).
#[derive(SimpleObject, Clone, Debug)]
pub struct ScoreUpdate {
    /// True for the first message of the stream and after a resync: the current state.
    pub snapshot: bool,
    /// The tutor; null in the all-tutors snapshot, which means "refetch what you show".
    pub tutor_id: Option<ID>,
    pub tutor_name: Option<String>,
    /// The score's version (for the all-tutors snapshot, the highest version stored).
    pub version: i64,
    /// The new score; null in the all-tutors snapshot or for a tutor not scored yet.
    pub score: Option<TutorScore>,
    pub at: DateTime<Utc>,
}

/// A tutor moved between risk levels (or, with `snapshot`, the stream is listening).
#[derive(SimpleObject, Clone, Debug)]
pub struct RiskLevelUpdate {
    pub snapshot: bool,
    /// Null in the snapshot message.
    pub change: Option<RiskChange>,
}

async fn tutor_snapshot(state: &AppState, tutor_id: Uuid) -> ApiResult<ScoreUpdate> {
    let (tutor, score) = worker::tutors::read::find_with_score(&state.db, tutor_id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("no tutor with id {tutor_id}")))?;
    Ok(ScoreUpdate {
        snapshot: true,
        tutor_id: Some(id(tutor.id)),
        tutor_name: Some(tutor.name),
        version: score.as_ref().map_or(0, |s| s.version),
        score: score.as_ref().map(TutorScore::from_row).transpose()?,
        at: state.clock.now(),
    })
}

async fn all_tutors_snapshot(state: &AppState) -> ApiResult<ScoreUpdate> {
    let version = scores::read::highest_version(&state.db).await?;
    Ok(ScoreUpdate {
        snapshot: true,
        tutor_id: None,
        tutor_name: None,
        version,
        score: None,
        at: state.clock.now(),
    })
}

fn score_update(e: &worker::events::ScoreUpdated) -> ScoreUpdate {
    ScoreUpdate {
        snapshot: false,
        tutor_id: Some(id(e.tutor_id)),
        tutor_name: Some(e.tutor_name.clone()),
        version: e.version,
        score: Some(TutorScore::from_report(
            &e.report,
            e.version,
            e.risk_since,
            e.previous_risk_level,
        )),
        at: e.report.computed_at,
    }
}

/// Live scores and risk levels (viewer role).
#[derive(Default)]
pub struct ScoreSubscription;

#[Subscription]
impl ScoreSubscription {
    /// Score changes of one tutor, or of every tutor when `tutorId` is omitted. The first
    /// message is a snapshot: the tutor's current score, or for all tutors a marker with the
    /// highest stored version (refetch what you show, then apply updates).
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn tutor_score_updated(
        &self,
        ctx: &Context<'_>,
        tutor_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = ScoreUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let tutor_id = tutor_id.as_ref().map(|id| parse_id("tutorId", id)).transpose()?;
        // Listen first, then read the snapshot: nothing committed in between is missed.
        let receiver = state.bus.subscribe();
        let snapshot = match tutor_id {
            Some(id) => tutor_snapshot(&state, id).await?,
            None => all_tutors_snapshot(&state).await?,
        };
        let mut last_version = if tutor_id.is_some() {
            snapshot.version
        } else {
            i64::MIN
        };
        let updates = deliveries(receiver)
            .then(move |delivery| {
                let state = state.clone();
                async move {
                    match delivery {
                        Delivery::Event(event) => match event.as_ref() {
                            Event::ScoreUpdated(e) if tutor_id.is_none_or(|id| id == e.tutor_id) => {
                                Some(score_update(e))
                            }
                            _ => None,
                        },
                        Delivery::Lagged => match tutor_id {
                            Some(id) => tutor_snapshot(&state, id).await.ok(),
                            None => all_tutors_snapshot(&state).await.ok(),
                        },
                    }
                }
            })
            .filter_map(move |update| {
                // For one tutor, drop anything older than what the client already has.
                let keep = update.filter(|u| {
                    if tutor_id.is_some() && !u.snapshot && u.version <= last_version {
                        return false;
                    }
                    if tutor_id.is_some() {
                        last_version = u.version;
                    }
                    true
                });
                std::future::ready(keep)
            });
        Ok(stream::once(std::future::ready(snapshot)).chain(updates))
    }

    /// Risk level changes of any tutor, optionally only those reaching at least `minLevel`.
    /// The first message is a snapshot marker (`change` null): the stream is listening.
    #[graphql(guard = "RoleGuard(Role::Viewer)")]
    async fn risk_level_changed(
        &self,
        ctx: &Context<'_>,
        min_level: Option<RiskLevel>,
    ) -> async_graphql::Result<impl Stream<Item = RiskLevelUpdate> + use<>> {
        let state = ctx.data_unchecked::<AppState>();
        let receiver = state.bus.subscribe();
        let min_level: Option<entity::RiskLevel> = min_level.map(Into::into);
        let changes = deliveries(receiver).filter_map(move |delivery| {
            let change = match delivery {
                Delivery::Event(event) => match event.as_ref() {
                    Event::RiskLevelChanged(e) if min_level.is_none_or(|m| e.to >= m) => {
                        Some(RiskLevelUpdate {
                            snapshot: false,
                            change: Some(RiskChange {
                                tutor_id: id(e.tutor_id),
                                tutor_name: e.tutor_name.clone(),
                                from: e.from.map(Into::into),
                                to: e.to.into(),
                                flags: e.flags.iter().map(|f| (*f).into()).collect(),
                                at: e.at,
                                version: e.version,
                            }),
                        })
                    }
                    _ => None,
                },
                // Changes were missed: a new marker tells the client to refetch.
                Delivery::Lagged => Some(RiskLevelUpdate {
                    snapshot: true,
                    change: None,
                }),
            };
            std::future::ready(change)
        });
        Ok(stream::once(std::future::ready(RiskLevelUpdate {
            snapshot: true,
            change: None,
        }))
        .chain(changes))
    }
}
