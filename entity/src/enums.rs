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
    /// Booked, not happened yet: counts in no rate until its outcome is recorded (under the
    /// same external id).
    #[sea_orm(string_value = "scheduled")]
    Scheduled,
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
    /// Measure an intervention's outcome from the data, its follow-up period after.
    #[sea_orm(string_value = "measure_outcome")]
    MeasureOutcome,
    /// Fit the prediction model on the outcomes so far, evaluate it, promote it if better.
    #[sea_orm(string_value = "train_model")]
    TrainModel,
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

/// What a person may do: each role includes the ones before it, and `coach` acts on alerts.
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
pub enum UserRole {
    /// Reads everything (dashboard, API).
    #[sea_orm(string_value = "viewer")]
    Viewer,
    /// Plus acting on alerts (and, later, interventions and notes).
    #[sea_orm(string_value = "coach")]
    Coach,
    /// Plus people, configuration and dead jobs.
    #[sea_orm(string_value = "admin")]
    Admin,
}

/// What an alert is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// A tutor gained a flag (one alert per tutor and flag code).
    #[sea_orm(string_value = "flag")]
    Flag,
    /// An upcoming session is likely to fail (one alert per session).
    #[sea_orm(string_value = "upcoming_session")]
    UpcomingSession,
}

/// Where an alert is in its lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(15))")]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    /// Needs someone to look at it.
    #[sea_orm(string_value = "open")]
    Open,
    /// Someone has it in hand.
    #[sea_orm(string_value = "acknowledged")]
    Acknowledged,
    /// Put aside until `snoozed_until`; open again then if the flag is still there.
    #[sea_orm(string_value = "snoozed")]
    Snoozed,
    /// Done with; `resolution` says how.
    #[sea_orm(string_value = "resolved")]
    Resolved,
}

/// How an alert was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(15))")]
#[serde(rename_all = "snake_case")]
pub enum AlertResolution {
    /// The flag cleared by itself (automatic).
    #[sea_orm(string_value = "recovered")]
    Recovered,
    /// A coach acted on it.
    #[sea_orm(string_value = "actioned")]
    Actioned,
    /// A coach judged the flag wrong: counted against the rule's precision.
    #[sea_orm(string_value = "false_alarm")]
    FalseAlarm,
}

/// How serious an alert is (its flag's severity).
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
pub enum AlertSeverity {
    #[sea_orm(string_value = "warning")]
    Warning,
    #[sea_orm(string_value = "critical")]
    Critical,
}

/// Who did something recorded in the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
#[serde(rename_all = "snake_case")]
pub enum ActorKind {
    /// A person signed in.
    #[sea_orm(string_value = "user")]
    User,
    /// An API key (a machine).
    #[sea_orm(string_value = "key")]
    Key,
    /// The embedded default with no keys and no users: whoever is on this machine.
    #[sea_orm(string_value = "local")]
    Local,
    /// tutorscore itself (the worker opening or recovering an alert).
    #[sea_orm(string_value = "system")]
    System,
}

text_values!(
    UserRole,
    AlertKind,
    AlertStatus,
    AlertResolution,
    AlertSeverity,
    ActorKind
);

/// Where an intervention is: planned, then done or cancelled (both final).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(10))")]
#[serde(rename_all = "snake_case")]
pub enum InterventionStatus {
    /// To be done by its due date (overdue after it).
    #[sea_orm(string_value = "planned")]
    Planned,
    /// Done: its outcome is measured `FOLLOW_UP_DAYS` later.
    #[sea_orm(string_value = "done")]
    Done,
    /// Not going to happen.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// What a follow-up found (or what an owner judged): the flagged metric after the
/// intervention against the same length of time before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
#[serde(rename_all = "snake_case")]
pub enum OutcomeVerdict {
    /// The rate fell, beyond what chance explains.
    #[sea_orm(string_value = "improved")]
    Improved,
    /// No change beyond what chance explains.
    #[sea_orm(string_value = "no_change")]
    NoChange,
    /// The rate rose, beyond what chance explains.
    #[sea_orm(string_value = "worse")]
    Worse,
    /// Too few sessions before or after to judge.
    #[sea_orm(string_value = "not_enough_data")]
    NotEnoughData,
    /// The tutor had no sessions at all after the intervention.
    #[sea_orm(string_value = "churned")]
    Churned,
}

text_values!(InterventionStatus, OutcomeVerdict);
