//! Whole answers to the dashboard's read-mostly queries (`tutors`, `tutor`, `overview`,
//! `alerts`), kept until anything changes.
//!
//! Every change that these queries show publishes an event after its commit (scores, sessions,
//! alerts, interventions, notes), and this api's own mutations run here: either empties the
//! cache. So between two changes a list is read once per caller, not once per request. What
//! moves with time alone (the overview's "last 24 hours", an intervention falling overdue)
//! and a change whose event was lost (a Redis reconnect) are bounded by
//! `RESPONSE_CACHE_SECONDS`. A request with `Cache-Control: no-cache` is answered fresh.
//!
//! Answers are kept per caller (key, person or open server), so what a role may not see never
//! reaches another role; only answers without errors are kept.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use async_graphql::{Request, Response, Value};
use axum::body::Bytes;
use chrono::{DateTime, Utc};

use crate::auth::Caller;

/// The root fields whose answers may be kept: each derives only from data whose changes
/// publish an event.
pub const CACHEABLE_FIELDS: [&str; 4] = ["tutors", "tutor", "overview", "alerts"];

/// The cache of one api process.
pub struct ResponseCache {
    /// Grows with every change: an answer computed before a change is never stored after it.
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
    max_entries: usize,
    max_age: chrono::Duration,
}

struct Entry {
    /// By the application's clock, as everything the answer depends on in time.
    stored: DateTime<Utc>,
    kept: Arc<Kept>,
}

/// A kept answer: its data, and the same as the HTTP body (`{"data": ...}`), serialised once.
#[derive(Debug)]
pub struct Kept {
    pub data: Value,
    pub body: Bytes,
}

/// Where a lookup stands: the answer kept, or what storing the fresh one needs.
pub enum Lookup {
    Hit(Arc<Kept>),
    Miss { key: String, generation: u64 },
}

impl ResponseCache {
    /// A cache of at most `max_entries` answers, each kept at most `max_age` (zero of either:
    /// no cache).
    pub fn new(max_entries: usize, max_age: Duration) -> Self {
        let max_age = chrono::Duration::from_std(max_age).unwrap_or(chrono::Duration::MAX);
        Self {
            generation: AtomicU64::new(0),
            entries: Mutex::new(HashMap::new()),
            max_entries,
            max_age,
        }
    }

    fn enabled(&self) -> bool {
        self.max_entries > 0 && !self.max_age.is_zero()
    }

    /// The kept answer to `request` by `caller` at `now`, or what storing it takes. `None`
    /// when the cache is off.
    pub fn lookup(&self, caller: &Caller, request: &Request, now: DateTime<Utc>) -> Option<Lookup> {
        if !self.enabled() {
            return None;
        }
        // Read before the lookup: a change after this point makes the answer unstorable.
        let generation = self.generation.load(Ordering::Acquire);
        let key = key(caller, request);
        let entries = self.entries.lock().expect("response cache mutex");
        match entries.get(&key) {
            Some(entry) if now - entry.stored < self.max_age => {
                metrics::counter!("tutorscore_response_cache_total", "outcome" => "hit").increment(1);
                Some(Lookup::Hit(entry.kept.clone()))
            }
            _ => {
                metrics::counter!("tutorscore_response_cache_total", "outcome" => "miss").increment(1);
                Some(Lookup::Miss { key, generation })
            }
        }
    }

    /// Keeps `data` (computed at `now`) under `key` unless something changed since
    /// `generation` was read.
    pub fn store(&self, key: String, generation: u64, data: &Value, now: DateTime<Utc>) {
        let mut entries = self.entries.lock().expect("response cache mutex");
        // Checked under the lock that `invalidate` also takes, so a store cannot slip in
        // between its bump and its clear.
        if self.generation.load(Ordering::Acquire) != generation {
            return;
        }
        if entries.len() >= self.max_entries {
            let max_age = self.max_age;
            entries.retain(|_, e| now - e.stored < max_age);
            if entries.len() >= self.max_entries {
                return;
            }
        }
        let response = Response::new(data.clone());
        let Ok(body) = serde_json::to_vec(&response) else {
            return;
        };
        let kept = Arc::new(Kept {
            data: response.data,
            body: body.into(),
        });
        entries.insert(key, Entry { stored: now, kept });
    }

    /// Forgets every answer: something they may show has changed.
    pub fn invalidate(&self) {
        let mut entries = self.entries.lock().expect("response cache mutex");
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }

    /// Answers kept now.
    pub fn len(&self) -> usize {
        self.entries.lock().expect("response cache mutex").len()
    }

