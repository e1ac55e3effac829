//! GraphQL over WebSocket, both sub-protocols: `graphql-transport-ws` (the current one) and
//! the legacy `graphql-ws` (subscriptions-transport-ws).
//!
//! Our own state machine rather than async-graphql's, so that the close codes follow the
//! graphql-transport-ws protocol: 4400 malformed message, 4401 subscribe before
//! `connection_ack`, 4403 bad key, 4408 no `connection_init` in time, 4409 duplicate
//! subscription id, 4429 a second `connection_init`; 1001 when the server shuts down.
//! Each connection holds at most `WS_MAX_SUBSCRIPTIONS` subscriptions; frames are capped at
//! `WS_MAX_MESSAGE_BYTES` (1009 when exceeded); keep-alive pings (`ka` for the legacy
//! protocol) keep idle proxies from dropping the connection. A client address holds at most
//! `WS_MAX_PENDING_PER_ADDRESS` connections that have not sent `connection_init` yet.
//!
//! Operations go through [`crate::execute`], like HTTP requests: the same nesting checks, rate
//! limit (one token per `subscribe`), timeout for queries and mutations, and key throttle.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use async_graphql::Request;
use axum::{
    extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade},
    http::StatusCode,
    response::{IntoResponse, Response as HttpResponse},
};
use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::{sync::mpsc, task::JoinHandle};

use crate::{
    auth::{self, Caller},
    execute::{self, Refused},
    graphql::Endpoint,
};

/// Connections per client address that have not initialised yet.
pub struct PendingSockets {
    max_per_address: usize,
    counts: Mutex<HashMap<IpAddr, usize>>,
}

/// One pending connection: released when the connection initialises or ends.
pub struct PendingGuard {
    owner: Arc<PendingSockets>,
    address: IpAddr,
}

impl PendingSockets {
    /// At most `max_per_address` pending connections per address (0: no cap).
    pub fn new(max_per_address: usize) -> Self {
        Self {
            max_per_address,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// A slot for a new connection from `address`, or `None` when it holds its maximum.
    pub fn try_acquire(self: &Arc<Self>, address: IpAddr) -> Option<PendingGuard> {
        let mut counts = self.counts.lock().expect("pending sockets mutex poisoned");
        let count = counts.entry(address).or_insert(0);
        if self.max_per_address > 0 && *count >= self.max_per_address {
            return None;
        }
        *count += 1;
        Some(PendingGuard {
            owner: self.clone(),
            address,
        })
    }
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        let mut counts = self.owner.counts.lock().expect("pending sockets mutex poisoned");
        if let Some(count) = counts.get_mut(&self.address) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.address);
            }
        }
    }
}

/// The two sub-protocols.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    TransportWs,
    LegacyWs,
}

/// Socket buffers per connection. The library's defaults (128 KiB each way) would cost a
/// dashboard's idle connection about 150 KB; GraphQL messages are small, and the buffers
/// still grow for a large one (up to `WS_MAX_MESSAGE_BYTES`).
const SOCKET_BUFFER_BYTES: usize = 4 * 1024;

