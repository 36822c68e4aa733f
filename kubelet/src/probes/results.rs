//! The latest result of each probe, by kind and container ID (upstream `prober/results`).

use std::collections::HashMap;
use std::sync::Mutex;

use super::ProbeKind;

/// A probe's cached result (upstream `results.Result`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProbeResult {
    /// Not known yet: a startup probe before its first verdict.
    Unknown,
    Success,
    Failure,
}

#[derive(Default)]
pub(crate) struct ResultsStore {
    results: Mutex<HashMap<(ProbeKind, String), ProbeResult>>,
}

impl ResultsStore {
    /// Stores `result`; true when it differs from what was stored (or nothing was).
    pub(crate) fn set(&self, kind: ProbeKind, container_id: &str, result: ProbeResult) -> bool {
        let Ok(mut results) = self.results.lock() else {
            return false;
        };
        results.insert((kind, container_id.to_owned()), result) != Some(result)
    }

    pub(crate) fn get(&self, kind: ProbeKind, container_id: &str) -> Option<ProbeResult> {
        self.results
            .lock()
            .ok()?
            .get(&(kind, container_id.to_owned()))
            .copied()
    }

    pub(crate) fn remove(&self, kind: ProbeKind, container_id: &str) {
        if let Ok(mut results) = self.results.lock() {
            results.remove(&(kind, container_id.to_owned()));
        }
    }
}
