//! The one path every GraphQL operation takes, over HTTP and over WebSocket alike, so that
//! the limits cannot differ between transports:
//!
//! 1. [`authenticate_key`]: a presented API key, throttled per client address
//!    (`AUTH_FAILURES_PER_MINUTE`), failures counted;
//! 2. [`admit`]: value and selection nesting checked before anything parses the document,
//!    then the operation's name and kind;
//! 3. [`rate_limit`]: one token of the caller's bucket (`RATE_LIMIT_PER_MINUTE`);
//! 4. [`run`] (queries and mutations, under `QUERY_TIMEOUT_SECONDS`; a query of
//!    [`CACHEABLE_FIELDS`] only is answered from the response cache between changes) or [`stream`]
//!    (subscriptions), on the schema whose depth rule fits the document; complexity, depth,
//!    aliases and selections are the schema's own limits, the same for both.
//!
//! Whatever is refused on the way is counted in `tutorscore_graphql_errors_total{code}`.

use std::{
    net::IpAddr,
    time::{Duration, Instant},
};

use async_graphql::{Request, Response, ServerError, parser::types::OperationType};
use axum::http::StatusCode;
use futures::{Stream, StreamExt};

use crate::{
    auth::Caller,
    error::ApiError,
    graphql::{
        Endpoint,
        limits::{Executed, finish_errors, introspection_only},
    },
    metrics,
    response_cache::{CACHEABLE_FIELDS, Kept, Lookup},
    state::AppState,
};

/// A request refused before execution: what the client is told, and the HTTP status.
#[derive(Debug, Clone)]
pub struct Refused {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds to wait, for 429.
    pub retry_after: Option<u64>,
}

impl Refused {
    fn from_api(status: StatusCode, error: &ApiError) -> Self {
        let retry_after = match error {
            ApiError::RateLimited { retry_after_seconds } => Some(*retry_after_seconds),
            _ => None,
        };
        metrics::record_error(error.code());
        Self {
            status,
            code: error.code(),
            message: error.message(),
            retry_after,
        }
    }

    /// The refusal as GraphQL errors (`errors` of a response, or a WebSocket `error` payload).
    pub fn errors(&self, request_id: &str) -> serde_json::Value {
        let mut extensions = serde_json::json!({ "code": self.code, "requestId": request_id });
        if let Some(seconds) = self.retry_after {
            extensions["retryAfter"] = seconds.into();
        }
        serde_json::json!([{ "message": self.message, "extensions": extensions }])
    }
}

/// The caller a presented API key names; a wrong key is recorded against `address`, and an
/// address with too many recent failures is refused (429) without looking at its key.
pub fn authenticate_key(state: &AppState, address: IpAddr, presented: &str) -> Result<Caller, Refused> {
    state
        .auth_throttle
        .check(address)
        .map_err(|e| Refused::from_api(StatusCode::TOO_MANY_REQUESTS, &e))?;
    state.keys.authenticate(Some(presented)).map_err(|e| {
        state.auth_throttle.failed(address);
        tracing::info!(%address, "failed authentication");
        Refused::from_api(StatusCode::UNAUTHORIZED, &e)
    })
}

/// Counts a failed authentication decided elsewhere (no key and no valid sign-in; 503 when
/// the sign-in could not be looked up).
pub fn unauthenticated(error: &ApiError) -> Refused {
    let status = match error {
        ApiError::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNAUTHORIZED,
    };
    Refused::from_api(status, error)
}

/// What a request is, known before it runs.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Its name ("anonymous" without one; "invalid" when the document does not parse).
    pub name: String,
    /// "query", "mutation", "subscription" or "invalid".
    pub kind: &'static str,
    /// Whether it asks for introspection only (judged by the introspection depth rule).
    pub introspection_only: bool,
    /// Whether it is a query of [`CACHEABLE_FIELDS`] only, so its answer may be reused.
    pub cacheable: bool,
}

/// A request that passed the checks before parsing, with what it is.
pub struct Admitted {
    pub request: Request,
    pub operation: Operation,
    /// The client asked for a fresh answer (`Cache-Control: no-cache`).
    pub fresh: bool,
}

/// The nesting checks, then the operation: nothing parses the document before the checks.
pub fn admit(endpoint: &Endpoint, mut request: Request) -> Result<Admitted, Refused> {
    let limits = crate::graphql::document_limits(&endpoint.state.config.limits);
    if let Err(error) = limits.check_nesting(&request.query, &request.variables) {
        metrics::record_error("GRAPHQL_PARSE_FAILED");
        return Err(Refused {
            status: StatusCode::BAD_REQUEST,
            code: "GRAPHQL_PARSE_FAILED",
            message: error.message,
            retry_after: None,
        });
    }
    let operation = describe(&mut request);
    Ok(Admitted {
        request,
        operation,
        fresh: false,
    })
}

/// Takes one token of the caller's rate limit.
pub fn rate_limit(state: &AppState, caller: &Caller) -> Result<(), Refused> {
    state
        .rate_limiter
        .check(caller)
        .map_err(|e| Refused::from_api(StatusCode::TOO_MANY_REQUESTS, &e))
}

fn schema_for<'a>(endpoint: &'a Endpoint, operation: &Operation) -> &'a crate::graphql::AppSchema {
    if operation.introspection_only {
        &endpoint.introspection_schema
    } else {
        &endpoint.schema
    }
}

/// What [`run`] answers.
pub enum Answer {
    /// An answer kept in the response cache.
    Kept(std::sync::Arc<Kept>),
    /// The response (errors with their codes and the request id) and whether it reached
    /// execution (false: a request error).
    Ran(Box<Response>, bool),
}

