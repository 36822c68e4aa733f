//! `fsGroup` ownership of a volume (upstream `SetVolumeOwnership`): every file and folder gets
//! the group, group read (and write unless the volume is read-only) permission, and folders
//! the setgid bit so new files inherit the group. Symlinks are left alone.

use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

const RW_MASK: u32 = 0o660;
const RO_MASK: u32 = 0o440;
const EXEC_MASK: u32 = 0o110;
const SETGID: u32 = 0o2000;

/// Applies `gid` to `root` and everything under it.
pub fn set_volume_ownership(root: &Path, gid: u32, read_only: bool) -> io::Result<()> {
    let meta = std::fs::symlink_metadata(root)?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    if meta.gid() != gid {
        std::os::unix::fs::lchown(root, None, Some(gid))?;
    }
    let mut mask = if read_only { RO_MASK } else { RW_MASK };
    if meta.is_dir() {
        mask |= SETGID | EXEC_MASK;
    }
    let mode = meta.permissions().mode() & 0o7777;
    if mode | mask != mode {
        std::fs::set_permissions(root, std::fs::Permissions::from_mode(mode | mask))?;
    }
    if meta.is_dir() {
        for entry in std::fs::read_dir(root)? {
            set_volume_ownership(&entry?.path(), gid, read_only)?;
        }
    }
    Ok(())
}

/// Whether `root` already has the group and setgid bit (`fsGroupChangePolicy:
/// OnRootMismatch` skips the walk then).
pub fn root_matches(root: &Path, gid: u32) -> bool {
    std::fs::metadata(root).is_ok_and(|m| m.gid() == gid && m.permissions().mode() & SETGID != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_bits_and_setgid() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o700)).unwrap();
        let file = sub.join("f");
        std::fs::write(&file, "x").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink("/etc/hostname", dir.path().join("link")).unwrap();
        let gid = std::fs::metadata(dir.path()).unwrap().gid();
        set_volume_ownership(dir.path(), gid, false).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode(&sub), 0o2770);
        assert_eq!(mode(&file), 0o660);
        assert!(root_matches(dir.path(), gid));
    }
}
