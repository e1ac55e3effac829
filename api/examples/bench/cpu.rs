//! Who used the CPU during a measurement, from `/proc`: the whole machine (`/proc/stat`), the
//! api and worker processes, this bench, Postgres and Redis (`/proc/<pid>/stat`), and the rest
//! ("other": processes outside the system under test, such as compilers of other users).
//!
//! Figures are in cores (1.0 = one core busy for the whole interval). Clock ticks are the
//! kernel's USER_HZ, 100 on Linux x86_64. Postgres backends that exit during the interval take
//! their ticks with them, so Postgres is a lower bound.

use std::{fs, time::Instant};

use serde::Serialize;

const TICKS_PER_SECOND: f64 = 100.0;

/// The processes of the system under test.
#[derive(Debug, Clone, Default)]
pub struct Pids {
    pub api: u32,
    pub workers: Vec<u32>,
}

/// Counters at one instant.
pub struct CpuSnapshot {
    at: Instant,
    busy: u64,
    api: u64,
    workers: u64,
    bench: u64,
    postgres: u64,
    redis: u64,
}

/// CPU used over an interval, in cores.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct CpuUse {
    pub machine: f64,
    pub api: f64,
    pub worker: f64,
    pub bench: f64,
    pub postgres: f64,
    pub redis: f64,
    pub other: f64,
}

impl CpuSnapshot {
    pub fn take(pids: &Pids) -> Self {
        Self {
            at: Instant::now(),
            busy: machine_busy(),
            api: process_ticks(pids.api),
            workers: pids.workers.iter().map(|p| process_ticks(*p)).sum(),
            bench: process_ticks(std::process::id()),
            postgres: ticks_of_named("postgres"),
            redis: ticks_of_named("redis-server"),
        }
    }

    /// Cores used between `self` and now.
    pub fn since(&self, pids: &Pids) -> CpuUse {
        let now = Self::take(pids);
        let seconds = now.at.duration_since(self.at).as_secs_f64().max(1e-3);
        let cores = |a: u64, b: u64| b.saturating_sub(a) as f64 / TICKS_PER_SECOND / seconds;
        let mut used = CpuUse {
            machine: cores(self.busy, now.busy),
            api: cores(self.api, now.api),
            worker: cores(self.workers, now.workers),
            bench: cores(self.bench, now.bench),
            postgres: cores(self.postgres, now.postgres),
            redis: cores(self.redis, now.redis),
            other: 0.0,
        };
        let ours = used.api + used.worker + used.bench + used.postgres + used.redis;
        used.other = (used.machine - ours).max(0.0);
        used
    }
}

/// Busy ticks of all CPUs (`/proc/stat`, first line: user nice system idle iowait irq softirq steal).
fn machine_busy() -> u64 {
    let Ok(stat) = fs::read_to_string("/proc/stat") else {
        return 0;
    };
    let Some(line) = stat.lines().next() else { return 0 };
    let fields: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|f| f.parse().ok())
        .collect();
    // user + nice + system + irq + softirq + steal (guest time is already in user).
    [0, 1, 2, 5, 6, 7].iter().filter_map(|i| fields.get(*i)).sum()
}

/// utime + stime of one process (0 when it is gone).
pub fn process_ticks(pid: u32) -> u64 {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0;
    };
    // The command name is in parentheses and may contain spaces: count fields after ')'.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After ')': state(3) ... utime is field 14, stime field 15 of the whole line.
    let get = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}

/// Sum of utime + stime over every process whose command name is `name`.
fn ticks_of_named(name: &str) -> u64 {
    let Ok(entries) = fs::read_dir("/proc") else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|comm| comm.trim_end() == name)
        })
        .map(process_ticks)
        .sum()
}

/// CPU milliseconds per operation at `rate` operations per second, by process.
pub fn per_op(cpu: Option<CpuUse>, rate: Option<f64>) -> String {
    let (Some(c), Some(rate)) = (cpu, rate.filter(|r| *r > 0.0)) else {
        return "-".into();
    };
    let ms = |cores: f64| cores * 1000.0 / rate;
    format!(
        "api {:.2} ms, worker {:.2} ms, postgres {:.2} ms, bench {:.2} ms",
        ms(c.api),
        ms(c.worker),
        ms(c.postgres),
        ms(c.bench)
    )
}
