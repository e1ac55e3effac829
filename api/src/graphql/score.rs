//! Score types: the explained score of a tutor, its windows and flags, history and trend.

use async_graphql::{ComplexObject, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{score_history, tutor_score};
use worker::scoring::{self, ScoreReport, WindowMetrics};

use super::enums::{FlagCode, FlagSeverity, RiskLevel};
use crate::error::ApiError;

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
        let report: ScoreReport = serde_json::from_value(row.details.clone()).map_err(|e| {
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
    /// Sessions scheduled in the window (every status).
    pub sessions: i32,
    /// False when the window has too few sessions to flag on ("not enough data").
    pub enough_data: bool,
    /// Tutor-initiated reschedules / sessions x 100 (excused reasons excluded).
    pub reschedule_rate: f64,
    /// Reschedules initiated by the tutor, excused ones excluded.
    pub tutor_reschedules: i32,
    /// Of those, requested with under 24 hours' notice.
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
    /// Sessions started more than 5 minutes late / completed sessions x 100.
    pub late_start_rate: f64,
    pub late_starts: i32,
    /// Sessions ended more than 10 minutes early / completed sessions x 100.
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

impl From<crate::read::trend::WeekPoint> for WeekTrendPoint {
    fn from(p: crate::read::trend::WeekPoint) -> Self {
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
