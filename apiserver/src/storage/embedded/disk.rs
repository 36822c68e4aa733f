//! The durable part of the embedded store: a fjall database (an LSM tree with a checksummed
//! journal) holding the log of revisions.
//!
//! Keyspaces:
//! - `revisions`: revision (big-endian) → record (a put with its metadata and value, or a
//!   deletion). Like etcd's backend, the log is keyed by revision; compaction deletes superseded
//!   revisions.
//! - `leases`: lease id → TTL in milliseconds.
//! - `meta`: `format` (the layout version) and `compacted` (the compacted revision).
//!
//! Every batch is journaled and fsync'd (`PersistMode::SyncAll`) before any caller is answered.
//! fjall's default only hands writes to the OS, so every write path here names its durability.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use fjall::{Database, Keyspace, KeyspaceCreateOptions, PersistMode};

use super::mvcc::{Mutation, Record};
use crate::storage::{Error, KeyValue, LeaseId, Result, Revision};

const FORMAT: i64 = 1;
const FOLDER: &str = "store";
/// fjall's block cache. Reads come from the in-memory index ([`super::mvcc`]); fjall is read
/// only once, at start, so its cache would hold copies nobody reads (its default is 32 MiB).
const CACHE_BYTES: u64 = 4 << 20;
/// The memtable of each keyspace: written values wait here until flushed to a segment, a
/// second copy of what the in-memory index holds (fjall's default is 64 MiB).
const MEMTABLE_BYTES: u64 = 16 << 20;

const TAG_PUT: u8 = 1;
const TAG_DELETE: u8 = 2;
const PUT_HEADER: usize = 1 + 8 + 8 + 8 + 4;

/// What the log holds at start.
#[derive(Debug, Default)]
pub(super) struct Loaded {
    pub records: Vec<Record>,
    pub leases: Vec<(LeaseId, Duration)>,
    pub compacted: Revision,
}

pub(super) struct Disk {
    db: Database,
    revisions: Keyspace,
    leases: Keyspace,
    meta: Keyspace,
    path: PathBuf,
}

