//! Administration in the API: the dead jobs and putting one back in the queue (admin role).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use worker::pagination::page_size;

use crate::{
    auth::{Role, RoleGuard},
    error::ApiError,
    state::AppState,
};

/// A job that failed too often and stopped being retried.
#[derive(SimpleObject, Debug)]
pub struct DeadJob {
    pub id: ID,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl From<entity::job::Model> for DeadJob {
    fn from(j: entity::job::Model) -> Self {
        Self {
            id: ID(j.id.to_string()),
            kind: serde_json::to_value(j.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            payload: j.payload,
            attempts: j.attempts,
            last_error: j.last_error,
            updated_at: j.updated_at,
        }
    }
}

/// Admin queries.
#[derive(Default)]
pub struct AdminQuery;

#[Object]
impl AdminQuery {
    /// Jobs that exhausted their attempts, newest first (admin).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn dead_jobs(&self, ctx: &Context<'_>, first: Option<i32>) -> async_graphql::Result<Vec<DeadJob>> {
        let state = ctx.data_unchecked::<AppState>();
        let limit = page_size(first, 20, state.config.limits.max_page_size).map_err(ApiError::from)?;
        let rows = worker::jobs::dead(&state.db, limit)
            .await
            .map_err(ApiError::from)?;
        Ok(rows.into_iter().map(DeadJob::from).collect())
    }
}

/// Admin mutations.
#[derive(Default)]
pub struct AdminMutation;

#[Object]
impl AdminMutation {
    /// Puts a dead job back in the queue with fresh attempts (admin).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn retry_dead_job(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let state = ctx.data_unchecked::<AppState>();
        let id: i64 = id
            .parse()
            .map_err(|_| ApiError::input("id", "must be a job id"))?;
        let retried = worker::jobs::retry_dead(&state.db, id, state.clock.now())
            .await
            .map_err(ApiError::from)?;
        if !retried {
            return Err(ApiError::NotFound(format!("no dead job with id {id}")).into());
        }
        let _ = state.bus.notify_jobs().await;
        Ok(true)
    }
}
