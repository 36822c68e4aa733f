//! OpenAPI documents of the built-in API (Kubernetes 1.34): `/openapi/v3`, `/openapi/v3/<gv>`
//! and `/openapi/v2`.
//!
//! Schemas come from `k8s-openapi`'s `schemars` impls (which carry upstream's descriptions) and
//! are reshaped like upstream's documents: references with siblings are wrapped in `allOf`,
//! `Quantity` is `oneOf` string/number, `IntOrString` is `format: int-or-string` with `oneOf`
//! integer/string, kinds carry `x-kubernetes-group-version-kind`, and fields carry
//! `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` from the caller's strategic
//! merge patch table (see [`PatchNode`]). Paths follow upstream's route layout and carry
//! `x-kubernetes-action` and `x-kubernetes-group-version-kind` on every operation, with the
//! `dryRun`, `fieldManager` and `fieldValidation` query parameters on writes.
//!
//! What kubectl (1.27+) needs, from its source:
//! - `GET /openapi/v3` (`Accept: application/json`): `{"paths": {"apis/apps/v1":
//!   {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=<HASH>"}}}`. The client requests the
//!   URL as given; the hash is only a cache key (upstream: upper-case hex SHA-512, see
//!   [`v3_hash`]). Upstream answers a request whose `hash` matches with
//!   `Cache-Control: public, immutable` and `ETag: "<HASH>"`, and redirects (301) a stale hash to
//!   the current URL; without `hash` it answers with `Cache-Control: no-cache-no-store`.
//! - Server-side field validation (`apply`/`create` default `--validate=strict`): kubectl looks
//!   in the group-version document for a `patch` operation whose
//!   `x-kubernetes-group-version-kind` is the object's kind and that has a `fieldValidation`
//!   parameter; then it sends `fieldValidation=Strict` and skips client-side validation.
//! - Client-side `apply` patches: the `patch` operation of the kind must accept
//!   `application/strategic-merge-patch+json`; the patch is then computed from the component
//!   schema whose `x-kubernetes-group-version-kind` lists the kind, following `properties`,
//!   `items`, `allOf[0]` and `$ref` and reading the patch extensions on each property.
//! - `explain` renders the component schemas of the group-version document.
//! - `/openapi/v2` is what kubectl 1.27 and 1.28 use for validation, apply and explain (newer
//!   ones only as a fallback). client-go asks for it only as protobuf ([`V2_PROTOBUF`]) and
//!   cannot parse JSON: serve [`v2_protobuf`] for that `Accept`, [`v2`] (JSON) otherwise.

mod custom;
mod params;
mod paths;
mod registry;
mod schemas;
mod sha512;
#[cfg(test)]
mod tests;
mod v2;
mod v2_proto;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

pub use custom::{CustomKind, CustomParts, definition_name};

/// The media type kubectl asks `/openapi/v2` for (gnostic protobuf), which is not produced here.
pub const V2_PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/// The media type of the v3 protobuf documents, which is not produced here.
pub const V3_PROTOBUF: &str = "application/com.github.proto-openapi.spec.v3@v1.0+protobuf";

/// A subresource of a served resource, such as `pods/status` or `deployments/scale`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subresource {
    /// The name after the slash: `status`, `scale`, `log`, `exec`, ...
    pub name: &'static str,
    /// Group of the kind the subresource takes and returns (`""` for core).
    pub group: &'static str,
    /// Version of that kind.
    pub version: &'static str,
    /// That kind: `Pod`, `Scale`, `Eviction`, `PodExecOptions`, ...
    pub kind: &'static str,
    /// Verbs, as discovery lists them.
    pub verbs: &'static [&'static str],
}

/// One resource as served under one group-version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// The group (`""` for core).
    pub group: &'static str,
    /// The version.
    pub version: &'static str,
    /// The kind: `Pod`.
    pub kind: &'static str,
    /// The list kind: `PodList`.
    pub list_kind: &'static str,
    /// The plural resource name: `pods`.
    pub plural: &'static str,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Verbs, as discovery lists them.
    pub verbs: &'static [&'static str],
    /// Subresources.
    pub subresources: Vec<Subresource>,
}

/// Strategic-merge-patch metadata of one field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldPatch {
    /// `x-kubernetes-patch-strategy`: `""`, `merge`, `retainKeys`, `merge,retainKeys`, `replace`.
    pub strategy: &'static str,
    /// `x-kubernetes-patch-merge-key`, empty when none.
    pub merge_key: &'static str,
}

impl FieldPatch {
    /// Metadata from the decoded `patchStrategy` flags and `patchMergeKey`.
    pub fn new(merge: bool, retain_keys: bool, replace: bool, merge_key: &'static str) -> Self {
        let strategy = match (merge, retain_keys, replace) {
            (true, true, _) => "merge,retainKeys",
            (true, false, _) => "merge",
            (false, true, _) => "retainKeys",
            (false, false, true) => "replace",
            (false, false, false) => "",
        };
        FieldPatch {
            strategy,
            merge_key,
        }
    }
}

