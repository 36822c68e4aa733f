//! A private containerd for one node: its config, its CNI template, and the child process.
//!
//! Everything lives under one data dir: `root/`, `state/`, `containerd.sock`, `config.toml`,
//! `containerd.log`, `cni/conf/` (the CNI `conf_dir`), `cni/template.json` and
//! `cni/ipam/` (host-local's leases). The config carries the settings our machines need
//! (see PLATFORM.md): `restrict_oom_score_adj`, runc with cgroupfs (`SystemdCgroup =
//! false`), `disable_apparmor`, `netns_mounts_under_state_dir`, the overlayfs snapshotter, a
//! pre-imported `sandbox_image`, runc's state under our state dir, and Debian's CNI plugins
//! (`/usr/lib/cni`).
//!
//! The CNI config is not written up front: containerd renders `cni/template.json` into
//! `cni/conf/` when the kubelet calls CRI `UpdateRuntimeConfig` with the node's podCIDR, the
//! runtime-agnostic way upstream uses. The template is a bridge (named per data dir, so two
//! nodes in one network namespace do not share it) with host-local IPAM over the pod CIDRs,
//! portmap for hostPorts and loopback. `ipMasq` is off: pods only talk to the host, to each
//! other and to Services, and masquerade rules would be per-container iptables chains that
//! leak when a pod is not torn down through CNI.
//!
//! [`Containerd::start`] starts `containerd --config` (inside a network namespace when one is
//! given), waits for the socket, and [`Containerd::stop`] (or drop) tears it all down:
//! containerd itself (SIGTERM, then SIGKILL), every runc container under its runc root
//! (`runc delete --force`), the shims that served it, the mounts under the data dir
//! (sandbox netns files, shm, rootfs), and the CNI bridge. Pods' hostPort and other
//! iptables rules are only removed when their sandboxes are stopped through CRI before, which
//! callers that created pods should do (the tests' `TestContainerd` does).

pub mod command;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::images::PAUSE_IMAGE;

/// Debian's `containernetworking-plugins` folder.
pub const DEFAULT_CNI_BIN_DIR: &str = "/usr/lib/cni";
/// The host-local `ranges` of the CNI template: one range set per pod CIDR.
pub const CNI_RANGES_TEMPLATE: &str = r#"[{{range $i, $range := .PodCIDRRanges}}{{if $i}}, {{end}}[{"subnet": "{{$range}}"}]{{end}}]"#;
/// The CRI plugin's containerd namespace.
pub const NAMESPACE: &str = "k8s.io";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("starting {binary}: {source}")]
    Spawn {
        binary: String,
        source: std::io::Error,
    },
    #[error("importing {archive}: {message}")]
    Import { archive: PathBuf, message: String },
    #[error("containerd exited during start ({status}); its log ends with:\n{log}")]
    Exited { status: String, log: String },
    #[error(
        "containerd's socket {socket} did not come up within {timeout:?}; its log ends with:\n{log}"
    )]
    Timeout {
        socket: PathBuf,
        timeout: Duration,
        log: String,
    },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What to start.
#[derive(Clone, Debug)]
pub struct ContainerdConfig {
    /// Holds everything of this containerd; created if missing.
    pub data_dir: PathBuf,
    /// The CRI sandbox image; it must be imported already, since none can be pulled.
    pub sandbox_image: String,
    /// Where the CNI plugins are.
    pub cni_bin_dir: PathBuf,
    /// The CNI bridge; by default `kcni` plus 8 hex digits of the data dir's hash.
    pub bridge_name: String,
    /// The containerd binary.
    pub binary: PathBuf,
    /// A network namespace (`ip netns` name) to run containerd in: a "node".
    pub netns: Option<String>,
    /// How long to wait for the socket.
    pub start_timeout: Duration,
    /// Pod CIDRs to write a CNI config for at start, for use without a kubelet (CI, benches).
    /// Empty: the kubelet's `UpdateRuntimeConfig` renders the template.
    pub static_pod_cidrs: Vec<String>,
}

impl ContainerdConfig {
    pub fn new(data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = absolute(data_dir.into());
        ContainerdConfig {
            bridge_name: bridge_name_for(&data_dir),
            data_dir,
            sandbox_image: PAUSE_IMAGE.to_owned(),
            cni_bin_dir: PathBuf::from(DEFAULT_CNI_BIN_DIR),
            binary: PathBuf::from("containerd"),
            netns: None,
            start_timeout: Duration::from_secs(30),
            static_pod_cidrs: Vec::new(),
        }
    }

    pub fn paths(&self) -> ContainerdPaths {
        ContainerdPaths::new(&self.data_dir)
    }

