//! Component schemas: generated from `k8s-openapi`'s `schemars` impls, then shaped like
//! upstream's (`allOf`-wrapped references, `Quantity` / `IntOrString` special cases,
//! `x-kubernetes-group-version-kind`, strategic-merge-patch metadata, list and map types).

use std::collections::{BTreeMap, BTreeSet};

use schemars::SchemaGenerator;
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::{FieldPatch, FieldStructure, PatchNode, PatchRoot, registry};

/// Where v3 references point.
pub(super) const V3_PREFIX: &str = "#/components/schemas/";
/// Where v2 references point.
pub(super) const V2_PREFIX: &str = "#/definitions/";

pub(super) const QUANTITY: &str = "io.k8s.apimachinery.pkg.api.resource.Quantity";
pub(super) const INT_OR_STRING: &str = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
pub(super) const DELETE_OPTIONS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions";
pub(super) const STATUS: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
pub(super) const WATCH_EVENT: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent";
pub(super) const PATCH: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
pub(super) const RESOURCE_LIST: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";

/// A group-version-kind as the `x-kubernetes-group-version-kind` extension spells it.
pub(super) type Gvk = (String, String, String);

/// The definitions of every schema the documents use, in the neutral (schemars) shape:
/// references point at [`V3_PREFIX`], and a reference may carry sibling keys.
pub(super) struct Definitions {
    pub defs: Map<String, Value>,
    /// `x-kubernetes-group-version-kind` of each definition that is a kind.
    pub gvks: BTreeMap<String, BTreeSet<Gvk>>,
}

impl Definitions {
    /// The generator that collects schemas until [`Definitions::finish`], primed with the
    /// `meta/v1` types every document references.
    pub(super) fn generator() -> SchemaGenerator {
        let mut generator = SchemaSettings::openapi3().into_generator();
        for add in registry::META {
            add(&mut generator);
        }
        generator
    }

    pub(super) fn new() -> Self {
        let mut gvks = BTreeMap::<String, BTreeSet<Gvk>>::new();
        for name in [STATUS, RESOURCE_LIST] {
            let kind = name.rsplit('.').next().unwrap_or(name);
            gvks.entry(name.to_owned()).or_default().insert((
                String::new(),
                kind.to_owned(),
                "v1".to_owned(),
            ));
        }
        Definitions {
            defs: Map::new(),
            gvks,
        }
    }

    /// Moves the generated schemas into [`Definitions::defs`]; call after the last
    /// [`Definitions::add_kind`].
    pub(super) fn finish(&mut self, mut generator: SchemaGenerator) {
        for (k, v) in generator.take_definitions(true) {
            self.defs.entry(k).or_insert(v);
        }
    }

    /// Adds `kind` (and, when `list_kind` is given, its list) to the definitions; returns the
    /// definition name of the kind. Unknown kinds return `None`.
    pub(super) fn add_kind(
        &mut self,
        generator: &mut SchemaGenerator,
        group: &str,
        version: &str,
        kind: &str,
        list_kind: Option<&str>,
    ) -> Option<String> {
        let found = registry::find(group, version, kind)?;
        let name = (found.name)().into_owned();
        (found.add)(generator);
        self.gvks.entry(name.clone()).or_default().insert((
            group.to_owned(),
            kind.to_owned(),
            version.to_owned(),
        ));
        if let Some(list_kind) = list_kind {
            let list = format!("{name}List");
            self.defs
                .entry(list.clone())
                .or_insert_with(|| list_schema(&name, kind));
            self.gvks.entry(list).or_default().insert((
                group.to_owned(),
                list_kind.to_owned(),
                version.to_owned(),
            ));
        }
        Some(name)
    }

    /// Records that `DeleteOptions` and `WatchEvent` are served in `group`/`version`.
    pub(super) fn add_group_version(&mut self, group: &str, version: &str) {
        for name in [DELETE_OPTIONS, WATCH_EVENT] {
            let kind = name.rsplit('.').next().unwrap_or(name);
            self.gvks.entry(name.to_owned()).or_default().insert((
                group.to_owned(),
                kind.to_owned(),
                version.to_owned(),
            ));
        }
    }

