//! WATCH answers, as upstream's `handlers/watch.go`: newline-delimited JSON events until the
//! client leaves, `timeoutSeconds` passes or the server shuts down.
//!
//! The body polls the store's event stream directly, in the task hyper runs for the response:
//! no task or queue per watcher. Events that are already waiting when one is sent go out in
//! the same DATA frame, so a watcher that fell behind catches up in large writes instead of
//! one frame (and one TLS record) per event.

use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::{FutureExt, Stream, StreamExt};
use http::{Response, header};
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;

use super::metrics::RegisteredWatcher;
use super::partial_metadata;
use super::resource::Transform;
use super::table::{self, TableOptions};
use crate::registry::resources::ResourceInfo;
use crate::registry::watch::{WatchEvent, WatchEvents};
use common::serving::ResponseBody;
use common::shutdown::Shutdown;

/// Waiting events joined into one frame, up to about this many bytes.
const FRAME_BYTES: usize = 64 * 1024;

/// The watch timeout when the client gives no `timeoutSeconds`.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The streaming answer to a WATCH whose events are `events`.
pub fn response(
    info: &'static ResourceInfo,
    events: WatchEvents,
    timeout: Option<Duration>,
    transform: Option<Transform>,
    shutdown: &Shutdown,
    registered: RegisteredWatcher,
) -> Response<ResponseBody> {
    let (table, metadata_only) = match transform {
        Some(Transform::Table(options)) => (Some(options), None),
        Some(Transform::Metadata(version)) => (None, Some(version)),
        None => (None, None),
    };
    let body = WatchBody {
        info,
        events,
        deadline: Box::pin(tokio::time::sleep(timeout.unwrap_or(DEFAULT_TIMEOUT))),
        shutdown: {
            let shutdown = shutdown.clone();
            Box::pin(async move { shutdown.wait().await })
        },
        table,
        metadata_only,
        ended: false,
        _registered: registered,
    };
    let stream = futures::stream::unfold(body, |mut body| async move {
        let frame = body.next_frame().await?;
        Some((Ok::<_, std::convert::Infallible>(Frame::data(frame)), body))
    });
    let stream = SyncStream(Mutex::new(Box::pin(stream)));
    let mut response = Response::new(BodyExt::boxed(StreamBody::new(stream)));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

type FrameStream = Pin<Box<dyn Stream<Item = FrameResult> + Send>>;
type FrameResult = Result<Frame<Bytes>, std::convert::Infallible>;

/// Response bodies must be `Sync`; the stream is only ever polled through `&mut`, so the mutex
/// is never locked (`get_mut`).
struct SyncStream(Mutex<FrameStream>);

impl Stream for SyncStream {
    type Item = FrameResult;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<FrameResult>> {
        let stream = self.get_mut().0.get_mut();
        stream
            .unwrap_or_else(PoisonError::into_inner)
            .as_mut()
            .poll_next(cx)
    }
}

struct WatchBody {
    info: &'static ResourceInfo,
    events: WatchEvents,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
    shutdown: Pin<Box<dyn Future<Output = ()> + Send>>,
    table: Option<TableOptions>,
    /// Send `PartialObjectMetadata` objects in this `meta.k8s.io` version.
    metadata_only: Option<&'static str>,
    ended: bool,
    /// Counted in `apiserver_registered_watchers` while the body lives.
    _registered: RegisteredWatcher,
}

impl WatchBody {
    /// The next event, with every event already waiting behind it; `None` ends the answer.
    async fn next_frame(&mut self) -> Option<Bytes> {
        if self.ended {
            return None;
        }
        // An event that is there at the first look means this watcher is behind: what waits
        // behind it joins the frame. One that had to be waited for has just happened, and
        // looking for more would cost a poll of the whole stream for nothing.
        let events = &mut self.events;
        let mut looks = 0u32;
        let next = std::future::poll_fn(|cx| {
            looks += 1;
            events.poll_next_unpin(cx)
        });
        let first = tokio::select! {
            biased;
            event = next => event,
            () = &mut self.deadline => None,
            () = &mut self.shutdown => None,
        };
        let behind = looks == 1;
        // A watcher that is behind never waits, so the select above may not have looked at the
        // clock or the shutdown: look now.
        let first = first.filter(|_| !(behind && self.out_of_time()));
        let Some(first) = first else {
            self.ended = true;
            return None;
        };
        let first = self.line(&first);
        if !behind {
            return Some(first);
        }
        let mut joined: Option<BytesMut> = None;
        while joined.as_ref().map_or(first.len(), BytesMut::len) < FRAME_BYTES {
            match self.events.next().now_or_never() {
                Some(Some(event)) => {
                    let line = self.line(&event);
                    joined
                        .get_or_insert_with(|| BytesMut::from(&first[..]))
                        .extend_from_slice(&line);
                }
                Some(None) => {
                    self.ended = true;
                    break;
                }
                None => break,
            }
        }
        Some(joined.map_or(first, BytesMut::freeze))
    }

    /// Whether the watch's timeout has passed or the server is shutting down, checked without
    /// waiting (a watcher that is behind never waits for its next event).
    fn out_of_time(&mut self) -> bool {
        // The clock, not `is_elapsed`: a timer that is never polled never fires.
        tokio::time::Instant::now() >= self.deadline.deadline()
            || (&mut self.shutdown).now_or_never().is_some()
    }

    fn line(&mut self, event: &WatchEvent) -> Bytes {
        match self.table.as_mut() {
            Some(options) if event.kind != "ERROR" && event.kind != "BOOKMARK" => {
                options.now_unix_nanos = jiff::Timestamp::now().as_nanosecond();
                let object = event.object.value().clone();
                let rows =
                    table::table_for_with(self.info.kind, self.info.group, &[object], options);
                // Column definitions go with the first event only, as upstream sends them.
                options.no_headers = true;
                WatchEvent::new(event.kind, rows).to_line()
            }
            _ if event.kind != "ERROR"
                && event.kind != "BOOKMARK"
                && self.metadata_only.is_some() =>
            {
                let version = self.metadata_only.unwrap_or("v1");
                let partial = partial_metadata::object(event.object.value(), version);
                WatchEvent::new(event.kind, partial).to_line()
            }
            // The line is encoded once for every watcher that sends it.
            _ => event.to_line(),
        }
    }
}

/// Whether a WATCH asked for an explicit timeout.
pub fn timeout(seconds: u64) -> Option<Duration> {
    (seconds > 0).then(|| Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::json;

    use super::*;
    use crate::endpoints::metrics::RequestMetrics;

    fn event(name: &str) -> WatchEvent {
        WatchEvent::new("MODIFIED", json!({"metadata": {"name": name}}))
    }

    fn body(events: WatchEvents, timeout: Duration) -> WatchBody {
        let metrics = RequestMetrics::register(&prometheus::Registry::new()).unwrap();
        WatchBody {
            info: crate::registry::resources::find("", "v1", "pods").unwrap(),
            events,
            deadline: Box::pin(tokio::time::sleep(timeout)),
            shutdown: Box::pin(std::future::pending()),
            table: None,
            metadata_only: None,
            ended: false,
            _registered: metrics.register_watcher("", "v1", "Pod"),
        }
    }

    fn lines(frame: &[u8]) -> Vec<String> {
        String::from_utf8(frame.to_vec())
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
            .map(|event| {
                event["object"]["metadata"]["name"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[tokio::test]
    async fn a_watcher_that_is_behind_gets_the_waiting_events_in_one_frame() {
        let waiting = futures::stream::iter([event("a"), event("b"), event("c")]);
        let mut body = body(Box::pin(waiting), Duration::from_secs(60));
        let frame = body.next_frame().await.unwrap();
        assert_eq!(lines(&frame), ["a", "b", "c"]);
        assert!(body.next_frame().await.is_none(), "the stream ended");
    }

    #[tokio::test]
    async fn an_event_that_was_waited_for_goes_out_alone() {
        let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
        let events = tokio_stream_of(receiver);
        let mut body = body(events, Duration::from_secs(60));
        let feeder = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            sender.send(event("a")).unwrap();
            sender.send(event("b")).unwrap();
            sender
        });
        // "a" was waited for; "b", queued right behind it, goes in the next frame.
        assert_eq!(lines(&body.next_frame().await.unwrap()), ["a"]);
        assert_eq!(lines(&body.next_frame().await.unwrap()), ["b"]);
        drop(feeder.await.unwrap());
        assert!(body.next_frame().await.is_none());
    }

    #[tokio::test]
    async fn the_timeout_ends_a_watcher_that_never_waits() {
        let endless = futures::stream::repeat_with(|| event("x"));
        let mut body = body(Box::pin(endless), Duration::from_millis(50));
        let started = std::time::Instant::now();
        while body.next_frame().await.is_some() {
            assert!(started.elapsed() < Duration::from_secs(30), "never ended");
            tokio::task::yield_now().await;
        }
    }

    fn tokio_stream_of(
        mut receiver: tokio::sync::mpsc::UnboundedReceiver<WatchEvent>,
    ) -> WatchEvents {
        Box::pin(futures::stream::poll_fn(move |cx| receiver.poll_recv(cx)))
    }
}
