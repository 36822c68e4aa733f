//! namespace-controller (upstream's `pkg/controller/namespace`): a namespace being deleted is
//! emptied of every namespaced object, then released by removing the `kubernetes` finalizer.
//! The key is the namespace's name; a namespace added or updated with a `deletionTimestamp` is
//! queued after 5 s (upstream's `namespaceDeletionGracePeriod`, for HA API servers and etcd
//! members to see the deletion); while content remains it is looked at again after half the
//! estimated wait plus one second.

pub mod conditions;
pub mod deleter;

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;

use self::deleter::{Deletion, NamespacedResourcesDeleter};
use crate::controller::{Reconcile, Result, run_workers};
use crate::controllers::{ControllerContext, Running};
use crate::informers::{Change, Lister};
use crate::workqueue::WorkQueue;

pub const NAME: &str = "namespace-controller";

/// How long a namespace event waits before it is processed.
pub const DELETION_GRACE_PERIOD: Duration = Duration::from_secs(5);

pub struct NamespaceController {
    namespaces: Lister<Namespace>,
    deleter: NamespacedResourcesDeleter,
    queue: Arc<WorkQueue>,
}

pub fn start(context: &ControllerContext) -> Result<Running> {
    let queue = WorkQueue::new("namespace", context.metrics.clone());
    let namespaces = context.informers.informer::<Namespace>();
    {
        let queue = queue.clone();
        namespaces.on_change(move |change| match change {
            Change::Added(ns) | Change::Updated { new: ns, .. } => {
                if ns.metadata.deletion_timestamp.is_some() {
                    queue.add_after(
                        ns.metadata.name.clone().unwrap_or_default(),
                        DELETION_GRACE_PERIOD,
                    );
                }
            }
            Change::Deleted(_) => {}
        });
    }
    let controller = Arc::new(NamespaceController {
        namespaces: namespaces.lister(),
        deleter: NamespacedResourcesDeleter::new(context.client.clone()),
        queue: queue.clone(),
    });
    Ok(Box::pin(run_workers(
        NAME,
        queue,
        controller,
        context.options.concurrent_namespace_syncs,
        context.informers.clone(),
        context.stop.clone(),
    )))
}

/// The wait before looking again at a namespace whose content remains.
fn requeue_after(estimate_seconds: i64) -> Duration {
    Duration::from_secs((estimate_seconds.max(0) / 2 + 1).unsigned_abs())
}

#[async_trait::async_trait]
impl Reconcile for NamespaceController {
    async fn sync(&self, name: &str) -> Result<()> {
        if self.namespaces.get("", name).is_none() {
            tracing::info!(namespace = name, "namespace has been deleted");
            return Ok(());
        }
        match self.deleter.delete(name).await? {
            Deletion::Done => {}
            Deletion::Remaining(estimate) => {
                let wait = requeue_after(estimate);
                tracing::debug!(
                    namespace = name,
                    wait_seconds = wait.as_secs(),
                    "content remaining in namespace"
                );
                self.queue.add_after(name.to_owned(), wait);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remaining_content_is_looked_at_after_half_the_estimate() {
        assert_eq!(requeue_after(0), Duration::from_secs(1));
        assert_eq!(requeue_after(15), Duration::from_secs(8));
        assert_eq!(requeue_after(30), Duration::from_secs(16));
    }
}
