//! Metadata-only answers (`Accept: application/json;as=PartialObjectMetadata[List];
//! g=meta.k8s.io;v=v1`), which controllers such as the garbage collector and metadata
//! informers (kube-rs `metadata_watcher`) ask for: each object becomes a
//! `PartialObjectMetadata` holding only its `metadata`, and a list a
//! `PartialObjectMetadataList`.

use serde_json::{Map, Value, json};

/// `meta.k8s.io/<version>`.
fn api_version(version: &str) -> String {
    format!("meta.k8s.io/{version}")
}

/// The `PartialObjectMetadata` of `object`.
pub fn object(object: &Value, version: &str) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": api_version(version),
        "metadata": object.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// The `PartialObjectMetadataList` of `items` with the list's `metadata`.
pub fn list(metadata: Map<String, Value>, items: Vec<Value>, version: &str) -> Value {
    let items: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut partial = object(item, version);
            // List items carry no kind, as in every list.
            if let Some(fields) = partial.as_object_mut() {
                fields.remove("kind");
                fields.remove("apiVersion");
            }
            partial
        })
        .collect();
    json!({
        "kind": "PartialObjectMetadataList",
        "apiVersion": api_version(version),
        "metadata": Value::Object(metadata),
        "items": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_metadata_is_kept() {
        let pod = json!({"kind": "Pod", "apiVersion": "v1",
            "metadata": {"name": "p", "ownerReferences": [{"uid": "u"}]}, "spec": {"x": 1}});
        assert_eq!(
            object(&pod, "v1"),
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": {"name": "p", "ownerReferences": [{"uid": "u"}]}})
        );
        let mut meta = Map::new();
        meta.insert("resourceVersion".into(), json!("7"));
        let answer = list(meta, vec![pod], "v1");
        assert_eq!(answer["kind"], "PartialObjectMetadataList");
        assert_eq!(answer["metadata"]["resourceVersion"], "7");
        assert_eq!(
            answer["items"][0],
            json!({"metadata": {"name": "p", "ownerReferences": [{"uid": "u"}]}})
        );
    }
}
