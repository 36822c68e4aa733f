//! Node health as the node-lifecycle-controller sees it (upstream's `tryUpdateNodeHealth`):
//! the local time at which it last *observed* a heartbeat — a change of the Ready condition's
//! `lastHeartbeatTime` or of the node Lease's `renewTime` — rather than the timestamps
//! themselves, so clock skew between kubelet and controller does not matter; and the status
//! to write when no heartbeat came for the grace period.

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{Node, NodeCondition, NodeStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};
use tokio::time::Instant;

/// What was last observed of a node, and when.
#[derive(Clone, Debug)]
pub struct NodeHealth {
    /// When a heartbeat was last observed.
    pub probe: Instant,
    /// When the Ready condition was last seen changing.
    pub ready_transition: Instant,
    /// The Ready condition last observed.
    pub ready: Option<NodeCondition>,
    /// The Lease renew time last observed.
    pub lease_renew: Option<MicroTime>,
}

/// The outcome of one health check of a node.
#[derive(Debug)]
pub struct HealthCheck {
    pub health: NodeHealth,
    /// The Ready condition as the node had it (a made-up Unknown one when it has none).
    pub observed_ready: NodeCondition,
    /// The Ready condition after this check (`None` when the node has none and stays so).
    pub current_ready: Option<NodeCondition>,
    /// The status to write, when the node went silent for the grace period.
    pub new_status: Option<NodeStatus>,
}

/// The condition of `type_` in `status`.
pub fn condition<'a>(status: Option<&'a NodeStatus>, type_: &str) -> Option<&'a NodeCondition> {
    status?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

/// The local instant matching wall-clock `at`, given that `now` is `wall_now`.
fn instant_at(at: Timestamp, now: Instant, wall_now: Timestamp) -> Instant {
    let ago: Duration = wall_now
        .duration_since(at)
        .try_into()
        .unwrap_or(Duration::ZERO);
    now.checked_sub(ago).unwrap_or(now)
}

/// The condition types set to Unknown when a node goes silent (NetworkUnavailable is left to
/// whoever manages the network).
const SILENCED: [&str; 4] = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/// Checks `node` (with its `lease`) against what was `saved`; `grace` is the monitor grace
/// period for nodes that posted a Ready condition, `startup_grace` for nodes that never did.
pub fn check(
    saved: Option<&NodeHealth>,
    node: &Node,
    lease: Option<&Lease>,
    grace: Duration,
    startup_grace: Duration,
    now: Instant,
    wall_now: Timestamp,
) -> HealthCheck {
    let status = node.status.as_ref();
    let current = condition(status, "Ready").cloned();
    let created = node.metadata.creation_timestamp.clone();
    let (observed_ready, grace) = match &current {
        Some(ready) => (ready.clone(), grace),
        None => (
            NodeCondition {
                type_: "Ready".into(),
                status: "Unknown".into(),
                last_heartbeat_time: created.clone(),
                last_transition_time: created.clone(),
                ..NodeCondition::default()
            },
            startup_grace,
        ),
    };
    let fresh = |ready: Option<NodeCondition>| NodeHealth {
        probe: now,
        ready_transition: now,
        ready,
        lease_renew: None,
    };
    let mut health = match (saved, &current) {
        // Never posted: the node's creation counts as its last heartbeat.
        (None, None) => {
            let at = created
                .as_ref()
                .map_or(now, |t| instant_at(t.0, now, wall_now));
            NodeHealth {
                probe: at,
                ready_transition: at,
                ready: None,
                lease_renew: None,
            }
        }
        (Some(saved), None) if saved.ready.is_none() => saved.clone(),
        (None, Some(_)) => fresh(current.clone()),
        (Some(saved), Some(ready)) => match &saved.ready {
            None => NodeHealth {
                lease_renew: saved.lease_renew.clone(),
                ..fresh(current.clone())
            },
            Some(old) if old.last_heartbeat_time != ready.last_heartbeat_time => NodeHealth {
                probe: now,
                ready_transition: if old.last_transition_time != ready.last_transition_time {
                    now
                } else {
                    saved.ready_transition
                },
                ready: current.clone(),
                lease_renew: saved.lease_renew.clone(),
            },
            Some(_) => saved.clone(),
        },
        // The Ready condition was removed.
        (Some(saved), None) => NodeHealth {
            lease_renew: saved.lease_renew.clone(),
            ..fresh(None)
        },
    };
    // A renewed Lease is a heartbeat.
    if let Some(renew) = lease.and_then(|l| l.spec.as_ref()?.renew_time.clone())
        && health
            .lease_renew
            .as_ref()
            .is_none_or(|old| old.0 < renew.0)
    {
        health.lease_renew = Some(renew);
        health.probe = now;
    }

    let mut new_status = None;
    let mut current_ready = current.clone();
    if now > health.probe + grace {
        let mut updated = status.cloned().unwrap_or_default();
        let conditions = updated.conditions.get_or_insert_with(Vec::new);
        let stamp = Time(wall_now);
        for type_ in SILENCED {
            match conditions.iter_mut().find(|c| c.type_ == type_) {
                None => conditions.push(NodeCondition {
                    type_: type_.into(),
                    status: "Unknown".into(),
                    reason: Some("NodeStatusNeverUpdated".into()),
                    message: Some("Kubelet never posted node status.".into()),
                    last_heartbeat_time: created.clone(),
                    last_transition_time: Some(stamp.clone()),
                }),
                Some(c) if c.status != "Unknown" => {
                    c.status = "Unknown".into();
                    c.reason = Some("NodeStatusUnknown".into());
                    c.message = Some("Kubelet stopped posting node status.".into());
                    c.last_transition_time = Some(stamp.clone());
                }
                Some(_) => {}
            }
        }
        let ready_now = conditions.iter().find(|c| c.type_ == "Ready").cloned();
        if ready_now.as_ref() != Some(&observed_ready) {
            health.ready = ready_now.clone();
            health.ready_transition = now;
            current_ready = ready_now;
            new_status = Some(updated);
        }
    }
    HealthCheck {
        health,
        observed_ready,
        current_ready,
        new_status,
    }
}

