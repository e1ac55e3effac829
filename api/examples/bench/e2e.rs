//! End to end: sessions sent at a fixed offered rate (open loop) while subscribers listen to
//! every tutor's score. A session's latency is the time from sending its mutation to the first
//! subscriber receiving an update of its tutor computed from a database that held the session.
//!
//! An update qualifies when its `at` (the time the worker read its clock, holding the tutor's
//! lock, before reading the sessions; same machine clock as the bench) is not earlier than the
//! moment the mutation's response arrived: the session was committed by then. A recompute can
//! also start between the commit and the response's arrival (the worker is woken at the
//! commit); then the update of the recompute that completed the session's own job qualifies
//! too: that job was claimed after the commit, and its completion stamp in the `jobs` table is
//! the same instant as the update's `at`. Without this second rule such a session would wait
//! for its tutor's next update.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use anyhow::{Context, Result, bail};
use chrono::{DateTime, TimeDelta, Utc};
use entity::{JobKind, JobStatus, job, prelude::*};
use rand::{SeedableRng, rngs::StdRng};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use tokio::{sync::Semaphore, task::JoinSet};
use tokio_util::sync::CancellationToken;

use crate::{
    Args,
    client::{Api, Ws, score_update},
    payload::SessionGen,
    report::Report,
    stats::{Latencies, Probe, p99_counting_failures},
    system::System,
};

const ALL_SCORES: &str = "subscription { tutorScoreUpdated { tutorId version at snapshot } }";
const RECORD: &str =
    "mutation($s: RecordSessionInput!) { recordSession(input: $s) { outcome session { id } } }";
/// A session not pushed within this time is an error.
const DEADLINE: Duration = Duration::from_secs(10);
/// Requests in flight at most; a tick finding none free skips its session (counted).
const MAX_IN_FLIGHT: usize = 4096;

/// A recorded session.
struct Sent {
    tutor_id: String,
    session_id: String,
    sent: Instant,
    responded: Instant,
    /// Wall-clock time the response arrived: the session was committed by then.
    committed: DateTime<Utc>,
}

/// One update as first received (through whichever connection was first).
struct Update {
    at: DateTime<Utc>,
    received: Instant,
}

/// Updates per tutor, in the order received, each version once.
#[derive(Default)]
struct Collector {
    tutors: HashMap<String, (i64, Vec<Update>)>,
    lagged: u64,
}

impl Collector {
    fn on_update(&mut self, tutor: &str, version: i64, at: DateTime<Utc>, received: Instant) {
        let (last, updates) = self.tutors.entry(tutor.to_owned()).or_default();
        if version > *last {
            *last = version;
            updates.push(Update { at, received });
        }
    }
}

/// What matching found for one rate.
struct Matched {
    latencies: Vec<Duration>,
    after_response: Vec<Duration>,
    /// Sessions whose push came from a recompute that started before the response arrived.
    by_job_stamp: u64,
    unmatched: u64,
    late: u64,
}

fn match_sessions(
    sessions: &[Sent],
    collector: &Collector,
    stamps: &HashMap<String, DateTime<Utc>>,
) -> Matched {
    let mut m = Matched {
        latencies: Vec::with_capacity(sessions.len()),
        after_response: Vec::with_capacity(sessions.len()),
        by_job_stamp: 0,
        unmatched: 0,
        late: 0,
    };
    // Stamps are stored with microsecond precision; `at` has nanoseconds.
    let tolerance = TimeDelta::microseconds(1);
    for s in sessions {
        let updates = collector
            .tutors
            .get(&s.tutor_id)
            .map_or(&[][..], |(_, u)| u.as_slice());
        let strict = updates.iter().find(|u| u.at >= s.committed);
        let by_job = stamps
            .get(&s.session_id)
            .and_then(|stamp| updates.iter().find(|u| u.at >= *stamp - tolerance));
        let first = match (strict, by_job) {
            (Some(a), Some(b)) if b.received < a.received => {
                m.by_job_stamp += 1;
                Some(b)
            }
            (None, Some(b)) => {
                m.by_job_stamp += 1;
                Some(b)
            }
            (a, _) => a,
        };
        match first {
            None => m.unmatched += 1,
            Some(u) => {
                let latency = u.received.saturating_duration_since(s.sent);
                if latency > DEADLINE {
                    m.late += 1;
                } else {
                    m.latencies.push(latency);
                    m.after_response
                        .push(u.received.saturating_duration_since(s.responded));
                }
            }
        }
    }
    m
}

