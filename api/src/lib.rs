//! The tutorscore api: an axum server with the GraphQL API, GraphiQL, health and metrics
//! endpoints, and the dashboard.
//!
//! Layout:
//! - [`config`]: the api's settings on top of the shared core settings;
//! - [`startup`]: build (bind, connect, migrate, seed) and run the server;
//! - [`state`]: the shared application state;
//! - [`health`]: liveness and readiness.

pub mod config;
pub mod health;
pub mod startup;
pub mod state;
