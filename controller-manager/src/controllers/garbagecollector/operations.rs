//! The garbage collector's calls to the API server on any resource (upstream's
//! `operations.go` and `patch.go`): get, delete with a uid precondition and a propagation
//! policy, and JSON merge patches (guarded by `resourceVersion`) that drop owner references,
//! unblock them, or remove a finalizer.

use std::sync::{Arc, RwLock};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};
use kube::Client;
use kube::api::{
    Api, DeleteParams, DynamicObject, Patch, PatchParams, Preconditions, PropagationPolicy,
};
use kube::discovery::ApiResource;
use serde_json::json;

use super::graph::Identity;
use super::resources::RestMapper;
use crate::controller::{self, Error, Result};

/// How often a read-modify-write is retried on conflicts (client-go's `DefaultBackoff`).
const CONFLICT_RETRIES: usize = 4;

/// API access for the garbage collector, resolving kinds through the latest discovery.
#[derive(Clone)]
pub struct Operations {
    client: Client,
    mapper: Arc<RwLock<RestMapper>>,
}

impl Operations {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            mapper: Arc::default(),
        }
    }

    /// Replaces the kinds known (after a discovery).
    pub fn set_mapper(&self, mapper: RestMapper) {
        *self.mapper.write().unwrap_or_else(|e| e.into_inner()) = mapper;
    }

    /// The resource of `api_version`/`kind` and whether it is namespaced.
    pub fn resource(&self, api_version: &str, kind: &str) -> Result<(ApiResource, bool)> {
        self.mapper
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .resource(api_version, kind)
            .ok_or_else(|| {
                Error::Other(format!(
                    "unable to get REST mapping for {api_version}/{kind}"
                ))
            })
    }

    /// The API of the object `identity` names.
    fn api(&self, identity: &Identity) -> Result<Api<DynamicObject>> {
        self.api_in(&identity.api_version, &identity.kind, &identity.namespace)
    }

    /// The API of `kind` objects in `namespace` (ignored when the kind is cluster-scoped).
    pub fn api_in(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
    ) -> Result<Api<DynamicObject>> {
        let (resource, namespaced) = self.resource(api_version, kind)?;
        Ok(if namespaced {
            Api::namespaced_with(self.client.clone(), namespace, &resource)
        } else {
            Api::all_with(self.client.clone(), &resource)
        })
    }

    /// The metadata of the object `identity` names by name (whatever its uid), if it exists.
    pub async fn get(&self, identity: &Identity) -> Result<Option<ObjectMeta>> {
        Ok(self
            .api(identity)?
            .get_opt(&identity.name)
            .await?
            .map(|object| object.metadata))
    }

    /// Deletes the object with a uid (and, when given, resourceVersion) precondition; a
    /// conflict on the resourceVersion alone, with owner references unchanged, is retried
    /// with the uid only (upstream's `deleteObject`).
    pub async fn delete(
        &self,
        identity: &Identity,
        resource_version: Option<&str>,
        owners_at_version: &[OwnerReference],
        policy: PropagationPolicy,
    ) -> Result<()> {
        let api = self.api(identity)?;
        let params = |resource_version: Option<&str>| DeleteParams {
            propagation_policy: Some(policy.clone()),
            preconditions: Some(Preconditions {
                uid: Some(identity.uid.clone()),
                resource_version: resource_version.map(str::to_owned),
            }),
            ..DeleteParams::default()
        };
        let error = match api.delete(&identity.name, &params(resource_version)).await {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        if !controller::is_conflict(&error) || resource_version.is_none() {
            return Err(error.into());
        }
        match api.get_opt(&identity.name).await? {
            None => Ok(()),
            Some(live)
                if live.metadata.uid.as_deref() == Some(identity.uid.as_str())
                    && live.metadata.resource_version.as_deref() != resource_version
                    && live
                        .metadata
                        .owner_references
                        .as_deref()
                        .unwrap_or_default()
                        == owners_at_version =>
            {
                api.delete(&identity.name, &params(None)).await?;
                Ok(())
            }
            Some(_) => Err(error.into()),
        }
    }

    /// Rewrites the object's owner references with `change` (a JSON merge patch guarded by
    /// resourceVersion, retried on conflicts); nothing when the object is gone, its uid
    /// changed, or nothing changes.
    async fn update_owner_references(
        &self,
        identity: &Identity,
        change: impl Fn(&[OwnerReference]) -> Vec<OwnerReference>,
    ) -> Result<()> {
        let api = self.api(identity)?;
        for _ in 0..CONFLICT_RETRIES {
            let Some(object) = api.get_opt(&identity.name).await? else {
                return Ok(());
            };
            if object.metadata.uid.as_deref() != Some(identity.uid.as_str()) {
                return Ok(());
            }
            let current = object.metadata.owner_references.unwrap_or_default();
            let wanted = change(&current);
            if wanted == current {
                return Ok(());
            }
            let patch = json!({"metadata": {
                "resourceVersion": object.metadata.resource_version,
                "ownerReferences": wanted,
            }});
            match api
                .patch(
                    &identity.name,
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await
            {
                Ok(_) => return Ok(()),
                Err(error) if controller::is_conflict(&error) => continue,
                Err(error) if controller::is_not_found(&error) => return Ok(()),
                Err(error) => return Err(error.into()),
            }
        }
        Err(Error::Other(format!(
            "updating the owner references of {identity} kept conflicting"
        )))
    }

    /// Removes the references to `owners` (by uid) from the object.
    pub async fn remove_owner_references(
        &self,
        identity: &Identity,
        owners: &[String],
    ) -> Result<()> {
        self.update_owner_references(identity, |current| {
            current
                .iter()
                .filter(|r| !owners.contains(&r.uid))
                .cloned()
                .collect()
        })
        .await
    }

    /// Sets `blockOwnerDeletion: false` on every blocking reference of the object.
    pub async fn unblock_owner_references(&self, identity: &Identity) -> Result<()> {
        self.update_owner_references(identity, |current| {
            current
                .iter()
                .cloned()
                .map(|mut r| {
                    if r.block_owner_deletion == Some(true) {
                        r.block_owner_deletion = Some(false);
                    }
                    r
                })
                .collect()
        })
        .await
    }

    /// Removes `finalizer` from the object (upstream's `removeFinalizer`).
    pub async fn remove_finalizer(&self, identity: &Identity, finalizer: &str) -> Result<()> {
        let api = self.api(identity)?;
        for _ in 0..CONFLICT_RETRIES {
            let Some(object) = api.get_opt(&identity.name).await? else {
                return Ok(());
            };
            let finalizers = object.metadata.finalizers.unwrap_or_default();
            if !finalizers.iter().any(|f| f == finalizer) {
                return Ok(());
            }
            let remaining: Vec<&String> = finalizers.iter().filter(|f| *f != finalizer).collect();
            let patch = json!({"metadata": {
                "resourceVersion": object.metadata.resource_version,
                "finalizers": remaining,
            }});
            match api
                .patch(
                    &identity.name,
                    &PatchParams::default(),
                    &Patch::Merge(&patch),
                )
                .await
            {
                Ok(_) => return Ok(()),
                Err(error) if controller::is_conflict(&error) => continue,
                Err(error) if controller::is_not_found(&error) => return Ok(()),
                Err(error) => return Err(error.into()),
            }
        }
        Err(Error::Other(format!(
            "updateMaxRetries({CONFLICT_RETRIES}) has reached. The garbage collector will retry later for owner {identity}"
        )))
    }
}
