//! The demo data generator: distributions within tolerance for a fixed seed, determinism,
//! planted personas.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, TimeZone, Timelike, Utc, Weekday};
use entity::{prelude::*, *};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use worker::{
    demo::{self, DemoOptions, Persona, Profile},
    testing::TestDatabase,
};

fn until() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

fn options(seed: u64) -> DemoOptions {
    DemoOptions {
        seed,
        until: Some(until()),
        ..DemoOptions::default()
    }
}

fn assert_near(what: &str, actual: f64, expected: f64, tolerance: f64) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: {actual:.3} not within {tolerance} of {expected}"
    );
}

/// The generated sessions with an outcome (the booked ones of the coming days apart).
async fn sessions(db: &DatabaseConnection) -> Vec<session::Model> {
    Session::find()
        .filter(session::Column::Status.ne(SessionStatus::Scheduled))
        .order_by_asc(session::Column::ExternalId)
        .all(db)
        .await
        .unwrap()
}

#[tokio::test]
async fn generated_data_follows_every_distribution() {
    let test_db = TestDatabase::migrated().await;
    let db = &test_db.db;
    let summary = demo::generate(db, &options(7), until()).await.unwrap();

    // Tutors: 60/25/15 by profile, counted from the database.
    assert_eq!(Tutor::find().count(db).await.unwrap(), 100);
    let profiles: BTreeMap<Profile, usize> = summary.profile_of.values().fold(BTreeMap::new(), |mut m, p| {
        *m.entry(*p).or_default() += 1;
        m
    });
    assert_eq!(profiles[&Profile::Reliable], 60);
    assert_eq!(profiles[&Profile::Shaky], 25);
    assert_eq!(profiles[&Profile::Problem], 15);

    let all = sessions(db).await;
    let n = all.len() as f64;
    assert!(
        all.len() >= 3_000,
        "at least 3,000 sessions by default, got {}",
        all.len()
    );
    assert_eq!(all.len(), summary.sessions);
    let share = |f: &dyn Fn(&session::Model) -> bool| all.iter().filter(|s| f(s)).count() as f64 / n;
    assert_near(
        "completed",
        share(&|s| s.status == SessionStatus::Completed),
        0.70,
        0.04,
    );
    assert_near(
        "rescheduled",
        share(&|s| s.status == SessionStatus::Rescheduled),
        0.25,
        0.04,
    );
    assert_near(
        "no-show",
        share(&|s| {
            matches!(
                s.status,
                SessionStatus::TutorNoShow | SessionStatus::StudentNoShow
            )
        }),
        0.05,
        0.02,
    );

    // Reschedules: 98.2% by the tutor, about 40% with under 24 h notice.
    let reschedules = Reschedule::find().all(db).await.unwrap();
    assert_eq!(
        reschedules.len(),
        all.iter()
            .filter(|s| s.status == SessionStatus::Rescheduled)
            .count()
    );
    let r = reschedules.len() as f64;
    let tutor_share = reschedules
        .iter()
        .filter(|x| x.initiator == RescheduleInitiator::Tutor)
        .count() as f64
        / r;
    assert_near("tutor-initiated reschedules", tutor_share, 0.982, 0.012);
    let last_minute = reschedules.iter().filter(|x| x.notice_hours < 24.0).count() as f64 / r;
    assert_near("last-minute reschedules", last_minute, 0.40, 0.06);
    for x in &reschedules {
        let notice = (x.original_start - x.requested_at).num_minutes() as f64 / 60.0;
        assert!(
            (notice - x.notice_hours).abs() < 0.02,
            "notice hours derived from the times"
        );
        assert!(x.new_start.unwrap() > x.original_start);
    }

    // Rhythm: weekdays and 15:00-20:00 peaks; lengths 30-120 minutes.
    let weekday = share(&|s| !matches!(s.scheduled_start.weekday(), Weekday::Sat | Weekday::Sun));
    assert!(
        weekday > 5.0 / 7.0 + 0.05,
        "weekday share {weekday:.3} shows no weekday peak"
    );
    let peak = share(&|s| (15..20).contains(&s.scheduled_start.hour()));
    assert!(peak > 0.5, "15:00-20:00 share {peak:.3} shows no afternoon peak");
    assert!(all.iter().all(|s| (30..=120).contains(&s.scheduled_minutes)));
    assert!(all.iter().all(|s| s.scheduled_start < until()));

    // Repeat students: first sessions are a minority, and each student's first is the earliest.
    let first = share(&|s| s.is_first_session);
    assert!((0.05..0.30).contains(&first), "first-session share {first:.3}");
    let mut seen = std::collections::HashSet::new();
    let mut by_time = all.clone();
    by_time.sort_by_key(|s| s.scheduled_start);
    for s in &by_time {
        let new_pair = seen.insert((s.tutor_id, s.student_ref.clone()));
        assert_eq!(
            s.is_first_session, new_pair,
            "is_first_session of {}",
            s.external_id
        );
    }

    // Completed sessions carry times and (mostly) ratings; some start late, some end early.
    let completed: Vec<_> = all
        .iter()
        .filter(|s| s.status == SessionStatus::Completed)
        .collect();
    assert!(
        completed
            .iter()
            .all(|s| s.actual_start.is_some() && s.actual_end >= s.actual_start)
    );
    let rated = completed.iter().filter(|s| s.rating.is_some()).count() as f64 / completed.len() as f64;
    assert_near("rated share", rated, 0.8, 0.06);
    let late = completed
        .iter()
        .filter(|s| (s.actual_start.unwrap() - s.scheduled_start).num_minutes() > 5)
        .count();
    let early = completed
        .iter()
        .filter(|s| {
            let end = s.scheduled_start + chrono::Duration::minutes(s.scheduled_minutes.into());
            (end - s.actual_end.unwrap()).num_minutes() > 10
        })
        .count();
    assert!(late > 0 && early > 0, "late starts {late}, early ends {early}");
    assert!(
        all.iter()
            .filter(|s| s.status != SessionStatus::Completed)
            .all(|s| s.actual_start.is_none())
    );

    // A recompute job per tutor is waiting for the worker.
    assert_eq!(
        Job::find()
            .filter(job::Column::Status.eq(JobStatus::Queued))
            .count(db)
            .await
            .unwrap(),
        100
    );
}

