//! Booked sessions and predictions against a real database: a booking counts in no rate and,
//! past its time without an outcome, as "outcome missing"; a model fitted on the demo's
//! history beats the baseline on outcomes it never saw; the booked sessions get predictions
//! with reasons; an outcome recorded later is kept beside its prediction and feeds the live
//! figures; the heads-up alert opens at most once per session.

use chrono::Duration;
use entity::{AlertKind, JobKind, SessionStatus, alert, prediction, prelude::*, session};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use worker::{
    clock::Clock,
    demo::{self, DemoOptions},
    jobs,
    predictions::{self, PredictionConfig},
    scoring::ScoringConfig,
    sessions::SessionDraft,
    tutors::TutorRef,
};

use crate::helpers::{TestWorld, hour_session, now, spawn_worker};

fn booking(world: &TestWorld, tutor: &entity::tutor::Model, hours_ahead: i64) -> SessionDraft {
    let mut draft = hour_session(tutor, "student-b", SessionStatus::Scheduled, 0);
    draft.scheduled_start = world.clock.now() + Duration::hours(hours_ahead);
    draft.actual_start = None;
    draft.actual_end = None;
    draft.rating = None;
    draft
}

#[tokio::test]
async fn a_booking_counts_in_no_rate_and_past_its_grace_shows_as_outcome_missing() {
    let w = spawn_worker(None).await;
    let t = w.tutor("booked", "Booked").await;
    for d in 1..=6 {
        w.record(hour_session(&t, "student-a", SessionStatus::Completed, d))
            .await;
    }
    // Two bookings: one two days ago that never got its outcome, one tomorrow.
    let missed = w.record(booking(&w, &t, -48)).await;
    let upcoming = w.record(booking(&w, &t, 24)).await;
    assert_eq!(
        upcoming.session.booked_at,
        Some(w.clock.now()),
        "booked when first seen"
    );
    w.drain().await;
    let row = TutorScore::find_by_id(t.id).one(w.db()).await.unwrap().unwrap();
    let report: worker::scoring::ScoreReport = row.details.decode().unwrap();
    let week = report.window(7).unwrap();
    assert_eq!(
        (week.sessions, week.outcomes_missing),
        (6, 1),
        "bookings are not sessions with an outcome"
    );
    assert_eq!(week.reschedule_rate, 0.0);
    assert_eq!(
        predictions::read::outcomes_missing(
            w.db(),
            Some(t.id),
            ScoringConfig::default().outcome_grace_hours,
            w.clock.now()
        )
        .await
        .unwrap(),
        1
    );

    // The correction path: the same external id with its outcome.
    let mut outcome = booking(&w, &t, -48);
    outcome.external_id = missed.session.external_id.clone();
    outcome.status = SessionStatus::TutorNoShow;
    let corrected = w.record(outcome).await;
    assert_eq!(corrected.session.id, missed.session.id);
    assert_eq!(corrected.session.status, SessionStatus::TutorNoShow);
    assert_eq!(
        corrected.session.booked_at, missed.session.booked_at,
        "the booking time stays"
    );
    w.drain().await;
    let row = TutorScore::find_by_id(t.id).one(w.db()).await.unwrap().unwrap();
    let report: worker::scoring::ScoreReport = row.details.decode().unwrap();
    let week = report.window(7).unwrap();
    assert_eq!(
        (week.sessions, week.tutor_no_shows, week.outcomes_missing),
        (7, 1, 0)
    );
}

