//! Queries: the tutors list (every filter, search and sort; pagination), a tutor's detail,
//! sessions, the overview, and the statement count of a 100-tutor page.

use std::collections::HashSet;

use entity::{RiskLevel, prelude::*, session, tutor_score};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use worker::demo::{DemoOptions, Persona};

use crate::helpers::{TestApp, spawn_app_with};

/// An app with demo data scored, and no background worker (the test drives it).
async fn scored_app(tutors: usize, sessions: usize) -> (TestApp, worker::demo::DemoSummary) {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let summary = app
        .demo(DemoOptions {
            tutors,
            sessions,
            seed: 21,
            ..DemoOptions::default()
        })
        .await;
    app.drain_jobs().await;
    (app, summary)
}

const PAGE: &str = r#"query($first: Int, $after: String, $sort: TutorSortInput, $filter: TutorFilterInput, $search: String) {
  tutors(first: $first, after: $after, sort: $sort, filter: $filter, search: $search) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id name externalId email score { qualityScore riskLevel computedAt
      flags { code }
      w7: window(days: 7) { rescheduleRate }
      w30: window(days: 30) { rescheduleRate noShowRate sessions }
      w90: window(days: 90) { rescheduleRate } } } }
  }
}"#;

/// Every page of a listing, in order.
async fn all_pages(app: &TestApp, variables: Value, page_size: i64) -> (Vec<Value>, i64) {
    let mut nodes = Vec::new();
    let mut after: Option<String> = None;
    let mut total = None;
    for page in 0.. {
        assert!(page < 100, "pagination does not end");
        let mut vars = variables.clone();
        vars["first"] = json!(page_size);
        vars["after"] = json!(after);
        let data = app.data(PAGE, vars).await;
        let connection = &data["tutors"];
        total.get_or_insert(connection["totalCount"].as_i64().unwrap());
        assert_eq!(connection["pageInfo"]["hasPreviousPage"], json!(after.is_some()));
        nodes.extend(
            connection["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"].clone()),
        );
        if !connection["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = connection["pageInfo"]["endCursor"].as_str().map(String::from);
    }
    (nodes, total.unwrap())
}

fn sort_value(field: &str, node: &Value) -> Value {
    let score = &node["score"];
    let num = |v: &Value| json!(v.as_f64().unwrap_or(-1.0));
    match field {
        "QUALITY_SCORE" => num(&score["qualityScore"]),
        "RISK_LEVEL" => json!(match score["riskLevel"].as_str() {
            Some("HIGH") => 3.0,
            Some("MEDIUM") => 2.0,
            Some("LOW") => 1.0,
            _ => -1.0,
        }),
        "RESCHEDULE_RATE_7D" => num(&score["w7"]["rescheduleRate"]),
        "RESCHEDULE_RATE_30D" => num(&score["w30"]["rescheduleRate"]),
        "RESCHEDULE_RATE_90D" => num(&score["w90"]["rescheduleRate"]),
        "NO_SHOW_RATE_30D" => num(&score["w30"]["noShowRate"]),
        "SESSIONS_30D" => num(&score["w30"]["sessions"]),
        "NAME" => node["name"].clone(),
        "COMPUTED_AT" => score["computedAt"].clone(),
        other => panic!("unknown sort {other}"),
    }
}

fn ordered(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64().unwrap().total_cmp(&y.as_f64().unwrap()),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => panic!("incomparable {a} {b}"),
    }
}

#[tokio::test]
async fn every_sort_pages_through_all_tutors_in_order_without_duplicates_or_gaps() {
    let (app, summary) = scored_app(23, 700).await;
    let sorts = [
        "QUALITY_SCORE",
        "RISK_LEVEL",
        "RESCHEDULE_RATE_7D",
        "RESCHEDULE_RATE_30D",
        "RESCHEDULE_RATE_90D",
        "NO_SHOW_RATE_30D",
        "SESSIONS_30D",
        "NAME",
        "COMPUTED_AT",
    ];
    for field in sorts {
        for direction in ["ASC", "DESC"] {
            let (nodes, total) = all_pages(
                &app,
                json!({ "sort": { "field": field, "direction": direction } }),
                4,
            )
            .await;
            assert_eq!(total, summary.tutors as i64);
            let ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
            let unique: HashSet<&str> = ids.iter().copied().collect();
            assert_eq!(ids.len(), summary.tutors, "{field} {direction}: every tutor once");
            assert_eq!(unique.len(), summary.tutors, "{field} {direction}: no duplicates");
            for pair in nodes.windows(2) {
                let order = ordered(&sort_value(field, &pair[0]), &sort_value(field, &pair[1]));
                let wrong = if direction == "ASC" {
                    order.is_gt()
                } else {
                    order.is_lt()
                };
                assert!(
                    !wrong,
                    "{field} {direction} out of order: {} then {}",
                    pair[0], pair[1]
                );
            }
        }
    }
}

