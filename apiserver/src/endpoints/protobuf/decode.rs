//! Table-driven decoding of one Kubernetes message into the JSON that Go's `encoding/json`
//! would produce for the Go object that `Unmarshal` builds from the same bytes.
//!
//! Go semantics that are reproduced:
//! - a non-repeated message field that occurs more than once is merged (all occurrences are
//!   decoded as one concatenated message); a scalar field keeps its last value;
//! - fields absent from the wire keep their Go zero value, which JSON then renders (`null`
//!   for nil pointers, slices and maps without `omitempty`, `""`/`0`/`false` for plain
//!   scalars without `omitempty`, the zero struct for struct fields, which `omitempty` never
//!   drops);
//! - present zero scalars are dropped only for non-pointer `omitempty` fields;
//! - embedded (`json:",inline"`) structs are flattened into their parent.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::format::{duration_string, go_float, go_float32, go_string, micro_time_json, time_json};
use super::table::{
    Field, INLINE, OMITEMPTY, OMITZERO, POINTER, REPEATED, Scalar, Special, Ty, message,
};
use super::wire::{Reader, Wire};
use super::{MAX_DEPTH, ProtobufError};

/// Proto names used in errors for the hand-decoded special messages.
fn special_name(special: Special) -> &'static str {
    match special {
        Special::Time => "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
        Special::MicroTime => "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
        Special::Duration => "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
        Special::IntOrString => "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
        Special::Quantity => "k8s.io.apimachinery.pkg.api.resource.Quantity",
        Special::RawExtension => "k8s.io.apimachinery.pkg.runtime.RawExtension",
        Special::FieldsV1 => "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
        Special::Verbs => "k8s.io.apimachinery.pkg.apis.meta.v1.Verbs",
    }
}

fn wrong_wire(message: &'static str, field: &'static str, wire: &Wire<'_>) -> ProtobufError {
    ProtobufError::WrongWireType {
        message,
        field,
        wire_type: wire.wire_type(),
    }
}

fn check_depth(depth: usize) -> Result<(), ProtobufError> {
    if depth > MAX_DEPTH {
        Err(ProtobufError::TooDeep(MAX_DEPTH))
    } else {
        Ok(())
    }
}

/// Accumulated state of one field while the message's bytes are read.
enum Slot<'a> {
    Absent,
    Scalar(Value),
    /// Occurrences of a non-repeated message field, merged when decoded.
    Segments(Vec<&'a [u8]>),
    List(Vec<Value>),
    Map(Map<String, Value>),
}

/// One scalar value, checking the wire type like the generated Go code does.
fn scalar(
    kind: Scalar,
    wire: &Wire<'_>,
    message: &'static str,
    field: &'static str,
) -> Result<Value, ProtobufError> {
    let unsupported = |v: String| ProtobufError::UnsupportedFloat {
        message,
        field,
        value: v,
    };
    Ok(match (kind, *wire) {
        (Scalar::String, Wire::Bytes(b)) => Value::String(go_string(b)),
        (Scalar::Bytes, Wire::Bytes(b)) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        (Scalar::Int32, Wire::Varint(v)) => Value::from(i64::from(v as i32)),
        (Scalar::Int64, Wire::Varint(v)) => Value::from(v as i64),
        (Scalar::Uint32, Wire::Varint(v)) => Value::from(u64::from(v as u32)),
        (Scalar::Uint64, Wire::Varint(v)) => Value::from(v),
        (Scalar::Bool, Wire::Varint(v)) => Value::Bool(v != 0),
        (Scalar::Double, Wire::Fixed64(v)) => {
            let f = f64::from_bits(v);
            go_float(f).ok_or_else(|| unsupported(f.to_string()))?
        }
        (Scalar::Float, Wire::Fixed32(v)) => {
            let f = f32::from_bits(v);
            go_float32(f).ok_or_else(|| unsupported(f.to_string()))?
        }
        _ => return Err(wrong_wire(message, field, wire)),
    })
}

