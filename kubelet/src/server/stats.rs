//! `/stats/summary`: the node's and pods' resource usage in the JSON shape of upstream's
//! `k8s.io/kubelet/pkg/apis/stats/v1alpha1.Summary` (what metrics-server and
//! `kubectl top` read).
//!
//! The node's CPU and memory come from the root cgroup (cgroup v1 `cpuacct` and `memory`
//! hierarchies, cgroup v2 `cpu.stat` and `memory.*` as a fallback) and `/proc/meminfo`, as
//! cAdvisor reports them for the root container; the node's filesystem from `statvfs` of
//! `/`. Pods and containers come from CRI (`ListPodSandboxStats`, with a fallback to summing
//! `ListContainerStats` per pod). `usageNanoCores` is the rate between two samples of the
//! cumulative CPU time; the first request after start has no rate for the node (the runtime
//! computes its own for containers).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde::Serialize;

use super::{HttpError, ServerState};
use crate::cri::v1;
use crate::runtime::labels;

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub node: NodeStats,
    pub pods: Vec<PodStats>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeStats {
    pub node_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fs: Option<FsStats>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodReference {
    pub name: String,
    pub namespace: String,
    pub uid: String,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStats {
    pub pod_ref: PodReference,
    pub start_time: Timestamp,
    pub containers: Vec<ContainerStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryStats>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerStats {
    pub name: String,
    pub start_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<CpuStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryStats>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rootfs: Option<FsStats>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CpuStats {
    pub time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_nano_cores: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_core_nano_seconds: Option<u64>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemoryStats {
    pub time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub working_set_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rss_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_faults: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major_page_faults: Option<u64>,
}

#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FsStats {
    pub time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub used_bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inodes_free: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inodes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inodes_used: Option<u64>,
}

/// The last cumulative CPU sample per key (`node`, pod UID), for `usageNanoCores`.
#[derive(Clone, Debug, Default)]
pub struct CpuSamples(Arc<Mutex<HashMap<String, (Timestamp, u64)>>>);

impl CpuSamples {
    /// The rate since the previous sample of `key` (nanocores), recording this one.
    pub fn rate(&self, key: &str, time: Timestamp, usage: u64) -> Option<u64> {
        let mut samples = self.0.lock().ok()?;
        let previous = samples.insert(key.to_owned(), (time, usage));
        let (then, before) = previous?;
        let elapsed = time.duration_since(then).as_nanos();
        if elapsed <= 0 || usage < before {
            return None;
        }
        Some(((usage - before) as u128 * 1_000_000_000 / elapsed as u128) as u64)
    }

    fn retain(&self, keys: &std::collections::HashSet<String>) {
        if let Ok(mut samples) = self.0.lock() {
            samples.retain(|k, _| k == "node" || keys.contains(k));
        }
    }
}

fn read_u64(path: impl AsRef<Path>) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// `key value` lines (`memory.stat`, `cpu.stat`, `/proc/meminfo` without the unit).
fn read_keyed(path: impl AsRef<Path>) -> HashMap<String, u64> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace();
            let key = fields.next()?.trim_end_matches(':').to_owned();
            let value = fields.next()?.parse().ok()?;
            let unit = fields.next();
            Some((
                key,
                if unit == Some("kB") {
                    value * 1024
                } else {
                    value
                },
            ))
        })
        .collect()
}

/// The node's cumulative CPU time in nanoseconds.
fn node_cpu_usage(cgroup_root: &Path) -> Option<u64> {
    read_u64(cgroup_root.join("cpuacct/cpuacct.usage"))
        .or_else(|| read_u64(cgroup_root.join("cpu,cpuacct/cpuacct.usage")))
        .or_else(|| {
            read_keyed(cgroup_root.join("cpu.stat"))
                .get("usage_usec")
                .map(|usec| usec * 1000)
        })
}

/// The node's memory, as cAdvisor reports the root container: working set is usage less
/// inactive file pages.
fn node_memory(cgroup_root: &Path, time: Timestamp) -> Option<MemoryStats> {
    let meminfo = read_keyed("/proc/meminfo");
    let total = meminfo.get("MemTotal").copied();
    let (usage, stat, inactive_key) =
        match read_u64(cgroup_root.join("memory/memory.usage_in_bytes")) {
            Some(usage) => (
                usage,
                read_keyed(cgroup_root.join("memory/memory.stat")),
                (
                    "total_inactive_file",
                    "total_rss",
                    "total_pgfault",
                    "total_pgmajfault",
                ),
            ),
            None => {
                // cgroup v2 root has no memory.current: derive usage from meminfo.
                let free = meminfo.get("MemFree").copied().unwrap_or(0);
                (
                    total?.saturating_sub(free),
                    read_keyed(cgroup_root.join("memory.stat")),
                    ("inactive_file", "anon", "pgfault", "pgmajfault"),
                )
            }
        };
    let inactive = stat.get(inactive_key.0).copied().unwrap_or(0);
    let working_set = usage.saturating_sub(inactive);
    Some(MemoryStats {
        time,
        available_bytes: total.map(|t| t.saturating_sub(working_set)),
        usage_bytes: Some(usage),
        working_set_bytes: Some(working_set),
        rss_bytes: stat.get(inactive_key.1).copied(),
        page_faults: stat.get(inactive_key.2).copied(),
        major_page_faults: stat.get(inactive_key.3).copied(),
    })
}

fn fs_stats(path: &Path, time: Timestamp) -> Option<FsStats> {
    let vfs = rustix::fs::statvfs(path).ok()?;
    let block = vfs.f_frsize;
    Some(FsStats {
        time,
        available_bytes: Some(vfs.f_bavail * block),
        capacity_bytes: Some(vfs.f_blocks * block),
        used_bytes: Some(vfs.f_blocks.saturating_sub(vfs.f_bfree) * block),
        inodes_free: Some(vfs.f_ffree),
        inodes: Some(vfs.f_files),
        inodes_used: Some(vfs.f_files.saturating_sub(vfs.f_ffree)),
    })
}

fn boot_time() -> Option<Timestamp> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let seconds: i64 = stat
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    Timestamp::from_second(seconds).ok()
}

