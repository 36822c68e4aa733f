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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    common::logging::init(&cli.logging)?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    match cli.command {
        Commands::Up(options) => kubeadm::up::run(options, shutdown).await,
    }
}
