//! Images: importing the OCI archives of `--image-import-dir` into the runtime, for machines
//! without a registry. (Not an upstream kubelet feature.)
//!
//! CRI has no import call, so the importer is chosen by the runtime name that CRI `Version`
//! reports:
//!
//! - `containerd`: `ctr --address SOCKET -n k8s.io images import --all-platforms FILE`
//!   (`ctr` ships with Debian's containerd; `k8s.io` is the namespace its CRI plugin uses).
//! - `cri-o`: `skopeo copy oci-archive:FILE containers-storage:NAME`, once per image name
//!   found in the archive's `index.json` (untested here: no CRI-O on our machines).
//!
//! [`import_now`] imports every `*.tar` in the folder once (at start, so the sandbox image is
//! present before the first pod). [`run_importer`] then polls the folder every
//! [`POLL_INTERVAL`] and imports archives that are new or changed, by name, mtime and size.
//! A failed import is logged and retried when the file changes, or after
//! [`RETRY_INTERVAL`]. Writers should rename finished archives into place (as
//! `kubeadm images build` does); a half-written file fails to import and is retried once it
//! changes again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use common::shutdown::Shutdown;
use tokio::process::Command;

use crate::cri::{self, RuntimeClient, v1};

/// How often [`run_importer`] looks for new or changed archives.
pub const POLL_INTERVAL: Duration = Duration::from_secs(3);
/// How long a failed import waits before it is retried when its file did not change.
pub const RETRY_INTERVAL: Duration = Duration::from_secs(30);
/// The bound on one import command.
pub const IMPORT_TIMEOUT: Duration = Duration::from_secs(300);
/// The containerd namespace of the CRI plugin.
pub const CONTAINERD_NAMESPACE: &str = "k8s.io";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("asking the runtime for its name: {0}")]
    Version(#[source] cri::Error),
    #[error("{0}")]
    Endpoint(#[source] cri::Error),
    #[error("runtime {0:?} has no known image importer (containerd and cri-o have)")]
    UnsupportedRuntime(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not an OCI image archive: {message}")]
    Archive { path: PathBuf, message: String },
    #[error("{command}: {message}")]
    Command { command: String, message: String },
    #[error("{failed} of {total} image archives failed to import")]
    Some { failed: usize, total: usize },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How archives get into the runtime's image store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Importer {
    /// `ctr images import` against containerd's socket.
    Containerd { socket: PathBuf },
    /// `skopeo copy` into containers-storage (CRI-O's store).
    CriO,
}

impl Importer {
    /// The importer for a runtime name as CRI `Version` reports it.
    pub fn for_runtime(runtime_name: &str, runtime_endpoint: &str) -> Result<Self> {
        match runtime_name {
            "containerd" => Ok(Importer::Containerd {
                socket: cri::socket_path(runtime_endpoint).map_err(Error::Endpoint)?,
            }),
            "cri-o" | "crio" => Ok(Importer::CriO),
            other => Err(Error::UnsupportedRuntime(other.to_owned())),
        }
    }

    /// Asks the runtime its name over CRI and picks the importer.
    pub async fn detect(cri: &RuntimeClient, runtime_endpoint: &str) -> Result<Self> {
        let version = cri
            .version(v1::VersionRequest {
                version: "v1".to_owned(),
            })
            .await
            .map_err(Error::Version)?;
        Self::for_runtime(&version.runtime_name, runtime_endpoint)
    }

    /// The commands that import `path` holding the images `names`.
    pub fn commands(&self, path: &Path, names: &[String]) -> Vec<Vec<String>> {
        let file = path.to_string_lossy().into_owned();
        match self {
            Importer::Containerd { socket } => vec![vec![
                "ctr".to_owned(),
                "--address".to_owned(),
                socket.to_string_lossy().into_owned(),
                "-n".to_owned(),
                CONTAINERD_NAMESPACE.to_owned(),
                "images".to_owned(),
                "import".to_owned(),
                "--all-platforms".to_owned(),
                file,
            ]],
            Importer::CriO => names
                .iter()
                .map(|name| {
                    vec![
                        "skopeo".to_owned(),
                        "copy".to_owned(),
                        format!("oci-archive:{file}:{name}"),
                        format!("containers-storage:{name}"),
                    ]
                })
                .collect(),
        }
    }

    /// Imports one archive; returns the image names it holds.
    pub async fn import(&self, path: &Path) -> Result<Vec<String>> {
        let names = {
            let owned = path.to_owned();
            tokio::task::spawn_blocking(move || archive_image_names(&owned))
                .await
                .map_err(|error| Error::Archive {
                    path: path.to_owned(),
                    message: error.to_string(),
                })??
        };
        for argv in self.commands(path, &names) {
            run(&argv).await?;
        }
        Ok(names)
    }
}

async fn run(argv: &[String]) -> Result<()> {
    let shown = argv.join(" ");
    let Some((program, args)) = argv.split_first() else {
        return Ok(());
    };
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(IMPORT_TIMEOUT, child)
        .await
        .map_err(|_| Error::Command {
            command: shown.clone(),
            message: format!("timed out after {IMPORT_TIMEOUT:?}"),
        })?
        .map_err(|error| Error::Command {
            command: shown.clone(),
            message: error.to_string(),
        })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Error::Command {
            command: shown,
            message: format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            ),
        })
    }
}

