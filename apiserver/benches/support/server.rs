//! The kube-apiserver binary as a child process, with a fresh PKI, and TLS + HTTP/2
//! connections to it as the cluster admin (the setup of `tests/src/apiserver.rs`, out of
//! process).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::pki::{CertificateAuthority, ClientCertSpec, ServingCertSpec};
use http::{Method, Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::client::conn::http2;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// A fresh cluster CA, the server's serving certificate and the admin's client identity.
pub struct Pki {
    dir: tempfile::TempDir,
    pub client: Arc<rustls::ClientConfig>,
}

impl Pki {
    pub fn generate() -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let ca = CertificateAuthority::generate().map_err(|e| e.to_string())?;
        let serving = ca
            .issue_serving(
                &ServingCertSpec::new("kube-apiserver")
                    .with_dns_names(["localhost"])
                    .with_ip_addresses([IpAddr::V4(Ipv4Addr::LOCALHOST)]),
            )
            .map_err(|e| e.to_string())?;
        let admin = ca
            .issue_client(&ClientCertSpec::new("kubernetes-admin", ["system:masters"]))
            .map_err(|e| e.to_string())?;
        for (name, pem) in [
            ("ca.crt", ca.cert_pem()),
            ("apiserver.crt", &serving.cert_pem),
            ("apiserver.key", &serving.key_pem),
        ] {
            std::fs::write(dir.path().join(name), pem).map_err(|e| format!("{name}: {e}"))?;
        }
        let pem = |text: &str| text.as_bytes().to_vec();
        let ca_certs = common::tls::parse_certificates(&pem(ca.cert_pem())).map_err(err)?;
        let identity = (
            common::tls::parse_certificates(&pem(&admin.cert_pem)).map_err(err)?,
            common::tls::parse_private_key(&pem(&admin.key_pem)).map_err(err)?,
        );
        let mut client = common::tls::client_config(&ca_certs, Some(identity)).map_err(err)?;
        client.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Pki {
            dir,
            client: Arc::new(client),
        })
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

pub fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// The kube-apiserver binary as a child: killed when this drops, also during a panic.
pub struct ApiServerProcess {
    child: Child,
    pub address: SocketAddr,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl ApiServerProcess {
    /// Starts the server on a fresh store: a new `--data-dir`, or `etcd_endpoint`.
    pub fn start(pki: &Pki, etcd_endpoint: Option<&str>) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let port = super::free_port()?;
        let log = dir.path().join("kube-apiserver.log");
        let log_file = std::fs::File::create(&log).map_err(|e| format!("log file: {e}"))?;
        let mut command = Command::new(env!("CARGO_BIN_EXE_kube-apiserver"));
        command
            .arg(format!(
                "--tls-cert-file={}",
                pki.file("apiserver.crt").display()
            ))
            .arg(format!(
                "--tls-private-key-file={}",
                pki.file("apiserver.key").display()
            ))
            .arg(format!("--client-ca-file={}", pki.file("ca.crt").display()))
            .arg(format!("--secure-port={port}"))
            .arg("--bind-address=127.0.0.1");
        match etcd_endpoint {
            Some(endpoint) => command.arg(format!("--etcd-servers={endpoint}")),
            None => command.arg(format!("--data-dir={}", dir.path().join("store").display())),
        };
        let child = command
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().map_err(err)?)
            .stderr(log_file)
            .spawn()
            .map_err(|e| format!("starting kube-apiserver: {e}"))?;
        Ok(ApiServerProcess {
            child,
            address: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
            log,
            _dir: dir,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until `/readyz` answers 200, and returns the connector that reached it.
    pub async fn wait_ready(&mut self, pki: &Pki) -> Result<Connector, String> {
        let connector = Connector {
            tls: TlsConnector::from(pki.client.clone()),
            address: self.address,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "kube-apiserver exited during start ({status}); its log:\n{}",
                    self.log_tail()
                ));
            }
            let ready = match connector.connect().await {
                Ok(conn) => conn
                    .call(Method::GET, "/readyz", None, Bytes::new())
                    .await
                    .map(|(status, _)| status == StatusCode::OK)
                    .unwrap_or(false),
                Err(_) => false,
            };
            if ready {
                return Ok(connector);
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "kube-apiserver not ready within 30s; its log:\n{}",
                    self.log_tail()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

impl Drop for ApiServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens TLS + HTTP/2 connections to the server as the admin.
#[derive(Clone)]
pub struct Connector {
    tls: TlsConnector,
    address: SocketAddr,
}

impl Connector {
    pub async fn connect(&self) -> Result<Conn, String> {
        let tcp = TcpStream::connect(self.address).await.map_err(err)?;
        tcp.set_nodelay(true).map_err(err)?;
        let tls = self
            .tls
            .connect(
                rustls_pki_types::ServerName::try_from("localhost").map_err(err)?,
                tcp,
            )
            .await
            .map_err(|e| format!("TLS: {e}"))?;
        let (sender, connection) = http2::Builder::new(TokioExecutor::new())
            .handshake(TokioIo::new(tls))
            .await
            .map_err(|e| format!("HTTP/2 handshake: {e}"))?;
        tokio::spawn(connection);
        Ok(Conn {
            sender,
            base: format!("https://{}", self.address),
        })
    }

    pub async fn connect_many(&self, count: usize) -> Vec<Conn> {
        let mut conns = Vec::with_capacity(count);
        for _ in 0..count {
            conns.push(
                self.connect()
                    .await
                    .unwrap_or_else(|e| panic!("connecting to the API server: {e}")),
            );
        }
        conns
    }
}

/// One HTTP/2 connection; clones multiplex streams on it.
#[derive(Clone)]
pub struct Conn {
    sender: http2::SendRequest<Full<Bytes>>,
    base: String,
}

impl Conn {
    /// Sends a request and returns the response with its body still streaming.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(header::HeaderName, &str)],
        body: Bytes,
    ) -> Result<http::Response<Incoming>, String> {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        let request = request.body(Full::new(body)).map_err(err)?;
        let mut sender = self.sender.clone();
        sender.ready().await.map_err(err)?;
        sender.send_request(request).await.map_err(err)
    }

    /// Sends a request and reads the whole answer.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Bytes,
    ) -> Result<(StatusCode, Bytes), String> {
        let headers: Vec<_> = content_type
            .map(|value| (header::CONTENT_TYPE, value))
            .into_iter()
            .collect();
        self.call_with(method, path, &headers, body).await
    }

    pub async fn call_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(header::HeaderName, &str)],
        body: Bytes,
    ) -> Result<(StatusCode, Bytes), String> {
        let response = self.send(method, path, headers, body).await?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(err)?;
        Ok((status, body.to_bytes()))
    }

    /// Sends a request that must answer `expected`; returns the body.
    pub async fn expect(
        &self,
        method: Method,
        path: &str,
        content_type: Option<&str>,
        body: Bytes,
        expected: StatusCode,
    ) -> Result<Bytes, String> {
        let (status, body) = self.call(method, path, content_type, body).await?;
        if status == expected {
            Ok(body)
        } else {
            Err(format!(
                "{status}: {}",
                String::from_utf8_lossy(&body[..body.len().min(300)])
            ))
        }
    }
}
