//! hollow-nodes: simulates many nodes against a cluster (as kubemark's hollow nodes and kwok
//! do) until interrupted; see [`tests::hollow_nodes`].

use std::path::PathBuf;

use anyhow::Context;
use clap::Parser;
use common::kubeconfig::KubeconfigOptions;
use common::logging::LoggingOptions;
use tests::hollow_nodes::{HollowNodeOptions, HollowNodes};

/// The flags.
#[derive(Parser, Debug)]
#[command(
    name = "hollow-nodes",
    about = "Simulates nodes (kubelets without containers) over the API."
)]
struct Options {
    /// Path to the kubeconfig of the cluster.
    #[arg(long = "kubeconfig", value_name = "PATH")]
    kubeconfig: PathBuf,
    /// How many nodes to simulate.
    #[arg(long = "nodes", default_value_t = 1)]
    nodes: usize,
    /// Node `i` is named `<prefix><i>`.
    #[arg(long = "name-prefix", default_value = "hollow-node-")]
    name_prefix: String,
    /// CPU capacity of each node.
    #[arg(long = "cpu", default_value = "32")]
    cpu: String,
    /// Memory capacity of each node.
    #[arg(long = "memory", default_value = "256Gi")]
    memory: String,
    /// Pod capacity of each node.
    #[arg(long = "max-pods", default_value_t = 110)]
    max_pods: u32,
    /// Logging (`-v`, `--logging-format`).
    #[command(flatten)]
    logging: LoggingOptions,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    common::logging::init(&options.logging)?;
    let client = KubeconfigOptions::from_path(&options.kubeconfig)
        .client()
        .await
        .context("building the client")?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    let nodes = HollowNodes::start(
        client,
        HollowNodeOptions {
            count: options.nodes,
            name_prefix: options.name_prefix,
            cpu: options.cpu,
            memory: options.memory,
            pods: options.max_pods,
            ..HollowNodeOptions::default()
        },
    )
    .await?;
    eprintln!("hollow-nodes: {} nodes registered", options.nodes);
    shutdown.wait().await;
    nodes.shutdown().await;
    Ok(())
}
