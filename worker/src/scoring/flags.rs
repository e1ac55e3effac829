//! Flags: which rate rules a tutor breaks, with the evidence in numbers and one recommended
//! intervention in plain words.

use serde::{Deserialize, Serialize};

use super::{
    ScoringConfig,
    confidence::{round, wilson_lower_bound},
    config::{DecisionRule, RateRule},
    posterior::Beta,
    window::{WINDOWS, WindowMetrics},
};

/// What a flag is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagCode {
    /// Too many tutor-initiated reschedules.
    RescheduleRate,
    /// Too many tutor no-shows.
    NoShowRate,
    /// Too many late starts.
    LateStartRate,
    /// Too many early ends.
    EarlyEndRate,
    /// Too many poor first sessions with new students.
    PoorFirstSessions,
}

impl FlagCode {
    /// Every flag code, in display order.
    pub const ALL: [FlagCode; 5] = [
        FlagCode::RescheduleRate,
        FlagCode::NoShowRate,
        FlagCode::LateStartRate,
        FlagCode::EarlyEndRate,
        FlagCode::PoorFirstSessions,
    ];

    /// The code stored as `text` (`reschedule_rate`, ...), if it is one.
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The code as stored in `tutor_scores.flag_codes`.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagCode::RescheduleRate => "reschedule_rate",
            FlagCode::NoShowRate => "no_show_rate",
            FlagCode::LateStartRate => "late_start_rate",
            FlagCode::EarlyEndRate => "early_end_rate",
            FlagCode::PoorFirstSessions => "poor_first_sessions",
        }
    }

    /// What the rule counts, in the plural (`reschedules`, `no-shows`, ...).
    pub fn events_noun(self) -> &'static str {
        match self {
            FlagCode::RescheduleRate => "reschedules",
            FlagCode::NoShowRate => "no-shows",
            FlagCode::LateStartRate => "late starts",
            FlagCode::EarlyEndRate => "early ends",
            FlagCode::PoorFirstSessions => "poor first sessions",
        }
    }

    /// The events this rule counts in a window and out of how many (its rate's parts).
    pub fn observed(self, w: &WindowMetrics) -> (u32, u32) {
        let o = observe(self, w);
        (o.count, o.out_of)
    }
}

/// How serious a flag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Above the threshold: medium risk on its own.
    Warning,
    /// Above the critical level: high risk.
    Critical,
}

/// One broken rule, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Flag {
    pub code: FlagCode,
    pub severity: Severity,
    /// The window whose numbers triggered the flag.
    pub window_days: u32,
    /// Events counted (reschedules, no-shows, ...).
    pub count: u32,
    /// Out of this many sessions.
    pub out_of: u32,
    /// The observed rate, percent.
    pub rate: f64,
    /// The bound the rule compares with the threshold, percent: under the `posterior` rule the
    /// rate the true rate is above with the window's flag probability (so the flag holds
    /// exactly when it is above the line); under `wilson` the Wilson lower bound.
    pub lower_bound: f64,
    /// The probability (percent) that the true rate is above the threshold.
    #[serde(default)]
    pub probability: f64,
    /// The threshold it was compared with, percent.
    pub threshold: f64,
    /// The numbers in words.
    pub evidence: String,
    /// One recommended intervention, in plain words.
    pub recommendation: String,
}

/// The numbers one rule looks at in one window.
struct Observation {
    count: u32,
    out_of: u32,
    rate: f64,
}

fn observe(code: FlagCode, w: &WindowMetrics) -> Observation {
    let (count, out_of, rate) = match code {
        FlagCode::RescheduleRate => (w.tutor_reschedules, w.sessions, w.reschedule_rate),
        FlagCode::NoShowRate => (w.tutor_no_shows, w.due_sessions, w.no_show_rate),
        FlagCode::LateStartRate => (w.late_starts, w.completed_sessions, w.late_start_rate),
        FlagCode::EarlyEndRate => (w.early_ends, w.completed_sessions, w.early_end_rate),
        FlagCode::PoorFirstSessions => (w.poor_first_sessions, w.first_sessions, w.poor_first_session_rate),
    };
    Observation { count, out_of, rate }
}

fn rule(code: FlagCode, config: &ScoringConfig) -> RateRule {
    match code {
        FlagCode::RescheduleRate => config.reschedule_rule(),
        FlagCode::NoShowRate => config.no_show_rule(),
        FlagCode::LateStartRate => config.late_start_rule(),
        FlagCode::EarlyEndRate => config.early_end_rule(),
        FlagCode::PoorFirstSessions => config.poor_first_session_rule(),
    }
}

/// What one rule concludes from one window.
struct Judgement {
    severity: Severity,
    /// How strong the evidence is, to pick among windows (probability or bound).
    strength: f64,
    /// P(true rate > warning line), percent.
    probability: f64,
    /// P(true rate > critical line), percent.
    critical_probability: f64,
}

/// The lines a rule compares with, lowered by the hysteresis margins where they apply.
#[derive(Clone, Copy)]
struct Lines {
    warning: f64,
    critical: f64,
}

