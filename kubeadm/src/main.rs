//! kubeadm: parses the subcommand and runs it.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "kubeadm", about = "Bootstrap a Kubernetes cluster", version)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
    #[command(flatten)]
    logging: common::logging::LoggingOptions,
}

#[derive(Subcommand)]
enum Commands {
    /// Start every daemon as a local process on this machine, until Ctrl-C.
    Up(kubeadm::up::UpOptions),
    /// Start one more node (containerd, kubelet, kube-proxy) for the cluster `kubeadm up`
    /// runs on this machine, until Ctrl-C; run it inside a network namespace
    /// (`nsenter --net=/run/netns/NODE -- kubeadm join …`).
    Join(kubeadm::join::JoinOptions),
    /// A private containerd with the project's images, until Ctrl-C (for CI and development).
    Containerd(kubeadm::containerd::command::ContainerdArgs),
    /// The container images this project builds (no registry needed).
    #[command(subcommand)]
    Images(ImagesCommand),
}

#[derive(Subcommand)]
enum ImagesCommand {
    /// Write `pause.tar` and `busybox.tar` (OCI archives) into `--output`.
    Build(kubeadm::images::BuildArgs),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    common::logging::init(&cli.logging)?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    match cli.command {
        Commands::Up(options) => kubeadm::up::run(options, shutdown).await,
        Commands::Join(options) => kubeadm::join::run(options, shutdown).await,
        Commands::Containerd(args) => kubeadm::containerd::command::run(args, shutdown).await,
        Commands::Images(ImagesCommand::Build(args)) => {
            let options = kubeadm::images::BuildOptions {
                busybox: args.busybox,
                ..Default::default()
            };
            let built = tokio::task::spawn_blocking(move || {
                kubeadm::images::build_all_with(&args.output, &options)
            })
            .await??;
            for image in built {
                println!("{}\t{}\t{}", image.name, image.path.display(), image.id);
            }
            Ok(())
        }
    }
}
