//! kube-scheduler: parses flags and runs [`scheduler::app::run`].

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;

/// The API server's allocator, for the same reason: a scheduling cycle allocates many small
/// values, which glibc's malloc serves slowly (see the README's design notes).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    common::glibc_memcpy::avoid_slow_rep_movsb();
    common::allocator::return_freed_memory_promptly();
    let options = scheduler::options::Options::parse();
    common::logging::init(&options.logging)?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    let address = SocketAddr::new(options.bind_address, options.secure_port);
    let listener =
        common::serving::listen(address).with_context(|| format!("binding {address}"))?;
    scheduler::app::run(options, listener, shutdown).await
}
