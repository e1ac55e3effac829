//! The figures beyond the grid: poor first sessions on slow booking cadences, the rebooking
//! period, and whether quality score and risk level tell one story.

use entity::RiskLevel;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use worker::scoring::{self, FlagCode, ScoringConfig};

use crate::{
    Cell, RULE_NAMES, Row, Rules, code_name, generate,
    generate::{Cadences, Target, Truth},
    lines, measure, now, parallel, tutor_seed,
};

/// Poor first sessions of tutors whose students all book on one cadence.
#[derive(Debug, Clone, Serialize)]
pub struct CadenceFigure {
    pub cadence_days: i64,
    /// True share of first sessions after which the student is lost, percent.
    pub true_rate: f64,
    pub size: u32,
    /// Observed poor-first-session rate in the 90-day window, percent (first rule, in force).
    pub observed_rate: [f64; 2],
    /// Tutors flagged for poor first sessions, percent (first rule, in force).
    pub flagged: [f64; 2],
}

pub fn first_sessions_by_cadence(rules: &Rules, tutors: u32, seed: u64) -> Vec<CadenceFigure> {
    let threshold = rules.configs[1].poor_first_session_threshold;
    let mut jobs = Vec::new();
    for cadence in [7, 14, 21] {
        for share in [0.0, 0.5] {
            for size in [10, 20, 40, 80] {
                jobs.push((cadence, share, size));
            }
        }
    }
    let cells: Vec<Cell> = parallel(jobs.len(), |i| {
        let (cadence, share, size) = jobs[i];
        let row = Row {
            multiple: share,
            rate: share * threshold,
            critical_level: false,
        };
        measure(
            rules,
            FlagCode::PoorFirstSessions,
            row,
            size,
            tutors,
            Cadences::Every(cadence),
            seed ^ 0xCADE,
        )
    });
    println!(
        "\nPoor first sessions when every student books on one cadence (no student is lost at a true rate of 0%), first rule → in force"
    );
    println!("| cadence | true rate | n first sessions | observed rate, 90 days | flagged |");
    println!("| --- | --- | --- | --- | --- |");
    let figures: Vec<CadenceFigure> = jobs
        .iter()
        .zip(&cells)
        .map(|((cadence, _, size), cell)| CadenceFigure {
            cadence_days: *cadence,
            true_rate: cell.rate,
            size: *size,
            observed_rate: [cell.observed_rate(0), cell.observed_rate(1)],
            flagged: [cell.flagged_share(0), cell.flagged_share(1)],
        })
        .collect();
    for f in &figures {
        println!(
            "| every {} days | {:.0}% | {} | {:.1}% → {:.1}% | {:.1}% → {:.1}% |",
            f.cadence_days,
            f.true_rate,
            f.size,
            f.observed_rate[0],
            f.observed_rate[1],
            f.flagged[0],
            f.flagged[1]
        );
    }
    figures
}

/// One rebooking period, judged with the decision rule in force.
#[derive(Debug, Clone, Serialize)]
pub struct RebookFigure {
    pub rebook_days: i64,
    /// Flagged at <= 0.7x, percent, mixed cadences, every size.
    pub flagged_at_0_7x: f64,
    /// Flagged at >= 1.2x with >= 40 first sessions, percent, mixed cadences.
    pub flagged_at_1_2x_n40: f64,
    /// Observed / true rate at 1.2x, mixed cadences, 40+ first sessions.
    pub observed_over_true_at_1_2x: f64,
    /// Flagged, percent, healthy tutors (0.5x) whose students all book every three weeks.
    pub flagged_healthy_three_weekly: f64,
}

/// (rebooking days, true rate as a share of the threshold, sample size, cadences).
type RebookJob = (i64, f64, u32, Cadences);

