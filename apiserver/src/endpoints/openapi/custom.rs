//! OpenAPI v3 documents of custom resources, as upstream's CRD OpenAPI builder
//! (`apiextensions-apiserver/pkg/controller/openapi/builder`) makes them: one document per
//! group-version, its kinds' schemas being the definitions' `openAPIV3Schema` with
//! `apiVersion`, `kind` and `metadata` (a reference to `ObjectMeta`) added, a list kind per
//! kind, the same paths as built-in resources (patches by JSON patch, merge patch and apply:
//! custom resources take no strategic merge patch), and the built-in definitions they use.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::schemas::{V2_PREFIX, V3_PREFIX, rewrite_refs, unwrap_refs};
use super::{Documents, Resource, paths, schemas_refs, sha512, v2, v2_proto};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
const LIST_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
const SCALE: &str = "io.k8s.api.autoscaling.v1.Scale";
/// A built-in kind whose `apiVersion`, `kind` and `metadata` descriptions are borrowed.
const DESCRIBED: &str = "io.k8s.api.apps.v1.Deployment";
const DESCRIBED_LIST: &str = "io.k8s.api.apps.v1.DeploymentList";

/// One served kind of a custom resource.
pub struct CustomKind {
    pub resource: Resource,
    /// `openAPIV3Schema` of its version, if it has one.
    pub schema: Option<Value>,
}

/// The definition name of a custom kind: the group's domain reversed, then version and kind
/// (`com.example.stable.v1.CronTab`).
pub fn definition_name(group: &str, version: &str, kind: &str) -> String {
    let mut parts: Vec<&str> = group.split('.').collect();
    parts.reverse();
    format!("{}.{version}.{kind}", parts.join("."))
}

/// What a custom group-version adds to the documents: its paths (v3 shape) and its kinds'
/// schemas.
pub struct CustomParts {
    paths: Map<String, Value>,
    schemas: BTreeMap<String, Value>,
}

