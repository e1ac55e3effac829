//! Writing the generated data in one transaction, with a progress bar and a recompute job per
//! tutor. Rows are built once as plain models; Postgres takes them through `COPY` (its bulk
//! path, several times faster than multi-row INSERTs at a million rows), other backends
//! through multi-row INSERTs.

use std::{
    collections::{BTreeMap, HashSet},
    time::Instant,
};

use chrono::{DateTime, Utc};
use entity::{JobKind, JobStatus, prelude::*, reschedule, score_history, session, tutor};
use indicatif::{ProgressBar, ProgressStyle};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ActiveEnum, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait,
    sqlx::{self, Postgres},
};

use super::{DemoError, DemoOptions, DemoSummary, DemoTutor, PlantedPersona, Tally, history, synth};
use uuid::Uuid;

use crate::{
    db, jobs,
    sessions::{self, ValidSession, valid::first_session},
};

/// Rows per INSERT statement: under SQLite's 32,766 and Postgres's 65,535 bound parameters.
const ROWS_PER_INSERT: usize = 2_000;

/// Deletes every row the generator (or ingestion) could have written, children first.
pub async fn clear<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    AuditEvent::delete_many().exec(db).await?;
    InterventionOutcome::delete_many().exec(db).await?;
    InterventionAlert::delete_many().exec(db).await?;
    Intervention::delete_many().exec(db).await?;
    TutorNote::delete_many().exec(db).await?;
    Alert::delete_many().exec(db).await?;
    SignIn::delete_many().exec(db).await?;
    User::delete_many().exec(db).await?;
    EmailReport::delete_many().exec(db).await?;
    ScoreHistory::delete_many().exec(db).await?;
    TutorScore::delete_many().exec(db).await?;
    Reschedule::delete_many().exec(db).await?;
    Session::delete_many().exec(db).await?;
    Job::delete_many().exec(db).await?;
    Tutor::delete_many().exec(db).await?;
    Ok(())
}

/// The rows of the whole data set, in insertion order.
struct Rows {
    tutors: Vec<tutor::Model>,
    sessions: Vec<session::Model>,
    reschedules: Vec<reschedule::Model>,
    history: Vec<score_history::ActiveModel>,
}

pub(super) async fn write(
    conn: &DatabaseConnection,
    options: &DemoOptions,
    tutors: Vec<DemoTutor>,
    rng: &mut ChaCha8Rng,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
    started: Instant,
) -> Result<DemoSummary, DemoError> {
    let mut tally = Tally::default();
    let mut rows = build_rows(&tutors, rng, until, now, &mut tally);
    rows.history = history::backfill(&rows.sessions, &rows.reschedules, until, options.history_weeks);
    let progress = if options.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(rows.sessions.len() as u64)
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} sessions ({per_sec}, {eta} left)")
            .expect("valid template"),
    );
    match conn.get_database_backend() {
        DbBackend::Postgres => copy_into_postgres(conn, options, &rows, &progress, now).await?,
        _ => {
            insert_rows(
                conn,
                options,
                rows_into_inserts(&rows),
                &rows.history,
                &progress,
                now,
            )
            .await?
        }
    }
    progress.finish_and_clear();

    let mut tutors_by_profile = std::collections::BTreeMap::new();
    for t in &tutors {
        *tutors_by_profile.entry(t.profile).or_default() += 1;
    }
    Ok(DemoSummary {
        tutors: tutors.len(),
        tutors_by_profile,
        profile_of: tutors.iter().map(|t| (t.id, t.profile)).collect(),
        sessions: tally.sessions,
        booked_sessions: tally.booked,
        sessions_by_status: tally.by_status,
        reschedules: tally.reschedules,
        tutor_initiated_reschedules: tally.tutor_initiated,
        last_minute_reschedules: tally.last_minute,
        first_sessions: tally.first_sessions,
        personas: tutors
            .iter()
            .filter_map(|t| {
                t.persona.map(|persona| PlantedPersona {
                    persona,
                    tutor_id: t.id,
                    external_id: t.external_id.clone(),
                    name: t.name.clone(),
                })
            })
            .collect(),
        until,
        elapsed_seconds: started.elapsed().as_secs_f64(),
        users: Vec::new(),
    })
}

