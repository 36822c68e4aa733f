//! The etcd backend: a real etcd (3.4 or later) cluster through `etcd-client`, for production
//! and HA. Each operation maps onto the etcd call upstream's `etcd3` store makes: guarded writes
//! are transactions comparing `create_revision`/`mod_revision`, reads are ranges at a revision,
//! and watches carry `prev_kv`.
//!
//! Unary calls are bounded by `request_timeout`. A watch whose stream breaks reconnects with
//! back-off from the revision after the last event it delivered, so the caller sees no gap and
//! no repeat; if that revision was compacted meanwhile, the caller gets [`Error::Compacted`].

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use etcd_client::{
    Certificate, Client, Compare, CompareOp, DeleteOptions, EventType, GetOptions, Identity,
    PutOptions, TlsOptions, Txn, TxnOp, TxnOpResponse, WatchOptions,
};
use futures::stream;

use super::{
    Error, Event, EventKind, GetResponse, KeyValue, LeaseId, PrefixChanges, RangeRequest,
    RangeResponse, Result, Revision, Storage, WatchStream, prefix_range_end,
};

/// How to reach etcd (`--etcd-servers` and the TLS files).
#[derive(Clone, Debug)]
pub struct EtcdOptions {
    pub endpoints: Vec<String>,
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub request_timeout: Duration,
    pub dial_timeout: Duration,
}

impl EtcdOptions {
    pub fn new(endpoints: Vec<String>) -> Self {
        EtcdOptions {
            endpoints,
            ca_file: None,
            cert_file: None,
            key_file: None,
            request_timeout: Duration::from_secs(10),
            dial_timeout: Duration::from_secs(5),
        }
    }
}

pub struct EtcdStore {
    client: Client,
    request_timeout: Duration,
}

/// The largest response accepted from etcd. gRPC's default of 4 MiB would fail a LIST of a
/// few thousand objects; upstream's etcd client allows `math.MaxInt32`, and so do we.
const MAX_RESPONSE_BYTES: usize = i32::MAX as usize;

impl EtcdStore {
    fn kv(&self) -> etcd_client::KvClient {
        self.client
            .kv_client()
            .max_decoding_message_size(MAX_RESPONSE_BYTES)
    }

    /// Builds a client. No request is made: an unreachable etcd shows up as
    /// [`Error::Unavailable`] on use and in [`Storage::check_health`], not as a failure here.
    pub async fn connect(options: EtcdOptions) -> Result<Self> {
        if options.endpoints.is_empty() {
            return Err(Error::InvalidRequest("no etcd endpoints given".into()));
        }
        let tls = if options.endpoints.iter().any(|e| e.starts_with("https://")) {
            Some(tls_options(&options)?)
        } else {
            None
        };
        let endpoints = options
            .endpoints
            .iter()
            .map(|url| endpoint(url, tls.as_ref(), &options))
            .collect::<Result<Vec<_>>>()?;
        let channel = tonic::transport::Channel::balance_list(endpoints.into_iter());
        let client = Client::from_channel(etcd_client::Channel::Tonic(channel), None)
            .await
            .map_err(|e| Error::Unavailable(format!("etcd client: {e}")))?;
        Ok(EtcdStore {
            client,
            request_timeout: options.request_timeout,
        })
    }

    /// Runs one unary call with the request timeout, mapping etcd's errors onto ours.
    async fn call<T>(
        &self,
        requested: Revision,
        call: impl Future<Output = std::result::Result<T, etcd_client::Error>>,
    ) -> Result<T> {
        match tokio::time::timeout(self.request_timeout, call).await {
            Ok(result) => result.map_err(|e| map_error(e, requested)),
            Err(_) => Err(Error::Unavailable(format!(
                "etcd did not answer within {:?}",
                self.request_timeout
            ))),
        }
    }
}

fn read_pem(path: &PathBuf, what: &str) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| {
        Error::InvalidRequest(format!("cannot read etcd {what} {}: {e}", path.display()))
    })
}

/// HTTP/2 flow-control windows towards etcd. The protocol's default, 64 KiB for the whole
/// connection, holds five pod watch events with their previous values: every watch, read and
/// write answer shares it, and etcd stops sending whenever the API server is slow to read.
/// etcd's Go client grows its windows from the measured bandwidth-delay product up to 16 MiB;
/// fixed windows of that order do the same here.
const STREAM_WINDOW_BYTES: u32 = 4 << 20;
const CONNECTION_WINDOW_BYTES: u32 = 16 << 20;

