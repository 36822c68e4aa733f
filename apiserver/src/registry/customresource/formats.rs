//! The string formats kube-openapi's default registry (`strfmt.Default`) checks when a schema
//! sets `format` on a string: `byte`, `date`, `date-time`, `duration`, `hostname`, `ipv4`,
//! `ipv6`, `cidr`, `mac`, `uuid`, `uuid3`, `uuid4`, `uuid5`, `email`, `uri`, `password`, ...
//! A format the registry does not know is not checked, as upstream.
//!
//! The checks follow the registry's rules closely but not byte for byte (`email` and `uri`
//! only check the shape; `isbn`, `creditcard`, `ssn`, `hexcolor`, `rgbcolor` and
//! `bsonobjectid` use the same regular expressions' intent).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::Engine;

/// Whether `format` is one kube-openapi's default registry knows.
pub fn is_known(format: &str) -> bool {
    matches!(
        format,
        "bsonobjectid"
            | "byte"
            | "creditcard"
            | "date"
            | "datetime"
            | "date-time"
            | "duration"
            | "email"
            | "hexcolor"
            | "hostname"
            | "ipv4"
            | "ipv6"
            | "cidr"
            | "isbn"
            | "isbn10"
            | "isbn13"
            | "mac"
            | "password"
            | "rgbcolor"
            | "ssn"
            | "uri"
            | "uuid"
            | "uuid3"
            | "uuid4"
            | "uuid5"
    )
}

