//! The schemas field management walks objects with: the built-in types (the generated
//! structured-merge-diff table in [`crate::endpoints::patch::smd`]), a schema owned at run
//! time and built from an OpenAPI v3 `JSONSchemaProps` (custom resources), and the deduced
//! schema of objects without one (maps granular, lists atomic).
//!
//! A walk asks a [`Node`] for the [`Shape`] of the value in hand: a leaf (scalars and
//! everything atomic), a granular map or struct, or an associative list (a set, or a list
//! of maps with keys). A value whose JSON type does not fit the schema is a leaf.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::endpoints::patch::smd::{self, Relationship, TypeRef};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// The schema of one kind of object.
#[derive(Clone, Debug)]
pub enum ObjectSchema {
    /// A built-in type of the generated table.
    Builtin(TypeRef),
    /// A schema built at run time.
    Owned(OwnedType),
}

impl ObjectSchema {
    /// The schema of a built-in kind, or the deduced one (with `ObjectMeta` metadata) when the
    /// table does not have it.
    pub fn for_kind(group: &str, version: &str, kind: &str) -> ObjectSchema {
        let package = match group {
            "" => "core",
            "internal.apiserver.k8s.io" => "apiserverinternal",
            group => group.split('.').next().unwrap_or(group),
        };
        match smd::index_of(&format!("io.k8s.api.{package}.{version}.{kind}")) {
            Some(index) => ObjectSchema::Builtin(TypeRef::Named(index)),
            None => ObjectSchema::Owned(deduced_object()),
        }
    }

    /// The deduced schema (with `ObjectMeta` metadata), for objects without a schema.
    pub fn deduced() -> ObjectSchema {
        ObjectSchema::Owned(deduced_object())
    }

    /// The node of the whole object.
    pub fn root(&self) -> Node<'_> {
        match self {
            ObjectSchema::Builtin(ty) => Node::Builtin(*ty),
            ObjectSchema::Owned(owned) => Node::Owned(owned),
        }
    }
}

/// A schema node owned at run time.
#[derive(Clone, Debug)]
pub enum OwnedType {
    /// A string, number, boolean, or int-or-string.
    Scalar,
    /// An object: declared properties, the schema of other keys (`additionalProperties`),
    /// and whether it is one unit (`x-kubernetes-map-type: atomic`).
    Object {
        fields: BTreeMap<String, OwnedType>,
        additional: Option<Box<OwnedType>>,
        atomic: bool,
    },
    /// A list: `keys` for `map`, `set` for `set`; other lists are atomic.
    List {
        element: Box<OwnedType>,
        set: bool,
        keys: Vec<String>,
        /// The `default` of each key's property.
        key_defaults: Vec<Option<Value>>,
        atomic: bool,
    },
    /// A built-in type (`ObjectMeta` of a custom resource or an embedded resource).
    Builtin(TypeRef),
    /// No schema: maps granular, lists atomic.
    Deduced,
}

fn object_meta() -> OwnedType {
    smd::index_of(OBJECT_META)
        .map(|i| OwnedType::Builtin(TypeRef::Named(i)))
        .unwrap_or(OwnedType::Deduced)
}

/// The schema of an object without one: `metadata` is `ObjectMeta`, the rest deduced.
pub fn deduced_object() -> OwnedType {
    let mut fields = BTreeMap::new();
    fields.insert("apiVersion".to_string(), OwnedType::Scalar);
    fields.insert("kind".to_string(), OwnedType::Scalar);
    fields.insert("metadata".to_string(), object_meta());
    OwnedType::Object {
        fields,
        additional: Some(Box::new(OwnedType::Deduced)),
        atomic: false,
    }
}

/// The schema of a custom resource from its `openAPIV3Schema` (a `JSONSchemaProps`).
/// `apiVersion`, `kind` and `metadata` get their built-in meaning, as upstream.
pub fn schema_from_openapi_v3(props: &Value) -> OwnedType {
    let mut root = convert(props);
    if let OwnedType::Object { fields, .. } = &mut root {
        add_type_meta(fields);
    } else {
        root = deduced_object();
    }
    root
}

fn add_type_meta(fields: &mut BTreeMap<String, OwnedType>) {
    fields.insert("apiVersion".to_string(), OwnedType::Scalar);
    fields.insert("kind".to_string(), OwnedType::Scalar);
    fields.insert("metadata".to_string(), object_meta());
}

