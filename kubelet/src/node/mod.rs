//! The kubelet's Node: registration, the status heartbeat, the Lease in `kube-node-lease`, and
//! the pod CIDR handed to the runtime (CRI `UpdateRuntimeConfig`, from which the runtime writes
//! its CNI configuration), as upstream's `kubelet_node_status.go` and `nodelease`.

pub mod eviction;
pub mod machine;
pub mod status;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use k8s_openapi::api::coordination::v1::{Lease, LeaseSpec};
use k8s_openapi::api::core::v1::{ContainerImage, Node, NodeSpec, NodeStatus, Taint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, ObjectMeta, OwnerReference, Time};
use kube::Api;
use kube::api::{Patch, PatchParams, PostParams};
use kube::runtime::watcher;
use tokio::sync::watch;

use crate::cri::{RuntimeClient, v1};
use common::shutdown::Shutdown;

pub const LEASE_NAMESPACE: &str = "kube-node-lease";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid taint {0:?}: expected key[=value]:Effect")]
    Taint(String),
    #[error(transparent)]
    Api(#[from] kube::Error),
    #[error(transparent)]
    Cri(#[from] crate::cri::Error),
}

/// How the Node is registered and kept fresh.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    pub name: String,
    pub node_ip: Option<IpAddr>,
    pub labels: Vec<(String, String)>,
    pub taints: Vec<String>,
    pub provider_id: String,
    pub root_dir: PathBuf,
    pub max_pods: i32,
    pub kubelet_port: i32,
    pub status_update_frequency: Duration,
    pub status_report_frequency: Duration,
    pub lease_duration_seconds: i32,
    /// The hard eviction thresholds the pressure conditions follow.
    pub eviction_hard: eviction::Thresholds,
}

/// What the rest of the kubelet learns from the Node.
#[derive(Clone, Debug, Default)]
pub struct NodeView {
    /// The node's InternalIP (pods' `status.hostIP`).
    pub host_ip: Option<String>,
    pub pod_cidr: Option<String>,
    pub uid: Option<String>,
}

pub struct NodeAgent {
    client: kube::Client,
    cri: RuntimeClient,
    config: NodeConfig,
    view: watch::Sender<NodeView>,
}

impl NodeAgent {
    pub fn new(client: kube::Client, cri: RuntimeClient, config: NodeConfig) -> Self {
        let host_ip = machine::addresses(config.node_ip, &config.name)
            .into_iter()
            .find(|address| address.type_ == "InternalIP")
            .map(|address| address.address);
        let (view, _) = watch::channel(NodeView {
            host_ip,
            ..Default::default()
        });
        NodeAgent {
            client,
            cri,
            config,
            view,
        }
    }

    /// Updates to what the kubelet knows of its Node.
    pub fn view(&self) -> watch::Receiver<NodeView> {
        self.view.subscribe()
    }

