//! The GraphQL endpoint over HTTP and the WebSocket upgrade.
//!
//! `POST /graphql` takes `application/json` only: a "simple" content type (text/plain, a
//! form) would let another site post without a CORS preflight, so it is refused (CSRF). `GET
//! /graphql` runs queries from the query string; a mutation over GET gets 405 with
//! `Allow: POST`. Batches (a JSON array) are refused. Responses use
//! `application/graphql-response+json` when the client accepts it (with the status codes of
//! the GraphQL-over-HTTP spec), `application/json` otherwise. A request error (a document that
//! does not parse or validate, so nothing executed) is answered without `data`: with 400 under
//! the GraphQL-over-HTTP media type, with 200 under `application/json`.

use std::net::{IpAddr, SocketAddr};

use async_graphql::{Request, Response, ServerError};
use axum::{
    body::Bytes,
    extract::{ConnectInfo, RawQuery, State, WebSocketUpgrade, ws::rejection::WebSocketUpgradeRejection},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response as HttpResponse},
};
use uuid::Uuid;

use crate::{
    auth::{self, Caller},
    execute::{self, Refused},
    graphql::Endpoint,
    state::AppState,
};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

fn error_response(status: StatusCode, code: &str, message: &str, request_id: &str) -> HttpResponse {
    let body = serde_json::json!({
        "errors": [{ "message": message, "extensions": { "code": code, "requestId": request_id } }]
    });
    let mut response = (status, axum::Json(body)).into_response();
    if status == StatusCode::METHOD_NOT_ALLOWED {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
    }
    response
}

/// The caller of an HTTP request from `address`: a key in its `Authorization` header (when
/// keys are configured), else the person its session cookie signs in, else the local admin of
/// an open server, else nobody.
pub async fn caller_of(state: &AppState, address: IpAddr, headers: &HeaderMap) -> Result<Caller, Refused> {
    match headers.get(header::AUTHORIZATION) {
        Some(value) if !state.keys.is_empty() => {
            let presented = value
                .to_str()
                .ok()
                .and_then(auth::bearer)
                .unwrap_or("\0malformed");
            execute::authenticate_key(state, address, presented)
        }
        _ => crate::people::caller_without_key(state, headers)
            .await
            .map_err(|e| execute::unauthenticated(&e)),
    }
}

