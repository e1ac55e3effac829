//! Every threshold and weight of the scoring rules, configurable from the environment.

use clap::Args;
use serde::Serialize;

/// A rate rule: flag when the confidence bound is above `threshold`, critical above `critical`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateRule {
    /// Warning level, in percent.
    pub threshold: f64,
    /// Critical level, in percent.
    pub critical: f64,
    /// Share of the quality score (points out of 100) this metric can take away.
    pub weight: f64,
}

/// The scoring rules' parameters. Defaults follow the design; see the README's scoring section.
#[derive(Debug, Clone, PartialEq, Serialize, Args)]
pub struct ScoringConfig {
    /// Tutor-initiated reschedule rate (percent) above which a tutor is flagged.
    #[arg(long, env = "SCORE_RESCHEDULE_THRESHOLD", default_value_t = 15.0)]
    pub reschedule_threshold: f64,
    /// Reschedule rate (percent) that makes the flag critical (high risk).
    #[arg(long, env = "SCORE_RESCHEDULE_CRITICAL", default_value_t = 40.0)]
    pub reschedule_critical: f64,
    /// Points of the quality score that reschedules can take away.
    #[arg(long, env = "SCORE_RESCHEDULE_WEIGHT", default_value_t = 30.0)]
    pub reschedule_weight: f64,
    /// How much more a reschedule with under 24 h notice weighs in the score than a planned one.
    #[arg(long, env = "SCORE_LAST_MINUTE_WEIGHT", default_value_t = 1.5)]
    pub last_minute_weight: f64,
    /// Notice (hours) under which a reschedule counts as last-minute.
    #[arg(long, env = "SCORE_LAST_MINUTE_HOURS", default_value_t = 24.0)]
    pub last_minute_hours: f64,
    /// Reason codes excluded from the reschedule rate (still counted and shown), comma-separated.
    #[arg(
        long,
        env = "SCORE_EXCUSED_REASON_CODES",
        value_delimiter = ',',
        default_value = "platform_outage"
    )]
    pub excused_reason_codes: Vec<String>,

    /// Tutor no-show rate (percent of sessions due to take place) above which a tutor is flagged.
    #[arg(long, env = "SCORE_NO_SHOW_THRESHOLD", default_value_t = 5.0)]
    pub no_show_threshold: f64,
    /// No-show rate (percent) that makes the flag critical.
    #[arg(long, env = "SCORE_NO_SHOW_CRITICAL", default_value_t = 10.0)]
    pub no_show_critical: f64,
    /// Points of the quality score that no-shows can take away.
    #[arg(long, env = "SCORE_NO_SHOW_WEIGHT", default_value_t = 30.0)]
    pub no_show_weight: f64,

    /// Minutes after the scheduled start from which a session counts as started late.
    #[arg(long, env = "SCORE_LATE_START_MINUTES", default_value_t = 5)]
    pub late_start_minutes: i64,
    /// Late-start rate (percent of completed sessions) above which a tutor is flagged.
    #[arg(long, env = "SCORE_LATE_START_THRESHOLD", default_value_t = 20.0)]
    pub late_start_threshold: f64,
    /// Late-start rate (percent) that makes the flag critical.
    #[arg(long, env = "SCORE_LATE_START_CRITICAL", default_value_t = 40.0)]
    pub late_start_critical: f64,
    /// Points of the quality score that late starts can take away.
    #[arg(long, env = "SCORE_LATE_START_WEIGHT", default_value_t = 10.0)]
    pub late_start_weight: f64,

    /// Minutes before the scheduled end from which a session counts as ended early.
    #[arg(long, env = "SCORE_EARLY_END_MINUTES", default_value_t = 10)]
    pub early_end_minutes: i64,
    /// Early-end rate (percent of completed sessions) above which a tutor is flagged.
    #[arg(long, env = "SCORE_EARLY_END_THRESHOLD", default_value_t = 20.0)]
    pub early_end_threshold: f64,
    /// Early-end rate (percent) that makes the flag critical.
    #[arg(long, env = "SCORE_EARLY_END_CRITICAL", default_value_t = 40.0)]
    pub early_end_critical: f64,
    /// Points of the quality score that early ends can take away.
    #[arg(long, env = "SCORE_EARLY_END_WEIGHT", default_value_t = 10.0)]
    pub early_end_weight: f64,

    /// Share (percent) of poor first sessions above which a tutor is flagged.
    #[arg(long, env = "SCORE_POOR_FIRST_SESSION_THRESHOLD", default_value_t = 30.0)]
    pub poor_first_session_threshold: f64,
    /// Share (percent) of poor first sessions that makes the flag critical.
    #[arg(long, env = "SCORE_POOR_FIRST_SESSION_CRITICAL", default_value_t = 50.0)]
    pub poor_first_session_critical: f64,
    /// Points of the quality score that poor first sessions can take away.
    #[arg(long, env = "SCORE_POOR_FIRST_SESSION_WEIGHT", default_value_t = 20.0)]
    pub poor_first_session_weight: f64,
    /// A first session rated at most this is poor.
    #[arg(long, env = "SCORE_POOR_RATING_MAX", default_value_t = 2)]
    pub poor_rating_max: i16,
    /// A first session is poor when the student does not book again within this many days.
    #[arg(long, env = "SCORE_REBOOK_DAYS", default_value_t = 14)]
    pub rebook_days: i64,

    /// Windows with fewer sessions than this say "not enough data" instead of flagging.
    #[arg(long, env = "SCORE_MIN_SESSIONS", default_value_t = 5)]
    pub min_sessions: u32,
    /// z-value of the confidence bound rates are flagged on (1.96: 95% two-sided).
    #[arg(long, env = "SCORE_CONFIDENCE_Z", default_value_t = 1.96)]
    pub confidence_z: f64,
    /// Points below a threshold a tutor's bound must fall before leaving the level it caused.
    #[arg(long, env = "SCORE_HYSTERESIS_MARGIN", default_value_t = 3.0)]
    pub hysteresis_margin: f64,
    /// Flags (of any severity) that together make a tutor high risk.
    #[arg(long, env = "SCORE_HIGH_RISK_FLAG_COUNT", default_value_t = 2)]
    pub high_risk_flag_count: usize,
}

impl Default for ScoringConfig {
    /// The documented defaults, whatever the environment says.
    fn default() -> Self {
        crate::config::defaults()
    }
}

impl ScoringConfig {
    pub(crate) fn reschedule_rule(&self) -> RateRule {
        RateRule {
            threshold: self.reschedule_threshold,
            critical: self.reschedule_critical,
            weight: self.reschedule_weight,
        }
    }
    pub(crate) fn no_show_rule(&self) -> RateRule {
        RateRule {
            threshold: self.no_show_threshold,
            critical: self.no_show_critical,
            weight: self.no_show_weight,
        }
    }
    pub(crate) fn late_start_rule(&self) -> RateRule {
        RateRule {
            threshold: self.late_start_threshold,
            critical: self.late_start_critical,
            weight: self.late_start_weight,
        }
    }
    pub(crate) fn early_end_rule(&self) -> RateRule {
        RateRule {
            threshold: self.early_end_threshold,
            critical: self.early_end_critical,
            weight: self.early_end_weight,
        }
    }
    pub(crate) fn poor_first_session_rule(&self) -> RateRule {
        RateRule {
            threshold: self.poor_first_session_threshold,
            critical: self.poor_first_session_critical,
            weight: self.poor_first_session_weight,
        }
    }
}
