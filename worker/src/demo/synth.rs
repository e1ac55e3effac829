//! Synthesis of one tutor's sessions: when they happen (weekday and 15:00-20:00 peaks), how
//! long they are, with which students (mostly repeat students), and what happened.

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc, Weekday};
use entity::{RescheduleInitiator, SessionStatus};
use rand::{Rng, seq::IndexedRandom};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::profile::{Behaviour, STUDENT_RESCHEDULE};
use crate::{
    sessions::{RescheduleDraft, SessionDraft, valid::notice_hours},
    tutors::TutorRef,
};

/// One generated session with its reschedule, if any, before ids are assigned.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticSession {
    pub student_ref: String,
    pub scheduled_start: DateTime<Utc>,
    pub scheduled_minutes: i32,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub status: SessionStatus,
    pub is_first_session: bool,
    pub rating: Option<i16>,
    pub reschedule: Option<SyntheticReschedule>,
    /// When the student booked it.
    pub booked_at: Option<DateTime<Utc>>,
}

impl SyntheticSession {
    /// The session as any writer describes it to the write path's checks.
    pub fn draft(&self, tutor_id: Uuid) -> SessionDraft {
        SessionDraft {
            external_id: format!("demo-{}-{}", tutor_id.simple(), self.scheduled_start.timestamp()),
            tutor: TutorRef::Id(tutor_id),
            student_ref: self.student_ref.clone(),
            scheduled_start: self.scheduled_start,
            scheduled_minutes: self.scheduled_minutes,
            status: self.status,
            actual_start: self.actual_start,
            actual_end: self.actual_end,
            rating: self.rating.map(i32::from),
            reschedule: self.reschedule.as_ref().map(|r| RescheduleDraft {
                initiator: r.initiator,
                reason_code: Some(r.reason_code.to_owned()),
                reason: Some(r.reason.to_owned()),
                new_start: Some(r.new_start),
                requested_at: r.requested_at,
            }),
            booked_at: self.booked_at,
        }
    }
}

/// The details of a generated reschedule.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntheticReschedule {
    pub initiator: RescheduleInitiator,
    pub reason_code: &'static str,
    pub reason: &'static str,
    pub new_start: DateTime<Utc>,
    pub requested_at: DateTime<Utc>,
    pub notice_hours: f64,
}

/// Session lengths in minutes and their weights (an hour is most common).
const LENGTHS: [(i32, u32); 5] = [(30, 2), (45, 3), (60, 6), (90, 2), (120, 1)];

/// Tutor reschedule reasons: (code, text, weight). `platform_outage` is excused by default.
const TUTOR_REASONS: [(&str, &str, u32); 5] = [
    ("schedule_conflict", "Double-booked with another commitment", 40),
    ("personal", "Personal matter came up", 25),
    ("illness", "Feeling unwell", 20),
    ("technical_issue", "Internet connection problems", 10),
    ("platform_outage", "Video platform was down", 5),
];

/// A random time within `[from, until)` on the demo's weekly and daily rhythm.
fn session_time(rng: &mut ChaCha8Rng, from: DateTime<Utc>, until: DateTime<Utc>) -> DateTime<Utc> {
    let days = (until - from).num_days().max(1);
    loop {
        let day = from + Duration::days(rng.random_range(0..days));
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend && rng.random_bool(0.5) {
            continue;
        }
        // 08:00-21:45, three times as likely between 15:00 and 20:00.
        let hour = loop {
            let hour = rng.random_range(8..22);
            if (15..20).contains(&hour) || rng.random_bool(1.0 / 3.0) {
                break hour;
            }
        };
        let minute = [0, 15, 30, 45].choose(rng).copied().unwrap_or(0);
        let time = Utc
            .with_ymd_and_hms(day.year(), day.month(), day.day(), hour, minute, 0)
            .single()
            .expect("valid calendar time");
        if time >= from && time < until {
            return time;
        }
    }
}

fn weighted<'a, T>(rng: &mut ChaCha8Rng, items: &'a [(T, u32)]) -> &'a T {
    &items
        .choose_weighted(rng, |(_, w)| *w)
        .expect("non-empty weights")
        .0
}

fn rating(rng: &mut ChaCha8Rng, poor: bool) -> Option<i16> {
    if poor {
        return Some(rng.random_range(1..=2));
    }
    if rng.random_bool(0.2) {
        return None; // not every student rates
    }
    Some(*weighted(rng, &[(5, 55), (4, 30), (3, 10), (2, 3), (1, 2)]))
}

