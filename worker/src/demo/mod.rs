//! The demo data generator: a realistic, seeded population of tutors and their sessions.
//!
//! Deterministic for a given `--seed` and `--until`; 60/25/15% reliable/shaky/problem tutors;
//! about 70% completed, 25% rescheduled (98.2% by the tutor, ~40% with under 24 h notice) and
//! 5% no-show sessions; weekday and afternoon peaks; mostly repeat students; plus the named
//! [`Persona`]s, whose ids are printed so that tests and people can check scoring finds them.
//! Rows go in with multi-row inserts inside one transaction; a recompute job per tutor is
//! enqueued in the same transaction so the worker scores everything afterwards.

mod history;
mod interventions;
mod people;
mod profile;
mod store;
mod synth;

use std::{collections::BTreeMap, time::Instant};

use chrono::{DateTime, Duration, DurationRound, Utc};
use entity::{RescheduleInitiator, SessionStatus};
use rand::{Rng, SeedableRng, seq::SliceRandom};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveEnum, DatabaseConnection, DbErr};
use serde::Serialize;
use uuid::Uuid;

pub use profile::{Behaviour, Persona, Profile};
pub use synth::{SyntheticReschedule, SyntheticSession};

/// What to generate.
#[derive(Debug, Clone, clap::Args)]
pub struct DemoOptions {
    /// Seed of the random generator: the same seed (and `--until`) gives the same data.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Number of tutors, the planted personas included.
    #[arg(long, default_value_t = 100)]
    pub tutors: usize,
    /// Days of history to generate, ending at `--until`.
    #[arg(long, default_value_t = 90)]
    pub days: u32,
    /// Total number of sessions.
    #[arg(long, default_value_t = 9_000)]
    pub sessions: usize,
    /// End of the generated history (RFC 3339); defaults to the current hour.
    #[arg(long)]
    pub until: Option<DateTime<Utc>>,
    /// Delete all existing tutors, sessions, scores, reports and jobs first.
    #[arg(long)]
    pub clear: bool,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Weeks of score history to back-fill, so that trend charts have a past (0: none).
    #[arg(long, default_value_t = 12)]
    pub history_weeks: u32,
    /// Also create demo users (an admin, coaches, a viewer) with one-time passwords, printed
    /// once, and give the demo's alerts a history of their work (people then sign in).
    #[arg(long)]
    pub users: bool,
}

impl Default for DemoOptions {
    fn default() -> Self {
        crate::config::defaults()
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("the database already holds {0} tutors; pass --clear to replace them")]
    NotEmpty(u64),
    #[error("--tutors must be at least {min} (room for the planted personas)")]
    TooFewTutors { min: usize },
    #[error("--days must be at least 7")]
    TooFewDays,
    #[error(transparent)]
    Database(#[from] DbErr),
}

/// A planted persona and where to find it.
#[derive(Debug, Clone, Serialize)]
pub struct PlantedPersona {
    pub persona: Persona,
    pub tutor_id: Uuid,
    pub external_id: String,
    pub name: String,
}

/// What was generated.
#[derive(Debug, Clone, Serialize)]
pub struct DemoSummary {
    pub tutors: usize,
    pub tutors_by_profile: BTreeMap<Profile, usize>,
    /// The population each tutor was drawn from (personas included), by tutor id.
    pub profile_of: BTreeMap<Uuid, Profile>,
    /// Sessions with an outcome.
    pub sessions: usize,
    /// Booked sessions of the coming days.
    pub booked_sessions: usize,
    pub sessions_by_status: BTreeMap<String, usize>,
    pub reschedules: usize,
    pub tutor_initiated_reschedules: usize,
    pub last_minute_reschedules: usize,
    pub first_sessions: usize,
    pub personas: Vec<PlantedPersona>,
    pub until: DateTime<Utc>,
    pub elapsed_seconds: f64,
    /// The demo users and their one-time passwords (shown once).
    pub users: Vec<DemoUser>,
}

/// A demo user as created.
#[derive(Debug, Clone, Serialize)]
pub struct DemoUser {
    pub role: entity::UserRole,
    pub email: String,
    pub name: String,
    pub password: String,
}

impl DemoSummary {
    /// Sessions inserted per second.
    pub fn sessions_per_second(&self) -> f64 {
        self.sessions as f64 / self.elapsed_seconds.max(1e-9)
    }

