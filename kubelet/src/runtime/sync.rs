//! One sync of a pod (upstream `SyncPod`): compute the actions, kill what must go, create the
//! sandbox, then start init containers and containers, each behind CrashLoopBackOff; a start
//! pulls the image, builds the config, creates and starts the container and runs postStart.
//! Why a container could not start is remembered for the API status (the reason cache).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use k8s_openapi::api::core::v1::{Container, Pod};

use super::actions::{self, PodActions, is_restartable_init};
use super::backoff::go_duration;
use super::container::{self, ConfigInput};
use super::kill::KillTarget;
use super::{
    KubeRuntime, PodRuntimeStatus, SyncInput, SyncResult, WaitingReason, container_reference,
    format_pod, pod_status, sandbox, uid_of,
};
use crate::cri::v1;

pub const CRASH_LOOP_BACK_OFF: &str = "CrashLoopBackOff";
pub const CREATE_CONTAINER_CONFIG_ERROR: &str = "CreateContainerConfigError";
pub const CREATE_CONTAINER_ERROR: &str = "CreateContainerError";
pub const RUN_CONTAINER_ERROR: &str = "RunContainerError";
pub const POST_START_HOOK_ERROR: &str = "PostStartHookError";

/// Upstream's `getStableKey`: the back-off key of a container.
pub fn backoff_key(pod: &Pod, container: &Container) -> String {
    format!(
        "{}_{}_{}_{}_{}",
        pod.metadata.name.as_deref().unwrap_or_default(),
        pod.metadata.namespace.as_deref().unwrap_or_default(),
        uid_of(pod),
        container.name,
        container::container_hash(container)
    )
}

fn time_of_nanos(nanos: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_nanos(u64::try_from(nanos).unwrap_or(0))
}

/// Why a start failed: the waiting reason, and whether it is a back-off (not a sync error).
struct StartFailure {
    reason: WaitingReason,
}

impl StartFailure {
    fn new(reason: &str, message: String) -> Self {
        StartFailure {
            reason: WaitingReason {
                reason: reason.to_owned(),
                message,
            },
        }
    }

    fn is_backoff(&self) -> bool {
        matches!(
            self.reason.reason.as_str(),
            CRASH_LOOP_BACK_OFF | super::images::IMAGE_PULL_BACK_OFF
        )
    }
}

fn cri_message(error: &crate::cri::Error) -> String {
    match error {
        crate::cri::Error::Call { status, .. } => status.message().to_owned(),
        other => other.to_string(),
    }
}

impl KubeRuntime {
    /// Brings the runtime in line with `pod`: sandbox, init containers, containers,
    /// restarts by policy and back-off.
    pub async fn sync_pod(
        &self,
        pod: &Pod,
        status: &PodRuntimeStatus,
        input: SyncInput<'_>,
    ) -> SyncResult {
        let uid = uid_of(pod).to_owned();
        if let Some(host_ip) = input.host_ip {
            self.state()
                .host_ips
                .insert(uid.clone(), host_ip.to_owned());
        }
        let probes = self.probes.clone();
        let actions = actions::compute_pod_actions(pod, status, &|id| probes.restart_reason(id));
        tracing::debug!(pod = %format_pod(pod), ?actions, "computed pod actions");
        match self.apply(pod, status, input, actions).await {
            Ok(()) => SyncResult::default(),
            Err(error) => SyncResult { error: Some(error) },
        }
    }

