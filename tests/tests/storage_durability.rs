//! Durability: every write a backend acknowledged is there after the process that held the data
//! is killed with SIGKILL and started again.
//!
//! - embedded: a child process (this test binary, re-run as `child_writer`) writes under load
//!   and prints each acknowledged write; the parent kills it with SIGKILL, reopens the store and
//!   checks every acknowledged write.
//! - etcd: the same child writes to a private etcd; the parent kills etcd with SIGKILL, starts
//!   it again on the same data dir and checks.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use apiserver::storage::embedded::{EmbeddedOptions, EmbeddedStore};
use apiserver::storage::etcd::{EtcdOptions, EtcdStore};
use apiserver::storage::{Error, Storage};
use bytes::Bytes;
use tests::etcd::EtcdServer;

const CHILD_ENV: &str = "STORAGE_DURABILITY_CHILD";
const WRITERS: usize = 16;
const KEYS_PER_WRITER: usize = 20;

/// The last acknowledged state of each key: (version, mod_revision).
type Acked = HashMap<String, (i64, i64)>;

/// Kills the child when dropped, so a failing test leaves no process behind.
struct ChildGuard(Child);

impl Drop for ChildGuard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The writer half: runs only when the parent re-executes this binary with `CHILD_ENV` set.
#[test]
#[ignore = "run by the durability tests as a child process"]
fn child_writer() {
    let Ok(target) = std::env::var(CHILD_ENV) else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async move {
        let store: Arc<dyn Storage> = match target.split_once(':') {
            Some(("embedded", dir)) => Arc::new(
                EmbeddedStore::open(EmbeddedOptions::new(dir))
                    .await
                    .unwrap(),
            ),
            Some(("etcd", endpoint)) => Arc::new(
                EtcdStore::connect(EtcdOptions::new(vec![endpoint.to_owned()]))
                    .await
                    .unwrap(),
            ),
            _ => panic!("bad {CHILD_ENV}: {target}"),
        };
        let out = Arc::new(Mutex::new(std::io::stdout()));
        let mut tasks = Vec::new();
        for writer in 0..WRITERS {
            let store = store.clone();
            let out = out.clone();
            tasks.push(tokio::spawn(async move {
                write_forever(store, writer, out).await
            }));
        }
        for task in tasks {
            task.await.unwrap();
        }
    });
}

async fn write_forever(store: Arc<dyn Storage>, writer: usize, out: Arc<Mutex<std::io::Stdout>>) {
    let mut revisions: HashMap<String, i64> = HashMap::new();
    for n in 0u64.. {
        let key = format!("/durability/{writer}/{}", n as usize % KEYS_PER_WRITER);
        let value = Bytes::from(format!("{{\"writer\":{writer},\"n\":{n}}}"));
        let result = match revisions.get(&key) {
            None => store.create(&key, value, 0).await,
            Some(rev) => store.update(&key, value, *rev, 0).await,
        };
        match result {
            Ok(kv) => {
                revisions.insert(key.clone(), kv.mod_revision);
                let mut out = out.lock().unwrap();
                writeln!(out, "ack {key} {} {}", kv.version, kv.mod_revision).unwrap();
                out.flush().unwrap();
            }
            Err(Error::Conflict { current, .. }) => {
                // A write whose answer was lost (etcd killed) may still have landed.
                revisions.insert(key, current.mod_revision);
            }
            Err(Error::AlreadyExists { .. }) => {
                if let Ok(read) = store.get(&key, None).await
                    && let Some(kv) = read.kv
                {
                    revisions.insert(key, kv.mod_revision);
                }
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

fn spawn_child(target: &str) -> ChildGuard {
    let exe = std::env::current_exe().unwrap();
    let child = Command::new(exe)
        .args([
            "child_writer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, target)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    ChildGuard(child)
}

fn record_ack(acked: &mut Acked, line: &str) -> bool {
    let mut parts = line.split_whitespace();
    if parts.next() != Some("ack") {
        return false;
    }
    let (Some(key), Some(version), Some(rev)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let entry = (version.parse().unwrap(), rev.parse().unwrap());
    let slot = acked.entry(key.to_owned()).or_insert(entry);
    *slot = (*slot).max(entry);
    true
}

/// Reads acknowledgements until `count` arrived, runs `crash`, then drains what the child had
/// already printed (those writes were acknowledged too).
fn acks_until_crash(
    child: &mut ChildGuard,
    count: usize,
    crash: impl FnOnce(&mut ChildGuard),
) -> Acked {
    let stdout = child.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut acked = Acked::new();
    let mut total = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    while total < count {
        assert!(
            Instant::now() < deadline,
            "only {total} acknowledgements in 60s"
        );
        let line = lines.next().expect("child ended early").unwrap();
        total += usize::from(record_ack(&mut acked, &line));
    }
    crash(child);
    let _ = child.0.kill();
    for line in lines.map_while(Result::ok) {
        record_ack(&mut acked, &line);
    }
    acked
}

async fn check_acked(store: &dyn Storage, acked: &Acked) {
    assert!(!acked.is_empty());
    let max_rev = acked.values().map(|(_, rev)| *rev).max().unwrap();
    assert!(store.current_revision().await.unwrap() >= max_rev);
    for (key, (version, rev)) in acked {
        let kv = store
            .get(key, None)
            .await
            .unwrap()
            .kv
            .unwrap_or_else(|| panic!("acknowledged key {key} is gone"));
        assert!(
            kv.version >= *version && kv.mod_revision >= *rev,
            "{key}: acknowledged version {version} at {rev}, found {} at {}",
            kv.version,
            kv.mod_revision
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_store_keeps_acknowledged_writes_after_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_child(&format!("embedded:{}", dir.path().display()));
    let acked = tokio::task::spawn_blocking(move || {
        acks_until_crash(&mut child, 3000, |child| child.0.kill().unwrap())
    })
    .await
    .unwrap();
    let store = EmbeddedStore::open(EmbeddedOptions::new(dir.path()))
        .await
        .unwrap();
    check_acked(&store, &acked).await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn etcd_keeps_acknowledged_writes_after_sigkill() {
    let etcd = Arc::new(Mutex::new(EtcdServer::start().unwrap()));
    let endpoint = etcd.lock().unwrap().endpoint();
    let mut child = spawn_child(&format!("etcd:{endpoint}"));
    let crash = etcd.clone();
    let acked = tokio::task::spawn_blocking(move || {
        acks_until_crash(&mut child, 3000, |_| crash.lock().unwrap().kill9().unwrap())
    })
    .await
    .unwrap();
    etcd.lock().unwrap().restart().unwrap();
    let store = EtcdStore::connect(EtcdOptions::new(vec![endpoint]))
        .await
        .unwrap();
    check_acked(&store, &acked).await;
}
