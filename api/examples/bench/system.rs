//! The system under test: a fresh database, the dataset from the real generator, the api
//! process (and worker processes in service mode), and what the bench reads from them.

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::Stdio,
    sync::Mutex,
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use chrono::Utc;
use entity::{JobStatus, job, prelude::*, tutor};
use sea_orm::{
    ColumnTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpStream,
    process::{Child, Command},
};
use uuid::Uuid;

use crate::{
    Args, Mode,
    client::Api,
    cpu::Pids,
    report::{Report, fmt_int},
    stats::{Row, rss_mb, rss_sum_mb},
};

/// The release binaries next to this program.
pub struct Binaries {
    pub api: PathBuf,
    pub worker: PathBuf,
}

impl Binaries {
    /// `target/release/examples/bench` -> `target/release/{tutorscore,tutorscore-worker}`.
    pub fn locate() -> Result<Self> {
        let exe = std::env::current_exe().context("where is this program?")?;
        let mut dir = exe.parent().context("no parent folder")?.to_path_buf();
        if dir.ends_with("examples") {
            dir.pop();
        }
        let found = Self {
            api: dir.join("tutorscore"),
            worker: dir.join("tutorscore-worker"),
        };
        for binary in [&found.api, &found.worker] {
            if !binary.exists() {
                bail!(
                    "{} is missing: build with `cargo build --release -p api -p worker --bins --examples` (or `make bench`)",
                    binary.display()
                );
            }
        }
        if !dir.ends_with("release") {
            eprintln!(
                "WARNING: the binaries in {} are not a release build; figures will be meaningless",
                dir.display()
            );
        }
        Ok(found)
    }
}

/// A dataset of the generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dataset {
    pub tutors: usize,
    pub sessions: usize,
}

impl Dataset {
    pub fn new(tutors: usize, sessions: usize) -> Self {
        Self { tutors, sessions }
    }

    /// `100 tutors / 3,000 sessions`.
    pub fn label(&self) -> String {
        format!(
            "{} tutors / {} sessions",
            fmt_int(self.tutors as u64),
            fmt_int(self.sessions as u64)
        )
    }

    /// `100x3000`, for row keys.
    pub fn key(&self) -> String {
        format!("{}x{}", self.tutors, self.sessions)
    }
}

/// Postgres databases to drop and the temporary folder to remove, whatever happens.
pub struct Cleanup {
    admin_url: String,
    databases: Mutex<Vec<String>>,
    folders: Mutex<Vec<PathBuf>>,
}

impl Cleanup {
    pub fn new(admin_url: &str) -> Self {
        Self {
            admin_url: admin_url.to_owned(),
            databases: Mutex::new(Vec::new()),
            folders: Mutex::new(Vec::new()),
        }
    }

    async fn admin(&self) -> Result<DatabaseConnection> {
        Database::connect(self.admin_url.as_str())
            .await
            .with_context(|| format!("connecting to Postgres at {}", self.admin_url))
    }

    async fn create_database(&self, name: &str) -> Result<()> {
        let admin = self.admin().await?;
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await?;
        self.databases.lock().unwrap().push(name.to_owned());
        admin.close().await?;
        Ok(())
    }

    async fn drop_database(&self, name: &str) {
        let result = async {
            let admin = self.admin().await?;
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await?;
            admin.close().await?;
            anyhow::Ok(())
        }
        .await;
        match result {
            Ok(()) => self.databases.lock().unwrap().retain(|d| d != name),
            Err(e) => eprintln!("WARNING: could not drop database {name}: {e:#}"),
        }
    }

    /// Drops what is left (after an error or Ctrl-C) and removes the temporary folders.
    pub async fn run(&self) {
        let left: Vec<String> = self.databases.lock().unwrap().clone();
        for name in left {
            self.drop_database(&name).await;
        }
        for folder in self.folders.lock().unwrap().drain(..) {
            let _ = std::fs::remove_dir_all(folder);
        }
    }
}

/// What every system start shares.
pub struct Env<'a> {
    pub args: &'a Args,
    pub binaries: Binaries,
    pub cleanup: &'a Cleanup,
    /// Temporary folder of this run (SQLite files, logs).
    pub tmp: PathBuf,
    /// Random id of this run (database names, Redis prefix, session ids).
    pub run_id: String,
    starts: Mutex<u32>,
}