/// Forces the first sessions' statuses (the small-sample newcomer: one tutor reschedule).
pub type ForcedStatuses = &'static [SessionStatus];

/// Days ahead the demo's booked sessions reach.
pub const BOOKED_DAYS: i64 = 14;

/// How much likelier than the tutor's usual rate a session is to be rescheduled or missed by
/// the tutor: booked at short notice, in the evening, with a new student. The factors average
/// about 1 over the demo's sessions, so the tutor's overall rates stay as their profile says,
/// while the model has real signal to find.
fn risk_factor(lead_hours: f64, start: DateTime<Utc>, first: bool) -> f64 {
    let short = if lead_hours < 48.0 { 1.9 } else { 1.0 };
    let evening = if start.hour() >= 19 { 1.5 } else { 1.0 };
    let new_student = if first { 1.4 } else { 1.0 };
    short * evening * new_student / 1.45
}

/// Hours between booking and start: a quarter booked within two days, the rest up to two
/// weeks ahead.
fn lead_hours(rng: &mut ChaCha8Rng) -> f64 {
    if rng.random_bool(0.25) {
        rng.random_range(1.0..48.0)
    } else {
        rng.random_range(48.0..336.0)
    }
}

/// Generates `count` sessions of one tutor between `from` and `until`, in time order, then
/// its booked sessions of the next [`BOOKED_DAYS`] days (about as many per day as before).
pub fn tutor_sessions(
    rng: &mut ChaCha8Rng,
    behaviour: &Behaviour,
    count: usize,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    next_student: &mut u64,
    forced: Option<ForcedStatuses>,
) -> Vec<SyntheticSession> {
    // A tutor teaches one session at a time: distinct start times, in order.
    let mut distinct = std::collections::BTreeSet::new();
    let mut attempts = 0;
    while distinct.len() < count && attempts < count * 20 {
        distinct.insert(session_time(rng, from, until));
        attempts += 1;
    }
    let times: Vec<_> = distinct.into_iter().collect();
    let mut students: Vec<u64> = Vec::new(); // returning students of this tutor
    // Students whose good first session was recent: they book their second one soon.
    let mut follow_ups: Vec<(u64, DateTime<Utc>)> = Vec::new();
    let mut sessions = Vec::with_capacity(count);
    for (index, start) in times.into_iter().enumerate() {
        follow_ups.retain(|(_, first)| start - *first <= Duration::days(12));
        let is_new = students.is_empty() || rng.random_bool(behaviour.new_student);
        let student = if is_new {
            *next_student += 1;
            *next_student
        } else if !follow_ups.is_empty() && rng.random_bool(0.8) {
            follow_ups.remove(0).0
        } else {
            *students.choose(rng).expect("non-empty")
        };
        follow_ups.retain(|(s, _)| *s != student);
        let minutes = *weighted(rng, &LENGTHS);
        let lead = lead_hours(rng);
        let status = match forced.and_then(|f| f.get(index)) {
            Some(status) => *status,
            None => draw_status(rng, behaviour, risk_factor(lead, start, is_new)),
        };
        let poor_first =
            is_new && status == SessionStatus::Completed && rng.random_bool(behaviour.poor_first_session);
        // A student whose first session went badly (or was a no-show) does not come back.
        let leaves = poor_first || (is_new && status == SessionStatus::TutorNoShow);
        if !leaves && !students.contains(&student) {
            students.push(student);
            follow_ups.push((student, start));
        }
        let (actual_start, actual_end) = if status == SessionStatus::Completed {
            let (s, e) = actual_times(rng, behaviour, start, minutes);
            (Some(s), Some(e))
        } else {
            (None, None)
        };
        let reschedule = (status == SessionStatus::Rescheduled).then(|| {
            let tutor_initiated = forced.is_some()
                || !rng.random_bool(STUDENT_RESCHEDULE / (STUDENT_RESCHEDULE + behaviour.tutor_reschedule));
            reschedule(rng, behaviour, start, tutor_initiated)
        });
        sessions.push(SyntheticSession {
            student_ref: format!("student-{student:06}"),
            scheduled_start: start,
            scheduled_minutes: minutes,
            actual_start,
            actual_end,
            status,
            is_first_session: is_new,
            rating: if status == SessionStatus::Completed {
                rating(rng, poor_first)
            } else {
                None
            },
            reschedule,
            booked_at: Some(start - Duration::minutes((lead * 60.0) as i64)),
        });
    }
    let days = (until - from).num_days().max(1);
    let booked = (count as f64 * BOOKED_DAYS as f64 / days as f64).round() as usize;
    let mut upcoming = std::collections::BTreeSet::new();
    for _ in 0..booked * 3 {
        if upcoming.len() >= booked {
            break;
        }
        upcoming.insert(session_time(
            rng,
            until + Duration::hours(1),
            until + Duration::days(BOOKED_DAYS),
        ));
    }
    for start in upcoming {
        let is_new = students.is_empty() || rng.random_bool(behaviour.new_student);
        let student = if is_new {
            *next_student += 1;
            *next_student
        } else {
            *students.choose(rng).expect("non-empty")
        };
        // Booked before "now" (`until`), at most two weeks ahead of the start.
        let booked_at =
            (start - Duration::minutes((lead_hours(rng) * 60.0) as i64)).min(until - Duration::minutes(5));
        sessions.push(SyntheticSession {
            student_ref: format!("student-{student:06}"),
            scheduled_start: start,
            scheduled_minutes: *weighted(rng, &LENGTHS),
            actual_start: None,
            actual_end: None,
            status: SessionStatus::Scheduled,
            is_first_session: is_new,
            rating: None,
            reschedule: None,
            booked_at: Some(booked_at),
        });
    }
    sessions
}

