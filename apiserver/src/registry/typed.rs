//! Typed decoding of request objects through `k8s-openapi`, as upstream decodes every body into
//! its Go type: a field of the wrong type is a 400, and fields the type does not have are
//! dropped, reported as warnings, or refused, per `fieldValidation` (Ignore, Warn (the
//! default), Strict), with upstream's `unknown field "spec.foo"` wording.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// `fieldValidation`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    Ignore,
    #[default]
    Warn,
    Strict,
}

impl FieldValidation {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "" | "Warn" => Ok(FieldValidation::Warn),
            "Ignore" => Ok(FieldValidation::Ignore),
            "Strict" => Ok(FieldValidation::Strict),
            other => Err(format!(
                "fieldValidation must be one of Ignore, Warn, or Strict, got {other:?}"
            )),
        }
    }
}

/// Whether serde_json's maps keep insertion order in this build (its `preserve_order`
/// feature, which any crate of the build may turn on): then the typed round trip's order is
/// made the client's again.
fn maps_preserve_order() -> bool {
    static PRESERVES: std::sync::LazyLock<bool> = std::sync::LazyLock::new(|| {
        let mut map = serde_json::Map::new();
        map.insert("b".into(), Value::Null);
        map.insert("a".into(), Value::Null);
        map.keys().next().is_some_and(|key| key == "b")
    });
    *PRESERVES
}

/// A decoded object: the typed round trip, and the paths of the fields it dropped.
pub struct Decoded {
    pub object: Value,
    pub unknown_fields: Vec<String>,
}

fn round_trip<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let typed = T::deserialize(value).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

macro_rules! typed_kinds {
    ($(($group:literal, $version:literal, $kind:literal) => $ty:ty),* $(,)?) => {
        /// The typed round trip for a served kind; `None` for kinds without a type here.
        fn typed_round_trip(group: &str, version: &str, kind: &str, value: &Value)
            -> Option<Result<Value, String>> {
            match (group, version, kind) {
                $(($group, $version, $kind) => Some(round_trip::<$ty>(value)),)*
                _ => None,
            }
        }
    };
}

use k8s_openapi::api::{
    apps::v1 as apps, autoscaling::v1 as autoscaling1, autoscaling::v2 as autoscaling2,
    batch::v1 as batch, coordination::v1 as coordination, core::v1 as core,
    discovery::v1 as discovery, events::v1 as events, networking::v1 as networking,
    policy::v1 as policy, rbac::v1 as rbac, scheduling::v1 as scheduling, storage::v1 as storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiextensions;

typed_kinds! {
    ("", "v1", "ConfigMap") => core::ConfigMap,
    ("", "v1", "Endpoints") => core::Endpoints,
    ("", "v1", "Event") => core::Event,
    ("", "v1", "LimitRange") => core::LimitRange,
    ("", "v1", "Namespace") => core::Namespace,
    ("", "v1", "Node") => core::Node,
    ("", "v1", "PersistentVolume") => core::PersistentVolume,
    ("", "v1", "PersistentVolumeClaim") => core::PersistentVolumeClaim,
    ("", "v1", "Pod") => core::Pod,
    ("", "v1", "PodTemplate") => core::PodTemplate,
    ("", "v1", "ReplicationController") => core::ReplicationController,
    ("", "v1", "ResourceQuota") => core::ResourceQuota,
    ("", "v1", "Secret") => core::Secret,
    ("", "v1", "Service") => core::Service,
    ("", "v1", "ServiceAccount") => core::ServiceAccount,
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition") => apiextensions::CustomResourceDefinition,
    ("apps", "v1", "ControllerRevision") => apps::ControllerRevision,
    ("apps", "v1", "DaemonSet") => apps::DaemonSet,
    ("apps", "v1", "Deployment") => apps::Deployment,
    ("apps", "v1", "ReplicaSet") => apps::ReplicaSet,
    ("apps", "v1", "StatefulSet") => apps::StatefulSet,
    ("autoscaling", "v1", "HorizontalPodAutoscaler") => autoscaling1::HorizontalPodAutoscaler,
    ("autoscaling", "v2", "HorizontalPodAutoscaler") => autoscaling2::HorizontalPodAutoscaler,
    ("batch", "v1", "CronJob") => batch::CronJob,
    ("batch", "v1", "Job") => batch::Job,
    ("coordination.k8s.io", "v1", "Lease") => coordination::Lease,
    ("discovery.k8s.io", "v1", "EndpointSlice") => discovery::EndpointSlice,
    ("events.k8s.io", "v1", "Event") => events::Event,
    ("networking.k8s.io", "v1", "Ingress") => networking::Ingress,
    ("networking.k8s.io", "v1", "IngressClass") => networking::IngressClass,
    ("networking.k8s.io", "v1", "NetworkPolicy") => networking::NetworkPolicy,
    ("policy", "v1", "Eviction") => policy::Eviction,
    ("policy", "v1", "PodDisruptionBudget") => policy::PodDisruptionBudget,
    ("rbac.authorization.k8s.io", "v1", "ClusterRole") => rbac::ClusterRole,
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding") => rbac::ClusterRoleBinding,
    ("rbac.authorization.k8s.io", "v1", "Role") => rbac::Role,
    ("rbac.authorization.k8s.io", "v1", "RoleBinding") => rbac::RoleBinding,
    ("scheduling.k8s.io", "v1", "PriorityClass") => scheduling::PriorityClass,
    ("storage.k8s.io", "v1", "StorageClass") => storage::StorageClass,
}

/// Decodes `object` as the type of `kind`. An object that does not fit the type (a string where
/// a number belongs, ...) is an error, as upstream's "cannot be handled as a ..." 400.
pub fn decode(group: &str, version: &str, kind: &str, object: &Value) -> Result<Decoded, String> {
    let Some(result) = typed_round_trip(group, version, kind, object) else {
        return Ok(Decoded {
            object: object.clone(),
            unknown_fields: Vec::new(),
        });
    };
    let mut typed = result.map_err(|e| {
        format!("{kind} in version \"{version}\" cannot be handled as a {kind}: {e}")
    })?;
    let mut unknown_fields = Vec::new();
    collect_unknown(object, &typed, &mut String::new(), &mut unknown_fields);
    // Keep what the type keeps, in the order the client sent it where possible.
    keep_client_order(object, &mut typed);
    Ok(Decoded {
        object: typed,
        unknown_fields,
    })
}

/// Paths of fields with a value in `sent` that the typed round trip `kept` does not have.
/// `path` is where `sent` is (`spec.containers[0]`); it is left as it was found.
fn collect_unknown(sent: &Value, kept: &Value, path: &mut String, out: &mut Vec<String>) {
    let at = path.len();
    match (sent, kept) {
        (Value::Object(sent), Value::Object(kept)) => {
            for (key, value) in sent {
                if at > 0 {
                    path.push('.');
                }
                path.push_str(key);
                match kept.get(key) {
                    Some(kept_value) => collect_unknown(value, kept_value, path, out),
                    None if is_empty(value) => {}
                    None => out.push(path.clone()),
                }
                path.truncate(at);
            }
        }
        (Value::Array(sent), Value::Array(kept)) if sent.len() == kept.len() => {
            for (index, (sent, kept)) in sent.iter().zip(kept).enumerate() {
                if sent.is_object() || sent.is_array() {
                    use std::fmt::Write;
                    let _ = write!(path, "[{index}]");
                    collect_unknown(sent, kept, path, out);
                    path.truncate(at);
                }
            }
        }
        _ => {}
    }
}

/// Values a typed round trip may legitimately drop: null, and empty objects/lists/strings that
/// stand for unset optional fields.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.values().all(is_empty),
        Value::Array(list) => list.is_empty(),
        _ => false,
    }
}