/// The image names (`org.opencontainers.image.ref.name`, or containerd's
/// `io.containerd.image.name` when that is a full reference) in an OCI archive's `index.json`.
pub fn archive_image_names(path: &Path) -> Result<Vec<String>> {
    let archive_error = |message: String| Error::Archive {
        path: path.to_owned(),
        message,
    };
    let file = std::fs::File::open(path).map_err(|source| Error::Io {
        path: path.to_owned(),
        source,
    })?;
    let mut archive = tar::Archive::new(std::io::BufReader::new(file));
    let entries = archive
        .entries()
        .map_err(|error| archive_error(error.to_string()))?;
    for entry in entries {
        let entry = entry.map_err(|error| archive_error(error.to_string()))?;
        let is_index = entry
            .path()
            .map(|p| p.as_os_str() == "index.json" || p.as_os_str() == "./index.json")
            .unwrap_or(false);
        if !is_index {
            continue;
        }
        let index: serde_json::Value =
            serde_json::from_reader(entry).map_err(|error| archive_error(error.to_string()))?;
        let manifests = index
            .get("manifests")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| archive_error("index.json has no manifests".to_owned()))?;
        let mut names = Vec::new();
        for manifest in manifests {
            let annotations = manifest.get("annotations");
            let name = annotations
                .and_then(|a| a.get("io.containerd.image.name"))
                .or_else(|| annotations.and_then(|a| a.get("org.opencontainers.image.ref.name")))
                .and_then(serde_json::Value::as_str);
            if let Some(name) = name
                && !names.iter().any(|known| known == name)
            {
                names.push(name.to_owned());
            }
        }
        return Ok(names);
    }
    Err(archive_error("no index.json".to_owned()))
}

/// What identifies one version of an archive file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    modified: Option<SystemTime>,
    len: u64,
}

/// The `*.tar` files of `dir` with their stamps, sorted by name. A missing folder is empty.
async fn scan(dir: &Path) -> Result<Vec<(PathBuf, Stamp)>> {
    let mut entries = match tokio::fs::read_dir(dir).await {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_owned(),
                source,
            });
        }
    };
    let io = |source| Error::Io {
        path: dir.to_owned(),
        source,
    };
    let mut found = Vec::new();
    while let Some(entry) = entries.next_entry().await.map_err(io)? {
        let path = entry.path();
        if path.extension().is_none_or(|ext| ext != "tar") {
            continue;
        }
        // Follows symlinks, so a link to an archive elsewhere works.
        let Ok(metadata) = tokio::fs::metadata(&path).await else {
            continue;
        };
        if !metadata.is_file() {
            continue;
        }
        found.push((
            path,
            Stamp {
                modified: metadata.modified().ok(),
                len: metadata.len(),
            },
        ));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(found)
}

/// The archives already handled, and when failed ones may be retried.
#[derive(Default)]
struct ImportState {
    done: HashMap<PathBuf, Stamp>,
    failed: HashMap<PathBuf, (Stamp, Instant)>,
}

impl ImportState {
    fn wants(&self, path: &Path, stamp: Stamp, now: Instant) -> bool {
        if self.done.get(path) == Some(&stamp) {
            return false;
        }
        match self.failed.get(path) {
            Some((failed, at)) if *failed == stamp => now.duration_since(*at) >= RETRY_INTERVAL,
            _ => true,
        }
    }

    /// Imports what is new or changed; returns (imported, failed).
    async fn sync(&mut self, dir: &Path, importer: &Importer) -> Result<(usize, usize)> {
        let found = scan(dir).await?;
        let (mut imported, mut failed) = (0, 0);
        for (path, stamp) in found {
            if !self.wants(&path, stamp, Instant::now()) {
                continue;
            }
            let started = Instant::now();
            match importer.import(&path).await {
                Ok(images) => {
                    tracing::info!(
                        archive = %path.display(),
                        ?images,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "imported image archive"
                    );
                    self.failed.remove(&path);
                    self.done.insert(path, stamp);
                    imported += 1;
                }
                Err(error) => {
                    tracing::warn!(archive = %path.display(), %error, "importing image archive failed");
                    self.done.remove(&path);
                    self.failed.insert(path, (stamp, Instant::now()));
                    failed += 1;
                }
            }
        }
        Ok((imported, failed))
    }
}

/// Imports every `*.tar` archive in `dir` now. Errors when the runtime has no importer or
/// when any archive failed (each failure is logged).
pub async fn import_now(dir: &Path, cri: &RuntimeClient, runtime_endpoint: &str) -> Result<()> {
    let importer = Importer::detect(cri, runtime_endpoint).await?;
    let (imported, failed) = ImportState::default().sync(dir, &importer).await?;
    if failed > 0 {
        return Err(Error::Some {
            failed,
            total: imported + failed,
        });
    }
    Ok(())
}

/// Imports the archives of `dir` at start and whenever one appears or changes, until
/// `shutdown`. Errors are logged; the loop only ends on shutdown.
pub async fn run_importer(
    dir: PathBuf,
    cri: RuntimeClient,
    runtime_endpoint: String,
    shutdown: Shutdown,
) {
    let mut importer = None;
    let mut state = ImportState::default();
    let mut ticker = tokio::time::interval(POLL_INTERVAL);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tracing::info!(dir = %dir.display(), "watching the image import folder");
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            () = shutdown.wait() => return,
        }
        if importer.is_none() {
            match Importer::detect(&cri, &runtime_endpoint).await {
                Ok(found) => {
                    tracing::info!(importer = ?found, "image importer");
                    importer = Some(found);
                }
                Err(error) => {
                    tracing::warn!(%error, "no image importer yet");
                    continue;
                }
            }
        }
        let Some(importer) = importer.as_ref() else {
            continue;
        };
        let sync = state.sync(&dir, importer);
        tokio::select! {
            result = sync => {
                if let Err(error) = result {
                    tracing::warn!(dir = %dir.display(), %error, "scanning the image import folder");
                }
            }
            () = shutdown.wait() => return,
        }
    }
}

#[cfg(test)]
mod tests;
