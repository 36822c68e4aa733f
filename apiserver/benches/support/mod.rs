//! What the benchmarks share: a private etcd process, free loopback ports, the kube-apiserver
//! process and connections to it ([`server`]), process statistics from /proc, percentiles, the
//! machine description and number formatting.

// Each benchmark uses a part of this module.
#![allow(dead_code)]

pub mod server;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

// ----------------------------------------------------------------------------------------------
// etcd, owned by the benchmark

/// A private etcd: killed and its data dir removed when this drops, also during a panic.
pub struct EtcdProcess {
    child: Child,
    pub endpoint: String,
    _data_dir: tempfile::TempDir,
}

impl EtcdProcess {
    pub fn start() -> Result<Self, String> {
        let data_dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let client_url = format!("http://127.0.0.1:{}", free_port()?);
        let peer_url = format!("http://127.0.0.1:{}", free_port()?);
        let child = Command::new("etcd")
            .arg("--name=bench")
            .arg(format!(
                "--data-dir={}",
                data_dir.path().join("etcd").display()
            ))
            .arg(format!("--listen-client-urls={client_url}"))
            .arg(format!("--advertise-client-urls={client_url}"))
            .arg(format!("--listen-peer-urls={peer_url}"))
            .arg(format!("--initial-advertise-peer-urls={peer_url}"))
            .arg(format!("--initial-cluster=bench={peer_url}"))
            // Default heartbeat (100ms) and election timeout (1000ms); only the space quota is
            // raised, so that a long run cannot hit etcd's 2 GiB alarm.
            .arg("--quota-backend-bytes=8589934592")
            .arg("--logger=zap")
            .arg("--log-level=error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start etcd (is it installed?): {e}"))?;
        Ok(EtcdProcess {
            child,
            endpoint: client_url,
            _data_dir: data_dir,
        })
    }

    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(e) => Some(e.to_string()),
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until etcd serves a read (it has a leader) and returns a client connected to it.
    pub async fn wait_ready(&mut self) -> Result<etcd_client::Client, String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.exited() {
                return Err(format!("etcd exited during start: {status}"));
            }
            if let Ok(mut client) = etcd_client::Client::connect([&self.endpoint], None).await
                && client.get("health", None).await.is_ok()
            {
                return Ok(client);
            }
            if Instant::now() > deadline {
                return Err(format!("etcd at {} not ready within 30s", self.endpoint));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for EtcdProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("no free port: {e}"))
}

// ----------------------------------------------------------------------------------------------
// /proc

/// What /proc says about a process at one moment.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcSample {
    /// utime + stime, in clock ticks.
    pub cpu_ticks: u64,
    /// cutime + cstime: the CPU of children that have been waited for.
    pub children_cpu_ticks: u64,
    pub rss_bytes: u64,
    pub peak_rss_bytes: u64,
}

impl ProcSample {
    fn read(pid: &str) -> ProcSample {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // The fields after the command name (which may hold spaces) start with the state,
        // the third field; utime and stime are the 14th and 15th.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest.split_whitespace().collect())
            .unwrap_or_default();
        let tick = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let kib = |key: &str| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024
        };
        ProcSample {
            cpu_ticks: tick(11) + tick(12),
            children_cpu_ticks: tick(13) + tick(14),
            rss_bytes: kib("VmRSS:"),
            peak_rss_bytes: kib("VmHWM:"),
        }
    }

    pub fn of(pid: u32) -> ProcSample {
        Self::read(&pid.to_string())
    }

    pub fn this_process() -> ProcSample {
        Self::read("self")
    }

    fn own_and_children_ticks(&self) -> u64 {
        self.cpu_ticks + self.children_cpu_ticks
    }
}

/// Clock ticks per second of /proc's CPU times.
fn ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        command_line("getconf", &["CLK_TCK"])
            .parse()
            .unwrap_or(100.0)
    })
}

/// CPU time the whole machine spent running processes (user, nice, system, and steal: time the
/// hypervisor gave to others), in clock ticks. Interrupts are left out: much of that is our own
/// loopback traffic.
fn machine_busy_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .take(8)
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    fields
        .iter()
        .enumerate()
        .filter(|(i, _)| matches!(i, 0 | 1 | 2 | 7))
        .map(|(_, ticks)| ticks)
        .sum()
}

/// The 1, 5 and 15 minute load averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Measures the CPU used by some processes, by this one, and by everything else on the
/// machine, from `start` to `stop`.
pub struct CpuMeter {
    pids: Vec<u32>,
    ticks: Vec<u64>,
    this_process: u64,
    machine: u64,
    started: Instant,
}

