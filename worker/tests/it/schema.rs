//! The schema: migrations both ways, every constraint, id and time round trips, and
//! concurrent writers on SQLite.

use chrono::{Duration, TimeZone, Utc};
use entity::{prelude::*, *};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use uuid::Uuid;
use worker::testing::TestDatabase;

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).unwrap()
}

async fn insert_tutor(db: &DatabaseConnection, external_id: &str) -> tutor::Model {
    tutor::ActiveModel {
        id: Set(Uuid::now_v7()),
        external_id: Set(external_id.into()),
        name: Set("Ada Tutor".into()),
        email: Set("ada@example.com".into()),
        active: Set(true),
        created_at: Set(t0()),
        updated_at: Set(t0()),
    }
    .insert(db)
    .await
    .expect("inserting a valid tutor")
}

fn session(tutor_id: Uuid, external_id: &str) -> session::ActiveModel {
    session::ActiveModel {
        id: Set(Uuid::now_v7()),
        external_id: Set(external_id.into()),
        tutor_id: Set(tutor_id),
        student_ref: Set("student-1".into()),
        scheduled_start: Set(t0()),
        scheduled_minutes: Set(60),
        actual_start: Set(Some(t0())),
        actual_end: Set(Some(t0() + Duration::minutes(60))),
        status: Set(SessionStatus::Completed),
        is_first_session: Set(true),
        rating: Set(Some(5)),
        booked_at: Set(None),
        created_at: Set(t0()),
        updated_at: Set(t0()),
    }
}

async fn table_names(db: &DatabaseConnection) -> Vec<String> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        _ => "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    };
    db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|row| row.try_get::<String>("", "name").unwrap())
        .collect()
}

#[tokio::test]
async fn migrations_go_up_down_and_up_again() {
    let test_db = TestDatabase::empty().await;
    let db = &test_db.db;
    Migrator::up(db, None).await.unwrap();
    let tables = table_names(db).await;
    for expected in [
        "email_reports",
        "jobs",
        "reschedules",
        "score_history",
        "sessions",
        "tutor_scores",
        "tutors",
    ] {
        assert!(
            tables.contains(&expected.to_string()),
            "{expected} missing from {tables:?}"
        );
    }
    Migrator::down(db, None).await.unwrap();
    assert_eq!(table_names(db).await, vec!["seaql_migrations".to_string()]);
    Migrator::up(db, None).await.unwrap();
    assert_eq!(table_names(db).await, tables);
    // And the schema works after the round trip.
    insert_tutor(db, "after-round-trip").await;
}

#[tokio::test]
async fn ids_and_times_round_trip_and_order_on_both_backends() {
    let test_db = TestDatabase::migrated().await;
    let db = &test_db.db;
    let tutor = insert_tutor(db, "round-trip").await;
    // Look-up by an id that went through its text form, as ids arriving from clients do.
    let parsed = Uuid::parse_str(&tutor.id.to_string()).unwrap();
    let found = Tutor::find_by_id(parsed)
        .one(db)
        .await
        .unwrap()
        .expect("found by parsed id");
    assert_eq!(found, tutor);
    let by_filter = Tutor::find()
        .filter(tutor::Column::Id.eq(parsed))
        .one(db)
        .await
        .unwrap();
    assert_eq!(by_filter.map(|t| t.id), Some(tutor.id));

    // Times with and without fractional seconds sort chronologically.
    let offsets = [
        Duration::milliseconds(1500),
        Duration::zero(),
        Duration::microseconds(250),
        Duration::hours(-3),
    ];
    for (i, offset) in offsets.iter().enumerate() {
        let mut s = session(tutor.id, &format!("order-{i}"));
        s.scheduled_start = Set(t0() + *offset);
        s.actual_start = Set(None);
        s.actual_end = Set(None);
        s.status = Set(SessionStatus::Cancelled);
        s.insert(db).await.unwrap();
    }
    let ordered: Vec<_> = Session::find()
        .order_by_asc(session::Column::ScheduledStart)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.external_id)
        .collect();
    assert_eq!(ordered, ["order-3", "order-1", "order-2", "order-0"]);
    let later = Session::find()
        .filter(session::Column::ScheduledStart.gt(t0()))
        .all(db)
        .await
        .unwrap();
    assert_eq!(later.len(), 2, "range filters compare times, not text");
}