/// The posterior of a rule's rate in one window (rates as fractions).
fn posterior(count: u32, out_of: u32, rule: RateRule, config: &ScoringConfig) -> Beta {
    let (mean, sessions) = config.prior(rule);
    Beta::posterior(mean, sessions, f64::from(count), f64::from(out_of))
}

/// The tutor's own evidence, without the population prior (Jeffreys' half an event and half
/// a non-event): what severity is judged on once a flag stands.
fn own(count: u32, out_of: u32) -> Beta {
    Beta::posterior(0.5, 1.0, f64::from(count), f64::from(out_of))
}

/// The probability (percent) a window's evidence must reach to flag: the rule's own in the
/// longest window, the recent bar in the shorter ones and for a small sample.
fn flag_bar(days: u32, out_of: u32, rule: RateRule, config: &ScoringConfig) -> f64 {
    if days < *WINDOWS.iter().max().expect("windows") || out_of < config.small_sample_sessions {
        config.recent_flag_probability
    } else {
        rule.flag_probability
    }
}

fn judge(
    o: &Observation,
    days: u32,
    rule: RateRule,
    lines: Lines,
    config: &ScoringConfig,
) -> Option<Judgement> {
    let post = posterior(o.count, o.out_of, rule, config);
    let probability = 100.0 * post.above(lines.warning / 100.0);
    let (flagged, critical, strength) = match config.decision {
        DecisionRule::Posterior => {
            let flagged = probability >= flag_bar(days, o.out_of, rule, config);
            (flagged, flagged, probability)
        }
        DecisionRule::Wilson => {
            let bound = wilson_lower_bound(o.count, o.out_of, config.confidence_z);
            (bound > lines.warning, bound > lines.critical, bound)
        }
    };
    if !flagged {
        return None;
    }
    let critical_probability = 100.0 * own(o.count, o.out_of).above(lines.critical / 100.0);
    let critical = match config.decision {
        DecisionRule::Posterior => critical && critical_probability >= config.critical_probability,
        DecisionRule::Wilson => critical,
    };
    Some(Judgement {
        severity: if critical {
            Severity::Critical
        } else {
            Severity::Warning
        },
        strength,
        probability,
        critical_probability,
    })
}

/// The flags a tutor earns. `previous` holds the flags of the previous computation, with
/// their severity: a flag the tutor held is kept until the evidence holds no longer against
/// a line `hysteresis_margin` points below its threshold, and a flag that was critical stays
/// critical until it holds no longer against a critical level as much lower (no flapping
/// around a line). Hysteresis is per flag: the lines of a rule the tutor did not break stay
/// where they are, whatever the tutor's risk level.
pub fn evaluate(
    windows: &[WindowMetrics],
    previous: &[(FlagCode, Severity)],
    config: &ScoringConfig,
) -> Vec<Flag> {
    let margin = config.hysteresis_margin;
    FlagCode::ALL
        .into_iter()
        .filter_map(|code| {
            let rule = rule(code, config);
            let held = previous.iter().filter(|(c, _)| *c == code).map(|(_, s)| *s).max();
            let lines = Lines {
                warning: rule.threshold - if held.is_some() { margin } else { 0.0 },
                critical: rule.critical
                    - if held == Some(Severity::Critical) {
                        margin
                    } else {
                        0.0
                    },
            };
            // Among windows with enough data, the most serious finding with the strongest
            // evidence; on a tie the shorter (more recent) window wins.
            windows
                .iter()
                .filter_map(|w| {
                    let o = observe(code, w);
                    // Windows short of data never flag, nor (under the posterior rule) does a
                    // rule with fewer sessions of its own kind than the minimum; above it, the
                    // rule takes care of small denominators.
                    let own_minimum = match config.decision {
                        DecisionRule::Posterior => config.min_sessions.max(1),
                        DecisionRule::Wilson => 1,
                    };
                    if !w.enough_data || o.out_of < own_minimum {
                        return None;
                    }
                    judge(&o, w.days, rule, lines, config).map(|j| (w, o, j))
                })
                .fold(
                    None,
                    |best: Option<(&WindowMetrics, Observation, Judgement)>, candidate| match best {
                        Some(b)
                            if (b.2.severity, b.2.strength)
                                >= (candidate.2.severity, candidate.2.strength) =>
                        {
                            Some(b)
                        }
                        _ => Some(candidate),
                    },
                )
                .map(|(w, o, j)| {
                    let lower_bound = match config.decision {
                        DecisionRule::Posterior => round(
                            100.0
                                * posterior(o.count, o.out_of, rule, config)
                                    .lower_quantile(flag_bar(w.days, o.out_of, rule, config) / 100.0),
                        ),
                        DecisionRule::Wilson => j.strength,
                    };
                    Flag {
                        code,
                        severity: j.severity,
                        window_days: w.days,
                        count: o.count,
                        out_of: o.out_of,
                        rate: o.rate,
                        lower_bound,
                        probability: round(j.probability),
                        threshold: rule.threshold,
                        evidence: evidence(code, w, &o, &j, rule, lines, config),
                        recommendation: recommendation(code, w, j.severity, config),
                    }
                })
        })
        .collect()
}

