//! A Jaeger sampling-strategies endpoint on loopback for the remote-sampler tests: a
//! hand-written HTTP/1.1 responder whose answer the test changes while it runs, and
//! which counts the requests (connections) each answer got.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

/// What the endpoint does with the next connection.
#[derive(Clone, Debug)]
pub(crate) enum Answer {
    /// 200 with this JSON body.
    Strategy(String),
    /// This status, with a short body.
    Status(u16),
    /// 200 with these bytes as the body.
    Body(Vec<u8>),
    /// Closes the connection without reading or answering (a peer that went away).
    Close,
    /// Reads the request and never answers, holding the connection open.
    Hang,
    /// Answers 200 with a valid head, then a body of one byte every 50 ms.
    Drip,
    /// 200 with this JSON body, keeping the connection open for the next request.
    KeepAlive(String),
}

/// A probabilistic strategy.
pub(crate) fn probabilistic(rate: f64) -> Answer {
    Answer::Strategy(format!(
        r#"{{"strategyType":"PROBABILISTIC","probabilisticSampling":{{"samplingRate":{rate}}}}}"#
    ))
}

/// A rate-limiting strategy.
pub(crate) fn rate_limiting(per_second: i64) -> Answer {
    Answer::Strategy(format!(
        r#"{{"strategyType":"RATE_LIMITING","rateLimitingSampling":{{"maxTracesPerSecond":{per_second}}}}}"#
    ))
}

/// A per-operation strategy as the Jaeger collector writes it (no `strategyType`, no
/// upper bound): `default` for every operation but those listed.
pub(crate) fn per_operation(default: f64, operations: &[(&str, f64)]) -> Answer {
    let ops: Vec<String> = operations
        .iter()
        .map(|(name, rate)| {
            format!(r#"{{"operation":"{name}","probabilisticSampling":{{"samplingRate":{rate}}}}}"#)
        })
        .collect();
    Answer::Strategy(format!(
        r#"{{"operationSampling":{{"defaultSamplingProbability":{default},"defaultLowerBoundTracesPerSecond":0,"perOperationStrategies":[{}]}}}}"#,
        ops.join(",")
    ))
}

struct State {
    answer: Answer,
    /// Connections accepted since `answer` was set.
    served: usize,
    /// Connections accepted in all.
    connections: usize,
    /// Requests answered on a kept-alive connection, in all.
    kept_alive_requests: usize,
    /// The request lines received, in order.
    request_lines: Vec<String>,
    /// The whole request heads received, in order.
    request_heads: Vec<String>,
}

/// The endpoint; it runs until the test process ends.
pub(crate) struct StrategiesServer {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl StrategiesServer {
    pub(crate) fn start(answer: Answer) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State {
            answer,
            served: 0,
            connections: 0,
            kept_alive_requests: 0,
            request_lines: Vec::new(),
            request_heads: Vec::new(),
        }));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let answer = {
                    let mut state = lock(&shared);
                    state.served += 1;
                    state.connections += 1;
                    state.answer.clone()
                };
                let shared = Arc::clone(&shared);
                thread::spawn(move || answer_one(stream, &answer, &shared));
            }
        });
        StrategiesServer { addr, state }
    }

    /// `http://127.0.0.1:<port>`, without a path.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next connections with `answer`, and counts them from zero.
    pub(crate) fn answer(&self, answer: Answer) {
        let mut state = lock(&self.state);
        state.answer = answer;
        state.served = 0;
    }

    /// Connections accepted in all, and requests answered on kept-alive ones.
    pub(crate) fn connections_and_kept_alive_requests(&self) -> (usize, usize) {
        let state = lock(&self.state);
        (state.connections, state.kept_alive_requests)
    }

    pub(crate) fn request_lines(&self) -> Vec<String> {
        lock(&self.state).request_lines.clone()
    }

    /// The request heads read so far, once there are `n` (a connection is counted as
    /// served when accepted, its head read after): panics after `limit`.
    pub(crate) fn request_heads(&self, n: usize, limit: Duration) -> Vec<String> {
        let start = Instant::now();
        loop {
            let heads = lock(&self.state).request_heads.clone();
            if heads.len() >= n {
                return heads;
            }
            assert!(
                start.elapsed() < limit,
                "fewer than {n} request heads within {limit:?}"
            );
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Waits until `n` connections got the current answer. Two mean the first answer was
    /// applied: the sampler fetches again only after it has handled the last one.
    /// Returns how long it took; panics after `limit`.
    pub(crate) fn wait_served(&self, n: usize, limit: Duration) -> Duration {
        let start = Instant::now();
        loop {
            if lock(&self.state).served >= n {
                return start.elapsed();
            }
            assert!(
                start.elapsed() < limit,
                "the strategies endpoint got fewer than {n} requests within {limit:?}"
            );
            thread::sleep(Duration::from_millis(10));
        }
    }
}

/// The state, even after a panicking test thread held it.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn answer_one(mut stream: TcpStream, answer: &Answer, state: &Mutex<State>) {
    if let Answer::Close = answer {
        return;
    }
    if let Answer::KeepAlive(json) = answer {
        let mut buf = [0u8; 1024];
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        loop {
            let mut request = Vec::new();
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => request.extend_from_slice(&buf[..n]),
                }
            }
            lock(state).kept_alive_requests += 1;
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                json.len()
            );
            if stream.write_all(head.as_bytes()).is_err() || stream.write_all(json.as_bytes()).is_err() {
                return;
            }
        }
    }
    // The sampler sends a GET without a body: read up to the blank line.
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&request)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    {
        let mut state = lock(state);
        state.request_lines.push(line);
        state
            .request_heads
            .push(String::from_utf8_lossy(&request).into_owned());
    }
    let (status, body): (u16, Vec<u8>) = match answer {
        Answer::Strategy(json) => (200, json.clone().into_bytes()),
        Answer::Status(code) => (*code, b"strategy store unavailable".to_vec()),
        Answer::Body(bytes) => (200, bytes.clone()),
        Answer::Drip => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n");
            for _ in 0..600 {
                if stream.write_all(b" ").is_err() {
                    return;
                }
                thread::sleep(Duration::from_millis(50));
            }
            return;
        }
        Answer::Hang => {
            // Hold the connection until well after any fetch deadline.
            thread::sleep(Duration::from_secs(30));
            return;
        }
        Answer::Close | Answer::KeepAlive(_) => return,
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}