    /// Adds strategic-merge-patch metadata to the properties of every definition reachable
    /// from the kinds `roots` (`(definition name, patch root)`).
    pub(super) fn annotate_patch(&mut self, roots: Vec<(String, Box<dyn PatchNode>)>) {
        let mut visited = BTreeSet::new();
        for (name, node) in roots {
            self.annotate(&name, node.as_ref(), &mut visited);
        }
    }

    fn annotate(&mut self, name: &str, node: &dyn PatchNode, visited: &mut BTreeSet<String>) {
        if !visited.insert(name.to_owned()) {
            return;
        }
        let Some(props) = self
            .defs
            .get_mut(name)
            .and_then(|d| d.get_mut("properties"))
            .and_then(Value::as_object_mut)
        else {
            return;
        };
        let mut children = Vec::new();
        for (field, prop) in props.iter_mut() {
            let (meta, child) = node.field(field);
            if let Some(obj) = prop.as_object_mut() {
                set_patch(obj, meta);
            }
            let Some(child) = child else { continue };
            if let Some(target) = ref_of(prop).or_else(|| prop.get("items").and_then(ref_of)) {
                children.push((target, child));
            } else if let Some(target) = prop.get("additionalProperties").and_then(ref_of) {
                // A map: the child answers for every key with the value type.
                if let (_, Some(values)) = child.field("") {
                    children.push((target, values));
                }
            }
        }
        for (target, child) in children {
            self.annotate(&target, child.as_ref(), visited);
        }
    }

    /// Adds `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and `x-kubernetes-map-type`
    /// to every definition and property `lookup` knows.
    pub(super) fn annotate_structure(&mut self, lookup: &dyn Fn(&str, &str) -> FieldStructure) {
        for (name, def) in self.defs.iter_mut() {
            let Some(obj) = def.as_object_mut() else {
                continue;
            };
            set_structure(obj, lookup(name, ""));
            let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) else {
                continue;
            };
            for (field, prop) in props.iter_mut() {
                if let Some(prop) = prop.as_object_mut() {
                    set_structure(prop, lookup(name, field));
                }
            }
        }
    }

    /// The names of all definitions reachable from `roots`.
    pub(super) fn closure<'a>(&self, roots: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<String> = roots.into_iter().map(str::to_owned).collect();
        while let Some(name) = stack.pop() {
            if !self.defs.contains_key(&name) || !seen.insert(name.clone()) {
                continue;
            }
            collect_refs(&self.defs[&name], &mut stack);
        }
        seen
    }

    /// The v3 shape of definition `name`.
    pub(super) fn v3(&self, name: &str) -> Option<Value> {
        let mut schema = self.defs.get(name)?.clone();
        wrap_refs(&mut schema);
        let obj = schema.as_object_mut()?;
        match name {
            QUANTITY => {
                obj.remove("x-kubernetes-int-or-string");
                obj.insert(
                    "oneOf".into(),
                    json!([{"type": "string"}, {"type": "number"}]),
                );
            }
            INT_OR_STRING => {
                obj.remove("x-kubernetes-int-or-string");
                obj.insert("format".into(), "int-or-string".into());
                obj.insert(
                    "oneOf".into(),
                    json!([{"type": "integer"}, {"type": "string"}]),
                );
            }
            _ => {}
        }
        self.add_gvk(name, obj);
        Some(schema)
    }

    /// The v2 shape of definition `name`.
    pub(super) fn v2(&self, name: &str) -> Option<Value> {
        let mut schema = self.defs.get(name)?.clone();
        unwrap_refs(&mut schema);
        rewrite_refs(&mut schema, V3_PREFIX, V2_PREFIX);
        let obj = schema.as_object_mut()?;
        match name {
            QUANTITY => {
                obj.remove("x-kubernetes-int-or-string");
                obj.insert("type".into(), "string".into());
            }
            INT_OR_STRING => {
                obj.remove("x-kubernetes-int-or-string");
                obj.insert("type".into(), "string".into());
                obj.insert("format".into(), "int-or-string".into());
            }
            _ => {}
        }
        self.add_gvk(name, obj);
        Some(schema)
    }

    fn add_gvk(&self, name: &str, obj: &mut Map<String, Value>) {
        if let Some(gvks) = self.gvks.get(name) {
            let list: Vec<Value> = gvks
                .iter()
                .map(|(g, k, v)| json!({"group": g, "kind": k, "version": v}))
                .collect();
            obj.insert("x-kubernetes-group-version-kind".into(), Value::Array(list));
        }
    }
}

