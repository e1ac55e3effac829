//! Stored scores: recomputing a tutor's score from the database in one transaction
//! ([`recompute`]), and reading scores, their history and trends back ([`read`]). The rules
//! themselves are pure functions in [`crate::scoring`].

pub mod read;
pub mod recompute;

pub use recompute::{Effects, Recomputed, Request, recompute_tutor, recompute_tutors};
