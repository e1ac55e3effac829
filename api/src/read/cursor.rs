//! Opaque pagination cursors: the sort key of the last row seen plus its id, as base64 JSON.
//! Keyset pagination (`WHERE (key, id) > (cursor)`) never skips or repeats a row when rows
//! are inserted between pages.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

/// A sort key value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Key {
    Number(f64),
    Time(DateTime<Utc>),
    Text(String),
}

/// Position after one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort field the cursor was made for (a cursor from another sort is rejected).
    pub sort: String,
    pub key: Key,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("cursors serialise"))
    }

    /// Decodes `after` for `sort`; `field` names the argument in errors.
    pub fn decode(text: &str, sort: &str, field: &str) -> ApiResult<Self> {
        let invalid = || ApiError::input(field, "is not a cursor returned by this query");
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if cursor.sort != sort {
            return Err(ApiError::input(field, "was returned for a different sort order"));
        }
        Ok(cursor)
    }
}

/// Page size: `first` defaults to `default` and must be within 1..=max.
pub fn page_size(first: Option<i32>, default: u64, max: u64) -> ApiResult<u64> {
    match first {
        None => Ok(default),
        Some(n) if n >= 1 && n as u64 <= max => Ok(n as u64),
        Some(_) => Err(ApiError::input("first", format!("must be between 1 and {max}"))),
    }
}
