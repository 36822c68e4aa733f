//! When a CronJob runs (upstream's `utils.go`): the most recent schedule time not yet run,
//! how many were missed, and how long until the next one.

use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::schedule::Schedule;

/// Requeued this long after the next schedule time, so that it has passed.
pub const NEXT_SCHEDULE_DELTA: Duration = Duration::from_millis(100);

/// Past this many missed schedules a warning event is recorded.
pub const TOO_MANY_MISSED: i64 = 100;

/// What [`most_recent_schedule_time`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recent {
    /// The last schedule time (or creation) the search started from.
    pub earliest: Timestamp,
    /// The latest schedule time in `(earliest, now]`, if any.
    pub most_recent: Option<Timestamp>,
    /// Roughly how many schedule times were missed.
    pub missed: i64,
}

/// The latest schedule time after `earliest` (the last schedule time, else the creation, or
/// `now - startingDeadlineSeconds` if later when `deadline` is given) and not after `now`.
pub fn most_recent_schedule_time(
    schedule: &Schedule,
    zone: &TimeZone,
    created: Timestamp,
    last_schedule: Option<Timestamp>,
    starting_deadline_seconds: Option<i64>,
    now: Timestamp,
) -> Result<Recent, String> {
    let mut earliest = last_schedule.unwrap_or(created);
    if let Some(deadline) = starting_deadline_seconds {
        let cutoff = now
            .checked_sub(SignedDuration::from_secs(deadline))
            .unwrap_or(now);
        if cutoff > earliest {
            earliest = cutoff;
        }
    }
    let none = |missed| Recent {
        earliest,
        most_recent: None,
        missed,
    };
    let invalid = || "time difference between two schedules is less than 1 second".to_owned();
    let Some(t1) = schedule.next(earliest, zone) else {
        return Err(invalid());
    };
    if now < t1 {
        return Ok(none(0));
    }
    let Some(t2) = schedule.next(t1, zone) else {
        return Err(invalid());
    };
    if now < t2 {
        return Ok(Recent {
            earliest,
            most_recent: Some(t1),
            missed: 1,
        });
    }
    let between = t2.duration_since(t1).as_secs_f64().round() as i64;
    if between < 1 {
        return Err(invalid());
    }
    // A rough count: how many intervals fit between the first missed time and now.
    let elapsed = now.duration_since(t1).as_secs();
    let missed = elapsed / between + 1;
    // Start one interval before the estimate and let the schedule find the exact time
    // (intervals are not always regular, e.g. "30 6-16/4 * * 1-5").
    let start = t1
        .checked_add(SignedDuration::from_secs((missed - 2) * between))
        .unwrap_or(t1);
    let mut most_recent = None;
    let mut t = schedule.next(start, zone);
    while let Some(at) = t {
        if at > now {
            break;
        }
        most_recent = Some(at);
        t = schedule.next(at, zone);
    }
    Ok(Recent {
        earliest,
        most_recent,
        missed,
    })
}

/// How long until the schedule time after the most recent one (plus a small delta), counted
/// without the starting deadline; `None` for an invalid schedule.
pub fn next_schedule_delay(
    schedule: &Schedule,
    zone: &TimeZone,
    created: Timestamp,
    last_schedule: Option<Timestamp>,
    now: Timestamp,
) -> Option<Duration> {
    let recent = most_recent_schedule_time(schedule, zone, created, last_schedule, None, now);
    let from = match recent {
        Ok(Recent {
            most_recent: Some(t),
            ..
        }) => t,
        Ok(Recent { earliest, .. }) => earliest,
        Err(_) => now,
    };
    let next = schedule.next(from, zone)?;
    let delay = next.duration_since(now) + SignedDuration::try_from(NEXT_SCHEDULE_DELTA).ok()?;
    Some(Duration::try_from(delay).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn schedule(s: &str) -> Schedule {
        Schedule::parse(s).unwrap()
    }

    #[test]
    fn nothing_is_due_before_the_first_schedule_time() {
        let s = schedule("0 * * * *");
        let r = most_recent_schedule_time(
            &s,
            &TimeZone::UTC,
            ts("2026-01-01T10:05:00Z"),
            None,
            None,
            ts("2026-01-01T10:59:00Z"),
        )
        .unwrap();
        assert_eq!(r.most_recent, None);
        let delay = next_schedule_delay(
            &s,
            &TimeZone::UTC,
            ts("2026-01-01T10:05:00Z"),
            None,
            ts("2026-01-01T10:59:00Z"),
        );
        assert_eq!(delay, Some(Duration::from_millis(60_100)));
    }

    #[test]
    fn the_latest_missed_time_is_chosen_and_missed_times_counted() {
        let s = schedule("0 * * * *");
        let one = most_recent_schedule_time(
            &s,
            &TimeZone::UTC,
            ts("2026-01-01T10:05:00Z"),
            None,
            None,
            ts("2026-01-01T11:30:00Z"),
        )
        .unwrap();
        assert_eq!(
            (one.most_recent, one.missed),
            (Some(ts("2026-01-01T11:00:00Z")), 1)
        );
        let many = most_recent_schedule_time(
            &s,
            &TimeZone::UTC,
            ts("2026-01-01T10:05:00Z"),
            Some(ts("2026-01-01T10:00:00Z")),
            None,
            ts("2026-01-06T10:30:00Z"),
        )
        .unwrap();
        assert_eq!(many.most_recent, Some(ts("2026-01-06T10:00:00Z")));
        assert_eq!(many.missed, 120);
        assert!(many.missed > TOO_MANY_MISSED);
        // Irregular intervals still find the exact latest time.
        let irregular = schedule("30 6-16/4 * * 1-5");
        let r = most_recent_schedule_time(
            &irregular,
            &TimeZone::UTC,
            ts("2026-01-05T00:00:00Z"),
            None,
            None,
            ts("2026-01-09T15:00:00Z"),
        )
        .unwrap();
        assert_eq!(r.most_recent, Some(ts("2026-01-09T14:30:00Z")));
    }

    #[test]
    fn the_starting_deadline_limits_how_far_back_to_look() {
        let s = schedule("*/10 * * * *");
        let created = ts("2026-01-01T00:00:00Z");
        let now = ts("2026-01-01T05:05:00Z");
        let r =
            most_recent_schedule_time(&s, &TimeZone::UTC, created, None, Some(200), now).unwrap();
        assert_eq!(r.most_recent, None);
        let r =
            most_recent_schedule_time(&s, &TimeZone::UTC, created, None, Some(400), now).unwrap();
        assert_eq!(r.most_recent, Some(ts("2026-01-01T05:00:00Z")));
        assert_eq!(r.missed, 1);
    }

    #[test]
    fn impossible_schedules_are_errors() {
        let s = schedule("59 23 31 2 *");
        assert!(
            most_recent_schedule_time(
                &s,
                &TimeZone::UTC,
                ts("2026-01-01T00:00:00Z"),
                None,
                None,
                ts("2026-06-01T00:00:00Z")
            )
            .is_err()
        );
    }
}