    /// Whether no answer is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Who asks and what, exactly: the caller's identity and role, the operation, the document
/// and the variables.
fn key(caller: &Caller, request: &Request) -> String {
    let who = match caller {
        Caller::Open => "open".to_owned(),
        Caller::Key { role, key_index } => format!("key:{key_index}:{role:?}"),
        Caller::Person { user_id, role, .. } => format!("person:{user_id}:{role:?}"),
    };
    let variables = serde_json::to_string(&request.variables).unwrap_or_default();
    format!(
        "{who}\u{0}{}\u{0}{}\u{0}{variables}",
        request.operation_name.as_deref().unwrap_or(""),
        request.query
    )
}

/// Empties `cache` on every event of `bus` (and when events were skipped), until shutdown.
pub async fn follow(
    cache: Arc<ResponseCache>,
    bus: worker::events::SharedBus,
    shutdown: tokio_util::sync::CancellationToken,
) {
    use tokio::sync::broadcast::error::RecvError;
    let mut events = bus.subscribe();
    loop {
        tokio::select! {
            received = events.recv() => match received {
                Ok(_) | Err(RecvError::Lagged(_)) => cache.invalidate(),
                Err(RecvError::Closed) => return,
            },
            () = shutdown.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn request(query: &str) -> Request {
        Request::new(query)
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 12, 0, 0).unwrap() + chrono::Duration::seconds(seconds)
    }

    fn admin() -> Caller {
        Caller::Key {
            role: crate::auth::Role::Admin,
            key_index: 0,
        }
    }

    fn viewer() -> Caller {
        Caller::Key {
            role: crate::auth::Role::Viewer,
            key_index: 1,
        }
    }

    fn miss(cache: &ResponseCache, caller: &Caller, query: &str, now: DateTime<Utc>) -> (String, u64) {
        match cache.lookup(caller, &request(query), now) {
            Some(Lookup::Miss { key, generation }) => (key, generation),
            Some(Lookup::Hit(_)) => panic!("expected a miss for {query}"),
            None => panic!("cache is off"),
        }
    }

    #[test]
    fn an_answer_is_kept_per_caller_until_a_change() {
        let cache = ResponseCache::new(10, Duration::from_secs(60));
        let (key, generation) = miss(&cache, &admin(), "{ overview { tutors } }", at(0));
        cache.store(key, generation, &Value::from(1), at(0));
        assert!(matches!(
            cache.lookup(&admin(), &request("{ overview { tutors } }"), at(1)),
            Some(Lookup::Hit(kept)) if kept.data == Value::from(1) && &kept.body[..] == br#"{"data":1}"#
        ));
        // Another caller, another document: not the same answer.
        miss(&cache, &viewer(), "{ overview { tutors } }", at(1));
        miss(&cache, &admin(), "{ overview { highRisk } }", at(1));
        cache.invalidate();
        miss(&cache, &admin(), "{ overview { tutors } }", at(1));
        assert!(cache.is_empty());
    }

    #[test]
    fn an_answer_computed_before_a_change_is_not_stored_after_it() {
        let cache = ResponseCache::new(10, Duration::from_secs(60));
        let (key, generation) = miss(&cache, &admin(), "{ tutors { totalCount } }", at(0));
        cache.invalidate();
        cache.store(key, generation, &Value::from(1), at(0));
        assert!(cache.is_empty());
    }

    #[test]
    fn answers_expire_and_the_cache_stays_bounded() {
        let cache = ResponseCache::new(2, Duration::from_secs(5));
        for query in ["{ a }", "{ b }", "{ c }"] {
            let (key, generation) = miss(&cache, &admin(), query, at(0));
            cache.store(key, generation, &Value::from(1), at(0));
        }
        assert_eq!(cache.len(), 2, "the third answer waits for room");
        assert!(matches!(
            cache.lookup(&admin(), &request("{ a }"), at(4)),
            Some(Lookup::Hit(_))
        ));
        miss(&cache, &admin(), "{ a }", at(5));
        let (key, generation) = miss(&cache, &admin(), "{ c }", at(5));
        cache.store(key, generation, &Value::from(1), at(5));
        assert_eq!(cache.len(), 1, "expired answers made room");
        let off = ResponseCache::new(0, Duration::from_secs(1));
        assert!(off.lookup(&admin(), &request("{ a }"), at(0)).is_none());
        let off = ResponseCache::new(10, Duration::ZERO);
        assert!(off.lookup(&admin(), &request("{ a }"), at(0)).is_none());
    }
}