/// A past session's outcome; `risk` scales the tutor's reschedule and no-show chances.
fn draw_status(rng: &mut ChaCha8Rng, b: &Behaviour, risk: f64) -> SessionStatus {
    let roll: f64 = rng.random();
    let mut edge = b.tutor_reschedule * risk + STUDENT_RESCHEDULE;
    if roll < edge {
        return SessionStatus::Rescheduled;
    }
    edge += b.tutor_no_show * risk;
    if roll < edge {
        return SessionStatus::TutorNoShow;
    }
    edge += b.student_no_show;
    if roll < edge {
        return SessionStatus::StudentNoShow;
    }
    SessionStatus::Completed
}

fn actual_times(
    rng: &mut ChaCha8Rng,
    b: &Behaviour,
    start: DateTime<Utc>,
    minutes: i32,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let late = if rng.random_bool(b.late_start) {
        rng.random_range(6..=25)
    } else {
        rng.random_range(-2..=4)
    };
    let actual_start = start + Duration::minutes(late);
    let scheduled_end = start + Duration::minutes(minutes.into());
    let early = if rng.random_bool(b.early_end) {
        rng.random_range(11..=30)
    } else {
        rng.random_range(-5..=3)
    };
    let actual_end = (scheduled_end - Duration::minutes(early)).max(actual_start + Duration::minutes(5));
    (actual_start, actual_end.with_second(0).unwrap_or(actual_end))
}

fn reschedule(
    rng: &mut ChaCha8Rng,
    b: &Behaviour,
    original: DateTime<Utc>,
    tutor_initiated: bool,
) -> SyntheticReschedule {
    let last_minute = rng.random_bool(b.last_minute_share);
    let notice_minutes = if last_minute {
        rng.random_range(30..24 * 60)
    } else {
        rng.random_range(24 * 60..14 * 24 * 60)
    };
    let requested_at = original - Duration::minutes(notice_minutes);
    let (initiator, reason_code, reason) = if tutor_initiated {
        let (code, text) = TUTOR_REASONS
            .choose_weighted(rng, |(_, _, w)| *w)
            .map(|(c, t, _)| (*c, *t))
            .expect("non-empty");
        (RescheduleInitiator::Tutor, code, text)
    } else {
        (
            RescheduleInitiator::Student,
            "student_request",
            "Student asked to move the session",
        )
    };
    SyntheticReschedule {
        initiator,
        reason_code,
        reason,
        new_start: original + Duration::days(rng.random_range(1..=10)),
        requested_at,
        notice_hours: notice_hours(original, requested_at),
    }
}

/// A version-7 UUID for `time`, with its random part from the demo's seeded generator.
pub fn demo_uuid(rng: &mut ChaCha8Rng, time: DateTime<Utc>) -> Uuid {
    let random: [u8; 10] = rng.random();
    uuid::Builder::from_unix_timestamp_millis(time.timestamp_millis().max(0) as u64, &random).into_uuid()
}
