//! Running the iptables tools, optionally inside a network namespace: `iptables-restore
//! --noflush` for a sync, the top-level jump rules upstream installs with
//! `EnsureChain`/`EnsureRule` (`iptablesJumpChains` in `pkg/proxy/iptables/proxier.go`), and
//! `CleanupLeftovers` (jumps removed, then every chain this proxy owns flushed and deleted).

use std::collections::BTreeSet;
use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use super::IptablesError;
use super::names::{
    EXTERNAL_SERVICES, FILTER_CHAINS, FORWARD, NAT_CHAINS, NODEPORTS, POSTROUTING, PROXY_FIREWALL,
    SERVICES, is_service_chain,
};

/// One jump from a built-in chain to a chain of ours (upstream's `iptablesJumpChain`).
#[derive(Clone, Copy, Debug)]
pub struct Jump {
    pub table: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub comment: &'static str,
    /// Only new connections (`-m conntrack --ctstate NEW`).
    pub new_only: bool,
}

impl Jump {
    /// The rule's arguments after the chain name, as upstream orders them.
    pub fn args(&self) -> Vec<&'static str> {
        let mut args = Vec::new();
        if self.new_only {
            args.extend(["-m", "conntrack", "--ctstate", "NEW"]);
        }
        args.extend(["-m", "comment", "--comment", self.comment, "-j", self.to]);
        args
    }
}

const fn jump(
    table: &'static str,
    to: &'static str,
    from: &'static str,
    comment: &'static str,
    new_only: bool,
) -> Jump {
    Jump {
        table,
        from,
        to,
        comment,
        new_only,
    }
}

const PORTALS: &str = "kubernetes service portals";
const EXTERNAL_PORTALS: &str = "kubernetes externally-visible service portals";
const LB_FIREWALL: &str = "kubernetes load balancer firewall";

/// Upstream's `iptablesJumpChains`, in its order (each is inserted at the top of its
/// built-in chain, so the last one listed for a chain ends up first).
pub const JUMPS: [Jump; 12] = [
    jump("filter", EXTERNAL_SERVICES, "INPUT", EXTERNAL_PORTALS, true),
    jump(
        "filter",
        EXTERNAL_SERVICES,
        "FORWARD",
        EXTERNAL_PORTALS,
        true,
    ),
    jump(
        "filter",
        NODEPORTS,
        "INPUT",
        "kubernetes health check service ports",
        false,
    ),
    jump("filter", SERVICES, "FORWARD", PORTALS, true),
    jump("filter", SERVICES, "OUTPUT", PORTALS, true),
    jump(
        "filter",
        FORWARD,
        "FORWARD",
        "kubernetes forwarding rules",
        false,
    ),
    jump("filter", PROXY_FIREWALL, "INPUT", LB_FIREWALL, true),
    jump("filter", PROXY_FIREWALL, "OUTPUT", LB_FIREWALL, true),
    jump("filter", PROXY_FIREWALL, "FORWARD", LB_FIREWALL, true),
    jump("nat", SERVICES, "OUTPUT", PORTALS, false),
    jump("nat", SERVICES, "PREROUTING", PORTALS, false),
    jump(
        "nat",
        POSTROUTING,
        "POSTROUTING",
        "kubernetes postrouting rules",
        false,
    ),
];

/// The iptables tools, run on the host or inside `ip netns exec NAME`.
#[derive(Clone, Debug, Default)]
pub struct Iptables {
    netns: Option<String>,
}

impl Iptables {
    /// The host's tables.
    pub fn new() -> Iptables {
        Iptables { netns: None }
    }

    /// The tables of the network namespace `name` (`ip netns exec name …`).
    pub fn in_netns(name: impl Into<String>) -> Iptables {
        Iptables {
            netns: Some(name.into()),
        }
    }

    fn command(&self, program: &str) -> Command {
        match &self.netns {
            Some(netns) => {
                let mut command = Command::new("ip");
                command.args(["netns", "exec", netns, program]);
                command
            }
            None => Command::new(program),
        }
    }

