//! The report: tables on stdout, the same figures as JSON, and the targets.

use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use crate::{
    Args, Mode,
    machine::{self, Machine},
    stats::Row,
    system::{Dataset, LoadInfo, System},
};

/// `1234567` -> `1,234,567`.
pub fn fmt_int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `10000` -> `10k`, `1000000` -> `1M`.
fn short(n: usize) -> String {
    match n {
        n if n >= 1_000_000 && n % 1_000_000 == 0 => format!("{}M", n / 1_000_000),
        n if n >= 1_000 && n % 1_000 == 0 => format!("{}k", n / 1_000),
        n => n.to_string(),
    }
}

fn short_dataset(label: &str, datasets: &[LoadInfo]) -> String {
    datasets.iter().find(|l| l.dataset.label() == label).map_or_else(
        || label.to_owned(),
        |l| format!("{}/{}", short(l.dataset.tutors), short(l.dataset.sessions)),
    )
}

/// Whether a target was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    Missed,
    /// Not measured in this run (scenario or scale not selected).
    NotMeasured,
    /// Measured in a configuration the target is not about (shown for information).
    NotApplicable,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Met => "MET",
            Status::Missed => "MISSED",
            Status::NotMeasured => "not measured",
            Status::NotApplicable => "n/a",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub target: String,
    pub measured: String,
    pub status: Status,
}

/// Per-tutor recompute cost on two datasets 10x apart.
#[derive(Debug, Clone, Serialize)]
pub struct Growth {
    pub small: String,
    pub small_ms_per_tutor: f64,
    pub large: String,
    pub large_ms_per_tutor: f64,
    pub ratio: f64,
}

#[derive(Serialize)]
pub struct Report {
    pub machine: Machine,
    pub mode: Mode,
    pub args: Args,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub datasets: Vec<LoadInfo>,
    pub rows: Vec<Row>,
    pub growth: Option<Growth>,
    pub targets: Vec<Target>,
}

impl Report {
    pub fn new(args: &Args, machine: Machine) -> Self {
        Self {
            machine,
            mode: args.mode,
            args: args.clone(),
            started_at: Utc::now(),
            finished_at: None,
            datasets: Vec::new(),
            rows: Vec::new(),
            growth: None,
            targets: Vec::new(),
        }
    }

    pub fn print_header(&self) {
        let m = &self.machine;
        println!("tutorscore benchmark");
        println!(
            "machine : {}, {} cores, {:.1} GB RAM, Linux {}",
            m.cpu, m.cores, m.memory_gb, m.kernel
        );
        println!("load avg: {} (1/5/15 min) at start", m.load_at_start);
        println!("commit  : {}   ({})", m.commit, m.rustc);
        println!(
            "mode    : {:?}{}   scale: {:?}   duration: {} s per variant   started {}",
            self.args.mode,
            match self.args.mode {
                Mode::Service => format!(
                    " (Postgres + Redis, 1 api, {} worker process(es))",
                    self.args.workers
                ),
                Mode::Embedded => " (SQLite, worker in the api process)".into(),
            },
            self.args.scale,
            self.args.duration,
            self.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        );
        println!();
    }

    /// The load and the memory at rest, the first time a dataset is started.
    pub fn record_start(&mut self, system: &System) {
        if self.datasets.iter().any(|d| d.dataset == system.dataset) {
            return;
        }
        self.datasets.push(system.load.clone());
        let dataset = system.dataset;
        let mut load = system.row("load", "demo-data");
        load.variant = "demo-data generator (tutorscore demo-data)".into();
        load.count = dataset.sessions as u64;
        load.rate_per_s = Some(dataset.sessions as f64 / system.load.load_seconds.max(1e-9));
        load.note = format!(
            "{:.1} s; then every tutor scored {:.1} s after the api started",
            system.load.load_seconds, system.load.initial_scoring_seconds
        );
        self.push(load);
        let mut rest = system.row("rest", "rss");
        rest.variant = "memory at rest (loaded, scored, idle)".into();
        let (api, workers) = system.rss();
        rest.api_rss_mb = api;
        rest.worker_rss_mb = workers;
        if let Some(size) = system.load.database_mb {
            rest.note = format!("database {size:.0} MB on disk");
        }
        self.push(rest);
    }

