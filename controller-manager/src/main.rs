//! kube-controller-manager: parses flags and runs [`controller_manager::app::run`].

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;

/// mimalloc, as the other daemons: reconciles allocate many small values.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    common::glibc_memcpy::avoid_slow_rep_movsb();
    common::allocator::return_freed_memory_promptly();
    let options = controller_manager::options::Options::parse();
    common::logging::init(&options.logging)?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    let address = SocketAddr::new(options.bind_address, options.secure_port);
    let listener =
        common::serving::listen(address).with_context(|| format!("binding {address}"))?;
    controller_manager::app::run(options, listener, shutdown).await
}
