//! The one generic store behind every resource, as upstream's
//! `k8s.io/apiserver/pkg/registry/generic/registry/store.go`: create, get, update (with the
//! spec/status split), guarded updates for patches, and deletion with finalizers, over the
//! storage contract. Lists and watches live in [`super::list`] and [`super::watch`].
//!
//! Objects are stored as JSON without `metadata.resourceVersion`; it is set from the storage
//! revision on every read, as upstream does.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use super::conversion;
use super::defaults::apply_defaults;
use super::object::{
    ObjectMeta, metadata_mut, name_suffix, new_uid, now_rfc3339, parse_resource_version,
    set_resource_version,
};
use super::resources::ResourceInfo;
use super::strategy::{GenericStrategy, Strategy};
use super::validation::{NameRule, validate_name};
use super::validation_rules;
use crate::endpoints::status::{ApiError, FieldError};
use crate::storage::{self, KeyValue, Storage};

/// How many times a guarded update is retried after losing a race.
const UPDATE_RETRIES: usize = 16;

pub struct Store {
    pub(super) storage: Arc<dyn Storage>,
    pub(super) info: &'static ResourceInfo,
    pub(super) strategy: Box<dyn Strategy>,
    pub(super) generic: GenericStrategy,
}

/// Which part of an object an update may change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UpdateScope {
    /// The main resource: status changes are ignored (for resources with a status).
    Main,
    /// The `status` subresource: only status (and labels/annotations) change.
    Status,
    /// Server-internal updates (binding): everything the change computes is kept.
    Whole,
}

impl UpdateScope {
    /// The scope of a request on `subresource` ("" or "status").
    pub fn for_status(status: bool) -> Self {
        if status {
            UpdateScope::Status
        } else {
            UpdateScope::Main
        }
    }
}

/// Options every write takes.
#[derive(Clone, Copy, Debug, Default)]
pub struct WriteOptions {
    /// `dryRun=All`: validate and answer, store nothing.
    pub dry_run: bool,
}

impl Store {
    pub fn new(
        storage: Arc<dyn Storage>,
        info: &'static ResourceInfo,
        strategy: Box<dyn Strategy>,
    ) -> Self {
        Store {
            storage,
            info,
            strategy,
            generic: GenericStrategy::for_resource(info),
        }
    }

