//! Discovery documents, as upstream serves them (`k8s.io/apiserver/pkg/endpoints/discovery`):
//! `/api` (APIVersions), `/apis` (APIGroupList), `/apis/<group>` (APIGroup), and
//! `/api/v1` or `/apis/<group>/<version>` (APIResourceList with verbs, short names, categories
//! and subresources), and aggregated discovery (`APIGroupDiscoveryList`, apidiscovery.k8s.io v2
//! and v2beta1) on `/api` and `/apis` for clients that ask for it in `Accept`. The groups of
//! custom resources follow the built-in ones, by name, as upstream lists them.

use serde_json::{Value, json};

use crate::apiextensions::CustomResources;
use crate::registry::resources::{self, ApiGroup, CORE_GROUP, ResourceInfo};

/// `/api`.
pub fn api_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

fn group_document(group: &ApiGroup) -> Value {
    let versions: Vec<Value> = group
        .versions
        .iter()
        .map(|v| json!({"groupVersion": group.group_version(v), "version": v}))
        .collect();
    let preferred = group.preferred_version();
    json!({
        "name": group.name,
        "versions": versions,
        "preferredVersion": {"groupVersion": group.group_version(preferred), "version": preferred},
    })
}

/// The named groups served: the built-in ones, then those of custom resources.
fn all_groups(custom: &CustomResources) -> impl Iterator<Item = &ApiGroup> {
    let custom_only = custom
        .groups()
        .iter()
        .filter(|g| resources::find_group(g.name).is_none());
    resources::groups().iter().chain(custom_only)
}

/// The resources served in `group`/`version`, built-in first.
fn resources_of<'a>(
    custom: &'a CustomResources,
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'static ResourceInfo> + 'a {
    resources::RESOURCES
        .iter()
        .chain(custom.resources().iter().copied())
        .filter(move |r| r.group == group && r.version == version)
}

/// `/apis`.
pub fn api_group_list(custom: &CustomResources) -> Value {
    let groups: Vec<Value> = all_groups(custom).map(group_document).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `/apis/<group>`, or `None` for a group not served.
pub fn api_group(name: &str, custom: &CustomResources) -> Option<Value> {
    if name.is_empty() {
        return None;
    }
    let group = resources::find_group(name).or_else(|| custom.find_group(name))?;
    let mut document = group_document(group);
    document["kind"] = json!("APIGroup");
    document["apiVersion"] = json!("v1");
    Some(document)
}

fn resource_entries(resource: &ResourceInfo) -> Vec<Value> {
    let mut entry = json!({
        "name": resource.plural,
        "singularName": resource.singular,
        "namespaced": resource.namespaced,
        "kind": resource.kind,
        "verbs": resource.verbs,
        "storageVersionHash": resource.storage_version_hash,
    });
    if !resource.short_names.is_empty() {
        entry["shortNames"] = json!(resource.short_names);
    }
    if !resource.categories.is_empty() {
        entry["categories"] = json!(resource.categories);
    }
    let mut entries = vec![entry];
    for sub in resource.subresources {
        let mut entry = json!({
            "name": format!("{}/{}", resource.plural, sub.name),
            "singularName": "",
            "namespaced": resource.namespaced,
            "kind": sub.kind,
            "verbs": sub.verbs,
        });
        if sub.group != resource.group || sub.version != resource.version {
            entry["group"] = json!(sub.group);
            entry["version"] = json!(sub.version);
        }
        entries.push(entry);
    }
    entries
}

/// `/api/v1` or `/apis/<group>/<version>`, or `None` for a group-version not served.
pub fn api_resource_list(group: &str, version: &str, custom: &CustomResources) -> Option<Value> {
    let served = if group.is_empty() {
        CORE_GROUP.versions.contains(&version)
    } else {
        resources::find_group(group).is_some_and(|g| g.versions.contains(&version))
            || custom
                .find_group(group)
                .is_some_and(|g| g.versions.contains(&version))
    };
    if !served {
        return None;
    }
    let group_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    let entries: Vec<Value> = resources_of(custom, group, version)
        .flat_map(resource_entries)
        .collect();
    Some(json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": entries,
    }))
}

