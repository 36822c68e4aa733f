//! The three patch formats `PATCH` accepts, applied to objects held as `serde_json::Value`:
//!
//! * `application/json-patch+json` — RFC 6902 JSON Patch (the `json-patch` crate), at most
//!   10,000 operations;
//! * `application/merge-patch+json` — RFC 7386 JSON Merge Patch;
//! * `application/strategic-merge-patch+json` — Kubernetes' strategic merge patch: lists
//!   merged by `patchMergeKey` where `patchStrategy` is `merge`, `retainKeys`, and the
//!   `$patch`, `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…`
//!   directives. The per-field metadata comes from [`schema_table`], generated from the Go
//!   struct tags of k8s.io/api (k8s-openapi does not carry it).
//!
//! [`smd`] holds the structured-merge-diff schema of the built-in types (list types, map keys,
//! atomic structs), for the OpenAPI documents and, later, server-side apply.
//!
//! `application/apply-patch+yaml` (server-side apply) is served by the handler with
//! [`crate::registry::fieldmanager`]; [`apply`] does not take it. Errors carry the HTTP code, reason and message upstream's
//! `staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go` answers with.

mod schema;
mod schema_table;
pub mod smd;
#[rustfmt::skip]
mod smd_table;
mod strategic;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_fuzz;
#[cfg(test)]
mod tests_strategic;
#[cfg(test)]
mod tests_table;

use serde_json::Value;

pub use schema::{FieldDef, KindDef, PatchMeta, Schema, TypeDef};

/// Upper bound on operations in one JSON patch (upstream `maxJSONPatchOperations`).
pub const MAX_JSON_PATCH_OPERATIONS: usize = 10_000;

/// `Content-Type` of a JSON patch.
pub const JSON_PATCH: &str = "application/json-patch+json";
/// `Content-Type` of a JSON merge patch.
pub const MERGE_PATCH: &str = "application/merge-patch+json";
/// `Content-Type` of a strategic merge patch.
pub const STRATEGIC_MERGE_PATCH: &str = "application/strategic-merge-patch+json";
/// `Content-Type` of a server-side apply patch.
pub const APPLY_PATCH: &str = "application/apply-patch+yaml";

/// Patch media types accepted for built-in kinds.
pub const BUILTIN_PATCH_TYPES: &[&str] =
    &[JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH];
/// Patch media types accepted for kinds without strategic-merge metadata (custom resources).
pub const CUSTOM_PATCH_TYPES: &[&str] = &[JSON_PATCH, MERGE_PATCH, APPLY_PATCH];

/// The kinds of `PATCH` body, by `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchType {
    /// RFC 6902 JSON Patch.
    Json,
    /// RFC 7386 JSON Merge Patch.
    Merge,
    /// Kubernetes strategic merge patch.
    StrategicMerge,
    /// Server-side apply (merged by the field manager, not by [`apply`]).
    Apply,
}

impl PatchType {
    /// Parses a `Content-Type` header value; parameters such as `; charset=utf-8` are ignored.
    pub fn from_content_type(content_type: &str) -> Option<PatchType> {
        let media = content_type.split(';').next().unwrap_or("").trim();
        [
            (JSON_PATCH, PatchType::Json),
            (MERGE_PATCH, PatchType::Merge),
            (STRATEGIC_MERGE_PATCH, PatchType::StrategicMerge),
            (APPLY_PATCH, PatchType::Apply),
        ]
        .into_iter()
        .find(|(name, _)| media.eq_ignore_ascii_case(name))
        .map(|(_, t)| t)
    }

    /// The media type of this patch type.
    pub fn content_type(self) -> &'static str {
        match self {
            PatchType::Json => JSON_PATCH,
            PatchType::Merge => MERGE_PATCH,
            PatchType::StrategicMerge => STRATEGIC_MERGE_PATCH,
            PatchType::Apply => APPLY_PATCH,
        }
    }
}

