//! Keyset pagination, written once for every list: opaque cursors (the sort key of the last
//! row seen plus its id, as base64 JSON), the `WHERE (key, id) > (cursor)` condition, and the
//! page assembled from `first + 1` rows. A keyset never skips or repeats a row when rows are
//! inserted between pages, unlike an offset.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use sea_orm::{
    Condition, ExprTrait,
    sea_query::{SimpleExpr, Value},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{DomainError, DomainResult};

/// A sort key value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Key {
    Number(f64),
    Time(DateTime<Utc>),
    Text(String),
    /// Several sort keys, compared in order (severity, then age).
    List(Vec<Key>),
}

impl From<&Key> for Value {
    fn from(key: &Key) -> Self {
        match key {
            Key::Number(n) => (*n).into(),
            Key::Time(t) => (*t).into(),
            Key::Text(s) => s.clone().into(),
            Key::List(_) => unreachable!("a list key is compared key by key"),
        }
    }
}

/// Position after one row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    /// Sort order the cursor was made for (a cursor from another order is refused).
    pub sort: String,
    pub key: Key,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(self).expect("cursors serialise"))
    }

    /// Decodes `text` for `sort`; `field` names the argument in errors.
    pub fn decode(text: &str, sort: &str, field: &str) -> DomainResult<Self> {
        let invalid = || DomainError::invalid(field, "is not a cursor returned by this query");
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).map_err(|_| invalid())?;
        let cursor: Cursor = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if cursor.sort != sort {
            return Err(DomainError::invalid(
                field,
                "was returned for a different sort order",
            ));
        }
        Ok(cursor)
    }
}

/// Page size: `first` defaults to `default` and must be within 1..=max.
pub fn page_size(first: Option<i32>, default: u64, max: u64) -> DomainResult<u64> {
    match first {
        None => Ok(default),
        Some(n) if n >= 1 && n as u64 <= max => Ok(n as u64),
        Some(_) => Err(DomainError::invalid(
            "first",
            format!("must be between 1 and {max}"),
        )),
    }
}

/// What a list asks for: how many rows, after which one, in which order.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub first: u64,
    pub after: Option<Cursor>,
    pub descending: bool,
}

impl PageRequest {
    /// A request for `first` rows after the cursor `after` (as the client sent it) of the sort
    /// order named `sort`.
    pub fn new(first: u64, after: Option<&str>, sort: &str, descending: bool) -> DomainResult<Self> {
        Ok(Self {
            first,
            after: after.map(|a| Cursor::decode(a, sort, "after")).transpose()?,
            descending,
        })
    }

    /// Rows to fetch: one more than shown tells whether another page follows.
    pub fn limit(&self) -> u64 {
        self.first + 1
    }

    /// The rows beyond the cursor in the sort order `(key, id)`; `None` on the first page.
    pub fn beyond(&self, key: SimpleExpr, id: SimpleExpr) -> Option<Condition> {
        let cursor = self.after.as_ref()?;
        let value = Value::from(&cursor.key);
        let (past_key, past_id, bound) = if self.descending {
            (
                key.clone().lt(value.clone()),
                id.lt(cursor.id),
                key.clone().lte(value.clone()),
            )
        } else {
            (
                key.clone().gt(value.clone()),
                id.gt(cursor.id),
                key.clone().gte(value.clone()),
            )
        };
        // The bound repeats what the OR implies, in a form an index on the key can range-scan
        // (without it, each page of a large table scanned and sorted it whole).
        Some(
            Condition::all().add(bound).add(
                Condition::any()
                    .add(past_key)
                    .add(Condition::all().add(key.eq(value)).add(past_id)),
            ),
        )
    }

    /// The rows beyond the cursor in the order `(keys.., id)`, every key in the request's
    /// direction, for a cursor whose key is a [`Key::List`] of as many values.
    pub fn beyond_keys(&self, keys: Vec<SimpleExpr>, id: SimpleExpr) -> DomainResult<Option<Condition>> {
        let Some(cursor) = self.after.as_ref() else {
            return Ok(None);
        };
        let invalid = || DomainError::invalid("after", "is not a cursor returned by this query");
        let Key::List(values) = &cursor.key else {
            return Err(invalid());
        };
        if values.len() != keys.len() || values.iter().any(|v| matches!(v, Key::List(_))) {
            return Err(invalid());
        }
        let past = |expr: SimpleExpr, value: Value| {
            if self.descending {
                expr.lt(value)
            } else {
                expr.gt(value)
            }
        };
        // (k1, .., kn, id) beyond (v1, .., vn, vid), built from the last key inwards.
        let mut condition = Condition::all().add(past(id, cursor.id.into()));
        for (key, value) in keys.into_iter().zip(values).rev() {
            let value = Value::from(value);
            condition = Condition::any()
                .add(past(key.clone(), value.clone()))
                .add(Condition::all().add(key.eq(value)).add(condition));
        }
        Ok(Some(condition))
    }

    /// The page from the fetched rows (at most `limit()`, in order); `cursor_of` makes each
    /// row's cursor.
    pub fn page<T>(&self, rows: Vec<T>, cursor_of: impl Fn(&T) -> Cursor) -> Page<T> {
        let has_next = rows.len() as u64 > self.first;
        let rows = rows
            .into_iter()
            .take(self.first as usize)
            .map(|row| {
                let cursor = cursor_of(&row).encode();
                (row, cursor)
            })
            .collect();
        Page {
            rows,
            has_next,
            has_previous: self.after.is_some(),
        }
    }
}

/// One page of a list: each row with its cursor.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub rows: Vec<(T, String)>,
    pub has_next: bool,
    pub has_previous: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_is_refused_for_another_sort() {
        let cursor = Cursor {
            sort: "name".into(),
            key: Key::Text("Ava".into()),
            id: Uuid::nil(),
        };
        let text = cursor.encode();
        assert_eq!(Cursor::decode(&text, "name", "after").unwrap(), cursor);
        assert!(matches!(
            Cursor::decode(&text, "quality_score", "after"),
            Err(DomainError::Invalid { field, .. }) if field == "after"
        ));
        assert!(Cursor::decode("not a cursor", "name", "after").is_err());
    }

    #[test]
    fn a_page_shows_first_rows_and_says_whether_more_follow() {
        let request = PageRequest::new(2, None, "n", false).unwrap();
        let cursor = |n: &i32| Cursor {
            sort: "n".into(),
            key: Key::Number(f64::from(*n)),
            id: Uuid::nil(),
        };
        let page = request.page(vec![1, 2, 3], cursor);
        assert_eq!(page.rows.len(), 2);
        assert!(page.has_next && !page.has_previous);
        let last = request.page(vec![1, 2], cursor);
        assert!(!last.has_next);
    }
}
