//! Fitting and judging a model honestly: outcomes in time order, fitted on the older 80% and
//! judged on the newest 20% it never saw, against a baseline (the tutor's own 30-day failure
//! rate). The L2 penalty is chosen on the newest fifth of the training part. A model that
//! does not beat the baseline on the holdout is not promoted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    features::COUNT,
    metrics::{self, CalibrationBin},
    model::{self, FittedModel},
};

/// One past session: its features as of its prediction time, the baseline's probability,
/// what happened, and when it was (for the split).
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub values: [f64; COUNT],
    pub baseline: f64,
    pub label: bool,
    pub at: DateTime<Utc>,
}

/// Holdout figures of one predictor.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Figures {
    pub auc: Option<f64>,
    pub brier: Option<f64>,
    pub log_loss: Option<f64>,
}

impl Figures {
    fn of(scores: &[(f64, bool)]) -> Self {
        Self {
            auc: metrics::auc(scores),
            brier: metrics::brier(scores),
            log_loss: metrics::log_loss(scores),
        }
    }
}

/// The result of a training run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub model: Option<FittedModel>,
    pub samples: usize,
    pub holdout_samples: usize,
    pub model_figures: Figures,
    pub baseline_figures: Figures,
    pub calibration: Vec<CalibrationBin>,
    pub promoted: bool,
    /// Why (not), in words.
    pub reason: String,
}

/// Penalties tried on the validation split.
pub const ALPHAS: [f64; 5] = [0.01, 0.1, 1.0, 10.0, 100.0];

/// Fewest holdout outcomes a model is judged on.
pub const MIN_HOLDOUT: usize = 100;

/// Most rows the penalty search fits on.
pub const SEARCH_ROWS: usize = 200_000;

/// Every k-th item, so that at most `most` remain, spread evenly over the period.
fn thin<T: Clone>(items: &[T], most: usize) -> Vec<T> {
    let step = items.len().div_ceil(most.max(1)).max(1);
    items.iter().step_by(step).cloned().collect()
}

fn split<T>(items: &[T], share: f64) -> (&[T], &[T]) {
    let cut = ((items.len() as f64) * share).round() as usize;
    items.split_at(cut.min(items.len()))
}

fn rows(examples: &[Example]) -> (Vec<[f64; COUNT]>, Vec<bool>) {
    (
        examples.iter().map(|e| e.values).collect(),
        examples.iter().map(|e| e.label).collect(),
    )
}

