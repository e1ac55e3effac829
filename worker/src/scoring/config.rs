//! Every threshold and weight of the scoring rules, configurable from the environment.

use clap::{Args, ValueEnum};
use serde::Serialize;

/// How a rate rule decides, from a window's counts, whether the tutor is above a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum DecisionRule {
    /// Flag when the probability that the true rate is above the threshold reaches
    /// `flag_probability`, under a beta prior worth `prior_weight` events at `prior_share` of
    /// the threshold; critical when, on the tutor's own sessions, the probability that it is
    /// above the critical level also reaches `critical_probability`.
    Posterior,
    /// The first rule, kept for comparison: flag when the Wilson lower bound (`confidence_z`)
    /// is above the threshold, critical when it is above the critical level.
    Wilson,
}

/// A rate rule: flag when the evidence says the rate is above `threshold`, critical when it
/// says the rate reaches `critical`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RateRule {
    /// Warning level, in percent.
    pub threshold: f64,
    /// Critical level, in percent.
    pub critical: f64,
    /// Probability (percent) that the true rate is above the threshold from which the rule
    /// flags a 90-day window with at least `small_sample_sessions` sessions of its kind.
    pub flag_probability: f64,
    /// Points of the quality score (out of 100) the rate can take away, flags aside.
    pub weight: f64,
}

/// The scoring rules' parameters. Defaults follow the design and the labelled evaluation
/// (`make signal`); see the README's scoring section.
#[derive(Debug, Clone, PartialEq, Serialize, Args)]
pub struct ScoringConfig {
    /// Tutor-initiated reschedule rate (percent) above which a tutor is flagged.
    #[arg(long, env = "SCORE_RESCHEDULE_THRESHOLD", default_value_t = 15.0)]
    pub reschedule_threshold: f64,
    /// Reschedule rate (percent) that makes the flag critical (high risk).
    #[arg(long, env = "SCORE_RESCHEDULE_CRITICAL", default_value_t = 40.0)]
    pub reschedule_critical: f64,
    /// Probability (percent) that the true reschedule rate is above the threshold from which
    /// the rule flags (90-day window, at least `small_sample_sessions` sessions).
    #[arg(long, env = "SCORE_RESCHEDULE_FLAG_PROBABILITY", default_value_t = 40.0)]
    pub reschedule_flag_probability: f64,
    /// Points of the quality score the reschedule rate can take away (flags cost their penalty
    /// on top).
    #[arg(long, env = "SCORE_RESCHEDULE_WEIGHT", default_value_t = 6.0)]
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
    /// The same for no-shows: higher than the others, because at 5% a line one no-show lower
    /// at 160 sessions flags more steady tutors than the 2% target allows.
    #[arg(long, env = "SCORE_NO_SHOW_FLAG_PROBABILITY", default_value_t = 50.0)]
    pub no_show_flag_probability: f64,
    /// Points of the quality score that no-shows can take away.
    #[arg(long, env = "SCORE_NO_SHOW_WEIGHT", default_value_t = 6.0)]
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
    /// The same for late starts.
    #[arg(long, env = "SCORE_LATE_START_FLAG_PROBABILITY", default_value_t = 40.0)]
    pub late_start_flag_probability: f64,
    /// Points of the quality score that late starts can take away.
    #[arg(long, env = "SCORE_LATE_START_WEIGHT", default_value_t = 2.0)]
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
    /// The same for early ends.
    #[arg(long, env = "SCORE_EARLY_END_FLAG_PROBABILITY", default_value_t = 40.0)]
    pub early_end_flag_probability: f64,
    /// Points of the quality score that early ends can take away.
    #[arg(long, env = "SCORE_EARLY_END_WEIGHT", default_value_t = 2.0)]
    pub early_end_weight: f64,

