//! How many pods a PodDisruptionBudget expects and how many must stay healthy (upstream's
//! `getExpectedPodCount`): `minAvailable` as a number counts the selected pods; a percentage
//! or `maxUnavailable` needs the scale of the pods' controllers (ReplicaSet, or its
//! Deployment; ReplicationController; StatefulSet), each counted once.

use std::collections::HashSet;
use std::sync::Arc;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::{Pod, ReplicationController};
use k8s_openapi::api::policy::v1::PodDisruptionBudgetSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::controller_ref::controller_of;
use crate::informers::Lister;

/// The listers of the controllers whose scale a budget may need.
pub struct Finders {
    pub replica_sets: Lister<ReplicaSet>,
    pub deployments: Lister<Deployment>,
    pub replication_controllers: Lister<ReplicationController>,
    pub stateful_sets: Lister<StatefulSet>,
}

/// What a budget expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExpectedPods {
    pub expected_count: i32,
    pub desired_healthy: i32,
}

/// `intstr.GetScaledValueFromIntOrPercent`.
pub fn scaled_value(value: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match value {
        IntOrString::Int(i) => Ok(*i),
        IntOrString::String(s) => {
            let Some(number) = s.strip_suffix('%') else {
                return Err(format!("invalid type: string is not a percentage: {s:?}"));
            };
            let percent: i64 = number
                .parse()
                .map_err(|_| format!("invalid value for IntOrString: invalid value {s:?}"))?;
            let product = percent * i64::from(total);
            let value = if round_up {
                (product + 99).div_euclid(100)
            } else {
                product.div_euclid(100)
            };
            Ok(i32::try_from(value).unwrap_or(i32::MAX))
        }
    }
}

/// The scale of the controller of `pod`, with the controller's uid (so it is counted once).
fn controller_scale(pod: &Pod, finders: &Finders) -> Option<(String, i32)> {
    let reference = controller_of(pod)?;
    let namespace = pod.metadata.namespace.as_deref().unwrap_or_default();
    let same = |uid: Option<&String>| uid.is_some_and(|u| *u == reference.uid);
    match (reference.api_version.as_str(), reference.kind.as_str()) {
        ("apps/v1", "ReplicaSet") => {
            let rs = finders.replica_sets.get(namespace, &reference.name)?;
            if !same(rs.metadata.uid.as_ref()) {
                return None;
            }
            // A ReplicaSet of a Deployment takes the Deployment's scale.
            if let Some(owner) = controller_of(rs.as_ref())
                && owner.kind == "Deployment"
                && owner.api_version == "apps/v1"
            {
                let deployment = finders.deployments.get(namespace, &owner.name)?;
                if deployment.metadata.uid.as_deref() != Some(owner.uid.as_str()) {
                    return None;
                }
                let replicas = deployment
                    .spec
                    .as_ref()
                    .and_then(|s| s.replicas)
                    .unwrap_or(1);
                return Some((owner.uid.clone(), replicas));
            }
            Some((
                reference.uid.clone(),
                rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
            ))
        }
        ("v1", "ReplicationController") => {
            let rc = finders
                .replication_controllers
                .get(namespace, &reference.name)?;
            same(rc.metadata.uid.as_ref()).then(|| {
                (
                    reference.uid.clone(),
                    rc.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
                )
            })
        }
        ("apps/v1", "StatefulSet") => {
            let set = finders.stateful_sets.get(namespace, &reference.name)?;
            same(set.metadata.uid.as_ref()).then(|| {
                (
                    reference.uid.clone(),
                    set.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
                )
            })
        }
        _ => None,
    }
}

/// The sum of the scales of the pods' controllers; an error names a pod without one.
fn expected_scale(pods: &[Arc<Pod>], finders: &Finders) -> Result<i32, String> {
    let mut seen = HashSet::new();
    let mut total = 0i32;
    for pod in pods {
        let Some((uid, replicas)) = controller_scale(pod, finders) else {
            let name = pod.metadata.name.as_deref().unwrap_or_default();
            return Err(format!("found no controllers for pod {name:?}"));
        };
        if seen.insert(uid) {
            total = total.saturating_add(replicas);
        }
    }
    Ok(total)
}

