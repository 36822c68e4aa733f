//! Images: importing the OCI archives of `--image-import-dir` into the runtime.
//! (Skeleton: filled in by the images work.)

use std::path::{Path, PathBuf};

use crate::cri::RuntimeClient;
use common::shutdown::Shutdown;

/// Imports every archive in `dir` now (placeholder until the importer lands).
pub async fn import_dir(_dir: &Path, _cri: &RuntimeClient, _endpoint: &str) {}

/// Imports new archives as they appear (placeholder until the importer lands).
pub async fn run_importer(
    _dir: PathBuf,
    _cri: RuntimeClient,
    _endpoint: String,
    _shutdown: Shutdown,
) {
}
