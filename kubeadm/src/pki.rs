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
