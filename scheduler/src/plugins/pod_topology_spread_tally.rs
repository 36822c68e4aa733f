//! PodTopologySpread's counts of matching pods per topology domain, kept across scheduling
//! cycles: a cycle recounts only the nodes whose [`NodeInfo::generation`] changed, and the
//! domain totals follow by difference, so the pods of unchanged nodes are not matched again
//! and no per-domain map is rebuilt for every pod.

use std::collections::HashMap;
use std::sync::Arc;

use crate::framework::NodeInfo;

/// Matching pods per domain of one constraint, over the nodes it counts.
#[derive(Clone, Debug, Default)]
pub(super) struct Domains {
    /// Domain (the node label's value) → its place in `totals`. Only grows; shared with the
    /// copies handed to a cycle, and copied only when a new domain appears while one is held.
    index: Arc<HashMap<String, usize>>,
    /// Per domain: matching pods, and nodes counted in it (a domain without any does not exist).
    totals: Vec<(i64, u32)>,
    /// Domains with at least one node counted.
    present: usize,
}

impl Domains {
    /// Counts one more node, with `count` matching pods, in domain `value`.
    pub fn add(&mut self, value: &str, count: i64) {
        let domain = self.domain(value);
        self.add_at(domain, count);
    }

    /// The matching pods of domain `value`, if any node of it is counted.
    pub fn get(&self, value: &str) -> Option<i64> {
        let (count, nodes) = self.totals[*self.index.get(value)?];
        (nodes > 0).then_some(count)
    }

    /// How many domains exist (have a node counted).
    pub fn len(&self) -> usize {
        self.present
    }

    /// The fewest matching pods of any existing domain.
    pub fn min(&self) -> Option<i64> {
        let existing = self.totals.iter().filter(|(_, nodes)| *nodes > 0);
        existing.map(|(count, _)| *count).min()
    }

    /// Every existing domain and its matching pods.
    #[cfg(test)]
    pub fn to_map(&self) -> HashMap<String, i64> {
        let existing = self.index.iter().filter(|(_, d)| self.totals[**d].1 > 0);
        existing
            .map(|(value, d)| (value.clone(), self.totals[*d].0))
            .collect()
    }

    fn domain(&mut self, value: &str) -> usize {
        if let Some(domain) = self.index.get(value) {
            return *domain;
        }
        let domain = self.totals.len();
        Arc::make_mut(&mut self.index).insert(value.to_owned(), domain);
        self.totals.push((0, 0));
        domain
    }

    fn add_at(&mut self, domain: usize, count: i64) {
        let (total, nodes) = &mut self.totals[domain];
        *total += count;
        *nodes += 1;
        if *nodes == 1 {
            self.present += 1;
        }
    }

    fn remove_at(&mut self, domain: usize, count: i64) {
        let (total, nodes) = &mut self.totals[domain];
        *total -= count;
        *nodes -= 1;
        if *nodes == 0 {
            self.present -= 1;
        }
    }
}

/// One constraint's [`Domains`], kept up to date across cycles. Each position of the node list
/// remembers the generation of the node it last saw there and what that node added; a
/// generation is never reused (by any node), so an equal one means nothing changed there.
#[derive(Debug, Default)]
pub(super) struct Tally {
    seen: Vec<Seen>,
    domains: Domains,
}

#[derive(Clone, Copy, Debug)]
struct Seen {
    generation: u64,
    /// The domain and matching pods the node added, if it was counted.
    added: Option<(usize, i64)>,
}

