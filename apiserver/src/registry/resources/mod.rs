//! The static table of built-in resources that kube-apiserver serves (Kubernetes 1.34).
//!
//! Every entry carries what discovery reports for the resource (group, version, kind, plural,
//! singular, scope, short names, categories, verbs and subresources) and where and how the
//! resource is stored (etcd key prefix, storage version and its discovery hash). The table
//! itself lives in `core` (`/api/v1`) and `apis` (the named groups); this file holds the types
//! and the lookups.
//!
//! Facts ported from upstream:
//! - Names, short names, categories and verbs follow the live `/api/v1` and `/apis/<group>/<version>`
//!   discovery documents, which list verbs and subresources sorted by name.
//! - Key prefixes are `/registry/<resource>`, except for the prefixes compiled into upstream's
//!   storage factory: `controllers` (replicationcontrollers), `services/endpoints` (endpoints),
//!   `minions` (nodes), `services/specs` (services) and `ingress` (ingresses).
//! - Resources that are one storage served under several group-versions: `events` (core v1 and
//!   events.k8s.io/v1, both stored as core v1 `Event`) and `horizontalpodautoscalers`
//!   (autoscaling/v1 and autoscaling/v2, stored as autoscaling/v2). Such entries share
//!   [`ResourceInfo::etcd_prefix`], storage version and storage version hash.
//! - Group order and preferred versions follow upstream's API service priorities.
//!
//! A subresource records the group, version and kind of the object it takes and returns. For
//! discovery, upstream omits the group and version of a subresource when they equal the parent's.

mod apis;
mod core;
#[cfg(test)]
mod tests;

/// Every verb a fully featured resource supports, sorted as discovery lists them.
pub const VERBS_ALL: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
/// Namespaces cannot be deleted as a collection.
const VERBS_NO_DELETE_COLLECTION: &[&str] = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
/// Subresources that read and write part of the parent (`status`, `scale`, ...).
const VERBS_GET_PATCH_UPDATE: &[&str] = &["get", "patch", "update"];
/// Connect subresources that accept GET and POST (`exec`, `attach`, `portforward`).
const VERBS_CONNECT: &[&str] = &["create", "get"];
/// Proxy subresources, which accept every HTTP method.
const VERBS_PROXY: &[&str] = &["create", "delete", "get", "patch", "update"];
const VERBS_CREATE: &[&str] = &["create"];
const VERBS_GET: &[&str] = &["get"];
const VERBS_UPDATE: &[&str] = &["update"];

/// The `all` category, which `kubectl get all` expands.
const ALL: &[&str] = &["all"];

/// A subresource of a resource, such as `pods/status` or `deployments/scale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subresource {
    /// The name after the slash: `status`, `scale`, `log`, ...
    pub name: &'static str,
    /// The kind of the object the subresource accepts and returns.
    pub kind: &'static str,
    /// The group of `kind` (`""` for core).
    pub group: &'static str,
    /// The version of `kind`.
    pub version: &'static str,
    /// The verbs discovery lists for the subresource, sorted.
    pub verbs: &'static [&'static str],
}

impl Subresource {
    /// The `apiVersion` of [`Subresource::kind`]: `v1` or `autoscaling/v1`.
    pub fn api_version(&self) -> String {
        join_group_version(self.group, self.version)
    }

    /// Whether discovery lists `verb` for this subresource.
    pub fn supports(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }
}

/// One built-in resource as served under one group-version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceInfo {
    /// The API group, `""` for the core group.
    pub group: &'static str,
    /// The version served, such as `v1`.
    pub version: &'static str,
    /// The kind of one object, such as `Pod`.
    pub kind: &'static str,
    /// The kind of a list of objects, such as `PodList`.
    pub list_kind: &'static str,
    /// The resource name in URLs (plural, lower case), such as `pods`.
    pub plural: &'static str,
    /// The singular name, such as `pod`.
    pub singular: &'static str,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// Short names accepted by kubectl, such as `po`.
    pub short_names: &'static [&'static str],
    /// Categories, such as `all`.
    pub categories: &'static [&'static str],
    /// The verbs discovery lists, sorted.
    pub verbs: &'static [&'static str],
    /// Subresources, sorted by name.
    pub subresources: &'static [Subresource],
    /// The storage key prefix without a trailing slash, such as `/registry/pods`.
    pub etcd_prefix: &'static str,
    /// The group of the version objects are stored in.
    pub storage_group: &'static str,
    /// The version objects are stored in.
    pub storage_version: &'static str,
    /// Discovery's `storageVersionHash`: base64 of the first 8 bytes of the SHA-256 of
    /// `<storage group>/<storage version>/<kind>`.
    pub storage_version_hash: &'static str,
}

impl ResourceInfo {
    /// The `apiVersion` of objects served here: `v1` or `apps/v1`.
    pub fn api_version(&self) -> String {
        join_group_version(self.group, self.version)
    }

    /// The `apiVersion` objects are stored as: `v1` or `autoscaling/v2`.
    pub fn storage_api_version(&self) -> String {
        join_group_version(self.storage_group, self.storage_version)
    }

    /// The group-qualified resource used in errors: `pods` or `deployments.apps`.
    pub fn qualified_resource(&self) -> String {
        join_qualified(self.plural, self.group)
    }

    /// The group-qualified kind: `Pod` or `Deployment.apps`.
    pub fn qualified_kind(&self) -> String {
        join_qualified(self.kind, self.group)
    }

    /// Whether discovery lists `verb` for the resource itself.
    pub fn supports(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }

