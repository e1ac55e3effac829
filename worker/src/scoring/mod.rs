//! Scoring, version 1: explainable rules as pure functions over plain data.
//!
//! Input: one tutor's sessions of the last 90 days ([`SessionFact`]), "now", the tutor's
//! previous flags and the [`ScoringConfig`]. Output: a [`ScoreReport`] with the metrics of
//! each window (7, 30, 90 days), the flags with their evidence and recommendations, a 0-100
//! quality score and a risk level. No I/O and no clock reads: tests pass everything in.
//!
//! The rules:
//! - rates per window: tutor-initiated reschedules / sessions scheduled (excused reason codes
//!   excluded but counted), tutor no-shows / sessions due, late starts and early ends /
//!   completed sessions, poor first sessions / first sessions with a known outcome;
//! - a rule judges a window with at least `min_sessions` sessions, and as many of its own
//!   kind; it flags when the probability that the true rate is above the threshold reaches
//!   the rule's flag probability (`recent_flag_probability` in the 7- and 30-day windows and
//!   on fewer than `small_sample_sessions` sessions of its kind), under a beta
//!   prior worth `prior_weight` events at a typical tutor's rate, so that 1 of 1 is not
//!   "100%" and 18% of 120 is "above 15%"; critical when, on the tutor's own sessions, the
//!   rate is above the critical level with `critical_probability`; the window with the most
//!   serious finding and the strongest evidence is reported (`wilson`, the first rule,
//!   compares a 95% Wilson lower bound instead);
//! - risk: high with a critical flag or `high_risk_flag_count` flags, medium with one flag,
//!   low otherwise; hysteresis lowers a rule's line by `hysteresis_margin` points while the
//!   tutor holds its flag, and its critical level while the flag is critical;
//! - quality score: 100 minus each rate's weight times the rate relative to twice its
//!   threshold (capped), on the 30-day window or the 90-day one when 30 days lack data, minus
//!   each flag's penalty; the penalties exceed what the rates can take away, so the score
//!   falls in the order of the risk level; last-minute reschedules weigh
//!   `last_minute_weight` times a planned one.
//!
//! The operating characteristic of every rule on labelled data is measured by the `signal`
//! example (`make signal`); the README shows its figures.

mod confidence;
mod config;
mod flags;
mod posterior;
mod window;

use chrono::{DateTime, Utc};
use entity::{RescheduleInitiator, RiskLevel, SessionStatus};
use serde::{Deserialize, Serialize};

pub use confidence::wilson_lower_bound;
pub use config::{DecisionRule, RateRule, ScoringConfig};
pub use flags::{Flag, FlagCode, Severity};
pub use posterior::Beta;
pub use window::{WINDOWS, WindowMetrics};

/// What scoring needs to know about one session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionFact {
    pub student_ref: String,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_minutes: i32,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub status: SessionStatus,
    pub is_first_session: bool,
    pub rating: Option<i16>,
    pub reschedule: Option<RescheduleFact>,
}

/// What scoring needs to know about a reschedule.
#[derive(Debug, Clone, PartialEq)]
pub struct RescheduleFact {
    pub initiator: RescheduleInitiator,
    pub reason_code: Option<String>,
    pub notice_hours: f64,
}

/// The explained score of one tutor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreReport {
    /// 0 (worst) to 100 (best).
    pub quality_score: f64,
    pub risk_level: RiskLevel,
    pub flags: Vec<Flag>,
    /// One entry per window, shortest first.
    pub windows: Vec<WindowMetrics>,
    pub computed_at: DateTime<Utc>,
}

impl ScoreReport {
    /// The metrics of the `days` window.
    pub fn window(&self, days: u32) -> Option<&WindowMetrics> {
        self.windows.iter().find(|w| w.days == days)
    }

    /// Whether `stored` (a [`ScoreReport::flag_codes`] value) holds flag `code`.
    pub fn holds_flag(stored: &str, code: &str) -> bool {
        stored.contains(&format!(",{code},"))
    }