/// Whether `s` is valid in `format` (`true` for formats the registry does not know).
pub fn is_valid(format: &str, s: &str) -> bool {
    match format {
        "byte" => base64::engine::general_purpose::STANDARD.decode(s).is_ok(),
        "date" => is_date(s),
        "datetime" | "date-time" => is_date_time(s),
        "duration" => is_duration(s),
        "hostname" => is_hostname(s),
        "ipv4" => s.parse::<Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<Ipv6Addr>().is_ok(),
        "cidr" => is_cidr(s),
        "mac" => is_mac(s),
        "uuid" => is_uuid(s, None),
        "uuid3" => is_uuid(s, Some(b'3')),
        "uuid4" => is_uuid(s, Some(b'4')),
        "uuid5" => is_uuid(s, Some(b'5')),
        "email" => is_email(s),
        "uri" => is_uri(s),
        "bsonobjectid" => s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit()),
        "hexcolor" => {
            let hex = s.strip_prefix('#').unwrap_or("");
            matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit())
        }
        "rgbcolor" => is_rgb(s),
        "ssn" => is_ssn(s),
        "isbn" => is_isbn10(s) || is_isbn13(s),
        "isbn10" => is_isbn10(s),
        "isbn13" => is_isbn13(s),
        "creditcard" => {
            let digits: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
            s.chars()
                .all(|c| c.is_ascii_digit() || c == ' ' || c == '-')
                && (13..=19).contains(&digits.len())
        }
        _ => true,
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` with a real day of the month.
fn is_date(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let (Some(y), Some(m), Some(d)) = (digits(y, 4), digits(m, 2), digits(d, 2)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// RFC 3339 date-times (with `T`, `t` or a space, optional fraction, `Z` or an offset), and
/// the offset-less forms the registry also accepts.
fn is_date_time(s: &str) -> bool {
    if s.len() < 19 || !s.is_ascii() {
        return false;
    }
    let (date, rest) = s.split_at(10);
    if !is_date(date) {
        return false;
    }
    let rest = match rest.as_bytes().first() {
        Some(b'T' | b't' | b' ') => &rest[1..],
        _ => return false,
    };
    if rest.len() < 8 {
        return false;
    }
    let (time, mut zone) = rest.split_at(8);
    let b = time.as_bytes();
    let hms = (
        digits(&time[0..2], 2),
        digits(&time[3..5], 2),
        digits(&time[6..8], 2),
    );
    let (Some(h), Some(mi), Some(se)) = hms else {
        return false;
    };
    if b[2] != b':' || b[5] != b':' || h > 23 || mi > 59 || se > 60 {
        return false;
    }
    if let Some(frac) = zone.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        zone = &frac[n..];
    }
    match zone {
        "" | "Z" | "z" => true,
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) => {
            let (oh, om) = (digits(&z[1..3], 2), digits(&z[4..6], 2));
            z.as_bytes()[3] == b':' && oh.is_some_and(|h| h < 24) && om.is_some_and(|m| m < 60)
        }
        _ => false,
    }
}

/// Go durations (`1h30m`, `300ms`, `-1.5s`) and the registry's `<n> <unit>` forms
/// (`3 days`, `1w`).
fn is_duration(s: &str) -> bool {
    const UNITS: [&str; 25] = [
        "ns", "us", "µs", "ms", "s", "m", "h", "d", "w", "second", "seconds", "sec", "secs",
        "minute", "minutes", "min", "mins", "hour", "hours", "hr", "day", "days", "week", "weeks",
        "wk",
    ];
    let mut rest = s.trim_start_matches(['+', '-']);
    if rest.is_empty() {
        return false;
    }
    if rest == "0" {
        return true;
    }
    while !rest.is_empty() {
        let n = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if n == 0 {
            return false;
        }
        rest = rest[n..].trim_start_matches(' ');
        let u = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.' || *c == ' ')
            .map_or(rest.len(), |(i, _)| i);
        if !UNITS.contains(&&rest[..u]) {
            return false;
        }
        rest = rest[u..].trim_start_matches(' ');
    }
    true
}

fn is_hostname(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    !s.is_empty()
        && s.len() <= 253
        && s.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.len() <= 63
                && b[0].is_ascii_alphanumeric()
                && b[b.len() - 1].is_ascii_alphanumeric()
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

fn is_cidr(s: &str) -> bool {
    let Some((ip, bits)) = s.split_once('/') else {
        return false;
    };
    let Ok(bits) = bits.parse::<u8>() else {
        return false;
    };
    match ip.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => bits <= 32,
        Ok(IpAddr::V6(_)) => bits <= 128,
        Err(_) => false,
    }
}

/// Go's `net.ParseMAC`: 6, 8 or 20 octets separated by `:` or `-`, or dotted 4-digit groups.
fn is_mac(s: &str) -> bool {
    let hex = |g: &str, n: usize| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit());
    for sep in [':', '-'] {
        let groups: Vec<&str> = s.split(sep).collect();
        if matches!(groups.len(), 6 | 8 | 20) && groups.iter().all(|g| hex(g, 2)) {
            return true;
        }
    }
    let groups: Vec<&str> = s.split('.').collect();
    matches!(groups.len(), 3 | 4 | 10) && groups.iter().all(|g| hex(g, 4))
}

fn is_uuid(s: &str, version: Option<u8>) -> bool {
    let b = s.as_bytes();
    let shape = b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        });
    let variant_ok = || matches!(b[19].to_ascii_lowercase(), b'8' | b'9' | b'a' | b'b');
    match version {
        None => shape,
        Some(v) => shape && b[14] == v && (v == b'3' || variant_ok()),
    }
}

fn is_email(s: &str) -> bool {
    let s = match (s.find('<'), s.strip_suffix('>')) {
        (Some(i), Some(inner)) => &inner[i + 1..],
        _ => s,
    };
    match s.rsplit_once('@') {
        Some((local, domain)) => !local.is_empty() && is_hostname(domain),
        None => false,
    }
}

fn is_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, _)) => {
            let b = scheme.as_bytes();
            !b.is_empty()
                && b[0].is_ascii_alphabetic()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'))
        }
        None => s.starts_with('/'),
    }
}

fn is_rgb(s: &str) -> bool {
    let Some(inner) = s.strip_prefix("rgb(").and_then(|r| r.strip_suffix(')')) else {
        return false;
    };
    let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
    parts.len() == 3 && parts.iter().all(|p| p.parse::<u8>().is_ok())
}

fn is_ssn(s: &str) -> bool {
    let d: String = s.chars().filter(|c| *c != '-' && *c != ' ').collect();
    d.len() == 9 && d.bytes().all(|b| b.is_ascii_digit())
}

fn isbn_digits(s: &str) -> String {
    s.chars().filter(|c| *c != '-' && *c != ' ').collect()
}

fn is_isbn10(s: &str) -> bool {
    let d = isbn_digits(s);
    let b = d.as_bytes();
    if b.len() != 10 || !b[..9].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let last = match b[9] {
        b'X' | b'x' => 10,
        c if c.is_ascii_digit() => u32::from(c - b'0'),
        _ => return false,
    };
    let sum: u32 = b[..9]
        .iter()
        .enumerate()
        .map(|(i, c)| (10 - i as u32) * u32::from(c - b'0'))
        .sum();
    (sum + last).is_multiple_of(11)
}

fn is_isbn13(s: &str) -> bool {
    let d = isbn_digits(s);
    let b = d.as_bytes();
    if b.len() != 13 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b
        .iter()
        .enumerate()
        .map(|(i, c)| u32::from(c - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let good = [
            ("byte", "aGVsbG8="),
            ("date", "2024-02-29"),
            ("date-time", "2024-02-29T10:11:12Z"),
            ("date-time", "2024-02-29T10:11:12.5+02:00"),
            ("duration", "1h30m"),
            ("duration", "3 days"),
            ("hostname", "example.com"),
            ("ipv4", "10.0.0.1"),
            ("ipv6", "::1"),
            ("cidr", "10.0.0.0/8"),
            ("mac", "00:1a:2b:3c:4d:5e"),
            ("uuid", "123e4567-e89b-12d3-a456-426614174000"),
            ("uuid4", "123e4567-e89b-42d3-a456-426614174000"),
            ("email", "a@example.com"),
            ("uri", "https://example.com/x"),
            ("isbn10", "0-306-40615-2"),
            ("isbn13", "978-0-306-40615-7"),
            ("unknown-format", "anything"),
        ];
        for (f, s) in good {
            assert!(is_valid(f, s), "{f} {s}");
        }
        let bad = [
            ("byte", "not base64!"),
            ("date", "2023-02-29"),
            ("date-time", "2024-02-29"),
            ("date-time", "2024-02-29T25:00:00Z"),
            ("duration", "forever"),
            ("hostname", "-a.com"),
            ("ipv4", "10.0.0.256"),
            ("cidr", "10.0.0.0/33"),
            ("mac", "00:1a:2b"),
            ("uuid", "123e4567"),
            ("uuid4", "123e4567-e89b-12d3-a456-426614174000"),
            ("email", "nobody"),
            ("isbn10", "0-306-40615-3"),
        ];
        for (f, s) in bad {
            assert!(!is_valid(f, s), "{f} {s}");
        }
        assert!(is_known("date-time") && !is_known("int32"));
    }
}
