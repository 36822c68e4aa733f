//! IP and CIDR checks as upstream 1.34 applies them to the API's IP fields: the "legacy" forms
//! of `IsValidIPForLegacyField` / `IsValidCIDRForLegacyField` (the `StrictIPCIDRValidation`
//! gate is alpha and off in 1.34, so only `netutils.ParseIPSloppy` / `ParseCIDRSloppy` must
//! accept the value), `ValidateNonSpecialIP`, and the dual-stack helpers of `k8s.io/utils/net`.
//!
//! The parser follows the Go 1.16 `net.ParseIP` that `ParseIPSloppy` forks: IPv4 octets may
//! carry leading zeros, IPv6 groups may have more than four hex digits while they fit in 16 bits,
//! and zones are refused.

use crate::endpoints::status::FieldError;

const IP_MSG: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
const CIDR_MSG: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/// A parsed address in Go's 16-byte form, remembering whether the text was IPv4.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ip {
    bytes: [u8; 16],
}

const V4_PREFIX: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

impl Ip {
    /// `ip.To4() != nil`: IPv4 text or an IPv4-mapped IPv6 address.
    pub fn is_v4(&self) -> bool {
        self.bytes[..12] == V4_PREFIX
    }

    fn v4(&self) -> [u8; 4] {
        [
            self.bytes[12],
            self.bytes[13],
            self.bytes[14],
            self.bytes[15],
        ]
    }
}

/// Go's `dtoi` on the whole string: decimal digits only, value below 0xFFFFFF.
fn dtoi(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut n: u32 = 0;
    for c in s.bytes() {
        n = n * 10 + u32::from(c - b'0');
        if n >= 0xFF_FFFF {
            return None;
        }
    }
    Some(n)
}

fn parse_v4(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = [0u8; 4];
    for (o, p) in out.iter_mut().zip(parts) {
        *o = u8::try_from(dtoi(p)?).ok()?;
    }
    Some(out)
}

fn parse_v6(s: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    let mut groups: Vec<u16> = Vec::new();
    let (head, tail) = match s.split_once("::") {
        Some((h, t)) => (h, Some(t)),
        None => (s, None),
    };
    let parse_groups = |part: &str, allow_v4: bool| -> Option<Vec<u16>> {
        let mut gs = Vec::new();
        if part.is_empty() {
            return Some(gs);
        }
        let items: Vec<&str> = part.split(':').collect();
        for (i, item) in items.iter().enumerate() {
            if allow_v4 && i == items.len() - 1 && item.contains('.') {
                let v4 = parse_v4(item)?;
                gs.push(u16::from_be_bytes([v4[0], v4[1]]));
                gs.push(u16::from_be_bytes([v4[2], v4[3]]));
                continue;
            }
            if item.is_empty() || !item.bytes().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            let trimmed = item.trim_start_matches('0');
            if trimmed.len() > 4 {
                return None;
            }
            gs.push(u16::from_str_radix(if trimmed.is_empty() { "0" } else { trimmed }, 16).ok()?);
        }
        Some(gs)
    };
    match tail {
        None => {
            groups = parse_groups(head, true)?;
            if groups.len() != 8 {
                return None;
            }
        }
        Some(tail) => {
            if tail.contains("::") {
                return None;
            }
            let h = parse_groups(head, false)?;
            let t = parse_groups(tail, true)?;
            if h.len() + t.len() > 7 {
                return None;
            }
            groups.extend(&h);
            groups.extend(std::iter::repeat_n(0, 8 - h.len() - t.len()));
            groups.extend(&t);
        }
    }
    for (i, g) in groups.iter().enumerate() {
        out[2 * i..2 * i + 2].copy_from_slice(&g.to_be_bytes());
    }
    Some(out)
}

/// `netutils.ParseIPSloppy`.
pub fn parse_ip(s: &str) -> Option<Ip> {
    if s.contains(':') {
        return parse_v6(s).map(|bytes| Ip { bytes });
    }
    let v4 = parse_v4(s)?;
    let mut bytes = [0u8; 16];
    bytes[..12].copy_from_slice(&V4_PREFIX);
    bytes[12..].copy_from_slice(&v4);
    Some(Ip { bytes })
}

/// A parsed CIDR: the address as written and the prefix length.
#[derive(Clone, Copy, Debug)]
pub struct Cidr {
    pub ip: Ip,
    pub prefix: u32,
    /// The address was written as IPv4 (prefix counts 32 bits).
    v4_text: bool,
}

impl Cidr {
    /// Whether `other`'s address lies inside this network (`IPNet.Contains`).
    pub fn contains(&self, other: &Ip) -> bool {
        let (a, b, bits) = match self.v4_text {
            true if other.is_v4() => (&self.ip.bytes[12..], &other.bytes[12..], self.prefix),
            true => return false,
            false => (&self.ip.bytes[..], &other.bytes[..], self.prefix),
        };
        (0..bits as usize).all(|i| {
            let mask = 0x80u8 >> (i % 8);
            a[i / 8] & mask == b[i / 8] & mask
        })
    }
}

