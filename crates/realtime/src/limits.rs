//! Per-person rate limits: a token bucket per person and kind of action, shared by all of a
//! person's connections on this node.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use domain::ids::PersonId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Message,
    Update,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Default)]
pub struct Limits(Mutex<HashMap<(PersonId, Kind), Bucket>>);

impl Limits {
    /// Takes a token for `person`; `false` when their bucket is empty.
    pub fn take(&self, person: PersonId, kind: Kind, per_second: f64, burst: f64) -> bool {
        self.take_at(person, kind, per_second, burst, Instant::now())
    }

    fn take_at(
        &self,
        person: PersonId,
        kind: Kind,
        per_second: f64,
        burst: f64,
        now: Instant,
    ) -> bool {
        let mut buckets = crate::lock(&self.0);
        let bucket = buckets.entry((person, kind)).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * per_second).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Forgets the buckets of people idle for a minute (they are full again by then).
    pub fn forget_idle(&self) {
        let now = Instant::now();
        crate::lock(&self.0)
            .retain(|_, b| now.saturating_duration_since(b.at) < Duration::from_secs(60));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate() {
        let limits = Limits::default();
        let me = PersonId(1);
        let start = Instant::now();
        let taken = (0..10)
            .filter(|_| limits.take_at(me, Kind::Message, 2.0, 5.0, start))
            .count();
        assert_eq!(taken, 5, "the burst, no more");
        assert!(!limits.take_at(
            me,
            Kind::Message,
            2.0,
            5.0,
            start + Duration::from_millis(100)
        ));
        assert!(limits.take_at(
            me,
            Kind::Message,
            2.0,
            5.0,
            start + Duration::from_millis(600)
        ));
        // Someone else, or another kind of action, has their own bucket.
        assert!(limits.take_at(PersonId(2), Kind::Message, 2.0, 5.0, start));
        assert!(limits.take_at(me, Kind::Update, 2.0, 5.0, start));
    }
}
