//! Email through the running server: the outbox of the embedded default, and a refused report
//! seen and retried through the API.

use std::{path::PathBuf, time::Duration};

use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, completed, spawn_app_with},
    smtp::{Mode, SmtpSink},
};

/// Polls `emailReports` until `done` accepts the nodes.
async fn reports_until(app: &TestApp, key: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let query = "{ emailReports(first: 50) { edges { node { id kind status recipient subject attempts lastError bodyText } } } }";
    for _ in 0..100 {
        let (_, body) = app
            .graphql_as(Some(key).filter(|k| !k.is_empty()), query, json!({}))
            .await;
        let edges = body["data"]["emailReports"]["edges"]
            .as_array()
            .unwrap_or_else(|| panic!("{body}"));
        let nodes: Vec<Value> = edges.iter().map(|e| e["node"].clone()).collect();
        if done(&nodes) {
            return nodes;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("email reports did not reach the expected state");
}

#[tokio::test]
async fn the_embedded_default_writes_readable_eml_files_to_the_outbox() {
    let outbox = std::env::temp_dir().join(format!("tutorscore-outbox-{}", uuid::Uuid::new_v4()));
    let folder = outbox.clone();
    let app = spawn_app_with(move |c| {
        c.mail.outbox_dir = folder.to_string_lossy().into_owned();
        c.mail.to = vec!["ops@example.com".into()];
    })
    .await;
    app.tutor("mail-1", "Outbox Tutor").await;
    app.record(completed("mail-s1", "mail-1", 1)).await;
    let nodes = reports_until(&app, "", |n| n.iter().any(|r| r["status"] == "SENT")).await;
    assert_eq!(nodes.len(), 1);
    assert_eq!(nodes[0]["kind"], "SESSION_REPORT");
    let files: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].extension().unwrap(), "eml");
    let eml = std::fs::read_to_string(&files[0]).unwrap();
    assert!(
        eml.contains("Subject: [tutorscore] Outbox Tutor: completed session, no flags"),
        "{eml}"
    );
    assert!(eml.contains("To: ops@example.com"));
    assert!(eml.contains("multipart/alternative"));
    let _ = std::fs::remove_dir_all(outbox);
}

#[tokio::test]
async fn a_refused_report_is_visible_in_the_api_and_an_admin_can_retry_it() {
    let sink = SmtpSink::start_anywhere(Mode::Reject);
    let url = sink.url();
    let app = spawn_app_with(move |c| {
        c.api_keys = "viewer:email-viewer-key-0123456789,ingest:email-ingest-key-0123456789,admin:email-admin-key-0123456789".into();
        c.mail.smtp_url = Some(url.into());
        c.mail.to = vec!["ops@example.com".into()];
    })
    .await;
    let (_, body) = app
        .graphql_as(
            Some("email-ingest-key-0123456789"),
            r#"mutation { upsertTutor(input: { externalId: "mail-2", name: "Refused Tutor", email: "r@example.com" }) { outcome } }"#,
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["upsertTutor"]["outcome"], "CREATED");
    let (_, body) = app
        .graphql_as(
            Some("email-ingest-key-0123456789"),
            "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }",
            json!({ "i": completed("mail-s2", "mail-2", 1) }),
        )
        .await;
    assert_eq!(body["data"]["recordSession"]["outcome"], "STORED");

    let failed = reports_until(&app, "email-viewer-key-0123456789", |n| {
        n.iter().any(|r| r["status"] == "FAILED")
    })
    .await;
    let report = &failed[0];
    assert!(
        report["lastError"].is_null() && report["bodyText"].is_null(),
        "viewers do not read bodies or SMTP errors: {report}"
    );
    assert!(
        report["subject"].as_str().is_some(),
        "viewers get the rest: {report}"
    );
    let bodies = "{ emailReports(first: 50) { edges { node { lastError bodyText } } } }";
    let (_, viewer) = app
        .graphql_as(Some("email-viewer-key-0123456789"), bodies, json!({}))
        .await;
    assert_eq!(viewer["errors"][0]["extensions"]["code"], "FORBIDDEN", "{viewer}");
    let (_, admin) = app
        .graphql_as(Some("email-admin-key-0123456789"), bodies, json!({}))
        .await;
    let node = &admin["data"]["emailReports"]["edges"][0]["node"];
    assert!(node["lastError"].as_str().unwrap().contains("550"), "{admin}");
    assert!(node["bodyText"].as_str().unwrap().starts_with("Refused Tutor"));

    let retry = "mutation($id: ID!) { retryEmailReport(id: $id) { status } }";
    let (_, body) = app
        .graphql_as(
            Some("email-viewer-key-0123456789"),
            retry,
            json!({ "id": report["id"] }),
        )
        .await;
    assert_eq!(body["errors"][0]["extensions"]["code"], "FORBIDDEN");

    sink.set_mode(Mode::Accept);
    let (_, body) = app
        .graphql_as(
            Some("email-admin-key-0123456789"),
            retry,
            json!({ "id": report["id"] }),
        )
        .await;
    assert_eq!(body["data"]["retryEmailReport"]["status"], "PENDING", "{body}");
    let sent = reports_until(&app, "email-viewer-key-0123456789", |n| {
        n.iter().all(|r| r["status"] == "SENT")
    })
    .await;
    assert_eq!(sent[0]["attempts"], 2);
    let (_, body) = app
        .graphql_as(
            Some("email-admin-key-0123456789"),
            retry,
            json!({ "id": report["id"] }),
        )
        .await;
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "a sent report cannot be retried"
    );
    assert_eq!(sink.messages().len(), 1);
}
