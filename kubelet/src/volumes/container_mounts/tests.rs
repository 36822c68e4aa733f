use super::*;

fn pod(extra: serde_json::Value) -> Pod {
    let mut base = serde_json::json!({
        "metadata": {"name": "web-0", "namespace": "ns", "uid": "u1"},
        "spec": {"containers": [{"name": "c"}]}
    });
    if let (Some(spec), Some(extra)) = (base["spec"].as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            spec.insert(k.clone(), v.clone());
        }
    }
    serde_json::from_value(base).unwrap()
}

#[test]
fn managed_hosts_file_like_upstream() {
    let p = pod(serde_json::json!({
        "hostAliases": [{"ip": "10.1.2.3", "hostnames": ["foo.remote", "bar.remote"]}]
    }));
    let content = hosts_file_content(&p, &["10.88.0.7".to_owned()], "cluster.local").unwrap();
    assert_eq!(
        content,
        "# Kubernetes-managed hosts file.\n\
         127.0.0.1\tlocalhost\n\
         ::1\tlocalhost ip6-localhost ip6-loopback\n\
         fe00::0\tip6-localnet\n\
         fe00::0\tip6-mcastprefix\n\
         fe00::1\tip6-allnodes\n\
         fe00::2\tip6-allrouters\n\
         10.88.0.7\tweb-0\n\
         \n\
         # Entries added by HostAliases.\n\
         10.1.2.3\tfoo.remote\tbar.remote\n"
    );
    let p = pod(serde_json::json!({"hostname": "h", "subdomain": "sub"}));
    let content = hosts_file_content(
        &p,
        &["10.88.0.7".to_owned(), "fd00::7".to_owned()],
        "cluster.local",
    )
    .unwrap();
    assert!(content.ends_with(
        "10.88.0.7\th.sub.ns.svc.cluster.local\th\nfd00::7\th.sub.ns.svc.cluster.local\th\n"
    ));
    let p = pod(serde_json::json!({"hostNetwork": true}));
    let content = hosts_file_content(&p, &[], "cluster.local").unwrap();
    assert!(content.starts_with("# Kubernetes-managed hosts file (host network).\n"));
}

#[test]
fn long_hostnames_are_truncated() {
    let mut p = pod(serde_json::json!({}));
    p.metadata.name = Some(format!("{}-{}", "a".repeat(62), "b"));
    let (host, domain) = pod_host_name_and_domain(&p, "cluster.local");
    assert_eq!(host, "a".repeat(62));
    assert_eq!(domain, "");
}

fn volumes(dir: &Path) -> MountedVolumes {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let cfg = dir.join("cfg");
    std::fs::create_dir_all(&cfg).unwrap();
    MountedVolumes {
        paths: HashMap::from([("data".to_owned(), data), ("cfg".to_owned(), cfg)]),
        read_only: ["cfg".to_owned()].into(),
        pod_dir: Some(dir.to_owned()),
        cluster_domain: "cluster.local".into(),
    }
}

#[test]
fn mounts_with_sub_paths_read_only_and_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let vols = volumes(dir.path());
    let p = pod(serde_json::json!({}));
    let c: Container = serde_json::from_value(serde_json::json!({
        "name": "c",
        "env": [{"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}}],
        "volumeMounts": [
            {"name": "data", "mountPath": "/data", "mountPropagation": "HostToContainer"},
            {"name": "data", "mountPath": "/logs", "subPathExpr": "logs/$(POD)"},
            {"name": "cfg", "mountPath": "/cfg", "subPath": "x"}
        ]
    }))
    .unwrap();
    let mounts = container_mounts(&p, &c, &vols, &["10.88.0.9".to_owned()]).unwrap();
    assert_eq!(mounts.len(), 4);
    assert_eq!(mounts[0].container_path, "/data");
    assert_eq!(
        mounts[0].propagation,
        v1::MountPropagation::PropagationHostToContainer as i32
    );
    assert!(!mounts[0].readonly);
    let logs = dir.path().join("data/logs/web-0");
    assert_eq!(mounts[1].host_path, logs.to_string_lossy());
    assert!(logs.is_dir());
    assert!(mounts[2].readonly, "configMap-like volumes are read-only");
    assert_eq!(mounts[3].container_path, "/etc/hosts");
    let hosts = std::fs::read_to_string(dir.path().join("etc-hosts")).unwrap();
    assert!(hosts.contains("10.88.0.9\tweb-0\n"));
}

#[test]
fn mount_errors_like_upstream() {
    let dir = tempfile::tempdir().unwrap();
    let vols = volumes(dir.path());
    let p = pod(serde_json::json!({}));
    let check = |mount: serde_json::Value, want: &str| {
        let c: Container =
            serde_json::from_value(serde_json::json!({"name": "c", "volumeMounts": [mount]}))
                .unwrap();
        let err = container_mounts(&p, &c, &vols, &[]).unwrap_err();
        assert_eq!(err.to_string(), want);
    };
    check(
        serde_json::json!({"name": "nope", "mountPath": "/x"}),
        "cannot find volume \"nope\" to mount into container \"c\"",
    );
    check(
        serde_json::json!({"name": "data", "mountPath": "/x", "subPath": "/abs"}),
        "error SubPath `/abs` must not be an absolute path",
    );
    check(
        serde_json::json!({"name": "data", "mountPath": "/x", "subPath": "a/../../b"}),
        "unable to provision SubPath `a/../../b`: must not contain '..'",
    );
    check(
        serde_json::json!({"name": "data", "mountPath": "/x", "subPathExpr": "$(NOPE)/$(ALSO)"}),
        "missing value for ALSO, NOPE",
    );
    // A symlink out of the volume is refused.
    std::os::unix::fs::symlink("/etc", dir.path().join("data/escape")).unwrap();
    check(
        serde_json::json!({"name": "data", "mountPath": "/x", "subPath": "escape"}),
        "failed to prepare subPath for volumeMount \"data\" of container \"c\"",
    );
}

#[test]
fn no_hosts_mount_without_pod_ips_or_when_the_container_mounts_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let vols = volumes(dir.path());
    let p = pod(serde_json::json!({}));
    let c: Container = serde_json::from_value(serde_json::json!({"name": "c"})).unwrap();
    assert!(container_mounts(&p, &c, &vols, &[]).unwrap().is_empty());
    let c: Container = serde_json::from_value(serde_json::json!({
        "name": "c", "volumeMounts": [{"name": "data", "mountPath": "/etc/hosts"}]
    }))
    .unwrap();
    let mounts = container_mounts(&p, &c, &vols, &["10.88.0.1".to_owned()]).unwrap();
    assert_eq!(mounts.len(), 1);
}
