//! Running `nft`: a transaction is piped into `nft -f -` (all of it applies or none, as
//! with upstream's knftables), optionally inside a network namespace through
//! `ip netns exec`.

use std::io::Write;
use std::process::{Command, Stdio};

use super::ruleset::{FAMILY, TABLE};

/// Why `nft` failed.
#[derive(Debug, thiserror::Error)]
pub enum NftError {
    #[error("running nft: {0}")]
    Spawn(#[from] std::io::Error),
    #[error("nft failed ({status}): {stderr}")]
    Failed { status: String, stderr: String },
}

/// The `nft` command, in the current network namespace or in a named one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Nft {
    pub netns: Option<String>,
}

impl Nft {
    /// `nft` in the network namespace `netns` (`None`: this process's).
    pub fn new(netns: Option<String>) -> Nft {
        Nft { netns }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = match &self.netns {
            Some(netns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", netns, "nft"]);
                c
            }
            None => Command::new("nft"),
        };
        command.args(args);
        command
    }

    fn run(&self, args: &[&str], input: &str) -> Result<String, NftError> {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().expect("piped stdin");
        let input = input.to_owned();
        // Write from another thread so a large transaction cannot deadlock against nft's
        // output.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let output = child.wait_with_output()?;
        let written = writer.join().unwrap_or(Ok(()));
        if !output.status.success() {
            return Err(NftError::Failed {
                status: output.status.to_string(),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        written?;
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Applies `transaction` atomically (`nft -f -`).
    pub fn apply(&self, transaction: &str) -> Result<(), NftError> {
        self.run(&["-f", "-"], transaction).map(drop)
    }

    /// Checks `transaction` against the kernel without applying it (`nft -c -f -`).
    pub fn check(&self, transaction: &str) -> Result<(), NftError> {
        self.run(&["-c", "-f", "-"], transaction).map(drop)
    }

    /// `nft list table ip kube-proxy`.
    pub fn list_table(&self) -> Result<String, NftError> {
        self.run(&["list", "table", FAMILY, TABLE], "")
    }

    /// Deletes the table; a missing table is not an error.
    pub fn delete_table(&self) -> Result<(), NftError> {
        match self.run(&["delete", "table", FAMILY, TABLE], "") {
            Err(NftError::Failed { stderr, .. }) if stderr.contains("No such file") => Ok(()),
            other => other.map(drop),
        }
    }
}
