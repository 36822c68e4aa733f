//! Memory-backed volumes: tmpfs mounts made with the `mount` and `umount` commands (the
//! workspace forbids unsafe code, so no `mount(2)` from here), and the mount table
//! (`/proc/self/mountinfo`) to find what is mounted under a pod's folder.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The mount points under `root` (itself included), deepest first.
pub fn mount_points_under(root: &Path) -> Vec<PathBuf> {
    let Ok(table) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return Vec::new();
    };
    let mut points: Vec<PathBuf> = table
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(|field| PathBuf::from(unescape(field)))
        .filter(|p| p.starts_with(root))
        .collect();
    points.sort();
    points.dedup();
    points.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    points
}

/// Whether `path` is a mount point.
pub fn is_mount_point(path: &Path) -> bool {
    mount_points_under(path).iter().any(|p| p == path)
}

/// mountinfo escapes space, tab, newline and backslash as `\ooo`.
fn unescape(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && bytes
                .get(i + 1..i + 4)
                .is_some_and(|d| d.iter().all(|b| (b'0'..=b'7').contains(b)))
        {
            let value = bytes[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
            out.push(u8::try_from(value).unwrap_or(b'?'));
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .output()
        .map_err(|e| format!("{:?}: {e}", command.get_program()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} failed ({}): {}",
            command.get_args().collect::<Vec<_>>(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Mounts a tmpfs on `dir` unless one already is (`size` in bytes when set).
pub fn ensure_tmpfs(dir: &Path, size: Option<u128>) -> Result<(), String> {
    if is_mount_point(dir) {
        return Ok(());
    }
    let mut command = Command::new("mount");
    command.args(["-t", "tmpfs"]);
    if let Some(size) = size {
        command.arg("-o").arg(format!("size={size}"));
    }
    command.arg("tmpfs").arg(dir);
    run(&mut command).map_err(|e| format!("mount tmpfs on {}: {e}", dir.display()))
}

/// Unmounts everything mounted under `root`, deepest first.
pub fn unmount_all_under(root: &Path) -> Result<(), String> {
    for point in mount_points_under(root) {
        run(Command::new("umount").arg(&point))
            .map_err(|e| format!("unmount {}: {e}", point.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mountinfo_escapes() {
        assert_eq!(unescape("/a\\040b"), "/a b");
        assert_eq!(unescape("/plain"), "/plain");
        assert_eq!(unescape("/x\\134y"), "/x\\y");
        assert_eq!(unescape("/trail\\"), "/trail\\");
    }

    #[test]
    fn root_is_a_mount_point() {
        assert!(is_mount_point(Path::new("/")));
        assert!(!mount_points_under(Path::new("/")).is_empty());
    }
}
