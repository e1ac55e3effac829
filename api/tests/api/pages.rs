//! The HTML pages: the dashboard and GraphiQL from `DASHBOARD_DIR`, the page shown when it
//! holds no build, and the security headers every page is sent with.

use std::path::PathBuf;

use reqwest::{Response, header::HeaderMap};

use crate::helpers::{TestApp, spawn_app_with};

/// A `DASHBOARD_DIR` in the temporary folder, removed when dropped.
struct DashboardDir(PathBuf);

impl DashboardDir {
    fn empty() -> Self {
        let dir = std::env::temp_dir().join(format!("tutorscore-pages-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    /// What `npm run build` leaves: two pages and their assets.
    fn built() -> Self {
        let dir = Self::empty();
        let write = |path: &str, text: &str| {
            let path = dir.0.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "index.html",
            r#"<!doctype html><title>tutorscore</title><div id="root"></div><script type="module" src="/assets/dashboard.js"></script>"#,
        );
        write(
            "graphiql.html",
            r#"<!doctype html><meta property="csp-nonce" nonce="__CSP_NONCE__"><title>tutorscore GraphiQL</title><div id="graphiql"></div>"#,
        );
        write("assets/dashboard.js", "console.log('dashboard');");
        dir
    }
}

impl Drop for DashboardDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn app_serving(dir: &DashboardDir) -> TestApp {
    let path = dir.0.to_string_lossy().into_owned();
    spawn_app_with(|c| {
        c.run_worker = false;
        c.dashboard_dir = path;
    })
    .await
}

async fn get(app: &TestApp, path: &str) -> Response {
    app.client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// Asserts the headers of an HTML page; returns the style nonce of its policy, if any.
fn assert_page_headers(path: &str, headers: &HeaderMap) -> Option<String> {
    assert!(header(headers, "content-type").starts_with("text/html"), "{path}");
    assert_eq!(header(headers, "x-content-type-options"), "nosniff", "{path}");
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{path}");
    let policy = header(headers, "content-security-policy");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(
            policy.contains(directive),
            "{path}: {directive} missing from {policy}"
        );
    }
    for loophole in ["unsafe-inline", "unsafe-eval", "http:", "https:", "*"] {
        assert!(!policy.contains(loophole), "{path}: {loophole} in {policy}");
    }
    policy
        .split("'nonce-")
        .nth(1)
        .map(|rest| rest.split('\'').next().unwrap().to_owned())
}

#[tokio::test]
async fn the_dashboard_graphiql_and_client_side_routes_are_sent_with_the_security_headers() {
    let dir = DashboardDir::built();
    let app = app_serving(&dir).await;
    for (path, marker) in [
        ("/", r#"<div id="root">"#),
        ("/tutors/some-tutor", r#"<div id="root">"#),
        ("/graphiql", r#"<div id="graphiql">"#),
    ] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), 200, "{path}");
        let nonce = assert_page_headers(path, response.headers());
        let body = response.text().await.unwrap();
        assert!(body.contains(marker), "{path} served the wrong page: {body}");
        if path == "/graphiql" {
            let nonce = nonce.expect("GraphiQL's policy has a style nonce");
            assert!(body.contains(&format!(r#"nonce="{nonce}""#)), "{body}");
            assert!(!body.contains("__CSP_NONCE__"));
        }
    }
    // A fresh nonce for every response.
    let first = assert_page_headers("/graphiql", get(&app, "/graphiql").await.headers());
    let second = assert_page_headers("/graphiql", get(&app, "/graphiql").await.headers());
    assert_ne!(first, second);

    // Everything else gets nosniff too.
    let asset = get(&app, "/assets/dashboard.js").await;
    assert_eq!(asset.status(), 200);
    assert_eq!(header(asset.headers(), "x-content-type-options"), "nosniff");
    let api = get(&app, "/graphql?query=%7B__typename%7D").await;
    assert_eq!(header(api.headers(), "x-content-type-options"), "nosniff");
}

#[tokio::test]
async fn without_a_built_dashboard_the_pages_say_how_to_build_it() {
    let dir = DashboardDir::empty();
    let app = app_serving(&dir).await;
    for path in ["/", "/graphiql", "/tutors"] {
        let response = get(&app, path).await;
        assert_eq!(response.status(), 200, "{path}");
        let nonce = assert_page_headers(path, response.headers()).expect("a style nonce");
        let body = response.text().await.unwrap();
        for needed in [
            "npm run build",
            "make run",
            "cd frontend &amp;&amp; npm ci",
            "/graphql",
            "/graphiql",
        ] {
            assert!(body.contains(needed), "{path}: no {needed:?} in {body}");
        }
        assert!(body.contains(&format!(r#"<style nonce="{nonce}">"#)));
        // Self-contained: nothing to fetch, from anywhere.
        for external in ["<script", "<link", "<img", "src=", "http:", "https:", "url("] {
            assert!(!body.contains(external), "{path}: {external} in {body}");
        }
    }
}
