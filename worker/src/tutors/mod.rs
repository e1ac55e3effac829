//! Tutors: how the integrator names and describes them, storing them, and reading them back.
//!
//! [`TutorInput`] is what `upsertTutor` sends; [`ValidTutor`] is what passed every rule.
//! [`store`] writes (and locks) tutors; [`read`] lists and finds them with their scores.

pub mod read;
pub mod store;

use uuid::Uuid;

use crate::{
    error::DomainResult,
    input::{self, MAX_ID_CHARS},
};

/// Longest tutor name.
pub const MAX_NAME_CHARS: usize = 200;

/// How a caller names a tutor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TutorRef {
    /// Our id.
    Id(Uuid),
    /// The integrator's id.
    ExternalId(String),
}

/// A tutor as the integrator describes it, before any check.
#[derive(Debug, Clone)]
pub struct TutorInput {
    pub external_id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
}

/// A tutor description that passed every rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTutor {
    pub external_id: String,
    pub name: String,
    pub email: String,
    pub active: bool,
}

impl TutorInput {
    /// Checks every rule; `path` prefixes field names in errors (`input`).
    pub fn validate(&self, path: &str) -> DomainResult<ValidTutor> {
        let field = |name: &str| format!("{path}.{name}");
        Ok(ValidTutor {
            email: input::email(&field("email"), &self.email)?,
            external_id: input::identifier(&field("externalId"), &self.external_id, MAX_ID_CHARS)?,
            name: input::identifier(&field("name"), &self.name, MAX_NAME_CHARS)?,
            active: self.active,
        })
    }
}
