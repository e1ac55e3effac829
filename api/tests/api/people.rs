//! People and alerts through the running server: sign-in (cookie flags, sign-out, the
//! throttle), the role matrix over HTTP and WebSocket for people and keys, two coaches at
//! once, the triage queue, the overview's counts, and the audit trail.

use std::time::Duration;

use entity::UserRole;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue};
use worker::{
    audit::Actor,
    people::{
        PeopleConfig,
        store::{NewUser, create_user},
    },
};

use crate::helpers::{TestApp, WsClient, spawn_app_with};

pub(crate) const PASSWORD: &str = "correct horse battery staple";
const ALERTS: &str =
    "{ alerts { totalCount edges { node { id version status severity flag assignee { email } } } } }";

/// A server whose tutor `flagged` has one open alert (ten of thirty sessions rescheduled by
/// the tutor), then the given people; with `keys`, also those API keys.
pub(crate) async fn app_with_an_alert(keys: &str, people: &[(&str, UserRole)]) -> TestApp {
    let keys = keys.to_owned();
    let app = spawn_app_with(move |c| c.api_keys = keys.as_str().into()).await;
    let admin_key = (!app.state.keys.is_empty()).then_some("admin-key-0123456789");
    let call = |query: &'static str, variables: Value| {
        let app = &app;
        async move { app.graphql_as(admin_key, query, variables).await.1 }
    };
    call(
        "mutation { upsertTutor(input: { externalId: \"flagged\", name: \"Flagged Tutor\", email: \"f@example.com\" }) { outcome } }",
        json!({}),
    )
    .await;
    for i in 0..30 {
        let start = crate::helpers::test_now() - chrono::Duration::hours(5 * i + 2);
        let mut input = json!({
            "externalId": format!("flagged-{i}"), "tutorExternalId": "flagged", "studentRef": format!("s-{}", i % 3),
            "scheduledStart": start.to_rfc3339(), "scheduledMinutes": 60,
        });
        if i < 10 {
            input["status"] = json!("RESCHEDULED");
            input["reschedule"] = json!({ "initiator": "TUTOR", "requestedAt": (start - chrono::Duration::hours(48)).to_rfc3339() });
        } else {
            input["status"] = json!("COMPLETED");
            input["actualStart"] = json!(start.to_rfc3339());
            input["actualEnd"] = json!((start + chrono::Duration::minutes(60)).to_rfc3339());
        }
        let body = call(
            "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }",
            json!({ "i": input }),
        )
        .await;
        assert_eq!(body["data"]["recordSession"]["outcome"], "STORED", "{body}");
    }
    for _ in 0..100 {
        let body = call(ALERTS, json!({})).await;
        if body["data"]["alerts"]["totalCount"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (email, role) in people {
        add_person(&app, email, *role).await;
    }
    app
}

pub(crate) async fn add_person(app: &TestApp, email: &str, role: UserRole) {
    let new = NewUser {
        email: email.into(),
        name: email.split('@').next().unwrap().into(),
        role,
        password: Some(PASSWORD.into()),
    };
    create_user(
        &app.state.db,
        &Actor::system(),
        new,
        &PeopleConfig::default(),
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    app.state.people.user_created();
}

struct SignedIn {
    status: u16,
    set_cookie: Option<String>,
    retry_after: Option<String>,
    body: Value,
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> SignedIn {
    let response = app
        .client
        .post(format!("{}/auth/sign-in", app.address))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    SignedIn {
        status: response.status().as_u16(),
        set_cookie: header(SET_COOKIE),
        retry_after: header(reqwest::header::RETRY_AFTER),
        body: response.json().await.unwrap_or(Value::Null),
    }
}

/// The `name=value` part of a sign-in's cookie.
pub(crate) async fn cookie_of(app: &TestApp, email: &str) -> String {
    let signed_in = sign_in(app, email, PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.body);
    signed_in
        .set_cookie
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

pub(crate) async fn graphql_with(app: &TestApp, cookie: &str, query: &str, variables: Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(COOKIE, cookie)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

pub(crate) fn code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

#[tokio::test]
async fn people_sign_in_with_an_http_only_same_site_cookie_and_signing_out_revokes_it() {
    let app = app_with_an_alert("", &[("cleo@example.com", UserRole::Coach)]).await;
    let (status, body) = app.graphql_as(None, "{ me { kind } }", json!({})).await;
    assert_eq!(
        (status, code(&body)),
        (401, Some("UNAUTHENTICATED")),
        "users exist: no longer open"
    );

    let signed_in = sign_in(&app, "Cleo@Example.com ", PASSWORD).await;
    assert_eq!(signed_in.status, 200);
    assert_eq!(signed_in.body["user"]["role"], "coach");
    let set_cookie = signed_in.set_cookie.unwrap();
    for attribute in [
        "tutorscore_session=",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=604800",
    ] {
        assert!(set_cookie.contains(attribute), "{attribute} in {set_cookie}");
    }
    assert!(
        !set_cookie.contains("Secure"),
        "plain http on loopback: no Secure"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_owned();

    let (_, body) = graphql_with(
        &app,
        &cookie,
        "{ me { kind label canTriage canAdminister user { email } } }",
        json!({}),
    )
    .await;
    assert_eq!(
        body["data"]["me"],
        json!({ "kind": "USER", "label": "cleo@example.com", "canTriage": true, "canAdminister": false, "user": { "email": "cleo@example.com" } })
    );
    let status: Value = app
        .client
        .get(format!("{}/auth/status", app.address))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            status["signedIn"].clone(),
            status["signIn"].clone(),
            status["open"].clone()
        ),
        (json!(true), json!(true), json!(false))
    );

    let out = app
        .client
        .post(format!("{}/auth/sign-out", app.address))
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert!(out.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let (status, _) = graphql_with(&app, &cookie, "{ me { kind } }", json!({})).await;
    assert_eq!(status, 401, "a signed-out cookie signs nobody in");
}

#[tokio::test]
async fn failed_sign_ins_are_throttled_per_account_and_per_address_and_unknown_emails_look_the_same() {
    let app = app_with_an_alert(
        "",
        &[
            ("ben@example.com", UserRole::Coach),
            ("dev@example.com", UserRole::Viewer),
        ],
    )
    .await;
    let wrong = sign_in(&app, "ben@example.com", "not the password at all").await;
    let unknown = sign_in(&app, "nobody@example.com", "not the password at all").await;
    assert_eq!((wrong.status, unknown.status), (401, 401));
    assert_eq!(
        wrong.body, unknown.body,
        "an unknown email is answered like a wrong password"
    );
    for _ in 0..4 {
        assert_eq!(
            sign_in(&app, "ben@example.com", "still wrong, again")
                .await
                .status,
            401
        );
    }
    let throttled = sign_in(&app, "ben@example.com", PASSWORD).await;
    assert_eq!(
        throttled.status, 429,
        "after five failures even the right password waits"
    );
    assert_eq!(code(&throttled.body), Some("RATE_LIMITED"));
    assert!(throttled.retry_after.unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(
        sign_in(&app, "dev@example.com", PASSWORD).await.status,
        200,
        "another account is not held up"
    );

    // The address: twenty failures in all (four accounts' worth) hold every account up.
    for n in 0..14 {
        sign_in(&app, &format!("guess-{n}@example.com"), "not the password at all").await;
    }
    assert_eq!(sign_in(&app, "dev@example.com", PASSWORD).await.status, 429);
}

/// What each caller may do: (can read alerts, can act on alerts, can record, can administer).
#[tokio::test]
async fn the_role_matrix_holds_over_http_for_people_and_keys() {
    let app = app_with_an_alert(
        "viewer:viewer-key-0123456789,ingest:ingest-key-0123456789,admin:admin-key-0123456789",
        &[
            ("viewer@example.com", UserRole::Viewer),
            ("coach@example.com", UserRole::Coach),
            ("admin@example.com", UserRole::Admin),
        ],
    )
    .await;
    // (who, their cookie, their key, what they may do)
    type Caller<'a> = (String, Option<String>, Option<&'a str>, [bool; 4]);
    let mut callers: Vec<Caller> = vec![
        (
            "viewer key".into(),
            None,
            Some("viewer-key-0123456789"),
            [true, false, false, false],
        ),
        (
            "ingest key".into(),
            None,
            Some("ingest-key-0123456789"),
            [true, false, true, false],
        ),
        (
            "admin key".into(),
            None,
            Some("admin-key-0123456789"),
            [true, true, true, true],
        ),
    ];
    for (email, expected) in [
        ("viewer@example.com", [true, false, false, false]),
        ("coach@example.com", [true, true, false, false]),
        ("admin@example.com", [true, true, true, true]),
    ] {
        callers.push((email.into(), Some(cookie_of(&app, email).await), None, expected));
    }
    for (n, (who, cookie, key, expected)) in callers.into_iter().enumerate() {
        let call = |query: String, variables: Value| {
            let (app, cookie) = (&app, cookie.clone());
            async move {
                match cookie {
                    Some(cookie) => graphql_with(app, &cookie, &query, variables).await.1,
                    None => app.graphql_as(key, &query, variables).await.1,
                }
            }
        };
        let alerts = call(ALERTS.into(), json!({})).await;
        let read = alerts["data"]["alerts"]["totalCount"] == 1;
        let alert = &alerts["data"]["alerts"]["edges"][0]["node"];
        let act = call(
            "mutation($id: ID!, $v: Int!) { assignAlert(id: $id, version: $v, assigneeId: null) { version } }".into(),
            json!({ "id": alert["id"], "v": alert["version"] }),
        )
        .await;
        let record = call(
            "mutation($i: RecordSessionInput!) { recordSession(input: $i) { outcome } }".into(),
            json!({ "i": crate::helpers::completed(&format!("matrix-{n}"), "flagged", 1) }),
        )
        .await;
        let administer = call(
            "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } oneTimePassword } }".into(),
            json!({ "i": { "email": format!("new-{n}@example.com"), "name": "New", "role": "VIEWER" } }),
        )
        .await;
        let outcome = [
            read,
            act["data"]["assignAlert"]["version"].is_number(),
            record["data"]["recordSession"]["outcome"] == "STORED",
            administer["data"]["createUser"]["oneTimePassword"].is_string(),
        ];
        assert_eq!(outcome, expected, "{who}: read, act, record, administer");
        for (allowed, body) in [
            (expected[1], &act),
            (expected[2], &record),
            (expected[3], &administer),
        ] {
            if !allowed {
                assert_eq!(code(body), Some("FORBIDDEN"), "{who}: {body}");
            }
        }
    }
    let (status, body) = app.graphql_as(None, ALERTS, json!({})).await;
    assert_eq!((status, code(&body)), (401, Some("UNAUTHENTICATED")));
}

pub(crate) async fn ws_with_cookie(app: &TestApp, cookie: Option<&str>) -> WsClient {
    let mut request = app.ws_url().into_client_request().unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("Cookie", HeaderValue::from_str(cookie).unwrap());
    }
    let (socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket connects");
    WsClient { socket }
}

#[tokio::test]
async fn the_websocket_takes_the_sign_in_cookie_and_applies_the_persons_role() {
    let app = app_with_an_alert(
        "",
        &[
            ("viewer@example.com", UserRole::Viewer),
            ("coach@example.com", UserRole::Coach),
        ],
    )
    .await;
    let mut nobody = ws_with_cookie(&app, None).await;
    nobody
        .send(json!({ "type": "connection_init", "payload": {} }))
        .await;
    assert_eq!(
        nobody.closed_with().await,
        Some(4403),
        "users exist: no cookie, no key, no entry"
    );

    let viewer = cookie_of(&app, "viewer@example.com").await;
    let mut watching = ws_with_cookie(&app, Some(&viewer)).await;
    watching.init(json!({})).await;
    watching
        .send(json!({ "type": "subscribe", "id": "a", "payload": { "query": "subscription { alertChanged { snapshot action alert { id status assignee { email } } } }" } }))
        .await;
    assert_eq!(
        watching.next().await.unwrap()["payload"]["data"]["alertChanged"]["snapshot"],
        true
    );
    watching
        .send(json!({ "type": "subscribe", "id": "b", "payload": { "query": "mutation { acknowledgeAlerts(alerts: []) { id } }" } }))
        .await;
    let refused = watching.next().await.unwrap();
    assert_eq!(
        refused["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused}"
    );

    // A coach acts over HTTP; the viewer's socket sees it.
    let coach = cookie_of(&app, "coach@example.com").await;
    let (_, listed) = graphql_with(&app, &coach, ALERTS, json!({})).await;
    let alert = listed["data"]["alerts"]["edges"][0]["node"].clone();
    let (_, acted) = graphql_with(
        &app,
        &coach,
        "mutation($id: ID!, $v: Int!) { acknowledgeAlert(id: $id, version: $v) { status } }",
        json!({ "id": alert["id"], "v": alert["version"] }),
    )
    .await;
    assert_eq!(
        acted["data"]["acknowledgeAlert"]["status"], "ACKNOWLEDGED",
        "{acted}"
    );
    loop {
        let message = watching.next().await.unwrap();
        if message["id"] != "a" {
            continue;
        }
        let update = &message["payload"]["data"]["alertChanged"];
        assert_eq!(update["action"], "alert.acknowledged");
        assert_eq!(update["alert"]["status"], "ACKNOWLEDGED");
        break;
    }
}

#[tokio::test]
async fn two_coaches_acting_at_once_get_one_success_and_one_conflict() {
    let app = app_with_an_alert(
        "",
        &[
            ("ben@example.com", UserRole::Coach),
            ("cleo@example.com", UserRole::Coach),
        ],
    )
    .await;
    let (ben, cleo) = (
        cookie_of(&app, "ben@example.com").await,
        cookie_of(&app, "cleo@example.com").await,
    );
    let (_, listed) = graphql_with(&app, &ben, ALERTS, json!({})).await;
    let alert = listed["data"]["alerts"]["edges"][0]["node"].clone();
    let vars = json!({ "id": alert["id"], "v": alert["version"] });
    let (a, b) = tokio::join!(
        graphql_with(
            &app,
            &ben,
            "mutation($id: ID!, $v: Int!) { acknowledgeAlert(id: $id, version: $v) { version } }",
            vars.clone()
        ),
        graphql_with(
            &app,
            &cleo,
            "mutation($id: ID!, $v: Int!) { resolveAlert(id: $id, version: $v, resolution: FALSE_ALARM, note: \"not the tutor\") { version } }",
            vars
        ),
    );
    let codes = [code(&a.1), code(&b.1)];
    assert_eq!(codes.iter().filter(|c| c.is_none()).count(), 1, "{a:?} {b:?}");
    assert!(codes.contains(&Some("CONFLICT")), "{a:?} {b:?}");

    // A transition that is not allowed names the current state.
    let (_, now) = graphql_with(
        &app,
        &ben,
        "query($id: ID!) { alert(id: $id) { version status } }",
        json!({ "id": alert["id"] }),
    )
    .await;
    // Acknowledging again: it is acknowledged already, or resolved.
    let (_, refused) = graphql_with(
        &app,
        &ben,
        "mutation($id: ID!, $v: Int!) { acknowledgeAlert(id: $id, version: $v) { version } }",
        json!({ "id": alert["id"], "v": now["data"]["alert"]["version"] }),
    )
    .await;
    assert_eq!(code(&refused), Some("BAD_USER_INPUT"));
    let state = now["data"]["alert"]["status"].as_str().unwrap();
    assert!(
        refused["errors"][0]["message"].as_str().unwrap().contains(state),
        "{refused}"
    );
    let (_, missing) = graphql_with(
        &app,
        &ben,
        "mutation { acknowledgeAlert(id: \"0199f466-c580-7776-b2f2-bf4ddb1487c0\", version: 1) { version } }",
        json!({}),
    )
    .await;
    assert_eq!(code(&missing), Some("NOT_FOUND"));
}

#[tokio::test]
async fn the_queue_filters_and_counts_and_an_admin_sees_who_did_what() {
    let app = app_with_an_alert(
        "",
        &[
            ("coach@example.com", UserRole::Coach),
            ("admin@example.com", UserRole::Admin),
        ],
    )
    .await;
    let (coach, admin) = (
        cookie_of(&app, "coach@example.com").await,
        cookie_of(&app, "admin@example.com").await,
    );
    let (_, me) = graphql_with(&app, &coach, "{ me { user { id } } }", json!({})).await;
    let coach_id = me["data"]["me"]["user"]["id"].clone();
    let (_, overview) = graphql_with(
        &app,
        &coach,
        "{ overview { openAlerts overdueAlerts unassignedAlerts } }",
        json!({}),
    )
    .await;
    assert_eq!(
        overview["data"]["overview"],
        json!({ "openAlerts": 1, "overdueAlerts": 0, "unassignedAlerts": 1 })
    );

    let (_, listed) = graphql_with(&app, &coach, ALERTS, json!({})).await;
    let alert = listed["data"]["alerts"]["edges"][0]["node"].clone();
    assert_eq!(
        (alert["status"].clone(), alert["flag"].clone()),
        (json!("OPEN"), json!("RESCHEDULE_RATE"))
    );
    let (_, assigned) = graphql_with(
        &app,
        &coach,
        "mutation($id: ID!, $v: Int!, $to: ID) { assignAlert(id: $id, version: $v, assigneeId: $to) { assignee { email } version } }",
        json!({ "id": alert["id"], "v": alert["version"], "to": coach_id }),
    )
    .await;
    assert_eq!(
        assigned["data"]["assignAlert"]["assignee"]["email"], "coach@example.com",
        "{assigned}"
    );
    let mine = "{ alerts(filter: { mine: true }) { totalCount } unassigned: alerts(filter: { unassigned: true }) { totalCount } resolved: alerts(filter: { statuses: [RESOLVED] }) { totalCount } }";
    let (_, filtered) = graphql_with(&app, &coach, mine, json!({})).await;
    assert_eq!(
        filtered["data"],
        json!({ "alerts": { "totalCount": 1 }, "unassigned": { "totalCount": 0 }, "resolved": { "totalCount": 0 } })
    );

    // Past its acknowledge-by time (72 h for a warning) it is overdue.
    app.clock.advance(chrono::Duration::hours(73));
    let (_, overdue) = graphql_with(
        &app,
        &coach,
        "{ alerts(filter: { overdue: true }) { edges { node { overdue } } } overview { overdueAlerts } }",
        json!({}),
    )
    .await;
    assert_eq!(overdue["data"]["alerts"]["edges"][0]["node"]["overdue"], true);
    assert_eq!(overdue["data"]["overview"]["overdueAlerts"], 1);

    let trail = "{ auditEvents(filter: { action: \"alert.\" }) { edges { node { action actorKind actorLabel before after } } } signIns: auditEvents(filter: { action: \"user.signed_in\" }) { edges { node { actorLabel } } } }";
    let (_, forbidden) = graphql_with(&app, &coach, trail, json!({})).await;
    assert_eq!(code(&forbidden), Some("FORBIDDEN"), "the trail is for admins");
    let (_, seen) = graphql_with(&app, &admin, trail, json!({})).await;
    let actions: Vec<(String, String)> = seen["data"]["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["action"].as_str().unwrap().to_owned(),
                e["node"]["actorLabel"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            ("alert.assigned".to_owned(), "coach@example.com".to_owned()),
            ("alert.opened".to_owned(), "system".to_owned())
        ],
        "newest first"
    );
    assert_eq!(
        seen["data"]["auditEvents"]["edges"][0]["node"]["after"]["assignee_id"],
        coach_id
    );
    let signed_in: Vec<&str> = seen["data"]["signIns"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["actorLabel"].as_str().unwrap())
        .collect();
    assert_eq!(signed_in, ["admin@example.com", "coach@example.com"]);
}
