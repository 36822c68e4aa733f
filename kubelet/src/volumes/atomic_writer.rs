//! Writes a volume's files all at once, as upstream's `AtomicWriter`: the payload goes into a
//! fresh timestamped folder (`..YYYY_MM_DD_HH_MM_SS.N`), the `..data` symlink is switched to it
//! with a rename (readers see the old or the new set, never a mix), and each top-level name is
//! a symlink `name -> ..data/name`. Nothing is written when the files already hold the payload,
//! so a resync that changes nothing costs a few reads.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Component, Path, PathBuf};

/// The symlink to the current timestamped folder.
pub const DATA_DIR: &str = "..data";
const NEW_DATA_DIR: &str = "..data_tmp";

/// One file of a payload.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileProjection {
    pub data: Vec<u8>,
    /// Permission bits (`defaultMode` / `mode`, 0644 by default).
    pub mode: u32,
}

/// Relative path → content.
pub type Payload = BTreeMap<String, FileProjection>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid path {path:?}: {reason}")]
    InvalidPath { path: String, reason: &'static str },
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

fn io_err(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> Error + use<> {
    let path = path.to_owned();
    move |source| Error::Io { op, path, source }
}

/// Whether the last write changed anything.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Unchanged,
    Written,
}

/// Checks a payload path as upstream's `validatePath`: relative, not empty, no `..`
/// element, not starting with `..`.
fn validate_path(path: &str) -> Result<(), Error> {
    let invalid = |reason| Error::InvalidPath {
        path: path.to_owned(),
        reason,
    };
    if path.is_empty() {
        return Err(invalid("must not be empty"));
    }
    if Path::new(path).is_absolute() {
        return Err(invalid("must be relative path"));
    }
    if path.len() > 4096 {
        return Err(invalid("must be less than or equal to 4096 characters"));
    }
    if path.split('/').any(|part| part == "..") {
        return Err(invalid("must not contain '..'"));
    }
    if path.starts_with("..") {
        return Err(invalid("must not start with '..'"));
    }
    Ok(())
}

/// `a//b/./c` → `a/b/c`.
fn clean(path: &str) -> String {
    Path::new(path)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn first_component(path: &str) -> &str {
    path.split('/').next().unwrap_or(path)
}

/// Every file under `dir`, relative to it (`a/b`).
fn walk_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if entry.file_type()?.is_dir() {
            walk_files(&entry.path(), &rel, out)?;
        } else {
            out.insert(rel);
        }
    }
    Ok(())
}

/// Whether the current timestamped folder already holds exactly `payload`.
fn holds(ts_dir: &Path, payload: &Payload, current: &BTreeSet<String>) -> bool {
    if current.len() != payload.len() {
        return false;
    }
    payload.iter().all(|(path, file)| {
        let full = ts_dir.join(path);
        let Ok(meta) = std::fs::symlink_metadata(&full) else {
            return false;
        };
        meta.is_file()
            && meta.permissions().mode() & 0o7777 == file.mode & 0o7777
            && meta.len() == file.data.len() as u64
            && std::fs::read(&full).is_ok_and(|data| data == file.data)
    })
}

/// Writes `payload` into `target` atomically (see the module doc). `target` must exist.
pub fn write(target: &Path, payload: &Payload) -> Result<Outcome, Error> {
    write_with(target, payload, |_| Ok(()))
}

/// [`write`], with `set_perms` applied to the new timestamped folder before it becomes
/// visible (upstream's `setPerms`, for `fsGroup` ownership).
pub fn write_with(
    target: &Path,
    payload: &Payload,
    set_perms: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<Outcome, Error> {
    let mut clean_payload = Payload::new();
    for (path, file) in payload {
        validate_path(path)?;
        clean_payload.insert(clean(path), file.clone());
    }
    let data_link = target.join(DATA_DIR);
    let old_ts = std::fs::read_link(&data_link)
        .ok()
        .map(|p| target.join(p))
        .filter(|p| p.is_dir());
    let mut old_files = BTreeSet::new();
    if let Some(old) = &old_ts {
        walk_files(old, "", &mut old_files).map_err(io_err("read", old))?;
        let links_present = clean_payload
            .keys()
            .all(|p| std::fs::symlink_metadata(target.join(first_component(p))).is_ok());
        if links_present && holds(old, &clean_payload, &old_files) {
            return Ok(Outcome::Unchanged);
        }
    }

    let new_ts = new_timestamped_dir(target)?;
    for (path, file) in &clean_payload {
        let full = new_ts.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).map_err(io_err("mkdir", parent))?;
        }
        std::fs::write(&full, &file.data).map_err(io_err("write", &full))?;
        std::fs::set_permissions(&full, std::fs::Permissions::from_mode(file.mode & 0o7777))
            .map_err(io_err("chmod", &full))?;
    }

    set_perms(&new_ts).map_err(io_err("set permissions of", &new_ts))?;

    // Swap `..data` to the new folder with a rename.
    let tmp_link = target.join(NEW_DATA_DIR);
    let _ = std::fs::remove_file(&tmp_link);
    let ts_name = new_ts.file_name().map(PathBuf::from).unwrap_or_default();
    symlink(&ts_name, &tmp_link).map_err(io_err("symlink", &tmp_link))?;
    std::fs::rename(&tmp_link, &data_link).map_err(io_err("rename", &data_link))?;

    // User-visible names: `name -> ..data/name` for each top-level element.
    let tops: BTreeSet<&str> = clean_payload.keys().map(|p| first_component(p)).collect();
    for top in &tops {
        let link = target.join(top);
        if std::fs::symlink_metadata(&link).is_err() {
            symlink(Path::new(DATA_DIR).join(top), &link).map_err(io_err("symlink", &link))?;
        }
    }
    // Names that the new payload no longer has.
    for old in &old_files {
        let top = first_component(old);
        if !tops.contains(top) {
            let link = target.join(top);
            if std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()) {
                std::fs::remove_file(&link).map_err(io_err("remove", &link))?;
            }
        }
    }
    if let Some(old) = old_ts
        && old != new_ts
    {
        std::fs::remove_dir_all(&old).map_err(io_err("remove", &old))?;
    }
    Ok(Outcome::Written)
}

