//! Unique, realistic `RecordSessionInput`s for the generated tutors (`demo-tutor-%05d`):
//! about 70% completed, 25% rescheduled by the tutor (with details, ~40% under 24 h notice)
//! and 5% tutor no-shows, scheduled within the last 30 days.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, DurationRound, SecondsFormat, Utc};
use rand::{Rng, seq::IndexedRandom};
use serde_json::{Value, json};

/// The external id the generator gives tutor number `index` (1-based).
pub fn tutor_external_id(index: usize) -> String {
    format!("demo-tutor-{index:05}")
}

const MINUTES: [i64; 7] = [30, 45, 60, 60, 60, 90, 120];
const REASONS: [(&str, &str); 5] = [
    ("schedule_conflict", "Double-booked with another lesson"),
    ("illness", "Feeling unwell"),
    ("personal", "Family matter"),
    ("travel", "Travelling with a poor connection"),
    ("technical_issue", "Laptop broke down"),
];

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Makes sessions with ids unique to this run.
pub struct SessionGen {
    prefix: String,
    counter: AtomicU64,
    tutors: usize,
}

impl SessionGen {
    /// Sessions for tutors 1..=`tutors`, ids prefixed with `prefix`.
    pub fn new(tutors: usize, prefix: String) -> Self {
        Self {
            prefix,
            counter: AtomicU64::new(0),
            tutors,
        }
    }

    /// A tutor number, uniformly at random.
    pub fn random_tutor(&self, rng: &mut impl Rng) -> usize {
        rng.random_range(1..=self.tutors)
    }

    /// A new session of tutor number `tutor`.
    pub fn session(&self, rng: &mut impl Rng, tutor: usize) -> Value {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let now = Utc::now();
        let minutes = *MINUTES.choose(rng).expect("not empty");
        // Ended at least half an hour ago, started at most 30 days ago.
        let ago = Duration::minutes(rng.random_range(minutes + 30..30 * 24 * 60));
        let start = (now - ago)
            .duration_trunc(Duration::minutes(5))
            .unwrap_or(now - ago);
        let student = if rng.random_bool(0.1) {
            format!("{}-student-{n}", self.prefix)
        } else {
            format!("student-{tutor}-{}", rng.random_range(0..12))
        };
        let mut input = json!({
            "externalId": format!("{}-{n}", self.prefix),
            "tutorExternalId": tutor_external_id(tutor),
            "studentRef": student,
            "scheduledStart": time(start),
            "scheduledMinutes": minutes,
        });
        let roll: f64 = rng.random();
        if roll < 0.70 {
            let late = match rng.random_range(0..100) {
                0..80 => rng.random_range(0..4),
                80..95 => rng.random_range(4..11),
                _ => rng.random_range(11..21),
            };
            let early = if rng.random_bool(0.15) {
                rng.random_range(10..26)
            } else {
                rng.random_range(-2..3)
            };
            let actual_start = start + Duration::minutes(late);
            let actual_end =
                (start + Duration::minutes(minutes - early)).max(actual_start + Duration::minutes(5));
            input["status"] = json!("COMPLETED");
            input["actualStart"] = json!(time(actual_start));
            input["actualEnd"] = json!(time(actual_end));
            if rng.random_bool(0.8) {
                let rating = match rng.random_range(0..100) {
                    0..50 => 5,
                    50..80 => 4,
                    80..92 => 3,
                    92..97 => 2,
                    _ => 1,
                };
                input["rating"] = json!(rating);
            }
        } else if roll < 0.95 {
            let notice_hours = if rng.random_bool(0.4) {
                rng.random_range(0.5..24.0)
            } else {
                rng.random_range(24.0..168.0)
            };
            let requested = start - Duration::minutes((notice_hours * 60.0) as i64);
            let new_start = start + Duration::days(rng.random_range(1..8));
            let (code, reason) = *REASONS.choose(rng).expect("not empty");
            input["status"] = json!("RESCHEDULED");
            input["reschedule"] = json!({
                "initiator": "TUTOR",
                "reasonCode": code,
                "reason": reason,
                "requestedAt": time(requested),
                "newStart": time(new_start),
            });
        } else {
            input["status"] = json!("TUTOR_NO_SHOW");
        }
        input
    }
}
