//! [`StoredJson`]: a JSON column kept as its text.
//!
//! Reading a `Json` column builds a tree of maps and strings for every row, which the reader then
//! copies into its own type and drops: for a page of 100 scores that was most of the api's work.
//! A `StoredJson` is read straight from the row's bytes into one string (checked to be JSON),
//! clones as one copy, and is decoded once into the type that needs it with [`StoredJson::decode`].

use std::fmt;

use sea_orm::{
    TryGetableFromJson, Value,
    sea_query::{ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr},
};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// JSON text as stored, decoded on demand.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StoredJson(Box<RawValue>);

impl StoredJson {
    /// The JSON of `value`.
    pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Self, serde_json::Error> {
        serde_json::value::to_raw_value(value).map(Self)
    }

    /// The stored JSON as a `T`.
    pub fn decode<'a, T: Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }

    /// The JSON text (as the database returned it: Postgres normalises `jsonb`).
    pub fn as_str(&self) -> &str {
        self.0.get()
    }
}

impl fmt::Debug for StoredJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Equal when the JSON values are (key order and spacing aside).
impl PartialEq for StoredJson {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
            || self.decode::<serde_json::Value>().ok() == other.decode::<serde_json::Value>().ok()
    }
}

impl TryGetableFromJson for StoredJson {}

impl From<StoredJson> for Value {
    fn from(json: StoredJson) -> Self {
        // Writes bind a JSON value; only reads are on the hot path.
        Value::Json(json.decode::<serde_json::Value>().ok().map(Box::new))
    }
}

impl ValueType for StoredJson {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::Json(Some(json)) => StoredJson::encode(&*json).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "StoredJson".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::Json
    }

    fn column_type() -> ColumnType {
        ColumnType::JsonBinary
    }
}

impl Nullable for StoredJson {
    fn null() -> Value {
        Value::Json(None)
    }
}

impl sea_orm::sea_query::postgres_array::NotU8 for StoredJson {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn encodes_and_decodes_a_value() {
        let stored = StoredJson::encode(&json!({"flags": [{"code": "x"}], "score": 71.5})).unwrap();
        let back: serde_json::Value = stored.decode().unwrap();
        assert_eq!(back, json!({"score": 71.5, "flags": [{"code": "x"}]}));
    }

    #[test]
    fn equal_means_the_same_json_whatever_the_spelling() {
        let spaced: StoredJson = serde_json::from_str(r#"{ "b": 1, "a": [1, 2] }"#).unwrap();
        let tight = StoredJson::encode(&json!({"a": [1, 2], "b": 1})).unwrap();
        assert_ne!(spaced.as_str(), tight.as_str());
        assert_eq!(spaced, tight);
        assert_ne!(spaced, StoredJson::encode(&json!({"a": [2, 1], "b": 1})).unwrap());
    }

    #[test]
    fn binds_and_reads_back_as_a_json_value() {
        let stored = StoredJson::encode(&json!({"a": 1})).unwrap();
        let value = Value::from(stored.clone());
        assert_eq!(value, Value::Json(Some(Box::new(json!({"a": 1})))));
        assert_eq!(<StoredJson as ValueType>::try_from(value).unwrap(), stored);
    }
}
