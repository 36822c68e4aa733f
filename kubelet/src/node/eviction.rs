//! Hard eviction thresholds (`evictionHard`, `--eviction-hard`), the signals the pressure
//! conditions follow. Semantics as upstream's `pkg/kubelet/eviction/api` and the v1beta1
//! defaults: a threshold is a quantity (`100Mi`) or a percentage of capacity (`10%`); with no
//! `evictionHard` the defaults apply; with some signals given and
//! `mergeDefaultEvictionSettings` false, the signals not given are off (`0`).
//!
//! The kubelet does not evict pods yet; crossing a threshold sets the node condition only.

use std::collections::BTreeMap;

/// Upstream's v1beta1 defaults for `evictionHard` (Linux).
pub const DEFAULT_EVICTION_HARD: [(&str, &str); 4] = [
    ("memory.available", "100Mi"),
    ("nodefs.available", "10%"),
    ("nodefs.inodesFree", "5%"),
    ("imagefs.available", "15%"),
];

/// The signals this kubelet measures.
const KNOWN_SIGNALS: [&str; 6] = [
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
];

/// One threshold: the signal is under pressure when what is available falls below it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    Quantity(u64),
    /// A fraction of capacity, in percent.
    Percent(f64),
}

impl Threshold {
    fn parse(signal: &str, value: &str) -> Result<Self, String> {
        if let Some(percent) = value.strip_suffix('%') {
            let percent: f64 = percent
                .parse()
                .map_err(|_| format!("invalid threshold {value:?} for {signal}"))?;
            if !(0.0..=100.0).contains(&percent) {
                return Err(format!(
                    "eviction percentage threshold {signal} must be >= 0% and <= 100%: {value}"
                ));
            }
            return Ok(Threshold::Percent(percent));
        }
        let quantity = common::quantity::Quantity::parse(value)
            .ok_or_else(|| format!("invalid threshold {value:?} for {signal}"))?;
        if quantity.is_negative() {
            return Err(format!(
                "eviction threshold {signal} cannot be negative: {value}"
            ));
        }
        Ok(Threshold::Quantity(
            u64::try_from(quantity.value()).unwrap_or(u64::MAX),
        ))
    }

    /// Whether `available` of `capacity` is below the threshold; a zero threshold never is.
    pub fn crossed(&self, available: u64, capacity: u64) -> bool {
        match *self {
            Threshold::Quantity(min) => available < min,
            Threshold::Percent(percent) => (available as f64) < capacity as f64 * percent / 100.0,
        }
    }
}

/// The hard thresholds, by signal name.
#[derive(Clone, Debug, PartialEq)]
pub struct Thresholds(BTreeMap<String, Threshold>);

impl Default for Thresholds {
    fn default() -> Self {
        Self::resolve(None, false).unwrap_or(Thresholds(BTreeMap::new()))
    }
}

impl Thresholds {
    /// The effective thresholds for a configured `evictionHard` (`None`: not set).
    pub fn resolve(
        configured: Option<&BTreeMap<String, String>>,
        merge_defaults: bool,
    ) -> Result<Self, String> {
        let mut values: BTreeMap<String, String> = BTreeMap::new();
        if configured.is_none() || merge_defaults {
            for (signal, value) in DEFAULT_EVICTION_HARD {
                values.insert(signal.to_owned(), value.to_owned());
            }
        }
        for (signal, value) in configured.into_iter().flatten() {
            values.insert(signal.clone(), value.clone());
        }
        let mut thresholds = BTreeMap::new();
        for (signal, value) in values {
            if !KNOWN_SIGNALS.contains(&signal.as_str()) {
                return Err(format!("unsupported eviction signal {signal}"));
            }
            thresholds.insert(signal.clone(), Threshold::parse(&signal, &value)?);
        }
        Ok(Thresholds(thresholds))
    }

    /// Whether `signal` (available of capacity) crossed its threshold.
    pub fn crossed(&self, signal: &str, available: u64, capacity: u64) -> bool {
        self.0
            .get(signal)
            .is_some_and(|threshold| threshold.crossed(available, capacity))
    }
}

/// `--eviction-hard`: `signal<value` pairs separated by commas (`memory.available<100Mi,…`).
pub fn parse_flag(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut map = BTreeMap::new();
    for pair in text
        .split(',')
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
    {
        let (signal, value) = pair
            .split_once('<')
            .ok_or_else(|| format!("--eviction-hard: {pair:?} is not signal<value"))?;
        map.insert(signal.trim().to_owned(), value.trim().to_owned());
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_apply_without_configuration() {
        let thresholds = Thresholds::default();
        assert!(thresholds.crossed("memory.available", 99 << 20, 1 << 40));
        assert!(!thresholds.crossed("memory.available", 101 << 20, 1 << 40));
        assert!(thresholds.crossed("nodefs.available", 9, 100));
        assert!(!thresholds.crossed("nodefs.available", 10, 100));
        assert!(thresholds.crossed("imagefs.available", 14, 100));
    }

    #[test]
    fn a_partial_configuration_turns_the_other_signals_off_unless_merged() {
        let configured = map(&[("nodefs.available", "0%")]);
        let only = Thresholds::resolve(Some(&configured), false).unwrap();
        assert!(!only.crossed("nodefs.available", 0, 100));
        assert!(!only.crossed("memory.available", 0, 100));
        assert!(!only.crossed("imagefs.available", 0, 100));

        let merged = Thresholds::resolve(Some(&configured), true).unwrap();
        assert!(!merged.crossed("nodefs.available", 0, 100));
        assert!(merged.crossed("memory.available", 0, 100));
        assert!(merged.crossed("imagefs.available", 1, 100));
    }

    #[test]
    fn bad_thresholds_are_refused_with_the_signal_named() {
        for (signal, value, wanted) in [
            ("nodefs.available", "110%", "must be >= 0% and <= 100%"),
            ("memory.available", "lots", "invalid threshold"),
            ("memory.available", "-1Mi", "cannot be negative"),
            (
                "cpu.available",
                "1",
                "unsupported eviction signal cpu.available",
            ),
        ] {
            let error = Thresholds::resolve(Some(&map(&[(signal, value)])), false).unwrap_err();
            assert!(error.contains(wanted), "{signal}={value}: {error}");
        }
    }

    #[test]
    fn the_flag_form_is_signal_less_than_value() {
        let parsed = parse_flag("memory.available<1Gi, nodefs.available<5%").unwrap();
        assert_eq!(
            parsed,
            map(&[("memory.available", "1Gi"), ("nodefs.available", "5%")])
        );
        assert!(parse_flag("memory.available=1Gi").is_err());
    }
}
