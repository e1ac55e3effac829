//! Export: `GET /export/sessions.csv` of every session, read to the end as a client would
//! download it; rows per second, and the api's RSS at rest and at its highest during the
//! download (a streamed export keeps it flat whatever the size).

use std::time::Instant;

use anyhow::{Result, bail};
use serde_json::json;

use crate::{
    report::{Report, fmt_int},
    stats::{Sampler, rss_mb},
    system::System,
};

pub async fn run(system: &mut System, report: &mut Report) -> Result<()> {
    let url = format!(
        "{}/export/sessions.csv",
        system.client.endpoint.trim_end_matches("/graphql")
    );
    eprintln!("==> export: {url}, read to the end");
    system.settle().await;
    let at_rest = rss_mb(system.pids.api);
    let sampler = Sampler::start(&system.pids);
    let started = Instant::now();
    // No timeout: the whole table comes down one response.
    let mut response = reqwest::Client::new().get(&url).send().await?;
    if !response.status().is_success() {
        bail!("export answered {}", response.status());
    }
    let first_byte = started.elapsed();
    let (mut bytes, mut lines) = (0u64, 0u64);
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let elapsed = started.elapsed();
    let (api_max, _) = sampler.finish(&system.pids).await;
    let rows = lines.saturating_sub(1);
    let mut row = system.row("export", "sessions");
    row.variant = "sessions.csv, every session".into();
    row.count = rows;
    row.rate_per_s = Some(rows as f64 / elapsed.as_secs_f64());
    row.api_rss_mb = api_max;
    row.note = format!(
        "{} rows, {:.1} MB in {:.2} s (first byte after {:.0} ms); api RSS {} at rest, {} at most during it",
        fmt_int(rows),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        first_byte.as_secs_f64() * 1000.0,
        at_rest.map_or_else(|| "-".into(), |m| format!("{m:.1} MB")),
        api_max.map_or_else(|| "-".into(), |m| format!("{m:.1} MB")),
    );
    row.details = json!({
        "rows": rows,
        "bytes": bytes,
        "seconds": elapsed.as_secs_f64(),
        "api_rss_rest_mb": at_rest,
        "api_rss_max_mb": api_max,
    });
    report.push(row);
    Ok(())
}
