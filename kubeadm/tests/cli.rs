//! The `kubeadm` binary itself (which also makes `cargo test --workspace` build it, for the
//! end-to-end tests that run `kubeadm up`): `kubeadm images build` writes both OCI archives,
//! an unknown subcommand is a clear error, and `kubeadm join` without a node name or a cluster CA says so.

use std::process::Command;

#[test]
fn images_build_writes_both_archives() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_kubeadm"))
        .args(["images", "build", "--output"])
        .arg(dir.path())
        .output()
        .expect("kubeadm runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for archive in ["pause.tar", "busybox.tar"] {
        let size = std::fs::metadata(dir.path().join(archive))
            .map(|m| m.len())
            .unwrap_or(0);
        assert!(size > 0, "{archive} written");
    }
}

#[test]
fn unknown_subcommands_are_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeadm"))
        .arg("frobnicate")
        .output()
        .expect("kubeadm runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("frobnicate"));
}

#[test]
fn join_without_a_node_name_or_a_cluster_ca_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_kubeadm"))
        .arg("join")
        .arg(format!("--cluster-dir={}", dir.path().display()))
        .arg(format!("--data-dir={}", dir.path().join("node").display()))
        .arg("--server=https://127.0.0.1:6443")
        .output()
        .expect("kubeadm runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("needs --node-name"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_kubeadm"))
        .arg("join")
        .arg(format!("--cluster-dir={}", dir.path().display()))
        .arg(format!("--data-dir={}", dir.path().join("node").display()))
        .arg("--server=https://127.0.0.1:6443")
        .arg("--node-name=node-2")
        .output()
        .expect("kubeadm runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("holds no cluster CA"), "{stderr}");
    assert!(
        !dir.path().join("node").exists(),
        "nothing is started or written for a missing cluster"
    );
}
