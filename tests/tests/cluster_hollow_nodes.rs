//! A small cluster without containers: the API server in-process, the real kube-scheduler and
//! kube-controller-manager binaries as processes, and hollow nodes in place of kubelets.
//!
//! The daemons are taken from the test executable's `target/<profile>/` folder: run
//! `cargo build -p kube-scheduler -p kube-controller-manager` first (`cargo test --workspace`
//! builds them).

use std::time::Duration;

use anyhow::{Result, bail};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Namespace, Node, Pod, ServiceAccount};
use kube::api::{Api, DeleteParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;
use tests::daemons::{Daemon, DaemonProcess};
use tests::hollow_nodes::{
    EXIT_CODE_ANNOTATION, HollowNodeOptions, HollowNodes, LEASE_NAMESPACE, RUN_SECONDS_ANNOTATION,
};

/// Polls until `check` returns `Some`; the bound turns a hang into a failure.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    for _ in 0..600 {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("gave up waiting for {what}")
}

fn pod(
    name: &str,
    node: Option<&str>,
    restart_policy: &str,
    annotations: serde_json::Value,
) -> Result<Pod> {
    Ok(serde_json::from_value(json!({
        "metadata": {"name": name, "annotations": annotations},
        "spec": {
            "nodeName": node,
            "restartPolicy": restart_policy,
            "containers": [{"name": "main", "image": "registry.k8s.io/pause:3.10.1",
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}}}],
        },
    }))?)
}

fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or_default()
}

fn condition(pod: &Pod, kind: &str) -> Option<String> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == kind)
        .map(|c| c.status.clone())
}

