//! The structured-merge-diff schema of the built-in types ([`super::smd_table`], generated from
//! the schema k8s.io/client-go publishes for server-side apply): per field, whether a list is
//! `atomic`, a `set` or a `map` with keys, and whether a struct or map is atomic. The OpenAPI
//! documents take `x-kubernetes-list-type`, `x-kubernetes-list-map-keys` and
//! `x-kubernetes-map-type` from it; server-side apply merges by it.

use super::smd_table::TYPES;

/// A scalar's kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    String,
    Numeric,
    Boolean,
    Untyped,
}

/// How the elements of a list, map or struct relate (`elementRelationship`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relationship {
    /// Each element is owned on its own (the default for maps and structs).
    Granular,
    /// The whole value is one unit.
    Atomic,
    /// List elements are identified: by their keys, or (without keys) by their value.
    Associative,
    /// Untyped maps whose shape is deduced.
    Separable,
}

/// The type of a field or element.
#[derive(Clone, Copy, Debug)]
pub enum TypeRef {
    Scalar(Scalar),
    /// An index into the named types.
    Named(u16),
    /// A named type used as one unit here.
    AtomicNamed(u16),
    List(&'static ListDef),
    Map(&'static MapDef),
}

#[derive(Debug)]
pub struct ListDef {
    pub element: TypeRef,
    pub relationship: Relationship,
    /// The keys of an associative list of maps (`x-kubernetes-list-map-keys`).
    pub keys: &'static [&'static str],
}

#[derive(Debug)]
pub struct MapDef {
    pub element: TypeRef,
    pub relationship: Relationship,
}

#[derive(Debug)]
pub struct FieldDef {
    pub name: &'static str,
    pub ty: TypeRef,
}

/// A named type: a struct (`fields`), a map (`map_element`), a scalar, or a mix (untyped).
#[derive(Debug)]
pub struct NamedType {
    /// The OpenAPI definition name: `io.k8s.api.core.v1.PodSpec`.
    pub name: &'static str,
    pub scalar: Option<Scalar>,
    pub list: Option<&'static ListDef>,
    pub map_element: Option<TypeRef>,
    pub relationship: Relationship,
    pub fields: &'static [FieldDef],
}

impl NamedType {
    pub fn field(&self, name: &str) -> Option<&'static FieldDef> {
        self.fields.iter().find(|field| field.name == name)
    }
}

/// The named type at `index` of a [`TypeRef`].
pub fn named(index: u16) -> Option<&'static NamedType> {
    TYPES.get(usize::from(index))
}

/// The named type with OpenAPI definition name `name`.
pub fn find(name: &str) -> Option<&'static NamedType> {
    TYPES
        .binary_search_by(|t| t.name.cmp(name))
        .ok()
        .map(|i| &TYPES[i])
}

/// The index of the named type `name`, for a [`TypeRef::Named`].
pub fn index_of(name: &str) -> Option<u16> {
    TYPES
        .binary_search_by(|t| t.name.cmp(name))
        .ok()
        .and_then(|i| u16::try_from(i).ok())
}

/// `x-kubernetes-list-type` (and `x-kubernetes-list-map-keys`) of a field type, when it is a
/// list: `atomic`, `set`, or `map` with its keys.
pub fn list_type(ty: TypeRef) -> Option<(&'static str, &'static [&'static str])> {
    let list = match ty {
        TypeRef::List(list) => list,
        _ => return None,
    };
    Some(match (list.relationship, list.keys.is_empty()) {
        (Relationship::Associative, false) => ("map", list.keys),
        (Relationship::Associative, true) => ("set", &[]),
        _ => ("atomic", &[]),
    })
}

/// `x-kubernetes-map-type: atomic` of a field type or named type that is one unit.
pub fn is_atomic_map(ty: TypeRef) -> bool {
    match ty {
        TypeRef::Map(map) => map.relationship == Relationship::Atomic,
        TypeRef::AtomicNamed(index) => named(index).is_some_and(|t| t.scalar.is_none()),
        TypeRef::Named(index) => named(index)
            .is_some_and(|t| t.scalar.is_none() && t.relationship == Relationship::Atomic),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(type_name: &str, field: &str) -> TypeRef {
        find(type_name).unwrap().field(field).unwrap().ty
    }

    #[test]
    fn names_are_sorted_and_references_resolve() {
        assert!(TYPES.windows(2).all(|w| w[0].name < w[1].name));
        for t in &TYPES {
            for f in t.fields {
                if let TypeRef::Named(i) | TypeRef::AtomicNamed(i) = f.ty {
                    assert!(named(i).is_some(), "{}.{}", t.name, f.name);
                }
            }
        }
    }

    #[test]
    fn upstream_list_types_and_atomic_structs() {
        let pod_spec = "io.k8s.api.core.v1.PodSpec";
        assert_eq!(
            list_type(field(pod_spec, "containers")),
            Some(("map", &["name"][..]))
        );
        assert_eq!(
            list_type(field("io.k8s.api.core.v1.Container", "args")),
            Some(("atomic", &[][..]))
        );
        assert_eq!(
            list_type(field("io.k8s.api.core.v1.ServiceSpec", "ports")),
            Some(("map", &["port", "protocol"][..]))
        );
        assert_eq!(
            list_type(field(
                "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                "finalizers"
            )),
            Some(("set", &[][..]))
        );
        assert_eq!(list_type(field(pod_spec, "nodeName")), None);
        let selector = field("io.k8s.api.apps.v1.DeploymentSpec", "selector");
        assert!(is_atomic_map(selector), "LabelSelector is an atomic struct");
        assert!(!is_atomic_map(field(pod_spec, "securityContext")));
    }
}
