//! Cron schedules as upstream parses them (robfig/cron v3's standard parser): five fields
//! (minute, hour, day of month, month, day of week) with lists, ranges, steps, `*`/`?` and
//! month/day names, the descriptors `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
//! `@midnight` and `@hourly`, and a `TZ=`/`CRON_TZ=` prefix. `next` follows robfig's search,
//! including its rule that day of month and day of week are OR-ed unless either is `*`, and
//! its handling of daylight-saving gaps.
//!
//! No published crate was used: the ones at hand (`cron`, `croner`, `saffron`) build on
//! chrono, accept other syntaxes (seconds fields, `L`, `#`) and differ on the day rule.

use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, Zoned};

/// Set in a field parsed from `*` or `?`.
const STAR_BIT: u64 = 1 << 63;

#[derive(Clone, Copy)]
struct Bounds {
    min: u32,
    max: u32,
    names: &'static [&'static str],
}

const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ],
};
const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
};

/// A parsed schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// `None`: the time zone of the time `next` is given.
    location: Option<TimeZone>,
}

fn bits(min: u32, max: u32, step: u32) -> u64 {
    (min..=max)
        .step_by(step as usize)
        .fold(0, |acc, i| acc | (1 << i))
}

fn parse_int(text: &str) -> Result<u32, String> {
    let value: i64 = text
        .parse()
        .map_err(|e| format!("failed to parse int from {text}: {e}"))?;
    if value < 0 {
        return Err(format!("negative number ({value}) not allowed: {text}"));
    }
    u32::try_from(value).map_err(|e| format!("failed to parse int from {text}: {e}"))
}

fn int_or_name(text: &str, bounds: Bounds) -> Result<u32, String> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = bounds.names.iter().position(|n| *n == lower) {
        return Ok(bounds.min + i as u32);
    }
    parse_int(text)
}

fn range(expr: &str, bounds: Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step[0].split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end, mut extra) = if low_and_high[0] == "*" || low_and_high[0] == "?" {
        (bounds.min, bounds.max, STAR_BIT)
    } else {
        let start = int_or_name(low_and_high[0], bounds)?;
        let end = match low_and_high.len() {
            1 => start,
            2 => int_or_name(low_and_high[1], bounds)?,
            _ => return Err(format!("too many hyphens: {expr}")),
        };
        (start, end, 0)
    };
    let step = match range_and_step.len() {
        1 => 1,
        2 => {
            let step = parse_int(range_and_step[1])?;
            // "N/step" means "N-max/step".
            if single {
                end = bounds.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < bounds.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            bounds.min
        ));
    }
    if end > bounds.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            bounds.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(bits(start, end, step) | extra)
}

fn field(text: &str, bounds: Bounds) -> Result<u64, String> {
    text.split(',')
        .try_fold(0, |acc, expr| Ok(acc | range(expr, bounds)?))
}

