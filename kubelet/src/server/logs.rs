//! Container logs in CRI's file format, as upstream's `pkg/kubelet/kuberuntime/logs`.
//!
//! The runtime writes one record per line: `<RFC 3339 timestamp> <stream> <tag> <content>`,
//! where the tag is `F` for a full line and `P` for a partial one (a long line split by the
//! runtime; the next record continues it). [`LogOptions`] are the `PodLogOptions` the
//! kubelet takes in the query (`follow`, `tailLines`, `sinceSeconds`, `sinceTime`,
//! `timestamps`, `limitBytes`; `previous` picks the container, not the records).
//!
//! [`LogWriter`] renders records as `kubectl logs` shows them: partial records are joined to
//! the line they begin (with `timestamps`, one prefix per joined line), records older than
//! the `since` time are skipped, and output stops after `limitBytes`. `tailLines` counts
//! joined lines (upstream counts file lines, which can start the output inside a long line).
//! [`stream_logs`] reads a log file from the tail position and, when following, keeps reading
//! as the file grows and across rotation (the file replaced under its path) until the
//! container stops or the client goes away.

use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use jiff::Timestamp;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio::sync::mpsc;

/// How often a followed log file is polled for new data.
const FOLLOW_POLL: Duration = Duration::from_millis(100);
/// How often, while a followed file is idle, the container's state is checked.
const RUNNING_CHECK: Duration = Duration::from_secs(1);
/// The largest chunk sent to the client at once.
const CHUNK: usize = 32 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("timestamp is not found")]
    NoTimestamp,
    #[error("unexpected timestamp format {0:?}")]
    BadTimestamp(String),
    #[error("stream type is not found")]
    NoStream,
    #[error("unexpected stream type {0:?}")]
    BadStream(String),
    #[error("log tag is not found")]
    NoTag,
    #[error("unexpected log tag {0:?}")]
    BadTag(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One record of a CRI log file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    pub timestamp: Timestamp,
    pub stream: Stream,
    /// `P`: the line continues in the next record.
    pub partial: bool,
    /// The content, without the line's newline.
    pub content: &'a [u8],
}

fn split_field(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let space = line.iter().position(|&b| b == b' ')?;
    Some((&line[..space], &line[space + 1..]))
}

/// Parses one line of a CRI log file (without its trailing newline).
pub fn parse_record(line: &[u8]) -> Result<Record<'_>, ParseError> {
    let (time, rest) = split_field(line).ok_or(ParseError::NoTimestamp)?;
    let time = String::from_utf8_lossy(time);
    let timestamp: Timestamp = time
        .parse()
        .map_err(|_| ParseError::BadTimestamp(time.clone().into_owned()))?;
    let (stream, rest) = split_field(rest).ok_or(ParseError::NoStream)?;
    let stream = match stream {
        b"stdout" => Stream::Stdout,
        b"stderr" => Stream::Stderr,
        other => return Err(ParseError::BadStream(String::from_utf8_lossy(other).into())),
    };
    // The tag may be the last field of an empty line ("... stdout F").
    let (tag, content) = split_field(rest).unwrap_or((rest, b""));
    if tag.is_empty() {
        return Err(ParseError::NoTag);
    }
    // Tags are `:`-separated; the first says partial or full.
    let first = tag.split(|&b| b == b':').next().unwrap_or(tag);
    let partial = match first {
        b"P" => true,
        b"F" => false,
        other => return Err(ParseError::BadTag(String::from_utf8_lossy(other).into())),
    };
    Ok(Record {
        timestamp,
        stream,
        partial,
        content,
    })
}

/// The `PodLogOptions` the kubelet applies to a log file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogOptions {
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    /// `tailLines`: the last N lines only.
    pub tail_lines: Option<u64>,
    /// `sinceTime`, or now minus `sinceSeconds`.
    pub since: Option<Timestamp>,
    pub limit_bytes: Option<u64>,
}

fn parse_bool(name: &str, value: &str) -> Result<bool, String> {
    match value {
        "" | "1" | "true" | "True" | "TRUE" | "t" | "T" => Ok(true),
        "0" | "false" | "False" | "FALSE" | "f" | "F" => Ok(false),
        _ => Err(format!("invalid value {value:?} for {name}")),
    }
}