/// Completion stamps of the recompute jobs of recorded sessions (session id -> stamp).
async fn job_stamps(system: &System, after_job: i64) -> Result<HashMap<String, DateTime<Utc>>> {
    let jobs = Job::find()
        .filter(job::Column::Id.gt(after_job))
        .filter(job::Column::Kind.eq(JobKind::RecomputeTutor))
        .filter(job::Column::Status.eq(JobStatus::Done))
        .all(&system.db)
        .await?;
    Ok(jobs
        .into_iter()
        .filter_map(|j| Some((j.payload["session_id"].as_str()?.to_owned(), j.updated_at)))
        .collect())
}

async fn last_job_id(system: &System) -> Result<i64> {
    Ok(Job::find()
        .order_by_desc(job::Column::Id)
        .one(&system.db)
        .await?
        .map_or(0, |j| j.id))
}

/// Opens `n` all-tutors subscriptions whose updates feed `collector`.
async fn subscribe(
    api: &Api,
    n: usize,
    collector: Arc<Mutex<Collector>>,
    stop: CancellationToken,
) -> Result<JoinSet<()>> {
    let mut readers = JoinSet::new();
    for i in 0..n {
        let mut ws = Ws::connect(&api.ws_url).await?;
        ws.subscribe("all", ALL_SCORES, json!({})).await?;
        let first = ws.next().await?;
        if score_update(&first).is_none_or(|u| u["snapshot"] != true) {
            bail!("subscriber {i}: expected the snapshot, got {first}");
        }
        let (collector, stop) = (collector.clone(), stop.clone());
        readers.spawn(async move {
            loop {
                let message = tokio::select! {
                    () = stop.cancelled() => break,
                    message = ws.next() => message,
                };
                let Ok(message) = message else { break };
                let received = Instant::now();
                let Some(update) = score_update(&message) else {
                    continue;
                };
                if update["snapshot"] == true {
                    collector.lock().unwrap().lagged += 1;
                    continue;
                }
                let (Some(tutor), Some(version), Some(at)) = (
                    update["tutorId"].as_str(),
                    update["version"].as_i64(),
                    update["at"]
                        .as_str()
                        .and_then(|a| DateTime::parse_from_rfc3339(a).ok()),
                ) else {
                    continue;
                };
                collector
                    .lock()
                    .unwrap()
                    .on_update(tutor, version, at.with_timezone(&Utc), received);
            }
            ws.close().await;
        });
    }
    Ok(readers)
}

/// What every measurement of one offered rate shares.
struct Rig {
    ids: HashMap<String, String>,
    generator: Arc<SessionGen>,
    collector: Arc<Mutex<Collector>>,
    stop: CancellationToken,
    readers: JoinSet<()>,
}

async fn rig(system: &System, args: &Args, name: &str) -> Result<Rig> {
    let tutors = system.tutors().await?;
    let ids: HashMap<String, String> = tutors
        .iter()
        .map(|(id, external)| (external.clone(), id.to_string()))
        .collect();
    let generator = Arc::new(SessionGen::new(
        system.dataset.tutors,
        format!("{}-{name}", system.id_prefix),
    ));
    let collector = Arc::new(Mutex::new(Collector::default()));
    let stop = CancellationToken::new();
    eprintln!(
        "==> {name}: {} WebSocket subscribers to every tutor's score",
        args.subscribers
    );
    let readers = subscribe(&system.client, args.subscribers, collector.clone(), stop.clone()).await?;
    Ok(Rig {
        ids,
        generator,
        collector,
        stop,
        readers,
    })
}

impl Rig {
    async fn finish(mut self) {
        self.stop.cancel();
        while self.readers.join_next().await.is_some() {}
    }
}

