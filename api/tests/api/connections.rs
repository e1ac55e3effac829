//! Connections that never finish: partial headers, a body that stops, more connections than
//! the cap, WebSockets that never initialise. Each is closed or refused, and counted.

use std::time::Duration;

use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{self, client::IntoClientRequest, http::HeaderValue};

use crate::helpers::{TestApp, WsClient, spawn_app_with};

async fn raw(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Whether the server closes `stream` within 20 s (reading whatever it sends first).
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buffer = [0u8; 1024];
    let read_to_end = async {
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read_to_end)
        .await
        .is_ok()
}

#[tokio::test]
async fn partial_headers_and_stalled_bodies_are_closed() {
    let app = spawn_app_with(|c| {
        c.limits.http_header_timeout_seconds = 1;
        c.limits.query_timeout_seconds = 1;
        c.limits.http_idle_timeout_seconds = 2;
    })
    .await;
    let mut headers = raw(&app).await;
    headers
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    assert!(closed_by_server(&mut headers).await, "partial headers are cut");

    let mut body = raw(&app).await;
    body.write_all(
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":",
    )
    .await
    .unwrap();
    assert!(closed_by_server(&mut body).await, "a stalled body is cut");

    let mut idle = raw(&app).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    assert!(
        closed_by_server(&mut idle).await,
        "an idle keep-alive connection is closed"
    );
}

#[tokio::test]
async fn connections_over_the_cap_are_closed_and_counted() {
    let app = spawn_app_with(|c| c.limits.max_connections = 3).await;
    let mut holders = Vec::new();
    for _ in 0..3 {
        let mut holder = raw(&app).await;
        // A complete request each, so that the server has certainly accepted them.
        holder
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut buffer = [0u8; 512];
        assert!(holder.read(&mut buffer).await.unwrap() > 0);
        holders.push(holder);
    }
    let mut over = raw(&app).await;
    over.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .ok();
    let mut buffer = [0u8; 512];
    let read = tokio::time::timeout(Duration::from_secs(10), over.read(&mut buffer))
        .await
        .expect("the server closes the extra connection at once");
    assert!(matches!(read, Ok(0) | Err(_)), "no answer over the cap: {read:?}");
    drop(holders);
    // The slots free as the server sees the holders go.
    let mut text = String::new();
    for _ in 0..100 {
        if let Ok(response) = app.client.get(format!("{}/metrics", app.address)).send().await {
            text = response.text().await.unwrap();
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(text.contains("tutorscore_connections_refused_total"), "{text}");
    assert!(text.contains("tutorscore_connections_open"), "{text}");
}

#[tokio::test]
async fn an_address_holds_only_a_few_uninitialised_websockets() {
    let app = spawn_app_with(|c| c.limits.ws_max_pending_per_address = 2).await;
    let mut first = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    let _second = WsClient::connect(&app.ws_url(), "graphql-transport-ws").await;
    let connect = || {
        let mut request = app.ws_url().into_client_request().unwrap();
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        tokio_tungstenite::connect_async(request)
    };
    match connect().await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!("a third pending WebSocket was accepted: {:?}", other.map(|_| ())),
    }
    // Once one initialises, its slot is free again.
    first.init(json!({})).await;
    assert!(connect().await.is_ok());
}
