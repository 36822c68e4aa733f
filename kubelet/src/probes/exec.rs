//! Exec probes and hooks: a command run in the container through CRI `ExecSync` (upstream
//! `pkg/probe/exec` and kuberuntime's `RunInContainer`). Exit code 0 is success; the output is
//! stdout then stderr, at most 10 KiB.

use std::collections::HashMap;
use std::time::Duration;

use k8s_openapi::api::core::v1::Container;

use super::prober::{Attempt, Outcome};
use crate::cri::{RuntimeClient, v1};

/// Upstream `maxReadLength` of exec probe output.
const MAX_OUTPUT: usize = 10 * 1024;

/// Why a command could not give an exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExecError {
    /// The runtime gave up after the timeout (upstream's `TimeoutError` text).
    #[error("command {command:?} timed out")]
    Timeout { command: String },
    /// Any other CRI failure, as Go's gRPC prints a status.
    #[error("rpc error: code = {code:?} desc = {message}")]
    Cri { code: tonic::Code, message: String },
}

/// A finished command: combined output (truncated) and exit code.
pub(crate) struct ExecOutput {
    pub output: String,
    pub stderr: String,
    pub exit_code: i32,
}

/// Runs `command` in the container; `timeout` zero waits forever.
pub(crate) async fn run_in_container(
    cri: &RuntimeClient,
    container_id: &str,
    command: Vec<String>,
    timeout: Duration,
) -> Result<ExecOutput, ExecError> {
    let joined = command.join(" ");
    let request = v1::ExecSyncRequest {
        container_id: container_id.to_owned(),
        cmd: command,
        timeout: timeout.as_secs() as i64,
    };
    match cri.exec_sync(request).await {
        Ok(response) => {
            let mut data = response.stdout;
            data.extend_from_slice(&response.stderr);
            data.truncate(MAX_OUTPUT);
            Ok(ExecOutput {
                output: String::from_utf8_lossy(&data).into_owned(),
                stderr: String::from_utf8_lossy(&response.stderr).into_owned(),
                exit_code: response.exit_code,
            })
        }
        Err(error) => {
            let (code, message) = match &error {
                crate::cri::Error::Call { status, .. } => {
                    (status.code(), status.message().to_owned())
                }
                other => (tonic::Code::Unavailable, other.to_string()),
            };
            // containerd reports its own exec deadline as DeadlineExceeded, as does the
            // client deadline.
            if code == tonic::Code::DeadlineExceeded {
                Err(ExecError::Timeout { command: joined })
            } else {
                Err(ExecError::Cri { code, message })
            }
        }
    }
}

/// An exec probe: success on exit code 0, failure on another code or a timeout.
pub(crate) async fn probe(
    cri: &RuntimeClient,
    container_id: &str,
    command: Vec<String>,
    timeout: Duration,
) -> Attempt {
    match run_in_container(cri, container_id, command, timeout).await {
        Ok(done) if done.exit_code == 0 => (Outcome::Success, done.output, None),
        Ok(done) => (Outcome::Failure, done.output, None),
        Err(error @ ExecError::Timeout { .. }) => (Outcome::Failure, error.to_string(), None),
        Err(error) => (Outcome::Unknown, String::new(), Some(error.to_string())),
    }
}

/// Expands `$(VAR)` in a probe command with the container's literal `env` values only
/// (upstream `ExpandContainerCommandOnlyStatic`): `$$` is a literal `$`, and unknown
/// references stay as written.
pub(crate) fn expand_static(command: &[String], container: &Container) -> Vec<String> {
    let vars: HashMap<&str, &str> = container
        .env
        .iter()
        .flatten()
        .filter(|v| v.value_from.is_none())
        .map(|v| (v.name.as_str(), v.value.as_deref().unwrap_or_default()))
        .collect();
    command.iter().map(|arg| expand(arg, &vars)).collect()
}

fn expand(input: &str, vars: &HashMap<&str, &str>) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('(')
            && let Some(end) = body.find(')')
        {
            let name = &body[..end];
            match vars.get(name) {
                Some(value) => out.push_str(value),
                None => {
                    out.push_str("$(");
                    out.push_str(name);
                    out.push(')');
                }
            }
            rest = &body[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::EnvVar;

    #[test]
    fn expands_static_env_only() {
        let container = Container {
            name: "c".into(),
            env: Some(vec![
                EnvVar {
                    name: "FILE".into(),
                    value: Some("/tmp/healthy".into()),
                    ..Default::default()
                },
                EnvVar {
                    name: "FROM".into(),
                    value_from: Some(Default::default()),
                    ..Default::default()
                },
            ]),
            ..Default::default()
        };
        let command = ["cat", "$(FILE)", "$(FROM)", "$$(FILE)", "a$b", "$(open"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            expand_static(&command, &container),
            ["cat", "/tmp/healthy", "$(FROM)", "$(FILE)", "a$b", "$(open"]
        );
    }
}
