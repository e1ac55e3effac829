//! `bench`: the benchmark harness of tutorscore. Run it with `make bench` (release mode).
//!
//! It starts the system itself from the release binaries next to it (`tutorscore`, and
//! `tutorscore-worker` in service mode) on a fresh database, loads datasets with the real
//! generator (`tutorscore demo-data`), waits for the worker to score them, then measures:
//!
//! - `ingest`: `recordSession` over HTTP at concurrency 1, 8, 32 and 128, and `recordSessions`
//!   batches of 100 at concurrency 8;
//! - `e2e`: the time from sending a session to the first subscriber receiving the tutor's new
//!   score, at fixed offered rates (open loop);
//! - `fanout`: one update delivered to 1,000 and 10,000 WebSocket subscribers of one tutor;
//! - `reads`: the dashboard's queries (tutors page, tutor detail, overview) at concurrency 32;
//! - `recompute`: recomputing every tutor, and the per-tutor cost as the tables grow 10x;
//!
//! with the api's (and worker's) memory at rest and during each scenario, and the CPU used by
//! each process. Results go to stdout as tables and to `bench-results/<mode>-<scale>-<time>.json`.

mod client;
mod cpu;
mod e2e;
mod export;
mod fanout;
mod ingest;
mod limit;
mod load;
mod machine;
mod model;
mod payload;
mod reads;
mod recompute;
mod report;
mod stats;
mod system;

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::Result;
use clap::{Parser, ValueEnum};
use serde::Serialize;

use crate::{
    report::Report,
    system::{Binaries, Cleanup, Dataset, Env, System},
};

/// How the system under test is deployed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// One `tutorscore` process on SQLite, worker and events in process.
    Embedded,
    /// Postgres + Redis, one api process (`RUN_WORKER=false`) and `--workers` worker processes.
    Service,
}

/// Which datasets to measure on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    /// 100 tutors / 3,000 sessions for every scenario.
    Small,
    /// Also the recompute growth pair (1,000 / 100,000 and 10,000 / 1,000,000) and the reads
    /// and recompute on 10,000 tutors / 1,000,000 sessions.
    Large,
}

/// A group of measurements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scenario {
    Ingest,
    /// The writes of one `recordSession` straight against Postgres with pgbench: the ceiling
    /// ingest is quoted against (service mode).
    Limit,
    E2e,
    Fanout,
    Reads,
    Recompute,
    /// Push latency while 5,000 report emails are queued, against an idle queue.
    Backlog,
    /// `GET /export/sessions.csv` of every session (at SCALE=large also 1,000,000 sessions).
    Export,
    /// Fitting the prediction model and the cost of one prediction (at SCALE=large also on
    /// 10,000 tutors / 1,000,000 sessions).
    Model,
}

/// tutorscore benchmark harness: starts the system, loads data, measures, reports.
#[derive(Debug, Clone, Parser, Serialize)]
#[command(about)]
pub struct Args {
    /// Deployment under test.
    #[arg(long, value_enum, default_value = "embedded")]
    pub mode: Mode,
    /// Dataset sizes (see the README's Performance section).
    #[arg(long, value_enum, default_value = "small")]
    pub scale: Scale,
    /// Scenarios to run, comma-separated.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "ingest,limit,e2e,fanout,reads,recompute"
    )]
    pub scenarios: Vec<Scenario>,
    /// Seconds per timed variant (ingest concurrency, e2e rate, reads query).
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Worker processes in service mode.
    #[arg(long, default_value_t = 1)]
    pub workers: usize,
    /// WebSocket connections (one all-tutors subscription each) of the e2e scenario.
    #[arg(long, default_value_t = 10)]
    pub subscribers: usize,
    /// Offered rates of the e2e scenario, sessions per second.
    #[arg(long, value_delimiter = ',', default_value = "100,500,1000")]
    pub rates: Vec<u32>,
    /// Subscriber counts of the fan-out scenario.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    pub fanout: Vec<usize>,
    /// Concurrency levels of the single-session ingest.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32,128")]
    pub concurrency: Vec<usize>,
    /// Before each timed variant, wait up to this many seconds for the machine to be idle
    /// (under 0.3 busy cores), so that other work on a shared machine disturbs less (0: never).
    #[arg(long, default_value_t = 0)]
    pub quiet_wait: u64,
    /// Where service mode creates (and drops) its database.
    #[arg(
        long,
        env = "BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub postgres_admin_url: String,
    /// Redis of service mode (channels get a unique prefix).
    #[arg(long, env = "BENCH_REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    pub redis_url: String,
    /// Folder of the JSON results.
    #[arg(long, default_value = "bench-results")]
    pub out_dir: PathBuf,
}

