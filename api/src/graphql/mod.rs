//! The GraphQL schema, one file per area, each holding its types and resolvers; resolvers
//! take the state, call the core's services and map the result to GraphQL types.
//!
//! Layout: [`tutors`], [`sessions`], [`scores`], [`overview`], [`alerts`], [`people`],
//! [`predictions`], [`interventions`], [`timeline`] (with notes),
//! [`email`], [`admin`] — the
//! areas, merged into the query, mutation and subscription roots here; [`connection`] builds
//! every list's edges and page info; [`live`] the event stream under every subscription;
//! [`enums`] the enums; [`ids`] our ids; [`loaders`] the DataLoaders; [`nesting`] the pre-parse nesting
//! scan; [`limits`] the document limits, error codes for errors raised before execution and the execution marker.

pub mod admin;
pub mod alerts;
pub mod connection;
pub mod email;
pub mod enums;
pub mod ids;
pub mod interventions;
pub mod limits;
pub mod live;
pub mod loaders;
pub mod nesting;
pub mod overview;
pub mod people;
pub mod predictions;
pub mod scores;
pub mod sessions;
pub mod timeline;
pub mod tutors;

use async_graphql::{MergedObject, MergedSubscription, Schema, SchemaBuilder, dataloader::DataLoader};

use crate::state::AppState;

/// Every query: the viewer queries, email reports and the admin ones.
#[derive(MergedObject, Default)]
pub struct Query(
    tutors::TutorQuery,
    sessions::SessionQuery,
    overview::OverviewQuery,
    scores::ScoreQuery,
    email::EmailQuery,
    admin::AdminQuery,
    alerts::AlertQuery,
    people::PeopleQuery,
    predictions::PredictionQuery,
    interventions::InterventionQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    sessions::SessionMutation,
    tutors::TutorMutation,
    admin::AdminMutation,
    email::EmailMutation,
    alerts::AlertMutation,
    people::PeopleMutation,
    interventions::InterventionMutation,
    timeline::NoteMutation,
);

/// Every subscription.
#[derive(MergedSubscription, Default)]
#[graphql(name = "SubscriptionRoot")]
pub struct Subscription(
    scores::ScoreSubscription,
    sessions::SessionSubscription,
    alerts::AlertSubscription,
    interventions::InterventionSubscription,
    timeline::TimelineSubscription,
);

/// The tutorscore schema.
pub type AppSchema = Schema<Query, Mutation, Subscription>;

/// What the GraphQL transports (HTTP and WebSocket) serve: the state and the built schema.
#[derive(Clone)]
pub struct Endpoint {
    pub state: AppState,
    pub schema: AppSchema,
    /// The same schema under the introspection depth rule, for introspection-only documents.
    pub introspection_schema: AppSchema,
}

/// The document limits of a configuration.
pub fn document_limits(limits: &crate::config::LimitsConfig) -> limits::DocumentLimits {
    limits::DocumentLimits {
        max_aliases: limits.max_aliases,
        max_fields: limits.max_fields,
        max_value_depth: limits.max_value_depth,
        // Generous: the exact depth rule runs after parsing; this only keeps the parser safe.
        max_selection_depth: limits.max_depth.max(limits::INTROSPECTION_MAX_DEPTH) + limits.max_value_depth,
        introspection: limits.introspection,
    }
}

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription::default())
}

/// The schema with its data and the configured limits; `max_depth` is `MAX_QUERY_DEPTH`, or
/// the introspection rule's depth.
pub fn build(state: AppState, max_depth: usize) -> AppSchema {
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
        .data(DataLoader::new(
            loaders::UserLoader(state.db.clone()),
            tokio::spawn,
        ))
        .data(DataLoader::new(
            loaders::SessionLoader(state.db.clone()),
            tokio::spawn,
        ))
        .data(DataLoader::new(
            loaders::PredictionLoader(state.db.clone()),
            tokio::spawn,
        ))
        .limit_depth(max_depth)
        .limit_complexity(limits.max_complexity)
        .limit_recursive_depth(32)
        .extension(document_limits(limits))
        .extension(limits::MarkExecution);
    if !limits.introspection {
        // "Did you mean ..." would reveal the schema that introspection hides.
        schema = schema.disable_introspection().disable_suggestions();
    }
    schema.data(state).finish()
}

/// The endpoint for `state`.
pub fn endpoint(state: AppState) -> Endpoint {
    let depth = state.config.limits.max_depth;
    Endpoint {
        schema: build(state.clone(), depth),
        introspection_schema: build(state.clone(), depth.max(limits::INTROSPECTION_MAX_DEPTH)),
        state,
    }
}

/// The schema's SDL, as kept in `schema.graphql` (`tutorscore schema` prints it).
pub fn sdl() -> String {
    builder().finish().sdl()
}
