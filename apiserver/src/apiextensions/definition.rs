//! A CustomResourceDefinition as the server uses it: read once from its JSON into the names,
//! scope and versions it serves, with each version's schema, subresources and printer columns.

use serde_json::Value;

use crate::registry::object::ObjectMeta;

/// The finalizer that holds a deleted definition until its objects are gone.
pub const CLEANUP_FINALIZER: &str = "customresourcecleanup.apiextensions.k8s.io";

/// `spec.names` or `status.acceptedNames`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub plural: String,
    pub singular: String,
    pub kind: String,
    pub list_kind: String,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
}

impl Names {
    pub fn from_json(names: &Value) -> Names {
        let text = |field: &str| names[field].as_str().unwrap_or_default().to_owned();
        let texts = |field: &str| -> Vec<String> {
            names[field]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        };
        let kind = text("kind");
        let mut list_kind = text("listKind");
        if list_kind.is_empty() && !kind.is_empty() {
            list_kind = format!("{kind}List");
        }
        let mut singular = text("singular");
        if singular.is_empty() {
            singular = kind.to_ascii_lowercase();
        }
        Names {
            plural: text("plural"),
            singular,
            kind,
            list_kind,
            short_names: texts("shortNames"),
            categories: texts("categories"),
        }
    }

    pub fn to_json(&self) -> Value {
        let mut names = serde_json::json!({
            "plural": self.plural,
            "singular": self.singular,
            "kind": self.kind,
            "listKind": self.list_kind,
        });
        if !self.short_names.is_empty() {
            names["shortNames"] = self.short_names.clone().into();
        }
        if !self.categories.is_empty() {
            names["categories"] = self.categories.clone().into();
        }
        names
    }
}

/// One `additionalPrinterColumns` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct PrinterColumn {
    pub name: String,
    /// `integer`, `number`, `string`, `boolean` or `date`.
    pub type_: String,
    pub format: String,
    pub description: String,
    pub priority: i64,
    pub json_path: String,
}

/// The `scale` subresource's paths.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalePaths {
    pub spec_replicas: String,
    pub status_replicas: String,
    pub label_selector: Option<String>,
}

/// One entry of `spec.versions`.
#[derive(Clone, Debug, PartialEq)]
pub struct Version {
    pub name: String,
    pub served: bool,
    pub storage: bool,
    /// `schema.openAPIV3Schema`.
    pub schema: Option<Value>,
    pub status: bool,
    pub scale: Option<ScalePaths>,
    pub columns: Vec<PrinterColumn>,
    pub deprecation_warning: Option<String>,
}

/// A definition, with the names the server accepted for it.
#[derive(Clone, Debug, PartialEq)]
pub struct Definition {
    pub name: String,
    pub uid: String,
    pub group: String,
    pub names: Names,
    pub accepted: Names,
    pub namespaced: bool,
    pub versions: Vec<Version>,
    /// Being deleted: objects may be read and deleted, not created.
    pub terminating: bool,
}

