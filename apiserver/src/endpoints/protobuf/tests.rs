//! Hand-built protobuf bodies (tiny test-only encoder) and unit tests of the Go renderings.

use serde_json::{Value, json};

use super::format::{duration_string, go_string, micro_time_json, time_json};
use super::table::{Special, Ty};
use super::{ProtobufError, decode, decode::typed};

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A length-delimited field.
pub(super) fn ld(num: u32, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, u64::from(num) << 3 | 2);
    varint(&mut out, payload.len() as u64);
    out.extend_from_slice(payload);
    out
}

fn s(num: u32, v: &str) -> Vec<u8> {
    ld(num, v.as_bytes())
}

/// A varint field (negative numbers as 10-byte two's complement, like Go).
fn vi(num: u32, v: i64) -> Vec<u8> {
    let mut out = Vec::new();
    varint(&mut out, u64::from(num) << 3);
    varint(&mut out, v as u64);
    out
}

fn msg(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

/// A `map<string, V>` entry field whose value is already encoded as field 2.
fn entry(num: u32, key: &str, value: Vec<u8>) -> Vec<u8> {
    ld(num, &msg(&[s(1, key), value]))
}

pub(super) fn envelope(api_version: &str, kind: &str, raw: &[u8]) -> Vec<u8> {
    let mut out = b"k8s\x00".to_vec();
    out.extend(ld(1, &msg(&[s(1, api_version), s(2, kind)])));
    out.extend(ld(2, raw));
    out.extend(s(3, ""));
    out.extend(s(4, ""));
    out
}

#[test]
fn configmap() {
    let meta = msg(&[
        s(1, "cm"),
        s(3, "ns"),
        entry(11, "app", s(2, "web")),
        entry(11, "tier", s(2, "")),
        ld(8, &[]), // zero creationTimestamp, as Go writes it
    ]);
    let raw = msg(&[
        ld(1, &meta),
        entry(2, "a", s(2, "b")),
        entry(2, "k", s(2, "line1\nline2")),
        entry(3, "bin", ld(2, &[0, 1, 2, 255])),
    ]);
    let (av, kind, obj) = decode(&envelope("v1", "ConfigMap", &raw)).unwrap();
    assert_eq!((av.as_str(), kind.as_str()), ("v1", "ConfigMap"));
    assert_eq!(
        obj,
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cm", "namespace": "ns", "labels": {"app": "web", "tier": ""}},
            "data": {"a": "b", "k": "line1\nline2"},
            "binaryData": {"bin": "AAEC/w=="}
        })
    );
}

#[test]
fn deployment() {
    let time = msg(&[vi(1, 1_704_164_645), vi(2, 999)]); // 2024-01-02T03:04:05Z
    let meta = msg(&[s(1, "web"), ld(8, &time), vi(7, 0)]);
    let quantity = |q: &str| ld(2, &s(1, q));
    let container = msg(&[
        s(1, "nginx"),
        s(2, "nginx:1.27"),
        ld(6, &msg(&[vi(3, 80), s(4, "TCP"), vi(2, 0)])),
        ld(
            8,
            &msg(&[
                entry(1, "cpu", quantity("500m")),
                entry(1, "memory", quantity("128Mi")),
            ]),
        ),
    ]);
    let pod_spec = msg(&[ld(2, &container), s(3, "Always")]);
    let template = msg(&[
        ld(1, &msg(&[entry(11, "app", s(2, "web"))])),
        ld(2, &pod_spec),
    ]);
    let rolling = msg(&[
        ld(1, &msg(&[vi(1, 0), vi(2, 1), s(3, "")])),
        ld(2, &msg(&[vi(1, 1), vi(2, 0), s(3, "25%")])),
    ]);
    let spec = msg(&[
        vi(1, 0), // replicas: pointer, zero kept
        ld(3, &template),
        ld(4, &msg(&[s(1, "RollingUpdate"), ld(2, &rolling)])),
        vi(5, 0), // minReadySeconds: omitempty, zero dropped
        vi(7, 0),
    ]);
    let raw = msg(&[ld(1, &meta), ld(2, &spec), ld(3, &[])]);
    let (_, _, obj) = decode(&envelope("apps/v1", "Deployment", &raw)).unwrap();
    assert_eq!(
        obj,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "creationTimestamp": "2024-01-02T03:04:05Z"},
            "spec": {
                "replicas": 0,
                "selector": null,
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [{
                            "name": "nginx", "image": "nginx:1.27",
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}
                        }],
                        "restartPolicy": "Always"
                    }
                },
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxUnavailable": 1, "maxSurge": "25%"}
                }
            },
            "status": {}
        })
    );
}

