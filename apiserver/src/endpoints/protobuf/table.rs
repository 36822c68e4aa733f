//! Shapes of the generated schema table (`generated.rs`) and the kind lookup.

use super::generated::{KINDS, MESSAGES};

/// The field is a Go slice (`repeated` in proto).
pub(super) const REPEATED: u8 = 1;
/// The Go field is a pointer: a present zero value is kept, an absent one is nil.
pub(super) const POINTER: u8 = 2;
/// The Go `json` tag has `omitempty`.
pub(super) const OMITEMPTY: u8 = 4;
/// The Go field is an embedded struct whose JSON fields are promoted into the parent.
pub(super) const INLINE: u8 = 8;
/// The Go `json` tag has `omitzero` (only used on `metav1.Time`).
pub(super) const OMITZERO: u8 = 16;

/// A protobuf scalar together with its Go type.
// Unsigned and floating point types do not occur in the served groups today; they are kept
// so that a regenerated table for more groups decodes without code changes.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scalar {
    String,
    Bytes,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Bool,
    Double,
    Float,
}

/// Messages whose JSON form is produced by a hand-written Go `MarshalJSON`.
// `Duration` is not used by the served groups today (it is by e.g. flowcontrol and
// admissionregistration); kept for regenerated tables.
#[allow(dead_code)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Special {
    /// `meta/v1 Time` {seconds=1, nanos=2}: RFC 3339, seconds precision, zero → null.
    Time,
    /// `meta/v1 MicroTime`: RFC 3339 with 6 fractional digits, zero → null.
    MicroTime,
    /// `meta/v1 Duration` {duration=1 (ns)}: Go `time.Duration.String()`.
    Duration,
    /// `util/intstr IntOrString` {type=1, intVal=2, strVal=3}: number or string.
    IntOrString,
    /// `api/resource Quantity` {string=1}: the string.
    Quantity,
    /// `runtime RawExtension` {raw=1}: the embedded JSON.
    RawExtension,
    /// `meta/v1 FieldsV1` {Raw=1}: the embedded JSON.
    FieldsV1,
    /// `meta/v1 Verbs`: a message {repeated string items=1} that is a JSON array.
    Verbs,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Ty {
    Scalar(Scalar),
    /// Index into [`MESSAGES`].
    Msg(u16),
    Special(Special),
    /// `map<string, V>`.
    Map(&'static Ty),
}

#[derive(Debug)]
pub(super) struct Field {
    /// Protobuf field number; 0 for a Go field that has a `json` tag but no protobuf tag.
    pub num: u32,
    /// JSON name; empty for an inline (embedded) struct.
    pub json: &'static str,
    pub ty: Ty,
    pub flags: u8,
}

impl Field {
    pub(super) fn has(&self, flag: u8) -> bool {
        self.flags & flag != 0
    }
}

#[derive(Debug)]
pub(super) struct Message {
    /// Fully qualified proto name, e.g. `k8s.io.api.core.v1.ConfigMap`.
    pub name: &'static str,
    pub fields: &'static [Field],
}

pub(super) fn message(index: u16) -> &'static Message {
    &MESSAGES[usize::from(index)]
}

/// The message type registered for `(apiVersion, kind)`.
pub(super) fn lookup_kind(api_version: &str, kind: &str) -> Option<u16> {
    KINDS
        .binary_search_by(|(av, k, _)| (*av, *k).cmp(&(api_version, kind)))
        .ok()
        .map(|i| KINDS[i].2)
}