/// Reorders map keys of `typed` to follow `sent`; values stay as the type made them.
fn keep_client_order(sent: &Value, typed: &mut Value) {
    // Sorted maps come out of the round trip in the only order they have.
    if !maps_preserve_order() {
        return;
    }
    if let (Value::Object(sent), Value::Object(typed)) = (sent, &mut *typed) {
        let mut ordered = serde_json::Map::new();
        for key in sent.keys() {
            if let Some(mut value) = typed.remove(key) {
                keep_client_order(&sent[key], &mut value);
                ordered.insert(key.clone(), value);
            }
        }
        ordered.append(typed);
        *typed = ordered;
    } else if let (Value::Array(sent), Value::Array(typed)) = (sent, typed) {
        for (sent, typed) in sent.iter().zip(typed.iter_mut()) {
            keep_client_order(sent, typed);
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unknown_fields_are_found_and_dropped() {
        let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "bogus": 1},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}}, "replica": 3,
                "template": {"spec": {"containers": [{"name": "c", "image": "i", "imagee": "x"}]}}}});
        let decoded = decode("apps", "v1", "Deployment", &deployment).unwrap();
        assert_eq!(
            decoded.unknown_fields,
            [
                "metadata.bogus",
                "spec.replica",
                "spec.template.spec.containers[0].imagee"
            ]
        );
        assert!(decoded.object["spec"].get("replica").is_none());
        assert_eq!(decoded.object["spec"]["replicas"], 2);
    }

    #[test]
    fn wrong_types_are_errors() {
        let bad = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"},
            "data": {"a": 1}});
        let error = decode("", "v1", "ConfigMap", &bad).err().unwrap();
        assert!(
            error.starts_with("ConfigMap in version \"v1\" cannot be handled as a ConfigMap"),
            "{error}"
        );
    }

    #[test]
    fn nulls_and_empty_values_are_not_unknown() {
        let map = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "x", "labels": null, "annotations": {}}, "data": {"a": "b"}});
        let decoded = decode("", "v1", "ConfigMap", &map).unwrap();
        assert!(
            decoded.unknown_fields.is_empty(),
            "{:?}",
            decoded.unknown_fields
        );
    }
}