fn evidence(
    code: FlagCode,
    w: &WindowMetrics,
    o: &Observation,
    j: &Judgement,
    rule: RateRule,
    lines: Lines,
    config: &ScoringConfig,
) -> String {
    let what = match code {
        FlagCode::RescheduleRate => {
            let mut text = format!(
                "{} of {} sessions rescheduled by the tutor in {} days",
                o.count, o.out_of, w.days
            );
            if w.last_minute_reschedules > 0 {
                text += &format!(
                    ", {} with under {} h notice",
                    w.last_minute_reschedules,
                    number(config.last_minute_hours)
                );
            }
            if w.excused_reschedules > 0 {
                text += &format!(" ({} more excused)", w.excused_reschedules);
            }
            text
        }
        FlagCode::NoShowRate => {
            format!(
                "{} of {} due sessions missed by the tutor in {} days",
                o.count, o.out_of, w.days
            )
        }
        FlagCode::LateStartRate => {
            format!(
                "{} of {} sessions started over {} minutes late in {} days",
                o.count, o.out_of, config.late_start_minutes, w.days
            )
        }
        FlagCode::EarlyEndRate => {
            format!(
                "{} of {} sessions ended over {} minutes early in {} days",
                o.count, o.out_of, config.early_end_minutes, w.days
            )
        }
        FlagCode::PoorFirstSessions => format!(
            "{} of {} first sessions with new students went poorly in {} days (low rating, no-show, or no rebooking)",
            o.count, o.out_of, w.days
        ),
    };
    match config.decision {
        DecisionRule::Posterior => {
            // Under hysteresis the line compared is lower than the threshold: say so.
            let line = |compared: f64, line: f64, name: &str, held: &str| {
                if compared == line {
                    format!("the {}% {name}", number(line))
                } else {
                    format!(
                        "{}% (the {}% {name}, {} points lower while the tutor {held})",
                        number(compared),
                        number(line),
                        number(line - compared)
                    )
                }
            };
            let mut text = format!(
                "{what}: {:.1}%, {} above {} ({} probability)",
                o.rate,
                likelihood(j.probability),
                line(lines.warning, rule.threshold, "line", "holds this flag"),
                chance(j.probability)
            );
            if j.severity == Severity::Critical {
                text += &format!(
                    ", and {} above {} ({})",
                    likelihood(j.critical_probability),
                    line(
                        lines.critical,
                        rule.critical,
                        "critical level",
                        "holds this flag as critical"
                    ),
                    chance(j.critical_probability)
                );
            }
            text
        }
        DecisionRule::Wilson => format!(
            "{what}: {:.1}% (at least {:.1}% with 95% confidence; threshold {:.0}%)",
            o.rate, j.strength, rule.threshold
        ),
    }
}

/// A probability (percent) in words a coach reads the same way every time.
fn likelihood(probability: f64) -> &'static str {
    match probability {
        p if p >= 99.0 => "almost certainly",
        p if p >= 90.0 => "very likely",
        p if p >= 75.0 => "likely",
        p if p >= 50.0 => "more likely than not",
        p if p >= 10.0 => "possibly",
        _ => "perhaps",
    }
}

/// A probability (percent) as a whole percentage, never rounded to a certainty.
fn chance(probability: f64) -> String {
    if probability >= 99.5 {
        ">99%".to_owned()
    } else if probability < 0.5 {
        "<1%".to_owned()
    } else {
        format!("{probability:.0}%")
    }
}

/// A configured percentage without needless decimals (15, 12.5).
fn number(value: f64) -> String {
    let value = round(value);
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

fn recommendation(code: FlagCode, w: &WindowMetrics, severity: Severity, config: &ScoringConfig) -> String {
    let text = match (code, severity) {
        (FlagCode::RescheduleRate, _) if w.last_minute_reschedules * 2 >= w.tutor_reschedules.max(1) => {
            return format!(
                "Call the tutor about last-minute changes: ask them to open only hours they can keep and to give at least {} hours' notice when a change is unavoidable.",
                number(config.last_minute_hours)
            );
        }
        (FlagCode::RescheduleRate, Severity::Critical) => {
            "Pause new bookings for this tutor until a coach has agreed a reliable weekly availability with them."
        }
        (FlagCode::RescheduleRate, Severity::Warning) => {
            "Review the tutor's availability with them and ask them to block only the hours they can reliably teach."
        }
        (FlagCode::NoShowRate, Severity::Critical) => {
            "Contact the tutor today and pause new bookings until a coach has spoken with them about the missed sessions."
        }
        (FlagCode::NoShowRate, Severity::Warning) => {
            "Reach out to the tutor about the missed sessions and check that session reminders reach them."
        }
        (FlagCode::LateStartRate, _) => {
            "Remind the tutor to join five minutes early and suggest calendar reminders before each session."
        }
        (FlagCode::EarlyEndRate, _) => {
            "Review session plans with the tutor so that sessions use the full booked time."
        }
        (FlagCode::PoorFirstSessions, _) => {
            "Pair the tutor with a coach for first-session onboarding (introductions, goals, a plan) and review recent first-session feedback together."
        }
    };
    text.to_owned()
}
