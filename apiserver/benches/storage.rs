//! Storage benchmark: the embedded store against a private etcd, same workload, same run.
//!
//! ```text
//! cargo bench -p kube-apiserver --bench storage
//! STORAGE_BENCH_QUICK=1 cargo bench -p kube-apiserver --bench storage   # ~10x shorter
//! ```
//!
//! For 1, 8 and 64 concurrent clients (tokio tasks on a multi-thread runtime) it measures creates,
//! CAS updates, point gets, 1,000-key ranges and watch delivery. Every row is bounded by an op
//! count and a time limit, whichever comes first. etcd is started here, on free loopback ports
//! with its default heartbeat and election settings, and killed when the run ends (also on a
//! panic). Results go to stdout as a markdown table.

mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use apiserver::storage::embedded::{EmbeddedOptions, EmbeddedStore};
use apiserver::storage::etcd::{EtcdOptions, EtcdStore};
use apiserver::storage::{Error, RangeRequest, Revision, Storage};
use bytes::Bytes;
use futures::StreamExt;
use support::{EtcdProcess, Outcome, command_line, fmt_percentile, fmt_rate, print_title};
use tokio::task::JoinHandle;

const CLIENTS: [usize; 3] = [1, 8, 64];
const VALUE_SIZE: usize = 2048;
const RANGE_KEYS: usize = 1000;
const RANGE_PREFIX: &str = "/registry/configmaps/bench-range/";
/// Keys each client owns and cycles through in the update phase.
const UPDATE_KEYS_PER_CLIENT: usize = 8;

/// How long and how much each row runs.
#[derive(Clone, Copy, Debug)]
struct Limits {
    phase_time: Duration,
    create_ops: usize,
    update_ops: usize,
    get_ops: usize,
    range_ops: usize,
    watch_ops: usize,
    /// Writes for the 64-watcher row: every write is delivered 64 times.
    fanout_watch_ops: usize,
    /// How long watchers may take to catch up after the writers stop.
    drain_time: Duration,
    /// Idle time before each measurement, so that background work left by the previous one
    /// (etcd's Go GC and backend commits, the embedded store's LSM flushes) does not steal the
    /// two cores from the next.
    settle_time: Duration,
}

impl Limits {
    fn new(quick: bool) -> Self {
        let full = Limits {
            phase_time: Duration::from_secs(3),
            create_ops: 30_000,
            update_ops: 30_000,
            get_ops: 300_000,
            range_ops: 3_000,
            watch_ops: 20_000,
            fanout_watch_ops: 5_000,
            drain_time: Duration::from_secs(20),
            settle_time: Duration::from_millis(500),
        };
        if !quick {
            return full;
        }
        Limits {
            phase_time: full.phase_time / 10,
            create_ops: full.create_ops / 10,
            update_ops: full.update_ops / 10,
            get_ops: full.get_ops / 10,
            range_ops: full.range_ops / 10,
            watch_ops: full.watch_ops / 10,
            fanout_watch_ops: full.fanout_watch_ops / 10,
            drain_time: full.drain_time / 4,
            settle_time: full.settle_time / 10,
        }
    }
}

// ----------------------------------------------------------------------------------------------
// etcd, owned by the benchmark

/// Waits until the private etcd serves a read (it has a leader) and connects the store to it.
async fn connect_etcd(etcd: &mut EtcdProcess) -> Result<EtcdStore, String> {
    etcd.wait_ready().await?;
    EtcdStore::connect(EtcdOptions::new(vec![etcd.endpoint.clone()]))
        .await
        .map_err(|e| format!("connecting to etcd at {}: {e}", etcd.endpoint))
}

// ----------------------------------------------------------------------------------------------
// Results

struct Row {
    operation: String,
    clients: usize,
    /// Indexed like the backends: embedded, etcd.
    outcomes: [Outcome; 2],
    is_watch: bool,
}

/// What one client task reports.
#[derive(Default)]
struct ClientReport {
    /// Ops, errors and latencies (no time: that is [`ClientReport::finished`]).
    outcome: Outcome,
    finished: Option<Instant>,
    /// Keys created (create phase).
    created: Vec<String>,
    /// (revision, (submit time, ack time)) per acknowledged write (watch phase).
    acks: Vec<(Revision, (Instant, Instant))>,
}

