//! Reads: the dashboard's real queries at concurrency 32.

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
    let page_body = Api::body(TUTORS_PAGE, json!({}));
    let overview_body = Api::body(OVERVIEW, json!({}));
    let detail_ids = ids.clone();
    let single_body = page_body.clone();
    let queries: Vec<(&str, &str, usize, Make, load::Check)> = vec![
        (
            "tutors",
            "tutors page (25, by risk)",
            CONCURRENCY,
            Box::new(move |_| page_body.clone()),
            check_tutors,
        ),
        (
            "tutors.c1",
            "tutors page (25, by risk)",
            1,
            Box::new(move |_| single_body.clone()),
            check_tutors,
        ),
        (
            "tutor",
            "tutor detail (random tutor)",
            CONCURRENCY,
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
            Box::new(move |_| overview_body.clone()),
            check_overview,
        ),
    ];
    for (key, label, concurrency, make, check) in queries {
        eprintln!("==> reads: {label} at concurrency {concurrency} for {duration:?}");
        system.settle().await;
        let probe = Probe::start(&system.pids);
        let m = load::closed_loop(&system.client, concurrency, duration, 1, make, check).await;
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
