//! Recomputing tutors' scores from the database, several tutors in one transaction: lock the
//! tutors, read the sessions of the longest window (an indexed range on `(tutor_id,
//! scheduled_start)` per tutor, so the cost does not grow with the whole table), score, upsert
//! `tutor_scores`, append a `score_history` point where something changed, and mark the jobs
//! they satisfy done; each of those is one statement for all the tutors, because every
//! statement has a fixed cost (a round trip, a parse, a plan) that a recompute of one tutor
//! paid about ten times.
//!
//! Locking the tutor rows first serialises concurrent recomputes of the same tutor on Postgres
//! (SQLite serialises all writers): whoever commits last read everything committed before it,
//! so the final score always reflects every stored session and the version only grows.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{RiskLevel, StoredJson, prelude::*, score_history, session, tutor, tutor_score};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, Iterable, QueryFilter, QueryOrder,
    QuerySelect, Set, sea_query::OnConflict,
};
use uuid::Uuid;

use crate::{
    alerts::{self, AlertChange, AlertsConfig},
    audit::{self, Actor, Entry},
    clock::Clock,
    db,
    events::{Event, RiskLevelChanged, ScoreUpdated},
    jobs,
    mail::{
        MailConfig,
        reports::{self, RecomputeFacts},
    },
    predictions::{self, PredictionConfig, store::Promoted},
    scoring::{self, FlagCode, ScoreReport, ScoringConfig, SessionFact, Severity},
    sessions::{self, read::SessionWithReschedule},
};

/// What else a recompute decides in its transaction: the tutor's alerts, the predictions of
/// its booked sessions, and the emails.
pub struct Effects<'a> {
    /// The alert rules.
    pub alerts: &'a AlertsConfig,
    /// When and how far ahead to predict.
    pub predictions: &'a PredictionConfig,
    /// The model the predictions use (`None` before the first promoted fit). The worker reads
    /// it once per step, after claiming: a fit promoted after the claim queues recomputes of
    /// its own, which a later step runs with it.
    pub model: Option<&'a Promoted>,
    /// Email settings, when email is on.
    pub mail: Option<&'a MailConfig>,
}

/// One tutor to recompute.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub tutor_id: Uuid,
    /// The job ids the recompute completes (marked done in its transaction).
    pub satisfies: &'a [i64],
    /// Sessions whose recording asked for the recompute (each may get a report).
    pub sessions: &'a [Uuid],
}

/// The outcome of one recompute.
#[derive(Debug, Clone, PartialEq)]
pub struct Recomputed {
    pub tutor_id: Uuid,
    pub tutor_name: String,
    pub version: i64,
    pub report: ScoreReport,
    /// The risk level before this recompute (`None` the first time).
    pub previous_risk: Option<RiskLevel>,
    /// When the tutor entered the current level, and the level before it.
    pub risk_since: DateTime<Utc>,
    pub previous_risk_level: Option<RiskLevel>,
    /// What happened to the tutor's alerts.
    pub alerts: Vec<AlertChange>,
}

impl Recomputed {
    /// The events to publish once the recompute has committed.
    pub fn events(&self) -> Vec<Event> {
        let mut events = vec![Event::ScoreUpdated(ScoreUpdated {
            tutor_id: self.tutor_id,
            tutor_name: self.tutor_name.clone(),
            version: self.version,
            report: self.report.clone(),
            risk_since: self.risk_since,
            previous_risk_level: self.previous_risk_level,
        })];
        if self.previous_risk != Some(self.report.risk_level) {
            events.push(Event::RiskLevelChanged(RiskLevelChanged {
                tutor_id: self.tutor_id,
                tutor_name: self.tutor_name.clone(),
                version: self.version,
                from: self.previous_risk,
                to: self.report.risk_level,
                flags: self.report.flags.iter().map(|f| f.code).collect(),
                at: self.report.computed_at,
            }));
        }
        events.extend(self.alerts.iter().cloned().map(Event::AlertChanged));
        events
    }
}

/// Recomputes and stores one tutor's score as of `clock`'s now ([`recompute_tutors`] for
/// one). `None` when the tutor no longer exists.
pub async fn recompute_tutor(
    conn: &DatabaseConnection,
    request: Request<'_>,
    worker: &str,
    clock: &dyn Clock,
    config: &ScoringConfig,
    effects: &Effects<'_>,
) -> Result<Option<Recomputed>, DbErr> {
    let recomputed = recompute_tutors(conn, &[request], worker, clock, config, effects).await?;
    Ok(recomputed.into_iter().next())
}