    /// The subresource called `name`, if the resource has one.
    pub fn subresource(&self, name: &str) -> Option<&'static Subresource> {
        self.subresources.iter().find(|s| s.name == name)
    }

    /// Whether the resource has a `status` subresource (and so a status/spec split).
    pub fn has_status(&self) -> bool {
        self.subresource("status").is_some()
    }

    /// Whether both entries are served from the same stored objects.
    pub fn shares_storage_with(&self, other: &ResourceInfo) -> bool {
        self.etcd_prefix == other.etcd_prefix
    }

    /// The storage key of one object: `/registry/pods/default/p` or `/registry/minions/node-1`.
    ///
    /// `namespace` is ignored for cluster-scoped resources.
    pub fn storage_key(&self, namespace: Option<&str>, name: &str) -> String {
        let mut key = self.storage_prefix(namespace);
        key.push_str(name);
        key
    }

    /// The key prefix under which all objects (of one namespace, when given) are stored, with a
    /// trailing `/`: `/registry/pods/default/`, `/registry/pods/` or `/registry/namespaces/`.
    ///
    /// `namespace` is ignored for cluster-scoped resources.
    pub fn storage_prefix(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.namespaced => format!("{}/{}/", self.etcd_prefix, ns),
            _ => format!("{}/", self.etcd_prefix),
        }
    }
}

/// One API group as discovery lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiGroup {
    /// The group name, `""` for the core group.
    pub name: &'static str,
    /// Versions served, preferred first.
    pub versions: &'static [&'static str],
    /// Upstream's group priority: groups are listed highest first.
    pub priority: i32,
}

impl ApiGroup {
    /// The preferred version, which clients use by default.
    pub fn preferred_version(&self) -> &'static str {
        self.versions[0]
    }

    /// The `groupVersion` string of `version` in this group.
    pub fn group_version(&self, version: &str) -> String {
        join_group_version(self.name, version)
    }
}

/// The core group, served under `/api`.
pub const CORE_GROUP: ApiGroup = ApiGroup {
    name: "",
    versions: &["v1"],
    priority: 18000,
};

/// The named groups served under `/apis`, in the order discovery lists them.
pub static GROUPS: &[ApiGroup] = &[
    group("apps", &["v1"], 17800),
    group("events.k8s.io", &["v1"], 17750),
    group("autoscaling", &["v2", "v1"], 17500),
    group("batch", &["v1"], 17400),
    group("networking.k8s.io", &["v1"], 17200),
    group("policy", &["v1"], 17100),
    group("rbac.authorization.k8s.io", &["v1"], 17000),
    group("storage.k8s.io", &["v1"], 16800),
    group("apiextensions.k8s.io", &["v1"], 16700),
    group("scheduling.k8s.io", &["v1"], 16600),
    group("coordination.k8s.io", &["v1"], 16500),
    group("discovery.k8s.io", &["v1"], 16200),
];

/// Every built-in resource: core/v1 first, then the named groups in discovery order.
pub static RESOURCES: &[ResourceInfo] = &concat::<COUNT>(&[core::TABLE, apis::TABLE]);

const COUNT: usize = core::TABLE.len() + apis::TABLE.len();

/// The named groups for `/apis` discovery, highest priority first, versions preferred first.
pub fn groups() -> &'static [ApiGroup] {
    GROUPS
}

/// The group called `name` (`""` is the core group).
pub fn find_group(name: &str) -> Option<&'static ApiGroup> {
    if name.is_empty() {
        return Some(&CORE_GROUP);
    }
    GROUPS.iter().find(|g| g.name == name)
}

/// The resource `plural` served under `group`/`version`.
pub fn find(group: &str, version: &str, plural: &str) -> Option<&'static ResourceInfo> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.plural == plural)
}

/// The resource serving `kind` under `group`/`version`.
pub fn find_by_kind(group: &str, version: &str, kind: &str) -> Option<&'static ResourceInfo> {
    RESOURCES
        .iter()
        .find(|r| r.group == group && r.version == version && r.kind == kind)
}

/// The resources served under `group`/`version`, in table order.
pub fn resources_in<'a>(
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'static ResourceInfo> + 'a {
    RESOURCES
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

fn join_group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

fn join_qualified(name: &str, group: &str) -> String {
    if group.is_empty() {
        name.to_owned()
    } else {
        format!("{name}.{group}")
    }
}

const fn group(name: &'static str, versions: &'static [&'static str], priority: i32) -> ApiGroup {
    ApiGroup {
        name,
        versions,
        priority,
    }
}

/// Joins the per-file tables into one array at compile time.
const fn concat<const N: usize>(parts: &[&[ResourceInfo]]) -> [ResourceInfo; N] {
    let mut out = [BASE; N];
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[n] = parts[i][j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(n == N, "table length mismatch");
    out
}

const fn sub(
    name: &'static str,
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    verbs: &'static [&'static str],
) -> Subresource {
    Subresource {
        name,
        kind,
        group,
        version,
        verbs,
    }
}

/// A `status` subresource of `kind` in `group`/`version`.
const fn status(group: &'static str, version: &'static str, kind: &'static str) -> Subresource {
    sub("status", group, version, kind, VERBS_GET_PATCH_UPDATE)
}

/// The `scale` subresource, always served as autoscaling/v1 `Scale`.
const SCALE: Subresource = sub(
    "scale",
    "autoscaling",
    "v1",
    "Scale",
    VERBS_GET_PATCH_UPDATE,
);

/// Template for the table entries: a namespaced core v1 resource with every verb. Every entry
/// overrides the names, the prefix and the hash.
const BASE: ResourceInfo = ResourceInfo {
    group: "",
    version: "v1",
    kind: "",
    list_kind: "",
    plural: "",
    singular: "",
    namespaced: true,
    short_names: &[],
    categories: &[],
    verbs: VERBS_ALL,
    subresources: &[],
    etcd_prefix: "",
    storage_group: "",
    storage_version: "v1",
    storage_version_hash: "",
};
