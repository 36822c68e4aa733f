//! The kube-proxy binary refuses what it cannot do with a clear error (and this test makes
//! `cargo test --workspace` build the binary, which `kubeadm up`'s e2e tests run).

use std::process::Command;

fn kube_proxy() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kube-proxy"))
}

#[test]
fn ipvs_mode_is_refused_with_the_reason() {
    let output = kube_proxy().arg("--proxy-mode=ipvs").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no IPVS"), "{stderr}");
}

#[test]
fn unknown_flags_are_refused() {
    let output = kube_proxy().arg("--no-such-flag").output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--no-such-flag"), "{stderr}");
}