impl Definition {
    pub fn from_json(crd: &Value) -> Definition {
        let spec = &crd["spec"];
        let versions = spec["versions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(version)
            .collect();
        Definition {
            name: crd.name().unwrap_or_default().to_owned(),
            uid: crd.uid().unwrap_or_default().to_owned(),
            group: spec["group"].as_str().unwrap_or_default().to_owned(),
            names: Names::from_json(&spec["names"]),
            accepted: Names::from_json(&crd["status"]["acceptedNames"]),
            namespaced: spec["scope"].as_str() != Some("Cluster"),
            versions,
            terminating: crd["metadata"]
                .get("deletionTimestamp")
                .is_some_and(|t| !t.is_null()),
        }
    }

    /// The version objects are stored in.
    pub fn storage_version(&self) -> Option<&Version> {
        self.versions.iter().find(|v| v.storage)
    }

    /// The served versions, highest priority first (upstream's kube-aware version order).
    pub fn served_versions(&self) -> Vec<&Version> {
        let mut served: Vec<&Version> = self.versions.iter().filter(|v| v.served).collect();
        served.sort_by(|a, b| compare_versions(&a.name, &b.name));
        served
    }
}

fn version(v: &Value) -> Version {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_owned();
    let subresources = &v["subresources"];
    let scale = subresources
        .get("scale")
        .filter(|s| s.is_object())
        .map(|s| ScalePaths {
            spec_replicas: text(&s["specReplicasPath"]),
            status_replicas: text(&s["statusReplicasPath"]),
            label_selector: s["labelSelectorPath"].as_str().map(str::to_owned),
        });
    let columns = v["additionalPrinterColumns"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| PrinterColumn {
            name: text(&c["name"]),
            type_: text(&c["type"]),
            format: text(&c["format"]),
            description: text(&c["description"]),
            priority: c["priority"].as_i64().unwrap_or(0),
            json_path: text(&c["jsonPath"]),
        })
        .collect();
    Version {
        name: text(&v["name"]),
        served: v["served"].as_bool().unwrap_or(false),
        storage: v["storage"].as_bool().unwrap_or(false),
        schema: v["schema"]
            .get("openAPIV3Schema")
            .filter(|s| s.is_object())
            .cloned(),
        status: subresources.get("status").is_some_and(Value::is_object),
        scale,
        columns,
        deprecation_warning: v["deprecationWarning"].as_str().map(str::to_owned),
    }
}

/// Where a version string sorts among others, as upstream's `CompareKubeAwareVersionStrings`:
/// GA before beta before alpha before anything else; higher major, then higher minor first;
/// strings that are not Kubernetes versions last, alphabetically.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    fn parse(v: &str) -> Option<(u8, u64, u64)> {
        let rest = v.strip_prefix('v')?;
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let major: u64 = rest[..digits].parse().ok()?;
        if major == 0 {
            return None;
        }
        let rest = &rest[digits..];
        if rest.is_empty() {
            return Some((3, major, 0));
        }
        let (rank, minor) = if let Some(m) = rest.strip_prefix("beta") {
            (2, m)
        } else if let Some(m) = rest.strip_prefix("alpha") {
            (1, m)
        } else {
            return None;
        };
        let minor: u64 = minor.parse().ok()?;
        if minor == 0 {
            return None;
        }
        Some((rank, major, minor))
    }
    match (parse(a), parse(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_sort_as_upstream() {
        let mut versions = vec![
            "v1alpha1", "foo", "v2", "v1beta2", "v1", "v1beta1", "v10", "bar",
        ];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            versions,
            [
                "v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "bar", "foo"
            ]
        );
    }

    #[test]
    fn reads_the_crontab_example() {
        let crd = json!({
            "metadata": {"name": "crontabs.stable.example.com", "uid": "u"},
            "spec": {"group": "stable.example.com", "scope": "Namespaced",
                "names": {"plural": "crontabs", "singular": "crontab", "kind": "CronTab",
                    "shortNames": ["ct"]},
                "versions": [{"name": "v1", "served": true, "storage": true,
                    "schema": {"openAPIV3Schema": {"type": "object"}},
                    "subresources": {"status": {}, "scale": {"specReplicasPath": ".spec.replicas",
                        "statusReplicasPath": ".status.replicas"}},
                    "additionalPrinterColumns": [{"name": "Spec", "type": "string",
                        "jsonPath": ".spec.cronSpec"}]}]}});
        let definition = Definition::from_json(&crd);
        assert_eq!(definition.names.list_kind, "CronTabList");
        assert!(definition.namespaced && !definition.terminating);
        let v1 = definition.storage_version().unwrap();
        assert!(v1.status && v1.served);
        assert_eq!(v1.scale.as_ref().unwrap().spec_replicas, ".spec.replicas");
        assert_eq!(v1.columns[0].json_path, ".spec.cronSpec");
    }
}
