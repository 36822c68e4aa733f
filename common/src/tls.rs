//! TLS helpers: PEM loading and rustls server/client configurations.
//!
//! Every configuration is built on an explicitly chosen crypto provider ([`crypto_provider`],
//! ring), never on the process-wide default, so a library that installs another default cannot
//! change what we negotiate.
//!
//! The server side follows kube-apiserver: with a client CA, client certificates are requested
//! and verified against it, but a client without one still completes the handshake (it is then
//! authenticated, or rejected, at the HTTP layer). ALPN offers `h2` and `http/1.1`.

use std::{path::Path, sync::Arc};

use rustls::{
    ClientConfig, RootCertStore, ServerConfig,
    crypto::CryptoProvider,
    server::{VerifierBuilderError, WebPkiClientVerifier},
};
use rustls_pki_types::{
    CertificateDer, PrivateKeyDer,
    pem::{self, PemObject},
};

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read.
    #[error("reading {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The PEM data is malformed or holds no item of the wanted kind.
    #[error("parsing PEM {what}: {source}")]
    Pem {
        /// What was being parsed.
        what: &'static str,
        /// The underlying error.
        #[source]
        source: pem::Error,
    },
    /// The PEM data holds no certificate.
    #[error("no certificate found in PEM data")]
    NoCertificates,
    /// rustls refused the configuration (bad key, mismatching key, ...).
    #[error("tls: {0}")]
    Rustls(#[from] rustls::Error),
    /// The client certificate verifier could not be built (for example, an empty CA bundle).
    #[error("client certificate verifier: {0}")]
    Verifier(#[from] VerifierBuilderError),
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// ALPN protocols offered by [`server_config`], in preference order.
pub const ALPN_PROTOCOLS: [&[u8]; 2] = [b"h2", b"http/1.1"];

/// The crypto provider every configuration of this crate uses (ring).
pub fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Parse every certificate of a PEM bundle, in order. Fails if there is none.
pub fn parse_certificates(pem_data: &[u8]) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem_data)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|source| Error::Pem {
            what: "certificates",
            source,
        })?;
    if certs.is_empty() {
        return Err(Error::NoCertificates);
    }
    Ok(certs)
}

/// Parse the first private key (PKCS#8, PKCS#1 or SEC1) of PEM data.
pub fn parse_private_key(pem_data: &[u8]) -> Result<PrivateKeyDer<'static>> {
    PrivateKeyDer::from_pem_slice(pem_data).map_err(|source| Error::Pem {
        what: "private key",
        source,
    })
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Read a PEM certificate bundle from a file.
pub fn read_certificates(path: impl AsRef<Path>) -> Result<Vec<CertificateDer<'static>>> {
    parse_certificates(&read(path.as_ref())?)
}

/// Read a PEM private key from a file.
pub fn read_private_key(path: impl AsRef<Path>) -> Result<PrivateKeyDer<'static>> {
    parse_private_key(&read(path.as_ref())?)
}

