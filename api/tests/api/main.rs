//! Integration tests of the api: the real router on a random port, a real database on the
//! backend chosen by `TUTORSCORE_TEST_BACKEND`, real HTTP and WebSocket clients.

mod connections;
mod docs;
mod email;
mod faults;
mod hardening;
mod health;
mod helpers;
mod interventions;
mod pages;
mod people;
mod predictions;
mod protocol;
mod queries;
mod recording;
mod service_mode;
#[allow(dead_code)] // shared with the worker's tests, which use other parts
#[path = "../../../worker/tests/support/smtp.rs"]
mod smtp;
mod subscriptions;
