//! Email reports as durable work: which reports a recompute or the digest produces (rows in
//! `email_reports`, one per recipient, plus a `send_email` job each, written in the caller's
//! transaction), and sending one.
//!
//! Nothing is lost: the job survives SMTP outages and retries with backoff. Nothing is
//! doubled: a report is unique per (kind, subject key, recipient), and a report marked sent is
//! never sent again. The remaining at-least-once window is a crash after the SMTP server
//! accepted a message and before the row was marked sent (one UPDATE, milliseconds); the
//! Message-ID is derived from the report id, so a duplicate from that window carries the same
//! Message-ID and mail clients can fold it.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use entity::{EmailKind, EmailStatus, JobKind, RiskLevel, email_report, prelude::*, tutor};
use lettre::{
    Message,
    message::{Mailbox, MultiPart},
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, ExprTrait, QueryFilter, Set,
    sea_query::{Expr, OnConflict},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    MailConfig, SessionReports,
    render::{self, Rendered, TutorView},
    transport::{DeliveryError, Mailer},
};
use crate::{jobs, scoring::ScoreReport, sessions::read::SessionWithReschedule};

/// Payload of a `send_email` job. The content is in the report row, rendered when the report
/// was decided, so a retry sends exactly what was decided.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SendEmail {
    pub report_id: Uuid,
}

fn send_job(report_id: Uuid, now: DateTime<Utc>) -> entity::job::ActiveModel {
    let payload = serde_json::to_value(SendEmail { report_id }).expect("payloads serialise");
    jobs::new_job(JobKind::SendEmail, payload, now, now)
}

/// Creates the report rows and send jobs of one email to every recipient. Returns how many
/// new reports were created (existing ones, from a retried job, are left alone).
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    kind: EmailKind,
    subject_key: &str,
    about: (Option<Uuid>, Option<Uuid>),
    rendered: &Rendered,
    recipients: &[String],
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let mut created = 0;
    for recipient in recipients {
        let id = Uuid::now_v7();
        let inserted = EmailReport::insert(email_report::ActiveModel {
            id: Set(id),
            kind: Set(kind),
            subject_key: Set(subject_key.to_owned()),
            recipient: Set(recipient.clone()),
            tutor_id: Set(about.0),
            session_id: Set(about.1),
            subject: Set(rendered.subject.chars().take(300).collect()),
            body_text: Set(rendered.text.clone()),
            body_html: Set(rendered.html.clone()),
            status: Set(EmailStatus::Pending),
            attempts: Set(0),
            last_error: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            sent_at: Set(None),
        })
        .on_conflict(
            OnConflict::columns([
                email_report::Column::Kind,
                email_report::Column::SubjectKey,
                email_report::Column::Recipient,
            ])
            .do_nothing()
            .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
        if inserted == 0 {
            continue; // decided before: the earlier report and its job stand
        }
        Job::insert(send_job(id, now)).exec_without_returning(db).await?;
        created += 1;
    }
    Ok(created)
}

/// What a recompute decided, for deciding its emails.
pub struct RecomputeFacts<'a> {
    pub tutor: &'a tutor::Model,
    pub report: &'a ScoreReport,
    pub previous_risk: Option<RiskLevel>,
    pub version: i64,
    /// Sessions whose recording triggered this recompute, as stored (read once for all the
    /// tutors of a recompute, when [`MailConfig::reports_sessions`]).
    pub sessions: Vec<&'a SessionWithReschedule>,
}

/// In the recompute's transaction: the per-session reports, as configured (alert
/// notifications are [`crate::alerts::notify`]'s).
pub async fn enqueue_after_recompute<C: ConnectionTrait>(
    db: &C,
    config: &MailConfig,
    facts: RecomputeFacts<'_>,
    now: DateTime<Utc>,
) -> Result<usize, DbErr> {
    let recipients = config.recipients();
    if recipients.is_empty() {
        return Ok(0);
    }
    let tutor = TutorView::new(facts.tutor, &config.public_url);
    let mut created = 0;
    let wanted = match config.session_reports {
        SessionReports::All => true,
        SessionReports::Flagged => !facts.report.flags.is_empty(),
        SessionReports::Off => false,
    };
    if wanted && !facts.sessions.is_empty() {
        // A backfill of old sessions gets no report each: the digest covers them.
        let oldest = now - chrono::Duration::hours(config.session_reports_max_age_hours);
        // A booking has no outcome to report yet.
        let recent = facts
            .sessions
            .into_iter()
            .filter(|(s, _)| s.scheduled_start >= oldest && s.status != entity::SessionStatus::Scheduled);
        for (session, reschedule) in recent {
            let rendered = render::session_report(&tutor, session, reschedule.as_ref(), facts.report);
            // A corrected session is a new event: the key includes the version of the row.
            let key = format!("session:{}:{}", session.id, session.updated_at.timestamp_micros());
            let about = (Some(facts.tutor.id), Some(session.id));
            created += enqueue(
                db,
                EmailKind::SessionReport,
                &key,
                about,
                &rendered,
                &recipients,
                now,
            )
            .await?;
        }
    }
    Ok(created)
}

