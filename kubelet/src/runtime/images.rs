//! Making sure a container's image is there (upstream `EnsureImageExists`): the pull policy
//! (default `Always` for `:latest` or no tag, else `IfNotPresent`), `ImageStatus`, then
//! `PullImage` with a back-off per pod and image; the waiting reasons `ErrImagePull`,
//! `ImagePullBackOff` and `ErrImageNeverPull`, and the Pulling/Pulled/Failed/BackOff events.

use std::time::{Instant, SystemTime};

use k8s_openapi::api::core::v1::{Container, Pod};

use super::backoff::go_duration;
use super::{KubeRuntime, WaitingReason, container_reference, uid_of};
use crate::cri::v1;

pub const ERR_IMAGE_PULL: &str = "ErrImagePull";
pub const IMAGE_PULL_BACK_OFF: &str = "ImagePullBackOff";
pub const ERR_IMAGE_NEVER_PULL: &str = "ErrImageNeverPull";
pub const INVALID_IMAGE_NAME: &str = "InvalidImageName";

/// Whether `image` names a tag (or digest) other than `latest`.
fn has_explicit_tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return Some("digest");
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.rsplit_once(':').map(|(_, tag)| tag)
}

/// The effective `imagePullPolicy` (the API server defaults it; this covers pods that come
/// without it, such as static pods).
pub fn pull_policy(container: &Container) -> &str {
    if let Some(policy) = container
        .image_pull_policy
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        return policy;
    }
    let image = container.image.as_deref().unwrap_or_default();
    match has_explicit_tag(image) {
        None | Some("latest") => "Always",
        Some(_) => "IfNotPresent",
    }
}

impl KubeRuntime {
    async fn image_present(&self, image: &str) -> Result<Option<v1::Image>, crate::cri::Error> {
        Ok(self
            .cri
            .image_status(v1::ImageStatusRequest {
                image: Some(v1::ImageSpec {
                    image: image.to_owned(),
                    ..Default::default()
                }),
                verbose: false,
            })
            .await?
            .image)
    }

    /// The image reference to create the container from, or why it cannot be had. Also
    /// returns the image's user (uid) when known, for `runAsNonRoot`.
    pub(super) async fn ensure_image(
        &self,
        pod: &Pod,
        container: &Container,
        sandbox_config: &v1::PodSandboxConfig,
    ) -> Result<(String, Option<i64>), WaitingReason> {
        let image = container.image.clone().unwrap_or_default();
        let reference = container_reference(pod, &container.name);
        if image.is_empty() {
            return Err(WaitingReason {
                reason: INVALID_IMAGE_NAME.to_owned(),
                message: format!("Failed to apply default image tag {image:?}: empty image"),
            });
        }
        let policy = pull_policy(container);
        let present = match self.image_present(&image).await {
            Ok(found) => found,
            Err(error) => {
                let message = format!("Failed to inspect image {image:?}: {error}");
                self.events
                    .warning(reference, "InspectFailed", "Pulling", message.clone());
                return Err(WaitingReason {
                    reason: "ImageInspectError".to_owned(),
                    message,
                });
            }
        };
        let uid_of_image = |img: &v1::Image| img.uid.as_ref().map(|u| u.value);
        if let Some(found) = present.as_ref()
            && policy != "Always"
        {
            self.events.normal(
                reference,
                "Pulled",
                "Pulling",
                format!("Container image {image:?} already present on machine"),
            );
            let id = if found.id.is_empty() {
                image.clone()
            } else {
                found.id.clone()
            };
            return Ok((id, uid_of_image(found)));
        }
        if present.is_none() && policy == "Never" {
            let message =
                format!("Container image {image:?} is not present with pull policy of Never");
            self.events
                .warning(reference, ERR_IMAGE_NEVER_PULL, "Pulling", message.clone());
            return Err(WaitingReason {
                reason: ERR_IMAGE_NEVER_PULL.to_owned(),
                message,
            });
        }
        let key = format!("{}_{image}", uid_of(pod));
        let now = SystemTime::now();
        if self
            .state()
            .image_backoff
            .is_in_backoff_since_update(&key, now)
        {
            let message = format!("Back-off pulling image {image:?}");
            self.events
                .normal(reference, "BackOff", "Pulling", message.clone());
            return Err(WaitingReason {
                reason: IMAGE_PULL_BACK_OFF.to_owned(),
                message,
            });
        }
        self.events.normal(
            reference.clone(),
            "Pulling",
            "Pulling",
            format!("Pulling image {image:?}"),
        );
        let started = Instant::now();
        let pulled = self
            .cri
            .pull_image(v1::PullImageRequest {
                image: Some(v1::ImageSpec {
                    image: image.clone(),
                    ..Default::default()
                }),
                auth: None,
                sandbox_config: Some(sandbox_config.clone()),
            })
            .await;
        match pulled {
            Ok(response) => {
                let elapsed = started.elapsed();
                let truncated = std::time::Duration::from_millis(elapsed.as_millis() as u64);
                let status = self.image_present(&response.image_ref).await.ok().flatten();
                let size = status.as_ref().map_or(0, |i| i.size);
                self.events.normal(
                    reference,
                    "Pulled",
                    "Pulling",
                    format!(
                        "Successfully pulled image {image:?} in {} ({} including waiting). Image size: {size} bytes.",
                        go_duration(truncated),
                        go_duration(truncated)
                    ),
                );
                self.state().image_backoff.gc(SystemTime::now());
                let id = if response.image_ref.is_empty() {
                    image
                } else {
                    response.image_ref
                };
                Ok((id, status.as_ref().and_then(uid_of_image)))
            }
            Err(error) => {
                let detail = match &error {
                    crate::cri::Error::Call { status, .. } => status.message().to_owned(),
                    other => other.to_string(),
                };
                self.events.warning(
                    reference,
                    "Failed",
                    "Pulling",
                    format!("Failed to pull image {image:?}: {detail}"),
                );
                self.state().image_backoff.next(&key, SystemTime::now());
                Err(WaitingReason {
                    reason: ERR_IMAGE_PULL.to_owned(),
                    message: detail,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(image: &str, policy: Option<&str>) -> Container {
        Container {
            name: "c".into(),
            image: Some(image.into()),
            image_pull_policy: policy.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn default_pull_policies() {
        assert_eq!(pull_policy(&c("busybox", None)), "Always");
        assert_eq!(pull_policy(&c("busybox:latest", None)), "Always");
        assert_eq!(pull_policy(&c("busybox:1.36", None)), "IfNotPresent");
        assert_eq!(pull_policy(&c("localhost:5000/busybox", None)), "Always");
        assert_eq!(pull_policy(&c("busybox@sha256:abc", None)), "IfNotPresent");
        assert_eq!(pull_policy(&c("busybox", Some("Never"))), "Never");
    }
}
