//! The kubelet's acceptance scenarios on a whole local cluster: the real `kubeadm up` with its
//! containerd (runc, CNI bridge), kubelet, scheduler, controller-manager and API server, driven
//! by real kubectl. Each scenario asserts what a user of upstream Kubernetes sees.
//!
//! The scenarios run one at a time (a lock), since each starts a whole cluster on a 2-core
//! machine and some measure behaviour in time (back-off, grace periods). They skip with a note
//! where containerd cannot run (not root, not installed).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use k8s_openapi::api::core::v1::{ConfigMap, Endpoints, Pod};
use kube::Api;
use kube::api::{Patch, PatchParams};
use serde_json::json;
use tests::local_cluster::{LocalCluster, eventually};

static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn cluster() -> Result<Option<LocalCluster>> {
    if !tests::containerd::available() {
        eprintln!("skipping: containerd, runc and root are needed for the kubelet's e2e tests");
        return Ok(None);
    }
    Ok(Some(LocalCluster::up().await?))
}

fn busybox() -> String {
    kubeadm::images::BUSYBOX_IMAGE.to_owned()
}

async fn pod(cluster: &LocalCluster, name: &str) -> Result<Pod> {
    Ok(Api::<Pod>::namespaced(cluster.client().await?, "default")
        .get(name)
        .await?)
}