    /// The flags held, with their severity: what the next computation's hysteresis needs.
    pub fn held_flags(&self) -> Vec<(FlagCode, Severity)> {
        self.flags.iter().map(|f| (f.code, f.severity)).collect()
    }

    /// Flag codes as stored for filtering: `,code,code,`.
    pub fn flag_codes(&self) -> String {
        let mut codes = String::from(",");
        for flag in &self.flags {
            codes += flag.code.as_str();
            codes.push(',');
        }
        codes
    }
}

/// Scores one tutor. `sessions` may be in any order and may include sessions older than the
/// longest window (they are ignored). `previous` holds the flags of the previous score, with
/// their severity ([`ScoreReport::held_flags`]; empty the first time), for hysteresis.
pub fn score(
    sessions: &[SessionFact],
    now: DateTime<Utc>,
    previous: &[(FlagCode, Severity)],
    config: &ScoringConfig,
) -> ScoreReport {
    let windows: Vec<_> = WINDOWS
        .iter()
        .map(|days| WindowMetrics::count(*days, sessions, now, config))
        .collect();
    let flags = flags::evaluate(&windows, previous, config);
    let critical = flags.iter().any(|f| f.severity == Severity::Critical);
    let risk_level = if critical || flags.len() >= config.high_risk_flag_count.max(1) {
        RiskLevel::High
    } else if flags.is_empty() {
        RiskLevel::Low
    } else {
        RiskLevel::Medium
    };
    let basis = windows
        .iter()
        .find(|w| w.days == 30 && w.enough_data)
        .or_else(|| windows.iter().find(|w| w.days == 90))
        .expect("the 90-day window is always computed");
    ScoreReport {
        quality_score: quality_score(basis, &flags, config),
        risk_level,
        flags,
        windows,
        computed_at: now,
    }
}

/// 100 minus each rate's points in the basis window and each flag's penalty, rounded to one
/// decimal. A rate costs its weight times the rate relative to twice its threshold (capped);
/// a warning costs `warning_penalty`, a critical flag `critical_penalty`. With the penalties
/// above the weights (see [`ScoringConfig::score_order_holds`]) every high-risk tutor scores
/// below every medium-risk one, and every medium-risk tutor below every low-risk one.
fn quality_score(w: &WindowMetrics, flags: &[Flag], config: &ScoringConfig) -> f64 {
    let rate = |count: f64, out_of: u32| -> f64 {
        if out_of == 0 {
            0.0
        } else {
            100.0 * count / f64::from(out_of)
        }
    };
    let points = |count: u32, out_of: u32, rule: RateRule| {
        rule.weight * (rate(f64::from(count), out_of) / (2.0 * rule.threshold)).clamp(0.0, 1.0)
    };
    let planned = w.tutor_reschedules - w.last_minute_reschedules;
    let weighted_reschedules =
        f64::from(planned) + config.last_minute_weight * f64::from(w.last_minute_reschedules);
    let reschedule_rule = config.reschedule_rule();
    let reschedule_points = reschedule_rule.weight
        * (rate(weighted_reschedules, w.sessions) / (2.0 * reschedule_rule.threshold)).clamp(0.0, 1.0);
    let flag_points: f64 = flags
        .iter()
        .map(|f| match f.severity {
            Severity::Warning => config.warning_penalty,
            Severity::Critical => config.critical_penalty,
        })
        .sum();
    let total = reschedule_points
        + points(w.tutor_no_shows, w.due_sessions, config.no_show_rule())
        + points(w.late_starts, w.completed_sessions, config.late_start_rule())
        + points(w.early_ends, w.completed_sessions, config.early_end_rule())
        + points(
            w.poor_first_sessions,
            w.first_sessions,
            config.poor_first_session_rule(),
        )
        + flag_points;
    ((100.0 - total).clamp(0.0, 100.0) * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests;