pub async fn run(system: &mut System, args: &Args, duration: Duration, report: &mut Report) -> Result<()> {
    let rig = rig(system, args, "e2e").await?;
    for &rate in &args.rates {
        let row = measure(system, &rig, args, "e2e", rate, duration).await?;
        report.push(row);
        system.wait_drained(Duration::from_secs(600)).await?;
    }
    rig.finish().await;
    Ok(())
}

/// Report jobs queued for the backlog scenario.
const BACKLOG_REPORTS: usize = 5_000;
/// The backlog scenario's offered rate.
const BACKLOG_RATE: u32 = 100;

/// Push latency while a backlog of report emails waits to be sent, against an idle queue in
/// the same run: the worker claims scores and email separately, so the backlog should cost
/// little (goal: p99 within 2x of the idle queue's).
pub async fn backlog(
    system: &mut System,
    args: &Args,
    duration: Duration,
    report: &mut Report,
) -> Result<()> {
    let rig = rig(system, args, "backlog").await?;
    let idle = measure(system, &rig, args, "backlog", BACKLOG_RATE, duration).await?;
    system.wait_drained(Duration::from_secs(600)).await?;
    eprintln!("==> backlog: queueing {BACKLOG_REPORTS} report emails");
    let recipients: Vec<String> = (0..BACKLOG_REPORTS)
        .map(|n| format!("backlog-{n}@bench.example"))
        .collect();
    let rendered = worker::mail::render::Rendered {
        subject: "A queued report".into(),
        text: "A report waiting to be sent.\n".repeat(40),
        html: "<p>A report waiting to be sent.</p>".repeat(40),
    };
    let key = format!("backlog:{}", system.id_prefix);
    worker::mail::reports::enqueue(
        &system.db,
        entity::EmailKind::SessionReport,
        &key,
        (None, None),
        &rendered,
        &recipients,
        Utc::now(),
    )
    .await?;
    let mut busy = measure(system, &rig, args, "backlog", BACKLOG_RATE, duration).await?;
    rig.finish().await;
    let ratio = match (&busy.latency, &idle.latency) {
        (Some(b), Some(i)) if i.p99_ms > 0.0 => Some(b.p99_ms / i.p99_ms),
        _ => None,
    };
    let mut idle = idle;
    idle.variant = format!("{BACKLOG_RATE}/s offered, idle queue");
    busy.variant = format!("{BACKLOG_RATE}/s offered, {BACKLOG_REPORTS} report jobs queued");
    busy.note = format!(
        "p99 {} the idle queue's; {}",
        ratio.map_or("-".into(), |r| format!("{r:.2}x")),
        busy.note
    );
    busy.details["p99_ratio_to_idle"] = json!(ratio);
    report.push(idle);
    report.push(busy);
    system.wait_drained(Duration::from_secs(600)).await?;
    Ok(())
}

