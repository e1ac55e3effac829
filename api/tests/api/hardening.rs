//! Requests an attacker or a careless integrator sends: deeply nested values, repeated
//! fields, WebSocket operations against the limits, wrong keys, client-chosen labels and
//! request ids, mistyped directives, oversized bodies and frames. The server refuses each
//! with a code and stays up.

use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{TestApp, WsClient, spawn_app, spawn_app_with};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// POSTs `body` as JSON, accepting the GraphQL-over-HTTP media type.
async fn post(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", GRAPHQL_RESPONSE)
        .json(body)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

fn code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_default()
}

async fn still_up(app: &TestApp) {
    let (status, body) = post(app, &json!({ "query": "{ __typename }" })).await;
    assert_eq!(
        (status, &body["data"]["__typename"]),
        (200, &json!("Query")),
        "{body}"
    );
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// A subscribe over graphql-transport-ws; the first message back.
async fn ws_operation(app: &TestApp, id: &str, payload: Value) -> Value {
    let mut ws = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    ws.init(json!({})).await;
    ws.send(json!({ "type": "subscribe", "id": id, "payload": payload }))
        .await;
    ws.next().await.unwrap()
}

#[tokio::test]
async fn values_nested_thousands_deep_are_refused_over_every_transport_and_the_server_stays_up() {
    let app = spawn_app().await;
    let documents = [
        format!(
            "{{ tutors(filter: {{riskLevels: {}}}) {{ edges {{ cursor }} }} }}",
            nested("[", "LOW", "]", 2000)
        ),
        format!(
            "query($f: TutorFilterInput = {}) {{ __typename }}",
            nested("{a: ", "1", "}", 2000)
        ),
        format!(
            "{{ __typename @include(if: {}) }}",
            nested("{a: ", "1", "}", 2000)
        ),
    ];
    for query in &documents {
        let (status, body) = post(&app, &json!({ "query": query })).await;
        assert_eq!((status, code(&body)), (400, "GRAPHQL_PARSE_FAILED"), "{body}");
        assert!(body.get("data").is_none(), "a request error has no data: {body}");

        let response = app
            .client
            .get(format!("{}/graphql", app.address))
            .header("accept", GRAPHQL_RESPONSE)
            .query(&[("query", query.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        assert_eq!(code(&response.json().await.unwrap()), "GRAPHQL_PARSE_FAILED");

        let message = ws_operation(&app, "deep", json!({ "query": query })).await;
        assert_eq!(message["type"], "error", "{message}");
        assert_eq!(
            message["payload"][0]["extensions"]["code"],
            "GRAPHQL_PARSE_FAILED"
        );
    }
    // Variables: deeper than MAX_VALUE_DEPTH is refused the same way; deeper than the JSON
    // parser's own limit (128) is malformed JSON, not a crash.
    let deep_variable: Value = serde_json::from_str(&nested("[", "1", "]", 100)).unwrap();
    let (status, body) = post(
        &app,
        &json!({ "query": "query($v: Int) { __typename }", "variables": { "v": deep_variable } }),
    )
    .await;
    assert_eq!((status, code(&body)), (400, "GRAPHQL_PARSE_FAILED"), "{body}");
    let body = format!(
        r#"{{"query":"{{ __typename }}","variables":{{"v":{}}}}}"#,
        nested("[", "1", "]", 5000)
    );
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // Within the limit, values work as before.
    let (status, body) = post(
        &app,
        &json!({ "query": format!("{{ tutors(filter: {{riskLevels: {}}}) {{ edges {{ cursor }} }} }}", nested("[", "LOW", "]", 1)) }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    still_up(&app).await;
}

#[tokio::test]
async fn a_field_repeated_thousands_of_times_is_refused_by_the_selection_limit() {
    let app = spawn_app().await;
    let query = format!("{{ {} }}", "overview { tutors } ".repeat(2400));
    let (status, body) = post(&app, &json!({ "query": query })).await;
    assert_eq!((status, code(&body)), (400, "BAD_USER_INPUT"), "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("MAX_QUERY_FIELDS")
    );
    let spreads = format!(
        "{{ {} }} fragment F on Query {{ overview {{ tutors }} }}",
        "...F ".repeat(2400)
    );
    let (_, body) = post(&app, &json!({ "query": spreads })).await;
    assert_eq!(code(&body), "BAD_USER_INPUT", "spreads count too: {body}");
    let (status, body) = post(
        &app,
        &json!({ "query": "{ overview { tutors } overview { tutors } }" }),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.get("errors").is_none(), "{body}");
}

#[tokio::test]
async fn websocket_operations_take_from_the_rate_limit() {
    let app = spawn_app_with(|c| c.limits.rate_limit_per_minute = 3).await;
    let mut ws = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    ws.init(json!({})).await;
    let mut limited = 0;
    for i in 0..6 {
        ws.send(
            json!({ "type": "subscribe", "id": format!("q{i}"), "payload": { "query": "{ __typename }" } }),
        )
        .await;
        let message = ws.next().await.unwrap();
        if message["type"] == "error" {
            assert_eq!(
                message["payload"][0]["extensions"]["code"], "RATE_LIMITED",
                "{message}"
            );
            assert!(
                message["payload"][0]["extensions"]["retryAfter"]
                    .as_u64()
                    .unwrap()
                    >= 1
            );
            limited += 1;
        } else {
            assert_eq!(message["type"], "next", "{message}");
            assert_eq!(ws.next().await.unwrap()["type"], "complete");
        }
    }
    assert_eq!(limited, 3, "three of six operations over the limit of three");
    // The same bucket as HTTP: the caller is the same.
    let (status, _) = post(&app, &json!({ "query": "{ __typename }" })).await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn websocket_mutations_run_under_the_query_timeout() {
    let app = spawn_app_with(|c| c.limits.query_timeout_seconds = 1).await;
    // Another transaction holds the write lock, so a write waits (SQLite's busy timeout is
    // 5 s, Postgres waits as long as the lock is held): the operation's timeout cuts it.
    let lock = worker::db::begin_write(&app.state.db).await.unwrap();
    use sea_orm::ConnectionTrait;
    if lock.get_database_backend() == sea_orm::DbBackend::Postgres {
        lock.execute_unprepared("LOCK TABLE tutors IN EXCLUSIVE MODE")
            .await
            .unwrap();
    } else {
        lock.execute_unprepared("DELETE FROM tutors WHERE external_id = 'none'")
            .await
            .unwrap();
    }
    let upsert = json!({ "query": r#"mutation { upsertTutor(input: { externalId: "slow-1", name: "Slow", email: "s@example.com" }) { outcome } }"# });
    let (_, body) = post(&app, &upsert).await;
    assert_eq!(code(&body), "SERVICE_UNAVAILABLE", "over HTTP: {body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("longer than 1 s"),
        "{body}"
    );
    let message = ws_operation(&app, "slow", upsert).await;
    let errors = if message["type"] == "error" {
        &message["payload"]
    } else {
        &message["payload"]["errors"]
    };
    assert_eq!(
        errors[0]["extensions"]["code"], "SERVICE_UNAVAILABLE",
        "over WebSocket: {message}"
    );
    assert!(
        errors[0]["message"].as_str().unwrap().contains("longer than 1 s"),
        "{message}"
    );
    lock.rollback().await.unwrap();
}

/// The value of a series in `/metrics` (0 when absent).
async fn metric(app: &TestApp, series: &str) -> f64 {
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|line| {
            line.strip_prefix(series)
                .and_then(|rest| rest.trim().parse().ok())
        })
        .unwrap_or(0.0)
}

async fn metrics_text(app: &TestApp) -> String {
    app.client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

const KEYS: &str = "viewer:hardening-viewer-key-01,admin:hardening-admin-key-001";

#[tokio::test]
async fn wrong_keys_are_counted_and_throttled_per_client_address() {
    let app = spawn_app_with(|c| {
        c.api_keys = KEYS.into();
        c.limits.auth_failures_per_minute = 3;
        c.limits.trusted_proxies = "127.0.0.1/32".into();
    })
    .await;
    let unauthenticated = r#"tutorscore_graphql_errors_total{code="UNAUTHENTICATED"}"#;
    let rate_limited = r#"tutorscore_graphql_errors_total{code="RATE_LIMITED"}"#;
    let before = (
        metric(&app, unauthenticated).await,
        metric(&app, rate_limited).await,
    );
    let attempt = |key: &'static str, client: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/graphql", app.address))
                .bearer_auth(key)
                .header("x-forwarded-for", client)
                .json(&json!({ "query": "{ __typename }" }))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert_eq!(
            attempt("wrong-key-guess-000000", "203.0.113.1").await.status(),
            401
        );
    }
    let throttled = attempt("wrong-key-guess-000000", "203.0.113.1").await;
    assert_eq!(throttled.status(), 429);
    assert!(throttled.headers().get("retry-after").is_some());
    assert_eq!(
        attempt("hardening-viewer-key-01", "203.0.113.1").await.status(),
        429,
        "a throttled address is refused before its key is looked at"
    );
    assert_eq!(
        attempt("wrong-key-guess-000000", "203.0.113.2").await.status(),
        401,
        "another client behind the trusted proxy has its own count"
    );
    assert_eq!(
        attempt("hardening-viewer-key-01", "203.0.113.3").await.status(),
        200
    );
    let after = (
        metric(&app, unauthenticated).await,
        metric(&app, rate_limited).await,
    );
    assert!(after.0 >= before.0 + 4.0, "401s counted: {before:?} -> {after:?}");
    assert!(after.1 >= before.1 + 2.0, "429s counted: {before:?} -> {after:?}");

    // Over WebSocket the same throttle applies to connection_init (127.0.0.1 is the proxy,
    // so without X-Forwarded-For the proxy's own address is the client).
    for _ in 0..3 {
        let mut ws = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
        ws.send(json!({ "type": "connection_init", "payload": { "apiKey": "wrong-key-guess-000000" } }))
            .await;
        assert_eq!(ws.closed_with().await, Some(4403));
    }
    let mut ws = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    ws.send(json!({ "type": "connection_init", "payload": { "apiKey": "hardening-viewer-key-01" } }))
        .await;
    assert_eq!(ws.closed_with().await, Some(4429));
}

#[tokio::test]
async fn forwarded_addresses_are_ignored_without_trusted_proxies() {
    let app = spawn_app_with(|c| {
        c.api_keys = KEYS.into();
        c.limits.auth_failures_per_minute = 2;
    })
    .await;
    for (client, expected) in [
        ("198.51.100.1", 401),
        ("198.51.100.2", 401),
        ("198.51.100.3", 429),
    ] {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .bearer_auth("wrong-key-guess-000000")
            .header("x-forwarded-for", client)
            .json(&json!({ "query": "{ __typename }" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{client}");
    }
}

#[tokio::test]
async fn short_api_keys_are_refused_at_start() {
    let database = worker::testing::TestDatabase::migrated().await;
    let mut config = api::config::ApiConfig::for_tests(&database.url);
    config.api_keys = "viewer:viewer-key".into();
    let clock = worker::clock::ManualClock::new(crate::helpers::test_now());
    let Err(error) = api::startup::Application::build(config, clock).await else {
        panic!("a 10-character key was accepted");
    };
    assert!(error.to_string().contains("at least 16"), "{error}");
}

#[tokio::test]
async fn operation_names_become_labels_only_while_short_and_few() {
    let app = spawn_app().await;
    let long = format!("Op{}", "x".repeat(100));
    post(
        &app,
        &json!({ "query": format!("query {long} {{ __typename }}") }),
    )
    .await;
    for i in 0..120 {
        post(
            &app,
            &json!({ "query": format!("query Distinct{i} {{ __typename }}") }),
        )
        .await;
    }
    let text = metrics_text(&app).await;
    assert!(!text.contains(&long), "a long name is not a label");
    assert!(text.contains(r#"operation="other""#));
    let labels: std::collections::HashSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("tutorscore_graphql_requests_total{"))
        .filter_map(|l| l.split("operation=\"").nth(1)?.split('"').next())
        .collect();
    assert!(labels.len() <= 101, "{} operation labels", labels.len());
}

/// graphql-js 16's `getIntrospectionQuery()` with its default options.
const INTROSPECTION_QUERY: &str = r#"
query IntrospectionQuery {
  __schema {
    queryType { name }
    mutationType { name }
    subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType {
    kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }
}
"#;

#[tokio::test]
async fn the_standard_introspection_query_works_at_the_default_depth_and_other_queries_keep_the_limit() {
    let app = spawn_app().await;
    assert_eq!(app.state.config.limits.max_depth, 12);
    let (status, body) = post(&app, &json!({ "query": INTROSPECTION_QUERY })).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
    let message = ws_operation(&app, "schema", json!({ "query": INTROSPECTION_QUERY })).await;
    assert_eq!(message["type"], "next", "{message}");
    // Mixing a data field in makes it an ordinary query again, under MAX_QUERY_DEPTH.
    let mixed = INTROSPECTION_QUERY.replacen("__schema {", "overview { tutors } __schema {", 1);
    let (status, body) = post(&app, &json!({ "query": mixed })).await;
    assert_eq!(
        (status, code(&body)),
        (400, "GRAPHQL_VALIDATION_FAILED"),
        "{body}"
    );
}

#[tokio::test]
async fn directives_with_mistyped_arguments_are_refused() {
    let app = spawn_app().await;
    for query in [
        r#"{ __typename @include(if: "yes") }"#,
        "{ __typename @skip(if: 1) }",
        "query($v: String) { overview { tutors @include(if: $v) } }",
    ] {
        let (status, body) = post(&app, &json!({ "query": query })).await;
        assert_eq!(
            (status, code(&body)),
            (400, "GRAPHQL_VALIDATION_FAILED"),
            "{query}: {body}"
        );
    }
    let (status, body) = post(
        &app,
        &json!({ "query": "query($v: Boolean!) { overview { tutors @include(if: $v) lowRisk @skip(if: true) } }", "variables": { "v": true } }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"], json!({ "overview": { "tutors": 0 } }));
}

#[tokio::test]
async fn with_introspection_off_errors_suggest_no_field_names() {
    let app = spawn_app_with(|c| c.limits.introspection = false).await;
    let (_, body) = post(&app, &json!({ "query": "{ tutorz { edges { cursor } } }" })).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("tutorz"), "{body}");
    assert!(!message.contains("Did you mean"), "{message}");
    let open = spawn_app().await;
    let (_, body) = post(&open, &json!({ "query": "{ tutorz { edges { cursor } } }" })).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Did you mean"),
        "{body}"
    );
}

#[tokio::test]
async fn an_oversized_body_is_answered_as_graphql_json() {
    let app = spawn_app_with(|c| c.limits.max_body_bytes = 1024).await;
    let query = format!("{{ __typename }} # {}", "x".repeat(4096));
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{:?}",
        response.headers()
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(code(&body), "PAYLOAD_TOO_LARGE", "{body}");
}

#[tokio::test]
async fn a_client_request_id_is_kept_only_when_short_and_printable() {
    let app = spawn_app().await;
    let sent_back = |id: String| {
        let app = &app;
        async move {
            let response = app
                .client
                .post(format!("{}/graphql", app.address))
                .header("x-request-id", id)
                .json(&json!({ "query": "{ nope }" }))
                .send()
                .await
                .unwrap();
            let header = response.headers()["x-request-id"].to_str().unwrap().to_owned();
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["errors"][0]["extensions"]["requestId"], header.as_str());
            header
        }
    };
    assert_eq!(sent_back("trace-42.a:b_c".into()).await, "trace-42.a:b_c");
    for bad in [
        "x".repeat(200),
        "id with spaces <script>".into(),
        "\"quoted\"".into(),
    ] {
        let replaced = sent_back(bad.clone()).await;
        assert_ne!(replaced, bad);
        assert!(uuid::Uuid::parse_str(&replaced).is_ok(), "a fresh id: {replaced}");
    }
}

#[tokio::test]
async fn an_oversized_websocket_message_closes_with_1009() {
    use futures::{SinkExt, StreamExt};
    let app = spawn_app_with(|c| c.limits.ws_max_message_bytes = 1024).await;
    let ws = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    let (mut sink, mut stream) = ws.socket.split();
    sink.send(Message::text(json!({ "type": "connection_init" }).to_string()))
        .await
        .unwrap();
    // Far larger than the socket buffers: the server refuses it while it is still arriving.
    let big = json!({ "type": "subscribe", "id": "big", "payload": { "query": format!("{{ __typename }} # {}", "x".repeat(4 * 1024 * 1024)) } });
    let sending = tokio::spawn(async move {
        let _ = sink.send(Message::text(big.to_string())).await;
    });
    let close = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        while let Some(message) = stream.next().await {
            match message {
                Ok(Message::Close(frame)) => return frame.map(|f| u16::from(f.code)),
                Ok(_) => continue,
                Err(e) => panic!("the connection broke without a close frame: {e}"),
            }
        }
        None
    })
    .await
    .expect("closed within 10 s");
    assert_eq!(close, Some(1009));
    sending.abort();
}

/// SQL statements the application runs for `query`.
async fn statements_for(app: &TestApp, query: &str) -> u64 {
    let before = app.state.metrics.sql_statements();
    let (status, body) = post(app, &json!({ "query": query })).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    app.state.metrics.sql_statements() - before
}

#[tokio::test]
async fn repeated_fields_are_merged_so_repetition_costs_what_it_returns() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    app.tutor("merge-1", "Merge").await;
    let once = statements_for(&app, "{ overview { tutors } }").await;
    assert!(once > 0);
    let repeated = format!("{{ {} }}", "overview { tutors lowRisk } ".repeat(300));
    assert_eq!(
        statements_for(&app, &repeated).await,
        once,
        "one resolver run for 300 repeats"
    );
    let spreads = format!(
        "{{ {} }} fragment F on Query {{ overview {{ tutors }} }}",
        "...F ".repeat(300)
    );
    assert_eq!(
        statements_for(&app, &spreads).await,
        once,
        "a fragment spread is collected once"
    );
    // The sub-selections of the repeats are kept together.
    let (_, body) = post(
        &app,
        &json!({ "query": "{ overview { tutors } overview { highRisk } }" }),
    )
    .await;
    assert_eq!(
        body["data"]["overview"],
        json!({ "tutors": 1, "highRisk": 0 }),
        "{body}"
    );
}
