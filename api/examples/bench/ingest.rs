//! Ingest: `recordSession` at several concurrency levels, and `recordSessions` batches.

use std::{sync::Arc, time::Duration};

use anyhow::Result;
use serde_json::{Value, json};

use crate::{
    Args,
    client::Api,
    load::{self, Measured, Outcome},
    payload::SessionGen,
    report::Report,
    stats::{Latencies, Probe},
    system::System,
};

const RECORD: &str =
    "mutation($s: RecordSessionInput!) { recordSession(input: $s) { outcome session { id } } }";
const RECORD_MANY: &str = "mutation($i: [RecordSessionInput!]!) { recordSessions(inputs: $i) { index outcome error { code field message } } }";
const BATCH: usize = 100;
const BATCH_CONCURRENCY: usize = 8;

fn check_record(data: &Value) -> Outcome {
    match data["recordSession"]["outcome"].as_str() {
        Some("STORED") => Outcome {
            ok: 1,
            errors: 0,
            message: None,
        },
        other => Outcome {
            ok: 0,
            errors: 1,
            message: Some(format!("outcome {other:?}, expected STORED")),
        },
    }
}

fn check_batch(data: &Value) -> Outcome {
    let items = data["recordSessions"].as_array().cloned().unwrap_or_default();
    let ok = items.iter().filter(|i| i["outcome"] == "STORED").count() as u64;
    let message = items
        .iter()
        .find(|i| i["outcome"] != "STORED")
        .map(|i| format!("item error: {}", i["error"]));
    Outcome {
        ok,
        errors: BATCH as u64 - ok,
        message,
    }
}

/// Every concurrency level, then the batches; the worker's backlog is drained between runs.
pub async fn run(system: &mut System, args: &Args, duration: Duration, report: &mut Report) -> Result<()> {
    let generator = Arc::new(SessionGen::new(
        system.dataset.tutors,
        format!("{}-ingest", system.id_prefix),
    ));
    for &concurrency in &args.concurrency {
        eprintln!("==> ingest: recordSession at concurrency {concurrency} for {duration:?}");
        let g = generator.clone();
        system.settle().await;
        let probe = Probe::start(&system.pids);
        let m = load::closed_loop(
            &system.client,
            concurrency,
            duration,
            1,
            move |rng| {
                let tutor = g.random_tutor(rng);
                Api::body(RECORD, json!({ "s": g.session(rng, tutor) }))
            },
            check_record,
        )
        .await;
        let mut row = system.row("ingest", &format!("c{concurrency}"));
        probe.finish(&mut row).await;
        finish_row(
            system,
            &mut row,
            &m,
            format!("recordSession, concurrency {concurrency}"),
        )
        .await?;
        report.push(row);
    }

    eprintln!(
        "==> ingest: recordSessions batches of {BATCH} at concurrency {BATCH_CONCURRENCY} for {duration:?}"
    );
    let g = generator.clone();
    system.settle().await;
    let probe = Probe::start(&system.pids);
    let m = load::closed_loop(
        &system.client,
        BATCH_CONCURRENCY,
        duration,
        BATCH as u64,
        move |rng| {
            let inputs: Vec<Value> = (0..BATCH)
                .map(|_| {
                    let tutor = g.random_tutor(rng);
                    g.session(rng, tutor)
                })
                .collect();
            Api::body(RECORD_MANY, json!({ "i": inputs }))
        },
        check_batch,
    )
    .await;
    let mut row = system.row("ingest", &format!("batch{BATCH}.c{BATCH_CONCURRENCY}"));
    probe.finish(&mut row).await;
    finish_row(
        system,
        &mut row,
        &m,
        format!("recordSessions x{BATCH}, concurrency {BATCH_CONCURRENCY}; latency per request"),
    )
    .await?;
    report.push(row);
    Ok(())
}

/// Fills the row from the measurement and waits for the worker to catch up.
async fn finish_row(
    system: &mut System,
    row: &mut crate::stats::Row,
    m: &Measured,
    label: String,
) -> Result<()> {
    row.variant = label;
    row.count = m.ok;
    row.errors = m.errors;
    row.rate_per_s = Some(m.rate());
    row.latency = Latencies::of(&m.latencies);
    let backlog = system.pending_jobs().await?;
    let drained = system.wait_drained(Duration::from_secs(600)).await?;
    row.note = format!(
        "CPU per session: {}; {backlog} jobs queued at the end, drained in {:.1} s",
        crate::cpu::per_op(row.cpu, row.rate_per_s),
        drained.as_secs_f64()
    );
    if let Some(e) = &m.first_error {
        row.note += &format!("; first error: {e}");
    }
    row.details = json!({
        "requests": m.latencies.len(),
        "elapsed_s": m.elapsed.as_secs_f64(),
        "backlog_jobs_at_end": backlog,
        "drain_s": drained.as_secs_f64(),
    });
    Ok(())
}