pub fn rebook_sweep(config: &ScoringConfig, tutors: u32, seed: u64) -> Vec<RebookFigure> {
    let threshold = config.poor_first_session_threshold;
    let tutors = (tutors / 2).max(50);
    let options = [14, 21, 28, 35, 42];
    let shares = [0.5, 0.7, 1.2, 1.5, 2.0, 3.0];
    let sizes = [5, 10, 20, 40, 80, 160];
    let mut jobs: Vec<RebookJob> = Vec::new();
    for days in options {
        for share in shares {
            for size in sizes {
                jobs.push((days, share, size, Cadences::Mixed));
            }
        }
        for size in [20, 40, 80] {
            jobs.push((days, 0.5, size, Cadences::Every(21)));
        }
    }
    let cells: Vec<Cell> = parallel(jobs.len(), |i| {
        let (days, share, size, cadences) = jobs[i];
        let variant = ScoringConfig {
            rebook_days: days,
            ..config.clone()
        };
        let rules = Rules {
            configs: vec![variant],
        };
        let row = Row {
            multiple: share,
            rate: share * threshold,
            critical_level: false,
        };
        measure(
            &rules,
            FlagCode::PoorFirstSessions,
            row,
            size,
            tutors,
            cadences,
            seed ^ 0x5EEB,
        )
    });
    println!(
        "\nRebooking period (SCORE_REBOOK_DAYS) with the decision rule in force, poor first sessions, {tutors} tutors per cell"
    );
    println!(
        "| rebook days | flagged at <= 0.7x | flagged at >= 1.2x, n >= 40 | observed / true rate at 1.2x, n >= 40 | flagged, healthy, all students every 3 weeks |"
    );
    println!("| --- | --- | --- | --- | --- |");
    let mut figures = Vec::new();
    for days in options {
        let mine: Vec<(&RebookJob, &Cell)> = jobs.iter().zip(&cells).filter(|(j, _)| j.0 == days).collect();
        let share_of = |f: &dyn Fn(&RebookJob) -> bool| {
            let picked: Vec<&Cell> = mine.iter().filter(|(j, _)| f(j)).map(|(_, c)| *c).collect();
            let flagged: u32 = picked.iter().map(|c| c.flagged[0]).sum();
            let all: u32 = picked.iter().map(|c| c.tutors).sum();
            (100.0 * f64::from(flagged) / f64::from(all.max(1)), picked)
        };
        let (low, _) = share_of(&|j| j.3 == Cadences::Mixed && j.1 <= 0.7);
        let (high, _) = share_of(&|j| j.3 == Cadences::Mixed && j.1 >= 1.2 && j.2 >= 40);
        let (_, at_1_2) = share_of(&|j| j.3 == Cadences::Mixed && (j.1 - 1.2).abs() < 1e-9 && j.2 >= 40);
        let observed: f64 = at_1_2.iter().map(|c| c.observed_rate(0)).sum::<f64>() / at_1_2.len() as f64;
        let (healthy, _) = share_of(&|j| j.3 == Cadences::Every(21));
        let figure = RebookFigure {
            rebook_days: days,
            flagged_at_0_7x: low,
            flagged_at_1_2x_n40: high,
            observed_over_true_at_1_2x: observed / (1.2 * threshold),
            flagged_healthy_three_weekly: healthy,
        };
        println!(
            "| {} | {:.2}% | {:.1}% | {:.2} | {:.1}% |",
            figure.rebook_days,
            figure.flagged_at_0_7x,
            figure.flagged_at_1_2x_n40,
            figure.observed_over_true_at_1_2x,
            figure.flagged_healthy_three_weekly
        );
        figures.push(figure);
    }
    figures
}

/// Score and risk under one set of rules, on the mixed population.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementFigure {
    pub rules: String,
    pub warning_penalty: f64,
    pub critical_penalty: f64,
    /// Per level (low, medium, high): tutors, min, median, max score.
    pub levels: Vec<(String, usize, f64, f64, f64)>,
    /// Pairs of tutors with the same sample size where the riskier one scores at least as
    /// high, percent of such pairs: high vs low, high vs medium, medium vs low.
    pub disorder_high_low: f64,
    pub disorder_high_medium: f64,
    pub disorder_medium_low: f64,
    /// The chance that a truly poor tutor (some rate >= 1.2x) scores below a truly good one
    /// (every rate <= 0.8x), same sample size, percent.
    pub ranking: f64,
}

struct Scored {
    size: u32,
    poor: bool,
    good: bool,
    results: Vec<(f64, RiskLevel)>,
}