/// Recomputes and stores the scores of several tutors as of `clock`'s now, in one
/// transaction whose reads and writes are one statement each for all of them (only alerts,
/// predictions and reports go tutor by tutor). Returns the tutors recomputed; a tutor that
/// no longer exists is left out, its jobs completed. The requests name distinct tutors.
pub async fn recompute_tutors(
    conn: &DatabaseConnection,
    requests: &[Request<'_>],
    worker: &str,
    clock: &dyn Clock,
    config: &ScoringConfig,
    effects: &Effects<'_>,
) -> Result<Vec<Recomputed>, DbErr> {
    let ids: Vec<Uuid> = requests.iter().map(|r| r.tutor_id).collect();
    debug_assert!(ids.iter().collect::<std::collections::HashSet<_>>().len() == ids.len());
    let txn = db::begin_write(conn).await?;
    // In id order, as ingest locks a batch's tutors: no two transactions wait on each other
    // in a cycle.
    let tutors: HashMap<Uuid, tutor::Model> = Tutor::find()
        .filter(tutor::Column::Id.is_in(ids.iter().copied()))
        .order_by_asc(tutor::Column::Id)
        .lock_exclusive()
        .all(&txn)
        .await?
        .into_iter()
        .map(|t| (t.id, t))
        .collect();
    // Read the clock once the locks are held: recomputes of a tutor are serialised by its
    // lock, so later versions always carry later times.
    let now = clock.now();
    let found: Vec<Uuid> = ids.iter().copied().filter(|id| tutors.contains_key(id)).collect();
    // Each read below is its own statement after the locks, so under READ COMMITTED it sees
    // everything committed before them.
    let mut stored = HashMap::<Uuid, Vec<SessionWithReschedule>>::new();
    let mut previous = HashMap::<Uuid, tutor_score::Model>::new();
    let mut unresolved = HashMap::new();
    let mut recorded = HashMap::<Uuid, SessionWithReschedule>::new();
    // One read serves the score and the predictions: the scoring span and the bookings of
    // the prediction horizon.
    let (from, scored_until) = sessions::read::scoring_span(now, config);
    let horizon = effects.predictions.horizon_end(now);
    if !found.is_empty() {
        for row in sessions::read::of_tutors_between(&txn, &found, from, scored_until.max(horizon)).await? {
            stored.entry(row.0.tutor_id).or_default().push(row);
        }
        previous = TutorScore::find()
            .filter(tutor_score::Column::TutorId.is_in(found.iter().copied()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|p| (p.tutor_id, p))
            .collect();
        unresolved = alerts::sync::unresolved_flags(&txn, &found).await?;
        let asked: Vec<Uuid> = requests.iter().flat_map(|r| r.sessions.iter().copied()).collect();
        if !asked.is_empty() && effects.mail.is_some_and(MailConfig::reports_sessions) {
            recorded = sessions::read::by_ids(&txn, asked)
                .await?
                .into_iter()
                .map(|row| (row.0.id, row))
                .collect();
        }
    }

    let mut scored = Vec::with_capacity(found.len());
    for request in requests {
        let Some(tutor) = tutors.get(&request.tutor_id) else {
            continue;
        };
        let rows = stored.remove(&tutor.id).unwrap_or_default();
        let bookings = rows
            .iter()
            .filter(|(s, _)| predictions::store::in_horizon(s, effects.predictions, now))
            .map(|(s, _)| s.clone())
            .collect();
        let previous = previous.remove(&tutor.id);
        scored.push(Scored::new(
            tutor,
            request.sessions,
            rows,
            bookings,
            previous,
            scored_until,
            now,
            config,
        ));
    }
    store_scores(&txn, &scored).await?;
    append_history(&txn, &scored).await?;

    let mut recomputed = Vec::with_capacity(scored.len());
    for score in scored {
        let alerts = apply_effects(
            &txn,
            &score,
            unresolved.remove(&score.tutor.id).unwrap_or_default(),
            score.sessions.iter().filter_map(|id| recorded.get(id)).collect(),
            effects,
            now,
        )
        .await?;
        recomputed.push(Recomputed {
            tutor_id: score.tutor.id,
            tutor_name: score.tutor.name.clone(),
            version: score.version,
            previous_risk: score.previous.as_ref().map(|p| p.risk_level),
            risk_since: score.risk_since,
            previous_risk_level: score.previous_risk_level,
            report: score.report,
            alerts,
        });
    }
    let satisfied: Vec<i64> = requests
        .iter()
        .flat_map(|r| r.satisfies.iter().copied())
        .collect();
    jobs::complete(&txn, &satisfied, worker, now).await?;
    txn.commit().await?;
    Ok(recomputed)
}

/// One tutor's new score, before it is stored.
struct Scored<'a> {
    tutor: &'a tutor::Model,
    /// Sessions whose recording asked for the recompute.
    sessions: &'a [Uuid],
    report: ScoreReport,
    /// The stored score before this one.
    previous: Option<tutor_score::Model>,
    version: i64,
    /// When the tutor entered the current level, and the level before it.
    risk_since: DateTime<Utc>,
    previous_risk_level: Option<RiskLevel>,
    /// The sessions in the scoring span, for the predictions.
    facts: Vec<SessionFact>,
    /// The tutor's bookings in the prediction horizon.
    bookings: Vec<session::Model>,
    /// Whether anything a history point shows changed.
    changed: bool,
}

impl<'a> Scored<'a> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        tutor: &'a tutor::Model,
        sessions: &'a [Uuid],
        rows: Vec<SessionWithReschedule>,
        bookings: Vec<session::Model>,
        previous: Option<tutor_score::Model>,
        scored_until: DateTime<Utc>,
        now: DateTime<Utc>,
        config: &ScoringConfig,
    ) -> Self {
        let facts: Vec<SessionFact> = rows
            .into_iter()
            .filter(|(s, _)| s.scheduled_start <= scored_until)
            .map(|(s, r)| sessions::read::fact(s, r))
            .collect();
        let held = previous.as_ref().map(held_flags).unwrap_or_default();
        let report = scoring::score(&facts, now, &held, config);
        let version = previous.as_ref().map_or(1, |p| p.version + 1);
        let (risk_since, previous_risk_level) = match &previous {
            Some(p) if p.risk_level == report.risk_level => (p.risk_since, p.previous_risk_level),
            Some(p) => (now, Some(p.risk_level)),
            None => (now, None),
        };
        let changed = previous.as_ref().is_none_or(|p| differs(p, &report));
        Scored {
            tutor,
            sessions,
            report,
            previous,
            version,
            risk_since,
            previous_risk_level,
            facts,
            bookings,
            changed,
        }
    }
}

