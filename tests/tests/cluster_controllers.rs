//! The controller-manager's acceptance scenarios (and the scheduler's volume binding, which
//! needs the PV controller) on a small cluster without containers: the
//! API server in-process, the real kube-scheduler and kube-controller-manager binaries as
//! processes, hollow nodes in place of kubelets, and real kubectl.
//!
//! Each scenario asserts what a user of upstream Kubernetes sees: `kubectl rollout status`
//! finishing, objects appearing and going away, status fields. The daemons come from the test
//! executable's `target/<profile>/` folder (`cargo test --workspace` builds them).

use std::collections::BTreeSet;
use std::time::Duration;

use anyhow::{Result, bail, ensure};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, ListParams, PostParams};
use serde_json::json;
use tests::apiserver::TestApiServer;
use tests::daemons::{Daemon, DaemonProcess};
use tests::hollow_nodes::{HollowNodeOptions, HollowNodes};
use tests::kubectl;

/// Polls until `check` returns `Some`; the bound turns a hang into a failure.
async fn eventually<T, F, Fut>(what: &str, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    for _ in 0..1200 {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("gave up waiting for {what}")
}

/// The cluster of one test; everything stops when it is dropped.
struct Cluster {
    server: TestApiServer,
    client: kube::Client,
    hollow: HollowNodes,
    _scheduler: DaemonProcess,
    _controllers: DaemonProcess,
}

impl Cluster {
    async fn start(nodes: usize, controller_flags: &[&str]) -> Result<Self> {
        Self::start_with(
            HollowNodeOptions {
                count: nodes,
                ..HollowNodeOptions::default()
            },
            controller_flags,
        )
        .await
    }

    async fn start_with(nodes: HollowNodeOptions, controller_flags: &[&str]) -> Result<Self> {
        let server = TestApiServer::start().await?;
        let client = server.client().await?;
        let hollow = HollowNodes::start(client.clone(), nodes).await?;
        let scheduler = DaemonProcess::start(Daemon::Scheduler, &server, &[]).await?;
        let controllers =
            DaemonProcess::start(Daemon::ControllerManager, &server, controller_flags).await?;
        Ok(Self {
            server,
            client,
            hollow,
            _scheduler: scheduler,
            _controllers: controllers,
        })
    }

    /// Runs kubectl (the default one) and fails with its stderr when it fails.
    async fn kubectl(&self, args: &[&str]) -> Result<String> {
        let binary =
            kubectl::binary("").ok_or_else(|| anyhow::anyhow!("kubectl is not installed"))?;
        let kubeconfig = self.server.kubeconfig.clone();
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        let output = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            kubectl::run(&binary, &kubeconfig, &args)
        })
        .await?;
        ensure!(output.success, "kubectl failed: {}", output.stderr);
        Ok(output.stdout)
    }
}

fn pods_with(pods: &[Pod], label: &str) -> usize {
    pods.iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| {
            let (key, value) = label.split_once('=').unwrap_or((label, ""));
            p.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(key))
                .is_some_and(|v| v == value)
        })
        .count()
}

