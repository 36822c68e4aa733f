//! Indexed Jobs (upstream's `indexed_job_utils.go`): completion indexes of pods, the ordered
//! intervals of `status.completedIndexes` ("1,3-5"), which indexes to create next, and which
//! active pods are surplus (repeated or out-of-range indexes).

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{EnvVar, EnvVarSource, ObjectFieldSelector, Pod, PodTemplateSpec};
use k8s_openapi::jiff::Timestamp;

use crate::active_pods::deletion_order;

/// The annotation (and label) holding a pod's completion index.
pub const COMPLETION_INDEX: &str = "batch.kubernetes.io/job-completion-index";
/// The environment variable the index is exposed in (through the downward API).
pub const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";

/// Whether the Job's completion mode is Indexed.
pub fn is_indexed(job: &Job) -> bool {
    job.spec
        .as_ref()
        .and_then(|s| s.completion_mode.as_deref())
        .is_some_and(|m| m == "Indexed")
}

/// The completion index of a pod, from its annotation; `None` when missing or invalid.
pub fn completion_index(pod: &Pod) -> Option<usize> {
    pod.metadata
        .annotations
        .as_ref()?
        .get(COMPLETION_INDEX)?
        .parse::<i64>()
        .ok()
        .and_then(|i| usize::try_from(i).ok())
}

/// Inclusive intervals of indexes, ordered and not touching.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderedIntervals(pub Vec<(usize, usize)>);

impl OrderedIntervals {
    /// Parses `"1,3-5"`, ignoring malformed parts and indexes at or above `completions`.
    pub fn parse(text: &str, completions: usize) -> Self {
        let mut result = OrderedIntervals::default();
        if text.is_empty() {
            return result;
        }
        for part in text.split(',') {
            let (first, last) = match part.split_once('-') {
                Some((a, b)) => match (a.parse::<usize>(), b.parse::<usize>()) {
                    (Ok(a), Ok(b)) => (a, b),
                    _ => continue,
                },
                None => match part.parse::<usize>() {
                    Ok(a) => (a, a),
                    Err(_) => continue,
                },
            };
            if first >= completions {
                break;
            }
            let last = last.min(completions.saturating_sub(1));
            if last < first {
                continue;
            }
            result.push(first, last);
        }
        result
    }

    fn push(&mut self, first: usize, last: usize) {
        match self.0.last_mut() {
            Some((_, prev_last)) if first <= *prev_last + 1 => {
                *prev_last = (*prev_last).max(last);
            }
            _ => self.0.push((first, last)),
        }
    }

    /// These intervals plus the (sorted) `indexes`.
    pub fn with_ordered_indexes(&self, indexes: &[usize]) -> Self {
        let mut points: Vec<(usize, usize)> = self.0.clone();
        points.extend(indexes.iter().map(|&i| (i, i)));
        points.sort_unstable();
        let mut result = OrderedIntervals::default();
        for (first, last) in points {
            result.push(first, last);
        }
        result
    }

    /// The number of indexes.
    pub fn total(&self) -> usize {
        self.0.iter().map(|(a, b)| b - a + 1).sum()
    }

    /// Whether `index` is in one of the intervals.
    pub fn has(&self, index: usize) -> bool {
        self.0.iter().any(|&(a, b)| a <= index && index <= b)
    }
}

impl fmt::Display for OrderedIntervals {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, &(first, last)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{first}")?;
            if last > first {
                let sep = if last == first + 1 { ',' } else { '-' };
                write!(f, "{sep}{last}")?;
            }
        }
        Ok(())
    }
}

/// The succeeded indexes before this sync (from status) and with the succeeded pods that
/// still carry the tracking finalizer.
pub fn succeeded_indexes(
    completed_indexes: &str,
    completions: usize,
    pods: &[&Pod],
    has_finalizer: impl Fn(&Pod) -> bool,
) -> (OrderedIntervals, OrderedIntervals) {
    let previous = OrderedIntervals::parse(completed_indexes, completions);
    let mut new: Vec<usize> = pods
        .iter()
        .filter(|p| {
            p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Succeeded")
                && has_finalizer(p)
        })
        .filter_map(|p| completion_index(p))
        .filter(|&i| i < completions)
        .collect();
    new.sort_unstable();
    new.dedup();
    let current = previous.with_ordered_indexes(&new);
    (previous, current)
}

