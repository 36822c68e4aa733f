//! Volumes, environments and the ConfigMap/Secret cache against a real API server: files of
//! configMap, secret, downwardAPI, projected and memory emptyDir volumes, a container's
//! environment, upstream's FailedMount text for a missing ConfigMap, and a ConfigMap update
//! that resyncs the pod and reaches its file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::ByteString;
use k8s_openapi::api::core::v1::{ConfigMap, Namespace, Pod, Secret, Service};
use kube::api::{Api, ObjectMeta, PostParams};
use kubelet::object_cache::ObjectCache;
use kubelet::volumes::{self, VolumeManager, tmpfs};
use tests::apiserver::TestApiServer;

/// Unmounts whatever the test mounted under its root before the folder goes, even on failure.
struct RootGuard {
    dir: tempfile::TempDir,
}

impl RootGuard {
    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for RootGuard {
    fn drop(&mut self) {
        if let Err(e) = tmpfs::unmount_all_under(self.dir.path()) {
            eprintln!("cleanup: {e}");
        }
    }
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .find(|l| l.starts_with("Uid:"))
            .and_then(|l| l.split_whitespace().nth(1))
            == Some("0")
    })
}

fn pod(namespace: &str, uid: &str, config_map: &str, secret: &str) -> Pod {
    serde_json::from_value(serde_json::json!({
        "metadata": {"name": "vol-pod", "namespace": namespace, "uid": uid,
                     "labels": {"app": "web", "tier": "front"}},
        "spec": {
            "nodeName": "node-a",
            "securityContext": {"fsGroup": 2345},
            "volumes": [
                {"name": "cfg", "configMap": {"name": config_map}},
                {"name": "cfg-items", "configMap": {"name": config_map, "defaultMode": 0o400,
                    "items": [{"key": "a", "path": "dir/a.txt", "mode": 0o600}]}},
                {"name": "sec", "secret": {"secretName": secret}},
                {"name": "info", "downwardAPI": {"items": [
                    {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                    {"path": "name", "fieldRef": {"fieldPath": "metadata.name"}},
                    {"path": "mem", "resourceFieldRef": {"containerName": "c",
                        "resource": "limits.memory", "divisor": "1Mi"}}]}},
                {"name": "all", "projected": {"sources": [
                    {"configMap": {"name": config_map, "items": [{"key": "a", "path": "first"}]}},
                    {"secret": {"name": secret}},
                    {"downwardAPI": {"items": [{"path": "ns", "fieldRef": {"fieldPath": "metadata.namespace"}}]}}]}},
                {"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "16Mi"}},
                {"name": "disk", "emptyDir": {}}
            ],
            "containers": [{
                "name": "c",
                "image": "busybox",
                "resources": {"limits": {"memory": "64Mi"}},
                "envFrom": [{"configMapRef": {"name": config_map}, "prefix": "CM_"}],
                "env": [
                    {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": secret, "key": "password"}}},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
                    {"name": "GREETING", "value": "hello $(POD_NAME) a=$(CM_a) $$(POD_NAME) $(UNKNOWN)"},
                    {"name": "API_PORT", "value": "$(KUBERNETES_SERVICE_PORT)"},
                    {"name": "MISSING_OK", "valueFrom": {"configMapKeyRef": {"name": "nope", "key": "x", "optional": true}}}
                ],
                "volumeMounts": [
                    {"name": "cfg", "mountPath": "/cfg"},
                    {"name": "disk", "mountPath": "/logs", "subPathExpr": "$(POD_NAME)"}
                ]
            }]
        }
    }))
    .expect("pod")
}

async fn recv_uid(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<String>,
    uid: &str,
    within: Duration,
) -> bool {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(got)) if got == uid => return true,
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => return false,
        }
    }
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn volumes_env_and_config_map_updates() {
    if !is_root() {
        eprintln!("skipping: tmpfs volumes need root");
        return;
    }
    let server = TestApiServer::start().await.expect("API server");
    let client = server.client().await.expect("client");
    let suffix: u32 = rand::random();
    let namespace = format!("volumes-{suffix}");
    let namespaces: Api<Namespace> = Api::all(client.clone());
    namespaces
        .create(
            &PostParams::default(),
            &Namespace {
                metadata: ObjectMeta {
                    name: Some(namespace.clone()),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .await
        .expect("namespace");
    let maps: Api<ConfigMap> = Api::namespaced(client.clone(), &namespace);
    let secrets: Api<Secret> = Api::namespaced(client.clone(), &namespace);
    let mut cm = maps
        .create(
            &PostParams::default(),
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("app-config".into()),
                    ..Default::default()
                },
                data: Some(BTreeMap::from([
                    ("a".into(), "one".into()),
                    ("b".into(), "two".into()),
                ])),
                ..Default::default()
            },
        )
        .await
        .expect("configmap");
    secrets
        .create(
            &PostParams::default(),
            &Secret {
                metadata: ObjectMeta {
                    name: Some("app-secret".into()),
                    ..Default::default()
                },
                data: Some(BTreeMap::from([(
                    "password".into(),
                    ByteString(b"s3cret".to_vec()),
                )])),
                ..Default::default()
            },
        )
        .await
        .expect("secret");

    let services: Api<Service> = Api::namespaced(client.clone(), &namespace);
    let service: Service = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "my-svc"},
        "spec": {"ports": [{"name": "http", "port": 80}]}
    }))
    .expect("service");
    let service = services
        .create(&PostParams::default(), &service)
        .await
        .expect("create service");
    let service_ip = service
        .spec
        .and_then(|s| s.cluster_ip)
        .expect("a cluster IP");

    let root = RootGuard {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let (trigger, mut resyncs) = tokio::sync::mpsc::unbounded_channel();
    let objects = ObjectCache::new(client.clone(), trigger);
    let manager = VolumeManager::new(root.path().to_owned(), objects.clone(), client.clone())
        .with_cluster_domain("cluster.local");
    let uid = format!("uid-{suffix}");
    let pod = pod(&namespace, &uid, "app-config", "app-secret");
    objects.register_pod(&pod);
    assert_eq!(objects.watched(), (2, 1), "app-config, nope; app-secret");

    let mounted = manager.setup_pod(&pod).await.expect("setup_pod");
    let vol = |plugin: &str, name: &str| manager.volume_dir(&uid, plugin, name);
    let cfg = vol(volumes::CONFIG_MAP, "cfg");
    assert_eq!(mounted.paths["cfg"], cfg);
    assert_eq!(read(cfg.join("a")), "one");
    assert_eq!(read(cfg.join("b")), "two");
    assert_eq!(
        std::fs::read_link(cfg.join("a")).expect("link"),
        Path::new("..data/a")
    );
    let items = vol(volumes::CONFIG_MAP, "cfg-items");
    assert_eq!(read(items.join("dir/a.txt")), "one");
    assert!(std::fs::symlink_metadata(items.join("b")).is_err());
    let sec = vol(volumes::SECRET, "sec");
    assert_eq!(read(sec.join("password")), "s3cret");
    assert!(tmpfs::is_mount_point(&sec), "secrets live on tmpfs");
    let info = vol(volumes::DOWNWARD_API, "info");
    assert_eq!(read(info.join("labels")), "app=\"web\"\ntier=\"front\"");
    assert_eq!(read(info.join("name")), "vol-pod");
    assert_eq!(read(info.join("mem")), "64");
    let all = vol(volumes::PROJECTED, "all");
    assert_eq!(read(all.join("first")), "one");
    assert_eq!(read(all.join("password")), "s3cret");
    assert_eq!(read(all.join("ns")), namespace);
    let scratch = vol(volumes::EMPTY_DIR, "scratch");
    assert!(
        tmpfs::is_mount_point(&scratch),
        "memory emptyDir is a tmpfs"
    );
    assert!(vol(volumes::EMPTY_DIR, "disk").is_dir());
    assert!(mounted.read_only.contains("cfg"));
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let meta = std::fs::metadata(cfg.join("a")).expect("cfg/a");
        assert_eq!(meta.gid(), 2345, "fsGroup owns configMap files");
        assert_eq!(meta.permissions().mode() & 0o777, 0o644 | 0o440);
        let disk = std::fs::metadata(vol(volumes::EMPTY_DIR, "disk")).expect("disk");
        assert_eq!(disk.gid(), 2345);
        assert_eq!(disk.permissions().mode() & 0o7777, 0o2777);
    }

    // A second sync with nothing changed leaves the files alone.
    let data_before = std::fs::read_link(cfg.join("..data")).expect("..data");
    manager.setup_pod(&pod).await.expect("second setup_pod");
    assert_eq!(
        std::fs::read_link(cfg.join("..data")).expect("..data"),
        data_before
    );

    // The container's environment and mounts.
    let container = &pod.spec.as_ref().expect("spec").containers[0];
    let pod_ips = ["10.88.3.4".to_owned()];
    let env = kubelet::env::container_env(&pod, container, &pod_ips, Some("192.168.0.2"), &objects)
        .await
        .expect("env");
    let env: BTreeMap<String, String> = env.into_iter().map(|kv| (kv.key, kv.value)).collect();
    assert_eq!(env["CM_a"], "one");
    assert_eq!(env["CM_b"], "two");
    assert_eq!(env["PASSWORD"], "s3cret");
    assert_eq!(env["POD_NAME"], "vol-pod");
    assert_eq!(env["POD_IP"], "10.88.3.4");
    assert_eq!(
        env["GREETING"],
        "hello vol-pod a=one $(POD_NAME) $(UNKNOWN)"
    );
    assert!(!env.contains_key("MISSING_OK"));
    assert_eq!(env["API_PORT"], "443");
    assert_eq!(env["KUBERNETES_SERVICE_PORT_HTTPS"], "443");
    assert!(env.contains_key("KUBERNETES_SERVICE_HOST"));
    assert_eq!(env["MY_SVC_SERVICE_HOST"], service_ip);
    assert_eq!(env["MY_SVC_SERVICE_PORT_HTTP"], "80");
    assert_eq!(env["MY_SVC_PORT_80_TCP"], format!("tcp://{service_ip}:80"));
    let mounts = volumes::container_mounts(&pod, container, &mounted, &pod_ips).expect("mounts");
    assert_eq!(mounts.len(), 3);
    assert!(mounts[0].readonly);
    assert!(
        mounts[1]
            .host_path
            .ends_with("kubernetes.io~empty-dir/disk/vol-pod")
    );
    assert_eq!(mounts[2].container_path, "/etc/hosts");
    assert!(read(PathBuf::from(&mounts[2].host_path)).contains("10.88.3.4\tvol-pod\n"));

    // A missing key and a missing ConfigMap fail as upstream says.
    let mut broken = pod.clone();
    if let Some(c) = broken.spec.as_mut().map(|s| &mut s.containers[0]) {
        c.env =
            Some(vec![serde_json::from_value(serde_json::json!(
            {"name": "X", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "zz"}}}
        )).expect("env var")]);
    }
    let err = kubelet::env::container_env(
        &broken,
        &broken.spec.as_ref().expect("spec").containers[0],
        &[],
        None,
        &objects,
    )
    .await
    .expect_err("missing key");
    assert_eq!(
        err.to_string(),
        format!("couldn't find key zz in ConfigMap {namespace}/app-config")
    );
    let missing = {
        let mut p = pod.clone();
        p.metadata.uid = Some(format!("missing-{suffix}"));
        if let Some(volumes) = p.spec.as_mut().and_then(|s| s.volumes.as_mut()) {
            volumes.retain(|v| v.name == "cfg");
            if let Some(source) = volumes[0].config_map.as_mut() {
                source.name = "does-not-exist".into();
            }
        }
        p
    };
    let err = manager
        .setup_pod(&missing)
        .await
        .expect_err("missing configmap");
    assert_eq!(
        err.to_string(),
        "MountVolume.SetUp failed for volume \"cfg\" : configmap \"does-not-exist\" not found"
    );
    manager
        .teardown_pod(&format!("missing-{suffix}"))
        .await
        .expect("teardown of the failed pod");

    // Let the watch list, then change the ConfigMap: the pod's UID arrives on the trigger and
    // the next sync rewrites the file.
    tokio::time::sleep(Duration::from_millis(500)).await;
    while resyncs.try_recv().is_ok() {}
    cm.data = Some(BTreeMap::from([
        ("a".into(), "uno".into()),
        ("c".into(), "three".into()),
    ]));
    cm.metadata.managed_fields = None;
    maps.replace("app-config", &PostParams::default(), &cm)
        .await
        .expect("update configmap");
    assert!(
        recv_uid(&mut resyncs, &uid, Duration::from_secs(10)).await,
        "the ConfigMap change resyncs the pod"
    );
    manager.setup_pod(&pod).await.expect("setup after update");
    assert_eq!(read(cfg.join("a")), "uno");
    assert_eq!(read(cfg.join("c")), "three");
    assert_eq!(read(all.join("first")), "uno");
    assert!(
        std::fs::symlink_metadata(cfg.join("b")).is_err(),
        "removed key"
    );
    assert_ne!(
        std::fs::read_link(cfg.join("..data")).expect("..data"),
        data_before
    );

    // Unregistering stops the watches; teardown unmounts and removes everything.
    objects.unregister_pod(&uid);
    assert_eq!(objects.watched(), (0, 0));
    manager.teardown_pod(&uid).await.expect("teardown");
    assert!(!manager.pod_dir(&uid).exists());
    assert!(tmpfs::mount_points_under(root.path()).is_empty());
    drop(root);
    server.stop().await.expect("stop");
}

