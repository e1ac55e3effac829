//! Interventions, notes, the timeline and the CSV exports through the running server: a
//! coach going from an alert to a planned intervention to a measured outcome, seen live and
//! on the timeline; the role matrix of every new mutation and export; each export read back
//! with a real CSV parser (quoting, Unicode, formula neutralisation, the list's own rows);
//! and an export's memory staying flat as it grows.

use chrono::Duration;
use entity::{SessionStatus, UserRole, prelude::*, session};
use sea_orm::{EntityTrait, Set};
use serde_json::{Value, json};
use uuid::Uuid;
use worker::clock::Clock;

use crate::{
    helpers::{TestApp, spawn_app, test_now},
    people::{app_with_an_alert, code, cookie_of, graphql_with, ws_with_cookie},
};

const ALERT: &str = "{ alerts { edges { node { id version tutorId status } } } }";
const PLAN: &str = "mutation($i: PlanInterventionInput!) { planIntervention(input: $i) { id version status type typeLabel dueAt overdue owner { email } alerts { id } } }";
const COMPLETE: &str = "mutation($id: ID!, $v: Int!) { completeIntervention(id: $id, version: $v, note: \"Called them\", resolveAlerts: true) { id version status followUpAt } }";

async fn first_alert(app: &TestApp, cookie: &str) -> Value {
    let (_, body) = graphql_with(app, cookie, ALERT, json!({})).await;
    body["data"]["alerts"]["edges"][0]["node"].clone()
}

