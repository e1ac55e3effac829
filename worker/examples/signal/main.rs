//! `signal`: the labelled evaluation of the scoring rules. Run it with `make signal`.
//!
//! It generates tutors with known true rates (0.5 to 3 times each rule's threshold, and the
//! critical level) and sample sizes (3 to 160 sessions the rule counts in the 90-day window)
//! on realistic booking cadences (see `generate.rs`), scores every one of them with the real
//! scoring functions at a fixed "now", once with the first rule (`wilson`) and once with the
//! rules in force (defaults, or `SCORE_*` variables and flags), and prints:
//!
//! - per rule, the operating characteristic: the share of tutors flagged, and flagged
//!   critical, in every cell of true rate x sample size;
//! - per rule, the acceptance figures: flagged at >= 1.2x with >= 40 sessions, flagged at
//!   <= 0.7x, flagged under `SCORE_MIN_SESSIONS`, critical at >= the critical level with >= 40
//!   sessions, and precision and recall of "true rate >= 1.2x" against "<= 0.8x";
//! - poor first sessions for students on two- and three-week cadences, and the rebooking
//!   period against its alternatives;
//! - how quality score and risk level agree, on a mixed population, for several flag penalties;
//! - the three cases of the calibration issue.
//!
//! It writes the charts `docs/signal-flagged.svg` and `docs/signal-critical.svg` and the
//! figures as `docs/signal.json`. Seeded and deterministic: the same arguments print the same
//! figures on every machine.

mod cases;
mod chart;
mod generate;
mod limits;
mod population;

use std::{collections::BTreeMap, path::PathBuf};

use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use worker::scoring::{self, DecisionRule, FlagCode, ScoringConfig, Severity, WindowMetrics};

use crate::generate::{Cadences, Target, Truth};

/// Labelled evaluation of the scoring rules: operating characteristic, precision and recall.
#[derive(Parser)]
struct Cli {
    /// Tutors generated per cell (true rate x sample size x rule).
    #[arg(long, default_value_t = 1000)]
    tutors: u32,
    /// Seed of the generator.
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Where the charts and `signal.json` go.
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs"))]
    out: PathBuf,
    /// Skip the charts and the JSON file.
    #[arg(long)]
    no_files: bool,
    /// Only the grid and its acceptance figures (for a quick look while tuning).
    #[arg(long)]
    grid_only: bool,
    /// Exit with an error when the rules in force miss a target (for CI).
    #[arg(long)]
    check: bool,
    /// The rules to evaluate next to the first one (defaults, or `SCORE_*`).
    #[command(flatten)]
    scoring: ScoringConfig,
}

/// True rates, as multiples of the threshold.
pub const MULTIPLES: [f64; 9] = [0.5, 0.7, 0.9, 1.0, 1.1, 1.2, 1.5, 2.0, 3.0];
/// Sessions the rule counts in the 90-day window.
pub const SIZES: [u32; 7] = [3, 5, 10, 20, 40, 80, 160];

/// The fixed "now" every tutor is scored at.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

/// The first rule, as it was before the calibration: Wilson bound at 95%, severity on the
/// bound, a 14-day rebooking period, rate-only quality score.
pub fn first_rule() -> ScoringConfig {
    ScoringConfig {
        decision: DecisionRule::Wilson,
        rebook_days: 14,
        reschedule_weight: 30.0,
        no_show_weight: 30.0,
        late_start_weight: 10.0,
        early_end_weight: 10.0,
        poor_first_session_weight: 20.0,
        warning_penalty: 0.0,
        critical_penalty: 0.0,
        ..ScoringConfig::default()
    }
}

/// The rules compared: in the main figures index 0 is the first rule, 1 the rules in force.
pub struct Rules {
    pub configs: Vec<ScoringConfig>,
}

pub const RULE_NAMES: [&str; 2] = ["first rule", "in force"];

