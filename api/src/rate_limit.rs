//! Per-caller rate limiting: a token bucket per API key (or one shared bucket in open mode)
//! refilled at `RATE_LIMIT_PER_MINUTE`; an empty bucket answers 429 with `Retry-After`. Failed
//! authentication is throttled per client address ([`AuthThrottle`]), so that guessing keys
//! is slow whichever transport it uses.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::Mutex,
    time::{Duration, Instant},
};

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

/// Addresses kept before expired windows are swept (bounds the memory an attacker with many
/// addresses can take).
const MAX_TRACKED_ADDRESSES: usize = 10_000;

/// Failed authentications per client address in fixed one-minute windows.
pub struct AuthThrottle {
    per_minute: u32,
    failures: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl AuthThrottle {
    /// `per_minute` = 0 disables the throttle.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err` (429, with the seconds until the window ends) when `address` failed too often.
    pub fn check(&self, address: IpAddr) -> Result<(), ApiError> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let failures = self.failures.lock().expect("auth throttle mutex poisoned");
        match failures.get(&address) {
            Some((since, count))
                if *count >= self.per_minute && since.elapsed() < Duration::from_secs(60) =>
            {
                Err(ApiError::RateLimited {
                    retry_after_seconds: (60 - since.elapsed().as_secs()).max(1),
                })
            }
            _ => Ok(()),
        }
    }

    /// Records a failed authentication from `address`.
    pub fn failed(&self, address: IpAddr) {
        if self.per_minute == 0 {
            return;
        }
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("auth throttle mutex poisoned");
        if failures.len() >= MAX_TRACKED_ADDRESSES {
            failures.retain(|_, (since, _)| now.duration_since(*since) < Duration::from_secs(60));
        }
        let entry = failures.entry(address).or_insert((now, 0));
        if now.duration_since(entry.0) >= Duration::from_secs(60) {
            *entry = (now, 0);
        }
        entry.1 += 1;
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

    #[test]
    fn an_address_is_throttled_after_its_failures_and_others_are_not() {
        let throttle = AuthThrottle::new(2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        throttle.failed(a);
        assert!(throttle.check(a).is_ok());
        throttle.failed(a);
        assert!(matches!(throttle.check(a), Err(ApiError::RateLimited { .. })));
        assert!(throttle.check("192.0.2.2".parse().unwrap()).is_ok());
    }
}
