//! Per-caller rate limiting: a token bucket per API key (or one shared bucket in open mode)
//! refilled at `RATE_LIMIT_PER_MINUTE`; an empty bucket answers 429 with `Retry-After`.

use std::{collections::HashMap, sync::Mutex, time::Instant};

use crate::{auth::Caller, error::ApiError};

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// Token buckets by caller.
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    /// `per_minute` = 0 disables limiting.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `caller`, or says how long to wait.
    pub fn check(&self, caller: &Caller) -> Result<(), ApiError> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let now = Instant::now();
        // A std Mutex: the critical section is a few arithmetic operations, never awaited.
        let mut buckets = self.buckets.lock().expect("rate limiter mutex poisoned");
        let bucket = buckets.entry(caller.label()).or_insert(Bucket {
            tokens: capacity,
            refilled: now,
        });
        bucket.tokens =
            (bucket.tokens + now.duration_since(bucket.refilled).as_secs_f64() * per_second).min(capacity);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = ((1.0 - bucket.tokens) / per_second).ceil().max(1.0) as u64;
            Err(ApiError::RateLimited {
                retry_after_seconds: wait,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_keys_have_their_own() {
        let limiter = RateLimiter::new(3);
        let a = Caller::Key {
            role: crate::auth::Role::Viewer,
            key_index: 0,
        };
        let b = Caller::Key {
            role: crate::auth::Role::Viewer,
            key_index: 1,
        };
        for _ in 0..3 {
            limiter.check(&a).unwrap();
        }
        let Err(ApiError::RateLimited { retry_after_seconds }) = limiter.check(&a) else {
            panic!("limited")
        };
        assert!(retry_after_seconds >= 1);
        limiter.check(&b).expect("another key has its own bucket");
        assert!(RateLimiter::new(0).check(&a).is_ok());
    }
}