/// Elements of a packed repeated numeric field.
fn packed(
    kind: Scalar,
    bytes: &[u8],
    message: &'static str,
    field: &'static str,
    out: &mut Vec<Value>,
) -> Result<(), ProtobufError> {
    let mut r = Reader::new(bytes, message);
    while !r.at_end() {
        let wire = match kind {
            Scalar::Double => Wire::Fixed64(r.fixed64()?),
            Scalar::Float => Wire::Fixed32(r.fixed32()?),
            _ => Wire::Varint(r.varint()?),
        };
        out.push(scalar(kind, &wire, message, field)?);
    }
    Ok(())
}

/// The Go zero value of a non-pointer scalar, as JSON.
fn zero_scalar(kind: Scalar) -> Value {
    match kind {
        Scalar::String | Scalar::Bytes => Value::String(String::new()),
        Scalar::Bool => Value::Bool(false),
        Scalar::Double | Scalar::Float => Value::from(0u64),
        _ => Value::from(0u64),
    }
}

fn is_zero_scalar(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::Null => true,
        _ => false,
    }
}

/// JSON for a field that does not occur on the wire, or `None` when JSON omits it.
fn absent(field: &Field, depth: usize) -> Result<Option<Value>, ProtobufError> {
    let nilable = field.has(REPEATED | POINTER)
        || matches!(
            field.ty,
            Ty::Map(_) | Ty::Scalar(Scalar::Bytes) | Ty::Special(Special::Verbs)
        );
    if nilable {
        return Ok((!field.has(OMITEMPTY)).then_some(Value::Null));
    }
    Ok(match field.ty {
        Ty::Scalar(kind) => (!field.has(OMITEMPTY)).then(|| zero_scalar(kind)),
        Ty::Msg(_) | Ty::Special(_) => {
            let v = typed(&field.ty, &[], depth)?;
            (!(field.has(OMITZERO) && v.is_null())).then_some(v)
        }
        Ty::Map(_) => None,
    })
}

/// Decodes a message-typed value (plain or special) from its merged occurrences.
pub(super) fn typed(ty: &Ty, segments: &[&[u8]], depth: usize) -> Result<Value, ProtobufError> {
    check_depth(depth)?;
    match *ty {
        Ty::Msg(index) => Ok(Value::Object(object(index, segments, depth)?)),
        Ty::Special(special) => special_value(special, segments),
        // Scalars and maps never reach here; treat defensively as their zero value.
        Ty::Scalar(kind) => Ok(zero_scalar(kind)),
        Ty::Map(_) => Ok(Value::Null),
    }
}

/// Decodes one map entry `{key = 1, value = 2}` into `out`.
fn map_entry(
    value_ty: &Ty,
    bytes: &[u8],
    message: &'static str,
    field: &'static str,
    depth: usize,
    out: &mut Map<String, Value>,
) -> Result<(), ProtobufError> {
    let mut r = Reader::new(bytes, message);
    let mut key = String::new();
    let mut scalar_value = None;
    let mut segments = Vec::new();
    while let Some((num, wire)) = r.next_field()? {
        match (num, value_ty) {
            (1, _) => {
                key = scalar(Scalar::String, &wire, message, field)?
                    .as_str()
                    .unwrap_or_default()
                    .to_owned()
            }
            (2, Ty::Scalar(kind)) => scalar_value = Some(scalar(*kind, &wire, message, field)?),
            (2, _) => match wire {
                Wire::Bytes(b) => segments.push(b),
                _ => return Err(wrong_wire(message, field, &wire)),
            },
            _ => {}
        }
    }
    let value = match value_ty {
        Ty::Scalar(kind) => scalar_value.unwrap_or_else(|| zero_scalar(*kind)),
        other => typed(other, &segments, depth + 1)?,
    };
    out.insert(key, value);
    Ok(())
}

