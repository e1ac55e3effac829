//! What is possible at all, and what the decision parameters trade.
//!
//! - The ceiling: the best share of tutors at >= 1.2x with >= 40 sessions that ANY rule could
//!   flag while keeping tutors at <= 0.7x at the 2% target, computed exactly (binomial) for
//!   the most favourable rule there is: one that sees the true sample size of the 90-day
//!   window and picks the best count to flag at for each size. Two readings of the 2%: per
//!   cell (every size), and pooled over the <= 0.7x cells with nothing flagged under 40
//!   sessions, so that the whole false-flag budget goes where it buys recall.
//! - The trade-off: the acceptance figures of the rules in force at other flag probabilities
//!   (every rule at the same one).

use serde::Serialize;
use worker::scoring::{FlagCode, ScoringConfig};

use crate::{
    Acceptance, Cell, Rules, SIZES, acceptance, code_name, generate::Cadences, lines, measure, parallel, rows,
};

/// P(X >= c) for X ~ Binomial(n, p).
fn tail(n: u32, p: f64, c: u32) -> f64 {
    if c == 0 {
        return 1.0;
    }
    if c > n {
        return 0.0;
    }
    let mut pmf = (1.0 - p).powi(n as i32);
    let mut below = 0.0;
    for k in 0..c {
        below += pmf;
        pmf *= f64::from(n - k) / f64::from(k + 1) * p / (1.0 - p);
    }
    (1.0 - below).max(0.0)
}

/// The best any count rule can do on one flag.
#[derive(Debug, Clone, Serialize)]
pub struct Ceiling {
    pub rule: &'static str,
    /// Flagged at >= 1.2x with >= 40 sessions, pooled, percent, keeping every <= 0.7x cell
    /// at 2% or less.
    pub per_cell: f64,
    /// The same when only the pooled <= 0.7x share must stay at 2% or less.
    pub pooled: f64,
    /// The counts flagged at in the pooled case, for 40, 80 and 160 sessions.
    pub pooled_counts: [u32; 3],
}

pub fn ceilings(config: &ScoringConfig) -> Vec<Ceiling> {
    let big = [40u32, 80, 160];
    FlagCode::ALL
        .iter()
        .map(|code| {
            let (threshold, _) = lines(*code, config);
            let t = threshold / 100.0;
            let positives: Vec<f64> = rows(*code, config)
                .iter()
                .filter(|r| r.multiple >= 1.2 - 1e-9)
                .map(|r| r.rate / 100.0)
                .collect();
            let tp = |n: u32, c: u32| positives.iter().map(|p| tail(n, *p, c)).sum::<f64>();
            let fp = |n: u32, c: u32| tail(n, 0.5 * t, c) + tail(n, 0.7 * t, c);
            let cells = (big.len() * positives.len()) as f64;
            // Per cell: the lowest count that keeps 0.7x at 2% or less.
            let per_cell = big
                .iter()
                .map(|n| {
                    let c = (0..=n + 1)
                        .find(|c| tail(*n, 0.7 * t, *c) <= 0.02)
                        .unwrap_or(n + 1);
                    tp(*n, c)
                })
                .sum::<f64>()
                / cells;
            // Pooled: 14 cells at <= 0.7x (2 rates x 7 sizes) may share 0.28 of false flags.
            let budget = 0.02 * (2 * SIZES.len()) as f64;
            let options = |n: u32| (0..=n + 1).map(|c| (c, fp(n, c), tp(n, c))).collect::<Vec<_>>();
            let (a, b, d) = (options(big[0]), options(big[1]), options(big[2]));
            let mut best = (0.0, [0, 0, 0]);
            for x in &a {
                for y in b.iter().filter(|y| x.1 + y.1 <= budget) {
                    for z in d.iter().filter(|z| x.1 + y.1 + z.1 <= budget) {
                        let gain = x.2 + y.2 + z.2;
                        if gain > best.0 {
                            best = (gain, [x.0, y.0, z.0]);
                        }
                    }
                }
            }
            Ceiling {
                rule: code_name(*code),
                per_cell: 100.0 * per_cell,
                pooled: 100.0 * best.0 / cells,
                pooled_counts: best.1,
            }
        })
        .collect()
}

pub fn print_ceilings(ceilings: &[Ceiling], acceptance: &[Acceptance]) {
    println!(
        "\nThe ceiling: flagged at >= 1.2x with >= 40 sessions by the best possible rule on the 90-day counts, with <= 0.7x kept at 2%"
    );
    println!(
        "| rule | 2% in every cell | 2% pooled, nothing flagged under 40 sessions (counts at 40 / 80 / 160) | new rule |"
    );
    println!("| --- | --- | --- | --- |");
    for c in ceilings {
        let new = acceptance
            .iter()
            .find(|a| a.rule == c.rule && a.compared == "in force")
            .map_or(f64::NAN, |a| a.flagged_at_1_2x_n40);
        println!(
            "| {} | {:.1}% | {:.1}% ({} / {} / {}) | {:.1}% |",
            c.rule, c.per_cell, c.pooled, c.pooled_counts[0], c.pooled_counts[1], c.pooled_counts[2], new
        );
    }
}

/// The acceptance figures of the rules in force with every rule at one flag probability.
#[derive(Debug, Clone, Serialize)]
pub struct TradeOff {
    pub flag_probability: f64,
    pub acceptance: Vec<Acceptance>,
}

pub fn trade_off(config: &ScoringConfig, tutors: u32, seed: u64) -> Vec<TradeOff> {
    let probabilities = [30.0, 40.0, 50.0, 60.0, 75.0];
    let tutors = (tutors / 4).max(50);
    let mut jobs = Vec::new();
    for code in FlagCode::ALL {
        for row in rows(code, config) {
            for size in SIZES {
                jobs.push((code, row, size));
            }
        }
    }
    let rules = Rules {
        configs: probabilities
            .iter()
            .map(|q| ScoringConfig {
                reschedule_flag_probability: *q,
                no_show_flag_probability: *q,
                late_start_flag_probability: *q,
                early_end_flag_probability: *q,
                poor_first_session_flag_probability: *q,
                ..config.clone()
            })
            .collect(),
    };
    let cells: Vec<Cell> = parallel(jobs.len(), |i| {
        let (code, row, size) = jobs[i];
        measure(&rules, code, row, size, tutors, Cadences::Mixed, seed ^ 0x7AD0)
    });
    println!(
        "\nThe trade-off: flagged at >= 1.2x with >= 40 sessions / flagged at <= 0.7x, every rule at one flag probability (SCORE_*_FLAG_PROBABILITY), the other parameters as in force ({tutors} tutors per cell)"
    );
    print!("| flag probability |");
    for code in FlagCode::ALL {
        print!(" {} |", code_name(code));
    }
    println!();
    println!("| --- |{}", " --- |".repeat(FlagCode::ALL.len()));
    let mut out = Vec::new();
    for (r, q) in probabilities.iter().enumerate() {
        let figures: Vec<Acceptance> = FlagCode::ALL
            .iter()
            .map(|code| acceptance(*code, &cells, r, &rules.configs[r], "in force"))
            .collect();
        print!("| {q:.0}% |");
        for a in &figures {
            print!(" {:.1} / {:.2} |", a.flagged_at_1_2x_n40, a.flagged_at_0_7x);
        }
        println!();
        out.push(TradeOff {
            flag_probability: *q,
            acceptance: figures,
        });
    }
    out
}
