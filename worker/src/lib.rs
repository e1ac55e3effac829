//! The tutorscore core: the domain (validating and storing sessions and tutors, scoring,
//! email), its storage, and the processes that run it. The api crate on top of it is
//! transport only (GraphQL, HTTP, WebSocket, auth).
//!
//! Layout:
//!
//! Domain, one module per area, each with its rules, storage and reads:
//! - [`sessions`]: the `recordSession` write path (parse, check, store in one transaction)
//!   and the session reads;
//! - [`tutors`]: `upsertTutor`, locking a tutor for a write, the tutors list;
//! - [`scoring`]: the scoring rules, pure functions over plain data;
//! - [`scores`]: a tutor's score recomputed and stored in one transaction, and read back;
//! - [`people`]: users who sign in, their roles and sign-in sessions;
//! - [`alerts`]: an alert per flag with its lifecycle, synced by every recompute and worked
//!   by coaches; [`audit`]: who did what, recorded with every change;
//! - [`interventions`]: what coaches do about a tutor, its measured outcome, and which
//!   interventions work; [`notes`]: notes on tutors; [`timeline`]: everything that happened
//!   to a tutor in one list;
//! - [`predictions`]: booked sessions at risk, from an explainable model fitted on the
//!   database's history and judged on outcomes it never saw;
//! - [`overview`]: the overview's figures;
//! - [`mail`]: session reports, risk alerts and the daily digest by email;
//! - [`input`]: the text and time rules every input obeys; [`error`]: the error every
//!   domain service returns (the field and the rule, or the database's failure).
//!
//! Storage:
//! - [`db`]: opening and migrating the database, write transactions that behave the same on
//!   SQLite and Postgres;
//! - [`jobs`]: the durable job queue;
//! - [`pagination`]: keyset pages and cursors, for every list.
//!
//! Processes:
//! - [`runner`]: the worker loop around one step;
//! - [`events`]: events and the bus that carries them (in-process or Redis).
//!
//! Tools:
//! - [`config`]: the settings shared by every binary, and secrets kept out of logs;
//! - [`clock`]: the injected clock; [`signals`]: waiting for SIGINT/SIGTERM;
//! - [`telemetry`]: logging and metrics setup;
//! - [`demo`]: the seeded demo data generator; [`testing`]: fresh databases for tests.

// Domain
pub mod alerts;
pub mod audit;
pub mod error;
pub mod input;
pub mod interventions;
pub mod mail;
pub mod notes;
pub mod overview;
pub mod people;
pub mod predictions;
pub mod scores;
pub mod scoring;
pub mod sessions;
pub mod timeline;
pub mod tutors;

// Storage
pub mod db;
pub mod jobs;
pub mod pagination;

// Processes
pub mod events;
pub mod runner;

// Tools
pub mod clock;
pub mod config;
pub mod demo;
pub mod signals;
pub mod telemetry;
pub mod testing;
