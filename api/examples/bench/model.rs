//! Model: the prediction model fitted in this process on the system's database, exactly as the
//! worker fits it (`predictions::store::train`), timed end to end and by stage (reading the
//! history and building every example's features; fitting and judging); then the cost of one
//! prediction (features from the tutor's history, probability, reasons in words) over the
//! booked sessions of up to 500 tutors; and the size of the model.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use chrono::Utc;
use entity::{SessionStatus, prelude::*, session, tutor};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use serde_json::json;
use uuid::Uuid;
use worker::{
    predictions::{
        PredictionConfig,
        features::Target,
        store::{self, StoredModel},
        train,
    },
    scoring::ScoringConfig,
    sessions,
};

use crate::{
    report::{Report, fmt_int},
    stats::{Latencies, Row},
    system::System,
};

/// Peak resident memory of this process so far (`VmHWM`), MB.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<f64>().ok()? / 1024.0)
}

pub async fn run(system: &mut System, report: &mut Report) -> Result<()> {
    let (config, scoring) = (PredictionConfig::default(), ScoringConfig::default());
    let sessions_total = Session::find().count(&system.db).await?;
    let dataset = system.dataset.label();
    let key = system.dataset.key();
    eprintln!("==> model: fit on {} sessions", fmt_int(sessions_total));
    system.settle().await;
    let now = Utc::now();

    // End to end, as the worker's train_model job does it.
    let peak_before = peak_rss_mb();
    let started = Instant::now();
    let stored = store::train(&system.db, &config, &scoring, now).await?;
    let fit_total = started.elapsed();
    let peak_after = peak_rss_mb();

    // The same by stage.
    let started = Instant::now();
    let (failures, firsts) = store::training_examples(&system.db, &config, &scoring, now).await?;
    let reading = started.elapsed();
    let examples = failures.len() + firsts.len();
    let started = Instant::now();
    let failure_eval = train::train(failures);
    let first_eval = train::train(firsts);
    let fitting = started.elapsed();

    let mut row = Row::new(format!("model.fit@{key}"), "model", "fit (end to end)", &dataset);
    row.count = examples as u64;
    row.rate_per_s = Some(examples as f64 / fit_total.as_secs_f64());
    row.note = format!(
        "{:.2} s for {} examples from {} sessions: reading + features {:.2} s, fitting + judging {:.2} s; \
         holdout ({}) AUC {} vs baseline {}, Brier {} vs {}; {}; peak RSS of this process {}",
        fit_total.as_secs_f64(),
        fmt_int(examples as u64),
        fmt_int(sessions_total),
        reading.as_secs_f64(),
        fitting.as_secs_f64(),
        fmt_int(stored.holdout_samples as u64),
        figure(stored.auc),
        figure(stored.baseline_auc),
        figure(stored.brier),
        figure(stored.baseline_brier),
        if stored.promoted {
            "promoted"
        } else {
            "not promoted"
        },
        match (peak_before, peak_after) {
            (Some(b), Some(a)) if a > b => format!("{a:.0} MB (+{:.0} MB while fitting)", a - b),
            (_, Some(a)) => format!("{a:.0} MB"),
            _ => "-".into(),
        },
    );
    row.details = json!({
        "sessions": sessions_total,
        "examples": examples,
        "holdout": stored.holdout_samples,
        "fit_total_s": fit_total.as_secs_f64(),
        "reading_s": reading.as_secs_f64(),
        "fitting_s": fitting.as_secs_f64(),
        "auc": stored.auc,
        "baseline_auc": stored.baseline_auc,
        "brier": stored.brier,
        "baseline_brier": stored.baseline_brier,
        "poor_first_auc": first_eval.model_figures.auc,
        "poor_first_baseline_auc": first_eval.baseline_figures.auc,
        "promoted": stored.promoted,
        "peak_rss_before_mb": peak_before,
        "peak_rss_after_mb": peak_after,
    });
    report.push(row);

    // One prediction, as a recompute makes it, over the booked sessions of up to 500 tutors.
    let model: StoredModel = serde_json::from_value(stored.details.clone())?;
    let Some(failure) = model.failure_model().or(failure_eval.model.as_ref()) else {
        bail!("no model to predict with: {}", stored.reason);
    };
    let tutors: Vec<Uuid> = Tutor::find()
        .select_only()
        .column(tutor::Column::Id)
        .filter(tutor::Column::Active.eq(true))
        .limit(500)
        .into_tuple()
        .all(&system.db)
        .await?;
    let mut samples: Vec<Duration> = Vec::new();
    for tutor_id in tutors {
        let facts = sessions::read::facts(&system.db, tutor_id, now, &scoring).await?;
        let bookings = Session::find()
            .filter(session::Column::TutorId.eq(tutor_id))
            .filter(session::Column::Status.eq(SessionStatus::Scheduled))
            .all(&system.db)
            .await?;
        for b in bookings {
            let target = Target {
                student_ref: b.student_ref,
                scheduled_start: b.scheduled_start,
                scheduled_minutes: b.scheduled_minutes,
                booked_at: b.booked_at,
            };
            // Repeated so each sample is long enough for the clock.
            let started = Instant::now();
            for _ in 0..100 {
                std::hint::black_box(store::predict(failure, &model, &facts, &target, now));
            }
            samples.push(started.elapsed() / 100);
        }
    }
    let mut row = Row::new(
        format!("model.predict@{key}"),
        "model",
        "one prediction",
        &dataset,
    );
    row.count = samples.len() as u64;
    row.latency = Latencies::of(&samples);
    let mean_us = samples.iter().map(Duration::as_secs_f64).sum::<f64>() / samples.len().max(1) as f64 * 1e6;
    let model_bytes = serde_json::to_vec(&stored.details)?.len();
    row.rate_per_s = Some(1e6 / mean_us);
    row.note = format!(
        "mean {mean_us:.1} us per booked session (features from the tutor's 90 days, probability, 3 reasons); \
         model {} parameters, {model_bytes} bytes stored",
        failure.weights.len() * 3 + 1
    );
    row.details = json!({ "mean_us": mean_us, "model_bytes": model_bytes, "predictions": samples.len() });
    report.push(row);
    Ok(())
}

fn figure(v: Option<f64>) -> String {
    v.map_or_else(|| "-".into(), |v| format!("{v:.3}"))
}
