//! The HTTPS server every daemon runs for `/metrics`, `/healthz`, `/livez` and `/readyz`.
//!
//! [`serve`] takes an already bound listener (tests bind `127.0.0.1:0`), a rustls configuration
//! (see [`crate::tls::server_config`]) and the [`ServingState`]. HTTP/1.1 and HTTP/2 are both
//! served (hyper-util's auto builder). On shutdown the listener is closed at once, every open
//! connection is told to finish (HTTP/1.1 keep-alive ends after the in-flight response, HTTP/2
//! sends GOAWAY), and `serve` returns when the last in-flight request has been answered.

use std::{convert::Infallible, net::SocketAddr, sync::Arc, time::Duration};

use bytes::Bytes;
use http::{Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo},
    server::conn::auto,
};
use rustls_pki_types::CertificateDer;
use tokio::{net::TcpListener, task::JoinSet};
use tokio_rustls::TlsAcceptor;
use tracing::Instrument;

use crate::{health::HealthChecks, metrics, shutdown::Shutdown, write_coalescing::CoalescingIo};

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The listener's address could not be read.
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How long a client may take to complete the TLS handshake.
pub const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the kernel's cap on listen backlogs is read from.
const SOMAXCONN: &str = "/proc/sys/net/core/somaxconn";

/// The accept backlog a listener asks for: the kernel's cap (`net.core.somaxconn`), as Go's
/// `net.Listen` asks for and so every upstream daemon gets; 4096 when it cannot be read.
/// Rust's (and tokio's) default of 128 overflows when hundreds of clients connect at once,
/// and every dropped SYN then costs its client a one-second retransmission.
pub fn listen_backlog() -> u32 {
    parse_somaxconn(&std::fs::read_to_string(SOMAXCONN).unwrap_or_default())
}

fn parse_somaxconn(text: &str) -> u32 {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .unwrap_or(4096)
        .min(i32::MAX as u32)
}

/// Binds `address` (with `SO_REUSEADDR`, as Go does) and listens with [`listen_backlog`].
pub fn listen(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if address.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(listen_backlog())
}

/// What the server serves.
#[derive(Clone, Debug)]
pub struct ServingState {
    /// Checks of the health endpoints.
    pub health: HealthChecks,
    /// Registry behind `/metrics`.
    pub registry: prometheus::Registry,
}

impl ServingState {
    /// State for these checks and this registry.
    pub fn new(health: HealthChecks, registry: prometheus::Registry) -> Self {
        Self { health, registry }
    }
}

fn text_response(
    status: StatusCode,
    content_type: &str,
    body: impl Into<Bytes>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(value) = header::HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    response
}

const PLAIN_TEXT: &str = "text/plain; charset=utf-8";

/// Answer one request. Public so that a daemon embedding these endpoints in a larger router
/// (the API server) can reuse it.
pub async fn handle<B>(state: &ServingState, request: &Request<B>) -> Response<Full<Bytes>> {
    let path = request.uri().path();
    if path == "/metrics" {
        return match metrics::encode_text(&state.registry) {
            Ok(body) => text_response(StatusCode::OK, metrics::TEXT_CONTENT_TYPE, body),
            Err(e) => {
                tracing::warn!(error = %e, "encoding metrics");
                text_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    PLAIN_TEXT,
                    format!("{e}\n"),
                )
            }
        };
    }
    match state.health.handle_path(path, request.uri().query()).await {
        Some(health) => {
            let status =
                StatusCode::from_u16(health.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            text_response(status, PLAIN_TEXT, health.body)
        }
        None => text_response(StatusCode::NOT_FOUND, PLAIN_TEXT, "404 page not found\n"),
    }
}

/// The body of a response: a whole buffer or a stream (watches).
pub type ResponseBody = BoxBody<Bytes, Infallible>;

/// A whole-buffer body.
pub fn full_body(bytes: impl Into<Bytes>) -> ResponseBody {
    Full::new(bytes.into()).boxed()
}

/// What the server knows about the connection a request came on.
#[derive(Debug)]
pub struct Connection {
    /// The client's address.
    pub peer: SocketAddr,
    /// The client's certificate chain, leaf first, when it presented one (verified against the
    /// client CA of the TLS configuration).
    pub client_certificates: Vec<CertificateDer<'static>>,
}

/// Answers requests for [`serve_with`]. The API server implements it; [`ServingState`] is the
/// implementation for the health and metrics endpoints of the other daemons.
pub trait Handler: Send + Sync + 'static {
    /// Answers one request.
    fn handle(
        &self,
        request: Request<Incoming>,
        connection: Arc<Connection>,
    ) -> impl Future<Output = Response<ResponseBody>> + Send;
}