fn build_rows(
    tutors: &[DemoTutor],
    rng: &mut ChaCha8Rng,
    until: DateTime<Utc>,
    now: DateTime<Utc>,
    tally: &mut Tally,
) -> Rows {
    let mut rows = Rows {
        tutors: Vec::with_capacity(tutors.len()),
        sessions: Vec::new(),
        reschedules: Vec::new(),
        history: Vec::new(),
    };
    for t in tutors {
        rows.tutors.push(tutor::Model {
            id: t.id,
            external_id: t.external_id.clone(),
            name: t.name.clone(),
            email: t.email.clone(),
            active: true,
            created_at: t.created_at,
            updated_at: t.created_at,
        });
        // Every value is derived as recordSession derives it: the same checks, the same notice
        // hours, the same first-session rule.
        let mut pairs: BTreeMap<&str, Vec<(DateTime<Utc>, Uuid)>> = BTreeMap::new();
        let first_row = rows.sessions.len();
        for s in &t.sessions {
            tally.add(s);
            let valid = ValidSession::check("demo", s.draft(t.id), now)
                .unwrap_or_else(|e| panic!("the generator made an invalid session: {e:?}"));
            let id = synth::demo_uuid(rng, s.scheduled_start);
            let recorded_at = s.actual_end.unwrap_or(s.scheduled_start).min(until);
            let row = sessions::store::new_row(id, t.id, &valid, recorded_at);
            if let Some(r) = &valid.reschedule {
                let reschedule_id = synth::demo_uuid(rng, r.requested_at);
                rows.reschedules.push(sessions::store::reschedule_row(
                    reschedule_id,
                    &row,
                    r,
                    r.requested_at,
                ));
            }
            pairs
                .entry(&s.student_ref)
                .or_default()
                .push((s.scheduled_start, id));
            rows.sessions.push(row);
        }
        let firsts: HashSet<Uuid> = pairs.into_values().filter_map(first_session).collect();
        for row in &mut rows.sessions[first_row..] {
            row.is_first_session = firsts.contains(&row.id);
        }
    }
    // In time order, ids (v7, from the scheduled time), external ids and start times all
    // ascend together: three of the sessions indexes are then appended to rather than
    // updated at random places, which roughly halves the load time at a million rows.
    rows.sessions.sort_by_key(|s| (s.scheduled_start, s.id));
    for (number, s) in rows.sessions.iter_mut().enumerate() {
        s.external_id = format!("demo-session-{:08}", number + 1);
    }
    rows.reschedules.sort_by_key(|r| r.id);
    rows
}

type Inserts = (
    Vec<tutor::ActiveModel>,
    Vec<session::ActiveModel>,
    Vec<reschedule::ActiveModel>,
);

fn rows_into_inserts(rows: &Rows) -> Inserts {
    (
        rows.tutors
            .iter()
            .cloned()
            .map(IntoActiveModel::into_active_model)
            .collect(),
        rows.sessions
            .iter()
            .cloned()
            .map(IntoActiveModel::into_active_model)
            .collect(),
        rows.reschedules
            .iter()
            .cloned()
            .map(IntoActiveModel::into_active_model)
            .collect(),
    )
}

