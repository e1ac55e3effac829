//! `tutorscore`: runs the api (default), or generates demo data.

use clap::{Parser, Subcommand};

use api::{config::ApiConfig, startup::Application};
use worker::{clock, config::CoreConfig, demo, telemetry};

/// tutorscore: live tutor reliability and quality scores.
#[derive(Parser)]
#[command(version, about, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Without a subcommand: serve, configured by these flags and variables.
    #[command(flatten)]
    serve: ApiConfig,
}

#[derive(Subcommand)]
enum Command {
    /// Run the api server (the default).
    Serve(Box<ApiConfig>),
    /// Print the GraphQL schema (SDL), as kept in schema.graphql.
    Schema,
    /// Generate demo tutors and sessions into DATABASE_URL.
    DemoData {
        #[command(flatten)]
        core: CoreConfig,
        #[command(flatten)]
        options: demo::DemoOptions,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    dotenvy::dotenv().ok();
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve(Box::new(cli.serve))) {
        Command::Serve(config) => serve(*config).await,
        Command::Schema => {
            print!("{}", api::graphql::sdl());
            Ok(())
        }
        Command::DemoData { core, options } => {
            telemetry::init(core.log_format);
            let db =
                worker::db::connect_and_migrate(core.database_url.expose(), core.database_max_connections)
                    .await?;
            let summary = demo::generate(&db, &options, clock::system().now()).await?;
            print!("{}", summary.report());
            Ok(())
        }
    }
}

async fn serve(config: ApiConfig) -> anyhow::Result<()> {
    telemetry::init(config.core.log_format);
    let app = Application::build(config, clock::system()).await?;
    let url = format!("http://{}", app.local_addr());
    tracing::info!(%url, "tutorscore is listening");
    println!("tutorscore is running at {url}");
    app.run_until(worker::signals::shutdown_signal()).await?;
    Ok(())
}
