//! What the kubelet reports about its machine: capacity (cpu, memory, ephemeral-storage, pods),
//! `nodeInfo` (ids, kernel, OS image), addresses, and the eviction signals behind the pressure
//! conditions, read from `/proc`, `/sys`, `/etc` and `statvfs` as upstream's cadvisor does.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;

use k8s_openapi::api::core::v1::{NodeAddress, NodeSystemInfo};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::status::Filesystem;

/// The kubelet version this build reports (the API version it implements).
pub const KUBELET_VERSION: &str = "v1.34.0";

fn read_trimmed(path: impl AsRef<Path>) -> String {
    std::fs::read_to_string(path)
        .map(|text| text.trim().to_owned())
        .unwrap_or_default()
}

/// A value in kB of `/proc/meminfo`, in bytes.
fn meminfo_bytes(meminfo: &str, key: &str) -> Option<u64> {
    meminfo.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let kib: u64 = rest.split_whitespace().next()?.parse().ok()?;
        Some(kib * 1024)
    })
}

/// Total and available memory in bytes.
pub fn memory() -> (u64, u64) {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let total = meminfo_bytes(&meminfo, "MemTotal").unwrap_or(0);
    let available = meminfo_bytes(&meminfo, "MemAvailable").unwrap_or(total);
    (total, available)
}

/// Space and inodes of the filesystem holding `path`.
pub fn filesystem(path: &Path) -> Option<Filesystem> {
    let stat = rustix::fs::statvfs(path).ok()?;
    Some(Filesystem {
        capacity: stat.f_blocks.saturating_mul(stat.f_frsize),
        available: stat.f_bavail.saturating_mul(stat.f_frsize),
        inodes: stat.f_files,
        inodes_free: stat.f_favail,
    })
}

/// The process count and the kernel's limit (`kernel.pid_max`), for PIDPressure.
pub fn pids() -> (u64, u64) {
    let max = read_trimmed("/proc/sys/kernel/pid_max")
        .parse()
        .unwrap_or(u64::MAX);
    let running = std::fs::read_dir("/proc")
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| {
                    entry
                        .file_name()
                        .to_string_lossy()
                        .bytes()
                        .all(|b| b.is_ascii_digit())
                })
                .count() as u64
        })
        .unwrap_or(0);
    (running, max)
}

/// Node capacity: cpu (logical CPUs), memory (MemTotal), ephemeral-storage (the root dir's
/// filesystem), pods (`maxPods`). Allocatable is the same, as no resources are reserved.
pub fn capacity(root_dir: &Path, max_pods: i32) -> BTreeMap<String, Quantity> {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let (memory, _) = memory();
    let mut capacity = BTreeMap::new();
    capacity.insert("cpu".to_owned(), Quantity(cpus.to_string()));
    capacity.insert(
        "memory".to_owned(),
        Quantity(format!("{}Ki", memory / 1024)),
    );
    if let Some(Filesystem {
        capacity: bytes, ..
    }) = filesystem(root_dir)
    {
        capacity.insert(
            "ephemeral-storage".to_owned(),
            Quantity(format!("{}Ki", bytes / 1024)),
        );
    }
    capacity.insert("pods".to_owned(), Quantity(max_pods.to_string()));
    capacity.insert("hugepages-1Gi".to_owned(), Quantity("0".to_owned()));
    capacity.insert("hugepages-2Mi".to_owned(), Quantity("0".to_owned()));
    capacity
}

/// `PRETTY_NAME` of `/etc/os-release`.
fn os_image() -> String {
    let text = std::fs::read_to_string("/etc/os-release").unwrap_or_default();
    text.lines()
        .find_map(|line| line.strip_prefix("PRETTY_NAME="))
        .map(|value| value.trim_matches('"').to_owned())
        .unwrap_or_else(|| "Linux".to_owned())
}

/// `nodeInfo`, with the runtime's `<name>://<version>`.
pub fn system_info(runtime_version: &str) -> NodeSystemInfo {
    NodeSystemInfo {
        architecture: std::env::consts::ARCH
            .replace("x86_64", "amd64")
            .replace("aarch64", "arm64"),
        boot_id: read_trimmed("/proc/sys/kernel/random/boot_id"),
        container_runtime_version: runtime_version.to_owned(),
        kernel_version: read_trimmed("/proc/sys/kernel/osrelease"),
        kube_proxy_version: String::new(),
        kubelet_version: KUBELET_VERSION.to_owned(),
        machine_id: read_trimmed("/etc/machine-id"),
        operating_system: std::env::consts::OS.to_owned(),
        os_image: os_image(),
        system_uuid: read_trimmed("/sys/class/dmi/id/product_uuid"),
        swap: None,
    }
}

/// The node's addresses: InternalIP (`--node-ip`, else the address of the interface holding the
/// default route, else the first non-loopback IPv4), and Hostname.
pub fn addresses(node_ip: Option<IpAddr>, hostname: &str) -> Vec<NodeAddress> {
    let mut addresses = Vec::new();
    if let Some(ip) = node_ip.or_else(default_route_ip) {
        addresses.push(NodeAddress {
            type_: "InternalIP".to_owned(),
            address: ip.to_string(),
        });
    }
    addresses.push(NodeAddress {
        type_: "Hostname".to_owned(),
        address: hostname.to_owned(),
    });
    addresses
}

/// The source address the kernel would use to reach the outside, found by "connecting" a UDP
/// socket (no packet is sent), as upstream's `ChooseHostInterface` prefers the default route.
fn default_route_ip() -> Option<IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:53").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_values_are_bytes() {
        let text = "MemTotal:       24608016 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n";
        assert_eq!(meminfo_bytes(text, "MemTotal"), Some(24608016 * 1024));
        assert_eq!(meminfo_bytes(text, "MemAvailable"), Some(20000000 * 1024));
        assert_eq!(meminfo_bytes(text, "Mem"), None);
    }

    #[test]
    fn capacity_has_the_kubelet_resources() {
        let capacity = capacity(Path::new("/"), 110);
        assert_eq!(capacity["pods"].0, "110");
        assert!(capacity["memory"].0.ends_with("Ki"));
        assert!(capacity["cpu"].0.parse::<u32>().unwrap() >= 1);
        assert!(capacity.contains_key("ephemeral-storage"));
        let info = system_info("containerd://1.6.20");
        assert_eq!(info.kubelet_version, KUBELET_VERSION);
        assert_eq!(info.operating_system, "linux");
        assert!(!info.kernel_version.is_empty());
    }
}