/// One row of a rule's grid: a true rate.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Row {
    /// True rate as a multiple of the threshold.
    pub multiple: f64,
    /// The true rate, percent.
    pub rate: f64,
    /// Whether this row is the critical level (added when it is not a grid multiple).
    pub critical_level: bool,
}

/// What one cell measured.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub rule: &'static str,
    pub multiple: f64,
    pub rate: f64,
    pub critical_level: bool,
    pub size: u32,
    pub tutors: u32,
    /// Per rule compared (first rule, in force).
    pub flagged: Vec<u32>,
    pub critical: Vec<u32>,
    /// Flags raised in a window with fewer than `min_sessions` sessions, or on fewer than
    /// `min_sessions` sessions of the rule's kind (must be 0).
    pub under_min_sessions: Vec<u32>,
    /// Flags by the window that raised them (7, 30, 90 days).
    pub flag_windows: Vec<[u32; 3]>,
    /// Mean denominator of the rule in the 90-day window (first sessions: with a known outcome).
    pub mean_out_of: Vec<f64>,
    /// Events and denominators summed over the cell's tutors, 90-day window: the pooled
    /// observed rate.
    pub events_90d: Vec<u64>,
    pub out_of_90d: Vec<u64>,
}

impl Cell {
    pub fn flagged_share(&self, r: usize) -> f64 {
        100.0 * f64::from(self.flagged[r]) / f64::from(self.tutors)
    }
    pub fn critical_share(&self, r: usize) -> f64 {
        100.0 * f64::from(self.critical[r]) / f64::from(self.tutors)
    }
    /// The pooled observed rate in the 90-day window, percent.
    pub fn observed_rate(&self, r: usize) -> f64 {
        100.0 * self.events_90d[r] as f64 / self.out_of_90d[r].max(1) as f64
    }
}

pub fn code_name(code: FlagCode) -> &'static str {
    code.as_str()
}

/// The (threshold, critical level) of a rule, percent.
pub fn lines(code: FlagCode, c: &ScoringConfig) -> (f64, f64) {
    match code {
        FlagCode::RescheduleRate => (c.reschedule_threshold, c.reschedule_critical),
        FlagCode::NoShowRate => (c.no_show_threshold, c.no_show_critical),
        FlagCode::LateStartRate => (c.late_start_threshold, c.late_start_critical),
        FlagCode::EarlyEndRate => (c.early_end_threshold, c.early_end_critical),
        FlagCode::PoorFirstSessions => (c.poor_first_session_threshold, c.poor_first_session_critical),
    }
}

pub fn rows(code: FlagCode, c: &ScoringConfig) -> Vec<Row> {
    let (threshold, critical) = lines(code, c);
    let mut rows: Vec<Row> = MULTIPLES
        .iter()
        .map(|m| Row {
            multiple: *m,
            rate: m * threshold,
            critical_level: false,
        })
        .collect();
    let critical_multiple = critical / threshold;
    if !MULTIPLES.iter().any(|m| (m - critical_multiple).abs() < 1e-9) {
        rows.push(Row {
            multiple: critical_multiple,
            rate: critical,
            critical_level: true,
        });
        rows.sort_by(|a, b| a.multiple.total_cmp(&b.multiple));
    }
    rows
}

/// The flag probability of a rule, percent.
pub fn flag_probability(code: FlagCode, c: &ScoringConfig) -> f64 {
    match code {
        FlagCode::RescheduleRate => c.reschedule_flag_probability,
        FlagCode::NoShowRate => c.no_show_flag_probability,
        FlagCode::LateStartRate => c.late_start_flag_probability,
        FlagCode::EarlyEndRate => c.early_end_flag_probability,
        FlagCode::PoorFirstSessions => c.poor_first_session_flag_probability,
    }
}

