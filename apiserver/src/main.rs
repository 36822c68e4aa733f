//! kube-apiserver: parses flags and runs [`apiserver::app::run`].

use std::net::SocketAddr;

use anyhow::Context;
use clap::Parser;

/// glibc's malloc took a fifth of the CPU of a pod create (profiled); see the README's design
/// notes.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    common::glibc_memcpy::avoid_slow_rep_movsb();
    common::allocator::return_freed_memory_promptly();
    let options = apiserver::options::Options::parse();
    common::logging::init(&options.logging)?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    let address = SocketAddr::new(options.bind_address, options.secure_port);
    let listener =
        common::serving::listen(address).with_context(|| format!("binding {address}"))?;
    apiserver::app::run(options, listener, shutdown).await
}