/// Fits, chooses the penalty, judges on the newest fifth, decides the promotion.
pub fn train(mut examples: Vec<Example>) -> Evaluation {
    examples.sort_by_key(|e| e.at);
    let (older, holdout) = split(&examples, 0.8);
    let mut evaluation = Evaluation {
        model: None,
        samples: older.len(),
        holdout_samples: holdout.len(),
        model_figures: Figures::default(),
        baseline_figures: Figures::default(),
        calibration: Vec::new(),
        promoted: false,
        reason: String::new(),
    };
    if holdout.len() < MIN_HOLDOUT {
        evaluation.reason = format!(
            "only {} outcomes to judge on (at least {MIN_HOLDOUT} needed): the baseline stays in use",
            holdout.len()
        );
        return evaluation;
    }
    // The penalty, on the newest fifth of the older part; with many outcomes, from an even
    // sample of the rest (the choice among five penalties needs no million rows, and the
    // search is five fits).
    let (fit_part, validation) = split(older, 0.8);
    let (fit_rows, fit_labels) = rows(&thin(fit_part, SEARCH_ROWS));
    let alpha = ALPHAS
        .iter()
        .filter_map(|alpha| {
            let m = model::fit(&fit_rows, &fit_labels, *alpha)?;
            let scores: Vec<(f64, bool)> = validation
                .iter()
                .map(|e| (m.probability(&e.values), e.label))
                .collect();
            Some((*alpha, metrics::log_loss(&scores)?))
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(1.0, |(alpha, _)| alpha);
    let (older_rows, older_labels) = rows(older);
    let Some(fitted) = model::fit(&older_rows, &older_labels, alpha) else {
        evaluation.reason = "the older outcomes hold only one kind of outcome: nothing to fit".into();
        return evaluation;
    };
    let scores: Vec<(f64, bool)> = holdout
        .iter()
        .map(|e| (fitted.probability(&e.values), e.label))
        .collect();
    let baseline: Vec<(f64, bool)> = holdout.iter().map(|e| (e.baseline, e.label)).collect();
    evaluation.model_figures = Figures::of(&scores);
    evaluation.baseline_figures = Figures::of(&baseline);
    evaluation.calibration = metrics::calibration(&scores);
    let (m, b) = (&evaluation.model_figures, &evaluation.baseline_figures);
    let better = match (m.auc, b.auc, m.brier, b.brier) {
        (Some(ma), Some(ba), Some(mb), Some(bb)) => ma > ba && mb < bb,
        _ => false,
    };
    evaluation.promoted = better;
    evaluation.reason = if better {
        format!(
            "beats the baseline on {} unseen outcomes: AUC {:.3} vs {:.3}, Brier {:.4} vs {:.4}",
            holdout.len(),
            m.auc.unwrap_or_default(),
            b.auc.unwrap_or_default(),
            m.brier.unwrap_or_default(),
            b.brier.unwrap_or_default()
        )
    } else {
        format!(
            "does not beat the baseline on {} unseen outcomes (AUC {} vs {}, Brier {} vs {}): not promoted",
            holdout.len(),
            m.auc.map_or("-".into(), |v| format!("{v:.3}")),
            b.auc.map_or("-".into(), |v| format!("{v:.3}")),
            m.brier.map_or("-".into(), |v| format!("{v:.4}")),
            b.brier.map_or("-".into(), |v| format!("{v:.4}")),
        )
    };
    evaluation.model = Some(fitted);
    evaluation
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;

    fn sigmoid(z: f64) -> f64 {
        1.0 / (1.0 + (-z).exp())
    }

    /// Outcomes drawn from known effects: strong positive on feature 0, weaker positive on
    /// feature 7, negative on feature 4, none on the rest.
    fn planted(n: usize, seed: u64) -> Vec<Example> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        (0..n)
            .map(|i| {
                let mut values = [0.0; COUNT];
                for v in &mut values {
                    *v = rng.random_range(-1.0..1.0);
                }
                let z = -1.0 + 2.0 * values[0] + 0.8 * values[7] - 1.2 * values[4];
                Example {
                    values,
                    baseline: sigmoid(-1.0 + 2.0 * values[0]).clamp(0.01, 0.99) * 0.5 + 0.1,
                    label: rng.random_bool(sigmoid(z)),
                    at: start + Duration::minutes(i as i64),
                }
            })
            .collect()
    }

    #[test]
    fn the_penalty_search_sample_spans_the_whole_period() {
        let items: Vec<usize> = (0..1_000).collect();
        let thinned = thin(&items, 300);
        assert!(thinned.len() <= 300 && thinned.len() >= 250, "{}", thinned.len());
        assert_eq!(thinned[0], 0);
        assert!(
            *thinned.last().unwrap() >= 996,
            "the newest part is in the sample"
        );
        assert_eq!(
            thin(&items, 5_000).len(),
            1_000,
            "fewer than the cap: all of them"
        );
    }

    #[test]
    fn the_fitted_contributions_have_the_planted_signs_and_order() {
        let evaluation = train(planted(6000, 1));
        let model = evaluation.model.expect("fitted");
        let w = &model.weights;
        assert!(w[0] > 0.0 && w[7] > 0.0 && w[4] < 0.0, "{w:?}");
        assert!(
            w[0].abs() > w[4].abs() && w[4].abs() > w[7].abs(),
            "effect sizes in order: {w:?}"
        );
        for i in [1, 2, 3, 5, 6, 8, 9] {
            assert!(w[i].abs() < w[7].abs() / 2.0, "feature {i} has no effect: {w:?}");
        }
        assert!(evaluation.promoted, "{}", evaluation.reason);
        assert!(evaluation.model_figures.auc.unwrap() > evaluation.baseline_figures.auc.unwrap());
        assert_eq!((evaluation.samples, evaluation.holdout_samples), (4800, 1200));
    }

    #[test]
    fn a_model_no_better_than_the_baseline_is_not_promoted() {
        // The baseline knows the truth; the features are noise.
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        let examples = (0..3000)
            .map(|i| {
                let p: f64 = rng.random_range(0.02..0.9);
                let mut values = [0.0; COUNT];
                for v in &mut values {
                    *v = rng.random_range(-1.0..1.0);
                }
                Example {
                    values,
                    baseline: p,
                    label: rng.random_bool(p),
                    at: start + Duration::minutes(i),
                }
            })
            .collect();
        let evaluation = train(examples);
        assert!(!evaluation.promoted);
        assert!(
            evaluation.reason.contains("not promoted"),
            "{}",
            evaluation.reason
        );
        assert!(evaluation.baseline_figures.auc.unwrap() > evaluation.model_figures.auc.unwrap());
    }

    #[test]
    fn the_holdout_is_the_newest_fifth_and_too_few_outcomes_promote_nothing() {
        let evaluation = train(planted(300, 3));
        assert!(!evaluation.promoted && evaluation.model.is_none());
        assert!(
            evaluation.reason.contains("only 60 outcomes"),
            "{}",
            evaluation.reason
        );
        // The split is by time, whatever order the examples come in.
        let mut shuffled = planted(1000, 4);
        shuffled.reverse();
        let e = train(shuffled);
        assert_eq!((e.samples, e.holdout_samples), (800, 200));
    }
}
