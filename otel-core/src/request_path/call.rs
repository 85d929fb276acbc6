//! A call in flight: the one future every instrumentation wraps around the work it
//! traces.
//!
//! Each instrumentation names the thing it has started and must end exactly once a
//! `Call` (an HTTP request served or sent, a gRPC call, a database operation, a GenAI
//! call). A call ends in one of three ways: the work completes (the instrumentation
//! reads the outcome), the work panics, or the future is dropped before it completes
//! (a timeout, a `select!`, a client that went away). [`CallFuture`] handles the last
//! two the same way for every crate, and makes the call's context current on every
//! poll, so `tracing` spans and logs of the work are children of the call's span:
//!
//! - **attach on poll**: the context is current while the inner future is polled,
//!   while the instrumentation finishes the call, and while the inner future is
//!   dropped (a handler's own `tracing` spans close inside it);
//! - **`catch_unwind`**: a panic ends the call through [`EndEarly::panicked`] with what
//!   the panic said, then unwinds on, so the server (or a panic-catching layer outside)
//!   handles it as before;
//! - **drop**: a future dropped before it completed ends the call through
//!   [`EndEarly::cancelled`], so a cancelled call is counted rather than lost.
//!
//! ```
//! use std::any::Any;
//! use std::future::Future;
//! use std::pin::Pin;
//! use std::sync::{Arc, Mutex};
//! use std::task::{Context as TaskContext, Poll};
//!
//! use opentelemetry::Context;
//! use otel_kit_core::__private::call::{CallFuture, EndEarly};
//!
//! /// A toy call that writes down how it ended.
//! struct Call {
//!     cx: Context,
//!     ended: Arc<Mutex<Vec<String>>>,
//! }
//!
//! impl EndEarly for Call {
//!     fn context(&self) -> &Context {
//!         &self.cx
//!     }
//!     fn panicked(self, payload: &(dyn Any + Send)) {
//!         let what = otel_kit_core::__private::panic_payload::description(payload, "a panic");
//!         self.ended.lock().unwrap().push(format!("panic: {what}"));
//!     }
//!     fn cancelled(self) {
//!         self.ended.lock().unwrap().push("cancelled".into());
//!     }
//! }
//!
//! let ended = Arc::new(Mutex::new(Vec::new()));
//! let call = Call { cx: Context::new(), ended: Arc::clone(&ended) };
//! let future = CallFuture::new(std::future::pending::<()>(), call);
//! drop(future); // never completed
//! assert_eq!(*ended.lock().unwrap(), ["cancelled"]);
//!
//! // An instrumentation's response future polls through `poll_finish`, which hands it
//! // the output and the call (with the context still current) to end it its own way.
//! let call = Call { cx: Context::new(), ended: Arc::clone(&ended) };
//! let mut future = Box::pin(CallFuture::new(async { 7 }, call));
//! let waker = std::task::Waker::noop();
//! let poll = future.as_mut().poll_finish(&mut TaskContext::from_waker(&waker), |output, call| {
//!     call.expect("a traced call").ended.lock().unwrap().push(format!("done: {output}"));
//!     output
//! });
//! assert_eq!(poll, Poll::Ready(7));
//! assert_eq!(ended.lock().unwrap().last().unwrap(), "done: 7");
//! ```

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use opentelemetry::trace::TraceContextExt as _;
use opentelemetry::{Context, ContextGuard};
use pin_project_lite::pin_project;

#[cfg(doc)]
use crate::request_path::panic_payload;

// Here too, where a call's ending is: `call::ERROR_TYPE_PANIC` is the path the
// instrumentation crates use.
pub use crate::request_path::error_type::{ERROR_TYPE_CANCELLED, ERROR_TYPE_PANIC};

/// How a call ends when its work does not complete: a panic or a drop. The normal end
/// (the work's output) is each instrumentation's own, in the closure it passes to
/// [`CallFuture::poll_finish`].
pub trait EndEarly {
    /// The call's context (its span), made current while the work runs.
    fn context(&self) -> &Context;

    /// The work panicked with `payload` ([`panic_payload::description`] reads it).
    /// Called with the context current, before the panic unwinds on.
    fn panicked(self, payload: &(dyn Any + Send));

    /// The future was dropped before the work completed. Called with the context
    /// current, after the work itself was dropped.
    fn cancelled(self);
}

pin_project! {
    /// The future of a call in flight: runs `F` inside the call's context and ends the
    /// call however `F` ends. See the [module docs](self).
    ///
    /// A call that is not traced (an excluded request) still runs in the caller's
    /// context when there is one ([`CallFuture::untraced`]).
    pub struct CallFuture<F, C: EndEarly> {
        // `None` once the work has completed, panicked or been dropped.
        #[pin]
        work: Option<F>,
        // What ends, and which context is current: one slot, so the future is no
        // larger than the work plus the call.
        state: State<C>,
    }

    impl<F, C: EndEarly> PinnedDrop for CallFuture<F, C> {
        fn drop(this: Pin<&mut Self>) {
            let mut this = this.project();
            if this.work.is_none() && !matches!(this.state, State::Call(_)) {
                return;
            }
            let _guard = this.state.context().map(|cx| cx.clone().attach());
            this.work.set(None);
            if let Some(call) = this.state.take() {
                call.cancelled();
            }
        }
    }
}

