//! replicaset-controller and replicationcontroller-controller against a real API server, with
//! only these controllers running: no scheduler and no kubelet. Where a test needs pods
//! bound, running or ready, it binds them (`pods/binding`) and writes their status
//! (`pods/status`) itself, as the scheduler and a kubelet would. Everything is checked
//! through what kubectl shows: pods with their ownerReferences, and the owners' status.

use crate::support::{RunningControllers, eventually};
use anyhow::{Context, Result};
use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::{Pod, ReplicationController};
use k8s_openapi::api::events::v1::Event;
use kube::api::{Api, ListParams, Patch, PatchParams, PostParams};
use serde_json::{Value, json};
use tests::apiserver::TestApiServer;

const CONTROLLERS: &str = "--controllers=replicaset,replicationcontroller";

fn replica_set(name: &str, replicas: i32) -> Result<ReplicaSet> {
    Ok(serde_json::from_value(json!({
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }))?)
}

/// The active pods (not being deleted) controlled by the owner with `uid`.
async fn owned_pods(pods: &Api<Pod>, uid: &str) -> Result<Vec<Pod>> {
    let list = pods.list(&ListParams::default()).await?;
    Ok(list
        .items
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| {
            p.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|r| r.controller == Some(true) && r.uid == uid)
        })
        .collect())
}

/// Waits until exactly `count` active pods are controlled by `uid`.
async fn wait_for_pods(pods: &Api<Pod>, uid: &str, count: usize) -> Result<Vec<Pod>> {
    eventually(&format!("{count} pods owned by {uid}"), || async {
        let owned = owned_pods(pods, uid).await?;
        Ok((owned.len() == count).then_some(owned))
    })
    .await
}

fn name_of(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap_or_default()
}

/// Sets a pod's status as a kubelet would: running, and ready or not.
async fn set_running(pods: &Api<Pod>, name: &str, ready: bool) -> Result<()> {
    let status = if ready { "True" } else { "False" };
    let patch = json!({"status": {
        "phase": "Running",
        "conditions": [{"type": "Ready", "status": status,
            "lastTransitionTime": "2026-01-01T00:00:00Z"}],
    }});
    pods.patch_status(name, &PatchParams::default(), &Patch::Merge(&patch))
        .await?;
    Ok(())
}

/// Binds a pod to a node as the scheduler would.
async fn bind(pods: &Api<Pod>, name: &str, node: &str) -> Result<()> {
    let binding = json!({
        "apiVersion": "v1", "kind": "Binding",
        "metadata": {"name": name},
        "target": {"apiVersion": "v1", "kind": "Node", "name": node},
    });
    let _: Value = pods
        .create_subresource("binding", name, &PostParams::default(), &binding)
        .await
        .context("binding")?;
    Ok(())
}

async fn rs_status(api: &Api<ReplicaSet>, name: &str) -> Result<Value> {
    let rs = api.get(name).await?;
    Ok(serde_json::to_value(rs.status)?)
}

#[tokio::test]
async fn a_replica_set_keeps_exactly_its_replicas_and_reports_their_readiness() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &[CONTROLLERS]).await?;
    let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");

    let rs = sets
        .create(&PostParams::default(), &replica_set("web", 3)?)
        .await?;
    let uid = rs.metadata.uid.clone().unwrap_or_default();
    let created = wait_for_pods(&pods, &uid, 3).await?;
    for pod in &created {
        let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("ReplicaSet", "web")
        );
        assert_eq!(owner.block_owner_deletion, Some(true));
        assert!(name_of(pod).starts_with("web-"));
    }

    // Several spec updates: each generation is observed, and no pod is ever added.
    for round in 0..3 {
        let patch = json!({"spec": {"template": {"metadata": {"annotations": {"round": round.to_string()}}}}});
        let updated = sets
            .patch("web", &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
        let generation = updated.metadata.generation;
        eventually("the new generation to be observed", || async {
            let status = sets.get("web").await?.status.unwrap_or_default();
            Ok((status.observed_generation == generation).then_some(()))
        })
        .await?;
        assert_eq!(owned_pods(&pods, &uid).await?.len(), 3);
    }
    let status = rs_status(&sets, "web").await?;
    assert_eq!(status["replicas"], 3);
    assert_eq!(status["fullyLabeledReplicas"], 3);
    assert!(status.get("readyReplicas").is_none());

    // Two pods become ready; then one of them stops being ready.
    set_running(&pods, &name_of(&created[0]), true).await?;
    set_running(&pods, &name_of(&created[1]), true).await?;
    eventually("two ready and available replicas", || async {
        let status = rs_status(&sets, "web").await?;
        Ok((status["readyReplicas"] == 2 && status["availableReplicas"] == 2).then_some(()))
    })
    .await?;
    set_running(&pods, &name_of(&created[1]), false).await?;
    eventually("one ready replica", || async {
        let status = rs_status(&sets, "web").await?;
        Ok((status["readyReplicas"] == 1 && status["availableReplicas"] == 1).then_some(()))
    })
    .await?;
    assert_eq!(owned_pods(&pods, &uid).await?.len(), 3);
    Ok(())
}

