//! Exponential back-off per key (upstream `flowcontrol.Backoff`), for CrashLoopBackOff
//! (keyed by pod and container, 10s doubling to 300s) and image pulls; an entry resets when
//! nothing happened to it for twice the maximum (10 minutes). Times are passed in, so the
//! logic is testable without a clock.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

/// Upstream's initial container and image back-off.
pub const INITIAL: Duration = Duration::from_secs(10);
/// Upstream's `MaxContainerBackOff` and image pull maximum.
pub const MAX: Duration = Duration::from_secs(300);

#[derive(Clone, Copy, Debug)]
struct Entry {
    backoff: Duration,
    last_update: SystemTime,
}

#[derive(Debug)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    entries: HashMap<String, Entry>,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff::new(INITIAL, MAX)
    }
}

fn since(now: SystemTime, earlier: SystemTime) -> Duration {
    now.duration_since(earlier).unwrap_or_default()
}

impl Backoff {
    pub fn new(initial: Duration, max: Duration) -> Self {
        Backoff {
            initial,
            max,
            entries: HashMap::new(),
        }
    }

    fn expired(&self, now: SystemTime, last_update: SystemTime) -> bool {
        since(now, last_update) > self.max * 2
    }

    /// The current delay of `key` (zero when it has none).
    pub fn get(&self, key: &str) -> Duration {
        self.entries.get(key).map_or(Duration::ZERO, |e| e.backoff)
    }

    /// Records one more failure of `key` at `now`: the first (or the first after a quiet
    /// period) starts at the initial delay, later ones double up to the maximum.
    pub fn next(&mut self, key: &str, now: SystemTime) {
        let backoff = match self.entries.get(key) {
            Some(entry) if !self.expired(now, entry.last_update) => {
                (entry.backoff * 2).min(self.max)
            }
            _ => self.initial,
        };
        self.entries.insert(
            key.to_owned(),
            Entry {
                backoff,
                last_update: now,
            },
        );
    }

    /// Whether `key` is still backing off from an event at `event_time` (for containers: the
    /// time the last instance finished).
    pub fn is_in_backoff_since(&self, key: &str, event_time: SystemTime, now: SystemTime) -> bool {
        let Some(entry) = self.entries.get(key) else {
            return false;
        };
        if self.expired(now, entry.last_update) {
            return false;
        }
        since(now, event_time) < entry.backoff
    }

    /// Whether `key` is still backing off from its last recorded failure (image pulls).
    pub fn is_in_backoff_since_update(&self, key: &str, now: SystemTime) -> bool {
        let Some(entry) = self.entries.get(key) else {
            return false;
        };
        if self.expired(now, entry.last_update) {
            return false;
        }
        since(now, entry.last_update) < entry.backoff
    }

    /// Forgets entries that have been quiet long enough to reset.
    pub fn gc(&mut self, now: SystemTime) {
        let max = self.max;
        self.entries
            .retain(|_, e| since(now, e.last_update) <= max * 2);
    }

    /// Forgets every key starting with `prefix` (a removed pod).
    pub fn forget_prefix(&mut self, prefix: &str) {
        self.entries.retain(|k, _| !k.starts_with(prefix));
    }
}

/// A duration as Go's `time.Duration.String()` prints it: `10s`, `2m40s`, `5m0s`, `1.5s`,
/// `523ms`.
pub fn go_duration(d: Duration) -> String {
    let nanos = d.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    if nanos < 1_000_000_000 {
        let (unit, div) = if nanos < 1_000 {
            ("ns", 1)
        } else if nanos < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        return format!("{}{unit}", fraction(nanos, div));
    }
    let total_secs = nanos / 1_000_000_000;
    let hours = total_secs / 3600;
    let minutes = (total_secs % 3600) / 60;
    let secs = fraction(nanos % 60_000_000_000, 1_000_000_000);
    let mut out = String::new();
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&format!("{secs}s"));
    out
}

/// `value / div` with the fraction's trailing zeros dropped.
fn fraction(value: u128, div: u128) -> String {
    let whole = value / div;
    let rest = value % div;
    if rest == 0 {
        return whole.to_string();
    }
    let width = div.ilog10() as usize;
    let digits = format!("{rest:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_to_the_maximum_and_resets() {
        let t0 = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let mut b = Backoff::default();
        assert!(!b.is_in_backoff_since("k", t0, t0));
        b.next("k", t0);
        assert_eq!(b.get("k"), Duration::from_secs(10));
        assert!(b.is_in_backoff_since("k", t0, t0 + Duration::from_secs(9)));
        assert!(!b.is_in_backoff_since("k", t0, t0 + Duration::from_secs(10)));
        let mut t = t0;
        for _ in 0..10 {
            t += Duration::from_secs(1);
            b.next("k", t);
        }
        assert_eq!(b.get("k"), MAX);
        // Ten quiet minutes (and a bit) reset it.
        let later = t + Duration::from_secs(601);
        assert!(!b.is_in_backoff_since("k", later, later));
        b.next("k", later);
        assert_eq!(b.get("k"), INITIAL);
        assert!(b.is_in_backoff_since_update("k", later + Duration::from_secs(5)));
        b.gc(later + Duration::from_secs(700));
        assert_eq!(b.get("k"), Duration::ZERO);
    }

    #[test]
    fn go_durations() {
        assert_eq!(go_duration(Duration::from_secs(10)), "10s");
        assert_eq!(go_duration(Duration::from_secs(80)), "1m20s");
        assert_eq!(go_duration(Duration::from_secs(300)), "5m0s");
        assert_eq!(go_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(go_duration(Duration::from_millis(523)), "523ms");
        assert_eq!(go_duration(Duration::from_secs(3661)), "1h1m1s");
        assert_eq!(go_duration(Duration::ZERO), "0s");
    }
}
