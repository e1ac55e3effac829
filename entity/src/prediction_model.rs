//! `prediction_models`: every fitted model with its holdout figures against the baseline,
//! whether it was promoted, and why; the model itself (standardisation and weights) is plain
//! data in `details`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "prediction_models")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version: i64,
    pub trained_at: DateTimeUtc,
    /// Outcomes it was fitted on (the older 80%).
    pub samples: i32,
    /// Outcomes it was judged on (the newest 20%).
    pub holdout_samples: i32,
    pub auc: Option<f64>,
    pub brier: Option<f64>,
    pub log_loss: Option<f64>,
    /// The same figures for the baseline (the tutor's own 30-day failure rate).
    pub baseline_auc: Option<f64>,
    pub baseline_brier: Option<f64>,
    pub baseline_log_loss: Option<f64>,
    /// In use for predictions (the newest promoted model is).
    pub promoted: bool,
    /// Why it was (not) promoted, in words.
    pub reason: String,
    /// The fitted model and its calibration table.
    pub details: Json,
}

impl ActiveModelBehavior for ActiveModel {}
