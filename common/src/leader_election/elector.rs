//! The leader election loop over `kube::Api<Lease>`: acquire, renew, release.
//!
//! Writes are optimistic: a replace carries the `resourceVersion` last read, so a concurrent
//! writer makes it fail with 409 Conflict, and the attempt is simply retried after the retry
//! period, re-reading the Lease first (client-go's slow path). The leader first tries to renew
//! against its cached Lease without reading (client-go's fast path).

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::coordination::v1::Lease;
use kube::{
    Api,
    api::{ObjectMeta, PostParams},
};
use prometheus::{IntGaugeVec, Opts, Registry};
use tokio::{sync::watch, time::Instant};

use super::{
    Error, Result,
    options::{JITTER_FACTOR, LeaderElectionConfig},
    record::{Decision, LeaderElectionRecord, Observation, decide, release_record},
};
use crate::shutdown::Shutdown;

/// Handed to the work while this candidate leads.
#[derive(Clone, Debug)]
pub struct LeaderToken {
    leading: watch::Receiver<bool>,
}

impl LeaderToken {
    /// Whether we still lead. Turns false once for good.
    pub fn is_leading(&self) -> bool {
        *self.leading.borrow()
    }

    /// Resolve when leadership ends: lost, or shutdown requested.
    pub async fn lost(&self) {
        let mut rx = self.leading.clone();
        // An error means the elector is gone, which also ends leadership.
        let _ = rx.wait_for(|leading| !*leading).await;
    }
}

/// How leading ended.
enum Ended {
    Shutdown,
    Lost,
    WorkDone,
}

/// A candidate for one Lease. See the [module docs](super) for the shape of [`Self::run`].
pub struct LeaderElector {
    api: Api<Lease>,
    namespace: String,
    name: String,
    identity: String,
    config: LeaderElectionConfig,
    /// The record as last read or written, and when it last changed on our clock.
    observed: Option<Observation>,
    /// The Lease object as last read or written (its `resourceVersion` guards our writes).
    lease: Option<Lease>,
    reported_leader: String,
    master_status: Option<IntGaugeVec>,
}

impl std::fmt::Debug for LeaderElector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LeaderElector")
            .field("lease", &self.describe())
            .field("identity", &self.identity)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// `<hostname>_<random UUID>`, the identity kube-scheduler and kube-controller-manager use.