/// `GET /graphql`: a WebSocket upgrade, or a query in the query string.
pub async fn graphql_get(
    State(endpoint): State<Endpoint>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> HttpResponse {
    let address = endpoint.state.trusted_proxies.client_of(peer, &headers);
    if let Ok(upgrade) = upgrade {
        // A dashboard's WebSocket carries the sign-in cookie; a key may still come in
        // `connection_init`.
        let without_key = crate::people::caller_without_key(&endpoint.state, &headers)
            .await
            .ok();
        return crate::ws::upgrade(endpoint, upgrade, without_key, address);
    }
    execute_http(endpoint, address, Method::GET, headers, query, Bytes::new()).await
}

/// `POST /graphql`: one operation as JSON.
pub async fn graphql_post(
    State(endpoint): State<Endpoint>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> HttpResponse {
    let address = endpoint.state.trusted_proxies.client_of(peer, &headers);
    execute_http(endpoint, address, Method::POST, headers, None, body).await
}

fn refused(refusal: &Refused, request_id: &str) -> HttpResponse {
    let mut response = error_response(refusal.status, refusal.code, &refusal.message, request_id);
    if let Some(seconds) = refusal.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

async fn execute_http(
    endpoint: Endpoint,
    address: IpAddr,
    method: Method,
    headers: HeaderMap,
    query: Option<String>,
    body: Bytes,
) -> HttpResponse {
    // Set by the request-id layer for every request; the fallback only serves direct calls.
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map_or_else(|| Uuid::new_v4().to_string(), str::to_owned);
    let state = &endpoint.state;
    let caller = match caller_of(state, address, &headers).await {
        Ok(caller) => caller,
        Err(refusal) => return refused(&refusal, &request_id),
    };
    let request = match parse_request(&method, &headers, query.as_deref(), &body) {
        Ok(request) => request,
        Err((status, code, message)) => return error_response(status, code, &message, &request_id),
    };
    let mut admitted = match execute::admit(&endpoint, request) {
        Ok(admitted) => admitted,
        Err(refusal) => return respond_refused(&headers, &refusal, &request_id),
    };
    admitted.fresh = wants_fresh(&headers);
    if method == Method::GET && admitted.operation.kind == "mutation" {
        return error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            "mutations must be sent with POST",
            &request_id,
        );
    }
    if let Err(refusal) = execute::rate_limit(state, &caller) {
        return refused(&refusal, &request_id);
    }
    match execute::run(&endpoint, caller, admitted, &request_id).await {
        execute::Answer::Kept(kept) => {
            let content_type = content_type(&headers);
            (
                StatusCode::OK,
                [(header::CONTENT_TYPE, content_type)],
                kept.body.clone(),
            )
                .into_response()
        }
        execute::Answer::Ran(response, executed) => respond(&headers, *response, executed),
    }
}

/// A request error found before parsing, answered as the parser's own errors would be: 400
/// under the GraphQL-over-HTTP media type, 200 under `application/json`, without `data`.
fn respond_refused(headers: &HeaderMap, refusal: &Refused, request_id: &str) -> HttpResponse {
    let mut error = ServerError::new(refusal.message.clone(), None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", refusal.code);
    extensions.set("requestId", request_id);
    error.extensions = Some(extensions);
    respond(headers, Response::from_errors(vec![error]), false)
}

/// The HTTP response for a GraphQL response; `executed` is false for a request error.
fn respond(headers: &HeaderMap, response: Response, executed: bool) -> HttpResponse {
    let accepts_graphql_response = accepts_graphql_response(headers);
    let request_error = !executed && response.is_err();
    // Under the GraphQL-over-HTTP media type a request error is a 4xx; under application/json
    // every well-formed request gets 200 (the spec's rule for legacy clients).
    let status = if accepts_graphql_response && request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let content_type = content_type(headers);
    let body = if request_error {
        let mut body = serde_json::to_value(&response).unwrap_or_else(|_| serde_json::json!({}));
        if let Some(fields) = body.as_object_mut() {
            // Nothing executed, so there is no `data` (not even null): GraphQL spec, "Response".
            fields.remove("data");
        }
        serde_json::to_vec(&body)
    } else {
        serde_json::to_vec(&response)
    }
    .unwrap_or_else(|_| b"{}".to_vec());
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn accepts_graphql_response(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains(GRAPHQL_RESPONSE))
}

/// The media type of a response: the GraphQL-over-HTTP one when the client accepts it.
fn content_type(headers: &HeaderMap) -> &'static str {
    if accepts_graphql_response(headers) {
        GRAPHQL_RESPONSE
    } else {
        "application/json"
    }
}

/// Whether the client asked for an answer computed now (`Cache-Control: no-cache` or
/// `no-store`), not one kept from before.
fn wants_fresh(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|directive| {
            let directive = directive.trim();
            directive.eq_ignore_ascii_case("no-cache") || directive.eq_ignore_ascii_case("no-store")
        })
}

type Rejection = (StatusCode, &'static str, String);

fn bad_request(message: impl Into<String>) -> Rejection {
    (StatusCode::BAD_REQUEST, "BAD_REQUEST", message.into())
}

/// Builds the GraphQL request from a GET query string or a JSON POST body.
fn parse_request(
    method: &Method,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &Bytes,
) -> Result<Request, Rejection> {
    if *method == Method::GET {
        let query = query.unwrap_or_default();
        if !query
            .split('&')
            .any(|pair| pair.split('=').next() == Some("query"))
        {
            return Err(no_query());
        }
        return async_graphql::http::parse_query_string(query)
            .map_err(|e| bad_request(format!("invalid query string: {e}")));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let media = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if media != "application/json" && media != "application/graphql+json" {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST /graphql needs Content-Type: application/json".into(),
        ));
    }
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(bad_request(
            "batched requests are not supported; send one operation per request",
        ));
    }
    let malformed = |e: serde_json::Error| bad_request(format!("malformed JSON body: {e}"));
    // async-graphql reads a missing `query` as "", a document that fails to parse; without the
    // parameter the request is not a GraphQL request at all (400 under either media type).
    if serde_json::from_slice::<QueryParameter>(body)
        .map_err(malformed)?
        .query
        .is_none()
    {
        return Err(no_query());
    }
    serde_json::from_slice::<Request>(body).map_err(malformed)
}

/// The one parameter a request cannot do without; what it holds is checked by the parser.
#[derive(serde::Deserialize)]
struct QueryParameter {
    query: Option<serde::de::IgnoredAny>,
}

fn no_query() -> Rejection {
    bad_request("the request has no `query` parameter")
}
