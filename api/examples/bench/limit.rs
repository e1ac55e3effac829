//! Limit: what Postgres alone does with the writes of one `recordSession`, measured with
//! `pgbench` against the system's own database in the same run as the ingest scenario, in the
//! statements ingest sends for a new session (`worker/src/sessions/insert.rs`): the tutor row
//! locked, then one statement that inserts the session (a reschedule with it a quarter of the
//! time), sets its first-session flag, clears the flag of a later first session of the pair
//! and inserts the recompute job, all in one transaction. Ingest is printed as a share of it
//! (Report::finish), the ceiling no api can pass on this machine.

use std::{path::Path, process::Command, time::Duration};

use anyhow::{Context, Result, bail};

use crate::{report::Report, stats::Latencies, system::System};

/// The transaction, as pgbench runs it (`:tn` a tutor number of the generator, `:st` a
/// student of that tutor, `:r` decides the reschedule).
const SCRIPT: &str = r#"\set tn random(1, :tutors)
\set st random(1, 40)
\set r random(1, 100)
BEGIN;
SELECT id AS tid FROM tutors WHERE external_id = 'demo-tutor-' || lpad(:tn::text, 5, '0') FOR UPDATE \gset
SELECT gen_random_uuid() AS sid, 'limit-' || gen_random_uuid() AS ext, now() - interval '3 hours' AS start \gset
WITH stored AS (
  INSERT INTO sessions (id, external_id, tutor_id, student_ref, scheduled_start, scheduled_minutes, actual_start, actual_end, status, is_first_session, rating, booked_at, created_at, updated_at)
  SELECT :sid::uuid, :ext, :tid::uuid, 'limit-student-' || :st, :start::timestamptz, 60,
    CASE WHEN :r <= 25 THEN NULL ELSE :start::timestamptz END,
    CASE WHEN :r <= 25 THEN NULL ELSE :start::timestamptz + interval '1 hour' END,
    CASE WHEN :r <= 25 THEN 'rescheduled' ELSE 'completed' END,
    NOT EXISTS (SELECT 1 FROM sessions WHERE tutor_id = :tid AND student_ref = 'limit-student-' || :st
      AND (scheduled_start, id) < (:start::timestamptz, :sid::uuid)),
    CASE WHEN :r <= 25 THEN NULL ELSE 5 END, NULL, now(), now()
  ON CONFLICT (external_id) DO NOTHING
  RETURNING is_first_session
), no_longer_first AS (
  UPDATE sessions SET is_first_session = false
  WHERE tutor_id = :tid AND student_ref = 'limit-student-' || :st AND is_first_session
    AND (scheduled_start, id) > (:start::timestamptz, :sid::uuid) AND EXISTS (SELECT 1 FROM stored)
), reschedule AS (
  INSERT INTO reschedules (id, session_id, tutor_id, initiator, reason_code, reason, original_start, new_start, requested_at, notice_hours, created_at)
  SELECT gen_random_uuid(), :sid::uuid, :tid::uuid, 'tutor', 'schedule_conflict', 'Double-booked', :start::timestamptz, now() + interval '1 day', now() - interval '1 day', 21.0, now()
  FROM stored WHERE :r <= 25
), job AS (
  INSERT INTO jobs (kind, payload, status, attempts, run_after, tutor_id, created_at, updated_at)
  SELECT 'recompute_tutor', jsonb_build_object('tutor_id', :tid::text, 'session_id', :sid::text), 'done', 0, now(), :tid::uuid, now(), now()
  FROM stored
)
SELECT is_first_session FROM stored;
COMMIT;
"#;

pub async fn run(
    system: &mut System,
    duration: Duration,
    concurrency: &[usize],
    report: &mut Report,
) -> Result<()> {
    if !system.database_url.starts_with("postgres") {
        eprintln!("==> limit: needs MODE=service (pgbench runs against Postgres)");
        return Ok(());
    }
    let dir = std::env::temp_dir().join(format!("tutorscore-limit-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("record_session.sql");
    std::fs::write(&script, SCRIPT)?;
    let tutors = system.dataset.tutors.to_string();
    // One transaction first, so a script that no longer matches the schema fails loudly.
    pgbench(
        &system.database_url,
        &script,
        &tutors,
        &["-t", "1", "-c", "1"],
        &dir,
    )?;
    for &c in concurrency {
        // Postgres' default max_connections is 100, and the system holds some of them.
        if c > 64 {
            eprintln!(
                "==> limit: concurrency {c} skipped (more connections than Postgres allows by default)"
            );
            continue;
        }
        eprintln!("==> limit: pgbench, the writes of one recordSession, concurrency {c} for {duration:?}");
        system.settle().await;
        let clients = c.to_string();
        let seconds = duration.as_secs().max(1).to_string();
        let threads = c.min(2).to_string();
        let log = dir.join(format!("c{c}"));
        std::fs::create_dir_all(&log)?;
        let out = pgbench(
            &system.database_url,
            &script,
            &tutors,
            &[
                "-c",
                &clients,
                "-j",
                &threads,
                "-T",
                &seconds,
                "-l",
                "--log-prefix",
                &log.join("tx").to_string_lossy(),
            ],
            &dir,
        )?;
        let tps = out
            .lines()
            .find_map(|l| l.strip_prefix("tps = "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .context("pgbench printed no tps")?;
        let failed = out
            .lines()
            .find_map(|l| l.strip_prefix("number of failed transactions: "))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
        let samples = latencies(&log)?;
        let mut row = system.row("limit", &format!("c{c}"));
        row.count = samples.len() as u64;
        row.errors = failed;
        row.rate_per_s = Some(tps);
        row.latency = Latencies::of(&samples);
        row.note =
            "pgbench: the writes of one recordSession in one transaction, on the system's database".into();
        report.push(row);
    }
    std::fs::remove_dir_all(&dir).ok();
    Ok(())
}

fn pgbench(url: &str, script: &Path, tutors: &str, extra: &[&str], cwd: &Path) -> Result<String> {
    let out = Command::new("pgbench")
        .current_dir(cwd)
        .args(["-n", "-M", "prepared", "-D", &format!("tutors={tutors}"), "-f"])
        .arg(script)
        .args(extra)
        .arg(url)
        .output()
        .context("pgbench (Debian: postgresql-client) is needed for the limit scenario")?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if !out.status.success() {
        bail!("pgbench failed: {text}");
    }
    Ok(text)
}

/// Per-transaction latencies from pgbench's logs (third column, microseconds).
fn latencies(dir: &Path) -> Result<Vec<Duration>> {
    let mut samples = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        for line in std::fs::read_to_string(entry?.path())?.lines() {
            if let Some(us) = line.split_whitespace().nth(2).and_then(|v| v.parse::<u64>().ok()) {
                samples.push(Duration::from_micros(us));
            }
        }
    }
    Ok(samples)
}
