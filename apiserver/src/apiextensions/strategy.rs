//! The rules of custom resources and of CustomResourceDefinitions, as upstream's
//! `pkg/registry/customresource/strategy.go` and `pkg/registry/customresourcedefinition/`.

use std::sync::Arc;

use serde_json::{Value, json};

use super::ServedVersion;
use super::definition::CLEANUP_FINALIZER;
use crate::endpoints::status::FieldError;
use crate::registry::customresource;
use crate::registry::delete::{DeleteAction, DeleteOptions, is_deleting};
use crate::registry::object::{metadata_mut, now_rfc3339};
use crate::registry::strategy::Strategy;

/// The rules of one served version of a custom resource.
pub struct CustomResourceStrategy {
    custom: Arc<ServedVersion>,
}

impl CustomResourceStrategy {
    pub fn new(custom: &Arc<ServedVersion>) -> Self {
        CustomResourceStrategy {
            custom: custom.clone(),
        }
    }
}

impl CustomResourceStrategy {
    /// Pruning and defaulting from the schema, as upstream does when it decodes a custom
    /// resource: unknown fields go, defaults fill in, nulls the schema does not allow go.
    fn prune_and_default(&self, object: &mut Value) {
        if let Some(schema) = &self.custom.schema {
            customresource::prune(object, schema, true);
            customresource::apply_defaults(object, schema);
            customresource::prune_non_nullable_nulls(object, schema);
        }
    }
}

#[async_trait::async_trait]
impl Strategy for CustomResourceStrategy {
    fn prepare_for_create(&self, object: &mut Value) {
        self.prune_and_default(object);
    }

    fn prepare_for_update(&self, new: &mut Value, _old: &Value) {
        self.prune_and_default(new);
    }

    fn validate(&self, object: &Value) -> Vec<FieldError> {
        customresource::validate_custom_resource(&self.custom.rules(), object)
    }

    /// Updates see `oldSelf` (transition rules) and ratchet: a rule an unchanged value already
    /// failed does not fail the update.
    fn validate_for_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        customresource::validate_custom_resource_update(&self.custom.rules(), new, old)
    }
}

/// The rules of CustomResourceDefinitions.
pub struct DefinitionStrategy;

/// Numbers of a schema as Go writes a `float64` (`10`, not `10.0`): the typed decoding reads
/// `minimum`, `maximum` and `multipleOf` as floats.
fn integral_floats_as_integers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64()
                && f.fract() == 0.0
                && f.abs() < 1e15
            {
                *value = Value::from(f as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_floats_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_floats_as_integers),
        _ => {}
    }
}

/// [`integral_floats_as_integers`] on each version's schema.
fn normalize_schemas(crd: &mut Value) {
    if let Some(versions) = crd["spec"]["versions"].as_array_mut() {
        for version in versions {
            if let Some(schema) = version.get_mut("schema") {
                integral_floats_as_integers(schema);
            }
        }
    }
}

#[async_trait::async_trait]
impl Strategy for DefinitionStrategy {
    fn prepare_for_create(&self, crd: &mut Value) {
        normalize_schemas(crd);
        customresource::default_crd(crd);
        customresource::prepare_crd_for_create(crd);
    }

    fn prepare_for_update(&self, crd: &mut Value, old: &Value) {
        normalize_schemas(crd);
        customresource::default_crd(crd);
        customresource::prepare_crd_for_update(crd, old);
    }

    fn validate(&self, crd: &Value) -> Vec<FieldError> {
        customresource::validate_crd(crd)
    }

    /// Upstream validates an update with `ValidateCustomResourceDefinitionUpdate` alone.
    fn validate_for_update(&self, new: &Value, old: &Value) -> Vec<FieldError> {
        customresource::validate_crd_update(new, old)
    }

    /// The first DELETE keeps the definition until its objects are gone: it gets the cleanup
    /// finalizer and the Terminating condition, as upstream's CRD storage does.
    fn on_delete(&self, crd: &Value, options: &DeleteOptions) -> DeleteAction {
        if is_deleting(crd) || options.dry_run {
            return DeleteAction::Generic;
        }
        let mut crd = crd.clone();
        let metadata = metadata_mut(&mut crd);
        let finalizers = metadata
            .entry("finalizers")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Some(list) = finalizers.as_array_mut()
            && !list.iter().any(|f| f == CLEANUP_FINALIZER)
        {
            list.push(CLEANUP_FINALIZER.into());
        }
        metadata.insert("deletionTimestamp".into(), now_rfc3339().into());
        metadata.insert("deletionGracePeriodSeconds".into(), 0.into());
        set_condition(
            &mut crd,
            "Terminating",
            "True",
            "InstanceDeletionPending",
            "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
        );
        DeleteAction::Update(crd)
    }
}

/// Sets condition `kind` of a definition's status; the transition time changes only with the
/// status, as upstream's `SetCRDCondition`. Returns whether anything changed.
pub fn set_condition(
    crd: &mut Value,
    kind: &str,
    status: &str,
    reason: &str,
    message: &str,
) -> bool {
    if !crd["status"].is_object() {
        crd["status"] = json!({});
    }
    if !crd["status"]["conditions"].is_array() {
        crd["status"]["conditions"] = json!([]);
    }
    let Some(conditions) = crd["status"]["conditions"].as_array_mut() else {
        return false;
    };
    match conditions.iter_mut().find(|c| c["type"] == kind) {
        Some(existing) => {
            if existing["status"] == status
                && existing["reason"] == reason
                && existing["message"] == message
            {
                return false;
            }
            if existing["status"] != status {
                existing["lastTransitionTime"] = now_rfc3339().into();
            }
            existing["status"] = status.into();
            existing["reason"] = reason.into();
            existing["message"] = message.into();
        }
        None => conditions.push(json!({"type": kind, "status": status,
            "lastTransitionTime": now_rfc3339(), "reason": reason, "message": message})),
    }
    true
}

/// The status of condition `kind`, if the definition has it.
pub fn condition_status<'a>(crd: &'a Value, kind: &str) -> Option<&'a str> {
    crd["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == kind)?
        .get("status")?
        .as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_change_their_time_only_with_their_status() {
        let mut crd = json!({});
        assert!(set_condition(
            &mut crd,
            "Established",
            "False",
            "Installing",
            "m"
        ));
        assert!(!set_condition(
            &mut crd,
            "Established",
            "False",
            "Installing",
            "m"
        ));
        assert!(set_condition(
            &mut crd,
            "Established",
            "True",
            "InitialNamesAccepted",
            "x"
        ));
        assert_eq!(condition_status(&crd, "Established"), Some("True"));
        assert_eq!(crd["status"]["conditions"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn the_first_delete_adds_the_cleanup_finalizer() {
        let crd = json!({"metadata": {"name": "a.b.c"}});
        let DeleteAction::Update(marked) =
            DefinitionStrategy.on_delete(&crd, &DeleteOptions::default())
        else {
            panic!("expected an update");
        };
        assert_eq!(marked["metadata"]["finalizers"], json!([CLEANUP_FINALIZER]));
        assert!(is_deleting(&marked));
        assert_eq!(condition_status(&marked, "Terminating"), Some("True"));
    }
}