impl LogOptions {
    /// The options in a request's query, as upstream's `PodLogOptions` conversion: errors
    /// name the parameter.
    pub fn from_query(query: &str, now: Timestamp) -> Result<Self, String> {
        let mut options = LogOptions::default();
        let mut since_seconds = None;
        let mut since_time = None;
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            match name.as_ref() {
                "follow" => options.follow = parse_bool("follow", &value)?,
                "previous" => options.previous = parse_bool("previous", &value)?,
                "timestamps" => options.timestamps = parse_bool("timestamps", &value)?,
                "tailLines" => {
                    let n: i64 = value
                        .parse()
                        .map_err(|_| format!("invalid value {value:?} for tailLines"))?;
                    if n < 0 {
                        return Err(
                            "tailLines: Invalid value: must be greater than or equal to 0".into(),
                        );
                    }
                    options.tail_lines = Some(n as u64);
                }
                "limitBytes" => {
                    let n: i64 = value
                        .parse()
                        .map_err(|_| format!("invalid value {value:?} for limitBytes"))?;
                    if n < 1 {
                        return Err("limitBytes: Invalid value: must be greater than 0".into());
                    }
                    options.limit_bytes = Some(n as u64);
                }
                "sinceSeconds" => {
                    let n: i64 = value
                        .parse()
                        .map_err(|_| format!("invalid value {value:?} for sinceSeconds"))?;
                    if n < 1 {
                        return Err("sinceSeconds: Invalid value: must be greater than 0".into());
                    }
                    since_seconds = Some(n);
                }
                "sinceTime" => {
                    let t: Timestamp = value
                        .parse()
                        .map_err(|_| format!("invalid value {value:?} for sinceTime"))?;
                    since_time = Some(t);
                }
                _ => {}
            }
        }
        if since_seconds.is_some() && since_time.is_some() {
            return Err("at most one of `sinceTime` or `sinceSeconds` may be specified".into());
        }
        options.since = match (since_seconds, since_time) {
            (Some(seconds), _) => now
                .checked_sub(jiff::SignedDuration::from_secs(seconds))
                .ok()
                .or(Some(Timestamp::MIN)),
            (None, time) => time,
        };
        Ok(options)
    }
}

/// Renders records for the client (see the module documentation).
#[derive(Debug)]
pub struct LogWriter {
    timestamps: bool,
    since: Option<Timestamp>,
    remaining: Option<u64>,
    /// The previous rendered record ended its line: the next one starts a line.
    at_line_start: bool,
}

impl LogWriter {
    pub fn new(options: &LogOptions) -> Self {
        LogWriter {
            timestamps: options.timestamps,
            since: options.since,
            remaining: options.limit_bytes,
            at_line_start: true,
        }
    }

    /// True once `limitBytes` has been written.
    pub fn is_done(&self) -> bool {
        self.remaining == Some(0)
    }

    /// Appends the rendering of one record to `out`.
    pub fn write(&mut self, record: &Record<'_>, out: &mut Vec<u8>) {
        if self.is_done() {
            return;
        }
        if self.since.is_some_and(|since| record.timestamp < since) {
            return;
        }
        let mut rendered = Vec::with_capacity(record.content.len() + 40);
        if self.timestamps && self.at_line_start {
            rendered.extend_from_slice(format_timestamp(record.timestamp).as_bytes());
            rendered.push(b' ');
        }
        rendered.extend_from_slice(record.content);
        if !record.partial {
            rendered.push(b'\n');
        }
        self.at_line_start = !record.partial;
        if let Some(remaining) = self.remaining.as_mut() {
            let take = (*remaining).min(rendered.len() as u64) as usize;
            rendered.truncate(take);
            *remaining -= take as u64;
        }
        out.extend_from_slice(&rendered);
    }

    /// Parses and renders every complete line of `data` (lines that fail to parse are
    /// skipped, as upstream).
    pub fn write_lines(&mut self, data: &[u8], out: &mut Vec<u8>) {
        for line in data.split_inclusive(|&b| b == b'\n') {
            let Some(line) = line.strip_suffix(b"\n") else {
                continue;
            };
            match parse_record(line) {
                Ok(record) => self.write(&record, out),
                Err(e) => tracing::debug!(error = %e, "skipping a malformed log line"),
            }
        }
    }
}

/// Go's RFC 3339 with nanoseconds, trailing zeros trimmed, in UTC.
fn format_timestamp(t: Timestamp) -> String {
    t.to_string()
}

/// The offset in `data` (whole lines of a CRI log) where the last `n` joined lines begin.
pub fn tail_offset(data: &[u8], n: u64) -> usize {
    if n == 0 {
        return data.len();
    }
    // Offsets of the starts of the lines ending a joined line: walk back over full records.
    let mut starts = Vec::new();
    let mut offset = 0;
    for line in data.split_inclusive(|&b| b == b'\n') {
        starts.push((offset, line));
        offset += line.len();
    }
    let mut seen = 0;
    let mut begin = data.len();
    let mut index = starts.len();
    while index > 0 {
        index -= 1;
        let (start, line) = starts[index];
        let full = line
            .strip_suffix(b"\n")
            .and_then(|l| parse_record(l).ok())
            .is_some_and(|r| !r.partial);
        if full {
            if seen == n {
                break;
            }
            seen += 1;
        }
        begin = start;
    }
    begin
}

