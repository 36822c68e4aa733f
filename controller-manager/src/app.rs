//! Wiring: client, metrics and health server, leader election, and the enabled controllers
//! while this instance leads.

use std::sync::Arc;

use anyhow::{Context, Result, bail};
use common::leader_election::{LeaderElector, default_identity};
use common::pki::{CertificateAuthority, ServingCertSpec};
use common::shutdown::Shutdown;
use common::tls;
use tokio::net::TcpListener;

use crate::controllers::{self, ControllerContext};
use crate::informers::SharedInformers;
use crate::options::Options;
use crate::workqueue::WorkQueueMetrics;

/// The component name: the leader election lease and the self-signed certificate's name.
pub const COMPONENT: &str = "kube-controller-manager";

/// Runs the controller-manager until `shutdown`; `listener` serves health and metrics.
pub async fn run(options: Options, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    let descriptors = controllers::descriptors();
    controllers::validate(&descriptors, &options.controllers)?;
    let client = options
        .client
        .client()
        .await
        .context("building the API client")?;

    let registry = common::metrics::new_registry();
    let metrics = WorkQueueMetrics::register(&registry).context("registering metrics")?;
    let health = common::health::HealthChecks::new();
    let serving = tokio::spawn(common::serving::serve(
        listener,
        Arc::new(serving_tls(&options)?),
        common::serving::ServingState::new(health, registry.clone()),
        shutdown.clone(),
    ));

    let options = Arc::new(options);
    let run_controllers = {
        let client = client.clone();
        let options = options.clone();
        move |stop: Shutdown| {
            let client = client.clone();
            let options = options.clone();
            let metrics = metrics.clone();
            async move {
                if let Err(error) = run_controllers(client, options, metrics, stop).await {
                    tracing::error!(%error, "controllers failed");
                }
            }
        }
    };

    let result = if options.leader_election.leader_elect {
        let elector = LeaderElector::new(
            client,
            &options.leader_election.resource_namespace,
            options.leader_election.resource_name_or(COMPONENT),
            default_identity(),
            options.leader_election.config()?,
        )?
        .with_metrics(&registry)?;
        elector
            .run(shutdown.clone(), move |leading| {
                let run_controllers = run_controllers.clone();
                async move {
                    tracing::info!("became the leader; starting controllers");
                    let stop = Shutdown::new();
                    let trigger = stop.clone();
                    tokio::select! {
                        () = run_controllers(stop) => {}
                        () = leading.lost() => trigger.trigger(),
                    }
                }
            })
            .await
            .map_err(anyhow::Error::from)
    } else {
        run_controllers(shutdown.clone()).await;
        Ok(())
    };
    shutdown.trigger();
    serving.await??;
    result
}

/// Builds every enabled controller, starts the shared watches, and runs the controllers until
/// `stop`.
pub async fn run_controllers(
    client: kube::Client,
    options: Arc<Options>,
    metrics: WorkQueueMetrics,
    stop: Shutdown,
) -> Result<()> {
    let informers = SharedInformers::new(client.clone());
    let context = ControllerContext {
        client,
        informers: informers.clone(),
        metrics,
        options: options.clone(),
        stop: stop.clone(),
    };
    let mut running = Vec::new();
    for descriptor in controllers::descriptors() {
        if !controllers::is_enabled(&descriptor, &options.controllers) {
            tracing::info!(controller = descriptor.name, "not enabled");
            continue;
        }
        let future =
            (descriptor.init)(&context).with_context(|| format!("starting {}", descriptor.name))?;
        tracing::info!(controller = descriptor.name, "started");
        running.push(tokio::spawn(future));
    }
    let watches = informers.start();
    stop.wait().await;
    for controller in running {
        let _ = controller.await;
    }
    for watch in watches {
        watch.abort();
    }
    Ok(())
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
