//! kubelet: parses flags and the config file, and runs [`kubelet::app::run`].

use clap::Parser;

/// mimalloc, as the other daemons.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    common::glibc_memcpy::avoid_slow_rep_movsb();
    common::allocator::return_freed_memory_promptly();
    let options = kubelet::options::Options::parse();
    common::logging::init(&options.logging)?;
    let config = options.into_config()?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    kubelet::app::run(config, shutdown).await
}
