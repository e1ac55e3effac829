//! Labelled tutors: sessions generated from known true rates, on realistic booking cadences.
//!
//! A tutor teaches a set of students. Each student books weekly, every two weeks or every
//! three weeks (half, 30% and 20% of students), a day either way; some students come once
//! and leave. An established tutor has taught the whole 90 days (some of their students began
//! before the window); a new tutor started recently and every student is new. Sessions are
//! added student by student until the rule under test has its sample size in the 90-day
//! window: scheduled sessions for reschedules, due sessions for no-shows, completed sessions
//! for late starts and early ends, first sessions with new students for poor first sessions.
//! Every other behaviour stays at a healthy background rate (a third of its threshold).

use chrono::{DateTime, Duration, Utc};
use entity::{RescheduleInitiator, SessionStatus};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use worker::scoring::{FlagCode, RescheduleFact, ScoringConfig, SessionFact};

/// True probabilities per scheduled session (fractions).
#[derive(Debug, Clone, Copy)]
pub struct Truth {
    /// The tutor reschedules the session.
    pub reschedule: f64,
    /// The tutor misses a session that was due.
    pub no_show: f64,
    /// A completed session starts over 5 minutes late.
    pub late_start: f64,
    /// A completed session ends over 10 minutes early.
    pub early_end: f64,
    /// A first session goes badly: the student leaves (half of them rate it 1 or 2).
    pub poor_first: f64,
}

/// Student no-shows and student-initiated reschedules, per session, for every tutor.
const STUDENT_NO_SHOW: f64 = 0.025;
const STUDENT_RESCHEDULE: f64 = 0.005;

impl Truth {
    /// Every rate at `share` of its threshold.
    pub fn at_share(config: &ScoringConfig, share: f64) -> Self {
        Truth {
            reschedule: share * config.reschedule_threshold / 100.0,
            no_show: share * config.no_show_threshold / 100.0,
            late_start: share * config.late_start_threshold / 100.0,
            early_end: share * config.early_end_threshold / 100.0,
            poor_first: share * config.poor_first_session_threshold / 100.0,
        }
    }

    /// The background with one rule's rate replaced.
    pub fn with(mut self, code: FlagCode, rate: f64) -> Self {
        match code {
            FlagCode::RescheduleRate => self.reschedule = rate,
            FlagCode::NoShowRate => self.no_show = rate,
            FlagCode::LateStartRate => self.late_start = rate,
            FlagCode::EarlyEndRate => self.early_end = rate,
            FlagCode::PoorFirstSessions => self.poor_first = rate,
        }
        self
    }
}

/// Which cadences the students of a tutor book on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cadences {
    /// Weekly 50%, fortnightly 30%, every three weeks 20%; 15% of students come once.
    Mixed,
    /// Every student books every `days` days and none leaves unless the first session was poor.
    Every(i64),
}

/// What the generated tutor must have: `size` sessions of the rule `code` counts.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub code: FlagCode,
    pub size: u32,
}

/// One generated tutor.
pub struct Tutor {
    pub sessions: Vec<SessionFact>,
}

struct Draws<'a> {
    rng: &'a mut ChaCha8Rng,
    truth: Truth,
    /// From this time on, the tutor behaves by the second truth (a tutor who got worse).
    change: Option<(DateTime<Utc>, Truth)>,
}

impl Draws<'_> {
    fn truth_at(&self, start: DateTime<Utc>) -> Truth {
        match self.change {
            Some((from, later)) if start > from => later,
            _ => self.truth,
        }
    }

    fn bool(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// A session at `start` with outcomes drawn from the truth. A `settled` session takes place
    /// (completed or missed by the tutor): first sessions under test are, so that each one
    /// has an outcome to judge.
    fn session(&mut self, student: &str, start: DateTime<Utc>, first: bool, settled: bool) -> SessionFact {
        let minutes = [30, 45, 60, 60, 60, 90][self.rng.random_range(0..6)];
        let mut fact = SessionFact {
            student_ref: student.to_owned(),
            scheduled_start: start,
            scheduled_minutes: minutes,
            actual_start: None,
            actual_end: None,
            status: SessionStatus::Completed,
            is_first_session: first,
            rating: None,
            reschedule: None,
        };
        let t = self.truth_at(start);
        if !settled && self.bool(t.reschedule + STUDENT_RESCHEDULE) {
            let by_student = self.bool(STUDENT_RESCHEDULE / (t.reschedule + STUDENT_RESCHEDULE));
            let last_minute = self.bool(0.4);
            fact.status = SessionStatus::Rescheduled;
            fact.reschedule = Some(RescheduleFact {
                initiator: if by_student {
                    RescheduleInitiator::Student
                } else {
                    RescheduleInitiator::Tutor
                },
                reason_code: Some(
                    if by_student {
                        "student_request"
                    } else {
                        "schedule_conflict"
                    }
                    .to_owned(),
                ),
                notice_hours: if last_minute {
                    self.rng.random_range(0.5..24.0)
                } else {
                    self.rng.random_range(24.0..300.0)
                },
            });
            return fact;
        }
        if self.bool(t.no_show) {
            fact.status = SessionStatus::TutorNoShow;
            return fact;
        }
        if !settled && self.bool(STUDENT_NO_SHOW) {
            fact.status = SessionStatus::StudentNoShow;
            return fact;
        }
        let late = if self.bool(t.late_start) {
            self.rng.random_range(6..=25)
        } else {
            self.rng.random_range(-2..=4)
        };
        let early = if self.bool(t.early_end) {
            self.rng.random_range(11..=30)
        } else {
            self.rng.random_range(-5..=3)
        };
        let actual_start = start + Duration::minutes(late);
        let end = (start + Duration::minutes(minutes.into()) - Duration::minutes(early))
            .max(actual_start + Duration::minutes(5));
        fact.actual_start = Some(actual_start);
        fact.actual_end = Some(end);
        fact.rating = self
            .bool(0.8)
            .then(|| [5, 5, 5, 4, 4, 3][self.rng.random_range(0..6)]);
        fact
    }
}

