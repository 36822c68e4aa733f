//! Health-check node ports (upstream's `ServiceHealthServer`, `pkg/proxy/healthcheck`): for
//! every LoadBalancer Service with `externalTrafficPolicy: Local`, kube-proxy listens on its
//! `healthCheckNodePort` and answers any path with 200 while this node has a ready endpoint
//! of the Service and the proxier is healthy, else 503, with a JSON body naming the Service
//! and the count, and the count again in `X-Load-Balancing-Endpoint-Weight`. Load balancers use it to send traffic only to nodes that have endpoints.
//!
//! The servers listen on every address, or on the node IPs `--nodeport-addresses` selects,
//! as upstream; a port that cannot be bound is logged and tried again at the next sync.

use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};

use http::StatusCode;
use tokio::task::JoinHandle;

use common::shutdown::Shutdown;

use crate::health::{Handler, ProxierHealth};
use crate::model::ProxyState;

/// A Service, as `(namespace, name)`.
pub type ServiceName = (String, String);

/// The health-check node ports `state` asks for, by Service, and each such Service's number
/// of ready endpoints on this node (distinct IPs across its ports, as upstream counts them;
/// terminating endpoints do not count).
pub fn wanted(state: &ProxyState) -> (HashMap<ServiceName, u16>, HashMap<ServiceName, usize>) {
    let mut ports = HashMap::new();
    let mut local: HashMap<ServiceName, BTreeSet<std::net::Ipv4Addr>> = HashMap::new();
    for (name, service) in &state.services {
        // The API server gives a health-check node port only to LoadBalancer Services with
        // `externalTrafficPolicy: Local` (upstream's `NeedsHealthCheck`).
        if service.health_check_node_port == 0 || !service.external_policy_local {
            continue;
        }
        let key = (name.namespace.clone(), name.name.clone());
        ports.insert(key.clone(), service.health_check_node_port);
        let ips = local.entry(key).or_default();
        for endpoint in state.endpoints.get(name).into_iter().flatten() {
            if endpoint.is_local && endpoint.ready {
                ips.insert(endpoint.ip);
            }
        }
    }
    let counts = local.into_iter().map(|(k, ips)| (k, ips.len())).collect();
    (ports, counts)
}

/// The open health-check servers.
pub struct ServiceHealthServer {
    addresses: Vec<IpAddr>,
    health: ProxierHealth,
    shutdown: Shutdown,
    counts: Arc<Mutex<HashMap<ServiceName, usize>>>,
    open: HashMap<ServiceName, (u16, Vec<JoinHandle<()>>)>,
}

impl Drop for ServiceHealthServer {
    fn drop(&mut self) {
        for (_, tasks) in self.open.values() {
            tasks.iter().for_each(JoinHandle::abort);
        }
    }
}

/// Stops a server's tasks and waits until they are gone, so their listeners are closed and
/// the port can be bound again at once.
async fn close(tasks: Vec<JoinHandle<()>>) {
    for task in &tasks {
        task.abort();
    }
    for task in tasks {
        let _ = task.await;
    }
}

impl ServiceHealthServer {
    /// Servers on `addresses` (`0.0.0.0` for every address), reporting `health`.
    pub fn new(addresses: Vec<IpAddr>, health: ProxierHealth, shutdown: Shutdown) -> Self {
        ServiceHealthServer {
            addresses,
            health,
            shutdown,
            counts: Arc::default(),
            open: HashMap::new(),
        }
    }

    /// The ports open now, by Service.
    pub fn ports(&self) -> HashMap<ServiceName, u16> {
        self.open
            .iter()
            .map(|(name, (port, _))| (name.clone(), *port))
            .collect()
    }