    /// Share (percent) of poor first sessions above which a tutor is flagged.
    #[arg(long, env = "SCORE_POOR_FIRST_SESSION_THRESHOLD", default_value_t = 30.0)]
    pub poor_first_session_threshold: f64,
    /// Share (percent) of poor first sessions that makes the flag critical.
    #[arg(long, env = "SCORE_POOR_FIRST_SESSION_CRITICAL", default_value_t = 50.0)]
    pub poor_first_session_critical: f64,
    /// The same for poor first sessions.
    #[arg(
        long,
        env = "SCORE_POOR_FIRST_SESSION_FLAG_PROBABILITY",
        default_value_t = 40.0
    )]
    pub poor_first_session_flag_probability: f64,
    /// Points of the quality score that poor first sessions can take away.
    #[arg(long, env = "SCORE_POOR_FIRST_SESSION_WEIGHT", default_value_t = 4.0)]
    pub poor_first_session_weight: f64,
    /// A first session rated at most this is poor.
    #[arg(long, env = "SCORE_POOR_RATING_MAX", default_value_t = 2)]
    pub poor_rating_max: i16,
    /// A first session is poor when the student does not book again within this many days (28:
    /// a student on a three-week cadence, a week late, is not lost).
    #[arg(long, env = "SCORE_REBOOK_DAYS", default_value_t = 28)]
    pub rebook_days: i64,

    /// Windows with fewer sessions than this say "not enough data" instead of flagging.
    #[arg(long, env = "SCORE_MIN_SESSIONS", default_value_t = 5)]
    pub min_sessions: u32,
    /// How rules decide: `posterior` (the default) or `wilson` (the first rule).
    #[arg(long, env = "SCORE_DECISION", value_enum, default_value_t = DecisionRule::Posterior)]
    pub decision: DecisionRule,
    /// Probability (percent) that the true rate is above the threshold from which a rule flags
    /// the shorter windows (7 and 30 days), and any window with fewer than
    /// `small_sample_sessions` sessions of its kind: a tutor has many short stretches and some
    /// look bad by chance, and a small sample looks bad by chance more often than a large one,
    /// so both need stronger evidence than the rule's own flag probability.
    #[arg(long, env = "SCORE_RECENT_FLAG_PROBABILITY", default_value_t = 75.0)]
    pub recent_flag_probability: f64,
    /// Sessions of its kind under which a window is a small sample for a rule and needs
    /// `recent_flag_probability` (30: a small sample in the usual sense).
    #[arg(long, env = "SCORE_SMALL_SAMPLE_SESSIONS", default_value_t = 30)]
    pub small_sample_sessions: u32,
    /// The single flag probability of earlier versions, replaced by the per-rule
    /// `SCORE_*_FLAG_PROBABILITY`: set, it stops the process with that message rather than
    /// being ignored.
    #[arg(long, env = "SCORE_FLAG_PROBABILITY", hide = true, value_parser = replaced_flag_probability)]
    #[serde(skip)]
    pub replaced_flag_probability: Option<f64>,
    /// Probability (percent) that the true rate is above the critical level from which a flag
    /// is critical.
    #[arg(long, env = "SCORE_CRITICAL_PROBABILITY", default_value_t = 20.0)]
    pub critical_probability: f64,
    /// Weight of the prior, in events expected at the threshold: the prior counts as
    /// `prior_weight / threshold` sessions (with 3: 20 sessions for reschedules at 15%, 60 for
    /// no-shows at 5%), so that it holds back a rule on rare events as much as one on common ones.
    #[arg(long, env = "SCORE_PRIOR_WEIGHT", default_value_t = 3.0)]
    pub prior_weight: f64,
    /// The prior's rate as a share of each rule's threshold (0.5: a typical tutor is at half
    /// the line).
    #[arg(long, env = "SCORE_PRIOR_SHARE", default_value_t = 0.5)]
    pub prior_share: f64,
    /// z-value of the Wilson bound of the `wilson` rule (1.96: 95% two-sided).
    #[arg(long, env = "SCORE_CONFIDENCE_Z", default_value_t = 1.96)]
    pub confidence_z: f64,
    /// Points a rule's line is lowered while the tutor holds its flag, and its critical level
    /// while the flag is critical: the evidence must fall this much below a line before the
    /// tutor loses what crossing it gave them.
    #[arg(long, env = "SCORE_HYSTERESIS_MARGIN", default_value_t = 3.0)]
    pub hysteresis_margin: f64,
    /// Hours after its start a booked session may wait for its outcome before it counts as
    /// "outcome missing".
    #[arg(long, env = "OUTCOME_GRACE_HOURS", default_value_t = 24)]
    pub outcome_grace_hours: i64,
    /// Flags (of any severity) that together make a tutor high risk.
    #[arg(long, env = "SCORE_HIGH_RISK_FLAG_COUNT", default_value_t = 2)]
    pub high_risk_flag_count: usize,
    /// Points of the quality score a warning flag takes away.
    #[arg(long, env = "SCORE_WARNING_PENALTY", default_value_t = 25.0)]
    pub warning_penalty: f64,
    /// Points of the quality score a critical flag takes away.
    #[arg(long, env = "SCORE_CRITICAL_PENALTY", default_value_t = 50.0)]
    pub critical_penalty: f64,
}

