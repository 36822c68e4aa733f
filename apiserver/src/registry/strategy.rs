//! The per-resource rules the generic store applies, as upstream's `RESTCreateStrategy` /
//! `RESTUpdateStrategy` (`pkg/registry/<group>/<resource>/strategy.go`): what the server sets or
//! resets on create and update, validation, the spec/status split and `metadata.generation`.
//!
//! [`GenericStrategy`] carries what every resource shares; per-type strategies add defaults and
//! validation on top.

use serde_json::Value;

use super::delete::{DeleteAction, DeleteOptions};
use super::object::metadata_mut;
use super::resources::ResourceInfo;
use crate::endpoints::status::{ApiError, FieldError};
use crate::storage::Storage;

#[async_trait::async_trait]
pub trait Strategy: Send + Sync + 'static {
    /// Server-set fields and defaults before a create is validated.
    fn prepare_for_create(&self, _object: &mut Value) {}

    /// Server-set fields and defaults before an update is validated; `old` is what is stored.
    fn prepare_for_update(&self, _new: &mut Value, _old: &Value) {}

    /// Validation of a new object.
    fn validate(&self, _object: &Value) -> Vec<FieldError> {
        Vec::new()
    }

    /// Validation of an update (immutable fields and the like), after [`Strategy::validate`].
    fn validate_update(&self, _new: &Value, _old: &Value) -> Vec<FieldError> {
        Vec::new()
    }

    /// Everything an update is validated for: [`Strategy::validate`] and then
    /// [`Strategy::validate_update`], unless the resource validates updates its own way.
    fn validate_for_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        let mut errors = self.validate(new);
        errors.extend(self.validate_update(new, old));
        errors
    }

    /// Field selector labels this resource supports beyond `metadata.name` and
    /// `metadata.namespace`, as JSON paths (`spec.nodeName`).
    fn field_labels(&self) -> &'static [&'static str] {
        &[]
    }

    /// Graceful deletion: `Some(seconds)` when deleting `object` should only mark it (with
    /// `deletionTimestamp` and `deletionGracePeriodSeconds`) and leave the final delete to
    /// its owner (the kubelet for pods); `None` deletes at once. `requested` is
    /// `DeleteOptions.gracePeriodSeconds`.
    fn deletion_grace(&self, _object: &Value, _requested: Option<i64>) -> Option<i64> {
        None
    }

    /// What a DELETE of `object` (which exists and passed its preconditions) does, where the
    /// resource overrides upstream's generic deletion (namespaces).
    fn on_delete(&self, _object: &Value, _options: &DeleteOptions) -> DeleteAction {
        DeleteAction::Generic
    }

    /// Whether `object`, being deleted and without `metadata.finalizers`, must still stay
    /// (a namespace with `spec.finalizers`).
    fn holds_deletion(&self, _object: &Value) -> bool {
        false
    }

    /// What an update through `subresource` may change, before it is validated: `new` is
    /// what the client sent, `old` what is stored. Status and server-set metadata are kept
    /// afterwards by the generic rules.
    fn prepare_for_subresource_update(&self, _subresource: &str, _new: &mut Value, _old: &Value) {}

    /// Mutating admission of a create (after NamespaceLifecycle, before defaults and
    /// validation), as upstream's admission chain runs before the strategy; `name` is the
    /// name admission reports.
    async fn admit_create(
        &self,
        _qualified_resource: &str,
        _name: &str,
        _object: &mut Value,
    ) -> Result<(), ApiError> {
        Ok(())
    }

    /// Reserves what a valid new object needs from shared pools (cluster IPs, node ports)
    /// before it is stored, filling the object in.
    async fn allocate(&self, _storage: &dyn Storage, _object: &mut Value) -> Result<(), ApiError> {
        Ok(())
    }

    /// Gives back what `object` held, once it is deleted or its create failed.
    async fn release(&self, _storage: &dyn Storage, _object: &Value) {}
}

/// The rules every resource shares. Per-type strategies hold none of this.
pub struct GenericStrategy {
    /// The resource has a `status` subresource: the main resource ignores status changes and
    /// the status subresource ignores everything else.
    pub has_status: bool,
    /// `metadata.generation` starts at 1 and rises when anything but metadata and status
    /// changes.
    pub tracks_generation: bool,
    /// The status given on create is kept: only nodes (the kubelet registers its Node with
    /// its status), as upstream's node strategy.
    pub status_on_create: bool,
}

impl GenericStrategy {
    pub fn for_resource(info: &ResourceInfo) -> Self {
        let has_status = info.subresources.iter().any(|s| s.name == "status");
        GenericStrategy {
            has_status,
            // Upstream keeps generation for resources with a spec and a status.
            tracks_generation: has_status,
            status_on_create: info.group.is_empty() && info.plural == "nodes",
        }
    }

    /// On create: clears fields only the server sets and, for status resources, the status.
    pub fn prepare_for_create(&self, object: &mut Value) {
        let metadata = metadata_mut(object);
        for field in [
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "selfLink",
        ] {
            metadata.remove(field);
        }
        if self.tracks_generation {
            metadata.insert("generation".into(), Value::from(1));
        } else {
            metadata.remove("generation");
        }
        if self.has_status
            && !self.status_on_create
            && let Some(fields) = object.as_object_mut()
        {
            fields.remove("status");
        }
    }