    /// Opens the ports `state` asks for, closes the others (and those whose port changed),
    /// and updates the endpoint counts the servers report (upstream's `SyncServices` and
    /// `SyncEndpoints`).
    pub async fn sync(&mut self, state: &ProxyState) {
        let (ports, counts) = wanted(state);
        *self.counts.lock().unwrap_or_else(PoisonError::into_inner) = counts;
        let stale: Vec<ServiceName> = self
            .open
            .iter()
            .filter(|(name, (port, _))| ports.get(*name) != Some(port))
            .map(|(name, _)| name.clone())
            .collect();
        for name in stale {
            if let Some((port, tasks)) = self.open.remove(&name) {
                tracing::info!(service = ?name, port, "closing health-check node port");
                close(tasks).await;
            }
        }
        for (name, port) in ports {
            if self.open.contains_key(&name) {
                continue;
            }
            match self.listen(&name, port).await {
                Ok(tasks) => {
                    tracing::info!(service = ?name, port, "opened health-check node port");
                    self.open.insert(name, (port, tasks));
                }
                Err(error) => {
                    tracing::error!(service = ?name, port, %error, "could not open the health-check node port; retrying at the next sync");
                }
            }
        }
    }

    /// Closes every port (before the server is replaced).
    pub async fn close_all(&mut self) {
        for (_, (_, tasks)) in self.open.drain() {
            close(tasks).await;
        }
    }

    /// Binds `port` on every address and serves it; all or nothing.
    async fn listen(&self, name: &ServiceName, port: u16) -> std::io::Result<Vec<JoinHandle<()>>> {
        let mut listeners = Vec::new();
        for ip in &self.addresses {
            listeners.push(common::serving::listen(SocketAddr::new(*ip, port))?);
        }
        let handler = self.handler(name.clone());
        Ok(listeners
            .into_iter()
            .map(|listener| {
                let serve = crate::health::serve(listener, handler.clone(), self.shutdown.clone());
                tokio::spawn(serve)
            })
            .collect())
    }

