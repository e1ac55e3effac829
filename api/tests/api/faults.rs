//! Faults, with real processes and private server instances the tests may stop: Redis going
//! away, Postgres restarting, a worker killed in the middle of a batch. Part of the service-mode
//! tests (the Postgres pass).

use std::{path::PathBuf, process::Stdio, time::Duration};

use entity::{EmailStatus, JobKind, JobStatus, SessionStatus, job, prelude::*};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use tokio::process::{Child, Command};
use worker::testing::TestDatabase;

use crate::{
    helpers::WsClient,
    service_mode::{
        Deployment, Process, create_tutor, graphql, matches_fresh_recompute, require_postgres, session,
        until_drained,
    },
    smtp::{Mode, SmtpSink},
};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A Redis server of this test only, on its own port, that the test may stop and restart.
struct PrivateRedis {
    port: u16,
    child: Option<Child>,
}

impl PrivateRedis {
    async fn start() -> Self {
        let mut redis = Self {
            port: free_port(),
            child: None,
        };
        redis.resume().await;
        redis
    }

    fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    async fn resume(&mut self) {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &self.port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("redis-server runs");
        self.child = Some(child);
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("private redis did not start");
    }

    async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().await.unwrap();
        }
    }
}

/// A Postgres cluster of this test only (initdb into a temporary folder, run as the postgres
/// user), which the test may stop and start.
struct PrivatePostgres {
    port: u16,
    folder: PathBuf,
}

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

fn as_postgres(program: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new("runuser")
        .args(["-u", "postgres", "--", &format!("{PG_BIN}/{program}")])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("runuser runs the Postgres tools")
}

