//! kube-scheduler as a process against a real API server over TLS. Nodes are API objects (no
//! kubelet is needed to schedule); pods are created with kube-rs and must land where the
//! plugins say, or get upstream's event and condition when nothing fits.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::api::events::v1::Event;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use kube::api::{Api, DeleteParams, ListParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;
use tests::etcd::free_port;

/// A kube-scheduler child process, killed when dropped.
struct SchedulerProcess {
    child: Child,
}

impl SchedulerProcess {
    fn start(server: &TestApiServer, extra: &[&str]) -> Result<Self> {
        let child = Command::new(env!("CARGO_BIN_EXE_kube-scheduler"))
            .arg(format!("--kubeconfig={}", server.kubeconfig.display()))
            .arg("--bind-address=127.0.0.1")
            .arg(format!("--secure-port={}", free_port()?))
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting kube-scheduler")?;
        Ok(Self { child })
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SchedulerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn node(name: &str, cpu: &str, labels: serde_json::Value) -> Node {
    serde_json::from_value(json!({
        "metadata": {"name": name, "labels": labels},
        "status": {
            "capacity": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
            "allocatable": {"cpu": cpu, "memory": "8Gi", "pods": "110"},
            "conditions": [{"type": "Ready", "status": "True"}]
        }
    }))
    .expect("a valid node")
}

fn pod(name: &str, cpu: &str, spec: serde_json::Value) -> Pod {
    let mut spec = spec;
    spec["containers"] = json!([{"name": "app", "image": "registry.k8s.io/pause:3.10",
        "resources": {"requests": {"cpu": cpu}}}]);
    serde_json::from_value(json!({"metadata": {"name": name}, "spec": spec})).expect("a valid pod")
}

/// Polls until `check` returns `Some` (the scheduler works asynchronously; the bound is only
/// there so a broken scheduler fails the test instead of hanging it).
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    for _ in 0..300 {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("gave up waiting for {what}")
}

async fn node_of(pods: &Api<Pod>, name: &str) -> Result<String> {
    eventually(&format!("pod {name} to be bound"), || async {
        let pod = pods.get(name).await?;
        Ok(pod.spec.and_then(|s| s.node_name))
    })
    .await
}

async fn create_nodes(nodes: &Api<Node>, list: Vec<Node>) -> Result<()> {
    for n in list {
        nodes.create(&PostParams::default(), &n).await?;
    }
    Ok(())
}

#[tokio::test]
async fn pods_land_where_the_plugins_say() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    create_nodes(
        &nodes,
        vec![
            node("small", "1", json!({"disk": "hdd"})),
            node("big", "8", json!({"disk": "hdd"})),
            node("fast", "2", json!({"disk": "ssd"})),
        ],
    )
    .await?;
    let _scheduler = SchedulerProcess::start(&server, &["--leader-elect=false"])?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let pp = PostParams::default();

    // Only the big node has 4 CPUs free.
    pods.create(&pp, &pod("needs-4-cpus", "4", json!({})))
        .await?;
    assert_eq!(node_of(&pods, "needs-4-cpus").await?, "big");
    // A node selector picks the labelled node.
    pods.create(
        &pp,
        &pod(
            "wants-ssd",
            "100m",
            json!({"nodeSelector": {"disk": "ssd"}}),
        ),
    )
    .await?;
    assert_eq!(node_of(&pods, "wants-ssd").await?, "fast");
    // spec.nodeName set by the user is left alone (the scheduler never sees the pod).
    pods.create(&pp, &pod("pinned", "100m", json!({"nodeName": "small"})))
        .await?;
    assert_eq!(node_of(&pods, "pinned").await?, "small");
    // A pod for another scheduler is not ours.
    pods.create(
        &pp,
        &pod(
            "other-scheduler",
            "100m",
            json!({"schedulerName": "someone-else"}),
        ),
    )
    .await?;
    // The assumed 4 CPUs count: 5 more CPUs fit only on... nothing (big has 4 left).
    pods.create(&pp, &pod("needs-5-cpus", "5", json!({})))
        .await?;
    // Bound pods get the Scheduled event from default-scheduler.
    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    let scheduled = eventually("the Scheduled event", || async {
        let list = events.list(&ListParams::default()).await?;
        Ok(list.items.into_iter().find(|e| {
            e.reason.as_deref() == Some("Scheduled")
                && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some("needs-4-cpus")
        }))
    })
    .await?;
    assert_eq!(
        scheduled.note.as_deref(),
        Some("Successfully assigned default/needs-4-cpus to big")
    );
    assert_eq!(
        scheduled.reporting_controller.as_deref(),
        Some("default-scheduler")
    );
    let failed = eventually("the FailedScheduling event", || async {
        let list = events.list(&ListParams::default()).await?;
        Ok(list.items.into_iter().find(|e| {
            e.reason.as_deref() == Some("FailedScheduling")
                && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some("needs-5-cpus")
        }))
    })
    .await?;
    assert_eq!(
        failed.note.as_deref(),
        Some(
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: \
             1 No preemption victims found for incoming pod, \
             2 Preemption is not helpful for scheduling."
        )
    );
    let other = pods.get("other-scheduler").await?;
    assert_eq!(other.spec.and_then(|s| s.node_name), None);
    Ok(())
}

#[tokio::test]
async fn an_unschedulable_pod_is_marked_and_scheduled_once_a_node_fits() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let _scheduler = SchedulerProcess::start(&server, &["--leader-elect=false"])?;

