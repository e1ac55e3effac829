//! People signing in over HTTP: `POST /auth/sign-in` (email and password; sets an HttpOnly,
//! SameSite=Strict session cookie), `POST /auth/sign-out`, `GET /auth/status` (who is signed
//! in and how this server lets people in), the cookie read back on every request and
//! WebSocket, and the throttle on failed sign-ins per account and per address.
//!
//! With no API keys and no users the server stays open on loopback (a local admin); once a
//! user exists, people must sign in (or present a key).

use std::{
    collections::HashMap,
    net::{IpAddr, SocketAddr},
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use axum::{
    Json,
    body::Bytes,
    extract::{ConnectInfo, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::json;
use worker::people;

use crate::{auth::Caller, error::ApiError, state::AppState};

/// The session cookie's name.
pub const COOKIE: &str = "tutorscore_session";

/// What the server knows about people between requests: whether any user exists (known at
/// start, set when this process creates one, and watched in the background for users created
/// elsewhere, so that open mode costs no query per request) and the failed sign-ins.
pub struct PeopleGate {
    has_users: AtomicBool,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    /// Failed sign-ins allowed per account in [`FAILURE_WINDOW`]; an address gets four times
    /// as many (it may be an office behind one address).
    max_failures: usize,
}

/// The window of the failed sign-in throttle.
pub const FAILURE_WINDOW: Duration = Duration::from_secs(15 * 60);
/// How often a server without users looks whether one was created elsewhere.
const USERS_CHECK_EVERY: Duration = Duration::from_secs(5);

impl PeopleGate {
    pub fn new(max_failures: usize, has_users: bool) -> Self {
        Self {
            has_users: AtomicBool::new(has_users),
            failures: Mutex::new(HashMap::new()),
            max_failures: max_failures.max(1),
        }
    }

    /// Whether any user exists.
    pub fn has_users(&self) -> bool {
        self.has_users.load(Ordering::Relaxed)
    }

    /// A user now exists.
    pub fn user_created(&self) {
        self.has_users.store(true, Ordering::Relaxed);
    }

    /// Until a user exists (users are never deleted, only deactivated), looks every few
    /// seconds whether one was created by another process (`tutorscore users add`, another
    /// api replica); stops at shutdown.
    pub async fn watch(state: AppState) {
        while !state.people.has_users() {
            tokio::select! {
                () = tokio::time::sleep(USERS_CHECK_EVERY) => {}
                () = state.shutdown.cancelled() => return,
            }
            if let Ok(count) = people::read::count(&state.db).await
                && count > 0
            {
                state.people.user_created();
            }
        }
    }

    /// Seconds to wait when `email` or `address` failed too often lately, else `None`.
    fn throttled(&self, email: &str, address: IpAddr) -> Option<u64> {
        let mut failures = self.failures.lock().expect("throttle mutex");
        let now = Instant::now();
        let mut wait = None;
        for (key, allowed) in [
            (format!("email:{email}"), self.max_failures),
            (format!("ip:{address}"), self.max_failures * 4),
        ] {
            let times = failures.entry(key).or_default();
            times.retain(|t| now.duration_since(*t) < FAILURE_WINDOW);
            if times.len() >= allowed {
                let oldest = times[0];
                let left = FAILURE_WINDOW.saturating_sub(now.duration_since(oldest));
                wait = Some(wait.unwrap_or(0).max(left.as_secs().max(1)));
            }
        }
        wait
    }

    fn failed(&self, email: &str, address: IpAddr) {
        let mut failures = self.failures.lock().expect("throttle mutex");
        let now = Instant::now();
        for key in [format!("email:{email}"), format!("ip:{address}")] {
            failures.entry(key).or_default().push(now);
        }
        // Old entries go at the next look-up; keys with no recent failure go here.
        failures.retain(|_, times| times.iter().any(|t| now.duration_since(*t) < FAILURE_WINDOW));
    }
}

/// The session token a request's `Cookie` header carries, if any.
pub fn token_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The signed-in person a request's cookie names (`None`: no cookie, or an expired, revoked
/// or unknown one).
pub async fn person_of(state: &AppState, headers: &HeaderMap) -> Result<Option<Caller>, ApiError> {
    let Some(token) = token_of(headers) else {
        return Ok(None);
    };
    let found = people::store::authenticate(&state.db, &token, state.clock.now()).await?;
    Ok(found.map(|(user, sign_in)| Caller::Person {
        user_id: user.id,
        email: user.email,
        role: user.role,
        sign_in_id: sign_in.id,
    }))
}

/// The caller when no key was presented: the signed-in person, or the local admin of an
/// open server (no keys, no users), or nobody.
pub async fn caller_without_key(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    if let Some(person) = person_of(state, headers).await? {
        return Ok(person);
    }
    if state.keys.is_empty() && !state.people.has_users() {
        return Ok(Caller::Open);
    }
    Err(ApiError::Unauthenticated)
}

fn cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.config.mail.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={value}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age}{secure}"
    ))
    .expect("cookie text is ASCII")
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })),
    )
        .into_response()
}

