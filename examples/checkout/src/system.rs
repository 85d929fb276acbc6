//! Starts the services, each on its own runtime, wired to each other on loopback; stops
//! them in the order that loses nothing: the frontend drains, then orders (which closes
//! the queue), then the notifications worker finishes the queue.

use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::per_service::{self, Service};
use crate::services::fraud_check::FraudCheck;
use crate::services::inventory::Inventory;
use crate::services::llm::Llm;
use crate::services::orders::Orders;
use crate::services::{frontend, llm_mock, notifications, orders, payments};

/// How long the frontend may take to finish the requests in flight at shutdown.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The running shop.
pub struct System {
    frontend_addr: SocketAddr,
    stop_accepting: oneshot::Sender<()>,
    frontend: (Runtime, JoinHandle<std::io::Result<()>>),
    orders: Runtime,
    notifications: (Runtime, JoinHandle<()>),
    payments: Runtime,
    llm_mock: Runtime,
}

/// Runs `setup` on a worker thread of `runtime`, so what it creates (a pool's gauges,
/// say) belongs to that runtime's service, and waits for it.
fn on<T: Send + 'static>(runtime: &Runtime, setup: impl Future<Output = T> + Send + 'static) -> T {
    runtime
        .block_on(runtime.spawn(setup))
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

type Boxed = Box<dyn Error + Send + Sync>;

impl System {
    /// Starts every service; the frontend listens on `listen`, the rest on loopback.
    pub fn start(listen: SocketAddr, database_url: &str) -> Result<System, Boxed> {
        let llm_mock = per_service::unattributed_runtime("llm-mock")?;
        let llm_addr = on(&llm_mock, llm_mock::start())?;

        let payments = per_service::runtime(Service::Payments, 1)?;
        let mock_base_url = format!("http://{llm_addr}/v1");
        let payments_llm = mock_base_url.clone();
        let payments_addr = on(&payments, async move {
            let fraud_check = FraudCheck::new(Llm::from_env(payments_llm));
            payments::start(TcpListener::bind("127.0.0.1:0").await?, fraud_check)
        })?;

        let notifications = per_service::runtime(Service::Notifications, 1)?;
        let (publisher, queue) = notifications::queue();
        let worker = notifications.spawn(notifications::run_worker(queue, Llm::from_env(mock_base_url)));

        let orders = per_service::runtime(Service::Orders, 1)?;
        let database_url = database_url.to_owned();
        let orders_addr = on(&orders, async move {
            let inventory = Inventory::open(&database_url).await?;
            let listener = TcpListener::bind("127.0.0.1:0").await?;
            Ok::<_, Boxed>(orders::start(
                listener,
                Orders::new(inventory, payments_addr, publisher),
            )?)
        })?;

        let frontend = per_service::runtime(Service::Frontend, 1)?;
        let (stop_accepting, stopped) = oneshot::channel::<()>();
        let (frontend_addr, server) = on(&frontend, async move {
            let listener = TcpListener::bind(listen).await?;
            let addr = listener.local_addr()?;
            let server = frontend::start(listener, orders_addr, async {
                let _ = stopped.await;
            })
            .map_err(|e| e.to_string())?;
            Ok::<_, Boxed>((addr, server))
        })?;

        Ok(System {
            frontend_addr,
            stop_accepting,
            frontend: (frontend, server),
            orders,
            notifications: (notifications, worker),
            payments,
            llm_mock,
        })
    }

    /// Where the frontend listens.
    pub fn frontend_addr(&self) -> SocketAddr {
        self.frontend_addr
    }

    /// Stops accepting, drains the requests in flight and the queue, stops everything.
    pub fn stop(self) {
        let _ = self.stop_accepting.send(());
        let (frontend, server) = self.frontend;
        if frontend
            .block_on(async { tokio::time::timeout(DRAIN_TIMEOUT, server).await })
            .is_err()
        {
            tracing::warn!("frontend did not drain within {DRAIN_TIMEOUT:?}");
        }
        frontend.shutdown_timeout(Duration::from_secs(1));
        // Dropping the orders server drops the queue's publisher: the worker then ends
        // once it has processed what is queued.
        self.orders.shutdown_timeout(Duration::from_secs(1));
        let (notifications, worker) = self.notifications;
        if notifications
            .block_on(async { tokio::time::timeout(DRAIN_TIMEOUT, worker).await })
            .is_err()
        {
            tracing::warn!("notifications did not finish the queue within {DRAIN_TIMEOUT:?}");
        }
        notifications.shutdown_timeout(Duration::from_secs(1));
        self.payments.shutdown_timeout(Duration::from_secs(1));
        self.llm_mock.shutdown_timeout(Duration::from_secs(1));
    }
}