#[tokio::test]
async fn a_model_fitted_on_the_history_predicts_the_bookings_and_its_outcomes_are_kept_beside_it() {
    let w = spawn_worker(None).await;
    let options = DemoOptions {
        tutors: 40,
        sessions: 6_000,
        seed: 11,
        until: Some(now()),
        ..DemoOptions::default()
    };
    let summary = demo::generate(w.db(), &options, now()).await.unwrap();
    assert!(summary.booked_sessions > 300, "{}", summary.booked_sessions);
    w.drain().await;
    let config = PredictionConfig::default();
    // The fit runs from the model's own queue, apart from the scores.
    let at = w.clock.now();
    jobs::ensure_scheduled(w.db(), JobKind::TrainModel, at, at)
        .await
        .unwrap();
    let fit = w.worker.step_of(&[jobs::Queue::Model]).await.unwrap();
    assert_eq!((fit.claimed, fit.tutors_recomputed), (1, 0));
    let model = predictions::store::latest(w.db()).await.unwrap().unwrap();
    assert!(model.holdout_samples > 800, "{model:?}");
    assert!(
        model.promoted,
        "the demo's outcomes depend on the features: {}",
        model.reason
    );
    assert!(model.auc.unwrap() > model.baseline_auc.unwrap());

    // Promoted, it queued a recompute of each tutor with a booking in the horizon: those
    // recomputes predict the bookings.
    w.drain().await;
    let horizon = w.clock.now() + Duration::days(config.horizon_days);
    let booked = Session::find()
        .filter(session::Column::Status.eq(SessionStatus::Scheduled))
        .filter(session::Column::ScheduledStart.lte(horizon))
        .count(w.db())
        .await
        .unwrap();
    let predicted = Prediction::find().all(w.db()).await.unwrap();
    assert_eq!(
        predicted.len() as u64,
        booked,
        "every booking in the horizon is predicted"
    );
    let p = &predicted[0];
    assert!((0.0..1.0).contains(&p.probability));
    let reasons: Vec<predictions::model::Reason> = serde_json::from_value(p.reasons.clone()).unwrap();
    assert_eq!(reasons.len(), 3);
    assert!(reasons.iter().all(|r| !r.text.is_empty()));
    assert!(
        reasons[0].points.abs() >= reasons[2].points.abs(),
        "largest first"
    );

    // The riskiest first in the upcoming list.
    let request = worker::pagination::PageRequest::new(10, None, "upcoming_risk", true).unwrap();
    let filter = predictions::read::UpcomingFilter {
        from: w.clock.now(),
        to: horizon,
        tutor_id: None,
        min_probability: None,
        first_sessions_only: false,
    };
    let (page, total) =
        predictions::read::upcoming(w.db(), &filter, predictions::read::UpcomingSort::Risk, &request)
            .await
            .unwrap();
    assert_eq!(total, booked);
    let risks: Vec<f64> = page
        .rows
        .iter()
        .map(|((_, p), _)| p.as_ref().unwrap().probability)
        .collect();
    assert!(risks.windows(2).all(|w| w[0] >= w[1]), "{risks:?}");

    // Outcomes arrive: each prediction keeps its probability, with the outcome beside it.
    let first_two = Session::find()
        .filter(session::Column::Status.eq(SessionStatus::Scheduled))
        .filter(session::Column::ScheduledStart.lte(horizon))
        .order_by_asc(session::Column::ScheduledStart)
        .all(w.db())
        .await
        .unwrap();
    w.clock.set(first_two[1].scheduled_start + Duration::hours(2));
    for (s, status) in first_two
        .iter()
        .take(2)
        .zip([SessionStatus::TutorNoShow, SessionStatus::Cancelled])
    {
        let before = Prediction::find_by_id(s.id).one(w.db()).await.unwrap().unwrap();
        let draft = SessionDraft {
            external_id: s.external_id.clone(),
            tutor: TutorRef::Id(s.tutor_id),
            student_ref: s.student_ref.clone(),
            scheduled_start: s.scheduled_start,
            scheduled_minutes: s.scheduled_minutes,
            status,
            actual_start: None,
            actual_end: None,
            rating: None,
            reschedule: None,
            booked_at: None,
        };
        w.record(draft).await;
        let after = Prediction::find_by_id(s.id).one(w.db()).await.unwrap().unwrap();
        assert_eq!(
            after.probability, before.probability,
            "the prediction made before stays"
        );
        assert_eq!(after.failed, Some(status == SessionStatus::TutorNoShow));
        assert_eq!(after.outcome_at, Some(w.clock.now()));
    }
    let live = predictions::read::live(w.db(), w.clock.now(), 30).await.unwrap();
    assert_eq!(live.samples, 2);
    let (p_fail, p_ok) = (
        Prediction::find_by_id(first_two[0].id)
            .one(w.db())
            .await
            .unwrap()
            .unwrap()
            .probability,
        Prediction::find_by_id(first_two[1].id)
            .one(w.db())
            .await
            .unwrap()
            .unwrap()
            .probability,
    );
    let expected_brier = ((p_fail - 1.0).powi(2) + p_ok.powi(2)) / 2.0;
    assert!(
        (live.brier.unwrap() - expected_brier).abs() < 1e-12,
        "by hand: {expected_brier}"
    );
    assert_eq!(
        live.auc,
        Some(if p_fail > p_ok {
            1.0
        } else if p_fail < p_ok {
            0.0
        } else {
            0.5
        })
    );
    let untouched = Prediction::find()
        .filter(prediction::Column::Failed.is_null())
        .count(w.db())
        .await
        .unwrap();
    assert_eq!(untouched as usize, predicted.len() - 2);
}

