//! GraphQL enums mirroring the domain enums.

use async_graphql::Enum;

/// How worried operations should be about a tutor.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::RiskLevel")]
pub enum RiskLevel {
    /// Nothing to act on.
    Low,
    /// One flag: worth a look.
    Medium,
    /// A critical flag or several flags: needs an intervention.
    High,
}

/// What happened to a scheduled session.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::SessionStatus")]
pub enum SessionStatus {
    /// The session took place (actualStart and actualEnd required).
    Completed,
    /// The session was moved (reschedule details required).
    Rescheduled,
    /// The tutor did not show up.
    TutorNoShow,
    /// The student did not show up.
    StudentNoShow,
    /// The session was cancelled.
    Cancelled,
}

/// Who asked for a reschedule.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::RescheduleInitiator")]
pub enum RescheduleInitiator {
    /// The tutor (counts towards the tutor's reschedule rate).
    Tutor,
    /// The student.
    Student,
}

/// What a flag is about.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "worker::scoring::FlagCode")]
pub enum FlagCode {
    /// Too many tutor-initiated reschedules.
    RescheduleRate,
    /// Too many tutor no-shows.
    NoShowRate,
    /// Too many sessions started more than 5 minutes late.
    LateStartRate,
    /// Too many sessions ended more than 10 minutes early.
    EarlyEndRate,
    /// Too many poor first sessions with new students.
    PoorFirstSessions,
}

/// How serious a flag is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "worker::scoring::Severity")]
pub enum FlagSeverity {
    /// Above the threshold.
    Warning,
    /// Plausibly above the critical level: high risk on its own.
    Critical,
}

/// How the rate rules decide whether a tutor is above a line.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "worker::scoring::DecisionRule")]
pub enum DecisionRule {
    /// The probability that the true rate is above the line, from the window's counts and a
    /// prior worth a few typical sessions.
    Posterior,
    /// The first rule: the 95% Wilson lower bound of the rate against the line.
    Wilson,
}

/// Sort direction.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum SortDirection {
    Asc,
    #[default]
    Desc,
}

/// Columns the tutors list sorts by (ties broken by tutor id).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum TutorSortField {
    QualityScore,
    #[default]
    RiskLevel,
    #[graphql(name = "RESCHEDULE_RATE_7D")]
    RescheduleRate7d,
    #[graphql(name = "RESCHEDULE_RATE_30D")]
    RescheduleRate30d,
    #[graphql(name = "RESCHEDULE_RATE_90D")]
    RescheduleRate90d,
    #[graphql(name = "NO_SHOW_RATE_30D")]
    NoShowRate30d,
    #[graphql(name = "SESSIONS_30D")]
    Sessions30d,
    Name,
    ComputedAt,
}

/// What `recordSession` did.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::ingest::service::RecordOutcome")]
pub enum RecordOutcome {
    /// A new session was stored and its tutor queued for recompute.
    Stored,
    /// The same payload was already stored: nothing changed.
    Unchanged,
    /// An existing session was corrected and its tutor queued for recompute.
    Updated,
}

/// What `upsertTutor` did.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "crate::ingest::service::UpsertOutcome")]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}
