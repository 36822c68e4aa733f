//! The deployment files in `manifests/` against the daemons they start: every static pod is a
//! valid Pod after upstream's defaults, its command parses with the daemon's own flags, and
//! every file a flag names is inside one of the pod's volume mounts; every systemd unit's
//! `ExecStart` parses with its daemon's flags, and the configuration files parse with the
//! daemons' own readers. Nothing runs: a flag renamed in a daemon fails here first.

use std::path::{Path, PathBuf};

use clap::Parser;
use k8s_openapi::api::core::v1::Pod;
use serde_json::Value;

fn manifests() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../manifests")
}

fn read(relative: &str) -> String {
    let path = manifests().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Whether the daemon named by `argv[0]` accepts `argv`.
fn parse_flags(argv: &[String]) -> Result<(), String> {
    let name = Path::new(&argv[0]).file_name().and_then(|n| n.to_str());
    let result = match name {
        Some("kube-apiserver") => apiserver::options::Options::try_parse_from(argv).map(drop),
        Some("kube-scheduler") => scheduler::options::Options::try_parse_from(argv).map(drop),
        Some("kube-controller-manager") => {
            controller_manager::options::Options::try_parse_from(argv).map(drop)
        }
        Some("kubelet") => kubelet::options::Options::try_parse_from(argv).map(drop),
        Some("kube-proxy") => proxy::options::Options::try_parse_from(argv).map(drop),
        other => return Err(format!("no daemon is called {other:?}")),
    };
    result.map_err(|e| e.to_string())
}

/// The absolute paths that `--flag=/path` arguments name.
fn named_paths(argv: &[String]) -> Vec<&str> {
    argv.iter()
        .filter_map(|arg| arg.split_once('=').map(|(_, value)| value))
        .filter(|value| value.starts_with('/'))
        .collect()
}

#[test]
fn static_pods_are_valid_pods_whose_commands_the_daemons_accept() {
    for name in [
        "kube-apiserver",
        "kube-scheduler",
        "kube-controller-manager",
    ] {
        let file = format!("static-pods/{name}.yaml");
        let pod: Pod =
            serde_saphyr::from_str(&read(&file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            pod.metadata.namespace.as_deref(),
            Some("kube-system"),
            "{file}"
        );
        let spec = pod.spec.as_ref().expect("a spec");
        assert_eq!(
            spec.host_network,
            Some(true),
            "{file}: control-plane pods use the host network"
        );
        let container = &spec.containers[0];
        assert_eq!(
            container.image_pull_policy.as_deref(),
            Some("Never"),
            "{file}"
        );
        let image = container.image.as_deref().unwrap_or_default();
        assert!(
            image.contains(&format!("/{name}:")),
            "{file}: image {image}"
        );

        let mut argv = container.command.clone().unwrap_or_default();
        argv.extend(container.args.clone().unwrap_or_default());
        assert_eq!(argv.first().map(String::as_str), Some(name), "{file}");
        parse_flags(&argv).unwrap_or_else(|e| panic!("{file}: {e}"));

        let mounts = container.volume_mounts.clone().unwrap_or_default();
        for path in named_paths(&argv) {
            let mounted = mounts
                .iter()
                .any(|m| Path::new(path).starts_with(&m.mount_path));
            assert!(mounted, "{file}: {path} is in no volume mount");
        }

        // What the API server does with the mirror pod: upstream's defaults, then validation.
        let mut object: Value = serde_json::to_value(&pod).expect("json");
        apiserver::registry::defaults::apply_defaults("", "Pod", &mut object);
        let causes = apiserver::registry::validation_rules::validate("", "Pod", &object);
        assert!(causes.is_empty(), "{file}: {causes:?}");
    }
}

/// The `ExecStart` command of a unit, its continuation lines joined.
fn exec_start(unit: &str) -> Vec<String> {
    let joined = unit.replace("\\\n", " ");
    let line = joined
        .lines()
        .find_map(|l| l.strip_prefix("ExecStart="))
        .expect("an ExecStart line");
    line.split_whitespace().map(str::to_owned).collect()
}

/// Checks that `unit` starts `binary` with flags it accepts, `--config` among them, and returns
/// the text of the configuration file from `manifests/` that the unit's `--config` stands for.
fn checked_unit(unit: &str, binary: &str, config_flag: &str, config_file: &str) -> String {
    let argv = exec_start(&read(unit));
    assert_eq!(argv[0], binary, "{unit}");
    parse_flags(&argv).unwrap_or_else(|e| panic!("{unit}: {e}"));
    assert!(
        argv.iter().any(|a| a == config_flag),
        "{unit}: no {config_flag}"
    );
    read(config_file)
}

#[test]
fn systemd_units_start_the_daemons_with_flags_and_files_they_accept() {
    let text = checked_unit(
        "systemd/kubelet.service",
        "/usr/local/bin/kubelet",
        "--config=/var/lib/kubelet/config.yaml",
        "config/kubelet.yaml",
    );
    let config = kubelet::options::parse_config(&text)
        .unwrap_or_else(|e| panic!("config/kubelet.yaml: {e}"));
    assert_eq!(
        config.static_pod_path.as_deref(),
        Some(Path::new("/etc/kubernetes/manifests"))
    );

    let text = checked_unit(
        "systemd/kube-proxy.service",
        "/usr/local/bin/kube-proxy",
        "--config=/etc/kubernetes/kube-proxy.yaml",
        "config/kube-proxy.yaml",
    );
    let config = proxy::options::parse_config(&text)
        .unwrap_or_else(|e| panic!("config/kube-proxy.yaml: {e}"));
    assert_eq!(
        config.client_connection.kubeconfig,
        "/etc/kubernetes/kube-proxy.conf"
    );
}

#[test]
fn a_renamed_flag_would_be_caught() {
    // The check above can fail: an unknown flag is refused by every daemon.
    for daemon in [
        "kube-apiserver",
        "kube-scheduler",
        "kube-controller-manager",
        "kubelet",
        "kube-proxy",
    ] {
        let argv = vec![daemon.to_owned(), "--no-such-flag=1".to_owned()];
        assert!(parse_flags(&argv).is_err(), "{daemon}");
    }
}