/// Whether the container still runs; asked while a followed log is idle.
pub trait RunningCheck: Send {
    fn is_running(&mut self) -> impl std::future::Future<Output = bool> + Send;
}

/// Streams the log at `path` to `out` with `options` (see the module documentation).
/// Returns when the log is read (and, when following, the container stopped), the limit is
/// reached, or `out` is closed.
pub async fn stream_logs<R: RunningCheck>(
    path: PathBuf,
    options: LogOptions,
    mut running: R,
    out: mpsc::Sender<Bytes>,
) -> std::io::Result<()> {
    let mut writer = LogWriter::new(&options);
    let mut file = tokio::fs::File::open(&path).await?;
    let mut data = Vec::new();
    file.read_to_end(&mut data).await?;
    let complete = data
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |last| last + 1);
    let start = match options.tail_lines {
        Some(n) => tail_offset(&data[..complete], n),
        None => 0,
    };
    let mut pending: Vec<u8> = data[complete..].to_vec();
    if !send_rendered(&mut writer, &data[start..complete], &out).await {
        return Ok(());
    }
    drop(data);
    if !options.follow {
        return Ok(());
    }
    let mut inode = file_id(&file).await;
    let mut idle_since = tokio::time::Instant::now();
    let mut buffer = vec![0u8; CHUNK];
    loop {
        if writer.is_done() || out.is_closed() {
            return Ok(());
        }
        let read = file.read(&mut buffer).await?;
        if read > 0 {
            pending.extend_from_slice(&buffer[..read]);
            if let Some(last) = pending.iter().rposition(|&b| b == b'\n') {
                let rest = pending.split_off(last + 1);
                let lines = std::mem::replace(&mut pending, rest);
                if !send_rendered(&mut writer, &lines, &out).await {
                    return Ok(());
                }
            }
            idle_since = tokio::time::Instant::now();
            continue;
        }
        // At the end of the file: rotated away?
        match tokio::fs::metadata(&path).await {
            Ok(meta) if Some(meta_id(&meta)) != inode => {
                // The old file is drained; continue with the new one from its start.
                if let Ok(new) = tokio::fs::File::open(&path).await {
                    file = new;
                    inode = file_id(&file).await;
                    pending.clear();
                    continue;
                }
            }
            Ok(meta) => {
                // Truncated in place (copytruncate): start over.
                let position = file.stream_position().await.unwrap_or(0);
                if meta.len() < position {
                    file.seek(std::io::SeekFrom::Start(0)).await?;
                    pending.clear();
                    continue;
                }
            }
            Err(_) => {}
        }
        if idle_since.elapsed() >= RUNNING_CHECK {
            if !running.is_running().await {
                // One last read for what was written before the container stopped.
                let mut rest = Vec::new();
                file.read_to_end(&mut rest).await?;
                pending.extend_from_slice(&rest);
                send_rendered(&mut writer, &pending, &out).await;
                return Ok(());
            }
            idle_since = tokio::time::Instant::now();
        }
        tokio::select! {
            () = tokio::time::sleep(FOLLOW_POLL) => {}
            () = out.closed() => return Ok(()),
        }
    }
}

async fn send_rendered(writer: &mut LogWriter, lines: &[u8], out: &mpsc::Sender<Bytes>) -> bool {
    let mut rendered = Vec::new();
    writer.write_lines(lines, &mut rendered);
    for chunk in rendered.chunks(CHUNK) {
        if out.send(Bytes::copy_from_slice(chunk)).await.is_err() {
            return false;
        }
    }
    true
}

fn meta_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