impl ClientReport {
    /// One op done, in `latency`.
    fn done(&mut self, latency: Duration) {
        self.outcome.ops += 1;
        self.outcome.latencies.push(latency);
    }

    fn error(&mut self, e: impl std::fmt::Display) {
        self.outcome.error(e);
    }
}

async fn join_clients(
    start: Instant,
    handles: Vec<JoinHandle<ClientReport>>,
) -> (Outcome, Vec<ClientReport>) {
    let mut outcome = Outcome::default();
    let mut reports = Vec::with_capacity(handles.len());
    let mut last = start;
    for handle in handles {
        let mut report = handle.await.expect("a benchmark client panicked");
        outcome.absorb(std::mem::take(&mut report.outcome));
        last = last.max(report.finished.unwrap_or(start));
        reports.push(report);
    }
    outcome.elapsed = last - start;
    (outcome, reports)
}

// ----------------------------------------------------------------------------------------------
// Workload pieces

/// A fresh ~2 KB value per write (as a real request would carry), tagged to stay distinct.
fn value(tag: &str) -> Bytes {
    let mut buf = Vec::with_capacity(VALUE_SIZE);
    buf.extend_from_slice(tag.as_bytes());
    buf.resize(VALUE_SIZE, b'x');
    Bytes::from(buf)
}

/// splitmix64: a tiny, seedable, `Send` random source for picking keys.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

type Store = Arc<dyn Storage>;

/// Whether client `i`'s loop may run another op.
fn keep_going(done: usize, quota: usize, deadline: Instant) -> bool {
    done < quota && Instant::now() < deadline
}

/// Creates `count` keys under `prefix` with 64 concurrent writers (untimed setup).
async fn populate(store: &Store, prefix: &str, count: usize) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut handles = Vec::new();
    for _ in 0..64 {
        let store = store.clone();
        let next = next.clone();
        let prefix = prefix.to_owned();
        handles.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return;
                }
                let key = format!("{prefix}key-{i:05}");
                store
                    .create(&key, value(&key), 0)
                    .await
                    .unwrap_or_else(|e| panic!("setup create of {key} failed: {e}"));
            }
        }));
    }
    for handle in handles {
        handle.await.expect("setup writer panicked");
    }
}

async fn bench_create(store: &Store, clients: usize, limits: Limits) -> (Outcome, Vec<String>) {
    let quota = limits.create_ops.div_ceil(clients);
    let start = Instant::now();
    let deadline = start + limits.phase_time;
    let handles = (0..clients)
        .map(|c| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut report = ClientReport::default();
                let mut i = 0;
                while keep_going(i, quota, deadline) {
                    let key = format!("/registry/pods/bench-{c}/create-{clients}-{i}");
                    let value = value(&key);
                    let began = Instant::now();
                    match store.create(&key, value, 0).await {
                        Ok(_) => {
                            report.done(began.elapsed());
                            report.created.push(key);
                        }
                        Err(e) => report.error(e),
                    }
                    i += 1;
                }
                report.finished = Some(Instant::now());
                report
            })
        })
        .collect();
    let (outcome, reports) = join_clients(start, handles).await;
    let created = reports.into_iter().flat_map(|r| r.created).collect();
    (outcome, created)
}