/// What a [`CpuMeter`] measured, in cores (CPU seconds per second).
#[derive(Clone, Debug, Default)]
pub struct CpuUse {
    /// One per pid given to [`CpuMeter::start`].
    pub processes: Vec<f64>,
    /// This process, and its children that ended and were waited for in the window.
    pub this_process: f64,
    /// The machine's busy time less the above: other work that competed for the cores.
    pub others: f64,
    pub window: Duration,
}

impl CpuMeter {
    pub fn start(pids: &[u32]) -> Self {
        CpuMeter {
            pids: pids.to_vec(),
            ticks: pids
                .iter()
                .map(|&pid| ProcSample::of(pid).cpu_ticks)
                .collect(),
            this_process: ProcSample::this_process().own_and_children_ticks(),
            machine: machine_busy_ticks(),
            started: Instant::now(),
        }
    }

    pub fn stop(&self) -> CpuUse {
        let window = self.started.elapsed();
        let per_second = ticks_per_second() * window.as_secs_f64().max(1e-9);
        let cores = |before: u64, after: u64| after.saturating_sub(before) as f64 / per_second;
        let processes: Vec<f64> = self
            .pids
            .iter()
            .zip(&self.ticks)
            .map(|(&pid, &before)| cores(before, ProcSample::of(pid).cpu_ticks))
            .collect();
        let this_process = cores(
            self.this_process,
            ProcSample::this_process().own_and_children_ticks(),
        );
        let machine = cores(self.machine, machine_busy_ticks());
        CpuUse {
            others: (machine - this_process - processes.iter().sum::<f64>()).max(0.0),
            processes,
            this_process,
            window,
        }
    }
}

pub fn fmt_bytes(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    if mib >= 1.0 {
        format!("{mib:.1} MiB")
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

// ----------------------------------------------------------------------------------------------
// Statistics and formatting

/// What one row measured on one target.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub ops: usize,
    pub errors: usize,
    pub first_error: Option<String>,
    pub elapsed: Duration,
    /// Latencies of the ops themselves, or, for watch rows, writer ack -> watcher receipt.
    pub latencies: Vec<Duration>,
    /// Free-form detail printed below the table.
    pub note: Option<String>,
}

impl Outcome {
    /// Ops per second.
    pub fn rate(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds > 0.0 {
            self.ops as f64 / seconds
        } else {
            0.0
        }
    }

    /// The `p`th percentile latency, formatted.
    pub fn percentile(&self, p: f64) -> String {
        fmt_percentile(&self.latencies, p)
    }

    pub fn error(&mut self, e: impl std::fmt::Display) {
        self.errors += 1;
        self.first_error.get_or_insert_with(|| e.to_string());
    }

    /// Adds what `other` counted (not its time).
    pub fn absorb(&mut self, mut other: Outcome) {
        self.ops += other.ops;
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error.take();
        }
        self.latencies.append(&mut other.latencies);
    }
}

/// The `p`th percentile (nearest rank) of `samples`, or `None` when there are none.
pub fn percentile(samples: &[Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub fn fmt_rate(rate: f64) -> String {
    if rate >= 100.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    }
}

pub fn fmt_latency(latency: Duration) -> String {
    let micros = latency.as_secs_f64() * 1e6;
    if micros < 1000.0 {
        format!("{micros:.0} µs")
    } else if micros < 1e6 {
        format!("{:.2} ms", micros / 1000.0)
    } else {
        format!("{:.2} s", micros / 1e6)
    }
}

/// The `p`th percentile of `samples`, formatted, or `-` when there are none.
pub fn fmt_percentile(samples: &[Duration], p: f64) -> String {
    percentile(samples, p)
        .map(fmt_latency)
        .unwrap_or_else(|| "-".into())
}

/// Prints the report's title and the lines every report starts with: machine and date.
pub fn print_title(title: &str) {
    println!();
    println!("## {title}");
    println!();
    println!("- machine: {}", machine());
    println!(
        "- date: {}",
        command_line("date", &["-u", "+%Y-%m-%d %H:%M:%S UTC"])
    );
}

pub fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs (nproc), {model}")
}

/// The first line `program args` prints, or a note that it could not run.
pub fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .lines()
                .next()
                .map(|line| line.trim().to_owned())
        })
        .unwrap_or_else(|| format!("({program} unavailable)"))
}
