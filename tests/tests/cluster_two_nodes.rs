//! Two nodes on one machine (`../shared/PLATFORM.md`, "Multi-node"): `kubeadm up` on the
//! host is node 1; `kubeadm join` inside a network namespace, joined to the host by a veth
//! pair, is node 2, with its own containerd, kubelet and kube-proxy. One pod runs on each
//! node behind a ClusterIP Service, and the cluster IP reaches both pods from the host, from
//! inside node 2's namespace and from a pod on node 2 (each path goes through that node's
//! own kube-proxy rules). The pod networks route through the veth as a cloud's routes would.
//!
//! The namespace, the veth, the route and both nodes (with their containers and rules) are
//! removed when the test ends, also when it fails.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use k8s_openapi::api::core::v1::{Node, Service};
use kube::Api;
use serde_json::json;
use tests::daemons::{Daemon, binary};
use tests::local_cluster::{LocalCluster, eventually};
use tests::service_client::{HOSTNAME_HTTPD, reached, reached_from_pod};

const HOST_IP: &str = "10.201.0.1";
const NODE2_IP: &str = "10.201.0.2";

fn ip(args: &[&str]) -> Result<()> {
    let out = Command::new("ip").args(args).output()?;
    ensure!(
        out.status.success(),
        "ip {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// The network namespace of node 2 and its veth to the host; removed on drop.
struct Link {
    netns: String,
    host_veth: String,
    /// Routes added on the host (`ip route del` on drop).
    routes: Vec<String>,
}

impl Link {
    fn create() -> Result<Link> {
        let pid = std::process::id();
        let link = Link {
            netns: format!("kn2-{pid}"),
            host_veth: format!("kn2h{pid}"),
            routes: Vec::new(),
        };
        let node_veth = format!("kn2n{pid}");
        ip(&["netns", "add", &link.netns])?;
        ip(&[
            "link",
            "add",
            &link.host_veth,
            "type",
            "veth",
            "peer",
            "name",
            &node_veth,
            "netns",
            &link.netns,
        ])?;
        ip(&[
            "addr",
            "add",
            &format!("{HOST_IP}/30"),
            "dev",
            &link.host_veth,
        ])?;
        ip(&["link", "set", &link.host_veth, "up"])?;
        let n = link.netns.as_str();
        ip(&[
            "-n",
            n,
            "addr",
            "add",
            &format!("{NODE2_IP}/30"),
            "dev",
            &node_veth,
        ])?;
        ip(&["-n", n, "link", "set", "lo", "up"])?;
        ip(&["-n", n, "link", "set", &node_veth, "up"])?;
        ip(&["-n", n, "route", "add", "default", "via", HOST_IP])?;
        Ok(link)
    }

    fn route_via_node2(&mut self, cidr: &str) -> Result<()> {
        ip(&["route", "replace", cidr, "via", NODE2_IP])?;
        self.routes.push(cidr.to_owned());
        Ok(())
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        for route in &self.routes {
            let _ = ip(&["route", "del", route]);
        }
        let _ = ip(&["link", "del", &self.host_veth]);
        let _ = ip(&["netns", "del", &self.netns]);
    }
}

/// `kubeadm join` running in node 2's namespace; stopped (SIGTERM, so it removes its
/// rules, containers and mounts) on drop.
struct SecondNode {
    name: String,
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl SecondNode {
    fn start(cluster: &LocalCluster, link: &Link) -> Result<SecondNode> {
        let dir = tempfile::Builder::new().prefix("second-node-").tempdir()?;
        let name = format!("node2-{}", std::process::id());
        let log = dir.path().join("kubeadm-join.log");
        let file = std::fs::File::create(&log)?;
        // nsenter joins the network namespace alone; `ip netns exec` would also remount
        // /sys, hiding the cgroup mount runc needs.
        let child = Command::new("nsenter")
            .arg(format!("--net=/run/netns/{}", link.netns))
            .arg("--")
            .arg(binary(Daemon::Kubeadm)?)
            .arg("join")
            .arg(format!("--cluster-dir={}", cluster.data_dir.display()))
            .arg(format!("--data-dir={}", dir.path().join("data").display()))
            .arg(format!("--server={}", cluster.server()?))
            .arg(format!("--node-name={name}"))
            .arg(format!("--node-ip={NODE2_IP}"))
            .stdin(Stdio::null())
            .stdout(file.try_clone()?)
            .stderr(file)
            .spawn()
            .context("starting kubeadm join")?;
        Ok(SecondNode {
            name,
            child,
            log,
            _dir: dir,
        })
    }

    fn logs(&self) -> String {
        let join = std::fs::read_to_string(&self.log).unwrap_or_default();
        let dir = self.log.with_file_name("data").join("logs");
        let mut out = format!("--- kubeadm join ---\n{join}");
        for daemon in ["kubelet", "kube-proxy"] {
            let text =
                std::fs::read_to_string(dir.join(format!("{daemon}.log"))).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(40).collect();
            out.push_str(&format!("\n--- node 2 {daemon} (last lines) ---\n"));
            for line in tail.iter().rev() {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}

impl Drop for SecondNode {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..600 {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The node's `spec.podCIDR` once it is Ready and has one.
async fn ready_pod_cidr(cluster: &LocalCluster, name: &str) -> Result<Option<String>> {
    let Ok(node) = Api::<Node>::all(cluster.client().await?).get(name).await else {
        return Ok(None);
    };
    let ready = node
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
    Ok(node.spec.and_then(|s| s.pod_cidr).filter(|_| ready))
}

fn pod_on(cluster: &LocalCluster, name: &str, node: &str) -> Result<()> {
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "two-nodes"}},
        "spec": {
            "nodeName": node,
            "terminationGracePeriodSeconds": 1,
            "containers": [{
                "name": "httpd", "image": kubeadm::images::BUSYBOX_IMAGE,
                "command": ["sh", "-c", HOSTNAME_HTTPD],
                "readinessProbe": {"tcpSocket": {"port": 8080}, "periodSeconds": 1},
            }],
        },
    }))
}

/// The pods reached over `tries` connections to `address` from inside `netns`.
fn reached_from_netns(netns: &str, address: SocketAddr, tries: usize) -> BTreeSet<String> {
    const CLIENT: &str = r#"
import socket, sys
for _ in range(int(sys.argv[3])):
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
        s.settimeout(3)
        s.sendall(b"GET /index.html HTTP/1.0\r\n\r\n")
        answer = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
        s.close()
        print(answer.split(b"\r\n\r\n", 1)[-1].decode().strip())
    except OSError:
        pass
"#;
    let out = Command::new("ip")
        .args(["netns", "exec", netns, "python3", "-c", CLIENT])
        .arg(address.ip().to_string())
        .arg(address.port().to_string())
        .arg(tries.to_string())
        .output();
    out.map(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_ip_reaches_pods_on_both_nodes() -> Result<()> {
    if !tests::containerd::available() {
        eprintln!("skipping: containerd, runc and root are needed for the two-node test");
        return Ok(());
    }
    for tool in ["nft", "python3", "nsenter"] {
        if Command::new(tool).arg("--version").output().is_err() {
            eprintln!("skipping: {tool} is not installed");
            return Ok(());
        }
    }
    // Declared first, dropped last: the nodes stop before their network goes.
    let mut link = Link::create()?;
    let cluster = LocalCluster::up_with(&[&format!("--bind-address={HOST_IP}")]).await?;
    let node2 = SecondNode::start(&cluster, &link)?;
    let logs = || {
        let pods = cluster.kubectl(&["get", "pods", "-o", "wide"]).stdout;
        let slices = cluster
            .kubectl(&["get", "endpointslices", "-o", "wide"])
            .stdout;
        let routes = Command::new("ip").args(["route"]).output();
        let routes = routes.map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
        format!(
            "{}\n{}\n--- pods ---\n{pods}\n--- slices ---\n{slices}\n--- host routes ---\n{}",
            cluster.logs(),
            node2.logs(),
            routes.unwrap_or_default()
        )
    };

    let node1_cidr = eventually("node 1's pod CIDR", Duration::from_secs(60), || {
        ready_pod_cidr(&cluster, &cluster.node_name)
    })
    .await
    .with_context(logs)?;
    let node2_cidr = eventually(
        "node 2 Ready with a pod CIDR",
        Duration::from_secs(180),
        || ready_pod_cidr(&cluster, &node2.name),
    )
    .await
    .with_context(logs)?;
    ensure!(node1_cidr != node2_cidr, "both nodes got {node1_cidr}");
    // Node 2 reaches node 1's pods through its default route; the host needs node 2's.
    link.route_via_node2(&node2_cidr)?;

    pod_on(&cluster, "on-node1", &cluster.node_name)?;
    pod_on(&cluster, "on-node2", &node2.name)?;
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "two-nodes", "namespace": "default"},
        "spec": {
            "selector": {"app": "two-nodes"},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080}],
        },
    }))?;
    let service = Api::<Service>::namespaced(cluster.client().await?, "default")
        .get("two-nodes")
        .await?;
    let cluster_ip: SocketAddr = format!(
        "{}:80",
        service
            .spec
            .and_then(|s| s.cluster_ip)
            .context("cluster IP")?
    )
    .parse()?;
    let both: BTreeSet<String> = ["on-node1", "on-node2"].map(str::to_owned).into();

    // From the host (node 1's kube-proxy, nat-output).
    let from_host = eventually(
        "the cluster IP from node 1",
        Duration::from_secs(120),
        || {
            let both = both.clone();
            async move {
                let seen = tokio::task::spawn_blocking(move || reached(cluster_ip, 30)).await?;
                Ok((seen == both).then_some(seen))
            }
        },
    )
    .await
    .with_context(logs)?;

    // From node 2's own network namespace (node 2's kube-proxy, nat-output).
    let netns = link.netns.clone();
    let from_node2 = eventually(
        "the cluster IP from node 2",
        Duration::from_secs(60),
        || {
            let (both, netns) = (both.clone(), netns.clone());
            async move {
                let seen =
                    tokio::task::spawn_blocking(move || reached_from_netns(&netns, cluster_ip, 30))
                        .await?;
                Ok((seen == both).then_some(seen))
            }
        },
    )
    .await
    .with_context(logs)?;

    // From the pod on node 2 (node 2's kube-proxy, nat-prerouting).
    let from_pod = eventually(
        "the cluster IP from a pod on node 2",
        Duration::from_secs(60),
        || {
            let both = both.clone();
            let cluster = &cluster;
            async move {
                let seen = tokio::task::block_in_place(|| {
                    reached_from_pod(cluster, "on-node2", cluster_ip, 20)
                });
                Ok((seen == both).then_some(seen))
            }
        },
    )
    .await
    .with_context(logs)?;
    if from_host != both || from_node2 != both || from_pod != both {
        bail!("{from_host:?} {from_node2:?} {from_pod:?}");
    }

    drop(node2);
    drop(cluster);
    drop(link);
    let out = Command::new("ip").args(["netns", "list"]).output()?;
    let left = String::from_utf8_lossy(&out.stdout);
    ensure!(
        !left.split_whitespace().any(|name| name == netns),
        "node 2's namespace {netns} is left"
    );
    Ok(())
}
