//! Kubeconfig files: the `--kubeconfig` / `--master` flag group, building a [`kube::Client`]
//! from them, and writing kubeconfig files the way kubeadm does.
//!
//! Loading follows client-go's `BuildConfigFromFlags`: with `--kubeconfig`, that file (its
//! current context, cluster CA, client certificate/key or token) is used and `--master`
//! overrides its server; with neither flag, the in-cluster service-account configuration is
//! used; with only `--master`, a bare configuration pointing there.

use std::{
    io::Write as _,
    path::{Path, PathBuf},
};

use base64::Engine as _;
use clap::Args;
use kube::config::{
    Cluster, Context, KubeConfigOptions, Kubeconfig, NamedAuthInfo, NamedCluster, NamedContext,
};

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The kubeconfig could not be read or interpreted.
    #[error("kubeconfig: {0}")]
    Kubeconfig(#[from] kube::config::KubeconfigError),
    /// The in-cluster configuration is unavailable.
    #[error("in-cluster config: {0}")]
    InCluster(#[from] kube::config::InClusterError),
    /// `--master` is not a URL.
    #[error("invalid --master {url:?}: {source}")]
    Master {
        /// The flag value.
        url: String,
        /// The parse error.
        #[source]
        source: http::uri::InvalidUri,
    },
    /// The client could not be built (TLS setup, ...).
    #[error("building client: {0}")]
    Client(#[from] kube::Error),
    /// The kubeconfig could not be serialised.
    #[error("serialising kubeconfig: {0}")]
    Serialize(String),
    /// The kubeconfig file could not be written.
    #[error("writing {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Client flags of every daemon talking to the API server.
#[derive(Args, Clone, Debug, Default, PartialEq, Eq)]
pub struct KubeconfigOptions {
    /// Path to kubeconfig file with authorization and master location information.
    #[arg(long = "kubeconfig", value_name = "PATH")]
    pub kubeconfig: Option<PathBuf>,
    /// The address of the Kubernetes API server (overrides any value in kubeconfig).
    #[arg(long = "master", value_name = "URL")]
    pub master: Option<String>,
}

impl KubeconfigOptions {
    /// Options pointing at one kubeconfig file.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        Self {
            kubeconfig: Some(path.into()),
            master: None,
        }
    }

    /// The client configuration these flags select.
    pub async fn config(&self) -> Result<kube::Config> {
        let mut config = match (&self.kubeconfig, &self.master) {
            (Some(path), _) => {
                let file = Kubeconfig::read_from(path)?;
                kube::Config::from_custom_kubeconfig(file, &KubeConfigOptions::default()).await?
            }
            (None, None) => {
                tracing::warn!(
                    "neither --kubeconfig nor --master was specified, using the in-cluster config"
                );
                kube::Config::incluster()?
            }
            (None, Some(_)) => kube::Config::new(http::Uri::default()),
        };
        if let Some(master) = &self.master {
            config.cluster_url = master.parse().map_err(|source| Error::Master {
                url: master.clone(),
                source,
            })?;
        }
        Ok(config)
    }

    /// A client for the configuration these flags select, over HTTP/2 when the server
    /// offers it ([`crate::api_client`]).
    pub async fn client(&self) -> Result<kube::Client> {
        Ok(crate::api_client::client(self.config().await?)?)
    }
}

/// How the user of a written kubeconfig authenticates.
#[derive(Clone, Debug)]
pub enum Credentials {
    /// A client certificate and its key, PEM (written base64-encoded as `*-data`).
    ClientCertificate {
        /// Certificate PEM.
        cert_pem: String,
        /// Private key PEM.
        key_pem: String,
    },
    /// A bearer token.
    Token(String),
}

/// Everything a single-cluster, single-user kubeconfig holds.
#[derive(Clone, Debug)]
pub struct KubeconfigSpec {
    /// Cluster name (kubeadm: `kubernetes`).
    pub cluster_name: String,
    /// API server URL, e.g. `https://10.0.0.1:6443`.
    pub server: String,
    /// CA bundle PEM the server certificate chains to.
    pub ca_pem: String,
    /// User name (kubeadm: `kubernetes-admin`, `system:kube-scheduler`, ...).
    pub user_name: String,
    /// The user's credentials.
    pub credentials: Credentials,
}

impl KubeconfigSpec {
    /// The context name, `<user>@<cluster>` as kubeadm names it.
    pub fn context_name(&self) -> String {
        format!("{}@{}", self.user_name, self.cluster_name)
    }

    /// The kubeconfig document: one cluster, one user, one context made current.
    pub fn build(&self) -> Result<Kubeconfig> {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s.as_bytes());
        // The secret fields are `SecretString`s; going through serde avoids naming that type.
        let user = match &self.credentials {
            Credentials::ClientCertificate { cert_pem, key_pem } => serde_json::json!({
                "client-certificate-data": b64(cert_pem),
                "client-key-data": b64(key_pem),
            }),
            Credentials::Token(token) => serde_json::json!({ "token": token }),
        };
        let auth_info =
            serde_json::from_value(user).map_err(|e| Error::Serialize(e.to_string()))?;
        let context_name = self.context_name();
        Ok(Kubeconfig {
            api_version: Some("v1".to_owned()),
            kind: Some("Config".to_owned()),
            clusters: vec![NamedCluster {
                name: self.cluster_name.clone(),
                cluster: Some(Cluster {
                    server: Some(self.server.clone()),
                    certificate_authority_data: Some(b64(&self.ca_pem)),
                    ..Cluster::default()
                }),
                ..NamedCluster::default()
            }],
            auth_infos: vec![NamedAuthInfo {
                name: self.user_name.clone(),
                auth_info: Some(auth_info),
                ..NamedAuthInfo::default()
            }],
            contexts: vec![NamedContext {
                name: context_name.clone(),
                context: Some(Context {
                    cluster: self.cluster_name.clone(),
                    user: Some(self.user_name.clone()),
                    ..Context::default()
                }),
                ..NamedContext::default()
            }],
            current_context: Some(context_name),
            ..Kubeconfig::default()
        })
    }
}

