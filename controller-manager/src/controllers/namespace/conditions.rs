//! The conditions a terminating namespace carries (upstream's
//! `deletion/status_condition_utils.go`): each of the five types is always present, `True`
//! with the failure's reason and message, or `False` with its "ok" variant.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::NamespaceCondition;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

pub const DISCOVERY_FAILURE: &str = "NamespaceDeletionDiscoveryFailure";
pub const GV_PARSING_FAILURE: &str = "NamespaceDeletionGroupVersionParsingFailure";
pub const CONTENT_FAILURE: &str = "NamespaceDeletionContentFailure";
pub const CONTENT_REMAINING: &str = "NamespaceContentRemaining";
pub const FINALIZERS_REMAINING: &str = "NamespaceFinalizersRemaining";

/// The condition types, in upstream's order, with their reason and message when all is well.
const TYPES: [(&str, &str, &str); 5] = [
    (
        DISCOVERY_FAILURE,
        "ResourcesDiscovered",
        "All resources successfully discovered",
    ),
    (
        GV_PARSING_FAILURE,
        "ParsedGroupVersions",
        "All legacy kube types successfully parsed",
    ),
    (
        CONTENT_FAILURE,
        "ContentDeleted",
        "All content successfully deleted, may be waiting on finalization",
    ),
    (
        CONTENT_REMAINING,
        "ContentRemoved",
        "All content successfully removed",
    ),
    (
        FINALIZERS_REMAINING,
        "ContentRemoved",
        "All content successfully removed",
    ),
];

/// What one pass of content deletion found, turned into conditions by [`Self::apply`].
#[derive(Debug, Default)]
pub struct ConditionUpdater {
    failures: Vec<(&'static str, &'static str, String)>,
    content_errors: Vec<String>,
}

impl ConditionUpdater {
    /// Discovery failed (for some groups).
    pub fn discovery_failed(&mut self, message: String, failed_groups: usize) {
        let message = if failed_groups > 0 {
            format!("Discovery failed for some groups, {failed_groups} failing: {message}")
        } else {
            message
        };
        self.failures
            .push((DISCOVERY_FAILURE, "DiscoveryFailed", message));
    }

    /// A group version could not be parsed.
    pub fn group_version_failed(&mut self, message: String) {
        self.failures
            .push((GV_PARSING_FAILURE, "GroupVersionParsingFailed", message));
    }

    /// Deleting one resource's content failed.
    pub fn delete_content_failed(&mut self, message: String) {
        self.content_errors.push(message);
    }

    /// What remains: instances by `resource.group`, and instances by finalizer.
    pub fn content_totals(
        &mut self,
        remaining: &BTreeMap<(String, String), usize>,
        finalizers: &BTreeMap<String, usize>,
    ) {
        let mut resources: Vec<String> = remaining
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|((group, resource), n)| format!("{resource}.{group} has {n} resource instances"))
            .collect();
        if !remaining.is_empty() {
            resources.sort();
            self.failures.push((
                CONTENT_REMAINING,
                "SomeResourcesRemain",
                format!("Some resources are remaining: {}", resources.join(", ")),
            ));
        }
        let mut by_finalizer: Vec<String> = finalizers
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(finalizer, n)| format!("{finalizer} in {n} resource instances"))
            .collect();
        if !finalizers.is_empty() {
            by_finalizer.sort();
            self.failures.push((
                FINALIZERS_REMAINING,
                "SomeFinalizerRemain",
                format!("Some finalizers are remaining: {}", by_finalizer.join(", ")),
            ));
        }
    }

    /// Updates `conditions` in place; whether anything changed.
    pub fn apply(mut self, conditions: &mut Vec<NamespaceCondition>, now: &Time) -> bool {
        if !self.failures.iter().any(|(t, ..)| *t == CONTENT_FAILURE)
            && !self.content_errors.is_empty()
        {
            self.content_errors.sort();
            let message = format!(
                "Failed to delete all resource types, {} remaining: {}",
                self.content_errors.len(),
                self.content_errors.join(", ")
            );
            self.failures
                .push((CONTENT_FAILURE, "ContentDeletionFailed", message));
        }
        let mut changed = false;
        for (type_, ok_reason, ok_message) in TYPES {
            let wanted = match self.failures.iter().find(|(t, ..)| *t == type_) {
                Some((_, reason, message)) => ("True", *reason, message.clone()),
                None => ("False", ok_reason, ok_message.to_owned()),
            };
            match conditions.iter_mut().find(|c| c.type_ == type_) {
                None => {
                    conditions.push(NamespaceCondition {
                        type_: type_.to_owned(),
                        status: wanted.0.to_owned(),
                        reason: Some(wanted.1.to_owned()),
                        message: Some(wanted.2),
                        last_transition_time: Some(now.clone()),
                    });
                    changed = true;
                }
                Some(current) => {
                    if current.status != wanted.0
                        || current.reason.as_deref() != Some(wanted.1)
                        || current.message.as_deref() != Some(wanted.2.as_str())
                    {
                        if current.status != wanted.0 {
                            current.last_transition_time = Some(now.clone());
                        }
                        current.status = wanted.0.to_owned();
                        current.reason = Some(wanted.1.to_owned());
                        current.message = Some(wanted.2);
                        changed = true;
                    }
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Time {
        Time(jiff::Timestamp::UNIX_EPOCH)
    }

    #[test]
    fn all_is_well_sets_every_condition_false_once() {
        let mut conditions = Vec::new();
        assert!(ConditionUpdater::default().apply(&mut conditions, &now()));
        assert_eq!(conditions.len(), 5);
        assert!(conditions.iter().all(|c| c.status == "False"));
        assert_eq!(conditions[3].reason.as_deref(), Some("ContentRemoved"));
        assert!(!ConditionUpdater::default().apply(&mut conditions, &now()));
    }

    #[test]
    fn remaining_content_and_failures_read_as_upstream() {
        let mut updater = ConditionUpdater::default();
        let remaining = BTreeMap::from([
            (("".to_owned(), "pods".to_owned()), 2),
            (("example.com".to_owned(), "widgets".to_owned()), 1),
        ]);
        let finalizers = BTreeMap::from([("example.com/x".to_owned(), 1)]);
        updater.content_totals(&remaining, &finalizers);
        updater.delete_content_failed("b failed".into());
        updater.delete_content_failed("a failed".into());
        updater.discovery_failed(
            "unable to retrieve the complete list of server APIs: x/v1: boom".into(),
            1,
        );
        let mut conditions = Vec::new();
        updater.apply(&mut conditions, &now());
        let find = |t: &str| conditions.iter().find(|c| c.type_ == t).unwrap().clone();
        assert_eq!(
            find(CONTENT_REMAINING).message.as_deref(),
            Some(
                "Some resources are remaining: pods. has 2 resource instances, widgets.example.com has 1 resource instances"
            )
        );
        assert_eq!(
            find(FINALIZERS_REMAINING).message.as_deref(),
            Some("Some finalizers are remaining: example.com/x in 1 resource instances")
        );
        let failure = find(CONTENT_FAILURE);
        assert_eq!(failure.status, "True");
        assert_eq!(failure.reason.as_deref(), Some("ContentDeletionFailed"));
        assert_eq!(
            failure.message.as_deref(),
            Some("Failed to delete all resource types, 2 remaining: a failed, b failed")
        );
        assert_eq!(
            find(DISCOVERY_FAILURE).message.as_deref(),
            Some(
                "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: x/v1: boom"
            )
        );
        assert_eq!(find(GV_PARSING_FAILURE).status, "False");
    }
}