    // No nodes at all.
    pods.create(&PostParams::default(), &pod("waiting", "3", json!({})))
        .await?;
    let condition = |message: &'static str| {
        let pods = pods.clone();
        move || {
            let pods = pods.clone();
            async move {
                let pod = pods.get("waiting").await?;
                Ok(pod
                    .status
                    .and_then(|s| s.conditions)
                    .into_iter()
                    .flatten()
                    .find(|c| {
                        c.type_ == "PodScheduled"
                            && c.status == "False"
                            && c.reason.as_deref() == Some("Unschedulable")
                            && c.message.as_deref() == Some(message)
                    }))
            }
        }
    };
    eventually(
        "PodScheduled=False with no nodes",
        condition("no nodes available to schedule pods"),
    )
    .await?;

    // A node too small: the message says why.
    create_nodes(&nodes, vec![node("too-small", "2", json!({}))]).await?;
    eventually(
        "PodScheduled=False naming the missing CPU",
        condition(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: \
             1 Preemption is not helpful for scheduling.",
        ),
    )
    .await?;

    // A node that fits: the waiting pod is moved by the node event and bound there.
    create_nodes(&nodes, vec![node("roomy", "4", json!({}))]).await?;
    assert_eq!(node_of(&pods, "waiting").await?, "roomy");
    let bound = pods.get("waiting").await?;
    let scheduled = bound
        .status
        .and_then(|s| s.conditions)
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "PodScheduled");
    assert_eq!(scheduled.map(|c| c.status).as_deref(), Some("True"));

    // Deleting a pod frees its room for the next one.
    pods.create(&PostParams::default(), &pod("second", "3", json!({})))
        .await?;
    eventually("the second pod to be refused", || async {
        let pod = pods.get("second").await?;
        Ok(pod
            .status
            .and_then(|s| s.conditions)
            .into_iter()
            .flatten()
            .find(|c| c.reason.as_deref() == Some("Unschedulable")))
    })
    .await?;
    pods.delete("waiting", &DeleteParams::default().grace_period(0))
        .await?;
    assert_eq!(node_of(&pods, "second").await?, "roomy");
    Ok(())
}

