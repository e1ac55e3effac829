//! Which interventions work: the measured outcomes of interventions done in a period, by
//! type and by flag (how many, the share improved with its 95% Wilson interval, the median
//! change in rate with a distribution-free 95% interval from order statistics); and each flag
//! rule's precision as coaches judged it (alerts dismissed as `FALSE_ALARM`).
//!
//! A unit is one measured flag of one intervention (an intervention answering two flags
//! counts in two flag groups, and twice in its type's measurements; `interventions` counts
//! it once). The share improved and the median change are over the judged units (improved,
//! no change, worse): not enough data and churned are counted beside them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use entity::{
    AlertKind, AlertResolution, AlertStatus, InterventionStatus, OutcomeVerdict, alert, intervention,
    intervention_outcome, prelude::*,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait,
    sea_query::{Expr, Func},
};
use uuid::Uuid;

use super::outcome::wilson;
use crate::error::{DomainError, DomainResult};

/// The figures of one group (a type, a flag, or everything).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Group {
    /// The type's or flag's code (`all` for the total).
    pub key: String,
    /// Distinct interventions in the group.
    pub interventions: u64,
    /// Measured flags (units).
    pub measured: u64,
    pub improved: u64,
    pub no_change: u64,
    pub worse: u64,
    pub not_enough_data: u64,
    pub churned: u64,
    /// improved / (improved + no change + worse), with its 95% interval; none when nothing
    /// was judged.
    pub share_improved: Option<(f64, f64, f64)>,
    /// Median of after-minus-before rates, percentage points, over the judged units, with a
    /// 95% interval when there are enough of them (six or more).
    pub median_change: Option<f64>,
    pub median_change_interval: Option<(f64, f64)>,
}

/// One measured unit: its intervention, type, verdict and change.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub intervention_id: Uuid,
    pub kind: String,
    pub flag: String,
    pub verdict: OutcomeVerdict,
    pub change: f64,
}

/// The report.
#[derive(Debug, Clone, PartialEq)]
pub struct Effectiveness {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub total: Group,
    pub by_type: Vec<Group>,
    pub by_flag: Vec<Group>,
}

