//! Graceful shutdown: one clonable [`Shutdown`] handle, triggered by SIGTERM/SIGINT or by hand.
//!
//! Every long-running task of a daemon takes a clone and selects on [`Shutdown::wait`]; the
//! handle is level-triggered, so a task that starts waiting after the trigger returns at once.

use std::sync::Arc;

use tokio::sync::watch;

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A signal handler could not be installed.
    #[error("installing the {signal} handler: {source}")]
    Signal {
        /// The signal name.
        signal: &'static str,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A clonable shutdown handle. All clones observe the same trigger.
#[derive(Clone, Debug)]
pub struct Shutdown {
    tx: Arc<watch::Sender<bool>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    /// A handle that only fires when [`Shutdown::trigger`] is called.
    pub fn new() -> Self {
        let (tx, _rx) = watch::channel(false);
        Self { tx: Arc::new(tx) }
    }

    /// A handle that also fires on the first SIGTERM or SIGINT. Must be called inside a tokio
    /// runtime; the listening task ends when the signal arrives.
    pub fn on_signals() -> Result<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let shutdown = Self::new();
        let mut term = signal(SignalKind::terminate()).map_err(|source| Error::Signal {
            signal: "SIGTERM",
            source,
        })?;
        let mut int = signal(SignalKind::interrupt()).map_err(|source| Error::Signal {
            signal: "SIGINT",
            source,
        })?;
        let handle = shutdown.clone();
        tokio::spawn(async move {
            let name = tokio::select! {
                _ = term.recv() => "SIGTERM",
                _ = int.recv() => "SIGINT",
                () = handle.wait() => return,
            };
            tracing::info!(signal = name, "received signal, shutting down");
            handle.trigger();
        });
        Ok(shutdown)
    }

    /// Fire the shutdown. Idempotent.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// Whether the shutdown has fired.
    pub fn is_triggered(&self) -> bool {
        *self.tx.borrow()
    }

    /// Resolve once the shutdown has fired (immediately if it already has).
    pub async fn wait(&self) {
        let mut rx = self.tx.subscribe();
        // The sender lives in `self`, so `wait_for` can only end by seeing `true`.
        let _ = rx.wait_for(|fired| *fired).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn trigger_wakes_all_clones_and_is_level_triggered() {
        let shutdown = Shutdown::new();
        assert!(!shutdown.is_triggered());
        let waiter = shutdown.clone();
        let task = tokio::spawn(async move { waiter.wait().await });
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!task.is_finished());
        shutdown.clone().trigger();
        tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("waiter woke")
            .expect("task ok");
        assert!(shutdown.is_triggered());
        // A late waiter returns at once.
        tokio::time::timeout(Duration::from_secs(1), shutdown.wait())
            .await
            .expect("late waiter returns");
    }

    #[tokio::test]
    async fn wait_does_not_fire_without_trigger() {
        let shutdown = Shutdown::new();
        let res = tokio::time::timeout(Duration::from_millis(50), shutdown.wait()).await;
        assert!(res.is_err());
    }
}