#[tokio::test]
async fn planted_personas_are_present_and_shaped_as_named() {
    let test_db = TestDatabase::migrated().await;
    let db = &test_db.db;
    let summary = demo::generate(db, &options(11), until()).await.unwrap();
    assert_eq!(summary.personas.len(), Persona::PLANTED.len());
    for planted in &summary.personas {
        let tutor = Tutor::find_by_id(planted.tutor_id)
            .one(db)
            .await
            .unwrap()
            .expect("persona tutor stored");
        assert_eq!(tutor.external_id, planted.external_id);
        assert!(tutor.name.starts_with(planted.persona.label()));
        let own: Vec<_> = Session::find()
            .filter(session::Column::TutorId.eq(tutor.id))
            .filter(session::Column::Status.ne(SessionStatus::Scheduled))
            .all(db)
            .await
            .unwrap();
        let rate = |f: &dyn Fn(&session::Model) -> bool| {
            own.iter().filter(|s| f(s)).count() as f64 / own.len() as f64
        };
        match planted.persona {
            Persona::ChronicRescheduler => assert!(rate(&|s| s.status == SessionStatus::Rescheduled) > 0.3),
            Persona::SerialNoShow => assert!(rate(&|s| s.status == SessionStatus::TutorNoShow) > 0.1),
            Persona::LateStarter => assert!(
                rate(&|s| s
                    .actual_start
                    .is_some_and(|a| (a - s.scheduled_start).num_minutes() > 5))
                    > 0.4
            ),
            Persona::EarlyEnder => assert!(
                rate(&|s| {
                    s.actual_end.is_some_and(|e| {
                        (s.scheduled_start + chrono::Duration::minutes(s.scheduled_minutes.into()) - e)
                            .num_minutes()
                            > 10
                    })
                }) > 0.4
            ),
            Persona::PoorFirstSessions => {
                let firsts: Vec<_> = own.iter().filter(|s| s.is_first_session).collect();
                assert!(firsts.len() >= 10, "enough first sessions to judge");
                let poor = firsts.iter().filter(|s| s.rating.is_some_and(|r| r <= 2)).count();
                assert!(
                    poor * 2 > firsts.len(),
                    "most first sessions poor: {poor} of {}",
                    firsts.len()
                );
            }
            Persona::ReliableNewcomer => {
                assert_eq!(own.len(), 3, "a deliberately small sample");
                assert_eq!(
                    own.iter()
                        .filter(|s| s.status == SessionStatus::Rescheduled)
                        .count(),
                    1
                );
                assert!(
                    own.iter()
                        .all(|s| s.scheduled_start > until() - chrono::Duration::days(7))
                );
            }
        }
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_data_and_another_seed_different_data() {
    let (a, b, c) = (
        TestDatabase::migrated().await,
        TestDatabase::migrated().await,
        TestDatabase::migrated().await,
    );
    let small = |seed| DemoOptions {
        tutors: 20,
        sessions: 600,
        ..options(seed)
    };
    demo::generate(&a.db, &small(5), until()).await.unwrap();
    demo::generate(&b.db, &small(5), until()).await.unwrap();
    demo::generate(&c.db, &small(6), until()).await.unwrap();
    let strip = |rows: Vec<session::Model>| {
        rows.into_iter()
            .map(|s| {
                (
                    s.id,
                    s.external_id,
                    s.tutor_id,
                    s.student_ref,
                    s.scheduled_start,
                    s.status,
                    s.actual_start,
                    s.actual_end,
                    s.rating,
                )
            })
            .collect::<Vec<_>>()
    };
    let (sa, sb, sc) = (
        strip(sessions(&a.db).await),
        strip(sessions(&b.db).await),
        strip(sessions(&c.db).await),
    );
    assert_eq!(sa, sb, "same seed, same sessions");
    assert_ne!(sa, sc, "different seed, different sessions");
    let tutors = |db: &DatabaseConnection| {
        let db = db.clone();
        async move {
            Tutor::find()
                .order_by_asc(tutor::Column::ExternalId)
                .all(&db)
                .await
                .unwrap()
        }
    };
    assert_eq!(tutors(&a.db).await, tutors(&b.db).await);
}

#[tokio::test]
async fn generating_twice_needs_clear_and_clear_replaces_everything() {
    let test_db = TestDatabase::migrated().await;
    let db = &test_db.db;
    let small = DemoOptions {
        tutors: 20,
        sessions: 400,
        ..options(1)
    };
    demo::generate(db, &small, until()).await.unwrap();
    let again = demo::generate(db, &small, until()).await;
    assert!(
        matches!(again, Err(demo::DemoError::NotEmpty(20))),
        "second run without --clear refused"
    );
    let cleared = DemoOptions {
        clear: true,
        seed: 2,
        ..small
    };
    let summary = demo::generate(db, &cleared, until()).await.unwrap();
    assert_eq!(
        Session::find().count(db).await.unwrap() as usize,
        summary.sessions + summary.booked_sessions
    );
    assert_eq!(Tutor::find().count(db).await.unwrap(), 20);
}
