//! Running the real kubectl binaries installed on the machine: the default `kubectl` and the
//! versioned `kubectl.1.27` … `kubectl.1.33` that lie beside it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The output of one kubectl run.
#[derive(Debug)]
pub struct Output {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// The kubectl binary for `version` ("" for the default one), or `None` if not installed.
pub fn binary(version: &str) -> Option<PathBuf> {
    let default = which("kubectl")?;
    if version.is_empty() {
        return Some(default);
    }
    let real = std::fs::canonicalize(&default).ok()?;
    let versioned = real.with_file_name(format!("kubectl.{version}"));
    versioned.exists().then_some(versioned)
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|path| path.exists())
}

/// Runs `kubectl args...` against `kubeconfig`, blocking.
pub fn run(binary: &Path, kubeconfig: &Path, args: &[&str]) -> Output {
    let output = Command::new(binary)
        .arg(format!("--kubeconfig={}", kubeconfig.display()))
        .args(args)
        .output()
        .expect("kubectl runs");
    Output {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}
