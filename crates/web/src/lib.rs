//! The HTTP side of Territoire: pages (askama + DSFR), the JSON API, and the server itself.
//! `launch` serves on a listener it is given, so tests bind port 0.

mod api;
mod app;
mod assets;
mod error;
mod extractors;
mod handlers;
mod jobs;
pub mod mail;
mod metrics;
mod router;
mod security;
pub mod sso;
mod state;
mod views;
mod ws;

pub use extractors::TrustedProxies;
pub use jobs::remind_visits;
pub use state::{AppState, MapTiles, WebSettings};

use std::future::Future;

use axum::serve::ListenerExt;
use std::net::SocketAddr;

/// Serves the platform on `listener` until `shutdown` completes, then drains requests.
pub async fn launch(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let workers = jobs::spawn(state.clone());
    let realtime = state.realtime.clone();
    let linked = realtime.start();
    let app = router::router(state);
    // Without TCP_NODELAY, small socket frames wait for the peer's delayed ACK (40 ms on
    // Linux): a pad's keystrokes and chat messages must leave at once.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY");
        }
    });
    let served = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    workers.abort();
    linked.abort();
    realtime.flush().await;
    served
}

/// Serves the Prometheus metrics (`GET /metrics`) on their own listener, for the operators'
/// network only (`metrics_bind`); the public listener does not serve them.
pub async fn serve_metrics(
    state: AppState,
    listener: tokio::net::TcpListener,
) -> std::io::Result<()> {
    axum::serve(listener, router::metrics_router(state)).await
}