async fn available(deployments: &Api<Deployment>, name: &str, replicas: i32) -> Result<()> {
    eventually(
        &format!("{name} to have {replicas} available replicas"),
        || async {
            let d = deployments.get(name).await?;
            let status = d.status.unwrap_or_default();
            let done = status.available_replicas.unwrap_or(0) == replicas
                && status.replicas.unwrap_or(0) == replicas
                && status.updated_replicas.unwrap_or(0) == replicas;
            Ok(done.then_some(()))
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deployments_roll_scale_undo_serve_and_are_collected() -> Result<()> {
    let cluster = Cluster::start(4, &[]).await?;
    let ns = "default";
    let deployments: Api<Deployment> = Api::namespaced(cluster.client.clone(), ns);
    let replica_sets: Api<ReplicaSet> = Api::namespaced(cluster.client.clone(), ns);
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), ns);

    cluster
        .kubectl(&[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.26",
            "--replicas=3",
            "--port=80",
        ])
        .await?;
    let out = cluster
        .kubectl(&["rollout", "status", "deployment/web", "--timeout=120s"])
        .await?;
    assert!(out.contains("successfully rolled out"), "{out}");

    // Scale up and down converge.
    cluster
        .kubectl(&["scale", "deployment/web", "--replicas=5"])
        .await?;
    available(&deployments, "web", 5).await?;
    cluster
        .kubectl(&["scale", "deployment/web", "--replicas=2"])
        .await?;
    available(&deployments, "web", 2).await?;
    eventually("2 web pods", || async {
        let listed = pods
            .list(&ListParams::default().labels("app=web"))
            .await?
            .items;
        Ok((pods_with(&listed, "app=web") == 2).then_some(()))
    })
    .await?;

    // An image change rolls over to a second ReplicaSet; undo returns to the first.
    let first_rs = replica_sets
        .list(&ListParams::default().labels("app=web"))
        .await?
        .items;
    ensure!(first_rs.len() == 1, "one ReplicaSet before the rollout");
    let first_name = first_rs[0].metadata.name.clone().unwrap_or_default();
    cluster
        .kubectl(&["set", "image", "deployment/web", "nginx=nginx:1.27"])
        .await?;
    cluster
        .kubectl(&["rollout", "status", "deployment/web", "--timeout=120s"])
        .await?;
    let history = cluster
        .kubectl(&["rollout", "history", "deployment/web"])
        .await?;
    assert!(history.contains('1') && history.contains('2'), "{history}");
    cluster
        .kubectl(&["rollout", "undo", "deployment/web"])
        .await?;
    cluster
        .kubectl(&["rollout", "status", "deployment/web", "--timeout=120s"])
        .await?;
    let active = eventually("the first ReplicaSet to be active again", || async {
        let sets = replica_sets
            .list(&ListParams::default().labels("app=web"))
            .await?
            .items;
        let active: Vec<String> = sets
            .iter()
            .filter(|rs| rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0) > 0)
            .filter_map(|rs| rs.metadata.name.clone())
            .collect();
        Ok((active.len() == 1 && active[0] == first_name).then_some(active))
    })
    .await?;
    assert_eq!(active, [first_name]);

    // A Service's Endpoints and EndpointSlices list the ready pods.
    cluster
        .kubectl(&["expose", "deployment/web", "--port=80"])
        .await?;
    let endpoints: Api<Endpoints> = Api::namespaced(cluster.client.clone(), ns);
    eventually("Endpoints of web with 2 ready addresses", || async {
        let Some(e) = endpoints.get_opt("web").await? else {
            return Ok(None);
        };
        let ready: usize = e
            .subsets
            .unwrap_or_default()
            .iter()
            .map(|s| s.addresses.as_ref().map_or(0, Vec::len))
            .sum();
        Ok((ready == 2).then_some(()))
    })
    .await?;
    let slices: Api<EndpointSlice> = Api::namespaced(cluster.client.clone(), ns);
    eventually("an EndpointSlice of web with 2 ready endpoints", || async {
        let listed = slices
            .list(&ListParams::default().labels("kubernetes.io/service-name=web"))
            .await?
            .items;
        let ready = listed
            .iter()
            .flat_map(|s| s.endpoints.iter())
            .filter(|e| e.conditions.as_ref().and_then(|c| c.ready) == Some(true))
            .count();
        Ok((ready == 2).then_some(()))
    })
    .await?;

    // Deleting the Deployment (kubectl: background) removes its ReplicaSets and pods.
    cluster.kubectl(&["delete", "deployment", "web"]).await?;
    eventually("the ReplicaSets and pods of web to go", || async {
        let sets = replica_sets
            .list(&ListParams::default().labels("app=web"))
            .await?
            .items;
        let listed = pods
            .list(&ListParams::default().labels("app=web"))
            .await?
            .items;
        Ok((sets.is_empty() && listed.is_empty()).then_some(()))
    })
    .await?;

    // Foreground deletion: the Deployment stays until its dependents are gone.
    cluster
        .kubectl(&[
            "create",
            "deployment",
            "fg",
            "--image=nginx",
            "--replicas=2",
        ])
        .await?;
    available(&deployments, "fg", 2).await?;
    cluster
        .kubectl(&[
            "delete",
            "deployment",
            "fg",
            "--cascade=foreground",
            "--wait=true",
            "--timeout=120s",
        ])
        .await?;
    let left = pods
        .list(&ListParams::default().labels("app=fg"))
        .await?
        .items;
    ensure!(
        left.is_empty(),
        "pods of fg left after a foreground delete: {}",
        left.len()
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_daemon_sets_stateful_sets_and_namespaces() -> Result<()> {
    let cluster = Cluster::start(3, &[]).await?;
    let namespaces: Api<Namespace> = Api::all(cluster.client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "work"}}))?,
        )
        .await?;
    let ns = "work";

    // A Job with completions=5, parallelism=2 completes (hollow nodes finish its pods).
    let jobs: Api<Job> = Api::namespaced(cluster.client.clone(), ns);
    jobs.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": "batch"},
            "spec": {"completions": 5, "parallelism": 2, "template": {"spec": {
                "restartPolicy": "Never",
                "containers": [{"name": "c", "image": "busybox"}]}}}
        }))?,
    )
    .await?;
    let job = eventually("the Job to complete", || async {
        let job = jobs.get("batch").await?;
        let complete = job
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c.type_ == "Complete" && c.status == "True")
            });
        Ok(complete.then_some(job))
    })
    .await?;
    assert_eq!(job.status.and_then(|s| s.succeeded), Some(5));

    // A DaemonSet covers every node, including one added later.
    let daemon_sets: Api<DaemonSet> = Api::namespaced(cluster.client.clone(), ns);
    daemon_sets
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": "agent"},
                "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": {
                    "metadata": {"labels": {"app": "agent"}},
                    "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}
            }))?,
        )
        .await?;
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), ns);
    let nodes_of_agents = || async {
        let listed = pods
            .list(&ListParams::default().labels("app=agent"))
            .await?
            .items;
        Ok::<BTreeSet<String>, anyhow::Error>(
            listed
                .iter()
                .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
                .filter_map(|p| p.spec.as_ref().and_then(|s| s.node_name.clone()))
                .collect(),
        )
    };
    let all_nodes: BTreeSet<String> = cluster.hollow.node_names().into_iter().collect();
    eventually("an agent on every node", || async {
        Ok((nodes_of_agents().await? == all_nodes).then_some(()))
    })
    .await?;
    let added = cluster.hollow.add_node().await?;
    eventually("an agent on the added node", || async {
        Ok(nodes_of_agents().await?.contains(&added).then_some(()))
    })
    .await?;

    // A StatefulSet creates web-0, web-1, web-2 in order.
    let sets: Api<StatefulSet> = Api::namespaced(cluster.client.clone(), ns);
    sets.create(
        &PostParams::default(),
        &serde_json::from_value(json!({
            "metadata": {"name": "db"},
            "spec": {"replicas": 3, "serviceName": "db",
                "selector": {"matchLabels": {"app": "db"}}, "template": {
                "metadata": {"labels": {"app": "db"}},
                "spec": {"containers": [{"name": "c", "image": "busybox"}]}}}
        }))?,
    )
    .await?;
    eventually("db ready with 3 replicas", || async {
        let set = sets.get("db").await?;
        Ok((set.status.and_then(|s| s.ready_replicas) == Some(3)).then_some(()))
    })
    .await?;
    let mut created: Vec<(String, String)> = pods
        .list(&ListParams::default().labels("app=db"))
        .await?
        .items
        .iter()
        .map(|p| {
            let t = p
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.to_string())
                .unwrap_or_default();
            (t, p.metadata.name.clone().unwrap_or_default())
        })
        .collect();
    created.sort();
    let names: Vec<&str> = created.iter().map(|(_, n)| n.as_str()).collect();
    assert_eq!(names, ["db-0", "db-1", "db-2"]);

    // Deleting the namespace removes everything in it, then the namespace.
    let config_maps: Api<ConfigMap> = Api::namespaced(cluster.client.clone(), ns);
    config_maps
        .create(
            &PostParams::default(),
            &serde_json::from_value(json!({"metadata": {"name": "settings"}}))?,
        )
        .await?;
    cluster
        .kubectl(&["delete", "namespace", ns, "--wait=false"])
        .await?;
    eventually("the namespace to go", || async {
        Ok(namespaces.get_opt(ns).await?.is_none().then_some(()))
    })
    .await?;
    let left = Api::<Pod>::all(cluster.client.clone())
        .list(&ListParams::default())
        .await?
        .items
        .into_iter()
        .filter(|p| p.metadata.namespace.as_deref() == Some(ns))
        .count();
    assert_eq!(left, 0);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_node_is_tainted_and_its_pods_evicted_after_their_toleration() -> Result<()> {
    // Leases renewed every second, so a 4 s grace period tells a silent node from the others.
    let cluster = Cluster::start_with(
        HollowNodeOptions {
            count: 3,
            lease_renew_interval: Duration::from_secs(1),
            ..HollowNodeOptions::default()
        },
        &["--node-monitor-grace-period=4s", "--node-monitor-period=1s"],
    )
    .await?;
    let names = cluster.hollow.node_names();
    let target = names[0].clone();
    let pods: Api<Pod> = Api::namespaced(cluster.client.clone(), "default");
    for (name, seconds) in [("short", Some(2)), ("forever", None)] {
        let toleration = match seconds {
            Some(s) => json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                "effect": "NoExecute", "tolerationSeconds": s}),
            None => json!({"key": "node.kubernetes.io/unreachable", "operator": "Exists",
                "effect": "NoExecute"}),
        };
        pods.create(
            &PostParams::default(),
            &serde_json::from_value(json!({
                "metadata": {"name": name},
                "spec": {"nodeName": target, "tolerations": [toleration],
                    "containers": [{"name": "c", "image": "busybox"}]}
            }))?,
        )
        .await?;
    }
    eventually("both pods running", || async {
        let listed = pods.list(&ListParams::default()).await?.items;
        let running = listed
            .iter()
            .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running"))
            .count();
        Ok((running == 2).then_some(()))
    })
    .await?;

    ensure!(
        cluster.hollow.stop_heartbeats(&target),
        "{target} is a hollow node"
    );
    let nodes: Api<Node> = Api::all(cluster.client.clone());
    eventually("the unreachable NoExecute taint", || async {
        let node = nodes.get(&target).await?;
        let tainted = node
            .spec
            .and_then(|s| s.taints)
            .unwrap_or_default()
            .iter()
            .any(|t| t.key == "node.kubernetes.io/unreachable" && t.effect == "NoExecute");
        Ok(tainted.then_some(()))
    })
    .await?;
    let ready = nodes
        .get(&target)
        .await?
        .status
        .and_then(|s| s.conditions)
        .unwrap_or_default()
        .into_iter()
        .find(|c| c.type_ == "Ready")
        .map(|c| c.status);
    assert_eq!(ready.as_deref(), Some("Unknown"));
    // The pod tolerating 2 s is evicted (its hollow node still completes the deletion); the
    // one tolerating forever stays.
    eventually("the short-tolerating pod to be evicted", || async {
        let gone = match pods.get_opt("short").await? {
            None => true,
            Some(p) => p.metadata.deletion_timestamp.is_some(),
        };
        Ok(gone.then_some(()))
    })
    .await?;
    let forever = pods.get("forever").await?;
    assert!(forever.metadata.deletion_timestamp.is_none());
    Ok(())
}