fn convert(props: &Value) -> OwnedType {
    let flag = |name: &str| props.get(name).and_then(Value::as_bool).unwrap_or(false);
    if flag("x-kubernetes-int-or-string") {
        return OwnedType::Scalar;
    }
    let preserve = flag("x-kubernetes-preserve-unknown-fields");
    let embedded = flag("x-kubernetes-embedded-resource");
    let ty = props.get("type").and_then(Value::as_str).unwrap_or("");
    let properties = props.get("properties").and_then(Value::as_object);
    match ty {
        "array" => {
            let element = props
                .get("items")
                .map(convert)
                .unwrap_or(OwnedType::Deduced);
            let list_type = props
                .get("x-kubernetes-list-type")
                .and_then(Value::as_str)
                .unwrap_or("atomic");
            let keys: Vec<String> = props
                .get("x-kubernetes-list-map-keys")
                .and_then(Value::as_array)
                .map(|keys| {
                    keys.iter()
                        .filter_map(|k| k.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            let keys = if list_type == "map" { keys } else { Vec::new() };
            let key_defaults = keys
                .iter()
                .map(|k| {
                    props
                        .pointer(&format!("/items/properties/{k}/default"))
                        .cloned()
                })
                .collect();
            OwnedType::List {
                element: Box::new(element),
                set: list_type == "set",
                atomic: !matches!(list_type, "set" | "map"),
                keys,
                key_defaults,
            }
        }
        "object" | "" if properties.is_some() || ty == "object" || embedded => {
            let mut fields: BTreeMap<String, OwnedType> = properties
                .map(|p| p.iter().map(|(k, v)| (k.clone(), convert(v))).collect())
                .unwrap_or_default();
            if embedded {
                add_type_meta(&mut fields);
            }
            let additional = match props.get("additionalProperties") {
                Some(Value::Object(schema)) if !schema.is_empty() => {
                    Some(Box::new(convert(&Value::Object(schema.clone()))))
                }
                Some(Value::Bool(true)) | Some(Value::Object(_)) => {
                    Some(Box::new(OwnedType::Deduced))
                }
                _ if preserve || properties.is_none() => Some(Box::new(OwnedType::Deduced)),
                _ => None,
            };
            OwnedType::Object {
                fields,
                additional,
                atomic: props.get("x-kubernetes-map-type").and_then(Value::as_str)
                    == Some("atomic"),
            }
        }
        "" => OwnedType::Deduced,
        _ => OwnedType::Scalar,
    }
}

/// A place in a schema.
#[derive(Clone, Copy, Debug)]
pub enum Node<'s> {
    Builtin(TypeRef),
    Owned(&'s OwnedType),
    /// No schema: maps granular, lists atomic.
    Deduced,
}

/// How a value is walked at a node.
pub enum Shape<'s> {
    /// Owned as a whole: scalars, atomic lists, maps and structs, mismatched values.
    Leaf,
    /// A granular map or struct.
    Map(MapNode<'s>),
    /// An associative list: elements are identified by their keys or (a set) their value.
    List { element: Node<'s>, keys: Keys<'s> },
}

/// The key fields of an associative list (empty for a set).
#[derive(Clone, Copy)]
pub enum Keys<'s> {
    Static(&'static [&'static str]),
    /// Key names, and their defaults from the schema.
    Owned(&'s [String], &'s [Option<Value>]),
}

impl<'s> Keys<'s> {
    pub fn is_empty(&self) -> bool {
        match self {
            Keys::Static(k) => k.is_empty(),
            Keys::Owned(k, _) => k.is_empty(),
        }
    }

    /// The default of the `i`th key. The built-in types' only defaulted list-map key is
    /// `protocol` (`TCP`) of container, service and endpoint ports.
    pub fn default(&self, i: usize) -> Option<Value> {
        match self {
            Keys::Static(k) => (k.get(i) == Some(&"protocol")).then(|| Value::from("TCP")),
            Keys::Owned(_, defaults) => defaults.get(i).cloned().flatten(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'s str> + '_ {
        let (a, b) = match *self {
            Keys::Static(k) => (Some(k.iter().copied()), None),
            Keys::Owned(k, _) => (None, Some(k.iter().map(String::as_str))),
        };
        a.into_iter().flatten().chain(b.into_iter().flatten())
    }
}

/// A granular map or struct.
#[derive(Clone, Copy)]
pub enum MapNode<'s> {
    Builtin(&'static smd::NamedType),
    BuiltinMap(TypeRef),
    Owned {
        fields: &'s BTreeMap<String, OwnedType>,
        additional: Option<&'s OwnedType>,
    },
    Deduced,
}

impl<'s> MapNode<'s> {
    /// The node of the value under `key`, and whether `key` is a declared struct field (a
    /// map entry, unlike a struct field, is owned itself when it has content).
    pub fn child(&self, key: &str) -> (Node<'s>, bool) {
        match *self {
            MapNode::Builtin(t) => match t.field(key) {
                Some(field) => (Node::Builtin(field.ty), true),
                None => match t.map_element {
                    Some(element) => (Node::Builtin(element), false),
                    None => (Node::Deduced, false),
                },
            },
            MapNode::BuiltinMap(element) => (Node::Builtin(element), false),
            MapNode::Owned { fields, additional } => match fields.get(key) {
                Some(field) => (Node::Owned(field), true),
                None => (additional.map(Node::Owned).unwrap_or(Node::Deduced), false),
            },
            MapNode::Deduced => (Node::Deduced, false),
        }
    }

    /// Whether this node is a struct of the built-in types, which Go always has: upstream
    /// compares against zero-valued structs, so a struct node is never "added" itself.
    pub fn is_builtin_struct(&self) -> bool {
        matches!(self, MapNode::Builtin(t) if !t.fields.is_empty() && t.map_element.is_none())
    }
}

impl<'s> Node<'s> {
    /// The shape of `value` at this node.
    pub fn shape(self, value: &Value) -> Shape<'s> {
        match value {
            Value::Object(_) => self.map_shape(),
            Value::Array(_) => self.list_shape(),
            _ => Shape::Leaf,
        }
    }

    fn map_shape(self) -> Shape<'s> {
        match self {
            Node::Builtin(TypeRef::Named(index)) => match smd::named(index) {
                Some(t) if t.relationship == Relationship::Atomic => Shape::Leaf,
                Some(t) if !t.fields.is_empty() || t.map_element.is_some() => {
                    Shape::Map(MapNode::Builtin(t))
                }
                _ => Shape::Leaf,
            },
            Node::Builtin(TypeRef::Map(def)) => match def.relationship {
                Relationship::Atomic => Shape::Leaf,
                _ => Shape::Map(MapNode::BuiltinMap(def.element)),
            },
            Node::Builtin(_) => Shape::Leaf,
            Node::Owned(OwnedType::Object {
                fields,
                additional,
                atomic,
            }) => {
                if *atomic {
                    Shape::Leaf
                } else {
                    Shape::Map(MapNode::Owned {
                        fields,
                        additional: additional.as_deref(),
                    })
                }
            }
            Node::Owned(OwnedType::Builtin(ty)) => Node::Builtin(*ty).map_shape(),
            Node::Owned(OwnedType::Deduced) | Node::Deduced => Shape::Map(MapNode::Deduced),
            Node::Owned(_) => Shape::Leaf,
        }
    }

    fn list_shape(self) -> Shape<'s> {
        let builtin = |def: &'static smd::ListDef| match def.relationship {
            Relationship::Associative => Shape::List {
                element: Node::Builtin(def.element),
                keys: Keys::Static(def.keys),
            },
            _ => Shape::Leaf,
        };
        match self {
            Node::Builtin(TypeRef::List(def)) => builtin(def),
            Node::Builtin(TypeRef::Named(index)) => match smd::named(index).and_then(|t| t.list) {
                Some(def) => builtin(def),
                None => Shape::Leaf,
            },
            Node::Owned(OwnedType::List {
                element,
                set,
                keys,
                key_defaults,
                atomic,
            }) if !*atomic && (*set || !keys.is_empty()) => Shape::List {
                element: Node::Owned(element),
                keys: Keys::Owned(keys, key_defaults),
            },
            Node::Owned(OwnedType::Builtin(ty)) => Node::Builtin(*ty).list_shape(),
            _ => Shape::Leaf,
        }
    }
}
