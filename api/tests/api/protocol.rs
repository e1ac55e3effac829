//! The HTTP contract: auth matrix, methods and content types, limits, rate limits, GraphiQL,
//! metrics and the schema file.

use serde_json::{Value, json};

use crate::helpers::{TestApp, completed, spawn_app_with};

const KEYS: &str = "viewer:view-key-0123456789,ingest:ingest-key-0123456789,admin:admin-key-0123456789";

async fn keyed_app() -> TestApp {
    spawn_app_with(|c| {
        c.api_keys = KEYS.into();
        c.run_worker = false;
    })
    .await
}

/// One operation of each kind.
const QUERY: &str = "{ overview { tutors } }";
const MUTATION: &str = r#"mutation { upsertTutor(input: { externalId: "auth-t", name: "A", email: "a@example.com" }) { outcome } }"#;
const ADMIN_QUERY: &str = "{ deadJobs { id } }";
const ADMIN_MUTATION: &str = r#"mutation { retryDeadJob(id: "1") }"#;

/// What a request should get: allowed, or the error code (and HTTP status).
fn outcome(status: u16, body: &Value) -> String {
    match body["errors"][0]["extensions"]["code"].as_str() {
        Some(code) => format!("{status} {code}"),
        None => format!("{status} ok"),
    }
}