pub fn default_identity() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned());
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{host}_{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl LeaderElector {
    /// A candidate `identity` for the Lease `namespace/name`.
    pub fn new(
        client: kube::Client,
        namespace: &str,
        name: &str,
        identity: impl Into<String>,
        config: LeaderElectionConfig,
    ) -> Result<Self> {
        let identity = identity.into();
        if identity.is_empty() {
            return Err(Error::InvalidConfig("Lock identity is empty".to_owned()));
        }
        if name.is_empty() || namespace.is_empty() {
            return Err(Error::InvalidConfig(
                "lease name and namespace must be set".to_owned(),
            ));
        }
        // Re-check timings in case the config was built by hand.
        let mut checked = LeaderElectionConfig::new(
            config.lease_duration,
            config.renew_deadline,
            config.retry_period,
        )?;
        checked.release_on_cancel = config.release_on_cancel;
        Ok(Self {
            api: Api::namespaced(client, namespace),
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            identity,
            config: checked,
            observed: None,
            lease: None,
            reported_leader: String::new(),
            master_status: None,
        })
    }

    /// Export upstream's `leader_election_master_status{name}` gauge (1 while leading).
    pub fn with_metrics(mut self, registry: &Registry) -> Result<Self> {
        let gauge = IntGaugeVec::new(
            Opts::new(
                "leader_election_master_status",
                "Gauge of if the reporting system is master of the relevant lease, 0 indicates \
                 backup, 1 indicates master. 'name' is the string used to identify the lease.",
            ),
            &["name"],
        )?;
        registry.register(Box::new(gauge.clone()))?;
        gauge.with_label_values(&[self.name.as_str()]).set(0);
        self.master_status = Some(gauge);
        Ok(self)
    }

    /// This candidate's identity.
    pub fn identity(&self) -> &str {
        &self.identity
    }

    fn describe(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    fn set_status(&self, leading: bool) {
        if let Some(gauge) = &self.master_status {
            gauge
                .with_label_values(&[self.name.as_str()])
                .set(i64::from(leading));
        }
    }

    /// Run the election; see the [module docs](super).
    pub async fn run<F, Fut>(mut self, shutdown: Shutdown, work: F) -> Result<()>
    where
        F: FnOnce(LeaderToken) -> Fut,
        Fut: Future<Output = ()>,
    {
        let desc = self.describe();
        tracing::info!(lease = %desc, identity = %self.identity, "attempting to acquire leader lease");
        loop {
            let attempt =
                tokio::time::timeout(self.config.renew_deadline, self.try_acquire_or_renew());
            let acquired = tokio::select! {
                () = shutdown.wait() => return Ok(()),
                result = attempt => result.unwrap_or(false),
            };
            self.maybe_report_transition();
            if acquired {
                break;
            }
            tracing::debug!(lease = %desc, "failed to acquire lease");
            tokio::select! {
                () = shutdown.wait() => return Ok(()),
                () = tokio::time::sleep(jittered(self.config.retry_period)) => {}
            }
        }
        tracing::info!(lease = %desc, "successfully acquired lease");
        self.set_status(true);

        let (leading_tx, leading_rx) = watch::channel(true);
        let work = work(LeaderToken {
            leading: leading_rx,
        });
        tokio::pin!(work);
        let ended = tokio::select! {
            () = &mut work => Ended::WorkDone,
            ended = self.renew_loop(&shutdown) => ended,
        };
        self.set_status(false);
        if !matches!(ended, Ended::WorkDone) {
            leading_tx.send_replace(false);
            work.await;
        }
        match ended {
            Ended::Lost => {
                tracing::error!(lease = %desc, "leader election lost");
                Err(Error::LeadershipLost {
                    lease: desc,
                    renew_deadline: self.config.renew_deadline,
                })
            }
            Ended::Shutdown | Ended::WorkDone => {
                if self.config.release_on_cancel {
                    self.release().await;
                }
                Ok(())
            }
        }
    }

    /// Renew every retry period; each renewal retries until the renew deadline.
    async fn renew_loop(&mut self, shutdown: &Shutdown) -> Ended {
        let (retry, renew_deadline) = (self.config.retry_period, self.config.renew_deadline);
        loop {
            let deadline = Instant::now() + renew_deadline;
            let renewed = loop {
                let attempt = tokio::time::timeout_at(deadline, self.try_acquire_or_renew());
                let result = tokio::select! {
                    () = shutdown.wait() => return Ended::Shutdown,
                    result = attempt => result,
                };
                match result {
                    Ok(true) => break true,
                    Ok(false) => {}
                    Err(_elapsed) => break false,
                }
                let next = (Instant::now() + retry).min(deadline);
                tokio::select! {
                    () = shutdown.wait() => return Ended::Shutdown,
                    () = tokio::time::sleep_until(next) => {}
                }
                if Instant::now() >= deadline {
                    break false;
                }
            };
            self.maybe_report_transition();
            if !renewed {
                tracing::info!(lease = %self.describe(), "failed to renew lease: timed out");
                return Ended::Lost;
            }
            tracing::trace!(lease = %self.describe(), "successfully renewed lease");
            tokio::select! {
                () = shutdown.wait() => return Ended::Shutdown,
                () = tokio::time::sleep(retry) => {}
            }
        }
    }

    fn maybe_report_transition(&mut self) {
        let Some(observed) = &self.observed else {
            return;
        };
        let holder = &observed.record.holder_identity;
        if *holder != self.reported_leader {
            self.reported_leader.clone_from(holder);
            tracing::info!(lease = %self.describe(), leader = %holder, "new leader elected");
        }
    }

    /// One attempt; true when we hold the lease afterwards (client-go's `tryAcquireOrRenew`).
    async fn try_acquire_or_renew(&mut self) -> bool {
        let now = Timestamp::now();
        // 1. Fast path: the leader renews its cached lease without reading first.
        if let (Some(observed), Some(lease)) = (&self.observed, &self.lease)
            && observed.record.holder_identity == self.identity
            && observed.is_valid(now)
            && let Decision::Renew(record) = decide(
                Some(observed),
                &self.identity,
                self.config.lease_duration,
                now,
            )
        {
            let lease = lease.clone();
            match self.write(lease, record, now).await {
                Ok(()) => return true,
                Err(e) => tracing::info!(
                    lease = %self.describe(),
                    error = %e,
                    "failed to update lock optimistically, falling back to slow path"
                ),
            }
        }

        // 2. Read the lease, or create it.
        let current = match self.api.get_opt(&self.name).await {
            Ok(current) => current,
            Err(e) => {
                tracing::warn!(lease = %self.describe(), error = %e, "error retrieving resource lock");
                return false;
            }
        };
        let Some(lease) = current else {
            let Decision::Create(record) =
                decide(None, &self.identity, self.config.lease_duration, now)
            else {
                return false;
            };
            let new = Lease {
                metadata: ObjectMeta {
                    name: Some(self.name.clone()),
                    namespace: Some(self.namespace.clone()),
                    ..ObjectMeta::default()
                },
                spec: Some(record.to_lease_spec()),
            };
            return match self.api.create(&PostParams::default(), &new).await {
                Ok(created) => {
                    self.remember(created, now);
                    true
                }
                Err(e) => {
                    tracing::warn!(lease = %self.describe(), error = %e, "error initially creating leader election record");
                    false
                }
            };
        };

        // 3. Fold what we read into our observation and decide.
        let record = LeaderElectionRecord::from(&lease.spec.clone().unwrap_or_default());
        let observed = Observation::observe(self.observed.take(), record, now);
        let decision = decide(
            Some(&observed),
            &self.identity,
            self.config.lease_duration,
            now,
        );
        self.observed = Some(observed);
        self.lease = Some(lease.clone());
        match decision {
            Decision::Wait { holder, .. } => {
                tracing::debug!(lease = %self.describe(), %holder, "lock is held and has not yet expired");
                false
            }
            Decision::Acquire(record) | Decision::Renew(record) | Decision::Create(record) => {
                match self.write(lease, record, now).await {
                    Ok(()) => true,
                    Err(e) => {
                        tracing::warn!(lease = %self.describe(), error = %e, "failed to update lock");
                        false
                    }
                }
            }
        }
    }

    /// Replace the Lease's spec with `record`, guarded by the `resourceVersion` of `lease`.
    async fn write(
        &mut self,
        mut lease: Lease,
        record: LeaderElectionRecord,
        now: Timestamp,
    ) -> Result<(), kube::Error> {
        lease.spec = Some(record.to_lease_spec());
        let written = self
            .api
            .replace(&self.name, &PostParams::default(), &lease)
            .await?;
        self.remember(written, now);
        Ok(())
    }

    fn remember(&mut self, lease: Lease, now: Timestamp) {
        let record = LeaderElectionRecord::from(&lease.spec.clone().unwrap_or_default());
        self.observed = Some(Observation {
            record,
            observed_at: now,
        });
        self.lease = Some(lease);
    }

    /// Give the lease up if we hold it (client-go's `release`). Failures are logged: the lease
    /// then simply expires.
    async fn release(&mut self) {
        let Some(observed) = &self.observed else {
            return;
        };
        if observed.record.holder_identity != self.identity {
            return;
        }
        let Some(lease) = self.lease.clone() else {
            return;
        };
        let record = release_record(&observed.record, Timestamp::now());
        match self.write(lease, record.clone(), Timestamp::now()).await {
            Ok(()) => tracing::info!(lease = %self.describe(), "released leader lease"),
            Err(kube::Error::Api(status)) if status.code == 409 => {
                // An interrupted renewal may have moved the resourceVersion: re-read once.
                match self.api.get_opt(&self.name).await {
                    Ok(Some(fresh))
                        if fresh
                            .spec
                            .as_ref()
                            .and_then(|s| s.holder_identity.as_deref())
                            == Some(self.identity.as_str()) =>
                    {
                        if let Err(e) = self.write(fresh, record, Timestamp::now()).await {
                            tracing::warn!(lease = %self.describe(), error = %e, "failed to release lock");
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(lease = %self.describe(), error = %e, "failed to release lock")
                    }
                }
            }
            Err(e) => {
                tracing::warn!(lease = %self.describe(), error = %e, "failed to release lock")
            }
        }
    }
}

/// `period` plus up to `JITTER_FACTOR * period` (upstream's `wait.Jitter`).
fn jittered(period: Duration) -> Duration {
    period + period.mul_f64(rand::random::<f64>() * JITTER_FACTOR)
}

#[cfg(test)]
mod tests {
    use std::sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    };

    use super::*;

    fn unreachable_client() -> kube::Client {
        // Port 1 on loopback: connections are refused at once.
        let config = kube::Config::new("http://127.0.0.1:1".parse().expect("uri"));
        kube::Client::try_from(config).expect("client")
    }

    fn fast_config() -> LeaderElectionConfig {
        LeaderElectionConfig::new(
            Duration::from_secs(3),
            Duration::from_secs(2),
            Duration::from_millis(100),
        )
        .expect("config")
    }

    #[test]
    fn identities_are_unique_and_shaped_like_upstream() {
        let a = default_identity();
        let b = default_identity();
        assert_ne!(a, b);
        let (host, uuid) = a.rsplit_once('_').expect("host_uuid");
        assert!(!host.is_empty());
        assert_eq!(uuid.len(), 36);
        assert_eq!(uuid.as_bytes()[14], b'4');
    }

    #[test]
    fn jitter_stays_within_upstream_bounds() {
        let p = Duration::from_secs(2);
        for _ in 0..100 {
            let j = jittered(p);
            assert!(j >= p && j <= p.mul_f64(1.0 + JITTER_FACTOR), "{j:?}");
        }
    }

    #[tokio::test]
    async fn rejects_empty_identity_and_bad_timings() {
        let client = unreachable_client();
        assert!(LeaderElector::new(client.clone(), "kube-system", "x", "", fast_config()).is_err());
        let bad = LeaderElectionConfig {
            renew_deadline: Duration::from_secs(30),
            ..LeaderElectionConfig::default()
        };
        assert!(LeaderElector::new(client, "kube-system", "x", "me", bad).is_err());
    }

    #[tokio::test]
    async fn never_leads_without_an_api_server_and_stops_on_shutdown() {
        let registry = prometheus::Registry::new();
        let elector = LeaderElector::new(
            unreachable_client(),
            "kube-system",
            "kube-scheduler",
            "me",
            fast_config(),
        )
        .expect("elector")
        .with_metrics(&registry)
        .expect("metrics");
        let ran = Arc::new(AtomicBool::new(false));
        let shutdown = Shutdown::new();
        let task = {
            let ran = ran.clone();
            let shutdown = shutdown.clone();
            tokio::spawn(elector.run(shutdown, move |_token| async move {
                ran.store(true, Ordering::SeqCst);
            }))
        };
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(!task.is_finished());
        shutdown.trigger();
        let result = tokio::time::timeout(Duration::from_secs(5), task)
            .await
            .expect("run returned on shutdown")
            .expect("join");
        assert!(result.is_ok());
        assert!(
            !ran.load(Ordering::SeqCst),
            "work must not run without the lease"
        );
        let text = String::from_utf8(crate::metrics::encode_text(&registry).expect("encode"))
            .expect("utf8");
        assert!(
            text.contains("leader_election_master_status{name=\"kube-scheduler\"} 0"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn token_fires_when_sender_flips_or_drops() {
        let (tx, rx) = watch::channel(true);
        let token = LeaderToken { leading: rx };
        assert!(token.is_leading());
        let waiter = {
            let token = token.clone();
            tokio::spawn(async move { token.lost().await })
        };
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(!waiter.is_finished());
        tx.send_replace(false);
        tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .expect("fired")
            .expect("join");
        assert!(!token.is_leading());
        drop(tx);
        tokio::time::timeout(Duration::from_secs(1), token.lost())
            .await
            .expect("still resolves");
    }
}
