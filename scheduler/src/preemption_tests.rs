use std::sync::Arc;

use rand::SeedableRng;
use serde_json::json;

use super::*;
use crate::config::{KubeSchedulerConfiguration, Profile};
use crate::schedule_one::{Algorithm, ScheduleError};

fn default_profile() -> Arc<Profile> {
    let config = KubeSchedulerConfiguration::default().build().unwrap();
    config.profiles.into_values().next().unwrap()
}

fn node(name: &str, cpu: &str, labels: serde_json::Value) -> Arc<k8s_openapi::api::core::v1::Node> {
    Arc::new(
        serde_json::from_value(json!({"metadata": {"name": name, "labels": labels},
            "status": {"allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"}}}))
        .unwrap(),
    )
}

fn pod(name: &str, cpu: &str, priority: i32, extra: serde_json::Value) -> Arc<Pod> {
    let mut value = json!({
        "metadata": {"name": name, "namespace": "ns", "labels": {"app": name}},
        "spec": {"priority": priority, "containers": [{"name": "c", "image": "i",
            "resources": {"requests": {"cpu": cpu}}}]}
    });
    if let (Some(spec), Some(more)) = (value["spec"].as_object_mut(), extra.as_object()) {
        for (k, v) in more {
            spec.insert(k.clone(), v.clone());
        }
    }
    Arc::new(serde_json::from_value(value).unwrap())
}

fn bound(mut pod: Arc<Pod>, node: &str) -> Arc<Pod> {
    if let Some(spec) = Arc::make_mut(&mut pod).spec.as_mut() {
        spec.node_name = Some(node.to_owned());
    }
    pod
}

fn run(cache: &Cache, preemptor: Arc<Pod>, pdbs: &[&PodDisruptionBudget]) -> Outcome {
    let profile = default_profile();
    let info = PodInfo::new(preemptor);
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let fit = match Algorithm::default().schedule(&profile, cache, &info, &mut rng) {
        Err(ScheduleError::Fit(fit)) => fit,
        other => panic!("expected a fit error, got {other:?}"),
    };
    preempt(&profile.framework, cache, &info, &fit, pdbs)
}

fn victims(outcome: &Outcome) -> (String, Vec<String>) {
    match outcome {
        Outcome::Preempt(c) => (
            c.node.clone(),
            c.victims
                .iter()
                .map(|p| p.metadata.name.clone().unwrap_or_default())
                .collect(),
        ),
        Outcome::NotPossible(message) => panic!("no preemption: {message}"),
    }
}

#[test]
fn the_fewest_least_important_pods_are_evicted() {
    let mut cache = Cache::new();
    cache.upsert_node(node("n1", "4", json!({})));
    cache.upsert_bound_pod(bound(pod("mid", "2", 5, json!({})), "n1"));
    cache.upsert_bound_pod(bound(pod("low", "1500m", 1, json!({})), "n1"));
    let outcome = run(&cache, pod("high", "2", 10, json!({})), &[]);
    assert_eq!(victims(&outcome), ("n1".into(), vec!["low".into()]));
}

#[test]
fn pods_of_equal_or_higher_priority_are_never_victims() {
    let mut cache = Cache::new();
    cache.upsert_node(node("n1", "2", json!({})));
    cache.upsert_bound_pod(bound(pod("same", "2", 10, json!({})), "n1"));
    match run(&cache, pod("high", "1", 10, json!({})), &[]) {
        Outcome::NotPossible(message) => assert_eq!(
            message,
            "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod."
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn preemption_policy_never_and_unresolvable_nodes_are_reported() {
    let mut cache = Cache::new();
    cache.upsert_node(node("n1", "2", json!({})));
    cache.upsert_bound_pod(bound(pod("low", "2", 0, json!({})), "n1"));
    match run(
        &cache,
        pod("never", "1", 10, json!({"preemptionPolicy": "Never"})),
        &[],
    ) {
        Outcome::NotPossible(m) => {
            assert_eq!(m, "preemption: not eligible due to preemptionPolicy=Never.")
        }
        other => panic!("{other:?}"),
    }
    match run(
        &cache,
        pod("picky", "1", 10, json!({"nodeSelector": {"disk": "ssd"}})),
        &[],
    ) {
        Outcome::NotPossible(m) => assert_eq!(
            m,
            "preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_node_whose_victims_a_pdb_protects_is_avoided() {
    let mut cache = Cache::new();
    cache.upsert_node(node("n1", "2", json!({})));
    cache.upsert_node(node("n2", "2", json!({})));
    cache.upsert_bound_pod(bound(pod("guarded", "2", 0, json!({})), "n1"));
    cache.upsert_bound_pod(bound(pod("free", "2", 0, json!({})), "n2"));
    let pdb: PodDisruptionBudget = serde_json::from_value(json!({
        "metadata": {"name": "guard", "namespace": "ns"},
        "spec": {"selector": {"matchLabels": {"app": "guarded"}}},
        "status": {"disruptionsAllowed": 0, "currentHealthy": 1, "desiredHealthy": 1,
            "expectedPods": 1}
    }))
    .unwrap();
    let outcome = run(&cache, pod("high", "2", 10, json!({})), &[&pdb]);
    assert_eq!(victims(&outcome), ("n2".into(), vec!["free".into()]));
}

#[test]
fn fewer_and_less_important_victims_win() {
    let mut cache = Cache::new();
    cache.upsert_node(node("two-victims", "2", json!({})));
    cache.upsert_node(node("one-victim", "2", json!({})));
    cache.upsert_node(node("important-victim", "2", json!({})));
    cache.upsert_bound_pod(bound(pod("a", "1", 1, json!({})), "two-victims"));
    cache.upsert_bound_pod(bound(pod("b", "1", 1, json!({})), "two-victims"));
    cache.upsert_bound_pod(bound(pod("c", "2", 1, json!({})), "one-victim"));
    cache.upsert_bound_pod(bound(pod("d", "2", 5, json!({})), "important-victim"));
    let outcome = run(&cache, pod("high", "2", 10, json!({})), &[]);
    assert_eq!(victims(&outcome), ("one-victim".into(), vec!["c".into()]));
}

#[test]
fn pdb_selectors_select_as_upstream_preemption_does() {
    let labels: BTreeMap<String, String> = [("app".to_owned(), "web".to_owned())].into();
    let selector = |v: serde_json::Value| -> LabelSelector { serde_json::from_value(v).unwrap() };
    // An empty selector selects nothing here.
    assert!(!pdb_selects(&selector(json!({})), &labels));
    assert!(pdb_selects(
        &selector(json!({"matchLabels": {"app": "web"}})),
        &labels
    ));
    assert!(!pdb_selects(
        &selector(json!({"matchExpressions": [{"key": "tier", "operator": "Exists"}]})),
        &labels
    ));
    assert!(!pdb_selects(
        &selector(json!({"matchExpressions": [{"key": "app", "operator": "Bogus"}]})),
        &labels
    ));
}
