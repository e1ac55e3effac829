//! Service mode, with real processes: `tutorscore` api processes and `tutorscore-worker`
//! processes over one Postgres database and one Redis. These tests run in the Postgres pass of
//! the suite only (they fail, not skip, if started against SQLite).

use std::{
    collections::HashMap,
    path::PathBuf,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use chrono::{DateTime, Utc};
use entity::{JobStatus, job, prelude::*, tutor_score};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
};
use worker::{
    scoring::{self, ScoreReport, ScoringConfig},
    sessions,
    testing::{Backend, TestDatabase},
};

use crate::helpers::WsClient;

pub fn require_postgres() {
    assert_eq!(
        Backend::under_test(),
        Backend::Postgres,
        "service-mode tests need TUTORSCORE_TEST_BACKEND=postgres (scripts/test.sh runs them in the Postgres pass)"
    );
}

pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

fn api_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tutorscore"))
}

fn worker_binary() -> PathBuf {
    let path = api_binary().with_file_name("tutorscore-worker");
    assert!(
        path.exists(),
        "{} is missing: build it with `cargo build -p worker`",
        path.display()
    );
    path
}

/// A child process of the test, killed when dropped.
pub struct Process {
    pub child: Child,
    /// `http://127.0.0.1:PORT` for api processes.
    pub address: String,
}

impl Process {
    pub fn ws_url(&self) -> String {
        format!("{}/graphql", self.address.replacen("http", "ws", 1))
    }

    /// Stops the process at once (SIGKILL), as a crash would.
    pub async fn kill(&mut self) {
        let _ = self.child.kill().await;
    }
}

/// The environment of one deployment: its database, its Redis, its channels, extra settings.
#[derive(Clone)]
pub struct Deployment {
    pub database_url: String,
    pub redis_url: String,
    pub redis_prefix: String,
    pub env: Vec<(String, String)>,
}

impl Deployment {
    pub fn new(database: &TestDatabase) -> Self {
        Self::on(&database.url, &redis_url())
    }

    /// A deployment on any database and Redis; email off unless a test turns it on.
    pub fn on(database_url: &str, redis: &str) -> Self {
        Self {
            database_url: database_url.to_owned(),
            redis_url: redis.to_owned(),
            redis_prefix: format!("test-{}", uuid::Uuid::new_v4().simple()),
            env: vec![("EMAIL_TO".into(), String::new())],
        }
    }

    /// The same deployment with one more variable for its processes.
    pub fn with(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    fn command(&self, binary: PathBuf) -> Command {
        let mut command = Command::new(binary);
        command
            .env("DATABASE_URL", &self.database_url)
            .env("REDIS_URL", &self.redis_url)
            .env("REDIS_PREFIX", &self.redis_prefix)
            .env("RUST_LOG", "warn")
            .env("WORKER_LEASE_SECONDS", "3")
            .env("WORKER_POLL_INTERVAL_MS", "200")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        command.envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        command
    }

    /// Starts an api process (no in-process worker) and waits until it listens.
    pub async fn api(&self) -> Process {
        let mut command = self.command(api_binary());
        command
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env("DEMO_DATA", "false")
            .env("RUN_WORKER", "false");
        let mut child = command.spawn().expect("api process starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let address = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(url) = line.strip_prefix("tutorscore is running at ") {
                    return url.to_owned();
                }
            }
            panic!("the api exited before listening");
        })
        .await
        .expect("the api listens within 30 s");
        Process { child, address }
    }

    /// Starts a worker process.
    pub async fn worker(&self) -> Process {
        let child = self
            .command(worker_binary())
            .spawn()
            .expect("worker process starts");
        Process {
            child,
            address: String::new(),
        }
    }
}

/// POSTs a GraphQL operation to an api process.
pub async fn graphql(client: &reqwest::Client, api: &Process, query: &str, variables: Value) -> Value {
    let body: Value = client
        .post(format!("{}/graphql", api.address))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"].clone()
}

pub async fn create_tutor(client: &reqwest::Client, api: &Process, external_id: &str) -> String {
    let data = graphql(
        client,
        api,
        "mutation($i: UpsertTutorInput!) { upsertTutor(input: $i) { tutor { id } } }",
        json!({ "i": { "externalId": external_id, "name": format!("Tutor {external_id}"), "email": format!("{external_id}@example.com") } }),
    )
    .await;
    data["upsertTutor"]["tutor"]["id"].as_str().unwrap().to_owned()
}

