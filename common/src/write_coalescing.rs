//! Joins the small writes of an HTTP/2 connection into large TLS records.
//!
//! hyper's HTTP/2 codec (h2) writes each DATA frame of more than a few hundred bytes as its own
//! write and flushes after it. Under TLS that is one record, one encryption and one `writev` per
//! frame, so a watch event sent to 500 watchers costs 500 of each on the server and 500 record
//! decryptions on the clients. Go's HTTP/2 server, which upstream runs, buffers frames and
//! flushes when its write queue runs dry; [`CoalescingIo`] gives hyper the same behaviour.
//!
//! The adapter copies writes into a buffer. A flush is put off once per connection poll: the
//! adapter answers it at once, wakes the connection task, and writes everything buffered at the
//! first flush of the next poll (the connection task reads, which marks a new poll, before it
//! writes), or as soon as the buffer holds [`FLUSH_BYTES`]. The frames the other tasks queued
//! in between go out in the same write. Shutdown writes the buffer first. Nothing waits on a
//! timer: a flush is late by one turn of the scheduler at most.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Buffered bytes that are written without waiting for the next poll.
pub const FLUSH_BYTES: usize = 64 * 1024;

/// An I/O stream whose writes are buffered and whose flushes wait for the next poll of the
/// connection (see the module documentation). With `enabled` false it passes everything
/// through (HTTP/1.1, whose codec buffers by itself).
#[derive(Debug)]
pub struct CoalescingIo<T> {
    inner: T,
    enabled: bool,
    buffer: Vec<u8>,
    /// How much of `buffer` has been written to `inner`.
    written: usize,
    /// Reads seen: the connection task reads first on every poll, so this numbers its polls.
    polls: u64,
    /// The poll in which a flush was put off, while one is.
    deferred_in: Option<u64>,
}

impl<T> CoalescingIo<T> {
    /// Wraps `inner`; with `enabled` false the adapter does nothing.
    pub fn new(inner: T, enabled: bool) -> Self {
        CoalescingIo {
            inner,
            enabled,
            buffer: Vec::new(),
            written: 0,
            polls: 0,
            deferred_in: None,
        }
    }

    /// The wrapped stream.
    pub fn get_ref(&self) -> &T {
        &self.inner
    }

    fn pending(&self) -> usize {
        self.buffer.len() - self.written
    }
}