    /// On an update of the main resource: status and server-owned metadata stay as stored.
    pub fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        if self.has_status {
            set_or_remove(new, "status", old.get("status"));
        }
        self.keep_server_metadata(new, old);
        if self.tracks_generation {
            let generation = old
                .get("metadata")
                .and_then(|m| m.get("generation"))
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let changed = spec_changed(new, old);
            metadata_mut(new).insert(
                "generation".into(),
                Value::from(if changed { generation + 1 } else { generation }),
            );
        }
    }

    /// On an update of the status subresource: only `status` (and labels/annotations, as
    /// upstream allows) come from the request; everything else stays as stored.
    pub fn prepare_for_status_update(&self, new: &mut Value, old: &Value) {
        let status = new.get("status").cloned();
        let mut merged = old.clone();
        set_or_remove(&mut merged, "status", status.as_ref());
        for field in ["labels", "annotations", "resourceVersion"] {
            let value = new.get("metadata").and_then(|m| m.get(field)).cloned();
            match value {
                Some(value) => {
                    metadata_mut(&mut merged).insert(field.into(), value);
                }
                None => {
                    metadata_mut(&mut merged).remove(field);
                }
            }
        }
        *new = merged;
    }

    fn keep_server_metadata(&self, new: &mut Value, old: &Value) {
        let old_meta = old.get("metadata").cloned().unwrap_or(Value::Null);
        let metadata = metadata_mut(new);
        for field in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "generation",
            "selfLink",
        ] {
            match old_meta.get(field) {
                Some(value) => {
                    metadata.insert(field.into(), value.clone());
                }
                None => {
                    metadata.remove(field);
                }
            }
        }
    }
}

fn set_or_remove(object: &mut Value, field: &str, value: Option<&Value>) {
    if let Some(fields) = object.as_object_mut() {
        match value {
            Some(value) => {
                fields.insert(field.into(), value.clone());
            }
            None => {
                fields.remove(field);
            }
        }
    }
}

/// Whether anything outside `metadata` and `status` differs.
fn spec_changed(new: &Value, old: &Value) -> bool {
    let strip = |object: &Value| -> Value {
        let mut copy = object.clone();
        if let Some(fields) = copy.as_object_mut() {
            for field in ["metadata", "status", "kind", "apiVersion"] {
                fields.remove(field);
            }
        }
        copy
    };
    strip(new) != strip(old)
}

/// A resource whose only rules are extra field selector labels.
pub struct FieldLabels(pub &'static [&'static str]);

#[async_trait::async_trait]
impl Strategy for FieldLabels {
    fn field_labels(&self) -> &'static [&'static str] {
        self.0
    }
}

/// A resource with no rules beyond the generic ones.
pub struct NoRules;

#[async_trait::async_trait]
impl Strategy for NoRules {}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn with_status() -> GenericStrategy {
        GenericStrategy {
            has_status: true,
            tracks_generation: true,
            status_on_create: false,
        }
    }

    #[test]
    fn create_resets_status_and_starts_generation() {
        let mut object = json!({"metadata": {"name": "d", "generation": 9, "deletionTimestamp": "x"},
            "spec": {"replicas": 1}, "status": {"replicas": 5}});
        with_status().prepare_for_create(&mut object);
        assert_eq!(object["metadata"]["generation"], json!(1));
        assert!(object.get("status").is_none());
        assert!(object["metadata"].get("deletionTimestamp").is_none());
    }

    #[test]
    fn nodes_keep_their_status_on_create() {
        let strategy = GenericStrategy {
            status_on_create: true,
            ..with_status()
        };
        let mut object = json!({"metadata": {"name": "n"}, "status": {"capacity": {"cpu": "2"}}});
        strategy.prepare_for_create(&mut object);
        assert_eq!(object["status"]["capacity"]["cpu"], json!("2"));
    }

    #[test]
    fn updates_split_spec_and_status() {
        let old = json!({"metadata": {"name": "d", "uid": "u", "generation": 1},
            "spec": {"replicas": 1}, "status": {"replicas": 1}});
        let mut new = json!({"metadata": {"name": "d", "uid": "changed"},
            "spec": {"replicas": 2}, "status": {"replicas": 7}});
        with_status().prepare_for_update(&mut new, &old);
        assert_eq!(new["status"], json!({"replicas": 1}));
        assert_eq!(new["metadata"]["uid"], json!("u"));
        assert_eq!(new["metadata"]["generation"], json!(2));

        let mut status = json!({"metadata": {"name": "d", "labels": {"a": "b"}},
            "spec": {"replicas": 9}, "status": {"replicas": 3}});
        with_status().prepare_for_status_update(&mut status, &old);
        assert_eq!(status["spec"], json!({"replicas": 1}));
        assert_eq!(status["status"], json!({"replicas": 3}));
        assert_eq!(status["metadata"]["labels"], json!({"a": "b"}));
        assert_eq!(status["metadata"]["generation"], json!(1));
    }

    #[test]
    fn metadata_only_changes_keep_the_generation() {
        let old = json!({"metadata": {"name": "d", "generation": 4}, "spec": {"a": 1}});
        let mut new = json!({"metadata": {"name": "d", "labels": {"x": "y"}}, "spec": {"a": 1}});
        with_status().prepare_for_update(&mut new, &old);
        assert_eq!(new["metadata"]["generation"], json!(4));
    }
}