    /// Registers the Node (retrying until the API server accepts it), then keeps its status,
    /// Lease and pod CIDR fresh until shutdown.
    pub async fn run(self, shutdown: Shutdown) {
        let this = Arc::new(self);
        let mut delay = Duration::from_millis(100);
        loop {
            match this.register().await {
                Ok(node) => {
                    this.view
                        .send_modify(|view| view.uid = node.metadata.uid.clone());
                    break;
                }
                Err(error) => {
                    tracing::warn!(%error, node = %this.config.name, "unable to register node");
                }
            }
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = tokio::time::sleep(delay) => {}
            }
            delay = (delay * 2).min(Duration::from_secs(7));
        }
        tracing::info!(node = %this.config.name, "successfully registered node");
        let status = tokio::spawn(this.clone().status_loop(shutdown.clone()));
        let lease = tokio::spawn(this.clone().lease_loop(shutdown.clone()));
        let spec = tokio::spawn(this.clone().spec_loop(shutdown.clone()));
        let _ = tokio::join!(status, lease, spec);
    }

    fn nodes(&self) -> Api<Node> {
        Api::all(self.client.clone())
    }

    /// The Node object a new registration creates (`initialNode`).
    async fn initial_node(&self) -> Result<Node, Error> {
        let name = &self.config.name;
        let mut labels = BTreeMap::from([
            ("kubernetes.io/hostname".to_owned(), name.clone()),
            ("kubernetes.io/os".to_owned(), "linux".to_owned()),
            ("kubernetes.io/arch".to_owned(), arch().to_owned()),
            ("beta.kubernetes.io/os".to_owned(), "linux".to_owned()),
            ("beta.kubernetes.io/arch".to_owned(), arch().to_owned()),
        ]);
        labels.extend(self.config.labels.iter().cloned());
        let taints = self
            .config
            .taints
            .iter()
            .map(|t| parse_taint(t))
            .collect::<Result<Vec<_>, _>>()?;
        let status = self.current_status(None).await;
        Ok(Node {
            metadata: ObjectMeta {
                name: Some(name.clone()),
                labels: Some(labels),
                annotations: Some(BTreeMap::from([(
                    "volumes.kubernetes.io/controller-managed-attach-detach".to_owned(),
                    "true".to_owned(),
                )])),
                ..Default::default()
            },
            spec: Some(NodeSpec {
                taints: (!taints.is_empty()).then_some(taints),
                provider_id: (!self.config.provider_id.is_empty())
                    .then(|| self.config.provider_id.clone()),
                ..Default::default()
            }),
            status: Some(status),
        })
    }

    /// Creates the Node, or takes over an existing one of the same name (its default labels
    /// are reconciled, as upstream's `tryRegisterWithAPIServer`).
    async fn register(&self) -> Result<Node, Error> {
        let node = self.initial_node().await?;
        match self.nodes().create(&PostParams::default(), &node).await {
            Ok(created) => Ok(created),
            Err(kube::Error::Api(status)) if status.code == 409 => {
                let patch = serde_json::json!({"metadata": {"labels": node.metadata.labels}});
                let existing = self
                    .nodes()
                    .patch(
                        &self.config.name,
                        &PatchParams::default(),
                        &Patch::Merge(&patch),
                    )
                    .await?;
                Ok(existing)
            }
            Err(error) => Err(error.into()),
        }
    }

    /// The status as of now; `previous` supplies the conditions' transition times.
    async fn current_status(&self, previous: Option<&NodeStatus>) -> NodeStatus {
        let mut facts = status::Facts {
            capacity: machine::capacity(&self.config.root_dir, self.config.max_pods),
            addresses: machine::addresses(self.config.node_ip, &self.config.name),
            kubelet_port: self.config.kubelet_port,
            ..Default::default()
        };
        let mut signals = status::Signals {
            thresholds: self.config.eviction_hard.clone(),
            memory: machine::memory(),
            nodefs: machine::filesystem(&self.config.root_dir),
            imagefs: self.image_filesystem().await,
            runtime_errors: Vec::new(),
        };
        match self.cri.version(v1::VersionRequest::default()).await {
            Ok(version) => {
                facts.node_info = machine::system_info(&format!(
                    "{}://{}",
                    version.runtime_name, version.runtime_version
                ))
            }
            Err(error) => {
                facts.node_info = machine::system_info("");
                signals
                    .runtime_errors
                    .push(format!("container runtime is down: {error}"));
            }
        }
        if signals.runtime_errors.is_empty() {
            signals.runtime_errors = self.runtime_errors().await;
        }
        facts.images = self.images().await;
        let previous_conditions = previous
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default();
        let conditions = status::conditions(
            &signals,
            &previous_conditions,
            &Time(jiff::Timestamp::now()),
        );
        status::node_status(&facts, conditions)
    }

    /// The filesystem the runtime keeps images on (CRI `ImageFsInfo`), if it names one.
    async fn image_filesystem(&self) -> Option<status::Filesystem> {
        let info = self
            .cri
            .image_fs_info(v1::ImageFsInfoRequest::default())
            .await
            .ok()?;
        let mountpoint = info
            .image_filesystems
            .first()?
            .fs_id
            .as_ref()?
            .mountpoint
            .clone();
        machine::filesystem(std::path::Path::new(&mountpoint))
    }

    /// Upstream's runtime checks: the CRI `RuntimeReady` and `NetworkReady` conditions.
    async fn runtime_errors(&self) -> Vec<String> {
        let response = match self.cri.status(v1::StatusRequest { verbose: false }).await {
            Ok(response) => response,
            Err(error) => {
                return vec![format!(
                    "container runtime status check may not have completed yet: {error}"
                )];
            }
        };
        let conditions = response.status.map(|s| s.conditions).unwrap_or_default();
        let mut errors = Vec::new();
        for (kind, what) in [
            ("RuntimeReady", "container runtime not ready"),
            ("NetworkReady", "container runtime network not ready"),
        ] {
            match conditions.iter().find(|c| c.r#type == kind) {
                Some(condition) if condition.status => {}
                Some(condition) => errors.push(format!(
                    "{what}: {kind}=false reason:{} message:{}",
                    condition.reason, condition.message
                )),
                None => errors.push(format!("{what}: {kind} is missing")),
            }
        }
        errors
    }

    async fn images(&self) -> Vec<ContainerImage> {
        let Ok(response) = self.cri.list_images(v1::ListImagesRequest::default()).await else {
            return Vec::new();
        };
        let mut images: Vec<ContainerImage> = response
            .images
            .into_iter()
            .map(|image| {
                let mut names = image.repo_digests;
                names.extend(image.repo_tags);
                ContainerImage {
                    names: Some(names),
                    size_bytes: Some(image.size as i64),
                }
            })
            .filter(|image| image.names.as_ref().is_some_and(|n| !n.is_empty()))
            .collect();
        images.sort_by_key(|image| std::cmp::Reverse(image.size_bytes));
        images.truncate(status::MAX_IMAGES_IN_STATUS);
        images
    }

    /// Every `nodeStatusUpdateFrequency` (every 500 ms until the node is first Ready, as
    /// upstream's fast start-up updates), writes the status when it changed or when
    /// `nodeStatusReportFrequency` passed since the last write.
    async fn status_loop(self: Arc<Self>, shutdown: Shutdown) {
        let mut last_report: Option<(Instant, NodeStatus)> = None;
        loop {
            let ready = last_report
                .as_ref()
                .is_some_and(|(_, status)| status::is_ready(Some(status)));
            let period = if ready {
                self.config.status_update_frequency
            } else {
                Duration::from_millis(500)
            };
            match self.update_status(&mut last_report).await {
                Ok(()) => {}
                Err(error) => tracing::warn!(%error, "error updating node status, will retry"),
            }
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = tokio::time::sleep(period) => {}
            }
        }
    }

    async fn update_status(
        &self,
        last_report: &mut Option<(Instant, NodeStatus)>,
    ) -> Result<(), Error> {
        let current = self.nodes().get(&self.config.name).await?;
        let stored = current.status.as_ref();
        let new = self.current_status(stored).await;
        let due = last_report
            .as_ref()
            .is_none_or(|(at, _)| at.elapsed() >= self.config.status_report_frequency);
        if !due && !status::changed(stored, &new) {
            return Ok(());
        }
        let patch = serde_json::json!({ "status": new });
        self.nodes()
            .patch_status(
                &self.config.name,
                &PatchParams::default(),
                &Patch::Merge(&patch),
            )
            .await?;
        *last_report = Some((Instant::now(), new));
        Ok(())
    }

    /// Renews the node's Lease every quarter of its duration (upstream's renew interval).
    async fn lease_loop(self: Arc<Self>, shutdown: Shutdown) {
        let interval = Duration::from_secs((self.config.lease_duration_seconds.max(4) / 4) as u64);
        let leases: Api<Lease> = Api::namespaced(self.client.clone(), LEASE_NAMESPACE);
        loop {
            if let Err(error) = self.renew_lease(&leases).await {
                tracing::warn!(%error, "failed to update lease");
            }
            tokio::select! {
                _ = shutdown.wait() => return,
                _ = tokio::time::sleep(interval) => {}
            }
        }
    }

    async fn renew_lease(&self, leases: &Api<Lease>) -> Result<(), Error> {
        let name = &self.config.name;
        let now = MicroTime(jiff::Timestamp::now());
        let owner = self.view.borrow().uid.clone().map(|uid| OwnerReference {
            api_version: "v1".to_owned(),
            kind: "Node".to_owned(),
            name: name.clone(),
            uid,
            ..Default::default()
        });
        match leases.get_opt(name).await? {
            Some(mut lease) => {
                let spec = lease.spec.get_or_insert_with(LeaseSpec::default);
                spec.holder_identity = Some(name.clone());
                spec.lease_duration_seconds = Some(self.config.lease_duration_seconds);
                spec.renew_time = Some(now);
                if lease
                    .metadata
                    .owner_references
                    .as_ref()
                    .is_none_or(|o| o.is_empty())
                {
                    lease.metadata.owner_references = owner.map(|o| vec![o]);
                }
                leases.replace(name, &PostParams::default(), &lease).await?;
            }
            None => {
                let lease = Lease {
                    metadata: ObjectMeta {
                        name: Some(name.clone()),
                        namespace: Some(LEASE_NAMESPACE.to_owned()),
                        owner_references: owner.map(|o| vec![o]),
                        ..Default::default()
                    },
                    spec: Some(LeaseSpec {
                        holder_identity: Some(name.clone()),
                        lease_duration_seconds: Some(self.config.lease_duration_seconds),
                        renew_time: Some(now),
                        ..Default::default()
                    }),
                };
                leases.create(&PostParams::default(), &lease).await?;
            }
        }
        Ok(())
    }

    /// Watches the Node's spec: a new `podCIDR` goes to the runtime (CRI
    /// `UpdateRuntimeConfig`), which writes its network configuration from it.
    async fn spec_loop(self: Arc<Self>, shutdown: Shutdown) {
        let config =
            watcher::Config::default().fields(&format!("metadata.name={}", self.config.name));
        let stream = watcher::watcher(self.nodes(), config);
        let mut stream = std::pin::pin!(stream);
        let mut applied: Option<String> = None;
        loop {
            let event = tokio::select! {
                _ = shutdown.wait() => return,
                event = stream.next() => event,
            };
            let node = match event {
                Some(Ok(watcher::Event::Apply(node) | watcher::Event::InitApply(node))) => node,
                Some(Ok(_)) => continue,
                Some(Err(error)) => {
                    tracing::debug!(%error, "node watch failed; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
                None => return,
            };
            let spec = node.spec.unwrap_or_default();
            let cidrs = spec
                .pod_cidrs
                .filter(|c| !c.is_empty())
                .or(spec.pod_cidr.map(|c| vec![c]));
            let Some(cidrs) = cidrs else { continue };
            let joined = cidrs.join(",");
            self.view.send_modify(|view| {
                view.pod_cidr = Some(joined.clone());
                view.uid = node.metadata.uid.clone();
            });
            if applied.as_deref() == Some(joined.as_str()) {
                continue;
            }
            let request = v1::UpdateRuntimeConfigRequest {
                runtime_config: Some(v1::RuntimeConfig {
                    network_config: Some(v1::NetworkConfig {
                        pod_cidr: joined.clone(),
                    }),
                }),
            };
            match self.cri.update_runtime_config(request).await {
                Ok(_) => {
                    tracing::info!(pod_cidr = %joined, "updated the runtime's pod CIDR");
                    applied = Some(joined);
                }
                Err(error) => tracing::warn!(%error, "failed to update the runtime's pod CIDR"),
            }
        }
    }
}

fn arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    }
}