    pub fn push(&mut self, row: Row) {
        let lat = row.latency.map_or_else(
            || "-".into(),
            |l| format!("p50 {:.1} ms, p99 {:.1} ms", l.p50_ms, l.p99_ms),
        );
        eprintln!(
            "    {} {}: {} ok, {} errors, {}/s, {lat}, api {} MB",
            row.scenario,
            row.variant,
            row.count,
            row.errors,
            row.rate_per_s.map_or("-".into(), |r| format!("{r:.0}")),
            row.api_rss_mb.map_or("-".into(), |r| format!("{r:.1}")),
        );
        self.rows.push(row);
    }

    fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// Evaluates the targets and the growth ratio.
    pub fn finish(&mut self) {
        self.finished_at = Some(Utc::now());
        self.machine.load_at_end = machine::load_average();
        let small = Dataset::new(100, 3_000).key();
        let big = Dataset::new(10_000, 1_000_000).key();
        let mid = Dataset::new(1_000, 100_000).key();

        let per_tutor = |key: &str| {
            self.row(key)
                .and_then(|r| r.details["per_tutor_ms"].as_f64())
                .filter(|v| v.is_finite())
        };
        if let (Some(a), Some(b)) = (
            per_tutor(&format!("recompute.all@{mid}")),
            per_tutor(&format!("recompute.all@{big}")),
        ) {
            self.growth = Some(Growth {
                small: Dataset::new(1_000, 100_000).label(),
                small_ms_per_tutor: a,
                large: Dataset::new(10_000, 1_000_000).label(),
                large_ms_per_tutor: b,
                ratio: b / a,
            });
        }

        let mut targets = Vec::new();
        let service = self.mode == Mode::Service;

        // 1. Ingest.
        let t = "ingest >= 2,000 sessions/s at concurrency 32 with p99 <= 50 ms (service mode)";
        targets.push(match self.row(&format!("ingest.c32@{small}")) {
            Some(r) => {
                let rate = r.rate_per_s.unwrap_or(0.0);
                let p99 = r.latency.map_or(f64::INFINITY, |l| l.p99_ms);
                let met = rate >= 2000.0 && p99 <= 50.0 && r.errors == 0;
                Target {
                    target: t.into(),
                    measured: format!("{rate:.0} sessions/s, p99 {p99:.1} ms, {} errors", r.errors),
                    status: if !service {
                        Status::NotApplicable
                    } else if met {
                        Status::Met
                    } else {
                        Status::Missed
                    },
                }
            }
            None => not_measured(t),
        });

        // 1b. Ingest as a share of what Postgres alone does with the same writes.
        let t = "ingest at concurrency 32 >= 60% of the pgbench limit, p99 <= 50 ms (service mode)";
        targets.push(
            match (
                self.row(&format!("ingest.c32@{small}")),
                self.row(&format!("limit.c32@{small}")),
            ) {
                (Some(i), Some(l)) => {
                    let (rate, limit) = (i.rate_per_s.unwrap_or(0.0), l.rate_per_s.unwrap_or(f64::INFINITY));
                    let p99 = i.latency.map_or(f64::INFINITY, |l| l.p99_ms);
                    let share = rate / limit;
                    Target {
                        target: t.into(),
                        measured: format!(
                            "{rate:.0}/s of {limit:.0}/s = {:.0}%, p99 {p99:.1} ms (limit p99 {:.1} ms)",
                            share * 100.0,
                            l.latency.map_or(f64::NAN, |l| l.p99_ms)
                        ),
                        status: if share >= 0.6 && p99 <= 50.0 && i.errors == 0 {
                            Status::Met
                        } else {
                            Status::Missed
                        },
                    }
                }
                _ => not_measured(t),
            },
        );

        // 2. Commit to push.
        let t = "commit-to-push p99 <= 100 ms at 500 sessions/s";
        targets.push(match self.row(&format!("e2e.500@{small}")) {
            Some(r) => {
                let p99 = r.latency.map_or(f64::INFINITY, |l| l.p99_ms);
                let with_errors = r.details["p99_counting_errors_ms"].as_f64();
                let met = with_errors.is_some_and(|p| p <= 100.0);
                Target {
                    target: t.into(),
                    measured: format!(
                        "p99 {p99:.1} ms send->push ({} sessions, {} unmatched/failed, achieved {:.0}/s)",
                        r.count,
                        r.errors,
                        r.rate_per_s.unwrap_or(0.0)
                    ),
                    status: if met { Status::Met } else { Status::Missed },
                }
            }
            None => not_measured(t),
        });

        // 3. Tutors page at scale.
        let t = "tutors page p99 <= 15 ms at 10,000 tutors / 1,000,000 sessions";
        targets.push(match self.row(&format!("reads.tutors@{big}")) {
            Some(r) => {
                let p99 = r.latency.map_or(f64::INFINITY, |l| l.p99_ms);
                Target {
                    target: t.into(),
                    measured: format!(
                        "p99 {p99:.1} ms at concurrency 32 ({:.0} req/s)",
                        r.rate_per_s.unwrap_or(0.0)
                    ),
                    status: if p99 <= 15.0 && r.errors == 0 {
                        Status::Met
                    } else {
                        Status::Missed
                    },
                }
            }
            None => {
                let mut target = not_measured(t);
                if let Some(r) = self.row(&format!("reads.tutors@{small}")) {
                    target.measured = format!(
                        "needs SCALE=large; at 100 tutors: p99 {:.1} ms",
                        r.latency.map_or(f64::NAN, |l| l.p99_ms)
                    );
                }
                target
            }
        });

        // 4. Fan-out.
        let t = "10,000 subscribers in <= 300 MB api RSS, one update to all at p99 <= 250 ms";
        targets.push(match self.row(&format!("fanout.10000@{small}")) {
            Some(r) => {
                let p99 = r.latency.map_or(f64::INFINITY, |l| l.p99_ms);
                let rss = r.api_rss_mb.unwrap_or(f64::INFINITY);
                let met = rss <= 300.0 && p99 <= 250.0 && r.errors == 0 && r.count == 10_000;
                Target {
                    target: t.into(),
                    measured: format!(
                        "api RSS max {rss:.1} MB, p99 {p99:.1} ms, {} delivered, {} errors",
                        r.count, r.errors
                    ),
                    status: if met { Status::Met } else { Status::Missed },
                }
            }
            None => not_measured(t),
        });

        // 5. Full recompute at scale.
        let t = "full recompute of 10,000 tutors / 1,000,000 sessions in <= 30 s";
        targets.push(match self.row(&format!("recompute.all@{big}")) {
            Some(r) => {
                let total = r.details["total_s"].as_f64().unwrap_or(f64::INFINITY);
                Target {
                    target: t.into(),
                    measured: format!(
                        "{total:.1} s ({:.0} tutors/s, {} worker(s))",
                        r.rate_per_s.unwrap_or(0.0),
                        r.details["workers"]
                    ),
                    status: if total <= 30.0 && r.errors == 0 {
                        Status::Met
                    } else {
                        Status::Missed
                    },
                }
            }
            None => {
                let mut target = not_measured(t);
                if let Some(r) = self.row(&format!("recompute.all@{small}")) {
                    target.measured = format!(
                        "needs SCALE=large; 100 tutors in {:.2} s",
                        r.details["total_s"].as_f64().unwrap_or(f64::NAN)
                    );
                }
                target
            }
        });

        // 6. Memory at rest.
        let t = "api RSS at rest <= 50 MB";
        targets.push(match self.row(&format!("rest.rss@{small}")) {
            Some(r) => {
                let rss = r.api_rss_mb.unwrap_or(f64::INFINITY);
                let others: Vec<String> = self
                    .rows
                    .iter()
                    .filter(|o| o.scenario == "rest" && o.key != r.key)
                    .map(|o| format!("{:.1} MB at {}", o.api_rss_mb.unwrap_or(0.0), o.dataset))
                    .collect();
                Target {
                    target: t.into(),
                    measured: format!(
                        "{rss:.1} MB at {}{}",
                        r.dataset,
                        if others.is_empty() {
                            String::new()
                        } else {
                            format!(" ({})", others.join(", "))
                        }
                    ),
                    status: if rss <= 50.0 { Status::Met } else { Status::Missed },
                }
            }
            None => not_measured(t),
        });
        // 7. The prediction model: a fit on 1,000,000 sessions, one prediction.
        let t = "prediction model fitted on 10,000 tutors / 1,000,000 sessions in <= 30 s";
        targets.push(match self.row(&format!("model.fit@{big}")) {
            Some(r) => {
                let total = r.details["fit_total_s"].as_f64().unwrap_or(f64::INFINITY);
                Target {
                    target: t.into(),
                    measured: format!("{total:.1} s for {} examples", fmt_int(r.count)),
                    status: if total <= 30.0 {
                        Status::Met
                    } else {
                        Status::Missed
                    },
                }
            }
            None => {
                let mut target = not_measured(t);
                if let Some(r) = self.row(&format!("model.fit@{small}")) {
                    target.measured = format!(
                        "needs SCALE=large; 3,000 sessions in {:.2} s",
                        r.details["fit_total_s"].as_f64().unwrap_or(f64::NAN)
                    );
                }
                target
            }
        });
        let t = "one prediction (features, probability, reasons) <= 20 us";
        let predict = self
            .row(&format!("model.predict@{big}"))
            .or_else(|| self.row(&format!("model.predict@{small}")));
        targets.push(match predict {
            Some(r) => {
                let us = r.details["mean_us"].as_f64().unwrap_or(f64::INFINITY);
                Target {
                    target: t.into(),
                    measured: format!(
                        "{us:.1} us mean over {} bookings at {}",
                        fmt_int(r.count),
                        r.dataset
                    ),
                    status: if us <= 20.0 { Status::Met } else { Status::Missed },
                }
            }
            None => not_measured(t),
        });
        // 8. Export.
        let t = "export of 1,000,000 sessions >= 100,000 rows/s, api RSS flat";
        let export = self
            .row(&format!("export.sessions@{big}"))
            .or_else(|| self.row(&format!("export.sessions@{small}")));
        targets.push(match export {
            Some(r) => {
                let rate = r.rate_per_s.unwrap_or(0.0);
                let rest = r.details["api_rss_rest_mb"].as_f64().unwrap_or(f64::NAN);
                let max = r.details["api_rss_max_mb"].as_f64().unwrap_or(f64::NAN);
                let big_enough = r.count >= 1_000_000;
                Target {
                    target: t.into(),
                    measured: format!(
                        "{rate:.0} rows/s over {} rows; api {rest:.1} -> {max:.1} MB",
                        fmt_int(r.count)
                    ),
                    status: if !big_enough {
                        Status::NotMeasured
                    } else if rate >= 100_000.0 && max - rest <= 20.0 {
                        Status::Met
                    } else {
                        Status::Missed
                    },
                }
            }
            None => not_measured(t),
        });
        self.targets = targets;
    }

