//! The X-Ray sampling API on loopback for the X-Ray sampler tests (ours and AWS's Python
//! one, in `xray_interop`): a hand-written HTTP/1.1 responder for
//! `POST /GetSamplingRules` and `POST /SamplingTargets`, whose answers the test changes
//! while it runs, and which keeps every request body and counts the requests each
//! answer got. Connections are kept alive, as the X-Ray daemon keeps them.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub(crate) const RULES: &str = "/GetSamplingRules";
pub(crate) const TARGETS: &str = "/SamplingTargets";

/// What the API does with a request to one of its paths.
#[derive(Clone, Debug)]
pub(crate) enum Reply {
    /// 200 with this JSON body.
    Json(String),
    /// This status, with a short body.
    Status(u16),
    /// 200 with these bytes as the body.
    Body(Vec<u8>),
    /// Reads the request and never answers, holding the connection open.
    Hang,
    /// Closes the connection without answering.
    Close,
}

/// A sampling rule as X-Ray writes it, every matcher `*` unless set.
#[derive(Clone, Debug)]
pub(crate) struct RuleJson {
    pub(crate) name: &'static str,
    pub(crate) priority: i64,
    pub(crate) fixed_rate: f64,
    pub(crate) reservoir: u64,
    pub(crate) service_name: &'static str,
    pub(crate) service_type: &'static str,
    pub(crate) host: &'static str,
    pub(crate) method: &'static str,
    pub(crate) path: &'static str,
    pub(crate) arn: &'static str,
    pub(crate) attributes: &'static [(&'static str, &'static str)],
}

/// A rule matching everything, with this name, priority, fixed rate and reservoir.
pub(crate) fn rule(name: &'static str, priority: i64, fixed_rate: f64, reservoir: u64) -> RuleJson {
    RuleJson {
        name,
        priority,
        fixed_rate,
        reservoir,
        service_name: "*",
        service_type: "*",
        host: "*",
        method: "*",
        path: "*",
        arn: "*",
        attributes: &[],
    }
}

impl RuleJson {
    fn json(&self) -> String {
        let attributes: Vec<String> = self
            .attributes
            .iter()
            .map(|(k, v)| format!("{k:?}:{v:?}"))
            .collect();
        format!(
            r#"{{"SamplingRule":{{"RuleName":{:?},"RuleARN":"arn:aws:xray:us-east-1:123456789012:sampling-rule/{}","Priority":{},"FixedRate":{:?},"ReservoirSize":{},"ServiceName":{:?},"ServiceType":{:?},"Host":{:?},"HTTPMethod":{:?},"URLPath":{:?},"ResourceARN":{:?},"Attributes":{{{}}},"Version":1}},"CreatedAt":1.7e9,"ModifiedAt":1.7e9}}"#,
            self.name,
            self.name,
            self.priority,
            self.fixed_rate,
            self.reservoir,
            self.service_name,
            self.service_type,
            self.host,
            self.method,
            self.path,
            self.arn,
            attributes.join(",")
        )
    }
}