/// How sending one report ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendOutcome {
    /// Accepted by the server (or written to the outbox) and marked sent.
    Sent,
    /// Marked sent before: not sent again.
    AlreadySent,
    /// Refused for good (5xx, bad address): marked failed with the error.
    Failed(String),
}

/// Why a send must be retried.
#[derive(Debug)]
pub enum SendRetry {
    /// The mail server could not take it now (connection refused, 4xx).
    Transient(String),
    /// The database failed.
    Database(DbErr),
}

impl From<DbErr> for SendRetry {
    fn from(e: DbErr) -> Self {
        SendRetry::Database(e)
    }
}

fn message(from: &str, report: &email_report::Model, now: DateTime<Utc>) -> Result<Message, String> {
    let from: Mailbox = from
        .parse()
        .map_err(|e| format!("EMAIL_FROM {from:?} is not an address: {e}"))?;
    let to: Mailbox = report
        .recipient
        .parse()
        .map_err(|e| format!("recipient {:?} is not an address: {e}", report.recipient))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(&report.subject)
        .message_id(Some(format!("<{}@tutorscore>", report.id)))
        .date(SystemTime::from(now))
        .multipart(MultiPart::alternative_plain_html(
            report.body_text.clone(),
            report.body_html.clone(),
        ))
        .map_err(|e| format!("building the message: {e}"))
}

async fn record<C: ConnectionTrait>(
    db: &C,
    report_id: Uuid,
    status: Option<EmailStatus>,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let mut update = EmailReport::update_many()
        .col_expr(
            email_report::Column::Attempts,
            Expr::col(email_report::Column::Attempts).add(1),
        )
        .col_expr(
            email_report::Column::LastError,
            Expr::value(error.map(|e| e.chars().take(2000).collect::<String>())),
        )
        .col_expr(email_report::Column::UpdatedAt, Expr::value(now));
    if let Some(status) = status {
        update = update.col_expr(email_report::Column::Status, Expr::value(status));
        if status == EmailStatus::Sent {
            update = update.col_expr(email_report::Column::SentAt, Expr::value(Some(now)));
        }
    }
    update
        .filter(email_report::Column::Id.eq(report_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Sends one report, unless it was sent already.
pub async fn send<C: ConnectionTrait>(
    db: &C,
    mailer: &Mailer,
    from: &str,
    payload: &SendEmail,
    now: DateTime<Utc>,
) -> Result<SendOutcome, SendRetry> {
    let Some(report) = EmailReport::find_by_id(payload.report_id).one(db).await? else {
        return Ok(SendOutcome::Failed("the report no longer exists".into()));
    };
    if report.status == EmailStatus::Sent {
        return Ok(SendOutcome::AlreadySent);
    }
    let message = match message(from, &report, now) {
        Ok(message) => message,
        Err(error) => {
            record(db, report.id, Some(EmailStatus::Failed), Some(&error), now).await?;
            return Ok(SendOutcome::Failed(error));
        }
    };
    match mailer.send(message).await {
        Ok(()) => {
            record(db, report.id, Some(EmailStatus::Sent), None, now).await?;
            metrics::counter!("tutorscore_emails_total", "outcome" => "sent").increment(1);
            Ok(SendOutcome::Sent)
        }
        Err(DeliveryError::Permanent(error)) => {
            record(db, report.id, Some(EmailStatus::Failed), Some(&error), now).await?;
            metrics::counter!("tutorscore_emails_total", "outcome" => "failed").increment(1);
            Ok(SendOutcome::Failed(error))
        }
        Err(DeliveryError::Transient(error)) => {
            record(db, report.id, None, Some(&error), now).await?;
            Err(SendRetry::Transient(error))
        }
    }
}

/// Marks a report failed after its job ran out of attempts.
pub async fn give_up<C: ConnectionTrait>(
    db: &C,
    report_id: Uuid,
    error: &str,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    EmailReport::update_many()
        .col_expr(email_report::Column::Status, Expr::value(EmailStatus::Failed))
        .col_expr(
            email_report::Column::LastError,
            Expr::value(format!("gave up after retries: {error}")),
        )
        .col_expr(email_report::Column::UpdatedAt, Expr::value(now))
        .filter(email_report::Column::Id.eq(report_id))
        .filter(email_report::Column::Status.ne(EmailStatus::Sent))
        .exec(db)
        .await?;
    Ok(())
}

/// Admin action: a failed report goes back to pending and its send job back in the queue.
/// `Ok(false)` when there is no failed report with this id.
pub async fn retry_failed<C: ConnectionTrait>(
    db: &C,
    report_id: Uuid,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let reset = EmailReport::update_many()
        .col_expr(email_report::Column::Status, Expr::value(EmailStatus::Pending))
        .col_expr(email_report::Column::UpdatedAt, Expr::value(now))
        .filter(email_report::Column::Id.eq(report_id))
        .filter(email_report::Column::Status.eq(EmailStatus::Failed))
        .exec(db)
        .await?;
    if reset.rows_affected == 0 {
        return Ok(false);
    }
    Job::insert(send_job(report_id, now))
        .exec_without_returning(db)
        .await?;
    Ok(true)
}