/// A [`CallFuture`]'s call, or an untraced call's context.
enum State<C> {
    /// A traced call, not ended yet: its context is current.
    Call(C),
    /// Untraced work, run in the caller's context when there is one; also what a call
    /// leaves once it has ended (nothing to end, no context).
    Untraced(Option<Context>),
}

impl<C: EndEarly> State<C> {
    /// The context to make current.
    fn context(&self) -> Option<&Context> {
        match self {
            State::Call(call) => Some(call.context()),
            State::Untraced(cx) => cx.as_ref(),
        }
    }

    /// The call, when it has not ended; the state is then untraced. Untraced work
    /// leaves the state as it is: nothing is moved on the excluded path.
    fn take(&mut self) -> Option<C> {
        if !matches!(self, State::Call(_)) {
            return None;
        }
        match std::mem::replace(self, State::Untraced(None)) {
            State::Call(call) => Some(call),
            State::Untraced(_) => None,
        }
    }
}

impl<F, C: EndEarly> CallFuture<F, C> {
    /// A traced call: `work` runs in the call's context.
    pub fn new(work: F, call: C) -> Self {
        Self {
            work: Some(work),
            state: State::Call(call),
        }
    }

    /// Work that is not traced, run in `cx` (the caller's context) when there is one.
    pub fn untraced(work: F, cx: Option<Context>) -> Self {
        Self {
            work: Some(work),
            state: State::Untraced(cx),
        }
    }

    /// A traced call whose work `start` makes with the call's context current: a
    /// service that does work before returning its future (or creates `tracing` spans
    /// there) sees the call's context, as its future will.
    pub fn start(call: C, start: impl FnOnce() -> F) -> Self {
        let work = {
            let _guard = call.context().clone().attach();
            start()
        };
        Self::new(work, call)
    }

    /// Untraced work that `start` makes with `cx` (the caller's context) current when
    /// there is one, and that runs in it.
    pub fn start_untraced(cx: Option<Context>, start: impl FnOnce() -> F) -> Self {
        let work = {
            let _guard = cx.as_ref().map(|cx| cx.clone().attach());
            start()
        };
        Self::untraced(work, cx)
    }

    /// Whether this future ends a call (false for untraced work).
    pub fn is_traced(&self) -> bool {
        matches!(self.state, State::Call(_))
    }

    /// Polls the work with the context current. When it is ready, `finish` gets its
    /// output and the call (`None` when untraced), still with the context current, and
    /// its result is this poll's. A panic ends the call as
    /// [`panicked`](EndEarly::panicked) and unwinds on.
    ///
    /// # Panics
    ///
    /// When polled again after it returned `Ready`, as any future may.
    pub fn poll_finish<T>(
        self: Pin<&mut Self>,
        task: &mut TaskContext<'_>,
        finish: impl FnOnce(F::Output, Option<C>) -> T,
    ) -> Poll<T>
    where
        F: Future,
    {
        let mut this = self.project();
        let Some(work) = this.work.as_mut().as_pin_mut() else {
            panic!("a call's future was polled after it completed");
        };
        let _guard = this.state.context().map(|cx| cx.clone().attach());
        // Caught only to record the panic; it is resumed below. `AssertUnwindSafe` is
        // sound because the work is dropped at once and never polled again.
        let output = match catch_unwind(AssertUnwindSafe(|| work.poll(task))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(output)) => output,
            Err(panic) => {
                this.work.set(None);
                if let Some(call) = this.state.take() {
                    call.panicked(&*panic);
                }
                resume_unwind(panic);
            }
        };
        this.work.set(None);
        Poll::Ready(finish(output, this.state.take()))
    }
}

/// Awaitable directly when the caller ends the call itself from the output: the
/// output comes with the call (`None` when untraced). The context is no longer current
/// when the caller gets it.
impl<F: Future, C: EndEarly> Future for CallFuture<F, C> {
    type Output = (F::Output, Option<C>);

    fn poll(self: Pin<&mut Self>, task: &mut TaskContext<'_>) -> Poll<Self::Output> {
        self.poll_finish(task, |output, call| (output, call))
    }
}

/// Makes `cx` current for as long as the guard lives, unless its span is current
/// already: a call ended inside [`CallFuture::poll_finish`] or [`EndEarly`] is in its
/// context, and attaching it again would cost a clone, a push and a pop for nothing.
///
/// ```
/// use opentelemetry::Context;
/// use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt as _, TraceFlags, TraceId, TraceState};
/// use otel_kit_core::__private::call::current_or_attach;
///
/// let span = SpanContext::new(TraceId::from(1), SpanId::from(2), TraceFlags::SAMPLED, false, TraceState::NONE);
/// let cx = Context::new().with_remote_span_context(span);
/// {
///     let guard = current_or_attach(&cx);
///     assert!(guard.is_some());
///     assert_eq!(Context::current().span().span_context().span_id(), SpanId::from(2));
///     assert!(current_or_attach(&cx).is_none(), "already current");
/// }
/// assert!(!Context::current().has_active_span());
/// ```
pub fn current_or_attach(cx: &Context) -> Option<ContextGuard> {
    let wanted = cx.span();
    let wanted = wanted.span_context();
    let current = Context::map_current(|current| {
        let span = current.span();
        let found = span.span_context();
        found.span_id() == wanted.span_id() && found.trace_id() == wanted.trace_id()
    });
    (!current).then(|| cx.clone().attach())
}

