//! Recomputing several tutors in one transaction: the same scores, alerts and history as
//! recomputing each alone, and one tutor's failure holds none of the others back.

use std::collections::BTreeMap;

use chrono::Duration;
use entity::{prelude::*, *};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;
use worker::{
    alerts::AlertsConfig,
    clock::Clock,
    jobs,
    predictions::PredictionConfig,
    runner::WorkerConfig,
    scores::{self, Effects, Request},
    scoring::ScoringConfig,
    sessions::SessionDraft,
    testing::Backend,
};

use crate::helpers::{TestWorld, hour_session, now, spawn_worker, spawn_worker_with};

/// Tutors named by their behaviour, and `days` of sessions for each: `(completed, no-shows)`.
const ROUND_ONE: [(&str, usize, usize); 4] = [
    ("steady", 30, 0),
    ("absent", 20, 12),
    ("mixed", 15, 5),
    ("new", 0, 0),
];
/// What each records next: the steady one stops showing up, the absent one recovers.
const ROUND_TWO: [(&str, usize, usize); 4] = [
    ("steady", 0, 15),
    ("absent", 60, 0),
    ("mixed", 5, 1),
    ("new", 3, 0),
];

/// Records each tutor's sessions of a round, in the days before the world's clock.
async fn record_round(
    world: &TestWorld,
    tutors: &BTreeMap<&str, tutor::Model>,
    round: &[(&str, usize, usize)],
) {
    let shift = world.clock.now() - now();
    let at = |mut session: SessionDraft| {
        session.scheduled_start += shift;
        session.actual_start = session.actual_start.map(|t| t + shift);
        session.actual_end = session.actual_end.map(|t| t + shift);
        session
    };
    for (name, completed, no_shows) in round {
        let outcomes = [
            (SessionStatus::Completed, "c", *completed),
            (SessionStatus::TutorNoShow, "n", *no_shows),
        ];
        for (status, student, count) in outcomes {
            for i in 0..count {
                let session =
                    hour_session(&tutors[name], &format!("{student}{i}"), status, 1 + i as i64 % 20);
                world.record(at(session)).await;
            }
        }
    }
}

/// Recomputes `tutors` (plus, when `together`, one id that names no tutor) in one
/// transaction, or one transaction each.
async fn recompute(world: &TestWorld, tutors: &BTreeMap<&str, tutor::Model>, together: bool) {
    let (scoring, alerts, predictions) = (
        ScoringConfig::default(),
        AlertsConfig::default(),
        PredictionConfig::default(),
    );
    let effects = Effects {
        alerts: &alerts,
        predictions: &predictions,
        model: None,
        mail: None,
    };
    let request = |tutor_id| Request {
        tutor_id,
        satisfies: &[],
        sessions: &[],
    };
    let (db, clock) = (world.db(), world.clock.as_ref());
    if together {
        let gone = Uuid::now_v7();
        let requests: Vec<Request> = tutors
            .values()
            .map(|t| request(t.id))
            .chain([request(gone)])
            .collect();
        let recomputed = scores::recompute_tutors(db, &requests, "test", clock, &scoring, &effects)
            .await
            .unwrap();
        let names: Vec<&str> = recomputed.iter().map(|r| r.tutor_name.as_str()).collect();
        assert_eq!(
            names,
            tutors.keys().copied().collect::<Vec<_>>(),
            "in request order, without the missing tutor"
        );
    } else {
        for tutor in tutors.values() {
            scores::recompute_tutor(db, request(tutor.id), "test", clock, &scoring, &effects)
                .await
                .unwrap()
                .expect("the tutor exists");
        }
    }
}

/// Everything a recompute stores, by tutor name, without the ids that differ between two
/// databases.
async fn stored(world: &TestWorld) -> Vec<String> {
    let db = world.db();
    let names: BTreeMap<Uuid, String> = Tutor::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let mut out = Vec::new();
    for s in TutorScore::find().all(db).await.unwrap() {
        out.push(format!(
            "score {} v{} {:?} {} since {} from {:?} [{}] {} {} {} {} {} {} {} {}",
            names[&s.tutor_id],
            s.version,
            s.risk_level,
            s.quality_score,
            s.risk_since,
            s.previous_risk_level,
            s.flag_codes,
            s.reschedule_rate_7d,
            s.reschedule_rate_30d,
            s.reschedule_rate_90d,
            s.no_show_rate_30d,
            s.late_start_rate_30d,
            s.early_end_rate_30d,
            s.sessions_30d,
            s.details.as_str(),
        ));
    }
    for h in ScoreHistory::find().all(db).await.unwrap() {
        out.push(format!(
            "history {} v{} {:?} {} {} at {}",
            names[&h.tutor_id], h.version, h.risk_level, h.quality_score, h.no_show_rate_30d, h.computed_at
        ));
    }
    for a in Alert::find().all(db).await.unwrap() {
        out.push(format!(
            "alert {} {} {:?} {:?} {:?} v{} {}",
            names[&a.tutor_id], a.flag_code, a.status, a.severity, a.resolution, a.version, a.latest_evidence
        ));
    }
    let audit = AuditEvent::find()
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await
        .unwrap();
    for e in audit {
        let tutor = e.tutor_id.map(|id| names[&id].clone());
        out.push(format!(
            "audit {} {:?} {:?} {:?}",
            e.action, tutor, e.before, e.after
        ));
    }
    out.sort();
    out
}

