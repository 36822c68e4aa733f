//! API discovery for the controllers that work on every resource (the garbage collector and
//! the namespace controller): each group version is discovered on its own, so one failing
//! group (an unavailable aggregated API) leaves the others usable, as upstream's discovery
//! client does; and a map from `apiVersion`/`kind` to the resource (upstream's RESTMapper).

use std::collections::{BTreeMap, HashMap};

use kube::Client;
use kube::core::gvk::GroupVersion;
use kube::discovery::{self, ApiResource, Scope};

/// One resource of one group version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Discovered {
    pub resource: ApiResource,
    pub namespaced: bool,
    pub verbs: Vec<String>,
    /// Whether this is its group's preferred version.
    pub preferred: bool,
}

impl Discovered {
    /// Whether every verb of `verbs` is served.
    pub fn supports(&self, verbs: &[&str]) -> bool {
        verbs.iter().all(|v| self.verbs.iter().any(|s| s == v))
    }
}

/// What discovery found, and the group versions it could not read.
#[derive(Clone, Debug, Default)]
pub struct Discovery {
    pub resources: Vec<Discovered>,
    /// Group version → error.
    pub failed: BTreeMap<String, String>,
}

impl Discovery {
    /// The resources of preferred versions (upstream's `ServerPreferredResources`).
    pub fn preferred(&self) -> impl Iterator<Item = &Discovered> {
        self.resources.iter().filter(|r| r.preferred)
    }

    /// Upstream's `ErrGroupDiscoveryFailed` message, when some group versions failed.
    pub fn failure(&self) -> Option<String> {
        if self.failed.is_empty() {
            return None;
        }
        let groups: Vec<String> = self
            .failed
            .iter()
            .map(|(gv, error)| format!("{gv}: {error}"))
            .collect();
        Some(format!(
            "unable to retrieve the complete list of server APIs: {}",
            groups.join(", ")
        ))
    }

    /// The map from `apiVersion`/`kind` to resources, over every served version.
    pub fn mapper(&self) -> RestMapper {
        let mut kinds = HashMap::new();
        for discovered in &self.resources {
            let r = &discovered.resource;
            kinds
                .entry((r.api_version.clone(), r.kind.clone()))
                .or_insert_with(|| (r.clone(), discovered.namespaced));
        }
        RestMapper { kinds }
    }
}

/// Resources by `apiVersion` and `kind`.
#[derive(Clone, Debug, Default)]
pub struct RestMapper {
    kinds: HashMap<(String, String), (ApiResource, bool)>,
}

impl RestMapper {
    /// The resource of `kind` in `api_version`, and whether it is namespaced.
    pub fn resource(&self, api_version: &str, kind: &str) -> Option<(ApiResource, bool)> {
        self.kinds
            .get(&(api_version.to_owned(), kind.to_owned()))
            .cloned()
    }
}

/// Discovers every group version; fails only when the list of groups cannot be read.
pub async fn discover(client: &Client) -> Result<Discovery, kube::Error> {
    let mut versions: Vec<(GroupVersion, bool)> = Vec::new();
    let core = client.list_core_api_versions().await?;
    for (i, version) in core.versions.iter().enumerate() {
        versions.push((GroupVersion::gv("", version), i == 0));
    }
    let groups = client.list_api_groups().await?;
    for group in groups.groups {
        let preferred = group
            .preferred_version
            .as_ref()
            .map(|p| p.version.clone())
            .or_else(|| group.versions.first().map(|v| v.version.clone()));
        for version in &group.versions {
            let is_preferred = preferred.as_deref() == Some(version.version.as_str());
            versions.push((
                GroupVersion::gv(&group.name, &version.version),
                is_preferred,
            ));
        }
    }
    let mut found = Discovery::default();
    for (gv, preferred) in versions {
        match discovery::pinned_group(client, &gv).await {
            Ok(group) => {
                for (resource, caps) in group.versioned_resources(&gv.version) {
                    found.resources.push(Discovered {
                        resource,
                        namespaced: caps.scope == Scope::Namespaced,
                        verbs: caps.operations.clone(),
                        preferred,
                    });
                }
            }
            Err(error) => {
                found.failed.insert(gv.api_version(), error.to_string());
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
        ApiResource {
            group: group.into(),
            version: version.into(),
            api_version: if group.is_empty() {
                version.into()
            } else {
                format!("{group}/{version}")
            },
            kind: kind.into(),
            plural: plural.into(),
        }
    }

    #[test]
    fn the_mapper_knows_every_version_and_failures_read_as_upstream() {
        let mut discovery = Discovery::default();
        for (version, preferred) in [("v1", true), ("v1beta1", false)] {
            discovery.resources.push(Discovered {
                resource: resource("example.com", version, "Widget", "widgets"),
                namespaced: true,
                verbs: vec!["list".into(), "delete".into()],
                preferred,
            });
        }
        let mapper = discovery.mapper();
        let (found, namespaced) = mapper.resource("example.com/v1beta1", "Widget").unwrap();
        assert_eq!(found.plural, "widgets");
        assert!(namespaced);
        assert!(mapper.resource("example.com/v2", "Widget").is_none());
        assert_eq!(discovery.preferred().count(), 1);
        assert!(discovery.resources[0].supports(&["list", "delete"]));
        assert!(!discovery.resources[0].supports(&["watch"]));
        assert_eq!(discovery.failure(), None);
        discovery
            .failed
            .insert("metrics.k8s.io/v1beta1".into(), "boom".into());
        assert_eq!(
            discovery.failure().unwrap(),
            "unable to retrieve the complete list of server APIs: metrics.k8s.io/v1beta1: boom"
        );
    }
}
