//! `tutorscore-worker`: the worker loop as its own process (service mode), configured by the
//! same environment as the api.

use clap::Parser;
use tokio_util::sync::CancellationToken;
use worker::{
    alerts::AlertsConfig,
    clock,
    config::CoreConfig,
    events,
    mail::{MailConfig, MailService},
    predictions::PredictionConfig,
    runner::{Worker, WorkerConfig},
    scoring::ScoringConfig,
    signals, telemetry,
};

/// tutorscore worker: recomputes scores, publishes events, sends email.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(flatten)]
    core: CoreConfig,
    #[command(flatten)]
    worker: WorkerConfig,
    #[command(flatten)]
    scoring: ScoringConfig,
    #[command(flatten)]
    mail: MailConfig,
    #[command(flatten)]
    alerts: AlertsConfig,
    #[command(flatten)]
    predictions: PredictionConfig,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    dotenvy::dotenv().ok();
    let cli = Cli::parse();
    telemetry::init(cli.core.log_format);
    let db =
        worker::db::connect_and_migrate(cli.core.database_url.expose(), cli.core.database_max_connections)
            .await?;
    let bus = events::from_config(&cli.core)?;
    if cli.core.redis_url.is_none() {
        tracing::warn!(
            "REDIS_URL is not set: events from this worker reach no api process (use the api's in-process worker instead)"
        );
    }
    let mail = MailService::from_config(cli.mail)?;
    tracing::info!(to = %mail.mailer.describe(), "email reports go out");
    let worker = Worker::new(db, bus, clock::system(), cli.scoring, cli.worker.clone())
        .with_alerts(cli.alerts)
        .with_predictions(cli.predictions)
        .with_mail(mail);
    let shutdown = CancellationToken::new();
    // Installed before any work, so that every series is recorded from the start.
    telemetry::prometheus();
    if let Some(addr) = cli.worker.metrics_addr {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!(%addr, "serving /metrics and /healthz");
        tokio::spawn(telemetry::serve_metrics(listener, shutdown.clone()));
    }
    let signal = shutdown.clone();
    tokio::spawn(async move {
        signals::shutdown_signal().await;
        signal.cancel();
    });
    worker.run(shutdown).await;
    Ok(())
}