/// Serialise a kubeconfig as YAML.
pub fn to_yaml(config: &Kubeconfig) -> Result<String> {
    serde_saphyr::to_string(config).map_err(|e| Error::Serialize(e.to_string()))
}

/// Write `config` as YAML to `path`, readable by the owner only (0600, as kubeadm), replacing
/// any existing file atomically.
pub fn write(path: impl AsRef<Path>, config: &Kubeconfig) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let path = path.as_ref();
    let yaml = to_yaml(config)?;
    let write_err = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(write_err)?;
    file.write_all(yaml.as_bytes()).map_err(write_err)?;
    file.sync_all().map_err(write_err)?;
    drop(file);
    std::fs::rename(&tmp, path).map_err(write_err)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use secrecy_free::expose;

    use super::*;
    use crate::{
        health::HealthChecks,
        pki::{CertificateAuthority, ClientCertSpec},
        serving::{ServingState, serve},
        shutdown::Shutdown,
        tls,
    };

    /// Reads a secret field back through serde, so the tests need not depend on `secrecy`.
    mod secrecy_free {
        pub fn expose(auth: &kube::config::AuthInfo, field: &str) -> Option<String> {
            // AuthInfo serialises its secrets in clear (that is how kubeconfigs are written).
            let value = serde_json::to_value(auth).ok()?;
            value.get(field)?.as_str().map(str::to_owned)
        }
    }

    fn spec(ca: &CertificateAuthority, server: String) -> (KubeconfigSpec, String, String) {
        let client = ca
            .issue_client(&ClientCertSpec::new(
                "kubernetes-admin",
                ["kubeadm:cluster-admins"],
            ))
            .expect("client cert");
        let spec = KubeconfigSpec {
            cluster_name: "kubernetes".to_owned(),
            server,
            ca_pem: ca.cert_pem().to_owned(),
            user_name: "kubernetes-admin".to_owned(),
            credentials: Credentials::ClientCertificate {
                cert_pem: client.cert_pem.clone(),
                key_pem: client.key_pem.clone(),
            },
        };
        (spec, client.cert_pem, client.key_pem)
    }

    #[tokio::test]
    async fn written_file_loads_back_with_kube() {
        let ca = CertificateAuthority::generate().expect("ca");
        let (spec, cert_pem, key_pem) = spec(&ca, "https://10.0.0.1:6443".to_owned());
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("admin.conf");
        write(&path, &spec.build().expect("build")).expect("write");

        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(
            text.contains("current-context: kubernetes-admin@kubernetes"),
            "{text}"
        );
        assert!(text.contains("kind: Config"), "{text}");

        let loaded = Kubeconfig::read_from(&path).expect("kube reads it");
        assert_eq!(
            loaded.current_context.as_deref(),
            Some("kubernetes-admin@kubernetes")
        );
        let cluster = loaded.clusters[0].cluster.as_ref().expect("cluster");
        assert_eq!(cluster.server.as_deref(), Some("https://10.0.0.1:6443"));
        let engine = base64::engine::general_purpose::STANDARD;
        let ca_data = engine
            .decode(
                cluster
                    .certificate_authority_data
                    .as_deref()
                    .expect("ca data"),
            )
            .expect("b64");
        assert_eq!(ca_data, ca.cert_pem().as_bytes());
        let auth = loaded.auth_infos[0].auth_info.as_ref().expect("user");
        let cert = engine
            .decode(auth.client_certificate_data.as_deref().expect("cert data"))
            .expect("b64");
        assert_eq!(cert, cert_pem.as_bytes());
        let key = engine
            .decode(expose(auth, "client-key-data").expect("key data"))
            .expect("b64");
        assert_eq!(key, key_pem.as_bytes());

        let config = KubeconfigOptions::from_path(&path)
            .config()
            .await
            .expect("config");
        assert_eq!(config.cluster_url.to_string(), "https://10.0.0.1:6443/");
        assert_eq!(config.root_cert.as_ref().map(Vec::len), Some(1));
        let overridden = KubeconfigOptions {
            kubeconfig: Some(path.clone()),
            master: Some("https://127.0.0.1:7443".to_owned()),
        };
        let config = overridden.config().await.expect("config");
        assert_eq!(config.cluster_url.to_string(), "https://127.0.0.1:7443/");
    }

    #[tokio::test]
    async fn token_credentials_round_trip() {
        let ca = CertificateAuthority::generate().expect("ca");
        let (mut spec, _, _) = spec(&ca, "https://h:6443".to_owned());
        spec.credentials = Credentials::Token("abc.def".to_owned());
        let yaml = to_yaml(&spec.build().expect("build")).expect("yaml");
        let loaded = Kubeconfig::from_yaml(&yaml).expect("parse");
        let auth = loaded.auth_infos[0].auth_info.as_ref().expect("user");
        assert_eq!(expose(auth, "token").as_deref(), Some("abc.def"));
        assert!(auth.client_certificate_data.is_none());
    }

    #[tokio::test]
    async fn missing_file_and_bad_master_are_errors() {
        let missing = KubeconfigOptions::from_path("/nonexistent/kubeconfig");
        assert!(matches!(missing.config().await, Err(Error::Kubeconfig(_))));
        let bad = KubeconfigOptions {
            kubeconfig: None,
            master: Some("http://[::1".to_owned()),
        };
        assert!(matches!(bad.config().await, Err(Error::Master { .. })));
    }

    /// The client built from a written kubeconfig talks TLS to our own server: it trusts the
    /// file's CA and presents the file's client certificate.
    #[tokio::test]
    async fn client_from_written_kubeconfig_reaches_a_tls_server() {
        let ca = CertificateAuthority::generate().expect("ca");
        let server_tls = tls::loopback_server_config(&ca);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shutdown = Shutdown::new();
        let server = tokio::spawn(serve(
            listener,
            Arc::new(server_tls),
            ServingState::new(HealthChecks::new(), crate::metrics::new_registry()),
            shutdown.clone(),
        ));

        let (spec, _, _) = spec(&ca, format!("https://{addr}"));
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kubeconfig");
        write(&path, &spec.build().expect("build")).expect("write");
        let client = KubeconfigOptions::from_path(&path)
            .client()
            .await
            .expect("client");
        let request = http::Request::get("/livez?verbose")
            .body(Vec::new())
            .expect("request");
        let body = client.request_text(request).await.expect("livez over TLS");
        assert_eq!(body, "[+]ping ok\nlivez check passed\n");

        // A kubeconfig with a foreign CA must not connect.
        let other = CertificateAuthority::generate().expect("other");
        let mut foreign = spec.clone();
        foreign.ca_pem = other.cert_pem().to_owned();
        let foreign_path = dir.path().join("foreign");
        write(&foreign_path, &foreign.build().expect("build")).expect("write");
        let client = KubeconfigOptions::from_path(&foreign_path)
            .client()
            .await
            .expect("client");
        let request = http::Request::get("/livez")
            .body(Vec::new())
            .expect("request");
        assert!(client.request_text(request).await.is_err());

        shutdown.trigger();
        server.await.expect("join").expect("serve");
    }
}
