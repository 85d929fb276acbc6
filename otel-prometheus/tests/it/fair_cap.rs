//! The listener's cap is fair, over real TCP: one address that floods it with scrapes it
//! never reads and with connections it never uses keeps neither a scraper at another
//! address out nor more than a few rendered expositions alive.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use otel_kit_prometheus::PrometheusListenerLimits;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

use crate::hostile_clients::read_until_closed;
use crate::own_process::ran_in_own_process;
use crate::served::{send_buffer_max, start};

/// The attacker's source address: loopback answers all of 127.0.0.0/8.
const ATTACKER: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

/// This process's resident memory, in bytes.
fn resident() -> usize {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let kib: usize = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS");
    kib * 1024
}

/// A connection from the attacker's address, with a receive buffer as small as the
/// kernel allows, so that an answer it does not read stays in the listener.
async fn connect_as_attacker(address: SocketAddr) -> std::io::Result<TcpStream> {
    connect_from(ATTACKER, address).await
}

/// A full scrape from 127.0.0.1: the status line, and whether the whole body came.
async fn scrape_whole(address: SocketAddr) -> (String, bool) {
    let mut stream = TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .expect("request");
    let mut received = Vec::new();
    stream.read_to_end(&mut received).await.ok();
    let text = String::from_utf8_lossy(&received);
    let Some((head, body)) = text.split_once("\r\n\r\n") else {
        return (format!("no answer ({} bytes)", received.len()), false);
    };
    let length = head.lines().find_map(|l| {
        l.to_ascii_lowercase()
            .strip_prefix("content-length: ")
            .and_then(|n| n.trim().parse::<usize>().ok())
    });
    let status = head.lines().next().unwrap_or_default().to_owned();
    (
        status,
        length == Some(body.len()) && body.contains("shop_orders_total"),
    )
}

/// Whole scrapes from 127.0.0.1 every 300 ms for `during`, each a `200` with its whole
/// body within `patience`; how many, and the slowest.
async fn scrape_every_300_ms(address: SocketAddr, during: Duration, patience: Duration) -> (usize, Duration) {
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut scrapes = 0;
    while started.elapsed() < during {
        let asked = Instant::now();
        let answer = tokio::time::timeout(patience, scrape_whole(address)).await;
        let took = asked.elapsed();
        let (status, whole) = answer.unwrap_or_else(|_| ("no answer in time".into(), false));
        assert!(
            status.contains("200 OK") && whole,
            "scrape {scrapes} after {:?}: {status} in {took:?}",
            started.elapsed()
        );
        slowest = slowest.max(took);
        scrapes += 1;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    (scrapes, slowest)
}

/// In its own process, so that its resident memory is the listener's.
#[test]
fn non_readers_and_a_connect_flood_from_one_address_neither_lock_a_scraper_out_nor_pin_an_exposition_each() {
    if ran_in_own_process(
        module_path!(),
        "non_readers_and_a_connect_flood_from_one_address_neither_lock_a_scraper_out_nor_pin_an_exposition_each",
    ) {
        return;
    }
    let write_timeout = Duration::from_secs(2);
    let limits = PrometheusListenerLimits {
        write_timeout,
        ..PrometheusListenerLimits::DEFAULT
    };
    let (telemetry, address) = start(limits);
    // An exposition past the listener's largest send buffer, so an unread answer blocks.
    let wanted = send_buffer_max() + (2 << 20);
    telemetry.fill(wanted);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let (status, whole) = scrape_whole(address).await;
        assert!(status.contains("200") && whole, "{status}");
        let baseline = resident();
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicUsize::new(baseline));
        let sampler = {
            let (stop, peak) = (Arc::clone(&stop), Arc::clone(&peak));
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    peak.fetch_max(resident(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            })
        };
        // Rounds of 32 scrapes it never reads, renewed at each write timeout.
        let non_readers = {
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    let mut round = Vec::new();
                    for _ in 0..32 {
                        if let Ok(mut stream) = connect_as_attacker(address).await {
                            stream
                                .write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n")
                                .await
                                .ok();
                            round.push(stream);
                        }
                    }
                    tokio::time::sleep(write_timeout).await;
                }
            })
        };
        // Connections it opens and never uses, a few hundred a second.
        let churn = {
            let stop = Arc::clone(&stop);
            tokio::spawn(async move {
                let mut held = std::collections::VecDeque::new();
                while !stop.load(Ordering::Relaxed) {
                    if let Ok(stream) = connect_as_attacker(address).await {
                        held.push_back(stream);
                    }
                    if held.len() > 16 {
                        held.pop_front();
                    }
                    tokio::time::sleep(Duration::from_millis(3)).await;
                }
            })
        };
        let (scrapes, slowest) =
            scrape_every_300_ms(address, Duration::from_secs(10), 2 * write_timeout).await;
        stop.store(true, Ordering::Relaxed);
        for task in [sampler, non_readers, churn] {
            task.await.ok();
        }
        let grown = peak.load(Ordering::Relaxed).saturating_sub(baseline);
        println!(
            "{scrapes} scrapes from 127.0.0.1 beside 32 non-readers and a connect flood from \
             127.0.0.2: all 200, slowest {slowest:?}; resident memory grew {} MB over a \
             {} MB exposition",
            grown >> 20,
            wanted >> 20
        );
        assert!(
            grown < 8 * wanted,
            "resident memory grew {grown} bytes: the non-readers pin an exposition each ({wanted} bytes)"
        );
        // The listener still answers once the flood is over.
        let mut stream = TcpStream::connect(address).await.expect("connect");
        stream
            .write_all(b"HEAD /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
            .await
            .expect("request");
        let (received, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
        assert!(String::from_utf8_lossy(&received).starts_with("HTTP/1.1 200 OK"));
    });
}