impl<F, C: EndEarly> fmt::Debug for CallFuture<F, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallFuture")
            .field("done", &self.work.is_none())
            .field("open", &self.is_traced())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};

    /// Records each end and the span that was current at that moment.
    struct Probe {
        cx: Context,
        log: Arc<Mutex<Vec<String>>>,
    }

    fn current_span() -> String {
        format!("{}", Context::current().span().span_context().span_id())
    }

    impl EndEarly for Probe {
        fn context(&self) -> &Context {
            &self.cx
        }
        fn panicked(self, payload: &(dyn Any + Send)) {
            let description = crate::request_path::panic_payload::description(payload, "?");
            self.log
                .lock()
                .unwrap()
                .push(format!("panicked({description}) in {}", current_span()));
        }
        fn cancelled(self) {
            self.log
                .lock()
                .unwrap()
                .push(format!("cancelled in {}", current_span()));
        }
    }

    fn probe() -> (Probe, Arc<Mutex<Vec<String>>>) {
        let sc = SpanContext::new(
            TraceId::from(1),
            SpanId::from(0x2a),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        );
        let log = Arc::new(Mutex::new(Vec::new()));
        let cx = Context::new().with_remote_span_context(sc);
        (
            Probe {
                cx,
                log: Arc::clone(&log),
            },
            log,
        )
    }

    fn poll_once<F: Future>(future: Pin<&mut F>) -> Poll<F::Output> {
        future.poll(&mut TaskContext::from_waker(std::task::Waker::noop()))
    }

    /// Drops `log` in the span that is current when it is dropped.
    struct NoteOnDrop(Arc<Mutex<Vec<String>>>);
    impl Drop for NoteOnDrop {
        fn drop(&mut self) {
            self.0
                .lock()
                .unwrap()
                .push(format!("work dropped in {}", current_span()));
        }
    }

    #[test]
    fn the_work_runs_and_finishes_in_the_calls_context() {
        let (call, _log) = probe();
        let mut future = Box::pin(CallFuture::new(async { current_span() }, call));
        let seen = match future.as_mut().poll_finish(
            &mut TaskContext::from_waker(std::task::Waker::noop()),
            |inside, call| (inside, current_span(), call.is_some()),
        ) {
            Poll::Ready(seen) => seen,
            Poll::Pending => panic!("ready at once"),
        };
        assert_eq!(seen, ("000000000000002a".into(), "000000000000002a".into(), true));
        assert_eq!(current_span(), "0000000000000000", "detached after the poll");
    }

    #[test]
    fn a_drop_before_completion_drops_the_work_then_cancels_in_context() {
        let (call, log) = probe();
        let note = NoteOnDrop(Arc::clone(&log));
        let mut future = Box::pin(CallFuture::new(
            async move {
                let _note = note;
                std::future::pending::<()>().await;
            },
            call,
        ));
        assert!(poll_once(future.as_mut()).is_pending());
        drop(future);
        assert_eq!(
            *log.lock().unwrap(),
            [
                "work dropped in 000000000000002a",
                "cancelled in 000000000000002a"
            ]
        );
    }

    #[test]
    fn a_completed_call_is_not_cancelled_when_dropped() {
        let (call, log) = probe();
        let mut future = Box::pin(CallFuture::new(async {}, call));
        assert!(poll_once(future.as_mut()).is_ready());
        drop(future);
        assert!(log.lock().unwrap().is_empty());
    }

    #[test]
    fn a_panic_ends_the_call_with_its_message_and_unwinds_on() {
        let (call, log) = probe();
        let mut future = Box::pin(CallFuture::new(
            async {
                panic!("no {}", "luck");
            },
            call,
        ));
        let unwound = catch_unwind(AssertUnwindSafe(|| poll_once(future.as_mut())));
        assert!(unwound.is_err(), "the panic goes on");
        drop(future);
        assert_eq!(*log.lock().unwrap(), ["panicked(no luck) in 000000000000002a"]);
    }

    #[test]
    fn untraced_work_runs_in_the_callers_context_and_ends_nothing() {
        let (call, log) = probe();
        let mut future = Box::pin(CallFuture::<_, Probe>::untraced(
            async { current_span() },
            Some(call.cx.clone()),
        ));
        assert!(!future.is_traced());
        match poll_once(future.as_mut()) {
            Poll::Ready((inside, call)) => {
                assert_eq!(inside, "000000000000002a");
                assert!(call.is_none());
            }
            Poll::Pending => panic!("ready at once"),
        }
        drop(CallFuture::<_, Probe>::untraced(
            std::future::pending::<()>(),
            None,
        ));
        assert!(log.lock().unwrap().is_empty());
    }
}
