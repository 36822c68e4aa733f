//! The one generic store behind every resource, as upstream's
//! `k8s.io/apiserver/pkg/registry/generic/registry/store.go`: create, get, update (with the
//! spec/status split), and guarded updates for patches and subresources, over the storage
//! contract. Deletion lives in [`super::delete`], lists and watches in [`super::list`] and
//! [`super::watch`].
//!
//! Objects are stored as JSON without `metadata.resourceVersion`; it is set from the storage
//! revision on every read, as upstream does.

use std::sync::Arc;

use bytes::Bytes;
use serde_json::Value;

use super::conversion;
use super::defaults::apply_defaults;
use super::delete::{finalizers, is_deleting};
use super::fieldmanager::{self, ObjectSchema, schema_from_openapi_v3};
use super::object::{
    ObjectMeta, metadata_mut, name_suffix, new_uid, now_rfc3339, parse_resource_version,
    set_resource_version,
};
use super::resources::ResourceInfo;
use super::strategy::{GenericStrategy, Strategy};
use super::validation::{NameRule, validate_name};
use super::validation_rules;
use super::watch::RecentlyDecoded;
use crate::admission::namespace_lifecycle::{self, Namespaces};
use crate::apiextensions::ServedVersion;
use crate::apiextensions::strategy::CustomResourceStrategy;
use crate::endpoints::status::{ApiError, FieldError};
use crate::storage::{self, KeyValue, Storage};

/// How many times a guarded update is retried after losing a race.
pub(super) const UPDATE_RETRIES: usize = 16;

pub struct Store {
    pub(super) storage: Arc<dyn Storage>,
    pub(super) info: &'static ResourceInfo,
    pub(super) strategy: Box<dyn Strategy>,
    pub(super) generic: GenericStrategy,
    /// Objects this store's watchers decoded lately, shared among them.
    pub(super) recently_decoded: Arc<RecentlyDecoded>,
    /// Where NamespaceLifecycle looks namespaces up, shared by every store.
    pub(super) namespaces: Arc<Namespaces>,
    /// The definition and version of a custom resource.
    pub(super) custom: Option<Arc<ServedVersion>>,
    /// How field management walks this kind's objects.
    pub(super) managed_schema: ObjectSchema,
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
    /// A subresource whose strategy says what may change (`namespaces/finalize`,
    /// `pods/ephemeralcontainers`); status and server-set metadata stay as stored.
    Subresource(&'static str),
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
pub struct WriteOptions<'a> {
    /// `dryRun=All`: validate and answer, store nothing.
    pub dry_run: bool,
    /// The manager `metadata.managedFields` records this write under (an `Update`). `None`
    /// keeps the managed fields the change left (server-side apply computes its own).
    pub field_manager: Option<&'a str>,
}

impl Store {
    /// A store of `info` on `storage`; `namespaces` is where namespaces are looked up.
    pub fn new(
        storage: Arc<dyn Storage>,
        namespaces: Arc<Namespaces>,
        info: &'static ResourceInfo,
        strategy: Box<dyn Strategy>,
    ) -> Self {
        Store {
            storage,
            namespaces,
            info,
            strategy,
            generic: GenericStrategy::for_resource(info),
            recently_decoded: Arc::default(),
            custom: None,
            managed_schema: ObjectSchema::for_kind(info.group, info.version, info.kind),
        }
    }

    /// The store of one served version of a custom resource, on `storage`.
    pub fn new_custom(
        storage: Arc<dyn Storage>,
        namespaces: Arc<Namespaces>,
        custom: Arc<ServedVersion>,
    ) -> Self {
        let info = custom.info;
        let strategy = Box::new(CustomResourceStrategy::new(&custom));
        let mut store = Store::new(storage, namespaces, info, strategy);
        // Upstream counts generations of every custom resource, with a status or without.
        store.generic.tracks_generation = true;
        // Field management walks custom resources by their schema, or deduces it.
        store.set_managed_schema(match &custom.version.schema {
            Some(schema) => ObjectSchema::Owned(schema_from_openapi_v3(schema)),
            None => ObjectSchema::deduced(),
        });
        store.custom = Some(custom);
        store
    }