/// What the budget `spec` expects of `pods`.
pub fn expected_pods(
    spec: &PodDisruptionBudgetSpec,
    pods: &[Arc<Pod>],
    finders: &Finders,
) -> Result<ExpectedPods, String> {
    if let Some(max_unavailable) = &spec.max_unavailable {
        let expected_count = expected_scale(pods, finders)?;
        let unavailable = scaled_value(max_unavailable, expected_count, true)?;
        return Ok(ExpectedPods {
            expected_count,
            desired_healthy: (expected_count - unavailable).max(0),
        });
    }
    match &spec.min_available {
        Some(IntOrString::Int(min)) => Ok(ExpectedPods {
            expected_count: i32::try_from(pods.len()).unwrap_or(i32::MAX),
            desired_healthy: *min,
        }),
        Some(percent @ IntOrString::String(_)) => {
            let expected_count = expected_scale(pods, finders)?;
            Ok(ExpectedPods {
                expected_count,
                desired_healthy: scaled_value(percent, expected_count, true)?,
            })
        }
        None => Ok(ExpectedPods {
            expected_count: i32::try_from(pods.len()).unwrap_or(i32::MAX),
            desired_healthy: 0,
        }),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn finders() -> Finders {
        Finders {
            replica_sets: Lister::default(),
            deployments: Lister::default(),
            replication_controllers: Lister::default(),
            stateful_sets: Lister::default(),
        }
    }

    fn owned_pod(name: &str, kind: &str, owner: &str, uid: &str) -> Arc<Pod> {
        let api_version = if kind == "ReplicationController" {
            "v1"
        } else {
            "apps/v1"
        };
        Arc::new(
            serde_json::from_value(json!({"metadata": {"name": name, "namespace": "ns",
                "ownerReferences": [{"apiVersion": api_version, "kind": kind, "name": owner,
                    "uid": uid, "controller": true}]}}))
            .expect("pod"),
        )
    }

    #[test]
    fn percentages_round_up_as_upstream() {
        let pct = |s: &str| IntOrString::String(s.to_owned());
        assert_eq!(scaled_value(&pct("50%"), 5, true), Ok(3));
        assert_eq!(scaled_value(&pct("50%"), 5, false), Ok(2));
        assert_eq!(scaled_value(&IntOrString::Int(2), 5, true), Ok(2));
        assert!(scaled_value(&pct("x%"), 5, true).is_err());
        assert!(scaled_value(&pct("5"), 5, true).is_err());
    }

    #[test]
    fn max_unavailable_uses_the_deployment_scale_once() {
        let f = finders();
        f.deployments.insert(
            serde_json::from_value(
                json!({"metadata": {"name": "web", "namespace": "ns", "uid": "d"},
                "spec": {"replicas": 4, "selector": {}, "template": {}}}),
            )
            .expect("deployment"),
        );
        f.replica_sets.insert(
            serde_json::from_value(
                json!({"metadata": {"name": "web-1", "namespace": "ns", "uid": "r",
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web",
                    "uid": "d", "controller": true}]},
                "spec": {"replicas": 4, "selector": {}}}),
            )
            .expect("replicaset"),
        );
        let pods = [
            owned_pod("a", "ReplicaSet", "web-1", "r"),
            owned_pod("b", "ReplicaSet", "web-1", "r"),
        ];
        let spec = PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            ..Default::default()
        };
        assert_eq!(
            expected_pods(&spec, &pods, &f),
            Ok(ExpectedPods {
                expected_count: 4,
                desired_healthy: 3
            })
        );
        // A pod without a controller cannot be scaled.
        let orphan = [Arc::new(Pod::default())];
        assert!(
            expected_pods(&spec, &orphan, &f)
                .unwrap_err()
                .contains("found no controllers")
        );
        // minAvailable as a number counts the pods themselves.
        let spec = PodDisruptionBudgetSpec {
            min_available: Some(IntOrString::Int(1)),
            ..Default::default()
        };
        assert_eq!(
            expected_pods(&spec, &orphan, &f),
            Ok(ExpectedPods {
                expected_count: 1,
                desired_healthy: 1
            })
        );
    }
}
