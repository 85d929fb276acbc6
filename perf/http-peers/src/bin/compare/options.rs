//! The driver's command line: [`Options::parse`] and the usage text.

use http_peers::Variant;

/// The usage text, printed on a bad argument or `--help`.
pub(crate) const USAGE: &str = "\
usage: compare [--requests N] [--connections C] [--rounds R] [--warmup W]
               [--variants plain,ours-full,ours-full-runtime,ours-sampled-out,axum-tracing-opentelemetry,tower-http,actix-plain,actix-ours,actix-contrib]
               [--collector counting|test-collector|rotel] [--pin] [--verbose]
       compare --scenario realistic [--rate R] [--seconds S] [--warmup-seconds S]
               [--db sqlite|postgres|<url>] [--rounds R] [--collector ..] [--pin]

  --requests N     measured requests per run (default 100000)
  --connections C  keep-alive HTTP/1.1 connections, each in a closed loop (default 16)
  --rounds R       rounds; each runs every variant once, in the order given (default 3)
  --warmup W       requests before measuring, on the same connections (default 10000)
  --variants LIST  comma-separated (default: the six axum ones; include plain for the
                   ratios; actix-plain,actix-ours,actix-contrib for actix-web, actix-plain
                   their baseline)
  --collector KIND where the servers export: `counting` (default), an in-process
                   OTLP/gRPC sink that counts spans and duration-metric points on the
                   wire and keeps nothing; `test-collector`, otel_kit_testing::TestCollector
                   over OTLP/gRPC, which decodes and stores every span (several us of
                   driver CPU per span on the same cores); or `rotel`, the real rotel
                   collector (binary in $TEST_OTLP_COLLECTOR_BIN) receiving OTLP/HTTP
                   protobuf and forwarding over OTLP/gRPC to the counting sink
  --pin            the server on CPU 0 with one tokio worker thread; the driver (load
                   generator, sink) and rotel on CPU 1
  --verbose        echo the servers' own output

  --scenario realistic  the realistic service (src/realistic.rs: a row read, an outgoing
                   call to a stub in the driver, JSON, a log line), the service-* variants,
                   an open loop at a fixed rate; --requests and --warmup do not apply
  --rate R         requests per second, open loop (default 1000)
  --seconds S      measured seconds per run (default 15)
  --warmup-seconds S  seconds at the same rate before measuring (default 3)
  --db DB          sqlite (default: a file per server), postgres ($TEST_POSTGRES_URL) or a
                   postgres:// URL";

#[derive(Debug, Clone)]
/// What the command line asked for.
pub(crate) struct Options {
    pub(crate) requests: usize,
    pub(crate) connections: usize,
    pub(crate) rounds: usize,
    pub(crate) warmup: usize,
    pub(crate) variants: Vec<Variant>,
    pub(crate) collector: CollectorKind,
    pub(crate) pin: bool,
    pub(crate) verbose: bool,
    /// `--scenario realistic`: the fixed-rate load, else none (the hello world's closed loop).
    pub(crate) realistic: Option<Realistic>,
}

/// The realistic scenario's load and database.
#[derive(Debug, Clone)]
pub(crate) struct Realistic {
    pub(crate) rate: f64,
    pub(crate) seconds: f64,
    pub(crate) warmup_seconds: f64,
    pub(crate) db: String,
}

/// Where the servers export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CollectorKind {
    Counting,
    TestCollector,
    Rotel,
}

impl Options {
    pub(crate) fn parse(args: &[String]) -> Result<Self, String> {
        let mut o = Options {
            requests: 100_000,
            connections: 16,
            rounds: 3,
            warmup: 10_000,
            variants: Variant::DEFAULT.to_vec(),
            collector: CollectorKind::Counting,
            pin: false,
            verbose: false,
            realistic: None,
        };
        let mut variants_given = false;
        let mut realistic = Realistic {
            rate: 1000.0,
            seconds: 15.0,
            warmup_seconds: 3.0,
            db: "sqlite".to_owned(),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
            let number = |name: &str, v: String| {
                v.replace('_', "")
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0 || name == "--warmup")
                    .ok_or_else(|| format!("{name}: {v:?} is not a positive integer"))
            };
            let positive = |name: &str, v: String| {
                v.parse::<f64>()
                    .ok()
                    .filter(|&x| x > 0.0 && x.is_finite())
                    .ok_or_else(|| format!("{name}: {v:?} is not a positive number"))
            };
            match arg.as_str() {
                "--scenario" => match value(arg)?.as_str() {
                    "realistic" => o.realistic = Some(realistic.clone()),
                    "hello-world" => o.realistic = None,
                    other => return Err(format!("--scenario: unknown scenario {other:?}")),
                },
                "--rate" => realistic.rate = positive(arg, value(arg)?)?,
                "--seconds" => realistic.seconds = positive(arg, value(arg)?)?,
                "--warmup-seconds" => realistic.warmup_seconds = positive(arg, value(arg)?)?,
                "--db" => {
                    realistic.db = match value(arg)?.as_str() {
                        "postgres" => std::env::var("TEST_POSTGRES_URL")
                            .map_err(|_| "--db postgres needs TEST_POSTGRES_URL".to_owned())?,
                        other => other.to_owned(),
                    }
                }
                "--requests" => o.requests = number(arg, value(arg)?)?,
                "--connections" => o.connections = number(arg, value(arg)?)?,
                "--rounds" => o.rounds = number(arg, value(arg)?)?,
                "--warmup" => o.warmup = number(arg, value(arg)?)?,
                "--variants" => {
                    o.variants = value(arg)?
                        .split(',')
                        .map(|v| v.trim().parse::<Variant>().map_err(|e| e.to_string()))
                        .collect::<Result<_, _>>()?;
                    variants_given = true;
                }
                "--collector" => {
                    o.collector = match value(arg)?.as_str() {
                        "counting" => CollectorKind::Counting,
                        "test-collector" => CollectorKind::TestCollector,
                        "rotel" => CollectorKind::Rotel,
                        other => return Err(format!("--collector: unknown kind {other:?}")),
                    }
                }
                "--pin" => o.pin = true,
                "--verbose" => o.verbose = true,
                "-h" | "--help" => return Err(String::new()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if o.realistic.is_some() {
            // The load options given after `--scenario` count too.
            o.realistic = Some(realistic);
            if !variants_given {
                o.variants = Variant::REALISTIC.to_vec();
            }
        }
        Ok(o)
    }
}