/// `netutils.ParseCIDRSloppy`.
pub fn parse_cidr(s: &str) -> Option<Cidr> {
    let (ip, prefix) = s.split_once('/')?;
    let v4_text = !ip.contains(':');
    let ip = parse_ip(ip)?;
    let prefix = dtoi(prefix)?;
    (prefix <= if v4_text { 32 } else { 128 }).then_some(Cidr {
        ip,
        prefix,
        v4_text,
    })
}

/// `IsValidIPForLegacyField` with strict validation off.
pub fn validate_ip(value: &str, path: &str) -> Vec<FieldError> {
    match parse_ip(value) {
        Some(_) => Vec::new(),
        None => vec![FieldError::invalid(path, value, IP_MSG)],
    }
}

/// `IsValidCIDRForLegacyField` with strict validation off.
pub fn validate_cidr(value: &str, path: &str) -> Vec<FieldError> {
    match parse_cidr(value) {
        Some(_) => Vec::new(),
        None => vec![FieldError::invalid(path, value, CIDR_MSG)],
    }
}

/// `ValidateNonSpecialIP`: not unspecified, loopback or link-local.
pub fn validate_non_special_ip(value: &str, path: &str) -> Vec<FieldError> {
    let Some(ip) = parse_ip(value) else {
        return vec![FieldError::invalid(
            path,
            value,
            "must be a valid IP address",
        )];
    };
    let b = ip.bytes;
    let v4 = ip.v4();
    let (unspecified, loopback, ll_unicast, ll_multicast) = match ip.is_v4() {
        true => (
            v4 == [0, 0, 0, 0],
            v4[0] == 127,
            v4[0] == 169 && v4[1] == 254,
            v4[0] == 224 && v4[1] == 0 && v4[2] == 0,
        ),
        false => (
            b == [0; 16],
            b[..15] == [0; 15] && b[15] == 1,
            b[0] == 0xfe && b[1] & 0xc0 == 0x80,
            b[0] == 0xff && b[1] & 0x0f == 0x02,
        ),
    };
    let mut errs = Vec::new();
    if unspecified {
        errs.push(FieldError::invalid(
            path,
            value,
            format!("may not be unspecified ({value})"),
        ));
    }
    for (hit, msg) in [
        (
            loopback,
            "may not be in the loopback range (127.0.0.0/8, ::1/128)",
        ),
        (
            ll_unicast,
            "may not be in the link-local range (169.254.0.0/16, fe80::/10)",
        ),
        (
            ll_multicast,
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)",
        ),
    ] {
        if hit {
            errs.push(FieldError::invalid(path, value, msg));
        }
    }
    errs
}

/// `netutils.IsDualStackIPStrings` / `IsDualStackCIDRStrings` on already-valid values: one of
/// each family present.
pub fn is_dual_stack<'a>(v4_flags: impl IntoIterator<Item = &'a bool>) -> bool {
    let (mut v4, mut v6) = (false, false);
    for f in v4_flags {
        if *f {
            v4 = true;
        } else {
            v6 = true;
        }
    }
    v4 && v6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sloppy_parsing_like_go() {
        for ok in [
            "10.0.0.1",
            "010.000.000.001",
            "::1",
            "fe80::1",
            "::ffff:1.2.3.4",
            "2001:db8::",
            "1:2:3:4:5:6:7:8",
            "00001::",
        ] {
            assert!(parse_ip(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "1.2.3",
            "256.1.1.1",
            "1.2.3.4.5",
            "fe80::1%eth0",
            "1::2::3",
            "1:2:3:4:5:6:7:8:9",
            "x",
        ] {
            assert!(parse_ip(bad).is_none(), "{bad}");
        }
        assert!(parse_ip("::ffff:1.2.3.4").unwrap().is_v4());
        assert!(!parse_ip("::1").unwrap().is_v4());
        assert!(parse_cidr("10.0.0.0/8").is_some());
        assert!(parse_cidr("10.0.0.1/024").is_some());
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert!(parse_cidr("fd00::/129").is_none());
        assert!(parse_cidr("10.0.0.0").is_none());
        let net = parse_cidr("10.0.0.0/16").unwrap();
        assert!(net.contains(&parse_ip("10.0.5.0").unwrap()));
        assert!(!net.contains(&parse_ip("10.1.0.0").unwrap()));
    }

    #[test]
    fn special_ips() {
        let msgs = |v| {
            validate_non_special_ip(v, "ip")
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(msgs("10.0.0.1"), Vec::<String>::new());
        assert_eq!(
            msgs("127.0.0.1"),
            [
                "ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"
            ]
        );
        assert_eq!(
            msgs("0.0.0.0"),
            ["ip: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)"]
        );
        assert_eq!(msgs("fe80::1").len(), 1);
        assert_eq!(msgs("224.0.0.5").len(), 1);
    }
}