fn user_json(user: &entity::user::Model) -> serde_json::Value {
    json!({ "id": user.id, "email": user.email, "name": user.name, "role": user.role })
}

#[derive(Deserialize)]
struct SignIn {
    email: String,
    password: String,
}

/// `POST /auth/sign-in` with `{"email", "password"}` (JSON only: a form post from another
/// site cannot sign anyone in).
pub async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let json_body = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or_default().trim() == "application/json");
    if !json_body {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            "POST /auth/sign-in needs Content-Type: application/json",
        );
    }
    let Ok(input) = serde_json::from_slice::<SignIn>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "expected {\"email\": ..., \"password\": ...}",
        );
    };
    let email = input.email.trim().to_lowercase();
    // Behind the proxy every peer is the proxy: the throttle keys on the client it names.
    let address = state.trusted_proxies.client_of(peer, &headers);
    if let Some(seconds) = state.people.throttled(&email, address) {
        metrics::counter!("tutorscore_sign_ins_total", "outcome" => "throttled").increment(1);
        let mut response = error(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMITED",
            &format!("too many failed sign-ins; try again in {seconds} s"),
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    let signed_in = people::store::sign_in(
        &state.db,
        &email,
        &input.password,
        &state.config.people,
        state.clock.now(),
    )
    .await;
    match signed_in {
        Ok(Some(signed_in)) => {
            metrics::counter!("tutorscore_sign_ins_total", "outcome" => "ok").increment(1);
            let max_age = (signed_in.expires_at - state.clock.now()).num_seconds().max(0);
            let mut response = Json(json!({ "user": user_json(&signed_in.user) })).into_response();
            response
                .headers_mut()
                .insert(header::SET_COOKIE, cookie(&state, &signed_in.token, max_age));
            response
        }
        Ok(None) => {
            metrics::counter!("tutorscore_sign_ins_total", "outcome" => "refused").increment(1);
            state.people.failed(&email, address);
            error(
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
                "wrong email or password",
            )
        }
        Err(e) => {
            let e = ApiError::from(e);
            error(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.message())
        }
    }
}

/// `POST /auth/sign-out`: ends the cookie's sign-in and clears the cookie.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = token_of(&headers)
        && let Err(e) = people::store::sign_out(&state.db, &token, state.clock.now()).await
    {
        let e = ApiError::from(e);
        return error(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.message());
    }
    let mut response = Json(json!({ "signedOut": true })).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, cookie(&state, "", 0));
    response
}

/// `GET /auth/status`: who the cookie signs in, whether people can sign in here, and whether
/// the server is open (no keys, no users).
pub async fn status(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let answer = async {
        let person = person_of(&state, &headers).await?;
        let has_users = state.people.has_users();
        let user = match person.as_ref().and_then(Caller::user_id) {
            Some(id) => people::read::by_id(&state.db, id).await.map_err(ApiError::from)?,
            None => None,
        };
        Ok::<_, ApiError>(json!({
            "signedIn": user.is_some(),
            "user": user.as_ref().map(user_json),
            "signIn": has_users,
            "keys": !state.keys.is_empty(),
            "open": state.keys.is_empty() && !has_users,
        }))
    };
    match answer.await {
        Ok(body) => Json(body).into_response(),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e.code(), &e.message()),
    }
}
