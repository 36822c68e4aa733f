//! Pods a Permit plugin told to wait (upstream's `waitingPodsMap`): each waits for every
//! plugin that asked it to wait to allow it, and is rejected as soon as one rejects it or its
//! wait at one plugin times out.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::status::Status;

/// Upstream's cap on a Permit plugin's wait (`maxTimeout`).
pub const MAX_PERMIT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

struct Waiting {
    /// The plugins still to allow the pod, with their deadlines and timeouts.
    pending: HashMap<&'static str, (Instant, Duration)>,
    /// Where the verdict goes.
    verdict: Option<oneshot::Sender<Status>>,
}

/// The waiting pods, by uid.
#[derive(Default)]
pub struct WaitingPods {
    pods: Mutex<HashMap<String, Waiting>>,
}

/// A pod's wait, returned by [`WaitingPods::add`].
pub struct Wait {
    uid: String,
    verdict: oneshot::Receiver<Status>,
}

impl WaitingPods {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Waiting>> {
        self.pods.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Makes pod `uid` wait for `plugins`, each for its timeout (capped at
    /// [`MAX_PERMIT_TIMEOUT`]).
    pub fn add(&self, uid: &str, plugins: &[(&'static str, Duration)], now: Instant) -> Wait {
        let (tx, rx) = oneshot::channel();
        let pending = plugins
            .iter()
            .map(|(plugin, timeout)| {
                let timeout = (*timeout).min(MAX_PERMIT_TIMEOUT);
                (*plugin, (now + timeout, timeout))
            })
            .collect();
        self.lock().insert(
            uid.to_owned(),
            Waiting {
                pending,
                verdict: Some(tx),
            },
        );
        Wait {
            uid: uid.to_owned(),
            verdict: rx,
        }
    }

    /// The uids of the waiting pods.
    pub fn uids(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// `plugin` allows pod `uid`; the pod goes on once no plugin is left. False if the pod is
    /// not waiting.
    pub fn allow(&self, uid: &str, plugin: &str) -> bool {
        let mut pods = self.lock();
        let Some(waiting) = pods.get_mut(uid) else {
            return false;
        };
        waiting.pending.remove(plugin);
        if waiting.pending.is_empty()
            && let Some(waiting) = pods.remove(uid)
            && let Some(tx) = waiting.verdict
        {
            let _ = tx.send(Status::success());
        }
        true
    }

    /// `plugin` rejects pod `uid` with `message`. False if the pod is not waiting.
    pub fn reject(&self, uid: &str, plugin: &'static str, message: &str) -> bool {
        let Some(waiting) = self.lock().remove(uid) else {
            return false;
        };
        if let Some(tx) = waiting.verdict {
            let _ = tx.send(Status::unschedulable(message).with_plugin(plugin));
        }
        true
    }

    /// The plugin pod `uid` still waits for whose deadline comes first, with that deadline
    /// and its timeout.
    fn next_deadline(&self, uid: &str) -> Option<(&'static str, Instant, Duration)> {
        self.lock()
            .get(uid)?
            .pending
            .iter()
            .min_by_key(|(_, (deadline, _))| *deadline)
            .map(|(plugin, (deadline, timeout))| (*plugin, *deadline, *timeout))
    }

    /// Waits for the verdict on `wait` (upstream's `WaitOnPermit`): success once every plugin
    /// allowed it, or the rejection; a plugin's timeout rejects it with upstream's message.
    pub async fn wait_on(&self, wait: Wait) -> Status {
        let Wait { uid, mut verdict } = wait;
        loop {
            let Some((plugin, deadline, timeout)) = self.next_deadline(&uid) else {
                // Decided (or never waiting): the verdict is in the channel.
                return verdict.await.unwrap_or_else(|_| {
                    Status::error(format!("pod {uid} stopped waiting without a verdict"))
                });
            };
            let sleep = tokio::time::sleep_until(deadline.into());
            tokio::select! {
                status = &mut verdict => {
                    return status.unwrap_or_else(|_| {
                        Status::error(format!("pod {uid} stopped waiting without a verdict"))
                    });
                }
                () = sleep => {
                    let expired = self
                        .lock()
                        .get(&uid)
                        .and_then(|w| w.pending.get(plugin))
                        .is_some_and(|(d, _)| *d <= Instant::now());
                    if expired {
                        let message = format!(
                            "rejected due to timeout after waiting {} at plugin {plugin}",
                            common::go_duration::format(timeout)
                        );
                        self.reject(&uid, plugin, &message);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Code;

    #[tokio::test]
    async fn a_pod_goes_on_once_every_waiting_plugin_allows_it() {
        let pods = WaitingPods::default();
        let long = Duration::from_secs(60);
        let wait = pods.add("u1", &[("A", long), ("B", long)], Instant::now());
        assert_eq!(pods.uids(), ["u1"]);
        assert!(pods.allow("u1", "A"));
        assert_eq!(pods.uids(), ["u1"], "B has not allowed it yet");
        assert!(pods.allow("u1", "B"));
        assert!(pods.uids().is_empty());
        assert_eq!(pods.wait_on(wait).await.code, Code::Success);
        assert!(!pods.allow("u1", "A"), "no longer waiting");
    }

    #[tokio::test]
    async fn one_rejection_ends_the_wait() {
        let pods = WaitingPods::default();
        let wait = pods.add("u1", &[("A", Duration::from_secs(60))], Instant::now());
        assert!(pods.reject("u1", "A", "no quorum"));
        let status = pods.wait_on(wait).await;
        assert_eq!(status.code, Code::Unschedulable);
        assert_eq!(status.message(), "no quorum");
        assert_eq!(status.plugin, "A");
    }

    #[tokio::test]
    async fn the_first_timeout_rejects_with_upstreams_message() {
        let pods = WaitingPods::default();
        let wait = pods.add(
            "u1",
            &[
                ("A", Duration::from_secs(30)),
                ("B", Duration::from_millis(50)),
            ],
            Instant::now(),
        );
        let status = pods.wait_on(wait).await;
        assert_eq!(status.code, Code::Unschedulable);
        assert_eq!(
            status.message(),
            "rejected due to timeout after waiting 50ms at plugin B"
        );
        assert!(pods.uids().is_empty());
    }
}