impl Documents {
    /// The document of a custom group-version and its `hash`, and the parts it adds to the v2
    /// document.
    pub fn custom_group_version(
        &self,
        group: &str,
        version: &str,
        kinds: &[CustomKind],
    ) -> (Vec<u8>, String, CustomParts) {
        let described = |def: &str, field: &str| {
            self.defs.defs.get(def).map_or(Value::Null, |d| {
                d["properties"][field]["description"].clone()
            })
        };
        let mut schemas = BTreeMap::new();
        let mut resolved = Vec::new();
        for kind in kinds {
            let r = &kind.resource;
            let def = definition_name(r.group, r.version, r.kind);
            let gvk = |kind: &str| json!([{"group": r.group, "kind": kind, "version": r.version}]);
            let mut schema = kind
                .schema
                .clone()
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({"x-kubernetes-preserve-unknown-fields": true}));
            schema["type"] = json!("object");
            let properties = schema
                .as_object_mut()
                .map(|s| s.entry("properties").or_insert_with(|| json!({})));
            if let Some(Value::Object(properties)) = properties {
                for field in ["apiVersion", "kind"] {
                    properties.insert(
                        field.into(),
                        json!({"description": described(DESCRIBED, field), "type": "string"}),
                    );
                }
                properties.insert(
                    "metadata".into(),
                    json!({"allOf": [{"$ref": format!("{V3_PREFIX}{OBJECT_META}")}],
                        "description": described(DESCRIBED, "metadata")}),
                );
            }
            schema["x-kubernetes-group-version-kind"] = gvk(r.kind);
            let list = json!({
                "description": format!("{} is a list of {}", r.list_kind, r.kind),
                "properties": {
                    "apiVersion": {"description": described(DESCRIBED_LIST, "apiVersion"), "type": "string"},
                    "items": {"description": format!("List of {}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md", r.plural),
                        "items": {"$ref": format!("{V3_PREFIX}{def}")}, "type": "array"},
                    "kind": {"description": described(DESCRIBED_LIST, "kind"), "type": "string"},
                    "metadata": {"allOf": [{"$ref": format!("{V3_PREFIX}{LIST_META}")}],
                        "description": described(DESCRIBED_LIST, "metadata")},
                },
                "required": ["items"],
                "type": "object",
                "x-kubernetes-group-version-kind": gvk(r.list_kind),
            });
            schemas.insert(format!("{def}List"), list);
            schemas.insert(def.clone(), schema);
            let sub_defs = r
                .subresources
                .iter()
                .map(|s| {
                    Some(if s.kind == "Scale" {
                        SCALE.to_owned()
                    } else {
                        def.clone()
                    })
                })
                .collect();
            resolved.push(paths::Resolved {
                resource: r,
                def,
                sub_defs,
            });
        }
        let refs: Vec<&paths::Resolved<'_>> = resolved.iter().collect();
        let mut gv_paths = paths::build(group, version, &refs);
        for path in gv_paths.values_mut() {
            if let Some(content) = path
                .get_mut("patch")
                .and_then(|p| p["requestBody"]["content"].as_object_mut())
            {
                content.remove("application/strategic-merge-patch+json");
            }
        }
        let mut roots = Vec::new();
        gv_paths.values().for_each(|v| schemas_refs(v, &mut roots));
        schemas.values().for_each(|v| schemas_refs(v, &mut roots));
        let mut all_schemas = schemas.clone();
        for name in self.defs.closure(roots.iter().map(String::as_str)) {
            if let Some(schema) = self.defs.v3(&name) {
                all_schemas.entry(name).or_insert(schema);
            }
        }
        let document = json!({
            "components": {"schemas": all_schemas},
            "info": {"title": "Kubernetes CRD Swagger", "version": "v0.1.0"},
            "openapi": "3.0.0",
            "paths": &gv_paths,
        });
        let bytes = serde_json::to_vec(&document).unwrap_or_default();
        let hash = sha512::hex_upper(&bytes);
        let parts = CustomParts {
            paths: gv_paths,
            schemas,
        };
        (bytes, hash, parts)
    }

    /// The v2 documents (JSON and protobuf) with the custom group-versions' `parts` added.
    pub fn v2_with(&self, parts: &[CustomParts]) -> (Vec<u8>, Vec<u8>) {
        let mut definitions: Map<String, Value> = self
            .defs
            .defs
            .keys()
            .filter_map(|n| self.defs.v2(n).map(|s| (n.clone(), s)))
            .collect();
        let mut all_paths = self.all_paths.clone();
        for part in parts {
            all_paths.extend(part.paths.clone());
            for (name, schema) in &part.schemas {
                let mut schema = schema.clone();
                unwrap_refs(&mut schema);
                rewrite_refs(&mut schema, V3_PREFIX, V2_PREFIX);
                definitions.insert(name.clone(), schema);
            }
        }
        let definitions: Map<String, Value> = definitions
            .into_iter()
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .collect();
        let v2 = v2::document(&all_paths, definitions);
        (
            serde_json::to_vec(&v2).unwrap_or_default(),
            v2_proto::encode(&v2),
        )
    }

    /// The `/openapi/v3` index with `extra` group-version documents (`apis/<g>/<v>`, hash)
    /// added.
    pub fn v3_index_with(&self, extra: &[(String, String)]) -> Vec<u8> {
        let mut index: Value = serde_json::from_slice(&self.index).unwrap_or(json!({"paths": {}}));
        if let Some(paths) = index["paths"].as_object_mut() {
            for (key, hash) in extra {
                paths.insert(
                    key.clone(),
                    json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}),
                );
            }
            let sorted: Map<String, Value> = std::mem::take(paths)
                .into_iter()
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect();
            *paths = sorted;
        }
        serde_json::to_vec(&index).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_names_reverse_the_group() {
        assert_eq!(
            definition_name("stable.example.com", "v1", "CronTab"),
            "com.example.stable.v1.CronTab"
        );
    }
}
