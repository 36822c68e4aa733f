//! Upstream's `ControllerExpectations`: how many creates and deletes a controller has issued
//! for a key and not yet seen in its informer. While expectations are pending the controller
//! does not act on its (stale) cache again, so a burst of events never over-creates; they
//! expire after 5 minutes in case an event was lost.
//!
//! Deletions are tracked by object key (upstream's `UIDTrackingControllerExpectations`), so a
//! pod seen first with a deletionTimestamp and then deleted counts once.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long expectations are trusted.
pub const EXPECTATIONS_TIMEOUT: Duration = Duration::from_secs(5 * 60);

#[derive(Debug, Clone)]
struct Expected {
    add: i64,
    del: i64,
    deleting: HashSet<String>,
    set_at: Instant,
}

/// Pending creates and deletes per controller key.
#[derive(Default)]
pub struct Expectations {
    entries: Mutex<HashMap<String, Expected>>,
}

impl Expectations {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Expected>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether the controller of `key` may sync: nothing pending, or the wait expired.
    pub fn satisfied(&self, key: &str) -> bool {
        match self.lock().get(key) {
            None => true,
            Some(e) => (e.add <= 0 && e.del <= 0) || e.set_at.elapsed() > EXPECTATIONS_TIMEOUT,
        }
    }

    /// Expects `add` creates and `del` deletes for `key` (replacing what was expected).
    pub fn expect(&self, key: &str, add: i64, del: i64) {
        self.lock().insert(
            key.to_owned(),
            Expected {
                add,
                del,
                deleting: HashSet::new(),
                set_at: Instant::now(),
            },
        );
    }

    /// Expects the deletion of the objects `deleted` (their `namespace/name` keys).
    pub fn expect_deletions(&self, key: &str, deleted: Vec<String>) {
        self.lock().insert(
            key.to_owned(),
            Expected {
                add: 0,
                del: deleted.len() as i64,
                deleting: deleted.into_iter().collect(),
                set_at: Instant::now(),
            },
        );
    }

    /// The deletion of the object `object_key` was observed; counts only if it was expected
    /// and not counted before.
    pub fn deletion_of_observed(&self, key: &str, object_key: &str) {
        if let Some(e) = self.lock().get_mut(key)
            && e.deleting.remove(object_key)
        {
            e.del -= 1;
        }
    }

    /// One expected create was observed (or will never happen because it failed).
    pub fn creation_observed(&self, key: &str) {
        if let Some(e) = self.lock().get_mut(key) {
            e.add -= 1;
        }
    }

    /// One expected delete was observed (or will never happen).
    pub fn deletion_observed(&self, key: &str) {
        if let Some(e) = self.lock().get_mut(key) {
            e.del -= 1;
        }
    }

    /// Forgets `key` (its controller object was deleted).
    pub fn delete(&self, key: &str) {
        self.lock().remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_hold_a_key_until_every_create_and_delete_is_observed() {
        let e = Expectations::default();
        assert!(e.satisfied("ns/rs"));
        e.expect("ns/rs", 2, 1);
        assert!(!e.satisfied("ns/rs"));
        e.creation_observed("ns/rs");
        e.creation_observed("ns/rs");
        assert!(!e.satisfied("ns/rs"));
        e.deletion_observed("ns/rs");
        assert!(e.satisfied("ns/rs"));
        e.expect("ns/rs", 1, 0);
        e.delete("ns/rs");
        assert!(e.satisfied("ns/rs"));
    }

    #[test]
    fn a_deletion_counts_once_per_object() {
        let e = Expectations::default();
        e.expect_deletions("ns/rs", vec!["ns/a".into(), "ns/b".into()]);
        e.deletion_of_observed("ns/rs", "ns/a");
        e.deletion_of_observed("ns/rs", "ns/a");
        e.deletion_of_observed("ns/rs", "ns/unrelated");
        assert!(!e.satisfied("ns/rs"));
        e.deletion_of_observed("ns/rs", "ns/b");
        assert!(e.satisfied("ns/rs"));
    }
}
