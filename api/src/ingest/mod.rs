//! Ingestion: turning integrator input into stored sessions and tutors.
//!
//! [`input`] parses and checks (parse, don't validate: services only see valid data);
//! [`service`] writes, one transaction per session, and nudges the worker after commit.

pub mod input;
pub mod service;
