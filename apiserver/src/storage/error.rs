//! The one error type of the storage layer. The API server maps it to a `metav1.Status`.

use super::{KeyValue, LeaseId, Revision};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Create of a key that exists.
    #[error("key {key:?} already exists")]
    AlreadyExists { key: String },

    /// Update or delete of a key that does not exist.
    #[error("key {key:?} not found")]
    NotFound { key: String },

    /// A guarded update or delete whose expected `mod_revision` no longer matches.
    #[error("key {key:?} has mod_revision {}, not the expected {expected}", current.mod_revision)]
    Conflict {
        key: String,
        expected: Revision,
        current: Box<KeyValue>,
    },

    /// A read, watch or compaction below the compacted revision.
    #[error("required revision {requested} has been compacted (compacted revision {compacted})")]
    Compacted {
        requested: Revision,
        compacted: Revision,
    },

    /// A read or compaction beyond the latest revision.
    #[error("required revision {requested} is a future revision (current revision {current})")]
    FutureRevision {
        requested: Revision,
        current: Revision,
    },

    /// A write that names a lease which does not exist (or has expired).
    #[error("lease {0} not found")]
    LeaseNotFound(LeaseId),

    /// The request itself is malformed (empty key, zero TTL, ...).
    #[error("invalid storage request: {0}")]
    InvalidRequest(String),

    /// The backend cannot be reached or did not answer in time; nothing was acknowledged.
    /// For writes the outcome is unknown to the caller, as with etcd's "request timed out".
    #[error("storage unavailable: {0}")]
    Unavailable(String),

    /// Reading or writing the data directory failed (for example a full disk). The write was
    /// not applied.
    #[error("storage I/O error: {0}")]
    Io(String),

    /// The data directory holds something this build cannot read.
    #[error("storage data is corrupt or unreadable: {0}")]
    Corrupt(String),

    /// The store was closed (shutdown) while the request was in flight.
    #[error("storage is shutting down")]
    Closed,
}

impl Error {
    /// Whether retrying the same request later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Error::Unavailable(_))
    }
}
