//! DELETE in the generic store, as upstream's `Store.Delete`: preconditions, graceful deletion,
//! finalizers, and what a strategy asks for instead (a namespace is only marked terminating, as
//! upstream's namespace REST does).

use serde_json::Value;

use super::object::{ObjectMeta, metadata_mut, set_resource_version};
use super::resources::ResourceInfo;
use super::store::{Store, UPDATE_RETRIES};
use crate::endpoints::status::ApiError;
use crate::storage;

/// `metav1.DeleteOptions`, from the request body and query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// `preconditions.uid`.
    pub uid: Option<String>,
    /// `preconditions.resourceVersion`.
    pub resource_version: Option<String>,
    pub grace_period: Option<i64>,
    /// `Orphan`, `Background` or `Foreground`.
    pub propagation_policy: Option<String>,
    /// The deprecated `orphanDependents`.
    pub orphan_dependents: Option<bool>,
    /// `dryRun: [All]`.
    pub dry_run: bool,
}

impl DeleteOptions {
    /// Reads a `DeleteOptions` object (JSON); absent fields stay unset.
    pub fn from_json(value: &Value) -> Self {
        let preconditions = &value["preconditions"];
        let text = |v: &Value| v.as_str().map(str::to_owned);
        DeleteOptions {
            uid: text(&preconditions["uid"]),
            resource_version: text(&preconditions["resourceVersion"]),
            grace_period: value["gracePeriodSeconds"].as_i64(),
            propagation_policy: text(&value["propagationPolicy"]),
            orphan_dependents: value["orphanDependents"].as_bool(),
            dry_run: value["dryRun"]
                .as_array()
                .is_some_and(|d| d.iter().any(|v| v == "All")),
        }
    }
}

/// The answer of a delete: the object as it was deleted or as it now stands, and whether it is
/// gone from storage.
#[derive(Debug)]
pub struct Deleted {
    pub object: Value,
    pub removed: bool,
}

/// What a strategy wants a DELETE of an existing object (that passed its preconditions) to do.
pub enum DeleteAction {
    /// The generic rules: graceful deletion and finalizers, else removal.
    Generic,
    /// Keep the object and store this changed version of it.
    Update(Value),
    /// Keep the object unchanged and answer with it.
    Keep,
}