async fn bench_update(store: &Store, clients: usize, limits: Limits) -> Outcome {
    let quota = limits.update_ops.div_ceil(clients);
    // Each client first creates the keys it will own (untimed), then waits for the others.
    let barrier = Arc::new(tokio::sync::Barrier::new(clients + 1));
    let deadline_cell = Arc::new(tokio::sync::OnceCell::<Instant>::new());
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let store = store.clone();
            let barrier = barrier.clone();
            let deadline_cell = deadline_cell.clone();
            tokio::spawn(async move {
                let mut report = ClientReport::default();
                let mut owned = Vec::with_capacity(UPDATE_KEYS_PER_CLIENT);
                for j in 0..UPDATE_KEYS_PER_CLIENT {
                    let key = format!("/registry/pods/bench-{c}/update-{clients}-{j}");
                    let kv = store
                        .create(&key, value(&key), 0)
                        .await
                        .unwrap_or_else(|e| panic!("setup create of {key} failed: {e}"));
                    owned.push((key, kv.mod_revision));
                }
                barrier.wait().await;
                barrier.wait().await;
                let deadline = *deadline_cell.get().expect("deadline set before release");
                let mut i = 0;
                while keep_going(i, quota, deadline) {
                    let (key, expected) = &mut owned[i % UPDATE_KEYS_PER_CLIENT];
                    let value = value(&format!("{key}@{i}"));
                    let began = Instant::now();
                    match store.update(key, value, *expected, 0).await {
                        Ok(kv) => {
                            report.done(began.elapsed());
                            *expected = kv.mod_revision;
                        }
                        Err(Error::Conflict { current, .. }) => {
                            report.error(format!("unexpected conflict on {key}"));
                            *expected = current.mod_revision;
                        }
                        Err(e) => report.error(e),
                    }
                    i += 1;
                }
                report.finished = Some(Instant::now());
                report
            })
        })
        .collect();
    barrier.wait().await;
    let start = Instant::now();
    deadline_cell
        .set(start + limits.phase_time)
        .expect("deadline set once");
    barrier.wait().await;
    join_clients(start, handles).await.0
}

async fn bench_get(
    store: &Store,
    clients: usize,
    limits: Limits,
    keys: Arc<Vec<String>>,
) -> Outcome {
    let quota = limits.get_ops.div_ceil(clients);
    let start = Instant::now();
    let deadline = start + limits.phase_time;
    let handles = (0..clients)
        .map(|c| {
            let store = store.clone();
            let keys = keys.clone();
            tokio::spawn(async move {
                let mut report = ClientReport::default();
                let mut rng = Rng(0x5eed ^ ((c as u64) << 20) ^ (clients as u64));
                let mut i = 0;
                while keep_going(i, quota, deadline) {
                    let key = &keys[rng.below(keys.len())];
                    let began = Instant::now();
                    match store.get(key, None).await {
                        Ok(response) if response.kv.is_some() => {
                            report.done(began.elapsed());
                        }
                        Ok(_) => report.error(format!("{key} missing")),
                        Err(e) => report.error(e),
                    }
                    i += 1;
                }
                report.finished = Some(Instant::now());
                report
            })
        })
        .collect();
    join_clients(start, handles).await.0
}

async fn bench_range(store: &Store, clients: usize, limits: Limits) -> Outcome {
    let quota = limits.range_ops.div_ceil(clients);
    let start = Instant::now();
    let deadline = start + limits.phase_time;
    let handles = (0..clients)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut report = ClientReport::default();
                let mut i = 0;
                while keep_going(i, quota, deadline) {
                    let request = RangeRequest {
                        prefix: RANGE_PREFIX.to_owned(),
                        ..RangeRequest::default()
                    };
                    let began = Instant::now();
                    match store.range(request).await {
                        Ok(response) if response.kvs.len() == RANGE_KEYS => {
                            report.done(began.elapsed());
                        }
                        Ok(response) => {
                            report.error(format!("range returned {} keys", response.kvs.len()))
                        }
                        Err(e) => report.error(e),
                    }
                    i += 1;
                }
                report.finished = Some(Instant::now());
                report
            })
        })
        .collect();
    join_clients(start, handles).await.0
}

/// What one watcher saw: (revision, receipt time) per event, and how it ended.
struct WatcherReport {
    received: Vec<(Revision, Instant)>,
    ended: Option<String>,
}

