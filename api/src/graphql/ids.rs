//! Our ids as GraphQL `ID`s.

use async_graphql::ID;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// Parses a GraphQL `ID` argument holding one of our UUIDs; `field` names it in the error.
pub fn parse_id(field: &str, id: &ID) -> ApiResult<Uuid> {
    Uuid::parse_str(id.as_str().trim())
        .map_err(|_| ApiError::input(field, "must be an id returned by this API (a UUID)"))
}

/// One of our UUIDs as an `ID`.
pub fn id(uuid: Uuid) -> ID {
    ID(uuid.to_string())
}
