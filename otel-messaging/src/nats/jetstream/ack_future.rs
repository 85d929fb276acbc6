//! [`PublishAckFuture`]: the stream's ack of a JetStream publish, which ends the
//! publish span.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use async_nats::jetstream::context::PublishError;
use async_nats::jetstream::publish::PublishAck;
use otel_kit_core::__private::call::CallFuture;
use pin_project_lite::pin_project;

use crate::call::MessagingCall;
use crate::nats::errors;

type Inner = Pin<Box<dyn Future<Output = Result<PublishAck, PublishError>> + Send>>;

/// The ack of a JetStream publish still to come, from
/// [`JetStream::publish`](crate::nats::JetStream::publish). Awaiting it waits for the
/// stream's ack and ends the publish span with the outcome; dropping it ends the span
/// with no status (the message was sent, its ack not waited for).
#[derive(Debug)]
#[must_use = "await it for the stream's ack; dropped, the publish span ends unconfirmed"]
pub struct PublishAckFuture {
    inner: async_nats::jetstream::context::PublishAckFuture,
    call: Option<MessagingCall>,
}

impl PublishAckFuture {
    pub(crate) fn new(
        inner: async_nats::jetstream::context::PublishAckFuture,
        call: Option<MessagingCall>,
    ) -> Self {
        Self { inner, call }
    }
}

impl IntoFuture for PublishAckFuture {
    type Output = Result<PublishAck, PublishError>;
    type IntoFuture = AckWait;

    fn into_future(self) -> AckWait {
        let inner: Inner = self.inner.into_future();
        AckWait {
            inner: match self.call {
                Some(call) => CallFuture::new(inner, call),
                None => CallFuture::untraced(inner, None),
            },
        }
    }
}

pin_project! {
    /// Waiting for a JetStream publish's ack, in the publish span's context.
    #[must_use = "futures do nothing unless polled"]
    pub struct AckWait {
        #[pin]
        inner: CallFuture<Inner, MessagingCall>,
    }
}

impl Future for AckWait {
    type Output = Result<PublishAck, PublishError>;

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        self.project().inner.poll_finish(task, |result, call| {
            if let Some(call) = call {
                let failure = result
                    .as_ref()
                    .err()
                    .map(|error| errors::of_kind(error.kind(), error));
                call.finish(failure.as_ref());
            }
            result
        })
    }
}

impl std::fmt::Debug for AckWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AckWait").finish_non_exhaustive()
    }
}