/// Each bad row must be rejected by the database itself.
#[tokio::test]
async fn constraints_reject_bad_rows() {
    let test_db = TestDatabase::migrated().await;
    let db = &test_db.db;
    let tutor = insert_tutor(db, "constrained").await;
    session(tutor.id, "good")
        .insert(db)
        .await
        .expect("a valid session is accepted");

    let mut cases: Vec<(&str, session::ActiveModel)> = Vec::new();
    cases.push(("duplicate external id", session(tutor.id, "good")));
    let mut s = session(tutor.id, "rating-0");
    s.rating = Set(Some(0));
    cases.push(("rating below 1", s));
    let mut s = session(tutor.id, "rating-6");
    s.rating = Set(Some(6));
    cases.push(("rating above 5", s));
    let mut s = session(tutor.id, "end-before-start");
    s.actual_end = Set(Some(t0() - Duration::minutes(1)));
    cases.push(("actual end before actual start", s));
    let mut s = session(tutor.id, "zero-minutes");
    s.scheduled_minutes = Set(0);
    cases.push(("non-positive length", s));
    cases.push(("unknown tutor", session(Uuid::now_v7(), "orphan")));
    for (what, row) in cases {
        assert!(row.insert(db).await.is_err(), "{what} was accepted");
    }

    // The enum type cannot express a bad status; plain SQL can.
    let raw_session = |external_id: &str, status: &str| {
        sea_orm::sea_query::Query::insert()
            .into_table(Session)
            .columns([
                session::Column::Id,
                session::Column::ExternalId,
                session::Column::TutorId,
                session::Column::StudentRef,
                session::Column::ScheduledStart,
                session::Column::ScheduledMinutes,
                session::Column::Status,
                session::Column::IsFirstSession,
                session::Column::CreatedAt,
                session::Column::UpdatedAt,
            ])
            .values_panic([
                Uuid::now_v7().into(),
                external_id.into(),
                tutor.id.into(),
                "student-2".into(),
                t0().into(),
                60.into(),
                status.into(),
                false.into(),
                t0().into(),
                t0().into(),
            ])
            .to_owned()
    };
    assert!(
        db.execute(&raw_session("bad-status", "lost")).await.is_err(),
        "unknown status accepted"
    );
    db.execute(&raw_session("raw-but-valid", "cancelled"))
        .await
        .expect("the same insert with a known status");

    assert!(
        tutor::ActiveModel {
            id: Set(Uuid::now_v7()),
            external_id: Set("constrained".into()),
            name: Set("Dup".into()),
            email: Set("dup@example.com".into()),
            active: Set(true),
            created_at: Set(t0()),
            updated_at: Set(t0()),
        }
        .insert(db)
        .await
        .is_err(),
        "duplicate tutor external id accepted"
    );

    let good = Session::find().one(db).await.unwrap().unwrap();
    let reschedule = |session_id: Uuid, new_start| reschedule::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        tutor_id: Set(tutor.id),
        initiator: Set(RescheduleInitiator::Tutor),
        reason_code: Set(None),
        reason: Set(None),
        original_start: Set(t0()),
        new_start: Set(Some(new_start)),
        requested_at: Set(t0() - Duration::hours(2)),
        notice_hours: Set(2.0),
        created_at: Set(t0()),
    };
    assert!(
        reschedule(good.id, t0() - Duration::hours(1))
            .insert(db)
            .await
            .is_err(),
        "new time before original accepted"
    );
    reschedule(good.id, t0() + Duration::days(1))
        .insert(db)
        .await
        .expect("valid reschedule");
    assert!(
        reschedule(good.id, t0() + Duration::days(2))
            .insert(db)
            .await
            .is_err(),
        "second reschedule row for one session accepted"
    );

    let score = |quality: f64, rate: f64| tutor_score::ActiveModel {
        tutor_id: Set(tutor.id),
        quality_score: Set(quality),
        risk_level: Set(RiskLevel::Low),
        risk_since: Set(t0()),
        previous_risk_level: Set(None),
        flag_codes: Set(",".into()),
        reschedule_rate_7d: Set(rate),
        reschedule_rate_30d: Set(rate),
        reschedule_rate_90d: Set(rate),
        no_show_rate_30d: Set(0.0),
        late_start_rate_30d: Set(0.0),
        early_end_rate_30d: Set(0.0),
        sessions_30d: Set(1),
        details: Set(entity::StoredJson::encode(&serde_json::json!({})).unwrap()),
        computed_at: Set(t0()),
        version: Set(1),
    };
    assert!(
        score(101.0, 0.0).insert(db).await.is_err(),
        "quality above 100 accepted"
    );
    assert!(
        score(50.0, -1.0).insert(db).await.is_err(),
        "negative rate accepted"
    );
    score(50.0, 10.0).insert(db).await.expect("valid score");

    let report = |recipient: &str| email_report::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(EmailKind::SessionReport),
        subject_key: Set(format!("session:{}", good.id)),
        recipient: Set(recipient.into()),
        tutor_id: Set(Some(tutor.id)),
        session_id: Set(Some(good.id)),
        subject: Set("Session report".into()),
        body_text: Set("text".into()),
        body_html: Set("<p>html</p>".into()),
        status: Set(EmailStatus::Pending),
        attempts: Set(0),
        last_error: Set(None),
        created_at: Set(t0()),
        updated_at: Set(t0()),
        sent_at: Set(None),
    };
    report("ops@example.com").insert(db).await.expect("first report");
    report("lead@example.com")
        .insert(db)
        .await
        .expect("same report to another recipient");
    assert!(
        report("ops@example.com").insert(db).await.is_err(),
        "same report twice to one recipient accepted"
    );
}

/// Twenty writers at once on the embedded SQLite default must all succeed.
#[tokio::test]
async fn twenty_concurrent_write_transactions_succeed() {
    let test_db = TestDatabase::migrated().await;
    let db = migration::connect(&test_db.url, 10).await.unwrap();
    let tutor = insert_tutor(&db, "busy").await;
    let writers = (0..20).map(|i| {
        let db = db.clone();
        tokio::spawn(async move {
            let txn = worker::db::begin_write(&db).await?;
            // Read, then write: the pattern that fails with "database is locked" on a
            // deferred SQLite transaction.
            let _ = Session::find()
                .filter(session::Column::TutorId.eq(tutor.id))
                .all(&txn)
                .await?;
            session(tutor.id, &format!("concurrent-{i}")).insert(&txn).await?;
            worker::jobs::enqueue_recompute(&txn, [tutor.id], t0()).await?;
            txn.commit().await
        })
    });
    for result in futures::future::join_all(writers).await {
        result.unwrap().expect("concurrent write failed");
    }
    assert_eq!(Session::find().all(&db).await.unwrap().len(), 20);
    assert_eq!(Job::find().all(&db).await.unwrap().len(), 20);
}
