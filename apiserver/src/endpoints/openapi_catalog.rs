//! What the OpenAPI documents are built from: the resource table, the strategic-merge-patch
//! table and the structured-merge-diff schema, adapted to [`super::openapi`]'s inputs.

use super::openapi::{Catalog, FieldPatch, FieldStructure, PatchNode, Resource, Subresource};
use super::patch::{self, Schema, smd};
use crate::registry::resources::{RESOURCES, ResourceInfo};

/// A node of the patch table, seen by the OpenAPI builder.
struct PatchTableNode(Schema);

impl PatchNode for PatchTableNode {
    fn field(&self, name: &str) -> (FieldPatch, Option<Box<dyn PatchNode>>) {
        let (child, meta) = self.0.lookup(name);
        let field = FieldPatch::new(meta.merge, meta.retain_keys, meta.replace, meta.merge_key);
        let known = child.type_def().is_some() || child.name() == "map";
        (
            field,
            known.then(|| Box::new(PatchTableNode(child)) as Box<dyn PatchNode>),
        )
    }
}

/// The served resources and their patch metadata.
pub fn catalog() -> Catalog {
    Catalog {
        resources: RESOURCES.iter().map(resource_of).collect(),
        patch_root: Some(Box::new(|group, version, kind| {
            patch::root_schema(kind, group, Some(version))
                .map(|schema| Box::new(PatchTableNode(schema)) as Box<dyn PatchNode>)
        })),
        structure: Some(Box::new(structure)),
    }
}

/// A table entry as the OpenAPI builder takes it.
pub fn resource_of(r: &ResourceInfo) -> Resource {
    Resource {
        group: r.group,
        version: r.version,
        kind: r.kind,
        list_kind: r.list_kind,
        plural: r.plural,
        namespaced: r.namespaced,
        verbs: r.verbs,
        subresources: r
            .subresources
            .iter()
            .map(|s| Subresource {
                name: s.name,
                group: s.group,
                version: s.version,
                kind: s.kind,
                verbs: s.verbs,
            })
            .collect(),
    }
}

/// List and map types from the structured-merge-diff schema.
fn structure(definition: &str, field: &str) -> FieldStructure {
    let Some(named) = smd::find(definition) else {
        return FieldStructure::default();
    };
    if field.is_empty() {
        let atomic = named.scalar.is_none() && named.relationship == smd::Relationship::Atomic;
        return FieldStructure {
            map_type: if atomic { "atomic" } else { "" },
            ..FieldStructure::default()
        };
    }
    let Some(field) = named.field(field) else {
        return FieldStructure::default();
    };
    let (list_type, list_map_keys) = smd::list_type(field.ty).unwrap_or(("", &[]));
    // Upstream marks atomic maps on the field; atomic structs carry it on their definition.
    let map_type = match field.ty {
        smd::TypeRef::Map(_) if smd::is_atomic_map(field.ty) => "atomic",
        _ => "",
    };
    FieldStructure {
        list_type,
        list_map_keys,
        map_type,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structure_comes_from_the_structured_merge_diff_schema() {
        let ports = structure("io.k8s.api.core.v1.ServiceSpec", "ports");
        assert_eq!(
            (ports.list_type, ports.list_map_keys),
            ("map", &["port", "protocol"][..])
        );
        assert_eq!(
            structure("io.k8s.api.core.v1.Container", "command").list_type,
            "atomic"
        );
        assert_eq!(
            structure("io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector", "").map_type,
            "atomic"
        );
        assert_eq!(structure("io.k8s.api.core.v1.PodSpec", "").map_type, "");
        assert_eq!(
            structure("io.k8s.api.core.v1.PodSpec", "nodeSelector").map_type,
            "atomic"
        );
        let labels = structure("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "labels");
        assert_eq!(labels, FieldStructure::default());
        assert_eq!(structure("no.such.Type", "x"), FieldStructure::default());
    }
}
