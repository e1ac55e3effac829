//! The closed-loop driver: `concurrency` tasks, each sending its next request as soon as the
//! previous one answered, for a fixed time.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use rand::{SeedableRng, rngs::StdRng};
use serde_json::Value;
use tokio::task::JoinSet;

use crate::client::Api;

/// What one response was worth: items that succeeded and failed, and why one failed.
pub struct Outcome {
    pub ok: u64,
    pub errors: u64,
    pub message: Option<String>,
}

/// Judges a response's `data`.
pub type Check = fn(&Value) -> Outcome;

/// Results of one closed-loop run.
#[derive(Default)]
pub struct Measured {
    /// Items that succeeded (sessions stored, queries answered).
    pub ok: u64,
    /// Items that failed (a failed request counts all its items).
    pub errors: u64,
    /// Latency of every request that got a GraphQL answer.
    pub latencies: Vec<Duration>,
    /// From the start to the last answer.
    pub elapsed: Duration,
    pub first_error: Option<String>,
}

impl Measured {
    fn merge(&mut self, other: Measured) {
        self.ok += other.ok;
        self.errors += other.errors;
        self.latencies.extend(other.latencies);
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }

    /// Items per second.
    pub fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs `concurrency` loops of `make` (a request body, `items` items each) for `duration`.
pub async fn closed_loop<F>(
    api: &Api,
    concurrency: usize,
    duration: Duration,
    items: u64,
    make: F,
    check: Check,
) -> Measured
where
    F: Fn(&mut StdRng) -> Vec<u8> + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = JoinSet::new();
    for _ in 0..concurrency {
        let (api, make) = (api.clone(), make.clone());
        tasks.spawn(async move {
            let mut rng = StdRng::from_os_rng();
            let mut m = Measured::default();
            while Instant::now() < deadline {
                let body = make(&mut rng);
                let sent = Instant::now();
                let result = api.post(body).await;
                let took = sent.elapsed();
                match result {
                    Ok(data) => {
                        m.latencies.push(took);
                        let outcome = check(&data);
                        m.ok += outcome.ok;
                        m.errors += outcome.errors;
                        if m.first_error.is_none() {
                            m.first_error = outcome.message;
                        }
                    }
                    Err(e) => {
                        m.errors += items;
                        if m.first_error.is_none() {
                            m.first_error = Some(format!("{e:#}"));
                        }
                    }
                }
            }
            m
        });
    }
    let mut total = Measured::default();
    while let Some(result) = tasks.join_next().await {
        if let Ok(m) = result {
            total.merge(m);
        }
    }
    total.elapsed = start.elapsed();
    total
}