/// A struct type of the strategic-merge-patch table, positioned by the kind it was reached from.
pub trait PatchNode: Send + Sync {
    /// The metadata of field `name` and the node of its value: the struct type of the field,
    /// of each element for a list, and, for a map, a node whose `field(any key)` returns the
    /// node of the map's values. `None` when the value is not a struct the table knows.
    fn field(&self, name: &str) -> (FieldPatch, Option<Box<dyn PatchNode>>);
}

/// Finds the root [`PatchNode`] of a kind: `(group, version, kind)`.
pub type PatchRoot = Box<dyn Fn(&str, &str, &str) -> Option<Box<dyn PatchNode>> + Send + Sync>;

/// The list and map semantics of one field, or (with an empty field name) of a definition:
/// `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and `x-kubernetes-map-type`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldStructure {
    /// `atomic`, `set` or `map`; empty when not a list.
    pub list_type: &'static str,
    pub list_map_keys: &'static [&'static str],
    /// `atomic` for a struct or map that is one unit; empty otherwise.
    pub map_type: &'static str,
}

/// Finds the [`FieldStructure`] of `(definition, field)`; field `""` asks about the definition.
pub type StructureLookup = Box<dyn Fn(&str, &str) -> FieldStructure + Send + Sync>;

/// What the documents describe.
#[derive(Default)]
pub struct Catalog {
    /// Every served resource; group-versions are listed in the order they first appear.
    pub resources: Vec<Resource>,
    /// The strategic-merge-patch table; without it no patch extensions are emitted.
    pub patch_root: Option<PatchRoot>,
    /// List types and atomic structs; without it none are emitted.
    pub structure: Option<StructureLookup>,
}

/// The built documents (compact JSON); the v2 ones are built on first use.
pub struct Documents {
    index: Vec<u8>,
    group_versions: BTreeMap<String, (Vec<u8>, String)>,
    /// Inputs of the v2 documents.
    defs: schemas::Definitions,
    all_paths: Map<String, Value>,
    /// The v2 documents: JSON and protobuf.
    v2: OnceLock<(Vec<u8>, Vec<u8>)>,
}

impl Documents {
    /// Builds every document of `catalog`.
    pub fn build(catalog: &Catalog) -> Documents {
        let mut defs = schemas::Definitions::new();
        let mut generator = schemas::Definitions::generator();
        let mut group_versions: Vec<(&str, &str)> = Vec::new();
        let mut patch_kinds = Vec::new();
        let mut resolved = Vec::new();
        for r in &catalog.resources {
            if !group_versions.contains(&(r.group, r.version)) {
                group_versions.push((r.group, r.version));
                defs.add_group_version(r.group, r.version);
            }
            let Some(def) = defs.add_kind(
                &mut generator,
                r.group,
                r.version,
                r.kind,
                Some(r.list_kind),
            ) else {
                continue;
            };
            patch_kinds.push((def.clone(), r.group.into(), r.version.into(), r.kind.into()));
            let sub_defs = r
                .subresources
                .iter()
                .map(|s| {
                    let same = (s.group, s.version, s.kind) == (r.group, r.version, r.kind);
                    if same {
                        Some(def.clone())
                    } else {
                        defs.add_kind(&mut generator, s.group, s.version, s.kind, None)
                    }
                })
                .collect();
            resolved.push(paths::Resolved {
                resource: r,
                def,
                sub_defs,
            });
        }
        defs.finish(generator);
        defs.annotate_patch(schemas::patch_roots(
            catalog.patch_root.as_ref(),
            &patch_kinds,
        ));
        if let Some(structure) = &catalog.structure {
            defs.annotate_structure(structure.as_ref());
        }

        let mut all_paths = Map::new();
        let mut index = Map::new();
        let mut docs = BTreeMap::new();
        let mut v3_cache = BTreeMap::new();
        for (group, version) in group_versions {
            let mine: Vec<&paths::Resolved<'_>> = resolved
                .iter()
                .filter(|r| (r.resource.group, r.resource.version) == (group, version))
                .collect();
            let gv_paths = paths::build(group, version, &mine);
            let mut roots = Vec::new();
            gv_paths.values().for_each(|v| schemas_refs(v, &mut roots));
            let names = defs.closure(roots.iter().map(String::as_str));
            let bytes = v3_document(&names, &mut v3_cache, &defs, &gv_paths);
            let hash = sha512::hex_upper(&bytes);
            let key = paths::prefix(group, version)
                .trim_start_matches('/')
                .to_owned();
            index.insert(
                key.clone(),
                json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}),
            );
            all_paths.extend(gv_paths);
            docs.insert(key, (bytes, hash));
        }
        Documents {
            index: serde_json::to_vec(&json!({"paths": index})).unwrap_or_default(),
            group_versions: docs,
            defs,
            all_paths,
            v2: OnceLock::new(),
        }
    }

    /// The v2 documents (JSON and protobuf), built on first use: only kubectl 1.27 and 1.28
    /// (and non-kubectl clients) ask for them.
    fn v2_documents(&self) -> &(Vec<u8>, Vec<u8>) {
        self.v2.get_or_init(|| {
            let definitions: Map<String, Value> = self
                .defs
                .defs
                .keys()
                .filter_map(|n| self.defs.v2(n).map(|s| (n.clone(), s)))
                .collect();
            let v2 = v2::document(&self.all_paths, definitions);
            (
                serde_json::to_vec(&v2).unwrap_or_default(),
                v2_proto::encode(&v2),
            )
        })
    }

    /// The `/openapi/v3` index.
    pub fn v3_index(&self) -> &[u8] {
        &self.index
    }

    /// The document of `path` (`api/v1`, `apis/apps/v1`; a leading `/` is ignored).
    pub fn v3_group_version(&self, path: &str) -> Option<&[u8]> {
        self.group_versions
            .get(path.trim_start_matches('/'))
            .map(|(b, _)| b.as_slice())
    }

    /// The `hash` (and `ETag`) of the document of `path`.
    pub fn v3_hash(&self, path: &str) -> Option<&str> {
        self.group_versions
            .get(path.trim_start_matches('/'))
            .map(|(_, h)| h.as_str())
    }

    /// The keys of the index: `api/v1`, `apis/apps/v1`, ...
    pub fn v3_paths(&self) -> impl Iterator<Item = &str> {
        self.group_versions.keys().map(String::as_str)
    }

    /// The Swagger 2.0 document (JSON).
    pub fn v2(&self) -> &[u8] {
        &self.v2_documents().0
    }

    /// The Swagger 2.0 document as gnostic protobuf ([`V2_PROTOBUF`]).
    pub fn v2_protobuf(&self) -> &[u8] {
        &self.v2_documents().1
    }
}

