//! A full disk under the embedded store: writes fail with a clear error, nothing acknowledged is
//! lost, and once space is back the store writes again without a restart.
//!
//! The "disk" is a small tmpfs mounted for the test (the tests run as root) and unmounted when
//! the test ends, also on failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use apiserver::storage::embedded::{EmbeddedOptions, EmbeddedStore};
use apiserver::storage::{Error, Storage};
use bytes::Bytes;

struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success(), "mounting a tmpfs needs root");
        Tmpfs { dir }
    }

    fn path(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn resize(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.dir.path()).status();
    }
}

/// 16 KiB that do not compress (the store compresses its files).
fn incompressible(seed: u64) -> Bytes {
    let mut state = seed | 1;
    let bytes = (0..16 * 1024)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect::<Vec<u8>>();
    Bytes::from(bytes)
}

async fn fill(store: &EmbeddedStore, prefix: &str) -> (Vec<String>, Error) {
    let mut acked = Vec::new();
    for i in 0..10_000 {
        let key = format!("{prefix}{i}");
        match store.create(&key, incompressible(i), 0).await {
            Ok(_) => acked.push(key),
            Err(e) => return (acked, e),
        }
    }
    panic!("10,000 writes of 16 KiB fit on a 4 MiB disk");
}

fn is_io(e: &Error) -> bool {
    matches!(e, Error::Io(_))
}

async fn assert_present(store: &EmbeddedStore, keys: &[String]) {
    for key in keys {
        assert!(
            store.get(key, None).await.unwrap().kv.is_some(),
            "{key} lost"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_disk_fails_writes_cleanly_and_recovers() {
    let disk = Tmpfs::mount("4m");
    let dir: &Path = &disk.path();
    let store = EmbeddedStore::open(EmbeddedOptions::new(dir))
        .await
        .unwrap();

    let (acked, error) = fill(&store, "/registry/configmaps/full/").await;
    assert!(!acked.is_empty());
    assert!(is_io(&error), "a full disk is an I/O error, got {error:?}");
    assert_present(&store, &acked).await;
    // Space comes back: writes succeed again without a restart.
    disk.resize("64m");
    let revived = store
        .create("/registry/configmaps/after/1", Bytes::from("ok"), 0)
        .await
        .unwrap();
    assert!(revived.mod_revision > 0);
    assert_present(&store, &acked).await;
    store.close().await;

    // And everything acknowledged is there after a restart.
    let reopened = EmbeddedStore::open(EmbeddedOptions::new(dir))
        .await
        .unwrap();
    assert_present(&reopened, &acked).await;
    assert!(
        reopened
            .get("/registry/configmaps/after/1", None)
            .await
            .unwrap()
            .kv
            .is_some()
    );
    reopened.close().await;
}
