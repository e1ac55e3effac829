//! The GraphQL schema, one file per area, each holding its types and resolvers; resolvers
//! take the state, call the core's services and map the result to GraphQL types.
//!
//! Layout: [`tutors`], [`sessions`], [`scores`], [`overview`], [`alerts`], [`people`],
//! [`predictions`], [`interventions`], [`timeline`] (with notes),
//! [`email`], [`admin`] — the
//! areas, merged into the query, mutation and subscription roots here; [`connection`] builds
//! every list's edges and page info; [`live`] the event stream under every subscription;
//! [`enums`] the enums; [`ids`] our ids; [`loaders`] the DataLoaders; [`limits`] the document
//! limits, error codes for errors raised before execution and the execution marker.

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
}

fn builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription::default())
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
        .data(DataLoader::new(
            loaders::UserLoader(state.db.clone()),
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

/// The endpoint for `state`.
pub fn endpoint(state: AppState) -> Endpoint {
    Endpoint {
        schema: build(state.clone()),
        state,
    }
}

/// The schema's SDL, as kept in `schema.graphql` (`tutorscore schema` prints it).
pub fn sdl() -> String {
    builder().finish().sdl()
}