#[tokio::test]
async fn two_replicas_elect_one_leader_and_never_double_bind() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    create_nodes(
        &nodes,
        (0..5)
            .map(|i| node(&format!("n{i}"), "4", json!({})))
            .collect(),
    )
    .await?;
    let fast = [
        "--leader-elect=true",
        "--leader-elect-lease-duration=2s",
        "--leader-elect-renew-deadline=1500ms",
        "--leader-elect-retry-period=250ms",
    ];
    let mut first = SchedulerProcess::start(&server, &fast)?;
    let _second = SchedulerProcess::start(&server, &fast)?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    for i in 0..20 {
        pods.create(
            &PostParams::default(),
            &pod(&format!("p{i}"), "100m", json!({})),
        )
        .await?;
    }
    for i in 0..20 {
        node_of(&pods, &format!("p{i}")).await?;
    }
    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    let scheduled_events = |want: usize| {
        let events = events.clone();
        move || {
            let events = events.clone();
            async move {
                let n = events
                    .list(&ListParams::default())
                    .await?
                    .items
                    .iter()
                    .filter(|e| e.reason.as_deref() == Some("Scheduled"))
                    .count();
                Ok((n >= want).then_some(n))
            }
        }
    };
    assert_eq!(
        eventually("20 Scheduled events", scheduled_events(20)).await?,
        20
    );
    // Kill one replica (whichever leads, the other must carry on).
    first.kill();
    for i in 20..30 {
        pods.create(
            &PostParams::default(),
            &pod(&format!("p{i}"), "100m", json!({})),
        )
        .await?;
    }
    for i in 20..30 {
        node_of(&pods, &format!("p{i}")).await?;
    }
    assert_eq!(
        eventually("30 Scheduled events", scheduled_events(30)).await?,
        30
    );
    // A second binding of a bound pod is refused with a conflict, which the scheduler
    // reports as a FailedScheduling event: there must be none.
    let failed: Vec<_> = events
        .list(&ListParams::default())
        .await?
        .items
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("FailedScheduling"))
        .map(|e| e.note.unwrap_or_default())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    Ok(())
}

#[tokio::test]
async fn a_high_priority_pod_preempts_a_lower_one() -> Result<()> {
    let server = TestApiServer::start().await?;
    let client = server.client().await?;
    let nodes: Api<Node> = Api::all(client.clone());
    create_nodes(&nodes, vec![node("only", "2", json!({}))]).await?;
    let _scheduler = SchedulerProcess::start(&server, &["--leader-elect=false"])?;
    // Priorities come from PriorityClasses through the API server's Priority admission.
    let classes: Api<PriorityClass> = Api::all(client.clone());
    for (name, value) in [("low", 1), ("high", 100)] {
        let class: PriorityClass =
            serde_json::from_value(json!({"metadata": {"name": name}, "value": value}))?;
        classes.create(&PostParams::default(), &class).await?;
    }
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let pp = PostParams::default();
    pods.create(
        &pp,
        &pod("low", "1500m", json!({"priorityClassName": "low"})),
    )
    .await?;
    assert_eq!(
        pods.get("low").await?.spec.and_then(|s| s.priority),
        Some(1)
    );
    assert_eq!(node_of(&pods, "low").await?, "only");

    // Higher priority: the low pod is marked, told and deleted (gracefully: it is bound).
    pods.create(&pp, &pod("high", "1", json!({"priorityClassName": "high"})))
        .await?;
    let victim = eventually("the victim to be deleted", || async {
        let pod = pods.get("low").await?;
        Ok(pod.metadata.deletion_timestamp.is_some().then_some(pod))
    })
    .await?;
    let disruption = victim
        .status
        .and_then(|s| s.conditions)
        .into_iter()
        .flatten()
        .find(|c| c.type_ == "DisruptionTarget");
    assert_eq!(
        disruption.and_then(|c| c.reason).as_deref(),
        Some("PreemptionByScheduler")
    );
    let high = eventually("the nominated node", || async {
        let pod = pods.get("high").await?;
        Ok(pod.status.and_then(|s| s.nominated_node_name))
    })
    .await?;
    assert_eq!(high, "only");
    let events: Api<Event> = Api::namespaced(client.clone(), "default");
    let preempted = eventually("the Preempted event", || async {
        let list = events.list(&ListParams::default()).await?;
        Ok(list.items.into_iter().find(|e| {
            e.reason.as_deref() == Some("Preempted")
                && e.regarding.as_ref().and_then(|r| r.name.as_deref()) == Some("low")
        }))
    })
    .await?;
    let uid = pods.get("high").await?.metadata.uid.unwrap_or_default();
    assert_eq!(
        preempted.note.as_deref(),
        Some(format!("Preempted by pod {uid} on node only").as_str())
    );
    // No kubelet here: finish the victim's graceful deletion as the kubelet would.
    pods.delete("low", &DeleteParams::default().grace_period(0))
        .await?;
    assert_eq!(node_of(&pods, "high").await?, "only");
    Ok(())
}
