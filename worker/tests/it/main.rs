//! Integration tests of the worker crate, against a real database on the backend chosen by
//! `TUTORSCORE_TEST_BACKEND` (see `worker::testing`).

mod demo_data;
mod mail;
mod schema;
mod worker_loop;
