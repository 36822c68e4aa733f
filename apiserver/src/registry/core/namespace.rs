//! Namespaces (`pkg/registry/core/namespace`): a new namespace is `Active` and carries the
//! `kubernetes` finalizer in `spec.finalizers`, which only `namespaces/finalize` changes.
//!
//! Deleting a namespace never removes it at once (upstream's namespace REST `Delete`): the
//! first DELETE sets `deletionTimestamp` and phase `Terminating` (and the `orphan` or
//! `foregroundDeletion` finalizer the request's propagation asks for); later ones answer with
//! the namespace as it is while `spec.finalizers` is not empty, and delete it once it is. An
//! update that leaves a terminating namespace without any finalizer removes it. Emptying the
//! namespace and removing `kubernetes` is the namespace controller's job.

use serde_json::{Value, json};

use crate::registry::delete::{
    DeleteAction, DeleteOptions, FINALIZER_FOREGROUND, FINALIZER_ORPHAN, is_deleting,
    should_delete_dependents, should_orphan,
};
use crate::registry::object::{metadata_mut, now_rfc3339};
use crate::registry::strategy::Strategy;

/// `FinalizerKubernetes`, added on every create.
pub const FINALIZER_KUBERNETES: &str = "kubernetes";

pub struct NamespaceStrategy;

#[async_trait::async_trait]
impl Strategy for NamespaceStrategy {
    fn prepare_for_create(&self, object: &mut Value) {
        let Some(fields) = object.as_object_mut() else {
            return;
        };
        fields.insert("status".into(), json!({"phase": "Active"}));
        let spec = fields.entry("spec").or_insert_with(|| json!({}));
        if !spec.is_object() {
            *spec = json!({});
        }
        let finalizers = spec_finalizers(spec);
        if !finalizers.iter().any(|f| f == FINALIZER_KUBERNETES) {
            let mut finalizers = finalizers;
            finalizers.push(FINALIZER_KUBERNETES.to_owned());
            spec["finalizers"] = json!(finalizers);
        }
    }

    /// `spec.finalizers` and the status only change through their subresources.
    fn prepare_for_update(&self, new: &mut Value, old: &Value) {
        let finalizers = old.get("spec").and_then(|s| s.get("finalizers")).cloned();
        if let Some(fields) = new.as_object_mut() {
            let spec = fields.entry("spec").or_insert_with(|| json!({}));
            if let Some(spec) = spec.as_object_mut() {
                match finalizers {
                    Some(finalizers) => spec.insert("finalizers".into(), finalizers),
                    None => spec.remove("finalizers"),
                };
            }
        }
    }

    fn field_labels(&self) -> &'static [&'static str] {
        &["status.phase"]
    }

    fn on_delete(&self, namespace: &Value, options: &DeleteOptions) -> DeleteAction {
        if !is_deleting(namespace) {
            return DeleteAction::Update(terminating(namespace, options));
        }
        if !spec_finalizers(&namespace["spec"]).is_empty() {
            return DeleteAction::Keep;
        }
        DeleteAction::Generic
    }

    fn holds_deletion(&self, namespace: &Value) -> bool {
        !spec_finalizers(&namespace["spec"]).is_empty()
    }
}

