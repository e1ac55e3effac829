//! Writing the generated data: multi-row inserts in one transaction, a progress bar, and a
//! recompute job per tutor.

use std::time::Instant;

use chrono::{DateTime, Utc};
use entity::{prelude::*, reschedule, session, tutor};
use indicatif::{ProgressBar, ProgressStyle};
use rand_chacha::ChaCha8Rng;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, PaginatorTrait, Set, TransactionTrait,
};

use super::{DemoError, DemoOptions, DemoSummary, DemoTutor, PlantedPersona, Tally, synth};
use crate::{db, jobs};

/// Rows per INSERT statement: under SQLite's 32,766 and Postgres's 65,535 bound parameters.
const ROWS_PER_INSERT: usize = 2_000;

/// Deletes every row the generator (or ingestion) could have written, children first.
pub async fn clear<C: ConnectionTrait>(db: &C) -> Result<(), DbErr> {
    EmailReport::delete_many().exec(db).await?;
    ScoreHistory::delete_many().exec(db).await?;
    TutorScore::delete_many().exec(db).await?;
    Reschedule::delete_many().exec(db).await?;
    Session::delete_many().exec(db).await?;
    Job::delete_many().exec(db).await?;
    Tutor::delete_many().exec(db).await?;
    Ok(())
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
    let txn = db::begin_write(conn).await?;
    if options.clear {
        clear(&txn).await?;
    } else {
        let existing = Tutor::find().count(&txn).await?;
        if existing > 0 {
            return Err(DemoError::NotEmpty(existing));
        }
    }

    let total: usize = tutors.iter().map(|t| t.sessions.len()).sum();
    let progress = if options.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total as u64)
    };
    progress.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} sessions ({per_sec}, {eta} left)")
            .expect("valid template"),
    );

    let tutor_rows: Vec<tutor::ActiveModel> = tutors
        .iter()
        .map(|t| tutor::ActiveModel {
            id: Set(t.id),
            external_id: Set(t.external_id.clone()),
            name: Set(t.name.clone()),
            email: Set(t.email.clone()),
            active: Set(true),
            created_at: Set(t.created_at),
            updated_at: Set(t.created_at),
        })
        .collect();
    for chunk in tutor_rows.chunks(ROWS_PER_INSERT) {
        Tutor::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await?;
    }

    let mut tally = Tally::default();
    let mut sessions = Vec::with_capacity(ROWS_PER_INSERT);
    let mut reschedules = Vec::new();
    let mut number = 0usize;
    for t in &tutors {
        for s in &t.sessions {
            number += 1;
            tally.add(s);
            let (session, reschedule) = rows(rng, t, s, number, until);
            sessions.push(session);
            reschedules.extend(reschedule);
            if sessions.len() == ROWS_PER_INSERT {
                flush(&txn, &mut sessions, &mut reschedules).await?;
                progress.inc(ROWS_PER_INSERT as u64);
            }
        }
    }
    progress.inc(sessions.len() as u64);
    flush(&txn, &mut sessions, &mut reschedules).await?;
    jobs::enqueue_recompute(&txn, tutors.iter().map(|t| t.id), now).await?;
    txn.commit().await?;
    progress.finish_and_clear();
    if conn.get_database_backend() == DbBackend::Postgres {
        // Fresh statistics so the first queries plan well on a large load.
        conn.execute_unprepared("ANALYZE tutors, sessions, reschedules")
            .await?;
    }

    let mut tutors_by_profile = std::collections::BTreeMap::new();
    for t in &tutors {
        *tutors_by_profile.entry(t.profile).or_default() += 1;
    }
    Ok(DemoSummary {
        tutors: tutors.len(),
        tutors_by_profile,
        profile_of: tutors.iter().map(|t| (t.id, t.profile)).collect(),
        sessions: tally.sessions,
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
    })
}

fn rows(
    rng: &mut ChaCha8Rng,
    t: &DemoTutor,
    s: &synth::SyntheticSession,
    number: usize,
    until: DateTime<Utc>,
) -> (session::ActiveModel, Option<reschedule::ActiveModel>) {
    let id = synth::demo_uuid(rng, s.scheduled_start);
    let recorded_at = s.actual_end.unwrap_or(s.scheduled_start).min(until);
    let session = session::ActiveModel {
        id: Set(id),
        external_id: Set(format!("demo-session-{number:08}")),
        tutor_id: Set(t.id),
        student_ref: Set(s.student_ref.clone()),
        scheduled_start: Set(s.scheduled_start),
        scheduled_minutes: Set(s.scheduled_minutes),
        actual_start: Set(s.actual_start),
        actual_end: Set(s.actual_end),
        status: Set(s.status),
        is_first_session: Set(s.is_first_session),
        rating: Set(s.rating),
        created_at: Set(recorded_at),
        updated_at: Set(recorded_at),
    };
    let reschedule = s.reschedule.as_ref().map(|r| reschedule::ActiveModel {
        id: Set(synth::demo_uuid(rng, r.requested_at)),
        session_id: Set(id),
        tutor_id: Set(t.id),
        initiator: Set(r.initiator),
        reason_code: Set(Some(r.reason_code.to_owned())),
        reason: Set(Some(r.reason.to_owned())),
        original_start: Set(s.scheduled_start),
        new_start: Set(Some(r.new_start)),
        requested_at: Set(r.requested_at),
        notice_hours: Set(r.notice_hours),
        created_at: Set(r.requested_at),
    });
    (session, reschedule)
}

async fn flush<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    sessions: &mut Vec<session::ActiveModel>,
    reschedules: &mut Vec<reschedule::ActiveModel>,
) -> Result<(), DbErr> {
    if !sessions.is_empty() {
        Session::insert_many(std::mem::take(sessions))
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in std::mem::take(reschedules).chunks(ROWS_PER_INSERT) {
        Reschedule::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(())
}