fn nanos_to_time(nanos: i64) -> Timestamp {
    Timestamp::from_nanosecond(nanos as i128).unwrap_or(Timestamp::UNIX_EPOCH)
}

fn cpu_from_cri(cpu: &v1::CpuUsage) -> CpuStats {
    CpuStats {
        time: nanos_to_time(cpu.timestamp),
        usage_nano_cores: cpu.usage_nano_cores.as_ref().map(|v| v.value),
        usage_core_nano_seconds: cpu.usage_core_nano_seconds.as_ref().map(|v| v.value),
    }
}

fn memory_from_cri(memory: &v1::MemoryUsage) -> MemoryStats {
    MemoryStats {
        time: nanos_to_time(memory.timestamp),
        available_bytes: memory.available_bytes.as_ref().map(|v| v.value),
        usage_bytes: memory.usage_bytes.as_ref().map(|v| v.value),
        working_set_bytes: memory.working_set_bytes.as_ref().map(|v| v.value),
        rss_bytes: memory.rss_bytes.as_ref().map(|v| v.value),
        page_faults: memory.page_faults.as_ref().map(|v| v.value),
        major_page_faults: memory.major_page_faults.as_ref().map(|v| v.value),
    }
}

fn container_from_cri(stats: &v1::ContainerStats, start: Timestamp) -> Option<ContainerStats> {
    let attributes = stats.attributes.as_ref()?;
    let name = attributes
        .labels
        .get(labels::CONTAINER_NAME)
        .cloned()
        .or_else(|| attributes.metadata.as_ref().map(|m| m.name.clone()))?;
    Some(ContainerStats {
        name,
        start_time: start,
        cpu: stats.cpu.as_ref().map(cpu_from_cri),
        memory: stats.memory.as_ref().map(memory_from_cri),
        rootfs: stats.writable_layer.as_ref().map(|fs| FsStats {
            time: nanos_to_time(fs.timestamp),
            used_bytes: fs.used_bytes.as_ref().map(|v| v.value),
            inodes_used: fs.inodes_used.as_ref().map(|v| v.value),
            ..Default::default()
        }),
    })
}

/// Sums container CPU and memory into pod totals (when the runtime has no sandbox stats).
fn sum_containers(containers: &[ContainerStats], time: Timestamp) -> (CpuStats, MemoryStats) {
    let sum = |f: &dyn Fn(&ContainerStats) -> Option<u64>| -> Option<u64> {
        containers.iter().filter_map(f).reduce(|a, b| a + b)
    };
    (
        CpuStats {
            time,
            usage_nano_cores: sum(&|c| c.cpu.as_ref()?.usage_nano_cores),
            usage_core_nano_seconds: sum(&|c| c.cpu.as_ref()?.usage_core_nano_seconds),
        },
        MemoryStats {
            time,
            usage_bytes: sum(&|c| c.memory.as_ref()?.usage_bytes),
            working_set_bytes: sum(&|c| c.memory.as_ref()?.working_set_bytes),
            rss_bytes: sum(&|c| c.memory.as_ref()?.rss_bytes),
            ..Default::default()
        },
    )
}

/// The node's summary from `cgroup_root` (normally `/sys/fs/cgroup`) and CRI.
pub async fn summary(state: &ServerState) -> Result<Summary, HttpError> {
    summary_from(state, Path::new("/sys/fs/cgroup")).await
}

