//! Defaults and server-set fields of `CustomResourceDefinition` objects, as upstream's
//! `pkg/apis/apiextensions/v1/defaults.go` (`singular` is the lower-case kind, `listKind` is
//! `<Kind>List`, conversion `None`, a webhook service's port 443, the stored versions) and the
//! CRD strategy's `PrepareForCreate` / `PrepareForUpdate` (`pkg/registry/customresourcedefinition`:
//! the status starts empty but for the storage version, and an update keeps the stored status
//! and adds a new storage version to `status.storedVersions`).
//!
//! `metadata.generation` and the status subresource split are the generic strategy's.

use serde_json::{Map, Value, json};

/// The name of the version marked `storage: true` (the first, if several are).
fn storage_version(crd: &Value) -> Option<String> {
    crd.get("spec")?
        .get("versions")?
        .as_array()?
        .iter()
        .find(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .and_then(|v| v.get("name")?.as_str().map(str::to_owned))
}

fn object_at<'a>(
    parent: &'a mut Map<String, Value>,
    key: &str,
) -> Option<&'a mut Map<String, Value>> {
    let entry = parent
        .entry(key)
        .or_insert_with(|| Value::Object(Map::new()));
    if entry.is_null() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut()
}

fn is_unset(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.is_empty(),
        _ => false,
    }
}

/// `SetObjectDefaults_CustomResourceDefinition` for v1 objects, in place.
pub fn default_crd(crd: &mut Value) {
    let storage = storage_version(crd);
    let Some(root) = crd.as_object_mut() else {
        return;
    };
    if let Some(spec) = object_at(root, "spec") {
        if let Some(names) = object_at(spec, "names") {
            let kind = names
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            if is_unset(names.get("singular")) {
                names.insert("singular".into(), Value::from(kind.to_lowercase()));
            }
            if is_unset(names.get("listKind")) && !kind.is_empty() {
                names.insert("listKind".into(), Value::from(format!("{kind}List")));
            }
        }
        if spec.get("conversion").is_none_or(Value::is_null) {
            spec.insert("conversion".into(), json!({"strategy": "None"}));
        }
        let service = spec
            .get_mut("conversion")
            .and_then(|c| c.get_mut("webhook"))
            .and_then(|w| w.get_mut("clientConfig"))
            .and_then(|cc| cc.get_mut("service"))
            .and_then(Value::as_object_mut);
        if let Some(service) = service
            && service.get("port").is_none_or(Value::is_null)
        {
            service.insert("port".into(), Value::from(443));
        }
    }
    if let Some(status) = object_at(root, "status")
        && status
            .get("storedVersions")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        && let Some(storage) = storage
    {
        status.insert("storedVersions".into(), json!([storage]));
    }
}

/// The CRD strategy's `PrepareForCreate`: the status starts as upstream serializes an empty
/// one, with the storage version stored.
pub fn prepare_crd_for_create(crd: &mut Value) {
    let storage = storage_version(crd);
    let Some(root) = crd.as_object_mut() else {
        return;
    };
    let stored: Vec<String> = storage.into_iter().collect();
    root.insert(
        "status".into(),
        json!({"acceptedNames": {"plural": "", "kind": ""}, "storedVersions": stored}),
    );
}

/// The CRD strategy's `PrepareForUpdate` of the main resource: the stored status stays, and
/// a new storage version joins `status.storedVersions`.
pub fn prepare_crd_for_update(new: &mut Value, old: &Value) {
    let storage = storage_version(new);
    let Some(root) = new.as_object_mut() else {
        return;
    };
    match old.get("status") {
        Some(status) => {
            root.insert("status".into(), status.clone());
        }
        None => {
            root.remove("status");
        }
    }
    let Some(storage) = storage else {
        return;
    };
    let Some(status) = object_at(root, "status") else {
        return;
    };
    let stored = status
        .entry("storedVersions")
        .or_insert_with(|| Value::Array(Vec::new()));
    if !stored.is_array() {
        *stored = Value::Array(Vec::new());
    }
    if let Some(list) = stored.as_array_mut()
        && !list.iter().any(|v| v.as_str() == Some(storage.as_str()))
    {
        list.push(Value::from(storage));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_defaults() {
        let mut crd = json!({"spec": {"group": "stable.example.com",
            "names": {"plural": "crontabs", "kind": "CronTab"},
            "versions": [{"name": "v1", "served": true, "storage": true}]},
            "status": {}});
        default_crd(&mut crd);
        assert_eq!(crd["spec"]["names"]["singular"], json!("crontab"));
        assert_eq!(crd["spec"]["names"]["listKind"], json!("CronTabList"));
        assert_eq!(crd["spec"]["conversion"], json!({"strategy": "None"}));
        assert_eq!(crd["status"]["storedVersions"], json!(["v1"]));

        let mut no_status = json!({"spec": {"versions": [{"name": "v1", "storage": true}]}});
        default_crd(&mut no_status);
        assert_eq!(no_status["status"]["storedVersions"], json!(["v1"]));

        let mut webhook = json!({"spec": {"names": {"kind": "A", "singular": "x", "listKind": "AList"},
            "conversion": {"strategy": "Webhook", "webhook": {"clientConfig": {"service": {"name": "s", "namespace": "n"}}}}}});
        default_crd(&mut webhook);
        assert_eq!(webhook["spec"]["names"]["singular"], json!("x"));
        assert_eq!(
            webhook["spec"]["conversion"]["webhook"]["clientConfig"]["service"]["port"],
            json!(443)
        );
    }

    #[test]
    fn create_and_update_keep_stored_versions() {
        let mut crd = json!({"spec": {"versions": [{"name": "v1", "storage": false}, {"name": "v2", "storage": true}]},
            "status": {"storedVersions": ["v9"], "conditions": []}});
        prepare_crd_for_create(&mut crd);
        assert_eq!(
            crd["status"],
            json!({"acceptedNames": {"plural": "", "kind": ""}, "storedVersions": ["v2"]})
        );
        let old = crd.clone();
        let mut new = json!({"spec": {"versions": [{"name": "v2", "storage": false}, {"name": "v3", "storage": true}]},
            "status": {"storedVersions": []}});
        prepare_crd_for_update(&mut new, &old);
        assert_eq!(new["status"]["storedVersions"], json!(["v2", "v3"]));
        assert_eq!(
            new["status"]["acceptedNames"],
            json!({"plural": "", "kind": ""})
        );
    }

    #[test]
    fn malformed_objects_are_left_alone() {
        for mut v in [
            json!(null),
            json!([1]),
            json!({"spec": 5}),
            json!({"spec": {"names": "x"}}),
        ] {
            default_crd(&mut v);
            prepare_crd_for_create(&mut v);
            prepare_crd_for_update(&mut v, &json!({"status": 3}));
        }
    }
}
