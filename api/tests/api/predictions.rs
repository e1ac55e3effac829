//! Booked sessions and predictions through the API: a booking is recorded, listed as
//! upcoming and replaced by its outcome; odd bookings are refused naming the field; once a
//! model is fitted on the history, upcoming sessions carry probabilities with reasons in
//! words and the model its held-out figures against the baseline.

use chrono::Duration;
use serde_json::{Value, json};
use worker::{
    demo::DemoOptions,
    events::InProcessBus,
    jobs,
    predictions::{self, PredictionConfig},
    runner::{Worker, WorkerConfig},
    scoring::ScoringConfig,
};

use crate::helpers::{TestApp, completed, spawn_app_with, test_now};

fn booking(external_id: &str, tutor: &str, hours_ahead: i64) -> Value {
    let start = test_now() + Duration::hours(hours_ahead);
    json!({
        "externalId": external_id,
        "tutorExternalId": tutor,
        "studentRef": "student-b",
        "scheduledStart": start.to_rfc3339(),
        "scheduledMinutes": 60,
        "status": "SCHEDULED",
        "bookedAt": (test_now() - Duration::days(3)).to_rfc3339(),
    })
}

/// The demo's history, every tutor scored; no model yet.
async fn scored_demo(app: &TestApp) {
    app.demo(DemoOptions {
        tutors: 30,
        sessions: 4_500,
        seed: 5,
        ..DemoOptions::default()
    })
    .await;
    app.drain_jobs().await;
}

/// Fits a model on the app's history (it must be promoted), then recomputes every tutor with
/// the prediction rules `config`, so that the bookings get predictions.
async fn fit_and_predict(app: &TestApp, config: PredictionConfig) -> entity::prediction_model::Model {
    let fitted = predictions::store::train(
        &app.state.db,
        &PredictionConfig::default(),
        &ScoringConfig::default(),
        test_now(),
    )
    .await
    .unwrap();
    assert!(fitted.promoted, "{}", fitted.reason);
    let tutors = worker::tutors::read::active_ids(&app.state.db).await.unwrap();
    jobs::enqueue_recompute(&app.state.db, tutors, test_now())
        .await
        .unwrap();
    let worker = Worker::new(
        app.state.db.clone(),
        InProcessBus::new(),
        app.clock.clone(),
        ScoringConfig::default(),
        WorkerConfig::default(),
    )
    .with_predictions(config);
    while !worker.step().await.unwrap().is_idle() {}
    fitted
}

const UPCOMING: &str = "query($f: UpcomingFilterInput) { upcomingSessions(filter: $f, first: 50) {
    totalCount edges { node { session { externalId status bookedAt }
      prediction { probability poorFirstProbability reasons { text points } modelVersion } } } } }";

#[tokio::test]
async fn a_booking_is_listed_as_upcoming_until_its_outcome_arrives() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    app.tutor("t-b", "Booked Tutor").await;
    let stored = app.record(booking("b-1", "t-b", 30)).await;
    assert_eq!(stored["data"]["recordSession"]["outcome"], "STORED", "{stored}");
    assert_eq!(stored["data"]["recordSession"]["session"]["status"], "SCHEDULED");

    let upcoming = app.data(UPCOMING, json!({})).await;
    let edges = upcoming["upcomingSessions"]["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 1, "{upcoming}");
    assert_eq!(edges[0]["node"]["session"]["externalId"], "b-1");
    let booked_at: chrono::DateTime<chrono::Utc> = edges[0]["node"]["session"]["bookedAt"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        booked_at,
        test_now() - Duration::days(3),
        "the integrator's booking time is kept"
    );
    assert!(
        edges[0]["node"]["prediction"].is_null(),
        "no model is fitted yet: no prediction, not a made-up one"
    );

    // Past the default 48 hours: not listed unless asked for.
    app.record(booking("b-later", "t-b", 24 * 5)).await;
    let default_window = app.data(UPCOMING, json!({})).await;
    assert_eq!(default_window["upcomingSessions"]["totalCount"], 1);
    let week = app
        .data(
            UPCOMING,
            json!({ "f": { "to": (test_now() + Duration::days(7)).to_rfc3339() } }),
        )
        .await;
    assert_eq!(week["upcomingSessions"]["totalCount"], 2);

    // The same external id with its outcome: no longer upcoming.
    let mut outcome = completed("b-1", "t-b", 0);
    let start = test_now() + Duration::hours(30);
    outcome["scheduledStart"] = json!(start.to_rfc3339());
    outcome["status"] = json!("RESCHEDULED");
    outcome.as_object_mut().unwrap().remove("actualStart");
    outcome.as_object_mut().unwrap().remove("actualEnd");
    outcome.as_object_mut().unwrap().remove("rating");
    outcome["reschedule"] = json!({
        "initiator": "TUTOR",
        "requestedAt": test_now().to_rfc3339(),
        "newStart": (start + Duration::days(1)).to_rfc3339(),
    });
    let corrected = app.record(outcome).await;
    assert_eq!(
        corrected["data"]["recordSession"]["outcome"], "UPDATED",
        "{corrected}"
    );
    let after = app.data(UPCOMING, json!({})).await;
    assert_eq!(after["upcomingSessions"]["totalCount"], 0, "{after}");
}

