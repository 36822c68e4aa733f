//! Go-style duration flags, as Go's `time.ParseDuration` accepts them: a sequence of decimal
//! numbers, each with an optional fraction and a unit suffix (`ns`, `us`/`µs`, `ms`, `s`, `m`,
//! `h`), such as `15s`, `1m30s`, `1.5h` or `300ms`. A bare `0` is allowed. Negative durations,
//! which Go accepts, are rejected here since no flag of ours takes one.
//!
//! Use [`parse`] as a clap `value_parser`.

use std::time::Duration;

/// Errors of this module.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The text is not a Go duration.
    #[error("invalid duration {0:?}")]
    Invalid(String),
    /// The text has a unit we do not know.
    #[error("unknown unit {unit:?} in duration {text:?}")]
    UnknownUnit {
        /// The whole text.
        text: String,
        /// The unit.
        unit: String,
    },
    /// Negative durations are not accepted.
    #[error("negative duration {0:?}")]
    Negative(String),
    /// The value does not fit.
    #[error("duration {0:?} out of range")]
    Overflow(String),
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn unit_nanos(unit: &str) -> Option<u128> {
    Some(match unit {
        "ns" => 1,
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60_000_000_000,
        "h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Formats a duration as Go's `Duration.String` does: `1h2m3.5s`, `90s` as `1m30s`, below a
/// second `300ms`, `1.5µs`, `10ns`, and `0s`.
pub fn format(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".to_owned();
    }
    // A number of `unit`s with its fraction, trailing zeros trimmed.
    let fixed = |value: u128, unit: u128, digits: usize| {
        let whole = value / unit;
        let frac = value % unit;
        if frac == 0 {
            whole.to_string()
        } else {
            let text = format!("{frac:0digits$}");
            format!("{whole}.{}", text.trim_end_matches('0'))
        }
    };
    if nanos < 1_000 {
        return format!("{nanos}ns");
    }
    if nanos < 1_000_000 {
        return format!("{}\u{b5}s", fixed(nanos, 1_000, 3));
    }
    if nanos < 1_000_000_000 {
        return format!("{}ms", fixed(nanos, 1_000_000, 6));
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = nanos / 60_000_000_000 % 60;
    let seconds = fixed(nanos % 60_000_000_000, 1_000_000_000, 9);
    match (hours, minutes) {
        (0, 0) => format!("{seconds}s"),
        (0, m) => format!("{m}m{seconds}s"),
        (h, m) => format!("{h}h{m}m{seconds}s"),
    }
}

/// Parse a Go duration string.
pub fn parse(text: &str) -> Result<Duration> {
    let invalid = || Error::Invalid(text.to_owned());
    let mut rest = text;
    if let Some(r) = rest.strip_prefix('-') {
        if r != "0" {
            return Err(Error::Negative(text.to_owned()));
        }
        rest = r;
    } else if let Some(r) = rest.strip_prefix('+') {
        rest = r;
    }
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int_part, after) = rest.split_at(int_len);
        let (frac_part, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                a.split_at(n)
            }
            None => ("", after),
        };
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        let unit_len = after
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(after.len(), |(i, _)| i);
        let (unit, after) = after.split_at(unit_len);
        if unit.is_empty() {
            return Err(Error::Invalid(text.to_owned()));
        }
        let scale = unit_nanos(unit).ok_or_else(|| Error::UnknownUnit {
            text: text.to_owned(),
            unit: unit.to_owned(),
        })?;
        let overflow = || Error::Overflow(text.to_owned());
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| overflow())?
        };
        let mut value = int.checked_mul(scale).ok_or_else(overflow)?;
        // Fraction: digits beyond nanosecond precision are dropped, like Go.
        let mut frac_scale = scale;
        for digit in frac_part.bytes() {
            frac_scale /= 10;
            if frac_scale == 0 {
                break;
            }
            value += u128::from(digit - b'0') * frac_scale;
        }
        total = total.checked_add(value).ok_or_else(overflow)?;
        rest = after;
    }
    let secs =
        u64::try_from(total / 1_000_000_000).map_err(|_| Error::Overflow(text.to_owned()))?;
    // The remainder is below 1e9, so it fits in u32.
    let nanos =
        u32::try_from(total % 1_000_000_000).map_err(|_| Error::Overflow(text.to_owned()))?;
    Ok(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse("15s"), Ok(Duration::from_secs(15)));
        assert_eq!(parse("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse("2h0m0s"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("300ms"), Ok(Duration::from_millis(300)));
        assert_eq!(parse("1µs"), Ok(Duration::from_micros(1)));
        assert_eq!(parse("1us2ns"), Ok(Duration::from_nanos(1002)));
        assert_eq!(parse(".5s"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert_eq!(parse("+10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse("1.0000000001s"), Ok(Duration::from_secs(1)));
    }

    #[test]
    fn formats_as_go_does() {
        assert_eq!(format(Duration::ZERO), "0s");
        assert_eq!(format(Duration::from_secs(15)), "15s");
        assert_eq!(format(Duration::from_secs(90)), "1m30s");
        assert_eq!(format(Duration::from_secs(7200)), "2h0m0s");
        assert_eq!(format(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format(Duration::from_millis(300)), "300ms");
        assert_eq!(format(Duration::from_nanos(1500)), "1.5\u{b5}s");
        assert_eq!(format(Duration::from_nanos(10)), "10ns");
        for text in ["15s", "1m30s", "2h0m0s", "1.5s", "300ms", "3h25m45.05s"] {
            assert_eq!(format(parse(text).unwrap()), text);
        }
    }

    #[test]
    fn rejects_what_go_rejects() {
        for bad in ["", "15", "s", "1x", "1.s.", "1..5s", "-", "."] {
            assert!(parse(bad).is_err(), "{bad:?} should fail");
        }
        assert!(matches!(parse("1d"), Err(Error::UnknownUnit { .. })));
        assert!(matches!(parse("-5s"), Err(Error::Negative(_))));
        assert!(matches!(
            parse("99999999999999999999999h"),
            Err(Error::Overflow(_))
        ));
    }
}
