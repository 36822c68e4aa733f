//! The Node's status as the kubelet writes it: capacity and allocatable, the four conditions with
//! the kubelet's reasons and messages (`pkg/kubelet/nodestatus/setters.go`), addresses,
//! `nodeInfo`, daemon endpoints and the images present, and the comparison that decides whether
//! a heartbeat must be written.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ContainerImage, DaemonEndpoint, NodeAddress, NodeCondition, NodeDaemonEndpoints, NodeStatus,
    NodeSystemInfo,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

use super::eviction::Thresholds;

/// Upstream reports at most this many images in `status.images`.
pub const MAX_IMAGES_IN_STATUS: usize = 50;

/// The signals the conditions are computed from, and the thresholds they are held to.
#[derive(Clone, Debug, Default)]
pub struct Signals {
    pub thresholds: Thresholds,
    /// Total and available memory, in bytes.
    pub memory: (u64, u64),
    /// The kubelet root's filesystem: capacity and available bytes, total and free inodes.
    pub nodefs: Option<Filesystem>,
    /// The runtime's image filesystem (`ImageFsInfo`), when the runtime names one.
    pub imagefs: Option<Filesystem>,
    /// Why the runtime is not ready (`RuntimeReady`/`NetworkReady` false in CRI Status), if so.
    pub runtime_errors: Vec<String>,
}

/// A filesystem's space and inodes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Filesystem {
    pub capacity: u64,
    pub available: u64,
    pub inodes: u64,
    pub inodes_free: u64,
}

impl Signals {
    fn memory_pressure(&self) -> bool {
        let (total, available) = self.memory;
        self.thresholds
            .crossed("memory.available", available, total)
    }

    fn disk_pressure(&self) -> bool {
        let crossed = |prefix: &str, fs: &Option<Filesystem>| {
            fs.is_some_and(|fs| {
                self.thresholds
                    .crossed(&format!("{prefix}.available"), fs.available, fs.capacity)
                    || self.thresholds.crossed(
                        &format!("{prefix}.inodesFree"),
                        fs.inodes_free,
                        fs.inodes,
                    )
            })
        };
        crossed("nodefs", &self.nodefs) || crossed("imagefs", &self.imagefs)
    }
}

/// Everything in the status but the conditions and images.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub capacity: BTreeMap<String, Quantity>,
    pub addresses: Vec<NodeAddress>,
    pub node_info: NodeSystemInfo,
    pub kubelet_port: i32,
    pub images: Vec<ContainerImage>,
}

fn condition(
    type_: &str,
    status: bool,
    (reason_true, message_true): (&str, &str),
    (reason_false, message_false): (&str, &str),
) -> NodeCondition {
    let (reason, message) = if status {
        (reason_true, message_true)
    } else {
        (reason_false, message_false)
    };
    NodeCondition {
        type_: type_.to_owned(),
        status: if status { "True" } else { "False" }.to_owned(),
        reason: Some(reason.to_owned()),
        message: Some(message.to_owned()),
        ..Default::default()
    }
}