async fn insert_rows(
    conn: &DatabaseConnection,
    options: &DemoOptions,
    (tutors, sessions, reschedules): Inserts,
    history: &[score_history::ActiveModel],
    progress: &ProgressBar,
    now: DateTime<Utc>,
) -> Result<(), DemoError> {
    let txn = db::begin_write(conn).await?;
    prepare(&txn, options).await?;
    for chunk in tutors.chunks(ROWS_PER_INSERT) {
        Tutor::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in sessions.chunks(ROWS_PER_INSERT) {
        Session::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
        progress.inc(chunk.len() as u64);
    }
    for chunk in reschedules.chunks(ROWS_PER_INSERT) {
        Reschedule::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    for chunk in history.chunks(ROWS_PER_INSERT) {
        ScoreHistory::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }
    let ids = tutors.iter().map(|t| t.id.clone().unwrap());
    jobs::enqueue_recompute(&txn, ids, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Clears (with `--clear`) or checks that there is nothing to overwrite.
async fn prepare<C: ConnectionTrait>(db: &C, options: &DemoOptions) -> Result<(), DemoError> {
    if options.clear {
        clear(db).await?;
        return Ok(());
    }
    let existing = Tutor::find().count(db).await?;
    if existing > 0 {
        return Err(DemoError::NotEmpty(existing));
    }
    Ok(())
}

async fn copy_into_postgres(
    conn: &DatabaseConnection,
    options: &DemoOptions,
    rows: &Rows,
    progress: &ProgressBar,
    now: DateTime<Utc>,
) -> Result<(), DemoError> {
    let sqlx_err = |e: sqlx::Error| DemoError::Database(DbErr::Custom(format!("bulk load failed: {e}")));
    // The checks and the delete go through SeaORM first; the load itself is one sqlx
    // transaction, so a failure leaves the database as it was before the load.
    if !options.clear {
        prepare(conn, options).await?;
    }
    let mut tx = conn
        .get_postgres_connection_pool()
        .begin()
        .await
        .map_err(sqlx_err)?;
    if options.clear {
        for statement in [
            "DELETE FROM audit_events",
            "DELETE FROM alerts",
            "DELETE FROM sign_ins",
            "DELETE FROM users",
            "DELETE FROM email_reports",
            "DELETE FROM score_history",
            "DELETE FROM tutor_scores",
            "DELETE FROM reschedules",
            "DELETE FROM sessions",
            "DELETE FROM jobs",
            "DELETE FROM tutors",
        ] {
            sqlx::query(statement).execute(&mut *tx).await.map_err(sqlx_err)?;
        }
    }
    // Building a secondary index once over sorted data is much cheaper than updating it a
    // million times: drop the non-unique indexes of the bulk tables for the load and recreate
    // them from their own definitions (DDL is transactional in Postgres).
    let secondary: Vec<(String, String)> = sqlx::query_as(
        "SELECT indexname::text, indexdef FROM pg_indexes JOIN pg_class c ON c.relname = indexname \
         JOIN pg_index i ON i.indexrelid = c.oid \
         WHERE schemaname = current_schema() AND tablename IN ('sessions', 'reschedules') AND NOT i.indisunique",
    )
    .fetch_all(&mut *tx)
    .await
    .map_err(sqlx_err)?;
    for (name, _) in &secondary {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
            .execute(&mut *tx)
            .await
            .map_err(sqlx_err)?;
    }
    sqlx::query("SET LOCAL maintenance_work_mem = '256MB'")
        .execute(&mut *tx)
        .await
        .map_err(sqlx_err)?;
    copy(
        &mut tx,
        "tutors (id, external_id, name, email, active, created_at, updated_at)",
        rows.tutors.iter().map(tutor_csv),
    )
    .await
    .map_err(sqlx_err)?;
    for chunk in rows.sessions.chunks(50_000) {
        copy(
            &mut tx,
            "sessions (id, external_id, tutor_id, student_ref, scheduled_start, scheduled_minutes, actual_start, actual_end, status, is_first_session, rating, created_at, updated_at)",
            chunk.iter().map(session_csv),
        )
        .await
        .map_err(sqlx_err)?;
        progress.inc(chunk.len() as u64);
    }
    copy(
        &mut tx,
        "reschedules (id, session_id, tutor_id, initiator, reason_code, reason, original_start, new_start, requested_at, notice_hours, created_at)",
        rows.reschedules.iter().map(reschedule_csv),
    )
    .await
    .map_err(sqlx_err)?;
    copy(
        &mut tx,
        "score_history (tutor_id, computed_at, quality_score, risk_level, reschedule_rate_7d, reschedule_rate_30d, reschedule_rate_90d, no_show_rate_30d, version)",
        rows.history.iter().map(history_csv),
    )
    .await
    .map_err(sqlx_err)?;
    for (_, definition) in &secondary {
        sqlx::query(sqlx::AssertSqlSafe(definition.clone()))
            .execute(&mut *tx)
            .await
            .map_err(sqlx_err)?;
    }
    sqlx::query(
        "INSERT INTO jobs (kind, payload, status, attempts, run_after, created_at, updated_at, tutor_id) \
         SELECT $1, jsonb_build_object('tutor_id', id), $2, 0, $3, $3, $3, id FROM tutors",
    )
    .bind(JobKind::RecomputeTutor.to_value())
    .bind(JobStatus::Queued.to_value())
    .bind(now)
    .execute(&mut *tx)
    .await
    .map_err(sqlx_err)?;
    tx.commit().await.map_err(sqlx_err)?;
    // Fresh statistics so the first queries plan well after a large load, and a visibility
    // map so counts over time ranges are index-only scans (25 ms -> 4 ms for 7 days of a
    // million sessions) before autovacuum gets there.
    conn.execute_unprepared("VACUUM ANALYZE tutors, sessions, reschedules, jobs")
        .await?;
    Ok(())
}

async fn copy(
    tx: &mut sqlx::Transaction<'static, Postgres>,
    target: &str,
    lines: impl Iterator<Item = String>,
) -> Result<u64, sqlx::Error> {
    let mut buffer = String::new();
    for line in lines {
        buffer += &line;
        buffer.push('\n');
    }
    let mut copy = tx
        .copy_in_raw(&format!("COPY {target} FROM STDIN (FORMAT csv)"))
        .await?;
    copy.send(buffer.into_bytes()).await?;
    copy.finish().await
}

/// A CSV field: quoted text (`""` escapes a quote); an unquoted empty field is NULL.
fn text(value: &str) -> String {
    format!("\"{}\"", value.replace('"', "\"\""))
}

fn time(value: DateTime<Utc>) -> String {
    value.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

fn optional<T>(value: Option<T>, show: impl FnOnce(T) -> String) -> String {
    value.map(show).unwrap_or_default()
}

fn tutor_csv(t: &tutor::Model) -> String {
    [
        t.id.to_string(),
        text(&t.external_id),
        text(&t.name),
        text(&t.email),
        t.active.to_string(),
        time(t.created_at),
        time(t.updated_at),
    ]
    .join(",")
}

fn session_csv(s: &session::Model) -> String {
    [
        s.id.to_string(),
        text(&s.external_id),
        s.tutor_id.to_string(),
        text(&s.student_ref),
        time(s.scheduled_start),
        s.scheduled_minutes.to_string(),
        optional(s.actual_start, time),
        optional(s.actual_end, time),
        s.status.to_value(),
        s.is_first_session.to_string(),
        optional(s.rating, |r| r.to_string()),
        time(s.created_at),
        time(s.updated_at),
    ]
    .join(",")
}

fn history_csv(p: &score_history::ActiveModel) -> String {
    let value = |v: &sea_orm::ActiveValue<f64>| v.clone().unwrap().to_string();
    [
        history::tutor_of(p).to_string(),
        time(p.computed_at.clone().unwrap()),
        value(&p.quality_score),
        p.risk_level.clone().unwrap().to_value(),
        value(&p.reschedule_rate_7d),
        value(&p.reschedule_rate_30d),
        value(&p.reschedule_rate_90d),
        value(&p.no_show_rate_30d),
        p.version.clone().unwrap().to_string(),
    ]
    .join(",")
}

fn reschedule_csv(r: &reschedule::Model) -> String {
    [
        r.id.to_string(),
        r.session_id.to_string(),
        r.tutor_id.to_string(),
        r.initiator.to_value(),
        optional(r.reason_code.as_deref(), text),
        optional(r.reason.as_deref(), text),
        time(r.original_start),
        optional(r.new_start, time),
        time(r.requested_at),
        r.notice_hours.to_string(),
        time(r.created_at),
    ]
    .join(",")
}