/// The denominator of rule `code` in a window.
pub fn out_of(code: FlagCode, w: &WindowMetrics) -> u32 {
    match code {
        FlagCode::RescheduleRate => w.sessions,
        FlagCode::NoShowRate => w.due_sessions,
        FlagCode::LateStartRate | FlagCode::EarlyEndRate => w.completed_sessions,
        FlagCode::PoorFirstSessions => w.first_sessions,
    }
}

/// The events rule `code` counts in a window.
pub fn events(code: FlagCode, w: &WindowMetrics) -> u32 {
    match code {
        FlagCode::RescheduleRate => w.tutor_reschedules,
        FlagCode::NoShowRate => w.tutor_no_shows,
        FlagCode::LateStartRate => w.late_starts,
        FlagCode::EarlyEndRate => w.early_ends,
        FlagCode::PoorFirstSessions => w.poor_first_sessions,
    }
}

/// A seed for one tutor of one cell, independent of the evaluation order.
pub fn tutor_seed(seed: u64, parts: &[u64]) -> u64 {
    // SplitMix64 over the parts: well spread, stable across platforms and versions.
    let mut x = seed;
    for p in parts {
        x = x.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_add(*p);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
    }
    x
}

/// Measures one cell: `tutors` generated tutors, each scored by both rules.
pub fn measure(
    rules: &Rules,
    code: FlagCode,
    row: Row,
    size: u32,
    tutors: u32,
    cadences: Cadences,
    seed: u64,
) -> Cell {
    let background = Truth::at_share(rules.configs.last().expect("a rule"), 1.0 / 3.0);
    let k = rules.configs.len();
    let truth = background.with(code, row.rate / 100.0);
    let mut cell = Cell {
        rule: code_name(code),
        multiple: row.multiple,
        rate: row.rate,
        critical_level: row.critical_level,
        size,
        tutors,
        flagged: vec![0; k],
        critical: vec![0; k],
        under_min_sessions: vec![0; k],
        flag_windows: vec![[0; 3]; k],
        mean_out_of: vec![0.0; k],
        events_90d: vec![0; k],
        out_of_90d: vec![0; k],
    };
    let code_index = FlagCode::ALL.iter().position(|c| *c == code).unwrap() as u64;
    for i in 0..tutors {
        let mut rng = ChaCha8Rng::seed_from_u64(tutor_seed(
            seed,
            &[
                code_index,
                (row.multiple * 1000.0) as u64,
                u64::from(size),
                u64::from(i),
            ],
        ));
        let tutor = generate::tutor(&mut rng, truth, Target { code, size }, cadences, now());
        for (r, config) in rules.configs.iter().enumerate() {
            let report = scoring::score(&tutor.sessions, now(), &[], config);
            if let Some(flag) = report.flags.iter().find(|f| f.code == code) {
                cell.flagged[r] += 1;
                cell.critical[r] += u32::from(flag.severity == Severity::Critical);
                let window = report.window(flag.window_days).expect("flagged window");
                cell.under_min_sessions[r] +=
                    u32::from(window.sessions < config.min_sessions || flag.out_of < config.min_sessions);
                let slot = scoring::WINDOWS
                    .iter()
                    .position(|d| *d == flag.window_days)
                    .expect("a window");
                cell.flag_windows[r][slot] += 1;
            }
            let w90 = report.window(90).expect("90-day window");
            cell.mean_out_of[r] += f64::from(out_of(code, w90)) / f64::from(tutors);
            cell.events_90d[r] += u64::from(events(code, w90));
            cell.out_of_90d[r] += u64::from(out_of(code, w90));
        }
    }
    cell
}

/// Runs `jobs` on every core, keeping their order.
pub fn parallel<T: Send, F: Fn(usize) -> T + Sync>(count: usize, f: F) -> Vec<T> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(count.max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= count {
                            break mine;
                        }
                        mine.push((i, f(i)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker thread"))
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, t)| t).collect()
}