/// The median of `values` and, with six or more, the 95% interval `[x(k), x(n-k+1)]` where k
/// is the largest rank with P(Binomial(n, 1/2) < k) <= 2.5%.
pub fn median_with_interval(values: &[f64]) -> (Option<f64>, Option<(f64, f64)>) {
    if values.is_empty() {
        return (None, None);
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    // Cumulative binomial(n, 1/2) probabilities, in logs to stay finite for large n.
    let ln_half_n = n as f64 * 0.5f64.ln();
    let mut ln_choose = 0.0f64;
    let mut below = 0.0f64;
    let mut k = 0usize;
    for j in 0..n {
        // P(X = j) added: is P(X < j + 1) still within 2.5%?
        let p = (ln_choose + ln_half_n).exp();
        if below + p > 0.025 {
            break;
        }
        below += p;
        k = j + 1;
        ln_choose += ((n - j) as f64).ln() - ((j + 1) as f64).ln();
    }
    let interval = (k >= 1).then(|| (sorted[k - 1], sorted[n - k]));
    (Some(round(median)), interval.map(|(a, b)| (round(a), round(b))))
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// The figures of `units` under `key`.
pub fn summarise(key: &str, units: &[&Unit]) -> Group {
    let mut g = Group {
        key: key.into(),
        measured: units.len() as u64,
        interventions: units
            .iter()
            .map(|u| u.intervention_id)
            .collect::<BTreeSet<_>>()
            .len() as u64,
        ..Group::default()
    };
    let mut changes = Vec::new();
    for u in units {
        match u.verdict {
            OutcomeVerdict::Improved => g.improved += 1,
            OutcomeVerdict::NoChange => g.no_change += 1,
            OutcomeVerdict::Worse => g.worse += 1,
            OutcomeVerdict::NotEnoughData => g.not_enough_data += 1,
            OutcomeVerdict::Churned => g.churned += 1,
        }
        if matches!(
            u.verdict,
            OutcomeVerdict::Improved | OutcomeVerdict::NoChange | OutcomeVerdict::Worse
        ) {
            changes.push(u.change);
        }
    }
    let judged = g.improved + g.no_change + g.worse;
    if judged > 0 {
        let (low, high) = wilson(g.improved as u32, judged as u32);
        g.share_improved = Some((round(g.improved as f64 / judged as f64), round(low), round(high)));
    }
    let (median, interval) = median_with_interval(&changes);
    g.median_change = median;
    g.median_change_interval = interval;
    g
}

/// Groups units by type and by flag, with the total.
pub fn report(units: &[Unit], from: DateTime<Utc>, to: DateTime<Utc>) -> Effectiveness {
    let mut by_type: BTreeMap<&str, Vec<&Unit>> = BTreeMap::new();
    let mut by_flag: BTreeMap<&str, Vec<&Unit>> = BTreeMap::new();
    for u in units {
        by_type.entry(&u.kind).or_default().push(u);
        by_flag.entry(&u.flag).or_default().push(u);
    }
    let all: Vec<&Unit> = units.iter().collect();
    Effectiveness {
        from,
        to,
        total: summarise("all", &all),
        by_type: by_type.iter().map(|(k, v)| summarise(k, v)).collect(),
        by_flag: by_flag.iter().map(|(k, v)| summarise(k, v)).collect(),
    }
}

fn check_period(from: DateTime<Utc>, to: DateTime<Utc>) -> DomainResult<()> {
    if to <= from {
        return Err(DomainError::invalid("to", "must be after from"));
    }
    Ok(())
}

/// The effectiveness of interventions done in `[from, to)` and measured.
pub async fn effectiveness<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DomainResult<Effectiveness> {
    check_period(from, to)?;
    let done = Intervention::find()
        .select_only()
        .column(intervention::Column::Id)
        .filter(intervention::Column::Status.eq(InterventionStatus::Done))
        .filter(intervention::Column::CompletedAt.gte(from))
        .filter(intervention::Column::CompletedAt.lt(to))
        .filter(intervention::Column::MeasuredAt.is_not_null())
        .into_query();
    let rows: Vec<(Uuid, String, OutcomeVerdict, f64, String)> = InterventionOutcome::find()
        .select_only()
        .column(intervention_outcome::Column::InterventionId)
        .column(intervention_outcome::Column::FlagCode)
        .column(intervention_outcome::Column::Verdict)
        .column(intervention_outcome::Column::Change)
        .column_as(Expr::col((Intervention, intervention::Column::Kind)), "kind")
        .inner_join(Intervention)
        .filter(intervention_outcome::Column::InterventionId.in_subquery(done))
        .into_tuple()
        .all(db)
        .await?;
    let units: Vec<Unit> = rows
        .into_iter()
        .map(|(intervention_id, flag, verdict, change, kind)| Unit {
            intervention_id,
            kind,
            flag,
            verdict,
            change,
        })
        .collect();
    Ok(report(&units, from, to))
}

/// One flag rule's alerts and how coaches judged them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FlagPrecision {
    pub flag: String,
    /// Alerts opened in the period.
    pub alerts: u64,
    pub unresolved: u64,
    pub recovered: u64,
    pub actioned: u64,
    pub false_alarms: u64,
    /// false alarms / alerts.
    pub false_alarm_share: Option<f64>,
    /// actioned / (actioned + false alarms): of the alerts a coach judged, the share they
    /// agreed with.
    pub precision: Option<f64>,
}

/// Per flag rule: the flag alerts first opened in `[from, to)` and how they ended.
pub async fn flag_precision<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DomainResult<Vec<FlagPrecision>> {
    check_period(from, to)?;
    let rows: Vec<(String, AlertStatus, Option<AlertResolution>, i64)> = Alert::find()
        .select_only()
        .column(alert::Column::FlagCode)
        .column(alert::Column::Status)
        .column(alert::Column::Resolution)
        .column_as(Expr::from(Func::count(Expr::col(alert::Column::Id))), "n")
        .filter(alert::Column::Kind.eq(AlertKind::Flag))
        .filter(alert::Column::CreatedAt.gte(from))
        .filter(alert::Column::CreatedAt.lt(to))
        .group_by(alert::Column::FlagCode)
        .group_by(alert::Column::Status)
        .group_by(alert::Column::Resolution)
        .into_tuple()
        .all(db)
        .await?;
    let mut by_flag: BTreeMap<String, FlagPrecision> = crate::scoring::FlagCode::ALL
        .iter()
        .map(|f| {
            (
                f.as_str().to_owned(),
                FlagPrecision {
                    flag: f.as_str().to_owned(),
                    ..FlagPrecision::default()
                },
            )
        })
        .collect();
    for (flag, status, resolution, n) in rows {
        let entry = by_flag.entry(flag.clone()).or_insert_with(|| FlagPrecision {
            flag,
            ..FlagPrecision::default()
        });
        let n = n as u64;
        entry.alerts += n;
        match (status, resolution) {
            (AlertStatus::Resolved, Some(AlertResolution::Recovered)) => entry.recovered += n,
            (AlertStatus::Resolved, Some(AlertResolution::Actioned)) => entry.actioned += n,
            (AlertStatus::Resolved, Some(AlertResolution::FalseAlarm)) => entry.false_alarms += n,
            _ => entry.unresolved += n,
        }
    }
    Ok(by_flag
        .into_values()
        .map(|mut p| {
            if p.alerts > 0 {
                p.false_alarm_share = Some(round(p.false_alarms as f64 / p.alerts as f64));
            }
            let judged = p.actioned + p.false_alarms;
            if judged > 0 {
                p.precision = Some(round(p.actioned as f64 / judged as f64));
            }
            p
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_interval_comes_from_order_statistics() {
        assert_eq!(median_with_interval(&[]), (None, None));
        assert_eq!(median_with_interval(&[3.0, 1.0, 2.0]), (Some(2.0), None));
        // n = 6: P(X < 1) = 1/64 <= 2.5%, P(X < 2) = 7/64 > 2.5%: k = 1, the whole range.
        let six = [-10.0, -8.0, -6.0, -4.0, -2.0, 0.0];
        assert_eq!(median_with_interval(&six), (Some(-5.0), Some((-10.0, 0.0))));
        // n = 10: P(X < 2) = 11/1024 <= 2.5%, P(X < 3) = 56/1024 > 2.5%: k = 2.
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(median_with_interval(&ten), (Some(5.5), Some((2.0, 9.0))));
    }
}
