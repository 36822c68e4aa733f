//! Wiring: storage, registry, authentication, health checks, compaction and the HTTPS server.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use common::pki::{CertificateAuthority, ServingCertSpec};
use common::shutdown::Shutdown;
use common::tls;
use tokio::net::TcpListener;

use crate::auth::authn::Authenticator;
use crate::auth::authz::AlwaysAllow;
use crate::endpoints::kubelet_proxy::KubeletClient;
use crate::endpoints::limits::RequestLimits;
use crate::endpoints::metrics::RequestMetrics;
use crate::endpoints::server::ApiServer;
use crate::endpoints::{openapi, openapi_catalog};
use crate::options::Options;
use crate::registry::Registry;
use crate::registry::core::service::ServiceRanges;
use crate::storage::cacher::CacheMetrics;
use crate::storage::compactor;

/// Runs the API server on an already bound listener until `shutdown`.
pub async fn run(options: Options, listener: TcpListener, shutdown: Shutdown) -> Result<()> {
    if options.authorization_mode != "AlwaysAllow" {
        bail!(
            "--authorization-mode={}: only AlwaysAllow is implemented so far",
            options.authorization_mode
        );
    }
    let storage = options
        .storage
        .backend()
        .open()
        .await
        .context("opening storage")?;
    let ranges = ServiceRanges::parse(
        &options.service_cluster_ip_range,
        &options.service_node_port_range,
    )
    .map_err(anyhow::Error::msg)?;
    let metrics = common::metrics::new_registry();
    let watch_cache = if options.watch_cache {
        Some(CacheMetrics::register(&metrics).context("registering metrics")?)
    } else {
        None
    };
    let registry = Arc::new(Registry::new(storage.clone(), ranges, watch_cache));
    registry
        .ensure_system_namespaces()
        .await
        .map_err(|e| anyhow::anyhow!("creating the system namespaces: {e}"))?;
    registry
        .ensure_system_priority_classes()
        .await
        .map_err(|e| anyhow::anyhow!("creating the system priority classes: {e}"))?;

    let mut authenticator = Authenticator::new(options.anonymous_auth);
    if let Some(path) = &options.token_auth_file {
        authenticator = authenticator.with_token_file(path)?;
    }

    let mut health = common::health::HealthChecks::new();
    let check_storage = storage.clone();
    health
        .add_readyz_check("etcd", move || {
            let storage = check_storage.clone();
            async move { storage.check_health().await.map_err(Into::into) }
        })
        .context("health checks")?;

    let local = listener.local_addr()?;
    let advertise = options
        .advertise_address
        .unwrap_or(if local.ip().is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            local.ip()
        });
    registry
        .ensure_kubernetes_service(advertise, local.port())
        .await
        .map_err(|e| anyhow::anyhow!("creating the kubernetes Service: {e}"))?;
    let tls_config = server_tls(&options, advertise)?;
    let request_metrics = RequestMetrics::register(&metrics).context("registering metrics")?;
    let server = ApiServer {
        registry: registry.clone(),
        authenticator,
        authorizer: Box::new(AlwaysAllow),
        health,
        metrics,
        request_metrics,
        shutdown: shutdown.clone(),
        advertise_address: SocketAddr::new(advertise, local.port()).to_string(),
        limits: RequestLimits::new(
            options.max_requests_inflight,
            options.max_mutating_requests_inflight,
            options.request_timeout,
        ),
        kubelet: kubelet_client(&options)?,
    };
    // The OpenAPI documents take a moment to build: do it now, off the request path.
    openapi::install(openapi_catalog::catalog);
    tokio::task::spawn_blocking(|| {
        openapi::documents();
    });
    let definitions = tokio::spawn(crate::apiextensions::controller::run(
        registry.clone(),
        shutdown.clone(),
    ));
    let compaction = tokio::spawn({
        let shutdown = shutdown.clone();
        let storage = storage.clone();
        let interval = options.storage.etcd_compaction_interval;
        async move { compactor::run(storage, interval, async move { shutdown.wait().await }).await }
    });
    common::serving::serve_with(listener, Arc::new(tls_config), Arc::new(server), shutdown).await?;
    compaction.abort();
    definitions.abort();
    Ok(())
}

/// The client of kubelets: `--kubelet-client-certificate`/`--kubelet-client-key` and
/// `--kubelet-certificate-authority`.
fn kubelet_client(options: &Options) -> Result<KubeletClient> {
    let identity = match (
        &options.kubelet_client_certificate,
        &options.kubelet_client_key,
    ) {
        (Some(cert), Some(key)) => Some((
            tls::read_certificates(cert).context("--kubelet-client-certificate")?,
            tls::read_private_key(key).context("--kubelet-client-key")?,
        )),
        (None, None) => None,
        _ => bail!("--kubelet-client-certificate and --kubelet-client-key must be given together"),
    };
    let ca = match &options.kubelet_certificate_authority {
        Some(path) => {
            Some(tls::read_certificates(path).context("--kubelet-certificate-authority")?)
        }
        None => None,
    };
    Ok(KubeletClient::new(identity, ca.as_deref())?)
}

/// The serving certificate: the given files, or a self-signed one under --cert-dir.
fn server_tls(options: &Options, advertise: IpAddr) -> Result<rustls::ServerConfig> {
    let client_ca = match &options.client_ca_file {
        Some(path) => Some(tls::read_certificates(path).context("--client-ca-file")?),
        None => None,
    };
    let (chain, key) = match (&options.tls_cert_file, &options.tls_private_key_file) {
        (Some(cert), Some(key)) => (
            tls::read_certificates(cert).context("--tls-cert-file")?,
            tls::read_private_key(key).context("--tls-private-key-file")?,
        ),
        (None, None) => self_signed(&options.cert_dir, advertise)?,
        _ => bail!("--tls-cert-file and --tls-private-key-file must be given together"),
    };
    Ok(tls::server_config(chain, key, client_ca.as_deref())?)
}

fn self_signed(
    dir: &Path,
    advertise: IpAddr,
) -> Result<(
    Vec<rustls_pki_types::CertificateDer<'static>>,
    rustls_pki_types::PrivateKeyDer<'static>,
)> {
    let ca = CertificateAuthority::generate_named("localhost-ca")?;
    let issued = ca.issue_serving(
        &ServingCertSpec::new("localhost")
            .with_dns_names(["localhost", "kubernetes", "kubernetes.default"])
            .with_ip_addresses([advertise, IpAddr::V4(Ipv4Addr::LOCALHOST)]),
    )?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(dir.join("apiserver.crt"), &issued.cert_pem)?;
    std::fs::write(dir.join("apiserver.key"), &issued.key_pem)?;
    Ok((
        tls::parse_certificates(issued.cert_pem.as_bytes())?,
        tls::parse_private_key(issued.key_pem.as_bytes())?,
    ))
}
