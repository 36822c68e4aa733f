//! Volumes that are paths on the node: `hostPath` with its `type` checks (upstream
//! `pkg/volume/hostpath`), and PersistentVolumeClaims bound to `hostPath` or `local`
//! PersistentVolumes (upstream's desired-state populator resolves claim → volume the same way).

use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};

/// Checks (and for the `…OrCreate` types creates) `path` as `type` demands.
pub fn check_type(path: &str, path_type: Option<&str>) -> Result<(), String> {
    let p = Path::new(path);
    let meta = std::fs::metadata(p);
    let exists = meta.is_ok();
    let file_type = meta.as_ref().ok().map(|m| m.file_type());
    let is = |check: fn(&std::fs::FileType) -> bool| file_type.as_ref().is_some_and(check);
    let not = |what: &str| format!("hostPath type check failed: {path} is not {what}");
    match path_type.unwrap_or("") {
        "" => Ok(()),
        "DirectoryOrCreate" if !exists => make_dir(p),
        "DirectoryOrCreate" | "Directory" => {
            if is(std::fs::FileType::is_dir) {
                Ok(())
            } else {
                Err(not("a directory"))
            }
        }
        "FileOrCreate" if !exists => make_file(p),
        "FileOrCreate" | "File" => {
            if is(std::fs::FileType::is_file) {
                Ok(())
            } else {
                Err(not("a file"))
            }
        }
        "Socket" => {
            if is(FileTypeExt::is_socket) {
                Ok(())
            } else {
                Err(not("a socket file"))
            }
        }
        "CharDevice" => {
            if is(FileTypeExt::is_char_device) {
                Ok(())
            } else {
                Err(not("a character device"))
            }
        }
        "BlockDevice" => {
            if is(FileTypeExt::is_block_device) {
                Ok(())
            } else {
                Err(not("a block device"))
            }
        }
        other => Err(format!("{other} is an invalid volume type")),
    }
}

fn make_dir(path: &Path) -> Result<(), String> {
    std::fs::create_dir_all(path).map_err(|e| format!("mkdir {}: {e}", path.display()))?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}

fn make_file(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o644)
        .open(path)
        .map(drop)
        .map_err(|e| format!("open {}: {e}", path.display()))
}

/// Where a claim's volume lives on this node, and whether it must be mounted read-only.
#[derive(Debug)]
pub struct ClaimedPath {
    pub path: PathBuf,
    pub read_only: bool,
}

/// Resolves claim `namespace/claim` to its bound PersistentVolume's path (hostPath or local).
pub async fn resolve_claim(
    client: &kube::Client,
    namespace: &str,
    claim: &str,
) -> Result<ClaimedPath, String> {
    let processing = |e: String| format!("error processing PVC {namespace}/{claim}: {e}");
    let claims: kube::Api<PersistentVolumeClaim> = kube::Api::namespaced(client.clone(), namespace);
    let pvc = claims
        .get_opt(claim)
        .await
        .map_err(|e| processing(format!("failed to fetch PVC from API server: {e}")))?
        .ok_or_else(|| {
            processing(format!(
                "failed to fetch PVC from API server: persistentvolumeclaims {claim:?} not found"
            ))
        })?;
    if pvc.metadata.deletion_timestamp.is_some() {
        return Err(format!(
            "can't start pod because PVC {namespace}/{claim} is being deleted"
        ));
    }
    let phase = pvc
        .status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("");
    let volume_name = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.as_deref())
        .unwrap_or("");
    if phase != "Bound" || volume_name.is_empty() {
        return Err(processing("PVC is not bound".to_owned()));
    }
    let volumes: kube::Api<PersistentVolume> = kube::Api::all(client.clone());
    let pv = volumes
        .get_opt(volume_name)
        .await
        .map_err(|e| processing(format!("failed to fetch PV {volume_name} from API server: {e}")))?
        .ok_or_else(|| {
            processing(format!(
                "failed to fetch PV {volume_name} from API server: persistentvolumes {volume_name:?} not found"
            ))
        })?;
    let spec = pv.spec.unwrap_or_default();
    let claim_uid = pvc.metadata.uid.as_deref().unwrap_or("");
    match spec.claim_ref.as_ref() {
        None => {
            return Err(processing(format!(
                "found PV object {volume_name} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim"
            )));
        }
        Some(r) if r.uid.as_deref().unwrap_or("") != claim_uid => {
            return Err(processing(format!(
                "found PV object {volume_name} but its pv.Spec.ClaimRef.UID ({}) does not point to claim.UID ({claim_uid})",
                r.uid.as_deref().unwrap_or("")
            )));
        }
        Some(_) => {}
    }
    let read_only_modes = spec
        .access_modes
        .as_ref()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|m| m == "ReadOnlyMany"));
    if let Some(host_path) = &spec.host_path {
        check_type(&host_path.path, host_path.type_.as_deref())?;
        return Ok(ClaimedPath {
            path: PathBuf::from(&host_path.path),
            read_only: read_only_modes,
        });
    }
    if let Some(local) = &spec.local {
        if !Path::new(&local.path).exists() {
            return Err(format!("path {:?} does not exist", local.path));
        }
        return Ok(ClaimedPath {
            path: PathBuf::from(&local.path),
            read_only: read_only_modes,
        });
    }
    Err(format!(
        "PersistentVolume {volume_name}: only hostPath and local volumes are supported by this kubelet"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_checks_like_upstream() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d");
        let f = dir.path().join("f");
        let ds = d.to_string_lossy().into_owned();
        let fs = f.to_string_lossy().into_owned();
        assert_eq!(
            check_type(&ds, Some("Directory")).unwrap_err(),
            format!("hostPath type check failed: {ds} is not a directory")
        );
        check_type(&ds, Some("DirectoryOrCreate")).unwrap();
        assert!(d.is_dir());
        check_type(&ds, Some("Directory")).unwrap();
        assert_eq!(
            check_type(&ds, Some("File")).unwrap_err(),
            format!("hostPath type check failed: {ds} is not a file")
        );
        check_type(&fs, Some("FileOrCreate")).unwrap();
        assert!(f.is_file());
        check_type(&fs, Some("File")).unwrap();
        assert_eq!(
            check_type(&fs, Some("Socket")).unwrap_err(),
            format!("hostPath type check failed: {fs} is not a socket file")
        );
        assert_eq!(
            check_type(&fs, Some("CharDevice")).unwrap_err(),
            format!("hostPath type check failed: {fs} is not a character device")
        );
        assert_eq!(
            check_type(&fs, Some("BlockDevice")).unwrap_err(),
            format!("hostPath type check failed: {fs} is not a block device")
        );
        check_type("/dev/null", Some("CharDevice")).unwrap();
        check_type("/nonexistent/x", None).unwrap();
        assert_eq!(
            check_type(&fs, Some("Bogus")).unwrap_err(),
            "Bogus is an invalid volume type"
        );
    }
}