async fn bench_watch(store: &Store, clients: usize, watchers: usize, limits: Limits) -> Outcome {
    let ops = if watchers > 1 {
        limits.fanout_watch_ops
    } else {
        limits.watch_ops
    };
    let quota = ops.div_ceil(clients);
    let prefix = format!("/registry/events/bench-watch-{clients}x{watchers}/");
    let from = store
        .current_revision()
        .await
        .expect("current revision before watching")
        + 1;
    // Total writes to wait for; unknown (MAX) until the writers are done.
    let target = Arc::new(AtomicUsize::new(usize::MAX));
    let mut watcher_handles = Vec::with_capacity(watchers);
    for _ in 0..watchers {
        let mut stream = store
            .watch(&prefix, from)
            .await
            .expect("opening a watch failed");
        let target = target.clone();
        watcher_handles.push(tokio::spawn(async move {
            let mut report = WatcherReport {
                received: Vec::new(),
                ended: None,
            };
            while report.received.len() < target.load(Ordering::Acquire) {
                match tokio::time::timeout(Duration::from_millis(50), stream.next()).await {
                    Err(_) => continue, // re-check the target
                    Ok(Some(Ok(event))) => report.received.push((event.revision(), Instant::now())),
                    Ok(Some(Err(e))) => {
                        report.ended = Some(e.to_string());
                        break;
                    }
                    Ok(None) => {
                        report.ended = Some("stream ended".into());
                        break;
                    }
                }
            }
            report
        }));
    }

    let start = Instant::now();
    let deadline = start + limits.phase_time;
    let handles = (0..clients)
        .map(|c| {
            let store = store.clone();
            let prefix = prefix.clone();
            tokio::spawn(async move {
                let mut report = ClientReport::default();
                let mut i = 0;
                while keep_going(i, quota, deadline) {
                    let key = format!("{prefix}bench-{c}/{i}");
                    let value = value(&key);
                    let began = Instant::now();
                    match store.create(&key, value, 0).await {
                        Ok(kv) => {
                            let acked = Instant::now();
                            report.done(acked - began);
                            report.acks.push((kv.mod_revision, (began, acked)));
                        }
                        Err(e) => report.error(e),
                    }
                    i += 1;
                }
                report.finished = Some(Instant::now());
                report
            })
        })
        .collect();
    let (writes, reports) = join_clients(start, handles).await;
    target.store(writes.ops, Ordering::Release);

    let drain_deadline = tokio::time::Instant::now() + limits.drain_time;
    let mut watcher_reports = Vec::with_capacity(watchers);
    let mut timed_out = 0;
    for handle in watcher_handles {
        let abort = handle.abort_handle();
        match tokio::time::timeout_at(drain_deadline, handle).await {
            Ok(report) => watcher_reports.push(report.expect("a watcher panicked")),
            Err(_) => {
                abort.abort();
                timed_out += 1;
            }
        }
    }

    let acks: HashMap<Revision, (Instant, Instant)> = reports
        .iter()
        .flat_map(|r| r.acks.iter().copied())
        .collect();
    let mut outcome = Outcome {
        errors: writes.errors,
        first_error: writes.first_error.clone(),
        ..Outcome::default()
    };
    let mut last = start;
    let mut before_ack = 0usize;
    let mut unknown = 0usize;
    let mut from_submit = Vec::new();
    let mut ended = None;
    for report in &watcher_reports {
        outcome.ops += report.received.len();
        if ended.is_none() {
            ended = report.ended.clone();
        }
        for (rev, received) in &report.received {
            last = last.max(*received);
            match acks.get(rev) {
                Some((submitted, acked)) => {
                    from_submit.push(received.saturating_duration_since(*submitted));
                    if received < acked {
                        before_ack += 1;
                    }
                    outcome
                        .latencies
                        .push(received.saturating_duration_since(*acked));
                }
                None => unknown += 1,
            }
        }
    }
    outcome.elapsed = last - start;
    let expected = writes.ops * watchers;
    let missing = expected.saturating_sub(outcome.ops);
    let p50 = outcome.percentile(50.0);
    let max = outcome.percentile(100.0);
    let write_p99 = writes.percentile(99.0);
    let submit = |p: f64| fmt_percentile(&from_submit, p);
    let mut note = format!(
        "writes {} at {:.0}/s (write p99 {write_p99}), deliveries {}/{expected}, ack->delivery p50 {p50}, max {max}, \
         {before_ack} delivered before the writer's ack (counted as 0); write-submit->delivery p50 {}, p99 {}",
        writes.ops,
        writes.rate(),
        outcome.ops,
        submit(50.0),
        submit(99.0),
    );
    if missing > 0 || timed_out > 0 || unknown > 0 {
        note.push_str(&format!(
            "; MISSING {missing} deliveries, {timed_out} watchers still draining after {:?}, {unknown} unknown revisions",
            limits.drain_time
        ));
    }
    if let Some(ended) = ended {
        note.push_str(&format!("; a watch ended: {ended}"));
    }
    outcome.note = Some(note);
    outcome
}