    /// The definition and version served, for a custom resource.
    pub fn custom(&self) -> Option<&Arc<ServedVersion>> {
        self.custom.as_ref()
    }

    /// How field management walks this kind's objects.
    pub fn managed_schema(&self) -> &ObjectSchema {
        &self.managed_schema
    }

    /// Replaces the schema field management walks objects with (custom resources).
    pub fn set_managed_schema(&mut self, schema: ObjectSchema) {
        self.managed_schema = schema;
    }

    /// Which top-level fields a write through `scope` may own.
    pub fn field_scope(&self, scope: UpdateScope) -> fieldmanager::Scope {
        match scope {
            UpdateScope::Status => fieldmanager::Scope::OnlyStatus,
            _ if self.info.has_status() => fieldmanager::Scope::NotStatus,
            _ => fieldmanager::Scope::All,
        }
    }

    /// Records a write by `manager` in `new`'s managedFields (`old`: `None` on create).
    fn track(
        &self,
        old: Option<&Value>,
        new: &mut Value,
        scope: UpdateScope,
        manager: &str,
        now: &str,
    ) {
        let subresource = match scope {
            UpdateScope::Main => "",
            UpdateScope::Status => "status",
            UpdateScope::Subresource(name) => name,
            UpdateScope::Whole => return,
        };
        let api_version = self.info.api_version();
        let writer = fieldmanager::Writer {
            manager,
            subresource,
            api_version: &api_version,
            scope: self.field_scope(scope),
            now,
        };
        fieldmanager::update(old, new, self.managed_schema.root(), &writer);
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

    /// The bytes to store for `object`. Its resourceVersion is removed: the store assigns it,
    /// and callers set it from the write's answer.
    pub(super) fn encode(&self, object: &mut Value) -> Result<Bytes, ApiError> {
        metadata_mut(object).remove("resourceVersion");
        let encoded = if conversion::converts(self.info) {
            serde_json::to_vec(&conversion::to_storage(self.info, object.clone()))
        } else {
            serde_json::to_vec(&*object)
        };
        encoded
            .map(Bytes::from)
            .map_err(|e| ApiError::internal("cannot encode the object", e.to_string()))
    }

    pub(super) fn storage_error(&self, name: &str, error: storage::Error) -> ApiError {
        ApiError::from_storage(&self.qualified_resource(), name, error)
    }

    fn invalid(&self, name: &str, causes: Vec<FieldError>) -> ApiError {
        ApiError::invalid(self.qualified_kind(), name, causes)
    }

    /// Creates an object. `namespace` comes from the URL; the body must agree with it.
    pub async fn create(
        &self,
        namespace: Option<&str>,
        mut object: Value,
        options: WriteOptions<'_>,
    ) -> Result<Value, ApiError> {
        // Admission sees the object before names are generated or anything is validated.
        let admitted_name = namespace_lifecycle::name_for_create(&object);
        if let Some(namespace) = namespace {
            self.admit_create(namespace, &admitted_name).await?;
        }
        self.strategy
            .admit_create(&self.qualified_resource(), &admitted_name, &mut object)
            .await?;
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
        let now = now_rfc3339();
        metadata.insert("creationTimestamp".into(), Value::String(now.clone()));
        metadata.remove("resourceVersion");
        self.generic.prepare_for_create(&mut object);
        self.strategy.prepare_for_create(&mut object);
        apply_defaults(self.info.group, self.info.kind, &mut object);
        if let Some(manager) = options.field_manager {
            self.track(None, &mut object, UpdateScope::Main, manager, &now);
        }
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
        if options.dry_run {
            return Ok(object);
        }
        let key = self.key(namespace, &name);
        self.strategy
            .allocate(self.storage.as_ref(), &mut object)
            .await?;
        let stored = match self
            .storage
            .create(&key, self.encode(&mut object)?, 0)
            .await
        {
            Ok(stored) => stored,
            Err(e) => {
                self.strategy.release(self.storage.as_ref(), &object).await;
                return Err(self.storage_error(&name, e));
            }
        };
        set_resource_version(&mut object, stored.mod_revision);
        Ok(object)
    }

    /// NamespaceLifecycle admission of a create named `name` in `namespace`, for creates that
    /// do not go through [`Store::create`] (`pods/eviction`, `pods/binding`).
    pub async fn admit_create(&self, namespace: &str, name: &str) -> Result<(), ApiError> {
        self.namespaces
            .admit_create(&self.qualified_resource(), namespace, name)
            .await
    }

    pub async fn get(&self, namespace: Option<&str>, name: &str) -> Result<Value, ApiError> {
        let kv = self.read_current(&self.key(namespace, name), name).await?;
        self.decode(&kv)
    }

    /// Replaces an object (PUT). With `metadata.resourceVersion` set the update is guarded by
    /// it; without, it applies to whatever is stored, as upstream allows for most resources.
    pub async fn update(
        &self,
        namespace: Option<&str>,
        name: &str,
        object: Value,
        scope: UpdateScope,
        options: WriteOptions<'_>,
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
        options: WriteOptions<'_>,
        mut change: F,
    ) -> Result<Value, ApiError>
    where
        F: FnMut(&Value) -> Result<Value, ApiError> + Send,
    {
        let key = self.key(namespace, name);
        // The first attempt may start from the watch cache's copy: the write below compares
        // revisions, and an attempt that fails on a stale copy is retried on a fresh read.
        let (mut current, mut fresh) = match self.storage.get_cached(&key) {
            Some(cached) if !options.dry_run => (cached, false),
            _ => (self.read_current(&key, name).await?, true),
        };
        for _ in 0..UPDATE_RETRIES {
            let attempt = self.updated(
                &current,
                (namespace, name),
                scope,
                options.field_manager,
                &mut change,
            );
            let mut new = match attempt {
                Ok(new) => new,
                Err(_) if !fresh => {
                    current = self.read_current(&key, name).await?;
                    fresh = true;
                    continue;
                }
                Err(e) => return Err(e),
            };
            if options.dry_run {
                return Ok(new);
            }
            // An object being deleted goes away once its last finalizer is removed.
            if is_deleting(&new)
                && finalizers(&new).is_empty()
                && !self.strategy.holds_deletion(&new)
            {
                return match self.storage.delete(&key, Some(current.mod_revision)).await {
                    Ok(_) => {
                        self.strategy.release(self.storage.as_ref(), &new).await;
                        Ok(new)
                    }
                    Err(storage::Error::Conflict { current: now, .. }) => {
                        (current, fresh) = (*now, true);
                        continue;
                    }
                    Err(e) => Err(self.storage_error(name, e)),
                };
            }
            let encoded = self.encode(&mut new)?;
            // Nothing changed: nothing is written, and the resourceVersion stays, as
            // upstream's GuaranteedUpdate skips a write of identical bytes.
            if encoded == current.value {
                set_resource_version(&mut new, current.mod_revision);
                return Ok(new);
            }
            match self
                .storage
                .update(&key, encoded, current.mod_revision, 0)
                .await
            {
                Ok(stored) => {
                    set_resource_version(&mut new, stored.mod_revision);
                    return Ok(new);
                }
                Err(storage::Error::Conflict { current: now, .. }) => {
                    (current, fresh) = (*now, true)
                }
                Err(e) => return Err(self.storage_error(name, e)),
            }
        }
        Err(ApiError::conflict_modified(self.qualified_resource(), name))
    }

    /// The stored value of `key`, read from storage.
    async fn read_current(&self, key: &str, name: &str) -> Result<KeyValue, ApiError> {
        self.storage
            .get(key, None)
            .await
            .map_err(|e| self.storage_error(name, e))?
            .kv
            .ok_or_else(|| ApiError::not_found(self.qualified_resource(), name))
    }

    /// One attempt of [`Store::update_with`]: the new object `change` makes of `current`,
    /// prepared, defaulted and validated.
    fn updated<F>(
        &self,
        current: &KeyValue,
        (namespace, name): (Option<&str>, &str),
        scope: UpdateScope,
        field_manager: Option<&str>,
        change: &mut F,
    ) -> Result<Value, ApiError>
    where
        F: FnMut(&Value) -> Result<Value, ApiError>,
    {
        let old = self.decode(current)?;
        let mut new = change(&old)?;
        self.check_identity(&mut new, namespace, name)?;
        match scope {
            UpdateScope::Status => self.generic.prepare_for_status_update(&mut new, &old),
            // The strategy first, so generation follows what it left of the change.
            UpdateScope::Main => {
                self.strategy.prepare_for_update(&mut new, &old);
                self.generic.prepare_for_update(&mut new, &old);
            }
            UpdateScope::Subresource(subresource) => {
                self.strategy
                    .prepare_for_subresource_update(subresource, &mut new, &old);
                self.generic.prepare_for_update(&mut new, &old);
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
        if let Some(manager) = field_manager {
            self.track(Some(&old), &mut new, scope, manager, &now_rfc3339());
        }
        keep_times_of_a_no_op(&mut new, &old);
        let (group, kind) = (self.info.group, self.info.kind);
        let mut causes = match scope {
            UpdateScope::Main => validation_rules::validate_update(group, kind, &new, &old),
            UpdateScope::Subresource(subresource) => {
                validation_rules::validate_subresource_update(group, kind, subresource, &new, &old)
            }
            UpdateScope::Status | UpdateScope::Whole => {
                validation_rules::validate_existing(group, kind, &new)
            }
        };
        causes.extend(self.strategy.validate_for_update(&new, &old));
        if !causes.is_empty() {
            return Err(self.invalid(name, causes));
        }
        Ok(new)
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
}

/// When a write changes nothing but the times of its managedFields entries, the stored
/// entries stay (upstream's managed fields updater keeps an entry's time when the operation
/// took no fields), so the write can be skipped as a no-op.
fn keep_times_of_a_no_op(new: &mut Value, old: &Value) {
    let (Some(new_meta), Some(old_meta)) = (
        new.get("metadata").and_then(Value::as_object),
        old.get("metadata").and_then(Value::as_object),
    ) else {
        return;
    };
    let same_entries = match (new_meta.get("managedFields"), old_meta.get("managedFields")) {
        (Some(Value::Array(a)), Some(Value::Array(b))) => {
            a.len() == b.len()
                && a.iter().zip(b).all(|(x, y)| match (x, y) {
                    (Value::Object(x), Value::Object(y)) => {
                        x.len() == y.len()
                            && x.iter().all(|(k, v)| k == "time" || y.get(k) == Some(v))
                    }
                    _ => x == y,
                })
        }
        (a, b) => a == b,
    };
    if !same_entries {
        return;
    }
    let ignored = ["managedFields", "resourceVersion"];
    let same_meta = new_meta.len()
        - ignored
            .iter()
            .filter(|k| new_meta.contains_key(**k))
            .count()
        == old_meta.len()
            - ignored
                .iter()
                .filter(|k| old_meta.contains_key(**k))
                .count()
        && new_meta
            .iter()
            .all(|(k, v)| ignored.contains(&k.as_str()) || old_meta.get(k) == Some(v));
    let same_rest = match (new.as_object(), old.as_object()) {
        (Some(n), Some(o)) => {
            n.len() == o.len()
                && n.iter()
                    .all(|(k, v)| k == "metadata" || o.get(k) == Some(v))
        }
        _ => false,
    };
    if same_meta
        && same_rest
        && let Some(entries) = old_meta.get("managedFields").cloned()
    {
        metadata_mut(new).insert("managedFields".into(), entries);
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
