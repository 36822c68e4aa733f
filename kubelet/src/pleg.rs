//! The pod lifecycle event generator (upstream's generic PLEG): relists sandboxes and containers
//! from CRI every second and wakes the worker of every pod whose sandbox or container changed
//! state (started, exited, removed), so exits are handled within about a second without
//! watching the runtime.

use std::collections::HashMap;
use std::time::Duration;

use crate::cri::{RuntimeClient, v1};
use crate::pod_manager::PodSyncTrigger;
use crate::runtime::labels;
use common::shutdown::Shutdown;

pub const RELIST_PERIOD: Duration = Duration::from_secs(1);

/// State of every sandbox and container by ID, with the UID of its pod.
type Snapshot = HashMap<String, (String, i32)>;

async fn relist(cri: &RuntimeClient) -> Result<Snapshot, crate::cri::Error> {
    let sandboxes = cri
        .list_pod_sandbox(v1::ListPodSandboxRequest::default())
        .await?;
    let containers = cri
        .list_containers(v1::ListContainersRequest::default())
        .await?;
    let mut snapshot = Snapshot::new();
    for sandbox in sandboxes.items {
        if let Some(uid) = sandbox.labels.get(labels::POD_UID) {
            snapshot.insert(format!("s/{}", sandbox.id), (uid.clone(), sandbox.state));
        }
    }
    for container in containers.containers {
        if let Some(uid) = container.labels.get(labels::POD_UID) {
            snapshot.insert(
                format!("c/{}", container.id),
                (uid.clone(), container.state),
            );
        }
    }
    Ok(snapshot)
}

/// The UIDs of pods with a difference between two snapshots.
pub fn changed_pods(old: &Snapshot, new: &Snapshot) -> Vec<String> {
    let mut uids: Vec<String> = new
        .iter()
        .filter(|(id, (_, state))| old.get(*id).is_none_or(|(_, before)| before != state))
        .map(|(_, (uid, _))| uid.clone())
        .chain(
            old.iter()
                .filter(|(id, _)| !new.contains_key(*id))
                .map(|(_, (uid, _))| uid.clone()),
        )
        .collect();
    uids.sort();
    uids.dedup();
    uids
}

pub async fn run(cri: RuntimeClient, trigger: PodSyncTrigger, shutdown: Shutdown) {
    let mut last: Option<Snapshot> = None;
    loop {
        match relist(&cri).await {
            Ok(snapshot) => {
                if let Some(old) = &last {
                    for uid in changed_pods(old, &snapshot) {
                        let _ = trigger.send(uid);
                    }
                }
                last = Some(snapshot);
            }
            Err(error) => tracing::warn!(%error, "PLEG: relisting the runtime failed"),
        }
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(RELIST_PERIOD) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_changes_additions_and_removals_wake_their_pods() {
        let old = Snapshot::from([
            ("c/1".to_owned(), ("a".to_owned(), 1)),
            ("c/2".to_owned(), ("b".to_owned(), 1)),
            ("s/3".to_owned(), ("c".to_owned(), 0)),
        ]);
        let new = Snapshot::from([
            ("c/1".to_owned(), ("a".to_owned(), 2)),
            ("s/3".to_owned(), ("c".to_owned(), 0)),
            ("c/4".to_owned(), ("d".to_owned(), 0)),
        ]);
        assert_eq!(changed_pods(&old, &new), vec!["a", "b", "d"]);
        assert!(changed_pods(&new, &new).is_empty());
    }
}
