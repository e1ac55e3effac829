//! Confidence bounds for rates estimated from few sessions (the `wilson` rule) and the
//! rounding every stored percentage goes through.

/// The Wilson score interval's lower bound for `successes` out of `trials`, as a percentage.
///
/// With one reschedule in one session the point rate is 100% but the bound (z = 1.96) is only
/// about 21%; with 30 of 100 it is about 22%. The first rule flagged on the bound: only when
/// the data say, with the chosen confidence, that the true rate is above the line, which
/// protects small samples but misses steady offenders just above the line.
pub fn wilson_lower_bound(successes: u32, trials: u32, z: f64) -> f64 {
    if trials == 0 {
        return 0.0;
    }
    let n = f64::from(trials);
    let p = f64::from(successes.min(trials)) / n;
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n);
    let margin = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    round((100.0 * (centre - margin) / (1.0 + z2 / n)).clamp(0.0, 100.0))
}

/// `part` of `whole` as a percentage (0 when `whole` is 0), rounded like every stored figure.
pub fn percent(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        0.0
    } else {
        round(100.0 * f64::from(part) / f64::from(whole))
    }
}

/// Rounds a percentage to three decimals: far below what anyone reads, and few enough digits
/// that the value survives every database's JSON and float round trip unchanged.
pub fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(wilson_lower_bound(0, 0, 1.96), 0.0);
        assert_eq!(wilson_lower_bound(0, 10, 1.96), 0.0);
        assert!((wilson_lower_bound(1, 1, 1.96) - 20.65).abs() < 0.01);
        assert!((wilson_lower_bound(30, 100, 1.96) - 21.89).abs() < 0.01);
        assert!((wilson_lower_bound(10, 10, 1.96) - 72.25).abs() < 0.01);
    }

    #[test]
    fn the_bound_grows_with_evidence_at_the_same_rate() {
        let small = wilson_lower_bound(2, 10, 1.96);
        let large = wilson_lower_bound(20, 100, 1.96);
        assert!(small < large && large < 20.0);
    }
}
