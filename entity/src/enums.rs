//! Enumerations stored as short text columns.
//!
//! Text (not native database enums) keeps the migrations identical on SQLite and Postgres;
//! check constraints in the migrations restrict each column to the values listed here.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What happened to a scheduled session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// The session took place.
    #[sea_orm(string_value = "completed")]
    Completed,
    /// The session was moved to another time.
    #[sea_orm(string_value = "rescheduled")]
    Rescheduled,
    /// The tutor did not show up.
    #[sea_orm(string_value = "tutor_no_show")]
    TutorNoShow,
    /// The student did not show up.
    #[sea_orm(string_value = "student_no_show")]
    StudentNoShow,
    /// The session was cancelled outright.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// Who asked for a reschedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
#[serde(rename_all = "snake_case")]
pub enum RescheduleInitiator {
    /// The tutor asked to move the session.
    #[sea_orm(string_value = "tutor")]
    Tutor,
    /// The student asked to move the session.
    #[sea_orm(string_value = "student")]
    Student,
}

/// How worried operations should be about a tutor.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    EnumIter,
    DeriveActiveEnum,
    Serialize,
    Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Nothing to act on.
    #[sea_orm(string_value = "low")]
    Low,
    /// Worth a look.
    #[sea_orm(string_value = "medium")]
    Medium,
    /// Needs an intervention.
    #[sea_orm(string_value = "high")]
    High,
}

/// The kinds of email the system sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
#[serde(rename_all = "snake_case")]
pub enum EmailKind {
    /// One report per processed session.
    #[sea_orm(string_value = "session_report")]
    SessionReport,
    /// A tutor's risk level changed to (or from) high.
    #[sea_orm(string_value = "risk_alert")]
    RiskAlert,
    /// The daily summary.
    #[sea_orm(string_value = "digest")]
    Digest,
}

/// Delivery state of one email report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
#[serde(rename_all = "snake_case")]
pub enum EmailStatus {
    /// Not yet accepted by the mail server.
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Accepted by the mail server.
    #[sea_orm(string_value = "sent")]
    Sent,
    /// Permanently rejected, or retries exhausted.
    #[sea_orm(string_value = "failed")]
    Failed,
}

/// Life cycle of a background job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for `run_after`.
    #[sea_orm(string_value = "queued")]
    Queued,
    /// Claimed by a worker until `locked_until`.
    #[sea_orm(string_value = "running")]
    Running,
    /// Finished successfully.
    #[sea_orm(string_value = "done")]
    Done,
    /// Failed too many times; an admin may retry it.
    #[sea_orm(string_value = "dead")]
    Dead,
}

/// What a background job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// Recompute one tutor's score.
    #[sea_orm(string_value = "recompute_tutor")]
    RecomputeTutor,
    /// Send one email report.
    #[sea_orm(string_value = "send_email")]
    SendEmail,
    /// Enqueue a recompute of every active tutor (scores decay with time), then reschedule.
    #[sea_orm(string_value = "recompute_all")]
    RecomputeAll,
    /// Build and send the daily digest, then schedule the next one.
    #[sea_orm(string_value = "daily_digest")]
    DailyDigest,
}

macro_rules! text_values {
    ($($ty:ty),*) => {$(
        impl $ty {
            /// Every value as stored in the database, for check constraints and documentation.
            pub fn db_values() -> Vec<String> {
                <Self as sea_orm::Iterable>::iter().map(|v| v.to_value()).collect()
            }
        }
    )*};
}
text_values!(
    SessionStatus,
    RescheduleInitiator,
    RiskLevel,
    EmailKind,
    EmailStatus,
    JobStatus,
    JobKind
);
