//! `tutorscore`: runs the api (default), or generates demo data.

use clap::{Parser, Subcommand};

use api::{config::ApiConfig, startup::Application};
use entity::UserRole;
use worker::{
    audit::Actor,
    clock,
    config::CoreConfig,
    demo,
    people::{
        PeopleConfig,
        store::{NewUser, create_user},
    },
    telemetry,
};

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
    /// Manage the people who sign in.
    #[command(subcommand)]
    Users(UsersCommand),
}

#[derive(Subcommand)]
enum UsersCommand {
    /// Create a person and print their one-time password (the first admin comes from here).
    Add {
        #[command(flatten)]
        core: CoreConfig,
        #[command(flatten)]
        people: PeopleConfig,
        /// Their email (they sign in with it).
        #[arg(long)]
        email: String,
        /// Their name.
        #[arg(long)]
        name: String,
        /// viewer, coach or admin.
        #[arg(long, value_parser = parse_role)]
        role: UserRole,
    },
}

fn parse_role(text: &str) -> Result<UserRole, String> {
    match text {
        "viewer" => Ok(UserRole::Viewer),
        "coach" => Ok(UserRole::Coach),
        "admin" => Ok(UserRole::Admin),
        other => Err(format!("unknown role {other:?}: viewer, coach or admin")),
    }
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
        Command::Users(UsersCommand::Add {
            core,
            people,
            email,
            name,
            role,
        }) => {
            telemetry::init(core.log_format);
            let db =
                worker::db::connect_and_migrate(core.database_url.expose(), core.database_max_connections)
                    .await?;
            let new = NewUser {
                email,
                name,
                role,
                password: None,
            };
            let (user, password) = create_user(&db, &Actor::system(), new, &people, clock::system().now())
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            println!(
                "created {} ({:?}); one-time password: {}",
                user.email,
                user.role,
                password.unwrap_or_default()
            );
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
