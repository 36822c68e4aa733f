//! Go-compatible renderings used by the JSON encoding of Kubernetes objects: strings with
//! invalid UTF-8, `metav1.Time`/`MicroTime`, `time.Duration.String()` and float64 numbers.

use serde_json::{Number, Value};

/// Unix seconds of Go's zero `time.Time` (January 1, year 1, 00:00:00 UTC).
const GO_ZERO_TIME_UNIX: i64 = -62_135_596_800;

/// Bytes to a string the way Go's `encoding/json` does: every byte that does not start a
/// valid UTF-8 sequence becomes U+FFFD.
pub(super) fn go_string(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                let invalid = e.error_len().unwrap_or(bad.len()).max(1);
                for _ in 0..invalid {
                    out.push('\u{FFFD}');
                }
                rest = &bad[invalid..];
            }
        }
    }
}

/// Go `time.Unix(sec, nsec)` normalisation of nanoseconds into `[0, 1e9)`.
fn normalize(sec: i64, nsec: i64) -> (i64, i64) {
    let mut sec = sec;
    let mut nsec = nsec;
    if !(0..1_000_000_000).contains(&nsec) {
        let n = nsec / 1_000_000_000;
        sec = sec.wrapping_add(n);
        nsec -= n * 1_000_000_000;
        if nsec < 0 {
            nsec += 1_000_000_000;
            sec = sec.wrapping_sub(1);
        }
    }
    (sec, nsec)
}

/// Proleptic Gregorian civil date from days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = i128::from(days) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i128::from(month <= 2);
    (year as i64, month, day)
}

/// `t.UTC().Format(RFC3339)` (and with `.000000` when `micros` is set).
fn rfc3339(sec: i64, nsec: i64, micros: bool) -> String {
    let days = sec.div_euclid(86_400);
    let secs_of_day = sec.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    // Go's appendInt(year, 4): a sign, then at least four digits.
    let year = if year < 0 {
        format!("-{:04}", year.unsigned_abs())
    } else {
        format!("{year:04}")
    };
    let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    if micros {
        let frac = nsec / 1000;
        format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{frac:06}Z")
    } else {
        format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    }
}

/// JSON of a `metav1.Time` decoded from protobuf `{seconds, nanos}`; `None` means "empty
/// message", the zero time. Protobuf decoding drops the nanoseconds.
pub(super) fn time_json(ts: Option<(i64, i32)>) -> Value {
    match ts {
        Some((sec, _)) if sec != GO_ZERO_TIME_UNIX => Value::String(rfc3339(sec, 0, false)),
        _ => Value::Null,
    }
}

/// JSON of a `metav1.MicroTime`: nanoseconds truncated to microseconds.
pub(super) fn micro_time_json(ts: Option<(i64, i32)>) -> Value {
    let Some((sec, nanos)) = ts else {
        return Value::Null;
    };
    let nanos = i64::from(nanos);
    let truncated = nanos - nanos % 1000;
    let (sec, nsec) = normalize(sec, truncated);
    if sec == GO_ZERO_TIME_UNIX && nsec == 0 {
        return Value::Null;
    }
    Value::String(rfc3339(sec, nsec, true))
}

/// Go's `fmtFrac`: the fraction of `v / 10^prec` without trailing zeros, written in reverse.
fn frac(out: &mut Vec<u8>, mut v: u64, prec: u32) -> u64 {
    let mut print = false;
    for _ in 0..prec {
        let digit = (v % 10) as u8;
        print = print || digit != 0;
        if print {
            out.push(b'0' + digit);
        }
        v /= 10;
    }
    if print {
        out.push(b'.');
    }
    v
}

/// Go's `fmtInt`, written in reverse.
fn int(out: &mut Vec<u8>, mut v: u64) {
    loop {
        out.push(b'0' + (v % 10) as u8);
        v /= 10;
        if v == 0 {
            break;
        }
    }
}

/// Go's `time.Duration(d).String()`, e.g. `1h0m0s`, `1.5s`, `300ms`, `0s`.
pub(super) fn duration_string(d: i64) -> String {
    // Built back to front like Go; 'µ' is pushed reversed as its two UTF-8 bytes.
    let mut rev: Vec<u8> = Vec::with_capacity(32);
    let mut u = d.unsigned_abs();
    rev.push(b's');
    if u < 1_000_000_000 {
        let prec;
        if u == 0 {
            return "0s".to_owned();
        } else if u < 1_000 {
            prec = 0;
            rev.push(b'n');
        } else if u < 1_000_000 {
            prec = 3;
            rev.extend_from_slice(&[0xB5, 0xC2]);
        } else {
            prec = 6;
            rev.push(b'm');
        }
        u = frac(&mut rev, u, prec);
        int(&mut rev, u);
    } else {
        u = frac(&mut rev, u, 9);
        int(&mut rev, u % 60);
        u /= 60;
        if u > 0 {
            rev.push(b'm');
            int(&mut rev, u % 60);
            u /= 60;
            if u > 0 {
                rev.push(b'h');
                int(&mut rev, u);
            }
        }
    }
    if d < 0 {
        rev.push(b'-');
    }
    rev.reverse();
    String::from_utf8(rev).unwrap_or_default()
}

/// A float as the number Go's `encoding/json` writes, read back by serde_json: integral
/// values below 1e21 are written without a fraction, so they read back as integers.
/// `None` for NaN and infinities, which Go refuses to encode.
pub(super) fn go_float(f: f64) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    if f.fract() == 0.0 && f.abs() < 1e21 && !(f == 0.0 && f.is_sign_negative()) {
        if (0.0..18_446_744_073_709_551_616.0).contains(&f) {
            return Some(Value::from(f as u64));
        }
        if (-9_223_372_036_854_775_808.0..0.0).contains(&f) {
            return Some(Value::from(f as i64));
        }
    }
    Number::from_f64(f).map(Value::Number)
}

/// A float32 as Go writes it (shortest float32 digits), read back as a JSON number.
pub(super) fn go_float32(f: f32) -> Option<Value> {
    if !f.is_finite() {
        return None;
    }
    let shortest: f64 = format!("{f}").parse().ok()?;
    go_float(shortest)
}
