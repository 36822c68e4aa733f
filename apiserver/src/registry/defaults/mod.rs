//! Scheme defaulting: the `SetDefaults_*` functions of upstream Kubernetes 1.34, ported to
//! `serde_json::Value` objects.
//!
//! Upstream runs the generated `SetObjectDefaults_<Kind>` functions on every object decoded
//! from a request body (create, update, patch results) and also on every object decoded from
//! storage. [`apply_defaults`] is the single entry point; it only fills fields that are unset
//! in the Go sense (see `json.rs`), never overwrites a set field (except where upstream does,
//! e.g. the namespace name label and Service `sessionAffinityConfig` for affinity `None`), and
//! leaves values of the wrong JSON type alone so that validation can report them.
//!
//! Only feature gates that are on by default in 1.34 are honoured.
//!
//! | group | file | upstream |
//! |---|---|---|
//! | `""` | `core.rs` | pkg/apis/core/v1/defaults.go |
//! | `apps` | `apps.rs` | pkg/apis/apps/v1/defaults.go |
//! | `batch` | `batch.rs` | pkg/apis/batch/v1/defaults.go |
//! | `networking.k8s.io` | `networking.rs` | pkg/apis/networking/v1/defaults.go |
//! | `rbac.authorization.k8s.io` | `rbac.rs` | pkg/apis/rbac/v1/defaults.go |
//! | `storage.k8s.io` | `storage.rs` | pkg/apis/storage/v1/defaults.go |
//! | `scheduling.k8s.io` | `scheduling.rs` | pkg/apis/scheduling/v1/defaults.go |
//! | `autoscaling` | `autoscaling.rs` | pkg/apis/autoscaling/{v1,v2}/defaults.go |
//! | `discovery.k8s.io` | `discovery.rs` | pkg/apis/discovery/v1/defaults.go |
//!
//! `policy` (PodDisruptionBudget, Eviction) and `coordination.k8s.io` (Lease) have no
//! defaulting functions upstream, so they are accepted and left untouched.
//!
//! Not ported: `SetDefaults_ResourceList` (rounding quantities up to milli precision), the
//! pod-level resources defaults of the PodLevelResources gate (`defaultPodRequests`,
//! `defaultPodLimits`, `defaultHugePagePodLimits`; they need quantity arithmetic) and the
//! groups not listed above (admissionregistration, apiextensions, flowcontrol, resource,
//! certificates, ...).

mod apps;
mod autoscaling;
mod batch;
mod core;
mod discovery;
mod image;
mod json;
mod networking;
mod rbac;
mod scheduling;
mod storage;

#[cfg(test)]
mod tests;

use serde_json::Value;

/// Applies the upstream defaults of `group`/`kind` to `object` in place.
///
/// `group` is the API group (`""` for core), `kind` the object kind. A `<Kind>List` applies
/// the defaults of `<Kind>` to each element of `items`, like `SetObjectDefaults_<Kind>List`.
/// Unknown groups or kinds, and objects that are not JSON objects, are left unchanged. The
/// function never panics.
pub fn apply_defaults(group: &str, kind: &str, object: &mut Value) {
    let Some(obj) = object.as_object_mut() else {
        return;
    };
    if let Some(item_kind) = kind.strip_suffix("List") {
        if let Some(Value::Array(items)) = obj.get_mut("items") {
            for item in items {
                apply_defaults(group, item_kind, item);
            }
        }
        return;
    }
    match group {
        "" => core::apply(kind, obj),
        "apps" => apps::apply(kind, obj),
        "batch" => batch::apply(kind, obj),
        "networking.k8s.io" => networking::apply(kind, obj),
        "rbac.authorization.k8s.io" => rbac::apply(kind, obj),
        "storage.k8s.io" => storage::apply(kind, obj),
        "scheduling.k8s.io" => scheduling::apply(kind, obj),
        "autoscaling" => autoscaling::apply(kind, obj),
        "discovery.k8s.io" => discovery::apply(kind, obj),
        _ => {}
    }
}
