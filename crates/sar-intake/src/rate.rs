//! Per-partner rate limiting: one token bucket per partner id. Time is a parameter (`Instant`),
//! so the arithmetic is tested without a clock.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use crate::config::RateLimit;

/// A token bucket: `capacity` tokens, `refill_per_second` added continuously.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenBucket {
    capacity: f64,
    refill_per_second: f64,
    tokens: f64,
    updated: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub(crate) fn new(limit: RateLimit, now: Instant) -> Self {
        let capacity = f64::from(limit.burst.get());
        Self {
            capacity,
            refill_per_second: f64::from(limit.per_minute.get()) / 60.0,
            tokens: capacity,
            updated: now,
        }
    }

    /// Takes one token, or says how long until one is there.
    pub(crate) fn try_take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.refill_per_second).min(self.capacity);
        self.updated = self.updated.max(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let missing = 1.0 - self.tokens;
        Err(Duration::from_secs_f64(missing / self.refill_per_second))
    }
}

/// Token buckets by partner id.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<String, TokenBucket>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token from `partner`'s bucket; `Err` is the wait before the next one.
    pub(crate) fn check(&self, partner: &str, now: Instant) -> Result<(), Duration> {
        // A poisoned lock only means another request panicked mid-update; the buckets are
        // still numbers, so keep using them.
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(bucket) = buckets.get_mut(partner) {
            return bucket.try_take(now);
        }
        let mut bucket = TokenBucket::new(self.limit, now);
        let taken = bucket.try_take(now);
        buckets.insert(partner.to_owned(), bucket);
        taken
    }
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroU32;

    use super::*;

    fn limit(burst: u32, per_minute: u32) -> RateLimit {
        RateLimit {
            burst: NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN),
            per_minute: NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN),
        }
    }

    #[test]
    fn a_full_bucket_gives_its_burst_then_refuses_with_the_wait() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(limit(3, 60), start);
        for _ in 0..3 {
            assert_eq!(bucket.try_take(start), Ok(()));
        }
        let wait = bucket.try_take(start).err();
        assert_eq!(wait.map(|wait| wait.as_millis()), Some(1000));
    }

    #[test]
    fn tokens_come_back_at_the_refill_rate_up_to_the_capacity() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(limit(2, 120), start);
        assert!(bucket.try_take(start).is_ok());
        assert!(bucket.try_take(start).is_ok());
        assert!(bucket.try_take(start).is_err());
        // 120 a minute = one every 500 ms.
        let later = start + Duration::from_millis(500);
        assert!(bucket.try_take(later).is_ok());
        assert!(bucket.try_take(later).is_err());
        // A long pause refills to the capacity, not beyond.
        let much_later = later + Duration::from_secs(3600);
        assert!(bucket.try_take(much_later).is_ok());
        assert!(bucket.try_take(much_later).is_ok());
        assert!(bucket.try_take(much_later).is_err());
    }

    #[test]
    fn partners_have_their_own_buckets() {
        let limiter = RateLimiter::new(limit(1, 1));
        let now = Instant::now();
        assert!(limiter.check("acme", now).is_ok());
        assert!(limiter.check("acme", now).is_err());
        assert!(limiter.check("globex", now).is_ok());
    }
}
