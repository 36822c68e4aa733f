//! Defaults of the `apps` group (`apps/v1`).
//!
//! Ports pkg/apis/apps/v1/defaults.go; pkg/apis/apps/v1/zz_generated.defaults.go adds the
//! PodSpec defaults to every `spec.template` and the PVC defaults to every StatefulSet
//! `spec.volumeClaimTemplates` item.

use serde_json::json;

use super::core::{persistent_volume_claim, pod_template_spec};
use super::json::{Obj, child_ptr, child_struct, default_ptr, default_str, items_mut, str_of};

/// Applies the defaults of one `apps` kind.
pub(super) fn apply(kind: &str, obj: &mut Obj) {
    if !matches!(
        kind,
        "Deployment" | "DaemonSet" | "StatefulSet" | "ReplicaSet"
    ) {
        return;
    }
    let Some(spec) = child_struct(obj, "spec") else {
        return;
    };
    match kind {
        "Deployment" => deployment(spec),
        "DaemonSet" => daemon_set(spec),
        "StatefulSet" => stateful_set(spec),
        // SetDefaults_ReplicaSet
        "ReplicaSet" => default_ptr(spec, "replicas", json!(1)),
        _ => return,
    }
    if let Some(t) = child_struct(spec, "template") {
        pod_template_spec(t);
    }
}

/// `SetDefaults_Deployment`.
fn deployment(spec: &mut Obj) {
    default_ptr(spec, "replicas", json!(1));
    if let Some(strategy) = child_struct(spec, "strategy") {
        default_str(strategy, "type", "RollingUpdate");
        if str_of(strategy, "type") == Some("RollingUpdate") {
            default_ptr(strategy, "rollingUpdate", json!({}));
            if let Some(ru) = child_ptr(strategy, "rollingUpdate") {
                default_ptr(ru, "maxUnavailable", json!("25%"));
                default_ptr(ru, "maxSurge", json!("25%"));
            }
        }
    }
    default_ptr(spec, "revisionHistoryLimit", json!(10));
    default_ptr(spec, "progressDeadlineSeconds", json!(600));
}

/// `SetDefaults_DaemonSet`.
fn daemon_set(spec: &mut Obj) {
    if let Some(strategy) = child_struct(spec, "updateStrategy") {
        default_str(strategy, "type", "RollingUpdate");
        if str_of(strategy, "type") == Some("RollingUpdate") {
            default_ptr(strategy, "rollingUpdate", json!({}));
            if let Some(ru) = child_ptr(strategy, "rollingUpdate") {
                default_ptr(ru, "maxUnavailable", json!(1));
                default_ptr(ru, "maxSurge", json!(0));
            }
        }
    }
    default_ptr(spec, "revisionHistoryLimit", json!(10));
}

/// `SetDefaults_StatefulSet` (StatefulSetAutoDeletePVC is GA, so unconditional).
fn stateful_set(spec: &mut Obj) {
    default_str(spec, "podManagementPolicy", "OrderedReady");
    if let Some(strategy) = child_struct(spec, "updateStrategy") {
        if super::json::is_empty_str(strategy, "type") {
            strategy.insert("type".to_owned(), json!("RollingUpdate"));
            default_ptr(strategy, "rollingUpdate", json!({}));
        }
        if str_of(strategy, "type") == Some("RollingUpdate")
            && let Some(ru) = child_ptr(strategy, "rollingUpdate")
        {
            default_ptr(ru, "partition", json!(0));
        }
    }
    default_ptr(spec, "persistentVolumeClaimRetentionPolicy", json!({}));
    if let Some(p) = child_ptr(spec, "persistentVolumeClaimRetentionPolicy") {
        default_str(p, "whenDeleted", "Retain");
        default_str(p, "whenScaled", "Retain");
    }
    default_ptr(spec, "replicas", json!(1));
    default_ptr(spec, "revisionHistoryLimit", json!(10));
    for pvc in items_mut(spec, "volumeClaimTemplates") {
        persistent_volume_claim(pvc);
    }
}
