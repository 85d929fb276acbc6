//! [`traced`]: a client call run as an operation: its span current while the client
//! works, ended with the call's result (or as cancelled when the caller drops it).

use std::future::Future;

use otel_kit_core::__private::call::CallFuture;

use crate::call::MessagingCall;
use crate::failure::Failure;

/// Awaits `work` inside `call`, then ends `call` with its result, its error read by
/// `failure`. Adds no waiting of its own.
pub(crate) async fn traced<T, E>(
    call: MessagingCall,
    work: impl Future<Output = Result<T, E>>,
    failure: impl FnOnce(&E) -> Failure,
) -> Result<T, E> {
    let (result, call) = CallFuture::new(work, call).await;
    if let Some(call) = call {
        call.finish(result.as_ref().err().map(failure).as_ref());
    }
    result
}
