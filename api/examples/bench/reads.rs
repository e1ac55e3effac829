//! Reads: the dashboard's real queries at concurrency 32 (and 1), from the response cache
//! and computed every time.

use std::{sync::Arc, time::Duration};

use anyhow::{Context, Result};
use rand::seq::IndexedRandom;
use serde_json::{Value, json};

use crate::{
    client::Api,
    load::{self, Outcome},
    report::Report,
    stats::{Latencies, Probe},
    system::System,
};

const CONCURRENCY: usize = 32;

/// The tutors page, riskiest first.
const TUTORS_PAGE: &str = "query { tutors(first: 25, sort: {field: RISK_LEVEL, direction: DESC}) { totalCount edges { node { id name score { qualityScore riskLevel computedAt flags { code } windows { days rescheduleRate noShowRate sessions } } } } } }";

/// The list the read targets name: 100 tutors with score, windows and flags.
const TUTORS_LIST: &str = "query { tutors(first: 100) { edges { node { id name score { qualityScore riskLevel computedAt flags { code severity evidence } windows { days rescheduleRate noShowRate lateStartRate earlyEndRate sessions } } } } } }";

/// The same list without scores: what an integrator syncing names asks for.
const TUTORS_NAMES: &str = "query { tutors(first: 100) { edges { node { id name } } } }";

/// A tutor's page.
const TUTOR_DETAIL: &str = "query($id: ID!) { tutor(id: $id) { name score { qualityScore riskLevel computedAt flags { code evidence recommendation } windows { days rescheduleRate noShowRate sessions } } scoreHistory { computedAt rescheduleRate7d rescheduleRate30d rescheduleRate90d } weeklyTrend { weekEnd sessions rescheduleRate } recentReschedules { noticeHours reason } sessions(first: 20) { edges { node { scheduledStart status } } } } }";

/// The overview cards.
const OVERVIEW: &str = "query { overview { tutors lowRisk mediumRisk highRisk unscored averageQualityScore averageRescheduleRate30d averageNoShowRate30d sessionsLast24h sessionsLast7d generatedAt recentRiskChanges { tutorName to } } }";

fn answered(field: &'static str) -> impl Fn(&Value) -> Outcome {
    move |data: &Value| {
        if data[field].is_null() {
            Outcome {
                ok: 0,
                errors: 1,
                message: Some(format!("{field} is null")),
            }
        } else {
            Outcome {
                ok: 1,
                errors: 0,
                message: None,
            }
        }
    }
}

fn check_tutors(data: &Value) -> Outcome {
    answered("tutors")(data)
}
fn check_tutor(data: &Value) -> Outcome {
    answered("tutor")(data)
}
fn check_overview(data: &Value) -> Outcome {
    answered("overview")(data)
}

pub async fn run(system: &mut System, duration: Duration, report: &mut Report) -> Result<()> {
    let ids: Vec<String> = system
        .tutors()
        .await?
        .into_iter()
        .map(|(id, _)| id.to_string())
        .collect();
    let ids = Arc::new(ids);
    // Each query must work before it is timed.
    let page = system
        .client
        .data(TUTORS_PAGE, json!({}))
        .await
        .context("tutors page")?;
    let total = page["tutors"]["totalCount"].as_u64().unwrap_or(0);
    system
        .client
        .data(TUTOR_DETAIL, json!({ "id": ids[0] }))
        .await
        .context("tutor detail")?;
    system
        .client
        .data(OVERVIEW, json!({}))
        .await
        .context("overview")?;

    type Make = Box<dyn Fn(&mut rand::rngs::StdRng) -> Vec<u8> + Send + Sync>;
    let same = |body: Vec<u8>| -> Make { Box::new(move |_| body.clone()) };
    let page = Api::body(TUTORS_PAGE, json!({}));
    let list = Api::body(TUTORS_LIST, json!({}));
    let names = Api::body(TUTORS_NAMES, json!({}));
    let overview = Api::body(OVERVIEW, json!({}));
    let detail_ids = ids.clone();
    // Each list twice: as the dashboard asks (answered from the response cache between
    // changes) and with `Cache-Control: no-cache` (computed every time).
    let queries: Vec<(&str, &str, usize, bool, Make, load::Check)> = vec![
        (
            "tutors",
            "tutors page (25, by risk)",
            CONCURRENCY,
            false,
            same(page.clone()),
            check_tutors,
        ),
        (
            "tutors.fresh",
            "tutors page (25, by risk), no-cache",
            CONCURRENCY,
            true,
            same(page.clone()),
            check_tutors,
        ),
        (
            "tutors.c1",
            "tutors page (25, by risk)",
            1,
            false,
            same(page.clone()),
            check_tutors,
        ),
        (
            "tutors.c1.fresh",
            "tutors page (25, by risk), no-cache",
            1,
            true,
            same(page),
            check_tutors,
        ),
        (
            "list100",
            "tutors list (100, scores, windows, flags)",
            CONCURRENCY,
            false,
            same(list.clone()),
            check_tutors,
        ),
        (
            "list100.fresh",
            "tutors list (100, scores, windows, flags), no-cache",
            CONCURRENCY,
            true,
            same(list),
            check_tutors,
        ),
        (
            "names100.fresh",
            "tutors list (100, id and name), no-cache",
            CONCURRENCY,
            true,
            same(names.clone()),
            check_tutors,
        ),
        (
            "names100.c1.fresh",
            "tutors list (100, id and name), no-cache",
            1,
            true,
            same(names),
            check_tutors,
        ),
        (
            "tutor",
            "tutor detail (random tutor), no-cache",
            CONCURRENCY,
            true,
            Box::new(move |rng| {
                let id = detail_ids.choose(rng).expect("tutors exist");
                Api::body(TUTOR_DETAIL, json!({ "id": id }))
            }),
            check_tutor,
        ),
        (
            "overview",
            "overview",
            CONCURRENCY,
            false,
            same(overview.clone()),
            check_overview,
        ),
        (
            "overview.fresh",
            "overview, no-cache",
            CONCURRENCY,
            true,
            same(overview.clone()),
            check_overview,
        ),
        (
            "overview.c1.fresh",
            "overview, no-cache",
            1,
            true,
            same(overview),
            check_overview,
        ),
    ];
    for (key, label, concurrency, fresh, make, check) in queries {
        eprintln!("==> reads: {label} at concurrency {concurrency} for {duration:?}");
        system.settle().await;
        let client = if fresh {
            system.client.fresh()
        } else {
            system.client.clone()
        };
        let probe = Probe::start(&system.pids);
        let m = load::closed_loop(&client, concurrency, duration, 1, make, check).await;
        let mut row = system.row("reads", key);
        probe.finish(&mut row).await;
        row.variant = format!("{label}, concurrency {concurrency}");
        row.count = m.ok;
        row.errors = m.errors;
        row.rate_per_s = Some(m.rate());
        row.latency = Latencies::of(&m.latencies);
        row.note = format!(
            "CPU per request: {}; totalCount {total}",
            crate::cpu::per_op(row.cpu, row.rate_per_s)
        );
        if let Some(e) = &m.first_error {
            row.note += &format!("; first error: {e}");
        }
        report.push(row);
    }
    Ok(())
}
