//! A server the demo cannot use at start-up: it exits 1 with the reason, without a
//! panic, and leaves nothing behind on the servers it could reach (the run's JetStream
//! stream is created before the cache is connected, so it must be deleted again).

use std::time::Duration;

use crate::demo::{Services, demo, wait};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_cache_stops_the_start_and_leaves_no_stream() {
    let test = "an_unreachable_cache_stops_the_start_and_leaves_no_stream";
    let Some(nats) = Services::from_env(test).and_then(|s| s.nats) else {
        return;
    };
    let sqlite = std::env::temp_dir().join(format!("checkout-startup-{}.sqlite", std::process::id()));
    let database_url = format!("sqlite://{}", sqlite.display());
    // Port 1 on loopback: nothing listens there.
    let unreachable = Services {
        nats: Some(nats.clone()),
        redis: Some("redis://127.0.0.1:1".to_owned()),
    };
    let mut env = vec![("DATABASE_URL", database_url.as_str())];
    env.extend(unreachable.env());
    let child = demo(&["run", "--checkouts", "1"], &env)
        .spawn()
        .expect("start checkout");
    let output = tokio::task::spawn_blocking(move || wait(child, Duration::from_secs(60)))
        .await
        .expect("join");
    let _ = std::fs::remove_file(sqlite);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("checkout: ") && l.contains("refused")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    let stream = stdout
        .lines()
        .find_map(|l| l.split_once(", stream ").map(|(_, name)| name.trim()))
        .unwrap_or_else(|| panic!("the stream's name: {stdout}"));
    let client = async_nats::connect(nats.as_str()).await.expect("connect to NATS");
    let jetstream = async_nats::jetstream::new(client);
    assert!(
        jetstream.get_stream(stream).await.is_err(),
        "{stream} was left behind"
    );
}