    /// The tables.
    pub fn print(&self) {
        let ms = |v: f64| format!("{v:.1}");
        let mb = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v:.1}"));
        println!(
            "\nResults (latency in ms; RSS in MB: max sampled every 200 ms during the row, at rest: the value then)"
        );
        println!(
            "{:<9} {:<58} {:>10} {:>6} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}",
            "dataset", "scenario", "count", "errors", "rate/s", "p50", "p95", "p99", "max", "api", "worker"
        );
        println!("{}", "-".repeat(148));
        for r in &self.rows {
            let (p50, p95, p99, max) = r.latency.map_or_else(
                || ("-".into(), "-".into(), "-".into(), "-".into()),
                |l| (ms(l.p50_ms), ms(l.p95_ms), ms(l.p99_ms), ms(l.max_ms)),
            );
            println!(
                "{:<9} {:<58} {:>10} {:>6} {:>9} {:>8} {:>8} {:>8} {:>8} {:>7} {:>7}",
                short_dataset(&r.dataset, &self.datasets),
                format!("{}: {}", r.scenario, r.variant),
                if r.scenario == "rest" {
                    "-".into()
                } else {
                    fmt_int(r.count)
                },
                if r.scenario == "rest" || r.scenario == "load" {
                    "-".into()
                } else {
                    r.errors.to_string()
                },
                r.rate_per_s.map_or("-".into(), |v| format!("{v:.0}")),
                p50,
                p95,
                p99,
                max,
                mb(r.api_rss_mb),
                mb(r.worker_rss_mb),
            );
        }

