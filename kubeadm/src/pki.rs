//! The cluster's certificates, generated once and reused on later runs.

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use common::kubeconfig::{Credentials, KubeconfigSpec};
use common::pki::{CertificateAuthority, ClientCertSpec, ServingCertSpec};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("PKI: {0}")]
    Pki(#[from] common::pki::Error),
    #[error("kubeconfig: {0}")]
    Kubeconfig(#[from] common::kubeconfig::Error),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where the files of a cluster live under its data dir.
#[derive(Clone, Debug)]
pub struct ClusterFiles {
    pub dir: PathBuf,
}

impl ClusterFiles {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        ClusterFiles { dir: dir.into() }
    }
    pub fn pki(&self, name: &str) -> PathBuf {
        self.dir.join("pki").join(name)
    }
    pub fn admin_conf(&self) -> PathBuf {
        self.dir.join("admin.conf")
    }
    pub fn scheduler_conf(&self) -> PathBuf {
        self.dir.join("scheduler.conf")
    }
    pub fn controller_manager_conf(&self) -> PathBuf {
        self.dir.join("controller-manager.conf")
    }
    /// The kubeconfig of the kubelet on `node` (`kubelet.conf` in kubeadm's layout; one per
    /// node here, since `kubeadm up` may run several on one machine).
    pub fn kubelet_conf(&self, node: &str) -> PathBuf {
        self.dir.join(format!("kubelet-{node}.conf"))
    }
    /// The serving certificate and key of the kubelet on `node`.
    pub fn kubelet_serving(&self, node: &str) -> (PathBuf, PathBuf) {
        (
            self.pki(&format!("kubelet-{node}.crt")),
            self.pki(&format!("kubelet-{node}.key")),
        )
    }
}

fn write(path: &Path, contents: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| Error::Io {
            path: parent.to_owned(),
            source,
        })?;
    }
    std::fs::write(path, contents).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })
}