/// Decodes the concatenation of `segments` as message `index` into a JSON object.
pub(super) fn object(
    index: u16,
    segments: &[&[u8]],
    depth: usize,
) -> Result<Map<String, Value>, ProtobufError> {
    check_depth(depth)?;
    let msg = message(index);
    let mut slots: Vec<Slot<'_>> = msg.fields.iter().map(|_| Slot::Absent).collect();
    for segment in segments {
        let mut r = Reader::new(segment, msg.name);
        while let Some((num, wire)) = r.next_field()? {
            let Some(fi) = msg.fields.iter().position(|f| f.num == num) else {
                continue;
            };
            let field = &msg.fields[fi];
            let slot = &mut slots[fi];
            match field.ty {
                Ty::Scalar(kind) if field.has(REPEATED) => {
                    if !matches!(slot, Slot::List(_)) {
                        *slot = Slot::List(Vec::new());
                    }
                    let Slot::List(list) = slot else { continue };
                    match wire {
                        Wire::Bytes(b) if !matches!(kind, Scalar::String | Scalar::Bytes) => {
                            packed(kind, b, msg.name, field.json, list)?
                        }
                        _ => list.push(scalar(kind, &wire, msg.name, field.json)?),
                    }
                }
                Ty::Scalar(kind) => {
                    *slot = Slot::Scalar(scalar(kind, &wire, msg.name, field.json)?)
                }
                Ty::Map(value_ty) => {
                    let Wire::Bytes(b) = wire else {
                        return Err(wrong_wire(msg.name, field.json, &wire));
                    };
                    if !matches!(slot, Slot::Map(_)) {
                        *slot = Slot::Map(Map::new());
                    }
                    if let Slot::Map(map) = slot {
                        map_entry(value_ty, b, msg.name, field.json, depth, map)?;
                    }
                }
                Ty::Msg(_) | Ty::Special(_) => {
                    let Wire::Bytes(b) = wire else {
                        return Err(wrong_wire(msg.name, field.json, &wire));
                    };
                    if field.has(REPEATED) {
                        let v = typed(&field.ty, &[b], depth + 1)?;
                        match slot {
                            Slot::List(list) => list.push(v),
                            _ => *slot = Slot::List(vec![v]),
                        }
                    } else {
                        match slot {
                            Slot::Segments(segs) => segs.push(b),
                            _ => *slot = Slot::Segments(vec![b]),
                        }
                    }
                }
            }
        }
    }

    let mut out = Map::new();
    let mut inline = Vec::new();
    for (field, slot) in msg.fields.iter().zip(slots) {
        let value = match slot {
            Slot::Absent => absent(field, depth + 1)?,
            Slot::Scalar(v) => {
                let drop = field.has(OMITEMPTY) && !field.has(POINTER) && is_zero_scalar(&v);
                (!drop).then_some(v)
            }
            Slot::Segments(segs) => {
                let v = typed(&field.ty, &segs, depth + 1)?;
                let empty_slice = matches!(&v, Value::Array(a) if a.is_empty());
                let drop = (field.has(OMITZERO) && v.is_null())
                    || (field.has(OMITEMPTY) && !field.has(POINTER) && empty_slice);
                (!drop).then_some(v)
            }
            Slot::List(list) if list.is_empty() => absent(field, depth + 1)?,
            Slot::List(list) => Some(Value::Array(list)),
            Slot::Map(map) => Some(Value::Object(map)),
        };
        match value {
            Some(v) if field.has(INLINE) => inline.push(v),
            Some(v) => {
                out.insert(field.json.to_owned(), v);
            }
            None => {}
        }
    }
    // Go promotes embedded fields unless the outer struct has a field of the same name.
    for v in inline {
        if let Value::Object(map) = v {
            for (k, v) in map {
                out.entry(k).or_insert(v);
            }
        }
    }
    Ok(out)
}

