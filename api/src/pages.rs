//! The HTML pages and their security headers: the dashboard (its built files, and `index.html`
//! for every other path so that client-side routes load), GraphiQL at `/graphiql`, and a small
//! page saying how to build them when `DASHBOARD_DIR` holds no build.
//!
//! Every HTML page is sent with a Content-Security-Policy that allows our own origin only (no
//! inline script, no eval, no CDN), `X-Frame-Options: DENY`, and `X-Content-Type-Options:
//! nosniff` (which every response gets). Pages served by [`page`] also get a fresh nonce
//! for inline styles: GraphiQL's dialogs insert `<style>` elements at run time, and the
//! page hands them the nonce from its `csp-nonce` meta tag.

use std::{
    io::ErrorKind,
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, HeaderValue, header},
    response::{Html, IntoResponse, Response},
    routing::{MethodRouter, get},
};
use tower_http::services::ServeDir;
use uuid::Uuid;

/// What a built HTML file holds where the server puts the per-response nonce.
pub const NONCE_PLACEHOLDER: &str = "__CSP_NONCE__";

/// The Content-Security-Policy of every HTML page; `nonce` allows inline styles that carry it.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let style = nonce.map_or_else(|| "'self'".to_owned(), |n| format!("'self' 'nonce-{n}'"));
    // 'self' covers same-origin ws:// in connect-src (CSP3), so subscriptions need nothing more.
    // The fonts and icons in GraphiQL's stylesheet are data: URLs.
    format!(
        "default-src 'self'; script-src 'self'; style-src {style}; img-src 'self' data:; \
         font-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// `GET /graphiql` (and `/graphiql.html`): GraphiQL, built with the dashboard.
pub fn routes(dashboard_dir: &Path) -> Router {
    let dir: Arc<Path> = dashboard_dir.into();
    let graphiql = || get(|State(dir): State<Arc<Path>>| page(dir, "graphiql.html", "GraphiQL"));
    Router::new()
        .route("/graphiql", graphiql())
        .route("/graphiql.html", graphiql())
        .with_state(dir)
}

/// The dashboard's files, with `index.html` for any other path (client-side routes).
pub fn dashboard(dashboard_dir: &Path) -> ServeDir<MethodRouter> {
    let dir: Arc<Path> = dashboard_dir.into();
    let spa = get(|State(dir): State<Arc<Path>>| page(dir, "index.html", "dashboard")).with_state(dir);
    ServeDir::new(dashboard_dir).fallback(spa)
}

/// A built page from `DASHBOARD_DIR`, read on each request (a rebuild needs no restart), with
/// its nonce filled in; the build instructions when the file is not there.
pub async fn page(dir: Arc<Path>, file: &'static str, what: &'static str) -> Response {
    let path: PathBuf = dir.join(file);
    let nonce = Uuid::new_v4().simple().to_string();
    let html = match tokio::fs::read_to_string(&path).await {
        Ok(html) => html.replace(NONCE_PLACEHOLDER, &nonce),
        Err(e) => {
            if e.kind() != ErrorKind::NotFound {
                tracing::warn!(path = %path.display(), error = %e, "cannot read a built page");
            }
            not_built(what, file, &nonce)
        }
    };
    let mut response = Html(html).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    insert_policy(headers, Some(&nonce));
    response
}

/// The page for a missing build: how to build it, and where the API is meanwhile.
fn not_built(what: &str, file: &str, nonce: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tutorscore: the {what} is not built</title>
<style nonce="{nonce}">
body {{ font: 16px/1.5 system-ui, sans-serif; color: #0f172a; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; }}
pre, code {{ background: #f1f5f9; border-radius: 4px; }}
pre {{ padding: .75rem 1rem; overflow-x: auto; }}
code {{ padding: 0 .25rem; }}
</style>
</head>
<body>
<h1>tutorscore is running, but the {what} is not built</h1>
<p>The server serves the dashboard and GraphiQL from the folder set by <code>DASHBOARD_DIR</code>
(default <code>frontend/dist</code>), and it has no <code>{file}</code>. Build it from the
repository with</p>
<pre>make run</pre>
<p>or, to build the frontend only (Node.js 20):</p>
<pre>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</pre>
<p>Then reload this page. Meanwhile the GraphQL API answers at <a href="/graphql"><code>/graphql</code></a>
(HTTP and WebSocket); GraphiQL, built with the dashboard, will be at
<a href="/graphiql"><code>/graphiql</code></a>.</p>
</body>
</html>
"#
    )
}

fn insert_policy(headers: &mut HeaderMap, nonce: Option<&str>) {
    let policy = content_security_policy(nonce);
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&policy).expect("the policy is ASCII"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// Response middleware for the whole router: `nosniff` on every response, and the policy
/// and frame headers on HTML that does not have them yet (files served as they are built).
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    if is_html && !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        insert_policy(headers, None);
    }
    response
}