async fn file_id(file: &tokio::fs::File) -> Option<(u64, u64)> {
    file.metadata().await.ok().map(|m| meta_id(&m))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "2024-01-01T00:00:01.000000001Z stdout F one\n\
2024-01-01T00:00:02Z stderr P tw\n\
2024-01-01T00:00:02.5Z stderr F o\n\
not a log line\n\
2024-01-01T00:00:03.100000000Z stdout F three\n\
2024-01-01T00:00:04Z stdout F\n";

    fn render(options: &LogOptions, data: &[u8]) -> String {
        let mut writer = LogWriter::new(options);
        let mut out = Vec::new();
        writer.write_lines(data, &mut out);
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn parses_records() {
        let r = parse_record(b"2016-10-06T00:17:09.669794202Z stdout P a b ").expect("record");
        assert_eq!(r.stream, Stream::Stdout);
        assert!(r.partial);
        assert_eq!(r.content, b"a b ");
        let r = parse_record(b"2016-10-06T00:17:09Z stderr F:x").expect("record");
        assert!(!r.partial);
        assert_eq!(r.content, b"");
        assert_eq!(parse_record(b"garbage"), Err(ParseError::NoTimestamp));
        assert!(matches!(
            parse_record(b"nottime stdout F x"),
            Err(ParseError::BadTimestamp(_))
        ));
        assert!(matches!(
            parse_record(b"2016-10-06T00:17:09Z stdin F x"),
            Err(ParseError::BadStream(_))
        ));
        assert!(matches!(
            parse_record(b"2016-10-06T00:17:09Z stdout X x"),
            Err(ParseError::BadTag(_))
        ));
    }

    #[test]
    fn joins_partial_lines_and_prefixes_timestamps() {
        let plain = render(&LogOptions::default(), LOG.as_bytes());
        assert_eq!(plain, "one\ntwo\nthree\n\n");
        let stamped = render(
            &LogOptions {
                timestamps: true,
                ..Default::default()
            },
            LOG.as_bytes(),
        );
        assert_eq!(
            stamped,
            "2024-01-01T00:00:01.000000001Z one\n2024-01-01T00:00:02Z two\n\
2024-01-01T00:00:03.1Z three\n2024-01-01T00:00:04Z \n"
        );
    }

    #[test]
    fn since_and_limit_bytes() {
        let since = render(
            &LogOptions {
                since: Some("2024-01-01T00:00:02.5Z".parse().expect("time")),
                ..Default::default()
            },
            LOG.as_bytes(),
        );
        assert_eq!(since, "o\nthree\n\n");
        let limited = render(
            &LogOptions {
                limit_bytes: Some(6),
                ..Default::default()
            },
            LOG.as_bytes(),
        );
        assert_eq!(limited, "one\ntw");
    }

    #[test]
    fn tail_counts_joined_lines() {
        let data = LOG.as_bytes();
        let tail = |n| render(&LogOptions::default(), &data[tail_offset(data, n)..]);
        assert_eq!(tail(0), "");
        assert_eq!(tail(1), "\n");
        assert_eq!(tail(2), "three\n\n");
        assert_eq!(tail(3), "two\nthree\n\n");
        assert_eq!(tail(4), "one\ntwo\nthree\n\n");
        assert_eq!(tail(100), "one\ntwo\nthree\n\n");
    }

    #[test]
    fn options_from_queries() {
        let now: Timestamp = "2024-01-01T00:01:00Z".parse().expect("time");
        let o = LogOptions::from_query(
            "follow=true&tailLines=5&timestamps=1&limitBytes=10&sinceSeconds=30&previous=false",
            now,
        )
        .expect("options");
        assert!(o.follow && o.timestamps && !o.previous);
        assert_eq!(o.tail_lines, Some(5));
        assert_eq!(o.limit_bytes, Some(10));
        assert_eq!(o.since, Some("2024-01-01T00:00:30Z".parse().expect("time")));
        let o = LogOptions::from_query("sinceTime=2024-01-01T00:00:10Z", now).expect("options");
        assert_eq!(o.since, Some("2024-01-01T00:00:10Z".parse().expect("time")));
        assert!(LogOptions::from_query("tailLines=x", now).is_err());
        assert!(LogOptions::from_query("limitBytes=0", now).is_err());
        assert!(
            LogOptions::from_query("sinceSeconds=1&sinceTime=2024-01-01T00:00:10Z", now).is_err()
        );
    }

    struct Stops(u32);
    impl RunningCheck for Stops {
        async fn is_running(&mut self) -> bool {
            self.0 = self.0.saturating_sub(1);
            self.0 > 0
        }
    }

    #[tokio::test]
    async fn follows_growth_and_rotation() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("0.log");
        std::fs::write(
            &path,
            "2024-01-01T00:00:01Z stdout F a\n2024-01-01T00:00:01Z stdout P b",
        )
        .expect("write");
        let (tx, mut rx) = mpsc::channel(16);
        let task = tokio::spawn(stream_logs(
            path.clone(),
            LogOptions {
                follow: true,
                tail_lines: Some(1),
                ..Default::default()
            },
            Stops(3),
            tx,
        ));
        assert_eq!(rx.recv().await.expect("first"), Bytes::from_static(b"a\n"));
        {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .expect("open");
            f.write_all(b"\n2024-01-01T00:00:02Z stdout F c\n")
                .expect("append");
        }
        // The half-written record was completed: "b" is malformed-free and joins with nothing.
        let mut got = Vec::new();
        while !String::from_utf8_lossy(&got).contains("c\n") {
            got.extend_from_slice(&rx.recv().await.expect("more"));
        }
        std::fs::rename(&path, dir.path().join("0.log.1")).expect("rotate");
        std::fs::write(&path, "2024-01-01T00:00:03Z stdout F d\n").expect("new file");
        let mut got = Vec::new();
        while !String::from_utf8_lossy(&got).contains("d\n") {
            got.extend_from_slice(&rx.recv().await.expect("rotated"));
        }
        task.await.expect("join").expect("stream");
    }
}
