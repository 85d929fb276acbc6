//! For the tests that read the Prometheus listener over real HTTP (`actix_runtimes`,
//! `context_scraped`).

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// The scraped text exposition of `address`.
pub(crate) async fn scrape(address: std::net::SocketAddr) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.expect("connect");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .await
        .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).await.expect("response");
    response.split_once("\r\n\r\n").expect("a head").1.to_owned()
}