/// A realistic session `n` of a tutor, relative to the real clock (processes use it).
pub fn session(n: usize, tutor_external_id: &str) -> Value {
    let start = Utc::now() - chrono::Duration::hours(2 + (n as i64 % 500));
    let mut input = json!({
        "externalId": format!("{tutor_external_id}-s{n}"),
        "tutorExternalId": tutor_external_id,
        "studentRef": format!("student-{}", n % 7),
        "scheduledStart": start.to_rfc3339(),
        "scheduledMinutes": 60,
    });
    match n % 10 {
        0..=6 => {
            input["status"] = json!("COMPLETED");
            input["actualStart"] = json!(start.to_rfc3339());
            input["actualEnd"] = json!((start + chrono::Duration::minutes(55)).to_rfc3339());
            input["rating"] = json!(1 + n % 5);
        }
        7 | 8 => {
            input["status"] = json!("RESCHEDULED");
            input["reschedule"] = json!({
                "initiator": "TUTOR",
                "requestedAt": (start - chrono::Duration::hours(1 + (n as i64 % 48))).to_rfc3339(),
                "newStart": (start + chrono::Duration::days(2)).to_rfc3339(),
                "reasonCode": "schedule_conflict"
            });
        }
        _ => input["status"] = json!("TUTOR_NO_SHOW"),
    }
    input
}

const ALL_SCORES: &str = "subscription { tutorScoreUpdated { snapshot tutorId version } }";

/// Collects, per tutor, the highest version pushed to one all-tutors subscription.
pub fn collect_versions(mut client: WsClient) -> Arc<Mutex<HashMap<String, i64>>> {
    let seen = Arc::new(Mutex::new(HashMap::new()));
    let sink = seen.clone();
    tokio::spawn(async move {
        while let Ok(message) = client.recv().await {
            let update = &message["payload"]["data"]["tutorScoreUpdated"];
            if let (Some(tutor), Some(version)) = (update["tutorId"].as_str(), update["version"].as_i64()) {
                let mut seen = sink.lock().unwrap();
                let entry = seen.entry(tutor.to_owned()).or_insert(0);
                *entry = (*entry).max(version);
            }
        }
    });
    seen
}

pub async fn subscribe_all(api: &Process) -> WsClient {
    let mut client = WsClient::connect(&api.ws_url(), "graphql-transport-ws").await;
    client.init(json!({})).await;
    client
        .send(json!({ "id": "all", "type": "subscribe", "payload": { "query": ALL_SCORES } }))
        .await;
    assert_eq!(
        client.next().await.unwrap()["payload"]["data"]["tutorScoreUpdated"]["snapshot"],
        true
    );
    client
}

