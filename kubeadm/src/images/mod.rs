//! The container images the project builds itself, since no registry can be reached.
//!
//! - [`PAUSE_IMAGE`]: the sandbox image, from our own `images/pause/pause.c` compiled with
//!   `cc -static -Os` at build time (one static binary, `/pause`, run as 65535:65535 as
//!   upstream's image does).
//! - [`BUSYBOX_IMAGE`]: a test image from Debian's `busybox-static` (`/bin/busybox` and a
//!   symlink per applet from `busybox --list-full`), tagged after the Debian package's
//!   upstream version.
//!
//! Each is an OCI archive ([`oci`]) that `ctr images import` (containerd) or `skopeo copy
//! oci-archive:` (CRI-O) loads; the kubelet's `--image-import-dir` does that. The archives are
//! deterministic: the same compiler and busybox give the same digests.
//! `kubeadm images build --output DIR` writes them.

pub mod oci;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The sandbox image: the name containerd's `sandbox_image` uses (upstream 1.34's default).
pub const PAUSE_IMAGE: &str = "registry.k8s.io/pause:3.10";
/// The busybox test image, named after Debian 12's busybox-static (1:1.35.0-4).
pub const BUSYBOX_IMAGE: &str = "docker.io/library/busybox:1.35";
/// The busybox version the tag above names; a different binary is built but warned about.
pub const BUSYBOX_VERSION: &str = "1.35";
/// The archive file names `build_all` writes.
pub const PAUSE_ARCHIVE: &str = "pause.tar";
pub const BUSYBOX_ARCHIVE: &str = "busybox.tar";

/// The source of the pause binary, built into kubeadm so it needs no source tree.
pub const PAUSE_SOURCE: &str = include_str!("../../images/pause/pause.c");

/// The default search path of images, as Docker's base images set it.
pub const DEFAULT_PATH: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("running {command}: {message}")]
    Command { command: String, message: String },
    #[error("image layer entry {path:?}: {message}")]
    Layer { path: String, message: String },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One image archive that was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuiltImage {
    /// The full image reference, e.g. `registry.k8s.io/pause:3.10`.
    pub name: String,
    /// The OCI archive.
    pub path: PathBuf,
    /// The image ID (config digest), as CRI's `ImageStatus` reports it.
    pub id: String,
    /// The manifest digest.
    pub manifest_digest: String,
}

/// Inputs of the builds, with the Debian defaults.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The C compiler for pause (`$CC`, else `cc`).
    pub cc: String,
    /// The static busybox binary (`/bin/busybox` from busybox-static).
    pub busybox: PathBuf,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            cc: std::env::var("CC")
                .ok()
                .filter(|cc| !cc.is_empty())
                .unwrap_or_else(|| "cc".to_owned()),
            busybox: PathBuf::from("/bin/busybox"),
        }
    }
}

#[derive(clap::Args, Clone, Debug)]
pub struct BuildArgs {
    /// Folder to write `pause.tar` and `busybox.tar` into (created if missing).
    #[arg(long = "output", default_value = "./images")]
    pub output: PathBuf,
    /// The static busybox binary for the busybox image.
    #[arg(long = "busybox", default_value = "/bin/busybox")]
    pub busybox: PathBuf,
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

fn run(command: &mut Command) -> Result<Vec<u8>> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|error| Error::Command {
        command: shown.clone(),
        message: error.to_string(),
    })?;
    if !output.status.success() {
        return Err(Error::Command {
            command: shown,
            message: format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        });
    }
    Ok(output.stdout)
}

/// Writes every image archive into `dir` (created if missing) with the default inputs.
pub fn build_all(dir: &Path) -> Result<Vec<BuiltImage>> {
    build_all_with(dir, &BuildOptions::default())
}

pub fn build_all_with(dir: &Path, options: &BuildOptions) -> Result<Vec<BuiltImage>> {
    std::fs::create_dir_all(dir).map_err(io_error(dir))?;
    Ok(vec![
        build_pause(dir, options)?,
        build_busybox(dir, options)?,
    ])
}

/// Compiles pause.c statically in a scratch folder under `dir` and writes `pause.tar`.
pub fn build_pause(dir: &Path, options: &BuildOptions) -> Result<BuiltImage> {
    let scratch = dir.join(".pause-build");
    std::fs::create_dir_all(&scratch).map_err(io_error(&scratch))?;
    let result = (|| {
        let source = scratch.join("pause.c");
        std::fs::write(&source, PAUSE_SOURCE).map_err(io_error(&source))?;
        let binary = scratch.join("pause");
        run(Command::new(&options.cc)
            .args(["-static", "-Os", "-s", "-Wall", "-o"])
            .arg(&binary)
            .arg(&source)
            .env("SOURCE_DATE_EPOCH", "0"))?;
        std::fs::read(&binary).map_err(io_error(&binary))
    })();
    // The scratch folder is ours alone; a failure to remove it only leaves a few KiB.
    let _ = std::fs::remove_dir_all(&scratch);
    let binary = result?;

    let mut layer = oci::Layer::new();
    layer.file("pause", 0o755, &binary)?;
    let config = oci::RuntimeConfig {
        user: Some("65535:65535".to_owned()),
        env: vec![DEFAULT_PATH.to_owned()],
        entrypoint: vec!["/pause".to_owned()],
        ..oci::RuntimeConfig::default()
    };
    write(dir.join(PAUSE_ARCHIVE), PAUSE_IMAGE, layer, &config)
}