impl Answer {
    /// As a response (a kept one executed, of course).
    pub fn into_response(self) -> (Response, bool) {
        match self {
            Answer::Kept(kept) => (Response::new(kept.data.clone()), true),
            Answer::Ran(response, executed) => (*response, executed),
        }
    }
}

/// Runs a query or mutation under `QUERY_TIMEOUT_SECONDS`, or answers it from the response
/// cache.
pub async fn run(endpoint: &Endpoint, caller: Caller, admitted: Admitted, request_id: &str) -> Answer {
    let state = &endpoint.state;
    let Admitted {
        request,
        operation,
        fresh,
    } = admitted;
    let started = Instant::now();
    let looked_up = state.clock.now();
    let cached = if operation.cacheable && !fresh {
        state.response_cache.lookup(&caller, &request, looked_up)
    } else {
        None
    };
    let store_as = match cached {
        Some(Lookup::Hit(kept)) => {
            metrics::record_request(&operation.name, operation.kind, started.elapsed(), &[]);
            return Answer::Kept(kept);
        }
        Some(Lookup::Miss { key, generation }) => Some((key, generation)),
        None => None,
    };
    let timeout = Duration::from_secs(state.config.limits.query_timeout_seconds);
    let executed = Executed::default();
    let request = request.data(caller).data(executed.clone());
    let schema = schema_for(endpoint, &operation);
    let mut response = match tokio::time::timeout(timeout, schema.execute(request)).await {
        Ok(response) => response,
        Err(_) => {
            // Not the client's fault, whichever stage it stopped in: answered like an
            // execution error (`data: null`).
            executed.set();
            tracing::warn!(%request_id, operation = operation.name, "query timed out");
            let mut error = ServerError::new(
                format!("the operation took longer than {} s", timeout.as_secs()),
                None,
            );
            let mut ext = async_graphql::ErrorExtensionValues::default();
            ext.set("code", "SERVICE_UNAVAILABLE");
            error.extensions = Some(ext);
            Response::from_errors(vec![error])
        }
    };
    if operation.kind == "mutation" {
        // What it changed may be in a kept answer; its event empties other processes' caches.
        state.response_cache.invalidate();
    } else if let Some((key, generation)) = store_as
        && response.errors.is_empty()
        && response.extensions.is_empty()
    {
        // Stamped with the time the lookup was made, before the answer was computed.
        state
            .response_cache
            .store(key, generation, &response.data, looked_up);
    }
    finish_errors(&mut response, request_id);
    record(&operation, started, &response);
    Answer::Ran(Box::new(response), executed.get())
}

/// Runs a subscription: its responses, each with error codes and the request id.
pub fn stream(
    endpoint: &Endpoint,
    caller: Caller,
    admitted: Admitted,
    request_id: String,
) -> impl Stream<Item = Response> + Send + 'static {
    let Admitted {
        request, operation, ..
    } = admitted;
    let started = Instant::now();
    let mut first = true;
    schema_for(endpoint, &operation)
        .execute_stream(request.data(caller))
        .map(move |mut response| {
            finish_errors(&mut response, &request_id);
            if std::mem::take(&mut first) {
                record(&operation, started, &response);
            }
            response
        })
}

fn record(operation: &Operation, started: Instant, response: &Response) {
    let codes: Vec<String> = response
        .errors
        .iter()
        .filter_map(|e| {
            e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .map(|c| c.to_string().trim_matches('"').to_owned())
        })
        .collect();
    metrics::record_request(&operation.name, operation.kind, started.elapsed(), &codes);
}

/// The operation's name (or "anonymous") and kind, as metrics and the GET rule see them.
/// Parses the document (and keeps it in the request): call it only on a request that passed
/// [`admit`]'s nesting check.
pub fn operation_of(request: &mut Request) -> (String, &'static str) {
    let operation = describe(request);
    (operation.name, operation.kind)
}

/// The operation's name, kind and what it asks for. Parses the document once, for execution
/// too (the parsed document stays in the request): call it only on a request that passed
/// [`admit`]'s nesting check.
fn describe(request: &mut Request) -> Operation {
    let invalid = |name: &str| Operation {
        name: name.into(),
        kind: "invalid",
        introspection_only: false,
        cacheable: false,
    };
    let wanted = request.operation_name.clone();
    let Ok(document) = request.parsed_query() else {
        return invalid("invalid");
    };
    let chosen = document
        .operations
        .iter()
        .find(|(name, _)| match (&wanted, name) {
            (Some(wanted), Some(name)) => name.as_str() == wanted,
            (None, _) => true,
            _ => false,
        });
    match chosen {
        Some((name, op)) => Operation {
            name: name.map_or_else(|| "anonymous".to_owned(), |n| n.to_string()),
            kind: match op.node.ty {
                OperationType::Query => "query",
                OperationType::Mutation => "mutation",
                OperationType::Subscription => "subscription",
            },
            introspection_only: introspection_only(document),
            cacheable: op.node.ty == OperationType::Query
                && only_cacheable_fields(&op.node.selection_set.node),
        },
        None => invalid("unknown"),
    }
}

/// Whether a root selection set names [`CACHEABLE_FIELDS`] only, as plain fields (a fragment
/// at the root could name anything).
fn only_cacheable_fields(selection_set: &async_graphql::parser::types::SelectionSet) -> bool {
    use async_graphql::parser::types::Selection;
    !selection_set.items.is_empty()
        && selection_set.items.iter().all(|item| match &item.node {
            Selection::Field(field) => CACHEABLE_FIELDS.contains(&field.node.name.node.as_str()),
            _ => false,
        })
}