    /// Runs `program args…`, feeding it `input`; an error carries its stderr.
    fn run(
        &self,
        program: &str,
        args: &[&str],
        input: Option<&str>,
    ) -> Result<Output, IptablesError> {
        let mut command = self.command(program);
        command
            .args(args)
            .stdin(if input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let describe = || format!("{program} {}", args.join(" "));
        let mut child = command.spawn().map_err(|source| IptablesError::Spawn {
            command: describe(),
            source,
        })?;
        if let (Some(input), Some(mut stdin)) = (input, child.stdin.take()) {
            // A child that fails early closes stdin; its stderr says why.
            let _ = stdin.write_all(input.as_bytes());
        }
        let output = child
            .wait_with_output()
            .map_err(|source| IptablesError::Spawn {
                command: describe(),
                source,
            })?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(IptablesError::Failed {
                command: describe(),
                status: output.status.code(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            })
        }
    }

    /// `iptables -w 5 args…`.
    pub fn iptables(&self, args: &[&str]) -> Result<Output, IptablesError> {
        let mut all = vec!["-w", "5"];
        all.extend_from_slice(args);
        self.run("iptables", &all, None)
    }

    /// `iptables-restore --noflush --counters` of `input` (upstream's `RestoreAll` with
    /// `NoFlushTables` and `RestoreCounters`).
    pub fn restore(&self, input: &str) -> Result<(), IptablesError> {
        self.run(
            "iptables-restore",
            &["-w", "5", "--noflush", "--counters"],
            Some(input),
        )
        .map(|_| ())
    }

    /// `iptables-restore --test`: whether `input` parses and loads, without committing.
    pub fn test(&self, input: &str) -> Result<(), IptablesError> {
        self.run(
            "iptables-restore",
            &["-w", "5", "--noflush", "--test"],
            Some(input),
        )
        .map(|_| ())
    }

    /// The chains of `table`, from `iptables-save -t table`.
    pub fn chains(&self, table: &str) -> Result<BTreeSet<String>, IptablesError> {
        let output = self.run("iptables-save", &["-t", table], None)?;
        Ok(String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.strip_prefix(':'))
            .filter_map(|line| line.split_whitespace().next())
            .map(str::to_owned)
            .collect())
    }

    /// Creates `chain` in `table` unless it exists (upstream's `EnsureChain`).
    fn ensure_chain(&self, table: &str, chain: &str) -> Result<(), IptablesError> {
        if self.iptables(&["-t", table, "-S", chain]).is_ok() {
            return Ok(());
        }
        self.iptables(&["-t", table, "-N", chain]).map(|_| ())
    }

    /// Installs the jump rules from the built-in chains to ours, each checked with `-C`
    /// and inserted at the top with `-I` when missing (upstream's `EnsureRule(Prepend)`).
    pub fn ensure_jumps(&self) -> Result<(), IptablesError> {
        for jump in JUMPS {
            self.ensure_chain(jump.table, jump.to)?;
            let rule = jump.args();
            let mut check = vec!["-t", jump.table, "-C", jump.from];
            check.extend(&rule);
            if self.iptables(&check).is_ok() {
                continue;
            }
            let mut insert = vec!["-t", jump.table, "-I", jump.from];
            insert.extend(&rule);
            self.iptables(&insert)?;
        }
        Ok(())
    }

    /// Removes the jumps, then flushes and deletes every chain of ours in the nat and the
    /// filter table (upstream's `CleanupLeftovers`, which also deletes KUBE-MARK-MASQ and
    /// KUBE-PROXY-FIREWALL here since nothing else creates them on this distribution).
    pub fn cleanup(&self) -> Result<(), IptablesError> {
        let mut first_error = None;
        for jump in JUMPS {
            let rule = jump.args();
            let mut delete = vec!["-t", jump.table, "-D", jump.from];
            delete.extend(&rule);
            // A jump may have been inserted more than once; a missing one is not an error.
            while self.iptables(&delete).is_ok() {}
        }
        for (table, ours) in [("nat", &NAT_CHAINS[..]), ("filter", &FILTER_CHAINS[..])] {
            let existing = match self.chains(table) {
                Ok(existing) => existing,
                Err(error) => {
                    first_error.get_or_insert(error);
                    continue;
                }
            };
            let doomed: Vec<&String> = existing
                .iter()
                .filter(|chain| ours.contains(&chain.as_str()) || is_service_chain(chain))
                .collect();
            if doomed.is_empty() {
                continue;
            }
            let mut input = format!("*{table}\n");
            for chain in &doomed {
                input.push_str(&format!(":{chain} - [0:0]\n"));
            }
            for chain in &doomed {
                input.push_str(&format!("-X {chain}\n"));
            }
            input.push_str("COMMIT\n");
            if let Err(error) = self.restore(&input) {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jumps_are_upstreams() {
        let nat_output = JUMPS
            .iter()
            .find(|j| j.table == "nat" && j.from == "OUTPUT")
            .unwrap();
        assert_eq!(
            nat_output.args(),
            [
                "-m",
                "comment",
                "--comment",
                "kubernetes service portals",
                "-j",
                "KUBE-SERVICES"
            ]
        );
        let filter_output = JUMPS
            .iter()
            .find(|j| j.table == "filter" && j.from == "OUTPUT" && j.to == SERVICES)
            .unwrap();
        assert_eq!(
            &filter_output.args()[..4],
            ["-m", "conntrack", "--ctstate", "NEW"]
        );
    }

    #[test]
    fn netns_commands_go_through_ip_netns_exec() {
        let command = Iptables::in_netns("scratch").command("iptables-restore");
        assert_eq!(command.get_program(), "ip");
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["netns", "exec", "scratch", "iptables-restore"]);
    }
}