        println!("\nNotes");
        for r in self.rows.iter().filter(|r| !r.note.is_empty()) {
            println!(
                "  {:<9} {}: {}",
                short_dataset(&r.dataset, &self.datasets),
                r.key.split('@').next().unwrap_or_default(),
                r.note
            );
        }

        println!(
            "\nCPU used during each row, in cores of {} (other = processes outside the system under test)",
            self.machine.cores
        );
        println!(
            "{:<9} {:<26} {:>8} {:>6} {:>7} {:>9} {:>6} {:>6} {:>6}",
            "dataset", "row", "machine", "api", "worker", "postgres", "redis", "bench", "other"
        );
        for r in &self.rows {
            if let Some(c) = r.cpu {
                println!(
                    "{:<9} {:<26} {:>8.2} {:>6.2} {:>7.2} {:>9.2} {:>6.2} {:>6.2} {:>6.2}",
                    short_dataset(&r.dataset, &self.datasets),
                    r.key.split('@').next().unwrap_or_default(),
                    c.machine,
                    c.api,
                    c.worker,
                    c.postgres,
                    c.redis,
                    c.bench,
                    c.other
                );
            }
        }

        if let Some(g) = &self.growth {
            println!(
                "\nRecompute cost per tutor as the tables grow 10x: {:.2} ms at {} -> {:.2} ms at {} (ratio {:.2})",
                g.small_ms_per_tutor, g.small, g.large_ms_per_tutor, g.large, g.ratio
            );
        }

        println!("\nTargets");
        for t in &self.targets {
            println!("  [{:<12}] {:<82} {}", t.status.label(), t.target, t.measured);
        }
        println!(
            "\nload avg: {} at start, {} at end",
            self.machine.load_at_start, self.machine.load_at_end
        );
    }

    /// Writes `<dir>/<mode>-<scale>-<timestamp>.json`.
    pub fn write_json(&self, dir: &Path) -> Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let name = format!(
            "{}-{}-{}.json",
            json!(self.args.mode).as_str().unwrap_or("mode"),
            json!(self.args.scale).as_str().unwrap_or("scale"),
            self.started_at.format("%Y%m%dT%H%M%SZ")
        );
        let path = dir.join(name);
        std::fs::write(&path, serde_json::to_string_pretty(self)?)?;
        Ok(path)
    }
}

fn not_measured(target: &str) -> Target {
    Target {
        target: target.into(),
        measured: "-".into(),
        status: Status::NotMeasured,
    }
}
