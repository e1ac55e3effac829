//! Who the demo tutors are: the population profiles (reliable, shaky, problem) in the
//! proportions the risk mix calls for, and the named personas planted for tests to find.

use entity::RiskLevel;
use serde::Serialize;

/// How a tutor behaves: the probability of each event per scheduled session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Behaviour {
    /// The tutor reschedules the session.
    pub tutor_reschedule: f64,
    /// Of the tutor's reschedules, the share with under 24 h notice.
    pub last_minute_share: f64,
    /// The tutor does not show up.
    pub tutor_no_show: f64,
    /// The student does not show up.
    pub student_no_show: f64,
    /// A completed session starts more than 5 minutes late.
    pub late_start: f64,
    /// A completed session ends more than 10 minutes early.
    pub early_end: f64,
    /// A first session with a new student goes badly (low rating, the student leaves).
    pub poor_first_session: f64,
    /// Each session is with a new student with this probability.
    pub new_student: f64,
}

/// Student-initiated reschedules, per session, for every tutor: 1.8% of all reschedules.
pub const STUDENT_RESCHEDULE: f64 = 0.0045;

/// The population a generated tutor is drawn from, named by the risk level it should earn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Profile {
    /// About 60% of tutors: rare reschedules and no-shows.
    Reliable,
    /// About 25%: reschedules often enough to be flagged.
    Shaky,
    /// About 15%: reschedules most sessions, misses some.
    Problem,
}

impl Profile {
    /// The risk level scoring is expected to give this population.
    pub fn expected_risk(self) -> RiskLevel {
        match self {
            Profile::Reliable => RiskLevel::Low,
            Profile::Shaky => RiskLevel::Medium,
            Profile::Problem => RiskLevel::High,
        }
    }

    /// Behaviour of the population.
    pub fn behaviour(self) -> Behaviour {
        match self {
            Profile::Reliable => Behaviour {
                tutor_reschedule: 0.12,
                last_minute_share: 0.25,
                tutor_no_show: 0.01,
                student_no_show: 0.025,
                late_start: 0.05,
                early_end: 0.04,
                poor_first_session: 0.08,
                new_student: 0.12,
            },
            Profile::Shaky => Behaviour {
                tutor_reschedule: 0.38,
                last_minute_share: 0.40,
                tutor_no_show: 0.03,
                student_no_show: 0.025,
                late_start: 0.12,
                early_end: 0.08,
                poor_first_session: 0.15,
                new_student: 0.12,
            },
            Profile::Problem => Behaviour {
                tutor_reschedule: 0.65,
                last_minute_share: 0.55,
                tutor_no_show: 0.08,
                student_no_show: 0.025,
                late_start: 0.20,
                early_end: 0.15,
                poor_first_session: 0.25,
                new_student: 0.15,
            },
        }
    }

    /// How many of `total` tutors fall in each profile (60/25/15, exact counts).
    pub fn split(total: usize) -> [(Profile, usize); 3] {
        let problem = (total as f64 * 0.15).round() as usize;
        let shaky = (total as f64 * 0.25).round() as usize;
        let reliable = total.saturating_sub(problem + shaky);
        [
            (Profile::Reliable, reliable),
            (Profile::Shaky, shaky),
            (Profile::Problem, problem),
        ]
    }
}

/// A named problem (or reassuringly small) tutor planted in every demo data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Persona {
    /// Reschedules most sessions, mostly at the last minute.
    ChronicRescheduler,
    /// Misses one session in five.
    SerialNoShow,
    /// Starts most sessions more than 5 minutes late.
    LateStarter,
    /// Ends most sessions more than 10 minutes early.
    EarlyEnder,
    /// New students rarely come back after the first session.
    PoorFirstSessions,
    /// A new, reliable tutor with only a handful of sessions (one of them rescheduled):
    /// scoring must not flag such a small sample.
    ReliableNewcomer,
}

impl Persona {
    /// Every persona planted, in order (the newcomer three times).
    pub const PLANTED: [Persona; 8] = [
        Persona::ChronicRescheduler,
        Persona::SerialNoShow,
        Persona::LateStarter,
        Persona::EarlyEnder,
        Persona::PoorFirstSessions,
        Persona::ReliableNewcomer,
        Persona::ReliableNewcomer,
        Persona::ReliableNewcomer,
    ];

    /// Display name of the persona's tutor.
    pub fn label(self) -> &'static str {
        match self {
            Persona::ChronicRescheduler => "Chronic Rescheduler",
            Persona::SerialNoShow => "Serial No-Show",
            Persona::LateStarter => "Late Starter",
            Persona::EarlyEnder => "Early Ender",
            Persona::PoorFirstSessions => "Poor First Sessions",
            Persona::ReliableNewcomer => "Reliable Newcomer",
        }
    }

    /// The population the persona counts towards in the risk mix.
    pub fn profile(self) -> Profile {
        match self {
            Persona::ReliableNewcomer => Profile::Reliable,
            _ => Profile::Problem,
        }
    }

    /// Behaviour of the persona: reliable except for its one problem, made unmistakable.
    pub fn behaviour(self) -> Behaviour {
        let reliable = Behaviour {
            tutor_reschedule: 0.03,
            last_minute_share: 0.2,
            tutor_no_show: 0.0,
            student_no_show: 0.02,
            late_start: 0.02,
            early_end: 0.02,
            poor_first_session: 0.0,
            new_student: 0.12,
        };
        match self {
            Persona::ChronicRescheduler => Behaviour {
                tutor_reschedule: 0.6,
                last_minute_share: 0.7,
                ..reliable
            },
            Persona::SerialNoShow => Behaviour {
                tutor_no_show: 0.22,
                ..reliable
            },
            Persona::LateStarter => Behaviour {
                late_start: 0.65,
                ..reliable
            },
            Persona::EarlyEnder => Behaviour {
                early_end: 0.65,
                ..reliable
            },
            Persona::PoorFirstSessions => Behaviour {
                poor_first_session: 0.8,
                new_student: 0.45,
                ..reliable
            },
            Persona::ReliableNewcomer => reliable,
        }
    }

    /// Sessions the persona gets, or `None` to take an average share of the volume.
    pub fn fixed_sessions(self) -> Option<usize> {
        match self {
            Persona::ReliableNewcomer => Some(3),
            _ => None,
        }
    }
}
