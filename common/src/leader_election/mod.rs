//! Leader election on `coordination.k8s.io/v1` Leases, with client-go's semantics
//! (`tools/leaderelection/leaderelection.go`, `resourcelock/leaselock.go`).
//!
//! * [`record`]: the pure part. The election record in a Lease, the locally clocked
//!   [`Observation`] of it, and [`decide`], which says create / acquire / renew / wait.
//! * [`options`]: the `--leader-elect*` flags and the validated [`LeaderElectionConfig`].
//! * [`elector`]: the I/O loop over `kube::Api<Lease>`.
//!
//! # Shape
//!
//! ```no_run
//! # async fn example(client: kube::Client, shutdown: common::shutdown::Shutdown)
//! # -> Result<(), common::leader_election::Error> {
//! use common::leader_election::{LeaderElectionConfig, LeaderElector, default_identity};
//! let elector = LeaderElector::new(
//!     client, "kube-system", "kube-scheduler", default_identity(),
//!     LeaderElectionConfig::default(),
//! )?;
//! elector
//!     .run(shutdown, |leading| async move {
//!         // Do the work until leadership ends (lost, or shutdown).
//!         leading.lost().await;
//!     })
//!     .await?; // Err(LeadershipLost) when a renewal missed the deadline: exit, as upstream.
//! # Ok(()) }
//! ```
//!
//! [`LeaderElector::run`] waits to acquire the lease (returning `Ok(())` if shutdown comes
//! first), then runs the work future while renewing every retry period. If the lease cannot be
//! renewed within the renew deadline, or on shutdown, the [`LeaderToken`] fires; `run` waits
//! for the work to return (so it must watch the token), then, on shutdown, releases the lease
//! by clearing `holderIdentity` (upstream's `ReleaseOnCancel`), and returns. Loss of leadership
//! is reported as [`Error::LeadershipLost`]; daemons exit on it, as upstream's do.
//!
//! There is no API server in this repository yet to run the loop against. The decision logic
//! is unit-tested in [`record`]; the loop is tested against a minimal in-process fake of the
//! Lease endpoints (`loop_tests.rs`), and should get integration tests against the real API
//! server once it serves Leases.

pub mod elector;
pub mod options;
pub mod record;

#[cfg(test)]
mod loop_tests;

pub use elector::{LeaderElector, LeaderToken, default_identity};
pub use options::{LeaderElectionConfig, LeaderElectionOptions};
pub use record::{Decision, LeaderElectionRecord, Observation, decide, release_record};

/// Errors of leader election.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Flags or timings are invalid.
    #[error("invalid leader election configuration: {0}")]
    InvalidConfig(String),
    /// The lease could not be renewed within the renew deadline.
    #[error("leader election lost: lease {lease} not renewed within {renew_deadline:?}")]
    LeadershipLost {
        /// `namespace/name` of the Lease.
        lease: String,
        /// The renew deadline.
        renew_deadline: std::time::Duration,
    },
    /// The metrics could not be registered.
    #[error("registering leader election metrics: {0}")]
    Metrics(#[from] prometheus::Error),
}

/// Result of leader election.
pub type Result<T, E = Error> = std::result::Result<T, E>;
