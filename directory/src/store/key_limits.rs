//! Requests per API key, limited in this process's memory (GCRA): a runaway script is slowed
//! without a database write per request. Each process keeps its own count, so behind N
//! processes a key gets up to N times the limit; the limit guards the server, not a quota.

use std::collections::HashMap;
use std::sync::Mutex;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

/// Keys tracked at most; past it the oldest state is dropped (a key then starts full).
const MAX_KEYS: usize = 100_000;

#[derive(Default)]
pub(crate) struct KeyLimits {
    /// When each key's bucket is next empty ("theoretical arrival time").
    tat: Mutex<HashMap<Uuid, OffsetDateTime>>,
}

impl KeyLimits {
    /// Counts one request of `key` against `per_minute`, with ten seconds' worth at once;
    /// refuses with the seconds to wait.
    pub(crate) fn hit(&self, key: Uuid, per_minute: u32, now: OffsetDateTime) -> Result<(), u64> {
        let per_minute = per_minute.max(1);
        let interval = Duration::seconds(60) / per_minute;
        let burst = interval * (per_minute / 6).max(1);
        let mut tat = self.tat.lock().unwrap_or_else(|p| p.into_inner());
        if tat.len() >= MAX_KEYS && !tat.contains_key(&key) {
            tat.clear();
        }
        let current = tat.get(&key).copied().unwrap_or(now).max(now);
        let next = current + interval;
        if next > now + burst {
            let wait = next - (now + burst);
            return Err(wait.whole_seconds().max(1).unsigned_abs());
        }
        tat.insert(key, next);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let limits = KeyLimits::default();
        let key = Uuid::new_v4();
        let now = OffsetDateTime::UNIX_EPOCH;
        // 60 a minute: ten at once, then one a second.
        for _ in 0..10 {
            assert!(limits.hit(key, 60, now).is_ok());
        }
        assert_eq!(limits.hit(key, 60, now), Err(1));
        assert!(limits.hit(key, 60, now + Duration::seconds(1)).is_ok());
        assert!(
            limits.hit(Uuid::new_v4(), 60, now).is_ok(),
            "keys count apart"
        );
    }
}
