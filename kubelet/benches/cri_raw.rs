//! The raw CRI path, without the kubelet: for each of N pods (30 by default,
//! `CRI_BENCH_PODS`), RunPodSandbox, CreateContainer and StartContainer of busybox
//! `sleep 3600`, images already present. Prints p50/p99/max per call and per pod, the floor
//! any kubelet on this runtime can reach.
//!
//! Runs against `KUBELET_TEST_CRI_ENDPOINT` when set (importing the busybox image if that
//! runtime lacks it, and removing it again), else starts its own containerd through kubeadm's
//! module. Everything it creates is removed at the end, also on failure.
//!
//! `cargo bench -p kubelet --bench cri_raw`

use std::path::Path;
use std::time::{Duration, Instant};

use kubeadm::containerd::{Containerd, ContainerdConfig};
use kubeadm::images::{BUSYBOX_IMAGE, BuildOptions};
use kubelet::cri::{RuntimeClient, v1};

const TIMEOUT: Duration = Duration::from_secs(120);

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Stops and removes the benchmark's sandboxes (and the image it imported) on drop, from a
/// thread of its own with a fresh connection.
struct Cleanup {
    endpoint: String,
    sandboxes: Vec<String>,
    imported_image: Option<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        let endpoint = self.endpoint.clone();
        let sandboxes = std::mem::take(&mut self.sandboxes);
        let image = self.imported_image.take();
        let _ = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                let Ok(cri) = RuntimeClient::connect(&endpoint, TIMEOUT).await else {
                    eprintln!("cleanup: cannot connect to {endpoint}");
                    return;
                };
                for id in sandboxes {
                    let stop = v1::StopPodSandboxRequest {
                        pod_sandbox_id: id.clone(),
                    };
                    if let Err(error) = cri.stop_pod_sandbox(stop).await {
                        eprintln!("cleanup: stopping sandbox {id}: {error}");
                    }
                    let remove = v1::RemovePodSandboxRequest {
                        pod_sandbox_id: id.clone(),
                    };
                    if let Err(error) = cri.remove_pod_sandbox(remove).await {
                        eprintln!("cleanup: removing sandbox {id}: {error}");
                    }
                }
                if let Some(image) = image {
                    let _ = cri
                        .remove_image(v1::RemoveImageRequest {
                            image: Some(v1::ImageSpec {
                                image,
                                ..Default::default()
                            }),
                        })
                        .await;
                }
            });
        })
        .join();
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn row(name: &str, samples: &mut [Duration]) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = samples.iter().sum::<Duration>() / samples.len().max(1) as u32;
    println!(
        "| {name:<16} | {:>8.1} | {:>8.1} | {:>8.1} | {:>8.1} |",
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 99.0)),
        ms(samples.last().copied().unwrap_or_default()),
        ms(mean),
    );
}

async fn has_image(cri: &RuntimeClient, image: &str) -> bool {
    let request = v1::ImageStatusRequest {
        image: Some(v1::ImageSpec {
            image: image.to_owned(),
            ..Default::default()
        }),
        verbose: false,
    };
    matches!(cri.image_status(request).await, Ok(response) if response.image.is_some())
}

