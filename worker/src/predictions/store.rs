//! Predictions and models in the database: fitting a model on the stored outcomes (and
//! keeping it, promoted or not, with its figures), refreshing a tutor's upcoming predictions
//! in the tutor's recompute, and keeping the outcome beside its prediction when it arrives.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Duration, Utc};
use entity::{SessionStatus, prediction, prediction_model, prelude::*, reschedule, session};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, ExprTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
    sea_query::{Alias, Expr, Func, OnConflict},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    PredictionConfig,
    features::{self, Target, tutor_failed},
    model::{FittedModel, Reason},
    prediction_time,
    train::{self, Evaluation, Example},
};
use crate::{
    scoring::{ScoringConfig, SessionFact},
    sessions,
};

/// What a stored model holds besides its figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredModel {
    /// Tutor-caused failure (reschedule or no-show).
    pub failure: Evaluation,
    /// A first session being poor.
    pub poor_first: Evaluation,
}

impl StoredModel {
    /// The models in use: a promoted one, or none (the baseline then).
    pub fn failure_model(&self) -> Option<&FittedModel> {
        self.failure.model.as_ref().filter(|_| self.failure.promoted)
    }

    pub fn poor_first_model(&self) -> Option<&FittedModel> {
        self.poor_first
            .model
            .as_ref()
            .filter(|_| self.poor_first.promoted)
    }
}

/// The newest promoted model.
pub async fn promoted<C: ConnectionTrait>(db: &C) -> Result<Option<(i64, StoredModel)>, DbErr> {
    let row = PredictionModel::find()
        .filter(prediction_model::Column::Promoted.eq(true))
        .order_by_desc(prediction_model::Column::Version)
        .one(db)
        .await?;
    Ok(row.and_then(|m| {
        serde_json::from_value(m.details)
            .ok()
            .map(|stored| (m.version, stored))
    }))
}

/// The promoted model as recomputes use it, parsed once per version: each recompute asks the
/// database only for the newest promoted version (an index read of a few rows), not for the
/// stored model (a few KB of JSON, read and parsed twice per recompute before).
#[derive(Default)]
pub struct PromotedModel {
    parsed: std::sync::Mutex<Option<Promoted>>,
}

/// A promoted model's version and the model.
pub type Promoted = (i64, Arc<StoredModel>);

impl PromotedModel {
    /// The newest promoted model and its version, if any.
    pub async fn get<C: ConnectionTrait>(&self, db: &C) -> Result<Option<Promoted>, DbErr> {
        let newest: Option<i64> = PredictionModel::find()
            .select_only()
            .column(prediction_model::Column::Version)
            .filter(prediction_model::Column::Promoted.eq(true))
            .order_by_desc(prediction_model::Column::Version)
            .into_tuple()
            .one(db)
            .await?;
        let Some(version) = newest else {
            return Ok(None);
        };
        if let Some((held, model)) = self.parsed.lock().expect("not poisoned").as_ref()
            && *held == version
        {
            return Ok(Some((version, model.clone())));
        }
        let row = PredictionModel::find_by_id(version).one(db).await?;
        let Some(model) = row.and_then(|m| serde_json::from_value::<StoredModel>(m.details).ok()) else {
            return Ok(None);
        };
        let model = Arc::new(model);
        *self.parsed.lock().expect("not poisoned") = Some((version, model.clone()));
        Ok(Some((version, model)))
    }
}

/// A past session: the facts scoring reads, plus what the features need.
struct Past {
    fact: SessionFact,
    booked_at: Option<DateTime<Utc>>,
}

/// Tutors whose history is read (and turned into examples) at once: memory then holds a few
/// hundred tutors' sessions, not the whole table's.
const TUTORS_PER_READ: usize = 500;

