//! CustomResourceDefinitions (apiextensions.k8s.io/v1) and the custom resources they define, as
//! upstream's `k8s.io/apiextensions-apiserver` serves them inside kube-apiserver.
//!
//! # Layout
//!
//! - [`definition`]: a definition read from its JSON: names, scope, versions, schemas,
//!   subresources, printer columns.
//! - [`controller`]: the loop that watches the definitions: it accepts names (NamesAccepted),
//!   establishes them (Established), serves what is established, and deletes a deleted
//!   definition's objects before letting it go (the `customresourcecleanup` finalizer).
//! - [`strategy`]: the rules of custom resources (schema defaults, pruning, validation,
//!   generation) and of the definitions themselves.
//! - [`intern`]: custom names as `&'static str`, to fit the resource table's types.
//!
//! What is served lives in [`CustomResources`], a snapshot the controller replaces as a whole;
//! requests take the current snapshot from the registry and never wait for the controller.

pub mod controller;
pub mod definition;
pub mod intern;
pub mod strategy;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use base64::Engine;

use crate::admission::namespace_lifecycle::Namespaces;
use crate::endpoints::openapi::{self, CustomKind, CustomParts};
use crate::endpoints::openapi_catalog;
use crate::endpoints::table::{CustomColumn, custom_columns};
use crate::registry::customresource::{CustomResourceRules, ScalePaths, Structural};
use crate::registry::resources::{ApiGroup, ResourceInfo, Subresource, VERBS_ALL};
use crate::registry::store::Store;
use crate::storage::Storage;
use definition::{Definition, Version};

/// The group priority upstream gives the groups of custom resources: after every built-in one.
const CUSTOM_GROUP_PRIORITY: i32 = 1000;

/// One served version of a definition, as its store sees it.
#[derive(Debug)]
pub struct ServedVersion {
    pub definition: Arc<Definition>,
    pub version: Version,
    pub info: &'static ResourceInfo,
    /// The columns of its tables.
    pub columns: &'static [CustomColumn],
    /// The version's structural schema (`None` when it has none or it does not parse).
    pub schema: Option<Structural>,
    /// Where its scale subresource reads and writes.
    pub scale: Option<ScalePaths>,
}

/// Versions are the same when their definition, version and table entry are: the rest is
/// derived from those.
impl PartialEq for ServedVersion {
    fn eq(&self, other: &Self) -> bool {
        self.definition == other.definition
            && self.version == other.version
            && std::ptr::eq(self.info, other.info)
    }
}

impl ServedVersion {
    fn new(definition: Arc<Definition>, version: Version, info: &'static ResourceInfo) -> Self {
        let columns: Vec<_> = version
            .columns
            .iter()
            .map(|c| {
                let (name, ty, format) = (&*c.name, &*c.type_, &*c.format);
                (name, ty, format, &*c.description, c.priority, &*c.json_path)
            })
            .collect();
        let schema = version
            .schema
            .as_ref()
            .and_then(|schema| Structural::parse(schema).ok());
        let scale = version.scale.as_ref().map(|paths| ScalePaths {
            spec_replicas_path: paths.spec_replicas.clone(),
            status_replicas_path: paths.status_replicas.clone(),
            label_selector_path: paths.label_selector.clone(),
        });
        ServedVersion {
            columns: custom_columns(&columns),
            definition,
            version,
            info,
            schema,
            scale,
        }
    }

    /// What its objects are validated against.
    pub fn rules(&self) -> CustomResourceRules<'_> {
        CustomResourceRules {
            group: self.info.group,
            version: self.info.version,
            kind: self.info.kind,
            schema: self.schema.as_ref(),
            scale: self.scale.as_ref(),
        }
    }
}