/// Builds the busybox archive into `dir` and imports it with the runtime's importer.
async fn import_busybox(cri: &RuntimeClient, endpoint: &str, dir: &Path) -> Result<(), BoxError> {
    let built = {
        let dir = dir.to_owned();
        tokio::task::spawn_blocking(move || {
            kubeadm::images::build_busybox(&dir, &BuildOptions::default())
        })
        .await??
    };
    let importer = kubelet::images::Importer::detect(cri, endpoint).await?;
    importer.import(&built.path).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let pods: usize = std::env::var("CRI_BENCH_PODS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30);
    let scratch = tempfile::tempdir()?;
    // Our own containerd unless one is given; dropped (stopped, cleaned) last.
    let mut own: Option<Containerd> = None;
    let endpoint = match std::env::var("KUBELET_TEST_CRI_ENDPOINT") {
        Ok(endpoint) => endpoint,
        Err(_) => {
            let images = scratch.path().join("images");
            let build = images.clone();
            let built =
                tokio::task::spawn_blocking(move || kubeadm::images::build_all(&build)).await??;
            let mut config = ContainerdConfig::new(scratch.path().join("containerd"));
            config.static_pod_cidrs = vec!["10.250.0.0/24".to_owned()];
            let containerd = Containerd::start(config).await?;
            for image in &built {
                containerd.import(&image.path).await?;
            }
            let endpoint = containerd.endpoint();
            own = Some(containerd);
            endpoint
        }
    };
    let cri = RuntimeClient::connect(&endpoint, TIMEOUT).await?;
    let version = cri
        .version(v1::VersionRequest {
            version: "v1".to_owned(),
        })
        .await?;

    let mut cleanup = Cleanup {
        endpoint: endpoint.clone(),
        sandboxes: Vec::new(),
        imported_image: None,
    };
    if !has_image(&cri, BUSYBOX_IMAGE).await {
        import_busybox(&cri, &endpoint, scratch.path()).await?;
        cleanup.imported_image = Some(BUSYBOX_IMAGE.to_owned());
    }

    let run_id: u32 = rand::random();
    let (mut run, mut create, mut start, mut total) = (vec![], vec![], vec![], vec![]);
    let wall = Instant::now();
    for i in 0..pods {
        let name = format!("cri-raw-{run_id:08x}-{i}");
        let config = v1::PodSandboxConfig {
            metadata: Some(v1::PodSandboxMetadata {
                name: name.clone(),
                uid: format!("{run_id:08x}-{i}"),
                namespace: "cri-bench".to_owned(),
                attempt: 0,
            }),
            hostname: name.clone(),
            linux: Some(v1::LinuxPodSandboxConfig::default()),
            ..Default::default()
        };
        let pod_started = Instant::now();
        let sandbox = cri
            .run_pod_sandbox(v1::RunPodSandboxRequest {
                config: Some(config.clone()),
                runtime_handler: String::new(),
            })
            .await?
            .pod_sandbox_id;
        run.push(pod_started.elapsed());
        cleanup.sandboxes.push(sandbox.clone());

        let t = Instant::now();
        let container = cri
            .create_container(v1::CreateContainerRequest {
                pod_sandbox_id: sandbox,
                config: Some(v1::ContainerConfig {
                    metadata: Some(v1::ContainerMetadata {
                        name: "sleep".to_owned(),
                        attempt: 0,
                    }),
                    image: Some(v1::ImageSpec {
                        image: BUSYBOX_IMAGE.to_owned(),
                        ..Default::default()
                    }),
                    command: vec!["sleep".to_owned(), "3600".to_owned()],
                    ..Default::default()
                }),
                sandbox_config: Some(config),
            })
            .await?
            .container_id;
        create.push(t.elapsed());

        let t = Instant::now();
        cri.start_container(v1::StartContainerRequest {
            container_id: container,
        })
        .await?;
        start.push(t.elapsed());
        total.push(pod_started.elapsed());
    }
    let wall = wall.elapsed();

    println!(
        "\nraw CRI path: {pods} pods, one after another, on {} {} ({endpoint})\n",
        version.runtime_name, version.runtime_version
    );
    println!("| call             |  p50 ms  |  p99 ms  |  max ms  | mean ms  |");
    println!("|------------------|----------|----------|----------|----------|");
    row("RunPodSandbox", &mut run);
    row("CreateContainer", &mut create);
    row("StartContainer", &mut start);
    row("pod (all three)", &mut total);
    println!(
        "\nwall time {:.2} s, {:.1} pods/s",
        wall.as_secs_f64(),
        pods as f64 / wall.as_secs_f64()
    );

    let teardown = Instant::now();
    drop(cleanup);
    println!(
        "teardown (stop + remove {pods} sandboxes): {:.2} s",
        teardown.elapsed().as_secs_f64()
    );
    if let Some(containerd) = own.take() {
        tokio::task::spawn_blocking(move || drop(containerd)).await?;
    }
    Ok(())
}