impl Schedule {
    /// Parses a schedule as `cron.ParseStandard` does.
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut spec = spec.trim();
        if spec.is_empty() {
            return Err("empty spec string".to_owned());
        }
        let mut location = None;
        if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
            let space = spec
                .find(' ')
                .ok_or_else(|| format!("provided bad location {spec}: no schedule"))?;
            let eq = spec.find('=').unwrap_or(0);
            let name = &spec[eq + 1..space];
            let zone = jiff::tz::db()
                .get(name)
                .map_err(|e| format!("provided bad location {name}: {e}"))?;
            location = Some(zone);
            spec = spec[space..].trim();
        }
        if spec.starts_with('@') {
            let fields = match spec {
                "@yearly" | "@annually" => "0 0 1 1 *",
                "@monthly" => "0 0 1 * *",
                "@weekly" => "0 0 * * 0",
                "@daily" | "@midnight" => "0 0 * * *",
                "@hourly" => "0 * * * *",
                _ => return Err(format!("unrecognized descriptor: {spec}")),
            };
            let mut schedule = Self::parse(fields)?;
            schedule.location = location;
            return Ok(schedule);
        }
        let fields: Vec<&str> = spec.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: {spec}",
                fields.len()
            ));
        }
        Ok(Schedule {
            minute: field(fields[0], MINUTES)?,
            hour: field(fields[1], HOURS)?,
            dom: field(fields[2], DOM)?,
            month: field(fields[3], MONTHS)?,
            dow: field(fields[4], DOW)?,
            location,
        })
    }

    fn day_matches(&self, t: &Zoned) -> bool {
        let dom = self.dom & (1 << t.day()) != 0;
        let dow = self.dow & (1 << t.weekday().to_sunday_zero_offset()) != 0;
        if self.dom & STAR_BIT != 0 || self.dow & STAR_BIT != 0 {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// The first activation after `after`, in `zone` unless the schedule has its own;
    /// `None` when there is none within five years (an impossible date such as Feb 31).
    pub fn next(&self, after: Timestamp, zone: &TimeZone) -> Option<Timestamp> {
        let loc = self.location.clone().unwrap_or_else(|| zone.clone());
        let at = |dt: DateTime| dt.to_zoned(loc.clone()).ok();
        // The upcoming whole second.
        let mut t = after.checked_add(1.second()).ok()?.to_zoned(loc.clone());
        t = t.with().subsec_nanosecond(0).build().ok()?;
        let mut added = false;
        let year_limit = t.year() + 5;
        'wrap: loop {
            if t.year() > year_limit {
                return None;
            }
            while self.month & (1 << t.month()) == 0 {
                if !added {
                    added = true;
                    t = at(DateTime::new(t.year(), t.month(), 1, 0, 0, 0, 0).ok()?)?;
                }
                t = at(t.datetime().checked_add(1.month()).ok()?)?;
                if t.month() == 1 {
                    continue 'wrap;
                }
            }
            while !self.day_matches(&t) {
                if !added {
                    added = true;
                    t = at(t.date().to_datetime(jiff::civil::Time::midnight()))?;
                }
                t = at(t.datetime().checked_add(1.day()).ok()?)?;
                // A daylight-saving change can move midnight; go back to it.
                let hour = i64::from(t.hour());
                if hour != 0 {
                    let shift = if hour > 12 { 24 - hour } else { -hour };
                    t = t
                        .timestamp()
                        .checked_add(shift.hours())
                        .ok()?
                        .to_zoned(loc.clone());
                }
                if t.day() == 1 {
                    continue 'wrap;
                }
            }
            while self.hour & (1 << t.hour()) == 0 {
                if !added {
                    added = true;
                    t = at(DateTime::new(t.year(), t.month(), t.day(), t.hour(), 0, 0, 0).ok()?)?;
                }
                t = t
                    .timestamp()
                    .checked_add(1.hour())
                    .ok()?
                    .to_zoned(loc.clone());
                if t.hour() == 0 {
                    continue 'wrap;
                }
            }
            while self.minute & (1 << t.minute()) == 0 {
                if !added {
                    added = true;
                    t = truncate(&t, 60)?;
                }
                t = t
                    .timestamp()
                    .checked_add(1.minute())
                    .ok()?
                    .to_zoned(loc.clone());
                if t.minute() == 0 {
                    continue 'wrap;
                }
            }
            // Seconds: the standard parser always fires at second 0.
            while t.second() != 0 {
                if !added {
                    added = true;
                }
                t = t
                    .timestamp()
                    .checked_add(1.second())
                    .ok()?
                    .to_zoned(loc.clone());
                if t.second() == 0 {
                    continue 'wrap;
                }
            }
            return Some(t.timestamp());
        }
    }
}

