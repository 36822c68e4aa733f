//! Reading pods from CRI (upstream `GetPodStatus`, `GetPods`): sandboxes and containers found
//! by the kubelet's `io.kubernetes.pod.uid` label, with their full statuses; and removing a
//! gone pod's leftovers (containers, sandboxes, log folder, pod cgroups).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::{Error, KubeRuntime, PodRuntimeStatus, labels, sandbox};
use crate::cri::v1;

/// The name of a CRI container: its metadata, else the kubelet's label.
pub fn container_name(status: &v1::ContainerStatus) -> &str {
    status
        .metadata
        .as_ref()
        .map(|m| m.name.as_str())
        .filter(|n| !n.is_empty())
        .or_else(|| {
            status
                .labels
                .get(labels::CONTAINER_NAME)
                .map(String::as_str)
        })
        .unwrap_or_default()
}

impl PodRuntimeStatus {
    /// Every instance of container `name`, newest first.
    pub fn containers_named(&self, name: &str) -> Vec<&v1::ContainerStatus> {
        let mut found: Vec<_> = self
            .containers
            .iter()
            .filter(|c| container_name(c) == name)
            .collect();
        found.sort_by_key(|c| std::cmp::Reverse(c.created_at));
        found
    }

    /// The newest instance of container `name`.
    pub fn latest(&self, name: &str) -> Option<&v1::ContainerStatus> {
        self.containers_named(name).into_iter().next()
    }

    /// The newest sandbox.
    pub fn newest_sandbox(&self) -> Option<&v1::PodSandboxStatus> {
        self.sandboxes.iter().max_by_key(|s| s.created_at)
    }
}

fn uid_filter(uid: &str) -> HashMap<String, String> {
    [(labels::POD_UID.to_owned(), uid.to_owned())]
        .into_iter()
        .collect()
}

/// The IPs of a sandbox: the primary first, then the additional ones.
pub fn sandbox_ips(status: &v1::PodSandboxStatus) -> Vec<String> {
    let Some(network) = status.network.as_ref() else {
        return Vec::new();
    };
    std::iter::once(network.ip.clone())
        .chain(network.additional_ips.iter().map(|ip| ip.ip.clone()))
        .filter(|ip| !ip.is_empty())
        .collect()
}

impl KubeRuntime {
    /// The sandboxes and containers of pod `uid`.
    pub async fn pod_status(
        &self,
        uid: &str,
        name: &str,
        namespace: &str,
    ) -> Result<PodRuntimeStatus, Error> {
        self.learn_runtime_name().await;
        let sandboxes = self
            .cri
            .list_pod_sandbox(v1::ListPodSandboxRequest {
                filter: Some(v1::PodSandboxFilter {
                    label_selector: uid_filter(uid),
                    ..Default::default()
                }),
            })
            .await?
            .items;
        let containers = self
            .cri
            .list_containers(v1::ListContainersRequest {
                filter: Some(v1::ContainerFilter {
                    label_selector: uid_filter(uid),
                    ..Default::default()
                }),
            })
            .await?
            .containers;
        let sandboxes: Vec<&v1::PodSandbox> = sandboxes.iter().collect();
        let containers: Vec<&v1::Container> = containers.iter().collect();
        self.statuses_of(uid, name, namespace, &sandboxes, &containers)
            .await
    }

    async fn statuses_of(
        &self,
        uid: &str,
        name: &str,
        namespace: &str,
        sandboxes: &[&v1::PodSandbox],
        containers: &[&v1::Container],
    ) -> Result<PodRuntimeStatus, Error> {
        let mut status = PodRuntimeStatus {
            uid: uid.to_owned(),
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            ..Default::default()
        };
        for sandbox in sandboxes {
            match self
                .cri
                .pod_sandbox_status(v1::PodSandboxStatusRequest {
                    pod_sandbox_id: sandbox.id.clone(),
                    verbose: false,
                })
                .await
            {
                Ok(response) => status.sandboxes.extend(response.status),
                Err(error) if error.is_not_found() => {}
                Err(error) => return Err(error.into()),
            }
        }
        status
            .sandboxes
            .sort_by_key(|s| std::cmp::Reverse(s.created_at));
        if let Some(newest) = status.sandboxes.first()
            && newest.state == v1::PodSandboxState::SandboxReady as i32
        {
            status.ips = sandbox_ips(newest);
        }
        for container in containers {
            match self
                .cri
                .container_status(v1::ContainerStatusRequest {
                    container_id: container.id.clone(),
                    verbose: false,
                })
                .await
            {
                Ok(response) => status.containers.extend(response.status),
                Err(error) if error.is_not_found() => {}
                Err(error) => return Err(error.into()),
            }
        }
        status
            .containers
            .sort_by_key(|c| std::cmp::Reverse(c.created_at));
        Ok(status)
    }