/// These tutors' sessions (and reschedules) from `from` on, by tutor, in time order.
async fn history<C: ConnectionTrait>(
    db: &C,
    tutors: &[Uuid],
    from: DateTime<Utc>,
) -> Result<HashMap<Uuid, Vec<Past>>, DbErr> {
    let rows: Vec<(session::Model, Option<reschedule::Model>)> = Session::find()
        .filter(session::Column::TutorId.is_in(tutors.iter().copied()))
        .filter(session::Column::ScheduledStart.gte(from))
        .find_also_related(Reschedule)
        .order_by_asc(session::Column::ScheduledStart)
        .all(db)
        .await?;
    let mut by_tutor: HashMap<Uuid, Vec<Past>> = HashMap::new();
    for (s, r) in rows {
        let (tutor_id, booked_at) = (s.tutor_id, s.booked_at);
        by_tutor.entry(tutor_id).or_default().push(Past {
            fact: sessions::read::fact(s, r),
            booked_at,
        });
    }
    Ok(by_tutor)
}

/// The examples a fit at `now` learns from (tutor-caused failures; poor first sessions): the
/// outcomes of the last `MODEL_TRAINING_DAYS`, each with its features as of its prediction
/// time, from 90 more days of history.
pub async fn training_examples<C: ConnectionTrait>(
    db: &C,
    config: &PredictionConfig,
    scoring: &ScoringConfig,
    now: DateTime<Utc>,
) -> Result<(Vec<Example>, Vec<Example>), DbErr> {
    let from = now - Duration::days(config.training_days);
    let tutors: Vec<Uuid> = Tutor::find()
        .select_only()
        .column(entity::tutor::Column::Id)
        .order_by_asc(entity::tutor::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let (mut failures, mut firsts) = (Vec::new(), Vec::new());
    for chunk in tutors.chunks(TUTORS_PER_READ) {
        // 90 more days of history, for the features of the oldest examples.
        let by_tutor = history(db, chunk, from - Duration::days(90)).await?;
        let (f, p) = examples(&by_tutor, from, now, scoring);
        failures.extend(f);
        firsts.extend(p);
    }
    Ok((failures, firsts))
}

/// The training examples: every session with an outcome that ended before `now`, its
/// features as of its prediction time; and the first sessions whose quality is known.
fn examples(
    by_tutor: &HashMap<Uuid, Vec<Past>>,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    scoring: &ScoringConfig,
) -> (Vec<Example>, Vec<Example>) {
    let (mut failures, mut firsts) = (Vec::new(), Vec::new());
    for pasts in by_tutor.values() {
        let facts: Vec<SessionFact> = pasts.iter().map(|p| p.fact.clone()).collect();
        for (i, past) in pasts.iter().enumerate() {
            let s = &past.fact;
            let ended = s.scheduled_start + Duration::minutes(s.scheduled_minutes.into());
            if s.status == SessionStatus::Scheduled || s.scheduled_start < from || ended > now {
                continue;
            }
            let target = Target {
                student_ref: s.student_ref.clone(),
                scheduled_start: s.scheduled_start,
                scheduled_minutes: s.scheduled_minutes,
                booked_at: past.booked_at,
            };
            let f = features::features(
                &facts,
                &target,
                prediction_time(s.scheduled_start, past.booked_at),
            );
            failures.push(Example {
                values: f.values,
                baseline: f.values[0],
                label: tutor_failed(s.status, s.reschedule.as_ref().map(|r| r.initiator)),
                at: s.scheduled_start,
            });
            if f.values[6] > 0.5
                && let Some(poor) = poor_first(s, &pasts[i + 1..], now, scoring)
            {
                firsts.push(Example {
                    values: f.values,
                    baseline: f.values[0],
                    label: poor,
                    at: s.scheduled_start,
                });
            }
        }
    }
    (failures, firsts)
}

/// The first-session rule of scoring: poor when rated low, missed by the tutor, or not
/// followed by another booking within the rebooking period; `None` while unknown.
fn poor_first(s: &SessionFact, later: &[Past], now: DateTime<Utc>, scoring: &ScoringConfig) -> Option<bool> {
    match s.status {
        SessionStatus::TutorNoShow => return Some(true),
        SessionStatus::Completed => {}
        _ => return None,
    }
    if s.rating.is_some_and(|r| r <= scoring.poor_rating_max) {
        return Some(true);
    }
    let deadline = s.scheduled_start + Duration::days(scoring.rebook_days);
    let again = later
        .iter()
        .any(|p| p.fact.student_ref == s.student_ref && p.fact.scheduled_start <= deadline);
    match (again, deadline <= now) {
        (true, _) => Some(false),
        (false, true) => Some(true),
        (false, false) => None,
    }
}

/// Fits the models on the outcomes of the last `MODEL_TRAINING_DAYS`, stores them with their
/// figures (promoted when they beat the baseline), and returns the stored row.
pub async fn train(
    conn: &DatabaseConnection,
    config: &PredictionConfig,
    scoring: &ScoringConfig,
    now: DateTime<Utc>,
) -> Result<prediction_model::Model, DbErr> {
    let (failure_examples, first_examples) = training_examples(conn, config, scoring, now).await?;
    // Fitting is CPU work: off the async threads.
    let stored = tokio::task::spawn_blocking(move || StoredModel {
        failure: train::train(failure_examples),
        poor_first: train::train(first_examples),
    })
    .await
    .map_err(|e| DbErr::Custom(format!("training panicked: {e}")))?;
    let version: Option<i64> = PredictionModel::find()
        .select_only()
        .column_as(
            Expr::expr(Func::max(Expr::col(prediction_model::Column::Version))),
            "v",
        )
        .into_tuple()
        .one(conn)
        .await?
        .flatten();
    let f = &stored.failure;
    let row = prediction_model::ActiveModel {
        version: Set(version.unwrap_or(0) + 1),
        trained_at: Set(now),
        samples: Set(f.samples as i32),
        holdout_samples: Set(f.holdout_samples as i32),
        auc: Set(f.model_figures.auc),
        brier: Set(f.model_figures.brier),
        log_loss: Set(f.model_figures.log_loss),
        baseline_auc: Set(f.baseline_figures.auc),
        baseline_brier: Set(f.baseline_figures.brier),
        baseline_log_loss: Set(f.baseline_figures.log_loss),
        promoted: Set(f.promoted),
        reason: Set(f.reason.clone()),
        details: Set(serde_json::to_value(&stored).expect("models serialise")),
    }
    .insert(conn)
    .await?;
    if row.promoted {
        tracing::info!(version = row.version, reason = %row.reason, "prediction model promoted");
    } else {
        tracing::warn!(version = row.version, reason = %row.reason, "prediction model not promoted");
    }
    Ok(row)
}

/// Tutors with a booked session in the next `PREDICTION_HORIZON_DAYS`: whose predictions a
/// newly promoted model must refresh.
pub async fn tutors_with_bookings<C: ConnectionTrait>(
    db: &C,
    config: &PredictionConfig,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    Session::find()
        .select_only()
        .column(session::Column::TutorId)
        .distinct()
        .filter(session::Column::Status.eq(SessionStatus::Scheduled))
        .filter(session::Column::ScheduledStart.gt(now))
        .filter(session::Column::ScheduledStart.lte(config.horizon_end(now)))
        .into_tuple()
        .all(db)
        .await
}

/// A prediction made now for one booked session.
#[derive(Debug, Clone, PartialEq)]
pub struct Predicted {
    pub session: session::Model,
    pub probability: f64,
    pub poor_first_probability: Option<f64>,
    pub reasons: Vec<Reason>,
}

/// Whether `session` is a booking the predictions cover at `now`: booked, in the next
/// `PREDICTION_HORIZON_DAYS`.
pub fn in_horizon(session: &session::Model, config: &PredictionConfig, now: DateTime<Utc>) -> bool {
    session.status == SessionStatus::Scheduled
        && session.scheduled_start > now
        && session.scheduled_start <= config.horizon_end(now)
}

/// Predicts the tutor's `bookings` (those [`in_horizon`]) as of `now` with `model`, from the
/// tutor's history `facts`, and stores each prediction (replacing the previous one). Returns
/// them.
pub async fn refresh_tutor<C: ConnectionTrait>(
    db: &C,
    tutor_id: Uuid,
    facts: &[SessionFact],
    bookings: Vec<session::Model>,
    (version, model): (i64, &StoredModel),
    now: DateTime<Utc>,
) -> Result<Vec<Predicted>, DbErr> {
    let Some(failure) = model.failure_model() else {
        return Ok(Vec::new());
    };
    let mut predicted = Vec::with_capacity(bookings.len());
    let mut rows = Vec::with_capacity(bookings.len());
    for booking in bookings {
        let target = Target {
            student_ref: booking.student_ref.clone(),
            scheduled_start: booking.scheduled_start,
            scheduled_minutes: booking.scheduled_minutes,
            booked_at: booking.booked_at,
        };
        let (probability, poor_first_probability, reasons) = predict(failure, model, facts, &target, now);
        rows.push(prediction::ActiveModel {
            session_id: Set(booking.id),
            tutor_id: Set(tutor_id),
            model_version: Set(version),
            probability: Set(probability),
            poor_first_probability: Set(poor_first_probability),
            reasons: Set(serde_json::to_value(&reasons).expect("reasons serialise")),
            predicted_at: Set(now),
            scheduled_start: Set(booking.scheduled_start),
            failed: Set(None),
            outcome_at: Set(None),
        });
        predicted.push(Predicted {
            session: booking,
            probability,
            poor_first_probability,
            reasons,
        });
    }
    // One statement for all of them (a tutor has a handful of bookings in the horizon; the
    // chunks keep SQLite's bound on parameters out of reach). A prediction of a newer model
    // stays: a worker that read the model before a promotion can commit after one that read it
    // after.
    let not_older = Expr::col((Prediction, prediction::Column::ModelVersion)).lte(Expr::col((
        Alias::new("excluded"),
        prediction::Column::ModelVersion,
    )));
    for chunk in rows.chunks(500) {
        Prediction::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::column(prediction::Column::SessionId)
                    .update_columns([
                        prediction::Column::ModelVersion,
                        prediction::Column::Probability,
                        prediction::Column::PoorFirstProbability,
                        prediction::Column::Reasons,
                        prediction::Column::PredictedAt,
                        prediction::Column::ScheduledStart,
                    ])
                    .action_and_where(not_older.clone())
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(predicted)
}

/// One booked session's prediction as of `now` from the tutor's history: the probability of
/// a tutor-caused failure, of a poor first session (first sessions only), and the reasons.
pub fn predict(
    failure: &FittedModel,
    model: &StoredModel,
    facts: &[SessionFact],
    target: &Target,
    now: DateTime<Utc>,
) -> (f64, Option<f64>, Vec<Reason>) {
    let f = features::features(facts, target, now);
    let (probability, reasons) = failure.explain(&f);
    let poor_first = (f.values[6] > 0.5)
        .then(|| model.poor_first_model().map(|m| m.probability(&f.values)))
        .flatten();
    (probability, poor_first, reasons)
}

/// A booked session's outcome arrived: the prediction made before it is kept, with the
/// outcome beside it (once: a later correction leaves the first outcome).
pub async fn outcome_recorded<C: ConnectionTrait>(
    db: &C,
    session: &session::Model,
    reschedule: Option<&crate::sessions::ValidReschedule>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let failed = tutor_failed(session.status, reschedule.map(|r| r.initiator));
    Prediction::update_many()
        .col_expr(prediction::Column::Failed, Expr::value(failed))
        .col_expr(prediction::Column::OutcomeAt, Expr::value(now))
        .filter(prediction::Column::SessionId.eq(session.id))
        .filter(prediction::Column::Failed.is_null())
        .filter(prediction::Column::PredictedAt.lte(session.scheduled_start))
        .exec(db)
        .await?;
    Ok(())
}

/// Outcomes recorded beside predictions since `since` (to fit sooner when many arrive).
pub async fn outcomes_since<C: ConnectionTrait>(db: &C, since: DateTime<Utc>) -> Result<u64, DbErr> {
    use sea_orm::PaginatorTrait;
    Prediction::find()
        .filter(prediction::Column::OutcomeAt.gt(since))
        .count(db)
        .await
}

/// The newest model, promoted or not (when to fit next).
pub async fn latest<C: ConnectionTrait>(db: &C) -> Result<Option<prediction_model::Model>, DbErr> {
    PredictionModel::find()
        .order_by_desc(prediction_model::Column::Version)
        .one(db)
        .await
}
