use bytes::Bytes;

use super::*;
use crate::storage::embedded::{EmbeddedOptions, EmbeddedStore};

async fn classes(stored: &[Value]) -> (PriorityClasses, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = EmbeddedStore::open(EmbeddedOptions::new(dir.path()))
        .await
        .unwrap();
    for class in stored {
        let key = format!("{PREFIX}{}", class["metadata"]["name"].as_str().unwrap());
        store
            .create(&key, Bytes::from(serde_json::to_vec(class).unwrap()), 0)
            .await
            .unwrap();
    }
    (PriorityClasses::new(Arc::new(store)), dir)
}

fn class(name: &str, value: i64, extra: Value) -> Value {
    let mut class = json!({"metadata": {"name": name}, "value": value});
    if let (Some(c), Some(e)) = (class.as_object_mut(), extra.as_object()) {
        c.extend(e.clone());
    }
    class
}

fn pod(spec: Value) -> Value {
    json!({"metadata": {"name": "p"}, "spec": spec})
}

#[tokio::test]
async fn a_pod_gets_its_class_value_and_policy() {
    let (classes, _dir) =
        classes(&[class("high", 1000, json!({"preemptionPolicy": "Never"}))]).await;
    let mut p = pod(json!({"priorityClassName": "high", "containers": []}));
    classes.admit_pod("pods", "p", &mut p).await.unwrap();
    assert_eq!(p["spec"]["priority"], json!(1000));
    assert_eq!(p["spec"]["preemptionPolicy"], json!("Never"));
}

#[tokio::test]
async fn without_a_class_the_global_default_or_zero_applies() {
    let (none, _d1) = classes(&[class("other", 5, json!({}))]).await;
    let mut p = pod(json!({"containers": []}));
    none.admit_pod("pods", "p", &mut p).await.unwrap();
    assert_eq!(p["spec"]["priority"], json!(0));
    assert_eq!(p["spec"]["preemptionPolicy"], json!("PreemptLowerPriority"));
    assert!(p["spec"].get("priorityClassName").is_none());

    let (with_default, _d2) = classes(&[
        class("b-default", 7, json!({"globalDefault": true})),
        class("a-default", 3, json!({"globalDefault": true})),
    ])
    .await;
    let mut p = pod(json!({"containers": []}));
    with_default.admit_pod("pods", "p", &mut p).await.unwrap();
    assert_eq!(p["spec"]["priority"], json!(3));
    assert_eq!(p["spec"]["priorityClassName"], json!("a-default"));
}

#[tokio::test]
async fn unknown_classes_and_disagreeing_values_are_forbidden_as_upstream() {
    let (classes, _dir) = classes(&[class("high", 1000, json!({}))]).await;
    let mut p = pod(json!({"priorityClassName": "nope"}));
    let refused = classes.admit_pod("pods", "p", &mut p).await.unwrap_err();
    assert_eq!(refused.code(), 403);
    assert_eq!(
        refused.message(),
        "pods \"p\" is forbidden: no PriorityClass with name nope was found"
    );
    let mut p = pod(json!({"priorityClassName": "high", "priority": 5}));
    let refused = classes.admit_pod("pods", "p", &mut p).await.unwrap_err();
    assert_eq!(
        refused.message(),
        "pods \"p\" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name"
    );
    // Agreeing values are fine.
    let mut p = pod(json!({"priorityClassName": "high", "priority": 1000,
        "preemptionPolicy": "PreemptLowerPriority"}));
    assert!(classes.admit_pod("pods", "p", &mut p).await.is_ok());
    let mut p = pod(json!({"priorityClassName": "high", "preemptionPolicy": "Never"}));
    assert!(classes.admit_pod("pods", "p", &mut p).await.is_err());
}

#[test]
fn the_system_classes_pass_validation() {
    for class in system_classes() {
        assert!(
            crate::registry::validation_rules::validate(
                "scheduling.k8s.io",
                "PriorityClass",
                &class
            )
            .is_empty(),
            "{class}"
        );
    }
}