/// Every page of `query` (taking `$first`, `$after` and `$sort`) as (tutor id, cursor), and
/// the nodes.
async fn walk(app: &TestApp, query: &str, sort: &Value) -> (Vec<(String, String)>, Vec<Value>) {
    let (mut seen, mut nodes, mut after) = (Vec::new(), Vec::new(), None::<String>);
    loop {
        assert!(seen.len() < 1_000, "pagination does not end");
        let data = app
            .data(query, json!({ "first": 4, "after": after, "sort": sort }))
            .await;
        for edge in data["tutors"]["edges"].as_array().unwrap() {
            seen.push((
                edge["node"]["id"].as_str().unwrap().to_owned(),
                edge["cursor"].as_str().unwrap().to_owned(),
            ));
            nodes.push(edge["node"].clone());
        }
        if data["tutors"]["pageInfo"]["hasNextPage"] != json!(true) {
            return (seen, nodes);
        }
        after = data["tutors"]["pageInfo"]["endCursor"].as_str().map(String::from);
    }
}

/// A page that selects no score loads the scores without their details (the sort and the
/// cursors need only the typed columns): the same tutors in the same order with the same
/// cursors as a page that selects them, an unscored tutor included; a page that selects a
/// score gets the score's details.
#[tokio::test]
async fn a_page_without_scores_lists_and_pages_exactly_like_one_with_them() {
    let (app, summary) = scored_app(11, 300).await;
    app.tutor("t-unscored", "Not Scored Yet").await;
    const NARROW: &str = r#"query($first: Int, $after: String, $sort: TutorSortInput) {
      tutors(first: $first, after: $after, sort: $sort) {
        pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }"#;
    const SCORED: &str = r#"query($first: Int, $after: String, $sort: TutorSortInput) {
      tutors(first: $first, after: $after, sort: $sort) {
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id ...Scored } } } }
      fragment Scored on Tutor { score { riskLevel flags { code evidence } windows { days sessions } } }"#;
    for (field, direction) in [
        ("RISK_LEVEL", "DESC"),
        ("QUALITY_SCORE", "ASC"),
        ("SESSIONS_30D", "DESC"),
        ("NAME", "ASC"),
        ("COMPUTED_AT", "DESC"),
    ] {
        let sort = json!({ "field": field, "direction": direction });
        let (narrow, _) = walk(&app, NARROW, &sort).await;
        let (scored, nodes) = walk(&app, SCORED, &sort).await;
        assert_eq!(
            narrow.len(),
            summary.tutors + 1,
            "{field} {direction}: every tutor"
        );
        assert_eq!(narrow, scored, "{field} {direction}: same order, same cursors");
        let unscored = nodes.iter().filter(|n| n["score"].is_null()).count();
        assert_eq!(unscored, 1, "{field} {direction}");
        assert!(
            nodes
                .iter()
                .any(|n| !n["score"]["flags"].as_array().unwrap_or(&vec![]).is_empty()),
            "{field} {direction}: the selected scores carry their flags"
        );
        assert!(
            nodes
                .iter()
                .filter(|n| !n["score"].is_null())
                .all(|n| n["score"]["windows"].as_array().map(Vec::len) == Some(3)),
            "{field} {direction}: and their windows"
        );
    }

    // What the narrow pages rest on: skipped, a score row comes without its details and with
    // the same typed columns; loaded, with them.
    use worker::tutors::read::{ScoreDetails, with_scores};
    let ids: Vec<uuid::Uuid> = Tutor::find()
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let scores = |rows: Vec<worker::tutors::read::TutorWithScore>| {
        let mut scores: Vec<tutor_score::Model> = rows.into_iter().filter_map(|(_, s)| s).collect();
        scores.sort_by_key(|s| s.tutor_id);
        scores
    };
    let skipped = scores(
        with_scores(&app.state.db, ids.clone(), ScoreDetails::Skip)
            .await
            .unwrap(),
    );
    let loaded = scores(with_scores(&app.state.db, ids, ScoreDetails::Load).await.unwrap());
    assert_eq!(
        skipped.len(),
        summary.tutors,
        "every scored tutor has its score row"
    );
    for (skipped, loaded) in skipped.iter().zip(&loaded) {
        assert_eq!(skipped.details.decode::<serde_json::Value>().unwrap(), json!({}));
        assert_ne!(loaded.details.decode::<serde_json::Value>().unwrap(), json!({}));
        let typed = |s: &tutor_score::Model| {
            (
                s.tutor_id,
                s.quality_score,
                s.risk_level,
                s.sessions_30d,
                s.version,
            )
        };
        assert_eq!(typed(skipped), typed(loaded));
    }
}