/// One etcd member's endpoint: TLS for `https://` URLs, the dial timeout, keep-alive pings
/// (30 s, 10 s to answer, also while idle) and the windows above.
fn endpoint(
    url: &str,
    tls: Option<&TlsOptions>,
    options: &EtcdOptions,
) -> Result<tonic::transport::Endpoint> {
    let invalid =
        |e: &dyn std::fmt::Display| Error::InvalidRequest(format!("etcd server {url:?}: {e}"));
    // A URL without a scheme is read as etcd-client reads it: HTTPS when TLS is configured.
    let url = match (url.contains("://"), tls) {
        (true, _) => url.to_owned(),
        (false, Some(_)) => format!("https://{url}"),
        (false, None) => format!("http://{url}"),
    };
    let https = url.starts_with("https://");
    if !https && !url.starts_with("http://") {
        return Err(invalid(&"the URL must start with http:// or https://"));
    }
    let endpoint = tonic::transport::Endpoint::from_shared(url)
        .map_err(|e| invalid(&e))?
        .connect_timeout(options.dial_timeout)
        .http2_keep_alive_interval(Duration::from_secs(30))
        .keep_alive_timeout(Duration::from_secs(10))
        .keep_alive_while_idle(true)
        .initial_stream_window_size(STREAM_WINDOW_BYTES)
        .initial_connection_window_size(CONNECTION_WINDOW_BYTES);
    if https {
        let tls = tls.cloned().unwrap_or_default();
        return endpoint.tls_config(tls).map_err(|e| invalid(&e));
    }
    Ok(endpoint)
}

fn tls_options(options: &EtcdOptions) -> Result<TlsOptions> {
    let mut tls = TlsOptions::new();
    if let Some(ca) = &options.ca_file {
        tls = tls.ca_certificate(Certificate::from_pem(read_pem(ca, "CA file")?));
    }
    match (&options.cert_file, &options.key_file) {
        (Some(cert), Some(key)) => {
            tls = tls.identity(Identity::from_pem(
                read_pem(cert, "certificate file")?,
                read_pem(key, "key file")?,
            ));
        }
        (None, None) => {}
        _ => {
            return Err(Error::InvalidRequest(
                "--etcd-certfile and --etcd-keyfile must be given together".into(),
            ));
        }
    }
    Ok(tls)
}

/// Maps an etcd client error. etcd reports compaction and future revisions only in the message.
fn map_error(e: etcd_client::Error, requested: Revision) -> Error {
    match e {
        etcd_client::Error::GRpcStatus(status) => {
            let message = status.message();
            if message.contains("required revision has been compacted") {
                Error::Compacted {
                    requested,
                    compacted: 0,
                }
            } else if message.contains("required revision is a future revision") {
                Error::FutureRevision {
                    requested,
                    current: 0,
                }
            } else if message.contains("requested lease not found") {
                Error::LeaseNotFound(0)
            } else if message.contains("database space exceeded") {
                Error::Io(format!("etcd: {message}"))
            } else if status.code() == tonic::Code::InvalidArgument {
                Error::InvalidRequest(format!("etcd: {message}"))
            } else {
                Error::Unavailable(format!("etcd: {message}"))
            }
        }
        other => Error::Unavailable(format!("etcd: {other}")),
    }
}

fn convert(kv: &etcd_client::KeyValue) -> KeyValue {
    KeyValue {
        key: String::from_utf8_lossy(kv.key()).into_owned(),
        value: Bytes::copy_from_slice(kv.value()),
        create_revision: kv.create_revision(),
        mod_revision: kv.mod_revision(),
        version: kv.version(),
        lease: kv.lease(),
    }
}

fn header_revision(header: Option<&etcd_client::ResponseHeader>) -> Revision {
    header.map(|h| h.revision()).unwrap_or(0)
}

/// The value the `or_else` branch of a guarded transaction read back.
fn current_from(responses: Vec<TxnOpResponse>) -> Option<KeyValue> {
    responses.into_iter().find_map(|response| match response {
        TxnOpResponse::Get(get) => get.kvs().first().map(convert),
        _ => None,
    })
}

