//! recordSession, recordSessions and upsertTutor: storage, idempotency, corrections,
//! batches, validation, concurrency.

use entity::{JobKind, JobStatus, job, prelude::*};
use sea_orm::{ColumnTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::helpers::{TestApp, completed, spawn_app, spawn_app_with, test_now};

async fn recompute_jobs(app: &TestApp) -> u64 {
    Job::find()
        .filter(job::Column::Kind.eq(JobKind::RecomputeTutor))
        .filter(job::Column::Status.eq(JobStatus::Queued))
        .count(&app.state.db)
        .await
        .unwrap()
}

async fn no_worker() -> TestApp {
    spawn_app_with(|c| c.run_worker = false).await
}

#[tokio::test]
async fn a_session_is_stored_once_a_replay_changes_nothing_and_a_correction_updates_it() {
    let app = no_worker().await;
    app.tutor("t-1", "Ada Lovelace").await;
    let input = completed("s-1", "t-1", 2);

    let first = app.record(input.clone()).await;
    assert_eq!(first["data"]["recordSession"]["outcome"], "STORED", "{first}");
    assert_eq!(first["data"]["recordSession"]["session"]["isFirstSession"], true);
    assert_eq!(
        recompute_jobs(&app).await,
        1,
        "the recompute job is written with the session"
    );

    let replay = app.record(input.clone()).await;
    assert_eq!(replay["data"]["recordSession"]["outcome"], "UNCHANGED");
    assert_eq!(
        replay["data"]["recordSession"]["session"]["id"],
        first["data"]["recordSession"]["session"]["id"]
    );
    assert_eq!(recompute_jobs(&app).await, 1, "a replay enqueues nothing");

    let mut corrected = input.clone();
    corrected["rating"] = json!(2);
    let update = app.record(corrected).await;
    assert_eq!(update["data"]["recordSession"]["outcome"], "UPDATED");
    assert_eq!(update["data"]["recordSession"]["session"]["rating"], 2);
    assert_eq!(recompute_jobs(&app).await, 2, "a correction recomputes the tutor");
    assert_eq!(Session::find().count(&app.state.db).await.unwrap(), 1);
}

#[tokio::test]
async fn a_correction_that_moves_a_session_to_another_tutor_recomputes_both() {
    let app = no_worker().await;
    app.tutor("t-a", "A").await;
    app.tutor("t-b", "B").await;
    app.record(completed("moved", "t-a", 2)).await;
    let moved = app.record(completed("moved", "t-b", 2)).await;
    assert_eq!(moved["data"]["recordSession"]["outcome"], "UPDATED");
    let jobs = Job::find()
        .filter(job::Column::Status.eq(JobStatus::Queued))
        .all(&app.state.db)
        .await
        .unwrap();
    let tutors: std::collections::HashSet<String> = jobs
        .iter()
        .map(|j| j.payload["tutor_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tutors.len(), 2, "both the old and the new tutor are recomputed");
}

/// A correction that moves the first session of a pair to another tutor, or to another
/// student, leaves the pair it left with its next session first, and the pair it joined with
/// only its earliest.
#[tokio::test]
async fn a_first_session_moved_to_another_pair_hands_the_flag_on_in_both_pairs() {
    let app = no_worker().await;
    app.tutor("t-a", "A").await;
    app.tutor("t-b", "B").await;
    app.record(completed("a-first", "t-a", 10)).await;
    app.record(completed("a-next", "t-a", 6)).await;
    app.record(completed("a-last", "t-a", 2)).await;
    app.record(completed("b-only", "t-b", 4)).await;
    let firsts = || async {
        let mut rows: Vec<String> = Session::find()
            .all(&app.state.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|s| s.is_first_session)
            .map(|s| s.external_id)
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(firsts().await, ["a-first", "b-only"]);

    // To another tutor: a-first is now the earliest of t-b's pair.
    let moved = app.record(completed("a-first", "t-b", 10)).await;
    assert_eq!(moved["data"]["recordSession"]["outcome"], "UPDATED", "{moved}");
    assert_eq!(moved["data"]["recordSession"]["session"]["isFirstSession"], true);
    assert_eq!(firsts().await, ["a-first", "a-next"]);

    // To another student of the same tutor: a-next leaves the pair to a-last.
    let mut other_student = completed("a-next", "t-a", 6);
    other_student["studentRef"] = json!("student-2");
    let moved = app.record(other_student).await;
    assert_eq!(moved["data"]["recordSession"]["outcome"], "UPDATED", "{moved}");
    assert_eq!(firsts().await, ["a-first", "a-last", "a-next"]);
}

/// Two corrections at once moving sessions across two tutors in opposite directions take the
/// tutors' locks in opposite orders; when Postgres breaks the deadlock, the one it rolled back
/// runs again, so both land.
#[tokio::test]
async fn crossing_corrections_between_two_tutors_both_land() {
    let app = no_worker().await;
    app.tutor("t-a", "A").await;
    app.tutor("t-b", "B").await;
    for round in 0..5 {
        let (to_b, to_a) = (format!("ab-{round}"), format!("ba-{round}"));
        app.record(completed(&to_b, "t-a", 3)).await;
        app.record(completed(&to_a, "t-b", 3)).await;
        let (moved_to_b, moved_to_a) = futures::join!(
            app.record(completed(&to_b, "t-b", 3)),
            app.record(completed(&to_a, "t-a", 3))
        );
        for body in [&moved_to_b, &moved_to_a] {
            assert_eq!(body["data"]["recordSession"]["outcome"], "UPDATED", "{body}");
        }
    }
    let tutors: std::collections::HashMap<String, uuid::Uuid> = Tutor::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.external_id, t.id))
        .collect();
    for session in Session::find().all(&app.state.db).await.unwrap() {
        let expected = if session.external_id.starts_with("ab-") {
            "t-b"
        } else {
            "t-a"
        };
        assert_eq!(session.tutor_id, tutors[expected], "{}", session.external_id);
    }
}

#[tokio::test]
async fn a_rescheduled_session_keeps_its_reschedule_with_the_notice_in_hours() {
    let app = no_worker().await;
    let tutor_id = app.tutor("t-r", "R").await;
    let start = test_now() + chrono::Duration::days(1);
    let body = app
        .record(json!({
            "externalId": "r-1", "tutorId": tutor_id, "studentRef": "s", "scheduledStart": start.to_rfc3339(),
            "scheduledMinutes": 45, "status": "RESCHEDULED",
            "reschedule": { "initiator": "TUTOR", "reasonCode": "illness", "reason": "Flu",
                            "requestedAt": (start - chrono::Duration::minutes(90)).to_rfc3339(),
                            "newStart": (start + chrono::Duration::days(2)).to_rfc3339() }
        }))
        .await;
    let reschedule = &body["data"]["recordSession"]["session"]["reschedule"];
    assert_eq!(reschedule["noticeHours"], 1.5, "{body}");
    assert_eq!(reschedule["initiator"], "TUTOR");
    let stored = Reschedule::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(stored.reason_code.as_deref(), Some("illness"));
}

#[tokio::test]
async fn the_first_session_is_derived_even_when_sessions_arrive_out_of_order() {
    let app = no_worker().await;
    app.tutor("t-f", "F").await;
    app.record(completed("later", "t-f", 2)).await;
    app.record(completed("earlier", "t-f", 10)).await;
    let rows = Session::find().all(&app.state.db).await.unwrap();
    let first: Vec<_> = rows
        .iter()
        .filter(|s| s.is_first_session)
        .map(|s| s.external_id.as_str())
        .collect();
    assert_eq!(first, vec!["earlier"]);
}

/// Sessions of one pair recorded at once, in an order unlike their starts, one of them at the
/// same start as another: each write sees the others' (the tutor's lock), so exactly the
/// earliest, the lower id on a tie, ends up first.
#[tokio::test]
async fn concurrent_sessions_of_one_pair_leave_only_the_earliest_first() {
    let app = no_worker().await;
    app.tutor("t-p", "P").await;
    let days = [4, 9, 2, 12, 7, 12, 5, 3, 11, 6];
    let calls = days
        .iter()
        .enumerate()
        .map(|(i, days_ago)| app.record(completed(&format!("p-{i}"), "t-p", *days_ago)));
    for body in futures::future::join_all(calls).await {
        assert_eq!(body["data"]["recordSession"]["outcome"], "STORED", "{body}");
    }
    let rows = Session::find().all(&app.state.db).await.unwrap();
    let earliest = rows
        .iter()
        .min_by_key(|s| (s.scheduled_start, s.id))
        .expect("sessions");
    let first: Vec<_> = rows
        .iter()
        .filter(|s| s.is_first_session)
        .map(|s| &s.external_id)
        .collect();
    assert_eq!(first, vec![&earliest.external_id], "{rows:?}");
}

#[tokio::test]
async fn a_batch_stores_the_good_items_and_reports_each_bad_one_without_half_writes() {
    let app = no_worker().await;
    app.tutor("t-b", "B").await;
    app.record(completed("already", "t-b", 5)).await;
    let mut bad_end = completed("bad-end", "t-b", 3);
    bad_end["actualEnd"] = json!((test_now() - chrono::Duration::days(4)).to_rfc3339());
    let inputs = json!([
        completed("good-1", "t-b", 1),
        bad_end,
        completed("already", "t-b", 5),
        completed("orphan", "nobody", 2),
        completed("good-2", "t-b", 2),
    ]);
    let body = app
        .graphql(
            "mutation($i: [RecordSessionInput!]!) { recordSessions(inputs: $i) { index externalId outcome session { id } error { code field message } } }",
            json!({ "i": inputs }),
        )
        .await;
    let results = body["data"]["recordSessions"]
        .as_array()
        .expect("results")
        .clone();
    let summary: Vec<(Value, Value, Value)> = results
        .iter()
        .map(|r| {
            (
                r["externalId"].clone(),
                r["outcome"].clone(),
                r["error"]["field"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (json!("good-1"), json!("STORED"), Value::Null),
            (json!("bad-end"), Value::Null, json!("inputs[1].actualEnd")),
            (json!("already"), json!("UNCHANGED"), Value::Null),
            (json!("orphan"), Value::Null, json!("inputs[3].tutorExternalId")),
            (json!("good-2"), json!("STORED"), Value::Null),
        ]
    );
    assert!(
        results
            .iter()
            .filter(|r| !r["error"].is_null())
            .all(|r| r["error"]["code"] == "BAD_USER_INPUT")
    );
    let mut stored: Vec<String> = Session::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.external_id)
        .collect();
    stored.sort();
    assert_eq!(stored, vec!["already", "good-1", "good-2"]);

    let too_many: Vec<Value> = (0..501).map(|i| completed(&format!("x-{i}"), "t-b", 1)).collect();
    let body = app
        .graphql(
            "mutation($i: [RecordSessionInput!]!) { recordSessions(inputs: $i) { index } }",
            json!({ "i": too_many }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "inputs");
}

/// Each case: a change to a valid input, and the field the error must name.
#[tokio::test]
async fn every_validation_rule_names_the_field_and_writes_nothing() {
    let app = no_worker().await;
    let tutor_id = app.tutor("t-v", "V").await;
    let valid = completed("v-1", "t-v", 1);
    // The scheduled start of `completed(.., 1)`.
    let start = test_now() - chrono::Duration::days(1) - chrono::Duration::hours(3);
    let at = |minutes: i64| (start + chrono::Duration::minutes(minutes)).to_rfc3339();
    let reschedule = json!({ "initiator": "TUTOR", "requestedAt": at(-120), "newStart": at(60 * 24) });
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "blank external id",
            json!({ "externalId": "  " }),
            "input.externalId",
        ),
        (
            "overlong external id",
            json!({ "externalId": "x".repeat(201) }),
            "input.externalId",
        ),
        (
            "control characters",
            json!({ "studentRef": "a\u{0000}b" }),
            "input.studentRef",
        ),
        ("both tutor ids", json!({ "tutorId": tutor_id }), "input.tutorId"),
        ("no tutor", json!({ "tutorExternalId": null }), "input.tutorId"),
        (
            "malformed tutor id",
            json!({ "tutorExternalId": null, "tutorId": "nope" }),
            "input.tutorId",
        ),
        (
            "unknown tutor",
            json!({ "tutorExternalId": "ghost" }),
            "input.tutorExternalId",
        ),
        ("blank student", json!({ "studentRef": "" }), "input.studentRef"),
        (
            "too short",
            json!({ "scheduledMinutes": 4 }),
            "input.scheduledMinutes",
        ),
        (
            "too long",
            json!({ "scheduledMinutes": 481 }),
            "input.scheduledMinutes",
        ),
        (
            "far future",
            json!({ "scheduledStart": (test_now() + chrono::Duration::days(500)).to_rfc3339() }),
            "input.scheduledStart",
        ),
        (
            "completed without start",
            json!({ "actualStart": null }),
            "input.actualStart",
        ),
        (
            "completed without end",
            json!({ "actualEnd": null }),
            "input.actualEnd",
        ),
        (
            "end before start",
            json!({ "actualEnd": at(-10) }),
            "input.actualEnd",
        ),
        (
            "twelve-hour session",
            json!({ "actualEnd": at(60 * 13) }),
            "input.actualEnd",
        ),
        ("rating 0", json!({ "rating": 0 }), "input.rating"),
        ("rating 6", json!({ "rating": 6 }), "input.rating"),
        (
            "no-show with times",
            json!({ "status": "TUTOR_NO_SHOW", "rating": null }),
            "input.actualStart",
        ),
        (
            "rating on a no-show",
            json!({ "status": "STUDENT_NO_SHOW", "actualStart": null, "actualEnd": null }),
            "input.rating",
        ),
        (
            "rescheduled without details",
            json!({ "status": "RESCHEDULED", "actualStart": null, "actualEnd": null, "rating": null }),
            "input.reschedule",
        ),
        (
            "details on a completed session",
            json!({ "reschedule": reschedule }),
            "input.reschedule",
        ),
        (
            "new time before the original",
            json!({ "status": "RESCHEDULED", "actualStart": null, "actualEnd": null, "rating": null,
                    "reschedule": { "initiator": "TUTOR", "requestedAt": at(-120), "newStart": at(-60) } }),
            "input.reschedule.newStart",
        ),
        (
            "requested after the session",
            json!({ "status": "RESCHEDULED", "actualStart": null, "actualEnd": null, "rating": null,
                    "reschedule": { "initiator": "TUTOR", "requestedAt": at(200) } }),
            "input.reschedule.requestedAt",
        ),
        (
            "odd reason code",
            json!({ "status": "RESCHEDULED", "actualStart": null, "actualEnd": null, "rating": null,
                    "reschedule": { "initiator": "TUTOR", "requestedAt": at(-120), "reasonCode": "Platform Outage!" } }),
            "input.reschedule.reasonCode",
        ),
        (
            "overlong reason",
            json!({ "status": "RESCHEDULED", "actualStart": null, "actualEnd": null, "rating": null,
                    "reschedule": { "initiator": "TUTOR", "requestedAt": at(-120), "reason": "é".repeat(1001) } }),
            "input.reschedule.reason",
        ),
    ];
    for (what, change, field) in cases {
        let mut input = valid.clone();
        for (key, value) in change.as_object().unwrap() {
            input[key] = value.clone();
        }
        let body = app.record(input).await;
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{what}: {body}");
        assert_eq!(error["extensions"]["field"], field, "{what}: {body}");
        assert!(
            error["message"].as_str().unwrap().starts_with(field),
            "{what}: the message names the field"
        );
    }
    // Timestamps without an offset and wrong types are refused by the schema itself.
    for (key, value) in [
        ("scheduledStart", json!("2026-11-01T10:00:00")),
        ("scheduledMinutes", json!("sixty")),
        ("status", json!("DONE")),
    ] {
        let mut input = valid.clone();
        input[key] = value;
        let body = app.record(input).await;
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{key}: {body}"
        );
        assert!(
            body["errors"][0]["message"].as_str().unwrap().contains(key),
            "{key}: {body}"
        );
    }
    assert_eq!(
        Session::find().count(&app.state.db).await.unwrap(),
        0,
        "nothing was written"
    );
    assert_eq!(Job::find().count(&app.state.db).await.unwrap(), 0);
    // Strings that look like SQL or HTML are stored verbatim.
    let mut odd = valid.clone();
    odd["studentRef"] = json!("Robert'); DROP TABLE sessions;-- <script>alert(1)</script> 👩‍🏫");
    let body = app.record(odd).await;
    assert_eq!(body["data"]["recordSession"]["outcome"], "STORED", "{body}");
    let stored = Session::find().one(&app.state.db).await.unwrap().unwrap();
    assert_eq!(
        stored.student_ref,
        "Robert'); DROP TABLE sessions;-- <script>alert(1)</script> 👩‍🏫"
    );
}

#[tokio::test]
async fn upsert_tutor_creates_updates_and_validates() {
    let app = no_worker().await;
    let mutation = "mutation($i: UpsertTutorInput!) { upsertTutor(input: $i) { outcome tutor { id name email active } } }";
    let created = app
        .data(
            mutation,
            json!({ "i": { "externalId": "u-1", "name": "Una", "email": "una@example.com" } }),
        )
        .await;
    assert_eq!(created["upsertTutor"]["outcome"], "CREATED");
    let same = app
        .data(
            mutation,
            json!({ "i": { "externalId": "u-1", "name": "Una", "email": "una@example.com" } }),
        )
        .await;
    assert_eq!(same["upsertTutor"]["outcome"], "UNCHANGED");
    let updated = app
        .data(mutation, json!({ "i": { "externalId": "u-1", "name": "Una B", "email": "una@example.com", "active": false } }))
        .await;
    assert_eq!(updated["upsertTutor"]["outcome"], "UPDATED");
    assert_eq!(
        updated["upsertTutor"]["tutor"]["id"],
        created["upsertTutor"]["tutor"]["id"]
    );
    assert_eq!(updated["upsertTutor"]["tutor"]["active"], false);
    for (input, field) in [
        (
            json!({ "externalId": "u-2", "name": "X", "email": "not-an-email" }),
            "input.email",
        ),
        (
            json!({ "externalId": "u-2", "name": " ", "email": "x@example.com" }),
            "input.name",
        ),
        (
            json!({ "externalId": "", "name": "X", "email": "x@example.com" }),
            "input.externalId",
        ),
    ] {
        let body = app.graphql(mutation, json!({ "i": input })).await;
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    assert_eq!(Tutor::find().count(&app.state.db).await.unwrap(), 1);
}

#[tokio::test]
async fn twenty_concurrent_recordings_all_succeed() {
    let app = no_worker().await;
    app.tutor("t-c", "C").await;
    let calls = (0..20).map(|i| app.record(completed(&format!("c-{i}"), "t-c", 1 + i % 5)));
    for body in futures::future::join_all(calls).await {
        assert_eq!(body["data"]["recordSession"]["outcome"], "STORED", "{body}");
    }
    assert_eq!(Session::find().count(&app.state.db).await.unwrap(), 20);
}

/// Batches naming the same tutors in different orders: each item locks its tutor until the
/// batch commits, so without a common lock order they would deadlock (Postgres aborts one).
#[tokio::test]
async fn concurrent_batches_over_the_same_tutors_in_different_orders_all_succeed() {
    let app = no_worker().await;
    let tutors = ["t-o1", "t-o2", "t-o3", "t-o4"];
    for t in tutors {
        app.tutor(t, t).await;
    }
    let query =
        "mutation($i: [RecordSessionInput!]!) { recordSessions(inputs: $i) { outcome error { message } } }";
    let batches = (0..8).map(|b| {
        let inputs: Vec<Value> = (0..tutors.len())
            .map(|i| {
                let tutor = tutors[(b + if b % 2 == 0 { i } else { tutors.len() - i }) % tutors.len()];
                completed(&format!("o-{b}-{i}"), tutor, 1 + i as i64)
            })
            .collect();
        app.graphql(query, json!({ "i": inputs }))
    });
    for body in futures::future::join_all(batches).await {
        for item in body["data"]["recordSessions"].as_array().expect("results") {
            assert_eq!(item["outcome"], "STORED", "{body}");
        }
    }
    assert_eq!(Session::find().count(&app.state.db).await.unwrap(), 32);
}

#[tokio::test]
async fn recorded_sessions_are_scored_by_the_in_process_worker() {
    let app = spawn_app().await;
    let id = app.tutor("t-w", "W").await;
    for i in 0..6 {
        app.record(completed(&format!("w-{i}"), "t-w", 1 + i)).await;
    }
    let query = "query($id: ID) { tutor(id: $id) { score { version windows { days sessions } } } }";
    for _ in 0..100 {
        let data = app.data(query, json!({ "id": id })).await;
        let score = &data["tutor"]["score"];
        if score["windows"][2]["sessions"] == 6 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the in-process worker did not score the tutor within 10 s");
}

/// The field and message of the first error of a `recordSession` body.
fn refusal(body: &Value) -> (String, String) {
    let error = &body["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
    (
        error["extensions"]["field"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        error["message"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn a_leap_second_is_refused_naming_the_field_and_the_rule() {
    let app = no_worker().await;
    app.tutor("t-leap", "Leap").await;
    let mut input = completed("leap-1", "t-leap", 2);
    input["actualEnd"] = json!("2026-10-31T23:59:60Z");
    let (field, message) = refusal(&app.record(input).await);
    assert_eq!(field, "input.actualEnd");
    assert!(message.contains("leap second"), "{message}");
    let sessions = app
        .data("{ sessions(first: 5) { edges { cursor } } }", json!({}))
        .await;
    assert_eq!(sessions["sessions"]["edges"], json!([]), "nothing stored");
}

#[tokio::test]
async fn reschedule_times_far_from_the_session_are_refused() {
    let app = no_worker().await;
    app.tutor("t-far", "Far").await;
    let start = test_now() + chrono::Duration::days(1);
    let session = |requested_at: &str, new_start: &str| {
        json!({
            "externalId": "far-1", "tutorExternalId": "t-far", "studentRef": "s",
            "scheduledStart": start.to_rfc3339(), "scheduledMinutes": 45, "status": "RESCHEDULED",
            "reschedule": { "initiator": "TUTOR", "requestedAt": requested_at, "newStart": new_start }
        })
    };
    let soon = (start + chrono::Duration::days(2)).to_rfc3339();
    let (field, message) = refusal(&app.record(session("0001-01-01T00:00:00Z", &soon)).await);
    assert_eq!(field, "input.reschedule.requestedAt");
    assert!(message.contains("365 days"), "{message}");
    let earlier = (start - chrono::Duration::hours(3)).to_rfc3339();
    let (field, message) = refusal(&app.record(session(&earlier, "9999-12-31T00:00:00Z")).await);
    assert_eq!(field, "input.reschedule.newStart");
    assert!(message.contains("365 days"), "{message}");
    let body = app.record(session(&earlier, &soon)).await;
    assert_eq!(body["data"]["recordSession"]["outcome"], "STORED", "{body}");
}

#[tokio::test]
async fn invisible_and_bidirectional_text_is_refused_and_ordinary_unicode_kept() {
    let app = no_worker().await;
    let upsert = "mutation($i: UpsertTutorInput!) { upsertTutor(input: $i) { tutor { name } } }";
    for (name, rule) in [
        ("\u{200b}\u{feff}", "visible"),
        ("Ann\u{202e}gpj.exe", "bidirectional"),
    ] {
        let body = app
            .graphql(
                upsert,
                json!({ "i": { "externalId": "t-u", "name": name, "email": "u@example.com" } }),
            )
            .await;
        let (field, message) = refusal(&body);
        assert_eq!(field, "input.name");
        assert!(message.contains(rule), "{message}");
    }
    let body = app
        .graphql(
            upsert,
            json!({ "i": { "externalId": "\u{2066}t-u", "name": "Ann", "email": "u@example.com" } }),
        )
        .await;
    assert_eq!(refusal(&body).0, "input.externalId");
    let data = app
        .data(
            upsert,
            json!({ "i": { "externalId": "t-u", "name": "Zoë Ångström 李", "email": "u@example.com" } }),
        )
        .await;
    assert_eq!(data["upsertTutor"]["tutor"]["name"], "Zoë Ångström 李");
    let mut input = completed("bidi-1", "t-u", 1);
    input["studentRef"] = json!("student\u{200f}");
    assert_eq!(refusal(&app.record(input).await).0, "input.studentRef");
}

#[tokio::test]
async fn a_batch_naming_a_session_twice_refuses_the_repeat_naming_the_first() {
    let app = no_worker().await;
    app.tutor("t-dup", "Dup").await;
    let mut second = completed("dup-1", "t-dup", 2);
    second["rating"] = json!(1);
    let body = app
        .graphql(
            "mutation($i: [RecordSessionInput!]!) { recordSessions(inputs: $i) { index outcome session { rating } error { field message } } }",
            json!({ "i": [completed("dup-1", "t-dup", 2), completed("dup-2", "t-dup", 3), second] }),
        )
        .await;
    let results = body["data"]["recordSessions"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(results[0]["outcome"], "STORED");
    assert_eq!(results[1]["outcome"], "STORED");
    assert!(results[2]["outcome"].is_null(), "{body}");
    assert_eq!(results[2]["error"]["field"], "inputs[2].externalId");
    assert!(
        results[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("inputs[0]"),
        "{body}"
    );
    let stored = app
        .data(
            "{ sessions(first: 5) { edges { node { externalId rating } } } }",
            json!({}),
        )
        .await;
    let first = stored["sessions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["node"]["externalId"] == "dup-1")
        .unwrap_or_else(|| panic!("{stored}"));
    assert_eq!(
        first["node"]["rating"], 5,
        "the first item is kept, not the repeat"
    );
}

#[tokio::test]
async fn a_new_session_is_stored_in_two_statements_on_postgres_and_four_on_sqlite() {
    let app = no_worker().await;
    app.tutor("t-n", "N").await;
    app.record(completed("n-0", "t-n", 3)).await;
    let before = app.state.metrics.sql_statements();
    let body = app.record(completed("n-1", "t-n", 2)).await;
    let statements = app.state.metrics.sql_statements() - before;
    assert_eq!(body["data"]["recordSession"]["outcome"], "STORED", "{body}");
    // The tutor's lock, then (the transaction's begin and commit aside) on Postgres one
    // statement for the rest; on SQLite the insert, the first-session derivation and the job.
    let expected = match app.state.db.get_database_backend() {
        DbBackend::Postgres => 2,
        _ => 4,
    };
    assert_eq!(statements, expected, "a new session took {statements} statements");
}