// ----------------------------------------------------------------------------------------------
// Output

fn print_table(rows: &[Row]) {
    println!(
        "| operation | clients | embedded ops/s | etcd ops/s | embedded/etcd | embedded p99 | etcd p99 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for row in rows {
        let [embedded, etcd] = &row.outcomes;
        let ratio = if etcd.rate() > 0.0 {
            format!("{:.2}x", embedded.rate() / etcd.rate())
        } else {
            "-".into()
        };
        let p99 = |o: &Outcome| o.percentile(99.0);
        let unit = if row.is_watch { " ev/s" } else { "" };
        println!(
            "| {} | {} | {}{unit} | {}{unit} | {ratio} | {} | {} |",
            row.operation,
            row.clients,
            fmt_rate(embedded.rate()),
            fmt_rate(etcd.rate()),
            p99(embedded),
            p99(etcd),
        );
    }
}

fn print_notes(rows: &[Row]) {
    let mut any = false;
    for row in rows {
        for (backend, outcome) in ["embedded", "etcd"].iter().zip(&row.outcomes) {
            let mut parts = Vec::new();
            if let Some(note) = &outcome.note {
                parts.push(note.clone());
            }
            if outcome.errors > 0 {
                parts.push(format!(
                    "{} ERRORS, first: {}",
                    outcome.errors,
                    outcome.first_error.as_deref().unwrap_or("?")
                ));
            }
            if parts.is_empty() {
                continue;
            }
            if !any {
                println!();
                println!("Details:");
                any = true;
            }
            println!(
                "- {} / {} clients / {backend}: {}",
                row.operation,
                row.clients,
                parts.join("; ")
            );
        }
    }
}

// ----------------------------------------------------------------------------------------------

fn main() {
    // `cargo bench` passes `--bench`; there are no options of our own.
    let quick = std::env::var("STORAGE_BENCH_QUICK").is_ok_and(|v| !v.is_empty() && v != "0");
    let limits = Limits::new(quick);

    let etcd_version = command_line("etcd", &["--version"]);
    let mut etcd = EtcdProcess::start().unwrap_or_else(|e| panic!("{e}"));
    let embedded_dir = tempfile::tempdir().expect("temp dir for the embedded store");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let total = Instant::now();
    let rows = runtime.block_on(async {
        let embedded: Store = Arc::new(
            EmbeddedStore::open(embedded_options(embedded_dir.path()))
                .await
                .expect("opening the embedded store"),
        );
        let etcd_store: Store = Arc::new(
            connect_etcd(&mut etcd)
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        );
        let stores = [embedded, etcd_store];
        run(&stores, limits).await
    });
    let total = total.elapsed();
    drop(runtime);
    drop(etcd);

    print_title("Storage benchmark: embedded store vs etcd");
    println!(
        "- etcd: {etcd_version}, single member on 127.0.0.1, plaintext, default heartbeat (100 ms) / election (1000 ms), quota 8 GiB"
    );
    println!(
        "- data dirs: {} (etcd and embedded on the same filesystem); both fsync every acknowledged write",
        std::env::temp_dir().display()
    );
    println!(
        "- mode: {}; {:?} idle before each measurement, then at most {:?} or the op cap (create {}, update {}, get {}, range {}, watch writes {} / {} with 64 watchers); values {VALUE_SIZE} B; total {:.1} s",
        if quick {
            "QUICK (STORAGE_BENCH_QUICK)"
        } else {
            "full"
        },
        limits.settle_time,
        limits.phase_time,
        limits.create_ops,
        limits.update_ops,
        limits.get_ops,
        limits.range_ops,
        limits.watch_ops,
        limits.fanout_watch_ops,
        total.as_secs_f64()
    );
    println!(
        "- client: tokio multi-thread runtime in this process; etcd runs as a separate process on the same cores"
    );
    println!();
    print_table(&rows);
    println!();
    println!(
        "p99: for create/update/get/range, the latency of the op itself; for watch, from the writer's \
         acknowledgement to the watcher receiving the event (events received before the ack count as 0). \
         Watch ops/s are events delivered per second, summed over watchers."
    );
    print_notes(&rows);
}

