//! A real kube-apiserver for a test, in-process on `127.0.0.1:0`, over TLS with a fresh PKI
//! and the embedded store in a temporary folder (or a private etcd); clients authenticate with an admin client
//! certificate, as `kubeadm up` sets it up.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;
use common::kubeconfig::{Credentials, KubeconfigOptions, KubeconfigSpec};
use common::pki::{CertificateAuthority, ClientCertSpec, ServingCertSpec};
use common::shutdown::Shutdown;

use crate::etcd::EtcdServer;

pub struct TestApiServer {
    pub address: SocketAddr,
    pub kubeconfig: PathBuf,
    pub ca_pem: String,
    options: apiserver::options::Options,
    shutdown: Shutdown,
    server: Option<tokio::task::JoinHandle<Result<()>>>,
    /// The private etcd of [`TestApiServer::start_on_etcd`]; dropped after the server.
    _etcd: Option<EtcdServer>,
    _dir: tempfile::TempDir,
}

impl TestApiServer {
    /// Starts the API server on the embedded store and waits until it answers.
    pub async fn start() -> Result<Self> {
        Self::start_with(None).await
    }

    /// Starts the API server on a private etcd of its own (the keys of two API servers must
    /// not meet in one etcd) and waits until it answers.
    pub async fn start_on_etcd() -> Result<Self> {
        Self::start_with(Some(EtcdServer::start()?)).await
    }

    async fn start_with(etcd: Option<EtcdServer>) -> Result<Self> {
        let dir = tempfile::tempdir()?;
        let path = |name: &str| dir.path().join(name);
        let ca = CertificateAuthority::generate()?;
        let serving = ca.issue_serving(
            &ServingCertSpec::new("kube-apiserver")
                .with_dns_names(["localhost"])
                .with_ip_addresses([IpAddr::V4(Ipv4Addr::LOCALHOST)]),
        )?;
        std::fs::write(path("ca.crt"), ca.cert_pem())?;
        std::fs::write(path("apiserver.crt"), &serving.cert_pem)?;
        std::fs::write(path("apiserver.key"), &serving.key_pem)?;

        let listener = common::serving::listen(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))?;
        let address = listener.local_addr()?;
        let options = apiserver::options::Options::try_parse_from([
            "kube-apiserver".to_owned(),
            format!("--tls-cert-file={}", path("apiserver.crt").display()),
            format!("--tls-private-key-file={}", path("apiserver.key").display()),
            format!("--client-ca-file={}", path("ca.crt").display()),
            match &etcd {
                Some(etcd) => format!("--etcd-servers={}", etcd.endpoint()),
                None => format!("--data-dir={}", path("store").display()),
            },
            format!("--secure-port={}", address.port()),
            "--bind-address=127.0.0.1".to_owned(),
        ])?;
        let shutdown = Shutdown::new();
        let server = tokio::spawn(apiserver::app::run(
            options.clone(),
            listener,
            shutdown.clone(),
        ));

        let admin =
            ca.issue_client(&ClientCertSpec::new("kubernetes-admin", ["system:masters"]))?;
        let kubeconfig = path("admin.conf");
        let spec = KubeconfigSpec {
            cluster_name: "kubernetes".into(),
            server: format!("https://{address}"),
            ca_pem: ca.cert_pem().to_owned(),
            user_name: "kubernetes-admin".into(),
            credentials: Credentials::ClientCertificate {
                cert_pem: admin.cert_pem,
                key_pem: admin.key_pem,
            },
        };
        common::kubeconfig::write(&kubeconfig, &spec.build()?)?;
        let mut test = TestApiServer {
            address,
            kubeconfig,
            ca_pem: ca.cert_pem().to_owned(),
            options,
            shutdown,
            server: Some(server),
            _etcd: etcd,
            _dir: dir,
        };
        test.wait_ready().await?;
        Ok(test)
    }

    async fn wait_ready(&mut self) -> Result<()> {
        let client = self.client().await?;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if self.server.as_ref().is_some_and(|s| s.is_finished()) {
                if let Some(server) = self.server.take() {
                    server.await??;
                }
                anyhow::bail!("the API server stopped during start");
            }
            match client.apiserver_version().await {
                Ok(_) => return Ok(()),
                Err(e) if tokio::time::Instant::now() > deadline => {
                    anyhow::bail!("the API server did not answer within 20s: {e}")
                }
                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(50)).await,
            }
        }
    }

    /// A kube-rs client authenticated as the cluster admin.
    pub async fn client(&self) -> Result<kube::Client> {
        Ok(KubeconfigOptions::from_path(&self.kubeconfig)
            .client()
            .await?)
    }

    /// Stops the server (as SIGTERM would) and starts it again on the same port and store.
    pub async fn restart(&mut self) -> Result<()> {
        self.shutdown.trigger();
        if let Some(server) = self.server.take() {
            server.await??;
        }
        let listener = common::serving::listen(self.address)?;
        self.shutdown = Shutdown::new();
        self.server = Some(tokio::spawn(apiserver::app::run(
            self.options.clone(),
            listener,
            self.shutdown.clone(),
        )));
        self.wait_ready().await
    }

    /// Stops the server and waits for it.
    pub async fn stop(mut self) -> Result<()> {
        self.shutdown.trigger();
        if let Some(server) = self.server.take() {
            server.await??;
        }
        Ok(())
    }
}

impl Drop for TestApiServer {
    fn drop(&mut self) {
        self.shutdown.trigger();
    }
}