fn spec_finalizers(spec: &Value) -> Vec<String> {
    spec.get("finalizers")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The namespace as its first DELETE leaves it.
fn terminating(namespace: &Value, options: &DeleteOptions) -> Value {
    let mut next = namespace.clone();
    let metadata = metadata_mut(&mut next);
    metadata.insert("deletionTimestamp".into(), json!(now_rfc3339()));
    let mut finalizers: Vec<String> = metadata
        .get("finalizers")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let had = |name: &str| finalizers.iter().any(|f| f == name);
    let wanted = [
        (
            FINALIZER_ORPHAN,
            should_orphan(options, had(FINALIZER_ORPHAN)),
        ),
        (
            FINALIZER_FOREGROUND,
            should_delete_dependents(options, had(FINALIZER_FOREGROUND)),
        ),
    ];
    if wanted.iter().any(|(name, want)| had(name) != *want) {
        finalizers.retain(|f| !wanted.iter().any(|(name, want)| f == name && !want));
        for (name, want) in wanted {
            if want && !finalizers.iter().any(|f| f == name) {
                finalizers.push(name.to_owned());
            }
        }
        metadata.insert("finalizers".into(), json!(finalizers));
    }
    if let Some(fields) = next.as_object_mut() {
        let status = fields.entry("status").or_insert_with(|| json!({}));
        status["phase"] = json!("Terminating");
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_namespaces_are_active_with_the_kubernetes_finalizer() {
        let mut ns = json!({"metadata": {"name": "a"}, "status": {"phase": "Terminating"}});
        NamespaceStrategy.prepare_for_create(&mut ns);
        assert_eq!(ns["status"], json!({"phase": "Active"}));
        assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));

        // The kubernetes finalizer is required: an empty or different list gets it appended.
        let mut ns = json!({"spec": {"finalizers": []}});
        NamespaceStrategy.prepare_for_create(&mut ns);
        assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
        let mut ns = json!({"spec": {"finalizers": ["example.com/x"]}});
        NamespaceStrategy.prepare_for_create(&mut ns);
        assert_eq!(
            ns["spec"]["finalizers"],
            json!(["example.com/x", "kubernetes"])
        );
    }

    #[test]
    fn updates_keep_the_spec_finalizers() {
        let old = json!({"spec": {"finalizers": ["kubernetes"]}});
        let mut new = json!({"metadata": {"labels": {"a": "b"}}, "spec": {"finalizers": []}});
        NamespaceStrategy.prepare_for_update(&mut new, &old);
        assert_eq!(new["spec"]["finalizers"], json!(["kubernetes"]));
    }

    #[test]
    fn the_first_delete_starts_termination() {
        let ns = json!({"metadata": {"name": "a"}, "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"}});
        let DeleteAction::Update(next) =
            NamespaceStrategy.on_delete(&ns, &DeleteOptions::default())
        else {
            panic!("the namespace must stay")
        };
        assert_eq!(next["status"]["phase"], "Terminating");
        assert!(next["metadata"]["deletionTimestamp"].is_string());
        assert!(next["metadata"].get("finalizers").is_none());

        // Later deletes keep it while spec.finalizers is not empty, then delete it.
        assert!(matches!(
            NamespaceStrategy.on_delete(&next, &DeleteOptions::default()),
            DeleteAction::Keep
        ));
        assert!(NamespaceStrategy.holds_deletion(&next));
        let mut finalized = next.clone();
        finalized["spec"]["finalizers"] = json!([]);
        assert!(matches!(
            NamespaceStrategy.on_delete(&finalized, &DeleteOptions::default()),
            DeleteAction::Generic
        ));
        assert!(!NamespaceStrategy.holds_deletion(&finalized));
    }

    #[test]
    fn propagation_sets_the_garbage_collector_finalizers() {
        let ns = json!({"metadata": {"name": "a", "finalizers": ["orphan", "example.com/x"]},
            "spec": {"finalizers": ["kubernetes"]}});
        let with = |options: DeleteOptions| match NamespaceStrategy.on_delete(&ns, &options) {
            DeleteAction::Update(next) => next["metadata"]["finalizers"].clone(),
            _ => panic!("the namespace must stay"),
        };
        // No propagation: what the namespace has stays.
        assert_eq!(
            with(DeleteOptions::default()),
            json!(["orphan", "example.com/x"])
        );
        let policy = |p: &str| DeleteOptions {
            propagation_policy: Some(p.into()),
            ..DeleteOptions::default()
        };
        assert_eq!(with(policy("Background")), json!(["example.com/x"]));
        assert_eq!(
            with(policy("Foreground")),
            json!(["example.com/x", "foregroundDeletion"])
        );
        let orphan = DeleteOptions {
            orphan_dependents: Some(true),
            propagation_policy: Some("Foreground".into()),
            ..DeleteOptions::default()
        };
        assert_eq!(with(orphan), json!(["orphan", "example.com/x"]));
    }
}