    /// Any path: the Service, its local ready endpoints and the proxier's health.
    fn handler(&self, name: ServiceName) -> Handler {
        let counts = self.counts.clone();
        let health = self.health.clone();
        Arc::new(move |_path| {
            let count = counts
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&name)
                .copied()
                .unwrap_or(0);
            let healthy = health.is_healthy();
            let body = serde_json::json!({
                "service": {"namespace": name.0, "name": name.1},
                "localEndpoints": count,
                "serviceProxyHealthy": healthy,
            });
            let status = if count > 0 && healthy {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            // Upstream's weight header: load balancers that weigh nodes use the count.
            let weight = ("X-Load-Balancing-Endpoint-Weight", count.to_string());
            Some((
                status,
                "application/json",
                body.to_string().into_bytes(),
                Some(weight),
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::{Ipv4Addr, TcpStream};
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::model::{Endpoint, Protocol, ServicePort, ServicePortName};

    fn free_port() -> u16 {
        std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port")
    }

    fn port(name: &str, hc_port: u16) -> ServicePort {
        ServicePort {
            name: ServicePortName {
                namespace: "ns".into(),
                name: "lb".into(),
                port: name.into(),
                protocol: Protocol::Tcp,
            },
            cluster_ip: Ipv4Addr::new(10, 96, 0, 10),
            port: 80,
            node_port: 30080,
            external_ips: vec![],
            load_balancer_ips: vec![Ipv4Addr::new(192, 0, 2, 10)],
            load_balancer_source_ranges: vec![],
            session_affinity_seconds: None,
            external_policy_local: true,
            internal_policy_local: false,
            health_check_node_port: hc_port,
        }
    }

    fn endpoint(last: u8, port: u16, is_local: bool, ready: bool) -> Endpoint {
        Endpoint {
            ip: Ipv4Addr::new(10, 244, 0, last),
            port,
            is_local,
            ready,
            serving: ready,
            terminating: !ready,
        }
    }

    fn state(hc_port: u16, endpoints: Vec<Endpoint>) -> ProxyState {
        let mut state = ProxyState::default();
        // Two ports of one Service; the same pod behind both counts once.
        for (name, target) in [("http", 8080), ("https", 8443)] {
            let svc = port(name, hc_port);
            let eps = endpoints
                .iter()
                .cloned()
                .map(|mut e| {
                    e.port = target;
                    e
                })
                .collect();
            state.endpoints.insert(svc.name.clone(), eps);
            state.services.insert(svc.name.clone(), svc);
        }
        state
    }

    /// Status code and JSON body of `GET /anything`, or None when refused.
    fn get(port: u16) -> Option<(u16, serde_json::Value)> {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
        stream
            .write_all(b"GET /anything HTTP/1.0\r\n\r\n")
            .expect("write");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).expect("read");
        let status = answer.split(' ').nth(1)?.parse().ok()?;
        let weight = answer
            .lines()
            .find_map(|l| l.strip_prefix("x-load-balancing-endpoint-weight: "))
            .map(str::to_owned);
        let body = answer.split("\r\n\r\n").nth(1)?;
        let mut body: serde_json::Value = serde_json::from_str(body).ok()?;
        body["weightHeader"] = weight.into();
        Some((status, body))
    }

    async fn get_async(port: u16) -> Option<(u16, serde_json::Value)> {
        tokio::task::spawn_blocking(move || get(port))
            .await
            .ok()
            .flatten()
    }

    #[tokio::test]
    async fn answers_by_local_ready_endpoints_and_closes_with_the_service() {
        let hc_port = free_port();
        let health = ProxierHealth::new(Duration::from_secs(60));
        let mut server = ServiceHealthServer::new(
            vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
            health.clone(),
            Shutdown::new(),
        );

        // Two local ready pods (one of them also behind the second port), one remote, one
        // local but terminating.
        let eps = vec![
            endpoint(1, 0, true, true),
            endpoint(2, 0, true, true),
            endpoint(3, 0, false, true),
            endpoint(4, 0, true, false),
        ];
        server.sync(&state(hc_port, eps)).await;
        assert_eq!(server.ports().len(), 1);
        let (status, body) = get_async(hc_port).await.expect("an answer");
        assert_eq!(status, 200);
        assert_eq!(body["localEndpoints"], 2);
        assert_eq!(body["service"]["namespace"], "ns");
        assert_eq!(body["service"]["name"], "lb");
        assert_eq!(body["serviceProxyHealthy"], true);
        assert_eq!(body["weightHeader"], "2");

        // Only remote or terminating endpoints: 503, so load balancers skip this node.
        let remote = vec![endpoint(3, 0, false, true), endpoint(4, 0, true, false)];
        server.sync(&state(hc_port, remote)).await;
        let (status, body) = get_async(hc_port).await.expect("an answer");
        assert_eq!(status, 503);
        assert_eq!(body["localEndpoints"], 0);

        // An unhealthy proxier fails the check even with local endpoints.
        server
            .sync(&state(hc_port, vec![endpoint(1, 0, true, true)]))
            .await;
        health.queued(SystemTime::now() - Duration::from_secs(120));
        let (status, body) = get_async(hc_port).await.expect("an answer");
        assert_eq!(status, 503);
        assert_eq!(body["serviceProxyHealthy"], false);

        // Another Service takes over the port in one sync: closed and bound again at once.
        let mut renamed = state(hc_port, vec![endpoint(1, 0, true, true)]);
        renamed.services = renamed
            .services
            .into_values()
            .map(|mut svc| {
                svc.name.name = "lb2".into();
                (svc.name.clone(), svc)
            })
            .collect();
        renamed.endpoints = renamed
            .endpoints
            .into_iter()
            .map(|(mut name, eps)| {
                name.name = "lb2".into();
                (name, eps)
            })
            .collect();
        health.updated(SystemTime::now());
        server.sync(&renamed).await;
        let opened: Vec<_> = server.ports().into_keys().collect();
        assert_eq!(opened, vec![("ns".to_owned(), "lb2".to_owned())]);
        let (status, body) = get_async(hc_port).await.expect("an answer");
        assert_eq!(
            (status, body["service"]["name"].clone()),
            (200, "lb2".into())
        );

        // The Service gone: the port closes.
        server.sync(&ProxyState::default()).await;
        assert!(server.ports().is_empty());
        let mut closed = false;
        for _ in 0..50 {
            if get_async(hc_port).await.is_none() {
                closed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(closed, "port {hc_port} still answers");
    }

    #[test]
    fn only_local_policy_load_balancers_get_a_port() {
        let mut cluster_policy = state(31000, vec![]);
        for svc in cluster_policy.services.values_mut() {
            svc.external_policy_local = false;
        }
        assert!(wanted(&cluster_policy).0.is_empty());
        assert_eq!(wanted(&state(31000, vec![])).0.len(), 1);
    }
}