/// Tutors whose five rates are drawn independently: 75% of rates well below the line
/// (0.1-0.8x), 15% around it (0.8-1.5x), 10% far above (1.5-3x); sample sizes from the grid.
pub fn score_and_risk(rules: &Rules, tutors: u32, seed: u64) -> Vec<AgreementFigure> {
    let new = &rules.configs[1];
    let mut variants: Vec<(String, ScoringConfig)> = vec![
        ("first rule".into(), rules.configs[0].clone()),
        (
            "in force, first weights, no penalties".into(),
            ScoringConfig {
                reschedule_weight: 30.0,
                no_show_weight: 30.0,
                late_start_weight: 10.0,
                early_end_weight: 10.0,
                poor_first_session_weight: 20.0,
                warning_penalty: 0.0,
                critical_penalty: 0.0,
                ..new.clone()
            },
        ),
    ];
    for (w, c) in [(10.0, 20.0), (20.0, 40.0), (25.0, 50.0), (30.0, 60.0)] {
        variants.push((
            format!("in force, penalties {w} / {c}"),
            ScoringConfig {
                warning_penalty: w,
                critical_penalty: c,
                ..new.clone()
            },
        ));
    }
    variants.push(("in force".into(), new.clone()));
    let count = (tutors * 10).max(700) as usize;
    let scored: Vec<Scored> = parallel(count, |i| {
        let mut rng = ChaCha8Rng::seed_from_u64(tutor_seed(seed ^ 0x5C0E, &[i as u64]));
        let size = crate::SIZES[rng.random_range(0..crate::SIZES.len())];
        let mut truth = Truth::at_share(new, 1.0);
        let mut shares = Vec::new();
        for code in FlagCode::ALL {
            let roll: f64 = rng.random();
            let share = if roll < 0.75 {
                rng.random_range(0.1..0.8)
            } else if roll < 0.9 {
                rng.random_range(0.8..1.5)
            } else {
                rng.random_range(1.5..3.0)
            };
            let (threshold, _) = crate::lines(code, new);
            truth = truth.with(code, share * threshold / 100.0);
            shares.push(share);
        }
        let tutor = generate::tutor(
            &mut rng,
            truth,
            Target {
                code: FlagCode::RescheduleRate,
                size,
            },
            Cadences::Mixed,
            now(),
        );
        Scored {
            size,
            poor: shares.iter().any(|s| *s >= 1.2),
            good: shares.iter().all(|s| *s <= 0.8),
            results: variants
                .iter()
                .map(|(_, config)| {
                    let r = scoring::score(&tutor.sessions, now(), &[], config);
                    (r.quality_score, r.risk_level)
                })
                .collect(),
        }
    });
    println!(
        "\nQuality score and risk level on a mixed population of {count} tutors (same sample size compared; disorder = riskier tutor scoring at least as high)"
    );
    println!(
        "| rules | low: n, min / median / max | medium | high | disorder high-low | high-medium | medium-low | poor below good |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut figures = Vec::new();
    for (v, (name, config)) in variants.iter().enumerate() {
        let levels: Vec<(String, usize, f64, f64, f64)> =
            [RiskLevel::Low, RiskLevel::Medium, RiskLevel::High]
                .iter()
                .map(|level| {
                    let mut scores: Vec<f64> = scored
                        .iter()
                        .filter(|s| s.results[v].1 == *level)
                        .map(|s| s.results[v].0)
                        .collect();
                    scores.sort_by(f64::total_cmp);
                    let n = scores.len();
                    let (min, median, max) = if n == 0 {
                        (f64::NAN, f64::NAN, f64::NAN)
                    } else {
                        (scores[0], scores[n / 2], scores[n - 1])
                    };
                    (format!("{level:?}").to_lowercase(), n, min, median, max)
                })
                .collect();
        let disorder = |riskier: RiskLevel, safer: RiskLevel| -> f64 {
            let (mut bad, mut pairs) = (0u64, 0u64);
            for size in crate::SIZES {
                let mut safe: Vec<f64> = scored
                    .iter()
                    .filter(|s| s.size == size && s.results[v].1 == safer)
                    .map(|s| s.results[v].0)
                    .collect();
                safe.sort_by(f64::total_cmp);
                for s in scored
                    .iter()
                    .filter(|s| s.size == size && s.results[v].1 == riskier)
                {
                    let score = s.results[v].0;
                    bad += safe.partition_point(|x| *x <= score) as u64;
                    pairs += safe.len() as u64;
                }
            }
            100.0 * bad as f64 / pairs.max(1) as f64
        };
        let ranking = {
            let (mut wins, mut pairs) = (0.0, 0u64);
            for size in crate::SIZES {
                let mut good: Vec<f64> = scored
                    .iter()
                    .filter(|s| s.size == size && s.good)
                    .map(|s| s.results[v].0)
                    .collect();
                good.sort_by(f64::total_cmp);
                for s in scored.iter().filter(|s| s.size == size && s.poor) {
                    let score = s.results[v].0;
                    let below = good.partition_point(|x| *x <= score);
                    let at_or_below = good.partition_point(|x| *x < score);
                    // Ties count half.
                    wins += (good.len() - below) as f64 + 0.5 * (below - at_or_below) as f64;
                    pairs += good.len() as u64;
                }
            }
            100.0 * wins / pairs.max(1) as f64
        };
        let figure = AgreementFigure {
            rules: name.clone(),
            warning_penalty: config.warning_penalty,
            critical_penalty: config.critical_penalty,
            levels,
            disorder_high_low: disorder(RiskLevel::High, RiskLevel::Low),
            disorder_high_medium: disorder(RiskLevel::High, RiskLevel::Medium),
            disorder_medium_low: disorder(RiskLevel::Medium, RiskLevel::Low),
            ranking,
        };
        let level = |i: usize| {
            let (_, n, min, median, max) = &figure.levels[i];
            format!("{n}: {min:.1} / {median:.1} / {max:.1}")
        };
        println!(
            "| {} | {} | {} | {} | {:.2}% | {:.2}% | {:.2}% | {:.1}% |",
            figure.rules,
            level(0),
            level(1),
            level(2),
            figure.disorder_high_low,
            figure.disorder_high_medium,
            figure.disorder_medium_low,
            figure.ranking
        );
        figures.push(figure);
    }
    figures
}

/// Tutors who got worse: at half the threshold until `recent_days` ago, three times it since.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeFigure {
    pub rule: &'static str,
    pub recent_days: i64,
    /// Sessions the rule counts in the 90-day window.
    pub size: u32,
    /// Flagged, percent, per rule compared (first rule, in force).
    pub flagged: Vec<f64>,
}