#[tokio::test]
async fn tutors_recomputed_together_get_what_each_gets_alone() {
    let (together, alone) = (spawn_worker(None).await, spawn_worker(None).await);
    let mut worlds = Vec::new();
    for world in [&together, &alone] {
        let mut tutors = BTreeMap::new();
        for (name, _, _) in ROUND_ONE {
            tutors.insert(name, world.tutor(name, name).await);
        }
        worlds.push((world, tutors));
    }
    // The second round is 100 days later: the first one's sessions have left every window.
    for (round, later) in [
        (&ROUND_ONE, Duration::hours(1)),
        (&ROUND_TWO, Duration::days(100)),
    ] {
        for (world, tutors) in &worlds {
            world.clock.advance(later);
            record_round(world, tutors, round).await;
            recompute(world, tutors, std::ptr::eq(*world, &together)).await;
        }
    }
    let (batched, single) = (stored(&together).await, stored(&alone).await);
    // The rounds exercise what a recompute decides: alerts opened and recovered, risk changes
    // on the timeline, second versions.
    for kind in [
        "alert absent no_show_rate",
        "Recovered",
        "audit tutor.risk_changed",
        "history steady v2",
    ] {
        assert!(single.iter().any(|line| line.contains(kind)), "{kind} missing");
    }
    assert_eq!(batched.len(), single.len());
    for (batched, single) in batched.iter().zip(&single) {
        assert_eq!(batched, single);
    }
}

/// Makes storing the score of the tutor named `Broken` fail, as a database fault would.
async fn break_scores_of_broken(world: &TestWorld) {
    let statements: &[&str] = match world.database.backend {
        Backend::Sqlite => &["CREATE TRIGGER broken_tutor BEFORE INSERT ON tutor_scores \
              WHEN (SELECT name FROM tutors WHERE id = NEW.tutor_id) = 'Broken' \
              BEGIN SELECT RAISE(ABORT, 'broken tutor'); END"],
        Backend::Postgres => &[
            "CREATE FUNCTION broken_tutor() RETURNS trigger AS $$ BEGIN \
               IF (SELECT name FROM tutors WHERE id = NEW.tutor_id) = 'Broken' THEN \
                 RAISE EXCEPTION 'broken tutor'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER broken_tutor BEFORE INSERT ON tutor_scores \
               FOR EACH ROW EXECUTE FUNCTION broken_tutor()",
        ],
    };
    for statement in statements {
        world.db().execute_unprepared(statement).await.unwrap();
    }
}

#[tokio::test]
async fn one_tutor_failing_to_recompute_holds_back_none_of_the_others() {
    // One transaction for the step's tutors.
    let config = WorkerConfig {
        concurrency: 1,
        ..crate::helpers::test_worker_config()
    };
    let s = spawn_worker_with(None, config).await;
    let tutors = [
        s.tutor("ada", "Ada").await,
        s.tutor("broken", "Broken").await,
        s.tutor("cy", "Cy").await,
    ];
    break_scores_of_broken(&s).await;
    // As the periodic recompute asks: no recorded session, so the three go together.
    jobs::enqueue_recompute(s.db(), tutors.iter().map(|t| t.id), s.clock.now())
        .await
        .unwrap();

    let outcome = s.worker.step().await.unwrap();
    assert_eq!((outcome.tutors_recomputed, outcome.failed), (2, 1));
    let scored: Vec<Uuid> = TutorScore::find()
        .all(s.db())
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.tutor_id)
        .collect();
    assert!(scored.contains(&tutors[0].id) && scored.contains(&tutors[2].id));
    assert!(!scored.contains(&tutors[1].id));
    let waiting = Job::find()
        .filter(job::Column::Status.eq(JobStatus::Queued))
        .filter(job::Column::Kind.eq(JobKind::RecomputeTutor))
        .all(s.db())
        .await
        .unwrap();
    assert_eq!(waiting.len(), 1, "only the broken tutor's job waits for a retry");
    assert_eq!(waiting[0].attempts, 1);
    assert!(
        waiting[0]
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("broken tutor")
    );
}