/// The `major.minor` a busybox binary reports in its banner (`BusyBox v1.35.0 (...)`).
pub fn busybox_version(banner: &str) -> Option<String> {
    let rest = banner.split("BusyBox v").nth(1)?;
    let version: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    let mut parts = version.split('.');
    let major = parts.next().filter(|p| !p.is_empty())?;
    let minor = parts.next().filter(|p| !p.is_empty())?;
    Some(format!("{major}.{minor}"))
}

/// Writes `busybox.tar`: the static busybox, a symlink per applet, and the usual skeleton
/// (`/etc/passwd` and `/etc/group` with root and nobody, a sticky `/tmp`, `/root`, `/var`).
pub fn build_busybox(dir: &Path, options: &BuildOptions) -> Result<BuiltImage> {
    let binary = std::fs::read(&options.busybox).map_err(io_error(&options.busybox))?;
    let banner = run(&mut Command::new(&options.busybox))?;
    match busybox_version(&String::from_utf8_lossy(&banner)) {
        Some(version) if version == BUSYBOX_VERSION => {}
        version => tracing::warn!(
            busybox = %options.busybox.display(),
            ?version,
            tag = BUSYBOX_IMAGE,
            "busybox version differs from the image tag"
        ),
    }
    let list = run(Command::new(&options.busybox).arg("--list-full"))?;
    let list = String::from_utf8_lossy(&list);

    let mut layer = oci::Layer::new();
    for (path, mode) in [
        ("bin", 0o755),
        ("dev", 0o755),
        ("etc", 0o755),
        ("home", 0o755),
        ("proc", 0o755),
        ("root", 0o700),
        ("sys", 0o755),
        ("tmp", 0o1777),
        ("usr/bin", 0o755),
        ("usr/sbin", 0o755),
        ("var/spool/mail", 0o755),
        ("var/www", 0o755),
    ] {
        layer.dir(path, mode)?;
    }
    layer.file(
        "etc/passwd",
        0o644,
        b"root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
    )?;
    layer.file("etc/group", 0o644, b"root:x:0:\nnobody:x:65534:\n")?;
    layer.file("bin/busybox", 0o755, &binary)?;
    for applet in list.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if applet == "bin/busybox" {
            continue;
        }
        layer.symlink(applet, "/bin/busybox")?;
    }
    let config = oci::RuntimeConfig {
        env: vec![DEFAULT_PATH.to_owned()],
        cmd: vec!["sh".to_owned()],
        ..oci::RuntimeConfig::default()
    };
    write(dir.join(BUSYBOX_ARCHIVE), BUSYBOX_IMAGE, layer, &config)
}

fn write(
    path: PathBuf,
    name: &str,
    layer: oci::Layer,
    config: &oci::RuntimeConfig,
) -> Result<BuiltImage> {
    let layer = layer.finish()?;
    let digests = oci::write_archive(&path, name, &layer, config)?;
    tracing::info!(image = name, path = %path.display(), id = %digests.config, "built image");
    Ok(BuiltImage {
        name: name.to_owned(),
        path,
        id: digests.config,
        manifest_digest: digests.manifest,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busybox_banner_versions() {
        assert_eq!(
            busybox_version("BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary."),
            Some("1.35".to_owned())
        );
        assert_eq!(
            busybox_version("BusyBox v1.36.1 ()"),
            Some("1.36".to_owned())
        );
        assert_eq!(busybox_version("toybox 0.8"), None);
    }

    #[test]
    fn builds_both_images_deterministically() {
        let options = BuildOptions::default();
        if !options.busybox.exists() {
            eprintln!("skipping: no {}", options.busybox.display());
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let first = build_all_with(dir.path(), &options).unwrap();
        let names: Vec<&str> = first.iter().map(|image| image.name.as_str()).collect();
        assert_eq!(names, [PAUSE_IMAGE, BUSYBOX_IMAGE]);
        assert!(!dir.path().join(".pause-build").exists());
        let second = build_all_with(dir.path(), &options).unwrap();
        assert_eq!(first, second);
    }
}