/// `t` rounded down to a multiple of `seconds` of absolute time (Go's `Truncate`).
fn truncate(t: &Zoned, seconds: i64) -> Option<Zoned> {
    let s = t.timestamp().as_second();
    Timestamp::from_second(s - s.rem_euclid(seconds))
        .ok()
        .map(|ts| ts.to_zoned(t.time_zone().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn next_in(spec: &str, after: &str, zone: &str) -> String {
        let tz = jiff::tz::db().get(zone).unwrap();
        let after: Timestamp = after.parse().unwrap();
        let next = Schedule::parse(spec).unwrap().next(after, &tz).unwrap();
        next.to_zoned(tz)
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    fn next_utc(spec: &str, after: &str) -> String {
        next_in(spec, after, "UTC")
    }

    #[test]
    fn fields_ranges_steps_and_names() {
        assert_eq!(
            next_utc("* * * * *", "2026-03-01T10:00:30Z"),
            "2026-03-01T10:01:00+00:00"
        );
        assert_eq!(
            next_utc("*/15 * * * *", "2026-03-01T10:16:00Z"),
            "2026-03-01T10:30:00+00:00"
        );
        assert_eq!(
            next_utc("5 4 * * *", "2026-03-01T10:00:00Z"),
            "2026-03-02T04:05:00+00:00"
        );
        assert_eq!(
            next_utc("0 9-17/4 * * MON-fri", "2026-03-07T10:00:00Z"),
            "2026-03-09T09:00:00+00:00"
        );
        assert_eq!(
            next_utc("30 2 * JAN,jul ?", "2026-03-01T00:00:00Z"),
            "2026-07-01T02:30:00+00:00"
        );
        assert_eq!(
            next_utc("0 0 1,15 * *", "2026-03-02T00:00:00Z"),
            "2026-03-15T00:00:00+00:00"
        );
        assert_eq!(
            next_utc("3/20 * * * *", "2026-03-01T10:24:00Z"),
            "2026-03-01T10:43:00+00:00"
        );
    }

    #[test]
    fn day_of_month_and_day_of_week_are_ored_unless_one_is_a_star() {
        // The 13th or any Friday: Friday 2026-03-06 comes first.
        assert_eq!(
            next_utc("0 0 13 * 5", "2026-03-01T00:00:00Z"),
            "2026-03-06T00:00:00+00:00"
        );
        // With a star, both must match.
        assert_eq!(
            next_utc("0 0 * * 5", "2026-03-01T00:00:00Z"),
            "2026-03-06T00:00:00+00:00"
        );
        assert_eq!(
            next_utc("0 0 13 * *", "2026-03-01T00:00:00Z"),
            "2026-03-13T00:00:00+00:00"
        );
    }

    #[test]
    fn descriptors() {
        assert_eq!(
            next_utc("@hourly", "2026-03-01T10:00:00Z"),
            "2026-03-01T11:00:00+00:00"
        );
        assert_eq!(
            next_utc("@daily", "2026-03-01T10:00:00Z"),
            "2026-03-02T00:00:00+00:00"
        );
        assert_eq!(
            next_utc("@midnight", "2026-03-01T10:00:00Z"),
            "2026-03-02T00:00:00+00:00"
        );
        assert_eq!(
            next_utc("@weekly", "2026-03-02T10:00:00Z"),
            "2026-03-08T00:00:00+00:00"
        );
        assert_eq!(
            next_utc("@monthly", "2026-03-02T10:00:00Z"),
            "2026-04-01T00:00:00+00:00"
        );
        assert_eq!(
            next_utc("@yearly", "2026-03-02T10:00:00Z"),
            "2027-01-01T00:00:00+00:00"
        );
        assert_eq!(
            next_utc("@annually", "2026-03-02T10:00:00Z"),
            "2027-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn time_zones_and_daylight_saving() {
        // 09:00 in New York is 14:00 UTC in winter.
        assert_eq!(
            next_in(
                "TZ=America/New_York 0 9 * * *",
                "2026-01-10T15:00:00Z",
                "UTC"
            ),
            "2026-01-11T14:00:00+00:00"
        );
        assert_eq!(
            next_in("0 9 * * *", "2026-01-10T15:00:00Z", "America/New_York"),
            "2026-01-11T09:00:00-05:00"
        );
        // 02:30 does not exist on 2026-03-08 in New York: the hour search skips the gap.
        assert_eq!(
            next_in("30 2 * * *", "2026-03-07T12:00:00Z", "America/New_York"),
            "2026-03-09T02:30:00-04:00"
        );
        // The repeated 01:30 on 2026-11-01 fires once, at the first occurrence.
        assert_eq!(
            next_in("30 1 * * *", "2026-11-01T04:00:00Z", "America/New_York"),
            "2026-11-01T01:30:00-04:00"
        );
        // A daily job right after the spring-forward midnight stays at midnight.
        assert_eq!(
            next_in("0 0 * * *", "2026-03-07T12:00:00Z", "America/New_York"),
            "2026-03-08T00:00:00-05:00"
        );
    }

    #[test]
    fn bad_schedules_are_refused_and_impossible_dates_have_no_next_time() {
        for bad in [
            "",
            "* * * *",
            "* * * * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 7",
            "5-1 * * * *",
            "*/0 * * * *",
            "1-2-3 * * * *",
            "@every 5m",
            "TZ=Nowhere/Land * * * * *",
            "-1 * * * *",
        ] {
            assert!(Schedule::parse(bad).is_err(), "{bad:?} should not parse");
        }
        let feb31 = Schedule::parse("59 23 31 2 *").unwrap();
        assert_eq!(
            feb31.next("2026-01-01T00:00:00Z".parse().unwrap(), &TimeZone::UTC),
            None
        );
    }
}
