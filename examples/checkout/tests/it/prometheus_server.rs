//! A real Prometheus server (`TEST_PROMETHEUS`, the `prometheus` binary) started by a
//! test: it scrapes each of the demo's services as its own job (the job named after the
//! service, as the Collector path names it), loads the shipped recording and alert
//! rules, stores exemplars, and answers its HTTP API. Killed, and its data removed,
//! when dropped, so a failing test leaves no process behind.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use otel_kit_testing::ChildServer;
use serde_json::Value;

/// How long Prometheus may take to become ready.
const READY_TIMEOUT: Duration = Duration::from_secs(30);

/// The shipped rule files, in the order docs/dashboards/README.md lists them.
pub(crate) const RULE_FILES: [&str; 4] = [
    "recording-rules.yaml",
    "slo-objectives.yaml",
    "alert-rules.yaml",
    "collector-alerts.yaml",
];

/// The shipped rule files, loaded as they are.
pub(crate) fn rule_files() -> [PathBuf; 4] {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/dashboards/prometheus");
    RULE_FILES.map(|file| dir.join(file))
}

/// `TEST_PROMETHEUS`, or `None` after printing why `test` does not run.
pub(crate) fn binary(test: &str) -> Option<PathBuf> {
    match std::env::var("TEST_PROMETHEUS") {
        Ok(path) if !path.trim().is_empty() => Some(PathBuf::from(path)),
        _ => {
            println!("{test}: skipped: TEST_PROMETHEUS (the prometheus binary) is not set");
            None
        }
    }
}

/// The Prometheus configuration: everything every second, one job per `(service,
/// address)`, the shipped rules.
pub(crate) fn config(targets: &[(&str, SocketAddr)]) -> String {
    let mut yaml = String::from(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nrule_files:\n",
    );
    for file in rule_files() {
        yaml.push_str(&format!("  - {:?}\n", file.display().to_string()));
    }
    yaml.push_str("scrape_configs:\n");
    for (job, address) in targets {
        yaml.push_str(&format!(
            "  - job_name: {job:?}\n    static_configs:\n      - targets: [\"{address}\"]\n"
        ));
    }
    yaml
}

/// A running Prometheus.
pub(crate) struct PrometheusServer {
    /// `None` only while it is dropped: killed before its directory is removed.
    process: Option<ChildServer>,
    dir: PathBuf,
    address: SocketAddr,
    client: reqwest::Client,
}

impl PrometheusServer {
    /// Starts `binary` with [`config`]`(targets)` and exemplar storage, on a free
    /// loopback port, and waits until it is ready.
    pub(crate) async fn start(binary: &Path, name: &str, targets: &[(&str, SocketAddr)]) -> PrometheusServer {
        let dir = std::env::temp_dir().join(format!("checkout-prometheus-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create Prometheus' directory");
        let config_file = dir.join("prometheus.yml");
        std::fs::write(&config_file, config(targets)).expect("write prometheus.yml");
        let binary = binary.to_path_buf();
        let (data, log) = (dir.join("data"), dir.join("prometheus.log"));
        // Blocking (it waits for the port), so off the runtime's threads.
        let process = tokio::task::spawn_blocking(move || {
            ChildServer::start(
                "prometheus",
                1,
                READY_TIMEOUT,
                |ports| {
                    Command::new(&binary)
                        .arg(format!("--config.file={}", config_file.display()))
                        .arg(format!("--storage.tsdb.path={}", data.display()))
                        .arg(format!("--web.listen-address=127.0.0.1:{}", ports[0]))
                        // Exemplars are stored only with this; with it Prometheus also asks
                        // targets for OpenMetrics first, the one text format that carries them.
                        .arg("--enable-feature=exemplar-storage")
                        .stdin(Stdio::null())
                        .stdout(Stdio::null())
                        .stderr(std::fs::File::create(&log)?)
                        .spawn()
                },
                |_| std::fs::read_to_string(&log).unwrap_or_default(),
            )
        })
        .await
        .expect("the start of Prometheus")
        .unwrap_or_else(|e| panic!("start Prometheus: {e}"));
        let address = SocketAddr::from(([127, 0, 0, 1], process.port()));
        let server = PrometheusServer {
            process: Some(process),
            dir,
            address,
            client: reqwest::Client::new(),
        };
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let ready = server
                .client
                .get(format!("http://{address}/-/ready"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return server;
            }
            assert!(
                Instant::now() < deadline,
                "Prometheus was not ready within {READY_TIMEOUT:?}\n{}",
                server.log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Prometheus' own log (stderr).
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
    }

    /// `GET /api/v1/<path>` with `query`; the response's `data`. Panics unless the
    /// status is `success`.
    pub(crate) async fn api(&self, path: &str, query: &[(&str, &str)]) -> Value {
        let url = reqwest::Url::parse_with_params(&format!("http://{}/api/v1/{path}", self.address), query)
            .expect("a URL");
        let body: Value = self
            .client
            .get(url.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
            .json()
            .await
            .unwrap_or_else(|e| panic!("GET {url}: not JSON: {e}"));
        assert_eq!(body["status"], "success", "GET {url} {query:?}: {body}");
        body["data"].clone()
    }

    /// The series `selector` matches now (an instant vector's `metric` label sets).
    pub(crate) async fn series(&self, selector: &str) -> Vec<Value> {
        let data = self.api("query", &[("query", selector)]).await;
        data["result"]
            .as_array()
            .map(|r| r.iter().map(|s| s["metric"].clone()).collect())
            .unwrap_or_default()
    }

    /// Calls `probe` every 500 ms until it returns `Some`, at most `limit`; panics with
    /// `what` and the last thing `probe` saw (its `Err`) when it never does.
    pub(crate) async fn poll<T, F, Fut>(&self, what: &str, limit: Duration, mut probe: F) -> T
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, String>>,
    {
        let deadline = Instant::now() + limit;
        loop {
            match probe().await {
                Ok(found) => return found,
                Err(last) if Instant::now() > deadline => {
                    panic!("Prometheus: {what} not seen within {limit:?}; last: {last}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
    }
}

impl Drop for PrometheusServer {
    fn drop(&mut self) {
        drop(self.process.take());
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn the_config_has_a_job_per_service_and_the_shipped_rules() {
    let text = config(&[
        ("frontend", "127.0.0.1:9464".parse().expect("address")),
        ("orders", "127.0.0.1:9465".parse().expect("address")),
    ]);
    let yaml = &yaml_rust2::YamlLoader::load_from_str(&text).expect("YAML")[0];
    assert_eq!(yaml["global"]["scrape_interval"].as_str(), Some("1s"));
    let jobs: Vec<(&str, &str)> = yaml["scrape_configs"]
        .as_vec()
        .expect("scrape_configs")
        .iter()
        .map(|job| {
            (
                job["job_name"].as_str().expect("job_name"),
                job["static_configs"][0]["targets"][0].as_str().expect("target"),
            )
        })
        .collect();
    assert_eq!(
        jobs,
        [("frontend", "127.0.0.1:9464"), ("orders", "127.0.0.1:9465")]
    );
    let rules: Vec<&str> = yaml["rule_files"]
        .as_vec()
        .expect("rule_files")
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert_eq!(rules.len(), RULE_FILES.len());
    assert!(rules.iter().all(|f| Path::new(f).is_file()), "{rules:?}");
}
