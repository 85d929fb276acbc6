//! A collector that is not one: it accepts TCP connections and never answers, like a
//! collector behind a dead load balancer or a full network queue. Exporters pointed at
//! it hang until their own timeout, which is what outage tests need.

use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Accepts connections on `127.0.0.1` and holds them open without reading or writing;
/// stops (closing them) when dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use otel_kit_testing::BlackHole;
///
/// let hole = BlackHole::start().await?;
/// let socket = tokio::net::TcpStream::connect(hole.addr()).await?; // accepted...
/// # drop(socket);
/// // ...and never answered: point an exporter at `hole.endpoint()` to test timeouts.
/// assert!(hole.endpoint().starts_with("http://127.0.0.1:"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct BlackHole {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl BlackHole {
    /// Binds a free loopback port and starts holding connections.
    pub async fn start() -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        Ok(BlackHole { addr, task })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>`, for exporters' endpoint settings.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.task.abort();
    }
}
