//! What every request and response passes at the edge of the router: a client's
//! `x-request-id` is kept only when it is short and printable (it goes into every log line and
//! error of the request; anything else is replaced by a fresh id), and a 413 from the body
//! limits is answered as GraphQL JSON with `extensions.code` `PAYLOAD_TOO_LARGE` rather than
//! as plain text.

use axum::{
    extract::Request,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};

/// Longest client request id kept.
pub const MAX_REQUEST_ID_CHARS: usize = 64;

/// Whether a client's request id may be kept: 1..=64 characters of `A-Za-z0-9` and `-_.:`.
pub fn acceptable_request_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_REQUEST_ID_CHARS
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Drops an unacceptable `x-request-id` (and a repeated one), so that the request-id layer
/// makes a fresh one.
pub async fn check_request_id(mut request: Request) -> Request {
    let headers = request.headers_mut();
    let mut ids = headers.get_all("x-request-id").iter();
    let keep = matches!((ids.next(), ids.next()), (Some(id), None) if acceptable_request_id(id));
    if !keep {
        headers.remove("x-request-id");
    }
    request
}

/// A plain 413 (from `DefaultBodyLimit` or `RequestBodyLimitLayer`) as a GraphQL error.
pub async fn payload_too_large_as_json(response: Response) -> Response {
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE
        || response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
    {
        return response;
    }
    let body = serde_json::json!({
        "errors": [{
            "message": "the request body is larger than MAX_BODY_BYTES allows",
            "extensions": { "code": "PAYLOAD_TOO_LARGE" }
        }]
    });
    crate::metrics::record_error("PAYLOAD_TOO_LARGE");
    (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_printable_request_ids_are_kept() {
        assert!(acceptable_request_id(&HeaderValue::from_static("3f2a-b1.c_9:x")));
        assert!(!acceptable_request_id(&HeaderValue::from_static("")));
        assert!(!acceptable_request_id(&HeaderValue::from_static("a b")));
        assert!(!acceptable_request_id(
            &HeaderValue::from_str(&"x".repeat(65)).unwrap()
        ));
        assert!(!acceptable_request_id(
            &HeaderValue::from_bytes(b"id\xff").unwrap()
        ));
    }
}
