//! Measured outcomes: did the flagged metric change after the intervention?
//!
//! For each flag an intervention answers, the flag's events are counted (the same counting as
//! scoring's windows) over `FOLLOW_UP_DAYS` before the intervention was done and as many days
//! after. Each rate gets a 95% Wilson interval and the change (after minus before) Newcombe's
//! interval built from them: `IMPROVED` when the whole interval of the change is below zero,
//! `WORSE` when it is above, `NO_CHANGE` otherwise; `NOT_ENOUGH_DATA` when either period has
//! fewer than `SCORE_MIN_SESSIONS` sessions of the rate's kind; `CHURNED` when the tutor had
//! no session at all after. The intervention's outcome sums its flags up: churned, or not
//! enough data on every flag, or improved / worse when some flags moved one way and none the
//! other, else no change.
//!
//! The follow-up ([`measure`]) runs from a `measure_outcome` job once: it stores the outcome,
//! the intervention's new version and the audit entry in one transaction with the job's
//! completion, and does nothing for an intervention measured already.

use chrono::{DateTime, Duration, Utc};
use entity::{InterventionStatus, OutcomeVerdict, intervention_outcome, prelude::*};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::InterventionChange;
use crate::{
    audit::{self, Actor, Entry},
    db, jobs,
    scoring::{FlagCode, ScoringConfig, SessionFact, WindowMetrics},
    sessions,
};

/// Payload of a `measure_outcome` job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureOutcome {
    pub intervention_id: Uuid,
}

/// z for 95% intervals.
const Z95: f64 = 1.959_964;

/// The 95% Wilson interval of `count` of `n`, as fractions (0..=1); (0, 1) when n is 0.
pub fn wilson(count: u32, n: u32) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let n = f64::from(n);
    let p = f64::from(count.min(n as u32)) / n;
    let z2 = Z95 * Z95;
    let centre = p + z2 / (2.0 * n);
    let margin = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    let denominator = 1.0 + z2 / n;
    (
        ((centre - margin) / denominator).clamp(0.0, 1.0),
        ((centre + margin) / denominator).clamp(0.0, 1.0),
    )
}

/// Counts of one period: `count` events out of `out_of`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub count: u32,
    pub out_of: u32,
}

impl Counts {
    /// The rate in percent (0 for nothing to count).
    pub fn rate(self) -> f64 {
        if self.out_of == 0 {
            0.0
        } else {
            100.0 * f64::from(self.count) / f64::from(self.out_of)
        }
    }
}

/// One flag's comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub verdict: OutcomeVerdict,
    pub before: Counts,
    pub after: Counts,
    /// Rates in percent with their 95% intervals.
    pub before_rate: (f64, f64, f64),
    pub after_rate: (f64, f64, f64),
    /// After minus before, percentage points, with its 95% interval.
    pub change: (f64, f64, f64),
    pub sentence: String,
}

