//! Latency percentiles, the rows of the report, and memory sampling.

use std::{
    fs,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde::Serialize;
use serde_json::Value;
use tokio::{sync::oneshot, task::JoinHandle};

use crate::cpu::{CpuUse, Pids};

/// Latency figures in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latencies {
    pub samples: usize,
    pub mean_ms: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latencies {
    /// Nearest-rank percentiles of `samples` (`None` when empty).
    pub fn of(samples: &[Duration]) -> Option<Self> {
        if samples.is_empty() {
            return None;
        }
        let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        let rank = |p: f64| {
            let index = ((p / 100.0) * ms.len() as f64).ceil() as usize;
            ms[index.clamp(1, ms.len()) - 1]
        };
        Some(Self {
            samples: ms.len(),
            mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
            p50_ms: rank(50.0),
            p95_ms: rank(95.0),
            p99_ms: rank(99.0),
            max_ms: ms[ms.len() - 1],
        })
    }
}

/// The p99 when `failed` more events count as infinitely slow: `None` (infinite) when more
/// than 1% failed.
pub fn p99_counting_failures(samples: &[Duration], failed: u64) -> Option<f64> {
    let total = samples.len() as u64 + failed;
    if total == 0 {
        return None;
    }
    let rank = ((0.99 * total as f64).ceil() as u64).max(1);
    if rank > samples.len() as u64 {
        return None;
    }
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    Some(ms[rank as usize - 1])
}

/// One line of the results table.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Stable identifier, e.g. `ingest.c32@100x3000`, used by the targets.
    pub key: String,
    pub scenario: String,
    pub variant: String,
    pub dataset: String,
    pub count: u64,
    pub errors: u64,
    /// Operations (sessions, requests, tutors) per second.
    pub rate_per_s: Option<f64>,
    pub latency: Option<Latencies>,
    /// Highest api RSS sampled during the measurement (at rest: the value then), MB.
    pub api_rss_mb: Option<f64>,
    /// Same for the worker processes (summed), MB; none in embedded mode.
    pub worker_rss_mb: Option<f64>,
    pub cpu: Option<CpuUse>,
    pub note: String,
    #[serde(skip_serializing_if = "Value::is_null")]
    pub details: Value,
}

impl Row {
    pub fn new(key: impl Into<String>, scenario: &str, variant: impl Into<String>, dataset: &str) -> Self {
        Self {
            key: key.into(),
            scenario: scenario.into(),
            variant: variant.into(),
            dataset: dataset.into(),
            count: 0,
            errors: 0,
            rate_per_s: None,
            latency: None,
            api_rss_mb: None,
            worker_rss_mb: None,
            cpu: None,
            note: String::new(),
            details: Value::Null,
        }
    }
}

/// `VmRSS` of a process in MB (from `/proc/<pid>/status`).
pub fn rss_mb(pid: u32) -> Option<f64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Sum of the RSS of `pids` (`None` for no pids).
pub fn rss_sum_mb(pids: &[u32]) -> Option<f64> {
    (!pids.is_empty()).then(|| pids.iter().filter_map(|p| rss_mb(*p)).sum())
}

/// Samples the api's and workers' RSS every 200 ms and keeps the maxima.
pub struct Sampler {
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
    max: Arc<Mutex<(Option<f64>, Option<f64>)>>,
}

impl Sampler {
    pub fn start(pids: &Pids) -> Self {
        let pids = pids.clone();
        let max = Arc::new(Mutex::new((None, None)));
        let sink = max.clone();
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(200));
            loop {
                tokio::select! {
                    _ = tick.tick() => {
                        let api = rss_mb(pids.api);
                        let workers = rss_sum_mb(&pids.workers);
                        let mut m = sink.lock().unwrap();
                        m.0 = max_opt(m.0, api);
                        m.1 = max_opt(m.1, workers);
                    }
                    _ = &mut stopped => break,
                }
            }
        });
        Self { stop, task, max }
    }

    /// Stops sampling; the maxima (api, workers) including a last sample now.
    pub async fn finish(self, pids: &Pids) -> (Option<f64>, Option<f64>) {
        let _ = self.stop.send(());
        let _ = self.task.await;
        let m = *self.max.lock().unwrap();
        (
            max_opt(m.0, rss_mb(pids.api)),
            max_opt(m.1, rss_sum_mb(&pids.workers)),
        )
    }
}

fn max_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// Memory sampling and CPU accounting around one measurement.
pub struct Probe {
    sampler: Sampler,
    cpu: crate::cpu::CpuSnapshot,
    pids: Pids,
}

impl Probe {
    pub fn start(pids: &Pids) -> Self {
        Self {
            sampler: Sampler::start(pids),
            cpu: crate::cpu::CpuSnapshot::take(pids),
            pids: pids.clone(),
        }
    }

    /// Stops and writes the RSS maxima and the CPU use into `row`.
    pub async fn finish(self, row: &mut Row) {
        row.cpu = Some(self.cpu.since(&self.pids));
        let (api, workers) = self.sampler.finish(&self.pids).await;
        row.api_rss_mb = api;
        row.worker_rss_mb = workers;
    }
}
