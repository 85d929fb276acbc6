//! The demo as `cargo run -p checkout` runs it, nothing configured but what each test
//! names: the embedded receiver, the waterfalls, the RED table and the business table,
//! printed. With NATS
//! and Redis (`TEST_NATS_URL`, `TEST_REDIS_URL`): the waterfalls show the broker hop and
//! the cache, and the run leaves nothing behind on the servers.

use crate::demo::{CHECKOUTS, Services, run_checkouts};

/// Runs the demo with `services` and its own SQLite file; checks what every report has,
/// returns what it printed.
fn report(services: &Services, name: &str) -> String {
    let sqlite = std::env::temp_dir().join(format!("checkout-{name}-{}.sqlite", std::process::id()));
    let database_url = format!("sqlite://{}", sqlite.display());
    let mut env = vec![("DATABASE_URL", database_url.as_str())];
    env.extend(services.env());
    let output = run_checkouts(&env);
    let _ = std::fs::remove_file(sqlite);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    for expected in [
        "telemetry: embedded OTLP receiver",
        "Slowest trace",
        "First failed trace",
        "POST /checkout",
        // Cut in the waterfall when it is `process notifications.*`.
        "process notification",
        "RED per service",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
    }
    let red_row = |service: &str, metric: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().take(2).eq([service, metric]))
            .map(str::to_owned)
    };
    let frontend = red_row("frontend", "http.server.request.duration").expect("frontend row");
    let columns: Vec<&str> = frontend.split_whitespace().collect();
    assert_eq!(columns[2], CHECKOUTS.to_string(), "requests: {frontend}");
    assert_eq!(columns[4], "1", "errors (the panic's 502): {frontend}");
    for (service, metric) in [
        ("orders", "rpc.server.call.duration"),
        ("payments", "http.server.request.duration"),
        ("orders", "db.client.operation.duration"),
        ("payments", "gen_ai.client.operation.duration"),
        ("notifications", "messaging.process.duration"),
        ("orders", "messaging.client.operation.duration"),
    ] {
        assert!(
            red_row(service, metric).is_some(),
            "no {service} {metric} row in:\n{stdout}"
        );
    }
    business(&stdout);
    stdout
}

/// The business table: every checkout once by outcome and once in the duration by
/// payment method (the demo's cards are all Visa), and the money charged.
fn business(stdout: &str) {
    assert!(stdout.contains("Business metrics"), "{stdout}");
    let outcomes = after(stdout, "shop.orders.placed {order} by shop.order.outcome:").expect("orders line");
    let total: u64 = outcomes
        .split(", ")
        .filter_map(|part| part.rsplit_once(' ').and_then(|(_, n)| n.parse::<u64>().ok()))
        .sum();
    assert_eq!(total, CHECKOUTS as u64, "{outcomes}");
    assert!(
        outcomes.contains("confirmed") && outcomes.contains("failed"),
        "{outcomes}"
    );
    let amount = after(stdout, "shop.payment.amount {USD} by shop.payment.method:").expect("amount line");
    assert!(amount.starts_with("visa "), "{amount}");
    let visa = after(stdout, "    visa").expect("duration row");
    assert!(visa.starts_with(&format!("{CHECKOUTS} checkouts")), "{visa}");
}

#[test]
fn with_nothing_configured_it_prints_waterfalls_and_the_red_table() {
    let stdout = report(&Services::none(), "embedded");
    for expected in [
        "notifications: an in-process queue (tokio channel)",
        "inventory cache: none",
        "send notifications",
        "messaging.system.name=tokio_mpsc",
    ] {
        assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
    }
    assert!(!stdout.contains("inventory lookup"), "{stdout}");
}

/// The text after `prefix` on the line that has it, up to the end of the line.
fn after<'a>(stdout: &'a str, prefix: &str) -> Option<&'a str> {
    stdout
        .lines()
        .find_map(|l| l.split_once(prefix).map(|(_, rest)| rest.trim()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_services_the_waterfalls_show_the_broker_hop_and_the_cache() {
    let test = "with_the_services_the_waterfalls_show_the_broker_hop_and_the_cache";
    let Some(services) = Services::from_env(test) else {
        return;
    };
    let stdout = {
        let services = services.clone();
        tokio::task::spawn_blocking(move || report(&services, "services"))
            .await
            .expect("join")
    };
    if let Some(url) = &services.nats {
        for expected in [
            "notifications: NATS JetStream at",
            "publish notifications.*",
            "process notification",
            "ack notifications.*",
            "messaging.system.name=nats",
        ] {
            assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
        }
        // The run's stream is gone: nothing left on the shared server.
        let stream = after(&stdout, ", stream ").expect("the stream's name");
        let client = async_nats::connect(url.as_str()).await.expect("connect to NATS");
        let jetstream = async_nats::jetstream::new(client);
        assert!(
            jetstream.get_stream(stream).await.is_err(),
            "{stream} was not deleted"
        );
    }
    if let Some(url) = &services.redis {
        for expected in [
            "inventory cache: Redis at",
            "inventory lookup",
            "shop.cache.hit=",
            "db.system.name=redis",
        ] {
            assert!(stdout.contains(expected), "{expected:?} missing from:\n{stdout}");
        }
        // The run's keys are gone too.
        let pattern = after(&stdout, ", keys ").expect("the keys' pattern");
        let client = redis::Client::open(url.as_str()).expect("a Redis URL");
        let mut connection = client
            .get_multiplexed_async_connection()
            .await
            .expect("connect to Redis");
        let left: Vec<String> = redis::cmd("KEYS")
            .arg(pattern)
            .query_async(&mut connection)
            .await
            .expect("KEYS");
        assert!(left.is_empty(), "left behind: {left:?}");
    }
}
