//! kube-proxy's acceptance scenarios on a whole local cluster (`kubeadm up` with containerd,
//! kubelet and kube-proxy programming this machine's nftables or iptables): a Deployment of 3
//! HTTP pods behind a Service, reached by cluster IP from the host and from a pod, by node port,
//! and by the load-balancer IP the service-lb controller assigns; session affinity; a deleted
//! pod leaving rotation; and a Service scaled to zero rejecting connections at once.
//!
//! kube-proxy programs the host's own tables here (as on a real node); `kubeadm up` runs
//! `kube-proxy --cleanup` when it stops, and each scenario checks that no rules are left.

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use k8s_openapi::api::core::v1::{Node, Service};
use kube::Api;
use serde_json::json;
use tests::local_cluster::{LocalCluster, eventually};
use tests::service_client::{HOSTNAME_HTTPD, get, reached, reached_from_pod};

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn tool_missing(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
}

async fn cluster(mode: &str) -> Result<Option<LocalCluster>> {
    if !tests::containerd::available() {
        eprintln!("skipping: containerd, runc and root are needed for kube-proxy's e2e tests");
        return Ok(None);
    }
    let tool = if mode == "nftables" {
        "nft"
    } else {
        "iptables-restore"
    };
    if tool_missing(tool) {
        eprintln!("skipping: {tool} is not installed");
        return Ok(None);
    }
    Ok(Some(
        LocalCluster::up_with(&[&format!("--proxy-mode={mode}")]).await?,
    ))
}

fn web_deployment(cluster: &LocalCluster, replicas: u32) -> Result<()> {
    cluster.apply(&json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "terminationGracePeriodSeconds": 30,
                    "containers": [{
                        "name": "httpd", "image": kubeadm::images::BUSYBOX_IMAGE,
                        "command": ["sh", "-c", HOSTNAME_HTTPD],
                        "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1},
                    }],
                },
            },
        },
    }))
}

fn web_service(cluster: &LocalCluster, affinity: &str) -> Result<()> {
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "type": "LoadBalancer",
            "selector": {"app": "web"},
            "sessionAffinity": affinity,
            "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
        },
    }))
}

async fn service(cluster: &LocalCluster) -> Result<Service> {
    Ok(
        Api::<Service>::namespaced(cluster.client().await?, "default")
            .get("web")
            .await?,
    )
}

/// Waits until `tries` connections to `address` reach exactly `pods` distinct pods.
async fn wait_reaching(
    cluster: &LocalCluster,
    what: &str,
    address: SocketAddr,
    pods: usize,
) -> Result<BTreeSet<String>> {
    eventually(what, Duration::from_secs(90), || async move {
        let seen = tokio::task::spawn_blocking(move || reached(address, 30)).await?;
        Ok((seen.len() == pods).then_some(seen))
    })
    .await
    .map_err(|e| cluster.failed(e))
}

/// The names of the ready pods of app=web.
fn ready_pods(cluster: &LocalCluster) -> Result<Vec<String>> {
    let out = cluster.kubectl_ok(&[
        "get", "pods", "-l", "app=web", "-o",
        "jsonpath={range .items[*]}{.metadata.name} {.status.conditions[?(@.type==\"Ready\")].status} {.metadata.deletionTimestamp}{\"\\n\"}{end}",
    ])?;
    Ok(out
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let name = fields.next()?;
            (fields.next() == Some("True") && fields.next().is_none()).then(|| name.to_owned())
        })
        .collect())
}

fn no_rules_left(mode: &str) -> Result<()> {
    if mode == "nftables" {
        let out = Command::new("nft").args(["list", "tables"]).output()?;
        let tables = String::from_utf8_lossy(&out.stdout);
        ensure!(!tables.contains("kube-proxy"), "nft tables left: {tables}");
    } else {
        let out = Command::new("iptables-save").args(["-t", "nat"]).output()?;
        let rules = String::from_utf8_lossy(&out.stdout);
        ensure!(!rules.contains("KUBE-SVC"), "iptables rules left:\n{rules}");
    }
    Ok(())
}