fn replaced_flag_probability(_: &str) -> Result<f64, String> {
    Err(
        "SCORE_FLAG_PROBABILITY was replaced by one flag probability per rule: set \
         SCORE_RESCHEDULE_FLAG_PROBABILITY, SCORE_NO_SHOW_FLAG_PROBABILITY, \
         SCORE_LATE_START_FLAG_PROBABILITY, SCORE_EARLY_END_FLAG_PROBABILITY and \
         SCORE_POOR_FIRST_SESSION_FLAG_PROBABILITY instead"
            .into(),
    )
}

impl Default for ScoringConfig {
    /// The documented defaults, whatever the environment says.
    fn default() -> Self {
        crate::config::defaults()
    }
}

impl ScoringConfig {
    /// The prior of a rule, as (mean rate, weight in sessions), rates as fractions.
    pub fn prior(&self, rule: RateRule) -> (f64, f64) {
        let threshold = (rule.threshold / 100.0).clamp(1e-6, 1.0);
        (
            self.prior_share * threshold,
            self.prior_weight.max(0.0) / threshold,
        )
    }

    /// Whether the penalties keep the quality score in the order of the risk levels: a low-risk
    /// tutor loses at most the sum of the weights; a medium-risk one has a warning and, with
    /// `high_risk_flag_count` above 2, up to that count minus one warnings; a high-risk one a
    /// critical flag or `high_risk_flag_count` flags. Holds with the defaults (20 < 25, and
    /// 25 + 20 < 50).
    pub fn score_order_holds(&self) -> bool {
        let weights = self.reschedule_weight
            + self.no_show_weight
            + self.late_start_weight
            + self.early_end_weight
            + self.poor_first_session_weight;
        let to_high = self.high_risk_flag_count.max(1) as f64;
        // The least a high-risk tutor loses.
        let high_least = self.critical_penalty.min(to_high * self.warning_penalty);
        if to_high < 2.0 {
            // Every flag makes high risk: there is no medium level.
            return high_least > weights;
        }
        // The most a medium-risk tutor loses is then below `high_least`.
        self.warning_penalty > weights && high_least > (to_high - 1.0) * self.warning_penalty + weights
    }

    pub(crate) fn reschedule_rule(&self) -> RateRule {
        RateRule {
            threshold: self.reschedule_threshold,
            critical: self.reschedule_critical,
            flag_probability: self.reschedule_flag_probability,
            weight: self.reschedule_weight,
        }
    }
    pub(crate) fn no_show_rule(&self) -> RateRule {
        RateRule {
            threshold: self.no_show_threshold,
            critical: self.no_show_critical,
            flag_probability: self.no_show_flag_probability,
            weight: self.no_show_weight,
        }
    }
    pub(crate) fn late_start_rule(&self) -> RateRule {
        RateRule {
            threshold: self.late_start_threshold,
            critical: self.late_start_critical,
            flag_probability: self.late_start_flag_probability,
            weight: self.late_start_weight,
        }
    }
    pub(crate) fn early_end_rule(&self) -> RateRule {
        RateRule {
            threshold: self.early_end_threshold,
            critical: self.early_end_critical,
            flag_probability: self.early_end_flag_probability,
            weight: self.early_end_weight,
        }
    }
    pub(crate) fn poor_first_session_rule(&self) -> RateRule {
        RateRule {
            threshold: self.poor_first_session_threshold,
            critical: self.poor_first_session_critical,
            flag_probability: self.poor_first_session_flag_probability,
            weight: self.poor_first_session_weight,
        }
    }
}
