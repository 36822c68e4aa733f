//! The `--leader-elect*` flag group, with upstream's names and defaults
//! (`component-base/config/options`), and the validated timing configuration.

use std::time::Duration;

use clap::{ArgAction, Args};

use super::{Error, Result};
use crate::go_duration;

/// Upstream's `JitterFactor`: the renew deadline must exceed `retry_period * 1.2`.
pub const JITTER_FACTOR: f64 = 1.2;

/// Leader election flags shared by kube-scheduler and kube-controller-manager.
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct LeaderElectionOptions {
    /// Start a leader election client and gain leadership before executing the main loop.
    /// Enable this when running replicated components for high availability.
    #[arg(
        long = "leader-elect",
        action = ArgAction::Set,
        default_value_t = true,
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "true",
        value_name = "BOOL"
    )]
    pub leader_elect: bool,
    /// The duration that non-leader candidates will wait after observing a leadership renewal
    /// until attempting to acquire leadership of a led but unrenewed leader slot.
    #[arg(long = "leader-elect-lease-duration", default_value = "15s", value_parser = go_duration::parse)]
    pub lease_duration: Duration,
    /// The interval between attempts by the acting master to renew a leadership slot before
    /// it stops leading. This must be less than the lease duration.
    #[arg(long = "leader-elect-renew-deadline", default_value = "10s", value_parser = go_duration::parse)]
    pub renew_deadline: Duration,
    /// The duration the clients should wait between attempting acquisition and renewal of a
    /// leadership.
    #[arg(long = "leader-elect-retry-period", default_value = "2s", value_parser = go_duration::parse)]
    pub retry_period: Duration,
    /// The type of resource object that is used for locking during leader election. Supported
    /// options are 'leases'.
    #[arg(long = "leader-elect-resource-lock", default_value = "leases")]
    pub resource_lock: String,
    /// The name of resource object that is used for locking during leader election
    /// (default: the component's name, e.g. kube-scheduler).
    #[arg(long = "leader-elect-resource-name")]
    pub resource_name: Option<String>,
    /// The namespace of resource object that is used for locking during leader election.
    #[arg(
        long = "leader-elect-resource-namespace",
        default_value = "kube-system"
    )]
    pub resource_namespace: String,
}

impl Default for LeaderElectionOptions {
    fn default() -> Self {
        Self {
            leader_elect: true,
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
            resource_lock: "leases".to_owned(),
            resource_name: None,
            resource_namespace: "kube-system".to_owned(),
        }
    }
}

impl LeaderElectionOptions {
    /// The Lease name: the flag, or the component's default.
    pub fn resource_name_or<'a>(&'a self, component_default: &'a str) -> &'a str {
        self.resource_name.as_deref().unwrap_or(component_default)
    }

    /// Validate the flags into a [`LeaderElectionConfig`].
    pub fn config(&self) -> Result<LeaderElectionConfig> {
        if self.resource_lock != "leases" {
            return Err(Error::InvalidConfig(format!(
                "unsupported --leader-elect-resource-lock {:?}: only \"leases\" is supported",
                self.resource_lock
            )));
        }
        LeaderElectionConfig::new(self.lease_duration, self.renew_deadline, self.retry_period)
    }
}

/// Validated timings of an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeaderElectionConfig {
    /// How long a non-leader waits, from the last observed change of the record, before it
    /// may take the lease over.
    pub lease_duration: Duration,
    /// How long the leader keeps retrying a renewal before it gives up leadership.
    pub renew_deadline: Duration,
    /// Time between attempts.
    pub retry_period: Duration,
    /// Clear the holder when stopping on shutdown (upstream `ReleaseOnCancel`), so that
    /// another candidate takes over at once.
    pub release_on_cancel: bool,
}

impl Default for LeaderElectionConfig {
    fn default() -> Self {
        Self {
            lease_duration: Duration::from_secs(15),
            renew_deadline: Duration::from_secs(10),
            retry_period: Duration::from_secs(2),
            release_on_cancel: true,
        }
    }
}

impl LeaderElectionConfig {
    /// Timings checked as upstream's `NewLeaderElector` does.
    pub fn new(
        lease_duration: Duration,
        renew_deadline: Duration,
        retry_period: Duration,
    ) -> Result<Self> {
        let invalid = |msg: &str| Err(Error::InvalidConfig(msg.to_owned()));
        if lease_duration <= renew_deadline {
            return invalid("leaseDuration must be greater than renewDeadline");
        }
        if renew_deadline <= retry_period.mul_f64(JITTER_FACTOR) {
            return invalid("renewDeadline must be greater than retryPeriod*JitterFactor");
        }
        if lease_duration.is_zero() || renew_deadline.is_zero() || retry_period.is_zero() {
            return invalid(
                "leaseDuration, renewDeadline and retryPeriod must be greater than zero",
            );
        }
        if lease_duration < Duration::from_secs(1) {
            // The Lease stores whole seconds.
            return invalid("leaseDuration must be at least one second");
        }
        Ok(Self {
            lease_duration,
            renew_deadline,
            retry_period,
            release_on_cancel: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        le: LeaderElectionOptions,
        rest: Vec<String>,
    }

    #[test]
    fn defaults_match_upstream() {
        let cli = Cli::try_parse_from(["x"]).expect("parse");
        assert_eq!(cli.le, LeaderElectionOptions::default());
        let config = cli.le.config().expect("valid");
        assert_eq!(config, LeaderElectionConfig::default());
        assert_eq!(cli.le.resource_name_or("kube-scheduler"), "kube-scheduler");
    }

    #[test]
    fn flags_parse_like_go_flags() {
        let cli = Cli::try_parse_from([
            "x",
            "--leader-elect=false",
            "--leader-elect-lease-duration=1m",
            "--leader-elect-renew-deadline=30s",
            "--leader-elect-retry-period=500ms",
            "--leader-elect-resource-name=my-lock",
            "--leader-elect-resource-namespace=other",
        ])
        .expect("parse");
        assert!(!cli.le.leader_elect);
        assert_eq!(cli.le.lease_duration, Duration::from_secs(60));
        assert_eq!(cli.le.renew_deadline, Duration::from_secs(30));
        assert_eq!(cli.le.retry_period, Duration::from_millis(500));
        assert_eq!(cli.le.resource_name_or("kube-scheduler"), "my-lock");
        assert_eq!(cli.le.resource_namespace, "other");
        // A bare bool flag means true and does not swallow the next argument.
        let cli = Cli::try_parse_from(["x", "--leader-elect", "positional"]).expect("parse");
        assert!(cli.le.leader_elect);
        assert_eq!(cli.rest, ["positional"]);
        assert!(Cli::try_parse_from(["x", "--leader-elect-lease-duration=15"]).is_err());
    }

    #[test]
    fn invalid_timings_are_rejected() {
        let s = Duration::from_secs;
        assert!(LeaderElectionConfig::new(s(10), s(10), s(2)).is_err());
        assert!(LeaderElectionConfig::new(s(15), s(10), Duration::from_millis(8400)).is_err());
        assert!(LeaderElectionConfig::new(s(15), s(10), Duration::ZERO).is_err());
        assert!(LeaderElectionConfig::new(s(15), s(10), Duration::from_millis(8000)).is_ok());
        let options = LeaderElectionOptions {
            resource_lock: "endpoints".to_owned(),
            ..LeaderElectionOptions::default()
        };
        assert!(matches!(options.config(), Err(Error::InvalidConfig(_))));
    }
}
