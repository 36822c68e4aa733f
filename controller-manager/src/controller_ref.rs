//! Controller references (`metadata.ownerReferences` with `controller: true`) and what
//! upstream's `ControllerRefManager` does with them: adopt orphans that match a selector,
//! release owned objects that no longer match, leave objects owned by others alone.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use kube::api::{Api, Patch, PatchParams};
use kube::{Resource, ResourceExt};
use serde::de::DeserializeOwned;
use serde_json::json;

use crate::controller::{self, Result};

/// The controller reference of `object`, if any.
pub fn controller_of<K: Resource>(object: &K) -> Option<&OwnerReference> {
    object
        .meta()
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

/// A controller reference to `owner` (blockOwnerDeletion as upstream's controllers set it).
pub fn controller_ref<K: Resource<DynamicType = ()>>(owner: &K) -> OwnerReference {
    let meta = owner.meta();
    OwnerReference {
        api_version: K::api_version(&()).into_owned(),
        kind: K::kind(&()).into_owned(),
        name: meta.name.clone().unwrap_or_default(),
        uid: meta.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Whether `object` is controlled by the owner with `uid`.
pub fn is_controlled_by<K: Resource>(object: &K, uid: &str) -> bool {
    controller_of(object).is_some_and(|r| r.uid == uid)
}

/// What [`claim`] decided for one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Ours, and matching: keep.
    Owned,
    /// An orphan matching the selector: adopt it.
    Adopt,
    /// Ours but no longer matching: release it.
    Release,
    /// Not ours.
    Ignore,
}

/// Upstream's claim rules for one object, given whether it matches the owner's selector and
/// whether the owner may adopt (it is not being deleted). Objects being deleted are neither
/// adopted nor released.
pub fn claim<K: Resource>(object: &K, owner_uid: &str, matches: bool, can_adopt: bool) -> Claim {
    let deleting = object.meta().deletion_timestamp.is_some();
    match controller_of(object) {
        Some(r) if r.uid == owner_uid => {
            if matches {
                Claim::Owned
            } else if !deleting && can_adopt {
                Claim::Release
            } else {
                Claim::Owned
            }
        }
        Some(_) => Claim::Ignore,
        None if matches && !deleting && can_adopt => Claim::Adopt,
        None => Claim::Ignore,
    }
}

/// Adopts `object` (adds `owner_ref`), guarded by the object's uid as upstream's patch is.
pub async fn adopt<K>(api: &Api<K>, object: &K, owner_ref: &OwnerReference) -> Result<Option<K>>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    let patch = json!({
        "metadata": {
            "ownerReferences": [owner_ref],
            "uid": object.meta().uid,
        }
    });
    patch_object(api, object, &patch).await
}

/// Releases `object` (removes the reference to `owner_uid`), guarded by the object's uid.
pub async fn release<K>(api: &Api<K>, object: &K, owner_uid: &str) -> Result<Option<K>>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    let patch = json!({
        "metadata": {
            "ownerReferences": [{"$patch": "delete", "uid": owner_uid}],
            "uid": object.meta().uid,
        }
    });
    patch_object(api, object, &patch).await
}

/// A strategic merge patch of `object`; `None` when the object is gone (or replaced by one
/// with another uid), which upstream also ignores.
async fn patch_object<K>(api: &Api<K>, object: &K, patch: &serde_json::Value) -> Result<Option<K>>
where
    K: Resource + Clone + DeserializeOwned + std::fmt::Debug,
{
    match api
        .patch(
            &object.name_any(),
            &PatchParams::default(),
            &Patch::Strategic(patch),
        )
        .await
    {
        Ok(patched) => Ok(Some(patched)),
        Err(error) if controller::is_not_found(&error) => Ok(None),
        Err(kube::Error::Api(status)) if status.code == 422 || status.code == 409 => Ok(None),
        Err(error) => Err(error.into()),
    }
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::Pod;
    use serde_json::json;

    use super::*;

    fn pod(owner: Option<&str>, deleting: bool) -> Pod {
        let mut meta = json!({"name": "p", "uid": "pod-uid"});
        if let Some(uid) = owner {
            meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                "name": "rs", "uid": uid, "controller": true}]);
        }
        if deleting {
            meta["deletionTimestamp"] = json!("2026-01-01T00:00:00Z");
        }
        serde_json::from_value(json!({"metadata": meta})).expect("pod")
    }

    #[test]
    fn claims_follow_upstreams_rules() {
        assert_eq!(
            claim(&pod(Some("me"), false), "me", true, true),
            Claim::Owned
        );
        assert_eq!(
            claim(&pod(Some("me"), false), "me", false, true),
            Claim::Release
        );
        assert_eq!(
            claim(&pod(Some("me"), true), "me", false, true),
            Claim::Owned
        );
        assert_eq!(
            claim(&pod(Some("other"), false), "me", true, true),
            Claim::Ignore
        );
        assert_eq!(claim(&pod(None, false), "me", true, true), Claim::Adopt);
        assert_eq!(claim(&pod(None, false), "me", true, false), Claim::Ignore);
        assert_eq!(claim(&pod(None, true), "me", true, true), Claim::Ignore);
        assert_eq!(claim(&pod(None, false), "me", false, true), Claim::Ignore);
    }
}
