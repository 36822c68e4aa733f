use std::sync::Arc;

use rand::SeedableRng;
use serde_json::json;

use super::*;
use crate::config::KubeSchedulerConfiguration;

#[test]
fn feasible_nodes_to_find_follows_upstream() {
    assert_eq!(num_feasible_nodes_to_find(0, 10), 10);
    assert_eq!(num_feasible_nodes_to_find(40, 10), 10);
    assert_eq!(num_feasible_nodes_to_find(0, 1000), 420);
    assert_eq!(num_feasible_nodes_to_find(40, 1000), 400);
    assert_eq!(num_feasible_nodes_to_find(0, 5000), 500);
    assert_eq!(num_feasible_nodes_to_find(0, 6000), 300);
    assert_eq!(num_feasible_nodes_to_find(1, 1000), 100);
    assert_eq!(num_feasible_nodes_to_find(100, 1000), 1000);
}

#[test]
fn fit_error_counts_and_sorts_reasons_as_upstream() {
    let fit = FitError {
        num_all_nodes: 5,
        node_statuses: vec![
            ("a".into(), Status::unschedulable("Insufficient cpu")),
            ("b".into(), Status::unschedulable("Insufficient cpu")),
            ("c".into(), Status::unschedulable("Insufficient cpu")),
            (
                "d".into(),
                Status::unresolvable("node(s) had untolerated taint {a: b}"),
            ),
            (
                "e".into(),
                Status::unresolvable("node(s) had untolerated taint {a: b}"),
            ),
        ],
        pre_filter_message: None,
        rejected_by: HashSet::new(),
        post_filter_message: None,
        after_filter: false,
    };
    assert_eq!(
        fit.message(),
        "0/5 nodes are available: 2 node(s) had untolerated taint {a: b}, 3 Insufficient cpu."
    );
    let pre = FitError {
        num_all_nodes: 2,
        node_statuses: Vec::new(),
        pre_filter_message: Some("node(s) didn't satisfy plugin".into()),
        rejected_by: HashSet::new(),
        post_filter_message: Some("preemption: not eligible due to preemptionPolicy=Never.".into()),
        after_filter: false,
    };
    assert_eq!(
        pre.message(),
        "0/2 nodes are available: node(s) didn't satisfy plugin. preemption: not eligible due to preemptionPolicy=Never."
    );
    assert_eq!(ScheduleError::NoNodes.message(), NO_NODES_AVAILABLE);
}

#[test]
fn ties_are_broken_at_random_among_the_best_only() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let mut seen = [0usize; 4];
    for _ in 0..400 {
        seen[select_host(&[5, 9, 1, 9], &mut rng)] += 1;
    }
    assert_eq!(seen[0] + seen[2], 0);
    assert!(seen[1] > 100 && seen[3] > 100, "{seen:?}");
    assert_eq!(select_host(&[3], &mut rng), 0);
}

fn only_node_name() -> crate::config::Profile {
    let config = KubeSchedulerConfiguration::parse(
        "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n\
         profiles:\n- plugins:\n    multiPoint:\n      disabled:\n      - name: '*'\n      \
         enabled:\n      - name: NodeName\n      - name: DefaultBinder\n",
    )
    .unwrap()
    .build()
    .unwrap();
    let profile = config.profiles.into_values().next().unwrap();
    Arc::try_unwrap(profile).ok().unwrap()
}

fn cache(nodes: usize) -> Cache {
    let mut cache = Cache::new();
    for i in 0..nodes {
        cache.upsert_node(Arc::new(
            serde_json::from_value(json!({"metadata": {"name": format!("node-{i}")}})).unwrap(),
        ));
    }
    cache
}

fn pod(node_name: Option<&str>) -> PodInfo {
    PodInfo::new(Arc::new(
        serde_json::from_value(json!({"metadata": {"name": "p", "namespace": "ns"},
            "spec": {"containers": [], "nodeName": node_name}}))
        .unwrap(),
    ))
}

#[test]
fn a_cycle_filters_and_reports_why_nothing_fits() {
    let profile = only_node_name();
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut algorithm = Algorithm::default();
    let empty = Cache::new();
    assert!(matches!(
        algorithm.schedule(&profile, &empty, &pod(None), &mut rng),
        Err(ScheduleError::NoNodes)
    ));
    let nodes = cache(3);
    let result = algorithm
        .schedule(&profile, &nodes, &pod(Some("node-2")), &mut rng)
        .unwrap();
    assert_eq!(result.node, "node-2");
    assert_eq!((result.evaluated, result.feasible), (3, 1));
    let Err(ScheduleError::Fit(fit)) =
        algorithm.schedule(&profile, &nodes, &pod(Some("elsewhere")), &mut rng)
    else {
        panic!("expected a fit error");
    };
    assert_eq!(
        fit.message(),
        "0/3 nodes are available: 3 node(s) didn't match the requested node name."
    );
    assert_eq!(fit.rejected_by, HashSet::from(["NodeName"]));
}

#[test]
fn without_scoring_the_walk_starts_where_the_last_one_stopped() {
    let profile = only_node_name();
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut algorithm = Algorithm::default();
    let nodes = cache(200);
    // 200 nodes: 100 feasible nodes are enough, so each cycle looks at 100 and the next
    // starts after them. Without Score plugins, the first feasible node wins.
    let first = algorithm
        .schedule(&profile, &nodes, &pod(None), &mut rng)
        .unwrap();
    let second = algorithm
        .schedule(&profile, &nodes, &pod(None), &mut rng)
        .unwrap();
    assert_eq!(first.evaluated, 100);
    assert_ne!(first.node, second.node);
}

#[test]
fn cycles_record_extension_point_and_sampled_plugin_durations() {
    let registry = prometheus::Registry::new();
    let metrics = crate::metrics::Metrics::register(&registry).unwrap();
    let profile = only_node_name();
    profile.framework.set_metrics(metrics);
    let mut rng = rand::rngs::StdRng::seed_from_u64(9);
    let mut algorithm = Algorithm::default();
    let nodes = cache(3);
    for _ in 0..50 {
        algorithm
            .schedule(&profile, &nodes, &pod(None), &mut rng)
            .unwrap();
    }
    let families = registry.gather();
    let family = |name: &str| families.iter().find(|f| f.name() == name);
    let points = family("scheduler_framework_extension_point_duration_seconds").unwrap();
    let labelled = |m: &prometheus::proto::Metric, name: &str, value: &str| {
        m.get_label()
            .iter()
            .any(|l| l.name() == name && l.value() == value)
    };
    let filter = points
        .get_metric()
        .iter()
        .find(|m| labelled(m, "extension_point", "Filter") && labelled(m, "status", "Success"))
        .unwrap();
    assert_eq!(filter.get_histogram().get_sample_count(), 50);
    let plugins = family("scheduler_plugin_execution_duration_seconds").unwrap();
    let node_name = plugins
        .get_metric()
        .iter()
        .find(|m| labelled(m, "plugin", "NodeName"))
        .unwrap();
    // About one cycle in ten is sampled, each timing NodeName on 3 nodes.
    let sampled = node_name.get_histogram().get_sample_count();
    assert!(
        sampled > 0 && sampled < 150 && sampled % 3 == 0,
        "{sampled}"
    );
}