async fn running_pod(cluster: &LocalCluster, name: &str) -> Result<Pod> {
    let api = Api::<Pod>::namespaced(cluster.client().await?, "default");
    eventually(
        &format!("pod {name} Running"),
        Duration::from_secs(60),
        || async {
            let pod = api.get_opt(name).await?;
            Ok(pod
                .filter(|p| p.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Running")))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))
}

fn container_status(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::ContainerStatus> {
    pod.status.as_ref()?.container_statuses.as_ref()?.first()
}

/// The reasons of the events about `pod`, oldest first.
fn event_reasons(cluster: &LocalCluster, pod: &str) -> Result<Vec<String>> {
    let out = cluster.kubectl_ok(&[
        "get",
        "events",
        "--field-selector",
        &format!("involvedObject.name={pod}"),
        "-o",
        "jsonpath={range .items[*]}{.reason}{\"\\n\"}{end}",
    ])?;
    Ok(out.lines().map(str::to_owned).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pods_run_and_kubectl_logs_exec_cp_port_forward_and_delete() -> Result<()> {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(cluster) = cluster().await? else {
        return Ok(());
    };
    let image = busybox();
    // `kubectl create deployment`: both replicas Running with pod IPs.
    cluster.kubectl_ok(&[
        "create", "deployment", "web", &format!("--image={image}"), "--replicas=2", "--",
        "sh", "-c",
        "mkdir -p /www; echo hello-from-$(hostname) > /www/index.html; \
         (i=0; while true; do echo line $i; i=$((i+1)); sleep 0.5; done) & exec httpd -f -p 8080 -h /www",
    ])?;
    let client = cluster.client().await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    let web = eventually(
        "2 web pods Running with IPs",
        Duration::from_secs(90),
        || async {
            let list = pods
                .list(&kube::api::ListParams::default().labels("app=web"))
                .await?;
            let running: Vec<Pod> = list
                .items
                .into_iter()
                .filter(|p| {
                    let status = p.status.as_ref();
                    status.and_then(|s| s.phase.as_deref()) == Some("Running")
                        && status.and_then(|s| s.pod_ip.as_deref()).is_some()
                })
                .collect();
            Ok((running.len() == 2).then_some(running))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    let name = web[0].metadata.name.clone().context("name")?;
    let ip = web[0]
        .status
        .as_ref()
        .and_then(|s| s.pod_ip.clone())
        .context("ip")?;
    ensure!(
        ip != web[1]
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default(),
        "pod IPs differ"
    );

    // The host reaches the pod IP.
    let mut stream = std::net::TcpStream::connect((ip.as_str(), 8080)).context("host → pod IP")?;
    stream.write_all(b"GET /index.html HTTP/1.0\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    ensure!(answer.contains(&format!("hello-from-{name}")), "{answer}");

    // logs, logs -f, exec, cp both ways.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let logs = cluster.kubectl_ok(&["logs", &name, "--tail=2"])?;
    ensure!(
        logs.lines().count() == 2 && logs.starts_with("line "),
        "{logs}"
    );
    let mut follow = Command::new(tests::kubectl::binary("").context("kubectl")?)
        .arg(format!("--kubeconfig={}", cluster.kubeconfig.display()))
        .args(["logs", "-f", &name, "--tail=1"])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(follow.stdout.take().context("stdout")?).lines();
    let first: usize = lines
        .next()
        .context("a line")??
        .trim_start_matches("line ")
        .parse()?;
    let third: usize = lines
        .nth(1)
        .context("more lines")??
        .trim_start_matches("line ")
        .parse()?;
    let _ = follow.kill();
    let _ = follow.wait();
    ensure!(
        third == first + 2,
        "logs -f streams new lines: {first} then {third}"
    );
    let out = cluster.kubectl_ok(&["exec", &name, "--", "cat", "/www/index.html"])?;
    ensure!(out.trim() == format!("hello-from-{name}"), "{out}");
    let local = tempfile::tempdir()?;
    std::fs::write(local.path().join("up.txt"), "uploaded\n")?;
    let up = local.path().join("up.txt");
    cluster.kubectl_ok(&[
        "cp",
        up.to_str().context("path")?,
        &format!("{name}:/tmp/up.txt"),
    ])?;
    ensure!(cluster.kubectl_ok(&["exec", &name, "--", "cat", "/tmp/up.txt"])? == "uploaded\n");
    let down = local.path().join("down.html");
    cluster.kubectl_ok(&[
        "cp",
        &format!("{name}:/www/index.html"),
        down.to_str().context("path")?,
    ])?;
    ensure!(std::fs::read_to_string(&down)?.contains("hello-from-"));
    // exec with stdin, as kubectl 1.27 (SPDY) and the default kubectl (WebSocket) speak it.
    for version in ["1.27", ""] {
        let Some(binary) = tests::kubectl::binary(version) else {
            continue;
        };
        let mut child = Command::new(binary)
            .arg(format!("--kubeconfig={}", cluster.kubeconfig.display()))
            .args(["exec", "-i", &name, "--", "tr", "a-z", "A-Z"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        child.stdin.take().context("stdin")?.write_all(b"shout\n")?;
        let output = child.wait_with_output()?;
        ensure!(
            String::from_utf8_lossy(&output.stdout) == "SHOUT\n",
            "exec -i with kubectl {version}"
        );
    }

    // port-forward reaches the HTTP server in the pod.
    let local_port = tests::etcd::free_port()?;
    let mut forward = Command::new(tests::kubectl::binary("").context("kubectl")?)
        .arg(format!("--kubeconfig={}", cluster.kubeconfig.display()))
        .args([
            "port-forward",
            &format!("pod/{name}"),
            &format!("{local_port}:8080"),
        ])
        .stdout(Stdio::piped())
        .spawn()?;
    let mut forwarding = BufReader::new(forward.stdout.take().context("stdout")?);
    let mut line = String::new();
    forwarding.read_line(&mut line)?;
    ensure!(line.contains("Forwarding from"), "{line}");
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", local_port))?;
    stream.write_all(b"GET /index.html HTTP/1.0\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    let _ = forward.kill();
    let _ = forward.wait();
    ensure!(
        answer.contains(&format!("hello-from-{name}")),
        "port-forward: {answer}"
    );

    // kubectl run; describe's events as upstream's: Scheduled, Pulled, Created, Started.
    cluster.kubectl_ok(&[
        "run",
        "graceful",
        &format!("--image={image}"),
        "--restart=Never",
        "--",
        "sh",
        "-c",
        "trap 'exit 0' TERM; while true; do sleep 0.2; done",
    ])?;
    running_pod(&cluster, "graceful").await?;
    let reasons = event_reasons(&cluster, "graceful")?;
    for reason in ["Scheduled", "Pulled", "Created", "Started"] {
        ensure!(
            reasons.iter().any(|r| r == reason),
            "{reason} in {reasons:?}"
        );
    }
    let describe = cluster.kubectl_ok(&["describe", "pod", "graceful"])?;
    ensure!(
        describe.contains("Successfully assigned default/graceful"),
        "{describe}"
    );
    ensure!(
        describe.contains(&format!(
            "Container image \"{image}\" already present on machine"
        )),
        "{describe}"
    );

    // A pod that handles SIGTERM goes at once; one that ignores it is killed at its grace period.
    let started = Instant::now();
    cluster.kubectl_ok(&["delete", "pod", "graceful"])?;
    ensure!(
        started.elapsed() < Duration::from_secs(15),
        "a pod exiting on SIGTERM is gone quickly"
    );
    cluster.kubectl_ok(&[
        "run",
        "stubborn",
        &format!("--image={image}"),
        "--restart=Never",
        "--",
        "sh",
        "-c",
        "trap '' TERM; while true; do sleep 0.2; done",
    ])?;
    running_pod(&cluster, "stubborn").await?;
    // Deleted with a long grace period, then again with a short one: the kubelet, already
    // waiting out the first, stops the pod within the second (as upstream's does).
    cluster.kubectl_ok(&[
        "delete",
        "pod",
        "stubborn",
        "--grace-period=300",
        "--wait=false",
    ])?;
    eventually(
        "the kubelet stopping stubborn",
        Duration::from_secs(30),
        || async {
            let reasons = event_reasons(&cluster, "stubborn")?;
            Ok(reasons.iter().any(|r| r == "Killing").then_some(()))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    let started = Instant::now();
    cluster.kubectl_ok(&["delete", "pod", "stubborn", "--grace-period=3"])?;
    let took = started.elapsed();
    eprintln!(
        "TOOK {took:?}\n{}",
        std::fs::read_to_string(cluster.data_dir.join("logs/kubelet.log")).unwrap_or_default()
    );
    ensure!(
        took >= Duration::from_secs(3),
        "SIGTERM was ignored, so the grace period ran out: {took:?}"
    );
    ensure!(
        took < Duration::from_secs(20),
        "killed after the shorter grace period: {took:?}"
    );
    ensure!(pods.get_opt("stubborn").await?.is_none());
    let reasons = event_reasons(&cluster, "stubborn")?;
    ensure!(reasons.iter().any(|r| r == "Killing"), "{reasons:?}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crash_loops_probes_and_readiness_gate_endpoints() -> Result<()> {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(cluster) = cluster().await? else {
        return Ok(());
    };
    let image = busybox();
    let client = cluster.client().await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    cluster.kubectl_ok(&[
        "run",
        "crasher",
        &format!("--image={image}"),
        "--",
        "sh",
        "-c",
        "echo boom; exit 1",
    ])?;
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "unhealthy"},
        "spec": {"containers": [{
            "name": "app", "image": image,
            "command": ["sh", "-c", "touch /tmp/healthy; sleep 4; rm /tmp/healthy; sleep 3600"],
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]},
                              "periodSeconds": 1, "failureThreshold": 2},
        }]},
    }))?;
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "gated", "labels": {"app": "gated"}},
        "spec": {"containers": [{
            "name": "app", "image": image, "command": ["sleep", "3600"],
            "readinessProbe": {"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 1},
        }]},
    }))?;
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "gated"},
        "spec": {"selector": {"app": "gated"}, "ports": [{"port": 80}]},
    }))?;

    // CrashLoopBackOff with a rising restart count and the BackOff event.
    let crasher = eventually(
        "crasher in CrashLoopBackOff after 2 restarts",
        Duration::from_secs(90),
        || async {
            let pod = pods.get("crasher").await?;
            let status = container_status(&pod).cloned();
            let waiting = status
                .as_ref()
                .and_then(|s| s.state.as_ref()?.waiting.as_ref()?.reason.clone());
            let restarts = status.map_or(0, |s| s.restart_count);
            Ok((waiting.as_deref() == Some("CrashLoopBackOff") && restarts >= 2).then_some(pod))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    let last = container_status(&crasher)
        .and_then(|s| s.last_state.clone())
        .and_then(|s| s.terminated);
    ensure!(
        last.as_ref()
            .is_some_and(|t| t.exit_code == 1 && t.reason.as_deref() == Some("Error")),
        "{last:?}"
    );
    let table = cluster.kubectl_ok(&["get", "pod", "crasher"])?;
    ensure!(
        table.contains("CrashLoopBackOff") || table.contains("Error"),
        "{table}"
    );
    ensure!(
        event_reasons(&cluster, "crasher")?
            .iter()
            .any(|r| r == "BackOff")
    );
    ensure!(
        cluster
            .kubectl_ok(&["logs", "crasher", "--previous"])?
            .contains("boom")
    );

    // A failing liveness probe restarts the container, with Unhealthy and Killing events.
    eventually(
        "unhealthy restarted by its liveness probe",
        Duration::from_secs(60),
        || async {
            let pod = pods.get("unhealthy").await?;
            Ok(container_status(&pod)
                .is_some_and(|s| s.restart_count >= 1)
                .then_some(()))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    let reasons = event_reasons(&cluster, "unhealthy")?;
    ensure!(
        reasons.iter().any(|r| r == "Unhealthy") && reasons.iter().any(|r| r == "Killing"),
        "{reasons:?}"
    );
    let describe = cluster.kubectl_ok(&["describe", "pod", "unhealthy"])?;
    ensure!(describe.contains("Liveness probe failed"), "{describe}");

    // Readiness gates Ready and the Service's endpoints.
    running_pod(&cluster, "gated").await?;
    let endpoints: Api<Endpoints> = Api::namespaced(client.clone(), "default");
    tokio::time::sleep(Duration::from_secs(2)).await;
    let pod = pods.get("gated").await?;
    ensure!(
        container_status(&pod).is_some_and(|s| !s.ready),
        "not ready before the probe passes"
    );
    let not_ready = endpoints.get("gated").await?;
    let subset = not_ready.subsets.unwrap_or_default();
    ensure!(
        subset
            .iter()
            .all(|s| s.addresses.as_ref().is_none_or(|a| a.is_empty())),
        "no ready address yet: {subset:?}"
    );
    cluster.kubectl_ok(&["exec", "gated", "--", "touch", "/tmp/ready"])?;
    eventually(
        "gated Ready and in the Endpoints",
        Duration::from_secs(30),
        || async {
            let pod = pods.get("gated").await?;
            let ready = pod
                .status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
            let ip = pod.status.as_ref().and_then(|s| s.pod_ip.clone());
            let listed = endpoints
                .get("gated")
                .await?
                .subsets
                .unwrap_or_default()
                .iter()
                .any(|s| {
                    s.addresses
                        .iter()
                        .flatten()
                        .any(|a| Some(&a.ip) == ip.as_ref())
                });
            Ok((ready && listed).then_some(()))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_volumes_static_pods_and_kubelet_restart() -> Result<()> {
    let _one = ONE_AT_A_TIME.lock().await;
    let Some(cluster) = cluster().await? else {
        return Ok(());
    };
    let image = busybox();
    let client = cluster.client().await?;
    let pods: Api<Pod> = Api::namespaced(client.clone(), "default");
    cluster.kubectl_ok(&[
        "create",
        "configmap",
        "settings",
        "--from-literal=color=blue",
        "--from-literal=size=10",
    ])?;
    cluster.kubectl_ok(&[
        "create",
        "secret",
        "generic",
        "creds",
        "--from-literal=password=s3cret",
    ])?;
    cluster.apply(
        &json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": "configured"},
            "spec": {
                "containers": [{
                    "name": "app", "image": image, "command": ["sleep", "3600"],
                    "env": [
                        {"name": "COLOR", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "color"}}},
                        {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}},
                        {"name": "MY_POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    ],
                    "envFrom": [{"configMapRef": {"name": "settings"}, "prefix": "CFG_"}],
                    "volumeMounts": [
                        {"name": "settings", "mountPath": "/etc/settings"},
                        {"name": "creds", "mountPath": "/etc/creds", "readOnly": true},
                    ],
                }],
                "volumes": [
                    {"name": "settings", "configMap": {"name": "settings"}},
                    {"name": "creds", "secret": {"secretName": "creds"}},
                ],
            },
        }),
    )?;
    running_pod(&cluster, "configured").await?;
    let env = cluster.kubectl_ok(&["exec", "configured", "--", "env"])?;
    for expected in [
        "COLOR=blue",
        "PASSWORD=s3cret",
        "MY_POD=configured",
        "CFG_size=10",
    ] {
        ensure!(env.lines().any(|l| l == expected), "{expected} in {env}");
    }
    ensure!(
        cluster.kubectl_ok(&["exec", "configured", "--", "cat", "/etc/settings/color"])? == "blue"
    );
    ensure!(
        cluster.kubectl_ok(&["exec", "configured", "--", "cat", "/etc/creds/password"])?
            == "s3cret"
    );
    let configmaps: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    configmaps
        .patch(
            "settings",
            &PatchParams::default(),
            &Patch::Merge(&json!({"data": {"color": "green"}})),
        )
        .await?;
    eventually(
        "the ConfigMap update reaches the file",
        Duration::from_secs(60),
        || async {
            let out = cluster.kubectl(&["exec", "configured", "--", "cat", "/etc/settings/color"]);
            Ok((out.stdout == "green").then_some(()))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;

    // A local PersistentVolume with WaitForFirstConsumer: the scheduler binds it where the pod
    // goes, the PV controller completes the claim, and the kubelet mounts the host folder.
    let disk = tempfile::tempdir()?;
    cluster.apply(&json!({
        "apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
        "metadata": {"name": "local"}, "provisioner": "kubernetes.io/no-provisioner",
        "volumeBindingMode": "WaitForFirstConsumer",
    }))?;
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "local-disk"},
        "spec": {
            "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"],
            "storageClassName": "local", "local": {"path": disk.path()},
            "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [{
                "key": "kubernetes.io/hostname", "operator": "In",
                "values": [cluster.node_name.clone()]}]}]}},
        },
    }))?;
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "local",
                 "resources": {"requests": {"storage": "100Mi"}}},
    }))?;
    cluster.apply(&json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "writer"},
        "spec": {
            "containers": [{"name": "app", "image": image,
                "command": ["sh", "-c", "echo stored > /data/out && sleep 3600"],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data"}}],
        },
    }))?;
    running_pod(&cluster, "writer").await?;
    eventually(
        "the pod's write reaches the local volume",
        Duration::from_secs(30),
        || async {
            let text = std::fs::read_to_string(disk.path().join("out")).unwrap_or_default();
            Ok((text.trim() == "stored").then_some(()))
        },
    )
    .await
    .map_err(|e| cluster.failed(e))?;
    let claim = cluster.kubectl_ok(&[
        "get",
        "pvc",
        "data",
        "-o",
        "jsonpath={.status.phase} {.spec.volumeName}",
    ])?;
    ensure!(claim == "Bound local-disk", "claim: {claim}");

    // A static pod runs from the manifest folder and appears as a mirror pod.
    let manifest = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "static-web", "labels": {"tier": "static"}},
        "spec": {"containers": [{"name": "web", "image": image, "command": ["sleep", "3600"]}]},
    });
    std::fs::write(
        cluster.manifests_dir().join("static-web.json"),
        manifest.to_string(),
    )?;
    let mirror_name = format!("static-web-{}", cluster.node_name);
    let mirror = running_pod(&cluster, &mirror_name).await?;
    let annotations: BTreeMap<String, String> =
        mirror.metadata.annotations.clone().unwrap_or_default();
    ensure!(
        annotations
            .get("kubernetes.io/config.source")
            .map(String::as_str)
            == Some("file")
    );
    ensure!(annotations.contains_key("kubernetes.io/config.mirror"));
    // Deleting the mirror pod does not stop the static pod; the mirror comes back.
    let container_id = container_status(&mirror).and_then(|s| s.container_id.clone());
    cluster.kubectl_ok(&["delete", "pod", &mirror_name, "--wait=false"])?;
    let again = eventually(
        "the mirror pod is recreated",
        Duration::from_secs(30),
        || async {
            let pod = pods.get_opt(&mirror_name).await?;
            Ok(pod
                .filter(|p| p.metadata.uid != mirror.metadata.uid && container_status(p).is_some()))
        },
    )
    .await?;
    ensure!(
        container_status(&again).and_then(|s| s.container_id.clone()) == container_id,
        "the static pod kept running"
    );

    // Restarting the kubelet leaves running containers running.
    let before = pod(&cluster, "configured").await?;
    let before_id = container_status(&before).and_then(|s| s.container_id.clone());
    let pid = cluster.kubelet_pid().context("the kubelet's pid")?;
    Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()?;
    eventually("a new kubelet process", Duration::from_secs(30), || async {
        Ok(cluster.kubelet_pid().filter(|p| *p != pid))
    })
    .await?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let after = pod(&cluster, "configured").await?;
    let status = container_status(&after).context("status")?;
    ensure!(
        status.container_id == before_id,
        "same container after the kubelet restart"
    );
    ensure!(
        status.restart_count == 0
            && status
                .state
                .as_ref()
                .and_then(|s| s.running.as_ref())
                .is_some()
    );
    ensure!(
        cluster.kubectl_ok(&["exec", "configured", "--", "cat", "/etc/settings/color"])? == "green"
    );
    Ok(())
}