/// The aggregated discovery version an `Accept` header asks for first (`v2` or `v2beta1`), if
/// any; clients list it before plain JSON and fall back to the legacy documents without it.
pub fn aggregated_version(accept: &str) -> Option<&'static str> {
    for clause in accept.split(',') {
        let params: Vec<&str> = clause.split(';').map(str::trim).collect();
        let has = |p: &str| params.contains(&p);
        if has("g=apidiscovery.k8s.io") && has("as=APIGroupDiscoveryList") {
            if has("v=v2") {
                return Some("v2");
            }
            if has("v=v2beta1") {
                return Some("v2beta1");
            }
        }
    }
    None
}

/// The Content-Type of an aggregated answer in `version`.
pub fn aggregated_content_type(version: &str) -> String {
    format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList")
}

fn response_kind(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

fn aggregated_resource(resource: &ResourceInfo) -> Value {
    let mut entry = json!({
        "resource": resource.plural,
        "responseKind": response_kind(resource.group, resource.version, resource.kind),
        "scope": if resource.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": resource.singular,
        "verbs": resource.verbs,
    });
    if !resource.short_names.is_empty() {
        entry["shortNames"] = json!(resource.short_names);
    }
    if !resource.categories.is_empty() {
        entry["categories"] = json!(resource.categories);
    }
    if !resource.subresources.is_empty() {
        let subresources: Vec<Value> = resource
            .subresources
            .iter()
            .map(|sub| {
                json!({"subresource": sub.name,
                    "responseKind": response_kind(sub.group, sub.version, sub.kind),
                    "verbs": sub.verbs})
            })
            .collect();
        entry["subresources"] = json!(subresources);
    }
    entry
}

fn aggregated_group(group: &ApiGroup, custom: &CustomResources) -> Value {
    let versions: Vec<Value> = group
        .versions
        .iter()
        .map(|version| {
            let resources: Vec<Value> = resources_of(custom, group.name, version)
                .map(aggregated_resource)
                .collect();
            json!({"version": version, "resources": resources, "freshness": "Current"})
        })
        .collect();
    let mut metadata = json!({"creationTimestamp": null});
    if !group.name.is_empty() {
        metadata["name"] = json!(group.name);
    }
    json!({"metadata": metadata, "versions": versions})
}

/// Aggregated discovery of `/api` (`core`) or `/apis`, in apidiscovery `version`.
pub fn aggregated(core: bool, version: &str, custom: &CustomResources) -> Value {
    let items: Vec<Value> = if core {
        vec![aggregated_group(&CORE_GROUP, custom)]
    } else {
        all_groups(custom)
            .map(|group| aggregated_group(group, custom))
            .collect()
    };
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": format!("apidiscovery.k8s.io/{version}"),
        "metadata": {},
        "items": items,
    })
}

/// `/version`, as upstream's `version.Info`.
pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "34",
        "gitVersion": "v1.34.0",
        "gitCommit": env!("CARGO_PKG_VERSION"),
        "gitTreeState": "clean",
        "buildDate": "1970-01-01T00:00:00Z",
        "goVersion": "rust",
        "compiler": "rustc",
        "platform": format!("{}/{}", std::env::consts::OS, goarch()),
    })
}

fn goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_resource_list_has_pods_with_subresources() {
        let custom = CustomResources::default();
        let list = api_resource_list("", "v1", &custom).unwrap();
        let names: Vec<&str> = list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["name"].as_str())
            .collect();
        assert!(names.contains(&"pods"));
        assert!(names.contains(&"pods/status"));
        let pods = list["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "pods")
            .unwrap();
        assert_eq!(pods["shortNames"], json!(["po"]));
        assert_eq!(pods["namespaced"], json!(true));
        assert!(api_resource_list("", "v2", &custom).is_none());
        assert!(api_resource_list("apps", "v1", &custom).is_some());
        assert!(api_group("nope", &custom).is_none());
        let groups = api_group_list(&custom);
        assert!(
            groups["groups"]
                .as_array()
                .unwrap()
                .iter()
                .any(|g| g["name"] == "apps")
        );
    }
}
