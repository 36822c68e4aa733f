//! Golden vectors produced by Go (`k8s.io/api` v0.34.1 protobuf `Marshal`, then
//! `Unmarshal` + `encoding/json`), the Go zero value of every table message, and a
//! deterministic robustness fuzz over mutated vectors.

use serde_json::Value;

use super::decode;
use super::decode::object;
use super::generated::MESSAGES;
use super::tests::{envelope, ld};
use crate::testing::Rng;

macro_rules! golden {
    ($($name:literal),* $(,)?) => {
        &[$((
            $name,
            include_bytes!(concat!("testdata/", $name, ".pb")) as &[u8],
            include_str!(concat!("testdata/", $name, ".json")),
        )),*]
    };
}

const GOLDEN: &[(&str, &[u8], &str)] = golden!(
    "binding",
    "configmap",
    "controllerrevision",
    "deployment",
    "event",
    "eviction",
    "hpa",
    "lease",
    "persistentvolume",
    "pod",
    "scale",
    "secret",
    "service",
);

#[test]
fn golden_vectors_match_go_json() {
    for (name, pb, json) in GOLDEN {
        let want: Value = serde_json::from_str(json).unwrap();
        let (api_version, kind, got) = decode(pb).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, want, "{name}");
        assert_eq!(want["apiVersion"], api_version.as_str(), "{name}");
        assert_eq!(want["kind"], kind.as_str(), "{name}");
    }
}

#[test]
fn empty_message_is_go_zero_value() {
    let zero: serde_json::Map<String, Value> =
        serde_json::from_str(include_str!("testdata/zero_values.json")).unwrap();
    assert_eq!(zero.len(), MESSAGES.len());
    for (index, message) in MESSAGES.iter().enumerate() {
        let got = Value::Object(object(index as u16, &[], 1).unwrap());
        assert_eq!(Some(&got), zero.get(message.name), "{}", message.name);
    }
}

#[test]
fn mutated_inputs_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let start = std::time::Instant::now();
    for i in 0..20_000 {
        let (_, pb, _) = GOLDEN[i % GOLDEN.len()];
        let mut data = pb.to_vec();
        for _ in 0..=rng.below(4) {
            let len = data.len();
            match rng.below(6) {
                0 => data.truncate(rng.below(len + 1)),
                1 if len > 0 => data[rng.below(len)] = rng.next() as u8,
                2 if len > 0 => data[rng.below(len)] ^= 1 << rng.below(8),
                3 => data.insert(rng.below(len + 1), rng.next() as u8),
                4 if len > 0 => {
                    data.remove(rng.below(len));
                }
                _ => {
                    // Duplicate a slice somewhere else (repeats fields, breaks lengths).
                    let a = rng.below(len + 1);
                    let b = (a + rng.below(32)).min(len);
                    let chunk = data[a..b].to_vec();
                    let at = rng.below(len + 1);
                    data.splice(at..at, chunk);
                }
            }
        }
        let _ = decode(&data);
    }
    assert!(
        start.elapsed().as_secs() < 60,
        "fuzz took {:?}",
        start.elapsed()
    );
}

#[test]
fn deep_and_wide_inputs_are_bounded() {
    // 100k repeated empty containers: linear work, no error.
    let mut spec = Vec::new();
    for _ in 0..100_000 {
        spec.extend([0x12, 0x00]);
    }
    let body = envelope("v1", "Pod", &ld(2, &spec));
    let (_, _, pod) = decode(&body).unwrap();
    assert_eq!(
        pod["spec"]["containers"].as_array().map(Vec::len),
        Some(100_000)
    );
}