/// `key[=value]:Effect`, as `--register-with-taints`.
pub fn parse_taint(text: &str) -> Result<Taint, Error> {
    let (key_value, effect) = text
        .rsplit_once(':')
        .ok_or_else(|| Error::Taint(text.to_owned()))?;
    if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        return Err(Error::Taint(text.to_owned()));
    }
    let (key, value) = match key_value.split_once('=') {
        Some((key, value)) => (key, Some(value.to_owned())),
        None => (key_value, None),
    };
    if key.is_empty() {
        return Err(Error::Taint(text.to_owned()));
    }
    Ok(Taint {
        key: key.to_owned(),
        value,
        effect: effect.to_owned(),
        time_added: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taints_parse_as_the_flag() {
        let taint = parse_taint("dedicated=gpu:NoSchedule").unwrap();
        assert_eq!(
            (
                taint.key.as_str(),
                taint.value.as_deref(),
                taint.effect.as_str()
            ),
            ("dedicated", Some("gpu"), "NoSchedule")
        );
        assert_eq!(
            parse_taint("node-role.kubernetes.io/control-plane:NoSchedule")
                .unwrap()
                .value,
            None
        );
        assert!(parse_taint("x=y").is_err());
        assert!(parse_taint("x:Sometimes").is_err());
        assert!(parse_taint(":NoSchedule").is_err());
    }
}
