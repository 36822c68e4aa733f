//! Wiring: configuration, client, metrics and health server, leader election, and the
//! scheduler itself while this instance leads.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use common::kubeconfig::KubeconfigOptions;
use common::leader_election::{LeaderElector, default_identity};
use common::pki::{CertificateAuthority, ServingCertSpec};
use common::shutdown::Shutdown;
use common::tls;
use tokio::net::TcpListener;

use crate::config::KubeSchedulerConfiguration;
use crate::metrics::Metrics;
use crate::options::Options;
use crate::scheduler::Scheduler;

/// The component name: the leader election lease and the self-signed certificate's name.
pub const COMPONENT: &str = "kube-scheduler";

/// Runs the scheduler until `shutdown`; `listener` serves the health and metrics endpoints.
pub async fn run(options: Options, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    let file = match &options.config {
        Some(path) => KubeSchedulerConfiguration::read(&path.to_string_lossy())?,
        None => KubeSchedulerConfiguration::default(),
    };
    let config = file.build()?;
    let mut client_options = options.client.clone();
    if client_options.kubeconfig.is_none()
        && let Some(path) = &config.kubeconfig
    {
        client_options = KubeconfigOptions {
            kubeconfig: Some(path.into()),
            ..client_options
        };
    }
    let client = client_options
        .client()
        .await
        .context("building the API client")?;

    let registry = common::metrics::new_registry();
    let metrics = Metrics::register(&registry).context("registering metrics")?;
    let health = common::health::HealthChecks::new();
    let tls_config = serving_tls(&options)?;
    let serving = tokio::spawn(common::serving::serve(
        listener,
        Arc::new(tls_config),
        common::serving::ServingState::new(health, registry.clone()),
        shutdown.clone(),
    ));

    let identity = default_identity();
    let leader_elect = config
        .leader_elect
        .unwrap_or(options.leader_election.leader_elect);
    let scheduler = Scheduler::new(client.clone(), config, metrics, &identity);
    let result = if leader_elect {
        let elector = LeaderElector::new(
            client,
            &options.leader_election.resource_namespace,
            options.leader_election.resource_name_or(COMPONENT),
            identity,
            options.leader_election.config()?,
        )?
        .with_metrics(&registry)?;
        elector
            .run(shutdown.clone(), move |leading| {
                let scheduler = scheduler.clone();
                async move {
                    tracing::info!("became the leader; scheduling");
                    scheduler.run(async move { leading.lost().await }).await;
                }
            })
            .await
            .map_err(anyhow::Error::from)
    } else {
        let stop = shutdown.clone();
        scheduler.run(async move { stop.wait().await }).await;
        Ok(())
    };
    shutdown.trigger();
    serving.await??;
    result
}

fn serving_tls(options: &Options) -> Result<rustls::ServerConfig> {
    let (chain, key) = match (&options.tls_cert_file, &options.tls_private_key_file) {
        (Some(cert), Some(key)) => (
            tls::read_certificates(cert).context("--tls-cert-file")?,
            tls::read_private_key(key).context("--tls-private-key-file")?,
        ),
        (None, None) => {
            // Upstream generates a self-signed certificate when none is given.
            let ca = CertificateAuthority::generate_named(&format!("{COMPONENT}-ca"))?;
            let issued =
                ca.issue_serving(&ServingCertSpec::new(COMPONENT).with_dns_names(["localhost"]))?;
            (
                tls::parse_certificates(issued.cert_pem.as_bytes())?,
                tls::parse_private_key(issued.key_pem.as_bytes())?,
            )
        }
        _ => bail!("--tls-cert-file and --tls-private-key-file must be given together"),
    };
    Ok(tls::server_config(chain, key, None)?)
}
