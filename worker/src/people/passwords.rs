//! Passwords: argon2id hashes in PHC form, verification that takes as long whether or not the
//! account exists, and generated one-time passwords.

use std::sync::OnceLock;

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier},
};
use rand::{Rng, distr::Alphanumeric};

use crate::error::{DomainError, DomainResult};

/// The argon2id hash of `password`.
pub fn hash(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .expect("hashing with the default parameters succeeds")
        .to_string()
}

/// Whether `password` matches `stored`; a missing account (`None`) is checked against a fixed
/// hash so that the answer takes as long either way.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("not the password of any account"));
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), stored.unwrap_or(dummy))
        .is_ok();
    matches && stored.is_some()
}

/// A password someone chose: at least `min` characters, at most 200.
pub fn check(field: &str, password: &str, min: usize) -> DomainResult<()> {
    let length = password.chars().count();
    if length < min {
        return Err(DomainError::invalid(
            field,
            format!("must be at least {min} characters"),
        ));
    }
    if length > 200 {
        return Err(DomainError::invalid(field, "must be at most 200 characters"));
    }
    Ok(())
}

/// A fresh one-time password (20 letters and digits, about 119 bits).
pub fn generate() -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(20)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse battery");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&stored)));
        assert!(!verify("correct horse battery!", Some(&stored)));
        assert!(!verify("not the password of any account", None));
    }

    #[test]
    fn short_passwords_are_refused_and_generated_ones_are_long_enough() {
        assert!(check("password", "short", 12).is_err());
        assert!(check("password", &generate(), 12).is_ok());
        assert_ne!(generate(), generate());
    }
}
