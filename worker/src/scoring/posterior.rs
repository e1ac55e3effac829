//! The beta posterior of a rate: what the counts of one window, added to a prior worth a few
//! sessions at a typical tutor's rate, say about the tutor's true rate.
//!
//! Everything is computed with the regularized incomplete beta function (Lentz's continued
//! fraction, Lanczos log-gamma), accurate to about 1e-10, which is far below any decision it
//! feeds.

/// A beta distribution over a rate in `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beta {
    /// Pseudo-events plus counted events.
    pub alpha: f64,
    /// Pseudo-non-events plus counted non-events.
    pub beta: f64,
}

impl Beta {
    /// The prior worth `sessions` sessions at `mean` (a rate in `0..1`), updated with `count`
    /// events out of `out_of`.
    pub fn posterior(mean: f64, sessions: f64, count: f64, out_of: f64) -> Self {
        let mean = mean.clamp(1e-6, 1.0 - 1e-6);
        let sessions = sessions.max(1e-6);
        Beta {
            alpha: mean * sessions + count,
            beta: (1.0 - mean) * sessions + (out_of - count).max(0.0),
        }
    }

    /// The expected rate.
    pub fn mean(&self) -> f64 {
        self.alpha / (self.alpha + self.beta)
    }

    /// The probability that the rate is above `x`.
    pub fn above(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 1.0;
        }
        if x >= 1.0 {
            return 0.0;
        }
        1.0 - regularized_incomplete_beta(self.alpha, self.beta, x)
    }

    /// The rate the true rate is above with probability `p`.
    pub fn lower_quantile(&self, p: f64) -> f64 {
        // Bisection: `above` falls monotonically in x; 60 halvings reach machine precision.
        let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
        for _ in 0..60 {
            let mid = 0.5 * (lo + hi);
            if self.above(mid) >= p {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }
}

/// `ln Γ(x)` for `x > 0` (Lanczos, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection keeps the series in its accurate range.
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = C[0];
    for (i, c) in C.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// `I_x(a, b)`: the probability that a Beta(a, b) variable is at most `x`.
pub fn regularized_incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    // The continued fraction converges fast on this side of the mean; use symmetry otherwise.
    if x < (a + 1.0) / (a + b + 2.0) {
        (front * continued_fraction(a, b, x) / a).clamp(0.0, 1.0)
    } else {
        (1.0 - front * continued_fraction(b, a, 1.0 - x) / b).clamp(0.0, 1.0)
    }
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-14;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn log_gamma_matches_factorials() {
        let mut factorial = 1.0_f64;
        for n in 1..20 {
            assert!(close(ln_gamma(f64::from(n)), factorial.ln(), 1e-10), "Γ({n})");
            factorial *= f64::from(n);
        }
        assert!(close(ln_gamma(0.5), std::f64::consts::PI.sqrt().ln(), 1e-10));
        assert!(close(ln_gamma(0.1), 2.252_712_651_734_206, 1e-9));
    }

    #[test]
    fn closed_forms_of_the_incomplete_beta() {
        for x in [0.01, 0.1, 0.3, 0.5, 0.77, 0.99] {
            assert!(close(regularized_incomplete_beta(1.0, 1.0, x), x, 1e-12));
            assert!(close(regularized_incomplete_beta(3.0, 1.0, x), x.powi(3), 1e-12));
            assert!(close(
                regularized_incomplete_beta(1.0, 4.0, x),
                1.0 - (1.0 - x).powi(4),
                1e-12
            ));
            // Symmetry: I_x(a, b) = 1 - I_{1-x}(b, a).
            let (a, b) = (2.7, 11.3);
            assert!(close(
                regularized_incomplete_beta(a, b, x),
                1.0 - regularized_incomplete_beta(b, a, 1.0 - x),
                1e-12
            ));
        }
    }

    /// For whole numbers, P(Beta(k, n - k + 1) <= p) is P(Binomial(n, p) >= k).
    #[test]
    fn the_incomplete_beta_is_a_binomial_tail() {
        let binomial_tail = |k: u32, n: u32, p: f64| -> f64 {
            (k..=n)
                .map(|i| {
                    let choose: f64 = (0..i).map(|j| f64::from(n - j) / f64::from(j + 1)).product();
                    choose * p.powi(i as i32) * (1.0 - p).powi((n - i) as i32)
                })
                .sum()
        };
        for (k, n, p) in [
            (3, 10, 0.15),
            (22, 120, 0.15),
            (33, 77, 0.4),
            (1, 5, 0.05),
            (60, 160, 0.3),
        ] {
            let beta = regularized_incomplete_beta(f64::from(k), f64::from(n - k + 1), p);
            assert!(close(beta, binomial_tail(k, n, p), 1e-10), "{k} of {n} at {p}");
        }
    }

    #[test]
    fn the_quantile_inverts_the_tail() {
        let b = Beta::posterior(0.075, 10.0, 22.0, 120.0);
        let q = b.lower_quantile(0.8);
        assert!(close(b.above(q), 0.8, 1e-9));
        assert!(q < b.mean());
        assert!(close(b.mean(), 22.75 / 130.0, 1e-12));
    }
}
