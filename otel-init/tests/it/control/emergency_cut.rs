//! docs/rollout.md's emergency volume cut, through a real collector (rotel): a running
//! service under steady requests falls from every request traced to the requested ratio
//! through each lever that acts without a restart (the control handle at once, Jaeger
//! remote sampling and X-Ray's sampling rules at their next poll), and no request fails
//! meanwhile.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use otel_kit_init::sampling::{JaegerRemote, Sampling, XrayRemote};

use super::service::{Running, running_through_rotel, wait_until};

use crate::support::strategies_server::{StrategiesServer, probabilistic};
use crate::support::xray_server::{Reply, XrayApi, rule, rules};

/// Requests after the cut: at 2 %, about 20 of them are traced.
const AFTER: usize = 1000;
const CUT_TO: f64 = 0.02;

/// Sends `count` `/work` requests with ids `{phase}-{n}`, each one asserting its `200`.
async fn requests(service: &Running, phase: &str, count: usize) {
    for n in 0..count {
        service.get("/work", &format!("{phase}-{n}")).await;
    }
}

/// Background load through the cut: requests that must all succeed while the lever is
/// pulled.
fn load(service: Arc<Running>, stop: Arc<AtomicBool>, sent: Arc<AtomicUsize>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        while !stop.load(Ordering::Relaxed) {
            let n = sent.fetch_add(1, Ordering::Relaxed);
            service.get("/work", &format!("during-{n}")).await;
        }
    })
}

/// How many exported spans have ids starting `{phase}-`.
fn exported(service: &Running, phase: &str) -> usize {
    let prefix = format!("{phase}-");
    service
        .exported_requests()
        .iter()
        .filter(|id| id.starts_with(&prefix))
        .count()
}

/// After the cut, the share of `AFTER` requests traced is about `CUT_TO`: at 2 % of
/// 1,000, 20 expected; 4 to 45 is more than four standard deviations either side.
fn assert_cut(service: &Running) {
    let after = exported(service, "after");
    assert!(
        (4..=45).contains(&after),
        "{after} of {AFTER} traced after the cut to {CUT_TO}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_control_handle_cuts_volume_at_once_and_no_request_fails() {
    let Some(service) = running_through_rotel(|b| b.without_globals().sampling(Sampling::ratio(1.0))).await
    else {
        return;
    };
    let service = Arc::new(service);
    requests(&service, "before", 50).await;
    let (stop, sent) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let during = load(Arc::clone(&service), Arc::clone(&stop), Arc::clone(&sent));
    tokio::time::sleep(Duration::from_millis(200)).await;
    service
        .telemetry
        .control()
        .set_sampling_ratio(CUT_TO)
        .expect("a valid ratio");
    stop.store(true, Ordering::Relaxed);
    during.await.expect("every request during the cut succeeded");
    assert!(sent.load(Ordering::Relaxed) > 0, "load ran through the cut");
    // The cut is at once: nothing sent after it returned is over the ratio's share.
    after_the_cut(service).await;
}

/// The requests after the cut, once everything sent before it is exported: each lever's
/// share checked ([`assert_cut`]), then the telemetry shut down once the load task has
/// let go of the service.
async fn after_the_cut(service: Arc<Running>) {
    requests(&service, "after", AFTER).await;
    service.flush();
    wait_until("the 50 before the cut", Duration::from_secs(10), || {
        exported(&service, "before") == 50
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_cut(&service);
    match Arc::try_unwrap(service) {
        Ok(service) => service.finish().await,
        Err(_) => panic!("the load task still holds the service"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_strategy_cuts_volume_at_the_next_poll_and_no_request_fails() {
    let strategies = StrategiesServer::start(probabilistic(1.0));
    let poll = Duration::from_secs(1);
    let remote = JaegerRemote::new(strategies.endpoint())
        .polling_interval(poll)
        .initial_sampling(Sampling::always_on());
    let Some(service) =
        running_through_rotel(|b| b.without_globals().sampling(Sampling::jaeger_remote(remote))).await
    else {
        return;
    };
    let service = Arc::new(service);
    strategies.wait_served(1, Duration::from_secs(10));
    requests(&service, "before", 50).await;
    let (stop, sent) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let during = load(Arc::clone(&service), Arc::clone(&stop), Arc::clone(&sent));
    let served = strategies.request_lines().len();
    strategies.answer(probabilistic(CUT_TO));
    // Within one polling interval (and a margin for a loaded machine), every instance
    // has the new strategy.
    let cut = Instant::now();
    strategies.wait_served(served + 1, poll * 10);
    let took = cut.elapsed();
    // The fetched strategy reaches the sampler right after the answer is read.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    during.await.expect("every request during the cut succeeded");
    assert!(took <= poll * 10, "the new strategy was fetched after {took:?}");
    after_the_cut(service).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_x_ray_rule_cuts_volume_at_the_next_poll_and_no_request_fails() {
    // Every trace sampled by the default rule, no reservoir: its fixed rate decides.
    let xray = XrayApi::start(
        rules(&[rule("Default", 10000, 1.0, 0)]),
        Reply::Json("{}".to_owned()),
    );
    let poll = Duration::from_secs(1);
    let remote = XrayRemote::new(xray.endpoint())
        .polling_interval(poll)
        .targets_interval(Duration::from_secs(3600));
    let Some(service) = running_through_rotel(|b| b.without_globals().sampling(Sampling::xray(remote))).await
    else {
        return;
    };
    let service = Arc::new(service);
    // Two fetches: the first rules were applied.
    xray.wait_rules(2, Duration::from_secs(10));
    requests(&service, "before", 50).await;
    let (stop, sent) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let during = load(Arc::clone(&service), Arc::clone(&stop), Arc::clone(&sent));
    // The rule changed in X-Ray; every instance has it within one polling interval.
    xray.rules(rules(&[rule("Default", 10000, CUT_TO, 0)]));
    let took = xray.wait_rules(2, poll * 10);
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    during.await.expect("every request during the cut succeeded");
    assert!(took <= poll * 10, "the new rule was fetched after {took:?}");
    after_the_cut(service).await;
}
