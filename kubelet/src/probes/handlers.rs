//! Lifecycle hooks (postStart, preStop): exec, httpGet and sleep handlers (upstream
//! `pkg/kubelet/lifecycle/handlers.go`). A failure's message is the text of upstream's
//! `FailedPostStartHook` / `FailedPreStopHook` events.

use std::time::Duration;

use k8s_openapi::api::core::v1::{Container, LifecycleHandler, Pod};

use super::bare_id;
use super::exec::run_in_container;
use super::http::{self, HttpError};
use super::prober::pod_desc;
use crate::cri::RuntimeClient;

/// Runs one hook handler to completion; `Err` carries the message of the failure event.
/// Exec hooks have no timeout (as upstream); the caller bounds preStop by the grace period
/// by dropping the future.
pub async fn run_lifecycle_handler(
    cri: &RuntimeClient,
    pod: &Pod,
    container: &Container,
    container_id: &str,
    handler: &LifecycleHandler,
    pod_ip: Option<&str>,
) -> Result<(), String> {
    let pod_name = pod_desc(pod);
    if let Some(action) = &handler.exec {
        let command = action.command.clone().unwrap_or_default();
        let listed = format!("[{}]", command.join(" "));
        let joined = command.join(" ");
        let failed = |error: String, output: &str| {
            tracing::debug!(container = %container.name, pod = %pod_name, %error, "exec lifecycle hook failed");
            format!(
                "Exec lifecycle hook ({listed}) for Container {:?} in Pod {pod_name:?} failed - error: {error}, message: {output:?}",
                container.name
            )
        };
        return match run_in_container(cri, bare_id(container_id), command, Duration::ZERO).await {
            Ok(done) if done.exit_code == 0 => Ok(()),
            Ok(done) => Err(failed(
                format!(
                    "command '{joined}' exited with {}: {}",
                    done.exit_code, done.stderr
                ),
                &done.output,
            )),
            Err(error) => Err(failed(error.to_string(), "")),
        };
    }
    if let Some(action) = &handler.http_get {
        let path = action.path.as_deref().unwrap_or_default();
        let failed = |error: String| {
            tracing::debug!(container = %container.name, pod = %pod_name, %error, "HTTP lifecycle hook failed");
            format!(
                "HTTP lifecycle hook ({path}) for Container {:?} in Pod {pod_name:?} failed - error: {error}",
                container.name
            )
        };
        let has_host = action.host.as_deref().is_some_and(|h| !h.is_empty());
        let pod_ip = pod_ip.unwrap_or_default();
        if !has_host && pod_ip.is_empty() {
            return Err(failed(format!(
                "failed to find networking container for pod {pod_name}"
            )));
        }
        let request =
            http::request_for_action(action, container, pod_ip, "lifecycle").map_err(&failed)?;
        // The status code does not matter, only that the request went through.
        return match http::get(&request, true).await {
            Ok(_) => Ok(()),
            Err(HttpError::Request(error)) if request.url.https && speaks_plain_http(&error) => {
                // An HTTPS hook answered in plain HTTP: retry over HTTP, as upstream does.
                let mut plain = request.clone();
                plain.url.https = false;
                plain
                    .headers
                    .retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
                tracing::info!(container = %container.name, pod = %pod_name, "HTTPS lifecycle hook got an HTTP response, retrying with HTTP");
                match http::get(&plain, true).await {
                    Ok(_) => Ok(()),
                    Err(_) => Err(failed(error)),
                }
            }
            Err(error) => Err(failed(error.to_string())),
        };
    }
    if let Some(action) = &handler.sleep {
        tokio::time::sleep(Duration::from_secs(action.seconds.max(0) as u64)).await;
        return Ok(());
    }
    Err("Cannot run handler: invalid handler: no exec, httpGet or sleep action".to_owned())
}

/// A TLS handshake that met a plain-HTTP server.
fn speaks_plain_http(error: &str) -> bool {
    error.contains("InvalidContentType") || error.contains("corrupt message")
}
