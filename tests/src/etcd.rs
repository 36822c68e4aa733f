//! A real etcd server for a test: its own ports on 127.0.0.1, its own data dir, killed and
//! removed when the value drops (also when the test fails).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// Client TLS material for an etcd started with [`EtcdServer::start_tls`].
#[derive(Clone, Debug)]
pub struct EtcdTls {
    pub ca_file: PathBuf,
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

pub struct EtcdServer {
    child: Option<Child>,
    data_dir: tempfile::TempDir,
    client_port: u16,
    peer_port: u16,
    tls: Option<(EtcdTls, EtcdTls)>,
}

/// A port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl EtcdServer {
    /// Starts a plaintext etcd and waits until it accepts connections.
    pub fn start() -> Result<Self> {
        Self::launch(None)
    }

    /// Starts an etcd that serves clients over TLS and requires client certificates.
    /// `server` holds its serving certificate and the CA it trusts; `client` is what clients use.
    pub fn start_tls(server: EtcdTls, client: EtcdTls) -> Result<Self> {
        Self::launch(Some((server, client)))
    }

    fn launch(tls: Option<(EtcdTls, EtcdTls)>) -> Result<Self> {
        let mut server = EtcdServer {
            child: None,
            data_dir: tempfile::tempdir()?,
            client_port: free_port()?,
            peer_port: free_port()?,
            tls,
        };
        server.spawn()?;
        Ok(server)
    }

    fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }

    /// The client URL, e.g. `http://127.0.0.1:23790`.
    pub fn endpoint(&self) -> String {
        format!("{}://127.0.0.1:{}", self.scheme(), self.client_port)
    }

    /// What a client needs to connect over TLS, for a TLS server.
    pub fn client_tls(&self) -> Option<&EtcdTls> {
        self.tls.as_ref().map(|(_, client)| client)
    }

    pub fn data_dir(&self) -> &Path {
        self.data_dir.path()
    }

    fn spawn(&mut self) -> Result<()> {
        let client_url = self.endpoint();
        let peer_url = format!("http://127.0.0.1:{}", self.peer_port);
        let mut command = Command::new("etcd");
        command
            .arg("--name=default")
            .arg(format!(
                "--data-dir={}",
                self.data_dir.path().join("etcd").display()
            ))
            .arg(format!("--listen-client-urls={client_url}"))
            .arg(format!("--advertise-client-urls={client_url}"))
            .arg(format!("--listen-peer-urls={peer_url}"))
            .arg(format!("--initial-advertise-peer-urls={peer_url}"))
            .arg(format!("--initial-cluster=default={peer_url}"))
            .args(["--heartbeat-interval=10", "--election-timeout=100"])
            .arg("--log-level=error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some((server, _)) = &self.tls {
            command
                .arg(format!("--cert-file={}", server.cert_file.display()))
                .arg(format!("--key-file={}", server.key_file.display()))
                .arg(format!("--trusted-ca-file={}", server.ca_file.display()))
                .arg("--client-cert-auth");
        }
        let child = command
            .spawn()
            .context("cannot start etcd: install it (apt-get install etcd-server)")?;
        self.child = Some(child);
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + Duration::from_secs(20);
        let address = format!("127.0.0.1:{}", self.client_port);
        loop {
            if let Some(child) = self.child.as_mut()
                && let Some(status) = child.try_wait()?
            {
                bail!("etcd exited during start: {status}");
            }
            if std::net::TcpStream::connect(&address).is_ok() {
                // Accepting connections precedes leadership by a few heartbeats.
                std::thread::sleep(Duration::from_millis(150));
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("etcd did not listen on {address} within 20s");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Kills etcd with SIGKILL, as a crash would.
    pub fn kill9(&mut self) -> Result<()> {
        if let Some(mut child) = self.child.take() {
            child.kill()?;
            child.wait()?;
        }
        Ok(())
    }

    /// Starts etcd again on the same data dir and ports.
    pub fn restart(&mut self) -> Result<()> {
        self.kill9()?;
        self.spawn()
    }
}

impl Drop for EtcdServer {
    fn drop(&mut self) {
        let _ = self.kill9();
    }
}
