//! The wiring `main` calls: connect to the runtime and the API server, register the Node, and
//! start the pod sources, workers, PLEG, status manager, housekeeping and the servers.
//!
//! As upstream, stopping the kubelet leaves its containers running: a restarted kubelet adopts
//! them from CRI (they carry the pod UID and a hash of their spec in their labels) instead of
//! restarting them.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::{mpsc, watch};

use crate::cri::{RuntimeClient, v1};
use crate::node::{NodeAgent, NodeConfig};
use crate::object_cache::ObjectCache;
use crate::options::Config;
use crate::pod_manager::PodManager;
use crate::pod_workers::{PodWorkerDeps, PodWorkers};
use crate::probes::ProbeManager;
use crate::runtime::{KubeRuntime, RuntimeConfig};
use crate::status_manager::StatusManager;
use crate::volumes::VolumeManager;
use crate::{pleg, pod_sources};
use common::events::EventRecorder;
use common::shutdown::Shutdown;

/// How often orphaned pods (in CRI but in no source) are looked for (upstream's housekeeping).
const HOUSEKEEPING_PERIOD: Duration = Duration::from_secs(2);

/// Connects to the runtime, retrying until it answers (it may start after the kubelet).
async fn connect_runtime(
    config: &Config,
    shutdown: &Shutdown,
) -> anyhow::Result<(RuntimeClient, v1::VersionResponse)> {
    let endpoint = &config.kubelet.container_runtime_endpoint;
    let timeout = config.kubelet.runtime_request_timeout;
    let mut logged = false;
    loop {
        let attempt = async {
            let client = RuntimeClient::connect(endpoint, timeout).await?;
            let version = client.version(v1::VersionRequest::default()).await?;
            Ok::<_, crate::cri::Error>((client, version))
        };
        match attempt.await {
            Ok(connected) => return Ok(connected),
            Err(error @ crate::cri::Error::Endpoint { .. }) => return Err(error.into()),
            Err(error) if !logged => {
                tracing::warn!(%error, "waiting for the container runtime");
                logged = true;
            }
            Err(_) => {}
        }
        tokio::select! {
            _ = shutdown.wait() => anyhow::bail!("stopped while waiting for the container runtime"),
            _ = tokio::time::sleep(Duration::from_millis(500)) => {}
        }
    }
}