impl Store {
    /// Deletes an object. With finalizers or a grace period it is only marked
    /// (`deletionTimestamp`) and stays until its finalizers are removed; the strategy may ask
    /// for something else ([`DeleteAction`]).
    pub async fn delete(
        &self,
        namespace: Option<&str>,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<Deleted, ApiError> {
        self.namespaces.admit_delete(self.info, name)?;
        let key = self.info.storage_key(namespace, name);
        for _ in 0..UPDATE_RETRIES {
            let kv = self
                .storage
                .get(&key, None)
                .await
                .map_err(|e| self.storage_error(name, e))?
                .kv
                .ok_or_else(|| ApiError::not_found(self.qualified_resource(), name))?;
            let mut object = self.decode(&kv)?;
            self.check_preconditions(&object, name, options)?;
            let keep = |object| {
                Ok(Deleted {
                    object,
                    removed: false,
                })
            };
            match self.strategy.on_delete(&object, options) {
                DeleteAction::Keep => return keep(object),
                DeleteAction::Update(changed) if options.dry_run => return keep(changed),
                DeleteAction::Update(mut changed) => {
                    match self
                        .storage
                        .update(&key, self.encode(&mut changed)?, kv.mod_revision, 0)
                        .await
                    {
                        Ok(stored) => {
                            set_resource_version(&mut changed, stored.mod_revision);
                            return keep(changed);
                        }
                        Err(storage::Error::Conflict { .. }) => continue,
                        Err(e) => return Err(self.storage_error(name, e)),
                    }
                }
                DeleteAction::Generic => {}
            }
            let finalizers_changed =
                set_gc_finalizers(&mut object, options, orphans_by_default(self.info));
            if options.dry_run {
                return keep(object);
            }
            let grace = self.strategy.deletion_grace(&object, options.grace_period);
            if !finalizers(&object).is_empty() || grace.is_some() {
                let current_grace = object["metadata"]["deletionGracePeriodSeconds"].as_i64();
                let shorter = matches!((grace, current_grace), (Some(new), Some(old)) if new < old);
                if is_deleting(&object) && !shorter {
                    if !finalizers_changed {
                        return keep(object);
                    }
                } else {
                    let grace = grace.unwrap_or(0);
                    let at = jiff::Timestamp::now()
                        .checked_add(jiff::SignedDuration::from_secs(grace))
                        .unwrap_or_else(|_| jiff::Timestamp::now());
                    metadata_mut(&mut object).insert(
                        "deletionTimestamp".into(),
                        Value::String(at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()),
                    );
                    metadata_mut(&mut object)
                        .insert("deletionGracePeriodSeconds".into(), grace.into());
                }
                match self
                    .storage
                    .update(&key, self.encode(&mut object)?, kv.mod_revision, 0)
                    .await
                {
                    Ok(stored) => {
                        set_resource_version(&mut object, stored.mod_revision);
                        return keep(object);
                    }
                    Err(storage::Error::Conflict { .. }) => continue,
                    Err(e) => return Err(self.storage_error(name, e)),
                }
            }
            match self.storage.delete(&key, Some(kv.mod_revision)).await {
                Ok(_) => {
                    self.strategy.release(self.storage.as_ref(), &object).await;
                    return Ok(Deleted {
                        object,
                        removed: true,
                    });
                }
                Err(storage::Error::Conflict { .. }) => continue,
                Err(e) => return Err(self.storage_error(name, e)),
            }
        }
        Err(ApiError::conflict_modified(self.qualified_resource(), name))
    }

    /// The uid and resourceVersion preconditions, with upstream's messages.
    fn check_preconditions(
        &self,
        object: &Value,
        name: &str,
        options: &DeleteOptions,
    ) -> Result<(), ApiError> {
        let failed = |detail: String| {
            Err(ApiError::conflict_precondition(
                &self.qualified_resource(),
                name,
                &detail,
            ))
        };
        if let Some(uid) = &options.uid
            && object.uid() != Some(uid.as_str())
        {
            return failed(format!(
                "Precondition failed: UID in precondition: {uid}, UID in object meta: {}",
                object.uid().unwrap_or_default()
            ));
        }
        if let Some(rv) = &options.resource_version
            && object.resource_version() != Some(rv.as_str())
        {
            return failed(format!(
                "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {}",
                object.resource_version().unwrap_or_default()
            ));
        }
        Ok(())
    }
}

/// The finalizer that makes the garbage collector orphan an object's dependents.
pub const ORPHAN_FINALIZER: &str = "orphan";
/// The finalizer that makes the garbage collector delete an object's dependents first.
pub const FOREGROUND_FINALIZER: &str = "foregroundDeletion";

/// Whether deleting an object of `info` without a propagation policy orphans its dependents
/// (upstream's `DefaultGarbageCollectionPolicy`: `OrphanDependents` for batch/v1 Jobs and v1
/// ReplicationControllers, kept for backward compatibility; `DeleteDependents` otherwise).
fn orphans_by_default(info: &ResourceInfo) -> bool {
    matches!(
        (info.group, info.plural),
        ("batch", "jobs") | ("", "replicationcontrollers")
    )
}

/// Sets the garbage collector's finalizers for a delete (upstream's
/// `deletionFinalizersForGarbageCollection`): `Orphan` (or `orphanDependents: true`) adds
/// `orphan`, `Foreground` adds `foregroundDeletion`, `Background` removes both; without either
/// option an object keeps the ones it has, or gets its resource's default. Returns whether the
/// finalizers changed.
pub fn set_gc_finalizers(
    object: &mut Value,
    options: &DeleteOptions,
    orphan_by_default: bool,
) -> bool {
    let current = finalizers(object);
    let has_orphan = current.contains(&ORPHAN_FINALIZER);
    let has_foreground = current.contains(&FOREGROUND_FINALIZER);
    let (orphan, foreground) = match (
        options.propagation_policy.as_deref(),
        options.orphan_dependents,
    ) {
        (Some("Orphan"), _) => (true, false),
        (Some("Foreground"), _) => (false, true),
        (Some(_), _) => (false, false),
        (None, Some(orphan)) => (orphan, false),
        (None, None) if has_orphan || has_foreground => return false,
        (None, None) => (orphan_by_default, false),
    };
    if orphan == has_orphan && foreground == has_foreground {
        return false;
    }
    let mut list: Vec<String> = current
        .iter()
        .filter(|f| **f != ORPHAN_FINALIZER && **f != FOREGROUND_FINALIZER)
        .map(|f| (*f).to_owned())
        .collect();
    if orphan {
        list.push(ORPHAN_FINALIZER.to_owned());
    }
    if foreground {
        list.push(FOREGROUND_FINALIZER.to_owned());
    }
    let metadata = metadata_mut(object);
    if list.is_empty() {
        metadata.remove("finalizers");
    } else {
        metadata.insert("finalizers".into(), serde_json::json!(list));
    }
    true
}

/// `metadata.finalizers`.
pub fn finalizers(object: &Value) -> Vec<&str> {
    object
        .get("metadata")
        .and_then(|m| m.get("finalizers"))
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Whether `metadata.deletionTimestamp` is set.
pub fn is_deleting(object: &Value) -> bool {
    object
        .get("metadata")
        .and_then(|m| m.get("deletionTimestamp"))
        .is_some_and(|t| !t.is_null())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn deletes_set_the_garbage_collectors_finalizers_as_upstream() {
        let options = |policy: Option<&str>, orphan: Option<bool>| DeleteOptions {
            propagation_policy: policy.map(str::to_owned),
            orphan_dependents: orphan,
            ..DeleteOptions::default()
        };
        let object =
            |finalizers: serde_json::Value| json!({"metadata": {"finalizers": finalizers}});

        let mut o = object(json!(["example.com/keep"]));
        assert!(set_gc_finalizers(
            &mut o,
            &options(Some("Foreground"), None),
            false
        ));
        assert_eq!(finalizers(&o), ["example.com/keep", "foregroundDeletion"]);
        assert!(set_gc_finalizers(
            &mut o,
            &options(Some("Orphan"), None),
            false
        ));
        assert_eq!(finalizers(&o), ["example.com/keep", "orphan"]);
        assert!(set_gc_finalizers(
            &mut o,
            &options(Some("Background"), None),
            false
        ));
        assert_eq!(finalizers(&o), ["example.com/keep"]);

        // Without options: what the object has stays, else the resource's default.
        let mut o = object(json!(["foregroundDeletion"]));
        assert!(!set_gc_finalizers(&mut o, &options(None, None), true));
        let mut o = json!({"metadata": {}});
        assert!(set_gc_finalizers(&mut o, &options(None, None), true));
        assert_eq!(finalizers(&o), ["orphan"]);
        let mut o = json!({"metadata": {}});
        assert!(!set_gc_finalizers(&mut o, &options(None, None), false));
        assert!(set_gc_finalizers(&mut o, &options(None, Some(true)), false));
        assert_eq!(finalizers(&o), ["orphan"]);
    }

    #[test]
    fn delete_options_read_every_field() {
        let options = DeleteOptions::from_json(&json!({"kind": "DeleteOptions",
            "preconditions": {"uid": "u", "resourceVersion": "7"}, "gracePeriodSeconds": 5,
            "propagationPolicy": "Orphan", "orphanDependents": false, "dryRun": ["All"]}));
        assert_eq!(
            options,
            DeleteOptions {
                uid: Some("u".into()),
                resource_version: Some("7".into()),
                grace_period: Some(5),
                propagation_policy: Some("Orphan".into()),
                orphan_dependents: Some(false),
                dry_run: true,
            }
        );
        assert_eq!(
            DeleteOptions::from_json(&json!({})),
            DeleteOptions::default()
        );
    }
}