#[tokio::test]
async fn the_heads_up_alert_opens_at_most_once_per_session() {
    let mut w = spawn_worker(None).await;
    w.worker = w.worker.clone().with_predictions(PredictionConfig {
        upcoming_risk_alert: Some(1.0),
        ..PredictionConfig::default()
    });
    let options = DemoOptions {
        tutors: 30,
        sessions: 4_500,
        seed: 5,
        until: Some(now()),
        ..DemoOptions::default()
    };
    demo::generate(w.db(), &options, now()).await.unwrap();
    w.drain().await;
    let model = predictions::store::train(
        w.db(),
        &PredictionConfig::default(),
        &ScoringConfig::default(),
        now(),
    )
    .await
    .unwrap();
    assert!(model.promoted, "{}", model.reason);
    let tutors = worker::tutors::read::active_ids(w.db()).await.unwrap();
    for _ in 0..2 {
        jobs::enqueue_recompute(w.db(), tutors.clone(), w.clock.now())
            .await
            .unwrap();
        w.drain().await;
    }
    let alerts = Alert::find()
        .filter(alert::Column::Kind.eq(AlertKind::UpcomingSession))
        .all(w.db())
        .await
        .unwrap();
    let within_48h = Session::find()
        .filter(session::Column::Status.eq(SessionStatus::Scheduled))
        .filter(session::Column::ScheduledStart.lte(w.clock.now() + Duration::hours(48)))
        .count(w.db())
        .await
        .unwrap();
    assert!(
        !alerts.is_empty() && alerts.len() as u64 <= within_48h,
        "{} of {within_48h}",
        alerts.len()
    );
    let mut sessions: Vec<_> = alerts.iter().map(|a| a.session_id.unwrap()).collect();
    sessions.sort();
    sessions.dedup();
    assert_eq!(
        sessions.len(),
        alerts.len(),
        "one alert per session, after two rounds of recomputes"
    );
    assert!(
        alerts[0].opening_evidence["evidence"]
            .as_str()
            .unwrap()
            .contains("likely")
    );
}

/// A stored model with `model` for both targets and no figures.
fn stored_model(
    model: Option<predictions::model::FittedModel>,
    promoted: bool,
    reason: &str,
) -> predictions::store::StoredModel {
    use predictions::train::{Evaluation, Figures};
    let evaluation = Evaluation {
        model,
        samples: 0,
        holdout_samples: 0,
        model_figures: Figures::default(),
        baseline_figures: Figures::default(),
        calibration: Vec::new(),
        promoted,
        reason: reason.into(),
    };
    predictions::store::StoredModel {
        failure: evaluation.clone(),
        poor_first: evaluation,
    }
}

