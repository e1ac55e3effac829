//! Fan-out: N WebSocket connections subscribed to one tutor's score; one session recorded for
//! that tutor; per subscriber, the time from sending the mutation to receiving the update.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use rand::{SeedableRng, rngs::StdRng};
use serde_json::json;
use tokio::{
    sync::{mpsc, oneshot},
    task::JoinSet,
};
use tokio_util::sync::CancellationToken;

use crate::{
    Args,
    client::{Api, Ws, score_update},
    cpu::CpuSnapshot,
    payload::{SessionGen, tutor_external_id},
    report::{Report, fmt_int},
    stats::{Latencies, Probe, rss_mb},
    system::System,
};

const ONE_TUTOR: &str =
    "subscription($id: ID) { tutorScoreUpdated(tutorId: $id) { tutorId version at snapshot } }";
const RECORD: &str = "mutation($s: RecordSessionInput!) { recordSession(input: $s) { outcome } }";
/// Connections opened in parallel.
const BATCH: usize = 200;
/// The tutor everyone watches.
const TUTOR: usize = 10;

/// One subscriber: connect, subscribe, report the snapshot's version, then report the time
/// the first newer update arrives; hold the connection until `stop`.
async fn subscriber(
    url: String,
    tutor_id: String,
    ready: oneshot::Sender<Result<i64>>,
    delivered: mpsc::UnboundedSender<Instant>,
    stop: CancellationToken,
) {
    let setup = async {
        let mut ws = Ws::connect(&url).await?;
        ws.subscribe("s", ONE_TUTOR, json!({ "id": tutor_id })).await?;
        let first = ws.next().await?;
        let version = score_update(&first)
            .filter(|u| u["snapshot"] == true)
            .and_then(|u| u["version"].as_i64())
            .with_context(|| format!("expected the snapshot, got {first}"))?;
        anyhow::Ok((ws, version))
    };
    let (mut ws, version) = match tokio::time::timeout(Duration::from_secs(60), setup).await {
        Ok(Ok(connected)) => connected,
        Ok(Err(e)) => {
            let _ = ready.send(Err(e));
            return;
        }
        Err(_) => {
            let _ = ready.send(Err(anyhow::anyhow!("no snapshot within 60 s")));
            return;
        }
    };
    let _ = ready.send(Ok(version));
    let mut done = false;
    loop {
        let message = tokio::select! {
            () = stop.cancelled() => break,
            message = ws.next() => message,
        };
        let Ok(message) = message else { break };
        let received = Instant::now();
        if let Some(update) = score_update(&message)
            && !done
            && update["snapshot"] == false
            && update["version"].as_i64().is_some_and(|v| v > version)
        {
            done = true;
            let _ = delivered.send(received);
        }
    }
    ws.close().await;
}

pub async fn run(system: &mut System, args: &Args, report: &mut Report) -> Result<()> {
    let tutors = system.tutors().await?;
    let external = tutor_external_id(TUTOR);
    let tutor_id = tutors
        .iter()
        .find(|(_, e)| *e == external)
        .map(|(id, _)| id.to_string())
        .context("the fan-out tutor exists")?;
    let generator = SessionGen::new(system.dataset.tutors, format!("{}-fanout", system.id_prefix));
    let mut rng = StdRng::from_os_rng();

    for &n in &args.fanout {
        eprintln!("==> fanout: {} subscribers to {external}", fmt_int(n as u64));
        let rss_before = rss_mb(system.pids.api);
        system.settle().await;
        let probe = Probe::start(&system.pids);
        let stop = CancellationToken::new();
        let (delivered_tx, mut delivered) = mpsc::unbounded_channel();
        let mut tasks = JoinSet::new();
        let (mut connected, mut failed, mut first_error) = (0usize, 0usize, None::<String>);
        let opening = Instant::now();
        let mut opened = 0;
        while opened < n {
            let batch = BATCH.min(n - opened);
            let mut readies = Vec::with_capacity(batch);
            for _ in 0..batch {
                let (ready, is_ready) = oneshot::channel();
                readies.push(is_ready);
                tasks.spawn(subscriber(
                    system.client.ws_url.clone(),
                    tutor_id.clone(),
                    ready,
                    delivered_tx.clone(),
                    stop.clone(),
                ));
            }
            for is_ready in readies {
                match is_ready.await {
                    Ok(Ok(_)) => connected += 1,
                    Ok(Err(e)) => {
                        failed += 1;
                        first_error.get_or_insert_with(|| format!("{e:#}"));
                    }
                    Err(_) => failed += 1,
                }
            }
            opened += batch;
        }
        drop(delivered_tx);
        let connect_seconds = opening.elapsed().as_secs_f64();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let rss_connected = rss_mb(system.pids.api);
        eprintln!(
            "    {connected} connected ({failed} failed) in {connect_seconds:.1} s; api RSS {:.1} MB",
            rss_connected.unwrap_or(0.0)
        );

        let body = Api::body(RECORD, json!({ "s": generator.session(&mut rng, TUTOR) }));
        let delivery_cpu = CpuSnapshot::take(&system.pids);
        let sent = Instant::now();
        let mutation = system.client.post(body).await;
        let mutation_ms = sent.elapsed().as_secs_f64() * 1000.0;
        let mut latencies = Vec::with_capacity(connected);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while latencies.len() < connected {
            match tokio::time::timeout_at(deadline, delivered.recv()).await {
                Ok(Some(received)) => latencies.push(received.saturating_duration_since(sent)),
                _ => break,
            }
        }
        let delivery = delivery_cpu.since(&system.pids);
        let mut row = system.row("fanout", &n.to_string());
        probe.finish(&mut row).await;
        let missing = connected - latencies.len();
        row.variant = format!("{} subscribers, 1 update", fmt_int(n as u64));
        row.count = latencies.len() as u64;
        row.errors = (failed + missing) as u64;
        row.latency = Latencies::of(&latencies);
        row.note = format!(
            "send->receive; opened in {connect_seconds:.1} s; api RSS {:.1} MB before, {:.1} MB connected ({:.1} KB per connection); mutation {mutation_ms:.1} ms; CPU while delivering: api {:.2}, worker {:.2}, bench {:.2}, other {:.2} cores",
            rss_before.unwrap_or(0.0),
            rss_connected.unwrap_or(0.0),
            (rss_connected.unwrap_or(0.0) - rss_before.unwrap_or(0.0)) * 1024.0 / connected.max(1) as f64,
            delivery.api,
            delivery.worker,
            delivery.bench,
            delivery.other,
        );
        if let Err(e) = &mutation {
            row.note += &format!("; the mutation failed: {e:#}");
        }
        if missing > 0 {
            row.note += &format!("; {missing} not delivered within 10 s");
        }
        if let Some(e) = &first_error {
            row.note += &format!("; {failed} failed to subscribe, first: {e}");
        }
        row.details = json!({
            "subscribers": n,
            "connected": connected,
            "failed": failed,
            "delivered": latencies.len(),
            "connect_seconds": connect_seconds,
            "api_rss_before_mb": rss_before,
            "api_rss_connected_mb": rss_connected,
            "mutation_ms": mutation_ms,
            "cpu_while_delivering": delivery,
        });
        report.push(row);

        stop.cancel();
        while tasks.join_next().await.is_some() {}
        tokio::time::sleep(Duration::from_secs(2)).await;
        system.wait_drained(Duration::from_secs(60)).await?;
    }
    Ok(())
}
