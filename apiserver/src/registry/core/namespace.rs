//! Namespaces (`pkg/registry/core/namespace/strategy.go`): a new namespace is `Active` and
//! carries the `kubernetes` finalizer in `spec.finalizers`.

use serde_json::{Value, json};

use crate::registry::strategy::Strategy;

pub struct NamespaceStrategy;

#[async_trait::async_trait]
impl Strategy for NamespaceStrategy {
    fn prepare_for_create(&self, object: &mut Value) {
        let Some(fields) = object.as_object_mut() else {
            return;
        };
        let spec = fields.entry("spec").or_insert_with(|| json!({}));
        if spec.get("finalizers").is_none() {
            spec["finalizers"] = json!(["kubernetes"]);
        }
        fields.insert("status".into(), json!({"phase": "Active"}));
    }

    fn field_labels(&self) -> &'static [&'static str] {
        &["status.phase"]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_namespaces_are_active_with_the_kubernetes_finalizer() {
        let mut ns = json!({"metadata": {"name": "a"}});
        NamespaceStrategy.prepare_for_create(&mut ns);
        assert_eq!(ns["status"]["phase"], "Active");
        assert_eq!(ns["spec"]["finalizers"], json!(["kubernetes"]));
    }
}
