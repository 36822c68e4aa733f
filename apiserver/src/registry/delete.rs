//! DELETE in the generic store, as upstream's `Store.Delete`: preconditions, graceful deletion,
//! finalizers, and what a strategy asks for instead (a namespace is only marked terminating, as
//! upstream's namespace REST does).

use serde_json::Value;

use super::object::{ObjectMeta, metadata_mut, set_resource_version};
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
            if options.dry_run {
                return keep(object);
            }
            let grace = self.strategy.deletion_grace(&object, options.grace_period);
            let current_grace = object["metadata"]["deletionGracePeriodSeconds"].as_i64();
            let shorter = matches!((grace, current_grace), (Some(new), Some(old)) if new < old);
            // The garbage collector's finalizers follow the propagation policy, unless a
            // graceful deletion is already pending (upstream's
            // `deletionFinalizersForGarbageCollection`).
            let graceful_pending = is_deleting(&object) && current_grace.unwrap_or(0) > 0;
            let mut gc_changed = false;
            if (!graceful_pending || shorter)
                && let Some(wanted) = gc_finalizers(self.info.plural, &object, options)
            {
                metadata_mut(&mut object).insert("finalizers".into(), wanted.into());
                gc_changed = true;
            }
            if !finalizers(&object).is_empty() || grace.is_some() {
                if is_deleting(&object) && !shorter && !gc_changed {
                    return keep(object);
                }
                if !is_deleting(&object) || shorter {
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

/// `metav1.FinalizerOrphanDependents`.
pub const FINALIZER_ORPHAN: &str = "orphan";
/// `metav1.FinalizerDeleteDependents`.
pub const FINALIZER_FOREGROUND: &str = "foregroundDeletion";

/// `shouldHaveOrphanFinalizer`: what the request says, else whether it is there already.
pub fn should_orphan(options: &DeleteOptions, has: bool) -> bool {
    match (&options.orphan_dependents, &options.propagation_policy) {
        (Some(orphan), _) => *orphan,
        (None, Some(policy)) => policy == "Orphan",
        (None, None) => has,
    }
}

/// `shouldHaveDeleteDependentsFinalizer`.
pub fn should_delete_dependents(options: &DeleteOptions, has: bool) -> bool {
    match (&options.orphan_dependents, &options.propagation_policy) {
        (Some(orphan), _) => !*orphan,
        (None, Some(policy)) => policy == "Foreground",
        (None, None) => has,
    }
}

/// The finalizers `object` must carry for the garbage collector after a DELETE with
/// `options`, when they differ from its current ones (upstream's
/// `deletionFinalizersForGarbageCollection`); events take no part in garbage collection.
pub fn gc_finalizers(plural: &str, object: &Value, options: &DeleteOptions) -> Option<Vec<String>> {
    if plural == "events" {
        return None;
    }
    let current = finalizers(object);
    let has = |name: &str| current.contains(&name);
    let orphan = should_orphan(options, has(FINALIZER_ORPHAN));
    let foreground = !orphan && should_delete_dependents(options, has(FINALIZER_FOREGROUND));
    let mut wanted: Vec<String> = current
        .iter()
        .filter(|f| **f != FINALIZER_ORPHAN && **f != FINALIZER_FOREGROUND)
        .map(|f| (*f).to_owned())
        .collect();
    if orphan {
        wanted.push(FINALIZER_ORPHAN.to_owned());
    }
    if foreground {
        wanted.push(FINALIZER_FOREGROUND.to_owned());
    }
    let same = wanted.len() == current.len() && wanted.iter().all(|f| has(f));
    (!same).then_some(wanted)
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
    fn the_propagation_policy_sets_the_garbage_collector_finalizers() {
        let policy = |p: &str| DeleteOptions {
            propagation_policy: Some(p.into()),
            ..DeleteOptions::default()
        };
        let cm = json!({"metadata": {"name": "a", "finalizers": ["example.com/x"]}});
        assert_eq!(
            gc_finalizers("configmaps", &cm, &policy("Foreground")),
            Some(vec![
                "example.com/x".to_owned(),
                "foregroundDeletion".to_owned()
            ])
        );
        assert_eq!(
            gc_finalizers("configmaps", &cm, &policy("Orphan")),
            Some(vec!["example.com/x".to_owned(), "orphan".to_owned()])
        );
        assert_eq!(
            gc_finalizers("configmaps", &cm, &policy("Background")),
            None
        );
        assert_eq!(
            gc_finalizers("configmaps", &cm, &DeleteOptions::default()),
            None
        );
        assert_eq!(gc_finalizers("events", &cm, &policy("Orphan")), None);
        // Background removes an earlier orphan finalizer; no policy keeps it.
        let orphaned = json!({"metadata": {"finalizers": ["orphan"]}});
        assert_eq!(
            gc_finalizers("configmaps", &orphaned, &policy("Background")),
            Some(vec![])
        );
        assert_eq!(
            gc_finalizers("configmaps", &orphaned, &DeleteOptions::default()),
            None
        );
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
