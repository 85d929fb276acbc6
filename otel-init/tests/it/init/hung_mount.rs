//! Files on a hung network mount cannot hold `init()` past its deadlines. The mount is a
//! real one whose server never answers (a FUSE mount nobody serves, `support::hung_mount`):
//! `stat`, `open` and `read` under it block, as on a hung NFS server, which a FIFO no
//! longer shows (it is refused unread). Each file is one warning naming its variable:
//! - `OTEL_CONFIG_FILE`: given up after 5 s, and the environment applies;
//! - the redaction secret file: 5 s, and hash keys are dropped;
//! - every exporter credential (CA, client certificate and key, header file) of every
//!   signal: 5 s in all, not 5 s a file and an exporter (a minute with three signals).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::support::hung_mount::HungMount;

/// `init()` from `env` on a thread of its own: its warnings and how long it took, or
/// `None` when it has not returned within `limit`.
fn init_within(env: HashMap<&'static str, String>, limit: Duration) -> Option<(Vec<String>, Duration)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let started = Instant::now();
    std::thread::spawn(move || {
        let t = otel_kit_init::builder()
            .without_globals()
            .shutdown_timeout(Duration::from_millis(500))
            .environment(move |k| env.get(k).cloned())
            .init()
            .expect("init");
        let _ = tx.send((t.warnings().to_vec(), started.elapsed()));
        // Its exports fail (nothing listens); a short shutdown.
        let _ = t.shutdown();
    });
    rx.recv_timeout(limit).ok()
}

/// The mount, or `None` after saying why this machine cannot make one.
fn mount(name: &str) -> Option<HungMount> {
    match HungMount::new(name) {
        Ok(mount) => Some(mount),
        Err(why) => {
            eprintln!("skipped: a hung mount cannot be made here: {why}");
            None
        }
    }
}

fn said(warnings: &[String], variable: &str) -> bool {
    warnings
        .iter()
        .any(|w| w.contains(variable) && w.contains("hung mount"))
}

#[test]
fn a_configuration_file_on_a_hung_mount_is_given_up_after_5_s() {
    let Some(mount) = mount("config") else { return };
    let env = HashMap::from([
        ("OTEL_CONFIG_FILE", mount.path("otel.yaml").display().to_string()),
        ("OTEL_TRACES_EXPORTER", "none".to_owned()),
        ("OTEL_METRICS_EXPORTER", "none".to_owned()),
        ("OTEL_LOGS_EXPORTER", "none".to_owned()),
    ]);
    let (warnings, took) = init_within(env, Duration::from_secs(20))
        .expect("init() did not return within 20 s: it waited on the configuration file");
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(said(&warnings, "OTEL_CONFIG_FILE"), "{warnings:#?}");
    drop(mount);
}

#[test]
fn credentials_and_the_redaction_secret_on_a_hung_mount_hold_init_5_s_each() {
    // One mount a protocol, the protocols at once: about 10 s in all.
    let protocols = ["grpc", "http/protobuf", "http/json"];
    let mounts: Vec<_> = protocols
        .iter()
        .map(|p| mount(&format!("credentials-{}", p.replace('/', "-"))))
        .collect();
    let runs: Vec<_> = protocols
        .iter()
        .zip(&mounts)
        .filter_map(|(protocol, mount)| {
            let mount = mount.as_ref()?;
            let file = |name: &str| mount.path(name).display().to_string();
            let env = HashMap::from([
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://127.0.0.1:9".to_owned()),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", (*protocol).to_owned()),
                ("OTEL_EXPORTER_OTLP_CERTIFICATE", file("ca.pem")),
                ("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", file("client.pem")),
                ("OTEL_EXPORTER_OTLP_CLIENT_KEY", file("client.key")),
                (
                    "OTEL_KIT_EXPORTER_OTLP_HEADERS_FILE",
                    format!("authorization={}", file("token")),
                ),
                ("OTEL_KIT_REDACT_HASH_KEYS", "user.id".to_owned()),
                ("OTEL_KIT_REDACT_HASH_SECRET_FILE", file("secret")),
            ]);
            Some((
                *protocol,
                std::thread::spawn(move || init_within(env, Duration::from_secs(40))),
            ))
        })
        .collect();
    for (protocol, run) in runs {
        let (warnings, took) = run.join().expect("join").unwrap_or_else(|| {
            panic!("{protocol}: init() did not return within 40 s: it waited on the files")
        });
        println!("{protocol}: init() returned in {took:?}");
        // The secret's 5 s, then the credentials' 5 s; one file at a time would be a minute.
        assert!(took < Duration::from_secs(16), "{protocol}: {took:?}");
        for variable in [
            "OTEL_KIT_REDACT_HASH_SECRET_FILE",
            "CERTIFICATE",
            "CLIENT_CERTIFICATE",
            "CLIENT_KEY",
        ] {
            assert!(said(&warnings, variable), "{protocol}: {variable}: {warnings:#?}");
        }
        if protocol != "http/json" {
            assert!(said(&warnings, "HEADERS_FILE"), "{protocol}: {warnings:#?}");
        }
    }
    drop(mounts);
}