    /// Every pod that has a sandbox or container in CRI, running or not.
    pub async fn all_pods(&self) -> Result<Vec<PodRuntimeStatus>, Error> {
        self.learn_runtime_name().await;
        let sandboxes = self
            .cri
            .list_pod_sandbox(v1::ListPodSandboxRequest::default())
            .await?
            .items;
        let containers = self
            .cri
            .list_containers(v1::ListContainersRequest::default())
            .await?
            .containers;
        // uid → (name, namespace, sandboxes, containers)
        type Group<'a> = (
            String,
            String,
            Vec<&'a v1::PodSandbox>,
            Vec<&'a v1::Container>,
        );
        let mut pods: BTreeMap<String, Group<'_>> = BTreeMap::new();
        let identity = |l: &HashMap<String, String>| {
            let get = |k: &str| l.get(k).cloned().unwrap_or_default();
            (
                get(labels::POD_UID),
                get(labels::POD_NAME),
                get(labels::POD_NAMESPACE),
            )
        };
        for sandbox in &sandboxes {
            let (uid, name, namespace) = identity(&sandbox.labels);
            if uid.is_empty() {
                continue;
            }
            let entry = pods.entry(uid).or_insert((name, namespace, vec![], vec![]));
            entry.2.push(sandbox);
        }
        for container in &containers {
            let (uid, name, namespace) = identity(&container.labels);
            if uid.is_empty() {
                continue;
            }
            let entry = pods.entry(uid).or_insert((name, namespace, vec![], vec![]));
            entry.3.push(container);
        }
        let mut out = Vec::with_capacity(pods.len());
        for (uid, (name, namespace, sandboxes, containers)) in pods {
            out.push(
                self.statuses_of(&uid, &name, &namespace, &sandboxes, &containers)
                    .await?,
            );
        }
        Ok(out)
    }

    /// Removes the pod's containers and sandboxes from CRI (after it is gone), its log
    /// folder and its pod cgroups.
    pub async fn remove_pod(&self, uid: &str) -> Result<(), Error> {
        let status = self.pod_status(uid, "", "").await?;
        for container in &status.containers {
            if container.state == v1::ContainerState::ContainerRunning as i32 {
                let stop = self
                    .cri
                    .stop_container(v1::StopContainerRequest {
                        container_id: container.id.clone(),
                        timeout: 0,
                    })
                    .await;
                ignore_not_found(stop.map(drop))?;
            }
            let removed = self
                .cri
                .remove_container(v1::RemoveContainerRequest {
                    container_id: container.id.clone(),
                })
                .await;
            ignore_not_found(removed.map(drop))?;
        }
        let mut log_dirs = Vec::new();
        for sb in &status.sandboxes {
            if let Some(meta) = sb.metadata.as_ref() {
                log_dirs.push(sandbox::pod_logs_directory(
                    &self.config.pod_logs_dir,
                    &meta.namespace,
                    &meta.name,
                    &meta.uid,
                ));
            }
            let stopped = self
                .cri
                .stop_pod_sandbox(v1::StopPodSandboxRequest {
                    pod_sandbox_id: sb.id.clone(),
                })
                .await;
            ignore_not_found(stopped.map(drop))?;
            let removed = self
                .cri
                .remove_pod_sandbox(v1::RemovePodSandboxRequest {
                    pod_sandbox_id: sb.id.clone(),
                })
                .await;
            ignore_not_found(removed.map(drop))?;
        }
        for dir in log_dirs {
            if let Err(error) = std::fs::remove_dir_all(&dir)
                && error.kind() != std::io::ErrorKind::NotFound
            {
                tracing::warn!(dir = %dir.display(), %error, "could not remove a pod's log folder");
            }
        }
        let containers_dir = self
            .config
            .root_dir
            .join("pods")
            .join(uid)
            .join("containers");
        let _ = std::fs::remove_dir_all(containers_dir);
        remove_pod_cgroups(&self.config.cgroup_root, uid);
        self.forget_pod(uid);
        Ok(())
    }
}

fn ignore_not_found(result: Result<(), crate::cri::Error>) -> Result<(), Error> {
    match result {
        Err(error) if !error.is_not_found() => Err(error.into()),
        _ => Ok(()),
    }
}

/// Removes the pod's (empty) cgroups that runc left under every hierarchy, as upstream's pod
/// container manager does once the pod is gone. Best effort.
fn remove_pod_cgroups(cgroup_root: &str, uid: &str) {
    let Ok(hierarchies) = std::fs::read_dir("/sys/fs/cgroup") else {
        return;
    };
    let hierarchies: Vec<_> = hierarchies.flatten().map(|e| e.path()).collect();
    for qos in ["Guaranteed", "Burstable", "BestEffort"] {
        let parent = sandbox::cgroup_parent(cgroup_root, qos, uid);
        let relative = parent.trim_start_matches('/');
        for hierarchy in &hierarchies {
            remove_cgroup_tree(&hierarchy.join(relative));
        }
    }
}

fn remove_cgroup_tree(dir: &Path) {
    if let Ok(children) = std::fs::read_dir(dir) {
        for child in children.flatten() {
            if child.file_type().is_ok_and(|t| t.is_dir()) {
                remove_cgroup_tree(&child.path());
            }
        }
        let _ = std::fs::remove_dir(dir);
    }
}
