//! Sessions: the write path of `recordSession` and the reads behind the session lists.
//!
//! - [`input`]: a session as the integrator sent it (text), parsed into a [`SessionDraft`];
//! - [`valid`]: the rules every stored session keeps, [`ValidSession::check`], and the values
//!   derived from a session (notice hours, which session is a pair's first), used by every
//!   writer: the api, the demo generator and the tests;
//! - [`store`]: one transaction per session (or a savepoint per batch item): the session, its
//!   reschedule, first-session derivation and the recompute job; events after the commit;
//!   `insert` writes a new one (on Postgres in one statement);
//! - [`read`]: listing sessions, a tutor's recent reschedules, and the facts scoring reads.

pub mod input;
mod insert;
pub mod read;
pub mod store;
pub mod valid;

pub use input::{RawReschedule, RawSession};
pub use store::{RecordOutcome, Recorded, record_session, record_sessions};
pub use valid::{RescheduleDraft, SessionDraft, ValidReschedule, ValidSession};