async fn run(stores: &[Store; 2], limits: Limits) -> Vec<Row> {
    let mut rows = Vec::new();
    // Alternate which backend goes first, so that neither always inherits the other's
    // background work (flushes, compactions) from the previous row.
    let mut row_index = 0usize;
    let mut order = || {
        row_index += 1;
        if row_index % 2 == 1 {
            [0usize, 1]
        } else {
            [1, 0]
        }
    };

    eprintln!("populating {RANGE_KEYS} keys under {RANGE_PREFIX} in each backend");
    for store in stores {
        populate(store, RANGE_PREFIX, RANGE_KEYS).await;
        assert_eq!(
            store.count(RANGE_PREFIX).await.expect("count"),
            RANGE_KEYS as i64
        );
    }

    let mut created: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    for clients in CLIENTS {
        let mut outcomes: [Outcome; 2] = Default::default();
        for b in order() {
            settle(limits).await;
            eprintln!("create, {clients} clients, {}", stores[b].backend_name());
            let (outcome, keys) = bench_create(&stores[b], clients, limits).await;
            created[b].extend(keys);
            outcomes[b] = outcome;
        }
        rows.push(row("create", clients, outcomes, false));
    }
    for clients in CLIENTS {
        let mut outcomes: [Outcome; 2] = Default::default();
        for b in order() {
            settle(limits).await;
            eprintln!("update, {clients} clients, {}", stores[b].backend_name());
            outcomes[b] = bench_update(&stores[b], clients, limits).await;
        }
        rows.push(row("CAS update", clients, outcomes, false));
    }
    let created = created.map(Arc::new);
    for clients in CLIENTS {
        let mut outcomes: [Outcome; 2] = Default::default();
        for b in order() {
            settle(limits).await;
            eprintln!("get, {clients} clients, {}", stores[b].backend_name());
            outcomes[b] = bench_get(&stores[b], clients, limits, created[b].clone()).await;
        }
        rows.push(row("get", clients, outcomes, false));
    }
    for clients in CLIENTS {
        let mut outcomes: [Outcome; 2] = Default::default();
        for b in order() {
            settle(limits).await;
            eprintln!(
                "range 1000, {clients} clients, {}",
                stores[b].backend_name()
            );
            outcomes[b] = bench_range(&stores[b], clients, limits).await;
        }
        rows.push(row("range 1,000 keys", clients, outcomes, false));
    }
    for (clients, watchers) in [(1, 1), (8, 1), (64, 1), (64, 64)] {
        let mut outcomes: [Outcome; 2] = Default::default();
        for b in order() {
            settle(limits).await;
            eprintln!(
                "watch, {clients} writers, {watchers} watchers, {}",
                stores[b].backend_name()
            );
            outcomes[b] = bench_watch(&stores[b], clients, watchers, limits).await;
        }
        let name = if watchers == 1 {
            "watch (1 watcher)".to_owned()
        } else {
            format!("watch ({watchers} watchers)")
        };
        rows.push(row(&name, clients, outcomes, true));
    }
    rows
}

/// The embedded store's options: defaults, except `STORAGE_BENCH_HISTORY_LIMIT` (revisions of
/// history kept before the store compacts on its own), for experiments.
fn embedded_options(dir: &std::path::Path) -> EmbeddedOptions {
    let mut options = EmbeddedOptions::new(dir);
    if let Some(limit) = std::env::var("STORAGE_BENCH_HISTORY_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        options.history_limit = limit;
    }
    options
}

async fn settle(limits: Limits) {
    tokio::time::sleep(limits.settle_time).await;
}

fn row(operation: &str, clients: usize, outcomes: [Outcome; 2], is_watch: bool) -> Row {
    Row {
        operation: operation.to_owned(),
        clients,
        outcomes,
        is_watch,
    }
}
