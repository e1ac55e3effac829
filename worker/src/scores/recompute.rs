//! Recomputing one tutor's score from the database, in one transaction: lock the tutor, read
//! the sessions of the longest window (an indexed range on `(tutor_id, scheduled_start)`, so
//! the cost does not grow with the whole table), score, upsert `tutor_scores`, append a
//! `score_history` point when something changed, and mark the jobs it satisfies done.
//!
//! Locking the tutor row first serialises concurrent recomputes of the same tutor on Postgres
//! (SQLite serialises all writers): whoever commits last read everything committed before it,
//! so the final score always reflects every stored session and the version only grows.

use chrono::{DateTime, Utc};
use entity::{RiskLevel, prelude::*, score_history, session, tutor, tutor_score};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, QuerySelect, Set};
use serde::Deserialize;
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
    scoring::{self, FlagCode, ScoreReport, ScoringConfig, Severity},
    sessions,
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
    /// Sessions whose recording asked for this recompute (each may get a report).
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

/// Recomputes and stores one tutor's score as of `clock`'s now; `satisfies` are the job ids
/// this recompute completes (marked done in the same transaction). `None` when the tutor no
/// longer exists.
pub async fn recompute_tutor(
    conn: &DatabaseConnection,
    tutor_id: Uuid,
    satisfies: &[i64],
    worker: &str,
    clock: &dyn Clock,
    config: &ScoringConfig,
    effects: &Effects<'_>,
) -> Result<Option<Recomputed>, DbErr> {
    let txn = db::begin_write(conn).await?;
    let locked = Tutor::find_by_id(tutor_id).lock_exclusive().one(&txn).await?;
    // Read the clock once the lock is held: recomputes of a tutor are serialised by the lock,
    // so later versions always carry later times.
    let now = clock.now();
    let Some(tutor) = locked else {
        jobs::complete(&txn, satisfies, worker, now).await?;
        txn.commit().await?;
        return Ok(None);
    };
    // One read serves the score and the predictions: the scoring span and the bookings of the
    // prediction horizon.
    let (from, scored_until) = sessions::read::scoring_span(now, config);
    let horizon = effects.predictions.horizon_end(now);
    let rows = sessions::read::of_tutor_between(&txn, tutor_id, from, scored_until.max(horizon)).await?;
    let bookings: Vec<session::Model> = rows
        .iter()
        .filter(|(s, _)| predictions::store::in_horizon(s, effects.predictions, now))
        .map(|(s, _)| s.clone())
        .collect();
    let facts: Vec<_> = rows
        .into_iter()
        .filter(|(s, _)| s.scheduled_start <= scored_until)
        .map(|(s, r)| sessions::read::fact(s, r))
        .collect();
    let previous = TutorScore::find_by_id(tutor_id).one(&txn).await?;
    let previous_risk = previous.as_ref().map(|p| p.risk_level);
    let held = previous.as_ref().map(held_flags).unwrap_or_default();
    let report = scoring::score(&facts, now, &held, config);
    let version = previous.as_ref().map_or(1, |p| p.version + 1);
    let (risk_since, previous_risk_level) = match &previous {
        Some(p) if p.risk_level == report.risk_level => (p.risk_since, p.previous_risk_level),
        Some(p) => (now, Some(p.risk_level)),
        None => (now, None),
    };
    let changed = previous.as_ref().is_none_or(|p| differs(p, &report));
    store_score(
        &txn,
        &tutor,
        &report,
        version,
        (risk_since, previous_risk_level),
        previous.is_some(),
    )
    .await?;
    if changed {
        append_history(&txn, tutor_id, &report, version).await?;
    }
    // A risk change goes on the tutor's timeline (a first score only when not low).
    if previous_risk != Some(report.risk_level)
        && (previous_risk.is_some() || report.risk_level != RiskLevel::Low)
    {
        let word = crate::timeline::risk_word;
        audit::record(
            &txn,
            &Actor::system(),
            Entry {
                action: "tutor.risk_changed",
                subject_type: "tutor",
                subject_id: Some(tutor_id.to_string()),
                tutor_id: Some(tutor_id),
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
        &txn,
        &tutor,
        &report,
        previous.as_ref(),
        effects.alerts,
        effects.mail,
        now,
    )
    .await?;
    if let Some((version, model)) = effects.model {
        let predicted = predictions::store::refresh_tutor(
            &txn,
            tutor_id,
            &facts,
            bookings,
            (*version, model.as_ref()),
            now,
        )
        .await?;
        let threshold = effects.predictions.upcoming_risk_alert;
        alerts.extend(
            alerts::sync::upcoming_sessions(
                &txn,
                &tutor,
                &predicted,
                threshold,
                effects.alerts,
                effects.mail,
                &report,
                now,
            )
            .await?,
        );
    }
    if let Some(mail) = effects.mail {
        let facts = RecomputeFacts {
            tutor: &tutor,
            report: &report,
            previous_risk,
            version,
            sessions: effects.sessions,
        };
        reports::enqueue_after_recompute(&txn, mail, facts, now).await?;
    }
    jobs::complete(&txn, satisfies, worker, now).await?;
    txn.commit().await?;
    Ok(Some(Recomputed {
        tutor_id,
        tutor_name: tutor.name,
        version,
        report,
        previous_risk,
        risk_since,
        previous_risk_level,
        alerts,
    }))
}

/// The flags a stored score holds, with their severity, for the next computation's hysteresis:
/// from the stored report, or, should it not parse, from `flag_codes` (as warnings).
fn held_flags(previous: &tutor_score::Model) -> Vec<(FlagCode, Severity)> {
    match ScoreReport::deserialize(&previous.details) {
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

async fn store_score<C: ConnectionTrait>(
    db: &C,
    tutor: &tutor::Model,
    report: &ScoreReport,
    version: i64,
    (risk_since, previous_risk_level): (DateTime<Utc>, Option<RiskLevel>),
    exists: bool,
) -> Result<(), DbErr> {
    let f = figures(report);
    let row = tutor_score::ActiveModel {
        tutor_id: Set(tutor.id),
        quality_score: Set(report.quality_score),
        risk_level: Set(report.risk_level),
        risk_since: Set(risk_since),
        previous_risk_level: Set(previous_risk_level),
        flag_codes: Set(report.flag_codes()),
        reschedule_rate_7d: Set(f.rate_7d),
        reschedule_rate_30d: Set(f.rate_30d),
        reschedule_rate_90d: Set(f.rate_90d),
        no_show_rate_30d: Set(f.no_show_30d),
        late_start_rate_30d: Set(f.late_start_30d),
        early_end_rate_30d: Set(f.early_end_30d),
        sessions_30d: Set(f.sessions_30d),
        details: Set(serde_json::to_value(report).expect("reports serialise")),
        computed_at: Set(report.computed_at),
        version: Set(version),
    };
    if exists {
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    Ok(())
}

async fn append_history<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    report: &ScoreReport,
    version: i64,
) -> Result<(), DbErr> {
    let f = figures(report);
    ScoreHistory::insert(score_history::ActiveModel {
        tutor_id: Set(tutor_id),
        computed_at: Set(report.computed_at),
        quality_score: Set(report.quality_score),
        risk_level: Set(report.risk_level),
        reschedule_rate_7d: Set(f.rate_7d),
        reschedule_rate_30d: Set(f.rate_30d),
        reschedule_rate_90d: Set(f.rate_90d),
        no_show_rate_30d: Set(f.no_show_30d),
        version: Set(version),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