/// `..YYYY_MM_DD_HH_MM_SS.<random>` under `target` (Go's `MkdirTemp` with that prefix).
fn new_timestamped_dir(target: &Path) -> Result<PathBuf, Error> {
    let prefix = jiff::Timestamp::now()
        .strftime("..%Y_%m_%d_%H_%M_%S.")
        .to_string();
    for _ in 0..100 {
        let dir = target.join(format!("{prefix}{}", rand::random::<u32>()));
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
                    .map_err(io_err("chmod", &dir))?;
                return Ok(dir);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(io_err("mkdir", &dir)(e)),
        }
    }
    Err(io_err("mkdir", target)(io::Error::other(
        "no free timestamped folder name",
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(files: &[(&str, &str, u32)]) -> Payload {
        files
            .iter()
            .map(|(p, d, m)| {
                (
                    (*p).to_owned(),
                    FileProjection {
                        data: d.as_bytes().to_vec(),
                        mode: *m,
                    },
                )
            })
            .collect()
    }

    fn ts_dirs(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("..") && n != DATA_DIR)
            .collect();
        names.sort();
        names
    }

    #[test]
    fn swaps_data_link_and_removes_old_keys() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path();
        let first = payload(&[("a", "1", 0o644), ("sub/b", "2", 0o600)]);
        assert_eq!(write(t, &first).unwrap(), Outcome::Written);
        let ts1 = std::fs::read_link(t.join(DATA_DIR)).unwrap();
        let name = ts1.to_string_lossy().into_owned();
        assert!(name.starts_with(".."), "{name}");
        // `..YYYY_MM_DD_HH_MM_SS.N`
        assert_eq!(name.as_bytes()[6], b'_', "{name}");
        assert_eq!(name.matches('_').count(), 5, "{name}");
        assert_eq!(
            std::fs::read_link(t.join("a")).unwrap(),
            Path::new("..data/a")
        );
        assert_eq!(
            std::fs::read_link(t.join("sub")).unwrap(),
            Path::new("..data/sub")
        );
        assert_eq!(std::fs::read_to_string(t.join("sub/b")).unwrap(), "2");
        let mode = std::fs::metadata(t.join("sub/b"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);

        let second = payload(&[("a", "changed", 0o644), ("c", "3", 0o644)]);
        assert_eq!(write(t, &second).unwrap(), Outcome::Written);
        let ts2 = std::fs::read_link(t.join(DATA_DIR)).unwrap();
        assert_ne!(ts1, ts2);
        assert_eq!(std::fs::read_to_string(t.join("a")).unwrap(), "changed");
        assert_eq!(std::fs::read_to_string(t.join("c")).unwrap(), "3");
        assert!(
            std::fs::symlink_metadata(t.join("sub")).is_err(),
            "old key removed"
        );
        assert!(!t.join(&ts1).exists(), "old timestamped folder removed");
        assert_eq!(ts_dirs(t), [ts2.to_string_lossy().into_owned()]);
        assert!(std::fs::symlink_metadata(t.join(NEW_DATA_DIR)).is_err());
    }

    #[test]
    fn unchanged_payload_is_not_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path();
        let p = payload(&[("a", "1", 0o644)]);
        assert_eq!(write(t, &p).unwrap(), Outcome::Written);
        let ts = std::fs::read_link(t.join(DATA_DIR)).unwrap();
        assert_eq!(write(t, &p).unwrap(), Outcome::Unchanged);
        assert_eq!(std::fs::read_link(t.join(DATA_DIR)).unwrap(), ts);
        // A mode change alone is a change.
        let p = payload(&[("a", "1", 0o400)]);
        assert_eq!(write(t, &p).unwrap(), Outcome::Written);
        // An empty payload empties the volume.
        assert_eq!(write(t, &Payload::new()).unwrap(), Outcome::Written);
        assert!(std::fs::symlink_metadata(t.join("a")).is_err());
        assert_eq!(write(t, &Payload::new()).unwrap(), Outcome::Unchanged);
    }

    #[test]
    fn rejects_escaping_paths() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["/abs", "../x", "a/../../x", "..hidden", ""] {
            let p = payload(&[(bad, "x", 0o644)]);
            assert!(write(dir.path(), &p).is_err(), "{bad}");
        }
    }
}