#[test]
fn secret_bytes_are_base64() {
    let raw = msg(&[
        ld(1, &s(1, "s")),
        entry(2, "password", ld(2, b"hunter2")),
        entry(2, "empty", ld(2, b"")),
        entry(2, "novalue", Vec::new()),
        s(3, "Opaque"),
    ]);
    let (_, _, obj) = decode(&envelope("v1", "Secret", &raw)).unwrap();
    assert_eq!(
        obj,
        json!({
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"password": "aHVudGVyMg==", "empty": "", "novalue": ""},
            "type": "Opaque"
        })
    );
}

#[test]
fn merging_repeats_packing_unknown_fields_and_inline() {
    // Two occurrences of metadata merge; unknown fields (varint, fixed, group) are skipped.
    let mut unknown = vi(999, 5);
    unknown.extend([0x99, 0x3e, 1, 2, 3, 4, 5, 6, 7, 8]); // field 999 fixed64
    unknown.extend([0x9b, 0x3e, 0x08, 0x01, 0x9c, 0x3e]); // field 999 group {1: 1}
    let raw = msg(&[
        ld(1, &s(1, "a")),
        ld(1, &msg(&[s(3, "ns"), unknown])),
        // volumes[0] = {name: "v", emptyDir: {}} — VolumeSource is inlined into Volume.
        ld(
            2,
            &msg(&[
                ld(1, &msg(&[s(1, "v"), ld(2, &ld(2, &[]))])),
                ld(2, &s(1, "c")),
            ]),
        ),
    ]);
    let (_, _, obj) = decode(&envelope("v1", "Pod", &raw)).unwrap();
    assert_eq!(
        obj,
        json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "a", "namespace": "ns"},
            "spec": {
                "volumes": [{"name": "v", "emptyDir": {}}],
                "containers": [{"name": "c", "resources": {}}]
            },
            "status": {}
        })
    );
    // Packed repeated int32: PodFailurePolicyOnExitCodesRequirement.values = 2, packed too.
    let rule = msg(&[
        s(1, "FailJob"),
        ld(2, &msg(&[s(2, "In"), ld(3, &[1, 2, 3]), vi(3, 4)])),
    ]);
    let spec = msg(&[ld(11, &ld(1, &rule))]);
    let (_, _, obj) = decode(&envelope("batch/v1", "Job", &msg(&[ld(2, &spec)]))).unwrap();
    assert_eq!(
        obj["spec"]["podFailurePolicy"]["rules"][0]["onExitCodes"],
        json!({"operator": "In", "values": [1, 2, 3, 4]})
    );
}

