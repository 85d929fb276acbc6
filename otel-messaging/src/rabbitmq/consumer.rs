//! [`Consumer`]: a lapin consumer whose messages arrive as [`Delivery`]s, each counted
//! as consumed as it is handed out.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use futures_util::{Stream, StreamExt as _};

use crate::messaging::Messaging;
use crate::rabbitmq::delivery::Delivery;

/// A consumer from [`Channel::basic_consume`](crate::rabbitmq::Channel::basic_consume):
/// a `Stream` of [`Delivery`]s (lapin's errors passed through).
#[derive(Debug)]
pub struct Consumer {
    inner: lapin::Consumer,
    messaging: Messaging,
    queue: String,
}

impl Consumer {
    pub(crate) fn new(inner: lapin::Consumer, messaging: Messaging, queue: String) -> Self {
        Self {
            inner,
            messaging,
            queue,
        }
    }

    /// The wrapped consumer.
    pub fn inner(&self) -> &lapin::Consumer {
        &self.inner
    }
}

impl Stream for Consumer {
    type Item = lapin::Result<Delivery>;

    fn poll_next(mut self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(next) = std::task::ready!(this.inner.poll_next_unpin(task)) else {
            return Poll::Ready(None);
        };
        Poll::Ready(Some(next.map(|delivery| {
            let delivery = Delivery::new(delivery, &this.queue, &this.messaging);
            this.messaging.delivered(&delivery.operation());
            delivery
        })))
    }
}