#[async_trait::async_trait]
impl Storage for EtcdStore {
    fn backend_name(&self) -> &'static str {
        "etcd3"
    }

    async fn create(&self, key: &str, value: Bytes, lease: LeaseId) -> Result<KeyValue> {
        let put = PutOptions::new().with_lease(lease);
        let txn = Txn::new()
            .when([Compare::create_revision(key, CompareOp::Equal, 0)])
            .and_then([TxnOp::put(key, value.to_vec(), Some(put))]);
        let mut kv = self.kv();
        let response = self
            .call(0, kv.txn(txn))
            .await
            .map_err(|e| lease_error(e, lease))?;
        if !response.succeeded() {
            return Err(Error::AlreadyExists { key: key.into() });
        }
        let rev = header_revision(response.header());
        Ok(KeyValue {
            key: key.to_owned(),
            value,
            create_revision: rev,
            mod_revision: rev,
            version: 1,
            lease,
        })
    }

    async fn update(
        &self,
        key: &str,
        value: Bytes,
        expected: Revision,
        lease: LeaseId,
    ) -> Result<KeyValue> {
        let put = PutOptions::new().with_lease(lease).with_prev_key();
        let txn = Txn::new()
            .when([Compare::mod_revision(key, CompareOp::Equal, expected)])
            .and_then([TxnOp::put(key, value.to_vec(), Some(put))])
            .or_else([TxnOp::get(key, None)]);
        let mut kv = self.kv();
        let response = self
            .call(0, kv.txn(txn))
            .await
            .map_err(|e| lease_error(e, lease))?;
        let rev = header_revision(response.header());
        let responses = response.op_responses();
        if !response.succeeded() {
            return Err(match current_from(responses) {
                Some(current) => Error::Conflict {
                    key: key.into(),
                    expected,
                    current: Box::new(current),
                },
                None => Error::NotFound { key: key.into() },
            });
        }
        let prev = responses.into_iter().find_map(|r| match r {
            TxnOpResponse::Put(put) => put.prev_key().map(convert),
            _ => None,
        });
        let Some(prev) = prev else {
            // The compare matched a revision, so the key existed; etcd always returns prev here.
            return Err(Error::Unavailable("etcd returned no previous value".into()));
        };
        Ok(KeyValue {
            key: key.to_owned(),
            value,
            create_revision: prev.create_revision,
            mod_revision: rev,
            version: prev.version + 1,
            lease,
        })
    }

    async fn delete(&self, key: &str, expected: Option<Revision>) -> Result<(KeyValue, Revision)> {
        let compare = match expected {
            Some(rev) => Compare::mod_revision(key, CompareOp::Equal, rev),
            None => Compare::create_revision(key, CompareOp::Greater, 0),
        };
        let txn = Txn::new()
            .when([compare])
            .and_then([TxnOp::delete(
                key,
                Some(DeleteOptions::new().with_prev_key()),
            )])
            .or_else([TxnOp::get(key, None)]);
        let mut kv = self.kv();
        let response = self.call(0, kv.txn(txn)).await?;
        let rev = header_revision(response.header());
        let responses = response.op_responses();
        if !response.succeeded() {
            return Err(match (current_from(responses), expected) {
                (Some(current), Some(expected)) => Error::Conflict {
                    key: key.into(),
                    expected,
                    current: Box::new(current),
                },
                _ => Error::NotFound { key: key.into() },
            });
        }
        let deleted = responses.into_iter().find_map(|r| match r {
            TxnOpResponse::Delete(delete) => delete.prev_kvs().first().map(convert),
            _ => None,
        });
        match deleted {
            Some(prev) => Ok((prev, rev)),
            None => Err(Error::NotFound { key: key.into() }),
        }
    }

    async fn get(&self, key: &str, revision: Option<Revision>) -> Result<GetResponse> {
        let mut options = GetOptions::new();
        if let Some(rev) = revision.filter(|rev| *rev > 0) {
            options = options.with_revision(rev);
        }
        let mut kv = self.kv();
        let response = self
            .call(revision.unwrap_or(0), kv.get(key, Some(options)))
            .await?;
        Ok(GetResponse {
            kv: response.kvs().first().map(convert),
            revision: revision
                .filter(|rev| *rev > 0)
                .unwrap_or_else(|| header_revision(response.header())),
        })
    }

    async fn range(&self, request: RangeRequest) -> Result<RangeResponse> {
        let start = match &request.start_key {
            Some(start) if start.as_str() > request.prefix.as_str() => start.clone(),
            _ => request.prefix.clone(),
        };
        let mut options = GetOptions::new().with_range(prefix_range_end(request.prefix.as_bytes()));
        if request.limit > 0 {
            options = options.with_limit(request.limit as i64);
        }
        if let Some(rev) = request.revision.filter(|rev| *rev > 0) {
            options = options.with_revision(rev);
        }
        let mut kv = self.kv();
        let response = self
            .call(request.revision.unwrap_or(0), kv.get(start, Some(options)))
            .await?;
        Ok(RangeResponse {
            kvs: response.kvs().iter().map(convert).collect(),
            more: response.more(),
            count: response.count(),
            revision: request
                .revision
                .filter(|rev| *rev > 0)
                .unwrap_or_else(|| header_revision(response.header())),
        })
    }

    async fn count(&self, prefix: &str) -> Result<i64> {
        let options = GetOptions::new()
            .with_range(prefix_range_end(prefix.as_bytes()))
            .with_count_only();
        let mut kv = self.kv();
        Ok(self.call(0, kv.get(prefix, Some(options))).await?.count())
    }

    async fn changes_since(&self, prefix: &str, since: Revision) -> Result<PrefixChanges> {
        let end = prefix_range_end(prefix.as_bytes());
        let mut kv = self.kv();
        let all = GetOptions::new().with_range(end.clone()).with_count_only();
        let counted = self.call(0, kv.get(prefix, Some(all))).await?;
        let revision = header_revision(counted.header());
        // etcd applies the mod-revision filter to the returned keys, not to `count`.
        let modified = GetOptions::new()
            .with_range(end)
            .with_keys_only()
            .with_revision(revision)
            .with_min_mod_revision(since + 1);
        let modified = self.call(revision, kv.get(prefix, Some(modified))).await?;
        Ok(PrefixChanges {
            revision,
            keys: counted.count(),
            modified: modified.kvs().len() as i64,
        })
    }

    async fn current_revision(&self) -> Result<Revision> {
        let mut kv = self.kv();
        let options = GetOptions::new().with_count_only();
        let response = self.call(0, kv.get("health", Some(options))).await?;
        Ok(header_revision(response.header()))
    }

    async fn watch(&self, prefix: &str, from: Revision) -> Result<WatchStream> {
        // Resolve "now" and open the stream before returning, so that a change made right after
        // this call is delivered and an unreachable etcd is reported at once.
        let next = if from > 0 {
            from
        } else {
            self.current_revision().await? + 1
        };
        let mut watch = EtcdWatch {
            client: self.client.clone(),
            prefix: prefix.to_owned(),
            next,
            stream: None,
            pending: VecDeque::new(),
            backoff: Duration::ZERO,
            done: false,
        };
        watch.connect().await?;
        Ok(Box::pin(stream::unfold(watch, |mut watch| async move {
            watch.next_event().await.map(|item| (item, watch))
        })))
    }

    async fn compact(&self, revision: Revision) -> Result<()> {
        let mut kv = self.kv();
        self.call(revision, kv.compact(revision, None))
            .await
            .map(drop)
    }

    async fn lease_grant(&self, ttl: Duration) -> Result<LeaseId> {
        let seconds = ttl.as_secs().max(1) as i64;
        let mut lease = self.client.lease_client();
        let response = self.call(0, lease.grant(seconds, None)).await?;
        Ok(response.id())
    }

    async fn lease_keep_alive(&self, id: LeaseId) -> Result<()> {
        let mut lease = self.client.lease_client();
        // etcd-client sends one keep-alive and reads its answer; a lease that is gone answers
        // with TTL 0, reported as `LeaseKeepAliveError`.
        let renewed = tokio::time::timeout(self.request_timeout, lease.keep_alive(id)).await;
        match renewed {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(etcd_client::Error::LeaseKeepAliveError(_))) => Err(Error::LeaseNotFound(id)),
            Ok(Err(e)) => Err(map_error(e, 0)),
            Err(_) => Err(Error::Unavailable("etcd lease keep-alive timed out".into())),
        }
    }

    async fn lease_revoke(&self, id: LeaseId) -> Result<()> {
        let mut lease = self.client.lease_client();
        self.call(0, lease.revoke(id))
            .await
            .map(drop)
            .map_err(|e| lease_error(e, id))
    }

    async fn check_health(&self) -> Result<()> {
        self.current_revision().await.map(drop)
    }
}