#[tokio::test]
async fn scheduler_and_controller_manager_processes_run_pods_on_hollow_nodes() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let hollow = HollowNodes::start(
        client.clone(),
        HollowNodeOptions {
            count: 3,
            ..HollowNodeOptions::default()
        },
    )
    .await?;
    let _scheduler = DaemonProcess::start(Daemon::Scheduler, &server, &[]).await?;
    let _controllers =
        DaemonProcess::start(Daemon::ControllerManager, &server, &["--controllers=*"]).await?;

    // The nodes are registered Ready, each with its Lease.
    let nodes: Api<Node> = Api::all(client.clone());
    let leases: Api<Lease> = Api::namespaced(client.clone(), LEASE_NAMESPACE);
    for name in hollow.node_names() {
        let node = nodes.get(&name).await?;
        let ready = node
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
            .map(|c| c.status.clone());
        assert_eq!(ready.as_deref(), Some("True"), "{name}");
        let lease = leases.get(&name).await?;
        let spec = lease.spec.unwrap_or_default();
        assert_eq!(spec.holder_identity.as_deref(), Some(name.as_str()));
        assert_eq!(spec.lease_duration_seconds, Some(40));
        let owner = &lease.metadata.owner_references.unwrap_or_default()[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("Node", name.as_str())
        );
    }

    // The controller-manager process gives a new namespace its default ServiceAccount.
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "e2e"}}))?,
        )
        .await?;
    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), "e2e");
    eventually("the default ServiceAccount of e2e", || async {
        Ok(accounts.get_opt("default").await?)
    })
    .await?;

    // A pod is scheduled by the scheduler process and run by its hollow node.
    let pods: Api<Pod> = Api::namespaced(client.clone(), "e2e");
    pods.create(
        &PostParams::default(),
        &pod("web", None, "Always", json!({}))?,
    )
    .await?;
    let running = eventually("web to be Running and Ready", || async {
        let p = pods.get("web").await?;
        Ok(
            (phase(&p) == "Running" && condition(&p, "Ready").as_deref() == Some("True"))
                .then_some(p),
        )
    })
    .await?;
    let spec = running.spec.clone().unwrap_or_default();
    let status = running.status.clone().unwrap_or_default();
    let node = spec.node_name.unwrap_or_default();
    assert!(hollow.node_names().contains(&node), "bound to {node}");
    assert!(status.pod_ip.is_some_and(|ip| ip.starts_with("10.")));
    assert!(status.host_ip.is_some_and(|ip| ip.starts_with("100.64.")));
    let container = &status.container_statuses.unwrap_or_default()[0];
    assert!(container.ready);
    assert!(
        container
            .container_id
            .as_deref()
            .is_some_and(|id| id.starts_with("containerd://"))
    );
    assert_eq!(condition(&running, "PodScheduled").as_deref(), Some("True"));
    hollow.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn hollow_nodes_finish_pods_and_complete_deletions() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let hollow = HollowNodes::start(
        client.clone(),
        HollowNodeOptions {
            count: 1,
            pod_run_time: Duration::from_millis(200),
            ..HollowNodeOptions::default()
        },
    )
    .await?;
    let node = hollow.node_names()[0].clone();
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let create = |p: Pod| {
        let pods = pods.clone();
        async move { pods.create(&PostParams::default(), &p).await }
    };
    create(pod("done", Some(&node), "Never", json!({}))?).await?;
    create(pod(
        "fails",
        Some(&node),
        "Never",
        json!({EXIT_CODE_ANNOTATION: "3"}),
    )?)
    .await?;
    create(pod(
        "retries",
        Some(&node),
        "OnFailure",
        json!({EXIT_CODE_ANNOTATION: "1", RUN_SECONDS_ANNOTATION: "0.2"}),
    )?)
    .await?;
    create(pod("server", Some(&node), "Always", json!({}))?).await?;

    let terminated_exit = |p: &Pod| {
        p.status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|c| c.first())
            .and_then(|c| c.state.as_ref())
            .and_then(|s| s.terminated.as_ref())
            .map(|t| t.exit_code)
    };
    let done = eventually("done to succeed", || async {
        let p = pods.get("done").await?;
        Ok((phase(&p) == "Succeeded").then_some(p))
    })
    .await?;
    assert_eq!(terminated_exit(&done), Some(0));
    assert_eq!(condition(&done, "Ready").as_deref(), Some("False"));
    let failed = eventually("fails to fail", || async {
        let p = pods.get("fails").await?;
        Ok((phase(&p) == "Failed").then_some(p))
    })
    .await?;
    assert_eq!(terminated_exit(&failed), Some(3));
    eventually("retries to restart its container", || async {
        let p = pods.get("retries").await?;
        let restarts = p
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|c| c.first())
            .map_or(0, |c| c.restart_count);
        Ok((phase(&p) == "Running" && restarts >= 1).then_some(()))
    })
    .await?;

    // A running pod deleted with the default grace period is finished by its node.
    eventually("server to run", || async {
        Ok((phase(&pods.get("server").await?) == "Running").then_some(()))
    })
    .await?;
    pods.delete("server", &DeleteParams::default()).await?;
    eventually("server to be gone", || async {
        Ok(pods.get_opt("server").await?.is_none().then_some(()))
    })
    .await?;
    hollow.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn stopped_heartbeats_leave_the_lease_unrenewed_until_resumed() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let hollow = HollowNodes::start(
        client.clone(),
        HollowNodeOptions {
            count: 2,
            lease_renew_interval: Duration::from_millis(500),
            ..HollowNodeOptions::default()
        },
    )
    .await?;
    let leases: Api<Lease> = Api::namespaced(client.clone(), LEASE_NAMESPACE);
    let renewed = |name: String| {
        let leases = leases.clone();
        async move {
            let lease = leases.get(&name).await?;
            Ok::<_, anyhow::Error>(lease.spec.and_then(|s| s.renew_time).map(|t| t.0))
        }
    };
    let [quiet, busy] = [
        hollow.node_names()[0].clone(),
        hollow.node_names()[1].clone(),
    ];
    let first = renewed(busy.clone()).await?;
    eventually("the lease to be renewed", || async {
        Ok((renewed(busy.clone()).await? > first).then_some(()))
    })
    .await?;

    assert!(hollow.stop_heartbeats(&quiet));
    // Let a renewal in flight land, then watch it stay.
    tokio::time::sleep(Duration::from_millis(600)).await;
    let stopped_at = renewed(quiet.clone()).await?;
    // Two renewals of the other node: a whole renew interval passed.
    for _ in 0..2 {
        let busy_before = renewed(busy.clone()).await?;
        eventually("the other lease to be renewed", || async {
            Ok((renewed(busy.clone()).await? > busy_before).then_some(()))
        })
        .await?;
    }
    assert_eq!(renewed(quiet.clone()).await?, stopped_at);

    hollow.resume_heartbeats(&quiet).await?;
    assert!(renewed(quiet.clone()).await? > stopped_at);
    hollow.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn the_hollow_nodes_binary_registers_its_nodes() -> Result<()> {
    /// The binary, killed on drop.
    struct Child(std::process::Child);
    impl Drop for Child {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let _process = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_hollow-nodes"))
            .arg(format!("--kubeconfig={}", server.kubeconfig.display()))
            .args(["--nodes=2", "--name-prefix=kwok-"])
            .spawn()?,
    );
    let nodes: Api<Node> = Api::all(client.clone());
    let names = eventually("two nodes to register", || async {
        let mut names: Vec<String> = nodes
            .list(&Default::default())
            .await?
            .items
            .into_iter()
            .filter_map(|n| n.metadata.name)
            .collect();
        names.sort();
        Ok((names.len() == 2).then_some(names))
    })
    .await?;
    assert_eq!(names, ["kwok-0", "kwok-1"]);
    Ok(())
}
