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
    /// Booked, not happened yet (record it again with its outcome under the same
    /// externalId); counts in no rate until then.
    Scheduled,
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
    /// Too many sessions started more than `scoringRules.lateStartMinutes` late.
    LateStartRate,
    /// Too many sessions ended more than `scoringRules.earlyEndMinutes` early.
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
#[graphql(remote = "worker::sessions::RecordOutcome")]
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
#[graphql(remote = "worker::tutors::store::UpsertOutcome")]
pub enum UpsertOutcome {
    Created,
    Updated,
    Unchanged,
}

/// Where an alert is in its lifecycle.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::AlertStatus")]
pub enum AlertStatus {
    /// Needs someone to look at it.
    Open,
    /// Someone has it in hand.
    Acknowledged,
    /// Put aside until `snoozedUntil`; open again then if the flag is still there.
    Snoozed,
    /// Done with; `resolution` says how.
    Resolved,
}

/// How an alert was resolved.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::AlertResolution")]
pub enum AlertResolution {
    /// The flag cleared by itself (set automatically, never by a person).
    Recovered,
    /// A coach acted on it.
    Actioned,
    /// A coach judged the flag wrong (counted against the rule's precision).
    FalseAlarm,
}

/// How serious an alert is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::AlertSeverity")]
pub enum AlertSeverity {
    Warning,
    Critical,
}

/// What an alert is about.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::AlertKind")]
pub enum AlertKind {
    /// A tutor's flag.
    Flag,
    /// An upcoming session at risk.
    UpcomingSession,
}

/// Orders of the alerts list (ties broken by id).
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum AlertSortField {
    /// Critical first, then the oldest first: the triage order (ascending).
    #[default]
    Severity,
    /// When the alert (last) opened.
    OpenedAt,
    /// Acknowledge-by time.
    AckDue,
}

/// What a person may do.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::UserRole")]
pub enum UserRole {
    /// Reads everything.
    Viewer,
    /// Plus acting on alerts.
    Coach,
    /// Plus people, configuration and dead jobs.
    Admin,
}

/// Who did something.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::ActorKind")]
pub enum ActorKind {
    /// A signed-in person.
    User,
    /// An API key (a machine).
    Key,
    /// The open embedded default (no keys, no users).
    Local,
    /// tutorscore itself.
    System,
}

/// Where an intervention is.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::InterventionStatus")]
pub enum InterventionStatus {
    /// To be done by its due date (overdue after it).
    Planned,
    /// Done; its outcome is measured `FOLLOW_UP_DAYS` later.
    Done,
    /// Not going to happen.
    Cancelled,
}

/// What a follow-up measured, or what an owner judged.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::OutcomeVerdict")]
pub enum OutcomeVerdict {
    /// The rate fell, beyond what chance explains (the whole 95% interval of the change is
    /// below zero).
    Improved,
    /// No change beyond what chance explains.
    NoChange,
    /// The rate rose, beyond what chance explains.
    Worse,
    /// Too few sessions before or after to judge (measured only).
    NotEnoughData,
    /// No sessions at all after the intervention (measured only).
    Churned,
}

/// How to sort interventions.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug, Default)]
pub enum InterventionSortField {
    /// By due date (what to do next first).
    #[default]
    DueAt,
    /// By when it was planned.
    CreatedAt,
}

/// What a timeline item is about.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "worker::timeline::ItemKind")]
pub enum TimelineKind {
    /// The tutor's risk level changed.
    RiskChange,
    /// An alert opened or changed.
    Alert,
    /// An intervention was planned, done or cancelled.
    Intervention,
    /// An intervention's outcome was measured or assessed.
    Outcome,
    /// A note was added or changed.
    Note,
    /// An email about the tutor was sent.
    Email,
    /// Anything else recorded about the tutor.
    Other,
}