#[tokio::test]
async fn filters_and_search_narrow_the_list() {
    let (app, summary) = scored_app(20, 700).await;
    let db = &app.state.db;

    let high = TutorScore::find()
        .filter(tutor_score::Column::RiskLevel.eq(RiskLevel::High))
        .count(db)
        .await
        .unwrap();
    assert!(high > 0);
    let (nodes, total) = all_pages(&app, json!({ "filter": { "riskLevels": ["HIGH"] } }), 50).await;
    assert_eq!(total as u64, high);
    assert!(nodes.iter().all(|n| n["score"]["riskLevel"] == "HIGH"));

    let (nodes, total) = all_pages(&app, json!({ "filter": { "riskLevels": ["LOW", "MEDIUM"] } }), 50).await;
    assert_eq!(total as usize, summary.tutors - high as usize);
    assert!(nodes.iter().all(|n| n["score"]["riskLevel"] != "HIGH"));

    let (nodes, _) = all_pages(&app, json!({ "filter": { "flags": ["NO_SHOW_RATE"] } }), 50).await;
    assert!(!nodes.is_empty(), "the serial no-show persona is flagged");
    assert!(nodes.iter().all(|n| {
        n["score"]["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "NO_SHOW_RATE")
    }));

    let serial = summary
        .personas
        .iter()
        .find(|p| p.persona == Persona::SerialNoShow)
        .unwrap();
    for term in [
        "serial no-show",
        "SERIAL",
        &serial.external_id,
        "demo-tutor-00002",
    ] {
        let (nodes, total) = all_pages(&app, json!({ "search": term }), 50).await;
        assert_eq!(total, 1, "search {term:?}");
        assert_eq!(nodes[0]["id"], serial.tutor_id.to_string());
    }
    let (_, total) = all_pages(&app, json!({ "search": "@tutors.example" }), 50).await;
    assert_eq!(total as usize, summary.tutors, "search covers email");
    for literal in ["%", "_", "\\"] {
        let (_, total) = all_pages(&app, json!({ "search": literal }), 50).await;
        assert_eq!(total, 0, "{literal:?} is matched literally, not as a wildcard");
    }
    let (_, total) = all_pages(&app, json!({ "filter": { "active": false } }), 50).await;
    assert_eq!(total, 0);
}

#[tokio::test]
async fn a_tutor_page_shows_windows_flags_history_trend_reschedules_and_sessions() {
    let (app, summary) = scored_app(20, 900).await;
    let chronic = summary
        .personas
        .iter()
        .find(|p| p.persona == Persona::ChronicRescheduler)
        .unwrap();
    let query = r#"query($id: ID, $ext: String) { tutor(id: $id, externalId: $ext) {
        id externalId name
        score { riskLevel qualityScore version windows { days sessions enoughData rescheduleRate lastMinuteReschedules }
                flags { code severity evidence recommendation windowDays count outOf lowerBound probability threshold } }
        scoreHistory { version riskLevel rescheduleRate30d }
        weeklyTrend { weekStart weekEnd sessions rescheduleRate }
        recentReschedules(first: 5) { initiator noticeHours lastMinute reason reasonCode originalStart }
        sessions(first: 5) { pageInfo { hasNextPage endCursor } edges { node { externalId status tutor { id } } } }
    } }"#;
    let by_external = app.data(query, json!({ "ext": chronic.external_id })).await["tutor"].clone();
    let by_id = app
        .data(query, json!({ "id": chronic.tutor_id.to_string() }))
        .await["tutor"]
        .clone();
    assert_eq!(by_external, by_id);
    let t = by_id;
    assert_eq!(t["id"], chronic.tutor_id.to_string());
    let windows: Vec<i64> = t["score"]["windows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["days"].as_i64().unwrap())
        .collect();
    assert_eq!(windows, vec![7, 30, 90]);
    let flag = t["score"]["flags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "RESCHEDULE_RATE")
        .expect("flagged");
    assert!(
        flag["evidence"]
            .as_str()
            .unwrap()
            .contains("rescheduled by the tutor")
    );
    assert!(!flag["recommendation"].as_str().unwrap().is_empty());
    assert!(flag["lowerBound"].as_f64().unwrap() > flag["threshold"].as_f64().unwrap());
    assert!(flag["probability"].as_f64().unwrap() >= 50.0);
    assert!(
        flag["evidence"].as_str().unwrap().contains("above the 15% line"),
        "the evidence says what was compared: {}",
        flag["evidence"]
    );
    let history = t["scoreHistory"].as_array().unwrap();
    assert_eq!(history.len(), 13, "12 back-filled weeks and the current score");
    assert_eq!(
        history.last().unwrap()["version"],
        t["score"]["version"],
        "oldest first, newest last"
    );
    assert!(history.iter().take(12).all(|p| p["version"] == 0));
    assert_eq!(t["weeklyTrend"].as_array().unwrap().len(), 12);
    let weekly_sessions: i64 = t["weeklyTrend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["sessions"].as_i64().unwrap())
        .sum();
    assert!(weekly_sessions > 0);
    let reschedules = t["recentReschedules"].as_array().unwrap();
    assert!(!reschedules.is_empty());
    assert!(reschedules.iter().all(|r| r["noticeHours"].as_f64().is_some()));
    let starts: Vec<&str> = reschedules
        .iter()
        .map(|r| r["originalStart"].as_str().unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let sessions = &t["sessions"];
    assert_eq!(sessions["edges"].as_array().unwrap().len(), 5);
    assert!(
        sessions["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["tutor"]["id"] == t["id"])
    );
    assert_eq!(sessions["pageInfo"]["hasNextPage"], true);

    // Unknown and malformed ids.
    let missing = app
        .data(query, json!({ "id": uuid::Uuid::now_v7().to_string() }))
        .await;
    assert_eq!(missing["tutor"], Value::Null);
    let body = app.graphql(query, json!({ "id": "not-a-uuid" })).await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "id");
}

#[tokio::test]
async fn sessions_filter_by_tutor_status_date_range_and_first_sessions() {
    let (app, summary) = scored_app(12, 500).await;
    let db = &app.state.db;
    let tutor = summary.personas[0].tutor_id;
    let query = r#"query($f: SessionFilterInput, $after: String) { sessions(filter: $f, first: 100, after: $after) {
        pageInfo { hasNextPage endCursor } edges { node { id tutorId status isFirstSession scheduledStart } } } }"#;
    let collect = |filter: Value| {
        let app = &app;
        async move {
            let mut all = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let data = app.data(query, json!({ "f": filter, "after": after })).await;
                let c = &data["sessions"];
                all.extend(c["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()));
                if c["pageInfo"]["hasNextPage"] != true {
                    return all;
                }
                after = c["pageInfo"]["endCursor"].as_str().map(String::from);
            }
        }
    };
    let own = collect(json!({ "tutorId": tutor.to_string() })).await;
    let expected = Session::find()
        .filter(session::Column::TutorId.eq(tutor))
        .count(db)
        .await
        .unwrap();
    assert_eq!(own.len() as u64, expected);
    let ids: HashSet<&str> = own.iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), own.len(), "no duplicates across pages");
    assert!(
        own.windows(2)
            .all(|w| w[0]["scheduledStart"].as_str() >= w[1]["scheduledStart"].as_str())
    );

    let rescheduled = collect(json!({ "statuses": ["RESCHEDULED"] })).await;
    let expected = Session::find()
        .filter(session::Column::Status.eq(entity::SessionStatus::Rescheduled))
        .count(db)
        .await
        .unwrap();
    assert_eq!(rescheduled.len() as u64, expected);
    assert!(rescheduled.iter().all(|s| s["status"] == "RESCHEDULED"));

    let firsts = collect(json!({ "firstSessionsOnly": true })).await;
    assert!(!firsts.is_empty() && firsts.iter().all(|s| s["isFirstSession"] == true));

    let from = crate::helpers::test_now() - chrono::Duration::days(7);
    let recent =
        collect(json!({ "from": from.to_rfc3339(), "to": crate::helpers::test_now().to_rfc3339() })).await;
    let expected = Session::find()
        .filter(session::Column::ScheduledStart.gte(from))
        .filter(session::Column::ScheduledStart.lt(crate::helpers::test_now()))
        .count(db)
        .await
        .unwrap();
    assert_eq!(recent.len() as u64, expected);

    let body = app
        .graphql(
            query,
            json!({ "f": { "from": crate::helpers::test_now().to_rfc3339(), "to": from.to_rfc3339() } }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "filter.to");
}

#[tokio::test]
async fn the_overview_counts_match_the_stored_scores() {
    let (app, summary) = scored_app(20, 600).await;
    let db = &app.state.db;
    let data = app
        .data(
            "{ overview { tutors lowRisk mediumRisk highRisk unscored averageQualityScore averageRescheduleRate30d sessionsLast24h sessionsLast7d recentRiskChanges { tutorName to } } scoringRules { rescheduleThreshold windowsDays excusedReasonCodes decision rescheduleFlagProbability noShowFlagProbability lateStartFlagProbability earlyEndFlagProbability poorFirstSessionFlagProbability recentFlagProbability smallSampleSessions criticalProbability priorWeight priorShare warningPenalty criticalPenalty scoreOrderHolds } }",
            json!({}),
        )
        .await;
    let o = &data["overview"];
    let count = |level| async move {
        TutorScore::find()
            .filter(tutor_score::Column::RiskLevel.eq(level))
            .count(db)
            .await
            .unwrap() as i64
    };
    assert_eq!(o["tutors"], summary.tutors as i64);
    assert_eq!(o["lowRisk"], count(RiskLevel::Low).await);
    assert_eq!(o["mediumRisk"], count(RiskLevel::Medium).await);
    assert_eq!(o["highRisk"], count(RiskLevel::High).await);
    assert_eq!(o["unscored"], 0);
    let last_day = Session::find()
        .filter(session::Column::ScheduledStart.gt(crate::helpers::test_now() - chrono::Duration::hours(24)))
        .filter(session::Column::ScheduledStart.lte(crate::helpers::test_now()))
        .count(db)
        .await
        .unwrap();
    assert_eq!(o["sessionsLast24h"], last_day as i64);
    assert!(o["averageQualityScore"].as_f64().is_some());
    assert_eq!(data["scoringRules"]["rescheduleThreshold"], 15.0);
    assert_eq!(data["scoringRules"]["windowsDays"], json!([7, 30, 90]));
    assert_eq!(
        data["scoringRules"]["excusedReasonCodes"],
        json!(["platform_outage"])
    );
    // The decision parameters in force.
    let rules = &data["scoringRules"];
    assert_eq!(rules["decision"], "POSTERIOR");
    assert_eq!(
        [
            "rescheduleFlagProbability",
            "noShowFlagProbability",
            "lateStartFlagProbability",
            "earlyEndFlagProbability",
            "poorFirstSessionFlagProbability"
        ]
        .map(|field| rules[field].as_f64()),
        [Some(40.0), Some(50.0), Some(40.0), Some(40.0), Some(40.0)]
    );
    assert_eq!(
        (
            &rules["recentFlagProbability"],
            &rules["smallSampleSessions"],
            &rules["criticalProbability"]
        ),
        (&json!(75.0), &json!(30), &json!(20.0))
    );
    assert_eq!(
        (&rules["priorWeight"], &rules["priorShare"]),
        (&json!(3.0), &json!(0.5))
    );
    assert_eq!(
        (&rules["warningPenalty"], &rules["criticalPenalty"]),
        (&json!(25.0), &json!(50.0))
    );
    assert_eq!(rules["scoreOrderHolds"], true);
}

#[tokio::test]
async fn a_page_of_100_tutors_with_scores_runs_a_fixed_number_of_statements() {
    let (app, _) = scored_app(100, 1500).await;
    let before = app.state.metrics.sql_statements();
    let data = app.data(PAGE, json!({ "first": 100 })).await;
    let statements = app.state.metrics.sql_statements() - before;
    assert_eq!(data["tutors"]["edges"].as_array().unwrap().len(), 100);
    assert!(
        data["tutors"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["score"]["qualityScore"].is_number())
    );
    // The page's ids in sort order, their rows with scores, the total count.
    assert!(
        statements <= 3,
        "100 tutors with scores took {statements} statements"
    );

    // Sessions with their tutors and the tutors' scores: batched, not one query per row.
    let before = app.state.metrics.sql_statements();
    let data = app
        .data(
            "{ sessions(first: 100) { edges { node { tutor { name score { riskLevel } } } } } }",
            json!({}),
        )
        .await;
    let statements = app.state.metrics.sql_statements() - before;
    assert_eq!(data["sessions"]["edges"].as_array().unwrap().len(), 100);
    assert!(
        statements <= 3,
        "100 sessions with tutors and scores took {statements} statements"
    );
}

/// POSTs `query` with `Cache-Control: no-cache` when `fresh`; returns `data`.
async fn data_fresh(app: &TestApp, query: &str, fresh: bool) -> Value {
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query }));
    if fresh {
        request = request.header("cache-control", "no-cache");
    }
    let body: Value = request.send().await.unwrap().json().await.unwrap();
    assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
    body["data"].clone()
}