impl Args {
    fn runs(&self, scenario: Scenario) -> bool {
        self.scenarios.contains(&scenario)
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let cleanup = Cleanup::new(&args.postgres_admin_url);
    let outcome = tokio::select! {
        result = run(&args, &cleanup) => result,
        () = interrupted() => Err(anyhow::anyhow!("interrupted; stopping every process started")),
    };
    // The run future is dropped by now: its child processes were killed (kill_on_drop).
    cleanup.run().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn interrupted() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

async fn run(args: &Args, cleanup: &Cleanup) -> Result<()> {
    let binaries = Binaries::locate()?;
    let machine = machine::Machine::describe();
    let mut report = Report::new(args, machine);
    report.print_header();
    system::check_open_files(args);
    let env = Env::new(args, binaries, cleanup)?;
    let duration = Duration::from_secs(args.duration);

    let small = Dataset::new(100, 3_000);
    let order = [
        Scenario::Ingest,
        Scenario::Limit,
        Scenario::E2e,
        Scenario::Backlog,
        Scenario::Fanout,
        Scenario::Reads,
        Scenario::Recompute,
        Scenario::Model,
        Scenario::Export,
    ];
    // Each scenario gets a fresh system and dataset, so none inherits another's sessions.
    for scenario in order.into_iter().filter(|s| args.runs(*s)) {
        let mut system = System::start(&env, small, &mut report).await?;
        match scenario {
            Scenario::Ingest => ingest::run(&mut system, args, duration, &mut report).await?,
            Scenario::Limit => limit::run(&mut system, duration, &args.concurrency, &mut report).await?,
            Scenario::E2e => e2e::run(&mut system, args, duration, &mut report).await?,
            Scenario::Backlog => e2e::backlog(&mut system, args, duration, &mut report).await?,
            Scenario::Fanout => fanout::run(&mut system, args, &mut report).await?,
            Scenario::Reads => reads::run(&mut system, duration, &mut report).await?,
            Scenario::Recompute => recompute::run(&mut system, &mut report).await?,
            Scenario::Model => model::run(&mut system, &mut report).await?,
            Scenario::Export => export::run(&mut system, &mut report).await?,
        }
        system.stop(&env).await;
    }

    if args.scale == Scale::Large {
        let (mid, big) = (Dataset::new(1_000, 100_000), Dataset::new(10_000, 1_000_000));
        if args.runs(Scenario::Recompute) {
            let mut system = System::start(&env, mid, &mut report).await?;
            recompute::run(&mut system, &mut report).await?;
            system.stop(&env).await;
        }
        if args.runs(Scenario::Reads)
            || args.runs(Scenario::Recompute)
            || args.runs(Scenario::Model)
            || args.runs(Scenario::Export)
        {
            let mut system = System::start(&env, big, &mut report).await?;
            if args.runs(Scenario::Reads) {
                reads::run(&mut system, duration, &mut report).await?;
            }
            if args.runs(Scenario::Recompute) {
                recompute::run(&mut system, &mut report).await?;
            }
            if args.runs(Scenario::Model) {
                model::run(&mut system, &mut report).await?;
            }
            if args.runs(Scenario::Export) {
                export::run(&mut system, &mut report).await?;
            }
            system.stop(&env).await;
        }
    }

    report.finish();
    report.print();
    let path = report.write_json(&args.out_dir)?;
    println!("\nJSON: {}", path.display());
    Ok(())
}
