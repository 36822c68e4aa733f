//! Decoding of Kubernetes protobuf request bodies
//! (`Content-Type: application/vnd.kubernetes.protobuf`) into the `serde_json::Value` that
//! the JSON encoding of the same object gives.
//!
//! The envelope (upstream `runtime/serializer/protobuf`) is the 4-byte magic `k8s\0`
//! followed by a `runtime.Unknown` message: `typeMeta = 1` (`apiVersion = 1`, `kind = 2`),
//! `raw = 2` (the serialized object), `contentEncoding = 3`, `contentType = 4`. `raw` is the
//! proto2 message of the type registered for `apiVersion`/`kind`
//! (e.g. `k8s.io.api.core.v1.ConfigMap`).
//!
//! Decoding is driven by a schema table generated from k8s.io/api and k8s.io/apimachinery
//! v0.34.1 (`generated.rs`): for every message reachable from the served kinds it records
//! field number, JSON name, type, and the Go facts that shape JSON output (`omitempty`,
//! pointer, slice, embedded struct). The result is exactly what Go's `json.Marshal` gives
//! for the object that Go's protobuf `Unmarshal` builds from the same bytes: absent fields
//! take their Go zero value, `omitempty` drops zero scalars and empty slices and maps, and
//! `Time`, `MicroTime`, `Duration`, `IntOrString`, `Quantity`, `RawExtension` and
//! `FieldsV1` use their custom JSON forms. `bytes` become base64 strings.
//!
//! The decoder never panics, runs in time linear in the input and limits message
//! nesting to [`MAX_DEPTH`].

mod decode;
mod format;
#[rustfmt::skip]
mod generated;
mod table;
mod wire;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_golden;

use serde_json::Value;

use wire::{Reader, Wire};

/// The Kubernetes protobuf media type.
pub const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";

/// The 4-byte prefix of every Kubernetes protobuf body.
pub const MAGIC: &[u8; 4] = b"k8s\x00";

/// Maximum message nesting accepted.
pub const MAX_DEPTH: usize = 64;

const UNKNOWN: &str = "k8s.io.apimachinery.pkg.runtime.Unknown";
const TYPE_META: &str = "k8s.io.apimachinery.pkg.runtime.TypeMeta";

/// Why a protobuf body could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtobufError {
    #[error("empty data")]
    EmptyData,
    #[error(
        "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]"
    )]
    MissingPrefix,
    #[error("empty body")]
    EmptyBody,
    #[error("unexpected EOF: truncated protobuf input in {message}")]
    Truncated { message: &'static str },
    #[error("proto: integer overflow in varint in {message}")]
    VarintOverflow { message: &'static str },
    #[error("proto: negative length found during unmarshaling in {message}")]
    InvalidLength { message: &'static str },
    #[error("proto: wrong wireType = {wire_type} for field {field} in {message}")]
    WrongWireType {
        message: &'static str,
        field: &'static str,
        wire_type: u8,
    },
    #[error("proto: {message}: illegal tag {tag} (wire type {wire_type})")]
    IllegalTag {
        message: &'static str,
        tag: i32,
        wire_type: u8,
    },
    #[error("proto: {message}: wiretype end group for non-group")]
    UnexpectedEndGroup { message: &'static str },
    #[error("proto: illegal wireType {wire_type} in {message}")]
    IllegalWireType {
        message: &'static str,
        wire_type: u8,
    },
    #[error("Object 'Kind' is missing in '{0}'")]
    MissingKind(String),
    #[error("Object 'apiVersion' is missing in '{0}'")]
    MissingVersion(String),
    #[error("no kind \"{kind}\" is registered for version \"{version}\"")]
    NotRegistered { kind: String, version: String },
    #[error("protobuf message nesting exceeds the maximum depth of {0}")]
    TooDeep(usize),
    #[error("impossible IntOrString.Type {0}")]
    InvalidIntOrString(i64),
    #[error(
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': {0:?}"
    )]
    InvalidQuantity(String),
    #[error("{message} does not contain valid JSON: {reason}")]
    InvalidEmbeddedJson {
        message: &'static str,
        reason: String,
    },
    #[error("json: unsupported value: {value} (field {field} in {message})")]
    UnsupportedFloat {
        message: &'static str,
        field: &'static str,
        value: String,
    },
}

/// Reads a string field of the envelope.
fn envelope_string(
    wire: Wire<'_>,
    message: &'static str,
    field: &'static str,
) -> Result<String, ProtobufError> {
    match wire {
        Wire::Bytes(b) => Ok(format::go_string(b)),
        other => Err(ProtobufError::WrongWireType {
            message,
            field,
            wire_type: other.wire_type(),
        }),
    }
}

/// Decodes a Kubernetes protobuf body into `(apiVersion, kind, object)`, where `object` is
/// the JSON form of the object including `apiVersion` and `kind`.
pub fn decode(body: &[u8]) -> Result<(String, String, Value), ProtobufError> {
    if body.is_empty() {
        return Err(ProtobufError::EmptyData);
    }
    let Some(data) = body.strip_prefix(MAGIC) else {
        return Err(ProtobufError::MissingPrefix);
    };
    if data.is_empty() {
        return Err(ProtobufError::EmptyBody);
    }

    // runtime.Unknown
    let mut type_meta = Vec::new();
    let mut raw: &[u8] = &[];
    let mut r = Reader::new(data, UNKNOWN);
    while let Some((num, wire)) = r.next_field()? {
        let field = match num {
            1 => "typeMeta",
            2 => "raw",
            3 => "contentEncoding",
            4 => "contentType",
            _ => continue,
        };
        let Wire::Bytes(b) = wire else {
            return Err(ProtobufError::WrongWireType {
                message: UNKNOWN,
                field,
                wire_type: wire.wire_type(),
            });
        };
        match num {
            1 => type_meta.push(b),
            2 => raw = b,
            _ => {}
        }
    }
    let (mut api_version, mut kind) = (String::new(), String::new());
    for segment in type_meta {
        let mut r = Reader::new(segment, TYPE_META);
        while let Some((num, wire)) = r.next_field()? {
            match num {
                1 => api_version = envelope_string(wire, TYPE_META, "apiVersion")?,
                2 => kind = envelope_string(wire, TYPE_META, "kind")?,
                _ => {}
            }
        }
    }

    let type_meta = format!("runtime.TypeMeta{{APIVersion:{api_version:?}, Kind:{kind:?}}}");
    if kind.is_empty() {
        return Err(ProtobufError::MissingKind(type_meta));
    }
    let version = api_version.rsplit('/').next().unwrap_or_default();
    if version.is_empty() {
        return Err(ProtobufError::MissingVersion(type_meta));
    }
    let Some(index) = table::lookup_kind(&api_version, &kind) else {
        return Err(ProtobufError::NotRegistered {
            kind,
            version: api_version,
        });
    };
    let mut object = decode::object(index, &[raw], 1)?;
    object.insert("apiVersion".to_owned(), Value::String(api_version.clone()));
    object.insert("kind".to_owned(), Value::String(kind.clone()));
    Ok((api_version, kind, Value::Object(object)))
}