/// A zone's health (upstream's `ZoneState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneState {
    Initial,
    Normal,
    PartialDisruption,
    FullDisruption,
}

/// A zone's state from its nodes' Ready conditions, and how many are not ready (upstream's
/// `ComputeZoneState`).
pub fn zone_state(ready: &[Option<NodeCondition>], unhealthy_threshold: f64) -> (usize, ZoneState) {
    let ready_nodes = ready
        .iter()
        .filter(|c| c.as_ref().is_some_and(|c| c.status == "True"))
        .count();
    let not_ready = ready.len() - ready_nodes;
    let state = if ready_nodes == 0 && not_ready > 0 {
        ZoneState::FullDisruption
    } else if not_ready > 2 && not_ready as f64 / ready.len() as f64 >= unhealthy_threshold {
        ZoneState::PartialDisruption
    } else {
        ZoneState::Normal
    };
    (not_ready, state)
}

/// The zone of a node: region and zone labels (stable, else beta), upstream's `GetZoneKey`.
pub fn zone_key(node: &Node) -> String {
    let labels = node.metadata.labels.as_ref();
    let label = |stable: &str, beta: &str| {
        labels
            .and_then(|l| l.get(stable).or_else(|| l.get(beta)))
            .cloned()
            .unwrap_or_default()
    };
    let region = label(
        "topology.kubernetes.io/region",
        "failure-domain.beta.kubernetes.io/region",
    );
    let zone = label(
        "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/zone",
    );
    if region.is_empty() && zone.is_empty() {
        String::new()
    } else {
        format!("{region}:\u{0}:{zone}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::coordination::v1::LeaseSpec;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    const GRACE: Duration = Duration::from_secs(40);
    const STARTUP: Duration = Duration::from_secs(60);

    fn wall(seconds: i64) -> Timestamp {
        Timestamp::from_second(1_700_000_000 + seconds).unwrap()
    }

    fn ready_node(status: &str, heartbeat: i64) -> Node {
        Node {
            metadata: ObjectMeta {
                name: Some("n".into()),
                creation_timestamp: Some(Time(wall(0))),
                ..ObjectMeta::default()
            },
            status: Some(NodeStatus {
                conditions: Some(vec![
                    NodeCondition {
                        type_: "Ready".into(),
                        status: status.into(),
                        last_heartbeat_time: Some(Time(wall(heartbeat))),
                        last_transition_time: Some(Time(wall(0))),
                        ..NodeCondition::default()
                    },
                    NodeCondition {
                        type_: "MemoryPressure".into(),
                        status: "False".into(),
                        ..NodeCondition::default()
                    },
                ]),
                ..NodeStatus::default()
            }),
            ..Node::default()
        }
    }

    fn lease(renew: i64) -> Lease {
        Lease {
            spec: Some(LeaseSpec {
                renew_time: Some(MicroTime(wall(renew))),
                ..LeaseSpec::default()
            }),
            ..Lease::default()
        }
    }

    // Upstream's TestMonitorNodeHealthUpdateStatus: a node silent for the grace period turns
    // Unknown, with upstream's reasons; a node still heart-beating does not.
    #[tokio::test(start_paused = true)]
    async fn a_silent_node_becomes_unknown_after_the_grace_period() {
        let t0 = Instant::now();
        let node = ready_node("True", 0);
        let first = check(None, &node, None, GRACE, STARTUP, t0, wall(0));
        assert!(first.new_status.is_none());
        let later = t0 + GRACE + Duration::from_secs(1);
        let second = check(
            Some(&first.health),
            &node,
            None,
            GRACE,
            STARTUP,
            later,
            wall(41),
        );
        let status = second.new_status.expect("a status update");
        let ready = condition(Some(&status), "Ready").unwrap();
        assert_eq!(ready.status, "Unknown");
        assert_eq!(ready.reason.as_deref(), Some("NodeStatusUnknown"));
        assert_eq!(
            ready.message.as_deref(),
            Some("Kubelet stopped posting node status.")
        );
        let memory = condition(Some(&status), "MemoryPressure").unwrap();
        assert_eq!(memory.status, "Unknown");
        let disk = condition(Some(&status), "DiskPressure").unwrap();
        assert_eq!(disk.reason.as_deref(), Some("NodeStatusNeverUpdated"));
        assert_eq!(second.observed_ready.status, "True");
        assert_eq!(second.current_ready.unwrap().status, "Unknown");
    }

    #[tokio::test(start_paused = true)]
    async fn lease_renewals_and_new_heartbeats_keep_a_node_healthy() {
        let t0 = Instant::now();
        let node = ready_node("True", 0);
        let first = check(None, &node, Some(&lease(0)), GRACE, STARTUP, t0, wall(0));
        let t1 = t0 + Duration::from_secs(30);
        let renewed = check(
            Some(&first.health),
            &node,
            Some(&lease(30)),
            GRACE,
            STARTUP,
            t1,
            wall(30),
        );
        assert_eq!(renewed.health.probe, t1);
        let t2 = t1 + Duration::from_secs(30);
        let still = check(
            Some(&renewed.health),
            &node,
            Some(&lease(30)),
            GRACE,
            STARTUP,
            t2,
            wall(60),
        );
        assert!(still.new_status.is_none());
        // A new Ready heartbeat also counts.
        let beat = ready_node("True", 65);
        let t3 = t2 + Duration::from_secs(5);
        let beaten = check(
            Some(&still.health),
            &beat,
            Some(&lease(30)),
            GRACE,
            STARTUP,
            t3,
            wall(65),
        );
        assert_eq!(beaten.health.probe, t3);
        // Silence after that, past the grace period.
        let t4 = t3 + GRACE + Duration::from_secs(1);
        let silent = check(
            Some(&beaten.health),
            &beat,
            Some(&lease(30)),
            GRACE,
            STARTUP,
            t4,
            wall(106),
        );
        assert!(silent.new_status.is_some());
    }

    #[tokio::test(start_paused = true)]
    async fn a_node_that_never_posted_gets_the_startup_grace_from_its_creation() {
        let t0 = Instant::now();
        let mut node = ready_node("True", 0);
        node.status = None;
        let early = check(None, &node, None, GRACE, STARTUP, t0, wall(50));
        assert!(early.new_status.is_none());
        let late = check(
            Some(&early.health),
            &node,
            None,
            GRACE,
            STARTUP,
            t0 + Duration::from_secs(11),
            wall(61),
        );
        let status = late.new_status.expect("a status update");
        let ready = condition(Some(&status), "Ready").unwrap();
        assert_eq!(ready.reason.as_deref(), Some("NodeStatusNeverUpdated"));
        assert_eq!(
            ready.message.as_deref(),
            Some("Kubelet never posted node status.")
        );
    }

    #[test]
    fn zone_states_follow_upstream_thresholds() {
        let c = |s: &str| {
            Some(NodeCondition {
                type_: "Ready".into(),
                status: s.into(),
                ..NodeCondition::default()
            })
        };
        assert_eq!(
            zone_state(&[c("True"), c("Unknown")], 0.55),
            (1, ZoneState::Normal)
        );
        assert_eq!(
            zone_state(&[c("False"), None], 0.55),
            (2, ZoneState::FullDisruption)
        );
        assert_eq!(
            zone_state(&[c("True"), c("False"), c("False"), c("Unknown")], 0.55),
            (3, ZoneState::PartialDisruption)
        );
        assert_eq!(
            zone_state(
                &[c("True"), c("True"), c("False"), c("False"), c("Unknown")],
                0.7
            ),
            (3, ZoneState::Normal)
        );
    }

    #[test]
    fn zone_keys_join_region_and_zone() {
        let mut node = Node::default();
        assert_eq!(zone_key(&node), "");
        node.metadata.labels = Some(
            [
                ("topology.kubernetes.io/region".to_owned(), "r".to_owned()),
                (
                    "failure-domain.beta.kubernetes.io/zone".to_owned(),
                    "z".to_owned(),
                ),
            ]
            .into(),
        );
        assert_eq!(zone_key(&node), "r:\u{0}:z");
    }
}
