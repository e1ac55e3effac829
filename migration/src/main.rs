//! `cargo run -p migration -- up | down | status | fresh` against `DATABASE_URL`
//! (default: the embedded SQLite file).

use sea_orm_migration::prelude::*;

#[tokio::main]
async fn main() {
    cli::run_cli_with_custom_connection(migration::Migrator, async || {
        let url =
            std::env::var("DATABASE_URL").unwrap_or_else(|_| migration::DEFAULT_DATABASE_URL.to_owned());
        migration::connect(&url, 2)
            .await
            .map_err(|e| DbErr::Custom(e.to_string()))
    })
    .await;
}