#[tokio::test]
async fn odd_bookings_are_refused_naming_the_field_and_change_nothing() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    app.tutor("t-o", "Odd").await;
    let mut with_times = booking("o-1", "t-o", 30);
    with_times["actualStart"] = json!((test_now() + Duration::hours(30)).to_rfc3339());
    let mut booked_after_start = booking("o-2", "t-o", 30);
    booked_after_start["bookedAt"] = json!((test_now() + Duration::hours(31)).to_rfc3339());
    for (input, field) in [(with_times, "actualStart"), (booked_after_start, "bookedAt")] {
        let body = app.record(input).await;
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{body}");
        assert!(
            error["extensions"]["field"]
                .as_str()
                .unwrap_or_default()
                .ends_with(field),
            "{body}"
        );
    }
    let upcoming = app.data(UPCOMING, json!({ "f": { "minRisk": 0.0 } })).await;
    assert_eq!(upcoming["upcomingSessions"]["totalCount"], 0);
    let refused = app.graphql(UPCOMING, json!({ "f": { "minRisk": 1.5 } })).await;
    assert_eq!(
        refused["errors"][0]["extensions"]["field"], "filter.minRisk",
        "{refused}"
    );
}

#[tokio::test]
async fn a_fitted_model_predicts_upcoming_sessions_with_reasons_and_shows_its_figures() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    scored_demo(&app).await;
    let none = app.data("{ predictionModel { version } }", json!({})).await;
    assert!(none["predictionModel"].is_null(), "nothing fitted yet: {none}");

    let fitted = fit_and_predict(&app, PredictionConfig::default()).await;

    let model = app
        .data(
            "{ predictionModel { version promoted samples holdoutSamples auc baselineAuc brier baselineBrier
                calibration { from to count predicted observed } features { name weight } } }",
            json!({}),
        )
        .await;
    let m = &model["predictionModel"];
    assert_eq!(m["version"], fitted.version, "{model}");
    assert!(
        m["auc"].as_f64().unwrap() > m["baselineAuc"].as_f64().unwrap(),
        "{model}"
    );
    let calibrated: i64 = m["calibration"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["count"].as_i64().unwrap())
        .sum();
    assert_eq!(
        calibrated,
        m["holdoutSamples"].as_i64().unwrap(),
        "every held-out outcome is in one bin"
    );

    let upcoming = app
        .data(
            UPCOMING,
            json!({ "f": { "to": (test_now() + Duration::days(14)).to_rfc3339() } }),
        )
        .await;
    let edges = upcoming["upcomingSessions"]["edges"].as_array().unwrap();
    assert!(!edges.is_empty(), "the demo books sessions ahead: {upcoming}");
    let probabilities: Vec<f64> = edges
        .iter()
        .map(|e| {
            e["node"]["prediction"]["probability"]
                .as_f64()
                .expect("predicted")
        })
        .collect();
    assert!(
        probabilities.windows(2).all(|w| w[0] >= w[1]),
        "riskiest first: {probabilities:?}"
    );
    let top = &edges[0]["node"]["prediction"];
    assert_eq!(top["modelVersion"], fitted.version);
    let reasons = top["reasons"].as_array().unwrap();
    assert_eq!(reasons.len(), 3, "{top}");
    assert!(
        reasons
            .iter()
            .all(|r| r["text"].as_str().is_some_and(|t| !t.is_empty()))
    );
}

#[tokio::test]
async fn an_upcoming_session_alert_shows_its_session_prediction_and_reasons() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    scored_demo(&app).await;
    // With the heads-up on at 1%, every booking of the next 48 hours opens an alert.
    fit_and_predict(
        &app,
        PredictionConfig {
            upcoming_risk_alert: Some(1.0),
            ..PredictionConfig::default()
        },
    )
    .await;

    let before = app.state.metrics.sql_statements();
    let body = app
        .data(
            "{ alerts(first: 100) { edges { node { kind summary session { externalId status }
                prediction { probability reasons { text points } } } } } }",
            json!({}),
        )
        .await;
    let statements = app.state.metrics.sql_statements() - before;
    let upcoming: Vec<&Value> = body["alerts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .filter(|n| n["kind"] == "UPCOMING_SESSION")
        .collect();
    assert!(upcoming.len() >= 10, "{body}");
    // Sessions and predictions are loaded for the whole page at once, not per alert.
    assert!(
        statements <= 6,
        "{} alerts with sessions and predictions took {statements} statements",
        upcoming.len()
    );
    for alert in upcoming {
        assert_eq!(alert["session"]["status"], "SCHEDULED", "{alert}");
        assert!(
            alert["summary"]
                .as_str()
                .unwrap()
                .contains("likely to be rescheduled or missed"),
            "{alert}"
        );
        assert!(alert["prediction"]["probability"].as_f64().unwrap() >= 0.01);
        assert_eq!(alert["prediction"]["reasons"].as_array().unwrap().len(), 3);
    }
    // A flag alert has its flag's evidence as summary and no session.
    let all = app
        .data(
            "{ alerts(first: 100) { edges { node { kind summary session { id } } } } }",
            json!({}),
        )
        .await;
    let flag = all["alerts"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|n| n["kind"] == "FLAG")
        .expect("the demo's flagged tutors have alerts");
    assert!(flag["session"].is_null());
    assert!(
        flag["summary"].as_str().is_some_and(|t| t.contains("sessions")),
        "{flag}"
    );
}