async fn services_route(mode: &str) -> Result<()> {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(cluster) = cluster(mode).await? else {
        return Ok(());
    };
    web_deployment(&cluster, 3)?;
    web_service(&cluster, "None")?;
    let svc = service(&cluster).await?;
    let spec = svc.spec.clone().context("spec")?;
    let cluster_ip: SocketAddr =
        format!("{}:80", spec.cluster_ip.context("cluster IP")?).parse()?;
    let node_port = spec.ports.context("ports")?[0]
        .node_port
        .context("node port")?;

    // Cluster IP from the host reaches all three pods.
    let pods = wait_reaching(&cluster, "the cluster IP reaching 3 pods", cluster_ip, 3).await?;

    // From a pod too (including itself: hairpin traffic is masqueraded).
    let first = pods.iter().next().context("a pod")?.clone();
    let from_pod = eventually("a pod reaching 3 pods", Duration::from_secs(60), || {
        let (cluster, first) = (&cluster, first.clone());
        async move {
            let seen = reached_from_pod(cluster, &first, cluster_ip, 15);
            Ok((seen.len() == 3).then_some(seen))
        }
    })
    .await
    .map_err(|e| cluster.failed(e))?;
    ensure!(from_pod == pods, "{from_pod:?} vs {pods:?}");

    // Node port on the node's address.
    let node = Api::<Node>::all(cluster.client().await?)
        .get(&cluster.node_name)
        .await?;
    let node_ip = node
        .status
        .and_then(|s| s.addresses)
        .unwrap_or_default()
        .into_iter()
        .find(|a| a.type_ == "InternalIP")
        .context("node InternalIP")?
        .address;
    let node_address: SocketAddr = format!("{node_ip}:{node_port}").parse()?;
    wait_reaching(&cluster, "the node port reaching 3 pods", node_address, 3).await?;

    // The load-balancer IP the service-lb controller assigns.
    let ingress_ip = eventually(
        "a load-balancer ingress IP",
        Duration::from_secs(60),
        || async {
            let svc = service(&cluster).await?;
            Ok(svc
                .status
                .and_then(|s| s.load_balancer)
                .and_then(|lb| lb.ingress)
                .and_then(|ingress| ingress.into_iter().find_map(|i| i.ip)))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    let lb_address: SocketAddr = format!("{ingress_ip}:80").parse()?;
    wait_reaching(
        &cluster,
        "the load-balancer IP reaching 3 pods",
        lb_address,
        3,
    )
    .await?;

    // ClientIP affinity pins this client to one pod.
    web_service(&cluster, "ClientIP")?;
    wait_reaching(&cluster, "affinity pinning one pod", cluster_ip, 1).await?;
    web_service(&cluster, "None")?;
    wait_reaching(&cluster, "affinity lifted", cluster_ip, 3).await?;

    // A deleted pod leaves rotation while it still runs: its grace period outlasts the wait,
    // so only the proxy can take it out.
    let victim = ready_pods(&cluster)?
        .first()
        .context("a ready pod")?
        .clone();
    cluster.kubectl_ok(&[
        "delete",
        "pod",
        &victim,
        "--grace-period=120",
        "--wait=false",
    ])?;
    let deleted_at = Instant::now();
    eventually(
        "the deleted pod out of rotation",
        Duration::from_secs(60),
        || {
            let victim = victim.clone();
            async move {
                let seen = tokio::task::spawn_blocking(move || reached(cluster_ip, 20)).await?;
                Ok((!seen.is_empty() && !seen.contains(&victim)).then_some(()))
            }
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    eprintln!(
        "{mode}: the deleted pod left rotation {} ms after the delete",
        deleted_at.elapsed().as_millis()
    );

    // Scaled to zero: connections are refused at once, not left to time out.
    // Terminating pods that still pass readiness keep serving (upstream's fallback to
    // serving-terminating endpoints), and httpd as PID 1 ignores SIGTERM, so the pods are
    // deleted with a short grace period once the Deployment is at zero.
    cluster.kubectl_ok(&["scale", "deployment", "web", "--replicas=0"])?;
    cluster.kubectl_ok(&[
        "delete",
        "pods",
        "-l",
        "app=web",
        "--grace-period=1",
        "--wait=false",
    ])?;
    eventually(
        "connections refused",
        Duration::from_secs(60),
        || async move {
            let outcome = tokio::task::spawn_blocking(move || get(cluster_ip)).await?;
            Ok((outcome == Err(ErrorKind::ConnectionRefused)).then_some(()))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;

    // Health and metrics with upstream's names.
    let health = reqwest_like(cluster.kube_proxy_healthz_port, "/healthz")?;
    ensure!(health.starts_with("HTTP/1.1 200"), "{health}");
    ensure!(health.contains("\"nodeEligible\":true"), "{health}");
    let metrics = reqwest_like(cluster.kube_proxy_metrics_port, "/metrics")?;
    for name in [
        "kubeproxy_sync_proxy_rules_duration_seconds_bucket",
        "kubeproxy_sync_proxy_rules_last_timestamp_seconds",
        "kubeproxy_network_programming_duration_seconds_count",
    ] {
        ensure!(metrics.contains(name), "{name} missing");
    }
    drop(cluster);
    no_rules_left(mode)
}

/// A plain HTTP/1.1 GET to 127.0.0.1:`port`, the whole answer.
fn reqwest_like(port: u16, path: &str) -> Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    if answer.is_empty() {
        bail!("no answer from 127.0.0.1:{port}{path}");
    }
    Ok(answer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_route_in_nftables_mode() -> Result<()> {
    services_route("nftables").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_route_in_iptables_mode() -> Result<()> {
    services_route("iptables").await
}