/// Jobs due now that are not finished (the periodic recompute scheduled an hour ahead is not).
async fn unfinished_jobs(db: &sea_orm::DatabaseConnection) -> u64 {
    Job::find()
        .filter(job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .filter(job::Column::RunAfter.lte(Utc::now()))
        .count(db)
        .await
        .unwrap()
}

/// Waits until every job is done (or dead), up to `limit`.
pub async fn until_drained(db: &sea_orm::DatabaseConnection, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
    while unfinished_jobs(db).await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "jobs still pending after {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether a stored score equals a from-scratch recompute at the same instant (with the
/// previous flags the hysteresis could have started from: none, or the flags it holds, as
/// stored or as warnings).
pub async fn matches_fresh_recompute(db: &sea_orm::DatabaseConnection, row: &tutor_score::Model) -> bool {
    let config = ScoringConfig::default();
    let stored: ScoreReport = row.details.decode().unwrap();
    let at: DateTime<Utc> = row.computed_at;
    let facts = sessions::read::facts(db, row.tutor_id, at, &config)
        .await
        .unwrap();
    let held = stored.held_flags();
    let as_warnings: Vec<_> = held
        .iter()
        .map(|(code, _)| (*code, scoring::Severity::Warning))
        .collect();
    [held.clone(), as_warnings, Vec::new()]
        .iter()
        .any(|previous| scoring::score(&facts, at, previous, &config) == stored)
}

#[tokio::test]
async fn service_mode_a_mutation_on_one_api_reaches_a_subscriber_on_another_through_redis() {
    require_postgres();
    let database = TestDatabase::migrated().await;
    let deployment = Deployment::new(&database);
    let (a, b, _worker) = (
        deployment.api().await,
        deployment.api().await,
        deployment.worker().await,
    );
    let client = reqwest::Client::new();
    let tutor_id = create_tutor(&client, &a, "redis-1").await;

    let mut subscriber = WsClient::connect(&b.ws_url(), "graphql-transport-ws").await;
    subscriber.init(json!({})).await;
    subscriber
        .send(json!({ "id": "s", "type": "subscribe", "payload": { "query": "subscription($id: ID) { tutorScoreUpdated(tutorId: $id) { snapshot version } }", "variables": { "id": tutor_id } } }))
        .await;
    assert_eq!(
        subscriber.next().await.unwrap()["payload"]["data"]["tutorScoreUpdated"]["snapshot"],
        true
    );
    subscriber
        .send(json!({ "id": "r", "type": "subscribe", "payload": { "query": "subscription { sessionRecorded { snapshot externalId } }" } }))
        .await;
    assert_eq!(
        subscriber.next().await.unwrap()["payload"]["data"]["sessionRecorded"]["snapshot"],
        true
    );

    graphql(
        &client,
        &a,
        "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }",
        json!({ "i": session(1, "redis-1") }),
    )
    .await;
    let mut got_session = false;
    let mut got_score = false;
    while !(got_session && got_score) {
        let message = subscriber.next().await.expect("pushed through Redis");
        match message["id"].as_str() {
            Some("r") => {
                assert_eq!(
                    message["payload"]["data"]["sessionRecorded"]["externalId"],
                    "redis-1-s1"
                );
                got_session = true;
            }
            Some("s") => {
                assert_eq!(message["payload"]["data"]["tutorScoreUpdated"]["version"], 1);
                got_score = true;
            }
            _ => {}
        }
    }
    // Readiness reports both dependencies.
    let ready: Value = client
        .get(format!("{}/readyz", b.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        ready,
        json!({ "status": "ready", "database": "ok", "redis": "ok" })
    );
}

/// Two apis and two workers, 1,000 sessions across 50 tutors, a worker killed mid-run.
#[tokio::test]
async fn service_mode_scales_out_and_loses_nothing_when_a_worker_dies() {
    require_postgres();
    let database = TestDatabase::migrated().await;
    let db = &database.db;
    let deployment = Deployment::new(&database);
    let apis = [deployment.api().await, deployment.api().await];
    let mut workers = [deployment.worker().await, deployment.worker().await];
    let client = reqwest::Client::new();
    let tutors: Vec<String> = (0..50).map(|i| format!("scale-{i:02}")).collect();
    for (i, t) in tutors.iter().enumerate() {
        create_tutor(&client, &apis[i % 2], t).await;
    }
    let seen = [
        collect_versions(subscribe_all(&apis[0]).await),
        collect_versions(subscribe_all(&apis[1]).await),
    ];

    let record = "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }";
    let total = 1000;
    let mut sent = 0;
    while sent < total {
        let batch: Vec<_> = (sent..(sent + 25).min(total))
            .map(|n| {
                let api = &apis[n % 2];
                graphql(
                    &client,
                    api,
                    record,
                    json!({ "i": session(n, &tutors[n % tutors.len()]) }),
                )
            })
            .collect();
        for data in futures::future::join_all(batch).await {
            assert_eq!(data["recordSession"]["outcome"], "STORED");
        }
        sent += 25;
        if sent == total / 2 {
            workers[1].kill().await; // mid-run, holding whatever it had claimed
        }
    }
    until_drained(db, Duration::from_secs(120)).await;

    assert_eq!(
        Session::find().count(db).await.unwrap(),
        total as u64,
        "every session stored once"
    );
    let dead = Job::find()
        .filter(job::Column::Status.eq(JobStatus::Dead))
        .count(db)
        .await
        .unwrap();
    assert_eq!(dead, 0);
    let scores = TutorScore::find().all(db).await.unwrap();
    assert_eq!(scores.len(), tutors.len());
    for row in &scores {
        assert!(
            matches_fresh_recompute(db, row).await,
            "tutor {} differs from a fresh recompute",
            row.tutor_id
        );
        // The last recompute happened after the last session was stored.
        let newest = Session::find()
            .filter(entity::session::Column::TutorId.eq(row.tutor_id))
            .all(db)
            .await
            .unwrap();
        assert!(
            newest.iter().all(|s| s.created_at <= row.computed_at),
            "a session arrived after the final score"
        );
    }
    // Every subscriber on both apis saw every tutor's final version.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (api, versions) in seen.iter().enumerate() {
        let versions = versions.lock().unwrap();
        for row in &scores {
            assert_eq!(
                versions.get(&row.tutor_id.to_string()),
                Some(&row.version),
                "api {api}, tutor {}",
                row.tutor_id
            );
        }
    }
}

#[tokio::test]
async fn service_mode_processes_starting_together_on_an_empty_database_migrate_once() {
    require_postgres();
    let database = TestDatabase::empty().await;
    let deployment = Deployment::new(&database);
    // Two apis and two workers race to migrate the same empty database.
    let (a, b, mut w1, mut w2) = tokio::join!(
        deployment.api(),
        deployment.api(),
        deployment.worker(),
        deployment.worker()
    );
    let client = reqwest::Client::new();
    create_tutor(&client, &a, "race-1").await;
    let data = graphql(
        &client,
        &b,
        "{ tutor(externalId: \"race-1\") { name } }",
        json!({}),
    )
    .await;
    assert_eq!(data["tutor"]["name"], "Tutor race-1");
    tokio::time::sleep(Duration::from_millis(500)).await;
    for worker in [&mut w1, &mut w2] {
        assert!(
            worker.child.try_wait().unwrap().is_none(),
            "a worker died while migrating"
        );
    }
}

#[tokio::test]
async fn service_mode_a_worker_serves_its_own_metrics_and_health() {
    require_postgres();
    let database = TestDatabase::migrated().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let deployment = Deployment::new(&database).with("METRICS_ADDR", &format!("127.0.0.1:{port}"));
    let (api, _worker) = (deployment.api().await, deployment.worker().await);
    let client = reqwest::Client::new();
    create_tutor(&client, &api, "metrics-1").await;
    graphql(
        &client,
        &api,
        "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }",
        json!({ "i": session(1, "metrics-1") }),
    )
    .await;
    until_drained(&database.db, Duration::from_secs(30)).await;
    let health = client
        .get(format!("http://127.0.0.1:{port}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let metrics = client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("tutorscore_recompute_seconds"), "{metrics}");
    assert!(metrics.contains("tutorscore_recomputes_total 1"), "{metrics}");
}

#[tokio::test]
async fn service_mode_one_publish_carries_a_commits_nudge_and_its_events_in_order() {
    use worker::events::{Channels, Event, EventBus, RedisBus, SessionRecorded};
    require_postgres();
    let prefix = format!("tutorscore-test-{}", uuid::Uuid::new_v4().simple());
    let bus = RedisBus::start(&redis_url(), Channels::new(&prefix)).unwrap();
    let mut received = bus.subscribe();
    let recorded = |external_id: &str| {
        Event::SessionRecorded(SessionRecorded {
            session_id: uuid::Uuid::now_v7(),
            external_id: external_id.into(),
            tutor_id: uuid::Uuid::now_v7(),
            status: entity::SessionStatus::Completed,
            scheduled_start: Utc::now(),
            corrected: false,
        })
    };
    // The subscriber connects in the background: probe until it hears one.
    let listening = async {
        loop {
            bus.publish_all(vec![recorded("probe")], false).await.unwrap();
            if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_millis(200), received.recv()).await {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), listening)
        .await
        .expect("subscribed within 10 s");

    let (first, second) = (recorded("first"), recorded("second"));
    bus.publish_all(vec![first.clone(), second.clone()], true)
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(5), bus.jobs_notified())
        .await
        .expect("the nudge went out with the events");
    let mut heard = Vec::new();
    while heard.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(5), received.recv())
            .await
            .expect("both events arrive")
            .unwrap();
        if !matches!(event.as_ref(), Event::SessionRecorded(s) if s.external_id == "probe") {
            heard.push(event.as_ref().clone());
        }
    }
    assert_eq!(heard, vec![first, second], "in the order published");
}