/// Waits (polling, no deadline assertion beyond 30 s) until `query` answers `done`.
async fn until(
    app: &TestApp,
    cookie: &str,
    query: &str,
    variables: Value,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let mut last = Value::Null;
    for _ in 0..300 {
        let (_, body) = graphql_with(app, cookie, query, variables.clone()).await;
        if done(&body) {
            return body;
        }
        last = body;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{query} never got there: {last}");
}

#[tokio::test]
async fn a_coach_goes_from_an_alert_to_a_measured_outcome_seen_live_and_on_the_timeline() {
    let app = app_with_an_alert("", &[("ben@example.com", UserRole::Coach)]).await;
    let ben = cookie_of(&app, "ben@example.com").await;
    let alert = first_alert(&app, &ben).await;
    let tutor = alert["tutorId"].as_str().unwrap().to_owned();

    let mut live = ws_with_cookie(&app, Some(&ben)).await;
    live.init(json!({})).await;
    live.send(json!({ "type": "subscribe", "id": "i", "payload": { "query": "subscription { interventionChanged { snapshot action intervention { id status } } }" } }))
        .await;
    assert_eq!(
        live.next().await.unwrap()["payload"]["data"]["interventionChanged"]["snapshot"],
        true
    );
    live.send(json!({ "type": "subscribe", "id": "t", "payload": { "query": "subscription($t: ID!) { tutorTimeline(tutorId: $t) { snapshot action } }", "variables": { "t": tutor } } }))
        .await;
    assert_eq!(
        live.next().await.unwrap()["payload"]["data"]["tutorTimeline"]["snapshot"],
        true
    );

    let input = json!({ "i": { "tutorId": tutor, "alertIds": [alert["id"]], "type": "coaching_call", "notes": "Talk about the reschedules" } });
    let (_, planned) = graphql_with(&app, &ben, PLAN, input).await;
    let planned = planned["data"]["planIntervention"].clone();
    assert_eq!(planned["status"], "PLANNED", "{planned}");
    assert_eq!(planned["typeLabel"], "Coaching call");
    assert_eq!(planned["owner"]["email"], "ben@example.com");
    assert_eq!(planned["alerts"][0]["id"], alert["id"]);
    assert_eq!(planned["overdue"], false);
    let mut seen = Vec::new();
    while seen.len() < 2 {
        let message = live.next().await.unwrap();
        seen.push((
            message["id"].as_str().unwrap().to_owned(),
            message["payload"]["data"].clone(),
        ));
    }
    let intervention_event = seen
        .iter()
        .find(|(id, _)| id == "i")
        .expect("interventionChanged")
        .1
        .clone();
    assert_eq!(
        intervention_event["interventionChanged"]["action"],
        "intervention.planned"
    );
    let timeline_event = seen
        .iter()
        .find(|(id, _)| id == "t")
        .expect("tutorTimeline")
        .1
        .clone();
    assert_eq!(timeline_event["tutorTimeline"]["action"], "intervention.planned");

    let variables = json!({ "id": planned["id"], "v": planned["version"] });
    let (_, done) = graphql_with(&app, &ben, COMPLETE, variables.clone()).await;
    let done = done["data"]["completeIntervention"].clone();
    assert_eq!(done["status"], "DONE", "{done}");
    let (_, stale) = graphql_with(&app, &ben, COMPLETE, variables).await;
    assert_eq!(code(&stale), Some("CONFLICT"), "{stale}");
    let (_, resolved) = graphql_with(
        &app,
        &ben,
        "query($id: ID!) { alert(id: $id) { status resolution interventions { id } } }",
        json!({ "id": alert["id"] }),
    )
    .await;
    assert_eq!(resolved["data"]["alert"]["status"], "RESOLVED");
    assert_eq!(resolved["data"]["alert"]["resolution"], "ACTIONED");
    assert_eq!(resolved["data"]["alert"]["interventions"][0]["id"], planned["id"]);

    let (_, precision) = graphql_with(
        &app,
        &ben,
        "{ flagPrecision { flag alerts actioned falseAlarms precision } }",
        json!({}),
    )
    .await;
    let rule = precision["data"]["flagPrecision"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["flag"] == "RESCHEDULE_RATE")
        .unwrap()
        .clone();
    assert_eq!(
        (
            rule["alerts"].as_u64(),
            rule["actioned"].as_u64(),
            rule["precision"].as_f64()
        ),
        (Some(1), Some(1), Some(1.0)),
        "{rule}"
    );

    let (_, note) = graphql_with(&app, &ben, "mutation($t: ID!) { addNote(tutorId: $t, body: \"<b>Keen</b> & reliable\") { body bodyHtml editable } }", json!({ "t": tutor })).await;
    assert_eq!(note["data"]["addNote"]["body"], "<b>Keen</b> & reliable");
    assert_eq!(
        note["data"]["addNote"]["bodyHtml"],
        "&lt;b&gt;Keen&lt;/b&gt; &amp; reliable"
    );

    let timeline = "query($t: ID!) { tutor(id: $t) { timeline(first: 50) { edges { node { kind action summary actorLabel } } } notes { body } interventions { totalCount } } }";
    let (_, body) = graphql_with(&app, &ben, timeline, json!({ "t": tutor })).await;
    let actions: Vec<&str> = body["data"]["tutor"]["timeline"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    for wanted in [
        "note.added",
        "intervention.completed",
        "alert.resolved",
        "intervention.planned",
        "alert.opened",
        "tutor.risk_changed",
    ] {
        assert!(actions.contains(&wanted), "{wanted} in {actions:?}");
    }
    assert!(
        actions.iter().position(|a| *a == "note.added")
            < actions.iter().position(|a| *a == "intervention.planned")
    );
    assert_eq!(body["data"]["tutor"]["interventions"]["totalCount"], 1);

    // 28 days on, the worker measures the outcome: no sessions after, so CHURNED.
    app.clock.advance(Duration::days(28) + Duration::hours(1));
    // The sign-in of four weeks ago has expired.
    let ben = cookie_of(&app, "ben@example.com").await;
    let measured = until(
        &app,
        &ben,
        "query($id: ID!) { intervention(id: $id) { outcome measuredAt outcomes { flag verdict sentence beforeCount beforeOutOf } } }",
        json!({ "id": planned["id"] }),
        |b| !b["data"]["intervention"]["measuredAt"].is_null(),
    )
    .await;
    let i = &measured["data"]["intervention"];
    assert_eq!(i["outcome"], "CHURNED", "{i}");
    assert_eq!(i["outcomes"][0]["flag"], "RESCHEDULE_RATE");
    assert_eq!(
        (
            i["outcomes"][0]["beforeCount"].as_i64(),
            i["outcomes"][0]["beforeOutOf"].as_i64()
        ),
        (Some(10), Some(30))
    );
    let (_, report) = graphql_with(
        &app,
        &ben,
        "{ interventionEffectiveness { total { interventions measured churned } byType { key label measured } } flagPrecision { flag alerts actioned falseAlarms precision } }",
        json!({}),
    )
    .await;
    let total = &report["data"]["interventionEffectiveness"]["total"];
    assert_eq!(
        (total["interventions"].as_u64(), total["churned"].as_u64()),
        (Some(1), Some(1)),
        "{report}"
    );
    assert_eq!(
        report["data"]["interventionEffectiveness"]["byType"][0]["label"],
        "Coaching call"
    );
    // The flag never left, so the alert the coach resolved four weeks ago stays resolved as
    // actioned (it opens again only once the flag has cleared and come back).
    let rule = report["data"]["flagPrecision"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["flag"] == "RESCHEDULE_RATE")
        .unwrap()
        .clone();
    assert_eq!(
        (rule["alerts"].as_u64(), rule["actioned"].as_u64()),
        (Some(1), Some(1)),
        "{rule}"
    );
}

#[tokio::test]
async fn every_intervention_and_note_action_and_every_export_follows_the_role_matrix() {
    let app = app_with_an_alert(
        "viewer:viewer-key-0123456789,ingest:ingest-key-0123456789,admin:admin-key-0123456789",
        &[
            ("vera@example.com", UserRole::Viewer),
            ("cole@example.com", UserRole::Coach),
            ("ada@example.com", UserRole::Admin),
        ],
    )
    .await;
    let cookies = [
        ("viewer", cookie_of(&app, "vera@example.com").await),
        ("coach", cookie_of(&app, "cole@example.com").await),
        ("admin", cookie_of(&app, "ada@example.com").await),
    ];
    let nobody = Uuid::now_v7().to_string();
    let mutations = [
        (
            "planIntervention",
            "mutation($t: ID!) { planIntervention(input: { tutorId: $t, alertIds: [$t], type: \"coaching_call\" }) { id } }",
        ),
        (
            "completeIntervention",
            "mutation($t: ID!) { completeIntervention(id: $t, version: 1) { id } }",
        ),
        (
            "cancelIntervention",
            "mutation($t: ID!) { cancelIntervention(id: $t, version: 1) { id } }",
        ),
        (
            "assessIntervention",
            "mutation($t: ID!) { assessIntervention(id: $t, version: 1, verdict: IMPROVED) { id } }",
        ),
        (
            "addNote",
            "mutation($t: ID!) { addNote(tutorId: $t, body: \"x\") { id } }",
        ),
        (
            "editNote",
            "mutation($t: ID!) { editNote(id: $t, version: 1, pinned: true) { id } }",
        ),
    ];
    let variables = json!({ "t": nobody });
    for (name, query) in mutations {
        for (who, cookie) in &cookies {
            let (_, body) = graphql_with(&app, cookie, query, variables.clone()).await;
            let forbidden = code(&body) == Some("FORBIDDEN");
            assert_eq!(forbidden, *who == "viewer", "{name} by a {who}: {body}");
        }
        for (key, allowed) in [
            ("viewer-key-0123456789", false),
            ("ingest-key-0123456789", false),
            ("admin-key-0123456789", true),
        ] {
            let (_, body) = app.graphql_as(Some(key), query, variables.clone()).await;
            assert_eq!(
                code(&body) != Some("FORBIDDEN"),
                allowed,
                "{name} by {key}: {body}"
            );
        }
        let (status, _) = app.graphql_as(None, query, variables.clone()).await;
        assert_eq!(status, 401, "{name} by nobody");
    }
    // Reading is for everyone who signs in or holds a key.
    let reads = "{ interventions { totalCount } interventionTypes { code } interventionEffectiveness { total { measured } } flagPrecision { flag } }";
    let (_, body) = graphql_with(&app, &cookies[0].1, reads, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");

    for export in ["tutors", "alerts", "interventions", "sessions"] {
        let url = format!("{}/export/{export}.csv", app.address);
        let status = app.client.get(&url).send().await.unwrap().status().as_u16();
        assert_eq!(status, 401, "{export} by nobody");
        let wrong = app
            .client
            .get(&url)
            .bearer_auth("not-a-key")
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(wrong, 401, "{export} with a wrong key");
        for (who, cookie) in &cookies {
            let response = app
                .client
                .get(&url)
                .header("cookie", cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 200, "{export} by a {who}");
        }
        for key in [
            "viewer-key-0123456789",
            "ingest-key-0123456789",
            "admin-key-0123456789",
        ] {
            let status = app
                .client
                .get(&url)
                .bearer_auth(key)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            assert_eq!(status, 200, "{export} by {key}");
        }
    }
}

/// GETs an export with the admin key; its status, headers and parsed rows (header first).
async fn export(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<Vec<String>>) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .bearer_auth("admin-key-0123456789")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    if status != 200 {
        return (
            status,
            headers,
            vec![vec![String::from_utf8_lossy(&bytes).into_owned()]],
        );
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_ref());
    let rows = reader
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_owned).collect())
        .collect();
    (status, headers, rows)
}

