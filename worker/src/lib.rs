//! The tutorscore worker library: everything that happens after a session is recorded, plus
//! the pieces every process shares.
//!
//! Layout:
//! - [`config`]: the environment-driven settings shared by all binaries;
//! - [`db`]: opening and migrating the database, write transactions that behave the same on
//!   SQLite and Postgres;
//! - [`clock`]: the injected clock;
//! - [`scoring`]: the scoring rules, pure functions over plain data;
//! - [`jobs`]: the durable job queue;
//! - [`recompute`]: one tutor's score from the database, in one transaction;
//! - [`runner`]: the worker loop around one step;
//! - [`events`]: events and the bus that carries them (in-process or Redis);
//! - [`mail`]: session reports, risk alerts and the daily digest by email;
//! - [`demo`]: the seeded demo data generator;
//! - [`signals`]: waiting for SIGINT/SIGTERM;
//! - [`testing`]: fresh databases for tests, on either backend;
//! - [`telemetry`]: logging setup.

pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod events;
pub mod jobs;
pub mod mail;
pub mod recompute;
pub mod runner;
pub mod scoring;
pub mod signals;
pub mod telemetry;
pub mod testing;