impl Tally {
    /// Brings the counts up to `nodes`. `contribution` gives a node's domain and its matching
    /// pods, or `None` when the constraint does not count the node; it must depend on nothing
    /// but the node (the caller keys its tallies by everything else).
    pub fn update<'a>(
        &mut self,
        nodes: &[&'a NodeInfo],
        mut contribution: impl FnMut(&'a NodeInfo) -> Option<(&'a str, i64)>,
    ) -> &Domains {
        for (i, node) in nodes.iter().enumerate() {
            if let Some(seen) = self.seen.get(i) {
                if seen.generation == node.generation {
                    continue;
                }
                if let Some((domain, count)) = seen.added {
                    self.domains.remove_at(domain, count);
                }
            }
            let added = contribution(node).map(|(value, count)| {
                let domain = self.domains.domain(value);
                self.domains.add_at(domain, count);
                (domain, count)
            });
            let seen = Seen {
                generation: node.generation,
                added,
            };
            match self.seen.get_mut(i) {
                Some(slot) => *slot = seen,
                None => self.seen.push(seen),
            }
        }
        for gone in self.seen.drain(nodes.len().min(self.seen.len())..) {
            if let Some((domain, count)) = gone.added {
                self.domains.remove_at(domain, count);
            }
        }
        &self.domains
    }
}

#[cfg(test)]
mod tests {
    use rand::Rng;
    use serde_json::json;

    use super::*;
    use crate::plugins::test_util::{named_pod, node};

    /// A node in `zone` (none when empty) with `pods` pods on it.
    fn zoned(name: &str, zone: &str) -> NodeInfo {
        let labels = match zone {
            "" => json!({}),
            zone => json!({"zone": zone}),
        };
        NodeInfo::new(node(json!({"metadata": {"name": name, "labels": labels}})))
    }

    /// What a full count gives: pods per zone over the nodes that have the label.
    fn counted_from_scratch(nodes: &[&NodeInfo]) -> HashMap<String, i64> {
        let mut domains = Domains::default();
        for (value, count) in nodes.iter().filter_map(|n| contribution(n)) {
            domains.add(value, count);
        }
        domains.to_map()
    }

    fn contribution(node: &NodeInfo) -> Option<(&str, i64)> {
        let labels = node.node.metadata.labels.as_ref()?;
        let zone = labels.get("zone")?;
        Some((zone.as_str(), node.pods.len() as i64))
    }

    #[test]
    fn tallied_counts_equal_a_full_count_through_random_changes() {
        let mut rng = rand::rng();
        for _ in 0..20 {
            let mut nodes: Vec<NodeInfo> = Vec::new();
            let mut tally = Tally::default();
            let mut next = 0;
            for _ in 0..300 {
                next += 1;
                match rng.random_range(0..10) {
                    // A node joins, in one of three zones or without the label.
                    0 | 1 => {
                        let zone = ["a", "b", "c", ""][rng.random_range(0..4)];
                        nodes.push(zoned(&format!("n{next}"), zone));
                    }
                    // A node leaves (the list closes the gap, as the cache's does).
                    2 if !nodes.is_empty() => {
                        let i = rng.random_range(0..nodes.len());
                        nodes.swap_remove(i);
                    }
                    // A node is relabelled into another zone.
                    3 if !nodes.is_empty() => {
                        let i = rng.random_range(0..nodes.len());
                        let zone = ["a", "b", "d"][rng.random_range(0..3)];
                        let relabelled = zoned(nodes[i].name(), zone);
                        nodes[i].set_node(relabelled.node);
                    }
                    // A pod comes or goes.
                    _ if !nodes.is_empty() => {
                        let i = rng.random_range(0..nodes.len());
                        match nodes[i].pods.first().map(|p| p.key()) {
                            Some(key) if rng.random_bool(0.3) => {
                                assert!(nodes[i].remove_pod(&key));
                            }
                            _ => nodes[i].add_pod(named_pod(&format!("p{next}"), json!({}))),
                        }
                    }
                    _ => {}
                }
                let refs: Vec<&NodeInfo> = nodes.iter().collect();
                let tallied = tally.update(&refs, contribution);
                let expected = counted_from_scratch(&refs);
                assert_eq!(tallied.to_map(), expected);
                assert_eq!(tallied.len(), expected.len());
                assert_eq!(tallied.min(), expected.values().min().copied());
                for (zone, count) in &expected {
                    assert_eq!(tallied.get(zone), Some(*count));
                }
            }
        }
    }
}
