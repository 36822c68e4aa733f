//! What the OpenAPI documents are built from: the resource table and the strategic-merge-patch
//! table, adapted to [`super::openapi`]'s inputs.

use super::openapi::{Catalog, FieldPatch, PatchNode, Resource, Subresource};
use super::patch::{self, Schema};
use crate::registry::resources::RESOURCES;

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
        resources: RESOURCES
            .iter()
            .map(|r| Resource {
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
            })
            .collect(),
        patch_root: Some(Box::new(|group, version, kind| {
            patch::root_schema(kind, group, Some(version))
                .map(|schema| Box::new(PatchTableNode(schema)) as Box<dyn PatchNode>)
        })),
    }
}