#[test]
fn envelope_errors() {
    assert_eq!(decode(b""), Err(ProtobufError::EmptyData));
    assert_eq!(decode(b"{}"), Err(ProtobufError::MissingPrefix));
    assert_eq!(decode(b"k8s\x00"), Err(ProtobufError::EmptyBody));
    let err = decode(&envelope("v1", "Nope", &[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"no kind "Nope" is registered for version "v1""#
    );
    let err = decode(&envelope("", "Pod", &[])).unwrap_err();
    assert!(matches!(err, ProtobufError::MissingVersion(_)), "{err}");
    let err = decode(&envelope("v1", "", &[])).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'"#
    );
    // Truncated length, bad varint, wrong wire type, illegal tag, stray end group.
    let mut truncated = envelope("v1", "ConfigMap", &[]);
    truncated.extend([0x12, 0x05, 0x0a]);
    assert!(matches!(
        decode(&truncated),
        Err(ProtobufError::Truncated { .. })
    ));
    let mut overflow = b"k8s\x00\x08".to_vec();
    overflow.extend([0xff; 11]);
    assert!(matches!(
        decode(&overflow),
        Err(ProtobufError::VarintOverflow { .. })
    ));
    let wrong = envelope("v1", "ConfigMap", &vi(1, 3));
    assert_eq!(
        decode(&wrong).unwrap_err().to_string(),
        "proto: wrong wireType = 0 for field metadata in k8s.io.api.core.v1.ConfigMap"
    );
    assert!(matches!(
        decode(b"k8s\x00\x00"),
        Err(ProtobufError::IllegalTag { .. })
    ));
    assert!(matches!(
        decode(b"k8s\x00\x0c"),
        Err(ProtobufError::UnexpectedEndGroup { .. })
    ));
    // The served types are not recursive, so nesting is bounded by the schema; the
    // depth limit is a backstop, checked directly.
    assert_eq!(
        typed(&Ty::Msg(0), &[], super::MAX_DEPTH + 1),
        Err(ProtobufError::TooDeep(super::MAX_DEPTH))
    );
}

#[test]
fn specials() {
    let special = |sp: Special, bytes: &[u8]| typed(&Ty::Special(sp), &[bytes], 1);
    assert_eq!(special(Special::Time, &[]).unwrap(), Value::Null);
    assert_eq!(
        special(Special::Time, &vi(1, 0)).unwrap(),
        json!("1970-01-01T00:00:00Z")
    );
    assert_eq!(
        special(
            Special::MicroTime,
            &msg(&[vi(1, 1_704_164_645), vi(2, 123_456_789)])
        )
        .unwrap(),
        json!("2024-01-02T03:04:05.123456Z")
    );
    assert_eq!(
        special(Special::Duration, &vi(1, 3_600_000_000_000)).unwrap(),
        json!("1h0m0s")
    );
    assert_eq!(special(Special::Duration, &[]).unwrap(), json!("0s"));
    assert_eq!(special(Special::IntOrString, &[]).unwrap(), json!(0));
    assert_eq!(
        special(Special::IntOrString, &vi(1, 2)),
        Err(ProtobufError::InvalidIntOrString(2))
    );
    assert_eq!(special(Special::Quantity, &[]).unwrap(), json!("0"));
    assert!(special(Special::Quantity, &s(1, "")).is_err());
    assert_eq!(
        special(Special::RawExtension, &ld(1, br#"{"a": [1]}"#)).unwrap(),
        json!({"a": [1]})
    );
    assert!(special(Special::FieldsV1, &ld(1, b"\x01")).is_err());
    assert_eq!(special(Special::Verbs, &[]).unwrap(), json!([]));
}

#[test]
fn go_renderings() {
    for (ns, want) in [
        (0, "0s"),
        (1, "1ns"),
        (1_500, "1.5µs"),
        (1_500_000, "1.5ms"),
        (1_500_000_000, "1.5s"),
        (30_000_000_000, "30s"),
        (90_000_000_000, "1m30s"),
        (3_600_000_000_000, "1h0m0s"),
        (-3_723_000_000_001, "-1h2m3.000000001s"),
        (i64::MIN, "-2562047h47m16.854775808s"),
        (i64::MAX, "2562047h47m16.854775807s"),
    ] {
        assert_eq!(duration_string(ns), want);
    }
    assert_eq!(time_json(Some((-62_135_596_800, 0))), Value::Null);
    assert_eq!(
        time_json(Some((-62_135_596_801, 0))),
        json!("0000-12-31T23:59:59Z")
    );
    assert_eq!(
        time_json(Some((253_402_300_800, 5))),
        json!("10000-01-01T00:00:00Z")
    );
    assert_eq!(
        time_json(Some((-62_198_755_200, 0))),
        json!("-0001-01-01T00:00:00Z")
    );
    assert_eq!(
        micro_time_json(Some((0, -1_500))),
        json!("1969-12-31T23:59:59.999999Z")
    );
    assert!(micro_time_json(Some((i64::MAX, i32::MAX))).is_string());
    assert_eq!(go_string(b"a\xe2\x82b\xff"), "a\u{FFFD}\u{FFFD}b\u{FFFD}");
    assert_eq!(go_string("ok✓".as_bytes()), "ok✓");
}