    /// A human-readable report of the generated data.
    pub fn report(&self) -> String {
        let pct = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
        let mut out = format!(
            "Generated {} tutors and {} sessions up to {} in {:.1} s ({:.0} sessions/s)\n",
            self.tutors,
            self.sessions,
            self.until.to_rfc3339(),
            self.elapsed_seconds,
            self.sessions_per_second()
        );
        for (profile, n) in &self.tutors_by_profile {
            out += &format!("  tutors {profile:?}: {n} ({:.0}%)\n", pct(*n, self.tutors));
        }
        for (status, n) in &self.sessions_by_status {
            out += &format!("  sessions {status}: {n} ({:.1}%)\n", pct(*n, self.sessions));
        }
        out += &format!(
            "  reschedules: {} ({:.1}% by the tutor, {:.1}% with under 24 h notice)\n",
            self.reschedules,
            pct(self.tutor_initiated_reschedules, self.reschedules),
            pct(self.last_minute_reschedules, self.reschedules)
        );
        out += &format!(
            "  booked for the next {} days: {}\n",
            synth::BOOKED_DAYS,
            self.booked_sessions
        );
        out += &format!(
            "  first sessions: {} ({:.1}%)\n",
            self.first_sessions,
            pct(self.first_sessions, self.sessions)
        );
        out += "Planted personas:\n";
        for p in &self.personas {
            out += &format!("  {:<22} {}  {}\n", p.name, p.tutor_id, p.external_id);
        }
        if !self.users.is_empty() {
            out += "Demo sign-ins (one-time passwords, shown only now):\n";
            for u in &self.users {
                out += &format!(
                    "  {:<7} {:<36} {}\n",
                    format!("{:?}", u.role).to_lowercase(),
                    u.email,
                    u.password
                );
            }
        }
        out
    }
}

/// One tutor before insertion.
pub(crate) struct DemoTutor {
    pub id: Uuid,
    pub external_id: String,
    pub name: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    pub profile: Profile,
    pub persona: Option<Persona>,
    pub sessions: Vec<SyntheticSession>,
}

const FIRST_NAMES: [&str; 24] = [
    "Ava", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Isla", "Jonas", "Kemi", "Liam",
    "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor", "Wen", "Yusuf",
];
const LAST_NAMES: [&str; 20] = [
    "Adams", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ibrahim", "Jensen", "Kim",
    "Lopez", "Morgan", "Nakamura", "Okafor", "Patel", "Rossi", "Silva", "Turner", "Weber",
];

/// Builds the whole data set in memory-sized pieces and writes it; see the module docs.
pub async fn generate(
    db: &DatabaseConnection,
    options: &DemoOptions,
    now: DateTime<Utc>,
) -> Result<DemoSummary, DemoError> {
    let min = Persona::PLANTED.len() + 3;
    if options.tutors < min {
        return Err(DemoError::TooFewTutors { min });
    }
    if options.days < 7 {
        return Err(DemoError::TooFewDays);
    }
    let started = Instant::now();
    let until = options
        .until
        .unwrap_or_else(|| now.duration_trunc(Duration::hours(1)).unwrap_or(now));
    let from = until - Duration::days(options.days.into());
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);

    let tutors = plan_tutors(&mut rng, options, from, until);
    let mut summary = store::write(db, options, tutors, &mut rng, until, now, started).await?;
    if options.users {
        summary.users = people::create(db, now).await?;
    }
    Ok(summary)
}

