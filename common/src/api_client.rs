//! The kube-rs client the daemons reach the API server with, over HTTP/2 as client-go does.
//!
//! kube-rs' default client speaks HTTP/1.1 only, so a controller creating a burst of 500
//! pods opens hundreds of TLS connections, each with a full handshake on both sides, and its
//! watches hold one connection each. client-go negotiates HTTP/2 by ALPN and multiplexes every
//! request and watch of a process over one connection, pinging it after 30 s of silence and
//! dropping it when a ping is not answered within 15 s. [`client`] builds that: kube's own
//! layers (base URI, credentials, impersonation headers, retries of 429/503/504) over
//! hyper-util's pooled client with a rustls connector that offers `h2` and `http/1.1`. A
//! server without HTTP/2 still gets HTTP/1.1. Upgrades (exec, attach, port-forward through
//! kube's `ws` feature) need HTTP/1.1; no daemon makes them.

use std::time::Duration;

use hyper_util::{
    client::legacy::{Client as HyperClient, connect::HttpConnector},
    rt::{TokioExecutor, TokioTimer},
};
use kube::client::{ConfigExt, retry::RetryPolicy};
use tower::{BoxError, ServiceBuilder, retry::RetryLayer};

/// After this long without a frame from the server the connection is pinged (client-go's
/// `HTTP2_READ_IDLE_TIMEOUT_SECONDS` default).
pub const HTTP2_READ_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// An unanswered ping closes the connection after this long (client-go's
/// `HTTP2_PING_TIMEOUT_SECONDS` default).
pub const HTTP2_PING_TIMEOUT: Duration = Duration::from_secs(15);

/// A client for `config` that multiplexes its requests over HTTP/2 when the server offers it.
///
/// A configured proxy falls back to kube's own client (HTTP/1.1), which implements proxies.
pub fn client(config: kube::Config) -> kube::Result<kube::Client> {
    if config.proxy_url.is_some() {
        return kube::Client::try_from(config);
    }
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(config.connect_timeout);
    http.set_nodelay(true);
    let tls = config.rustls_client_config()?;
    let builder = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http();
    let builder = match &config.tls_server_name {
        Some(name) => {
            let name = rustls_pki_types::ServerName::try_from(name.clone()).map_err(|e| {
                kube::Error::RustlsTls(kube::client::RustlsTlsError::InvalidServerName(e))
            })?;
            builder.with_server_name_resolver(hyper_rustls::FixedServerNameResolver::new(name))
        }
        None => builder,
    };
    let https = builder.enable_http1().enable_http2().wrap_connector(http);
    let hyper = HyperClient::builder(TokioExecutor::new())
        .timer(TokioTimer::new())
        .pool_timer(TokioTimer::new())
        .http2_keep_alive_interval(HTTP2_READ_IDLE_TIMEOUT)
        .http2_keep_alive_timeout(HTTP2_PING_TIMEOUT)
        .http2_keep_alive_while_idle(true)
        .build(https);
    let service = ServiceBuilder::new()
        .layer(config.base_uri_layer())
        .option_layer(
            config
                .default_retry
                .then(|| RetryLayer::new(RetryPolicy::server_retry())),
        )
        .option_layer(config.auth_layer()?)
        .layer(config.extra_headers_layer()?)
        .map_err(BoxError::from)
        .service(hyper);
    Ok(kube::Client::new(service, config.default_namespace))
}

#[cfg(test)]
mod tests {
    use std::{
        collections::HashSet,
        net::{Ipv4Addr, SocketAddr},
        sync::{Arc, Mutex},
    };

    use http::{Request, Response};
    use hyper::body::Incoming;

    use crate::{
        kubeconfig::{Credentials, KubeconfigOptions, KubeconfigSpec, write},
        pki::{CertificateAuthority, ClientCertSpec},
        serving::{self, Connection, Handler, ResponseBody, full_body},
        shutdown::Shutdown,
        tls,
    };

    /// Records the HTTP version, the client address and the number of client certificates of
    /// every request.
    #[derive(Default)]
    struct Recorder {
        seen: Mutex<Vec<(http::Version, SocketAddr, usize)>>,
    }

    impl Handler for Arc<Recorder> {
        async fn handle(
            &self,
            request: Request<Incoming>,
            connection: Arc<Connection>,
        ) -> Response<ResponseBody> {
            self.seen.lock().expect("lock").push((
                request.version(),
                connection.peer,
                connection.client_certificates.len(),
            ));
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            Response::new(full_body(r#"{"kind":"Status","status":"Success"}"#))
        }
    }

    /// A burst of concurrent requests from one client goes over HTTP/2 on a single TLS
    /// connection that carries the kubeconfig's client certificate.
    #[tokio::test]
    async fn concurrent_requests_share_one_http2_connection() {
        let ca = CertificateAuthority::generate().expect("ca");
        let server_tls = tls::loopback_server_config(&ca);
        let listener = serving::listen(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).expect("listen");
        let addr = listener.local_addr().expect("addr");
        let recorder = Arc::new(Recorder::default());
        let shutdown = Shutdown::new();
        let server = tokio::spawn(serving::serve_with(
            listener,
            Arc::new(server_tls),
            Arc::new(recorder.clone()),
            shutdown.clone(),
        ));

        let user = ca
            .issue_client(&ClientCertSpec::new(
                "system:kube-scheduler",
                [] as [&str; 0],
            ))
            .expect("client cert");
        let spec = KubeconfigSpec {
            cluster_name: "kubernetes".to_owned(),
            server: format!("https://{addr}"),
            ca_pem: ca.cert_pem().to_owned(),
            user_name: "system:kube-scheduler".to_owned(),
            credentials: Credentials::ClientCertificate {
                cert_pem: user.cert_pem,
                key_pem: user.key_pem,
            },
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("kubeconfig");
        write(&path, &spec.build().expect("build")).expect("write");
        let client = KubeconfigOptions::from_path(&path)
            .client()
            .await
            .expect("client");
        // One request first, so the connection exists and its protocol is known.
        let get = || {
            let request = Request::get("/version").body(Vec::new()).expect("request");
            client.request_text(request)
        };
        get().await.expect("first request");
        let answers = futures::future::join_all((0..64).map(|_| get())).await;
        assert!(answers.iter().all(Result::is_ok), "{answers:?}");

        let seen = recorder.seen.lock().expect("lock").clone();
        assert_eq!(seen.len(), 65);
        assert!(
            seen.iter()
                .all(|(version, _, _)| *version == http::Version::HTTP_2),
            "{seen:?}"
        );
        let peers: HashSet<SocketAddr> = seen.iter().map(|(_, peer, _)| *peer).collect();
        assert_eq!(peers.len(), 1, "one connection: {peers:?}");
        assert!(seen.iter().all(|(_, _, certificates)| *certificates > 0));

        shutdown.trigger();
        server.await.expect("join").expect("serve");
    }
}
