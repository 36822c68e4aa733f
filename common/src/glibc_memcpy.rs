//! Keeps glibc's `memcpy` off `rep movsb` on AMD processors.
//!
//! glibc before 2.39 copies blocks above a few KiB with `rep movsb` on every x86-64 processor
//! that advertises fast string moves. On AMD Zen that instruction runs some thirty times slower
//! (2-3 GB/s instead of 60-90 GB/s, measured on the development machine, glibc 2.36) when the
//! destination lies a few bytes after the source modulo 4 KiB (glibc bug 30994). Buffers from
//! the same allocator hit that case all the time: a TLS record is its 5-byte header followed by
//! a copy of the plaintext, so with 500 watchers a third of the API server's CPU went to such
//! copies. glibc 2.39 stopped using `rep movsb` on these processors; Go, which upstream is
//! written in, never used glibc's copy.
//!
//! [`avoid_slow_rep_movsb`] sets glibc's `glibc.cpu.x86_rep_movsb_threshold` tunable above any
//! copy size, so glibc copies with vector loops (and non-temporal stores for huge copies), as
//! 2.39 does. glibc reads tunables only when a process starts, so the daemon executes itself
//! again, once, with the tunable in its environment: same process ID, arguments and open files.
//! An operator's own setting of that tunable is left alone, and a re-executed program never
//! executes itself again (it carries a marker in its environment).

use std::ffi::{OsStr, OsString};

/// The glibc tunable that decides from what size `memcpy` uses `rep movsb`.
const TUNABLE: &str = "glibc.cpu.x86_rep_movsb_threshold";

/// Larger than any copy: `rep movsb` is never chosen.
const NEVER: u64 = 1 << 40;

/// Set in the environment of the re-executed program, so that it never executes itself again,
/// even if the tunable does not reach it: glibc versions differ in what they keep of
/// `GLIBC_TUNABLES` for a program with file capabilities or set-user-ID (say a `kube-proxy`
/// given `cap_net_admin` by `setcap`; 2.36 here keeps it), and a wrapper may filter the
/// environment. Without the marker such a program would execute itself forever.
const REEXECUTED: &str = "KUBERNETES_RS_REEXECUTED_FOR_MEMCPY";

/// Re-executes the running program with the tunable set when it runs on an AMD (or Hygon)
/// processor under glibc and the tunable is not already set; otherwise, or when re-executing
/// fails (reported on stderr), it returns and the program goes on as it is. Call it first in
/// `main`, before anything that cannot be done twice.
pub fn avoid_slow_rep_movsb() {
    if !cfg!(all(
        target_arch = "x86_64",
        target_os = "linux",
        target_env = "gnu"
    )) {
        return;
    }
    if std::env::var_os(REEXECUTED).is_some() {
        return;
    }
    let Ok(cpuinfo) = std::fs::read_to_string("/proc/cpuinfo") else {
        return;
    };
    let Some(vendor) = cpu_vendor(&cpuinfo) else {
        return;
    };
    if let Some(tunables) = tunables_for(vendor, std::env::var_os("GLIBC_TUNABLES").as_deref()) {
        reexec(tunables);
    }
}

#[cfg(unix)]
fn reexec(tunables: OsString) {
    use std::os::unix::process::CommandExt;
    let mut args = std::env::args_os();
    let Some(argv0) = args.next() else { return };
    let error = std::process::Command::new("/proc/self/exe")
        .arg0(argv0)
        .args(args)
        .env("GLIBC_TUNABLES", tunables)
        .env(REEXECUTED, "1")
        .exec();
    eprintln!("could not re-execute with {TUNABLE} set ({error}); memory copies may be slow");
}

#[cfg(not(unix))]
fn reexec(_tunables: OsString) {}

/// The `vendor_id` of the first processor in `/proc/cpuinfo`.
fn cpu_vendor(cpuinfo: &str) -> Option<&str> {
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "vendor_id").then(|| value.trim())
    })
}

/// The `GLIBC_TUNABLES` value to run with, or `None` when nothing needs to change: another
/// vendor, or the tunable already set. Other tunables already set are kept.
fn tunables_for(vendor: &str, current: Option<&OsStr>) -> Option<OsString> {
    if !matches!(vendor, "AuthenticAMD" | "HygonGenuine") {
        return None;
    }
    let current = current.map(OsStr::to_string_lossy).unwrap_or_default();
    let already_set = current.split(':').any(|entry| {
        entry
            .split_once('=')
            .is_some_and(|(name, _)| name == TUNABLE)
    });
    if already_set {
        return None;
    }
    let ours = format!("{TUNABLE}={NEVER}");
    Some(if current.is_empty() {
        ours.into()
    } else {
        format!("{current}:{ours}").into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vendor_is_read_from_cpuinfo() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n";
        assert_eq!(cpu_vendor(cpuinfo), Some("AuthenticAMD"));
        assert_eq!(cpu_vendor("processor\t: 0\n"), None);
    }

    #[test]
    fn only_amd_and_hygon_get_the_tunable() {
        assert_eq!(tunables_for("GenuineIntel", None), None);
        let expected = format!("{TUNABLE}={NEVER}");
        assert_eq!(
            tunables_for("AuthenticAMD", None),
            Some(expected.clone().into())
        );
        assert_eq!(tunables_for("HygonGenuine", None), Some(expected.into()));
    }

    #[test]
    fn other_tunables_are_kept_and_an_operator_setting_wins() {
        let others = OsStr::new("glibc.malloc.arena_max=2");
        assert_eq!(
            tunables_for("AuthenticAMD", Some(others)),
            Some(format!("glibc.malloc.arena_max=2:{TUNABLE}={NEVER}").into())
        );
        let set = OsStr::new("glibc.malloc.arena_max=2:glibc.cpu.x86_rep_movsb_threshold=4096");
        assert_eq!(tunables_for("AuthenticAMD", Some(set)), None);
        // A tunable whose name only starts like ours is another one.
        let prefix = OsStr::new("glibc.cpu.x86_rep_movsb_threshold_other=1");
        assert!(tunables_for("AuthenticAMD", Some(prefix)).is_some());
    }

    /// glibc itself takes the value: its dynamic loader lists the tunables it would run with
    /// (glibc 2.33 and later; older loaders or other platforms skip the check).
    #[test]
    fn glibc_takes_the_value() {
        let loader = "/lib64/ld-linux-x86-64.so.2";
        if !std::path::Path::new(loader).exists() {
            return;
        }
        let list = |tunables: Option<String>| {
            let mut command = std::process::Command::new(loader);
            command.arg("--list-tunables").env_remove("GLIBC_TUNABLES");
            if let Some(tunables) = tunables {
                command.env("GLIBC_TUNABLES", tunables);
            }
            let output = command.output().expect("running the dynamic loader");
            String::from_utf8_lossy(&output.stdout)
                .lines()
                .find(|line| line.starts_with(&format!("{TUNABLE}:")))
                .map(str::to_owned)
        };
        let Some(default) = list(None) else { return };
        let ours = list(Some(format!("{TUNABLE}={NEVER}"))).expect("the tunable is listed");
        assert!(
            ours.starts_with(&format!("{TUNABLE}: {NEVER:#x} ")),
            "{ours}"
        );
        assert_ne!(ours, default);
    }
}
