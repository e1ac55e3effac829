//! The GraphQL schema: query, mutation and subscription roots, limits and loaders.
//!
//! Layout: `query.rs`, `mutation.rs` and `subscription.rs` hold the roots; `objects.rs` and
//! `score.rs` the types; `enums.rs` the enums; `loaders.rs` the DataLoaders; `limits.rs` the
//! alias limit, error codes for errors raised before execution and the execution marker.

pub mod email;
pub mod enums;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod objects;
pub mod query;
pub mod score;
pub mod subscription;

use async_graphql::{MergedObject, Schema, SchemaBuilder, dataloader::DataLoader};

use crate::state::AppState;

/// Every query: the viewer queries, email reports and the admin ones.
#[derive(MergedObject, Default)]
pub struct Query(query::QueryRoot, email::EmailQuery, mutation::AdminQuery);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(mutation::MutationRoot, email::EmailMutation);

/// The tutorscore schema.
pub type AppSchema = Schema<Query, Mutation, subscription::SubscriptionRoot>;

fn builder() -> SchemaBuilder<Query, Mutation, subscription::SubscriptionRoot> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        subscription::SubscriptionRoot,
    )
}

/// The schema with its data and the configured limits.
pub fn build(state: AppState) -> AppSchema {
    let limits = &state.config.limits;
    let mut schema = builder()
        .data(DataLoader::new(
            loaders::ScoreLoader(state.db.clone()),
            tokio::spawn,
        ))
        .data(DataLoader::new(
            loaders::TutorLoader(state.db.clone()),
            tokio::spawn,
        ))
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(32)
        .extension(limits::DocumentLimits {
            max_aliases: limits.max_aliases,
            introspection: limits.introspection,
        })
        .extension(limits::MarkExecution);
    if !limits.introspection {
        schema = schema.disable_introspection();
    }
    schema.data(state).finish()
}

/// The schema's SDL, as kept in `schema.graphql` (`tutorscore schema` prints it).
pub fn sdl() -> String {
    builder().finish().sdl()
}