/// The acceptance figures of one rule under one of the compared rules.
#[derive(Debug, Clone, Serialize)]
pub struct Acceptance {
    pub rule: &'static str,
    pub compared: &'static str,
    /// Flagged, percent, pooled over true rate >= 1.2x and >= 40 sessions; and the worst cell.
    pub flagged_at_1_2x_n40: f64,
    pub flagged_at_1_2x_n40_worst: f64,
    /// Flagged, percent, pooled over true rate <= 0.7x (every size); and the worst cell.
    pub flagged_at_0_7x: f64,
    pub flagged_at_0_7x_worst: f64,
    /// Flags raised in a window under the minimum (must be 0), and flags of tutors whose
    /// rule saw fewer than `min_sessions` sessions.
    pub flagged_under_min_sessions: u32,
    /// Critical, percent, pooled over true rate >= the critical level and >= 40 sessions;
    /// and the worst cell.
    pub critical_at_critical_n40: f64,
    pub critical_at_critical_n40_worst: f64,
    /// Critical, percent, pooled over true rate <= 1.2x (every size): the cost of the above.
    pub critical_at_1_2x: f64,
    /// "True rate >= 1.2x" against "<= 0.8x", every size.
    pub precision: f64,
    pub recall: f64,
    /// The same with >= 40 sessions.
    pub precision_n40: f64,
    pub recall_n40: f64,
}

fn pooled(cells: &[&Cell], f: impl Fn(&Cell) -> u32) -> (f64, f64, f64) {
    let tutors: u32 = cells.iter().map(|c| c.tutors).sum();
    let hits: u32 = cells.iter().map(|c| f(c)).sum();
    let shares = cells
        .iter()
        .map(|c| 100.0 * f64::from(f(c)) / f64::from(c.tutors));
    let min = shares.clone().fold(f64::INFINITY, f64::min);
    let max = shares.fold(f64::NEG_INFINITY, f64::max);
    (100.0 * f64::from(hits) / f64::from(tutors.max(1)), min, max)
}

pub fn acceptance(
    code: FlagCode,
    cells: &[Cell],
    r: usize,
    config: &ScoringConfig,
    name: &'static str,
) -> Acceptance {
    let (_, critical) = lines(code, config);
    let mine: Vec<&Cell> = cells.iter().filter(|c| c.rule == code_name(code)).collect();
    let pick = |f: &dyn Fn(&Cell) -> bool| mine.iter().copied().filter(|c| f(c)).collect::<Vec<_>>();
    let high_n40 = pick(&|c| c.multiple >= 1.2 - 1e-9 && c.size >= 40);
    let low = pick(&|c| c.multiple <= 0.7 + 1e-9);
    let crit_n40 = pick(&|c| c.rate >= critical - 1e-9 && c.size >= 40);
    let (flag_high, flag_high_worst, _) = pooled(&high_n40, |c| c.flagged[r]);
    let (flag_low, _, flag_low_worst) = pooled(&low, |c| c.flagged[r]);
    let (crit, crit_worst, _) = pooled(&crit_n40, |c| c.critical[r]);
    let (false_critical, _, _) = pooled(&pick(&|c| c.multiple <= 1.2 + 1e-9), |c| c.critical[r]);
    let pr = |min_size: u32| {
        let positives = pick(&|c| c.multiple >= 1.2 - 1e-9 && c.size >= min_size && !c.critical_level);
        let negatives = pick(&|c| c.multiple <= 0.8 + 1e-9 && c.size >= min_size);
        let tp: u32 = positives.iter().map(|c| c.flagged[r]).sum();
        let all_p: u32 = positives.iter().map(|c| c.tutors).sum();
        let fp: u32 = negatives.iter().map(|c| c.flagged[r]).sum();
        let precision = 100.0 * f64::from(tp) / f64::from((tp + fp).max(1));
        let recall = 100.0 * f64::from(tp) / f64::from(all_p.max(1));
        (precision, recall)
    };
    let (precision, recall) = pr(0);
    let (precision_n40, recall_n40) = pr(40);
    Acceptance {
        rule: code_name(code),
        compared: name,
        flagged_at_1_2x_n40: flag_high,
        flagged_at_1_2x_n40_worst: flag_high_worst,
        flagged_at_0_7x: flag_low,
        flagged_at_0_7x_worst: flag_low_worst,
        flagged_under_min_sessions: mine.iter().map(|c| c.under_min_sessions[r]).sum::<u32>(),
        critical_at_critical_n40: crit,
        critical_at_critical_n40_worst: crit_worst,
        critical_at_1_2x: false_critical,
        precision,
        recall,
        precision_n40,
        recall_n40,
    }
}

