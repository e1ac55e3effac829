//! The tutorscore api: an axum server with the GraphQL API (queries, mutations,
//! subscriptions), GraphiQL, health and metrics endpoints, and the dashboard.
//!
//! Layout:
//! - [`config`]: the api's settings on top of the shared core settings;
//! - [`startup`]: build (bind, connect, migrate, seed, start the worker) and run the server;
//! - [`state`]: the shared application state;
//! - [`server`]: connections (header and idle timeouts, the connection cap);
//! - [`http`] and [`ws`]: the GraphQL endpoint over HTTP and over WebSocket, both through
//!   [`execute`] (the checks, rate limit and timeout every operation passes), which answers
//!   the dashboard's read-mostly queries from [`response_cache`] between changes;
//! - [`pages`]: the dashboard, GraphiQL and their security headers;
//! - [`export`]: every list as a streamed CSV file;
//! - [`graphql`]: the schema, one module per area (types and resolvers, which call the core
//!   crate's services: the api holds no domain rules and builds no queries of its own);
//! - [`auth`], [`rate_limit`]: API keys, roles, per-key rate limits and the failed
//!   authentication throttle; [`client_address`]: the client behind trusted proxies; [`people`]: sign-in
//!   over HTTP, the session cookie, the failed sign-in throttle;
//! - [`edge`]: request ids and 413 answers at the router's edge;
//! - [`error`]: the error type and its client-visible codes;
//! - [`health`], [`metrics`]: liveness, readiness and Prometheus metrics.

pub mod auth;
pub mod client_address;
pub mod config;
pub mod edge;
pub mod error;
pub mod execute;
pub mod export;
pub mod graphql;
pub mod health;
pub mod http;
pub mod metrics;
pub mod pages;
pub mod people;
pub mod rate_limit;
pub mod response_cache;
pub mod server;
pub mod startup;
pub mod state;
pub mod ws;
