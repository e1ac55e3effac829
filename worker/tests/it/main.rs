//! Integration tests of the worker crate, against a real database on the backend chosen by
//! `TUTORSCORE_TEST_BACKEND` (see `worker::testing`); `helpers` gives each test its world.

mod alerts;
mod demo_data;
mod helpers;
mod interventions;
mod mail;
mod predictions;
mod recompute;
mod schema;
#[allow(dead_code)] // shared with the api's tests, which use other parts
#[path = "../support/smtp.rs"]
mod smtp;
mod worker_loop;