fn lease_error(e: Error, lease: LeaseId) -> Error {
    match e {
        Error::LeaseNotFound(_) => Error::LeaseNotFound(lease),
        other => other,
    }
}

/// One watch, re-established after a broken stream from the revision after its last event.
struct EtcdWatch {
    client: Client,
    prefix: String,
    /// Next revision to deliver.
    next: Revision,
    stream: Option<etcd_client::WatchStream>,
    pending: VecDeque<Event>,
    backoff: Duration,
    done: bool,
}

const MAX_BACKOFF: Duration = Duration::from_secs(5);

impl EtcdWatch {
    async fn next_event(&mut self) -> Option<Result<Event>> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(Ok(event));
            }
            if self.done {
                return None;
            }
            let Some(stream) = self.stream.as_mut() else {
                self.reconnect().await;
                continue;
            };
            match stream.message().await {
                Ok(Some(response)) => {
                    if let Some(error) = self.take_response(response) {
                        self.done = true;
                        return Some(Err(error));
                    }
                }
                Ok(None) | Err(_) => {
                    tracing::warn!(prefix = %self.prefix, next = self.next, "etcd watch broke; resuming");
                    self.stream = None;
                }
            }
        }
    }

    async fn reconnect(&mut self) {
        if !self.backoff.is_zero() {
            tokio::time::sleep(self.backoff).await;
        }
        self.backoff = (self.backoff * 2).clamp(Duration::from_millis(100), MAX_BACKOFF);
        if let Err(e) = self.connect().await {
            tracing::warn!(error = %e, prefix = %self.prefix, "etcd watch failed; retrying");
        }
    }

    async fn connect(&mut self) -> Result<()> {
        let options = WatchOptions::new()
            .with_prefix()
            .with_prev_key()
            .with_start_revision(self.next);
        let mut client = self
            .client
            .watch_client()
            .max_decoding_message_size(MAX_RESPONSE_BYTES);
        let stream = client
            .watch(self.prefix.clone(), Some(options))
            .await
            .map_err(|e| map_error(e, self.next))?;
        self.stream = Some(stream);
        Ok(())
    }

    /// Takes one watch response; returns the error that ends the watch, if any.
    fn take_response(&mut self, response: etcd_client::WatchResponse) -> Option<Error> {
        if response.compact_revision() > 0 {
            return Some(Error::Compacted {
                requested: self.next,
                compacted: response.compact_revision(),
            });
        }
        if response.canceled() {
            return Some(Error::Unavailable(format!(
                "etcd cancelled the watch: {}",
                response.cancel_reason()
            )));
        }
        self.backoff = Duration::ZERO;
        for event in response.events() {
            let Some(kv) = event.kv() else { continue };
            let kv = convert(kv);
            if kv.mod_revision < self.next {
                continue; // already delivered before a reconnect
            }
            self.next = kv.mod_revision + 1;
            self.pending.push_back(Event {
                kind: match event.event_type() {
                    EventType::Put => EventKind::Put,
                    EventType::Delete => EventKind::Delete,
                },
                kv,
                prev: event.prev_kv().map(convert),
            });
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_take_etcd_client_schemes() {
        let options = EtcdOptions::new(Vec::new());
        let uri = |url: &str, tls: Option<&TlsOptions>| {
            endpoint(url, tls, &options).map(|e| e.uri().to_string())
        };
        assert_eq!(
            uri("http://127.0.0.1:2379", None).ok().as_deref(),
            Some("http://127.0.0.1:2379/")
        );
        assert_eq!(
            uri("127.0.0.1:2379", None).ok().as_deref(),
            Some("http://127.0.0.1:2379/")
        );
        let tls = TlsOptions::new();
        assert_eq!(
            uri("127.0.0.1:2379", Some(&tls)).ok().as_deref(),
            Some("https://127.0.0.1:2379/")
        );
        assert!(matches!(
            uri("unix:///run/etcd.sock", None),
            Err(Error::InvalidRequest(_))
        ));
    }
}