fn read(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Loads the cluster CA, or creates it on first use.
pub fn certificate_authority(files: &ClusterFiles) -> Result<CertificateAuthority> {
    if let (Some(cert), Some(key)) = (read(&files.pki("ca.crt")), read(&files.pki("ca.key"))) {
        return Ok(CertificateAuthority::from_pem(&cert, &key)?);
    }
    let ca = CertificateAuthority::generate()?;
    write(&files.pki("ca.crt"), ca.cert_pem())?;
    write(&files.pki("ca.key"), &ca.key_pem())?;
    Ok(ca)
}

/// Writes the API server's serving certificate for `addresses` (always rewritten, so new
/// addresses take effect).
pub fn apiserver_certificate(
    files: &ClusterFiles,
    ca: &CertificateAuthority,
    addresses: &[IpAddr],
) -> Result<()> {
    let issued = ca.issue_serving(
        &ServingCertSpec::new("kube-apiserver")
            .with_dns_names([
                "localhost",
                "kubernetes",
                "kubernetes.default",
                "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local",
            ])
            .with_ip_addresses(addresses.iter().copied()),
    )?;
    write(&files.pki("apiserver.crt"), &issued.cert_pem)?;
    write(&files.pki("apiserver.key"), &issued.key_pem)?;
    Ok(())
}

/// Writes a kubeconfig for `user` in `groups`, with a client certificate from the cluster CA.
pub fn client_kubeconfig(
    path: &Path,
    ca: &CertificateAuthority,
    server: &str,
    user: &str,
    groups: &[&str],
) -> Result<()> {
    let issued = ca.issue_client(&ClientCertSpec::new(user, groups.iter().copied()))?;
    let spec = KubeconfigSpec {
        cluster_name: "kubernetes".into(),
        server: server.into(),
        ca_pem: ca.cert_pem().to_owned(),
        user_name: user.into(),
        credentials: Credentials::ClientCertificate {
            cert_pem: issued.cert_pem,
            key_pem: issued.key_pem,
        },
    };
    common::kubeconfig::write(path, &spec.build()?)?;
    Ok(())
}

/// User name of the API server's client certificate for kubelets (kubeadm's
/// `apiserver-kubelet-client`).
pub const APISERVER_KUBELET_CLIENT_USER: &str = "kube-apiserver-kubelet-client";

/// Writes `apiserver-kubelet-client.crt`/`.key` (CN `kube-apiserver-kubelet-client`, O
/// `system:masters`), the identity the API server presents to kubelets
/// (`--kubelet-client-certificate`/`--kubelet-client-key`). Reused when present.
pub fn apiserver_kubelet_client_certificate(
    files: &ClusterFiles,
    ca: &CertificateAuthority,
) -> Result<()> {
    let (cert, key) = (
        files.pki("apiserver-kubelet-client.crt"),
        files.pki("apiserver-kubelet-client.key"),
    );
    if read(&cert).is_some() && read(&key).is_some() {
        return Ok(());
    }
    let issued = ca.issue_client(&ClientCertSpec::new(
        APISERVER_KUBELET_CLIENT_USER,
        ["system:masters"],
    ))?;
    write(&cert, &issued.cert_pem)?;
    write(&key, &issued.key_pem)?;
    Ok(())
}

/// Writes the serving certificate of the kubelet on `node` (CN `system:node:<node>`, SANs:
/// the node's IPs, its hostname and 127.0.0.1), issued by the cluster CA, and returns the
/// certificate and key paths. Always rewritten, so new addresses take effect.
pub fn kubelet_serving_certificate(
    files: &ClusterFiles,
    ca: &CertificateAuthority,
    node: &str,
    hostname: &str,
    addresses: &[IpAddr],
) -> Result<(PathBuf, PathBuf)> {
    let mut ips: Vec<IpAddr> = addresses.to_vec();
    let loopback = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
    if !ips.contains(&loopback) {
        ips.push(loopback);
    }
    let mut names = vec![hostname.to_owned()];
    if node != hostname {
        names.push(node.to_owned());
    }
    let issued = ca.issue_serving(
        &ServingCertSpec::new(format!("system:node:{node}"))
            .with_dns_names(names)
            .with_ip_addresses(ips),
    )?;
    let (cert, key) = files.kubelet_serving(node);
    write(&cert, &issued.cert_pem)?;
    write(&key, &issued.key_pem)?;
    Ok((cert, key))
}

/// Writes the kubeconfig of the kubelet on `node` (CN `system:node:<node>`, O
/// `system:nodes`) and returns its path.
pub fn kubelet_kubeconfig(
    files: &ClusterFiles,
    ca: &CertificateAuthority,
    server: &str,
    node: &str,
) -> Result<PathBuf> {
    let path = files.kubelet_conf(node);
    client_kubeconfig(
        &path,
        ca,
        server,
        &format!("system:node:{node}"),
        &["system:nodes"],
    )?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(pem: &str) -> String {
        let der = common::tls::parse_certificates(pem.as_bytes()).expect("pem");
        let (_, cert) = x509_parser::parse_x509_certificate(der[0].as_ref()).expect("x509");
        cert.subject().to_string()
    }

    #[test]
    fn kubelet_certificates() {
        let dir = tempfile::tempdir().expect("dir");
        let files = ClusterFiles::new(dir.path());
        let ca = certificate_authority(&files).expect("ca");
        apiserver_kubelet_client_certificate(&files, &ca).expect("client");
        let client =
            std::fs::read_to_string(files.pki("apiserver-kubelet-client.crt")).expect("crt");
        let s = subject(&client);
        assert!(s.contains("CN=kube-apiserver-kubelet-client"), "{s}");
        assert!(s.contains("O=system:masters"), "{s}");
        // Reused on the next run.
        apiserver_kubelet_client_certificate(&files, &ca).expect("again");
        assert_eq!(
            std::fs::read_to_string(files.pki("apiserver-kubelet-client.crt")).expect("crt"),
            client
        );
        let ip: IpAddr = "10.1.2.3".parse().expect("ip");
        let (cert, _) =
            kubelet_serving_certificate(&files, &ca, "node-a", "host-a", &[ip]).expect("serving");
        let pem = std::fs::read_to_string(cert).expect("crt");
        assert!(subject(&pem).contains("CN=system:node:node-a"));
        let conf = kubelet_kubeconfig(&files, &ca, "https://127.0.0.1:6443", "node-a")
            .expect("kubeconfig");
        assert!(conf.exists());
    }
}