impl<'a> Env<'a> {
    pub fn new(args: &'a Args, binaries: Binaries, cleanup: &'a Cleanup) -> Result<Self> {
        let run_id = Uuid::new_v4().simple().to_string()[..10].to_owned();
        let tmp = std::env::temp_dir().join(format!("tutorscore-bench-{run_id}"));
        std::fs::create_dir_all(&tmp)?;
        cleanup.folders.lock().unwrap().push(tmp.clone());
        Ok(Self {
            args,
            binaries,
            cleanup,
            tmp,
            run_id,
            starts: Mutex::new(0),
        })
    }

    fn next_start(&self) -> u32 {
        let mut n = self.starts.lock().unwrap();
        *n += 1;
        *n
    }
}

/// What loading a dataset took.
#[derive(Debug, Clone, Serialize)]
pub struct LoadInfo {
    pub dataset: Dataset,
    pub load_seconds: f64,
    /// The generator's report, first line ("Generated N tutors and M sessions ... in X s").
    pub generator: String,
    /// Until the worker had scored every tutor, after the api started.
    pub initial_scoring_seconds: f64,
    /// Size of the database once scored (Postgres: `pg_database_size`; SQLite: the files).
    pub database_mb: Option<f64>,
}

/// A running system on a fresh database with a loaded, scored dataset.
pub struct System {
    pub dataset: Dataset,
    pub database_url: String,
    database_name: Option<String>,
    pub redis: Option<(String, String)>,
    api: Child,
    workers: Vec<Child>,
    pub pids: Pids,
    pub client: Api,
    /// The bench's own connection (jobs, tutor ids).
    pub db: DatabaseConnection,
    pub load: LoadInfo,
    /// Prefix of session ids recorded by this system's scenarios.
    pub id_prefix: String,
    api_log: PathBuf,
    quiet_wait: Duration,
}