impl<T: AsyncWrite + Unpin> CoalescingIo<T> {
    /// Writes the whole buffer to the inner stream (not flushing it).
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.written < self.buffer.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.buffer[self.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.written += n;
        }
        self.buffer.clear();
        self.written = 0;
        // Do not keep a large buffer around for an idle connection.
        if self.buffer.capacity() > 4 * FLUSH_BYTES {
            self.buffer = Vec::new();
        }
        Poll::Ready(Ok(()))
    }

    /// Makes room for more bytes: drains the buffer once it holds [`FLUSH_BYTES`].
    fn poll_room(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.pending() >= FLUSH_BYTES {
            ready!(self.poll_drain(cx))?;
        }
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for CoalescingIo<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.polls = this.polls.wrapping_add(1);
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for CoalescingIo<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.enabled {
            return Pin::new(&mut this.inner).poll_write(cx, data);
        }
        ready!(this.poll_room(cx))?;
        this.buffer.extend_from_slice(data);
        Poll::Ready(Ok(data.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        slices: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.enabled {
            return Pin::new(&mut this.inner).poll_write_vectored(cx, slices);
        }
        ready!(this.poll_room(cx))?;
        let mut total = 0;
        for slice in slices {
            this.buffer.extend_from_slice(slice);
            total += slice.len();
        }
        Poll::Ready(Ok(total))
    }

    fn is_write_vectored(&self) -> bool {
        self.enabled || self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.pending() > 0 && this.pending() < FLUSH_BYTES {
            match this.deferred_in {
                None => {
                    // Put the flush off to the next poll, and make sure there is one.
                    this.deferred_in = Some(this.polls);
                    cx.waker().wake_by_ref();
                    return Poll::Ready(Ok(()));
                }
                Some(poll) if poll == this.polls => return Poll::Ready(Ok(())),
                Some(_) => {}
            }
        }
        ready!(this.poll_drain(cx))?;
        this.deferred_in = None;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        this.deferred_in = None;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// Counts the writes that reach the inner stream.
    struct CountingWriter {
        inner: tokio::io::DuplexStream,
        writes: Arc<AtomicUsize>,
    }

    impl AsyncRead for CountingWriter {
        fn poll_read(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_read(cx, buf)
        }
    }

    impl AsyncWrite for CountingWriter {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            data: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.writes.fetch_add(1, Ordering::Relaxed);
            Pin::new(&mut self.inner).poll_write(cx, data)
        }

        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_flush(cx)
        }

        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.inner).poll_shutdown(cx)
        }
    }

    fn pair(
        enabled: bool,
    ) -> (
        CoalescingIo<CountingWriter>,
        tokio::io::DuplexStream,
        Arc<AtomicUsize>,
    ) {
        let (near, far) = tokio::io::duplex(1 << 20);
        let writes = Arc::new(AtomicUsize::new(0));
        let io = CoalescingIo::new(
            CountingWriter {
                inner: near,
                writes: writes.clone(),
            },
            enabled,
        );
        (io, far, writes)
    }

    #[tokio::test]
    async fn flushes_within_one_poll_become_one_write_on_the_next_poll() {
        let (mut io, mut far, writes) = pair(true);
        // One "poll" of the connection: a read, then three frames each followed by a flush.
        let mut scratch = [0u8; 1];
        let read = futures::FutureExt::now_or_never(io.read(&mut scratch));
        assert!(read.is_none(), "nothing to read yet");
        for frame in [b"one ".as_slice(), b"two ", b"three "] {
            io.write_all(frame).await.unwrap();
            io.flush().await.unwrap();
        }
        assert_eq!(
            writes.load(Ordering::Relaxed),
            0,
            "the flushes were put off"
        );
        // The next poll reads first, then flushes: everything goes out in one write.
        assert!(futures::FutureExt::now_or_never(io.read(&mut scratch)).is_none());
        io.flush().await.unwrap();
        assert_eq!(writes.load(Ordering::Relaxed), 1);
        let mut got = vec![0u8; 14];
        far.read_exact(&mut got).await.unwrap();
        assert_eq!(got, b"one two three ");
    }

    #[tokio::test]
    async fn a_put_off_flush_wakes_the_task() {
        let (mut io, _far, _writes) = pair(true);
        io.write_all(b"event").await.unwrap();
        let woken = Arc::new(AtomicUsize::new(0));
        struct Count(Arc<AtomicUsize>);
        impl std::task::Wake for Count {
            fn wake(self: Arc<Self>) {
                self.0.fetch_add(1, Ordering::Relaxed);
            }
        }
        let waker = std::task::Waker::from(Arc::new(Count(woken.clone())));
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut io).poll_flush(&mut cx).is_ready());
        assert_eq!(
            woken.load(Ordering::Relaxed),
            1,
            "the task must be polled again"
        );
    }

    #[tokio::test]
    async fn a_full_buffer_and_shutdown_write_at_once() {
        let (mut io, mut far, writes) = pair(true);
        let big = vec![7u8; FLUSH_BYTES];
        io.write_all(&big).await.unwrap();
        io.flush().await.unwrap();
        assert!(
            writes.load(Ordering::Relaxed) >= 1,
            "a full buffer is not held back"
        );
        io.write_all(b"tail").await.unwrap();
        io.shutdown().await.unwrap();
        let mut got = Vec::new();
        far.read_to_end(&mut got).await.unwrap();
        assert_eq!(got.len(), FLUSH_BYTES + 4);
        assert!(got.ends_with(b"tail"));
    }

    #[tokio::test]
    async fn disabled_passes_writes_through() {
        let (mut io, _far, writes) = pair(false);
        io.write_all(b"abc").await.unwrap();
        assert_eq!(writes.load(Ordering::Relaxed), 1);
    }
}