/// The four conditions (MemoryPressure, DiskPressure, PIDPressure, Ready) at `now`, keeping
/// each one's `lastTransitionTime` from `previous` while its status is unchanged.
pub fn conditions(signals: &Signals, previous: &[NodeCondition], now: &Time) -> Vec<NodeCondition> {
    let ready_message = if signals.runtime_errors.is_empty() {
        "kubelet is posting ready status".to_owned()
    } else {
        signals.runtime_errors.join(", ")
    };
    let mut list = vec![
        condition(
            "MemoryPressure",
            signals.memory_pressure(),
            (
                "KubeletHasInsufficientMemory",
                "kubelet has insufficient memory available",
            ),
            (
                "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available",
            ),
        ),
        condition(
            "DiskPressure",
            signals.disk_pressure(),
            ("KubeletHasDiskPressure", "kubelet has disk pressure"),
            ("KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ),
        condition(
            "PIDPressure",
            false,
            (
                "KubeletHasInsufficientPID",
                "kubelet has insufficient PID available",
            ),
            (
                "KubeletHasSufficientPID",
                "kubelet has sufficient PID available",
            ),
        ),
        condition(
            "Ready",
            signals.runtime_errors.is_empty(),
            ("KubeletReady", &ready_message),
            ("KubeletNotReady", &ready_message),
        ),
    ];
    for condition in &mut list {
        condition.last_heartbeat_time = Some(now.clone());
        condition.last_transition_time = previous
            .iter()
            .find(|old| old.type_ == condition.type_ && old.status == condition.status)
            .and_then(|old| old.last_transition_time.clone())
            .or_else(|| Some(now.clone()));
    }
    list
}

/// The whole status the kubelet owns.
pub fn node_status(facts: &Facts, conditions: Vec<NodeCondition>) -> NodeStatus {
    NodeStatus {
        capacity: Some(facts.capacity.clone()),
        allocatable: Some(facts.capacity.clone()),
        conditions: Some(conditions),
        addresses: Some(facts.addresses.clone()),
        daemon_endpoints: Some(NodeDaemonEndpoints {
            kubelet_endpoint: Some(DaemonEndpoint {
                port: facts.kubelet_port,
            }),
        }),
        node_info: Some(facts.node_info.clone()),
        images: Some(facts.images.clone()),
        ..Default::default()
    }
}

/// True when `new` differs from `old` in more than heartbeat times: then the status is written
/// at once instead of at the next report interval (upstream's `nodeStatusReportFrequency`).
pub fn changed(old: Option<&NodeStatus>, new: &NodeStatus) -> bool {
    let Some(old) = old else { return true };
    let strip = |status: &NodeStatus| {
        let mut status = status.clone();
        for condition in status.conditions.iter_mut().flatten() {
            condition.last_heartbeat_time = None;
        }
        status
            .conditions
            .iter_mut()
            .for_each(|list| list.sort_by(|a, b| a.type_.cmp(&b.type_)));
        status.images = None;
        status.phase = None;
        status.volumes_attached = None;
        status.volumes_in_use = None;
        status.config = None;
        status.runtime_handlers = None;
        status.features = None;
        status
    };
    let images = |status: &NodeStatus| {
        let mut names: Vec<Vec<String>> = status
            .images
            .iter()
            .flatten()
            .map(|image| image.names.clone().unwrap_or_default())
            .collect();
        names.sort();
        names
    };
    strip(old) != strip(new) || images(old) != images(new)
}

pub fn is_ready(status: Option<&NodeStatus>) -> bool {
    status
        .and_then(|status| status.conditions.as_ref())
        .is_some_and(|list| {
            list.iter()
                .any(|c| c.type_ == "Ready" && c.status == "True")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(capacity: u64, available: u64) -> Filesystem {
        Filesystem {
            capacity,
            available,
            inodes: 1000,
            inodes_free: 500,
        }
    }

    fn now(seconds: i64) -> Time {
        Time(jiff::Timestamp::from_second(seconds).unwrap())
    }

    #[test]
    fn healthy_node_conditions_use_the_kubelet_reasons() {
        let signals = Signals {
            memory: (1 << 40, 1 << 30),
            nodefs: Some(fs(100, 50)),
            runtime_errors: vec![],
            ..Default::default()
        };
        let list = conditions(&signals, &[], &now(10));
        let by_type: BTreeMap<_, _> = list.iter().map(|c| (c.type_.as_str(), c)).collect();
        assert_eq!(by_type["Ready"].status, "True");
        assert_eq!(by_type["Ready"].reason.as_deref(), Some("KubeletReady"));
        assert_eq!(
            by_type["MemoryPressure"].reason.as_deref(),
            Some("KubeletHasSufficientMemory")
        );
        assert_eq!(by_type["DiskPressure"].status, "False");
        assert_eq!(
            by_type["PIDPressure"].reason.as_deref(),
            Some("KubeletHasSufficientPID")
        );
    }

    #[test]
    fn pressure_and_runtime_errors_flip_conditions_and_transition_times() {
        let healthy = Signals {
            memory: (1 << 40, 1 << 30),
            nodefs: Some(fs(100, 50)),
            runtime_errors: vec![],
            ..Default::default()
        };
        let first = conditions(&healthy, &[], &now(10));
        let sick = Signals {
            memory: (1 << 40, 1 << 20),
            nodefs: Some(fs(100, 5)),
            runtime_errors: vec!["container runtime network not ready: NetworkReady=false".into()],
            ..Default::default()
        };
        let second = conditions(&sick, &first, &now(20));
        let ready = second.iter().find(|c| c.type_ == "Ready").unwrap();
        assert_eq!(ready.status, "False");
        assert_eq!(ready.reason.as_deref(), Some("KubeletNotReady"));
        assert!(
            ready
                .message
                .as_deref()
                .unwrap()
                .contains("NetworkReady=false")
        );
        assert_eq!(ready.last_transition_time, Some(now(20)));
        let pid = second.iter().find(|c| c.type_ == "PIDPressure").unwrap();
        assert_eq!(
            pid.last_transition_time,
            Some(now(10)),
            "unchanged keeps its transition"
        );
        assert!(
            second
                .iter()
                .any(|c| c.type_ == "MemoryPressure" && c.status == "True")
        );
        assert!(
            second
                .iter()
                .any(|c| c.type_ == "DiskPressure" && c.status == "True")
        );
    }

    #[test]
    fn image_filesystem_and_inodes_count_as_disk_pressure() {
        let disk_pressure = |signals: &Signals| {
            conditions(signals, &[], &now(10))
                .iter()
                .any(|c| c.type_ == "DiskPressure" && c.status == "True")
        };
        let mut signals = Signals {
            memory: (1 << 40, 1 << 30),
            nodefs: Some(fs(100, 50)),
            imagefs: Some(fs(100, 14)),
            ..Default::default()
        };
        assert!(disk_pressure(&signals), "imagefs.available below 15%");
        signals.imagefs = Some(fs(100, 50));
        assert!(!disk_pressure(&signals));
        signals.nodefs = Some(Filesystem {
            inodes_free: 10,
            ..fs(100, 50)
        });
        assert!(disk_pressure(&signals), "nodefs.inodesFree below 5%");
        signals.thresholds = super::super::eviction::Thresholds::resolve(
            Some(&[("nodefs.available".to_owned(), "0%".to_owned())].into()),
            false,
        )
        .unwrap();
        assert!(!disk_pressure(&signals), "signals not configured are off");
    }

    #[test]
    fn heartbeats_alone_are_not_changes() {
        let facts = Facts {
            kubelet_port: 10250,
            ..Default::default()
        };
        let healthy = Signals {
            memory: (1 << 40, 1 << 30),
            nodefs: None,
            runtime_errors: vec![],
            ..Default::default()
        };
        let a = node_status(&facts, conditions(&healthy, &[], &now(10)));
        let b = node_status(
            &facts,
            conditions(&healthy, a.conditions.as_deref().unwrap(), &now(20)),
        );
        assert!(!changed(Some(&a), &b));
        assert!(changed(None, &b));
        let mut c = b.clone();
        c.addresses = Some(vec![NodeAddress {
            type_: "InternalIP".into(),
            address: "10.0.0.1".into(),
        }]);
        assert!(changed(Some(&b), &c));
        assert!(is_ready(Some(&b)));
    }
}
