//! Looking ahead: for each booked session, the probability that the tutor reschedules it or
//! does not show up (and, for a first session, that it is poor), from an explainable model
//! fitted on the database's own history, judged on outcomes it never saw against a simple
//! baseline, and checked against what then happened.
//!
//! - [`features`]: one function builds a session's features as of a time, for fitting and
//!   predicting alike, from what was known then;
//! - [`model`]: the logistic regression as plain data, its probabilities and their reasons;
//! - [`train`]: the chronological split, the penalty choice, the holdout figures, promotion;
//! - [`metrics`]: AUC, Brier score, log loss, calibration;
//! - [`store`]: training from the database, refreshing a tutor's predictions in its
//!   recompute, keeping the outcome beside the prediction;
//! - [`read`]: upcoming sessions with their predictions, the models, the live figures.

pub mod features;
pub mod metrics;
pub mod model;
pub mod read;
pub mod store;
pub mod train;

use chrono::{DateTime, Duration, Utc};
use clap::Args;

/// When predictions are made and models fitted.
#[derive(Debug, Clone, Args)]
pub struct PredictionConfig {
    /// Hours between model fits (the worker also fits sooner when enough new outcomes arrive).
    #[arg(long, env = "MODEL_RETRAIN_HOURS", default_value_t = 24)]
    pub retrain_hours: i64,
    /// New outcomes since the last fit that bring the next one forward.
    #[arg(long, env = "MODEL_RETRAIN_OUTCOMES", default_value_t = 1000)]
    pub retrain_outcomes: u64,
    /// Days of outcomes a model is fitted on.
    #[arg(long, env = "MODEL_TRAINING_DAYS", default_value_t = 180)]
    pub training_days: i64,
    /// Days ahead for which booked sessions get predictions.
    #[arg(long, env = "PREDICTION_HORIZON_DAYS", default_value_t = 14)]
    pub horizon_days: i64,
    /// Probability (percent) of a tutor-caused failure from which a session in the next 48
    /// hours opens an "upcoming session at risk" alert; unset: no such alerts.
    #[arg(long, env = "UPCOMING_RISK_ALERT")]
    pub upcoming_risk_alert: Option<f64>,
}

impl Default for PredictionConfig {
    fn default() -> Self {
        crate::config::defaults()
    }
}

impl PredictionConfig {
    /// The end of the prediction horizon at `now`: bookings up to it are predicted.
    pub fn horizon_end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + Duration::days(self.horizon_days)
    }
}

/// When a session's prediction counts as made: a day before it starts, or when it was booked
/// if that was later (a session booked an hour ahead is predicted an hour ahead). Training
/// examples use the same time, so they see what a live prediction would have seen.
pub fn prediction_time(start: DateTime<Utc>, booked_at: Option<DateTime<Utc>>) -> DateTime<Utc> {
    let day_before = start - Duration::hours(24);
    booked_at.map_or(day_before, |booked| booked.max(day_before).min(start))
}