fn root_store(cas: &[CertificateDer<'static>]) -> Result<RootCertStore> {
    let mut roots = RootCertStore::empty();
    for ca in cas {
        roots.add(ca.clone())?;
    }
    Ok(roots)
}

/// A server configuration presenting `cert_chain` (leaf first) with `key`.
///
/// With `client_ca`, client certificates are verified against it but remain optional.
/// ALPN is set to [`ALPN_PROTOCOLS`].
pub fn server_config(
    cert_chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    client_ca: Option<&[CertificateDer<'static>]>,
) -> Result<ServerConfig> {
    let provider = crypto_provider();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let builder = match client_ca {
        Some(cas) => {
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(root_store(cas)?), provider)
                    .allow_unauthenticated()
                    .build()?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_single_cert(cert_chain, key)?;
    config.alpn_protocols = ALPN_PROTOCOLS.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

/// A server configuration for tests: a fresh serving certificate of `ca` for `localhost` and
/// 127.0.0.1, asking clients for certificates of `ca`.
#[cfg(test)]
pub(crate) fn loopback_server_config(ca: &crate::pki::CertificateAuthority) -> ServerConfig {
    use std::net::{IpAddr, Ipv4Addr};
    let serving = ca
        .issue_serving(
            &crate::pki::ServingCertSpec::new("test-server")
                .with_dns_names(["localhost"])
                .with_ip_addresses([IpAddr::V4(Ipv4Addr::LOCALHOST)]),
        )
        .expect("serving cert");
    let ca_certs = parse_certificates(ca.cert_pem().as_bytes()).expect("ca pem");
    server_config(
        parse_certificates(serving.cert_pem.as_bytes()).expect("chain"),
        parse_private_key(serving.key_pem.as_bytes()).expect("key"),
        Some(&ca_certs),
    )
    .expect("server config")
}

/// A client configuration trusting only `ca`, optionally presenting a client certificate
/// (`(chain, key)`). No ALPN is set; set `alpn_protocols` to match the HTTP version you speak.
pub fn client_config(
    ca: &[CertificateDer<'static>],
    identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
) -> Result<ClientConfig> {
    let builder = ClientConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(root_store(ca)?);
    Ok(match identity {
        Some((chain, key)) => builder.with_client_auth_cert(chain, key)?,
        None => builder.with_no_client_auth(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_garbage_pem_is_an_error() {
        assert!(matches!(
            parse_certificates(b""),
            Err(Error::NoCertificates)
        ));
        assert!(matches!(
            parse_private_key(b"not pem"),
            Err(Error::Pem {
                what: "private key",
                ..
            })
        ));
        assert!(matches!(
            parse_certificates(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n"),
            Err(Error::Pem { .. })
        ));
        assert!(matches!(
            read_certificates("/nonexistent/ca.crt"),
            Err(Error::Io { .. })
        ));
    }

    async fn handshake(client_cert: bool) -> std::io::Result<Option<Vec<CertificateDer<'static>>>> {
        use crate::pki::{CertificateAuthority, ClientCertSpec, ServingCertSpec};
        let ca = CertificateAuthority::generate().expect("ca");
        let ca_certs = parse_certificates(ca.cert_pem().as_bytes()).expect("ca");
        let server = ca
            .issue_serving(&ServingCertSpec::new("s").with_dns_names(["kubernetes.default"]))
            .expect("serving");
        let server = server_config(
            parse_certificates(server.cert_pem.as_bytes()).expect("chain"),
            parse_private_key(server.key_pem.as_bytes()).expect("key"),
            Some(&ca_certs),
        )
        .expect("server config");
        let identity = client_cert.then(|| {
            let c = ca
                .issue_client(&ClientCertSpec::new("alice", ["devs"]))
                .expect("client");
            (
                parse_certificates(c.cert_pem.as_bytes()).expect("chain"),
                parse_private_key(c.key_pem.as_bytes()).expect("key"),
            )
        });
        let mut client = client_config(&ca_certs, identity).expect("client config");
        client.alpn_protocols = vec![b"h2".to_vec()];
        let (c, s) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
        let name = rustls_pki_types::ServerName::try_from("kubernetes.default").expect("name");
        let (server_side, client_side) =
            tokio::join!(acceptor.accept(s), connector.connect(name, c));
        let server_side = server_side?;
        let client_side = client_side?;
        assert_eq!(client_side.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
        Ok(server_side
            .get_ref()
            .1
            .peer_certificates()
            .map(<[_]>::to_vec))
    }

    #[tokio::test]
    async fn handshake_verifies_optional_client_certificates() {
        let peer = handshake(true).await.expect("handshake with client cert");
        assert_eq!(
            peer.map(|p| p.len()),
            Some(1),
            "server saw the client certificate"
        );
        let peer = handshake(false)
            .await
            .expect("handshake without client cert");
        assert!(peer.is_none(), "anonymous clients pass the TLS layer");
    }

    #[test]
    fn empty_client_ca_is_rejected() {
        let ca = crate::pki::CertificateAuthority::generate().expect("ca");
        let server = ca
            .issue_serving(&crate::pki::ServingCertSpec::new("localhost"))
            .expect("serving");
        let chain = parse_certificates(server.cert_pem.as_bytes()).expect("chain");
        let key = parse_private_key(server.key_pem.as_bytes()).expect("key");
        assert!(matches!(
            server_config(chain, key, Some(&[])),
            Err(Error::Verifier(_))
        ));
    }
}