impl Disk {
    /// Opens (or creates) the store in `dir` and reads it back. A folder that is not a store of
    /// this format, or one that fjall cannot recover, is an error, never an empty store.
    pub fn open(dir: &Path) -> Result<(Disk, Loaded)> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::Io(format!("cannot create data dir {}: {e}", dir.display())))?;
        let path = dir.join(FOLDER);
        let existed = path
            .read_dir()
            .map(|mut entries| entries.next().is_some())
            .unwrap_or(false);
        let db = Database::builder(&path)
            .cache_size(CACHE_BYTES)
            .open()
            .map_err(|e| open_error(&path, e))?;
        let keyspace = |name: &str| {
            db.keyspace(name, || {
                KeyspaceCreateOptions::default().max_memtable_size(MEMTABLE_BYTES)
            })
            .map_err(|e| open_error(&path, e))
        };
        let disk = Disk {
            revisions: keyspace("revisions")?,
            leases: keyspace("leases")?,
            meta: keyspace("meta")?,
            db,
            path,
        };
        if existed {
            disk.check_format()?;
        } else {
            disk.initialize()?;
        }
        let loaded = disk.load()?;
        Ok((disk, loaded))
    }

    fn initialize(&self) -> Result<()> {
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        batch.insert(&self.meta, "format", FORMAT.to_be_bytes());
        batch.insert(&self.meta, "compacted", 0i64.to_be_bytes());
        batch.commit().map_err(|e| self.io(e))
    }

    fn meta_i64(&self, name: &str) -> Result<Option<i64>> {
        let Some(raw) = self.meta.get(name).map_err(|e| self.corrupt(e))? else {
            return Ok(None);
        };
        let bytes: [u8; 8] = raw
            .as_ref()
            .try_into()
            .map_err(|_| self.corrupt(format!("meta {name} has {} bytes", raw.len())))?;
        Ok(Some(i64::from_be_bytes(bytes)))
    }

    fn check_format(&self) -> Result<()> {
        match self.meta_i64("format")? {
            Some(FORMAT) => Ok(()),
            Some(other) => Err(Error::Corrupt(format!(
                "{}: store format {other} is not the supported format {FORMAT}",
                self.path.display()
            ))),
            None => Err(Error::Corrupt(format!(
                "{}: not a store of this API server (no format marker)",
                self.path.display()
            ))),
        }
    }

    fn load(&self) -> Result<Loaded> {
        let mut loaded = Loaded {
            compacted: self.meta_i64("compacted")?.unwrap_or(0),
            ..Loaded::default()
        };
        for item in self.revisions.iter() {
            let (key, bytes) = item.into_inner().map_err(|e| self.corrupt(e))?;
            let rev = u64_key(&key)
                .and_then(|rev| i64::try_from(rev).ok())
                .ok_or_else(|| self.corrupt(format!("revision key of {} bytes", key.len())))?;
            let record = decode_record(rev, &bytes)
                .map_err(|e| self.corrupt(format!("revision {rev}: {e}")))?;
            loaded.records.push(record);
        }
        for item in self.leases.iter() {
            let (key, ttl) = item.into_inner().map_err(|e| self.corrupt(e))?;
            let (Some(id), Some(ttl)) = (u64_key(&key), u64_key(&ttl)) else {
                return Err(self.corrupt("malformed lease record"));
            };
            loaded.leases.push((id as i64, Duration::from_millis(ttl)));
        }
        Ok(loaded)
    }

    /// Makes a batch durable in one fsync'd journal write: the mutations, and a compaction's
    /// deletions when there is one.
    pub fn commit(
        &self,
        mutations: &[Mutation],
        compaction: Option<(Revision, &[Revision])>,
    ) -> Result<()> {
        let mut batch = self.db.batch().durability(Some(PersistMode::SyncAll));
        for mutation in mutations {
            match mutation {
                Mutation::Put { kv, .. } => {
                    batch.insert(&self.revisions, rev_key(kv.mod_revision), encode_put(kv));
                }
                Mutation::Delete { key, rev, .. } => {
                    batch.insert(&self.revisions, rev_key(*rev), encode_delete(key));
                }
                Mutation::LeaseGrant { id, ttl } => {
                    let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX);
                    batch.insert(
                        &self.leases,
                        (*id as u64).to_be_bytes(),
                        millis.to_be_bytes(),
                    );
                }
                Mutation::LeaseRevoke { id } => {
                    batch.remove(&self.leases, (*id as u64).to_be_bytes());
                }
            }
        }
        if let Some((at, obsolete)) = compaction {
            for rev in obsolete {
                batch.remove(&self.revisions, rev_key(*rev));
            }
            batch.insert(&self.meta, "compacted", at.to_be_bytes());
        }
        batch.commit().map_err(|e| self.io(e))
    }

    fn io(&self, e: impl std::fmt::Display) -> Error {
        Error::Io(format!("{}: {e}", self.path.display()))
    }

    fn corrupt(&self, e: impl std::fmt::Display) -> Error {
        Error::Corrupt(format!("{}: {e}", self.path.display()))
    }
}

fn open_error(path: &Path, e: fjall::Error) -> Error {
    match e {
        fjall::Error::Io(e) => Error::Io(format!("cannot open {}: {e}", path.display())),
        other => Error::Corrupt(format!("cannot open {}: {other:?}", path.display())),
    }
}

fn rev_key(rev: Revision) -> [u8; 8] {
    (rev as u64).to_be_bytes()
}

fn u64_key(bytes: &[u8]) -> Option<u64> {
    Some(u64::from_be_bytes(bytes.try_into().ok()?))
}

fn encode_put(kv: &KeyValue) -> Vec<u8> {
    let mut buf = Vec::with_capacity(PUT_HEADER + kv.key.len() + kv.value.len());
    buf.push(TAG_PUT);
    buf.extend_from_slice(&kv.create_revision.to_le_bytes());
    buf.extend_from_slice(&kv.version.to_le_bytes());
    buf.extend_from_slice(&kv.lease.to_le_bytes());
    buf.extend_from_slice(&(kv.key.len() as u32).to_le_bytes());
    buf.extend_from_slice(kv.key.as_bytes());
    buf.extend_from_slice(&kv.value);
    buf
}

fn encode_delete(key: &str) -> Vec<u8> {
    let mut buf = Vec::with_capacity(1 + key.len());
    buf.push(TAG_DELETE);
    buf.extend_from_slice(key.as_bytes());
    buf
}

fn i64_at(bytes: &[u8], at: usize) -> i64 {
    let mut raw = [0u8; 8];
    raw.copy_from_slice(&bytes[at..at + 8]);
    i64::from_le_bytes(raw)
}

