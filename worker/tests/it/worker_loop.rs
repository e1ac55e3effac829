//! The worker loop driven one step at a time, with a manual clock.

use chrono::Duration;
use entity::{prelude::*, *};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, Set, Statement,
};
use uuid::Uuid;
use worker::{
    clock::Clock,
    demo::{self, DemoOptions, Persona},
    events::{Event, EventBus},
    jobs,
    runner::{Worker, WorkerConfig},
    scoring::{self, FlagCode, ScoreReport, ScoringConfig},
    sessions,
};

use crate::helpers::{TestWorld, hour_session, now, spawn_worker};

async fn setup() -> TestWorld {
    spawn_worker(None).await
}

async fn stored_report(db: &DatabaseConnection, tutor_id: Uuid) -> (tutor_score::Model, ScoreReport) {
    let row = TutorScore::find_by_id(tutor_id)
        .one(db)
        .await
        .unwrap()
        .expect("score stored");
    let report = row.details.decode().unwrap();
    (row, report)
}

async fn jobs_with(db: &DatabaseConnection, status: JobStatus) -> u64 {
    Job::find()
        .filter(job::Column::Status.eq(status))
        .count(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn one_step_scores_a_tutor_stores_history_and_publishes_after_commit() {
    let s = setup().await;
    let db = s.db();
    let ada = s.tutor("ada", "ada").await;
    let id = ada.id;
    for d in 1..=6 {
        s.record(hour_session(&ada, "student", SessionStatus::Completed, d))
            .await;
    }
    let mut events = s.bus.subscribe();

    // The six sessions' recompute jobs coalesce into one recompute.
    let outcome = s.worker.step().await.unwrap();
    assert_eq!(
        (outcome.claimed, outcome.tutors_recomputed, outcome.failed),
        (6, 1, 0)
    );
    let (row, report) = stored_report(db, id).await;
    assert_eq!(row.version, 1);
    assert_eq!(row.risk_level, RiskLevel::Low);
    assert_eq!(row.sessions_30d, 6);
    assert_eq!(report.window(7).unwrap().sessions, 6);
    assert_eq!(ScoreHistory::find().count(db).await.unwrap(), 1);
    assert_eq!(jobs_with(db, JobStatus::Done).await, 6);

    match events.recv().await.unwrap().as_ref() {
        Event::ScoreUpdated(e) => assert_eq!((e.tutor_id, e.version, e.tutor_name.as_str()), (id, 1, "ada")),
        other => panic!("expected ScoreUpdated first, got {other:?}"),
    }
    match events.recv().await.unwrap().as_ref() {
        Event::RiskLevelChanged(e) => assert_eq!((e.from, e.to), (None, RiskLevel::Low)),
        other => panic!("expected RiskLevelChanged, got {other:?}"),
    }

    // Nothing due: an idle step.
    assert!(s.worker.step().await.unwrap().is_idle());
    // Recomputing again bumps the version but appends no unchanged history point.
    jobs::enqueue_recompute(db, [id], now()).await.unwrap();
    s.worker.step().await.unwrap();
    assert_eq!(stored_report(db, id).await.0.version, 2);
    assert_eq!(ScoreHistory::find().count(db).await.unwrap(), 1);
}

#[tokio::test]
async fn jobs_for_the_same_tutor_coalesce_into_one_recompute() {
    let s = setup().await;
    let db = s.db();
    let (a, b) = (s.tutor("a", "a").await.id, s.tutor("b", "b").await.id);
    jobs::enqueue_recompute(db, [a, a, a, b, a, b], now())
        .await
        .unwrap();
    let outcome = s.worker.step().await.unwrap();
    assert_eq!((outcome.claimed, outcome.tutors_recomputed), (6, 2));
    assert_eq!(stored_report(db, a).await.0.version, 1);
    assert_eq!(stored_report(db, b).await.0.version, 1);
    assert_eq!(jobs_with(db, JobStatus::Done).await, 6);
}

/// Finished jobs stay for days and soon outnumber the pending ones by thousands to one: a
/// claim must find the few it takes without reading the others, on Postgres through the
/// partial index of pending jobs even before the table's statistics have caught up.
#[tokio::test]
async fn a_claim_finds_the_pending_jobs_without_reading_the_finished_ones() {
    let s = spawn_worker(None).await;
    let db = s.db();
    // A burst: 3,000 jobs queued, the statistics taken then, and all of them done since.
    let burst = (0..3_000).map(|_| jobs::new_job(JobKind::RecomputeAll, serde_json::json!({}), now(), now()));
    for chunk in burst.collect::<Vec<_>>().chunks(500) {
        Job::insert_many(chunk.to_vec())
            .exec_without_returning(db)
            .await
            .unwrap();
    }
    db.execute_unprepared("ANALYZE jobs").await.unwrap();
    Job::update_many()
        .col_expr(
            entity::job::Column::Status,
            sea_orm::sea_query::Expr::value(JobStatus::Done),
        )
        .exec(db)
        .await
        .unwrap();
    let tutor = s.tutor("pending", "pending").await.id;
    jobs::enqueue_recompute(db, [tutor], now()).await.unwrap();

    let query = db
        .get_database_backend()
        .build(&jobs::claimable(jobs::Queue::Scores, 100, now()));
    let explain = match db.get_database_backend() {
        DbBackend::Postgres => "EXPLAIN ",
        _ => "EXPLAIN QUERY PLAN ",
    };
    let explained = Statement {
        sql: format!("{explain}{}", query.sql),
        ..query
    };
    let plan: Vec<String> = db
        .query_all_raw(explained)
        .await
        .unwrap()
        .iter()
        .map(|row| match db.get_database_backend() {
            DbBackend::Postgres => row.try_get::<String>("", "QUERY PLAN").unwrap(),
            _ => row.try_get::<String>("", "detail").unwrap(),
        })
        .collect();
    match db.get_database_backend() {
        DbBackend::Postgres => assert!(
            plan.iter().any(|line| line.contains("idx_jobs_claimable"))
                && !plan.iter().any(|line| line.contains("Seq Scan on jobs")),
            "the claim does not read through the index of pending jobs: {plan:#?}"
        ),
        _ => assert!(
            plan.iter().any(|line| line.contains("idx_jobs_claimable")),
            "the claim does not read through the index of pending jobs: {plan:#?}"
        ),
    }
    let claimed = jobs::claim_from(db, jobs::Queue::Scores, "w", 100, Duration::seconds(60), now())
        .await
        .unwrap();
    assert_eq!(
        claimed.iter().map(|j| j.tutor_id).collect::<Vec<_>>(),
        vec![Some(tutor)]
    );
}

#[tokio::test]
async fn claiming_one_recompute_of_a_tutor_claims_every_due_recompute_of_that_tutor() {
    // One job per claim: without the siblings, tutor a would be recomputed three times.
    let config = WorkerConfig {
        batch_size: 1,
        ..crate::helpers::test_worker_config()
    };
    let s = crate::helpers::spawn_worker_with(None, config).await;
    let db = s.db();
    let (a, b) = (s.tutor("a", "a").await.id, s.tutor("b", "b").await.id);
    jobs::enqueue_recompute(db, [a, b, a, a, b], now()).await.unwrap();
    // A snooze's recompute, due later, is not taken early.
    jobs::enqueue_recompute_at(db, a, now() + Duration::hours(1), now())
        .await
        .unwrap();

    let first = s.worker.step().await.unwrap();
    assert_eq!((first.claimed, first.tutors_recomputed), (3, 1));
    assert_eq!(stored_report(db, a).await.0.version, 1);
    assert!(TutorScore::find_by_id(b).one(db).await.unwrap().is_none());
    let second = s.worker.step().await.unwrap();
    assert_eq!((second.claimed, second.tutors_recomputed), (2, 1));
    assert!(s.worker.step().await.unwrap().is_idle());
    assert_eq!(jobs_with(db, JobStatus::Done).await, 5);
    assert_eq!(
        jobs_with(db, JobStatus::Queued).await,
        1,
        "the snooze's recompute waits"
    );
}

#[tokio::test]
async fn a_crash_between_claim_and_commit_leaves_the_job_to_be_retried() {
    let s = setup().await;
    let db = s.db();
    let id = s.tutor("crashy", "crashy").await.id;
    jobs::enqueue_recompute(db, [id], now()).await.unwrap();
    // A worker claims the job and dies before committing anything.
    let lease = Duration::seconds(WorkerConfig::default().lease_seconds);
    let taken = jobs::claim(db, "doomed-worker", 10, lease, now()).await.unwrap();
    assert_eq!(taken.len(), 1);

    // While the lease holds, nobody else runs it.
    assert!(s.worker.step().await.unwrap().is_idle());
    assert!(TutorScore::find_by_id(id).one(db).await.unwrap().is_none());

    // Once it expires, another worker takes over and finishes it.
    s.clock.advance(lease + Duration::seconds(1));
    let outcome = s.worker.step().await.unwrap();
    assert_eq!(outcome.tutors_recomputed, 1);
    let job = Job::find().one(db).await.unwrap().unwrap();
    assert_eq!((job.status, job.attempts), (JobStatus::Done, 2));
    assert!(
        job.locked_by
            .unwrap()
            .starts_with(&s.worker.id[..s.worker.id.len() - 9])
    );
}

#[tokio::test]
async fn failing_jobs_back_off_then_die_and_an_admin_can_retry_them() {
    let s = setup().await;
    let db = s.db();
    job::ActiveModel {
        ..jobs::new_job(
            JobKind::RecomputeTutor,
            serde_json::json!({"tutor": "nonsense"}),
            now(),
            now(),
        )
    }
    .insert(db)
    .await
    .unwrap();
    let mut delays = Vec::new();
    for attempt in 1..=3 {
        let outcome = s.worker.step().await.unwrap();
        assert_eq!(outcome.failed, 1, "attempt {attempt}");
        let job = Job::find().one(db).await.unwrap().unwrap();
        assert!(job.last_error.as_deref().unwrap().contains("malformed payload"));
        delays.push(job.run_after - s.clock.now());
        if attempt < 3 {
            assert_eq!(job.status, JobStatus::Queued);
            assert!(
                s.worker.step().await.unwrap().is_idle(),
                "not due before its backoff"
            );
            s.clock.set(job.run_after);
        } else {
            assert_eq!(job.status, JobStatus::Dead);
        }
    }
    assert!(delays[0] < delays[1], "backoff grows: {delays:?}");
    s.clock.advance(Duration::days(1));
    assert!(s.worker.step().await.unwrap().is_idle(), "dead jobs stay dead");

    let dead = Job::find().one(db).await.unwrap().unwrap();
    assert!(jobs::retry_dead(db, dead.id, s.clock.now()).await.unwrap());
    let again = Job::find().one(db).await.unwrap().unwrap();
    assert_eq!((again.status, again.attempts), (JobStatus::Queued, 0));
    assert_eq!(s.worker.step().await.unwrap().claimed, 1);
}

#[tokio::test]
async fn recompute_all_enqueues_every_active_tutor_and_schedules_the_next_round() {
    let s = setup().await;
    let db = s.db();
    let (a, b) = (s.tutor("a", "a").await.id, s.tutor("b", "b").await.id);
    let inactive = s.tutor("gone", "gone").await.id;
    let mut row: tutor::ActiveModel = Tutor::find_by_id(inactive).one(db).await.unwrap().unwrap().into();
    row.active = Set(false);
    row.update(db).await.unwrap();

    s.worker.schedule_periodic().await.unwrap();
    s.worker.schedule_periodic().await.unwrap();
    assert_eq!(
        Job::find().count(db).await.unwrap(),
        2,
        "scheduling twice keeps one periodic recompute and one model fit"
    );
    // With no model yet, the first fit is due at once (on no outcomes: nothing is promoted).
    assert_eq!(s.worker.step().await.unwrap().claimed, 1);
    let fitted = worker::predictions::store::latest(db)
        .await
        .unwrap()
        .expect("a fit ran");
    assert!(
        !fitted.promoted && fitted.reason.contains("only 0 outcomes"),
        "{}",
        fitted.reason
    );
    assert!(
        s.worker.step().await.unwrap().is_idle(),
        "the recompute is not due yet"
    );

    s.clock.advance(Duration::hours(1));
    s.worker.step().await.unwrap(); // recompute_all: enqueues per-tutor jobs
    s.worker.step().await.unwrap(); // the per-tutor jobs
    assert!(TutorScore::find_by_id(a).one(db).await.unwrap().is_some());
    assert!(TutorScore::find_by_id(b).one(db).await.unwrap().is_some());
    assert!(TutorScore::find_by_id(inactive).one(db).await.unwrap().is_none());
    let next = Job::find()
        .filter(job::Column::Kind.eq(JobKind::RecomputeAll))
        .filter(job::Column::Status.eq(JobStatus::Queued))
        .one(db)
        .await
        .unwrap()
        .expect("next round scheduled");
    assert_eq!(next.run_after, s.clock.now() + Duration::hours(1));
}

/// Runs steps until nothing is due.
async fn drain(worker: &Worker) {
    while !worker.step().await.unwrap().is_idle() {}
}

#[tokio::test]
async fn the_planted_personas_are_flagged_and_small_samples_are_not() {
    let s = setup().await;
    let db = s.db();
    let summary = demo::generate(
        db,
        &DemoOptions {
            seed: 3,
            until: Some(now()),
            ..DemoOptions::default()
        },
        now(),
    )
    .await
    .unwrap();
    drain(&s.worker).await;
    assert_eq!(TutorScore::find().count(db).await.unwrap(), 100);

    for planted in &summary.personas {
        let (row, report) = stored_report(db, planted.tutor_id).await;
        let codes: Vec<FlagCode> = report.flags.iter().map(|f| f.code).collect();
        let expected = match planted.persona {
            Persona::ChronicRescheduler => Some(FlagCode::RescheduleRate),
            Persona::SerialNoShow => Some(FlagCode::NoShowRate),
            Persona::LateStarter => Some(FlagCode::LateStartRate),
            Persona::EarlyEnder => Some(FlagCode::EarlyEndRate),
            Persona::PoorFirstSessions => Some(FlagCode::PoorFirstSessions),
            Persona::ReliableNewcomer => None,
        };
        match expected {
            Some(code) => {
                assert!(
                    codes.contains(&code),
                    "{}: expected {code:?}, got {codes:?}",
                    planted.name
                );
                assert_eq!(row.risk_level, RiskLevel::High, "{}", planted.name);
                let flag = report.flags.iter().find(|f| f.code == code).unwrap();
                assert!(!flag.evidence.is_empty() && !flag.recommendation.is_empty());
            }
            None => {
                assert!(
                    codes.is_empty(),
                    "{} has a tiny sample but got {codes:?}",
                    planted.name
                );
                assert_eq!(row.risk_level, RiskLevel::Low);
                assert!(!report.window(7).unwrap().enough_data || report.window(7).unwrap().sessions >= 5);
            }
        }
    }

    // The population's risk mix: reliable tutors (60%) low; shaky ones reschedule 38% of
    // their sessions, within reach of the 40% critical level, so most of them are high risk
    // with the problem tutors (15%); about 55/10/35.
    let count = |level| async move {
        TutorScore::find()
            .filter(tutor_score::Column::RiskLevel.eq(level))
            .count(db)
            .await
            .unwrap()
    };
    let (low, medium, high) = (
        count(RiskLevel::Low).await,
        count(RiskLevel::Medium).await,
        count(RiskLevel::High).await,
    );
    assert!(
        (50..=70).contains(&low),
        "low {low}, medium {medium}, high {high}"
    );
    assert!(
        (4..=16).contains(&medium),
        "low {low}, medium {medium}, high {high}"
    );
    assert!(
        (26..=46).contains(&high),
        "low {low}, medium {medium}, high {high}"
    );
}

#[tokio::test]
async fn every_stored_score_equals_a_from_scratch_recompute() {
    let s = setup().await;
    let db = s.db();
    let options = DemoOptions {
        tutors: 20,
        sessions: 800,
        seed: 9,
        until: Some(now()),
        ..DemoOptions::default()
    };
    demo::generate(db, &options, now()).await.unwrap();
    drain(&s.worker).await;
    let config = ScoringConfig::default();
    for row in TutorScore::find().all(db).await.unwrap() {
        let facts = sessions::read::facts(db, row.tutor_id, now(), &config)
            .await
            .unwrap();
        let history: Vec<_> = ScoreHistory::find()
            .filter(score_history::Column::TutorId.eq(row.tutor_id))
            .all(db)
            .await
            .unwrap();
        // Twelve back-filled weekly points (version 0), then the worker's first real one.
        assert_eq!(history.len(), 13);
        let versions: Vec<i64> = history.iter().map(|p| p.version).collect();
        assert_eq!(versions.iter().filter(|v| **v == 0).count(), 12);
        assert!(
            history
                .iter()
                .filter(|p| p.version == 0)
                .all(|p| p.computed_at < now())
        );
        let fresh = scoring::score(&facts, now(), &[], &config);
        let stored: ScoreReport = row.details.decode().unwrap();
        assert_eq!(stored, fresh);
    }
}

#[tokio::test]
async fn a_model_fit_is_claimed_apart_from_the_scores_so_it_never_delays_one() {
    let s = setup().await;
    let db = s.db();
    let ada = s.tutor("ada", "ada").await;
    s.record(hour_session(&ada, "student", SessionStatus::Completed, 1))
        .await;
    let at = s.clock.now();
    jobs::ensure_scheduled(db, JobKind::TrainModel, at, at)
        .await
        .unwrap();

    // The scores' queue takes the recompute and leaves the fit.
    let scores = s.worker.step_of(&[jobs::Queue::Scores]).await.unwrap();
    assert_eq!((scores.claimed, scores.tutors_recomputed), (1, 1));
    let fit = Job::find()
        .filter(job::Column::Kind.eq(JobKind::TrainModel))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(fit.status, JobStatus::Queued);

    // The model's queue takes the fit, and only the fit.
    s.record(hour_session(&ada, "student", SessionStatus::Completed, 2))
        .await;
    let model = s.worker.step_of(&[jobs::Queue::Model]).await.unwrap();
    assert_eq!((model.claimed, model.tutors_recomputed), (1, 0));
    let fit = Job::find_by_id(fit.id).one(db).await.unwrap().unwrap();
    assert_eq!(fit.status, JobStatus::Done);
    assert_eq!(
        jobs_with(db, JobStatus::Queued).await,
        2,
        "the new recompute and the next fit"
    );
}

#[tokio::test]
async fn a_step_recomputes_the_tutor_whose_job_waited_longest_first() {
    let config = WorkerConfig {
        concurrency: 1,
        ..crate::helpers::test_worker_config()
    };
    let s = crate::helpers::spawn_worker_with(None, config).await;
    // Tutor ids grow with creation; their sessions arrive in the other order.
    let tutors = [
        s.tutor("first", "First").await,
        s.tutor("second", "Second").await,
        s.tutor("third", "Third").await,
    ];
    for t in tutors.iter().rev() {
        s.record(hour_session(t, "student", SessionStatus::Completed, 1))
            .await;
    }
    let mut events = s.bus.subscribe();
    assert_eq!(s.worker.step().await.unwrap().tutors_recomputed, 3);
    let mut order = Vec::new();
    while let Ok(event) = events.try_recv() {
        if let Event::ScoreUpdated(e) = event.as_ref() {
            order.push(e.tutor_name.clone());
        }
    }
    assert_eq!(order, ["Third", "Second", "First"]);
}
