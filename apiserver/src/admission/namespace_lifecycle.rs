//! NamespaceLifecycle (`k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle`):
//!
//! - `default`, `kube-system` and `kube-public` may not be deleted;
//! - a create of anything namespaced (subresources such as `pods/eviction` and `pods/binding`
//!   included) needs its namespace to exist and not to be terminating.
//!
//! Upstream reads namespaces from an informer and falls back to a live read when the informer
//! does not have the namespace, or when this server admitted its deletion in the last 30 s;
//! here the namespaces' watch cache plays the informer ([`Namespaces`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::endpoints::status::{ApiError, StatusCause};
use crate::registry::object::ObjectMeta;
use crate::registry::resources::{self, ResourceInfo};
use crate::storage::Storage;

/// The namespaces the plugin never lets go (upstream's immortal namespaces).
pub const IMMORTAL_NAMESPACES: [&str; 3] = ["default", "kube-system", "kube-public"];

/// `v1.NamespaceTerminatingCause`, the cause type clients look for.
pub const NAMESPACE_TERMINATING_CAUSE: &str = "NamespaceTerminating";

/// Refuses the deletion of an immortal namespace.
pub fn admit_delete(info: &ResourceInfo, name: &str) -> Result<(), ApiError> {
    if is_namespaces(info) && IMMORTAL_NAMESPACES.contains(&name) {
        return Err(ApiError::namespace_may_not_be_deleted(name));
    }
    Ok(())
}

fn is_namespaces(info: &ResourceInfo) -> bool {
    info.group.is_empty() && info.kind == "Namespace"
}

/// The name admission reports for an object being created: its name, else its
/// `generateName` (names are not generated yet), else `Unknown`, as upstream's
/// `admission.NewForbidden`.
pub fn name_for_create(object: &Value) -> String {
    [object.name(), object.meta_str("generateName")]
        .into_iter()
        .flatten()
        .find(|name| !name.is_empty())
        .unwrap_or("Unknown")
        .to_owned()
}

/// How long after this server admitted the deletion of a namespace its cached state is not
/// trusted (upstream's `forceLiveLookupTTL`).
const FORCE_LIVE_LOOKUP: Duration = Duration::from_secs(30);

/// Where the plugin finds namespaces: their watch cache (or storage), with a live read for a
/// namespace the cache does not have and for one this server was asked to delete in the last
/// 30 s, whose deletion the cache may not have seen yet (upstream's `forceLiveLookupCache`).
pub struct Namespaces {
    storage: Arc<dyn Storage>,
    info: Option<&'static ResourceInfo>,
    deleted: Mutex<HashMap<String, Instant>>,
}

impl Namespaces {
    pub fn new(storage: Arc<dyn Storage>) -> Self {
        Namespaces {
            storage,
            info: resources::find("", "v1", "namespaces"),
            deleted: Mutex::new(HashMap::new()),
        }
    }

    /// Admits the deletion of `name` of `info` ([`admit_delete`]); for a namespace, notes it,
    /// so that creates in it read the namespace live for a while.
    pub fn admit_delete(&self, info: &ResourceInfo, name: &str) -> Result<(), ApiError> {
        admit_delete(info, name)?;
        if is_namespaces(info) {
            self.deleting(name);
        }
        Ok(())
    }

    /// Notes that the deletion of namespace `name` was admitted.
    pub fn deleting(&self, name: &str) {
        let mut deleted = self.deleted.lock().unwrap_or_else(|p| p.into_inner());
        deleted.retain(|_, at| at.elapsed() < FORCE_LIVE_LOOKUP);
        deleted.insert(name.to_owned(), Instant::now());
    }

    fn recently_deleted(&self, name: &str) -> bool {
        let deleted = self.deleted.lock().unwrap_or_else(|p| p.into_inner());
        deleted
            .get(name)
            .is_some_and(|at| at.elapsed() < FORCE_LIVE_LOOKUP)
    }

    /// Checks a create of `qualified_resource` (`pods`, `deployments.apps`) named `name` in
    /// `namespace`: 404 if the namespace does not exist, 403 with the `NamespaceTerminating`
    /// cause if it is being terminated.
    pub async fn admit_create(
        &self,
        qualified_resource: &str,
        namespace: &str,
        name: &str,
    ) -> Result<(), ApiError> {
        let key = self
            .info
            .map(|info| info.storage_key(None, namespace))
            .unwrap_or_else(|| format!("/registry/namespaces/{namespace}"));
        let cached = match self.recently_deleted(namespace) {
            true => None,
            false => self.storage.get_cached(&key),
        };
        let kv = match cached {
            Some(kv) => kv,
            None => self
                .storage
                .get(&key, None)
                .await
                .map_err(|e| ApiError::from_storage("namespaces", namespace, e))?
                .kv
                .ok_or_else(|| ApiError::not_found("namespaces", namespace))?,
        };
        let stored: Value = serde_json::from_slice(&kv.value).map_err(|e| {
            ApiError::internal(
                "a stored namespace could not be decoded",
                format!("{key}: {e}"),
            )
        })?;
        if stored["status"]["phase"] == "Terminating" {
            return Err(terminating(qualified_resource, namespace, name));
        }
        Ok(())
    }
}

/// The 403 for a create in a terminating namespace, with upstream's cause.
fn terminating(qualified_resource: &str, namespace: &str, name: &str) -> ApiError {
    ApiError::Forbidden {
        resource: qualified_resource.to_owned(),
        name: name.to_owned(),
        detail: format!(
            "unable to create new content in namespace {namespace} because it is being terminated"
        ),
        causes: vec![StatusCause::new(
            NAMESPACE_TERMINATING_CAUSE,
            &format!("namespace {namespace} is being terminated"),
            "metadata.namespace",
        )],
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn system_namespaces_may_not_be_deleted() {
        let namespaces = resources::find("", "v1", "namespaces").unwrap();
        let refused = admit_delete(namespaces, "kube-system").unwrap_err();
        assert_eq!(
            refused.to_status(),
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "namespaces \"kube-system\" is forbidden: this namespace may not be deleted",
                "reason": "Forbidden",
                "details": {"name": "kube-system", "kind": "namespaces"}, "code": 403})
        );
        assert!(admit_delete(namespaces, "kube-node-lease").is_ok());
        let pods = resources::find("", "v1", "pods").unwrap();
        assert!(admit_delete(pods, "default").is_ok());
    }

    #[test]
    fn creates_in_terminating_namespaces_are_refused_as_upstream() {
        let refused = terminating("deployments.apps", "gone", "web");
        assert_eq!(
            refused.to_status(),
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "deployments.apps \"web\" is forbidden: unable to create new content in namespace gone because it is being terminated",
                "reason": "Forbidden",
                "details": {"name": "web", "group": "apps", "kind": "deployments", "causes": [
                    {"reason": "NamespaceTerminating", "message": "namespace gone is being terminated",
                     "field": "metadata.namespace"}]},
                "code": 403})
        );
    }

    #[test]
    fn admission_names_the_object_before_name_generation() {
        assert_eq!(name_for_create(&json!({"metadata": {"name": "a"}})), "a");
        assert_eq!(
            name_for_create(&json!({"metadata": {"generateName": "web-"}})),
            "web-"
        );
        assert_eq!(name_for_create(&json!({})), "Unknown");
    }
}
