//! Namespace rules of `pkg/apis/core/validation` (`ValidateNamespace`,
//! `ValidateNamespaceFinalizeUpdate`): the names in `spec.finalizers`.

use serde_json::Value;

use super::names::qualified_name;
use super::{arr_of, child};
use crate::endpoints::status::FieldError;

/// The finalizer names that need no domain prefix (`helper.IsStandardFinalizerName`).
const STANDARD_FINALIZERS: [&str; 3] = ["kubernetes", "orphan", "foregroundDeletion"];

/// `ValidateNamespace` minus ObjectMeta. Upstream reports every entry at `spec.finalizers`,
/// without an index.
pub fn validate_namespace(namespace: &Value) -> Vec<FieldError> {
    spec_finalizers(namespace)
        .flat_map(|name| validate_finalizer_name(name, "spec.finalizers"))
        .collect()
}

/// `ValidateNamespaceFinalizeUpdate` minus ObjectMeta: each entry at its index.
pub fn validate_namespace_finalize(namespace: &Value) -> Vec<FieldError> {
    spec_finalizers(namespace)
        .enumerate()
        .flat_map(|(i, name)| validate_finalizer_name(name, &format!("spec.finalizers[{i}]")))
        .collect()
}

fn spec_finalizers(namespace: &Value) -> impl Iterator<Item = &str> {
    arr_of(child(namespace, "spec"), "finalizers")
        .iter()
        .map(|v| v.as_str().unwrap_or(""))
}

/// `validateFinalizerName`: a qualified name, and either a standard name or one with a prefix.
fn validate_finalizer_name(name: &str, path: &str) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = qualified_name(name)
        .into_iter()
        .map(|m| FieldError::invalid(path, name, m))
        .collect();
    if !name.contains('/') && !STANDARD_FINALIZERS.contains(&name) {
        errs.push(FieldError::invalid(
            path,
            name,
            "name is neither a standard finalizer name nor is it fully qualified",
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn messages(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn finalizer_names_are_standard_or_qualified() {
        let ns = json!({"spec": {"finalizers": ["kubernetes", "example.com/cleanup", "mine"]}});
        assert_eq!(
            messages(&validate_namespace(&ns)),
            [
                "spec.finalizers: Invalid value: \"mine\": name is neither a standard finalizer name nor is it fully qualified"
            ]
        );
        assert_eq!(
            messages(&validate_namespace_finalize(&ns)),
            [
                "spec.finalizers[2]: Invalid value: \"mine\": name is neither a standard finalizer name nor is it fully qualified"
            ]
        );
        let bad = json!({"spec": {"finalizers": ["a/b/c"]}});
        assert_eq!(validate_namespace_finalize(&bad).len(), 1);
        assert!(messages(&validate_namespace_finalize(&bad))[0].starts_with(
            "spec.finalizers[0]: Invalid value: \"a/b/c\": a qualified name must consist of"
        ));
        assert!(validate_namespace(&json!({"spec": {}})).is_empty());
    }
}