/// A connection from `source`, with a receive buffer as small as the kernel allows.
async fn connect_from(source: IpAddr, address: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.set_recv_buffer_size(4096)?;
    socket.bind(SocketAddr::new(source, 0))?;
    socket.connect(address).await
}

/// As many addresses as the cap has places (127.0.0.2 to .33), each holding a scrape it
/// never reads and renewing it, with a write timeout far away: a scraper at another
/// address is still answered, each time, well within the write timeout.
#[test]
fn non_readers_from_as_many_addresses_as_places_leave_a_place_for_a_scraper() {
    let write_timeout = Duration::from_secs(60);
    let limits = PrometheusListenerLimits {
        write_timeout,
        ..PrometheusListenerLimits::DEFAULT
    };
    let places = limits.max_connections;
    let (telemetry, address) = start(limits);
    // An exposition past the listener's largest send buffer, so an unread answer blocks.
    telemetry.fill(send_buffer_max() + (2 << 20));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let stop = Arc::new(AtomicBool::new(false));
        let attackers: Vec<_> = (0..places)
            .map(|n| {
                let source = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2 + n as u8));
                let stop = Arc::clone(&stop);
                tokio::spawn(async move {
                    let mut held = Vec::new();
                    while !stop.load(Ordering::Relaxed) {
                        if let Ok(mut stream) = connect_from(source, address).await {
                            stream
                                .write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n")
                                .await
                                .ok();
                            held.push(stream);
                        }
                        tokio::time::sleep(Duration::from_millis(700)).await;
                    }
                })
            })
            .collect();
        // Every place is held by an answer in progress.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (scrapes, slowest) =
            scrape_every_300_ms(address, Duration::from_secs(8), Duration::from_secs(10)).await;
        stop.store(true, Ordering::Relaxed);
        for task in attackers {
            task.await.ok();
        }
        println!(
            "{scrapes} scrapes from 127.0.0.1 beside {places} addresses each holding an unread \
             answer: all 200, slowest {slowest:?}"
        );
    });
}
