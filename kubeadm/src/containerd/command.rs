//! `kubeadm containerd`: a private containerd with the project's images, until Ctrl-C.
//!
//! For CI and development: builds the images (or takes a folder of archives), starts
//! containerd under `--data-dir`, imports every `*.tar`, writes a static CNI config when
//! `--pod-cidr` is given (without a kubelet nobody calls `UpdateRuntimeConfig`), prints the
//! CRI endpoint, and tears everything down on SIGTERM or SIGINT.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{Containerd, ContainerdConfig};

#[derive(clap::Args, Clone, Debug)]
pub struct ContainerdArgs {
    /// Folder for containerd's root, state, socket, config, log and CNI files.
    #[arg(long = "data-dir", default_value = "./.containerd")]
    pub data_dir: PathBuf,
    /// Folder of OCI archives to import; by default the images are built into DATA_DIR/images.
    #[arg(long = "image-dir")]
    pub image_dir: Option<PathBuf>,
    /// Pod CIDRs to write a CNI config for now (comma separated); without it the CNI config
    /// appears when a kubelet calls UpdateRuntimeConfig.
    #[arg(long = "pod-cidr", value_delimiter = ',')]
    pub pod_cidrs: Vec<String>,
    /// A network namespace (`ip netns` name) to run containerd in.
    #[arg(long = "netns")]
    pub netns: Option<String>,
}

pub async fn run(args: ContainerdArgs, shutdown: common::shutdown::Shutdown) -> Result<()> {
    let data_dir = std::path::absolute(&args.data_dir).context("resolving --data-dir")?;
    let image_dir = match args.image_dir {
        Some(dir) => dir,
        None => {
            let dir = data_dir.join("images");
            let build = dir.clone();
            tokio::task::spawn_blocking(move || crate::images::build_all(&build))
                .await?
                .context("building the images")?;
            dir
        }
    };
    let mut config = ContainerdConfig::new(data_dir.join("containerd"));
    config.static_pod_cidrs = args.pod_cidrs;
    config.netns = args.netns;
    let containerd = Containerd::start(config).await?;
    let mut archives: Vec<PathBuf> = std::fs::read_dir(&image_dir)
        .with_context(|| format!("reading {}", image_dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "tar"))
        .collect();
    archives.sort();
    for archive in &archives {
        containerd.import(archive).await?;
    }
    println!("{}", containerd.endpoint());
    shutdown.wait().await;
    tokio::task::spawn_blocking(move || drop(containerd)).await?;
    Ok(())
}
