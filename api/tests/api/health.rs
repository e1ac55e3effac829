//! Liveness, readiness and first-start behaviour.

use entity::prelude::*;
use sea_orm::{EntityTrait, PaginatorTrait};

use crate::helpers::{spawn_app, spawn_app_with};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readyz_is_ready_while_the_database_answers_and_503_once_it_is_gone() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    app.state.db.clone().close().await.unwrap();
    let response = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
    assert!(body["database"].as_str().is_some_and(|reason| !reason.is_empty()));
}

#[tokio::test]
async fn first_start_generates_demo_data_once_and_the_flag_turns_it_off() {
    let app = spawn_app_with(|c| c.demo_data = true).await;
    assert_eq!(Tutor::find().count(&app.state.db).await.unwrap(), 100);
    assert!(Session::find().count(&app.state.db).await.unwrap() >= 3_000);

    // A restart on the same database keeps the data as it is.
    let again = api::startup::Application::build(
        api::config::ApiConfig {
            demo_data: true,
            ..api::config::ApiConfig::for_tests(&app.database.url)
        },
        app.clock.clone(),
    )
    .await
    .unwrap();
    assert_eq!(Tutor::find().count(&again.state.db).await.unwrap(), 100);

    let off = spawn_app_with(|c| c.demo_data = false).await;
    assert_eq!(Tutor::find().count(&off.state.db).await.unwrap(), 0);
}