/// Waits for the claim to be Bound to `volume`. Once its pod is placed the claim already names
/// the volume (the scheduler's PreBind waits for that, as upstream's `isPVCFullyBound`, which
/// does not look at the phase); the phase follows in the PV controller's next status write.
async fn bound_to(claims: &Api<PersistentVolumeClaim>, name: &str, volume: &str) -> Result<()> {
    assert_eq!(claim_state(claims, name).await?.1, volume);
    eventually(&format!("{name} Bound to {volume}"), || async {
        let state = claim_state(claims, name).await?;
        Ok((state == ("Bound".into(), volume.into())).then_some(()))
    })
    .await
}

/// A claim's phase and the volume it is bound to.
async fn claim_state(claims: &Api<PersistentVolumeClaim>, name: &str) -> Result<(String, String)> {
    let claim = claims.get(name).await?;
    let phase = claim.status.and_then(|s| s.phase).unwrap_or_default();
    let volume = claim.spec.and_then(|s| s.volume_name).unwrap_or_default();
    Ok((phase, volume))
}

/// The node a pod was scheduled to, once it is.
async fn scheduled_node(pods: &Api<Pod>, name: &str) -> Result<String> {
    eventually(&format!("pod {name} scheduled"), || async {
        Ok(pods.get(name).await?.spec.and_then(|s| s.node_name))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_bind_to_volumes_where_their_pods_land() -> Result<()> {
    let cluster = Cluster::start(3, &[]).await?;
    let names = cluster.hollow.node_names();
    let client = cluster.client.clone();
    let pp = PostParams::default();
    let classes: Api<StorageClass> = Api::all(client.clone());
    let volumes: Api<PersistentVolume> = Api::all(client.clone());
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), "default");
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let local_volume = |name: &str, node: &str, class: &str| -> Result<PersistentVolume> {
        Ok(serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
                "persistentVolumeReclaimPolicy": "Retain", "storageClassName": class,
                "local": {"path": format!("/mnt/disks/{name}")},
                "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                    {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}}
        }))?)
    };
    let claim = |name: &str, class: &str| -> Result<PersistentVolumeClaim> {
        Ok(serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": class,
                "resources": {"requests": {"storage": "500Mi"}}}
        }))?)
    };
    let pod_using = |name: &str, claim: &str| -> Result<Pod> {
        Ok(serde_json::from_value(json!({
            "metadata": {"name": name},
            "spec": {"containers": [{"name": "c", "image": "busybox"}],
                "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]}
        }))?)
    };
    classes
        .create(
            &pp,
            &serde_json::from_value(json!({
                "metadata": {"name": "local"}, "provisioner": "kubernetes.io/no-provisioner",
                "volumeBindingMode": "WaitForFirstConsumer"
            }))?,
        )
        .await?;

    // WaitForFirstConsumer: the claim waits for a pod, and the pod goes where the volume is.
    volumes
        .create(&pp, &local_volume("disk-1", &names[1], "local")?)
        .await?;
    claims.create(&pp, &claim("data", "local")?).await?;
    eventually("the claim told to wait for its first consumer", || async {
        let events = cluster
            .kubectl(&[
                "get",
                "events",
                "--field-selector=involvedObject.name=data",
                "-o",
                "name",
            ])
            .await?;
        Ok((!events.trim().is_empty()).then_some(()))
    })
    .await?;
    assert_eq!(
        claim_state(&claims, "data").await?,
        ("Pending".into(), String::new())
    );
    pods.create(&pp, &pod_using("db", "data")?).await?;
    assert_eq!(scheduled_node(&pods, "db").await?, names[1]);
    bound_to(&claims, "data", "disk-1").await?;
    let bound = volumes.get("disk-1").await?;
    let claim_ref = bound.spec.and_then(|s| s.claim_ref).unwrap_or_default();
    assert_eq!(claim_ref.name.as_deref(), Some("data"));
    assert_eq!(claim_ref.uid, claims.get("data").await?.metadata.uid);

    // No volume left in the class: the next pod is unschedulable with upstream's reason,
    // until a volume appears on some node.
    claims.create(&pp, &claim("more", "local")?).await?;
    pods.create(&pp, &pod_using("second", "more")?).await?;
    eventually("second marked unschedulable", || async {
        let pod = pods.get("second").await?;
        let condition = pod
            .status
            .and_then(|s| s.conditions)
            .unwrap_or_default()
            .into_iter()
            .find(|c| c.type_ == "PodScheduled");
        Ok(condition.filter(|c| {
            c.status == "False"
                && c.message.as_deref().is_some_and(|m| {
                    m.contains("3 node(s) didn't find available persistent volumes to bind")
                })
        }))
    })
    .await?;
    volumes
        .create(&pp, &local_volume("disk-2", &names[2], "local")?)
        .await?;
    assert_eq!(scheduled_node(&pods, "second").await?, names[2]);
    bound_to(&claims, "more", "disk-2").await?;

    // Immediate binding: the PV controller binds first; the pod follows the volume.
    volumes
        .create(&pp, &local_volume("disk-0", &names[0], "")?)
        .await?;
    // As upstream, a volume becomes a candidate once the controller marks it Available; a
    // claim that came earlier would wait for the 15 s resync.
    eventually("disk-0 Available", || async {
        let phase = volumes.get("disk-0").await?.status.and_then(|s| s.phase);
        Ok((phase.as_deref() == Some("Available")).then_some(()))
    })
    .await?;
    claims.create(&pp, &claim("logs", "")?).await?;
    eventually("logs bound by the PV controller", || async {
        let state = claim_state(&claims, "logs").await?;
        Ok((state == ("Bound".into(), "disk-0".into())).then_some(()))
    })
    .await?;
    pods.create(&pp, &pod_using("reader", "logs")?).await?;
    assert_eq!(scheduled_node(&pods, "reader").await?, names[0]);
    Ok(())
}