pub async fn run(config: Config, shutdown: Shutdown) -> anyhow::Result<()> {
    let registry = common::metrics::new_registry();
    let (cri, version) = connect_runtime(&config, &shutdown).await?;
    tracing::info!(
        runtime = %version.runtime_name,
        version = %version.runtime_version,
        api = %version.runtime_api_version,
        node = %config.node_name,
        "connected to the container runtime"
    );
    if let Some(dir) = &config.image_import_dir {
        if let Err(error) =
            crate::images::import_now(dir, &cri, &config.kubelet.container_runtime_endpoint).await
        {
            tracing::warn!(%error, dir = %dir.display(), "importing images at start");
        }
        tokio::spawn(crate::images::run_importer(
            dir.clone(),
            cri.clone(),
            config.kubelet.container_runtime_endpoint.clone(),
            shutdown.clone(),
        ));
    }

    let client = match &config.kubeconfig {
        Some(path) => Some(
            common::kubeconfig::KubeconfigOptions::from_path(path)
                .client()
                .await
                .with_context(|| format!("loading the kubeconfig {}", path.display()))?,
        ),
        None => {
            tracing::warn!("no --kubeconfig: running in standalone mode, static pods only");
            None
        }
    };
    let events = match &client {
        Some(client) => {
            EventRecorder::with_instance(client.clone(), "kubelet", Some(config.node_name.clone()))
        }
        None => EventRecorder::discard(),
    };

    let node_config = NodeConfig {
        name: config.node_name.clone(),
        node_ip: config.node_ip,
        labels: config.node_labels.clone(),
        taints: config.register_with_taints.clone(),
        provider_id: config.kubelet.provider_id.clone(),
        root_dir: config.root_dir.clone(),
        max_pods: config.kubelet.max_pods,
        kubelet_port: i32::from(config.kubelet.port),
        status_update_frequency: config.kubelet.node_status_update_frequency,
        status_report_frequency: config.kubelet.node_status_report_frequency,
        lease_duration_seconds: config.kubelet.node_lease_duration_seconds,
        eviction_hard: config.eviction_hard.clone(),
    };
    let offline_client = || {
        kube::Client::try_from(kube::Config::new(http::Uri::from_static(
            "https://127.0.0.1:1",
        )))
    };
    let api_client = match &client {
        Some(client) => client.clone(),
        None => offline_client().context("building an offline client")?,
    };
    let node_agent = NodeAgent::new(api_client.clone(), cri.clone(), node_config);
    let node_view = node_agent.view();
    if client.is_some() && config.kubelet.register_node {
        tokio::spawn(node_agent.run(shutdown.clone()));
    }

    let pods = PodManager::default();
    let (trigger, mut triggered) = mpsc::unbounded_channel::<String>();
    let objects = match &client {
        Some(_) => ObjectCache::new(api_client.clone(), trigger.clone()),
        None => ObjectCache::offline(api_client.clone(), trigger.clone()),
    };
    let probes = ProbeManager::new(cri.clone(), events.clone(), trigger.clone());
    probes.register_metrics(&registry)?;
    let volumes = VolumeManager::new(config.root_dir.clone(), objects.clone(), api_client.clone())
        .with_cluster_domain(config.kubelet.cluster_domain.clone());
    let runtime_config = RuntimeConfig {
        node_name: config.node_name.clone(),
        root_dir: config.root_dir.clone(),
        pod_logs_dir: config.kubelet.pod_logs_dir.clone(),
        cgroup_root: config.kubelet.cgroup_root.clone(),
        cluster_dns: config.kubelet.cluster_dns.clone(),
        cluster_domain: config.kubelet.cluster_domain.clone(),
        resolv_conf: config.kubelet.resolv_conf.clone(),
    };
    let runtime = KubeRuntime::new(cri.clone(), runtime_config, events.clone(), probes.clone());
    let status = StatusManager::new(client.clone(), pods.clone());
    tokio::spawn(status.clone().run(shutdown.clone()));
    let workers = PodWorkers::new(PodWorkerDeps {
        runtime: runtime.clone(),
        volumes,
        objects,
        probes,
        status,
        pods: pods.clone(),
        events,
        node: node_view.clone(),
        resync_interval: config.kubelet.sync_frequency,
    });

    // Resync requests from probes, ConfigMap/Secret changes and the PLEG.
    {
        let workers = workers.clone();
        let pods = pods.clone();
        tokio::spawn(async move {
            while let Some(uid) = triggered.recv().await {
                if pods.pod_by_uid(&uid).is_some() || workers.known().contains(&uid) {
                    workers.update(&uid);
                }
            }
        });
    }
    tokio::spawn(pleg::run(cri.clone(), trigger.clone(), shutdown.clone()));

    let (api_synced, api_synced_rx) = watch::channel(client.is_none());
    let api_synced = Arc::new(api_synced);
    if let Some(client) = &client {
        tokio::spawn(pod_sources::api::run(
            client.clone(),
            config.node_name.clone(),
            pods.clone(),
            workers.clone(),
            api_synced.clone(),
            shutdown.clone(),
        ));
        tokio::spawn(pod_sources::mirror_pods::run(
            client.clone(),
            config.node_name.clone(),
            pods.clone(),
            node_view.clone(),
            api_synced_rx.clone(),
            trigger.clone(),
            shutdown.clone(),
        ));
    }
    if let Some(dir) = &config.kubelet.static_pod_path {
        tokio::spawn(pod_sources::static_pods::run(
            dir.clone(),
            config.node_name.clone(),
            config.kubelet.file_check_frequency,
            pods.clone(),
            workers.clone(),
            shutdown.clone(),
        ));
    }
    tokio::spawn(housekeeping(
        runtime,
        pods.clone(),
        workers.clone(),
        api_synced_rx,
        shutdown.clone(),
    ));

    if config.kubelet.healthz_port != 0 {
        let address = SocketAddr::new(
            config.kubelet.healthz_bind_address,
            config.kubelet.healthz_port,
        );
        let listener = common::serving::listen(address)
            .with_context(|| format!("binding the healthz endpoint {address}"))?;
        tokio::spawn(serve_healthz(listener, shutdown.clone()));
    }
    start_server(&config, cri, pods, registry, node_view, &shutdown).await?;

    shutdown.wait().await;
    tracing::info!("kubelet stopping; containers keep running");
    Ok(())
}

