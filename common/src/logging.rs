//! Logging setup: klog-style `--v` and `--logging-format` flags mapped onto `tracing`.
//!
//! Verbosity follows klog's conventions: `--v=0..1` logs at info, `2..3` at debug and `4+` at
//! trace. `RUST_LOG`, when set, overrides the level derived from `--v`.

use clap::{Args, ValueEnum};
use tracing_subscriber::EnvFilter;

/// Errors of this module.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `RUST_LOG` was set but could not be parsed.
    #[error("invalid RUST_LOG filter: {0}")]
    Filter(#[from] tracing_subscriber::filter::FromEnvError),
    /// A global subscriber was already installed (for example `init` was called twice).
    #[error("logging already initialised: {0}")]
    AlreadyInitialised(String),
}

/// Result of this module.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Output format of the logs, as upstream's `--logging-format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LoggingFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// Logging flags shared by every daemon.
#[derive(Args, Clone, Debug, PartialEq, Eq)]
pub struct LoggingOptions {
    /// Number for the log level verbosity (klog).
    #[arg(short = 'v', long = "v", default_value_t = 0, value_name = "LEVEL")]
    pub verbosity: u8,
    /// Sets the log format. Permitted formats: "text", "json".
    #[arg(long = "logging-format", value_enum, default_value_t = LoggingFormat::Text)]
    pub format: LoggingFormat,
}

impl Default for LoggingOptions {
    fn default() -> Self {
        Self {
            verbosity: 0,
            format: LoggingFormat::Text,
        }
    }
}

/// The `tracing` level for a klog verbosity.
pub fn level_for_verbosity(verbosity: u8) -> tracing::Level {
    match verbosity {
        0..=1 => tracing::Level::INFO,
        2..=3 => tracing::Level::DEBUG,
        _ => tracing::Level::TRACE,
    }
}

/// Install the global subscriber. A second call returns [`Error::AlreadyInitialised`].
pub fn init(options: &LoggingOptions) -> Result<()> {
    let filter = if std::env::var_os(EnvFilter::DEFAULT_ENV).is_some() {
        EnvFilter::try_from_default_env()?
    } else {
        EnvFilter::new(level_for_verbosity(options.verbosity).to_string())
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match options.format {
        LoggingFormat::Text => builder.try_init(),
        LoggingFormat::Json => builder.json().try_init(),
    };
    result.map_err(|e| Error::AlreadyInitialised(e.to_string()))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        logging: LoggingOptions,
    }

    #[test]
    fn klog_levels_map_onto_tracing() {
        assert_eq!(level_for_verbosity(0), tracing::Level::INFO);
        assert_eq!(level_for_verbosity(1), tracing::Level::INFO);
        assert_eq!(level_for_verbosity(2), tracing::Level::DEBUG);
        assert_eq!(level_for_verbosity(3), tracing::Level::DEBUG);
        assert_eq!(level_for_verbosity(4), tracing::Level::TRACE);
        assert_eq!(level_for_verbosity(10), tracing::Level::TRACE);
    }

    #[test]
    fn flags_parse_with_upstream_names() {
        let cli = Cli::try_parse_from(["x"]).expect("defaults");
        assert_eq!(cli.logging, LoggingOptions::default());
        let cli = Cli::try_parse_from(["x", "--v=4", "--logging-format=json"]).expect("parse");
        assert_eq!(cli.logging.verbosity, 4);
        assert_eq!(cli.logging.format, LoggingFormat::Json);
        let cli = Cli::try_parse_from(["x", "-v", "2"]).expect("short");
        assert_eq!(cli.logging.verbosity, 2);
        assert!(Cli::try_parse_from(["x", "--logging-format=xml"]).is_err());
    }

    #[test]
    fn second_init_is_an_error_not_a_panic() {
        // Whichever call comes first may win (other tests may have installed one); the
        // second one must fail.
        let _ = init(&LoggingOptions::default());
        let second = init(&LoggingOptions::default());
        assert!(matches!(second, Err(Error::AlreadyInitialised(_))));
    }
}