/// Sends sessions at `rate` for `duration` and matches them with their pushes.
async fn measure(
    system: &System,
    rig: &Rig,
    args: &Args,
    scenario: &str,
    rate: u32,
    duration: Duration,
) -> Result<crate::stats::Row> {
    let (ids, generator, collector) = (&rig.ids, &rig.generator, &rig.collector);
    eprintln!("==> {scenario}: {rate} sessions/s offered for {duration:?}");
    let first_job = last_job_id(system).await?;
    *collector.lock().unwrap() = Collector::default();
    system.settle().await;
    let probe = Probe::start(&system.pids);
    let in_flight = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let sessions = Arc::new(Mutex::new(Vec::<Sent>::new()));
    let mutation_latencies = Arc::new(Mutex::new(Vec::new()));
    let mutation_errors = Arc::new(Mutex::new((0u64, None::<String>)));
    let mut senders = JoinSet::new();
    let mut rng = StdRng::from_os_rng();
    let (mut sent, mut skipped) = (0u64, 0u64);
    let start = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    while start.elapsed() < duration {
        tick.tick().await;
        let due = (start.elapsed().as_secs_f64().min(duration.as_secs_f64()) * f64::from(rate)) as u64;
        while sent + skipped < due {
            let Ok(permit) = in_flight.clone().try_acquire_owned() else {
                skipped += 1;
                continue;
            };
            sent += 1;
            let tutor = generator.random_tutor(&mut rng);
            let external = crate::payload::tutor_external_id(tutor);
            let tutor_id = ids.get(&external).cloned().context("tutor id")?;
            let body = Api::body(RECORD, json!({ "s": generator.session(&mut rng, tutor) }));
            let (api, sessions) = (system.client.clone(), sessions.clone());
            let (latencies, errors) = (mutation_latencies.clone(), mutation_errors.clone());
            senders.spawn(async move {
                let sent_at = Instant::now();
                let result = api.post(body).await;
                let responded = Instant::now();
                let committed = Utc::now();
                drop(permit);
                let stored = result
                    .as_ref()
                    .ok()
                    .filter(|d| d["recordSession"]["outcome"] == "STORED");
                match stored.and_then(|d| d["recordSession"]["session"]["id"].as_str()) {
                    Some(session_id) => {
                        latencies.lock().unwrap().push(responded - sent_at);
                        sessions.lock().unwrap().push(Sent {
                            tutor_id,
                            session_id: session_id.to_owned(),
                            sent: sent_at,
                            responded,
                            committed,
                        });
                    }
                    None => {
                        let mut e = errors.lock().unwrap();
                        e.0 += 1;
                        if e.1.is_none() {
                            e.1 = Some(match result {
                                Ok(data) => format!("unexpected answer {data}"),
                                Err(err) => format!("{err:#}"),
                            });
                        }
                    }
                }
            });
        }
    }
    let send_seconds = start.elapsed().as_secs_f64();
    while senders.join_next().await.is_some() {}
    // The last recomputes, then a moment for their pushes (at most the deadline).
    let waited = Instant::now();
    while system.pending_jobs().await? > 0 && waited.elapsed() < DEADLINE {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut row = system.row(scenario, &rate.to_string());
    probe.finish(&mut row).await;

    let stamps = job_stamps(system, first_job).await?;
    let sessions = std::mem::take(&mut *sessions.lock().unwrap());
    let (m, lagged) = {
        let collector = collector.lock().unwrap();
        (match_sessions(&sessions, &collector, &stamps), collector.lagged)
    };
    let (failed, first_error) = mutation_errors.lock().unwrap().clone();
    let mutation = Latencies::of(&mutation_latencies.lock().unwrap());
    let after = Latencies::of(&m.after_response);
    let achieved = sent as f64 / send_seconds;
    row.variant = format!("{rate}/s offered, {} subscribers", args.subscribers);
    row.count = m.latencies.len() as u64;
    row.errors = m.unmatched + m.late + failed;
    row.rate_per_s = Some(achieved);
    row.latency = Latencies::of(&m.latencies);
    let p99_all = p99_counting_failures(&m.latencies, row.errors);
    let ms =
        |l: Option<Latencies>, f: fn(&Latencies) -> f64| l.map_or("-".into(), |l| format!("{:.1} ms", f(&l)));
    row.note = format!(
        "send->push; achieved {achieved:.0}/s; response->push p50 {} p99 {}; mutation p50 {} p99 {}; {} matched through the job stamp",
        ms(after, |l| l.p50_ms),
        ms(after, |l| l.p99_ms),
        ms(mutation, |l| l.p50_ms),
        ms(mutation, |l| l.p99_ms),
        m.by_job_stamp,
    );
    if skipped > 0 {
        row.note += &format!("; {skipped} not sent ({MAX_IN_FLIGHT} in flight)");
    }
    if m.unmatched + m.late > 0 {
        row.note += &format!(
            "; {} never pushed, {} pushed after {DEADLINE:?}",
            m.unmatched, m.late
        );
    }
    if lagged > 0 {
        row.note += &format!("; {lagged} lag snapshots");
    }
    if let Some(e) = first_error {
        row.note += &format!("; {failed} mutations failed, first: {e}");
    }
    row.details = json!({
        "offered_per_s": rate,
        "sent": sent,
        "skipped": skipped,
        "achieved_per_s": achieved,
        "mutation_errors": failed,
        "unmatched": m.unmatched,
        "late": m.late,
        "matched_by_job_stamp": m.by_job_stamp,
        "lagged_snapshots": lagged,
        "p99_counting_errors_ms": p99_all,
        "response_to_push": after,
        "mutation": mutation,
    });
    Ok(row)
}