/// Whether `fact` counts towards the sample of the rule `code` (first sessions: see caller).
fn counts(code: FlagCode, fact: &SessionFact) -> bool {
    match code {
        FlagCode::RescheduleRate => true,
        FlagCode::NoShowRate => matches!(
            fact.status,
            SessionStatus::Completed | SessionStatus::TutorNoShow | SessionStatus::StudentNoShow
        ),
        FlagCode::LateStartRate | FlagCode::EarlyEndRate => fact.status == SessionStatus::Completed,
        FlagCode::PoorFirstSessions => fact.is_first_session,
    }
}

/// A random hour on day `day` after `origin`, between 15:00 and 20:00 mostly.
fn at(rng: &mut ChaCha8Rng, origin: DateTime<Utc>, day: f64) -> DateTime<Utc> {
    origin + Duration::minutes((day * 24.0 * 60.0) as i64) + Duration::minutes(rng.random_range(-60..60))
}

/// Generates one tutor whose true rates are `truth`, with `target.size` sessions of the rule
/// under test in the 90 days before `now`.
pub fn tutor(
    rng: &mut ChaCha8Rng,
    truth: Truth,
    target: Target,
    cadences: Cadences,
    now: DateTime<Utc>,
) -> Tutor {
    changing_tutor(rng, truth, None, target, cadences, now)
}

/// Like [`tutor`], with the behaviour changing to `change.1` after `change.0`.
pub fn changing_tutor(
    rng: &mut ChaCha8Rng,
    truth: Truth,
    change: Option<(DateTime<Utc>, Truth)>,
    target: Target,
    cadences: Cadences,
    now: DateTime<Utc>,
) -> Tutor {
    let window_start = now - Duration::days(90);
    // Half the tutors are established; the others started recently, at 3 to 15 sessions a week.
    let established = rng.random_bool(0.5);
    let span_days = if established {
        90.0
    } else {
        let per_week = rng.random_range(3.0..15.0);
        (7.0 * f64::from(target.size) / per_week).clamp(7.0, 90.0)
    };
    let span_start = now - Duration::minutes((span_days * 24.0 * 60.0) as i64);
    let mut sessions: Vec<SessionFact> = Vec::new();
    let mut counted = 0u32;
    let mut draws = Draws { rng, truth, change };
    let mut student_number = 0u32;
    while counted < target.size {
        student_number += 1;
        let student = format!("student-{student_number}");
        let (cadence, one_off) = match cadences {
            Cadences::Mixed => {
                let roll: f64 = draws.rng.random();
                let cadence = if roll < 0.5 {
                    7.0
                } else if roll < 0.8 {
                    14.0
                } else {
                    21.0
                };
                (cadence, draws.rng.random_bool(0.15))
            }
            Cadences::Every(days) => (days as f64, false),
        };
        // Poor first sessions need new students; elsewhere an established tutor's students
        // began before the window 60% of the time.
        let new_student =
            target.code == FlagCode::PoorFirstSessions || !established || draws.rng.random_bool(0.4);
        let span = (now - span_start).num_minutes() as f64 / (24.0 * 60.0);
        let mut day = if new_student {
            draws.rng.random_range(0.0..span)
        } else {
            // Their first session in the window comes within one cadence of its start.
            draws.rng.random_range(0.0..cadence)
        };
        let origin = if new_student { span_start } else { window_start };
        let mut first = new_student;
        loop {
            let start = at(draws.rng, origin, day);
            if start > now {
                break;
            }
            let settled = first && target.code == FlagCode::PoorFirstSessions;
            let mut fact = draws.session(&student, start, first, settled);
            // The sample is complete: this student stops here (a returning student of a
            // poor-first-sessions tutor keeps coming, as only first sessions count).
            if counted >= target.size && counts(target.code, &fact) {
                break;
            }
            let mut leaves = false;
            if first && matches!(fact.status, SessionStatus::Completed | SessionStatus::TutorNoShow) {
                // The ground truth of a first session: poor with the tutor's rate, the student
                // then leaves; half of them say so with a rating of 1 or 2.
                let now_truth = draws.truth_at(start);
                let poor =
                    fact.status == SessionStatus::TutorNoShow || draws.bool(poor_share(&now_truth, &fact));
                if poor {
                    leaves = true;
                    if fact.status == SessionStatus::Completed {
                        fact.rating = if draws.bool(0.5) {
                            Some(draws.rng.random_range(1..=2))
                        } else {
                            None
                        };
                    }
                }
            }
            if counts(target.code, &fact) {
                counted += 1;
            }
            sessions.push(fact);
            if leaves || (one_off && target.code != FlagCode::PoorFirstSessions) {
                break;
            }
            // As the api derives it: only a student's earliest session is their first.
            first = false;
            day += cadence + draws.rng.random_range(-1.0..1.0);
        }
    }
    sessions.sort_by_key(|s| s.scheduled_start);
    Tutor { sessions }
}

/// The chance that a completed first session is poor, so that poor first sessions, tutor
/// no-shows included, happen at the true rate.
fn poor_share(truth: &Truth, fact: &SessionFact) -> f64 {
    if fact.status != SessionStatus::Completed {
        return 0.0;
    }
    ((truth.poor_first - truth.no_show) / (1.0 - truth.no_show)).clamp(0.0, 1.0)
}
