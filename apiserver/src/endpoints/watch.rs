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
    table: Option<TableOptions>,
    shutdown: &Shutdown,
    registered: RegisteredWatcher,
) -> Response<ResponseBody> {
    let body = WatchBody {
        info,
        events,
        deadline: Box::pin(tokio::time::sleep(timeout.unwrap_or(DEFAULT_TIMEOUT))),
        shutdown: {
            let shutdown = shutdown.clone();
            Box::pin(async move { shutdown.wait().await })
        },
        table,
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
        let first = tokio::select! {
            event = self.events.next() => event,
            () = &mut self.deadline => None,
            () = &mut self.shutdown => None,
        };
        let Some(first) = first else {
            self.ended = true;
            return None;
        };
        let first = self.line(&first);
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
            // The line is encoded once for every watcher that sends it.
            _ => event.to_line(),
        }
    }
}

/// Whether a WATCH asked for an explicit timeout.
pub fn timeout(seconds: u64) -> Option<Duration> {
    (seconds > 0).then(|| Duration::from_secs(seconds))
}
