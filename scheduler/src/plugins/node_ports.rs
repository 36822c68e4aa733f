//! NodePorts: a pod fits a node only if the host ports it binds (`hostPort`, on its containers
//! and sidecars) are free there (upstream's `plugins/nodeports`). `0.0.0.0` conflicts with every
//! address on the same port and protocol.

use crate::framework::{
    ClusterEvent, CycleState, FilterPlugin, NodeInfo, Plugin, PodInfo, PreFilterPlugin, Status,
};

/// The plugin's name.
pub const NAME: &str = "NodePorts";
/// Upstream's reason.
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

/// The plugin.
pub struct NodePorts;

/// Upstream's `Fits`: whether `pod`'s host ports are free on `node`.
pub fn fits(pod: &PodInfo, node: &NodeInfo) -> bool {
    !node.port_conflict(&pod.host_ports)
}

impl Plugin for NodePorts {
    fn name(&self) -> &'static str {
        NAME
    }
    fn events(&self) -> &'static [ClusterEvent] {
        &[ClusterEvent::NodeAdded, ClusterEvent::AssignedPodDeleted]
    }
    fn as_pre_filter(&self) -> Option<&dyn PreFilterPlugin> {
        Some(self)
    }
    fn as_filter(&self) -> Option<&dyn FilterPlugin> {
        Some(self)
    }
}

impl PreFilterPlugin for NodePorts {
    fn pre_filter(&self, _state: &mut CycleState, pod: &PodInfo, _nodes: &[&NodeInfo]) -> Status {
        // The ports are already on PodInfo; nothing to keep for Filter.
        if pod.host_ports.is_empty() {
            Status::skip()
        } else {
            Status::success()
        }
    }
}

impl FilterPlugin for NodePorts {
    fn filter(&self, _state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Status {
        if fits(pod, node) {
            Status::success()
        } else {
            Status::unschedulable(ERR_REASON)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::framework::Code;
    use crate::plugins::test_util::{named_pod, node, with_pods};

    /// A pod binding `PROTOCOL/IP/PORT` host ports.
    fn port_pod(name: &str, ports: &[&str]) -> PodInfo {
        let ports: Vec<Value> = ports
            .iter()
            .map(|p| {
                let parts: Vec<&str> = p.split('/').collect();
                json!({"protocol": parts[0], "hostIP": parts[1],
                    "hostPort": parts[2].parse::<i32>().unwrap(), "containerPort": 1})
            })
            .collect();
        named_pod(
            name,
            json!({"containers": [{"name": "c", "image": "i", "ports": ports}]}),
        )
    }

    fn node_with(ports: &[&str]) -> NodeInfo {
        let n = NodeInfo::new(node(json!({"metadata": {"name": "n"}})));
        with_pods(n, [port_pod("existing", ports)])
    }

    fn run(pod: &PodInfo, node: &NodeInfo) -> Status {
        let mut state = CycleState::default();
        let status = NodePorts.pre_filter(&mut state, pod, &[node]);
        if status.code == Code::Skip {
            return status;
        }
        assert!(status.is_success());
        NodePorts.filter(&state, pod, node)
    }

    #[test]
    fn filter() {
        let cases: [(&str, &[&str], &[&str], bool); 12] = [
            (
                "other port",
                &["UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/9090"],
                true,
            ),
            (
                "same udp port",
                &["UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/8080"],
                false,
            ),
            (
                "same tcp port",
                &["TCP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8080"],
                false,
            ),
            (
                "different host ip",
                &["TCP/127.0.0.1/8080"],
                &["TCP/127.0.0.2/8080"],
                true,
            ),
            (
                "different protocol",
                &["UDP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8080"],
                true,
            ),
            (
                "second udp port conflict",
                &["UDP/127.0.0.1/8000", "UDP/127.0.0.1/8080"],
                &["UDP/127.0.0.1/8080"],
                false,
            ),
            (
                "first tcp port conflict",
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
                &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"],
                false,
            ),
            (
                "first tcp port conflict due to 0.0.0.0 hostIP",
                &["TCP/0.0.0.0/8001"],
                &["TCP/127.0.0.1/8001"],
                false,
            ),
            (
                "TCP hostPort conflict due to 0.0.0.0 hostIP",
                &["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"],
                &["TCP/127.0.0.1/8001"],
                false,
            ),
            (
                "second tcp port conflict to 0.0.0.0 hostIP",
                &["TCP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001"],
                false,
            ),
            (
                "second different protocol",
                &["UDP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001"],
                true,
            ),
            (
                "UDP hostPort conflict due to 0.0.0.0 hostIP",
                &["UDP/127.0.0.1/8001"],
                &["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
                false,
            ),
        ];
        for (name, want, existing, fits) in cases {
            let status = run(&port_pod("p", want), &node_with(existing));
            if fits {
                assert!(status.is_success(), "{name}: {status:?}");
            } else {
                assert_eq!(status.code, Code::Unschedulable, "{name}");
                assert_eq!(status.reasons, [ERR_REASON], "{name}");
            }
        }
    }

    #[test]
    fn pods_without_host_ports_skip_the_filter() {
        let n = node_with(&["TCP/0.0.0.0/8001"]);
        let no_ports = named_pod("p", json!({"containers": [{"name": "c", "image": "i"}]}));
        assert_eq!(run(&no_ports, &n).code, Code::Skip);
        // A regular init container's host port is released before the pod runs.
        let init = named_pod(
            "p",
            json!({"containers": [], "initContainers": [{"name": "i", "image": "i",
            "ports": [{"containerPort": 8001, "hostPort": 8001, "protocol": "TCP"}]}]}),
        );
        assert_eq!(run(&init, &n).code, Code::Skip);
        // A sidecar's is held for the pod's life.
        let sidecar = named_pod(
            "p",
            json!({"containers": [], "initContainers": [{"name": "i", "image": "i",
            "restartPolicy": "Always",
            "ports": [{"containerPort": 8001, "hostPort": 8001, "protocol": "TCP"}]}]}),
        );
        assert_eq!(run(&sidecar, &n).code, Code::Unschedulable);
    }

    #[test]
    fn fits_cases() {
        let cases: [(&[&str], &[&str], bool); 5] = [
            (&["TCP/127.0.0.1/80"], &["TCP/127.0.0.1/9090"], true),
            (
                &[
                    "TCP/127.0.0.1/80",
                    "TCP/127.0.1.1/80",
                    "TCP/127.0.1.1/90",
                    "TCP/127.0.1.1/100",
                ],
                &[
                    "TCP/127.0.0.1/9090",
                    "TCP/127.0.0.1/9191",
                    "TCP/127.0.1.1/8080",
                ],
                true,
            ),
            (&["TCP/127.0.0.1/80"], &["UDP/127.0.0.1/80"], true),
            (&["TCP/127.0.0.1/80"], &["TCP/127.0.0.1/80"], false),
            (
                &[
                    "TCP/127.0.0.1/80",
                    "TCP/127.0.1.1/80",
                    "TCP/127.0.1.1/90",
                    "TCP/127.0.1.1/100",
                ],
                &[
                    "TCP/127.0.0.1/9090",
                    "TCP/127.0.1.1/90",
                    "TCP/127.0.1.1/8080",
                ],
                false,
            ),
        ];
        for (want, existing, expect) in cases {
            assert_eq!(
                fits(&port_pod("p", want), &node_with(existing)),
                expect,
                "{want:?} on {existing:?}"
            );
        }
    }
}