fn query_param(value: &Value) -> String {
    let text = value.to_string();
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn column<'a>(rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let index = rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    rows[1..].iter().map(|r| r[index].as_str()).collect()
}

#[tokio::test]
async fn each_export_parses_as_csv_with_the_lists_own_rows_and_neutralised_formulas() {
    let app = app_with_an_alert(
        "admin:admin-key-0123456789",
        &[("ben@example.com", UserRole::Coach)],
    )
    .await;
    let admin = |query: &'static str, variables: Value| {
        let app = &app;
        async move {
            app.graphql_as(Some("admin-key-0123456789"), query, variables)
                .await
                .1
        }
    };
    let names = [
        "=HYPERLINK(\"http://evil.example\")",
        "Zoë, \"the\" tutor",
        "李老师",
        "@risk",
        "Plain Name",
    ];
    for (i, name) in names.iter().enumerate() {
        let body = admin(
            "mutation($i: UpsertTutorInput!) { upsertTutor(input: $i) { outcome } }",
            json!({ "i": { "externalId": format!("x-{i}"), "name": name, "email": format!("x{i}@example.com") } }),
        )
        .await;
        assert!(body.get("errors").is_none(), "{body}");
    }
    let start = test_now() - Duration::days(2);
    let body = admin(
        "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }",
        json!({ "i": { "externalId": "=cmd|' /C calc'!A0", "tutorExternalId": "x-0", "studentRef": "-student, the \"first\"", "scheduledStart": start.to_rfc3339(), "scheduledMinutes": 60, "status": "COMPLETED", "actualStart": start.to_rfc3339(), "actualEnd": (start + Duration::minutes(60)).to_rfc3339(), "rating": 5 } }),
    )
    .await;
    assert_eq!(body["data"]["recordSession"]["outcome"], "STORED", "{body}");
    app.drain_jobs().await;

    // Tutors: the list's filter, search and sort, row for row.
    let sort = json!({ "field": "NAME", "direction": "ASC" });
    let (status, headers, rows) =
        export(&app, &format!("/export/tutors.csv?sort={}", query_param(&sort))).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert_eq!(
        disposition,
        format!(
            "attachment; filename=\"tutors-{}.csv\"",
            app.clock.now().format("%Y-%m-%d")
        )
    );
    assert_eq!(rows[0][..3], ["id", "external_id", "name"]);
    let listed = admin(
        "query($s: TutorSortInput) { tutors(sort: $s, first: 100) { edges { node { id name } } } }",
        json!({ "s": sort }),
    )
    .await;
    let list_ids: Vec<&str> = listed["data"]["tutors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(column(&rows, "id"), list_ids);
    let exported_names = column(&rows, "name");
    assert!(
        exported_names.contains(&"'=HYPERLINK(\"http://evil.example\")"),
        "{exported_names:?}"
    );
    assert!(exported_names.contains(&"'@risk"));
    assert!(
        exported_names.contains(&"Zoë, \"the\" tutor"),
        "quotes and commas survive"
    );
    assert!(exported_names.contains(&"李老师"), "UTF-8 survives");
    let filter = json!({ "riskLevels": ["MEDIUM", "HIGH"] });
    let (_, _, rows) = export(
        &app,
        &format!("/export/tutors.csv?filter={}&search=flag", query_param(&filter)),
    )
    .await;
    let listed = admin(
        "query($f: TutorFilterInput) { tutors(filter: $f, search: \"flag\", first: 100) { totalCount edges { node { id } } } }",
        json!({ "f": filter }),
    )
    .await;
    let list_ids: Vec<&str> = listed["data"]["tutors"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(list_ids.len(), 1, "the flagged tutor");
    assert_eq!(column(&rows, "id"), list_ids);

    // Sessions of one tutor in a period: the list's rows, the cells neutralised.
    let tutor_id = admin("{ tutors(search: \"x-0\") { edges { node { id } } } }", json!({})).await["data"]["tutors"]["edges"][0]["node"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let from = (test_now() - Duration::days(7)).to_rfc3339();
    let to = test_now().to_rfc3339();
    let (status, _, rows) = export(
        &app,
        &format!(
            "/export/sessions.csv?tutorId={tutor_id}&from={}&to={}",
            urlencode(&from),
            urlencode(&to)
        ),
    )
    .await;
    assert_eq!(status, 200, "{rows:?}");
    assert_eq!(rows.len(), 2, "one session: {rows:?}");
    assert_eq!(column(&rows, "external_id"), ["'=cmd|' /C calc'!A0"]);
    assert_eq!(column(&rows, "student_ref"), ["'-student, the \"first\""]);
    assert_eq!(column(&rows, "status"), ["completed"]);

    // Alerts and interventions: the lists' rows.
    let (_, _, rows) = export(&app, "/export/alerts.csv").await;
    let listed = admin("{ alerts { edges { node { id tutor { name } } } } }", json!({})).await;
    let list_ids: Vec<&str> = listed["data"]["alerts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(column(&rows, "id"), list_ids);
    let ben_id = admin("{ users { id email } }", json!({})).await["data"]["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ben@example.com")
        .unwrap()["id"]
        .clone();
    let flagged =
        admin("{ alerts { edges { node { id tutorId } } } }", json!({})).await["data"]["alerts"]["edges"][0]
            ["node"]
            .clone();
    let planned = admin(
        PLAN,
        json!({ "i": { "tutorId": flagged["tutorId"], "alertIds": [flagged["id"]], "type": "schedule_review", "ownerId": ben_id, "notes": "+1 call, then =review" } }),
    )
    .await;
    assert!(planned.get("errors").is_none(), "{planned}");
    let (_, _, rows) = export(
        &app,
        &format!(
            "/export/interventions.csv?filter={}",
            query_param(&json!({ "statuses": ["PLANNED"] }))
        ),
    )
    .await;
    assert_eq!(
        column(&rows, "id"),
        [planned["data"]["planIntervention"]["id"].as_str().unwrap()]
    );
    assert_eq!(column(&rows, "owner"), ["ben@example.com"]);
    assert_eq!(column(&rows, "notes"), ["'+1 call, then =review"]);
    let (_, _, none) = export(
        &app,
        &format!(
            "/export/interventions.csv?filter={}",
            query_param(&json!({ "statuses": ["DONE"] }))
        ),
    )
    .await;
    assert_eq!(none.len(), 1, "only the header");

    // Bad input: a 400 naming the parameter, no file.
    let (status, _, body) = export(&app, "/export/tutors.csv?filter=%7Bnope").await;
    assert_eq!(status, 400);
    assert!(body[0][0].contains("\"field\":\"filter\""), "{body:?}");
    let (status, _, body) = export(
        &app,
        &format!(
            "/export/sessions.csv?from={}&to={}",
            urlencode(&to),
            urlencode(&from)
        ),
    )
    .await;
    assert_eq!(status, 400, "{body:?}");
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}

/// Peak resident memory since the last reset, in kB (Linux).
fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("resetting the peak RSS");
}

/// Streams `/export/sessions.csv` for `[from, to)`, counting lines; returns them and how much
/// the process's peak memory grew meanwhile, in kB.
async fn export_growth(app: &TestApp, from: &str, to: &str) -> (usize, u64) {
    reset_peak();
    let before = peak_kb();
    let mut response = app
        .client
        .get(format!(
            "{}/export/sessions.csv?from={}&to={}",
            app.address,
            urlencode(from),
            urlencode(to)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let mut lines = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    (lines, peak_kb().saturating_sub(before))
}

#[tokio::test]
async fn an_export_streams_and_its_memory_stays_flat_as_it_grows_twentyfold() {
    let app = spawn_app().await;
    app.tutor("bulk", "Bulk Tutor").await;
    let tutor = Tutor::find().one(&app.state.db).await.unwrap().unwrap();
    let (small, large) = (2_000usize, 40_000usize);
    let start = test_now() - Duration::days(300);
    let rows: Vec<session::ActiveModel> = (0..large)
        .map(|i| {
            let at = start + Duration::minutes(10 * i as i64);
            session::ActiveModel {
                id: Set(Uuid::now_v7()),
                external_id: Set(format!("bulk-{i:06}")),
                tutor_id: Set(tutor.id),
                student_ref: Set(format!("student-{}", i % 97)),
                scheduled_start: Set(at),
                scheduled_minutes: Set(60),
                actual_start: Set(Some(at)),
                actual_end: Set(Some(at + Duration::minutes(60))),
                status: Set(SessionStatus::Completed),
                is_first_session: Set(false),
                rating: Set(Some(5)),
                booked_at: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
            }
        })
        .collect();
    for chunk in rows.chunks(1000) {
        Session::insert_many(chunk.to_vec())
            .exec_without_returning(&app.state.db)
            .await
            .unwrap();
    }
    drop(rows);
    let from = start.to_rfc3339();
    let small_to = (start + Duration::minutes(10 * small as i64)).to_rfc3339();
    let large_to = (start + Duration::minutes(10 * large as i64)).to_rfc3339();
    // Warm up first (connections, the database's page caches, the allocator's arenas all
    // reach their working size), then measure each size.
    export_growth(&app, &from, &large_to).await;
    let (small_lines, small_growth) = export_growth(&app, &from, &small_to).await;
    let (large_lines, large_growth) = export_growth(&app, &from, &large_to).await;
    assert_eq!((small_lines, large_lines), (small + 1, large + 1));
    println!("peak memory growth: {small_growth} kB for {small} rows, {large_growth} kB for {large} rows");
    // Held in memory, 40,000 rows would add tens of megabytes (the file alone is ~7 MB).
    assert!(
        large_growth < small_growth + 6 * 1024,
        "memory grew with the export: {small_growth} kB for {small} rows, {large_growth} kB for {large}"
    );
}