#[tokio::test]
async fn list_answers_are_reused_until_a_change_and_never_outlive_it() {
    let (app, _) = scored_app(12, 240).await;
    let page = "{ tutors(first: 100) { totalCount edges { node { name score { version qualityScore } } } } }";
    let statements = || app.state.metrics.sql_statements();

    let before = statements();
    let first = data_fresh(&app, page, false).await;
    assert!(statements() > before, "the first answer is computed");
    let before = statements();
    assert_eq!(data_fresh(&app, page, false).await, first);
    assert_eq!(statements(), before, "the same question again runs no SQL");
    let before = statements();
    assert_eq!(data_fresh(&app, page, true).await, first);
    assert!(statements() > before, "Cache-Control: no-cache computes it again");
    // A query naming anything else is never kept.
    let before = statements();
    data_fresh(
        &app,
        "{ scoringRules { minSessions } tutors(first: 1) { totalCount } }",
        false,
    )
    .await;
    data_fresh(
        &app,
        "{ scoringRules { minSessions } tutors(first: 1) { totalCount } }",
        false,
    )
    .await;
    assert!(statements() - before >= 2, "a mixed query is computed each time");

    // A mutation here: the next answer has the new tutor.
    app.tutor("t-cache", "Cache Tutor").await;
    let after_mutation = data_fresh(&app, page, false).await;
    assert_eq!(
        after_mutation["tutors"]["totalCount"],
        json!(first["tutors"]["totalCount"].as_i64().unwrap() + 1)
    );

    // A change made elsewhere (a worker's recompute) reaches the cache as an event.
    let tutor = app.state.db.clone();
    let some_tutor = Tutor::find().one(&tutor).await.unwrap().unwrap();
    app.record(crate::helpers::completed("s-cache-1", &some_tutor.external_id, 1))
        .await;
    let cached = data_fresh(&app, page, false).await;
    app.drain_jobs().await;
    let versions = |data: &Value| -> i64 {
        data["tutors"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["score"]["version"].as_i64().unwrap_or(0))
            .sum()
    };
    let mut seen = cached.clone();
    for _ in 0..100 {
        seen = data_fresh(&app, page, false).await;
        if versions(&seen) > versions(&cached) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(
        versions(&seen) > versions(&cached),
        "the recompute's event empties the cache"
    );
    assert_eq!(
        seen,
        data_fresh(&app, page, true).await,
        "and what is kept is what is true"
    );

    // What moves with time alone: an answer older than RESPONSE_CACHE_SECONDS is computed again.
    let before = statements();
    data_fresh(&app, page, false).await;
    assert_eq!(statements(), before);
    app.clock.advance(chrono::Duration::seconds(6));
    data_fresh(&app, page, false).await;
    assert!(statements() > before, "an expired answer is computed again");
}
