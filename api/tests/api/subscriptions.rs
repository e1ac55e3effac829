//! Subscriptions over both WebSocket sub-protocols, and the protocol's close codes.

use serde_json::{Value, json};

use crate::helpers::{TestApp, WsClient, completed, spawn_app, spawn_app_with, test_now};

const SCORE: &str = "subscription($id: ID) { tutorScoreUpdated(tutorId: $id) { snapshot tutorId tutorName version score { riskLevel windows { days sessions } } } }";

fn no_show(external_id: &str, tutor: &str, days_ago: i64) -> Value {
    json!({
        "externalId": external_id, "tutorExternalId": tutor, "studentRef": format!("st-{external_id}"),
        "scheduledStart": (test_now() - chrono::Duration::days(days_ago) - chrono::Duration::hours(2)).to_rfc3339(),
        "scheduledMinutes": 60, "status": "TUTOR_NO_SHOW"
    })
}

/// Reads messages of subscription `id` until `accept` takes one.
async fn until(client: &mut WsClient, id: &str, accept: impl Fn(&Value) -> bool) -> Value {
    loop {
        let message = client.next().await.expect("connection open");
        if message["id"] == id && accept(&message) {
            return message;
        }
    }
}

#[tokio::test]
async fn a_recorded_session_reaches_a_tutor_subscription_after_its_snapshot() {
    let app = spawn_app().await;
    let tutor_id = app.tutor("live-1", "Live One").await;
    let mut client = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    client.init(json!({})).await;
    client.send(json!({ "id": "1", "type": "subscribe", "payload": { "query": SCORE, "variables": { "id": tutor_id } } })).await;
    let snapshot = client.next().await.unwrap();
    assert_eq!(snapshot["type"], "next");
    let data = &snapshot["payload"]["data"]["tutorScoreUpdated"];
    assert_eq!(data["snapshot"], true);
    assert_eq!(data["tutorName"], "Live One");
    assert_eq!(data["score"], Value::Null, "not scored yet");

    let body = app.record(completed("live-s1", "live-1", 1)).await;
    assert_eq!(body["data"]["recordSession"]["outcome"], "STORED");
    let update = until(&mut client, "1", |m| {
        m["payload"]["data"]["tutorScoreUpdated"]["snapshot"] == false
    })
    .await;
    let data = &update["payload"]["data"]["tutorScoreUpdated"];
    assert_eq!(data["tutorId"], tutor_id);
    assert_eq!(data["version"], 1);
    assert_eq!(data["score"]["windows"][0]["sessions"], 1);

    // Stopping the subscription is acknowledged by silence; the connection stays usable.
    client.send(json!({ "id": "1", "type": "complete" })).await;
    client.send(json!({ "type": "ping" })).await;
    assert_eq!(client.next().await.unwrap()["type"], "pong");
}

