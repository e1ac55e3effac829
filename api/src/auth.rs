//! API keys and roles. Keys come from `API_KEYS` (`role:key` or `role:sha256:<hex>` entries,
//! comma-separated); only their SHA-256 hashes are kept, and a presented key is compared with
//! every configured hash in constant time.

use std::fmt;

use entity::UserRole;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;
use worker::audit::Actor;

/// What an operation needs. Keys hold viewer, ingest or admin; people viewer, coach or admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Queries and subscriptions.
    Viewer,
    /// Plus mutations that record data (keys: the platform's backend).
    Ingest,
    /// Plus acting on alerts (people: coaches).
    Coach,
    /// Everything: administration (people, dead jobs, failed emails).
    Admin,
}

impl Role {
    /// The role's name, as written in `API_KEYS` and stored for people.
    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Ingest => "ingest",
            Role::Coach => "coach",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Who is calling: decided once per request (HTTP) or connection (WebSocket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No keys and no users: the server runs open (loopback only) and allows everything.
    Open,
    /// A configured key with its role (viewer, ingest or admin).
    Key { role: Role, key_index: usize },
    /// A signed-in person.
    Person {
        user_id: Uuid,
        email: String,
        role: UserRole,
        sign_in_id: Uuid,
    },
}

impl Caller {
    /// Whether the caller may perform operations needing `needed`.
    pub fn allows(&self, needed: Role) -> bool {
        match self {
            Caller::Open => true,
            Caller::Key { role, .. } => match role {
                Role::Admin => true,
                Role::Ingest => matches!(needed, Role::Viewer | Role::Ingest),
                Role::Viewer | Role::Coach => needed == Role::Viewer,
            },
            Caller::Person { role, .. } => match role {
                UserRole::Admin => true,
                UserRole::Coach => matches!(needed, Role::Viewer | Role::Coach),
                UserRole::Viewer => needed == Role::Viewer,
            },
        }
    }

    /// A stable label for rate limiting and logs (never the key itself).
    pub fn label(&self) -> String {
        match self {
            Caller::Open => "open".into(),
            Caller::Key { role, key_index } => format!("{role}-key-{key_index}"),
            Caller::Person { user_id, .. } => format!("user-{user_id}"),
        }
    }

    /// The caller as the audit trail names them.
    pub fn actor(&self) -> Actor {
        match self {
            Caller::Open => Actor::local(),
            Caller::Key { .. } => Actor::key(self.label()),
            Caller::Person { user_id, email, .. } => Actor {
                kind: entity::ActorKind::User,
                user_id: Some(*user_id),
                label: email.clone(),
            },
        }
    }

    /// The signed-in person's id, if the caller is one.
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Caller::Person { user_id, .. } => Some(*user_id),
            _ => None,
        }
    }
}

/// Why a key configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum KeyConfigError {
    #[error("API_KEYS entry {0} must be role:key or role:sha256:<64 hex digits>")]
    Malformed(usize),
    #[error("API_KEYS entry {0}: unknown role {1:?} (viewer, ingest or admin)")]
    UnknownRole(usize, String),
    #[error(
        "API_KEYS entry {0}: the key is {1} characters; keys need at least {MIN_KEY_CHARS} (e.g. `openssl rand -hex 32`)"
    )]
    TooShort(usize, usize),
}

/// Shortest API key accepted in `API_KEYS`: a shorter one could be guessed.
pub const MIN_KEY_CHARS: usize = 16;

/// The configured keys, as hashes.
#[derive(Clone, Default)]
pub struct ApiKeys {
    entries: Vec<(Role, [u8; 32])>,
}

impl fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKeys({} keys)", self.entries.len())
    }
}

fn hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

impl ApiKeys {
    /// Parses `API_KEYS`; an empty string means no keys.
    pub fn parse(spec: &str) -> Result<Self, KeyConfigError> {
        let mut entries = Vec::new();
        for (index, entry) in spec
            .split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .enumerate()
        {
            let (role, secret) = entry
                .split_once(':')
                .ok_or(KeyConfigError::Malformed(index + 1))?;
            let role = match role {
                "viewer" => Role::Viewer,
                "ingest" => Role::Ingest,
                "admin" => Role::Admin,
                other => return Err(KeyConfigError::UnknownRole(index + 1, other.into())),
            };
            let digest = match secret.strip_prefix("sha256:") {
                Some(hex) => parse_hex(hex).ok_or(KeyConfigError::Malformed(index + 1))?,
                None if secret.is_empty() => return Err(KeyConfigError::Malformed(index + 1)),
                None if secret.chars().count() < MIN_KEY_CHARS => {
                    return Err(KeyConfigError::TooShort(index + 1, secret.chars().count()));
                }
                None => hash(secret),
            };
            entries.push((role, digest));
        }
        Ok(Self { entries })
    }