/// The custom resources served at one moment.
#[derive(Default)]
pub struct CustomResources {
    /// The stores by plural name (there may be several groups and versions of one).
    stores: HashMap<&'static str, Vec<Arc<Store>>>,
    /// Served resources, by group then version priority then definition name.
    resources: Vec<&'static ResourceInfo>,
    /// The groups, by name.
    groups: Vec<ApiGroup>,
    /// The served versions, in the order of `resources`.
    versions: Vec<Arc<ServedVersion>>,
    /// Their OpenAPI documents, built on first use.
    openapi: OnceLock<CustomOpenApi>,
}

/// The OpenAPI v3 documents of the custom resources.
pub struct CustomOpenApi {
    /// `/openapi/v3`, built-in group-versions included.
    pub index: Vec<u8>,
    /// `apis/<group>/<version>` → (document, hash).
    pub documents: BTreeMap<String, (Vec<u8>, String)>,
    /// What the custom group-versions add to `/openapi/v2`.
    parts: Vec<CustomParts>,
    /// `/openapi/v2` (JSON, protobuf), built on first use.
    v2: OnceLock<(Vec<u8>, Vec<u8>)>,
}

impl CustomOpenApi {
    /// `/openapi/v2` as JSON and as protobuf, custom resources included.
    pub fn v2(&self) -> &(Vec<u8>, Vec<u8>) {
        self.v2
            .get_or_init(|| openapi::documents().v2_with(&self.parts))
    }
}

impl CustomResources {
    /// Serves the served versions of `definitions` (established ones, with accepted names),
    /// keeping the stores of `previous` whose versions did not change.
    pub fn build(
        definitions: &[Arc<Definition>],
        previous: &CustomResources,
        storage: &Arc<dyn Storage>,
        namespaces: &Arc<Namespaces>,
    ) -> CustomResources {
        let mut served = CustomResources::default();
        let mut sorted: Vec<&Arc<Definition>> = definitions.iter().collect();
        sorted.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
        for definition in sorted {
            let Some(storage_version) = definition.storage_version() else {
                continue;
            };
            for version in definition.served_versions() {
                let info = resource_info(definition, version, &storage_version.name);
                if served
                    .store(info.group, info.version, info.plural)
                    .is_some()
                {
                    continue;
                }
                // An unchanged version keeps its store (and its parsed schema and rules).
                let unchanged = |c: &Arc<ServedVersion>| {
                    std::ptr::eq(c.info, info)
                        && c.version == *version
                        && *c.definition == **definition
                };
                let store = match previous.store(info.group, info.version, info.plural) {
                    Some(store) if store.custom().is_some_and(unchanged) => store.clone(),
                    _ => Arc::new(Store::new_custom(
                        storage.clone(),
                        namespaces.clone(),
                        Arc::new(ServedVersion::new(
                            definition.clone(),
                            version.clone(),
                            info,
                        )),
                    )),
                };
                if let Some(custom) = store.custom() {
                    served.versions.push(custom.clone());
                }
                served.stores.entry(info.plural).or_default().push(store);
                served.resources.push(info);
            }
        }
        let mut groups: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
        for info in &served.resources {
            match groups.iter_mut().find(|(name, _)| *name == info.group) {
                Some((_, versions)) if !versions.contains(&info.version) => {
                    versions.push(info.version)
                }
                Some(_) => {}
                None => groups.push((info.group, vec![info.version])),
            }
        }
        groups.sort_by_key(|(name, _)| *name);
        served.groups = groups
            .into_iter()
            .map(|(name, mut versions)| {
                versions.sort_by(|a, b| definition::compare_versions(a, b));
                ApiGroup {
                    name,
                    versions: intern::list(&versions),
                    priority: CUSTOM_GROUP_PRIORITY,
                }
            })
            .collect();
        served
    }

    /// The store of `plural` in `group`/`version`.
    pub fn store(&self, group: &str, version: &str, plural: &str) -> Option<&Arc<Store>> {
        self.stores
            .get(plural)?
            .iter()
            .find(|s| s.info().group == group && s.info().version == version)
    }

    /// Served resources, grouped by API group.
    pub fn resources(&self) -> &[&'static ResourceInfo] {
        &self.resources
    }