impl PrivatePostgres {
    fn start() -> Self {
        let folder = std::env::temp_dir().join(format!("tutorscore-pg-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&folder).unwrap();
        let status = std::process::Command::new("chown")
            .args(["-R", "postgres:postgres", folder.to_str().unwrap()])
            .status()
            .unwrap();
        assert!(status.success());
        let data = folder.join("data");
        let init = as_postgres(
            "initdb",
            &["-D", data.to_str().unwrap(), "-A", "trust", "-U", "postgres"],
        );
        assert!(
            init.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let pg = Self {
            port: free_port(),
            folder,
        };
        pg.resume();
        pg
    }

    fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    fn resume(&self) {
        let data = self.folder.join("data");
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.folder.display()
        );
        let log = self.folder.join("log");
        let out = as_postgres(
            "pg_ctl",
            &[
                "-D",
                data.to_str().unwrap(),
                "-o",
                &options,
                "-l",
                log.to_str().unwrap(),
                "-w",
                "start",
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn stop(&self) {
        let data = self.folder.join("data");
        let out = as_postgres(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "fast", "-w", "stop"],
        );
        assert!(
            out.status.success(),
            "pg_ctl stop: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.folder.join("data");
        let _ = as_postgres(
            "pg_ctl",
            &["-D", data.to_str().unwrap(), "-m", "immediate", "stop"],
        );
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

const RECORD: &str = "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }";
const VERSION: &str = "query($id: ID) { tutor(id: $id) { score { version } } }";

async fn raw_graphql(client: &reqwest::Client, api: &Process, query: &str, variables: Value) -> Value {
    client
        .post(format!("{}/graphql", api.address))
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn readiness(client: &reqwest::Client, api: &Process) -> (u16, Value) {
    let response = client
        .get(format!("{}/readyz", api.address))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn version_of(client: &reqwest::Client, api: &Process, tutor_id: &str) -> i64 {
    let data = graphql(client, api, VERSION, json!({ "id": tutor_id })).await;
    data["tutor"]["score"]["version"].as_i64().unwrap_or(0)
}

/// Waits (up to 30 s) for `check` to hold.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..150 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{what} did not happen within 30 s");
}

async fn next_update(client: &mut WsClient) -> Value {
    loop {
        let message = client.next().await.expect("connection open");
        let update = &message["payload"]["data"]["tutorScoreUpdated"];
        if !update.is_null() {
            return update.clone();
        }
    }
}

#[tokio::test]
async fn service_mode_fault_redis_down_keeps_ingest_and_scoring_going_and_subscriptions_resume() {
    require_postgres();
    let database = TestDatabase::migrated().await;
    let mut redis = PrivateRedis::start().await;
    let deployment = Deployment::on(&database.url, &redis.url());
    let (api, _worker) = (deployment.api().await, deployment.worker().await);
    let client = reqwest::Client::new();
    let tutor_id = create_tutor(&client, &api, "redis-fault").await;
    let mut subscriber = WsClient::connect(&api.ws_url(), "graphql-transport-ws").await;
    subscriber.init(json!({})).await;
    let query = "subscription($id: ID) { tutorScoreUpdated(tutorId: $id) { snapshot version } }";
    subscriber.send(json!({ "id": "s", "type": "subscribe", "payload": { "query": query, "variables": { "id": tutor_id } } })).await;
    assert_eq!(next_update(&mut subscriber).await["snapshot"], true);
    graphql(&client, &api, RECORD, json!({ "i": session(1, "redis-fault") })).await;
    assert_eq!(next_update(&mut subscriber).await["version"], 1);

    redis.stop().await;
    for n in 2..=4 {
        let data = graphql(&client, &api, RECORD, json!({ "i": session(n, "redis-fault") })).await;
        assert_eq!(
            data["recordSession"]["outcome"], "STORED",
            "ingest goes on without Redis"
        );
    }
    eventually("the worker scoring by polling", || async {
        version_of(&client, &api, &tutor_id).await >= 2
    })
    .await;
    let (status, body) = readiness(&client, &api).await;
    assert_eq!(status, 503);
    assert_eq!(body["database"], "ok");
    assert_ne!(body["redis"], "ok");

    redis.resume().await;
    eventually("readiness after Redis returns", || async {
        readiness(&client, &api).await.0 == 200
    })
    .await;
    until_drained(&database.db, Duration::from_secs(30)).await;
    let before = version_of(&client, &api, &tutor_id).await;
    // The api's subscriber connection reconnects with backoff; keep recording until pushes
    // flow again.
    let mut n = 10;
    let pushed = loop {
        graphql(&client, &api, RECORD, json!({ "i": session(n, "redis-fault") })).await;
        n += 1;
        let update = tokio::time::timeout(Duration::from_secs(2), next_update(&mut subscriber)).await;
        if let Ok(update) = update {
            break update;
        }
        assert!(n < 30, "subscriptions did not deliver again after Redis returned");
    };
    assert!(pushed["version"].as_i64().unwrap() > before);
    // A client connecting now starts from the current state.
    let mut fresh = WsClient::connect(&api.ws_url(), "graphql-transport-ws").await;
    fresh.init(json!({})).await;
    fresh.send(json!({ "id": "f", "type": "subscribe", "payload": { "query": query, "variables": { "id": tutor_id } } })).await;
    until_drained(&database.db, Duration::from_secs(30)).await;
    let snapshot = next_update(&mut fresh).await;
    assert_eq!(snapshot["snapshot"], true);
    assert!(snapshot["version"].as_i64().unwrap() >= pushed["version"].as_i64().unwrap());
}

#[tokio::test]
async fn service_mode_fault_postgres_restart_fails_fast_and_everything_recovers_without_restarts() {
    require_postgres();
    let postgres = PrivatePostgres::start();
    let database_url = postgres.url("postgres");
    worker::db::connect_and_migrate(&database_url, 1)
        .await
        .unwrap()
        .close()
        .await
        .unwrap();
    let deployment = Deployment::on(&database_url, &crate::service_mode::redis_url());
    let (api, _worker) = (deployment.api().await, deployment.worker().await);
    let client = reqwest::Client::new();
    let tutor_id = create_tutor(&client, &api, "pg-fault").await;
    let mut stored = 0;
    for n in 0..5 {
        graphql(&client, &api, RECORD, json!({ "i": session(n, "pg-fault") })).await;
        stored += 1;
    }

    postgres.stop();
    for n in 5..8 {
        let started = std::time::Instant::now();
        let body = raw_graphql(&client, &api, RECORD, json!({ "i": session(n, "pg-fault") })).await;
        let waited = started.elapsed();
        assert!(
            waited < Duration::from_secs(6),
            "a mutation hung for {waited:?} with the database down"
        );
        let error = &body["errors"][0];
        assert_eq!(error["extensions"]["code"], "SERVICE_UNAVAILABLE", "{body}");
        let message = error["message"].as_str().unwrap().to_lowercase();
        assert!(
            !message.contains("select") && !message.contains("insert") && !message.contains("sqlx"),
            "{message}"
        );
    }
    assert_eq!(readiness(&client, &api).await.0, 503);

    postgres.resume();
    let mut n = 100;
    eventually("ingest after Postgres returns", || {
        n += 1;
        let (client, api) = (&client, &api);
        async move {
            let body = raw_graphql(client, api, RECORD, json!({ "i": session(n, "pg-fault") })).await;
            body["data"]["recordSession"]["outcome"] == "STORED"
        }
    })
    .await;
    stored += 1;
    eventually("readiness", || async { readiness(&client, &api).await.0 == 200 }).await;
    let db = worker::db::connect_and_migrate(&database_url, 2).await.unwrap();
    until_drained(&db, Duration::from_secs(60)).await;
    // Nothing half-written: exactly the accepted sessions, each rescheduled one with its details.
    let sessions = Session::find()
        .find_also_related(Reschedule)
        .all(&db)
        .await
        .unwrap();
    assert_eq!(sessions.len(), stored);
    for (s, r) in &sessions {
        assert_eq!(
            s.status == SessionStatus::Rescheduled,
            r.is_some(),
            "session {} half-written",
            s.external_id
        );
    }
    let score = TutorScore::find_by_id(uuid::Uuid::parse_str(&tutor_id).unwrap())
        .one(&db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches_fresh_recompute(&db, &score).await,
        "the worker recovered and scored the latest sessions"
    );
    let details: serde_json::Value = score.details.decode().unwrap();
    assert_eq!(details["windows"][2]["sessions"], stored);
}

#[tokio::test]
async fn service_mode_fault_a_worker_killed_mid_batch_loses_nothing_and_resends_only_what_it_held() {
    require_postgres();
    let database = TestDatabase::migrated().await;
    let db = &database.db;
    let sink = SmtpSink::start_anywhere(Mode::Accept);
    let deployment = Deployment::new(&database)
        .with("EMAIL_TO", "ops@example.com")
        .with("SMTP_URL", &sink.url())
        // The sessions reach 500 hours back: every one of them gets its report.
        .with("SESSION_REPORTS_MAX_AGE_HOURS", "1000")
        .with("WORKER_BATCH_SIZE", "40");
    let api = deployment.api().await;
    let client = reqwest::Client::new();
    let tutors: Vec<String> = (0..20).map(|i| format!("kill-{i:02}")).collect();
    for t in &tutors {
        create_tutor(&client, &api, t).await;
    }
    let total = 300;
    for chunk in (0..total).collect::<Vec<_>>().chunks(25) {
        let calls = chunk.iter().map(|n| {
            graphql(
                &client,
                &api,
                RECORD,
                json!({ "i": session(*n, &tutors[n % tutors.len()]) }),
            )
        });
        futures::future::join_all(calls).await;
    }

    // A worker starts on the backlog and is killed in the middle of it.
    let mut doomed = deployment.worker().await;
    eventually("the first worker to make progress", || async {
        Job::find()
            .filter(job::Column::Status.eq(JobStatus::Done))
            .count(db)
            .await
            .unwrap()
            > 0
    })
    .await;
    doomed.kill().await;
    // The killed worker's claimed emails: one it had handed to the SMTP server but not yet
    // marked sent goes out again from its successor, with the same Message-ID (the
    // at-least-once window `worker/src/mail/reports.rs` documents). No other may.
    let in_flight: std::collections::HashSet<String> = Job::find()
        .filter(job::Column::Kind.eq(JobKind::SendEmail))
        .filter(job::Column::Status.eq(JobStatus::Running))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|j| {
            j.payload["report_id"]
                .as_str()
                .map(|id| format!("<{id}@tutorscore>"))
        })
        .collect();
    let _successor = deployment.worker().await;
    until_drained(db, Duration::from_secs(120)).await;

    assert_eq!(
        Job::find()
            .filter(job::Column::Status.eq(JobStatus::Dead))
            .count(db)
            .await
            .unwrap(),
        0
    );
    for row in TutorScore::find().all(db).await.unwrap() {
        assert!(matches_fresh_recompute(db, &row).await, "tutor {}", row.tutor_id);
    }
    let reports = EmailReport::find().all(db).await.unwrap();
    assert!(
        reports.len() >= total,
        "a report per session (and alerts): {}",
        reports.len()
    );
    assert!(
        reports.iter().all(|r| r.status == EmailStatus::Sent),
        "every report sent"
    );
    let mut delivered: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for raw in sink.messages() {
        let eml = String::from_utf8_lossy(&raw).into_owned();
        let id = eml
            .lines()
            .find_map(|l| {
                l.split_once(':')
                    .filter(|(name, _)| name.eq_ignore_ascii_case("message-id"))
            })
            .map(|(_, value)| value.trim().to_owned())
            .expect("every message has a Message-ID");
        *delivered.entry(id).or_default() += 1;
    }
    for report in &reports {
        let id = format!("<{}@tutorscore>", report.id);
        assert!(delivered.contains_key(&id), "report {} delivered", report.id);
    }
    assert_eq!(delivered.len(), reports.len(), "no message but the reports'");
    for (id, times) in &delivered {
        if *times > 1 {
            assert!(
                *times == 2 && in_flight.contains(id),
                "{id} delivered {times} times, though the killed worker had not claimed it"
            );
        }
    }
}

/// Resident memory of a process, in MB.
fn rss_mb(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

/// Mixed load for `SOAK_SECONDS` (default 60): ingest, dashboard queries and a few hundred
/// subscribers. No request may fail, and neither process's memory may trend upwards.
#[tokio::test]
async fn service_mode_soak_mixed_load_has_no_errors_and_flat_memory() {
    require_postgres();
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let database = TestDatabase::migrated().await;
    let deployment = Deployment::new(&database);
    let (api, worker) = (deployment.api().await, deployment.worker().await);
    let client = reqwest::Client::new();
    let tutors: Vec<String> = (0..40).map(|i| format!("soak-{i:02}")).collect();
    for t in &tutors {
        create_tutor(&client, &api, t).await;
    }
    let mut subscribers = Vec::new();
    for chunk in 0..6 {
        let batch = (0..50).map(|_| crate::service_mode::subscribe_all(&api));
        subscribers.extend(futures::future::join_all(batch).await);
        let _ = chunk;
    }
    let received: Vec<_> = subscribers
        .into_iter()
        .map(crate::service_mode::collect_versions)
        .collect();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
    let errors = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let ingest = {
        let (client, errors, api_address) = (client.clone(), errors.clone(), api.address.clone());
        let tutors = tutors.clone();
        tokio::spawn(async move {
            let mut n = 0usize;
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            while tokio::time::Instant::now() < deadline {
                tick.tick().await;
                let body: Value = client
                    .post(format!("{api_address}/graphql"))
                    .json(&json!({ "query": RECORD, "variables": { "i": session(n, &tutors[n % tutors.len()]) } }))
                    .send()
                    .await
                    .map(|r| r.json::<Value>())
                    .unwrap()
                    .await
                    .unwrap_or(Value::Null);
                if body["data"]["recordSession"]["outcome"] != "STORED" {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    eprintln!("ingest error: {body}");
                }
                n += 1;
            }
            n
        })
    };
    let queries = {
        let (client, errors, api_address) = (client.clone(), errors.clone(), api.address.clone());
        tokio::spawn(async move {
            let reads = [
                "{ tutors(first: 25, sort: {field: RISK_LEVEL, direction: DESC}) { totalCount edges { node { name score { qualityScore riskLevel } } } } }",
                "{ overview { tutors highRisk sessionsLast24h recentRiskChanges { tutorName } } }",
                r#"{ tutor(externalId: "soak-07") { name scoreHistory { version } weeklyTrend { sessions } sessions(first: 10) { edges { node { status } } } } }"#,
            ];
            let mut n = 0usize;
            let mut tick = tokio::time::interval(Duration::from_millis(100));
            while tokio::time::Instant::now() < deadline {
                tick.tick().await;
                let body: Value = client
                    .post(format!("{api_address}/graphql"))
                    .json(&json!({ "query": reads[n % 3] }))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap_or(Value::Null);
                if body.get("errors").is_some() || body["data"].is_null() {
                    errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    eprintln!("query error: {body}");
                }
                n += 1;
            }
            n
        })
    };
    let (api_pid, worker_pid) = (api.child.id().unwrap(), worker.child.id().unwrap());
    let mut samples = (Vec::new(), Vec::new());
    while tokio::time::Instant::now() < deadline {
        samples.0.push(rss_mb(api_pid));
        samples.1.push(rss_mb(worker_pid));
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let (sent, read) = (ingest.await.unwrap(), queries.await.unwrap());
    until_drained(&database.db, Duration::from_secs(60)).await;
    assert_eq!(
        errors.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "{sent} sessions and {read} queries"
    );
    eprintln!("soak: {sent} sessions recorded, {read} queries answered in {seconds} s");
    assert!(sent as u64 >= seconds, "the load ran: {sent} sessions");
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (i, versions) in received.iter().enumerate() {
        assert_eq!(
            versions.lock().unwrap().len(),
            tutors.len(),
            "subscriber {i} saw every tutor"
        );
    }
    // Flat memory: after a warm-up fifth, the last third's median is not clearly above the
    // first third's.
    for (name, series) in [("api", &samples.0), ("worker", &samples.1)] {
        let steady = &series[series.len() / 5..];
        let third = (steady.len() / 3).max(1);
        let (early, late) = (median(&steady[..third]), median(&steady[steady.len() - third..]));
        eprintln!("{name} RSS: early {early:.1} MB, late {late:.1} MB, samples {series:?}");
        assert!(
            late <= early * 1.25 + 8.0,
            "{name} memory grows: {early:.1} MB -> {late:.1} MB"
        );
    }
}