async fn summary_from(state: &ServerState, cgroup_root: &Path) -> Result<Summary, HttpError> {
    let now = Timestamp::now();
    let node_cpu = node_cpu_usage(cgroup_root).map(|usage| CpuStats {
        time: now,
        usage_nano_cores: state.cpu_samples.rate("node", now, usage),
        usage_core_nano_seconds: Some(usage),
    });
    let node = NodeStats {
        node_name: state.node_name.clone(),
        start_time: boot_time(),
        cpu: node_cpu,
        memory: node_memory(cgroup_root, now),
        fs: fs_stats(Path::new("/"), now),
    };

    let sandboxes = state
        .cri
        .list_pod_sandbox(v1::ListPodSandboxRequest {
            filter: Some(v1::PodSandboxFilter {
                state: Some(v1::PodSandboxStateValue {
                    state: v1::PodSandboxState::SandboxReady as i32,
                }),
                ..Default::default()
            }),
        })
        .await
        .map_err(HttpError::cri)?
        .items;
    let containers = state
        .cri
        .list_container_stats(v1::ListContainerStatsRequest { filter: None })
        .await
        .map_err(HttpError::cri)?
        .stats;
    let created: HashMap<String, Timestamp> = state
        .cri
        .list_containers(v1::ListContainersRequest { filter: None })
        .await
        .map_err(HttpError::cri)?
        .containers
        .into_iter()
        .map(|c| (c.id, nanos_to_time(c.created_at)))
        .collect();
    // Sandbox stats are optional in CRI; without them pods are the sum of their containers.
    let sandbox_stats: HashMap<String, v1::PodSandboxStats> = state
        .cri
        .list_pod_sandbox_stats(v1::ListPodSandboxStatsRequest { filter: None })
        .await
        .map(|r| r.stats)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| Some((s.attributes.as_ref()?.id.clone(), s)))
        .collect();

    let mut pods = Vec::new();
    let mut keys = std::collections::HashSet::new();
    for sandbox in sandboxes {
        let Some(metadata) = sandbox.metadata.as_ref() else {
            continue;
        };
        let pod_containers: Vec<ContainerStats> = containers
            .iter()
            .filter(|c| {
                c.attributes
                    .as_ref()
                    .and_then(|a| a.labels.get(labels::POD_UID))
                    .is_some_and(|uid| *uid == metadata.uid)
            })
            .filter_map(|c| {
                let id = &c.attributes.as_ref()?.id;
                container_from_cri(c, created.get(id).copied().unwrap_or(now))
            })
            .collect();
        let linux = sandbox_stats
            .get(&sandbox.id)
            .and_then(|s| s.linux.as_ref());
        let (summed_cpu, summed_memory) = sum_containers(&pod_containers, now);
        let mut cpu = linux
            .and_then(|l| l.cpu.as_ref())
            .map(cpu_from_cri)
            .unwrap_or(summed_cpu);
        if cpu.usage_nano_cores.is_none()
            && let Some(usage) = cpu.usage_core_nano_seconds
        {
            cpu.usage_nano_cores = state.cpu_samples.rate(&metadata.uid, cpu.time, usage);
        }
        keys.insert(metadata.uid.clone());
        let memory = linux
            .and_then(|l| l.memory.as_ref())
            .map(memory_from_cri)
            .unwrap_or(summed_memory);
        let start_time = state
            .pods
            .pod_by_uid(&metadata.uid)
            .and_then(|p| p.status.as_ref()?.start_time.as_ref().map(|t| t.0))
            .unwrap_or_else(|| nanos_to_time(sandbox.created_at));
        pods.push(PodStats {
            pod_ref: PodReference {
                name: metadata.name.clone(),
                namespace: metadata.namespace.clone(),
                uid: metadata.uid.clone(),
            },
            start_time,
            containers: pod_containers,
            cpu: Some(cpu),
            memory: Some(memory),
        });
    }
    state.cpu_samples.retain(&keys);
    pods.sort_by(|a, b| {
        (&a.pod_ref.namespace, &a.pod_ref.name).cmp(&(&b.pod_ref.namespace, &b.pod_ref.name))
    });
    Ok(Summary { node, pods })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_rates() {
        let samples = CpuSamples::default();
        let t0: Timestamp = "2024-01-01T00:00:00Z".parse().expect("time");
        let t1: Timestamp = "2024-01-01T00:00:02Z".parse().expect("time");
        assert_eq!(samples.rate("node", t0, 1_000_000_000), None);
        // One CPU-second over two seconds: half a core.
        assert_eq!(samples.rate("node", t1, 2_000_000_000), Some(500_000_000));
    }

    #[test]
    fn node_stats_from_a_cgroup_tree() {
        let dir = tempfile::tempdir().expect("dir");
        std::fs::create_dir_all(dir.path().join("cpuacct")).expect("dir");
        std::fs::create_dir_all(dir.path().join("memory")).expect("dir");
        std::fs::write(dir.path().join("cpuacct/cpuacct.usage"), "12345\n").expect("write");
        std::fs::write(dir.path().join("memory/memory.usage_in_bytes"), "1000\n").expect("write");
        std::fs::write(
            dir.path().join("memory/memory.stat"),
            "cache 5\ntotal_inactive_file 300\ntotal_rss 600\n",
        )
        .expect("write");
        assert_eq!(node_cpu_usage(dir.path()), Some(12345));
        let memory = node_memory(dir.path(), Timestamp::now()).expect("memory");
        assert_eq!(memory.working_set_bytes, Some(700));
        assert_eq!(memory.rss_bytes, Some(600));
        let fs = fs_stats(dir.path(), Timestamp::now()).expect("fs");
        assert!(fs.capacity_bytes.unwrap_or(0) > 0);
        let json = serde_json::to_value(&memory).expect("json");
        assert_eq!(json["workingSetBytes"], 700);
    }
}