/// A stored model row of `version` (no fitted coefficients: the cache only carries it).
async fn store_model(db: &sea_orm::DatabaseConnection, version: i64, promoted: bool, reason: &str) {
    use sea_orm::{ActiveModelTrait, Set};
    let details = stored_model(None, promoted, reason);
    entity::prediction_model::ActiveModel {
        version: Set(version),
        trained_at: Set(now()),
        samples: Set(0),
        holdout_samples: Set(0),
        auc: Set(None),
        brier: Set(None),
        log_loss: Set(None),
        baseline_auc: Set(None),
        baseline_brier: Set(None),
        baseline_log_loss: Set(None),
        promoted: Set(promoted),
        reason: Set(reason.into()),
        details: Set(serde_json::to_value(&details).unwrap()),
    }
    .insert(db)
    .await
    .unwrap();
}

#[tokio::test]
async fn the_recomputes_model_is_parsed_once_per_promoted_version() {
    let w = spawn_worker(None).await;
    let cache = predictions::store::PromotedModel::default();
    assert!(cache.get(w.db()).await.unwrap().is_none(), "none fitted yet");

    store_model(w.db(), 1, true, "first").await;
    let (version, first) = cache.get(w.db()).await.unwrap().unwrap();
    assert_eq!((version, first.failure.reason.as_str()), (1, "first"));
    let (_, again) = cache.get(w.db()).await.unwrap().unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again), "kept, not parsed again");

    // A fit that is not promoted changes nothing; the next promoted one replaces it.
    store_model(w.db(), 2, false, "second").await;
    assert_eq!(cache.get(w.db()).await.unwrap().unwrap().0, 1);
    store_model(w.db(), 3, true, "third").await;
    let (version, third) = cache.get(w.db()).await.unwrap().unwrap();
    assert_eq!((version, third.failure.reason.as_str()), (3, "third"));
}

/// A stored model whose failure model is the baseline's `intercept` alone (every prediction
/// of it is the same probability).
fn constant_model(intercept: f64) -> predictions::store::StoredModel {
    use predictions::features::{COUNT, NAMES};
    let model = predictions::model::FittedModel {
        names: NAMES.iter().map(|n| n.to_string()).collect(),
        means: vec![0.0; COUNT],
        spreads: vec![1.0; COUNT],
        weights: vec![0.0; COUNT],
        intercept,
        alpha: 1.0,
    };
    stored_model(Some(model), true, "by hand")
}

#[tokio::test]
async fn a_prediction_of_a_newer_model_is_not_overwritten_by_an_older_one() {
    let w = spawn_worker(None).await;
    let t = w.tutor("two-models", "Two Models").await;
    let booked = w.record(booking(&w, &t, 24)).await.session;
    let refresh = |version: i64, intercept: f64| {
        let booked = booked.clone();
        let db = w.db().clone();
        let now = w.clock.now();
        async move {
            let model = constant_model(intercept);
            predictions::store::refresh_tutor(&db, t.id, &[], vec![booked], (version, &model), now)
                .await
                .unwrap();
        }
    };
    let stored = || async {
        let p = Prediction::find_by_id(booked.id)
            .one(w.db())
            .await
            .unwrap()
            .unwrap();
        (p.model_version, (p.probability * 100.0).round() / 100.0)
    };

    refresh(2, 0.0).await;
    assert_eq!(stored().await, (2, 0.5));
    // A worker that read version 1 before version 2 was promoted commits after.
    refresh(1, 2.0).await;
    assert_eq!(stored().await, (2, 0.5), "the newer model's prediction stays");
    // The same version again, and a newer one, replace it.
    refresh(2, -2.0).await;
    assert_eq!(stored().await, (2, 0.12));
    refresh(3, 2.0).await;
    assert_eq!(stored().await, (3, 0.88));
}