/// Accepts the upgrade with the sub-protocol the client offered; `without_key` is who the
/// connection is when `connection_init` brings no key (the cookie's person, or the local admin
/// of an open server; `None`: nobody).
pub fn upgrade(
    endpoint: Endpoint,
    upgrade: WebSocketUpgrade,
    without_key: Option<Caller>,
    address: IpAddr,
) -> HttpResponse {
    let max = endpoint.state.config.limits.ws_max_message_bytes;
    let Some(pending) = endpoint.state.ws_pending.try_acquire(address) else {
        metrics::counter!("tutorscore_websockets_refused_total").increment(1);
        let body = serde_json::json!({ "errors": [{
            "message": "too many WebSockets from this address have not sent connection_init",
            "extensions": { "code": "RATE_LIMITED" }
        }]});
        return (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    };
    upgrade
        .protocols(["graphql-transport-ws", "graphql-ws"])
        .read_buffer_size(SOCKET_BUFFER_BYTES)
        .write_buffer_size(SOCKET_BUFFER_BYTES)
        .max_message_size(max)
        .max_frame_size(max)
        .on_upgrade(move |socket| serve(endpoint, socket, without_key, address, pending))
}

/// Why a connection is being closed.
struct Close(u16, &'static str);

enum Outgoing {
    Message(Value),
    Done(String),
}

struct Connection {
    endpoint: Endpoint,
    protocol: Protocol,
    caller: Option<Caller>,
    /// Who the connection is without a key in `connection_init`.
    without_key: Option<Caller>,
    /// The client's address (key throttle).
    address: IpAddr,
    /// Held until `connection_init` succeeds.
    pending: Option<PendingGuard>,
    subscriptions: HashMap<String, JoinHandle<()>>,
    out: mpsc::Sender<Outgoing>,
}

async fn serve(
    endpoint: Endpoint,
    socket: WebSocket,
    without_key: Option<Caller>,
    address: IpAddr,
    pending: PendingGuard,
) {
    let protocol = match socket.protocol().and_then(|p| p.to_str().ok()) {
        Some("graphql-ws") => Protocol::LegacyWs,
        _ => Protocol::TransportWs,
    };
    let limits = endpoint.state.config.limits.clone();
    let shutdown = endpoint.state.shutdown.clone();
    let (mut sink, mut incoming) = socket.split();
    let (out, mut outgoing) = mpsc::channel::<Outgoing>(256);
    let mut connection = Connection {
        endpoint,
        protocol,
        caller: None,
        without_key,
        address,
        pending: Some(pending),
        subscriptions: HashMap::new(),
        out,
    };
    let init_deadline = tokio::time::sleep(Duration::from_secs(limits.ws_init_timeout_seconds));
    tokio::pin!(init_deadline);
    let mut keepalive = tokio::time::interval(Duration::from_secs(limits.ws_keepalive_seconds.max(1)));
    keepalive.tick().await;
    metrics::gauge!("tutorscore_websockets_open").increment(1.0);

    let close = loop {
        tokio::select! {
            message = incoming.next() => match message {
                Some(Ok(Message::Text(text))) => {
                    match connection.handle(text.as_str()).await {
                        Ok(replies) => {
                            for reply in replies {
                                if sink.send(text_message(&reply)).await.is_err() {
                                    break;
                                }
                            }
                        }
                        Err(close) => break Some(close),
                    }
                }
                Some(Ok(Message::Binary(_))) => break Some(Close(4400, "binary frames are not supported")),
                Some(Err(e)) if e.to_string().contains("too long") => break Some(Close(1009, "message too big")),
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
                Some(Ok(_)) => {} // ping/pong frames are answered by the library
            },
            Some(item) = outgoing.recv() => match item {
                Outgoing::Message(value) => {
                    if sink.send(text_message(&value)).await.is_err() {
                        break None;
                    }
                }
                Outgoing::Done(id) => {
                    if connection.subscriptions.remove(&id).is_some() {
                        metrics::gauge!("tutorscore_subscriptions_active").decrement(1.0);
                    }
                }
            },
            () = &mut init_deadline, if connection.caller.is_none() => {
                break Some(Close(4408, "Connection initialisation timeout"));
            }
            _ = keepalive.tick(), if connection.caller.is_some() => {
                let ping = match protocol {
                    Protocol::TransportWs => json!({ "type": "ping" }),
                    Protocol::LegacyWs => json!({ "type": "ka" }),
                };
                if sink.send(text_message(&ping)).await.is_err() {
                    break None;
                }
            }
            () = shutdown.cancelled() => break Some(Close(1001, "server shutting down")),
        }
    };
    for (_, task) in connection.subscriptions.drain() {
        task.abort();
        metrics::gauge!("tutorscore_subscriptions_active").decrement(1.0);
    }
    if let Some(Close(code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: Utf8Bytes::from_static(reason),
        };
        let _ = sink.send(Message::Close(Some(frame))).await;
    }
    let _ = sink.close().await;
    metrics::gauge!("tutorscore_websockets_open").decrement(1.0);
}

fn text_message(value: &Value) -> Message {
    Message::Text(Utf8Bytes::from(value.to_string()))
}

/// The key in a `connection_init` payload: `Authorization`/`authorization` (with or without
/// "Bearer "), `apiKey`, `token`, or the same inside `headers`.
fn key_in(payload: &Value) -> Option<String> {
    let lookup = |v: &Value| -> Option<String> {
        for name in ["Authorization", "authorization", "apiKey", "api_key", "token"] {
            if let Some(text) = v.get(name).and_then(Value::as_str) {
                return Some(auth::bearer(text).unwrap_or(text).to_owned());
            }
        }
        None
    };
    lookup(payload).or_else(|| payload.get("headers").and_then(lookup))
}

impl Connection {
    /// Handles one client message: replies to send, or a reason to close.
    async fn handle(&mut self, text: &str) -> Result<Vec<Value>, Close> {
        let message: Value =
            serde_json::from_str(text).map_err(|_| Close(4400, "Invalid message received"))?;
        let kind = message
            .get("type")
            .and_then(Value::as_str)
            .ok_or(Close(4400, "Invalid message received"))?;
        match (self.protocol, kind) {
            (_, "connection_init") => self.init(message.get("payload").cloned().unwrap_or(Value::Null)),
            (Protocol::TransportWs, "ping") => Ok(vec![json!({ "type": "pong" })]),
            (Protocol::TransportWs, "pong") => Ok(vec![]),
            (Protocol::TransportWs, "subscribe") | (Protocol::LegacyWs, "start") => self.subscribe(&message),
            (Protocol::TransportWs, "complete") | (Protocol::LegacyWs, "stop") => {
                let id = message
                    .get("id")
                    .and_then(Value::as_str)
                    .ok_or(Close(4400, "Invalid message received"))?;
                if let Some(task) = self.subscriptions.remove(id) {
                    task.abort();
                    metrics::gauge!("tutorscore_subscriptions_active").decrement(1.0);
                }
                Ok(vec![])
            }
            (Protocol::LegacyWs, "connection_terminate") => Err(Close(1000, "terminated")),
            _ => Err(Close(4400, "Invalid message received")),
        }
    }

    fn init(&mut self, payload: Value) -> Result<Vec<Value>, Close> {
        if self.caller.is_some() {
            return Err(Close(4429, "Too many initialisation requests"));
        }
        let state = &self.endpoint.state;
        let authenticated = match key_in(&payload) {
            Some(key) if !state.keys.is_empty() => execute::authenticate_key(state, self.address, &key),
            _ => self
                .without_key
                .clone()
                .ok_or_else(|| execute::unauthenticated(&crate::error::ApiError::Unauthenticated)),
        };
        match authenticated {
            Ok(caller) => {
                self.caller = Some(caller);
                self.pending = None;
                let mut replies = vec![json!({ "type": "connection_ack" })];
                if self.protocol == Protocol::LegacyWs {
                    replies.push(json!({ "type": "ka" }));
                }
                Ok(replies)
            }
            Err(refusal) if refusal.status == StatusCode::TOO_MANY_REQUESTS => {
                Err(Close(4429, "Too many failed authentications; retry later"))
            }
            Err(_) => Err(Close(4403, "Forbidden")),
        }
    }

    fn subscribe(&mut self, message: &Value) -> Result<Vec<Value>, Close> {
        let Some(caller) = self.caller.clone() else {
            return Err(Close(4401, "Unauthorized"));
        };
        let id = message
            .get("id")
            .and_then(Value::as_str)
            .ok_or(Close(4400, "Invalid message received"))?
            .to_owned();
        let payload = message
            .get("payload")
            .cloned()
            .ok_or(Close(4400, "Invalid message received"))?;
        if self
            .subscriptions
            .get(&id)
            .is_some_and(|task| !task.is_finished())
        {
            return Err(Close(4409, "Subscriber for this id already exists"));
        }
        let (error_type, next_type) = match self.protocol {
            Protocol::TransportWs => ("error", "next"),
            Protocol::LegacyWs => ("error", "data"),
        };
        let request: Request = match serde_json::from_value(payload) {
            Ok(request) => request,
            Err(e) => {
                return Ok(vec![json!({
                    "type": error_type, "id": id,
                    "payload": [{ "message": format!("invalid subscribe payload: {e}"), "extensions": { "code": "BAD_REQUEST" } }]
                })]);
            }
        };
        if self.subscriptions.len() >= self.endpoint.state.config.limits.ws_max_subscriptions {
            return Ok(vec![json!({
                "type": error_type, "id": id,
                "payload": [{ "message": format!("at most {} subscriptions per connection", self.endpoint.state.config.limits.ws_max_subscriptions), "extensions": { "code": "RATE_LIMITED" } }]
            })]);
        }
        let request_id = uuid::Uuid::new_v4().to_string();
        let refused = |refusal: Refused| json!({ "type": error_type, "id": id, "payload": refusal.errors(&request_id) });
        let admitted = match execute::admit(&self.endpoint, request) {
            Ok(admitted) => admitted,
            Err(refusal) => return Ok(vec![refused(refusal)]),
        };
        if let Err(refusal) = execute::rate_limit(&self.endpoint.state, &caller) {
            return Ok(vec![refused(refusal)]);
        }
        let endpoint = self.endpoint.clone();
        let out = self.out.clone();
        let task_id = id.clone();
        let task = tokio::spawn(async move {
            let mut responses = if admitted.operation.kind == "subscription" {
                execute::stream(&endpoint, caller, admitted, request_id).boxed()
            } else {
                // Queries and mutations run under the same timeout as over HTTP.
                let (response, _) = execute::run(&endpoint, caller, admitted, &request_id)
                    .await
                    .into_response();
                futures::stream::once(async move { response }).boxed()
            };
            let mut first = true;
            while let Some(response) = responses.next().await {
                // A request refused before execution (no error has a path) is an `error`
                // message; errors raised by resolvers travel in `next` with the data.
                let refused = response.is_err() && response.errors.iter().all(|e| e.path.is_empty());
                let message = if first && response.data == async_graphql::Value::Null && refused {
                    json!({ "type": error_type, "id": task_id, "payload": response.errors })
                } else {
                    json!({ "type": next_type, "id": task_id, "payload": response })
                };
                let failed_early = message["type"] == error_type;
                first = false;
                if out.send(Outgoing::Message(message)).await.is_err() {
                    return;
                }
                if failed_early {
                    let _ = out.send(Outgoing::Done(task_id)).await;
                    return;
                }
            }
            let _ = out
                .send(Outgoing::Message(json!({ "type": "complete", "id": task_id })))
                .await;
            let _ = out.send(Outgoing::Done(task_id)).await;
        });
        metrics::gauge!("tutorscore_subscriptions_active").increment(1.0);
        self.subscriptions.insert(id, task);
        Ok(vec![])
    }
}
