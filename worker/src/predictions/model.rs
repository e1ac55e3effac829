//! The model: a logistic regression on standardised features, fitted with linfa, kept as
//! plain data (means, spreads, weights, intercept). Predicting is a pure function; each
//! prediction is explained as the sum of its features' contributions, and the largest three
//! become reasons in words ("tutor rescheduled or missed 9 of their last 30 sessions: +14
//! points").

use linfa::{Dataset, traits::Fit};
use linfa_logistic::LogisticRegression;
use ndarray::{Array1, Array2};
use serde::{Deserialize, Serialize};

use super::features::{COUNT, Features, NAMES, words};

/// A fitted model, as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FittedModel {
    pub names: Vec<String>,
    pub means: Vec<f64>,
    pub spreads: Vec<f64>,
    pub weights: Vec<f64>,
    pub intercept: f64,
    /// The L2 penalty chosen on the validation split.
    pub alpha: f64,
}

/// One reason of a prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub feature: String,
    /// The feature's value in words.
    pub text: String,
    /// How many percentage points this feature moves the probability, from the value of an
    /// average session to this one's, the others as they are.
    pub points: f64,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl FittedModel {
    fn standardised(&self, values: &[f64; COUNT]) -> [f64; COUNT] {
        let mut out = [0.0; COUNT];
        for i in 0..COUNT {
            out[i] = (values[i] - self.means[i]) / self.spreads[i];
        }
        out
    }

    /// Each feature's contribution to the log-odds (they sum, with the intercept, to it).
    pub fn contributions(&self, values: &[f64; COUNT]) -> [f64; COUNT] {
        let x = self.standardised(values);
        let mut out = [0.0; COUNT];
        for i in 0..COUNT {
            out[i] = self.weights[i] * x[i];
        }
        out
    }

    /// The probability of the event.
    pub fn probability(&self, values: &[f64; COUNT]) -> f64 {
        sigmoid(self.intercept + self.contributions(values).iter().sum::<f64>())
    }

    /// The probability and the three largest reasons, in words.
    pub fn explain(&self, features: &Features) -> (f64, Vec<Reason>) {
        let contributions = self.contributions(&features.values);
        let z = self.intercept + contributions.iter().sum::<f64>();
        let p = sigmoid(z);
        let mut reasons: Vec<Reason> = (0..COUNT)
            .map(|i| Reason {
                feature: NAMES[i].into(),
                text: words(i, features),
                points: ((p - sigmoid(z - contributions[i])) * 1000.0).round() / 10.0,
            })
            .collect();
        reasons.sort_by(|a, b| b.points.abs().total_cmp(&a.points.abs()));
        reasons.truncate(3);
        (p, reasons)
    }
}

/// Fits on `rows` (feature values) and `labels` with L2 penalty `alpha`; the standardisation
/// is the training rows' own.
pub fn fit(rows: &[[f64; COUNT]], labels: &[bool], alpha: f64) -> Option<FittedModel> {
    if rows.is_empty() || labels.iter().all(|y| *y) || labels.iter().all(|y| !*y) {
        return None;
    }
    let n = rows.len() as f64;
    let mut means = vec![0.0; COUNT];
    let mut spreads = vec![0.0; COUNT];
    for i in 0..COUNT {
        means[i] = rows.iter().map(|r| r[i]).sum::<f64>() / n;
        let variance = rows.iter().map(|r| (r[i] - means[i]).powi(2)).sum::<f64>() / n;
        // A constant feature carries nothing; dividing by 1 keeps it at 0.
        spreads[i] = if variance > 1e-12 { variance.sqrt() } else { 1.0 };
    }
    let records = Array2::from_shape_fn((rows.len(), COUNT), |(r, i)| (rows[r][i] - means[i]) / spreads[i]);
    let targets = Array1::from_vec(labels.to_vec());
    let fitted = LogisticRegression::default()
        .alpha(alpha)
        .max_iterations(200)
        .fit(&Dataset::new(records, targets))
        .ok()?;
    // linfa's probabilities are of its "positive" class, which depends on the labels' counts:
    // turn the model around when that is `false`, so that ours are of the event.
    let sign = if fitted.labels().pos.class { 1.0 } else { -1.0 };
    Some(FittedModel {
        names: NAMES.iter().map(|n| (*n).to_owned()).collect(),
        means,
        spreads,
        weights: fitted.params().iter().map(|w| sign * w).collect(),
        intercept: sign * fitted.intercept(),
        alpha,
    })
}
