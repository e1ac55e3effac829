//! Flags: which rate rules a tutor breaks, with the evidence in numbers and one recommended
//! intervention in plain words.

use entity::RiskLevel;
use serde::{Deserialize, Serialize};

use super::{ScoringConfig, confidence::wilson_lower_bound, config::RateRule, window::WindowMetrics};

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
    /// The confidence bound the rule compares, percent.
    pub lower_bound: f64,
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

/// The flags a tutor earns. `previous` is the risk level before this computation: a tutor
/// already at a level keeps the flags that put them there until the bound falls
/// `hysteresis_margin` points below the line (no flapping around a threshold).
pub fn evaluate(windows: &[WindowMetrics], previous: Option<RiskLevel>, config: &ScoringConfig) -> Vec<Flag> {
    let margin = config.hysteresis_margin;
    let warning_margin = if previous >= Some(RiskLevel::Medium) {
        margin
    } else {
        0.0
    };
    let critical_margin = if previous == Some(RiskLevel::High) {
        margin
    } else {
        0.0
    };
    FlagCode::ALL
        .into_iter()
        .filter_map(|code| {
            let rule = rule(code, config);
            // Among windows with enough data, the one with the strongest evidence.
            windows
                .iter()
                .filter_map(|w| {
                    let o = observe(code, w);
                    // Windows short of data never flag; within a window, the confidence bound
                    // takes care of small denominators.
                    (w.enough_data && o.out_of > 0).then(|| {
                        let bound = wilson_lower_bound(o.count, o.out_of, config.confidence_z);
                        (w, o, bound)
                    })
                })
                .filter(|(_, _, bound)| *bound > rule.threshold - warning_margin)
                // On a tie the shorter (more recent) window wins.
                .fold(
                    None,
                    |best: Option<(&WindowMetrics, Observation, f64)>, candidate| match best {
                        Some(b) if b.2 >= candidate.2 => Some(b),
                        _ => Some(candidate),
                    },
                )
                .map(|(w, o, bound)| {
                    let severity = if bound > rule.critical - critical_margin {
                        Severity::Critical
                    } else {
                        Severity::Warning
                    };
                    Flag {
                        code,
                        severity,
                        window_days: w.days,
                        count: o.count,
                        out_of: o.out_of,
                        rate: o.rate,
                        lower_bound: bound,
                        threshold: rule.threshold,
                        evidence: evidence(code, w, &o, bound, rule.threshold),
                        recommendation: recommendation(code, w, severity).to_owned(),
                    }
                })
        })
        .collect()
}

fn evidence(code: FlagCode, w: &WindowMetrics, o: &Observation, bound: f64, threshold: f64) -> String {
    let what = match code {
        FlagCode::RescheduleRate => {
            let mut text = format!(
                "{} of {} sessions rescheduled by the tutor in {} days",
                o.count, o.out_of, w.days
            );
            if w.last_minute_reschedules > 0 {
                text += &format!(", {} with under 24 h notice", w.last_minute_reschedules);
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
                "{} of {} sessions started over 5 minutes late in {} days",
                o.count, o.out_of, w.days
            )
        }
        FlagCode::EarlyEndRate => {
            format!(
                "{} of {} sessions ended over 10 minutes early in {} days",
                o.count, o.out_of, w.days
            )
        }
        FlagCode::PoorFirstSessions => format!(
            "{} of {} first sessions with new students went poorly in {} days (low rating, no-show, or no rebooking)",
            o.count, o.out_of, w.days
        ),
    };
    format!(
        "{what}: {:.1}% (at least {:.1}% with 95% confidence; threshold {:.0}%)",
        o.rate, bound, threshold
    )
}

fn recommendation(code: FlagCode, w: &WindowMetrics, severity: Severity) -> &'static str {
    match (code, severity) {
        (FlagCode::RescheduleRate, _) if w.last_minute_reschedules * 2 >= w.tutor_reschedules.max(1) => {
            "Call the tutor about last-minute changes: ask them to open only hours they can keep and to give at least 24 hours' notice when a change is unavoidable."
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
    }
}