impl Handler for ServingState {
    async fn handle(
        &self,
        request: Request<Incoming>,
        _connection: Arc<Connection>,
    ) -> Response<ResponseBody> {
        handle(self, &request).await.map(BodyExt::boxed)
    }
}

/// Serve the health and metrics endpoints until `shutdown` fires, then drain in-flight requests
/// and return.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: ServingState,
    shutdown: Shutdown,
) -> Result<()> {
    serve_with(listener, tls, Arc::new(state), shutdown).await
}

/// Serve `handler` over TLS until `shutdown` fires, then drain in-flight requests and return.
/// Long-running responses (watches) must end by themselves on shutdown.
pub async fn serve_with<H: Handler>(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    handler: Arc<H>,
    shutdown: Shutdown,
) -> Result<()> {
    let local = listener.local_addr()?;
    tracing::info!(address = %local, "serving securely");
    let acceptor = TlsAcceptor::from(tls);
    let builder = Arc::new(auto::Builder::new(TokioExecutor::new()));
    let mut connections = JoinSet::new();
    loop {
        let (stream, peer) = tokio::select! {
            () = shutdown.wait() => break,
            // Reap finished connection tasks so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // EMFILE and friends are transient: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        connections.spawn(serve_connection(
            stream,
            peer,
            acceptor.clone(),
            builder.clone(),
            handler.clone(),
            shutdown.clone(),
        ));
    }
    drop(listener);
    tracing::info!(address = %local, open = connections.len(), "stopped accepting, draining");
    while connections.join_next().await.is_some() {}
    Ok(())
}

