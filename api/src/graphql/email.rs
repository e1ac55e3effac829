//! Email reports in the API: listing them, and the admin retry of a failed one.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::email_report;
use worker::{
    mail::{self, read::EmailFilter},
    pagination::{PageRequest, page_size},
};

use super::{
    connection::{PageInfo, edges},
    ids::{id, parse_id},
};
use crate::{
    auth::{Role, RoleGuard},
    error::{ApiError, ApiResult},
    state::AppState,
};

/// What an email is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::EmailKind")]
pub enum EmailKind {
    /// The report about one processed session.
    SessionReport,
    /// A tutor entered (or left) high risk.
    RiskAlert,
    /// The daily summary.
    Digest,
}

/// Where an email is in its delivery.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::EmailStatus")]
pub enum EmailStatus {
    /// Not yet accepted by the mail server (retries may be under way).
    Pending,
    /// Accepted by the mail server.
    Sent,
    /// Refused for good or out of retries; `lastError` says why.
    Failed,
}

/// One email to one recipient. Its body and the mail server's error are for admins only:
/// they hold what the reports say about tutors and how the mail server is set up.
#[derive(SimpleObject, Clone, Debug)]
pub struct EmailReport {
    pub id: ID,
    pub kind: EmailKind,
    pub status: EmailStatus,
    pub recipient: String,
    pub subject: String,
    /// Delivery attempts so far.
    pub attempts: i32,
    /// Why the last attempt failed, as the mail server said (admins only).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    pub last_error: Option<String>,
    pub tutor_id: Option<ID>,
    pub session_id: Option<ID>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// The plain-text part, as sent (admins only; null with a FORBIDDEN error for others).
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    pub body_text: Option<String>,
}

impl From<email_report::Model> for EmailReport {
    fn from(r: email_report::Model) -> Self {
        Self {
            id: id(r.id),
            kind: r.kind.into(),
            status: r.status.into(),
            recipient: r.recipient,
            subject: r.subject,
            attempts: r.attempts,
            last_error: r.last_error,
            tutor_id: r.tutor_id.map(id),
            session_id: r.session_id.map(id),
            created_at: r.created_at,
            sent_at: r.sent_at,
            body_text: Some(r.body_text),
        }
    }
}

/// Which email reports to list.
#[derive(InputObject, Default, Clone, Debug)]
pub struct EmailReportFilterInput {
    /// Reports about this tutor.
    pub tutor_id: Option<ID>,
    pub statuses: Option<Vec<EmailStatus>>,
    pub kinds: Option<Vec<EmailKind>>,
}

/// A page of email reports.
#[derive(SimpleObject, Debug)]
pub struct EmailReportConnection {
    pub edges: Vec<EmailReportEdge>,
    pub page_info: PageInfo,
}

/// An email report and its cursor.
#[derive(SimpleObject, Debug)]
pub struct EmailReportEdge {
    pub cursor: String,
    pub node: EmailReport,
}

impl EmailReportConnection {
    /// One page of email reports, newest first.
    pub async fn load(
        ctx: &Context<'_>,
        filter: EmailReportFilterInput,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Self> {
        let state = ctx.data_unchecked::<AppState>();
        let first = page_size(first, 20, state.config.limits.max_page_size)?;
        let filter = EmailFilter {
            tutor_id: filter
                .tutor_id
                .as_ref()
                .map(|id| parse_id("filter.tutorId", id))
                .transpose()?,
            statuses: filter
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
            kinds: filter
                .kinds
                .unwrap_or_default()
                .into_iter()
                .map(Into::into)
                .collect(),
        };
        let request = PageRequest::new(first, after.as_deref(), mail::read::SORT, true)?;
        let page = mail::read::list(&state.db, &filter, &request).await?;
        let (edges, page_info) = edges(page, |cursor, r| EmailReportEdge {
            cursor,
            node: r.into(),
        });
        Ok(Self { edges, page_info })
    }
}

/// Email queries, merged into the query root.
#[derive(Default)]
pub struct EmailQuery;

#[Object]
impl EmailQuery {
    /// Email reports newest first: by tutor, status and kind.
    #[graphql(
        guard = "RoleGuard(Role::Viewer)",
        complexity = "first.unwrap_or(20).clamp(1, 100) as usize * child_complexity"
    )]
    async fn email_reports(
        &self,
        ctx: &Context<'_>,
        filter: Option<EmailReportFilterInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<EmailReportConnection> {
        Ok(EmailReportConnection::load(ctx, filter.unwrap_or_default(), first, after).await?)
    }
}

/// Email mutations, merged into the mutation root.
#[derive(Default)]
pub struct EmailMutation;

#[Object]
impl EmailMutation {
    /// Sends a failed report again (admin): it goes back to pending and into the queue.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn retry_email_report(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<EmailReport> {
        let state = ctx.data_unchecked::<AppState>();
        let report_id = parse_id("id", &id)?;
        let now = state.clock.now();
        let retried = mail::reports::retry_failed(&state.db, report_id, now)
            .await
            .map_err(ApiError::from)?;
        if !retried {
            return Err(ApiError::NotFound(format!("no failed email report with id {report_id}")).into());
        }
        let _ = state.bus.notify_jobs().await;
        let row = mail::read::by_id(&state.db, report_id)
            .await
            .map_err(ApiError::from)?;
        let row = row.ok_or_else(|| ApiError::NotFound(format!("no email report with id {report_id}")))?;
        Ok(row.into())
    }
}
