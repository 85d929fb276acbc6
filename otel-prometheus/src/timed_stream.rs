//! A scrape connection's socket with the listener's idle and write timeouts, which hyper
//! does not have: a connection that sends no byte of a request for the idle timeout is
//! ended as if the client had hung up, and an answer not written within the write
//! timeout (a client that does not read) fails the connection, which frees the rendered
//! exposition hyper holds.

use std::future::Future as _;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

use crate::connection_slots::Slot;

/// A [`TcpStream`] whose reads end at the idle timeout and whose writes fail at the
/// write timeout.
pub(super) struct TimedStream {
    stream: TcpStream,
    slot: Arc<Slot>,
    idle_timeout: Duration,
    write_timeout: Duration,
    /// Since when it waits for the first byte of a request; `None` while a request is
    /// read or answered.
    idle_since: Option<Instant>,
    /// Since when an answer is being written; `None` once it is all in the socket.
    writing_since: Option<Instant>,
    idle_timer: Option<Pin<Box<Sleep>>>,
    write_timer: Option<Pin<Box<Sleep>>>,
}

impl TimedStream {
    pub(super) fn new(
        stream: TcpStream,
        slot: Arc<Slot>,
        idle_timeout: Duration,
        write_timeout: Duration,
    ) -> Self {
        TimedStream {
            stream,
            slot,
            idle_timeout,
            write_timeout,
            idle_since: Some(Instant::now()),
            writing_since: None,
            idle_timer: None,
            write_timer: None,
        }
    }

    /// Before a write: `Err` once the answer's time is up.
    fn start_write(&mut self) -> Result<Instant, io::Error> {
        self.idle_since = None;
        let deadline = *self.writing_since.get_or_insert_with(Instant::now) + self.write_timeout;
        if Instant::now() >= deadline {
            return Err(write_timed_out());
        }
        Ok(deadline)
    }

    /// After a write: `Pending` becomes the timeout's error once the deadline passes.
    fn finish_write<T>(
        &mut self,
        deadline: Instant,
        written: Poll<io::Result<T>>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<T>> {
        if written.is_pending() && expired(&mut self.write_timer, deadline, cx) {
            return Poll::Ready(Err(write_timed_out()));
        }
        written
    }
}

fn write_timed_out() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the scraper did not read the answer within the write timeout",
    )
}

/// Whether `deadline` has passed; if not, `cx` is woken when it does.
fn expired(timer: &mut Option<Pin<Box<Sleep>>>, deadline: Instant, cx: &mut Context<'_>) -> bool {
    let timer = timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
    if timer.deadline() != deadline {
        timer.as_mut().reset(deadline);
    }
    timer.as_mut().poll(cx).is_ready()
}

impl AsyncRead for TimedStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(Ok(())) if buf.filled().len() > before => {
                this.idle_since = None;
                Poll::Ready(Ok(()))
            }
            Poll::Pending => match this.idle_since {
                // Read as the client hanging up: hyper closes an idle connection quietly.
                Some(since) if expired(&mut this.idle_timer, since + this.idle_timeout, cx) => {
                    Poll::Ready(Ok(()))
                }
                _ => Poll::Pending,
            },
            other => other,
        }
    }
}

impl AsyncWrite for TimedStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let deadline = match this.start_write() {
            Ok(deadline) => deadline,
            Err(error) => return Poll::Ready(Err(error)),
        };
        let written = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.finish_write(deadline, written, cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let deadline = match this.start_write() {
            Ok(deadline) => deadline,
            Err(error) => return Poll::Ready(Err(error)),
        };
        let written = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.finish_write(deadline, written, cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    /// hyper flushes once all it queued is written: the answer is out.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let flushed = Pin::new(&mut this.stream).poll_flush(cx);
        if matches!(flushed, Poll::Ready(Ok(()))) && this.writing_since.take().is_some() {
            this.slot.answered();
            this.idle_since = Some(Instant::now());
        }
        flushed
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
