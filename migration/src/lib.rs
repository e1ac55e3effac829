//! The tutorscore schema as sea-orm-migration migrations, and the one way every tutorscore
//! process opens its database ([`connect`]).
//!
//! Layout: one migration per `mYYYYMMDD_HHMMSS_<what>.rs` file, listed in order in
//! [`Migrator`]; every migration has a working `down`. The same migrations run on SQLite and
//! Postgres: enums are text columns with check constraints, ids are UUIDs, times are
//! `timestamp with time zone`.

pub use sea_orm_migration::prelude::*;

mod connect;
mod m20261127_000001_create_tutors;
mod m20261127_000002_create_sessions;
mod m20261127_000003_create_reschedules;
mod m20261127_000004_create_scores;
mod m20261127_000005_create_email_reports;
mod m20261127_000006_create_jobs;
mod m20261201_000001_create_people_alerts_audit;
mod m20261201_000002_more_job_kinds;
mod m20261201_000003_booked_sessions_predictions;
mod m20261201_000004_interventions;
mod m20261201_000005_jobs_tutor_id;
mod m20261202_000001_jobs_claimable;

pub use connect::{ConnectError, DEFAULT_DATABASE_URL, connect};

/// Every migration, oldest first.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261127_000001_create_tutors::Migration),
            Box::new(m20261127_000002_create_sessions::Migration),
            Box::new(m20261127_000003_create_reschedules::Migration),
            Box::new(m20261127_000004_create_scores::Migration),
            Box::new(m20261127_000005_create_email_reports::Migration),
            Box::new(m20261127_000006_create_jobs::Migration),
            Box::new(m20261201_000001_create_people_alerts_audit::Migration),
            Box::new(m20261201_000002_more_job_kinds::Migration),
            Box::new(m20261201_000003_booked_sessions_predictions::Migration),
            Box::new(m20261201_000004_interventions::Migration),
            Box::new(m20261201_000005_jobs_tutor_id::Migration),
            Box::new(m20261202_000001_jobs_claimable::Migration),
        ]
    }
}

/// A check constraint restricting a text column to an enum's stored values.
pub(crate) fn one_of(column: impl IntoIden + 'static, values: Vec<String>) -> SimpleExpr {
    Expr::col(column).is_in(values)
}