    pub fn info(&self) -> &'static ResourceInfo {
        self.info
    }

    /// The qualified resource upstream names in messages: `pods`, `deployments.apps`.
    pub fn qualified_resource(&self) -> String {
        self.info.qualified_resource()
    }

    /// The qualified kind upstream names in validation messages: `Pod`, `Deployment.apps`.
    pub fn qualified_kind(&self) -> String {
        self.info.qualified_kind()
    }

    fn key(&self, namespace: Option<&str>, name: &str) -> String {
        self.info.storage_key(namespace, name)
    }

    pub(super) fn decode(&self, kv: &KeyValue) -> Result<Value, ApiError> {
        let mut object: Value = serde_json::from_slice(&kv.value).map_err(|e| {
            ApiError::internal(
                "a stored object could not be decoded",
                format!("stored object {} is not JSON: {e}", kv.key),
            )
        })?;
        set_resource_version(&mut object, kv.mod_revision);
        Ok(conversion::from_storage(self.info, object))
    }

    fn encode(&self, object: &Value) -> Result<Bytes, ApiError> {
        let mut stored = conversion::to_storage(self.info, object.clone());
        metadata_mut(&mut stored).remove("resourceVersion");
        serde_json::to_vec(&stored)
            .map(Bytes::from)
            .map_err(|e| ApiError::internal("cannot encode the object", e.to_string()))
    }

    pub(super) fn storage_error(&self, name: &str, error: storage::Error) -> ApiError {
        ApiError::from_storage(&self.qualified_resource(), name, error)
    }

    fn invalid(&self, name: &str, causes: Vec<FieldError>) -> ApiError {
        ApiError::invalid(self.qualified_kind(), name, causes)
    }

    /// Checks that the namespace of a namespaced create exists and is not terminating, as
    /// upstream's NamespaceLifecycle admission does.
    async fn check_namespace(&self, namespace: &str) -> Result<(), ApiError> {
        let key = format!("/registry/namespaces/{namespace}");
        let found = self
            .storage
            .get(&key, None)
            .await
            .map_err(|e| self.storage_error(namespace, e))?;
        let Some(kv) = found.kv else {
            return Err(ApiError::not_found("namespaces", namespace));
        };
        let namespace_object: Value = serde_json::from_slice(&kv.value).unwrap_or(Value::Null);
        let terminating = namespace_object
            .get("status")
            .and_then(|s| s.get("phase"))
            .and_then(Value::as_str)
            == Some("Terminating")
            || namespace_object
                .get("metadata")
                .and_then(|m| m.get("deletionTimestamp"))
                .is_some();
        if terminating {
            return Err(ApiError::forbidden_namespace_terminating(
                &self.qualified_resource(),
                namespace,
            ));
        }
        Ok(())
    }

    /// Creates an object. `namespace` comes from the URL; the body must agree with it.
    pub async fn create(
        &self,
        namespace: Option<&str>,
        mut object: Value,
        options: WriteOptions,
    ) -> Result<Value, ApiError> {
        let metadata = metadata_mut(&mut object);
        let name = match metadata.get("name").and_then(Value::as_str) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => match metadata.get("generateName").and_then(Value::as_str) {
                Some(base) if !base.is_empty() => format!("{base}{}", name_suffix()),
                _ => {
                    return Err(self.invalid(
                        "",
                        vec![FieldError::required(
                            "metadata.name",
                            "name or generateName is required",
                        )],
                    ));
                }
            },
        };
        metadata.insert("name".into(), Value::String(name.clone()));
        if let Some(namespace) = namespace {
            metadata.insert("namespace".into(), Value::String(namespace.to_owned()));
        } else {
            metadata.remove("namespace");
        }
        metadata.insert("uid".into(), Value::String(new_uid()));
        metadata.insert("creationTimestamp".into(), Value::String(now_rfc3339()));
        metadata.remove("resourceVersion");
        self.generic.prepare_for_create(&mut object);
        self.strategy.prepare_for_create(&mut object);
        apply_defaults(self.info.group, self.info.kind, &mut object);
        let mut causes = validate_name(
            &name,
            NameRule::for_resource(self.info.group, self.info.plural),
        );
        causes.extend(validation_rules::validate(
            self.info.group,
            self.info.kind,
            &object,
        ));
        causes.extend(self.strategy.validate(&object));
        if !causes.is_empty() {
            return Err(self.invalid(&name, causes));
        }
        if let Some(namespace) = namespace {
            self.check_namespace(namespace).await?;
        }
        if options.dry_run {
            return Ok(object);
        }
        let key = self.key(namespace, &name);
        self.strategy
            .allocate(self.storage.as_ref(), &mut object)
            .await?;
        let stored = match self.storage.create(&key, self.encode(&object)?, 0).await {
            Ok(stored) => stored,
            Err(e) => {
                self.strategy.release(self.storage.as_ref(), &object).await;
                return Err(self.storage_error(&name, e));
            }
        };
        set_resource_version(&mut object, stored.mod_revision);
        Ok(object)
    }

    pub async fn get(&self, namespace: Option<&str>, name: &str) -> Result<Value, ApiError> {
        let found = self
            .storage
            .get(&self.key(namespace, name), None)
            .await
            .map_err(|e| self.storage_error(name, e))?;
        match found.kv {
            Some(kv) => self.decode(&kv),
            None => Err(ApiError::not_found(self.qualified_resource(), name)),
        }
    }

    /// Replaces an object (PUT). With `metadata.resourceVersion` set the update is guarded by
    /// it; without, it applies to whatever is stored, as upstream allows for most resources.
    pub async fn update(
        &self,
        namespace: Option<&str>,
        name: &str,
        object: Value,
        scope: UpdateScope,
        options: WriteOptions,
    ) -> Result<Value, ApiError> {
        let expected = match object.resource_version() {
            Some(rv) => parse_resource_version(rv).map_err(ApiError::bad_request)?,
            None => None,
        };
        self.update_with(namespace, name, scope, options, move |current| {
            if let Some(expected) = expected
                && current.resource_version() != Some(expected.to_string().as_str())
            {
                return Err(ApiError::conflict_modified(self.qualified_resource(), name));
            }
            Ok(object.clone())
        })
        .await
    }

    /// The guarded read-modify-write loop behind updates and patches: reads the object, lets
    /// `change` compute the new one, and retries if the object moved in between.
    pub async fn update_with<F>(
        &self,
        namespace: Option<&str>,
        name: &str,
        scope: UpdateScope,
        options: WriteOptions,
        mut change: F,
    ) -> Result<Value, ApiError>
    where
        F: FnMut(&Value) -> Result<Value, ApiError> + Send,
    {
        let key = self.key(namespace, name);
        let mut current = self
            .storage
            .get(&key, None)
            .await
            .map_err(|e| self.storage_error(name, e))?
            .kv
            .ok_or_else(|| ApiError::not_found(self.qualified_resource(), name))?;
        for _ in 0..UPDATE_RETRIES {
            let old = self.decode(&current)?;
            let mut new = change(&old)?;
            self.check_identity(&mut new, namespace, name)?;
            match scope {
                UpdateScope::Status => self.generic.prepare_for_status_update(&mut new, &old),
                UpdateScope::Main => {
                    self.generic.prepare_for_update(&mut new, &old);
                    self.strategy.prepare_for_update(&mut new, &old);
                }
                UpdateScope::Whole => {
                    let status = new.get("status").cloned();
                    self.generic.prepare_for_update(&mut new, &old);
                    if let (Some(status), Some(fields)) = (status, new.as_object_mut()) {
                        fields.insert("status".into(), status);
                    }
                }
            }
            apply_defaults(self.info.group, self.info.kind, &mut new);
            // The main resource gets the update rules (which include the object's own); status
            // writes only the object's own rules.
            let (group, kind) = (self.info.group, self.info.kind);
            let mut causes = match scope {
                UpdateScope::Main => validation_rules::validate_update(group, kind, &new, &old),
                _ => validation_rules::validate(group, kind, &new),
            };
            causes.extend(self.strategy.validate(&new));
            causes.extend(self.strategy.validate_update(&new, &old));
            if !causes.is_empty() {
                return Err(self.invalid(name, causes));
            }
            if options.dry_run {
                return Ok(new);
            }
            // An object being deleted goes away once its last finalizer is removed.
            if is_deleting(&new) && finalizers(&new).is_empty() {
                return match self.storage.delete(&key, Some(current.mod_revision)).await {
                    Ok(_) => {
                        self.strategy.release(self.storage.as_ref(), &new).await;
                        Ok(new)
                    }
                    Err(storage::Error::Conflict { current: now, .. }) => {
                        current = *now;
                        continue;
                    }
                    Err(e) => Err(self.storage_error(name, e)),
                };
            }
            match self
                .storage
                .update(&key, self.encode(&new)?, current.mod_revision, 0)
                .await
            {
                Ok(stored) => {
                    set_resource_version(&mut new, stored.mod_revision);
                    return Ok(new);
                }
                Err(storage::Error::Conflict { current: now, .. }) => current = *now,
                Err(e) => return Err(self.storage_error(name, e)),
            }
        }
        Err(ApiError::conflict_modified(self.qualified_resource(), name))
    }

    /// The body's name and namespace must match the URL's; missing ones are filled in.
    fn check_identity(
        &self,
        object: &mut Value,
        namespace: Option<&str>,
        name: &str,
    ) -> Result<(), ApiError> {
        match object.name() {
            Some(body) if body != name => {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({body}) does not match the name on the URL ({name})"
                )));
            }
            Some(_) => {}
            None => {
                metadata_mut(object).insert("name".into(), Value::String(name.into()));
            }
        }
        if let Some(namespace) = namespace {
            match object.namespace() {
                Some(body) if !body.is_empty() && body != namespace => {
                    return Err(ApiError::bad_request(
                        "the namespace of the provided object does not match the namespace sent on the request",
                    ));
                }
                _ => {
                    metadata_mut(object)
                        .insert("namespace".into(), Value::String(namespace.into()));
                }
            }
        }
        Ok(())
    }

    /// Deletes an object. With finalizers it is only marked (`deletionTimestamp`) and stays
    /// until they are removed. `precondition_uid`/`precondition_rv` guard the deletion.
    pub async fn delete(
        &self,
        namespace: Option<&str>,
        name: &str,
        precondition_uid: Option<&str>,
        precondition_rv: Option<&str>,
        grace_period: Option<i64>,
        options: WriteOptions,
    ) -> Result<Value, ApiError> {
        let key = self.key(namespace, name);
        for _ in 0..UPDATE_RETRIES {
            let kv = self
                .storage
                .get(&key, None)
                .await
                .map_err(|e| self.storage_error(name, e))?
                .kv
                .ok_or_else(|| ApiError::not_found(self.qualified_resource(), name))?;
            let mut object = self.decode(&kv)?;
            if let Some(uid) = precondition_uid
                && object.uid() != Some(uid)
            {
                return Err(ApiError::conflict_precondition(
                    &self.qualified_resource(),
                    name,
                    &format!(
                        "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                        object.uid().unwrap_or_default()
                    ),
                ));
            }
            if let Some(rv) = precondition_rv
                && object.resource_version() != Some(rv)
            {
                return Err(ApiError::conflict_precondition(
                    &self.qualified_resource(),
                    name,
                    &format!(
                        "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                        object.resource_version().unwrap_or_default()
                    ),
                ));
            }
            if options.dry_run {
                return Ok(object);
            }
            let grace = self.strategy.deletion_grace(&object, grace_period);
            if !finalizers(&object).is_empty() || grace.is_some() {
                let current_grace = object["metadata"]["deletionGracePeriodSeconds"].as_i64();
                let shorter = matches!((grace, current_grace), (Some(new), Some(old)) if new < old);
                if is_deleting(&object) && !shorter {
                    return Ok(object);
                }
                let grace = grace.unwrap_or(0);
                let at = jiff::Timestamp::now()
                    .checked_add(jiff::SignedDuration::from_secs(grace))
                    .unwrap_or_else(|_| jiff::Timestamp::now());
                metadata_mut(&mut object).insert(
                    "deletionTimestamp".into(),
                    Value::String(at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
                );
                metadata_mut(&mut object).insert("deletionGracePeriodSeconds".into(), grace.into());
                match self
                    .storage
                    .update(&key, self.encode(&object)?, kv.mod_revision, 0)
                    .await
                {
                    Ok(stored) => {
                        set_resource_version(&mut object, stored.mod_revision);
                        return Ok(object);
                    }
                    Err(storage::Error::Conflict { .. }) => continue,
                    Err(e) => return Err(self.storage_error(name, e)),
                }
            }
            match self.storage.delete(&key, Some(kv.mod_revision)).await {
                Ok(_) => {
                    self.strategy.release(self.storage.as_ref(), &object).await;
                    return Ok(object);
                }
                Err(storage::Error::Conflict { .. }) => continue,
                Err(e) => return Err(self.storage_error(name, e)),
            }
        }
        Err(ApiError::conflict_modified(self.qualified_resource(), name))
    }
}

fn finalizers(object: &Value) -> Vec<&str> {
    object
        .get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn is_deleting(object: &Value) -> bool {
    object
        .get("metadata")
        .and_then(|m| m.get("deletionTimestamp"))
        .is_some_and(|t| !t.is_null())
}