/// Why a patch could not be applied. `Display` is the `message` of upstream's `Status`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The patch body is malformed (400 BadRequest), e.g. not JSON, not a list of
    /// operations, or a malformed strategic-merge directive.
    #[error("{0}")]
    BadRequest(String),
    /// The patch is well formed but cannot be applied to this object (422 Invalid): a failed
    /// JSON-patch `test`, a missing path, a list of lists. Upstream answers with a generic
    /// message; `detail` says what failed.
    #[error("the server rejected our request due to an error in our request")]
    Unprocessable {
        /// What failed, for logs.
        detail: String,
    },
    /// The patched document is not an object (422 Invalid, upstream `NewInvalid` on `patch`).
    #[error(" \"\" is invalid: patch: Invalid value: \"{value}\": {reason}")]
    Invalid {
        /// The patched document, as JSON.
        value: String,
        /// Why it cannot be decoded.
        reason: String,
    },
    /// Too many JSON-patch operations (413 RequestEntityTooLarge).
    #[error(
        "Request entity too large: The allowed maximum operations in a JSON patch is {max}, got {got}"
    )]
    TooManyOperations {
        /// The limit.
        max: usize,
        /// Operations in the patch.
        got: usize,
    },
    /// The patch type is not accepted for this resource (415 UnsupportedMediaType).
    #[error(
        "the body of the request was in an unknown format - accepted media types include: {}",
        .accepted.join(", ")
    )]
    UnsupportedMediaType {
        /// Media types the resource accepts.
        accepted: Vec<&'static str>,
    },
    /// A failure upstream reports as a plain (non-status) error (500): missing merge key,
    /// unknown `$patch` value, mixed element types, …
    #[error("{0}")]
    Internal(String),
}

impl PatchError {
    /// HTTP status code upstream answers with.
    pub fn code(&self) -> u16 {
        match self {
            PatchError::BadRequest(_) => 400,
            PatchError::Unprocessable { .. } | PatchError::Invalid { .. } => 422,
            PatchError::TooManyOperations { .. } => 413,
            PatchError::UnsupportedMediaType { .. } => 415,
            PatchError::Internal(_) => 500,
        }
    }

    /// `Status.reason` upstream answers with (empty for plain errors).
    pub fn reason(&self) -> &'static str {
        match self {
            PatchError::BadRequest(_) => "BadRequest",
            PatchError::Unprocessable { .. } | PatchError::Invalid { .. } => "Invalid",
            PatchError::TooManyOperations { .. } => "RequestEntityTooLarge",
            PatchError::UnsupportedMediaType { .. } => "UnsupportedMediaType",
            PatchError::Internal(_) => "",
        }
    }

    /// The underlying cause, which for [`PatchError::Unprocessable`] is not in the message.
    pub fn detail(&self) -> String {
        match self {
            PatchError::Unprocessable { detail } => detail.clone(),
            other => other.to_string(),
        }
    }
}

/// Applies `patch_bytes` of `patch_type` to `original`, an object of `kind` in `group`
/// (`""` for core). `kind`/`group` only matter for strategic merge patches.
pub fn apply(
    patch_type: PatchType,
    kind: &str,
    group: &str,
    original: &Value,
    patch_bytes: &[u8],
) -> Result<Value, PatchError> {
    match patch_type {
        PatchType::Json => apply_json_patch(original, patch_bytes),
        PatchType::Merge => apply_merge_patch(original, patch_bytes),
        PatchType::StrategicMerge => {
            let patch = decode_strategic(patch_bytes)?;
            apply_strategic(kind, group, original, &patch)
        }
        PatchType::Apply => Err(PatchError::Internal(
            "server-side apply is merged by the field manager, not as a patch".to_string(),
        )),
    }
}

/// Patch media types a kind accepts: strategic merge only where the table knows the kind.
pub fn accepted_patch_types(kind: &str, group: &str) -> &'static [&'static str] {
    if root_schema(kind, group, None).is_some() {
        BUILTIN_PATCH_TYPES
    } else {
        CUSTOM_PATCH_TYPES
    }
}

/// Whether strategic merge metadata exists for `kind` in `group`.
pub fn supports_strategic(kind: &str, group: &str) -> bool {
    root_schema(kind, group, None).is_some()
}

/// The strategic-merge schema of `kind` in `group`; `version` selects a version when the
/// table has it, otherwise the preferred version is used.
pub fn root_schema(kind: &str, group: &str, version: Option<&str>) -> Option<Schema> {
    schema::root_for(
        &schema_table::KINDS,
        &schema_table::TYPES,
        group,
        version,
        kind,
    )
}

/// Applies an RFC 6902 JSON patch.
pub fn apply_json_patch(original: &Value, patch_bytes: &[u8]) -> Result<Value, PatchError> {
    let ops: json_patch::Patch =
        serde_json::from_slice(patch_bytes).map_err(|e| PatchError::BadRequest(e.to_string()))?;
    if ops.0.len() > MAX_JSON_PATCH_OPERATIONS {
        return Err(PatchError::TooManyOperations {
            max: MAX_JSON_PATCH_OPERATIONS,
            got: ops.0.len(),
        });
    }
    let mut doc = original.clone();
    // `doc` is a scratch copy, so no undo log is needed on failure.
    json_patch::patch_unsafe(&mut doc, &ops).map_err(|e| PatchError::Unprocessable {
        detail: describe_json_patch_error(&ops, &e),
    })?;
    ensure_object(doc)
}

