//! How good probabilities are, on outcomes the model did not see: AUC (ranking), Brier score
//! and log loss (calibrated probabilities), and a 10-bin calibration table.

use serde::{Deserialize, Serialize};

/// The area under the ROC curve: the chance that a random failure got a higher probability
/// than a random success (ties count half). `None` without both kinds of outcome.
pub fn auc(scores: &[(f64, bool)]) -> Option<f64> {
    let mut sorted: Vec<(f64, bool)> = scores.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    let positives = sorted.iter().filter(|(_, y)| *y).count() as f64;
    let negatives = sorted.len() as f64 - positives;
    if positives == 0.0 || negatives == 0.0 {
        return None;
    }
    // Rank-sum (Mann-Whitney U), ties sharing their average rank.
    let (mut rank_sum, mut i) = (0.0, 0);
    while i < sorted.len() {
        let mut j = i;
        while j + 1 < sorted.len() && sorted[j + 1].0 == sorted[i].0 {
            j += 1;
        }
        let average_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += average_rank * sorted[i..=j].iter().filter(|(_, y)| *y).count() as f64;
        i = j + 1;
    }
    Some((rank_sum - positives * (positives + 1.0) / 2.0) / (positives * negatives))
}

/// Mean squared error of the probabilities (0 is perfect).
pub fn brier(scores: &[(f64, bool)]) -> Option<f64> {
    (!scores.is_empty()).then(|| {
        scores
            .iter()
            .map(|(p, y)| (p - f64::from(u8::from(*y))).powi(2))
            .sum::<f64>()
            / scores.len() as f64
    })
}

/// Mean negative log-likelihood (probabilities clamped away from 0 and 1).
pub fn log_loss(scores: &[(f64, bool)]) -> Option<f64> {
    (!scores.is_empty()).then(|| {
        scores
            .iter()
            .map(|(p, y)| {
                let p = p.clamp(1e-6, 1.0 - 1e-6);
                if *y { -p.ln() } else { -(1.0 - p).ln() }
            })
            .sum::<f64>()
            / scores.len() as f64
    })
}

/// One bin of the calibration table: predictions in [from, to), how many, their mean, and
/// how often the event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    pub from: f64,
    pub to: f64,
    pub count: u32,
    pub predicted: f64,
    pub observed: f64,
}

/// Ten bins of width 0.1 (empty bins left out).
pub fn calibration(scores: &[(f64, bool)]) -> Vec<CalibrationBin> {
    (0..10)
        .filter_map(|b| {
            let (from, to) = (f64::from(b) / 10.0, f64::from(b + 1) / 10.0);
            let inside: Vec<&(f64, bool)> = scores
                .iter()
                .filter(|(p, _)| *p >= from && (*p < to || b == 9 && *p <= to))
                .collect();
            (!inside.is_empty()).then(|| {
                let n = inside.len() as f64;
                CalibrationBin {
                    from,
                    to,
                    count: inside.len() as u32,
                    predicted: inside.iter().map(|(p, _)| p).sum::<f64>() / n,
                    observed: inside.iter().filter(|(_, y)| *y).count() as f64 / n,
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Worked by hand: positives at 0.8 and 0.4, negatives at 0.6, 0.2 and 0.4.
    #[test]
    fn the_figures_match_a_tiny_set_worked_by_hand() {
        let s = [(0.8, true), (0.4, true), (0.6, false), (0.2, false), (0.4, false)];
        // Pairs (positive, negative): 0.8 beats all three (3); 0.4 beats 0.2 (1), ties 0.4
        // (0.5), loses to 0.6: 4.5 of 6.
        assert!((auc(&s).unwrap() - 0.75).abs() < 1e-12);
        // (0.04 + 0.36 + 0.36 + 0.04 + 0.16) / 5
        assert!((brier(&s).unwrap() - 0.192).abs() < 1e-12);
        let expected = -(0.8f64.ln() + 0.4f64.ln() + 0.4f64.ln() + 0.8f64.ln() + 0.6f64.ln()) / 5.0;
        assert!((log_loss(&s).unwrap() - expected).abs() < 1e-12);
        let bins = calibration(&s);
        assert_eq!(bins.iter().map(|b| b.count).sum::<u32>(), 5);
        let middle = bins.iter().find(|b| b.from == 0.4).unwrap();
        assert_eq!((middle.count, middle.observed), (2, 0.5));
        assert_eq!(auc(&[(0.5, true)]), None, "needs both outcomes");
    }
}
