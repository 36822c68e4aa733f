//! Reaching Services the way a client does: plain HTTP/1.0 GETs to an address (from this
//! process, or from inside a pod with `kubectl exec … nc`), answered by test pods that serve
//! their own hostname, so the set of bodies is the set of pods reached.

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::local_cluster::LocalCluster;

/// The shell command a test pod runs: busybox httpd on 8080 serving its hostname.
pub const HOSTNAME_HTTPD: &str =
    "mkdir -p /www; hostname > /www/index.html; exec httpd -f -p 8080 -h /www";

/// What one HTTP GET got: the body, or the connect error's kind.
pub fn get(address: SocketAddr) -> Result<String, ErrorKind> {
    let mut stream =
        TcpStream::connect_timeout(&address, Duration::from_secs(2)).map_err(|e| e.kind())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(3)))
        .map_err(|e| e.kind())?;
    stream
        .write_all(b"GET /index.html HTTP/1.0\r\n\r\n")
        .map_err(|e| e.kind())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).map_err(|e| e.kind())?;
    Ok(answer
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_owned())
}

/// The pods (by the name each serves) reached over `tries` connections to `address`.
pub fn reached(address: SocketAddr, tries: usize) -> BTreeSet<String> {
    (0..tries).filter_map(|_| get(address).ok()).collect()
}

/// The pods reached over `tries` connections from inside `pod` (default namespace).
pub fn reached_from_pod(
    cluster: &LocalCluster,
    pod: &str,
    address: SocketAddr,
    tries: usize,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for _ in 0..tries {
        // busybox-static's wget crashes on glibc's NSS; nc speaks plain HTTP/1.0.
        let out = cluster.kubectl(&[
            "exec",
            pod,
            "--",
            "sh",
            "-c",
            &format!(
                "printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc -w 2 {} {} | tail -n 1",
                address.ip(),
                address.port()
            ),
        ]);
        let body = out.stdout.trim();
        if out.success && !body.is_empty() {
            seen.insert(body.to_owned());
        }
    }
    seen
}