/// Words a JSON-patch failure the way upstream's library does.
fn describe_json_patch_error(ops: &json_patch::Patch, e: &json_patch::PatchError) -> String {
    use json_patch::{PatchErrorKind, PatchOperation};
    let op = ops.0.get(e.operation);
    let path = e.path.as_str();
    match (&e.kind, op) {
        (PatchErrorKind::TestFailed, _) => format!("testing value {path} failed: test failed"),
        (_, Some(PatchOperation::Move(m))) => {
            format!(
                "move operation does not apply: doc is missing from path: {}: missing value",
                m.from.as_str()
            )
        }
        (_, Some(PatchOperation::Copy(c))) => {
            format!(
                "copy operation does not apply: doc is missing from path: {}: missing value",
                c.from.as_str()
            )
        }
        (_, Some(PatchOperation::Add(_))) => {
            format!("add operation does not apply: doc is missing path: \"{path}\": missing value")
        }
        (_, Some(PatchOperation::Remove(_))) => {
            format!(
                "remove operation does not apply: doc is missing path: \"{path}\": missing value"
            )
        }
        (_, Some(PatchOperation::Replace(_))) => {
            format!("replace operation does not apply: doc is missing key: {path}: missing value")
        }
        _ => e.to_string(),
    }
}

/// Applies an RFC 7386 JSON merge patch.
pub fn apply_merge_patch(original: &Value, patch_bytes: &[u8]) -> Result<Value, PatchError> {
    let patch: Value = serde_json::from_slice(patch_bytes).map_err(|_| invalid_json_patch())?;
    match &patch {
        Value::Object(_) => {}
        // Upstream's library returns the array (minus nulls) as the document, which then
        // fails to decode as an object.
        Value::Array(_) => {
            let mut doc = Value::Null;
            json_patch::merge(&mut doc, &patch);
            return ensure_object(doc);
        }
        _ => return Err(invalid_json_patch()),
    }
    let mut doc = original.clone();
    if !doc.is_object() {
        return Err(PatchError::Internal("Invalid JSON Document".to_string()));
    }
    json_patch::merge(&mut doc, &patch);
    Ok(doc)
}

fn invalid_json_patch() -> PatchError {
    PatchError::BadRequest("Invalid JSON Patch".to_string())
}

fn ensure_object(doc: Value) -> Result<Value, PatchError> {
    if doc.is_object() {
        return Ok(doc);
    }
    let found = match &doc {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    Err(PatchError::Invalid {
        value: doc.to_string(),
        reason: format!(
            "json: cannot unmarshal {found} into Go value of type map[string]interface {{}}"
        ),
    })
}

/// Decodes a strategic merge patch body. `null` is an empty patch, as upstream.
pub fn decode_strategic(patch_bytes: &[u8]) -> Result<Value, PatchError> {
    let v: Value =
        serde_json::from_slice(patch_bytes).map_err(|e| PatchError::BadRequest(e.to_string()))?;
    match v {
        Value::Null => Ok(Value::Object(serde_json::Map::new())),
        Value::Object(_) => Ok(v),
        other => Err(PatchError::BadRequest(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                _ => "bool",
            }
        ))),
    }
}

/// Applies a decoded strategic merge patch to an object of `kind` in `group`, using the
/// preferred version's metadata. Kinds without metadata (custom resources) get 415, as
/// upstream does for custom resources.
pub fn apply_strategic(
    kind: &str,
    group: &str,
    original: &Value,
    patch: &Value,
) -> Result<Value, PatchError> {
    apply_strategic_version(kind, group, None, original, patch)
}

/// Like [`apply_strategic`], with the metadata of `version` when the table has it.
pub fn apply_strategic_version(
    kind: &str,
    group: &str,
    version: Option<&str>,
    original: &Value,
    patch: &Value,
) -> Result<Value, PatchError> {
    let Some(schema) = root_schema(kind, group, version) else {
        return Err(PatchError::UnsupportedMediaType {
            accepted: CUSTOM_PATCH_TYPES.to_vec(),
        });
    };
    apply_strategic_with_schema(schema, original, patch)
}

/// Applies a strategic merge patch under an explicit schema.
pub fn apply_strategic_with_schema(
    schema: Schema,
    original: &Value,
    patch: &Value,
) -> Result<Value, PatchError> {
    let Value::Object(original) = original else {
        return Err(PatchError::BadRequest(
            strategic::ERR_BAD_JSON_DOC.to_string(),
        ));
    };
    let patch = match patch {
        Value::Object(p) => p.clone(),
        Value::Null => serde_json::Map::new(),
        _ => {
            return Err(PatchError::BadRequest(
                strategic::ERR_BAD_JSON_DOC.to_string(),
            ));
        }
    };
    strategic::merge_object(original.clone(), patch, schema).map(Value::Object)
}
