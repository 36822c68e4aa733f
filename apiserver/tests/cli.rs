//! The `kube-apiserver` binary itself (which also makes `cargo test --workspace` build it, for
//! the end-to-end tests that run `kubeadm up`): bad flags are refused with a clear error.

use std::process::Command;

#[test]
fn unknown_flags_are_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_kube-apiserver"))
        .arg("--no-such-flag")
        .output()
        .expect("kube-apiserver runs");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--no-such-flag"));
}
