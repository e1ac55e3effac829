//! The tutorscore tables as SeaORM entities, and nothing else.
//!
//! Layout: one module per table; the enums stored as text columns live in [`enums`], and
//! [`StoredJson`], a JSON column read as its text, in [`stored_json`].
//! Every id is a UUID (v7, so ids sort by creation time) except `jobs`, `score_history` and
//! `audit_events`, whose ids are append-only counters. Every timestamp is UTC and set by the application.

pub mod alert;
pub mod audit_event;
pub mod email_report;
pub mod enums;
pub mod intervention;
pub mod intervention_alert;
pub mod intervention_outcome;
pub mod job;
pub mod prediction;
pub mod prediction_model;
pub mod reschedule;
pub mod score_history;
pub mod session;
pub mod sign_in;
pub mod stored_json;
pub mod tutor;
pub mod tutor_note;
pub mod tutor_score;
pub mod user;

pub use enums::*;
pub use stored_json::StoredJson;

/// `use entity::prelude::*` brings every entity in under a readable name.
pub mod prelude {
    pub use super::alert::Entity as Alert;
    pub use super::audit_event::Entity as AuditEvent;
    pub use super::email_report::Entity as EmailReport;
    pub use super::intervention::Entity as Intervention;
    pub use super::intervention_alert::Entity as InterventionAlert;
    pub use super::intervention_outcome::Entity as InterventionOutcome;
    pub use super::job::Entity as Job;
    pub use super::prediction::Entity as Prediction;
    pub use super::prediction_model::Entity as PredictionModel;
    pub use super::reschedule::Entity as Reschedule;
    pub use super::score_history::Entity as ScoreHistory;
    pub use super::session::Entity as Session;
    pub use super::sign_in::Entity as SignIn;
    pub use super::tutor::Entity as Tutor;
    pub use super::tutor_note::Entity as TutorNote;
    pub use super::tutor_score::Entity as TutorScore;
    pub use super::user::Entity as User;
}
