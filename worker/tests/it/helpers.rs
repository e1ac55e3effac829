//! What the worker's integration tests share: a fresh database per test, a manual clock, an
//! in-process bus and a worker driven one step at a time; tutors and sessions written through
//! the same write path as `upsertTutor` and `recordSession`.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use entity::{SessionStatus, tutor};
use sea_orm::DatabaseConnection;
use worker::{
    clock::{Clock, ManualClock},
    events::InProcessBus,
    mail::MailService,
    runner::{Worker, WorkerConfig},
    scoring::ScoringConfig,
    sessions::{self, Recorded, SessionDraft, ValidSession},
    testing::TestDatabase,
    tutors::{TutorInput, TutorRef, store::upsert_tutor},
};

/// The tests' "now".
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

/// One test's world.
pub struct TestWorld {
    pub database: TestDatabase,
    pub clock: Arc<ManualClock>,
    pub bus: Arc<InProcessBus>,
    pub worker: Worker,
}

/// A fresh database and a worker on it (three attempts per job), sending email through
/// `mail` when given.
pub async fn spawn_worker(mail: Option<MailService>) -> TestWorld {
    spawn_worker_with(mail, test_worker_config()).await
}

/// The same with the worker's settings given.
pub async fn spawn_worker_with(mail: Option<MailService>, config: WorkerConfig) -> TestWorld {
    let database = TestDatabase::migrated().await;
    let clock = ManualClock::new(now());
    let bus = InProcessBus::new();
    let worker = Worker::new(
        database.db.clone(),
        bus.clone(),
        clock.clone(),
        ScoringConfig::default(),
        config,
    );
    let worker = match mail {
        Some(mail) => worker.with_mail(mail),
        None => worker,
    };
    TestWorld {
        database,
        clock,
        bus,
        worker,
    }
}

/// Another worker on the same database, clock and bus (concurrency tests).
pub fn worker_for(db: &DatabaseConnection, clock: &Arc<ManualClock>, bus: &Arc<InProcessBus>) -> Worker {
    Worker::new(
        db.clone(),
        bus.clone(),
        clock.clone(),
        ScoringConfig::default(),
        test_worker_config(),
    )
}

/// The tests' worker settings: the defaults with three attempts per job.
pub fn test_worker_config() -> WorkerConfig {
    WorkerConfig {
        max_attempts: 3,
        ..WorkerConfig::default()
    }
}

impl TestWorld {
    pub fn db(&self) -> &DatabaseConnection {
        &self.database.db
    }

    /// A tutor created as `upsertTutor` creates one (external id `ext-<key>`).
    pub async fn tutor(&self, key: &str, name: &str) -> tutor::Model {
        let valid = TutorInput {
            external_id: format!("ext-{key}"),
            name: name.into(),
            email: format!("{key}@tutors.example"),
            active: true,
        }
        .validate("input")
        .expect("a valid tutor");
        upsert_tutor(self.db(), &valid, self.clock.now())
            .await
            .expect("stored")
            .0
    }

    /// Records a session as `recordSession` does: the same checks, the same transaction
    /// (session, reschedule, first-session derivation, recompute job), the same events.
    pub async fn record(&self, draft: SessionDraft) -> Recorded {
        let now = self.clock.now();
        let valid = ValidSession::check("input", draft, now).expect("a valid session");
        let bus: worker::events::SharedBus = self.bus.clone();
        sessions::record_session(self.db(), &bus, &valid, "input", now)
            .await
            .expect("recorded")
    }

    /// Records a batch as `recordSessions` does (one transaction, a savepoint per item).
    pub async fn record_batch(&self, drafts: Vec<SessionDraft>) -> Vec<Recorded> {
        let now = self.clock.now();
        let items = drafts
            .into_iter()
            .enumerate()
            .map(|(i, draft)| ValidSession::check(&format!("inputs[{i}]"), draft, now))
            .collect();
        let bus: worker::events::SharedBus = self.bus.clone();
        sessions::record_sessions(self.db(), &bus, items, now)
            .await
            .expect("recorded")
            .into_iter()
            .map(|r| r.expect("every item valid"))
            .collect()
    }

    /// Runs worker steps until nothing is due.
    pub async fn drain(&self) {
        for _ in 0..50 {
            if self.worker.step().await.unwrap().is_idle() {
                return;
            }
        }
        panic!("jobs keep coming");
    }
}

/// A one-hour session of `tutor` with `student`, `days_ago` days (and three hours) before
/// now, with the given status: completed on time and rated 5, or a no-show.
pub fn hour_session(
    tutor: &tutor::Model,
    student: &str,
    status: SessionStatus,
    days_ago: i64,
) -> SessionDraft {
    let start = now() - Duration::days(days_ago) - Duration::hours(3);
    let completed = status == SessionStatus::Completed;
    SessionDraft {
        external_id: format!("s-{}", uuid::Uuid::new_v4().simple()),
        tutor: TutorRef::Id(tutor.id),
        student_ref: student.into(),
        scheduled_start: start,
        scheduled_minutes: 60,
        status,
        actual_start: completed.then_some(start),
        actual_end: completed.then_some(start + Duration::minutes(60)),
        rating: completed.then_some(5),
        reschedule: None,
        booked_at: None,
    }
}
