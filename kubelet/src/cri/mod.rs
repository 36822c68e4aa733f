//! The CRI v1 client: gRPC over the runtime's unix socket (`--container-runtime-endpoint`).
//!
//! Only the CRI API is used, so any CRI runtime (containerd, CRI-O) works. [`RuntimeClient`]
//! wraps the generated `RuntimeService` and `ImageService` stubs with a per-call timeout
//! (`--runtime-request-timeout`) and maps gRPC failures to [`Error`].

use std::path::{Path, PathBuf};
use std::time::Duration;

use hyper_util::rt::TokioIo;
use tonic::transport::{Channel, Endpoint, Uri};

/// The generated CRI v1 messages and client stubs (package `runtime.v1`).
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    tonic::include_proto!("runtime.v1");
}

use v1::image_service_client::ImageServiceClient;
use v1::runtime_service_client::RuntimeServiceClient;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("container runtime endpoint {endpoint:?}: {message}")]
    Endpoint { endpoint: String, message: String },
    #[error("connecting to the container runtime at {path}: {source}")]
    Connect {
        path: PathBuf,
        source: tonic::transport::Error,
    },
    #[error("CRI {call}: {status}")]
    Call {
        call: &'static str,
        status: tonic::Status,
    },
}

impl Error {
    /// The gRPC code of a failed call (`NotFound` for a container or sandbox that is gone).
    pub fn code(&self) -> Option<tonic::Code> {
        match self {
            Error::Call { status, .. } => Some(status.code()),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.code() == Some(tonic::Code::NotFound)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The socket path of a `unix://` endpoint (a bare path is accepted too, as upstream does).
pub fn socket_path(endpoint: &str) -> Result<PathBuf> {
    let path = endpoint.strip_prefix("unix://").unwrap_or(endpoint);
    if path.is_empty() || endpoint.contains("://") && !endpoint.starts_with("unix://") {
        return Err(Error::Endpoint {
            endpoint: endpoint.to_owned(),
            message: "only unix:// endpoints are supported".to_owned(),
        });
    }
    Ok(PathBuf::from(path))
}

/// A connection to the runtime and image services of one CRI runtime. Cheap to clone: clones
/// share the HTTP/2 connection.
#[derive(Clone)]
pub struct RuntimeClient {
    runtime: RuntimeServiceClient<Channel>,
    images: ImageServiceClient<Channel>,
    timeout: Duration,
}

impl RuntimeClient {
    /// Connects to `unix://PATH`. `timeout` bounds every call except the streaming ones and
    /// image pulls (upstream's `--runtime-request-timeout`, 2m by default).
    pub async fn connect(endpoint: &str, timeout: Duration) -> Result<Self> {
        let path = socket_path(endpoint)?;
        Self::connect_path(&path, timeout).await
    }

    pub async fn connect_path(path: &Path, timeout: Duration) -> Result<Self> {
        let socket = path.to_owned();
        // The URI is required by tonic but unused: the connector dials the socket.
        let channel = Endpoint::from_static("http://cri.sock")
            .connect_with_connector(tower::service_fn(move |_: Uri| {
                let socket = socket.clone();
                async move {
                    tokio::net::UnixStream::connect(socket)
                        .await
                        .map(TokioIo::new)
                }
            }))
            .await
            .map_err(|source| Error::Connect {
                path: path.to_owned(),
                source,
            })?;
        let max = 16 * 1024 * 1024;
        Ok(RuntimeClient {
            runtime: RuntimeServiceClient::new(channel.clone())
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
            images: ImageServiceClient::new(channel)
                .max_decoding_message_size(max)
                .max_encoding_message_size(max),
            timeout,
        })
    }

    /// The raw runtime service stub, for calls this wrapper does not cover.
    pub fn runtime_service(&self) -> RuntimeServiceClient<Channel> {
        self.runtime.clone()
    }

    /// The raw image service stub.
    pub fn image_service(&self) -> ImageServiceClient<Channel> {
        self.images.clone()
    }

    fn request<T>(&self, message: T) -> tonic::Request<T> {
        let mut request = tonic::Request::new(message);
        request.set_timeout(self.timeout);
        request
    }
}

/// A call's answer, or the call's name with gRPC's status.
fn answer<T>(
    call: &'static str,
    result: std::result::Result<tonic::Response<T>, tonic::Status>,
) -> Result<T> {
    result
        .map(tonic::Response::into_inner)
        .map_err(|status| Error::Call { call, status })
}

/// One wrapper method per CRI call: `$name(request) -> response`, with the client's timeout.
macro_rules! runtime_calls {
    ($($service:ident . $name:ident ($request:ident) -> $response:ident;)*) => {
        impl RuntimeClient {
            $(
                pub async fn $name(&self, request: v1::$request) -> Result<v1::$response> {
                    let mut client = self.$service.clone();
                    answer(stringify!($name), client.$name(self.request(request)).await)
                }
            )*
        }
    };
}

runtime_calls! {
    runtime.version(VersionRequest) -> VersionResponse;
    runtime.status(StatusRequest) -> StatusResponse;
    runtime.run_pod_sandbox(RunPodSandboxRequest) -> RunPodSandboxResponse;
    runtime.stop_pod_sandbox(StopPodSandboxRequest) -> StopPodSandboxResponse;
    runtime.remove_pod_sandbox(RemovePodSandboxRequest) -> RemovePodSandboxResponse;
    runtime.pod_sandbox_status(PodSandboxStatusRequest) -> PodSandboxStatusResponse;
    runtime.list_pod_sandbox(ListPodSandboxRequest) -> ListPodSandboxResponse;
    runtime.create_container(CreateContainerRequest) -> CreateContainerResponse;
    runtime.start_container(StartContainerRequest) -> StartContainerResponse;
    runtime.remove_container(RemoveContainerRequest) -> RemoveContainerResponse;
    runtime.list_containers(ListContainersRequest) -> ListContainersResponse;
    runtime.container_status(ContainerStatusRequest) -> ContainerStatusResponse;
    runtime.update_container_resources(UpdateContainerResourcesRequest) -> UpdateContainerResourcesResponse;
    runtime.reopen_container_log(ReopenContainerLogRequest) -> ReopenContainerLogResponse;
    runtime.exec(ExecRequest) -> ExecResponse;
    runtime.attach(AttachRequest) -> AttachResponse;
    runtime.port_forward(PortForwardRequest) -> PortForwardResponse;
    runtime.container_stats(ContainerStatsRequest) -> ContainerStatsResponse;
    runtime.list_container_stats(ListContainerStatsRequest) -> ListContainerStatsResponse;
    runtime.pod_sandbox_stats(PodSandboxStatsRequest) -> PodSandboxStatsResponse;
    runtime.list_pod_sandbox_stats(ListPodSandboxStatsRequest) -> ListPodSandboxStatsResponse;
    runtime.update_runtime_config(UpdateRuntimeConfigRequest) -> UpdateRuntimeConfigResponse;
    images.list_images(ListImagesRequest) -> ListImagesResponse;
    images.image_status(ImageStatusRequest) -> ImageStatusResponse;
    images.remove_image(RemoveImageRequest) -> RemoveImageResponse;
    images.image_fs_info(ImageFsInfoRequest) -> ImageFsInfoResponse;
}

impl RuntimeClient {
    /// `ExecSync` with its own deadline: the command's timeout plus a margin, since a probe
    /// may run longer than the default request timeout allows (0 means no timeout).
    pub async fn exec_sync(&self, request: v1::ExecSyncRequest) -> Result<v1::ExecSyncResponse> {
        let mut client = self.runtime.clone();
        let seconds = request.timeout;
        let mut call = tonic::Request::new(request);
        if seconds > 0 {
            call.set_timeout(Duration::from_secs(seconds as u64) + Duration::from_secs(2));
        }
        answer("exec_sync", client.exec_sync(call).await)
    }

    /// `StopContainer` with the request timeout plus the grace period (`timeout`), as upstream
    /// sets its deadline: the runtime may rightly wait the whole grace period before it kills.
    pub async fn stop_container(
        &self,
        request: v1::StopContainerRequest,
    ) -> Result<v1::StopContainerResponse> {
        let mut client = self.runtime.clone();
        let grace = Duration::from_secs(request.timeout.max(0) as u64);
        let mut call = tonic::Request::new(request);
        call.set_timeout(self.timeout + grace);
        answer("stop_container", client.stop_container(call).await)
    }

    /// `PullImage` without the request timeout: pulls take as long as they take
    /// (upstream bounds them by progress, not by a deadline).
    pub async fn pull_image(&self, request: v1::PullImageRequest) -> Result<v1::PullImageResponse> {
        let mut client = self.images.clone();
        answer(
            "pull_image",
            client.pull_image(tonic::Request::new(request)).await,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        assert_eq!(
            socket_path("unix:///run/containerd/containerd.sock").unwrap(),
            PathBuf::from("/run/containerd/containerd.sock")
        );
        assert_eq!(
            socket_path("/run/crio.sock").unwrap(),
            PathBuf::from("/run/crio.sock")
        );
        assert!(socket_path("tcp://127.0.0.1:1234").is_err());
        assert!(socket_path("unix://").is_err());
    }
}