    /// The served versions of every definition.
    pub fn versions(&self) -> &[Arc<ServedVersion>] {
        &self.versions
    }

    /// The groups of custom resources, by name, versions by priority.
    pub fn groups(&self) -> &[ApiGroup] {
        &self.groups
    }

    pub fn find_group(&self, name: &str) -> Option<&ApiGroup> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// The OpenAPI v3 documents of what is served (`None` when nothing is).
    pub fn openapi(&self) -> Option<&CustomOpenApi> {
        if self.versions.is_empty() {
            return None;
        }
        Some(self.openapi.get_or_init(|| {
            let built_in = openapi::documents();
            let mut documents = BTreeMap::new();
            let mut parts = Vec::new();
            for group in &self.groups {
                for version in group.versions {
                    let kinds: Vec<CustomKind> = self
                        .versions
                        .iter()
                        .filter(|v| v.info.group == group.name && v.info.version == *version)
                        .map(|v| CustomKind {
                            resource: openapi_catalog::resource_of(v.info),
                            schema: v.version.schema.clone(),
                        })
                        .collect();
                    let (document, hash, part) =
                        built_in.custom_group_version(group.name, version, &kinds);
                    documents.insert(format!("apis/{}/{version}", group.name), (document, hash));
                    parts.push(part);
                }
            }
            let extra: Vec<(String, String)> = documents
                .iter()
                .map(|(key, (_, hash))| (key.clone(), hash.clone()))
                .collect();
            CustomOpenApi {
                index: built_in.v3_index_with(&extra),
                documents,
                parts,
                v2: OnceLock::new(),
            }
        }))
    }
}

/// The table entry of `version` of `definition`, stored as `storage_version`.
fn resource_info(
    definition: &Definition,
    version: &Version,
    storage_version: &str,
) -> &'static ResourceInfo {
    let names = &definition.accepted;
    let group = intern::string(&definition.group);
    let version_name = intern::string(&version.name);
    let kind = intern::string(&names.kind);
    let mut subresources = Vec::new();
    if version.scale.is_some() {
        subresources.push(Subresource {
            name: "scale",
            kind: "Scale",
            group: "autoscaling",
            version: "v1",
            verbs: &["get", "patch", "update"],
        });
    }
    if version.status {
        subresources.push(Subresource {
            name: "status",
            kind,
            group,
            version: version_name,
            verbs: &["get", "patch", "update"],
        });
    }
    intern::resource(ResourceInfo {
        group,
        version: version_name,
        kind,
        list_kind: intern::string(&names.list_kind),
        plural: intern::string(&names.plural),
        singular: intern::string(&names.singular),
        namespaced: definition.namespaced,
        short_names: intern::list(&names.short_names),
        categories: intern::list(&names.categories),
        verbs: VERBS_ALL,
        subresources: intern::subresources(subresources),
        etcd_prefix: intern::string(&format!("/registry/{}/{}", definition.group, names.plural)),
        storage_group: group,
        storage_version: intern::string(storage_version),
        storage_version_hash: intern::string(&storage_version_hash(
            &definition.group,
            storage_version,
            &names.kind,
        )),
    })
}

/// Discovery's `storageVersionHash`: base64 of the first 8 bytes of the SHA-256 of
/// `<group>/<version>/<kind>`.
pub fn storage_version_hash(group: &str, version: &str, kind: &str) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        format!("{group}/{version}/{kind}").as_bytes(),
    );
    base64::engine::general_purpose::STANDARD.encode(&digest.as_ref()[..8])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_version_hash_matches_the_built_in_table() {
        // The table's entry for CustomResourceDefinition was computed the same way.
        assert_eq!(
            storage_version_hash("apiextensions.k8s.io", "v1", "CustomResourceDefinition"),
            "M5uH+AlWATY="
        );
        assert_eq!(
            storage_version_hash("apps", "v1", "Deployment"),
            "8aSe+NMegvE="
        );
    }
}
