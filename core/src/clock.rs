//! Time and ids are injected: business logic never calls `now()` or makes a
//! random id by itself, so tests can fix both and get reproducible databases.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub trait IdGen: Send + Sync {
    /// A new UUIDv7 (time-ordered) id.
    fn new_id(&self) -> Uuid;
}

/// The wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until it is moved; for tests.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn at(t: DateTime<Utc>) -> Self {
        FixedClock(Mutex::new(t))
    }

    /// 2024-05-20 09:00 Beijing time, a plausible inspection morning.
    pub fn default_test_time() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2024-05-20T01:00:00Z")
            .expect("valid literal")
            .with_timezone(&Utc)
    }

    pub fn advance(&self, by: Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = to;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Random UUIDv7 ids from the system's randomness.
#[derive(Debug, Default, Clone, Copy)]
pub struct V7Ids;

impl IdGen for V7Ids {
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
    }
}

/// Deterministic UUIDv7 ids: the clock's millisecond and a counter in the
/// random bits. Two runs of the same test make the same ids.
pub struct SeqIds {
    clock: Arc<dyn Clock>,
    counter: AtomicU64,
}

impl SeqIds {
    pub fn new(clock: Arc<dyn Clock>) -> Self {
        SeqIds { clock, counter: AtomicU64::new(0) }
    }
}

impl IdGen for SeqIds {
    fn new_id(&self) -> Uuid {
        let n = self.counter.fetch_add(1, Ordering::SeqCst) + 1;
        let millis = self.clock.now().timestamp_millis().max(0) as u64;
        let mut random = [0u8; 10];
        random[2..].copy_from_slice(&n.to_be_bytes());
        uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
    }
}

/// What the store needs from its surroundings: a clock and an id source.
#[derive(Clone)]
pub struct Env {
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn IdGen>,
}

impl Env {
    /// The wall clock and random ids: what the app and the CLI use.
    pub fn system() -> Self {
        Env { clock: Arc::new(SystemClock), ids: Arc::new(V7Ids) }
    }

    /// A fixed clock and sequential ids, for reproducible tests.
    pub fn fixed(at: DateTime<Utc>) -> (Self, Arc<FixedClock>) {
        let clock = Arc::new(FixedClock::at(at));
        let ids = Arc::new(SeqIds::new(clock.clone()));
        (Env { clock: clock.clone(), ids }, clock)
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn new_id(&self) -> Uuid {
        self.ids.new_id()
    }
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seq_ids_are_v7_ordered_and_reproducible() {
        let (a, _) = Env::fixed(FixedClock::default_test_time());
        let (b, _) = Env::fixed(FixedClock::default_test_time());
        let ids_a: Vec<_> = (0..5).map(|_| a.new_id()).collect();
        let ids_b: Vec<_> = (0..5).map(|_| b.new_id()).collect();
        assert_eq!(ids_a, ids_b, "same clock, same ids");
        assert!(ids_a.windows(2).all(|w| w[0] < w[1]), "ids sort in creation order");
        assert!(ids_a.iter().all(|id| id.get_version_num() == 7), "every id is a UUIDv7");
    }
}