fn print_grid(
    code: FlagCode,
    cells: &[Cell],
    config: &ScoringConfig,
    what: &str,
    f: impl Fn(&Cell, usize) -> f64,
) {
    let (threshold, critical) = lines(code, config);
    println!(
        "\n{} — {what}, % of tutors, first rule → in force (threshold {threshold}%, critical {critical}%)",
        code_name(code)
    );
    print!("| true rate |");
    for size in SIZES {
        print!(" n={size} |");
    }
    println!();
    print!("| --- |");
    for _ in SIZES {
        print!(" --- |");
    }
    println!();
    for row in rows(code, config) {
        let label = if row.critical_level {
            format!("{:.1}% (critical)", row.rate)
        } else {
            format!("{:.1}% ({}x)", row.rate, row.multiple)
        };
        print!("| {label} |");
        for size in SIZES {
            let cell = cells
                .iter()
                .find(|c| c.rule == code_name(code) && c.multiple == row.multiple && c.size == size)
                .expect("cell measured");
            print!(" {:.1} → {:.1} |", f(cell, 0), f(cell, 1));
        }
        println!();
    }
}

fn print_acceptance(all: &[Acceptance]) {
    println!("\nAcceptance (pooled over the cells named; worst cell in brackets), first rule → in force");
    println!(
        "| rule | flagged at >= 1.2x, n >= 40 (target >= 90) | flagged at <= 0.7x (target <= 2) | flagged under min sessions (target 0) | critical at >= critical, n >= 40 (target >= 90) | critical at <= 1.2x | precision / recall, all n | precision / recall, n >= 40 |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    for code in FlagCode::ALL {
        let a: Vec<&Acceptance> = all.iter().filter(|a| a.rule == code_name(code)).collect();
        let (c, n) = (a[0], a[1]);
        println!(
            "| {} | {:.1} [{:.1}] → {:.1} [{:.1}] | {:.2} [{:.1}] → {:.2} [{:.1}] | {} → {} | {:.1} [{:.1}] → {:.1} [{:.1}] | {:.2} → {:.2} | {:.1} / {:.1} → {:.1} / {:.1} | {:.1} / {:.1} → {:.1} / {:.1} |",
            code_name(code),
            c.flagged_at_1_2x_n40,
            c.flagged_at_1_2x_n40_worst,
            n.flagged_at_1_2x_n40,
            n.flagged_at_1_2x_n40_worst,
            c.flagged_at_0_7x,
            c.flagged_at_0_7x_worst,
            n.flagged_at_0_7x,
            n.flagged_at_0_7x_worst,
            c.flagged_under_min_sessions,
            n.flagged_under_min_sessions,
            c.critical_at_critical_n40,
            c.critical_at_critical_n40_worst,
            n.critical_at_critical_n40,
            n.critical_at_critical_n40_worst,
            c.critical_at_1_2x,
            n.critical_at_1_2x,
            c.precision,
            c.recall,
            n.precision,
            n.recall,
            c.precision_n40,
            c.recall_n40,
            n.precision_n40,
            n.recall_n40,
        );
    }
}

