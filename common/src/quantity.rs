//! A small `resource.Quantity`: parse, compare and print canonically (`Quantity.String()`), so
//! `requests <= limits` checks and their messages match upstream. Values are held exactly in
//! nano-units (upstream rounds sub-nano precision up, as here); huge values saturate.

use std::cmp::Ordering;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    DecimalSi,
    BinarySi,
    DecimalExponent,
}

/// A parsed quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quantity {
    nanos: i128,
    format: Format,
}

const NANO: i128 = 1_000_000_000;

fn pow10(e: u32) -> i128 {
    10i128.checked_pow(e).unwrap_or(i128::MAX)
}

impl Quantity {
    /// `resource.ParseQuantity`; `None` for strings upstream would reject.
    pub fn parse(s: &str) -> Option<Self> {
        let (neg, rest) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, suffix) = rest.split_at(num_end);
        let (int_part, frac_part) = num.split_once('.').unwrap_or((num, ""));
        if (int_part.is_empty() && frac_part.is_empty()) || frac_part.contains('.') {
            return None;
        }
        let (format, exp10, exp2): (Format, i32, u32) = match suffix {
            "" => (Format::DecimalSi, 0, 0),
            "n" => (Format::DecimalSi, -9, 0),
            "u" => (Format::DecimalSi, -6, 0),
            "m" => (Format::DecimalSi, -3, 0),
            "k" => (Format::DecimalSi, 3, 0),
            "M" => (Format::DecimalSi, 6, 0),
            "G" => (Format::DecimalSi, 9, 0),
            "T" => (Format::DecimalSi, 12, 0),
            "P" => (Format::DecimalSi, 15, 0),
            "E" => (Format::DecimalSi, 18, 0),
            "Ki" => (Format::BinarySi, 0, 10),
            "Mi" => (Format::BinarySi, 0, 20),
            "Gi" => (Format::BinarySi, 0, 30),
            "Ti" => (Format::BinarySi, 0, 40),
            "Pi" => (Format::BinarySi, 0, 50),
            "Ei" => (Format::BinarySi, 0, 60),
            s if s.starts_with(['e', 'E']) => {
                let e: i32 = s[1..].parse().ok()?;
                (Format::DecimalExponent, e, 0)
            }
            _ => return None,
        };
        // value = digits * 10^(exp10 - frac_len) * 2^exp2, in nanos: * 10^9.
        let digits = format!("{int_part}{frac_part}");
        let digits = digits.trim_start_matches('0');
        let mut mantissa: i128 = 0;
        let mut dropped = 0i32;
        for c in digits.bytes() {
            match mantissa.checked_mul(10) {
                Some(m) if m < i128::MAX / 1_000 => mantissa = m + i128::from(c - b'0'),
                _ => dropped += 1,
            }
        }
        let frac_len = i32::try_from(frac_part.len()).ok()?;
        let mut scale = exp10 - frac_len + 9 + dropped;
        let mut value = mantissa.saturating_mul(1i128 << exp2.min(60));
        if scale < 0 {
            // Round up to nano precision, as upstream does.
            let div = pow10(scale.unsigned_abs().min(38));
            value = value / div + i128::from(value % div != 0);
            scale = 0;
        }
        let nanos = value.saturating_mul(pow10(scale.unsigned_abs().min(38)));
        Some(Self {
            nanos: if neg { -nanos } else { nanos },
            format,
        })
    }

    /// A whole count (`resource.NewQuantity(n, DecimalSI)`), for object counts in quotas.
    pub fn from_count(count: i64) -> Self {
        Self {
            nanos: i128::from(count).saturating_mul(NANO),
            format: Format::DecimalSi,
        }
    }

    /// `Quantity.Add`: the sum, in this quantity's format.
    pub fn add(&self, other: &Self) -> Self {
        Self {
            nanos: self.nanos.saturating_add(other.nanos),
            format: self.format,
        }
    }

    /// The larger of the two (`quota.Max` keeps the first on ties).
    pub fn max(self, other: Self) -> Self {
        if other.nanos > self.nanos {
            other
        } else {
            self
        }
    }

    /// `Quantity.Cmp`.
    pub fn compare(&self, other: &Self) -> Ordering {
        self.nanos.cmp(&other.nanos)
    }

    /// True for negative quantities.
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// True for quantities above zero.
    pub fn is_positive(&self) -> bool {
        self.nanos > 0
    }

    /// `Quantity.Value()`: rounded up to a whole number.
    pub fn value(&self) -> i128 {
        self.nanos.div_euclid(NANO) + i128::from(self.nanos.rem_euclid(NANO) != 0)
    }

    /// `Quantity.MilliValue()`: thousandths, rounded up (CPU is counted in millicores).
    pub fn milli_value(&self) -> i128 {
        const MICRO: i128 = NANO / 1_000;
        self.nanos.div_euclid(MICRO) + i128::from(self.nanos.rem_euclid(MICRO) != 0)
    }

    /// Whether the quantity is a whole number (`MilliValue() % 1000 == 0`).
    pub fn is_integer(&self) -> bool {
        self.nanos % NANO == 0
    }

    /// `Quantity.String()`: the canonical form in the parsed format.
    pub fn canonical(&self) -> String {
        if self.nanos == 0 {
            return "0".to_owned();
        }
        let sign = if self.nanos < 0 { "-" } else { "" };
        let abs = self.nanos.unsigned_abs();
        let whole = abs.is_multiple_of(NANO as u128);
        if self.format == Format::BinarySi && whole && abs / (NANO as u128) >= 1024 {
            let mut amount = abs / (NANO as u128);
            let mut exp = 0;
            while exp < 6 && amount.is_multiple_of(1024) {
                amount /= 1024;
                exp += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][exp];
            return format!("{sign}{amount}{suffix}");
        }
        let mut amount = abs;
        let mut exp: i32 = -9;
        while amount.is_multiple_of(10) {
            amount /= 10;
            exp += 1;
        }
        let extra = exp.rem_euclid(3);
        amount *= 10u128.pow(extra.unsigned_abs());
        exp -= extra;
        if exp > 18 {
            amount = amount.saturating_mul(10u128.saturating_pow((exp - 18).unsigned_abs()));
            exp = 18;
        }
        let suffix = match (self.format, exp) {
            (Format::DecimalExponent, 0) => String::new(),
            (Format::DecimalExponent, e) => format!("e{e}"),
            (_, e) => ["n", "u", "m", "", "k", "M", "G", "T", "P", "E"]
                [usize::try_from((e + 9) / 3).unwrap_or(3)]
            .to_owned(),
        };
        format!("{sign}{amount}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::Quantity;
    use std::cmp::Ordering;

    #[test]
    fn sums_keep_the_first_operands_format() {
        let q = |s: &str| Quantity::parse(s).unwrap();
        assert_eq!(q("100m").add(&q("200m")).canonical(), "300m");
        assert_eq!(q("64Mi").add(&q("64Mi")).canonical(), "128Mi");
        assert_eq!(q("1").add(&q("500m")).canonical(), "1500m");
        assert_eq!(Quantity::from_count(3).canonical(), "3");
        assert_eq!(q("1Gi").max(q("2Gi")).canonical(), "2Gi");
    }

    fn canon(s: &str) -> String {
        Quantity::parse(s)
            .map(|q| q.canonical())
            .unwrap_or_default()
    }

    #[test]
    fn canonical_forms_match_upstream() {
        // Expectations from upstream's quantity_test.go TestQuantityCanonicalize-style cases.
        assert_eq!(canon("1000m"), "1");
        assert_eq!(canon("1500m"), "1500m");
        assert_eq!(canon("0.5"), "500m");
        assert_eq!(canon("1000"), "1k");
        assert_eq!(canon("1500"), "1500");
        assert_eq!(canon("1.5Gi"), "1536Mi");
        assert_eq!(canon("1024Mi"), "1Gi");
        assert_eq!(canon("512"), "512");
        assert_eq!(canon("100Mi"), "100Mi");
        assert_eq!(canon("128974848"), "128974848");
        assert_eq!(canon("129e6"), "129e6");
        assert_eq!(canon("1e3"), "1e3");
        assert_eq!(canon("0"), "0");
        assert_eq!(canon("-2"), "-2");
        assert_eq!(canon("1n"), "1n");
        assert_eq!(canon("0.1m"), "100u");
    }

    #[test]
    fn milli_values_round_up() {
        let milli = |s| Quantity::parse(s).unwrap().milli_value();
        assert_eq!(milli("100m"), 100);
        assert_eq!(milli("1.5"), 1500);
        assert_eq!(milli("2"), 2000);
        assert_eq!(milli("0.1m"), 1);
        assert_eq!(milli("1Ki"), 1_024_000);
    }

    #[test]
    fn compares_across_suffixes() {
        let q = |s| Quantity::parse(s).unwrap();
        assert_eq!(q("1").compare(&q("1000m")), Ordering::Equal);
        assert_eq!(q("1Gi").compare(&q("1G")), Ordering::Greater);
        assert_eq!(q("250m").compare(&q("0.5")), Ordering::Less);
        assert!(Quantity::parse("abc").is_none());
        assert!(Quantity::parse("1.2.3").is_none());
        assert!(Quantity::parse("").is_none());
        assert!(Quantity::parse("1e999999999999").is_none());
    }
}
