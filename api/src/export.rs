//! CSV exports of every list: `GET /export/tutors.csv`, `/export/alerts.csv`,
//! `/export/interventions.csv` and `/export/sessions.csv`.
//!
//! Each takes the same filter, search and sort as its GraphQL list (`filter` and `sort` as
//! the JSON of the list's input objects, `search` as text; the sessions export also takes
//! `tutorId`, `from` and `to`), so a dashboard exports exactly what it shows. The same
//! callers as the API may export (viewer role and up, by key or sign-in cookie).
//!
//! The body is streamed: the rows are read in keyset pages of [`PAGE_ROWS`] and each page
//! is written out before the next is read, so memory stays flat whatever the size. The
//! first page is read before answering, so that bad input gets a 400 rather than a broken
//! file. RFC 4180 (CRLF, quotes doubled, fields with commas, quotes or line breaks quoted),
//! UTF-8, a header row; a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
//! return is prefixed with `'` so that spreadsheets do not run it as a formula.

use std::{collections::HashMap, io, net::SocketAddr, sync::Arc};

use async_graphql::{InputType, Value};
use axum::{
    Router,
    body::{Body, Bytes},
    extract::{ConnectInfo, Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use chrono::{DateTime, Utc};
use futures::{Stream, future::BoxFuture, stream};
use uuid::Uuid;
use worker::{
    alerts, interventions,
    pagination::{Page, PageRequest},
    people, sessions, tutors,
};

use crate::{
    auth::{Caller, Role},
    error::ApiError,
    graphql::{
        alerts::{AlertFilterInput, AlertSortInput},
        enums::SortDirection,
        interventions::{InterventionFilterInput, InterventionSortInput},
        sessions::SessionFilterInput,
        tutors::{TutorFilterInput, TutorSortInput},
    },
    state::AppState,
};

/// Rows read (and written) per page.
pub const PAGE_ROWS: u64 = 1000;

/// The export routes.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/export/tutors.csv", get(tutors_csv))
        .route("/export/alerts.csv", get(alerts_csv))
        .route("/export/interventions.csv", get(interventions_csv))
        .route("/export/sessions.csv", get(sessions_csv))
        .with_state(state)
}

/// A text cell, neutralised against formula injection.
pub fn text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

fn opt_text(value: Option<&str>) -> String {
    value.map(text).unwrap_or_default()
}

fn time(value: DateTime<Utc>) -> String {
    value.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn opt_time(value: Option<DateTime<Utc>>) -> String {
    value.map(time).unwrap_or_default()
}

fn number(value: f64) -> String {
    format!("{value}")
}

fn word<T: sea_orm::ActiveEnum<Value = String>>(value: T) -> String {
    value.to_value()
}

/// CSV bytes of `rows` (RFC 4180, CRLF line ends).
pub fn encode(rows: &[Vec<String>]) -> Bytes {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for row in rows {
        writer.write_record(row).expect("writing to memory");
    }
    Bytes::from(writer.into_inner().expect("writing to memory"))
}

fn error_response(status: StatusCode, e: &ApiError) -> Response {
    let mut extensions = serde_json::json!({ "code": e.code() });
    if let ApiError::BadUserInput { field, .. } = e {
        extensions["field"] = field.clone().into();
    }
    if let ApiError::Internal(cause) = e {
        tracing::error!(error = ?cause, "export failed");
    }
    let body = serde_json::json!({ "errors": [{ "message": e.message(), "extensions": extensions }] });
    (status, axum::Json(body)).into_response()
}

fn status_of(e: &ApiError) -> StatusCode {
    match e {
        ApiError::BadUserInput { .. } => StatusCode::BAD_REQUEST,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::Conflict(_) => StatusCode::CONFLICT,
        ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
        ApiError::Forbidden(_) | ApiError::NotAllowed(_) => StatusCode::FORBIDDEN,
        ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        ApiError::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The caller, if they may export (viewer role and up): authenticated like `/graphql`, wrong
/// keys throttled per client address alike.
async fn authorise(state: &AppState, peer: SocketAddr, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let address = state.trusted_proxies.client_of(peer, headers);
    let caller = crate::http::caller_of(state, address, headers)
        .await
        .map_err(|refused| match refused.retry_after {
            Some(retry_after_seconds) => ApiError::RateLimited { retry_after_seconds },
            None => ApiError::Unauthenticated,
        })?;
    if !caller.allows(Role::Viewer) {
        return Err(ApiError::Forbidden(Role::Viewer.name()));
    }
    state.rate_limiter.check(&caller)?;
    Ok(caller)
}

/// An input object of a list, from the JSON in the query parameter `name`.
fn input<T: InputType + Default>(params: &HashMap<String, String>, name: &str) -> Result<T, ApiError> {
    let Some(raw) = params.get(name) else {
        return Ok(T::default());
    };
    let json: serde_json::Value = serde_json::from_str(raw)
        .map_err(|_| ApiError::input(name, "must be the JSON of the list's input object"))?;
    T::parse(Some(
        Value::from_json(json).map_err(|_| ApiError::input(name, "is not a GraphQL value"))?,
    ))
    .map_err(|e| ApiError::input(name, e.into_server_error(Default::default()).message))
}

/// A page's rows and the cursor after it (none: the last page).
type Fetched = (Vec<Vec<String>>, Option<String>);
type Fetch = Arc<dyn Fn(Option<String>) -> BoxFuture<'static, Result<Fetched, ApiError>> + Send + Sync>;

fn next_cursor<T>(page: &Page<T>) -> Option<String> {
    if page.has_next {
        page.rows.last().map(|(_, c)| c.clone())
    } else {
        None
    }
}

/// The streamed file: `first` (read already), then every following page.
fn body(
    header: &[&str],
    first: Fetched,
    fetch: Fetch,
) -> impl Stream<Item = Result<Bytes, io::Error>> + use<> {
    let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
    let mut head = vec![header];
    head.extend(first.0);
    let opening = encode(&head);
    enum Next {
        Page(String),
        Done,
    }
    let after = first.1.map_or(Next::Done, Next::Page);
    let rest = stream::unfold((after, fetch), |(next, fetch)| async move {
        let Next::Page(cursor) = next else {
            return None;
        };
        match fetch(Some(cursor)).await {
            Ok((rows, cursor)) => Some((Ok(encode(&rows)), (cursor.map_or(Next::Done, Next::Page), fetch))),
            Err(e) => {
                tracing::error!(error = ?e, "an export stopped part way");
                Some((Err(io::Error::other("export failed")), (Next::Done, fetch)))
            }
        }
    });
    futures::StreamExt::chain(stream::once(std::future::ready(Ok(opening))), rest)
}

/// Answers with the file `name-YYYY-MM-DD.csv`: reads the first page, then streams.
async fn respond(state: &AppState, name: &str, header: &[&str], fetch: Fetch) -> Response {
    let first = match fetch(None).await {
        Ok(first) => first,
        Err(e) => return error_response(status_of(&e), &e),
    };
    let file = format!("{name}-{}.csv", state.clock.now().format("%Y-%m-%d"));
    let mut response = Body::from_stream(body(header, first, fetch)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")).expect("ascii file name"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Runs the handler's parsing and authorisation, answering errors with their status.
macro_rules! try_or_respond {
    ($e:expr) => {
        match $e {
            Ok(value) => value,
            Err(e) => return error_response(status_of(&e), &e),
        }
    };
}

const TUTOR_COLUMNS: [&str; 17] = [
    "id",
    "external_id",
    "name",
    "email",
    "active",
    "risk_level",
    "quality_score",
    "flags",
    "reschedule_rate_7d",
    "reschedule_rate_30d",
    "reschedule_rate_90d",
    "no_show_rate_30d",
    "late_start_rate_30d",
    "early_end_rate_30d",
    "sessions_30d",
    "risk_since",
    "computed_at",
];

/// `GET /export/tutors.csv?filter=..&search=..&sort=..`: the tutors list.
async fn tutors_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    try_or_respond!(authorise(&state, peer, &headers).await);
    let filter: TutorFilterInput = try_or_respond!(input(&params, "filter"));
    let sort: TutorSortInput = try_or_respond!(input(&params, "sort"));
    let filter = Arc::new(try_or_respond!(filter.into_filter(params.get("search").cloned())));
    let sort_key = crate::graphql::tutors::sort_of(sort.field);
    let descending = sort.direction == SortDirection::Desc;
    let db = state.db.clone();
    let fetch: Fetch = Arc::new(move |after| {
        let (db, filter) = (db.clone(), filter.clone());
        Box::pin(async move {
            let request = PageRequest::new(PAGE_ROWS, after.as_deref(), sort_key.name(), descending)?;
            let page = tutors::read::list(&db, &filter, sort_key, &request, tutors::read::ScoreDetails::Skip)
                .await?;
            let cursor = next_cursor(&page);
            let rows = page
                .rows
                .into_iter()
                .map(|((t, s), _)| {
                    let score = |f: fn(&entity::tutor_score::Model) -> f64| {
                        s.as_ref().map(|s| number(f(s))).unwrap_or_default()
                    };
                    vec![
                        t.id.to_string(),
                        text(&t.external_id),
                        text(&t.name),
                        text(&t.email),
                        t.active.to_string(),
                        s.as_ref().map(|s| word(s.risk_level)).unwrap_or_default(),
                        score(|s| s.quality_score),
                        s.as_ref()
                            .map(|s| s.flag_codes.trim_matches(',').replace(',', " "))
                            .unwrap_or_default(),
                        score(|s| s.reschedule_rate_7d),
                        score(|s| s.reschedule_rate_30d),
                        score(|s| s.reschedule_rate_90d),
                        score(|s| s.no_show_rate_30d),
                        score(|s| s.late_start_rate_30d),
                        score(|s| s.early_end_rate_30d),
                        s.as_ref().map(|s| s.sessions_30d.to_string()).unwrap_or_default(),
                        opt_time(s.as_ref().map(|s| s.risk_since)),
                        opt_time(s.as_ref().map(|s| s.computed_at)),
                    ]
                })
                .collect();
            Ok((rows, cursor))
        })
    });
    respond(&state, "tutors", &TUTOR_COLUMNS, fetch).await
}

const ALERT_COLUMNS: [&str; 19] = [
    "id",
    "tutor_id",
    "tutor_external_id",
    "tutor_name",
    "kind",
    "flag",
    "severity",
    "status",
    "resolution",
    "assignee",
    "opened_at",
    "ack_due_at",
    "overdue",
    "acknowledged_at",
    "snoozed_until",
    "resolved_at",
    "reopened_count",
    "evidence",
    "version",
];

/// Tutors and people of a page, by id.
async fn names(
    db: &sea_orm::DatabaseConnection,
    tutor_ids: Vec<Uuid>,
    user_ids: Vec<Uuid>,
) -> Result<(HashMap<Uuid, entity::tutor::Model>, HashMap<Uuid, String>), ApiError> {
    let tutors = tutors::read::by_ids(db, tutor_ids).await?;
    let users = people::read::by_ids(db, user_ids).await?;
    Ok((
        tutors.into_iter().map(|t| (t.id, t)).collect(),
        users.into_iter().map(|u| (u.id, u.email)).collect(),
    ))
}

/// `GET /export/alerts.csv?filter=..&sort=..`: the alerts list (unresolved by default, as
/// the list).
async fn alerts_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let caller = try_or_respond!(authorise(&state, peer, &headers).await);
    let filter: AlertFilterInput = try_or_respond!(input(&params, "filter"));
    let sort: AlertSortInput = try_or_respond!(input(&params, "sort"));
    let filter = Arc::new(try_or_respond!(filter.into_filter(&caller)));
    let sort_key = crate::graphql::alerts::sort_of(sort.field);
    let descending = sort.direction == SortDirection::Desc;
    let (db, clock) = (state.db.clone(), state.clock.clone());
    let now = clock.now();
    let fetch: Fetch = Arc::new(move |after| {
        let (db, filter) = (db.clone(), filter.clone());
        Box::pin(async move {
            let request = PageRequest::new(PAGE_ROWS, after.as_deref(), sort_key.name(), descending)?;
            let (page, _) = alerts::read::list(&db, &filter, sort_key, &request, now).await?;
            let cursor = next_cursor(&page);
            let (tutors, users) = names(
                &db,
                page.rows.iter().map(|(a, _)| a.tutor_id).collect(),
                page.rows.iter().filter_map(|(a, _)| a.assignee_id).collect(),
            )
            .await?;
            let rows = page
                .rows
                .into_iter()
                .map(|(a, _)| {
                    let tutor = tutors.get(&a.tutor_id);
                    vec![
                        a.id.to_string(),
                        a.tutor_id.to_string(),
                        opt_text(tutor.map(|t| t.external_id.as_str())),
                        opt_text(tutor.map(|t| t.name.as_str())),
                        word(a.kind),
                        text(&a.flag_code),
                        word(a.severity),
                        word(a.status),
                        a.resolution.map(word).unwrap_or_default(),
                        opt_text(a.assignee_id.and_then(|u| users.get(&u)).map(String::as_str)),
                        time(a.opened_at),
                        time(a.ack_due_at),
                        alerts::is_overdue(&a, now).to_string(),
                        opt_time(a.acknowledged_at),
                        opt_time(a.snoozed_until),
                        opt_time(a.resolved_at),
                        a.reopened_count.to_string(),
                        opt_text(a.latest_evidence["evidence"].as_str()),
                        a.version.to_string(),
                    ]
                })
                .collect();
            Ok((rows, cursor))
        })
    });
    respond(&state, "alerts", &ALERT_COLUMNS, fetch).await
}

const INTERVENTION_COLUMNS: [&str; 22] = [
    "id",
    "tutor_id",
    "tutor_external_id",
    "tutor_name",
    "type",
    "status",
    "owner",
    "due_at",
    "overdue",
    "planned_at",
    "planned_by",
    "completed_at",
    "cancelled_at",
    "follow_up_at",
    "outcome",
    "measured_at",
    "outcome_details",
    "assessment",
    "assessment_note",
    "notes",
    "completion_note",
    "version",
];

/// `GET /export/interventions.csv?filter=..&sort=..`: interventions with their outcomes.
async fn interventions_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let caller = try_or_respond!(authorise(&state, peer, &headers).await);
    let filter: InterventionFilterInput = try_or_respond!(input(&params, "filter"));
    let sort: InterventionSortInput = try_or_respond!(input(&params, "sort"));
    let filter = Arc::new(try_or_respond!(filter.into_filter(&caller)));
    let sort_key = crate::graphql::interventions::sort_of(sort.field);
    let descending = sort.direction == SortDirection::Desc;
    let db = state.db.clone();
    let now = state.clock.now();
    let fetch: Fetch = Arc::new(move |after| {
        let (db, filter) = (db.clone(), filter.clone());
        Box::pin(async move {
            let request = PageRequest::new(PAGE_ROWS, after.as_deref(), sort_key.name(), descending)?;
            let (page, _) = interventions::read::list(&db, &filter, sort_key, &request, now).await?;
            let cursor = next_cursor(&page);
            let (tutors, users) = names(
                &db,
                page.rows.iter().map(|(i, _)| i.tutor_id).collect(),
                page.rows.iter().map(|(i, _)| i.owner_id).collect(),
            )
            .await?;
            let mut outcomes: HashMap<Uuid, Vec<String>> = HashMap::new();
            for o in
                interventions::outcome::of_interventions(&db, page.rows.iter().map(|(i, _)| i.id)).await?
            {
                outcomes.entry(o.intervention_id).or_default().push(format!(
                    "{}: {} ({})",
                    o.flag_code,
                    word(o.verdict),
                    o.sentence
                ));
            }
            let rows = page
                .rows
                .into_iter()
                .map(|(i, _)| {
                    let tutor = tutors.get(&i.tutor_id);
                    vec![
                        i.id.to_string(),
                        i.tutor_id.to_string(),
                        opt_text(tutor.map(|t| t.external_id.as_str())),
                        opt_text(tutor.map(|t| t.name.as_str())),
                        text(&i.kind),
                        word(i.status),
                        opt_text(users.get(&i.owner_id).map(String::as_str)),
                        time(i.due_at),
                        interventions::is_overdue(&i, now).to_string(),
                        time(i.created_at),
                        text(&i.planned_by),
                        opt_time(i.completed_at),
                        opt_time(i.cancelled_at),
                        opt_time(i.follow_up_at),
                        i.outcome.map(word).unwrap_or_default(),
                        opt_time(i.measured_at),
                        text(&outcomes.remove(&i.id).unwrap_or_default().join("; ")),
                        i.assessment.map(word).unwrap_or_default(),
                        opt_text(i.assessment_note.as_deref()),
                        opt_text(i.notes.as_deref()),
                        opt_text(i.completion_note.as_deref()),
                        i.version.to_string(),
                    ]
                })
                .collect();
            Ok((rows, cursor))
        })
    });
    respond(&state, "interventions", &INTERVENTION_COLUMNS, fetch).await
}

const SESSION_COLUMNS: [&str; 17] = [
    "id",
    "external_id",
    "tutor_id",
    "student_ref",
    "scheduled_start",
    "scheduled_minutes",
    "status",
    "actual_start",
    "actual_end",
    "is_first_session",
    "rating",
    "booked_at",
    "reschedule_initiator",
    "reschedule_reason_code",
    "reschedule_reason",
    "reschedule_new_start",
    "reschedule_notice_hours",
];

/// `GET /export/sessions.csv?tutorId=..&from=..&to=..` (or `filter=` as the sessions
/// list): sessions newest first.
async fn sessions_csv(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    try_or_respond!(authorise(&state, peer, &headers).await);
    let mut filter: SessionFilterInput = try_or_respond!(input(&params, "filter"));
    if let Some(tutor) = params.get("tutorId") {
        filter.tutor_id = Some(async_graphql::ID(tutor.clone()));
    }
    for (name, slot) in [("from", &mut filter.from), ("to", &mut filter.to)] {
        if let Some(value) = params.get(name) {
            *slot = Some(try_or_respond!(
                worker::input::timestamp(name, value).map_err(ApiError::from)
            ));
        }
    }
    let filter = Arc::new(try_or_respond!(filter.into_filter()));
    let db = state.db.clone();
    let fetch: Fetch = Arc::new(move |after| {
        let (db, filter) = (db.clone(), filter.clone());
        Box::pin(async move {
            let request = PageRequest::new(PAGE_ROWS, after.as_deref(), sessions::read::SORT, true)?;
            let page = sessions::read::list(&db, &filter, &request).await?;
            let cursor = next_cursor(&page);
            let rows = page
                .rows
                .into_iter()
                .map(|((s, r), _)| {
                    vec![
                        s.id.to_string(),
                        text(&s.external_id),
                        s.tutor_id.to_string(),
                        text(&s.student_ref),
                        time(s.scheduled_start),
                        s.scheduled_minutes.to_string(),
                        word(s.status),
                        opt_time(s.actual_start),
                        opt_time(s.actual_end),
                        s.is_first_session.to_string(),
                        s.rating.map(|r| r.to_string()).unwrap_or_default(),
                        opt_time(s.booked_at),
                        r.as_ref().map(|r| word(r.initiator)).unwrap_or_default(),
                        opt_text(r.as_ref().and_then(|r| r.reason_code.as_deref())),
                        opt_text(r.as_ref().and_then(|r| r.reason.as_deref())),
                        opt_time(r.as_ref().and_then(|r| r.new_start)),
                        r.as_ref().map(|r| number(r.notice_hours)).unwrap_or_default(),
                    ]
                })
                .collect();
            Ok((rows, cursor))
        })
    });
    respond(&state, "sessions", &SESSION_COLUMNS, fetch).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_quoting_follows_rfc_4180() {
        for risky in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(text(risky).starts_with('\''), "{risky:?}");
        }
        assert_eq!(text("Ava"), "Ava");
        let bytes = encode(&[vec![
            "a,b".into(),
            "say \"hi\"".into(),
            "two\nlines".into(),
            "plain".into(),
        ]]);
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",plain\r\n"
        );
    }
}