/// Whole percentage points with their sign ("+3", "-12", "0").
fn signed(points: f64) -> String {
    let whole = points.round() as i64;
    if whole == 0 {
        "0".into()
    } else {
        format!("{whole:+}")
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Compares `before` with `after` for a rate whose events are called `noun` (lower is
/// better); each period needs `min_out_of` to be judged; `churned` when the tutor had no
/// session after.
pub fn compare(
    noun: &str,
    before: Counts,
    after: Counts,
    min_out_of: u32,
    churned: bool,
    days: i64,
) -> Comparison {
    let (p1, p2) = (before.rate() / 100.0, after.rate() / 100.0);
    let (l1, u1) = wilson(before.count, before.out_of);
    let (l2, u2) = wilson(after.count, after.out_of);
    let d = p2 - p1;
    // Newcombe's hybrid score interval for a difference of two proportions.
    let low = d - ((p2 - l2).powi(2) + (u1 - p1).powi(2)).sqrt();
    let high = d + ((u2 - p2).powi(2) + (p1 - l1).powi(2)).sqrt();
    let judged = before.out_of >= min_out_of.max(1) && after.out_of >= min_out_of.max(1);
    let verdict = if churned {
        OutcomeVerdict::Churned
    } else if !judged {
        OutcomeVerdict::NotEnoughData
    } else if high < 0.0 {
        OutcomeVerdict::Improved
    } else if low > 0.0 {
        OutcomeVerdict::Worse
    } else {
        OutcomeVerdict::NoChange
    };
    let numbers = format!(
        "{noun} {} of {} before, {} of {} after",
        before.count, before.out_of, after.count, after.out_of
    );
    let sentence = match verdict {
        OutcomeVerdict::Churned => format!("{numbers}: no sessions at all in the {days} days after"),
        OutcomeVerdict::NotEnoughData => {
            format!("{numbers}: too few to judge (at least {min_out_of} needed in each {days}-day period)")
        }
        _ => format!(
            "{numbers} ({:.0}% to {:.0}%, change {} points, 95% interval {} to {})",
            100.0 * p1,
            100.0 * p2,
            signed(100.0 * d),
            signed(100.0 * low),
            signed(100.0 * high)
        ),
    };
    Comparison {
        verdict,
        before,
        after,
        before_rate: (round3(100.0 * p1), round3(100.0 * l1), round3(100.0 * u1)),
        after_rate: (round3(100.0 * p2), round3(100.0 * l2), round3(100.0 * u2)),
        change: (round3(100.0 * d), round3(100.0 * low), round3(100.0 * high)),
        sentence,
    }
}

/// The intervention's outcome from its flags' verdicts.
pub fn overall(verdicts: &[OutcomeVerdict]) -> OutcomeVerdict {
    use OutcomeVerdict::*;
    if verdicts.contains(&Churned) {
        return Churned;
    }
    let judged: Vec<_> = verdicts.iter().filter(|v| **v != NotEnoughData).collect();
    let improved = judged.iter().any(|v| **v == Improved);
    let worse = judged.iter().any(|v| **v == Worse);
    match (judged.is_empty(), improved, worse) {
        (true, _, _) => NotEnoughData,
        (false, true, false) => Improved,
        (false, false, true) => Worse,
        _ => NoChange,
    }
}

/// The flag a linked alert measures: its own, or the reschedule rate for an upcoming
/// session at risk (a tutor-caused failure is mostly a reschedule).
pub fn measured_flag(flag_code: &str) -> FlagCode {
    FlagCode::from_stored(flag_code).unwrap_or(FlagCode::RescheduleRate)
}

/// Compares each flag over `days` before and after `done_at`, from the tutor's sessions
/// `facts` (covering both periods and the rebooking days after).
pub fn compare_flags(
    flags: &[FlagCode],
    facts: &[SessionFact],
    done_at: DateTime<Utc>,
    days: i64,
    config: &ScoringConfig,
) -> Vec<(FlagCode, Comparison)> {
    let period = days.clamp(1, 3650) as u32;
    let before = WindowMetrics::count(period, facts, done_at, config);
    let after_end = done_at + Duration::days(days);
    let after = WindowMetrics::count(period, facts, after_end, config);
    let churned = !facts
        .iter()
        .any(|s| s.scheduled_start > done_at && s.scheduled_start <= after_end);
    flags
        .iter()
        .map(|flag| {
            let (bc, bn) = flag.observed(&before);
            let (ac, an) = flag.observed(&after);
            let comparison = compare(
                flag.events_noun(),
                Counts {
                    count: bc,
                    out_of: bn,
                },
                Counts {
                    count: ac,
                    out_of: an,
                },
                config.min_sessions,
                churned,
                days,
            );
            (*flag, comparison)
        })
        .collect()
}

/// Measures the intervention's outcome now (the follow-up job), completing `jobs` in the
/// same transaction; `None` when there is nothing to measure (not done, measured already,
/// or not due yet).
pub async fn measure(
    conn: &DatabaseConnection,
    intervention_id: Uuid,
    complete_jobs: (&[i64], &str),
    config: &ScoringConfig,
    now: DateTime<Utc>,
) -> Result<Option<InterventionChange>, DbErr> {
    let txn = db::begin_write(conn).await?;
    let found = Intervention::find_by_id(intervention_id)
        .lock_exclusive()
        .one(&txn)
        .await?;
    let due = found.as_ref().filter(|i| {
        i.status == InterventionStatus::Done
            && i.measured_at.is_none()
            && i.follow_up_at.is_some_and(|at| at <= now)
    });
    let Some(current) = due.cloned() else {
        jobs::complete(&txn, complete_jobs.0, complete_jobs.1, now).await?;
        txn.commit().await?;
        return Ok(None);
    };
    let done_at = current.completed_at.expect("a done intervention has its time");
    let days = i64::from(current.follow_up_days.unwrap_or(28));
    let links = super::read::alerts_of(&txn, current.id).await?;
    let mut flags: Vec<FlagCode> = links.iter().map(|l| measured_flag(&l.flag_code)).collect();
    flags.sort();
    flags.dedup();
    let facts = sessions::read::facts_between(
        &txn,
        current.tutor_id,
        done_at - Duration::days(days),
        done_at + Duration::days(days + config.rebook_days),
    )
    .await?;
    let compared = compare_flags(&flags, &facts, done_at, days, config);
    for (flag, c) in &compared {
        InterventionOutcome::insert(intervention_outcome::ActiveModel {
            intervention_id: Set(current.id),
            flag_code: Set(flag.as_str().to_owned()),
            verdict: Set(c.verdict),
            period_days: Set(days as i32),
            before_count: Set(c.before.count as i32),
            before_out_of: Set(c.before.out_of as i32),
            after_count: Set(c.after.count as i32),
            after_out_of: Set(c.after.out_of as i32),
            before_rate: Set(c.before_rate.0),
            before_low: Set(c.before_rate.1),
            before_high: Set(c.before_rate.2),
            after_rate: Set(c.after_rate.0),
            after_low: Set(c.after_rate.1),
            after_high: Set(c.after_rate.2),
            change: Set(c.change.0),
            change_low: Set(c.change.1),
            change_high: Set(c.change.2),
            sentence: Set(c.sentence.clone()),
            measured_at: Set(now),
        })
        .exec_without_returning(&txn)
        .await?;
    }
    let verdicts: Vec<_> = compared.iter().map(|(_, c)| c.verdict).collect();
    let outcome = overall(&verdicts);
    let mut row = current.clone().into_active_model();
    row.outcome = Set(Some(outcome));
    row.measured_at = Set(Some(now));
    row.version = Set(current.version + 1);
    row.updated_at = Set(now);
    let after = row.update(&txn).await?;
    audit::record(
        &txn,
        &Actor::system(),
        Entry {
            action: "intervention.measured",
            subject_type: "intervention",
            subject_id: Some(current.id.to_string()),
            tutor_id: Some(current.tutor_id),
            before: Some(super::store::state(&current)),
            after: Some(json!({
                "outcome": outcome,
                "version": after.version,
                "flags": compared.iter().map(|(f, c)| json!({
                    "flag": f.as_str(), "verdict": c.verdict, "sentence": c.sentence,
                })).collect::<Vec<_>>(),
            })),
            note: Some(
                compared
                    .iter()
                    .map(|(_, c)| c.sentence.as_str())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        },
        now,
    )
    .await?;
    jobs::complete(&txn, complete_jobs.0, complete_jobs.1, now).await?;
    txn.commit().await?;
    Ok(Some(InterventionChange {
        intervention: after,
        action: "intervention.measured".into(),
    }))
}

/// Measured outcomes of one intervention, in flag order.
pub async fn of_intervention<C: sea_orm::ConnectionTrait>(
    db: &C,
    id: Uuid,
) -> Result<Vec<intervention_outcome::Model>, DbErr> {
    InterventionOutcome::find()
        .filter(intervention_outcome::Column::InterventionId.eq(id))
        .all(db)
        .await
}

/// Measured outcomes of several interventions (a page of an export).
pub async fn of_interventions<C: sea_orm::ConnectionTrait>(
    db: &C,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<intervention_outcome::Model>, DbErr> {
    InterventionOutcome::find()
        .filter(intervention_outcome::Column::InterventionId.is_in(ids))
        .all(db)
        .await
}

/// Rounds a rate for display (one decimal).
pub fn display_rate(rate: f64) -> f64 {
    round1(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(count: u32, out_of: u32) -> Counts {
        Counts { count, out_of }
    }

    #[test]
    fn wilson_intervals_match_known_values() {
        let (low, high) = wilson(9, 31);
        assert!(
            (low - 0.1610).abs() < 0.001 && (high - 0.4659).abs() < 0.001,
            "{low} {high}"
        );
        let (low, high) = wilson(0, 28);
        assert!(low == 0.0 && (high - 0.1206).abs() < 0.001, "{high}");
        assert_eq!(wilson(0, 0), (0.0, 1.0));
    }

    #[test]
    fn the_verdict_follows_the_interval_of_the_change() {
        let improved = compare("reschedules", c(9, 31), c(0, 28), 5, false, 28);
        assert_eq!(improved.verdict, OutcomeVerdict::Improved);
        assert!(improved.change.2 < 0.0);
        assert!(
            improved
                .sentence
                .starts_with("reschedules 9 of 31 before, 0 of 28 after"),
            "{}",
            improved.sentence
        );
        let noise = compare("reschedules", c(9, 31), c(6, 28), 5, false, 28);
        assert_eq!(noise.verdict, OutcomeVerdict::NoChange);
        assert!(noise.change.1 < 0.0 && noise.change.2 > 0.0);
        let worse = compare("no-shows", c(0, 30), c(9, 30), 5, false, 28);
        assert_eq!(worse.verdict, OutcomeVerdict::Worse);
        let few = compare("no-shows", c(1, 4), c(0, 30), 5, false, 28);
        assert_eq!(few.verdict, OutcomeVerdict::NotEnoughData);
        let gone = compare("no-shows", c(3, 30), c(0, 0), 5, true, 28);
        assert_eq!(gone.verdict, OutcomeVerdict::Churned);
    }

    #[test]
    fn the_intervention_outcome_sums_up_its_flags() {
        use OutcomeVerdict::*;
        assert_eq!(overall(&[Improved, NotEnoughData]), Improved);
        assert_eq!(overall(&[Improved, Worse]), NoChange);
        assert_eq!(overall(&[NoChange, Worse]), Worse);
        assert_eq!(overall(&[NotEnoughData]), NotEnoughData);
        assert_eq!(overall(&[Churned, Improved]), Churned);
        assert_eq!(overall(&[]), NotEnoughData);
    }
}
