//! Headers the application makes at each export ([`DynamicHeaders`]): a rotating token.
//!
//! The application's function may block (a secret store's client) or hang. So it runs on
//! a blocking thread of the export runtime, one call at a time, and an export waits for
//! it at most [`CALL_DEADLINE`]. Until a call returns, the headers the last call made
//! stay in use, and later exports do not wait for it; what it returns late is picked up
//! by the next export after. A call that
//! panics, or a header that HTTP cannot carry, is warned about (by name, never by
//! value) and the previous headers stay.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use otel_kit_core::__private::report_gate::ReportGate;
use otel_kit_core::otlp::DynamicHeaders;
use tokio::task::JoinHandle;

/// The longest an export waits for the application's function.
pub(crate) const CALL_DEADLINE: Duration = Duration::from_secs(2);

type Made = Vec<(String, String)>;

/// The headers of one exporter's [`DynamicHeaders`], made again before each request.
pub(crate) struct MadeHeaders {
    source: DynamicHeaders,
    state: Mutex<State>,
    report_gate: ReportGate,
}

#[derive(Default)]
struct State {
    /// The headers in use: what the last call that returned made.
    last: Vec<(HeaderName, HeaderValue)>,
    /// A call that has not returned yet, while no export waits for it.
    pending: Option<JoinHandle<Made>>,
    /// An export is waiting for the call: the others use `last` meanwhile.
    awaited: bool,
}

impl std::fmt::Debug for MadeHeaders {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MadeHeaders").finish_non_exhaustive()
    }
}

impl MadeHeaders {
    pub(crate) fn new(source: DynamicHeaders) -> Arc<Self> {
        Arc::new(MadeHeaders {
            source,
            state: Mutex::new(State::default()),
            report_gate: ReportGate::new(),
        })
    }

    /// Calls the function (or waits for the call in flight) within [`CALL_DEADLINE`],
    /// then sets the headers in use on `headers`. Runs inside the export runtime.
    pub(crate) async fn apply(&self, headers: &mut HeaderMap) {
        self.apply_within(headers, CALL_DEADLINE).await;
    }

    async fn apply_within(&self, headers: &mut HeaderMap, deadline: Duration) {
        let call = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            match state.pending.take() {
                // Another export is waiting for the call: use the last headers meanwhile.
                _ if state.awaited => None,
                // A call that overran its deadline: waited for once only, never again.
                Some(late) if !late.is_finished() => {
                    state.pending = Some(late);
                    None
                }
                Some(returned) => {
                    state.awaited = true;
                    Some(returned)
                }
                None => {
                    state.awaited = true;
                    let source = self.source.clone();
                    Some(tokio::task::spawn_blocking(move || source.call()))
                }
            }
        };
        if let Some(call) = call {
            // Puts an unfinished call back, also when this export is dropped meanwhile.
            let mut waiting = Waiting {
                state: &self.state,
                call: Some(call),
            };
            let outcome = match waiting.call.as_mut() {
                Some(call) => tokio::time::timeout(deadline, call).await,
                None => return,
            };
            match outcome {
                Ok(result) => {
                    waiting.call = None;
                    match result {
                        Ok(made) => self.keep(made),
                        Err(e) => self.report(&format!(
                            "the export headers' function failed ({}); the previous headers are sent",
                            if e.is_panic() {
                                "it panicked"
                            } else {
                                "it was cancelled"
                            }
                        )),
                    }
                }
                Err(_) => self.report(&format!(
                    "the export headers' function has not returned within {deadline:?}; the previous headers \
                     are sent, and what it returns is used from the next export"
                )),
            }
        }
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        for (name, value) in &state.last {
            headers.insert(name.clone(), value.clone());
        }
    }

    /// Puts `made` in use, leaving out (with a warning naming it) a header HTTP cannot carry.
    fn keep(&self, made: Made) {
        let mut usable = Vec::with_capacity(made.len());
        let mut refused = Vec::new();
        for (name, value) in made {
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&value),
            ) {
                (Ok(name), Ok(mut value)) => {
                    // Never logged by hyper or h2.
                    value.set_sensitive(true);
                    usable.push((name, value));
                }
                _ => refused.push(name),
            }
        }
        if !refused.is_empty() {
            let names: Vec<String> = refused
                .iter()
                .map(|n| format!("{:?}", n.escape_debug().to_string()))
                .collect();
            self.report(&format!(
                "the export headers' function made headers HTTP cannot carry ({}; name or value); they are left out",
                names.join(", ")
            ));
        }
        self.state.lock().unwrap_or_else(PoisonError::into_inner).last = usable;
    }

    fn report(&self, why: &str) {
        if self.report_gate.pass() {
            tracing::warn!(target: "otel_kit_otlp", "{why}");
        }
    }
}

/// The headers each request carries besides the fixed ones: those read from files, and
/// those the application makes.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExportHeaders {
    #[cfg(feature = "__proto")]
    pub(crate) files: Option<Arc<crate::transport::credentials::HeaderFiles>>,
    pub(crate) made: Option<Arc<MadeHeaders>>,
}

