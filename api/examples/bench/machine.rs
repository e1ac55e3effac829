//! The machine the figures come from.

use std::{fs, process::Command};

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    pub cpu: String,
    pub cores: usize,
    pub memory_gb: f64,
    pub kernel: String,
    /// 1, 5 and 15-minute load averages when the bench started (other work on the machine).
    pub load_at_start: String,
    pub load_at_end: String,
    pub commit: String,
    pub rustc: String,
}

impl Machine {
    pub fn describe() -> Self {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map_or_else(|| "unknown".into(), |(_, v)| v.trim().to_owned());
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let memory_gb = fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|m| {
                m.lines()
                    .find(|l| l.starts_with("MemTotal:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
        let kernel = fs::read_to_string("/proc/sys/kernel/osrelease")
            .map_or_else(|_| "unknown".into(), |k| k.trim().to_owned());
        let mut commit = run("git", &["rev-parse", "--short", "HEAD"]).unwrap_or_else(|| "unknown".into());
        if run("git", &["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty()) {
            commit += "-dirty";
        }
        Self {
            cpu,
            cores,
            memory_gb,
            kernel,
            load_at_start: load_average(),
            load_at_end: String::new(),
            commit,
            rustc: run("rustc", &["--version"]).unwrap_or_else(|| "unknown".into()),
        }
    }
}

pub fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn run(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Waits until the whole machine uses under `threshold` cores over a second (two seconds in a
/// row), at most `max`; the busy cores seen last.
pub async fn wait_quiet(max: std::time::Duration, threshold: f64) -> f64 {
    let started = std::time::Instant::now();
    let mut calm = 0;
    loop {
        let before = crate::cpu::CpuSnapshot::take(&crate::cpu::Pids::default());
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let busy = before.since(&crate::cpu::Pids::default()).machine;
        calm = if busy < threshold { calm + 1 } else { 0 };
        if calm >= 2 || started.elapsed() >= max {
            return busy;
        }
    }
}
