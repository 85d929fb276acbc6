//! The traffic generator: checkouts against the frontend, with a fixed share of each
//! failure, through a plain (uninstrumented) HTTP client, like a browser.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::services::inventory::{BULK_QUANTITY, REPLAYED_KEY};
use crate::services::llm_mock::RATE_LIMITED_DOMAIN;
use crate::services::notifications::UNDELIVERABLE_DOMAIN;
use crate::services::payments::DECLINED_CARD_PREFIX;

/// What a checkout exercises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scenario {
    /// Everything succeeds: 201.
    Ok,
    /// The card is declined: payments answers 402, the frontend 402.
    Declined,
    /// The sku does not exist: gRPC NOT_FOUND, then 404.
    UnknownSku,
    /// A bulk order: the slow availability query runs first.
    Bulk,
    /// A card number too short for payments' parser: its handler panics, then 502.
    Panic,
    /// The customer's domain hits the LLM's rate limit (429); the charge goes through.
    RateLimited,
    /// A retry of an order placed before: the database refuses the key, then 409.
    Replayed,
    /// The order goes through (201), but the e-mail provider refuses the customer's
    /// address: the confirmation's process span fails.
    Undeliverable,
}

/// Which scenario the `i`-th checkout plays: one of each failure in every 25.
pub fn scenario(i: usize) -> Scenario {
    match i % 25 {
        2 => Scenario::Replayed,
        4 => Scenario::Declined,
        9 => Scenario::UnknownSku,
        14 => Scenario::Bulk,
        19 => Scenario::Panic,
        22 => Scenario::Undeliverable,
        24 => Scenario::RateLimited,
        _ => Scenario::Ok,
    }
}

/// What the traffic saw.
#[derive(Debug, Default)]
pub struct TrafficReport {
    /// Wall time of the whole run.
    pub elapsed: Duration,
    /// Responses per scenario and status code.
    pub responses: BTreeMap<(Scenario, u16), usize>,
    /// Requests that got no response.
    pub transport_errors: usize,
}

/// Sends `checkouts` checkouts, `concurrency` at a time; a progress bar on a terminal.
pub async fn drive(frontend: SocketAddr, checkouts: usize, concurrency: usize) -> TrafficReport {
    let client = reqwest::Client::new();
    let url = format!("http://{frontend}/checkout");
    let progress = ProgressBar::new(checkouts as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} checkouts, {per_sec}, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let mut report = TrafficReport::default();
    let mut results = futures_util::stream::iter(0..checkouts)
        .map(|i| {
            let (client, url) = (&client, &url);
            async move {
                let scenario = scenario(i);
                let sent = client.post(url).json(&body(i, scenario)).send().await;
                (scenario, sent.map(|r| r.status().as_u16()))
            }
        })
        .buffer_unordered(concurrency.max(1));
    while let Some((scenario, status)) = results.next().await {
        match status {
            Ok(status) => *report.responses.entry((scenario, status)).or_default() += 1,
            Err(_) => report.transport_errors += 1,
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    report.elapsed = started.elapsed();
    report
}

/// The request body of the `i`-th checkout.
fn body(i: usize, scenario: Scenario) -> serde_json::Value {
    const SKUS: [&str; 4] = ["espresso-beans", "grinder", "kettle", "cups"];
    let mut sku = SKUS[i % SKUS.len()].to_owned();
    let mut quantity = 1 + (i % 3) as u32;
    let mut card = "4242424242424242".to_owned();
    let mut email = format!("customer{i}@example.com");
    let mut idempotency_key = "";
    match scenario {
        Scenario::Ok => {}
        Scenario::Declined => card = DECLINED_CARD_PREFIX.to_owned(),
        Scenario::UnknownSku => sku = "discontinued-mug".to_owned(),
        Scenario::Bulk => quantity = BULK_QUANTITY + 10,
        Scenario::Panic => card = "4242".to_owned(),
        Scenario::RateLimited => email = format!("customer{i}@{RATE_LIMITED_DOMAIN}"),
        Scenario::Replayed => idempotency_key = REPLAYED_KEY,
        Scenario::Undeliverable => email = format!("customer{i}@{UNDELIVERABLE_DOMAIN}"),
    }
    json!({"sku": sku, "quantity": quantity, "card": card, "email": email, "idempotency_key": idempotency_key})
}
