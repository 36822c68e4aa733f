//! kube-proxy: parses flags and runs [`proxy::app::run`] with the chosen backend, or removes
//! every rule with `--cleanup`.

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    common::glibc_memcpy::avoid_slow_rep_movsb();
    common::allocator::return_freed_memory_promptly();
    let options = proxy::options::Options::parse();
    common::logging::init(&options.logging)?;
    if options.cleanup {
        return proxy::backends::cleanup_all();
    }
    let config = options.into_config()?;
    let shutdown = common::shutdown::Shutdown::on_signals()?;
    let mode = config.mode;
    proxy::app::run(
        config,
        move |settings| proxy::backends::new_proxier(mode, settings),
        shutdown,
    )
    .await
}
