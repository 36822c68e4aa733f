//! `spec.podFailurePolicy` (upstream's `pod_failure_policy.go`): the first rule matching a
//! failed pod's container exit codes or pod conditions decides whether the Job fails at once
//! (FailJob), the failure is not counted (Ignore), counted (Count), or fails the index
//! (FailIndex, counted here like Count).

use k8s_openapi::api::batch::v1::{
    PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement,
    PodFailurePolicyOnPodConditionsPattern,
};
use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodCondition, PodStatus};

/// What the policy decided for one failed pod.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The Job's failure message when a FailJob rule matched.
    pub fail_job_message: Option<String>,
    /// Whether the failure counts toward the backoff limit.
    pub count_failed: bool,
    /// The action of the matching rule, if any.
    pub action: Option<String>,
}

/// Applies `policy` to the failed `pod`.
pub fn match_pod_failure_policy(policy: &PodFailurePolicy, pod: &Pod) -> Decision {
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let name = pod.metadata.name.as_deref().unwrap_or_default();
    let empty = PodStatus::default();
    let status = pod.status.as_ref().unwrap_or(&empty);
    for (index, rule) in policy.rules.iter().enumerate() {
        let fail_job_message = if let Some(requirement) = &rule.on_exit_codes {
            let Some(container) = match_on_exit_codes(status, requirement) else {
                continue;
            };
            let exit_code = terminated_exit_code(container).unwrap_or_default();
            format!(
                "Container {} for pod {namespace}/{name} failed with exit code {exit_code} \
                 matching {} rule at index {index}",
                container.name, rule.action
            )
        } else if let Some(patterns) = &rule.on_pod_conditions {
            let Some(condition) = match_on_pod_conditions(status, patterns) else {
                continue;
            };
            format!(
                "Pod {namespace}/{name} has condition {} matching {} rule at index {index}",
                condition.type_, rule.action
            )
        } else {
            continue;
        };
        let action = Some(rule.action.clone());
        return match rule.action.as_str() {
            "Ignore" => Decision {
                fail_job_message: None,
                count_failed: false,
                action,
            },
            "FailJob" => Decision {
                fail_job_message: Some(fail_job_message),
                count_failed: true,
                action,
            },
            // Count, FailIndex, and actions this version does not know.
            _ => Decision {
                fail_job_message: None,
                count_failed: true,
                action,
            },
        };
    }
    Decision {
        fail_job_message: None,
        count_failed: true,
        action: None,
    }
}

fn terminated_exit_code(status: &ContainerStatus) -> Option<i32> {
    status
        .state
        .as_ref()?
        .terminated
        .as_ref()
        .map(|t| t.exit_code)
}

fn match_on_exit_codes<'a>(
    status: &'a PodStatus,
    requirement: &PodFailurePolicyOnExitCodesRequirement,
) -> Option<&'a ContainerStatus> {
    let matching = |statuses: Option<&'a Vec<ContainerStatus>>| {
        statuses.into_iter().flatten().find(|container| {
            let Some(code) = terminated_exit_code(container) else {
                return false;
            };
            if requirement
                .container_name
                .as_ref()
                .is_some_and(|n| *n != container.name)
            {
                return false;
            }
            // A successful exit never matches.
            if code == 0 {
                return false;
            }
            let listed = requirement.values.contains(&code);
            match requirement.operator.as_str() {
                "In" => listed,
                "NotIn" => !listed,
                _ => false,
            }
        })
    };
    matching(status.container_statuses.as_ref())
        .or_else(|| matching(status.init_container_statuses.as_ref()))
}

fn match_on_pod_conditions<'a>(
    status: &'a PodStatus,
    patterns: &[PodFailurePolicyOnPodConditionsPattern],
) -> Option<&'a PodCondition> {
    status.conditions.iter().flatten().find(|condition| {
        patterns
            .iter()
            .any(|pattern| pattern.type_ == condition.type_ && pattern.status == condition.status)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn policy(rules: serde_json::Value) -> PodFailurePolicy {
        serde_json::from_value(json!({ "rules": rules })).expect("policy")
    }

    fn failed_pod(exit_codes: &[(&str, i32)], conditions: serde_json::Value) -> Pod {
        let statuses: Vec<_> = exit_codes
            .iter()
            .map(|(name, code)| {
                json!({"name": name, "image": "i", "imageID": "", "ready": false,
                       "restartCount": 0, "state": {"terminated": {"exitCode": code}}})
            })
            .collect();
        serde_json::from_value(json!({
            "metadata": {"name": "p", "namespace": "ns"},
            "status": {"phase": "Failed", "containerStatuses": statuses, "conditions": conditions}
        }))
        .expect("pod")
    }

    #[test]
    fn exit_codes_choose_the_first_matching_rule() {
        let p = policy(json!([
            {"action": "Ignore", "onExitCodes": {"operator": "In", "values": [3]}},
            {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}},
            {"action": "Count", "onExitCodes": {"operator": "NotIn", "values": [0, 42]}},
        ]));
        let ignored = match_pod_failure_policy(&p, &failed_pod(&[("main", 3)], json!([])));
        assert!(!ignored.count_failed);
        assert_eq!(ignored.action.as_deref(), Some("Ignore"));

        let fail = match_pod_failure_policy(&p, &failed_pod(&[("main", 42)], json!([])));
        assert_eq!(
            fail.fail_job_message.as_deref(),
            Some(
                "Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1"
            )
        );
        // The container name restricts the FailJob rule; NotIn [0, 42] does not match 42.
        let other = match_pod_failure_policy(&p, &failed_pod(&[("side", 42)], json!([])));
        assert_eq!(other.action, None);
        assert!(other.count_failed);

        let counted = match_pod_failure_policy(&p, &failed_pod(&[("main", 7)], json!([])));
        assert_eq!(counted.action.as_deref(), Some("Count"));
        assert!(counted.count_failed && counted.fail_job_message.is_none());
    }

    #[test]
    fn pod_conditions_match_type_and_status() {
        let p = policy(json!([
            {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
            {"action": "FailJob", "onPodConditions": [{"type": "ConfigIssue", "status": "True"}]},
        ]));
        let disrupted = failed_pod(
            &[("main", 1)],
            json!([{"type": "DisruptionTarget", "status": "True"}]),
        );
        assert!(!match_pod_failure_policy(&p, &disrupted).count_failed);
        let not_true = failed_pod(
            &[("main", 1)],
            json!([{"type": "DisruptionTarget", "status": "False"}]),
        );
        assert!(match_pod_failure_policy(&p, &not_true).count_failed);
        let config = failed_pod(&[], json!([{"type": "ConfigIssue", "status": "True"}]));
        assert_eq!(
            match_pod_failure_policy(&p, &config)
                .fail_job_message
                .as_deref(),
            Some("Pod ns/p has condition ConfigIssue matching FailJob rule at index 1")
        );
    }
}
