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

/// On AMD processors under glibc the binary executes itself once more with
/// `glibc.cpu.x86_rep_movsb_threshold` set (`common::glibc_memcpy`); glibc's loader, asked to
/// report what it loads (`LD_DEBUG=libs`), says once per program it starts.
#[test]
fn amd_processors_run_it_with_the_memcpy_tunable() {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let amd = cpuinfo
        .lines()
        .find(|line| line.starts_with("vendor_id"))
        .is_some_and(|line| line.contains("AuthenticAMD") || line.contains("HygonGenuine"));
    // How many programs glibc's loader starts for one run, with `env` added to an
    // environment without `GLIBC_TUNABLES`.
    let starts = |env: &[(&str, &str)]| {
        let output = Command::new(env!("CARGO_BIN_EXE_kube-apiserver"))
            .arg("--no-such-flag")
            .env("LD_DEBUG", "libs")
            .env_remove("GLIBC_TUNABLES")
            .envs(env.iter().copied())
            .output()
            .expect("kube-apiserver runs");
        assert!(!output.status.success());
        String::from_utf8_lossy(&output.stderr)
            .matches("initialize program")
            .count()
    };
    let plain = starts(&[]);
    if plain == 0 {
        return; // not glibc's loader: nothing to check
    }
    assert_eq!(plain, if amd { 2 } else { 1 });
    // An operator's own setting is kept, and the program starts once.
    let operator = ("GLIBC_TUNABLES", "glibc.cpu.x86_rep_movsb_threshold=4096");
    assert_eq!(starts(&[operator]), 1);
    // A program whose re-execution did not receive the tunable (some glibc versions drop it
    // for programs with file capabilities) stops at the marker instead of looping.
    assert_eq!(starts(&[("KUBERNETES_RS_REEXECUTED_FOR_MEMCPY", "1")]), 1);
}
