//! Patch metadata lookup: which struct type a JSON field holds, and how lists
//! and maps under it merge (`patchStrategy` / `patchMergeKey`).
//!
//! The data lives in the generated [`super::schema_table`]; this file holds the
//! types it is made of and the navigation used by the strategic merge patch.

/// `child` value of a field whose type is not a struct we know (a leaf).
pub const NONE: u16 = u16::MAX;

/// The field is a JSON list (Go slice or array, but not `[]byte`).
pub const LIST: u8 = 1;
/// The field is a JSON object keyed by arbitrary strings (Go map).
pub const MAP: u8 = 1 << 1;
/// `patchStrategy:"merge"`.
pub const MERGE: u8 = 1 << 2;
/// `patchStrategy:"retainKeys"` (may be combined with [`MERGE`]).
pub const RETAIN_KEYS: u8 = 1 << 3;
/// `patchStrategy:"replace"`.
pub const REPLACE: u8 = 1 << 4;

/// One struct field that either leads to a nested struct or carries a patch strategy.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// JSON name of the field.
    pub name: &'static str,
    /// Index into the type table of the field's (element / map value) struct type, or [`NONE`].
    pub child: u16,
    /// Bit set of [`LIST`], [`MAP`], [`MERGE`], [`RETAIN_KEYS`], [`REPLACE`].
    pub flags: u8,
    /// `patchMergeKey`, empty when none.
    pub merge_key: &'static str,
}

/// A Go struct type: its name (`<group>/<version>.<Type>`) and its notable fields, sorted by name.
#[derive(Debug, Clone, Copy)]
pub struct TypeDef {
    /// Qualified type name, for diagnostics.
    pub name: &'static str,
    /// Fields sorted by JSON name.
    pub fields: &'static [FieldDef],
}

/// Maps an API kind to the root struct type of its objects.
#[derive(Debug, Clone, Copy)]
pub struct KindDef {
    /// API group, empty for the core group.
    pub group: &'static str,
    /// API version.
    pub version: &'static str,
    /// Kind, e.g. `Deployment`.
    pub kind: &'static str,
    /// Index of the root type.
    pub root: u16,
}

/// Patch metadata of one field, as the merge algorithm needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatchMeta {
    /// `patchStrategy` contains `merge`.
    pub merge: bool,
    /// `patchStrategy` contains `retainKeys`.
    pub retain_keys: bool,
    /// `patchStrategy` is `replace`.
    pub replace: bool,
    /// `patchMergeKey`, empty when none.
    pub merge_key: &'static str,
}

impl PatchMeta {
    fn from_field(f: &FieldDef) -> Self {
        Self {
            merge: f.flags & MERGE != 0,
            retain_keys: f.flags & RETAIN_KEYS != 0,
            replace: f.flags & REPLACE != 0,
            merge_key: f.merge_key,
        }
    }
}

/// A position in the type graph: the type of the JSON object being merged.
///
/// `ty == None` means "unknown": every field below merges with the default
/// rules (maps merge recursively, lists are replaced). `map_of` means the object
/// is a Go map whose values have type `ty`.
#[derive(Debug, Clone, Copy)]
pub struct Schema {
    types: &'static [TypeDef],
    ty: Option<u16>,
    map_of: bool,
}

impl Schema {
    /// The schema rooted at `root` of `types`.
    pub fn new(types: &'static [TypeDef], root: u16) -> Self {
        Self {
            types,
            ty: types.get(usize::from(root)).map(|_| root),
            map_of: false,
        }
    }

    fn with(self, ty: u16, map_of: bool) -> Self {
        Self {
            types: self.types,
            ty: (ty != NONE && usize::from(ty) < self.types.len()).then_some(ty),
            map_of,
        }
    }

    /// A short description of the type, used in error messages.
    pub fn name(&self) -> &'static str {
        match self.ty {
            _ if self.map_of => "map",
            Some(t) => self.types[usize::from(t)].name,
            None => "struct",
        }
    }

    /// The struct definition, if this position is a known struct.
    pub fn type_def(&self) -> Option<&'static TypeDef> {
        if self.map_of {
            return None;
        }
        self.ty.map(|t| &self.types[usize::from(t)])
    }

    /// Looks up field `key`: the schema of its value (for lists, of each element) and its metadata.
    pub fn lookup(&self, key: &str) -> (Schema, PatchMeta) {
        if self.map_of {
            // Values of a Go map: same type for every key, no strategy.
            return (
                self.with(self.ty.unwrap_or(NONE), false),
                PatchMeta::default(),
            );
        }
        let Some(def) = self.type_def() else {
            return (self.with(NONE, false), PatchMeta::default());
        };
        let found = match def.fields.binary_search_by(|f| f.name.cmp(key)) {
            Ok(i) => Some(&def.fields[i]),
            // encoding/json falls back to a case-insensitive match.
            Err(_) => def.fields.iter().find(|f| f.name.eq_ignore_ascii_case(key)),
        };
        match found {
            Some(f) => (
                self.with(f.child, f.flags & MAP != 0),
                PatchMeta::from_field(f),
            ),
            None => (self.with(NONE, false), PatchMeta::default()),
        }
    }
}

/// Finds the root schema of `kind` in `group`; `version` picks an exact version when
/// present, otherwise the preferred (first listed) version is used.
pub fn root_for(
    kinds: &'static [KindDef],
    types: &'static [TypeDef],
    group: &str,
    version: Option<&str>,
    kind: &str,
) -> Option<Schema> {
    let group = normalize_group(group);
    let mut candidates = kinds
        .iter()
        .filter(|k| k.group == group && k.kind == kind)
        .peekable();
    let preferred = *candidates.peek()?;
    let chosen = version
        .and_then(|v| candidates.find(|k| k.version == v))
        .unwrap_or(preferred);
    Some(Schema::new(types, chosen.root))
}

/// The core group is spelled `""`; accept `"core"` and `"v1"`-style callers too.
fn normalize_group(group: &str) -> &str {
    match group {
        "core" => "",
        g => g,
    }
}