#[tokio::test]
async fn the_all_tutors_stream_starts_with_a_marker_and_carries_every_tutor() {
    let app = spawn_app().await;
    app.tutor("all-a", "A").await;
    app.tutor("all-b", "B").await;
    let mut client = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    client.init(json!({})).await;
    client
        .send(json!({ "id": "all", "type": "subscribe", "payload": { "query": SCORE } }))
        .await;
    let marker = client.next().await.unwrap();
    assert_eq!(marker["payload"]["data"]["tutorScoreUpdated"]["snapshot"], true);
    assert_eq!(
        marker["payload"]["data"]["tutorScoreUpdated"]["tutorId"],
        Value::Null
    );
    app.record(completed("all-1", "all-a", 1)).await;
    app.record(completed("all-2", "all-b", 1)).await;
    let mut names = std::collections::HashSet::new();
    while names.len() < 2 {
        let m = until(&mut client, "all", |_| true).await;
        names.insert(
            m["payload"]["data"]["tutorScoreUpdated"]["tutorName"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(names, ["A".to_string(), "B".to_string()].into());
}

#[tokio::test]
async fn the_legacy_graphql_ws_protocol_works_too() {
    let app = spawn_app().await;
    let tutor_id = app.tutor("legacy-1", "Legacy").await;
    let mut client = WsClient::connect(&app.ws_url(), "graphql-ws").await;
    client.init(json!({})).await;
    client.send(json!({ "id": "a", "type": "start", "payload": { "query": SCORE, "variables": { "id": tutor_id } } })).await;
    let snapshot = client.next().await.unwrap();
    assert_eq!(snapshot["type"], "data");
    assert_eq!(snapshot["payload"]["data"]["tutorScoreUpdated"]["snapshot"], true);
    app.record(completed("legacy-s", "legacy-1", 1)).await;
    let update = until(&mut client, "a", |m| {
        m["payload"]["data"]["tutorScoreUpdated"]["snapshot"] == false
    })
    .await;
    assert_eq!(update["type"], "data");
    client.send(json!({ "id": "a", "type": "stop" })).await;
    client.send(json!({ "type": "connection_terminate" })).await;
    assert_eq!(client.closed_with().await, Some(1000));
}

#[tokio::test]
async fn risk_changes_and_recorded_sessions_are_pushed() {
    let app = spawn_app().await;
    let tutor_id = app.tutor("risky", "Risky Tutor").await;
    for i in 0..8 {
        app.record(completed(&format!("ok-{i}"), "risky", 2 + i)).await;
    }
    let mut client = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    client.init(json!({})).await;
    client
        .send(json!({ "id": "risk", "type": "subscribe", "payload": { "query": "subscription { riskLevelChanged(minLevel: HIGH) { snapshot change { tutorId tutorName from to flags } } }" } }))
        .await;
    assert_eq!(
        until(&mut client, "risk", |_| true).await["payload"]["data"]["riskLevelChanged"]["snapshot"],
        true
    );
    client
        .send(json!({ "id": "sessions", "type": "subscribe", "payload": { "query": "subscription($id: ID) { sessionRecorded(tutorId: $id) { snapshot externalId status session { id } } }", "variables": { "id": tutor_id } } }))
        .await;
    assert_eq!(
        until(&mut client, "sessions", |_| true).await["payload"]["data"]["sessionRecorded"]["snapshot"],
        true
    );

    for i in 0..6 {
        app.record(no_show(&format!("miss-{i}"), "risky", 1 + i)).await;
    }
    let recorded = until(&mut client, "sessions", |m| {
        m["payload"]["data"]["sessionRecorded"]["snapshot"] == false
    })
    .await;
    assert_eq!(
        recorded["payload"]["data"]["sessionRecorded"]["status"],
        "TUTOR_NO_SHOW"
    );
    assert!(recorded["payload"]["data"]["sessionRecorded"]["session"]["id"].is_string());
    let change = until(&mut client, "risk", |m| {
        m["payload"]["data"]["riskLevelChanged"]["snapshot"] == false
    })
    .await;
    let change = &change["payload"]["data"]["riskLevelChanged"]["change"];
    assert_eq!(change["tutorName"], "Risky Tutor");
    assert_eq!(change["to"], "HIGH");
    assert!(
        change["flags"]
            .as_array()
            .unwrap()
            .contains(&json!("NO_SHOW_RATE"))
    );
}

async fn short_init_timeout() -> TestApp {
    spawn_app_with(|c| {
        c.run_worker = false;
        c.limits.ws_init_timeout_seconds = 1;
        c.limits.ws_max_subscriptions = 2;
    })
    .await
}

#[tokio::test]
async fn the_transport_protocol_close_codes_are_followed() {
    let app = short_init_timeout().await;
    let url = app.ws_url();
    let subscribe = |id: &str| json!({ "id": id, "type": "subscribe", "payload": { "query": SCORE } });

    let mut silent = WsClient::connect(&url, "graphql-transport-ws").await;
    assert_eq!(
        silent.closed_with().await,
        Some(4408),
        "no connection_init in time"
    );

    let mut eager = WsClient::connect(&url, "graphql-transport-ws").await;
    eager.send(subscribe("1")).await;
    assert_eq!(eager.closed_with().await, Some(4401), "subscribe before ack");

    let mut twice = WsClient::connect(&url, "graphql-transport-ws").await;
    twice.init(json!({})).await;
    twice.send(json!({ "type": "connection_init" })).await;
    assert_eq!(twice.closed_with().await, Some(4429), "second connection_init");

    let mut duplicate = WsClient::connect(&url, "graphql-transport-ws").await;
    duplicate.init(json!({})).await;
    duplicate.send(subscribe("same")).await;
    duplicate.next().await.unwrap();
    duplicate.send(subscribe("same")).await;
    assert_eq!(
        duplicate.closed_with().await,
        Some(4409),
        "duplicate subscription id"
    );

    let mut garbage = WsClient::connect(&url, "graphql-transport-ws").await;
    garbage.send(json!({ "no": "type" })).await;
    assert_eq!(garbage.closed_with().await, Some(4400), "malformed message");

    let mut greedy = WsClient::connect(&url, "graphql-transport-ws").await;
    greedy.init(json!({})).await;
    for id in ["a", "b"] {
        greedy.send(subscribe(id)).await;
        greedy.next().await.unwrap();
    }
    greedy.send(subscribe("c")).await;
    let refused = greedy.next().await.unwrap();
    assert_eq!(
        (refused["type"].as_str(), refused["id"].as_str()),
        (Some("error"), Some("c"))
    );
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");

    let mut huge = WsClient::connect(&url, "graphql-transport-ws").await;
    huge.init(json!({})).await;
    huge.send(json!({ "id": "big", "type": "subscribe", "payload": { "query": "x".repeat(100 * 1024) } }))
        .await;
    assert!(
        huge.closed_with().await.is_some_and(|code| code != 1000),
        "an oversized frame closes the connection"
    );
}

#[tokio::test]
async fn websocket_clients_authenticate_in_connection_init() {
    let app = spawn_app_with(|c| {
        c.run_worker = false;
        c.api_keys = "viewer:view-key-0123456789".into();
    })
    .await;
    let mut anonymous = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    anonymous.send(json!({ "type": "connection_init" })).await;
    assert_eq!(anonymous.closed_with().await, Some(4403));
    let mut wrong = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    wrong
        .send(json!({ "type": "connection_init", "payload": { "Authorization": "Bearer nope" } }))
        .await;
    assert_eq!(wrong.closed_with().await, Some(4403));
    let mut viewer = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    viewer
        .init(json!({ "Authorization": "Bearer view-key-0123456789" }))
        .await;
    viewer
        .send(json!({ "id": "1", "type": "subscribe", "payload": { "query": SCORE } }))
        .await;
    assert_eq!(
        viewer.next().await.unwrap()["payload"]["data"]["tutorScoreUpdated"]["snapshot"],
        true
    );
    // A viewer may not run mutations over the socket either.
    viewer
        .send(json!({ "id": "2", "type": "subscribe", "payload": { "query": r#"mutation { upsertTutor(input: {externalId: "x", name: "x", email: "x@example.com"}) { outcome } }"# } }))
        .await;
    let denied = until(&mut viewer, "2", |_| true).await;
    assert_eq!(
        denied["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{denied}"
    );
}

#[tokio::test]
async fn shutting_down_closes_websockets_with_going_away() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let mut client = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    client.init(json!({})).await;
    let TestApp { _shutdown, .. } = app;
    drop(_shutdown);
    assert_eq!(client.closed_with().await, Some(1001));
}
