//! TCP socket probes: success when a connection opens within the timeout (upstream
//! `pkg/probe/tcp`). Also the dial helpers the HTTP probe shares.

use std::io;
use std::time::Duration;

use tokio::net::TcpStream;

use super::prober::Outcome;

/// `host:port`, with brackets around an IPv6 address (Go's `net.JoinHostPort`).
pub(crate) fn join_host_port(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// A dial failure as Go prints it (`dial tcp 10.0.0.1:80: connect: connection refused`).
pub(crate) fn dial_error(addr: &str, error: &io::Error) -> String {
    let detail = match error.kind() {
        io::ErrorKind::ConnectionRefused => "connect: connection refused".to_owned(),
        io::ErrorKind::HostUnreachable => "connect: no route to host".to_owned(),
        io::ErrorKind::NetworkUnreachable => "connect: network is unreachable".to_owned(),
        _ => error.to_string(),
    };
    format!("dial tcp {addr}: {detail}")
}

/// Connects to `host:port` within `timeout`.
pub(crate) async fn dial(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, String> {
    let addr = join_host_port(host, port);
    if host.is_empty() {
        return Err(format!("dial tcp {addr}: missing address"));
    }
    match tokio::time::timeout(timeout, TcpStream::connect((host, port))).await {
        Ok(Ok(stream)) => Ok(stream),
        Ok(Err(error)) => Err(dial_error(&addr, &error)),
        Err(_) => Err(format!("dial tcp {addr}: i/o timeout")),
    }
}

/// A TCP probe; a failure's output is the dial error.
pub(crate) async fn probe(host: &str, port: u16, timeout: Duration) -> (Outcome, String) {
    match dial(host, port, timeout).await {
        Ok(_) => (Outcome::Success, String::new()),
        Err(error) => (Outcome::Failure, error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn open_and_closed_ports() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        assert_eq!(
            probe("127.0.0.1", port, Duration::from_secs(1)).await,
            (Outcome::Success, String::new())
        );
        drop(listener);
        let (outcome, output) = probe("127.0.0.1", port, Duration::from_secs(1)).await;
        assert_eq!(outcome, Outcome::Failure);
        assert_eq!(
            output,
            format!("dial tcp 127.0.0.1:{port}: connect: connection refused")
        );
        assert_eq!(join_host_port("::1", 80), "[::1]:80");
    }
}