impl ExportHeaders {
    /// Only the headers `source` makes.
    #[cfg(feature = "http-json")]
    pub(crate) fn made_by(source: DynamicHeaders) -> Self {
        ExportHeaders {
            made: Some(MadeHeaders::new(source)),
            ..Default::default()
        }
    }

    /// Whether there is nothing to add (the gRPC sender then keeps its metadata as is).
    #[cfg(feature = "grpc")]
    pub(crate) fn is_empty(&self) -> bool {
        #[cfg(feature = "__proto")]
        if self.files.is_some() {
            return false;
        }
        self.made.is_none()
    }

    /// Sets them on `headers` (the made ones last: they win). Runs inside the export
    /// runtime.
    pub(crate) async fn apply(&self, headers: &mut HeaderMap) {
        #[cfg(feature = "__proto")]
        if let Some(files) = &self.files {
            files.apply(headers);
        }
        if let Some(made) = &self.made {
            made.apply(headers).await;
        }
    }
}

/// An export waiting for the call; on drop, hands an unfinished call back.
struct Waiting<'a> {
    state: &'a Mutex<State>,
    call: Option<JoinHandle<Made>>,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.awaited = false;
        if let Some(call) = self.call.take() {
            state.pending = Some(call);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn token(headers: &HeaderMap) -> Option<&str> {
        headers.get("authorization").map(|v| v.to_str().unwrap())
    }

    #[test]
    fn each_export_calls_the_function_again() {
        let calls = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&calls);
        let made = MadeHeaders::new(DynamicHeaders::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            vec![("authorization".to_owned(), format!("Bearer {n}"))]
        }));
        runtime().block_on(async {
            for n in 1..=3 {
                let mut headers = HeaderMap::new();
                made.apply(&mut headers).await;
                assert_eq!(token(&headers), Some(format!("Bearer {n}").as_str()));
                assert!(headers["authorization"].is_sensitive());
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn a_hung_call_leaves_the_last_headers_and_is_not_called_twice() {
        let calls = Arc::new(AtomicU32::new(0));
        let (release, released) = std::sync::mpsc::channel::<()>();
        let released = Mutex::new(released);
        let counted = Arc::clone(&calls);
        let made = MadeHeaders::new(DynamicHeaders::new(move || {
            let n = counted.fetch_add(1, Ordering::SeqCst) + 1;
            if n == 2 {
                // The second call hangs until released.
                let _ = released.lock().unwrap().recv();
            }
            vec![("authorization".to_owned(), format!("Bearer {n}"))]
        }));
        runtime().block_on(async {
            let deadline = Duration::from_millis(50);
            let mut headers = HeaderMap::new();
            made.apply_within(&mut headers, deadline).await;
            assert_eq!(token(&headers), Some("Bearer 1"));
            // The export that started the hung call waits for it up to the deadline.
            let mut headers = HeaderMap::new();
            made.apply_within(&mut headers, deadline).await;
            assert_eq!(token(&headers), Some("Bearer 1"));
            for _ in 0..3 {
                let started = std::time::Instant::now();
                let mut headers = HeaderMap::new();
                made.apply_within(&mut headers, deadline).await;
                assert!(
                    started.elapsed() < Duration::from_millis(40),
                    "a hung call is waited for once"
                );
                assert_eq!(
                    token(&headers),
                    Some("Bearer 1"),
                    "the last good headers while the call hangs"
                );
            }
            assert_eq!(calls.load(Ordering::SeqCst), 2, "one call at a time");
            release.send(()).unwrap();
            // The late result is picked up by an export once the call has returned.
            let started = std::time::Instant::now();
            loop {
                let mut headers = HeaderMap::new();
                made.apply_within(&mut headers, deadline).await;
                if token(&headers) == Some("Bearer 2") {
                    break;
                }
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "the late headers were never used"
                );
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            assert_eq!(calls.load(Ordering::SeqCst), 2);
        });
    }

    #[test]
    fn a_panic_or_a_bad_header_keeps_what_was_sent_before() {
        let calls = Arc::new(AtomicU32::new(0));
        let counted = Arc::clone(&calls);
        let made = MadeHeaders::new(DynamicHeaders::new(move || {
            match counted.fetch_add(1, Ordering::SeqCst) {
                0 => vec![("authorization".to_owned(), "Bearer good".to_owned())],
                1 => panic!("the secret store is down"),
                _ => vec![
                    ("authorization".to_owned(), "Bearer\nbroken".to_owned()),
                    ("x-tenant".to_owned(), "acme".to_owned()),
                ],
            }
        }));
        runtime().block_on(async {
            let mut headers = HeaderMap::new();
            made.apply(&mut headers).await;
            assert_eq!(token(&headers), Some("Bearer good"));
            let mut headers = HeaderMap::new();
            made.apply(&mut headers).await;
            assert_eq!(token(&headers), Some("Bearer good"), "kept after a panic");
            let mut headers = HeaderMap::new();
            made.apply(&mut headers).await;
            assert_eq!(token(&headers), None, "a value HTTP cannot carry is left out");
            assert_eq!(headers["x-tenant"], "acme");
        });
    }
}
