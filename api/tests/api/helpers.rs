//! `spawn_app`: a fresh database, the real application on port 0, and clients for it (HTTP
//! GraphQL and GraphQL over WebSocket).

use std::{sync::Arc, time::Duration};

use api::{config::ApiConfig, startup::Application, state::AppState};
use chrono::{DateTime, TimeZone, Utc};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{net::TcpStream, sync::oneshot};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};
use worker::{
    clock::ManualClock,
    demo::{self, DemoOptions, DemoSummary},
    runner::{Worker, WorkerConfig},
    scoring::ScoringConfig,
    testing::TestDatabase,
};

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub state: AppState,
    pub database: TestDatabase,
    pub _shutdown: oneshot::Sender<()>,
}

/// The fixed "now" tests start at.
pub fn test_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

/// Starts the application on a fresh database with `configure` applied to the test config.
pub async fn spawn_app_with(configure: impl FnOnce(&mut ApiConfig)) -> TestApp {
    let database = TestDatabase::migrated().await;
    let mut config = ApiConfig::for_tests(&database.url);
    configure(&mut config);
    let clock = ManualClock::new(test_now());
    let app = Application::build(config, clock.clone())
        .await
        .expect("building the application");
    let address = format!("http://{}", app.local_addr());
    let state = app.state.clone();
    let (shutdown, stopped) = oneshot::channel::<()>();
    tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        address,
        client: reqwest::Client::new(),
        clock,
        state,
        database,
        _shutdown: shutdown,
    }
}

/// Starts the application with the test defaults (in-process worker running).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

impl TestApp {
    /// POSTs a GraphQL operation with an optional key; returns the status and JSON body.
    pub async fn graphql_as(&self, key: Option<&str>, query: &str, variables: Value) -> (u16, Value) {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// POSTs a GraphQL operation and returns the JSON body.
    pub async fn graphql(&self, query: &str, variables: Value) -> Value {
        self.graphql_as(None, query, variables).await.1
    }

    /// POSTs an operation that must succeed and returns its `data`.
    pub async fn data(&self, query: &str, variables: Value) -> Value {
        let body = self.graphql(query, variables).await;
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// Creates a tutor through the API and returns its id.
    pub async fn tutor(&self, external_id: &str, name: &str) -> String {
        let data = self
            .data(
                "mutation($i: UpsertTutorInput!) { upsertTutor(input: $i) { tutor { id } } }",
                json!({ "i": { "externalId": external_id, "name": name, "email": format!("{external_id}@example.com") } }),
            )
            .await;
        data["upsertTutor"]["tutor"]["id"].as_str().unwrap().to_owned()
    }

    /// Records a session and returns the whole response body.
    pub async fn record(&self, input: Value) -> Value {
        self.graphql(
            "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome session { id externalId status isFirstSession rating reschedule { noticeHours initiator } } } }",
            json!({ "i": input }),
        )
        .await
    }

    /// Generates demo data as of the test clock.
    pub async fn demo(&self, options: DemoOptions) -> DemoSummary {
        demo::generate(
            &self.state.db,
            &DemoOptions {
                until: Some(test_now()),
                ..options
            },
            self.clock.now(),
        )
        .await
        .expect("demo data")
    }

    /// Runs worker steps (on this app's database, bus and clock) until nothing is due.
    pub async fn drain_jobs(&self) {
        let worker = Worker::new(
            self.state.db.clone(),
            self.state.bus.clone(),
            self.clock.clone(),
            ScoringConfig::default(),
            WorkerConfig::default(),
        );
        while !worker.step().await.unwrap().is_idle() {}
    }

    /// The WebSocket URL of the GraphQL endpoint.
    pub fn ws_url(&self) -> String {
        format!("{}/graphql", self.address.replacen("http", "ws", 1))
    }
}

use worker::clock::Clock;

/// A completed session input `days_ago` days before the test clock.
pub fn completed(external_id: &str, tutor_external_id: &str, days_ago: i64) -> Value {
    let start = test_now() - chrono::Duration::days(days_ago) - chrono::Duration::hours(3);
    json!({
        "externalId": external_id,
        "tutorExternalId": tutor_external_id,
        "studentRef": "student-1",
        "scheduledStart": start.to_rfc3339(),
        "scheduledMinutes": 60,
        "status": "COMPLETED",
        "actualStart": start.to_rfc3339(),
        "actualEnd": (start + chrono::Duration::minutes(60)).to_rfc3339(),
        "rating": 5
    })
}

/// A client speaking one of the GraphQL WebSocket sub-protocols.
pub struct WsClient {
    pub socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl WsClient {
    /// Connects with `protocol` (`graphql-transport-ws` or `graphql-ws`).
    pub async fn connect(url: &str, protocol: &str) -> Self {
        let mut request = url.into_client_request().unwrap();
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", HeaderValue::from_str(protocol).unwrap());
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .expect("websocket connects");
        assert_eq!(
            response.headers().get("sec-websocket-protocol").unwrap(),
            protocol
        );
        Self { socket }
    }

    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("sent");
    }

    /// The next JSON message (skipping keep-alive pings) within 10 s, or the close code if
    /// the server closed.
    pub async fn next(&mut self) -> Result<Value, Option<u16>> {
        tokio::time::timeout(Duration::from_secs(10), self.recv())
            .await
            .expect("a message within 10 s")
    }

    /// The next JSON message (skipping keep-alive pings), however long it takes.
    pub async fn recv(&mut self) -> Result<Value, Option<u16>> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    if matches!(value["type"].as_str(), Some("ping" | "ka")) {
                        continue;
                    }
                    return Ok(value);
                }
                Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| f.code.into())),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return Err(None),
            }
        }
    }

    /// Sends `connection_init` and expects the ack.
    pub async fn init(&mut self, payload: Value) {
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        assert_eq!(self.next().await.unwrap()["type"], "connection_ack");
    }

    /// The close code the server ends the connection with.
    pub async fn closed_with(&mut self) -> Option<u16> {
        loop {
            match self.next().await {
                Ok(_) => continue,
                Err(code) => return code,
            }
        }
    }
}
