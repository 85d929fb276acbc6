//! For the `actix` tests: serve an actix-web app, wrapped in the middleware, on
//! 127.0.0.1 with actix's own `HttpServer` (one worker, in a thread running an actix
//! system), as an actix service runs.

#![allow(unreachable_pub)]

use std::net::TcpListener;
use std::sync::mpsc;

use actix_web::{App, HttpServer, web};
use otel_kit_http::actix::ServerMiddleware;

/// Serves `routes` wrapped in `middleware` on an ephemeral port; returns its base URL.
/// The server runs until the test binary exits.
pub fn serve_actix<R>(middleware: ServerMiddleware, routes: R) -> String
where
    R: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let (ready, started) = mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server =
                HttpServer::new(move || App::new().wrap(middleware.clone()).configure(routes.clone()))
                    .workers(1)
                    .disable_signals()
                    .listen(listener)
                    .expect("listen")
                    .run();
            ready.send(()).expect("started");
            server.await.expect("serve");
        });
    });
    started.recv().expect("the server thread started");
    format!("http://{addr}")
}
