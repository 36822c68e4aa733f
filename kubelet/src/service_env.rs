//! Service environment variables (`FOO_SERVICE_HOST`, `FOO_PORT_80_TCP_ADDR`, …), as upstream's
//! `getServiceEnvVarMap` and `pkg/kubelet/envvars`: the `kubernetes` Service of `default` for
//! every pod, and the Services of the pod's namespace when `enableServiceLinks` is on. The
//! Services come from one cluster-wide watch, started on first use.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use k8s_openapi::api::core::v1::Service;
use kube::runtime::WatchStreamExt;
use kube::runtime::watcher::{self, Event};

/// How long an environment waits for the first list of Services.
const SYNC_WAIT: Duration = Duration::from_secs(10);

/// Services by `namespace/name`, kept by a watch.
#[derive(Clone, Default)]
pub struct ServiceStore {
    inner: Arc<Mutex<Option<Watched>>>,
}

struct Watched {
    services: Arc<Mutex<HashMap<(String, String), Service>>>,
    synced: tokio::sync::watch::Receiver<bool>,
    task: tokio::task::AbortHandle,
}

impl Drop for Watched {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl ServiceStore {
    /// The Services whose variables a pod in `namespace` gets; an error when the Services
    /// have not been listed yet (upstream refuses to build the environment then).
    pub async fn for_pod(
        &self,
        client: &kube::Client,
        namespace: &str,
        enable_service_links: bool,
    ) -> Result<Vec<Service>, String> {
        let (services, mut synced) = {
            let mut guard = self
                .inner
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let watched = guard.get_or_insert_with(|| start(client.clone()));
            (watched.services.clone(), watched.synced.clone())
        };
        let ready = tokio::time::timeout(SYNC_WAIT, synced.wait_for(|s| *s)).await;
        if !matches!(ready, Ok(Ok(_))) {
            return Err(
                "services have not yet been read at least once, cannot construct envvars"
                    .to_owned(),
            );
        }
        let services = services
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut chosen: BTreeMap<String, Service> = BTreeMap::new();
        for ((ns, name), service) in services.iter() {
            if !is_service_ip_set(service) {
                continue;
            }
            if ns == "default" && name == "kubernetes" {
                chosen
                    .entry(name.clone())
                    .or_insert_with(|| service.clone());
            } else if ns == namespace && enable_service_links {
                chosen.insert(name.clone(), service.clone());
            }
        }
        Ok(chosen.into_values().collect())
    }
}

fn start(client: kube::Client) -> Watched {
    let services = Arc::new(Mutex::new(HashMap::new()));
    let (tx, rx) = tokio::sync::watch::channel(false);
    let store = services.clone();
    let task = tokio::spawn(async move {
        let api: kube::Api<Service> = kube::Api::all(client);
        let mut stream = watcher::watcher(api, watcher::Config::default())
            .default_backoff()
            .boxed();
        let key = |s: &Service| {
            (
                s.metadata.namespace.clone().unwrap_or_default(),
                s.metadata.name.clone().unwrap_or_default(),
            )
        };
        let mut relist: Option<HashMap<(String, String), Service>> = None;
        loop {
            let event = match stream.try_next().await {
                Ok(Some(event)) => event,
                Ok(None) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "service watch failed; retrying");
                    continue;
                }
            };
            let mut map = store
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match event {
                Event::Init => relist = Some(HashMap::new()),
                Event::InitApply(s) => {
                    relist.get_or_insert_with(HashMap::new).insert(key(&s), s);
                }
                Event::InitDone => {
                    *map = relist.take().unwrap_or_default();
                    tx.send_replace(true);
                }
                Event::Apply(s) => {
                    map.insert(key(&s), s);
                }
                Event::Delete(s) => {
                    map.remove(&key(&s));
                }
            }
        }
    })
    .abort_handle();
    Watched {
        services,
        synced: rx,
        task,
    }
}

fn is_service_ip_set(service: &Service) -> bool {
    service
        .spec
        .as_ref()
        .and_then(|s| s.cluster_ip.as_deref())
        .is_some_and(|ip| !ip.is_empty() && ip != "None")
}

fn env_name(name: &str) -> String {
    name.replace('-', "_").to_uppercase()
}

/// The variables of `services` (upstream `envvars.FromServices`), in order.
pub fn from_services(services: &[Service]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for service in services {
        let Some(spec) = service.spec.as_ref() else {
            continue;
        };
        let Some(ip) = spec
            .cluster_ip
            .as_deref()
            .filter(|_| is_service_ip_set(service))
        else {
            continue;
        };
        let ports = spec.ports.as_deref().unwrap_or(&[]);
        let prefix = env_name(service.metadata.name.as_deref().unwrap_or(""));
        out.push((format!("{prefix}_SERVICE_HOST"), ip.to_owned()));
        if let Some(first) = ports.first() {
            out.push((format!("{prefix}_SERVICE_PORT"), first.port.to_string()));
        }
        for port in ports {
            if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
                out.push((
                    format!("{prefix}_SERVICE_PORT_{}", env_name(name)),
                    port.port.to_string(),
                ));
            }
        }
        // Docker-style link variables.
        let host = if ip.contains(':') {
            format!("[{ip}]")
        } else {
            ip.to_owned()
        };
        for (i, port) in ports.iter().enumerate() {
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            let lower = protocol.to_lowercase();
            let url = format!("{lower}://{host}:{}", port.port);
            if i == 0 {
                out.push((format!("{prefix}_PORT"), url.clone()));
            }
            let port_prefix = format!("{prefix}_PORT_{}_{}", port.port, protocol.to_uppercase());
            out.push((port_prefix.clone(), url));
            out.push((format!("{port_prefix}_PROTO"), lower));
            out.push((format!("{port_prefix}_PORT"), port.port.to_string()));
            out.push((format!("{port_prefix}_ADDR"), ip.to_owned()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_like_upstream() {
        let svc: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "my-svc", "namespace": "ns"},
            "spec": {"clusterIP": "10.96.0.10", "ports": [
                {"port": 53, "protocol": "UDP"},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP"}]}
        }))
        .unwrap();
        let headless: Service = serde_json::from_value(serde_json::json!({
            "metadata": {"name": "headless"}, "spec": {"clusterIP": "None", "ports": [{"port": 1}]}
        }))
        .unwrap();
        let vars = from_services(&[svc, headless]);
        let want = [
            ("MY_SVC_SERVICE_HOST", "10.96.0.10"),
            ("MY_SVC_SERVICE_PORT", "53"),
            ("MY_SVC_SERVICE_PORT_DNS_TCP", "53"),
            ("MY_SVC_PORT", "udp://10.96.0.10:53"),
            ("MY_SVC_PORT_53_UDP", "udp://10.96.0.10:53"),
            ("MY_SVC_PORT_53_UDP_PROTO", "udp"),
            ("MY_SVC_PORT_53_UDP_PORT", "53"),
            ("MY_SVC_PORT_53_UDP_ADDR", "10.96.0.10"),
            ("MY_SVC_PORT_53_TCP", "tcp://10.96.0.10:53"),
            ("MY_SVC_PORT_53_TCP_PROTO", "tcp"),
            ("MY_SVC_PORT_53_TCP_PORT", "53"),
            ("MY_SVC_PORT_53_TCP_ADDR", "10.96.0.10"),
        ];
        let got: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, want);
    }
}