    /// The `config.toml` (version 2) for this containerd.
    pub fn render_config(&self) -> String {
        let p = self.paths();
        let q = |path: &Path| toml_string(&path.to_string_lossy());
        format!(
            r#"# Written by kubeadm (kubeadm/src/containerd.rs).
version = 2
root = {root}
state = {state}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = {socket}

[plugins."io.containerd.internal.v1.opt"]
  path = {opt}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = {sandbox_image}
  restrict_oom_score_adj = true
  disable_apparmor = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = {runc_root}
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = {cni_bin_dir}
    conf_dir = {cni_conf_dir}
    conf_template = {cni_template}
"#,
            root = q(&p.root),
            state = q(&p.state),
            socket = q(&p.socket),
            opt = q(&p.data_dir.join("opt")),
            sandbox_image = toml_string(&self.sandbox_image),
            runc_root = q(&p.runc_root),
            cni_bin_dir = q(&self.cni_bin_dir),
            cni_conf_dir = q(&p.cni_conf_dir),
            cni_template = q(&p.cni_template),
        )
    }

    /// The CNI conflist template (Go template over containerd's `PodCIDRRanges`).
    pub fn render_cni_template(&self) -> String {
        let p = self.paths();
        let network = serde_json::json!({
            "cniVersion": "0.4.0",
            "name": "kubeadm",
            "plugins": [
                {
                    "type": "bridge",
                    "bridge": self.bridge_name,
                    "isGateway": true,
                    "ipMasq": false,
                    "hairpinMode": true,
                    "ipam": {
                        "type": "host-local",
                        "dataDir": p.cni_ipam_dir.to_string_lossy(),
                        "ranges": "@RANGES@",
                        "routes": [{"dst": "0.0.0.0/0"}]
                    }
                },
                {"type": "portmap", "capabilities": {"portMappings": true}},
                {"type": "loopback"}
            ]
        });
        // The ranges are a Go template, which is not JSON until containerd renders it.
        let json = serde_json::to_string_pretty(&network).unwrap_or_default();
        json.replace(r#""@RANGES@""#, CNI_RANGES_TEMPLATE) + "\n"
    }

    /// The template rendered for `pod_cidrs`, as containerd would render it.
    pub fn render_cni_conflist(&self, pod_cidrs: &[String]) -> String {
        let ranges: Vec<String> = pod_cidrs
            .iter()
            .map(|cidr| serde_json::json!([{ "subnet": cidr }]).to_string())
            .collect();
        self.render_cni_template()
            .replace(CNI_RANGES_TEMPLATE, &format!("[{}]", ranges.join(", ")))
    }

    /// Creates the folders and writes `config.toml` and the CNI template (and the CNI config
    /// for [`ContainerdConfig::static_pod_cidrs`], if any).
    pub fn write(&self) -> Result<ContainerdPaths> {
        let p = self.paths();
        for dir in [
            &p.data_dir,
            &p.root,
            &p.state,
            &p.cni_conf_dir,
            &p.cni_ipam_dir,
        ] {
            std::fs::create_dir_all(dir).map_err(io(dir))?;
        }
        std::fs::write(&p.config, self.render_config()).map_err(io(&p.config))?;
        std::fs::write(&p.cni_template, self.render_cni_template()).map_err(io(&p.cni_template))?;
        if !self.static_pod_cidrs.is_empty() {
            // containerd's own file name, so a later UpdateRuntimeConfig replaces it.
            let conflist = p.cni_conf_dir.join("10-containerd-net.conflist");
            std::fs::write(&conflist, self.render_cni_conflist(&self.static_pod_cidrs))
                .map_err(io(&conflist))?;
        }
        Ok(p)
    }
}

/// The files of one containerd data dir.
#[derive(Clone, Debug)]
pub struct ContainerdPaths {
    pub data_dir: PathBuf,
    pub root: PathBuf,
    pub state: PathBuf,
    pub socket: PathBuf,
    pub config: PathBuf,
    pub log: PathBuf,
    pub runc_root: PathBuf,
    pub cni_conf_dir: PathBuf,
    pub cni_template: PathBuf,
    pub cni_ipam_dir: PathBuf,
}

impl ContainerdPaths {
    pub fn new(data_dir: &Path) -> Self {
        let state = data_dir.join("state");
        ContainerdPaths {
            data_dir: data_dir.to_owned(),
            root: data_dir.join("root"),
            runc_root: state.join("runc"),
            state,
            socket: data_dir.join("containerd.sock"),
            config: data_dir.join("config.toml"),
            log: data_dir.join("containerd.log"),
            cni_conf_dir: data_dir.join("cni").join("conf"),
            cni_template: data_dir.join("cni").join("template.json"),
            cni_ipam_dir: data_dir.join("cni").join("ipam"),
        }
    }
}

/// A running containerd, stopped and cleaned up by [`Containerd::stop`] or on drop.
pub struct Containerd {
    /// The gRPC socket (CRI and containerd's own API).
    pub socket: PathBuf,
    pub paths: ContainerdPaths,
    pub config: ContainerdConfig,
    child: Option<Child>,
}

impl Containerd {
    /// Writes the config and starts containerd; returns once its socket accepts connections.
    pub async fn start(config: ContainerdConfig) -> Result<Self> {
        let paths = config.write()?;
        // A stale socket from an earlier run would look ready at once.
        let _ = std::fs::remove_file(&paths.socket);
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&paths.log)
            .map_err(io(&paths.log))?;
        let log_err = log.try_clone().map_err(io(&paths.log))?;
        let mut command = in_netns(config.netns.as_deref(), &config.binary.to_string_lossy());
        command
            .arg("--config")
            .arg(&paths.config)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let child = command.spawn().map_err(|source| Error::Spawn {
            binary: config.binary.display().to_string(),
            source,
        })?;
        tracing::info!(
            pid = child.id(),
            socket = %paths.socket.display(),
            netns = ?config.netns,
            "started containerd"
        );
        let mut containerd = Containerd {
            socket: paths.socket.clone(),
            paths,
            config,
            child: Some(child),
        };
        containerd.wait_ready().await?;
        Ok(containerd)
    }