/// Whether the figures of the rules in force meet the targets, rule by rule.
fn verdict(all: &[Acceptance]) -> bool {
    let mut ok = true;
    println!("\nTargets of the rules in force (pooled figures):");
    for a in all.iter().filter(|a| a.compared == RULE_NAMES[1]) {
        let checks = [
            (
                "flagged >= 90% at >= 1.2x, n >= 40",
                a.flagged_at_1_2x_n40 >= 90.0,
            ),
            ("flagged <= 2% at <= 0.7x", a.flagged_at_0_7x <= 2.0),
            (
                "never flagged under min sessions",
                a.flagged_under_min_sessions == 0,
            ),
            (
                "critical >= 90% at >= critical, n >= 40",
                a.critical_at_critical_n40 >= 90.0,
            ),
        ];
        let failed: Vec<&str> = checks
            .iter()
            .filter(|(_, pass)| !pass)
            .map(|(name, _)| *name)
            .collect();
        if failed.is_empty() {
            println!("- {}: all met", a.rule);
        } else {
            ok = false;
            println!("- {}: NOT met: {}", a.rule, failed.join("; "));
        }
    }
    ok
}

#[derive(Serialize)]
struct Figures<'a> {
    command: String,
    tutors_per_cell: u32,
    seed: u64,
    rules: &'a [ScoringConfig],
    cells: &'a [Cell],
    acceptance: &'a [Acceptance],
    first_sessions: &'a [population::CadenceFigure],
    rebook_sweep: &'a [population::RebookFigure],
    score_and_risk: &'a [population::AgreementFigure],
    ceilings: &'a [limits::Ceiling],
    trade_off: &'a [limits::TradeOff],
    change: &'a [population::ChangeFigure],
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let started = std::time::Instant::now();
    let rules = Rules {
        configs: vec![first_rule(), cli.scoring.clone()],
    };
    println!("# Signal calibration: labelled evaluation of the scoring rules");
    println!(
        "\n{} tutors per cell, seed {}, scored at {}. First rule: Wilson 95% bound against the line, 14-day rebooking, rate-only score. In force: {:?}, flag at {}% probability (reschedules, no-shows, late starts, early ends, poor first sessions; {}% in the 7- and 30-day windows and under {} sessions of the rule's kind), critical at {}% on the tutor's own sessions, prior worth {} events at {}x the threshold, rebooking {} days, score penalties {} / {}.",
        cli.tutors,
        cli.seed,
        now().to_rfc3339(),
        rules.configs[1].decision,
        FlagCode::ALL
            .iter()
            .map(|code| format!("{}", flag_probability(*code, &rules.configs[1])))
            .collect::<Vec<_>>()
            .join(" / "),
        rules.configs[1].recent_flag_probability,
        rules.configs[1].small_sample_sessions,
        rules.configs[1].critical_probability,
        rules.configs[1].prior_weight,
        rules.configs[1].prior_share,
        rules.configs[1].rebook_days,
        rules.configs[1].warning_penalty,
        rules.configs[1].critical_penalty,
    );

    // 1. The operating characteristic of every rule.
    let mut jobs = Vec::new();
    for code in FlagCode::ALL {
        for row in rows(code, &rules.configs[1]) {
            for size in SIZES {
                jobs.push((code, row, size));
            }
        }
    }
    let cells: Vec<Cell> = parallel(jobs.len(), |i| {
        let (code, row, size) = jobs[i];
        measure(&rules, code, row, size, cli.tutors, Cadences::Mixed, cli.seed)
    });
    for code in FlagCode::ALL {
        print_grid(code, &cells, &rules.configs[1], "flagged", |c, r| {
            c.flagged_share(r)
        });
        print_grid(code, &cells, &rules.configs[1], "critical", |c, r| {
            c.critical_share(r)
        });
        let mean: BTreeMap<u32, f64> =
            cells
                .iter()
                .filter(|c| c.rule == code_name(code))
                .fold(BTreeMap::new(), |mut m, c| {
                    *m.entry(c.size).or_default() +=
                        c.mean_out_of[1] / rows(code, &rules.configs[1]).len() as f64;
                    m
                });
        if code == FlagCode::PoorFirstSessions {
            println!(
                "(first sessions with a known outcome in the 90-day window, mean per size, new rule: {})",
                mean.iter()
                    .map(|(size, m)| format!("n={size}: {m:.1}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    println!(
        "\nWhich window raised the flags of tutors at <= 0.7x (false flags), first rule → in force, % of those flags"
    );
    println!("| rule | 7 days | 30 days | 90 days | false flags |");
    println!("| --- | --- | --- | --- | --- |");
    for code in FlagCode::ALL {
        let mut by_window = [[0u32; 3]; 2];
        for c in cells
            .iter()
            .filter(|c| c.rule == code_name(code) && c.multiple <= 0.7 + 1e-9)
        {
            for (mine, theirs) in by_window.iter_mut().zip(&c.flag_windows) {
                for (m, t) in mine.iter_mut().zip(theirs) {
                    *m += t;
                }
            }
        }
        let share = |r: usize, w: usize| {
            100.0 * f64::from(by_window[r][w]) / f64::from(by_window[r].iter().sum::<u32>().max(1))
        };
        println!(
            "| {} | {:.0} → {:.0} | {:.0} → {:.0} | {:.0} → {:.0} | {} → {} |",
            code_name(code),
            share(0, 0),
            share(1, 0),
            share(0, 1),
            share(1, 1),
            share(0, 2),
            share(1, 2),
            by_window[0].iter().sum::<u32>(),
            by_window[1].iter().sum::<u32>()
        );
    }
    let acceptance: Vec<Acceptance> = FlagCode::ALL
        .iter()
        .flat_map(|code| (0..2).map(|r| acceptance(*code, &cells, r, &rules.configs[r], RULE_NAMES[r])))
        .collect();
    print_acceptance(&acceptance);

    let ceilings = limits::ceilings(&rules.configs[1]);
    limits::print_ceilings(&ceilings, &acceptance);
    if cli.grid_only {
        let ok = verdict(&acceptance);
        return exit(ok || !cli.check);
    }
    let trade_off = limits::trade_off(&rules.configs[1], cli.tutors, cli.seed);
    let change = population::change_detection(&rules, cli.tutors, cli.seed);
    // 2. Poor first sessions and booking cadence.
    let cadence = population::first_sessions_by_cadence(&rules, cli.tutors, cli.seed);
    let sweep = population::rebook_sweep(&rules.configs[1], cli.tutors, cli.seed);

    // 3. Score and risk.
    let agreement = population::score_and_risk(&rules, cli.tutors, cli.seed);

    // 4. The cases of the issue.
    cases::print(&rules);

    let ok = verdict(&acceptance);
    if !cli.no_files {
        std::fs::create_dir_all(&cli.out).expect("output folder");
        for (name, critical) in [("signal-flagged.svg", false), ("signal-critical.svg", true)] {
            let svg = chart::operating_characteristic(&cells, &rules.configs[1], critical);
            std::fs::write(cli.out.join(name), svg).expect("chart written");
        }
        let figures = Figures {
            command: "make signal".into(),
            tutors_per_cell: cli.tutors,
            seed: cli.seed,
            rules: &rules.configs,
            cells: &cells,
            acceptance: &acceptance,
            first_sessions: &cadence,
            rebook_sweep: &sweep,
            score_and_risk: &agreement,
            ceilings: &ceilings,
            trade_off: &trade_off,
            change: &change,
        };
        let json = serde_json::to_string_pretty(&figures).expect("figures serialize");
        std::fs::write(cli.out.join("signal.json"), json + "\n").expect("figures written");
        println!(
            "\nWrote {}/signal-flagged.svg, signal-critical.svg and signal.json.",
            cli.out.display()
        );
    }
    eprintln!("({:.1} s)", started.elapsed().as_secs_f64());
    exit(ok || !cli.check)
}

fn exit(success: bool) -> std::process::ExitCode {
    if success {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