/// Fields of a special message, read across all occurrences (later values win).
fn special_fields<'a>(
    special: Special,
    segments: &[&'a [u8]],
    mut visit: impl FnMut(u32, Wire<'a>) -> Result<(), ProtobufError>,
) -> Result<(), ProtobufError> {
    for segment in segments {
        let mut r = Reader::new(segment, special_name(special));
        while let Some((num, wire)) = r.next_field()? {
            visit(num, wire)?;
        }
    }
    Ok(())
}

fn wire_bytes<'a>(
    message: &'static str,
    wire: Wire<'a>,
    field: &'static str,
) -> Result<&'a [u8], ProtobufError> {
    match wire {
        Wire::Bytes(b) => Ok(b),
        _ => Err(wrong_wire(message, field, &wire)),
    }
}

fn special_value(special: Special, segments: &[&[u8]]) -> Result<Value, ProtobufError> {
    let name = special_name(special);
    let int = |wire: &Wire<'_>, field: &'static str| match *wire {
        Wire::Varint(v) => Ok(v),
        _ => Err(wrong_wire(name, field, wire)),
    };
    match special {
        Special::Time | Special::MicroTime => {
            // `Time.Unmarshal` resets the value, so only the last occurrence counts; an
            // empty message is the zero time.
            let ts = match segments.last() {
                Some(last) if !last.is_empty() => {
                    let (mut sec, mut nanos) = (0i64, 0i32);
                    special_fields(special, &[last], |num, wire| {
                        match num {
                            1 => sec = int(&wire, "seconds")? as i64,
                            2 => nanos = int(&wire, "nanos")? as i32,
                            _ => {}
                        }
                        Ok(())
                    })?;
                    Some((sec, nanos))
                }
                _ => None,
            };
            Ok(if special == Special::Time {
                time_json(ts)
            } else {
                micro_time_json(ts)
            })
        }
        Special::Duration => {
            let mut d = 0i64;
            special_fields(special, segments, |num, wire| {
                if num == 1 {
                    d = int(&wire, "duration")? as i64;
                }
                Ok(())
            })?;
            Ok(Value::String(duration_string(d)))
        }
        Special::IntOrString => {
            let (mut ty, mut int_val, mut str_val) = (0i64, 0i32, String::new());
            special_fields(special, segments, |num, wire| {
                match num {
                    1 => ty = int(&wire, "type")? as i64,
                    2 => int_val = int(&wire, "intVal")? as i32,
                    3 => str_val = go_string(wire_bytes(name, wire, "strVal")?),
                    _ => {}
                }
                Ok(())
            })?;
            match ty {
                0 => Ok(Value::from(i64::from(int_val))),
                1 => Ok(Value::String(str_val)),
                other => Err(ProtobufError::InvalidIntOrString(other)),
            }
        }
        Special::Quantity => {
            let mut s = None;
            special_fields(special, segments, |num, wire| {
                if num == 1 {
                    s = Some(go_string(wire_bytes(name, wire, "string")?));
                }
                Ok(())
            })?;
            match s {
                None => Ok(Value::String("0".to_owned())),
                Some(s) if s.trim().is_empty() => Err(ProtobufError::InvalidQuantity(s)),
                Some(s) => Ok(Value::String(s)),
            }
        }
        Special::RawExtension | Special::FieldsV1 => {
            let field = if special == Special::FieldsV1 {
                "Raw"
            } else {
                "raw"
            };
            let mut raw = None;
            special_fields(special, segments, |num, wire| {
                if num == 1 {
                    raw = Some(wire_bytes(name, wire, field)?);
                }
                Ok(())
            })?;
            match raw {
                None => Ok(Value::Null),
                Some(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(Value::Null),
                Some(b) => {
                    serde_json::from_slice(b).map_err(|e| ProtobufError::InvalidEmbeddedJson {
                        message: name,
                        reason: e.to_string(),
                    })
                }
            }
        }
        Special::Verbs => {
            let mut items = Vec::new();
            special_fields(special, segments, |num, wire| {
                if num == 1 {
                    items.push(Value::String(go_string(wire_bytes(name, wire, "items")?)));
                }
                Ok(())
            })?;
            Ok(Value::Array(items))
        }
    }
}