/// A command for one of the binaries, with the bench's environment: the system's database
/// (and Redis in service mode), no demo data, no rate limit, no email, warnings only. It runs
/// in the temporary folder, so that no `.env` file of the checkout is read.
fn command(
    env: &Env<'_>,
    database_url: &str,
    redis: Option<&(String, String)>,
    binary: &Path,
    log: &Path,
) -> Result<Command> {
    let mut command = Command::new(binary);
    command
        .current_dir(&env.tmp)
        .env("DATABASE_URL", database_url)
        .env("DEMO_DATA", "false")
        .env("RATE_LIMIT_PER_MINUTE", "0")
        .env("EMAIL_TO", "")
        .env("RUST_LOG", "warn")
        .env("LOG_FORMAT", "text")
        .env("OUTBOX_DIR", env.tmp.join("outbox"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(File::create(log).with_context(|| format!("creating {}", log.display()))?)
        .kill_on_drop(true);
    match redis {
        Some((url, prefix)) => command.env("REDIS_URL", url).env("REDIS_PREFIX", prefix),
        None => command.env_remove("REDIS_URL").env_remove("REDIS_PREFIX"),
    };
    Ok(command)
}

/// The last lines of a log file, for error messages.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let from = lines.len().saturating_sub(20);
    format!("{} (last lines):\n{}", log.display(), lines[from..].join("\n"))
}

impl System {
    /// Creates a fresh database, loads `dataset` with `tutorscore demo-data`, starts the api
    /// (and the workers), waits until every tutor is scored, and records the load and the
    /// memory at rest in `report` (once per dataset).
    pub async fn start(env: &Env<'_>, dataset: Dataset, report: &mut Report) -> Result<Self> {
        let args = env.args;
        let n = env.next_start();
        eprintln!("==> system #{n}: {:?} mode, {}", args.mode, dataset.label());
        let (database_url, database_name) = match args.mode {
            Mode::Embedded => {
                let path = env.tmp.join(format!("bench-{n}.db"));
                (format!("sqlite://{}?mode=rwc", path.display()), None)
            }
            Mode::Service => {
                let name = format!("tutorscore_bench_{}_{n}", env.run_id);
                env.cleanup.create_database(&name).await?;
                let base = args
                    .postgres_admin_url
                    .rsplit_once('/')
                    .map_or(args.postgres_admin_url.as_str(), |(base, _)| base);
                (format!("{base}/{name}"), Some(name))
            }
        };
        let redis = (args.mode == Mode::Service)
            .then(|| (args.redis_url.clone(), format!("bench-{}-{n}", env.run_id)));

        // The dataset, before the api starts.
        let started = Instant::now();
        let log = env.tmp.join(format!("demo-data-{n}.log"));
        let output = command(env, &database_url, redis.as_ref(), &env.binaries.api, &log)?
            .args([
                "demo-data",
                "--tutors",
                &dataset.tutors.to_string(),
                "--sessions",
                &dataset.sessions.to_string(),
                "--clear",
                "--quiet",
            ])
            .output()
            .await
            .context("running tutorscore demo-data")?;
        if !output.status.success() {
            bail!("demo-data failed ({}); {}", output.status, tail(&log));
        }
        let generator = String::from_utf8_lossy(&output.stdout)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        let load_seconds = started.elapsed().as_secs_f64();
        eprintln!("    {generator}");

        // The api, on a free port: it prints its address once it listens.
        let api_log = env.tmp.join(format!("api-{n}.log"));
        let mut api = command(env, &database_url, redis.as_ref(), &env.binaries.api, &api_log)?
            .env("LISTEN_ADDR", "127.0.0.1:0")
            .env(
                "RUN_WORKER",
                if args.mode == Mode::Service {
                    "false"
                } else {
                    "true"
                },
            )
            .spawn()
            .context("starting the api")?;
        let mut lines = BufReader::new(api.stdout.take().context("api stdout")?).lines();
        let address = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("tutorscore is running at ") {
                    return Ok(url.trim().to_owned());
                }
            }
            bail!("the api exited before listening")
        })
        .await
        .map_err(|_| anyhow::anyhow!("the api did not listen within 60 s"))
        .and_then(|r| r)
        .with_context(|| tail(&api_log))?;
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let mut workers = Vec::new();
        if args.mode == Mode::Service {
            for i in 0..args.workers.max(1) {
                let log = env.tmp.join(format!("worker-{n}-{i}.log"));
                let child = command(env, &database_url, redis.as_ref(), &env.binaries.worker, &log)?
                    .stdout(Stdio::null())
                    .spawn()
                    .context("starting a worker")?;
                workers.push(child);
            }
        }
        let pids = Pids {
            api: api.id().context("api pid")?,
            workers: workers.iter().filter_map(Child::id).collect(),
        };
        let db = migration::connect(&database_url, 4)
            .await
            .context("the bench's database connection")?;
        let mut system = Self {
            dataset,
            database_url,
            database_name,
            redis,
            api,
            workers,
            pids,
            client: Api::new(&address)?,
            db,
            load: LoadInfo {
                dataset,
                load_seconds,
                generator,
                initial_scoring_seconds: 0.0,
                database_mb: None,
            },
            id_prefix: format!("bench-{}-{n}", env.run_id),
            api_log,
            quiet_wait: Duration::from_secs(args.quiet_wait),
        };
        let scoring = system.wait_drained(Duration::from_secs(3600)).await?;
        system.load.initial_scoring_seconds = scoring.as_secs_f64();
        system.load.database_mb = system.database_mb().await;
        eprintln!(
            "    api at {address} (pid {}), every tutor scored {:.1} s after start",
            system.pids.api, system.load.initial_scoring_seconds
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        report.record_start(&system);
        Ok(system)
    }

    /// The database's size on disk, MB.
    async fn database_mb(&self) -> Option<f64> {
        const MB: f64 = 1024.0 * 1024.0;
        if self.database_name.is_some() {
            let row = self
                .db
                .query_one_raw(sea_orm::Statement::from_string(
                    sea_orm::DbBackend::Postgres,
                    "SELECT pg_database_size(current_database())::float8 AS bytes",
                ))
                .await
                .ok()??;
            return row.try_get::<f64>("", "bytes").ok().map(|b| b / MB);
        }
        let path = self
            .database_url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()?
            .to_owned();
        let bytes: u64 = ["", "-wal"]
            .iter()
            .filter_map(|suffix| std::fs::metadata(format!("{path}{suffix}")).ok())
            .map(|m| m.len())
            .sum();
        Some(bytes as f64 / MB)
    }

    /// Before a timed variant: waits (up to `--quiet-wait`) for the machine to be idle.
    pub async fn settle(&self) {
        if self.quiet_wait.is_zero() {
            return;
        }
        let busy = crate::machine::wait_quiet(self.quiet_wait, 0.3).await;
        if busy >= 0.3 {
            eprintln!("    (the machine is still busy: {busy:.2} cores; measuring anyway)");
        }
    }

    /// The api's and workers' RSS now (api, workers summed).
    pub fn rss(&self) -> (Option<f64>, Option<f64>) {
        (rss_mb(self.pids.api), rss_sum_mb(&self.pids.workers))
    }

    /// Recompute jobs (and others) due now and not finished.
    pub async fn pending_jobs(&self) -> Result<u64> {
        Ok(Job::find()
            .filter(job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
            .filter(job::Column::RunAfter.lte(Utc::now()))
            .count(&self.db)
            .await?)
    }

    /// Waits until no job is due (every recompute done), up to `limit`; how long it took.
    pub async fn wait_drained(&mut self, limit: Duration) -> Result<Duration> {
        let start = Instant::now();
        loop {
            if self.pending_jobs().await? == 0 {
                return Ok(start.elapsed());
            }
            self.check_alive()?;
            if start.elapsed() > limit {
                bail!("jobs still pending after {limit:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fails when the api or a worker exited.
    pub fn check_alive(&mut self) -> Result<()> {
        if let Some(status) = self.api.try_wait()? {
            bail!("the api exited ({status}); {}", tail(&self.api_log));
        }
        for worker in &mut self.workers {
            if let Some(status) = worker.try_wait()? {
                bail!("a worker exited ({status})");
            }
        }
        Ok(())
    }

    /// Every tutor's id and external id, by external id.
    pub async fn tutors(&self) -> Result<Vec<(Uuid, String)>> {
        Ok(Tutor::find()
            .select_only()
            .column(tutor::Column::Id)
            .column(tutor::Column::ExternalId)
            .order_by_asc(tutor::Column::ExternalId)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    /// Wakes the worker processes now (service mode: a message on `<prefix>:jobs`, as the api
    /// sends after a commit); in embedded mode the worker finds new jobs on its next poll.
    pub async fn wake_workers(&self) -> Result<()> {
        let Some((url, prefix)) = &self.redis else {
            return Ok(());
        };
        let authority = url
            .trim_start_matches("redis://")
            .split('/')
            .next()
            .unwrap_or_default();
        let host = authority.rsplit('@').next().unwrap_or(authority);
        let channel = worker::events::Channels::new(prefix).jobs;
        let mut stream = TcpStream::connect(host).await?;
        let message = format!(
            "*3\r\n$7\r\nPUBLISH\r\n${}\r\n{channel}\r\n$1\r\n1\r\n",
            channel.len()
        );
        stream.write_all(message.as_bytes()).await?;
        let mut reply = String::new();
        BufReader::new(stream).read_line(&mut reply).await?;
        if !reply.starts_with(':') {
            bail!("Redis PUBLISH failed: {reply}");
        }
        Ok(())
    }

    /// Stops every process, closes the connection, drops the database (or its files).
    pub async fn stop(mut self, env: &Env<'_>) {
        let _ = self.api.kill().await;
        for worker in &mut self.workers {
            let _ = worker.kill().await;
        }
        let _ = self.db.close().await;
        match &self.database_name {
            Some(name) => env.cleanup.drop_database(name).await,
            None => {
                let path = self
                    .database_url
                    .trim_start_matches("sqlite://")
                    .split('?')
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{path}{suffix}"));
                }
            }
        }
    }

    /// A row of this system's dataset, keyed `<scenario>.<variant>@<dataset>`.
    pub fn row(&self, scenario: &str, variant: &str) -> Row {
        Row::new(
            format!("{scenario}.{variant}@{}", self.dataset.key()),
            scenario,
            variant,
            &self.dataset.label(),
        )
    }
}

/// Warns when the open-file limit is too low for the fan-out (10,000 WebSockets need as many
/// descriptors here and in the api, which inherits this limit).
pub fn check_open_files(args: &Args) {
    if !args.scenarios.contains(&crate::Scenario::Fanout) {
        return;
    }
    let needed = args.fanout.iter().copied().max().unwrap_or(0) as u64 + 1000;
    let limit = std::fs::read_to_string("/proc/self/limits").ok().and_then(|l| {
        l.lines()
            .find(|l| l.starts_with("Max open files"))
            .and_then(|l| l.split_whitespace().nth(3).and_then(|v| v.parse::<u64>().ok()))
    });
    if let Some(limit) = limit.filter(|l| *l < needed) {
        eprintln!(
            "WARNING: the open-file limit is {limit}, the fan-out needs about {needed}: run `ulimit -n 65536` first (make bench does)"
        );
    }
}