/// The lowest `count` indexes below `completions` that neither succeeded nor have an active
/// pod.
pub fn first_pending_indexes(
    succeeded: &OrderedIntervals,
    active: &[&Pod],
    count: usize,
    completions: usize,
) -> Vec<usize> {
    let mut active_indexes: Vec<usize> =
        active.iter().filter_map(|p| completion_index(p)).collect();
    active_indexes.sort_unstable();
    active_indexes.dedup();
    let taken = succeeded.with_ordered_indexes(&active_indexes);
    let mut result = Vec::with_capacity(count);
    let mut candidate = 0;
    for &(first, last) in &taken.0 {
        while candidate < completions && result.len() < count && candidate < first {
            result.push(candidate);
            candidate += 1;
        }
        candidate = candidate.max(last + 1);
    }
    while candidate < completions && result.len() < count {
        result.push(candidate);
        candidate += 1;
    }
    result
}

/// Active pods of an Indexed Job to remove before any other: pods without a valid index, with
/// an index at or above `completions`, and all but the most advanced pod of a repeated index.
/// Returns those and the remaining pods.
pub fn surplus_indexed_pods<'a>(
    active: &[&'a Pod],
    completions: usize,
    now: Timestamp,
) -> (Vec<&'a Pod>, Vec<&'a Pod>) {
    let mut remove = Vec::new();
    let mut by_index: BTreeMap<usize, Vec<&'a Pod>> = BTreeMap::new();
    for pod in active {
        match completion_index(pod) {
            Some(i) if i < completions => by_index.entry(i).or_default().push(pod),
            _ => remove.push(*pod),
        }
    }
    let mut left = Vec::new();
    for (_, mut pods) in by_index {
        // Sorted so that the pod to delete first comes first; the last one stays.
        pods.sort_by(|a, b| deletion_order(a, 0, b, 0, now));
        if let Some(keep) = pods.pop() {
            left.push(keep);
        }
        remove.extend(pods);
    }
    (remove, left)
}

/// The `generateName` of the pod for `index` (upstream's `podGenerateNameWithIndex`).
pub fn generate_name_with_index(job_name: &str, index: usize) -> String {
    // The server appends 5 random characters to at most 58 characters.
    const MAX_GENERATED_NAME_LENGTH: usize = 58;
    let appendix = format!("-{index}-");
    let prefix = format!("{job_name}{appendix}");
    if prefix.len() <= MAX_GENERATED_NAME_LENGTH {
        return prefix;
    }
    let keep = MAX_GENERATED_NAME_LENGTH.saturating_sub(appendix.len());
    let cut: String = job_name.chars().take(keep).collect();
    format!("{cut}{appendix}")
}

/// Adds `JOB_COMPLETION_INDEX` (from the index label, through the downward API) to every
/// container that does not set it.
pub fn add_completion_index_env(template: &mut PodTemplateSpec) {
    let Some(spec) = template.spec.as_mut() else {
        return;
    };
    let containers = spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten());
    for container in containers {
        let env = container.env.get_or_insert_with(Vec::new);
        if env.iter().any(|e| e.name == COMPLETION_INDEX_ENV) {
            continue;
        }
        env.push(EnvVar {
            name: COMPLETION_INDEX_ENV.to_owned(),
            value: None,
            value_from: Some(EnvVarSource {
                field_ref: Some(ObjectFieldSelector {
                    api_version: None,
                    field_path: format!("metadata.labels['{COMPLETION_INDEX}']"),
                }),
                ..EnvVarSource::default()
            }),
        });
    }
}