/// Decides every tutor's profile and session count, then synthesises their sessions.
fn plan_tutors(
    rng: &mut ChaCha8Rng,
    options: &DemoOptions,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<DemoTutor> {
    // Profiles: personas first, then the rest of each population's exact share, shuffled.
    let mut remaining: BTreeMap<Profile, usize> = Profile::split(options.tutors).into_iter().collect();
    for persona in Persona::PLANTED {
        let slot = remaining
            .get_mut(&persona.profile())
            .expect("every profile present");
        *slot = slot.saturating_sub(1);
    }
    let mut population: Vec<Profile> = remaining
        .iter()
        .flat_map(|(p, n)| std::iter::repeat_n(*p, *n))
        .collect();
    population.truncate(options.tutors - Persona::PLANTED.len());
    population.shuffle(rng);

    let kinds: Vec<(Profile, Option<Persona>)> = Persona::PLANTED
        .iter()
        .map(|p| (p.profile(), Some(*p)))
        .chain(population.into_iter().map(|p| (p, None)))
        .collect();

    // Session volume: fixed for small-sample personas, the rest shared by activity weight.
    let fixed: usize = kinds
        .iter()
        .filter_map(|(_, p)| p.and_then(Persona::fixed_sessions))
        .sum();
    let weights: Vec<f64> = kinds
        .iter()
        .map(|(_, p)| match p.and_then(Persona::fixed_sessions) {
            Some(_) => 0.0,
            None => 0.5 + 1.5 * rng.random::<f64>(),
        })
        .collect();
    let total_weight: f64 = weights.iter().sum();
    let shared = options.sessions.saturating_sub(fixed) as f64;

    let mut next_student = 0u64;
    kinds
        .into_iter()
        .zip(weights)
        .enumerate()
        .map(|(index, ((profile, persona), weight))| {
            let first = FIRST_NAMES[index % FIRST_NAMES.len()];
            let last = LAST_NAMES[(index / FIRST_NAMES.len() + index * 7) % LAST_NAMES.len()];
            let name = match persona {
                Some(p) => format!("{} ({})", p.label(), first),
                None => format!("{first} {last}"),
            };
            let number = index + 1;
            let created_at = from - Duration::days(rng.random_range(1..365));
            let behaviour = persona
                .map(Persona::behaviour)
                .unwrap_or_else(|| profile.behaviour());
            let (count, window_start, forced) = match persona.and_then(Persona::fixed_sessions) {
                // Newcomers joined a week ago: completed, rescheduled by the tutor, completed.
                Some(n) => (
                    n,
                    until - Duration::days(7),
                    Some(&[
                        SessionStatus::Completed,
                        SessionStatus::Rescheduled,
                        SessionStatus::Completed,
                    ] as synth::ForcedStatuses),
                ),
                None => ((shared * weight / total_weight).round() as usize, from, None),
            };
            let sessions = synth::tutor_sessions(
                rng,
                &behaviour,
                count,
                window_start,
                until,
                &mut next_student,
                forced,
            );
            DemoTutor {
                id: synth::demo_uuid(rng, created_at),
                external_id: format!("demo-tutor-{number:05}"),
                email: format!(
                    "{}.{}.{number}@tutors.example",
                    first.to_lowercase(),
                    last.to_lowercase()
                ),
                name,
                created_at,
                profile,
                persona,
                sessions,
            }
        })
        .collect()
}

/// Tallies of the generated data, filled while writing.
#[derive(Default)]
pub(crate) struct Tally {
    pub sessions: usize,
    /// Booked sessions of the coming days (not in the other counts).
    pub booked: usize,
    pub by_status: BTreeMap<String, usize>,
    pub reschedules: usize,
    pub tutor_initiated: usize,
    pub last_minute: usize,
    pub first_sessions: usize,
}

impl Tally {
    pub fn add(&mut self, s: &SyntheticSession) {
        if s.status == SessionStatus::Scheduled {
            self.booked += 1;
            return;
        }
        self.sessions += 1;
        *self.by_status.entry(s.status.to_value()).or_default() += 1;
        self.first_sessions += usize::from(s.is_first_session);
        if let Some(r) = &s.reschedule {
            self.reschedules += 1;
            self.tutor_initiated += usize::from(r.initiator == RescheduleInitiator::Tutor);
            self.last_minute += usize::from(r.notice_hours < 24.0);
        }
    }
}