async fn serve_connection<H: Handler>(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    builder: Arc<auto::Builder<TokioExecutor>>,
    handler: Arc<H>,
    shutdown: Shutdown,
) {
    let handshake = tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream));
    let tls_stream = tokio::select! {
        () = shutdown.wait() => return,
        result = handshake => match result {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "TLS handshake failed");
                return;
            }
            Err(_) => {
                tracing::debug!(%peer, "TLS handshake timed out");
                return;
            }
        },
    };
    let connection = Arc::new(Connection {
        peer,
        client_certificates: tls_stream
            .get_ref()
            .1
            .peer_certificates()
            .map(|chain| chain.iter().map(|c| c.clone().into_owned()).collect())
            .unwrap_or_default(),
    });
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let handler = handler.clone();
        let connection = connection.clone();
        let span = tracing::debug_span!(
            "request",
            method = %request.method(),
            path = request.uri().path(),
        );
        // A HEAD answer carries GET's headers and no body. hyper drops the body itself on
        // HTTP/1.1 but sends it on HTTP/2, where the client takes it as a protocol error.
        let head = request.method() == http::Method::HEAD;
        async move {
            let response = handler.handle(request, connection).await;
            let response = if head {
                response.map(|_| full_body(Bytes::new()))
            } else {
                response
            };
            Ok::<_, Infallible>(response)
        }
        .instrument(span)
    });
    // HTTP/2 frames are joined into large TLS records; HTTP/1.1 buffers by itself.
    let http2 = tls_stream.get_ref().1.alpn_protocol() == Some(b"h2".as_slice());
    let io = TokioIo::new(CoalescingIo::new(tls_stream, http2));
    // Upgrades (exec, attach, port-forward over SPDY or WebSocket) are HTTP/1.1 only.
    let connection = builder.serve_connection_with_upgrades(io, service);
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = shutdown.wait() => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%peer, error = %e, "connection ended with error");
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use http_body_util::{BodyExt, Empty};
    use rustls_pki_types::ServerName;
    use tokio::net::TcpStream;
    use tokio_rustls::{TlsConnector, client::TlsStream};

    use super::*;
    use crate::{
        pki::{CertificateAuthority, ClientCertSpec},
        tls,
    };

    struct Fixture {
        addr: SocketAddr,
        ca: CertificateAuthority,
        shutdown: Shutdown,
        server: tokio::task::JoinHandle<Result<()>>,
    }

    async fn start(health: HealthChecks) -> Fixture {
        let ca = CertificateAuthority::generate().expect("ca");
        let config = tls::loopback_server_config(&ca);
        let registry = metrics::new_registry();
        let counter =
            prometheus::IntCounter::new("test_requests_total", "Test counter.").expect("counter");
        counter.inc_by(7);
        registry.register(Box::new(counter)).expect("register");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let shutdown = Shutdown::new();
        let server = tokio::spawn(serve(
            listener,
            Arc::new(config),
            ServingState::new(health, registry),
            shutdown.clone(),
        ));
        Fixture {
            addr,
            ca,
            shutdown,
            server,
        }
    }

    async fn connect(fx: &Fixture, alpn: &[u8], client_cert: bool) -> TlsStream<TcpStream> {
        let ca_certs = tls::parse_certificates(fx.ca.cert_pem().as_bytes()).expect("ca pem");
        let identity = client_cert.then(|| {
            let issued = fx
                .ca
                .issue_client(&ClientCertSpec::new(
                    "system:kube-scheduler",
                    ["system:masters"],
                ))
                .expect("client cert");
            (
                tls::parse_certificates(issued.cert_pem.as_bytes()).expect("chain"),
                tls::parse_private_key(issued.key_pem.as_bytes()).expect("key"),
            )
        });
        let mut config = tls::client_config(&ca_certs, identity).expect("client config");
        config.alpn_protocols = vec![alpn.to_vec()];
        let tcp = TcpStream::connect(fx.addr).await.expect("connect");
        let name = ServerName::IpAddress(Ipv4Addr::LOCALHOST.into());
        let stream = TlsConnector::from(Arc::new(config))
            .connect(name, tcp)
            .await
            .expect("handshake");
        assert_eq!(stream.get_ref().1.alpn_protocol(), Some(alpn));
        stream
    }

    async fn get_http1(fx: &Fixture, path: &str) -> (StatusCode, String) {
        let stream = connect(fx, b"http/1.1", false).await;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("http1 handshake");
        tokio::spawn(conn);
        let request = Request::get(path)
            .header(header::HOST, "localhost")
            .body(Empty::<Bytes>::new())
            .expect("request");
        let response = sender.send_request(request).await.expect("response");
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    fn failing_checks() -> HealthChecks {
        let mut health = HealthChecks::new();
        health
            .add_health_check("etcd", || async { Ok(()) })
            .expect("etcd");
        health
            .add_readyz_check("informer-sync", || async { Err("not synced".into()) })
            .expect("informer-sync");
        health
    }

    #[tokio::test]
    async fn serves_health_and_metrics_over_tls() {
        let fx = start(failing_checks()).await;

        let (status, body) = get_http1(&fx, "/healthz?verbose").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, "[+]ping ok\n[+]etcd ok\nhealthz check passed\n");

        let (status, body) = get_http1(&fx, "/livez").await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));

        let (status, body) = get_http1(&fx, "/readyz").await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            body.contains("[-]informer-sync failed: reason withheld\n"),
            "{body}"
        );
        assert!(body.ends_with("readyz check failed\n"), "{body}");

        let (status, _) = get_http1(&fx, "/readyz?exclude=informer-sync").await;
        assert_eq!(status, StatusCode::OK);

        let (status, body) = get_http1(&fx, "/metrics").await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("test_requests_total 7"), "{body}");

        let (status, _) = get_http1(&fx, "/nope").await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        fx.shutdown.trigger();
        fx.server.await.expect("join").expect("serve");
    }

    #[tokio::test]
    async fn serves_http2_with_client_certificate() {
        let fx = start(failing_checks()).await;
        let stream = connect(&fx, b"h2", true).await;
        let (mut sender, conn) =
            hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
                .await
                .expect("h2 handshake");
        tokio::spawn(conn);
        let uri = format!("https://{}/livez?verbose", fx.addr);
        let (version, status, body) = h2_request(&mut sender, Request::get(&uri)).await;
        assert_eq!(version, http::Version::HTTP_2);
        assert_eq!(status, StatusCode::OK);
        assert!(body.ends_with(b"livez check passed\n"));

        // HEAD gets the headers of GET and no body, over HTTP/2 as over HTTP/1.1 (a body
        // there is a protocol error the client reports as a cut-off body).
        let (_, status, body) = h2_request(&mut sender, Request::head(&uri)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.is_empty());
        fx.shutdown.trigger();
        fx.server.await.expect("join").expect("serve");
    }

    /// Sends a bodiless request over HTTP/2 and reads the whole answer.
    async fn h2_request(
        sender: &mut hyper::client::conn::http2::SendRequest<Empty<Bytes>>,
        request: http::request::Builder,
    ) -> (http::Version, StatusCode, Bytes) {
        let request = request.body(Empty::<Bytes>::new()).expect("request");
        let response = sender.send_request(request).await.expect("response");
        let (version, status) = (response.version(), response.status());
        let body = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (version, status, body)
    }

    #[tokio::test]
    async fn rejects_client_cert_from_unknown_ca() {
        let fx = start(HealthChecks::new()).await;
        let other = CertificateAuthority::generate().expect("other ca");
        let issued = other
            .issue_client(&ClientCertSpec::new("mallory", Vec::<String>::new()))
            .expect("cert");
        let ca_certs = tls::parse_certificates(fx.ca.cert_pem().as_bytes()).expect("ca");
        let config = tls::client_config(
            &ca_certs,
            Some((
                tls::parse_certificates(issued.cert_pem.as_bytes()).expect("chain"),
                tls::parse_private_key(issued.key_pem.as_bytes()).expect("key"),
            )),
        )
        .expect("config");
        let tcp = TcpStream::connect(fx.addr).await.expect("connect");
        let name = ServerName::IpAddress(Ipv4Addr::LOCALHOST.into());
        let result = async {
            let mut stream = TlsConnector::from(Arc::new(config))
                .connect(name, tcp)
                .await?;
            // With TLS 1.3 the server's verdict on the client certificate arrives after the
            // client's handshake completes: read to observe it.
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n")
                .await?;
            let mut buf = Vec::new();
            stream.read_to_end(&mut buf).await?;
            Ok::<_, std::io::Error>(buf)
        }
        .await;
        match result {
            Err(_) => {}
            Ok(buf) => assert!(
                buf.is_empty(),
                "server answered: {:?}",
                String::from_utf8_lossy(&buf)
            ),
        }
        fx.shutdown.trigger();
        fx.server.await.expect("join").expect("serve");
    }

    #[tokio::test]
    async fn shutdown_drains_in_flight_requests_and_stops_accepting() {
        let (started_tx, started_rx) = tokio::sync::oneshot::channel::<()>();
        let started_tx = Arc::new(std::sync::Mutex::new(Some(started_tx)));
        let mut health = HealthChecks::new();
        health
            .add_readyz_check("slow", move || {
                let started_tx = started_tx.clone();
                async move {
                    if let Some(tx) = started_tx.lock().ok().and_then(|mut g| g.take()) {
                        let _ = tx.send(());
                    }
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    Ok(())
                }
            })
            .expect("slow");
        let fx = start(health).await;
        let client = {
            let stream = connect(&fx, b"http/1.1", false).await;
            tokio::spawn(async move {
                let (mut sender, conn) =
                    hyper::client::conn::http1::handshake(TokioIo::new(stream))
                        .await
                        .expect("handshake");
                tokio::spawn(conn);
                let request = Request::get("/readyz")
                    .header(header::HOST, "localhost")
                    .body(Empty::<Bytes>::new())
                    .expect("request");
                let response = sender.send_request(request).await.expect("response");
                let status = response.status();
                let body = response
                    .into_body()
                    .collect()
                    .await
                    .expect("body")
                    .to_bytes();
                (status, body)
            })
        };
        started_rx.await.expect("request reached the check");
        fx.shutdown.trigger();
        // In-flight request completes.
        let (status, body) = client.await.expect("client");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(&body[..], b"ok");
        tokio::time::timeout(Duration::from_secs(5), fx.server)
            .await
            .expect("serve returned")
            .expect("join")
            .expect("serve");
        // Listener closed: new connections are refused.
        assert!(TcpStream::connect(fx.addr).await.is_err());
    }

    #[test]
    fn backlog_follows_somaxconn_and_falls_back_to_4096() {
        assert_eq!(parse_somaxconn("4096\n"), 4096);
        assert_eq!(parse_somaxconn("65535"), 65535);
        assert_eq!(parse_somaxconn(""), 4096);
        assert_eq!(parse_somaxconn("0"), 4096);
        assert_eq!(parse_somaxconn("junk"), 4096);
        assert_eq!(parse_somaxconn("4294967295"), i32::MAX as u32);
    }

    /// A burst of clients connecting while nobody accepts yet all complete their TCP
    /// handshake: the listener's backlog is the kernel's cap, not Rust's default of 128 (with
    /// which the extra SYNs are dropped and those connects hang).
    #[tokio::test]
    async fn listener_queues_a_burst_of_connections_beyond_128() {
        const CLIENTS: usize = 300;
        if listen_backlog() < CLIENTS as u32 + 10 {
            eprintln!("net.core.somaxconn is below {CLIENTS}: nothing to check here");
            return;
        }
        let listener = listen(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).expect("listen");
        let addr = listener.local_addr().expect("addr");
        let connects = (0..CLIENTS).map(|_| TcpStream::connect(addr));
        let connected =
            tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(connects))
                .await
                .expect("connects hung: the backlog overflowed");
        assert!(connected.iter().all(Result::is_ok));
        // They are all waiting in the accept queue.
        for _ in 0..CLIENTS {
            listener.accept().await.expect("accept");
        }
    }
}