    /// No keys configured: the server runs open.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The caller for a presented key (`None`: no key presented), or `Err` when the key is
    /// required but missing or unknown.
    pub fn authenticate(&self, presented: Option<&str>) -> Result<Caller, crate::error::ApiError> {
        if self.is_empty() {
            return Ok(Caller::Open);
        }
        let presented = presented
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .ok_or(crate::error::ApiError::Unauthenticated)?;
        let digest = hash(presented);
        // Compare with every entry, without stopping early, so timing reveals nothing.
        let mut found = None;
        for (index, (role, expected)) in self.entries.iter().enumerate() {
            if bool::from(expected.ct_eq(&digest)) && found.is_none() {
                found = Some(Caller::Key {
                    role: *role,
                    key_index: index,
                });
            }
        }
        found.ok_or(crate::error::ApiError::Unauthenticated)
    }
}

fn parse_hex(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The key in an `Authorization: Bearer <key>` header value.
pub fn bearer(header: &str) -> Option<&str> {
    let (scheme, key) = header.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(key.trim())
}

/// A GraphQL guard: the caller must hold at least `role`.
pub struct RoleGuard(pub Role);

impl async_graphql::Guard for RoleGuard {
    async fn check(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<()> {
        let allowed = ctx
            .data_opt::<Caller>()
            .is_none_or(|caller| caller.allows(self.0));
        if allowed {
            Ok(())
        } else {
            Err(crate::error::ApiError::Forbidden(self.0.name()).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_plain_and_hashed_and_match_only_themselves() {
        let hashed: String = hash("s3cret-admin").iter().map(|b| format!("{b:02x}")).collect();
        let keys = ApiKeys::parse(&format!(
            "viewer:view-key-0123456789, ingest:ingest-key-0123456789, admin:sha256:{hashed}"
        ))
        .unwrap();
        assert_eq!(
            keys.authenticate(Some("view-key-0123456789")).unwrap(),
            Caller::Key {
                role: Role::Viewer,
                key_index: 0
            }
        );
        assert_eq!(
            keys.authenticate(Some("s3cret-admin")).unwrap(),
            Caller::Key {
                role: Role::Admin,
                key_index: 2
            }
        );
        assert!(keys.authenticate(Some("nope")).is_err());
        assert!(keys.authenticate(None).is_err());
        assert!(
            ApiKeys::parse("")
                .unwrap()
                .authenticate(None)
                .is_ok_and(|c| c == Caller::Open)
        );
        assert!(matches!(
            ApiKeys::parse("boss:x"),
            Err(KeyConfigError::UnknownRole(1, _))
        ));
        assert!(matches!(
            ApiKeys::parse("viewer"),
            Err(KeyConfigError::Malformed(1))
        ));
        assert!(matches!(
            ApiKeys::parse("viewer:sha256:abc"),
            Err(KeyConfigError::Malformed(1))
        ));
        let short = ApiKeys::parse("viewer:viewer-key").unwrap_err();
        assert!(matches!(short, KeyConfigError::TooShort(1, 10)));
        assert!(short.to_string().contains("at least 16"), "{short}");
    }

    #[test]
    fn roles_allow_what_they_should() {
        let ingest = Caller::Key {
            role: Role::Ingest,
            key_index: 0,
        };
        assert!(ingest.allows(Role::Viewer) && ingest.allows(Role::Ingest) && !ingest.allows(Role::Admin));
        assert!(!ingest.allows(Role::Coach), "machines do not triage alerts");
        let coach = Caller::Person {
            user_id: Uuid::nil(),
            email: "coach@example.com".into(),
            role: UserRole::Coach,
            sign_in_id: Uuid::nil(),
        };
        assert!(coach.allows(Role::Viewer) && coach.allows(Role::Coach));
        assert!(!coach.allows(Role::Ingest) && !coach.allows(Role::Admin));
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
    }
}