#[tokio::test]
async fn scaling_deletes_unassigned_and_unready_pods_first() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &[CONTROLLERS]).await?;
    let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");

    let rs = sets
        .create(&PostParams::default(), &replica_set("app", 2)?)
        .await?;
    let uid = rs.metadata.uid.clone().unwrap_or_default();
    wait_for_pods(&pods, &uid, 2).await?;
    let scale = |n: i32| json!({"spec": {"replicas": n}});
    sets.patch("app", &PatchParams::default(), &Patch::Merge(&scale(5)))
        .await?;
    let five = wait_for_pods(&pods, &uid, 5).await?;

    // One pod is bound and ready (the one to keep), one bound but not ready; the rest
    // stay unassigned and pending.
    let keeper = name_of(&five[3]);
    let unready = name_of(&five[1]);
    bind(&pods, &keeper, "node-a").await?;
    set_running(&pods, &keeper, true).await?;
    bind(&pods, &unready, "node-b").await?;
    set_running(&pods, &unready, false).await?;
    eventually("one ready replica", || async {
        Ok((rs_status(&sets, "app").await?["readyReplicas"] == 1).then_some(()))
    })
    .await?;

    sets.patch("app", &PatchParams::default(), &Patch::Merge(&scale(1)))
        .await?;
    let left = wait_for_pods(&pods, &uid, 1).await?;
    assert_eq!(name_of(&left[0]), keeper);
    eventually("status.replicas to be 1", || async {
        let status = rs_status(&sets, "app").await?;
        Ok((status["replicas"] == 1 && status["readyReplicas"] == 1).then_some(()))
    })
    .await?;
    // Still one, after the deletions have been observed.
    assert_eq!(owned_pods(&pods, &uid).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn orphans_are_adopted_and_pods_that_stop_matching_are_released_and_replaced() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &[CONTROLLERS]).await?;
    let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");

    let orphan: Pod = serde_json::from_value(json!({
        "metadata": {"name": "orphan", "labels": {"app": "db"}},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }))?;
    pods.create(&PostParams::default(), &orphan).await?;
    let rs = sets
        .create(&PostParams::default(), &replica_set("db", 2)?)
        .await?;
    let uid = rs.metadata.uid.clone().unwrap_or_default();
    let owned = wait_for_pods(&pods, &uid, 2).await?;
    assert!(
        owned.iter().any(|p| name_of(p) == "orphan"),
        "the orphan is adopted and counts toward the replicas"
    );
    eventually("status.replicas to be 2", || async {
        Ok((rs_status(&sets, "db").await?["replicas"] == 2).then_some(()))
    })
    .await?;

    // Relabeled, the pod is released and another one replaces it.
    let relabel = json!({"metadata": {"labels": {"app": "elsewhere"}}});
    pods.patch("orphan", &PatchParams::default(), &Patch::Merge(&relabel))
        .await?;
    let owned = eventually("the relabeled pod to be replaced", || async {
        let owned = owned_pods(&pods, &uid).await?;
        let replaced = owned.len() == 2 && owned.iter().all(|p| name_of(p) != "orphan");
        Ok(replaced.then_some(owned))
    })
    .await?;
    assert_eq!(owned.len(), 2);
    let released = pods.get("orphan").await?;
    assert!(
        released
            .metadata
            .owner_references
            .unwrap_or_default()
            .iter()
            .all(|r| r.uid != uid),
        "the relabeled pod has no reference to the ReplicaSet"
    );
    Ok(())
}

#[tokio::test]
async fn a_replication_controller_creates_its_pods() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _controllers = RunningControllers::start(&server, &[CONTROLLERS]).await?;
    let controllers: Api<ReplicationController> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let rc: ReplicationController = serde_json::from_value(json!({
        "metadata": {"name": "legacy"},
        "spec": {
            "replicas": 2,
            "selector": {"app": "legacy"},
            "template": {
                "metadata": {"labels": {"app": "legacy"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }))?;
    let rc = controllers.create(&PostParams::default(), &rc).await?;
    let uid = rc.metadata.uid.clone().unwrap_or_default();
    let created = wait_for_pods(&pods, &uid, 2).await?;
    for pod in &created {
        let owner = &pod.metadata.owner_references.as_ref().unwrap()[0];
        assert_eq!(
            (owner.api_version.as_str(), owner.kind.as_str()),
            ("v1", "ReplicationController")
        );
    }
    eventually("status.replicas to be 2", || async {
        let status = controllers.get("legacy").await?.status.unwrap_or_default();
        Ok(
            (status.replicas == 2 && status.observed_generation == rc.metadata.generation)
                .then_some(()),
        )
    })
    .await?;
    assert_eq!(owned_pods(&pods, &uid).await?.len(), 2);

    // The events are about the ReplicationController, from upstream's event source.
    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    eventually(
        "a SuccessfulCreate event about the ReplicationController",
        || async {
            let list = events.list(&ListParams::default()).await?;
            Ok(list
                .items
                .into_iter()
                .find(|e| {
                    e.reason.as_deref() == Some("SuccessfulCreate")
                        && e.regarding.as_ref().and_then(|r| r.kind.as_deref())
                            == Some("ReplicationController")
                        && e.reporting_controller.as_deref() == Some("replication-controller")
                })
                .map(|_| ()))
        },
    )
    .await?;
    Ok(())
}