/// A `GetSamplingRules` answer with these rules.
pub(crate) fn rules(rules: &[RuleJson]) -> Reply {
    let records: Vec<String> = rules.iter().map(RuleJson::json).collect();
    Reply::Json(format!(r#"{{"SamplingRuleRecords":[{}]}}"#, records.join(",")))
}

/// A `SamplingTargets` answer: for each `(rule, fixed rate, quota)` a target, the quota
/// lasting `ttl` from now; rules last changed long ago.
pub(crate) fn targets(targets: &[(&str, f64, Option<u64>)], ttl: Duration) -> Reply {
    let until = (SystemTime::now() + ttl)
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs_f64();
    let documents: Vec<String> = targets
        .iter()
        .map(|(rule, rate, quota)| match quota {
            Some(quota) => format!(
                r#"{{"RuleName":{rule:?},"FixedRate":{rate:?},"ReservoirQuota":{quota},"ReservoirQuotaTTL":{until}}}"#
            ),
            None => format!(r#"{{"RuleName":{rule:?},"FixedRate":{rate:?}}}"#),
        })
        .collect();
    Reply::Json(format!(
        r#"{{"LastRuleModification":1.0,"SamplingTargetDocuments":[{}],"UnprocessedStatistics":[]}}"#,
        documents.join(",")
    ))
}

/// A request the API got.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    pub(crate) path: String,
    pub(crate) body: String,
}

struct State {
    rules: Reply,
    targets: Reply,
    /// Requests to each path since its reply was set.
    rules_served: usize,
    targets_served: usize,
    requests: Vec<Request>,
}

/// The API; it runs until the test process ends.
pub(crate) struct XrayApi {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

impl XrayApi {
    pub(crate) fn start(rules: Reply, targets: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State {
            rules,
            targets,
            rules_served: 0,
            targets_served: 0,
            requests: Vec::new(),
        }));
        let shared = Arc::clone(&state);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = Arc::clone(&shared);
                thread::spawn(move || serve(stream, &shared));
            }
        });
        XrayApi { addr, state }
    }

    /// `http://127.0.0.1:<port>`.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Answers the next rules requests with `reply`, counting them from zero.
    pub(crate) fn rules(&self, reply: Reply) {
        let mut state = lock(&self.state);
        state.rules = reply;
        state.rules_served = 0;
    }

    /// Answers the next targets requests with `reply`, counting them from zero.
    pub(crate) fn targets(&self, reply: Reply) {
        let mut state = lock(&self.state);
        state.targets = reply;
        state.targets_served = 0;
    }

    /// Every request so far, in order.
    pub(crate) fn requests(&self) -> Vec<Request> {
        lock(&self.state).requests.clone()
    }

    /// The targets requests that got the current reply.
    pub(crate) fn targets_served(&self) -> usize {
        lock(&self.state).targets_served
    }

    /// Waits until `n` rules requests got the current reply; panics after `limit`. Two
    /// mean the first was applied: the sampler fetches again only after it handled one.
    pub(crate) fn wait_rules(&self, n: usize, limit: Duration) -> Duration {
        self.wait(limit, &format!("{n} rules requests"), |s| s.rules_served >= n)
    }

    fn wait(&self, limit: Duration, what: &str, done: impl Fn(&State) -> bool) -> Duration {
        let start = Instant::now();
        while !done(&lock(&self.state)) {
            assert!(
                start.elapsed() < limit,
                "the X-Ray API got fewer than {what} within {limit:?}"
            );
            thread::sleep(Duration::from_millis(10));
        }
        start.elapsed()
    }
}

/// The state, even after a panicking test thread held it.
fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Answers the requests of one connection until it closes or a reply ends it.
fn serve(stream: TcpStream, state: &Mutex<State>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(60)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let mut head = Vec::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
            let end = line == "\r\n";
            head.push(line);
            if end {
                break;
            }
        }
        let mut body = vec![0; length.min(16 * 1024 * 1024)];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let path = head
            .first()
            .and_then(|line| line.split(' ').nth(1))
            .unwrap_or_default()
            .to_owned();
        let reply = {
            let mut state = lock(state);
            state.requests.push(Request {
                path: path.clone(),
                body: String::from_utf8_lossy(&body).into_owned(),
            });
            match path.as_str() {
                RULES => {
                    state.rules_served += 1;
                    state.rules.clone()
                }
                TARGETS => {
                    state.targets_served += 1;
                    state.targets.clone()
                }
                _ => Reply::Status(404),
            }
        };
        let (status, body): (u16, Vec<u8>) = match reply {
            Reply::Json(json) => (200, json.into_bytes()),
            Reply::Status(code) => (code, b"{\"message\":\"unavailable\"}".to_vec()),
            Reply::Body(bytes) => (200, bytes),
            Reply::Hang => {
                // Hold the connection until well after any fetch deadline.
                thread::sleep(Duration::from_secs(30));
                return;
            }
            Reply::Close => return,
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        if writer.write_all(head.as_bytes()).is_err() || writer.write_all(&body).is_err() {
            return;
        }
    }
}