/// What a new score sets off for its tutor, in the recompute's transaction: the timeline's
/// risk change, the alerts, the predictions of the bookings and the emails. Returns what
/// happened to the alerts.
async fn apply_effects<C: ConnectionTrait>(
    txn: &C,
    score: &Scored<'_>,
    unresolved: Vec<entity::alert::Model>,
    recorded: Vec<&SessionWithReschedule>,
    effects: &Effects<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<AlertChange>, DbErr> {
    let (tutor, report) = (score.tutor, &score.report);
    let previous_risk = score.previous.as_ref().map(|p| p.risk_level);
    // A risk change goes on the tutor's timeline (a first score only when not low).
    if previous_risk != Some(report.risk_level)
        && (previous_risk.is_some() || report.risk_level != RiskLevel::Low)
    {
        let word = crate::timeline::risk_word;
        audit::record(
            txn,
            &Actor::system(),
            Entry {
                action: "tutor.risk_changed",
                subject_type: "tutor",
                subject_id: Some(tutor.id.to_string()),
                tutor_id: Some(tutor.id),
                before: previous_risk.map(|r| serde_json::json!({ "risk_level": word(r) })),
                after: Some(serde_json::json!({
                    "risk_level": word(report.risk_level),
                    "flags": report.flags.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
                })),
                note: None,
            },
            now,
        )
        .await?;
    }
    let mut alerts = alerts::sync::after_recompute(
        txn,
        tutor,
        report,
        score.previous.as_ref(),
        unresolved,
        effects.alerts,
        effects.mail,
        now,
    )
    .await?;
    if let Some((version, model)) = effects.model {
        let predicted = predictions::store::refresh_tutor(
            txn,
            tutor.id,
            &score.facts,
            score.bookings.clone(),
            (*version, model.as_ref()),
            now,
        )
        .await?;
        let threshold = effects.predictions.upcoming_risk_alert;
        alerts.extend(
            alerts::sync::upcoming_sessions(
                txn,
                tutor,
                &predicted,
                threshold,
                effects.alerts,
                effects.mail,
                report,
                now,
            )
            .await?,
        );
    }
    if let Some(mail) = effects.mail {
        let facts = RecomputeFacts {
            tutor,
            report,
            previous_risk,
            version: score.version,
            sessions: recorded,
        };
        reports::enqueue_after_recompute(txn, mail, facts, now).await?;
    }
    Ok(alerts)
}

/// The flags a stored score holds, with their severity, for the next computation's hysteresis:
/// from the stored report, or, should it not parse, from `flag_codes` (as warnings).
fn held_flags(previous: &tutor_score::Model) -> Vec<(FlagCode, Severity)> {
    match previous.details.decode::<ScoreReport>() {
        Ok(report) => report.held_flags(),
        Err(_) => previous
            .flag_codes
            .split(',')
            .filter_map(FlagCode::from_stored)
            .map(|code| (code, Severity::Warning))
            .collect(),
    }
}

/// The figures a row shows, from the 7/30/90-day windows.
struct Figures {
    rate_7d: f64,
    rate_30d: f64,
    rate_90d: f64,
    no_show_30d: f64,
    late_start_30d: f64,
    early_end_30d: f64,
    sessions_30d: i32,
}

fn figures(report: &ScoreReport) -> Figures {
    let w = |days| report.window(days);
    Figures {
        rate_7d: w(7).map_or(0.0, |w| w.reschedule_rate),
        rate_30d: w(30).map_or(0.0, |w| w.reschedule_rate),
        rate_90d: w(90).map_or(0.0, |w| w.reschedule_rate),
        no_show_30d: w(30).map_or(0.0, |w| w.no_show_rate),
        late_start_30d: w(30).map_or(0.0, |w| w.late_start_rate),
        early_end_30d: w(30).map_or(0.0, |w| w.early_end_rate),
        sessions_30d: w(30).map_or(0, |w| w.sessions as i32),
    }
}

fn differs(previous: &tutor_score::Model, report: &ScoreReport) -> bool {
    let f = figures(report);
    previous.quality_score != report.quality_score
        || previous.risk_level != report.risk_level
        || previous.flag_codes != report.flag_codes()
        || previous.reschedule_rate_7d != f.rate_7d
        || previous.reschedule_rate_30d != f.rate_30d
        || previous.reschedule_rate_90d != f.rate_90d
        || previous.no_show_rate_30d != f.no_show_30d
}

/// Upserts the scores in one statement (the tutors are locked: nothing else writes them).
async fn store_scores<C: ConnectionTrait>(db: &C, scored: &[Scored<'_>]) -> Result<(), DbErr> {
    if scored.is_empty() {
        return Ok(());
    }
    let rows = scored.iter().map(|s| {
        let (report, f) = (&s.report, figures(&s.report));
        tutor_score::ActiveModel {
            tutor_id: Set(s.tutor.id),
            quality_score: Set(report.quality_score),
            risk_level: Set(report.risk_level),
            risk_since: Set(s.risk_since),
            previous_risk_level: Set(s.previous_risk_level),
            flag_codes: Set(report.flag_codes()),
            reschedule_rate_7d: Set(f.rate_7d),
            reschedule_rate_30d: Set(f.rate_30d),
            reschedule_rate_90d: Set(f.rate_90d),
            no_show_rate_30d: Set(f.no_show_30d),
            late_start_rate_30d: Set(f.late_start_30d),
            early_end_rate_30d: Set(f.early_end_30d),
            sessions_30d: Set(f.sessions_30d),
            details: Set(StoredJson::encode(report).expect("reports serialise")),
            computed_at: Set(report.computed_at),
            version: Set(s.version),
        }
    });
    let every_column = tutor_score::Column::iter().filter(|c| !matches!(c, tutor_score::Column::TutorId));
    TutorScore::insert_many(rows)
        .on_conflict(
            OnConflict::column(tutor_score::Column::TutorId)
                .update_columns(every_column)
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Appends a `score_history` point for each score that changed, in one statement.
async fn append_history<C: ConnectionTrait>(db: &C, scored: &[Scored<'_>]) -> Result<(), DbErr> {
    let points: Vec<_> = scored
        .iter()
        .filter(|s| s.changed)
        .map(|s| {
            let (report, f) = (&s.report, figures(&s.report));
            score_history::ActiveModel {
                tutor_id: Set(s.tutor.id),
                computed_at: Set(report.computed_at),
                quality_score: Set(report.quality_score),
                risk_level: Set(report.risk_level),
                reschedule_rate_7d: Set(f.rate_7d),
                reschedule_rate_30d: Set(f.rate_30d),
                reschedule_rate_90d: Set(f.rate_90d),
                no_show_rate_30d: Set(f.no_show_30d),
                version: Set(s.version),
                ..Default::default()
            }
        })
        .collect();
    if points.is_empty() {
        return Ok(());
    }
    ScoreHistory::insert_many(points)
        .exec_without_returning(db)
        .await?;
    Ok(())
}