/// Decodes one log record. Never panics: any malformed input is an error.
pub(super) fn decode_record(rev: Revision, bytes: &[u8]) -> std::result::Result<Record, String> {
    match bytes.first() {
        Some(&TAG_PUT) => {
            if bytes.len() < PUT_HEADER {
                return Err(format!("put record of {} bytes is truncated", bytes.len()));
            }
            let mut len = [0u8; 4];
            len.copy_from_slice(&bytes[25..29]);
            let key_len = u32::from_le_bytes(len) as usize;
            let key_end = PUT_HEADER
                .checked_add(key_len)
                .filter(|end| *end <= bytes.len())
                .ok_or_else(|| format!("key length {key_len} exceeds the record"))?;
            let key = std::str::from_utf8(&bytes[PUT_HEADER..key_end])
                .map_err(|e| format!("key is not UTF-8: {e}"))?;
            Ok(Record::Put(KeyValue {
                key: key.to_owned(),
                value: Bytes::copy_from_slice(&bytes[key_end..]),
                create_revision: i64_at(bytes, 1),
                mod_revision: rev,
                version: i64_at(bytes, 9),
                lease: i64_at(bytes, 17),
            }))
        }
        Some(&TAG_DELETE) => {
            let key =
                std::str::from_utf8(&bytes[1..]).map_err(|e| format!("key is not UTF-8: {e}"))?;
            Ok(Record::Delete {
                key: key.to_owned(),
                rev,
            })
        }
        Some(tag) => Err(format!("unknown record tag {tag}")),
        None => Err("empty record".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip() {
        let kv = KeyValue {
            key: "/registry/pods/default/a".into(),
            value: Bytes::from_static(b"{\"kind\":\"Pod\"}"),
            create_revision: 3,
            mod_revision: 9,
            version: 4,
            lease: 77,
        };
        let buf = encode_put(&kv);
        assert_eq!(decode_record(9, &buf).unwrap(), Record::Put(kv));
        let buf = encode_delete("/k");
        assert_eq!(
            decode_record(5, &buf).unwrap(),
            Record::Delete {
                key: "/k".into(),
                rev: 5
            }
        );
    }

    #[test]
    fn decoding_arbitrary_bytes_never_panics() {
        // A small deterministic fuzz over truncations and corruptions of valid records.
        let kv = KeyValue {
            key: "/a/b".into(),
            value: Bytes::from_static(b"value"),
            create_revision: 1,
            mod_revision: 1,
            version: 1,
            lease: 0,
        };
        let buf = encode_put(&kv);
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for len in 0..=buf.len() {
            let _ = decode_record(1, &buf[..len]);
        }
        for _ in 0..10_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut corrupted = buf.clone();
            let at = (seed as usize) % corrupted.len();
            corrupted[at] = (seed >> 32) as u8;
            let _ = decode_record(1, &corrupted);
        }
    }

    #[test]
    fn a_foreign_folder_is_an_error_not_an_empty_store() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(FOLDER)).unwrap();
        std::fs::write(dir.path().join(FOLDER).join("notes.txt"), b"not a store").unwrap();
        assert!(Disk::open(dir.path()).is_err());
    }

    #[test]
    fn a_store_reopens_with_what_was_committed() {
        let dir = tempfile::tempdir().unwrap();
        let kv = KeyValue {
            key: "/a".into(),
            value: Bytes::from_static(b"1"),
            create_revision: 1,
            mod_revision: 1,
            version: 1,
            lease: 0,
        };
        {
            let (disk, loaded) = Disk::open(dir.path()).unwrap();
            assert!(loaded.records.is_empty());
            let put = Mutation::Put {
                kv: kv.clone(),
                prev: None,
            };
            disk.commit(&[put], None).unwrap();
        }
        let (_, loaded) = Disk::open(dir.path()).unwrap();
        assert_eq!(loaded.records, vec![Record::Put(kv)]);
    }

    #[test]
    fn writes_beyond_several_memtables_reopen_intact() {
        // Three times the memtable: flushed segments and the journal's tail together.
        let dir = tempfile::tempdir().unwrap();
        let value = Bytes::from(vec![b'x'; 64 * 1024]);
        let count = usize::try_from(3 * MEMTABLE_BYTES).unwrap() / value.len();
        let kv = |i: usize| KeyValue {
            key: format!("/k/{i}"),
            value: value.clone(),
            create_revision: i64::try_from(i).unwrap() + 1,
            mod_revision: i64::try_from(i).unwrap() + 1,
            version: 1,
            lease: 0,
        };
        {
            let (disk, _) = Disk::open(dir.path()).unwrap();
            for i in 0..count {
                let put = Mutation::Put {
                    kv: kv(i),
                    prev: None,
                };
                disk.commit(&[put], None).unwrap();
            }
        }
        let (_, loaded) = Disk::open(dir.path()).unwrap();
        assert_eq!(loaded.records.len(), count);
        assert_eq!(loaded.records.last(), Some(&Record::Put(kv(count - 1))));
    }
}