/// The serving certificate: `tlsCertFile`/`tlsPrivateKeyFile`, else (as upstream) a
/// self-signed one for the hostname and node IP, kept in `<root-dir>/pki/kubelet.{crt,key}`.
fn serving_certificate(
    config: &Config,
    host_ip: Option<&str>,
) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
    if let (Some(cert), Some(key)) = (
        &config.kubelet.tls_cert_file,
        &config.kubelet.tls_private_key_file,
    ) {
        let read = |path: &std::path::Path| {
            std::fs::read(path).with_context(|| format!("reading {}", path.display()))
        };
        return Ok((read(cert)?, read(key)?));
    }
    let dir = config.root_dir.join("pki");
    let (cert_path, key_path) = (dir.join("kubelet.crt"), dir.join("kubelet.key"));
    if let (Ok(cert), Ok(key)) = (std::fs::read(&cert_path), std::fs::read(&key_path)) {
        return Ok((cert, key));
    }
    let authority = common::pki::CertificateAuthority::generate_named(&format!(
        "{}-ca@{}",
        config.node_name,
        jiff::Timestamp::now().as_second()
    ))?;
    let mut ips = vec![std::net::IpAddr::from([127, 0, 0, 1])];
    ips.extend(host_ip.and_then(|ip| ip.parse::<std::net::IpAddr>().ok()));
    let issued = authority.issue_serving(
        &common::pki::ServingCertSpec::new(format!(
            "{}@{}",
            config.node_name,
            jiff::Timestamp::now().as_second()
        ))
        .with_dns_names([config.node_name.clone()])
        .with_ip_addresses(ips),
    )?;
    let chain = format!("{}{}", issued.cert_pem, authority.cert_pem());
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    std::fs::write(&cert_path, &chain)?;
    std::fs::write(&key_path, &issued.key_pem)?;
    Ok((chain.into_bytes(), issued.key_pem.into_bytes()))
}

/// The kubelet server on `address:port` (10250): TLS, client certificates verified against
/// `authentication.x509.clientCAFile` (without one, every request is refused as unauthenticated).
async fn start_server(
    config: &Config,
    cri: RuntimeClient,
    pods: PodManager,
    registry: prometheus::Registry,
    node: watch::Receiver<crate::node::NodeView>,
    shutdown: &Shutdown,
) -> anyhow::Result<()> {
    use common::tls;
    let host_ip = node.borrow().host_ip.clone();
    let (cert, key) = serving_certificate(config, host_ip.as_deref())?;
    let client_ca = match &config.kubelet.authentication.x509.client_ca_file {
        Some(path) => Some(
            tls::read_certificates(path)
                .with_context(|| format!("reading the client CA {}", path.display()))?,
        ),
        None => {
            tracing::warn!("no clientCAFile: the kubelet server refuses every request");
            None
        }
    };
    let tls_config = tls::server_config(
        tls::parse_certificates(&cert)?,
        tls::parse_private_key(&key)?,
        Some(client_ca.as_deref().unwrap_or(&[])),
    )?;
    let address = SocketAddr::new(config.kubelet.address, config.kubelet.port);
    let listener = common::serving::listen(address)
        .with_context(|| format!("binding the kubelet server {address}"))?;
    let state = crate::server::ServerState::new(cri, pods, registry, config.node_name.clone());
    let shutdown = shutdown.clone();
    tokio::spawn(async move {
        if let Err(error) =
            crate::server::serve(listener, Arc::new(tls_config), state, shutdown).await
        {
            tracing::error!(%error, "the kubelet server stopped");
        }
    });
    Ok(())
}

/// Kills and removes pods CRI still has but no source knows, once the API source has synced
/// (so pods adopted after a restart are never mistaken for orphans).
async fn housekeeping(
    runtime: KubeRuntime,
    pods: PodManager,
    workers: PodWorkers,
    mut synced: watch::Receiver<bool>,
    shutdown: Shutdown,
) {
    if synced.wait_for(|synced| *synced).await.is_err() {
        return;
    }
    loop {
        match runtime.all_pods().await {
            Ok(running) => {
                let known: HashSet<String> = workers.known().into_iter().collect();
                for pod in running {
                    if pods.pod_by_uid(&pod.uid).is_none() && !known.contains(&pod.uid) {
                        tracing::info!(uid = %pod.uid, name = %pod.name, "cleaning up an orphaned pod");
                        workers.update(&pod.uid);
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "housekeeping: listing the runtime's pods failed"),
        }
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tokio::time::sleep(HOUSEKEEPING_PERIOD) => {}
        }
    }
}

/// The plain-HTTP `/healthz` on `healthzBindAddress:healthzPort` (127.0.0.1:10248).
async fn serve_healthz(listener: tokio::net::TcpListener, shutdown: Shutdown) {
    use http_body_util::Full;
    use hyper::service::service_fn;
    loop {
        let (stream, _) = tokio::select! {
            _ = shutdown.wait() => return,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
        };
        tokio::spawn(async move {
            let service = service_fn(|request: http::Request<hyper::body::Incoming>| async move {
                let (status, body) = if request.uri().path() == "/healthz" {
                    (http::StatusCode::OK, "ok")
                } else {
                    (http::StatusCode::NOT_FOUND, "404 page not found\n")
                };
                let mut response =
                    http::Response::new(Full::new(bytes::Bytes::from_static(body.as_bytes())));
                *response.status_mut() = status;
                Ok::<_, std::convert::Infallible>(response)
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
