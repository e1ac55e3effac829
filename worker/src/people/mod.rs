//! People who sign in: users with roles (viewer, coach, admin) and argon2 password hashes,
//! and their sign-in sessions (a random token in an HttpOnly cookie; only its SHA-256 is
//! stored; expiring and revocable).
//!
//! [`passwords`] hashes, verifies and generates passwords; [`store`] creates and changes users
//! and signs people in and out (each change with its audit entry, in one transaction);
//! [`read`] finds and lists users.

pub mod passwords;
pub mod read;
pub mod store;

use clap::Args;

/// Rules for people and their sign-ins.
#[derive(Debug, Clone, Args)]
pub struct PeopleConfig {
    /// Shortest password accepted for a person.
    #[arg(long, env = "PASSWORD_MIN_LENGTH", default_value_t = 12)]
    pub password_min_length: usize,
    /// Hours a sign-in lasts before the person signs in again.
    #[arg(long, env = "SIGN_IN_HOURS", default_value_t = 168)]
    pub sign_in_hours: i64,
}

impl Default for PeopleConfig {
    fn default() -> Self {
        crate::config::defaults()
    }
}