    async fn apply(
        &self,
        pod: &Pod,
        status: &PodRuntimeStatus,
        input: SyncInput<'_>,
        actions: PodActions,
    ) -> Result<(), String> {
        let pod_ip = status.ips.first().map(String::as_str);
        if actions.create_sandbox && actions.attempt > 0 {
            self.events.normal(
                common::events::reference_of(pod),
                "SandboxChanged",
                "Syncing",
                "Pod sandbox changed, it will be killed and re-created.".to_owned(),
            );
        }
        if actions.kill_pod {
            self.kill_pod(Some(pod), status, None)
                .await
                .map_err(|e| format!("failed to kill pod: {e}"))?;
            if !actions.create_sandbox {
                return Ok(());
            }
        } else {
            for (id, kill) in &actions.containers_to_kill {
                let target = KillTarget {
                    id: id.clone(),
                    name: kill.name.clone(),
                    spec: super::find_container(pod, &kill.name),
                    message: kill.message.clone(),
                    probe: kill.probe,
                    annotated_grace: None,
                };
                self.kill_container(Some(pod), target, pod_ip, None)
                    .await
                    .map_err(|e| format!("failed to kill container {:?}: {e}", kill.name))?;
            }
        }
        let sandbox_config = sandbox::sandbox_config(pod, &self.config, actions.attempt);
        let (sandbox_id, pod_ips) = if actions.create_sandbox {
            self.create_sandbox(pod, &sandbox_config, input.host_ip)
                .await?
        } else {
            let ips = if pod_ips_from_host(pod) {
                input.host_ip.map(str::to_owned).into_iter().collect()
            } else {
                status.ips.clone()
            };
            (actions.sandbox_id.clone(), ips)
        };
        let Some(spec) = pod.spec.as_ref() else {
            return Ok(());
        };
        let ctx = StartContext {
            pod,
            status,
            input: &input,
            sandbox_id: &sandbox_id,
            sandbox_config: &sandbox_config,
            pod_ips: &pod_ips,
        };
        let mut first_error = None;
        for &i in &actions.init_containers_to_start {
            let Some(c) = spec.init_containers.as_ref().and_then(|inits| inits.get(i)) else {
                continue;
            };
            if let Err(failure) = self.start_with_backoff(&ctx, c).await {
                if !failure.is_backoff() {
                    first_error.get_or_insert(format!(
                        "failed to start init container {:?}: {}",
                        c.name, failure.reason.message
                    ));
                }
                if is_restartable_init(c) {
                    continue;
                }
                return first_error.map_or(Ok(()), Err);
            }
            if !is_restartable_init(c) {
                // One regular init container at a time: the next sync starts the next.
                break;
            }
        }
        for &i in &actions.containers_to_start {
            let Some(c) = spec.containers.get(i) else {
                continue;
            };
            if let Err(failure) = self.start_with_backoff(&ctx, c).await
                && !failure.is_backoff()
            {
                first_error.get_or_insert(format!(
                    "failed to start container {:?}: {}",
                    c.name, failure.reason.message
                ));
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn create_sandbox(
        &self,
        pod: &Pod,
        config: &v1::PodSandboxConfig,
        host_ip: Option<&str>,
    ) -> Result<(String, Vec<String>), String> {
        if let Err(error) = std::fs::create_dir_all(&config.log_directory) {
            return Err(format!(
                "failed to create the pod log directory {:?}: {error}",
                config.log_directory
            ));
        }
        let created = self
            .cri
            .run_pod_sandbox(v1::RunPodSandboxRequest {
                config: Some(config.clone()),
                runtime_handler: String::new(),
            })
            .await;
        let id = match created {
            Ok(response) => response.pod_sandbox_id,
            Err(error) => {
                let message = format!("Failed to create pod sandbox: {}", cri_message(&error));
                self.events.warning(
                    common::events::reference_of(pod),
                    "FailedCreatePodSandBox",
                    "Syncing",
                    message.clone(),
                );
                return Err(message);
            }
        };
        let ips = if pod_ips_from_host(pod) {
            host_ip.map(str::to_owned).into_iter().collect()
        } else {
            match self
                .cri
                .pod_sandbox_status(v1::PodSandboxStatusRequest {
                    pod_sandbox_id: id.clone(),
                    verbose: false,
                })
                .await
            {
                Ok(response) => response
                    .status
                    .as_ref()
                    .map(pod_status::sandbox_ips)
                    .unwrap_or_default(),
                Err(error) => {
                    return Err(format!(
                        "failed to get the status of sandbox {id}: {}",
                        cri_message(&error)
                    ));
                }
            }
        };
        Ok((id, ips))
    }

    /// Starts `c` unless it is backing off; remembers the outcome for the API status.
    async fn start_with_backoff(
        &self,
        ctx: &StartContext<'_>,
        c: &Container,
    ) -> Result<(), StartFailure> {
        let uid = uid_of(ctx.pod);
        let result = match self.check_backoff(ctx, c) {
            Err(failure) => Err(failure),
            Ok(()) => self.start_container(ctx, c).await,
        };
        match &result {
            Ok(()) => self.set_reason(uid, &c.name, None),
            Err(failure) => self.set_reason(uid, &c.name, Some(failure.reason.clone())),
        }
        result
    }

    /// Upstream `doBackOff`: a container whose last instance exited waits out its back-off.
    fn check_backoff(&self, ctx: &StartContext<'_>, c: &Container) -> Result<(), StartFailure> {
        let Some(latest) = ctx.status.latest(&c.name) else {
            return Ok(());
        };
        if latest.state != v1::ContainerState::ContainerExited as i32 {
            return Ok(());
        }
        let finished = time_of_nanos(latest.finished_at);
        let key = backoff_key(ctx.pod, c);
        let now = SystemTime::now();
        let mut state = self.state();
        if state
            .container_backoff
            .is_in_backoff_since(&key, finished, now)
        {
            let delay = state.container_backoff.get(&key);
            drop(state);
            let pod = format_pod(ctx.pod);
            self.events.warning(
                container_reference(ctx.pod, &c.name),
                "BackOff",
                "Starting",
                format!(
                    "Back-off restarting failed container {} in pod {pod}",
                    c.name
                ),
            );
            return Err(StartFailure::new(
                CRASH_LOOP_BACK_OFF,
                format!(
                    "back-off {} restarting failed container={} pod={pod}",
                    go_duration(delay),
                    c.name
                ),
            ));
        }
        state.container_backoff.next(&key, now);
        Ok(())
    }

    /// Upstream `startContainer`: image, config, create, start, postStart.
    async fn start_container(
        &self,
        ctx: &StartContext<'_>,
        c: &Container,
    ) -> Result<(), StartFailure> {
        let pod = ctx.pod;
        let reference = container_reference(pod, &c.name);
        let fail = |reason: &str, message: String| {
            self.events.warning(
                reference.clone(),
                "Failed",
                "Starting",
                format!("Error: {message}"),
            );
            StartFailure::new(reason, message)
        };
        let (image_ref, image_uid) = match self.ensure_image(pod, c, ctx.sandbox_config).await {
            Ok(found) => found,
            Err(reason) => {
                self.events.warning(
                    reference.clone(),
                    "Failed",
                    "Starting",
                    format!("Error: {}", reason.reason),
                );
                return Err(StartFailure { reason });
            }
        };
        let previous = ctx.status.containers_named(&c.name);
        let restart_count = previous
            .first()
            .map_or(0, |s| container::restart_count_of(&s.annotations) + 1);
        if container::run_as_non_root(pod, c) {
            let user = c
                .security_context
                .as_ref()
                .and_then(|s| s.run_as_user)
                .or_else(|| {
                    pod.spec
                        .as_ref()
                        .and_then(|s| s.security_context.as_ref())
                        .and_then(|s| s.run_as_user)
                })
                .or(image_uid);
            if user == Some(0) {
                return Err(fail(
                    CREATE_CONTAINER_CONFIG_ERROR,
                    "container has runAsNonRoot and image will run as root".to_owned(),
                ));
            }
        }
        let envs =
            crate::env::container_env(pod, c, ctx.pod_ips, ctx.input.host_ip, ctx.input.objects)
                .await
                .map_err(|e| fail(CREATE_CONTAINER_CONFIG_ERROR, e.to_string()))?;
        let mounts = crate::volumes::container_mounts_with_env(
            pod,
            c,
            ctx.input.volumes,
            ctx.pod_ips,
            &envs,
        )
        .map_err(|e| fail(CREATE_CONTAINER_CONFIG_ERROR, e.to_string()))?;
        let wants_message_file = c
            .termination_message_path
            .as_deref()
            .is_none_or(|p| !p.is_empty());
        let message_file = if wants_message_file {
            Some(
                container::create_termination_message_file(
                    &self.config.root_dir,
                    uid_of(pod),
                    &c.name,
                )
                .map_err(|e| {
                    fail(
                        CREATE_CONTAINER_CONFIG_ERROR,
                        format!("failed to create the termination message file: {e}"),
                    )
                })?,
            )
        } else {
            None
        };
        let config = container::build_config(
            pod,
            c,
            ConfigInput {
                image_ref: &image_ref,
                restart_count,
                envs,
                mounts,
                termination_message_file: message_file.as_deref(),
                memory_capacity: self.memory_capacity,
            },
        );
        // Keep the newest exited instance (for lastState); older ones go.
        for old in previous.iter().skip(1) {
            if old.state == v1::ContainerState::ContainerExited as i32 {
                let _ = self
                    .cri
                    .remove_container(v1::RemoveContainerRequest {
                        container_id: old.id.clone(),
                    })
                    .await;
            }
        }
        let id = self
            .cri
            .create_container(v1::CreateContainerRequest {
                pod_sandbox_id: ctx.sandbox_id.to_owned(),
                config: Some(config),
                sandbox_config: Some(ctx.sandbox_config.clone()),
            })
            .await
            .map_err(|e| fail(CREATE_CONTAINER_ERROR, cri_message(&e)))?
            .container_id;
        self.events.normal(
            reference.clone(),
            "Created",
            "Starting",
            format!("Created container: {}", c.name),
        );
        self.cri
            .start_container(v1::StartContainerRequest {
                container_id: id.clone(),
            })
            .await
            .map_err(|e| fail(RUN_CONTAINER_ERROR, cri_message(&e)))?;
        self.events.normal(
            reference.clone(),
            "Started",
            "Starting",
            format!("Started container {}", c.name),
        );
        if let Some(post_start) = c.lifecycle.as_ref().and_then(|l| l.post_start.as_ref()) {
            let pod_ip = ctx.pod_ips.first().map(String::as_str);
            if let Err(message) = crate::probes::handlers::run_lifecycle_handler(
                &self.cri, pod, c, &id, post_start, pod_ip,
            )
            .await
            {
                self.events.warning(
                    reference,
                    "FailedPostStartHook",
                    "Starting",
                    message.clone(),
                );
                let target = KillTarget {
                    id,
                    name: c.name.clone(),
                    spec: Some(c),
                    message: "FailedPostStartHook".to_owned(),
                    probe: None,
                    annotated_grace: None,
                };
                if let Err(error) = self.kill_container(Some(pod), target, pod_ip, None).await {
                    tracing::warn!(container = %c.name, %error, "could not kill a container whose postStart hook failed");
                }
                return Err(StartFailure::new(POST_START_HOOK_ERROR, message));
            }
        }
        Ok(())
    }
}

/// Host-network pods have the node's IPs.
fn pod_ips_from_host(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.host_network)
        .unwrap_or(false)
}

struct StartContext<'a> {
    pod: &'a Pod,
    status: &'a PodRuntimeStatus,
    input: &'a SyncInput<'a>,
    sandbox_id: &'a str,
    sandbox_config: &'a v1::PodSandboxConfig,
    pod_ips: &'a [String],
}