/// Stops and removes the test's sandbox (and so its container) even when the test fails.
struct SandboxGuard {
    cri: kubelet::cri::RuntimeClient,
    id: String,
}

impl Drop for SandboxGuard {
    fn drop(&mut self) {
        let cri = self.cri.clone();
        let id = self.id.clone();
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(async move {
                let _ = cri
                    .stop_pod_sandbox(v1::StopPodSandboxRequest {
                        pod_sandbox_id: id.clone(),
                    })
                    .await;
                if let Err(e) = cri
                    .remove_pod_sandbox(v1::RemovePodSandboxRequest { pod_sandbox_id: id })
                    .await
                {
                    eprintln!("cleanup: remove sandbox: {e}");
                }
            })
        });
    }
}

use kubelet::cri::v1;

async fn exec(cri: &kubelet::cri::RuntimeClient, container: &str, script: &str) -> String {
    let out = cri
        .exec_sync(v1::ExecSyncRequest {
            container_id: container.to_owned(),
            cmd: vec!["sh".into(), "-c".into(), script.into()],
            timeout: 10,
        })
        .await
        .expect("exec");
    assert_eq!(
        out.exit_code,
        0,
        "{script}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The mounts and environment in a real container (containerd through CRI): the configMap
/// folder, the secret on tmpfs, /etc/hosts and env; a ConfigMap update reaches the running
/// container's file through the `..data` swap.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mounts_and_env_in_a_real_container() {
    let Ok(endpoint) = std::env::var("KUBELET_TEST_CRI_ENDPOINT") else {
        eprintln!("skipping: KUBELET_TEST_CRI_ENDPOINT is not set");
        return;
    };
    if !is_root() {
        eprintln!("skipping: tmpfs volumes need root");
        return;
    }
    let cri = kubelet::cri::RuntimeClient::connect(&endpoint, Duration::from_secs(30))
        .await
        .expect("CRI");
    let server = TestApiServer::start().await.expect("API server");
    let client = server.client().await.expect("client");
    let suffix: u32 = rand::random();
    let namespace = "default";
    let maps: Api<ConfigMap> = Api::namespaced(client.clone(), namespace);
    let secrets: Api<Secret> = Api::namespaced(client.clone(), namespace);
    let mut cm = maps
        .create(
            &PostParams::default(),
            &ConfigMap {
                metadata: ObjectMeta {
                    name: Some("cri-config".into()),
                    ..Default::default()
                },
                data: Some(BTreeMap::from([
                    ("a".into(), "one".into()),
                    ("b".into(), "two".into()),
                ])),
                ..Default::default()
            },
        )
        .await
        .expect("configmap");
    secrets
        .create(
            &PostParams::default(),
            &Secret {
                metadata: ObjectMeta {
                    name: Some("cri-secret".into()),
                    ..Default::default()
                },
                data: Some(BTreeMap::from([(
                    "password".into(),
                    ByteString(b"s3cret".to_vec()),
                )])),
                ..Default::default()
            },
        )
        .await
        .expect("secret");

    let root = RootGuard {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let (trigger, mut resyncs) = tokio::sync::mpsc::unbounded_channel();
    let objects = ObjectCache::new(client.clone(), trigger);
    let manager = VolumeManager::new(root.path().to_owned(), objects.clone(), client.clone())
        .with_cluster_domain("cluster.local");
    let uid = format!("volumes-cri-{suffix}");
    let pod = pod(namespace, &uid, "cri-config", "cri-secret");
    objects.register_pod(&pod);
    let mounted = manager.setup_pod(&pod).await.expect("setup_pod");

    let logs = root.path().join("logs");
    std::fs::create_dir_all(&logs).expect("logs");
    let sandbox_name = format!("volumes-test-{suffix}");
    let sandbox_config = v1::PodSandboxConfig {
        metadata: Some(v1::PodSandboxMetadata {
            name: sandbox_name.clone(),
            uid: uid.clone(),
            namespace: namespace.into(),
            attempt: 0,
        }),
        hostname: "vol-pod".into(),
        log_directory: logs.to_string_lossy().into_owned(),
        ..Default::default()
    };
    let sandbox = cri
        .run_pod_sandbox(v1::RunPodSandboxRequest {
            config: Some(sandbox_config.clone()),
            runtime_handler: String::new(),
        })
        .await
        .expect("sandbox")
        .pod_sandbox_id;
    let _sandbox_guard = SandboxGuard {
        cri: cri.clone(),
        id: sandbox.clone(),
    };
    let status = cri
        .pod_sandbox_status(v1::PodSandboxStatusRequest {
            pod_sandbox_id: sandbox.clone(),
            verbose: false,
        })
        .await
        .expect("sandbox status");
    let pod_ips: Vec<String> = status
        .status
        .and_then(|s| s.network)
        .map(|n| {
            std::iter::once(n.ip)
                .chain(n.additional_ips.into_iter().map(|ip| ip.ip))
                .filter(|ip| !ip.is_empty())
                .collect()
        })
        .unwrap_or_default();
    assert!(!pod_ips.is_empty(), "the sandbox has an IP");

    let container = &pod.spec.as_ref().expect("spec").containers[0];
    let env = kubelet::env::container_env(&pod, container, &pod_ips, None, &objects)
        .await
        .expect("env");
    let mut mounts = volumes::container_mounts_with_env(&pod, container, &mounted, &pod_ips, &env)
        .expect("mounts");
    mounts.push(v1::Mount {
        container_path: "/sec".into(),
        host_path: mounted.paths["sec"].to_string_lossy().into_owned(),
        readonly: true,
        ..Default::default()
    });
    let created = cri
        .create_container(v1::CreateContainerRequest {
            pod_sandbox_id: sandbox.clone(),
            config: Some(v1::ContainerConfig {
                metadata: Some(v1::ContainerMetadata {
                    name: "c".into(),
                    attempt: 0,
                }),
                image: Some(v1::ImageSpec {
                    image: kubeadm::images::BUSYBOX_IMAGE.into(),
                    ..Default::default()
                }),
                command: vec!["sleep".into(), "3600".into()],
                envs: env,
                mounts,
                log_path: "c/0.log".into(),
                ..Default::default()
            }),
            sandbox_config: Some(sandbox_config),
        })
        .await
        .expect("create container")
        .container_id;
    cri.start_container(v1::StartContainerRequest {
        container_id: created.clone(),
    })
    .await
    .expect("start container");

    assert_eq!(
        exec(&cri, &created, "cat /cfg/a; echo; cat /cfg/b").await,
        "one\ntwo"
    );
    assert_eq!(exec(&cri, &created, "cat /sec/password").await, "s3cret");
    assert_eq!(
        exec(&cri, &created, "echo \"$GREETING|$PASSWORD|$POD_IP\"").await,
        format!(
            "hello vol-pod a=one $(POD_NAME) $(UNKNOWN)|s3cret|{}\n",
            pod_ips[0]
        )
    );
    let hosts = exec(&cri, &created, "cat /etc/hosts").await;
    assert!(
        hosts.starts_with("# Kubernetes-managed hosts file.\n"),
        "{hosts}"
    );
    assert!(
        hosts.contains(&format!("{}\tvol-pod\n", pod_ips[0])),
        "{hosts}"
    );
    // The configMap mount is read-only; the subPathExpr folder is writable.
    exec(
        &cri,
        &created,
        "! touch /cfg/new 2>/dev/null && touch /logs/x",
    )
    .await;
    assert!(
        manager
            .volume_dir(&uid, volumes::EMPTY_DIR, "disk")
            .join("vol-pod/x")
            .exists()
    );

    // The update reaches the running container after the resync's setup_pod.
    tokio::time::sleep(Duration::from_millis(500)).await;
    cm.data = Some(BTreeMap::from([("a".into(), "uno".into())]));
    cm.metadata.managed_fields = None;
    maps.replace("cri-config", &PostParams::default(), &cm)
        .await
        .expect("update");
    assert!(recv_uid(&mut resyncs, &uid, Duration::from_secs(10)).await);
    manager.setup_pod(&pod).await.expect("resync");
    assert_eq!(
        exec(&cri, &created, "cat /cfg/a; ls /cfg | tr '\\n' ' '").await,
        "unoa "
    );

    drop(_sandbox_guard);
    objects.unregister_pod(&uid);
    manager.teardown_pod(&uid).await.expect("teardown");
    assert!(tmpfs::mount_points_under(root.path()).is_empty());
    server.stop().await.expect("stop");
}

/// Claims: one bound to a hostPath PersistentVolume resolves to its path (read-only when the
/// claim says so); an unbound one fails as upstream's populator says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn claims_bound_to_host_path_volumes() {
    use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
    use kube::api::{Patch, PatchParams};

    let server = TestApiServer::start().await.expect("API server");
    let client = server.client().await.expect("client");
    let suffix: u32 = rand::random();
    let namespace = "default";
    let data = tempfile::tempdir().expect("tempdir");
    let root = RootGuard {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let claims: Api<PersistentVolumeClaim> = Api::namespaced(client.clone(), namespace);
    let claim_spec = |name: &str, volume: Option<&str>| -> PersistentVolumeClaim {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": name},
            "spec": {"accessModes": ["ReadWriteOnce"], "volumeName": volume,
                     "resources": {"requests": {"storage": "1Gi"}}}
        }))
        .expect("claim")
    };
    let pv_name = format!("pv-{suffix}");
    let bound = claims
        .create(&PostParams::default(), &claim_spec("bound", Some(&pv_name)))
        .await
        .expect("claim");
    claims
        .create(&PostParams::default(), &claim_spec("pending", None))
        .await
        .expect("pending claim");
    claims
        .patch_status(
            "bound",
            &PatchParams::default(),
            &Patch::Merge(serde_json::json!({"status": {"phase": "Bound"}})),
        )
        .await
        .expect("bind claim");
    let volumes_api: Api<PersistentVolume> = Api::all(client.clone());
    let pv: PersistentVolume = serde_json::from_value(serde_json::json!({
        "metadata": {"name": pv_name},
        "spec": {
            "capacity": {"storage": "1Gi"},
            "accessModes": ["ReadWriteOnce"],
            "hostPath": {"path": data.path().join("vol"), "type": "DirectoryOrCreate"},
            "claimRef": {"namespace": namespace, "name": "bound", "uid": bound.metadata.uid}
        }
    }))
    .expect("pv");
    volumes_api
        .create(&PostParams::default(), &pv)
        .await
        .expect("create pv");

    let (trigger, _resyncs) = tokio::sync::mpsc::unbounded_channel();
    let objects = ObjectCache::new(client.clone(), trigger);
    let manager = VolumeManager::new(root.path().to_owned(), objects, client.clone());
    let pod_with = |uid: &str, claim: &str, read_only: bool| -> Pod {
        serde_json::from_value(serde_json::json!({
            "metadata": {"name": "claimer", "namespace": namespace, "uid": uid},
            "spec": {
                "volumes": [{"name": "data", "persistentVolumeClaim":
                    {"claimName": claim, "readOnly": read_only}}],
                "containers": [{"name": "c", "volumeMounts": [{"name": "data", "mountPath": "/data"}]}]
            }
        }))
        .expect("pod")
    };
    let uid = format!("claims-{suffix}");
    let mounted = manager
        .setup_pod(&pod_with(&uid, "bound", true))
        .await
        .expect("setup_pod");
    assert_eq!(mounted.paths["data"], data.path().join("vol"));
    assert!(
        data.path().join("vol").is_dir(),
        "DirectoryOrCreate made it"
    );
    assert!(mounted.read_only.contains("data"));

    let pending_uid = format!("pending-{suffix}");
    let err = manager
        .setup_pod(&pod_with(&pending_uid, "pending", false))
        .await
        .expect_err("unbound claim");
    assert_eq!(
        err.to_string(),
        "MountVolume.SetUp failed for volume \"data\" : error processing PVC default/pending: PVC is not bound"
    );
    for uid in [uid, pending_uid] {
        manager.teardown_pod(&uid).await.expect("teardown");
    }
    assert!(
        data.path().join("vol").is_dir(),
        "teardown leaves the volume's data"
    );
    server.stop().await.expect("stop");
}