/// The bytes of a group-version document: its schemas `names` (each serialized once and kept in
/// `cache` across documents) and its `paths`. Keys are written in sorted order, as upstream's.
fn v3_document(
    names: &std::collections::BTreeSet<String>,
    cache: &mut BTreeMap<String, Vec<u8>>,
    defs: &schemas::Definitions,
    paths: &Map<String, Value>,
) -> Vec<u8> {
    let security = json!({
        "BearerToken": {
            "description": "Bearer Token authentication",
            "in": "header",
            "name": "authorization",
            "type": "apiKey",
        },
    });
    let mut out = Vec::with_capacity(1 << 20);
    out.extend_from_slice(br#"{"components":{"schemas":{"#);
    let mut first = true;
    for name in names {
        if !cache.contains_key(name) {
            let Some(schema) = defs.v3(name) else {
                continue;
            };
            cache.insert(
                name.clone(),
                serde_json::to_vec(&schema).unwrap_or_default(),
            );
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend(serde_json::to_vec(name).unwrap_or_default());
        out.push(b':');
        out.extend_from_slice(&cache[name]);
    }
    out.extend_from_slice(br#"},"securitySchemes":"#);
    out.extend(serde_json::to_vec(&security).unwrap_or_default());
    out.extend_from_slice(
        br#"},"info":{"title":"Kubernetes","version":"unversioned"},"openapi":"3.0.0","paths":"#,
    );
    out.extend(serde_json::to_vec(paths).unwrap_or_default());
    out.extend_from_slice(br#","security":[{"BearerToken":[]}]}"#);
    out
}

/// Every definition a `$ref` in `value` names.
fn schemas_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(r) if k == "$ref" => {
                        let name = r.strip_prefix(schemas::V3_PREFIX).unwrap_or(r);
                        out.push(name.to_owned());
                    }
                    _ => schemas_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| schemas_refs(v, out)),
        _ => {}
    }
}

static SOURCE: OnceLock<fn() -> Catalog> = OnceLock::new();
static DOCUMENTS: OnceLock<Documents> = OnceLock::new();

/// Registers where the served documents come from; call once at start-up, before the first
/// request. Returns `false` if a source was already installed. Without a source the documents
/// describe no resources.
pub fn install(source: fn() -> Catalog) -> bool {
    SOURCE.set(source).is_ok()
}

/// The documents of the installed source, built on first use.
pub fn documents() -> &'static Documents {
    DOCUMENTS.get_or_init(|| {
        let catalog = SOURCE.get().map_or_else(Catalog::default, |f| f());
        Documents::build(&catalog)
    })
}

/// `GET /openapi/v3`.
pub fn v3_index() -> &'static [u8] {
    documents().v3_index()
}

/// `GET /openapi/v3/<path>` for `path` `api/v1` or `apis/<group>/<version>`.
pub fn v3_group_version(path: &str) -> Option<&'static [u8]> {
    documents().v3_group_version(path)
}

/// The upper-case hex SHA-512 of the document of `path`: its `hash` query value and `ETag`.
pub fn v3_hash(path: &str) -> Option<&'static str> {
    documents().v3_hash(path)
}

/// `GET /openapi/v2` as JSON (`Accept: application/json`, and the default).
pub fn v2() -> &'static [u8] {
    documents().v2()
}

/// `GET /openapi/v2` as gnostic protobuf, for `Accept: `[`V2_PROTOBUF`] (what kubectl sends).
pub fn v2_protobuf() -> &'static [u8] {
    documents().v2_protobuf()
}