/// Sets the index annotation, label and hostname of a pod template.
pub fn set_completion_index(template: &mut PodTemplateSpec, job_name: &str, index: usize) {
    let meta = template.metadata.get_or_insert_with(Default::default);
    meta.annotations
        .get_or_insert_with(Default::default)
        .insert(COMPLETION_INDEX.to_owned(), index.to_string());
    meta.labels
        .get_or_insert_with(Default::default)
        .insert(COMPLETION_INDEX.to_owned(), index.to_string());
    if let Some(spec) = template.spec.as_mut() {
        spec.hostname = Some(format!("{job_name}-{index}"));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn pod(name: &str, index: Option<&str>, phase: &str) -> Pod {
        let mut meta = json!({"name": name, "uid": name});
        if let Some(i) = index {
            meta["annotations"] = json!({COMPLETION_INDEX: i});
        }
        serde_json::from_value(json!({"metadata": meta, "status": {"phase": phase}})).expect("pod")
    }

    #[test]
    fn intervals_print_and_parse_like_upstream() {
        let intervals = OrderedIntervals::default().with_ordered_indexes(&[1, 3, 4, 5, 7, 8]);
        assert_eq!(intervals.to_string(), "1,3-5,7,8");
        assert_eq!(intervals.total(), 6);
        assert_eq!(OrderedIntervals::parse("1,3-5,7,8", 10), intervals);
        // Out of range indexes are dropped or cut.
        assert_eq!(
            OrderedIntervals::parse("0-2,4-9,12", 6).to_string(),
            "0-2,4,5"
        );
        assert_eq!(OrderedIntervals::parse("x,2", 6).to_string(), "2");
        let merged = OrderedIntervals::parse("0,2", 10).with_ordered_indexes(&[1, 3]);
        assert_eq!(merged.to_string(), "0-3");
        assert!(merged.has(2) && !merged.has(4));
    }

    #[test]
    fn pending_indexes_skip_succeeded_and_active_ones() {
        let succeeded = OrderedIntervals::parse("0,2-3", 10);
        let a = pod("a", Some("1"), "Running");
        let b = pod("b", Some("5"), "Running");
        assert_eq!(
            first_pending_indexes(&succeeded, &[&a, &b], 3, 10),
            vec![4, 6, 7]
        );
        assert_eq!(first_pending_indexes(&succeeded, &[&a, &b], 10, 6), vec![4]);
        assert!(first_pending_indexes(&succeeded, &[], 0, 10).is_empty());
    }

    #[test]
    fn repeated_and_invalid_indexes_are_surplus() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let a = pod("a", Some("0"), "Running");
        let b = pod("b", Some("0"), "Pending");
        let c = pod("c", None, "Running");
        let d = pod("d", Some("7"), "Running");
        let e = pod("e", Some("1"), "Running");
        let (remove, left) = surplus_indexed_pods(&[&a, &b, &c, &d, &e], 3, now);
        let names = |v: &[&Pod]| {
            let mut n: Vec<String> = v.iter().map(|p| p.metadata.name.clone().unwrap()).collect();
            n.sort();
            n
        };
        assert_eq!(names(&remove), ["b", "c", "d"]);
        assert_eq!(names(&left), ["a", "e"]);
    }

    #[test]
    fn succeeded_pods_with_finalizers_add_to_completed_indexes() {
        let a = pod("a", Some("1"), "Succeeded");
        let b = pod("b", Some("4"), "Succeeded");
        let c = pod("c", Some("2"), "Failed");
        let (prev, now) = succeeded_indexes("0", 5, &[&a, &b, &c], |_| true);
        assert_eq!(prev.to_string(), "0");
        assert_eq!(now.to_string(), "0,1,4");
    }

    #[test]
    fn generated_names_keep_the_index() {
        assert_eq!(generate_name_with_index("pi", 3), "pi-3-");
        let long = "a".repeat(70);
        let name = generate_name_with_index(&long, 12);
        assert_eq!(name.len(), 58);
        assert!(name.ends_with("-12-"));
    }
}