    /// The CRI endpoint, `unix://SOCKET`.
    pub fn endpoint(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Imports an OCI archive with `ctr images import` into the CRI namespace.
    pub async fn import(&self, archive: &Path) -> Result<()> {
        let output = tokio::process::Command::new("ctr")
            .arg("--address")
            .arg(&self.socket)
            .args(["-n", NAMESPACE, "images", "import", "--all-platforms"])
            .arg(archive)
            .stdin(Stdio::null())
            .output()
            .await
            .map_err(|source| Error::Spawn {
                binary: "ctr".to_owned(),
                source,
            })?;
        if !output.status.success() {
            return Err(Error::Import {
                archive: archive.to_owned(),
                message: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        tracing::info!(archive = %archive.display(), socket = %self.socket.display(), "imported image archive");
        Ok(())
    }

    /// The containerd process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    async fn wait_ready(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(Error::Exited {
                    status: status.to_string(),
                    log: log_tail(&self.paths.log),
                });
            }
            if tokio::net::UnixStream::connect(&self.socket).await.is_ok() {
                tracing::info!(
                    socket = %self.socket.display(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "containerd is ready"
                );
                return Ok(());
            }
            if started.elapsed() > self.config.start_timeout {
                return Err(Error::Timeout {
                    socket: self.socket.clone(),
                    timeout: self.config.start_timeout,
                    log: log_tail(&self.paths.log),
                });
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops containerd and removes what it left behind (see the module docs). Blocking; also
    /// run on drop.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        terminate(&mut child, Duration::from_secs(5));
        let netns = self.config.netns.as_deref();
        delete_runc_containers(&self.paths.runc_root);
        kill_shims(&self.socket);
        unmount_under(&self.paths.data_dir);
        let _ = in_netns(netns, "ip")
            .args(["link", "delete", &self.config.bridge_name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        tracing::info!(socket = %self.socket.display(), "stopped containerd");
    }
}

impl Drop for Containerd {
    fn drop(&mut self) {
        self.stop();
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_owned(),
        source,
    }
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// `kcni` plus 8 hex digits of the data dir's SHA-256: under Linux's 15-byte name limit.
pub fn bridge_name_for(data_dir: &Path) -> String {
    let digest = ring::digest::digest(
        &ring::digest::SHA256,
        data_dir.as_os_str().as_encoded_bytes(),
    );
    let mut name = String::from("kcni");
    for byte in &digest.as_ref()[..4] {
        name.push_str(&format!("{byte:02x}"));
    }
    name
}

/// A TOML basic string.
fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `program`, or `ip netns exec NETNS program` inside a network namespace.
fn in_netns(netns: Option<&str>, program: &str) -> Command {
    match netns {
        Some(netns) => {
            let mut command = Command::new("ip");
            command.args(["netns", "exec", netns, program]);
            command
        }
        None => Command::new(program),
    }
}

fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn signal(pid: u32, name: &str) {
    let _ = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// SIGTERM, up to `grace` for the exit, then SIGKILL; always reaps.
fn terminate(child: &mut Child, grace: Duration) {
    if let Ok(Some(_)) = child.try_wait() {
        return;
    }
    signal(child.id(), "TERM");
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `runc delete --force` for every container under the runc root (all namespaces).
fn delete_runc_containers(runc_root: &Path) {
    let Ok(namespaces) = std::fs::read_dir(runc_root) else {
        return;
    };
    for namespace in namespaces.flatten() {
        let root = namespace.path();
        let Ok(containers) = std::fs::read_dir(&root) else {
            continue;
        };
        for container in containers.flatten() {
            let id = container.file_name().to_string_lossy().into_owned();
            let _ = Command::new("runc")
                .arg("--root")
                .arg(&root)
                .args(["delete", "--force", &id])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// Kills the shims started by the containerd at `socket` (their command line names it).
fn kill_shims(socket: &Path) {
    let socket = socket.to_string_lossy();
    let Ok(procs) = std::fs::read_dir("/proc") else {
        return;
    };
    for entry in procs.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|pid| pid.parse::<u32>().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|arg| String::from_utf8_lossy(arg).into_owned())
            .collect();
        let is_shim = args
            .first()
            .is_some_and(|program| program.contains("containerd-shim"));
        let ours = args
            .windows(2)
            .any(|pair| pair[0] == "-address" && pair[1] == socket);
        if is_shim && ours {
            signal(pid, "KILL");
        }
    }
}

/// The mount points at or under `dir`, deepest first (from /proc/self/mountinfo).
pub fn mounts_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(mountinfo) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = mountinfo
        .lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(unescape_mountinfo)
        .map(PathBuf::from)
        .filter(|mount| mount.starts_with(dir))
        .collect();
    found.sort_by_key(|mount| std::cmp::Reverse(mount.components().count()));
    found.dedup();
    found
}

/// mountinfo escapes space, tab, newline and backslash as `\ooo`.
fn unescape_mountinfo(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && let Some(digits) = bytes.get(i + 1..i + 4)
            && let Ok(digits) = std::str::from_utf8(digits)
            && let Ok(code) = u8::from_str_radix(digits, 8)
        {
            out.push(code);
            i += 4;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Unmounts (lazily, so busy mounts go too) everything mounted under `dir`.
pub fn unmount_under(dir: &Path) {
    for mount in mounts_under(dir) {
        let status = Command::new("umount")
            .arg("-l")
            .arg(&mount)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !status.is_ok_and(|status| status.success()) {
            tracing::warn!(mount = %mount.display(), "could not unmount");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_has_the_settings_this_platform_needs() {
        let config = ContainerdConfig::new("/data/node-1");
        let toml = config.render_config();
        for needle in [
            "root = \"/data/node-1/root\"",
            "state = \"/data/node-1/state\"",
            "address = \"/data/node-1/containerd.sock\"",
            "sandbox_image = \"registry.k8s.io/pause:3.10\"",
            "restrict_oom_score_adj = true",
            "disable_apparmor = true",
            "netns_mounts_under_state_dir = true",
            "snapshotter = \"overlayfs\"",
            "SystemdCgroup = false",
            "Root = \"/data/node-1/state/runc\"",
            "bin_dir = \"/usr/lib/cni\"",
            "conf_dir = \"/data/node-1/cni/conf\"",
            "conf_template = \"/data/node-1/cni/template.json\"",
        ] {
            assert!(toml.contains(needle), "{needle} missing from\n{toml}");
        }
    }

    #[test]
    fn bridge_names_are_short_and_per_data_dir() {
        let a = bridge_name_for(Path::new("/data/node-1"));
        let b = bridge_name_for(Path::new("/data/node-2"));
        assert_ne!(a, b);
        assert!(a.len() <= 15 && a.starts_with("kcni"));
        assert_eq!(a, bridge_name_for(Path::new("/data/node-1")));
    }

    #[test]
    fn cni_template_renders_ranges_as_a_go_template() {
        let config = ContainerdConfig::new("/data/node-1");
        let template = config.render_cni_template();
        assert!(template.contains(
            r#""ranges": [{{range $i, $range := .PodCIDRRanges}}{{if $i}}, {{end}}[{"subnet": "{{$range}}"}]{{end}}]"#
        ));
        assert!(template.contains(&format!("\"bridge\": \"{}\"", config.bridge_name)));
        assert!(template.contains("\"dataDir\": \"/data/node-1/cni/ipam\""));
        // Rendered with one range, it is JSON.
        let rendered = config.render_cni_conflist(&["10.244.1.0/24".to_owned()]);
        let value: serde_json::Value = serde_json::from_str(&rendered).unwrap();
        assert_eq!(value["plugins"][0]["type"], "bridge");
        assert_eq!(
            value["plugins"][0]["ipam"]["ranges"][0][0]["subnet"],
            "10.244.1.0/24"
        );
    }

    #[test]
    fn toml_strings_and_mountinfo_escapes() {
        assert_eq!(toml_string(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(unescape_mountinfo(r"/a\040b"), "/a b");
        assert_eq!(unescape_mountinfo(r"/plain"), "/plain");
    }
}