pub fn change_detection(rules: &Rules, tutors: u32, seed: u64) -> Vec<ChangeFigure> {
    let new = rules.configs.last().expect("a rule");
    let tutors = (tutors / 2).max(50);
    let mut jobs = Vec::new();
    for code in FlagCode::ALL {
        for recent_days in [7, 30] {
            for size in [40, 80, 160] {
                jobs.push((code, recent_days, size));
            }
        }
    }
    let figures: Vec<ChangeFigure> = parallel(jobs.len(), |i| {
        let (code, recent_days, size) = jobs[i];
        let (threshold, _) = lines(code, new);
        let background = Truth::at_share(new, 1.0 / 3.0);
        let before = background.with(code, 0.5 * threshold / 100.0);
        let after = background.with(code, 3.0 * threshold / 100.0);
        let code_index = FlagCode::ALL.iter().position(|c| *c == code).unwrap() as u64;
        let mut flagged = vec![0u32; rules.configs.len()];
        for t in 0..tutors {
            let mut rng = ChaCha8Rng::seed_from_u64(tutor_seed(
                seed ^ 0xC4A6,
                &[code_index, recent_days as u64, u64::from(size), u64::from(t)],
            ));
            let change = Some((now() - chrono::Duration::days(recent_days), after));
            let tutor = generate::changing_tutor(
                &mut rng,
                before,
                change,
                Target { code, size },
                Cadences::Mixed,
                now(),
            );
            for (r, config) in rules.configs.iter().enumerate() {
                let report = scoring::score(&tutor.sessions, now(), &[], config);
                flagged[r] += u32::from(report.flags.iter().any(|f| f.code == code));
            }
        }
        ChangeFigure {
            rule: code_name(code),
            recent_days,
            size,
            flagged: flagged
                .iter()
                .map(|f| 100.0 * f64::from(*f) / f64::from(tutors))
                .collect(),
        }
    });
    println!(
        "\nTutors who got worse: 0.5x the threshold until 7 or 30 days ago, 3x since; flagged, % of {tutors} tutors, first rule → in force"
    );
    println!("| rule | worse for | n=40 | n=80 | n=160 |");
    println!("| --- | --- | --- | --- | --- |");
    for code in FlagCode::ALL {
        for recent_days in [7, 30] {
            let row: Vec<String> = figures
                .iter()
                .filter(|f| f.rule == code_name(code) && f.recent_days == recent_days)
                .map(|f| format!("{:.1} → {:.1}", f.flagged[0], f.flagged[RULE_NAMES.len() - 1]))
                .collect();
            println!(
                "| {} | {recent_days} days | {} |",
                code_name(code),
                row.join(" | ")
            );
        }
    }
    figures
}
