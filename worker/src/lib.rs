//! The tutorscore worker library: everything that happens after a session is recorded, plus
//! the pieces every process shares.
//!
//! Layout:
//! - [`config`]: the environment-driven settings shared by all binaries;
//! - [`db`]: opening and migrating the database, write transactions that behave the same on
//!   SQLite and Postgres;
//! - [`clock`]: the injected clock;
//! - [`jobs`]: the durable job queue;
//! - [`scoring`]: the scoring rules, pure functions;
//! - [`demo`]: the seeded demo data generator;
//! - [`testing`]: fresh databases for tests, on either backend;
//! - [`telemetry`]: logging setup.

pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod jobs;
pub mod scoring;
pub mod telemetry;
pub mod testing;
