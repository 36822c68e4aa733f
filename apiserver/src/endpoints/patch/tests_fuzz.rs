//! Deterministic fuzzing: 10,000 random or mutated patch bodies, of every patch type, must
//! never panic or hang, and a success must always be an object.

use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::{PatchType, apply};
use crate::testing::Rng;

const KEYS: &[&str] = &[
    "metadata",
    "spec",
    "status",
    "template",
    "containers",
    "initContainers",
    "name",
    "image",
    "ports",
    "containerPort",
    "port",
    "env",
    "value",
    "finalizers",
    "labels",
    "ownerReferences",
    "uid",
    "volumes",
    "emptyDir",
    "configMap",
    "tolerations",
    "strategy",
    "rollingUpdate",
    "type",
    "conditions",
    "securityContext",
    "$patch",
    "$retainKeys",
    "$setElementOrder/containers",
    "$setElementOrder/finalizers",
    "$setElementOrder/ports",
    "$setElementOrder/env",
    "$setElementOrder",
    "$setElementOrderx",
    "$deleteFromPrimitiveList/finalizers",
    "$deleteFromPrimitiveList/containers",
    "$deleteFromPrimitiveList/",
    "$deleteFromPrimitiveList",
];

const STRINGS: &[&str] = &[
    "delete", "replace", "merge", "app", "sidecar", "a", "b", "", "name", "type",
];

fn random_value(rng: &mut Rng, depth: usize) -> Value {
    let choice = if depth == 0 {
        rng.below(6)
    } else {
        rng.below(10)
    };
    match choice {
        0 => Value::Null,
        1 => Value::Bool(rng.below(2) == 0),
        2 => json!(rng.below(5) as i64 - 1),
        3 => json!(rng.below(4) as f64 / 2.0),
        4 | 5 => Value::String(rng.pick(STRINGS).to_string()),
        6 | 7 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth - 1))
                .collect(),
        ),
        _ => Value::Object(random_object(rng, depth - 1)),
    }
}

fn random_object(rng: &mut Rng, depth: usize) -> Map<String, Value> {
    let mut m = Map::new();
    for _ in 0..rng.below(5) {
        m.insert(rng.pick(KEYS).to_string(), random_value(rng, depth));
    }
    m
}

/// A list of maps that mostly carry merge keys, to reach the merging code paths.
fn keyed_list(rng: &mut Rng, depth: usize) -> Value {
    let items = (0..rng.below(4))
        .map(|_| {
            let mut m = random_object(rng, depth);
            for key in ["name", "containerPort", "port", "uid", "type"] {
                if rng.below(3) != 0 {
                    m.insert(key.to_string(), json!(rng.pick(STRINGS)));
                }
            }
            Value::Object(m)
        })
        .collect();
    Value::Array(items)
}

fn random_patch(rng: &mut Rng) -> Value {
    let mut patch = random_object(rng, 4);
    let mut spec = random_object(rng, 3);
    for field in [
        "containers",
        "volumes",
        "ports",
        "tolerations",
        "conditions",
    ] {
        if rng.below(2) == 0 {
            spec.insert(field.to_string(), keyed_list(rng, 2));
        }
    }
    patch.insert("spec".to_string(), Value::Object(spec));
    Value::Object(patch)
}

fn random_json_patch(rng: &mut Rng) -> Value {
    const OPS: &[&str] = &["add", "remove", "replace", "move", "copy", "test", "bogus"];
    const PATHS: &[&str] = &[
        "",
        "/",
        "/spec",
        "/spec/containers/0",
        "/spec/containers/-",
        "/metadata/labels/x",
        "/a~1b",
        "/x/0/y",
    ];
    let ops = (0..rng.below(5))
        .map(|_| {
            json!({"op": rng.pick(OPS), "path": rng.pick(PATHS), "from": rng.pick(PATHS), "value": random_value(rng, 2)})
        })
        .collect();
    Value::Array(ops)
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    const NOISE: &[u8] = b"{}[]\",:0123456789nultrfase\\ $/";
    for _ in 0..=rng.below(4) {
        if bytes.is_empty() {
            bytes.push(*rng.pick(NOISE));
            continue;
        }
        let i = rng.below(bytes.len());
        match rng.below(3) {
            0 => bytes[i] = *rng.pick(NOISE),
            1 => bytes.insert(i, *rng.pick(NOISE)),
            _ => {
                bytes.remove(i);
            }
        }
    }
}

fn originals() -> Vec<(&'static str, &'static str, Value)> {
    vec![
        (
            "Pod",
            "",
            json!({"metadata": {"name": "p", "labels": {"a": "b"}, "finalizers": ["a", "b"],
                                "ownerReferences": [{"uid": "u1", "name": "o"}]},
                   "spec": {"containers": [{"name": "app", "image": "i", "ports": [{"containerPort": 80}],
                                            "env": [{"name": "a", "value": "1"}]},
                                           {"name": "sidecar"}],
                            "volumes": [{"name": "a", "emptyDir": {}}],
                            "tolerations": [{"key": "k"}]},
                   "status": {"conditions": [{"type": "Ready", "status": "True"}]}}),
        ),
        (
            "Deployment",
            "apps",
            json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                            "template": {"spec": {"containers": [{"name": "app"}, {"name": "b"}]}}}}),
        ),
        (
            "Service",
            "",
            json!({"spec": {"ports": [{"port": 80}, {"port": "a"}, {"port": 443, "name": "https"}]}}),
        ),
    ]
}

#[test]
fn fuzz_never_panics_or_hangs() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let originals = originals();
    let started = Instant::now();
    for i in 0..10_000 {
        let (kind, group, fixed) = &originals[i % originals.len()];
        // Every fourth round patches a random document, to reach odd type combinations.
        let random_original;
        let original = if i % 4 == 3 {
            random_original = Value::Object(random_object(&mut rng, 4));
            &random_original
        } else {
            fixed
        };
        let patch_type = *rng.pick(&[
            PatchType::StrategicMerge,
            PatchType::StrategicMerge,
            PatchType::Merge,
            PatchType::Json,
        ]);
        let body = match patch_type {
            PatchType::Json => random_json_patch(&mut rng),
            _ => random_patch(&mut rng),
        };
        let mut bytes = body.to_string().into_bytes();
        if rng.below(4) == 0 {
            mutate(&mut rng, &mut bytes);
        }
        match apply(patch_type, kind, group, original, &bytes) {
            Ok(v) => assert!(v.is_object(), "round {i}: result is not an object"),
            Err(e) => assert!(
                [400, 413, 415, 422, 500].contains(&e.code()),
                "round {i}: unexpected code {}",
                e.code()
            ),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "fuzzing took {:?}",
        started.elapsed()
    );
}
