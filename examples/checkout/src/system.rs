//! Starts the services, each on its own runtime, wired to each other on loopback (and to
//! NATS and Redis when configured); stops them in the order that loses nothing: the
//! frontend drains, then orders stops publishing, then the notifications worker finishes
//! the queue.

use std::error::Error;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::pipelines::{Pipelines, Service, plain_runtime};
use crate::services::business_metrics::{CheckoutMetrics, PaymentMetrics};
use crate::services::fraud_check::FraudCheck;
use crate::services::inventory::Inventory;
use crate::services::inventory_cache::{self, InventoryCache};
use crate::services::llm::Llm;
use crate::services::notifications::{self, Publisher, Queue, Worker};
use crate::services::orders::Orders;
use crate::services::{frontend, llm_mock, orders, payments};
use crate::{Fault, Services};

/// How long the frontend may take to finish the requests in flight at shutdown.
pub const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// The running shop.
pub struct System {
    frontend_addr: SocketAddr,
    stop_accepting: oneshot::Sender<()>,
    frontend: (Runtime, JoinHandle<std::io::Result<()>>),
    orders: (Runtime, Inventory),
    notifications: (Runtime, Worker),
    payments: Runtime,
    llm_mock: Runtime,
}

/// Runs `setup` on a worker thread of `runtime` (the servers and connections it starts
/// are spawned there), and waits for it.
pub(crate) fn on<T: Send + 'static>(runtime: &Runtime, setup: impl Future<Output = T> + Send + 'static) -> T {
    runtime
        .block_on(runtime.spawn(setup))
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

type Boxed = Box<dyn Error + Send + Sync>;

impl System {
    /// Starts every service, each with its telemetry from `pipelines`; the frontend
    /// listens on `listen`, the rest on loopback. The queue and the cache are the ones
    /// `services` names; `fault`, if any, is injected.
    pub fn start(
        listen: SocketAddr,
        database_url: &str,
        services: &Services,
        pipelines: &Pipelines,
        fault: Option<Fault>,
    ) -> Result<System, Boxed> {
        let llm_mock = plain_runtime("llm-mock")?;
        let llm_addr = on(&llm_mock, llm_mock::start())?;
        let mock_base_url = format!("http://{llm_addr}/v1");

        let payments_telemetry = pipelines.service(Service::Payments);
        let payments = payments_telemetry.runtime(1)?;
        let fraud_check = FraudCheck::new(Llm::from_env(
            mock_base_url.clone(),
            payments_telemetry.providers(),
        ));
        let providers = payments_telemetry.providers();
        let failing = fault == Some(Fault::Payments);
        let metrics = PaymentMetrics::new(&payments_telemetry.meter())?;
        let payments_addr = on(&payments, async move {
            payments::start(
                TcpListener::bind("127.0.0.1:0").await?,
                (fraud_check, failing, metrics),
                providers,
            )
        })?;

        let notifications_telemetry = pipelines.service(Service::Notifications);
        let notifications = notifications_telemetry.runtime(1)?;
        let orders_telemetry = pipelines.service(Service::Orders);
        let orders = orders_telemetry.runtime(1)?;
        let queue = match &services.nats_url {
            Some(url) => Queue::JetStream {
                url,
                run: &services.run_id,
            },
            None => Queue::Channel,
        };
        let (publisher, worker) = notifications::start(
            &queue,
            (&notifications, notifications_telemetry),
            (&orders, orders_telemetry),
            Llm::from_env(mock_base_url, notifications_telemetry.providers()),
        )?;

        let started = start_orders_and_frontend(
            listen,
            database_url,
            services,
            pipelines,
            &orders,
            (publisher, payments_addr),
        );
        let started = match started {
            Ok(started) => started,
            Err(error) => {
                // The queue may be a stream on a shared server: leave nothing behind. Orders
                // first, so that a channel's worker sees its publisher gone.
                orders.shutdown_timeout(Duration::from_secs(1));
                let finished = notifications
                    .block_on(async { tokio::time::timeout(DRAIN_TIMEOUT, worker.finish()).await });
                if finished.is_err() {
                    tracing::warn!("notifications did not stop within {DRAIN_TIMEOUT:?}");
                }
                return Err(error);
            }
        };

        Ok(System {
            frontend_addr: started.frontend_addr,
            stop_accepting: started.stop_accepting,
            frontend: (started.frontend, started.server),
            orders: (orders, started.inventory),
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
        let (orders, inventory) = self.orders;
        orders.block_on(async move {
            inventory.forget_cached().await;
            // The pool closes on the runtime it was opened on.
            drop(inventory);
        });
        // Dropping the orders server drops the queue's publisher: the worker then ends
        // once it has processed what is queued.
        orders.shutdown_timeout(Duration::from_secs(1));
        let (notifications, worker) = self.notifications;
        if notifications
            .block_on(async { tokio::time::timeout(DRAIN_TIMEOUT, worker.finish()).await })
            .is_err()
        {
            tracing::warn!("notifications did not finish the queue within {DRAIN_TIMEOUT:?}");
        }
        notifications.shutdown_timeout(Duration::from_secs(1));
        self.payments.shutdown_timeout(Duration::from_secs(1));
        self.llm_mock.shutdown_timeout(Duration::from_secs(1));
    }
}

/// What [`start_orders_and_frontend`] started.
struct Started {
    /// Stops the frontend accepting.
    stop_accepting: oneshot::Sender<()>,
    inventory: Inventory,
    frontend: Runtime,
    frontend_addr: SocketAddr,
    server: JoinHandle<std::io::Result<()>>,
}

/// Opens the inventory (its database and cache) and starts orders on `orders`, then the
/// frontend on a runtime of its own, listening on `listen`.
fn start_orders_and_frontend(
    listen: SocketAddr,
    database_url: &str,
    services: &Services,
    pipelines: &Pipelines,
    orders: &Runtime,
    (publisher, payments_addr): (Publisher, SocketAddr),
) -> Result<Started, Boxed> {
    let orders_telemetry = pipelines.service(Service::Orders);
    let database_url = database_url.to_owned();
    let redis_url = services.redis_url.clone();
    let run_id = services.run_id.clone();
    let providers = orders_telemetry.providers();
    let tracer = orders_telemetry.tracer(inventory_cache::SCOPE);
    let (orders_addr, inventory) = on(orders, async move {
        let cache = match redis_url {
            Some(url) => Some(InventoryCache::connect(&url, &run_id, providers.clone(), tracer).await?),
            None => None,
        };
        let inventory = Inventory::open(&database_url, providers.clone(), cache).await?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let orders = Orders::new(inventory.clone(), payments_addr, publisher, providers.clone());
        Ok::<_, Boxed>((orders::start(listener, orders, providers)?, inventory))
    })?;

    let frontend_telemetry = pipelines.service(Service::Frontend);
    let frontend = frontend_telemetry.runtime(1)?;
    let (stop_accepting, stopped) = oneshot::channel::<()>();
    let providers = frontend_telemetry.providers();
    let metrics = CheckoutMetrics::new(&frontend_telemetry.meter())?;
    let (frontend_addr, server) = on(&frontend, async move {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let server = frontend::start(listener, orders_addr, (providers, metrics), async {
            let _ = stopped.await;
        })
        .map_err(|e| e.to_string())?;
        Ok::<_, Boxed>((addr, server))
    })?;
    Ok(Started {
        stop_accepting,
        inventory,
        frontend,
        frontend_addr,
        server,
    })
}