#[tokio::test]
async fn the_auth_matrix_holds_for_every_key_and_operation() {
    let app = keyed_app().await;
    let send = |header: Option<&'static str>, query: &'static str| {
        let app = &app;
        async move {
            let mut request = app
                .client
                .post(format!("{}/graphql", app.address))
                .json(&json!({ "query": query }));
            if let Some(h) = header {
                request = request.header("Authorization", h);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            outcome(status, &response.json().await.unwrap())
        }
    };
    let unauthenticated = "401 UNAUTHENTICATED";
    let forbidden = "200 FORBIDDEN";
    // The admin mutation with a valid role reaches the resolver, which finds no job 1.
    let rows: [(Option<&'static str>, [&str; 4]); 6] = [
        (None, [unauthenticated; 4]),
        (Some("Basic dmlldzp2aWV3"), [unauthenticated; 4]),
        (Some("Bearer not-a-configured-key"), [unauthenticated; 4]),
        (
            Some("Bearer view-key-0123456789"),
            ["200 ok", forbidden, forbidden, forbidden],
        ),
        (
            Some("Bearer ingest-key-0123456789"),
            ["200 ok", "200 ok", forbidden, forbidden],
        ),
        (
            Some("Bearer admin-key-0123456789"),
            ["200 ok", "200 ok", "200 ok", "200 NOT_FOUND"],
        ),
    ];
    for (header, expected) in rows {
        let got = [
            send(header, QUERY).await,
            send(header, MUTATION).await,
            send(header, ADMIN_QUERY).await,
            send(header, ADMIN_MUTATION).await,
        ];
        assert_eq!(got, expected.map(String::from), "key {header:?}");
    }
}

#[tokio::test]
async fn without_keys_the_server_refuses_a_non_loopback_address() {
    let database = worker::testing::TestDatabase::migrated().await;
    let mut config = api::config::ApiConfig::for_tests(&database.url);
    config.listen_addr = "0.0.0.0:0".parse().unwrap();
    let error = api::startup::Application::build(config.clone(), worker::clock::system())
        .await
        .err()
        .expect("refused");
    assert!(error.to_string().contains("without API keys"), "{error}");
    config.api_keys = KEYS.into();
    assert!(
        api::startup::Application::build(config, worker::clock::system())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_get_405() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let url = format!("{}/graphql", app.address);
    let response = app
        .client
        .get(&url)
        .query(&[("query", QUERY)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"]["overview"]["tutors"], 0);

    let response = app
        .client
        .get(&url)
        .query(&[("query", MUTATION)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    assert_eq!(tutors_stored(&app).await, 0, "nothing written");
}

async fn tutors_stored(app: &TestApp) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    entity::prelude::Tutor::find().count(&app.state.db).await.unwrap()
}

#[tokio::test]
async fn simple_content_types_batches_malformed_json_and_huge_bodies_are_refused() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let url = format!("{}/graphql", app.address);
    let body = json!({ "query": MUTATION }).to_string();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let response = app
            .client
            .post(&url)
            .header("content-type", content_type)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status(),
            415,
            "{content_type} must not reach the resolver (CSRF)"
        );
    }
    let batch = json!([{ "query": QUERY }, { "query": QUERY }]).to_string();
    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body("{\"query\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert!(
        error["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("malformed JSON")
    );

    let huge = json!({ "query": QUERY, "variables": { "pad": "x".repeat(1024 * 1024) } }).to_string();
    let response = app
        .client
        .post(&url)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(tutors_stored(&app).await, 0);
    // Still healthy.
    assert_eq!(app.data(QUERY, json!({})).await["overview"]["tutors"], 0);
}

#[tokio::test]
async fn depth_complexity_alias_and_page_size_limits_hold() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let code = |body: Value| {
        body["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or("none")
            .to_owned()
    };
    let deep = "{ tutors { edges { node { sessions { edges { node { tutor { sessions { edges { node { tutor { sessions { edges { node { id } } } } } } } } } } } } } } }";
    assert_eq!(
        code(app.graphql(deep, json!({})).await),
        "GRAPHQL_VALIDATION_FAILED"
    );
    let complex = "{ tutors(first: 100) { edges { node { sessions(first: 100) { edges { node { id externalId status } } } } } } }";
    let body = app.graphql(complex, json!({})).await;
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("complex"),
        "{body}"
    );
    let aliases: String = (0..31).map(|i| format!("a{i}: overview {{ tutors }} ")).collect();
    let body = app.graphql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(code(body.clone()), "BAD_USER_INPUT", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("31 aliases")
    );
    let body = app
        .graphql("{ tutors(first: 101) { totalCount } }", json!({}))
        .await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "first");
    let body = app.graphql("{ nope }", json!({})).await;
    assert_eq!(code(body.clone()), "GRAPHQL_VALIDATION_FAILED");
    assert!(body["errors"][0]["extensions"]["requestId"].is_string());
    let body = app.graphql("{ overview { ", json!({})).await;
    assert_eq!(code(body), "GRAPHQL_PARSE_FAILED");
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let open = spawn_app_with(|c| c.run_worker = false).await;
    let introspection = "{ __schema { queryType { name } } }";
    assert_eq!(
        open.data(introspection, json!({})).await["__schema"]["queryType"]["name"],
        "Query"
    );
    let closed = spawn_app_with(|c| {
        c.run_worker = false;
        c.limits.introspection = false;
    })
    .await;
    assert!(closed.graphql(introspection, json!({})).await["errors"].is_array());
}

#[tokio::test]
async fn the_graphql_response_media_type_uses_http_status_codes() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let url = format!("{}/graphql", app.address);
    let send = |accept: &'static str, query: &'static str| {
        app.client
            .post(&url)
            .header("accept", accept)
            .json(&json!({ "query": query }))
            .send()
    };
    let response = send("application/graphql-response+json", "{ nope }")
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.headers()["content-type"],
        "application/graphql-response+json"
    );
    let response = send("application/graphql-response+json", QUERY).await.unwrap();
    assert_eq!(response.status(), 200);
    let response = send("application/json", "{ nope }").await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn request_errors_get_400_and_no_data_under_the_graphql_response_media_type() {
    let app = keyed_app().await;
    let send = |accept: &'static str, body: Value| {
        app.client
            .post(format!("{}/graphql", app.address))
            .bearer_auth("view-key-0123456789")
            .header("accept", accept)
            .json(&body)
            .send()
    };
    let parse_failure = json!({ "query": "{ overview { " });
    let validation_failure = json!({ "query": "{ nope }" });
    for (accept, status) in [
        ("application/graphql-response+json", 400),
        ("application/json", 200),
    ] {
        for (case, body, code) in [
            ("parse", &parse_failure, "GRAPHQL_PARSE_FAILED"),
            ("validation", &validation_failure, "GRAPHQL_VALIDATION_FAILED"),
        ] {
            let response = send(accept, body.clone()).await.unwrap();
            assert_eq!(response.status(), status, "{case} failure, {accept}");
            assert_eq!(response.headers()["content-type"], accept);
            let body: Value = response.json().await.unwrap();
            assert!(
                body.get("data").is_none(),
                "{case} failure, {accept}: nothing executed, so no data: {body}"
            );
            assert_eq!(body["errors"][0]["extensions"]["code"], code, "{body}");
        }
    }
    // Without a query at all it is no GraphQL request: 400 whatever the client accepts.
    for accept in ["application/graphql-response+json", "application/json"] {
        let response = send(accept, json!({ "qeury": QUERY })).await.unwrap();
        assert_eq!(response.status(), 400, "{accept}");
    }
    // An error raised while executing keeps `data` (null here: the field is non-null) and 200.
    let response = send(
        "application/graphql-response+json",
        json!({ "query": ADMIN_QUERY }),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert!(body.get("data").is_some(), "{body}");
}

#[tokio::test]
async fn a_key_over_its_rate_gets_429_with_retry_after() {
    let app = spawn_app_with(|c| {
        c.run_worker = false;
        c.api_keys = KEYS.into();
        c.limits.rate_limit_per_minute = 3;
    })
    .await;
    for _ in 0..3 {
        assert_eq!(
            app.graphql_as(Some("view-key-0123456789"), QUERY, json!({}))
                .await
                .0,
            200
        );
    }
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth("view-key-0123456789")
        .json(&json!({ "query": QUERY }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(
        response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    // Another key has its own budget.
    assert_eq!(
        app.graphql_as(Some("admin-key-0123456789"), QUERY, json!({}))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn graphiql_and_metrics_are_served() {
    let app = spawn_app_with(|c| c.run_worker = true).await;
    app.tutor("m-1", "M").await;
    app.record(completed("m-s", "m-1", 1)).await;
    app.graphql("{ nope }", json!({})).await;
    let mut socket = crate::helpers::WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    socket.init(json!({})).await;
    socket
        .send(json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { riskLevelChanged { snapshot } }" } }))
        .await;
    socket.next().await.unwrap();
    let page = app
        .client
        .get(format!("{}/graphiql", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().to_lowercase().contains("graphiql"));
    let series = [
        "tutorscore_graphql_requests_total",
        "tutorscore_graphql_request_seconds_bucket",
        "tutorscore_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"}",
        "tutorscore_websockets_open",
        "tutorscore_subscriptions_active",
        "tutorscore_job_queue_depth",
        "tutorscore_job_oldest_age_seconds",
        "tutorscore_jobs_dead",
        "tutorscore_recompute_seconds",
        "tutorscore_email_reports{status=\"sent\"}",
        "tutorscore_sql_statements_total",
        "tutorscore_sql_statement_seconds",
    ];
    for _ in 0..50 {
        let metrics = app
            .client
            .get(format!("{}/metrics", app.address))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if series.iter().all(|s| metrics.contains(s)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let missing: Vec<_> = series.iter().filter(|s| !metrics.contains(*s)).collect();
    panic!("missing from /metrics: {missing:?}");
}

#[tokio::test]
async fn every_response_carries_a_request_id_that_errors_repeat() {
    let app = spawn_app_with(|c| c.run_worker = false).await;
    let url = format!("{}/graphql", app.address);
    let response = app
        .client
        .post(&url)
        .json(&json!({ "query": "{ nope }" }))
        .send()
        .await
        .unwrap();
    let header = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["requestId"], header.as_str());
    assert!(uuid::Uuid::parse_str(&header).is_ok());
    // A caller's own id is kept end to end.
    let response = app
        .client
        .post(&url)
        .header("x-request-id", "trace-42")
        .json(&json!({ "query": "{ nope }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-42");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["requestId"], "trace-42");
}

#[test]
fn schema_graphql_matches_the_schema_the_server_exposes() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(path).expect("schema.graphql exists");
    assert!(
        committed == api::graphql::sdl(),
        "schema.graphql is out of date: run `cargo run -p api -- schema > schema.graphql`"
    );
}