/// Looks up the patch root of every kind in `kinds` (`(definition, group, version, kind)`).
pub(super) fn patch_roots(
    root: Option<&PatchRoot>,
    kinds: &[(String, String, String, String)],
) -> Vec<(String, Box<dyn PatchNode>)> {
    let Some(root) = root else {
        return Vec::new();
    };
    kinds
        .iter()
        .filter_map(|(def, g, v, k)| root(g, v, k).map(|node| (def.clone(), node)))
        .collect()
}

fn set_patch(obj: &mut Map<String, Value>, meta: FieldPatch) {
    if !meta.merge_key.is_empty() {
        obj.insert("x-kubernetes-patch-merge-key".into(), meta.merge_key.into());
    }
    if !meta.strategy.is_empty() {
        obj.insert("x-kubernetes-patch-strategy".into(), meta.strategy.into());
    }
}

fn set_structure(obj: &mut Map<String, Value>, structure: FieldStructure) {
    if !structure.list_type.is_empty() {
        obj.insert("x-kubernetes-list-type".into(), structure.list_type.into());
    }
    if !structure.list_map_keys.is_empty() {
        obj.insert(
            "x-kubernetes-list-map-keys".into(),
            json!(structure.list_map_keys),
        );
    }
    if !structure.map_type.is_empty() {
        obj.insert("x-kubernetes-map-type".into(), structure.map_type.into());
    }
}

/// The definition a `{"$ref": ...}` (possibly `allOf`-wrapped) schema points at.
fn ref_of(schema: &Value) -> Option<String> {
    let r = schema.get("$ref").and_then(Value::as_str).or_else(|| {
        schema
            .get("allOf")?
            .get(0)?
            .get("$ref")
            .and_then(Value::as_str)
    })?;
    Some(r.strip_prefix(V3_PREFIX).unwrap_or(r).to_owned())
}

fn collect_refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => {
                        out.push(r.strip_prefix(V3_PREFIX).unwrap_or(r).to_owned());
                    }
                    _ => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// OpenAPI 3.0 ignores siblings of `$ref`; upstream wraps such references in `allOf`.
fn wrap_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.len() > 1
                && let Some(r) = map.remove("$ref")
            {
                map.insert("allOf".into(), json!([{"$ref": r}]));
            }
            map.values_mut().for_each(wrap_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(wrap_refs),
        _ => {}
    }
}

/// Swagger 2.0 clients (kubectl's `proto` models) only follow a `$ref` placed directly on the
/// schema; upstream's v2 document puts the siblings next to it.
pub(super) fn unwrap_refs(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let single_ref = match map.get("allOf") {
                Some(Value::Array(all)) if all.len() == 1 => all[0]
                    .as_object()
                    .filter(|o| o.len() == 1)
                    .and_then(|o| o.get("$ref"))
                    .cloned(),
                _ => None,
            };
            if let Some(r) = single_ref {
                map.remove("allOf");
                map.insert("$ref".into(), r);
            }
            map.values_mut().for_each(unwrap_refs);
        }
        Value::Array(items) => items.iter_mut().for_each(unwrap_refs),
        _ => {}
    }
}

pub(super) fn rewrite_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                match v {
                    Value::String(s) if k == "$ref" => {
                        if let Some(rest) = s.strip_prefix(from) {
                            *s = format!("{to}{rest}");
                        }
                    }
                    _ => rewrite_refs(v, from, to),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

/// The schema of `<Kind>List`, which `k8s-openapi` models as a generic type without a schema.
fn list_schema(item: &str, kind: &str) -> Value {
    let item_ref = format!("{V3_PREFIX}{item}");
    json!({
        "description": format!("{kind}List is a list of {kind} objects."),
        "properties": {
            "apiVersion": {
                "description": "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources",
                "type": "string",
            },
            "items": {
                "description": format!("List of {kind} objects."),
                "items": {"$ref": item_ref},
                "type": "array",
            },
            "kind": {
                "description": "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
                "type": "string",
            },
            "metadata": {
                "$ref": format!("{V3_PREFIX}{LIST_META}"),
                "description": "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds",
            },
        },
        "required": ["items"],
        "type": "object",
    })
}
