//! Talking to the api: GraphQL over HTTP with one shared `reqwest::Client`, and GraphQL over
//! WebSocket (graphql-transport-ws) with tokio-tungstenite.

use std::time::Duration;

use anyhow::{Context, Result, bail};
use futures::{SinkExt, StreamExt};
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue, protocol::WebSocketConfig},
};

/// The api's GraphQL endpoint, over HTTP and WebSocket.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub endpoint: String,
    pub ws_url: String,
    /// Ask for answers computed now (`Cache-Control: no-cache`), past the response cache.
    pub fresh: bool,
}

impl Api {
    /// `address` is `http://127.0.0.1:PORT`, as the api prints it.
    pub fn new(address: &str) -> Result<Self> {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(4096)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            http,
            endpoint: format!("{address}/graphql"),
            ws_url: format!("{}/graphql", address.replacen("http", "ws", 1)),
            fresh: false,
        })
    }

    /// The same api, asking for fresh answers.
    pub fn fresh(&self) -> Self {
        Self {
            fresh: true,
            ..self.clone()
        }
    }

    /// A GraphQL request body, serialised once (outside any timed section).
    pub fn body(query: &str, variables: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({ "query": query, "variables": variables })).expect("JSON serialises")
    }

    /// POSTs a prepared body; the `data`, or why there is none (HTTP status, GraphQL errors).
    pub async fn post(&self, body: Vec<u8>) -> Result<Value> {
        let mut request = self
            .http
            .post(&self.endpoint)
            .header(CONTENT_TYPE, "application/json");
        if self.fresh {
            request = request.header(reqwest::header::CACHE_CONTROL, "no-cache");
        }
        let response = request.body(body).send().await?;
        let status = response.status();
        let bytes = response.bytes().await?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&bytes);
            bail!("HTTP {status}: {}", text.chars().take(300).collect::<String>());
        }
        let mut value: Value = serde_json::from_slice(&bytes).context("response is not JSON")?;
        if let Some(errors) = value.get("errors") {
            bail!(
                "GraphQL errors: {}",
                errors.to_string().chars().take(300).collect::<String>()
            );
        }
        Ok(value["data"].take())
    }

    /// Builds and POSTs one operation.
    pub async fn data(&self, query: &str, variables: Value) -> Result<Value> {
        self.post(Self::body(query, variables)).await
    }
}

/// One graphql-transport-ws connection.
pub struct Ws {
    socket: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Ws {
    /// Connects, sends `connection_init` and waits for the ack.
    pub async fn connect(url: &str) -> Result<Self> {
        let mut request = url.into_client_request()?;
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        // Small read buffers: the default (128 KiB, zero-filled on every read) would make 10,000
        // connections cost the bench over a gigabyte.
        let config = WebSocketConfig::default().read_buffer_size(16 * 1024);
        let (socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), false).await?;
        let mut ws = Self { socket };
        ws.send(json!({ "type": "connection_init", "payload": {} }))
            .await?;
        let ack = ws.next().await?;
        if ack["type"] != "connection_ack" {
            bail!("expected connection_ack, got {ack}");
        }
        Ok(ws)
    }

    pub async fn send(&mut self, message: Value) -> Result<()> {
        self.socket.send(Message::text(message.to_string())).await?;
        Ok(())
    }

    /// Starts subscription `id`.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) -> Result<()> {
        self.send(
            json!({ "id": id, "type": "subscribe", "payload": { "query": query, "variables": variables } }),
        )
        .await
    }

    /// The next protocol message other than ping/pong (pings are answered); an error once
    /// the connection is closed or an `error` message arrives.
    pub async fn next(&mut self) -> Result<Value> {
        loop {
            match self.socket.next().await {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text)?;
                    match value["type"].as_str() {
                        Some("ping") => self.send(json!({ "type": "pong" })).await?,
                        Some("pong") => {}
                        Some("error") => bail!("subscription error: {}", value["payload"]),
                        _ => return Ok(value),
                    }
                }
                Some(Ok(Message::Close(frame))) => bail!("closed by the server: {frame:?}"),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e.into()),
                None => bail!("connection closed"),
            }
        }
    }

    /// Closes politely (best effort).
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}

/// The `tutorScoreUpdated` payload of a `next` message, if it is one.
pub fn score_update(message: &Value) -> Option<&Value> {
    (message["type"] == "next")
        .then(|| &message["payload"]["data"]["tutorScoreUpdated"])
        .filter(|u| u.is_object())
}
