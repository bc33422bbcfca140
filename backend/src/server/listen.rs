//! The accept loop and its connections, with the bounds a server open to hostile clients needs.
//!
//! **Deadlines.** A connection with no request in flight has [`Config::request_timeout`]
//! ([`HEADER_READ_TIMEOUT`], 10 s) to send a whole request head, counted from when it was accepted or
//! from the end of its last response, whatever it sends meanwhile: nothing, one byte, half a request
//! line, part of the HTTP/2 preface, an HTTP/2 connection with no stream. Then it is closed, without an
//! answer (there is no request to answer): idle keep-alive connections, HTTP/1 and HTTP/2, close the
//! same way. A request
//! body that stalls for [`Config::body_timeout`] ([`BODY_READ_TIMEOUT`]) gets 408 (`server::router`,
//! with tower-http's `TimeoutBody`). A request in flight (a run's event stream, a costly `/is_prime`)
//! is never cut by any of this.
//!
//! Why not hyper's timeouts alone: hyper's HTTP/1 `header_read_timeout` (set here too) times a head
//! only once hyper-util's `auto::Builder` has read the bytes that tell HTTP/1 from HTTP/2, and that read
//! has no deadline; HTTP/2 has no idle timeout in hyper. So each connection counts its requests in
//! flight (tower-http's `InFlightRequests`: from the call until the response body ends or is dropped)
//! and a reaper, every tenth of the deadline, closes the connections idle for longer. (What the version
//! sniff reads is not re-implemented: the deadline covers it from outside.)
//!
//! **Caps.** At most [`Config::max_connections`] ([`MAX_CONNECTIONS`]) at once, and
//! [`Config::max_connections_per_address`] ([`MAX_CONNECTIONS_PER_ADDRESS`]) from one client address.
//! When a cap is reached, the connection idle the longest (of that address, or of all) is closed to make
//! room, so idle sockets never stop the accept loop. A new connection from an address whose connections
//! all have a request in flight is closed at once; when every connection has one, new ones wait in the
//! kernel's backlog ([`BACKLOG`]). Where the process may open fewer files than the caps, accepting
//! fails first, and that too closes the connection idle the longest.
//!
//! **Closing** a connection (idle too long, evicted, or at shutdown) is hyper's `graceful_shutdown()`:
//! an idle HTTP/1 connection closes at once, an HTTP/2 one is sent GOAWAY, and one with a request in
//! flight finishes its response first. An idle connection still open after that one step is dropped:
//! hyper waits on for the first head of an HTTP/1 connection that sent part of it, and for an HTTP/2
//! client to answer GOAWAY's ping. Whether a connection is idle is asked again in its own task, between
//! two steps of hyper's: an HTTP/1 request is counted within the step that reads its head, so none is
//! ever dropped; an HTTP/2 request is counted when its stream's task first runs, so one that arrives in
//! that instant on a connection being closed as idle can be lost, as with any server's idle timeout.
//!
//! **Shutdown**: it stops accepting, closes every connection as above (a run's stream ends once its run
//! is stopped), and gives up on the rest after [`SHUTDOWN_GRACE`].
//!
//! The request-shape limits that answer before hyper's own (URI, header count, head size) are in
//! [`guard`](super::guard); hyper's are set above them here ([`HYPER_MAX_HEADERS`],
//! [`HYPER_MAX_HEAD_BYTES`]).

use super::guard::{MAX_HEADERS, MAX_HEAD_BYTES};
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::task::Poll;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{Notify, Semaphore};
use tokio::time::Instant;
use tower::Layer;
use tower_http::metrics::in_flight_requests::{InFlightRequestsCounter, InFlightRequestsLayer};

/// Connections served at once. Well above what the seed programs open (B3's bursts: 500 threads
/// requesting at once, then 30 more while those connections stay open in the client's pool). Where the
/// process may open fewer files (a soft limit of 1,024 is common), accepting fails first, and that too
/// closes the connection idle the longest.
pub const MAX_CONNECTIONS: usize = 2048;
/// Connections from one client address at once: half of [`MAX_CONNECTIONS`], so that one address
/// flooding the server with idle sockets leaves the other half to everyone else (and closes its own
/// oldest first).
pub const MAX_CONNECTIONS_PER_ADDRESS: usize = MAX_CONNECTIONS / 2;
/// How long a connection with no request in flight may take to send a whole request head, counted
/// from its accept or from the end of its last response: after that it is closed.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request body may go without a byte before the request gets 408.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The kernel's queue of connections not yet accepted (capped by `net.core.somaxconn`). tokio's `bind`
/// asks for 128: a burst of new connections (a flood, a pool opening 500 at once) filled that while
/// the accept loop waited for a core, and a client whose SYN is dropped waits a second to try again.
pub const BACKLOG: u32 = 4096;
/// How long shutdown waits for open connections to finish.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// hyper's own limit on an HTTP/1 head's header fields, above [`MAX_HEADERS`] so that the guard's JSON
/// 431 comes first; beyond it hyper answers 431 with an empty body.
pub const HYPER_MAX_HEADERS: usize = 2 * MAX_HEADERS;
/// hyper's read buffer (HTTP/1: the largest head it reads; HTTP/2: the largest header list), above
/// [`MAX_HEAD_BYTES`] so that the guard's JSON 431 comes first; beyond it hyper (or h2) answers 431
/// with an empty body. It also bounds what a half-sent head can hold of the server's memory.
pub const HYPER_MAX_HEAD_BYTES: usize = 2 * MAX_HEAD_BYTES;

/// The bounds a server applies; [`Default`] is the constants above.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long a connection with no request in flight may go without sending a whole request head.
    pub request_timeout: Duration,
    /// How long a request body may go without a byte (then 408).
    pub body_timeout: Duration,
    /// Connections at once.
    pub max_connections: usize,
    /// Connections from one client address at once.
    pub max_connections_per_address: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            request_timeout: HEADER_READ_TIMEOUT,
            body_timeout: BODY_READ_TIMEOUT,
            max_connections: MAX_CONNECTIONS,
            max_connections_per_address: MAX_CONNECTIONS_PER_ADDRESS,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// What the accept loop, the reaper and a connection's own task share about one connection.
struct Conn {
    peer: IpAddr,
    /// Requests in flight: from the service's call until the response body ends or is dropped.
    in_flight: InFlightRequestsCounter,
    /// Requests begun so far, to see a request that began and ended between two looks.
    begun: Arc<AtomicU64>,
    /// Told when the connection is to close (idle too long, evicted, shutdown).
    close: Notify,
}

struct Entry {
    conn: Arc<Conn>,
    /// Since when it has had no request in flight, as last looked at; `None` while it has one.
    idle_since: Option<Instant>,
    begun_seen: u64,
    /// Told to close: no longer counted against its address's cap, nor chosen again.
    closing: bool,
}

impl Entry {
    /// Looks at the connection now: since when it has been idle, if it is.
    fn idle_since(&mut self, now: Instant) -> Option<Instant> {
        let begun = self.conn.begun.load(Ordering::Relaxed);
        if self.conn.in_flight.get() > 0 {
            self.idle_since = None;
        } else if begun != self.begun_seen || self.idle_since.is_none() {
            self.idle_since = Some(now);
        }
        self.begun_seen = begun;
        self.idle_since
    }
}

/// Every open connection, and how many each address has that are not closing.
#[derive(Default)]
struct Registry {
    next_id: u64,
    entries: HashMap<u64, Entry>,
    open_per_address: HashMap<IpAddr, usize>,
}

impl Registry {
    /// Registers a connection from `conn.peer` accepted `now`, closing that address's connection idle
    /// the longest if the address is at `cap`; `None` (refused) if all of that address's connections
    /// are busy.
    fn admit(&mut self, conn: Arc<Conn>, cap: usize, now: Instant) -> Option<u64> {
        let peer = conn.peer;
        if self.open_per_address.get(&peer).copied().unwrap_or(0) >= cap
            && !self.close_longest_idle(Some(peer), now)
        {
            return None;
        }
        let id = self.next_id;
        self.next_id += 1;
        let begun_seen = conn.begun.load(Ordering::Relaxed);
        self.entries.insert(
            id,
            Entry {
                conn,
                idle_since: Some(now),
                begun_seen,
                closing: false,
            },
        );
        *self.open_per_address.entry(peer).or_default() += 1;
        Some(id)
    }

    fn close(&mut self, id: u64) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        if entry.closing {
            return;
        }
        entry.closing = true;
        entry.conn.close.notify_one();
        let peer = entry.conn.peer;
        self.uncount(peer);
    }

    fn uncount(&mut self, peer: IpAddr) {
        if let Some(open) = self.open_per_address.get_mut(&peer) {
            *open -= 1;
            if *open == 0 {
                self.open_per_address.remove(&peer);
            }
        }
    }

    /// Closes the connection (of `peer`, or of anyone) idle the longest; false if none is idle.
    fn close_longest_idle(&mut self, peer: Option<IpAddr>, now: Instant) -> bool {
        let longest = self
            .entries
            .iter_mut()
            .filter(|(_, e)| !e.closing && peer.is_none_or(|p| e.conn.peer == p))
            .filter_map(|(id, e)| Some((e.idle_since(now)?, *id)))
            .min();
        match longest {
            Some((_, id)) => {
                tracing::debug!("closing the connection idle the longest to make room");
                self.close(id);
                true
            }
            None => false,
        }
    }

    /// Closes every connection idle for `timeout` or more by `now`.
    fn reap(&mut self, timeout: Duration, now: Instant) {
        let expired: Vec<u64> = self
            .entries
            .iter_mut()
            .filter(|(_, e)| !e.closing)
            .filter_map(|(id, e)| {
                let since = e.idle_since(now)?;
                (now.duration_since(since) >= timeout).then_some(*id)
            })
            .collect();
        for id in expired {
            self.close(id);
        }
    }

    fn close_all(&mut self) {
        let ids: Vec<u64> = self.entries.keys().copied().collect();
        for id in ids {
            self.close(id);
        }
    }
}

/// A connection's place in the registry, given up when its task ends (then `ended` is told).
struct Registration {
    registry: Arc<Mutex<Registry>>,
    id: u64,
    ended: Arc<Notify>,
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut registry = lock(&self.registry);
        if let Some(entry) = registry.entries.remove(&self.id) {
            if !entry.closing {
                registry.uncount(entry.conn.peer);
            }
        }
        self.ended.notify_one();
    }
}

/// Every tick, closes the connections idle for `timeout`; ends with the server (its registry).
async fn reap(registry: Weak<Mutex<Registry>>, timeout: Duration, tick: Duration) {
    let mut ticks = tokio::time::interval(tick);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let Some(registry) = registry.upgrade() else {
            return;
        };
        lock(&registry).reap(timeout, Instant::now());
    }
}

/// hyper's side of the bounds: HTTP/1 heads, HTTP/2 header lists and keep-alive pings.
fn hyper_builder(config: &Config) -> Builder<TokioExecutor> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.request_timeout)
        .max_headers(HYPER_MAX_HEADERS)
        .max_buf_size(HYPER_MAX_HEAD_BYTES);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)))
        .max_header_list_size(HYPER_MAX_HEAD_BYTES as u32);
    builder
}

/// `listener`, its backlog raised to [`BACKLOG`] (Linux takes a second `listen` on a listening socket
/// as a new backlog).
#[cfg(unix)]
fn with_backlog(listener: TcpListener) -> std::io::Result<TcpListener> {
    let socket = std::os::fd::OwnedFd::from(listener.into_std()?);
    tokio::net::TcpSocket::from_std_stream(std::net::TcpStream::from(socket)).listen(BACKLOG)
}

#[cfg(not(unix))]
fn with_backlog(listener: TcpListener) -> std::io::Result<TcpListener> {
    Ok(listener)
}

/// Serves `app` on `listener` until `shutdown` completes, within the bounds of `config` as the module
/// docs say.
pub(super) async fn serve_connections(
    listener: TcpListener,
    app: Router,
    config: Config,
    shutdown: impl Future<Output = ()>,
) {
    let listener = match with_backlog(listener) {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!("cannot listen with a backlog of {BACKLOG}: {e}");
            return;
        }
    };
    let registry = Arc::new(Mutex::new(Registry::default()));
    let ended = Arc::new(Notify::new());
    let permits = Arc::new(Semaphore::new(config.max_connections));
    let builder = hyper_builder(&config);
    let tick =
        (config.request_timeout / 10).clamp(Duration::from_millis(10), Duration::from_secs(1));
    let reaper = tokio::spawn(reap(
        Arc::downgrade(&registry),
        config.request_timeout,
        tick,
    ));
    let mut shutdown = std::pin::pin!(shutdown);
    'accepting: loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors (the process's limit is below the caps) and the like:
                    // say so, and give one back by closing the connection idle the longest (then go
                    // on once it has closed), or breathe.
                    tracing::warn!("accepting a connection failed: {e}");
                    let pause = Duration::from_millis(50);
                    if lock(&registry).close_longest_idle(None, Instant::now()) {
                        let _ = tokio::time::timeout(pause, ended.notified()).await;
                    } else {
                        tokio::time::sleep(pause).await;
                    }
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A free place, or one made by closing the connection idle the longest; if none is idle, try
        // again every tick (or as soon as a connection ends) while the next ones wait in the backlog.
        let permit = loop {
            if let Ok(permit) = Arc::clone(&permits).try_acquire_owned() {
                break permit;
            }
            lock(&registry).close_longest_idle(None, Instant::now());
            tokio::select! {
                permit = Arc::clone(&permits).acquire_owned() => match permit {
                    Ok(permit) => break permit,
                    Err(_) => break 'accepting,
                },
                () = tokio::time::sleep(tick) => {}
                () = &mut shutdown => break 'accepting,
            }
        };
        let (counting, in_flight) = InFlightRequestsLayer::pair();
        let conn = Arc::new(Conn {
            peer: peer.ip(),
            in_flight,
            begun: Arc::default(),
            close: Notify::new(),
        });
        let admitted = lock(&registry).admit(
            Arc::clone(&conn),
            config.max_connections_per_address,
            Instant::now(),
        );
        let Some(id) = admitted else {
            tracing::debug!(
                "refused a connection from {}: its {} connections are all busy",
                peer.ip(),
                config.max_connections_per_address
            );
            continue;
        };
        let registration = Registration {
            registry: Arc::clone(&registry),
            id,
            ended: Arc::clone(&ended),
        };
        let _ = stream.set_nodelay(true);
        let begun = Arc::clone(&conn.begun);
        let service = counting.layer(tower::util::MapRequest::new(
            app.clone(),
            move |request: axum::http::Request<_>| {
                begun.fetch_add(1, Ordering::Relaxed);
                request
            },
        ));
        let connection = builder
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        tokio::spawn(async move {
            let _permit = permit;
            let _registration = registration;
            let mut connection = std::pin::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = conn.close.notified() => {
                    connection.as_mut().graceful_shutdown();
                    if conn.in_flight.get() == 0 {
                        // Idle: one step lets hyper close it or say GOAWAY; what is left is dropped.
                        std::future::poll_fn(|cx| match connection.as_mut().poll(cx) {
                            Poll::Ready(ended) => Poll::Ready(ended),
                            Poll::Pending => Poll::Ready(Ok(())),
                        })
                        .await
                    } else {
                        // A request in flight: its response is finished, then the connection closes.
                        connection.await
                    }
                }
            };
            if let Err(e) = ended {
                tracing::debug!("connection ended: {e}");
            }
        });
    }
    drop(listener);
    reaper.abort();
    lock(&registry).close_all();
    let everyone = u32::try_from(config.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(SHUTDOWN_GRACE, permits.acquire_many(everyone))
        .await
        .is_err()
    {
        tracing::warn!(
            "some connections were still open after {} s; closing anyway",
            SHUTDOWN_GRACE.as_secs()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn(peer: [u8; 4]) -> Arc<Conn> {
        Arc::new(Conn {
            peer: IpAddr::from(peer),
            in_flight: InFlightRequestsCounter::new(),
            begun: Arc::default(),
            close: Notify::new(),
        })
    }

    fn seconds(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn an_address_at_its_cap_loses_its_connection_idle_the_longest_and_others_keep_theirs() {
        let t0 = Instant::now();
        let mut registry = Registry::default();
        let other = registry.admit(conn([127, 0, 0, 1]), 2, t0).unwrap();
        let oldest = registry
            .admit(conn([127, 0, 0, 2]), 2, t0 + seconds(1))
            .unwrap();
        let newer = registry
            .admit(conn([127, 0, 0, 2]), 2, t0 + seconds(2))
            .unwrap();
        let newest = registry
            .admit(conn([127, 0, 0, 2]), 2, t0 + seconds(3))
            .unwrap();
        assert!(registry.entries[&oldest].closing, "the oldest of 127.0.0.2");
        assert!(!registry.entries[&newer].closing);
        assert!(!registry.entries[&newest].closing);
        assert!(!registry.entries[&other].closing);
        assert_eq!(registry.open_per_address[&IpAddr::from([127, 0, 0, 2])], 2);
        // The overall cap: the oldest idle of all, 127.0.0.1's.
        assert!(registry.close_longest_idle(None, t0 + seconds(4)));
        assert!(registry.entries[&other].closing);
        // A connection that ends leaves no count behind.
        let registry = Arc::new(Mutex::new(registry));
        drop(Registration {
            registry: Arc::clone(&registry),
            id: newer,
            ended: Arc::default(),
        });
        let registry = lock(&registry);
        assert!(!registry.entries.contains_key(&newer));
        assert_eq!(registry.open_per_address[&IpAddr::from([127, 0, 0, 2])], 1);
    }

    #[test]
    fn a_connection_with_a_request_in_flight_is_never_chosen_nor_reaped() {
        let t0 = Instant::now();
        let mut registry = Registry::default();
        // A request in flight, as InFlightRequests counts it.
        let (layer, in_flight) = InFlightRequestsLayer::pair();
        let busy = Arc::new(Conn {
            peer: IpAddr::from([127, 0, 0, 2]),
            in_flight,
            begun: Arc::default(),
            close: Notify::new(),
        });
        let service = layer.layer(tower::service_fn(|_: axum::http::Request<String>| {
            std::future::pending::<Result<axum::http::Response<String>, std::convert::Infallible>>()
        }));
        let mut call = Box::pin(tower::ServiceExt::oneshot(
            service,
            axum::http::Request::new(String::new()),
        ));
        assert!(futures_util::FutureExt::now_or_never(&mut call).is_none());
        assert_eq!(busy.in_flight.get(), 1);
        let id = registry.admit(Arc::clone(&busy), 1, t0).unwrap();
        registry.reap(seconds(10), t0 + seconds(60));
        assert!(!registry.entries[&id].closing);
        assert!(!registry.close_longest_idle(None, t0 + seconds(60)));
        assert!(
            registry
                .admit(conn([127, 0, 0, 2]), 1, t0 + seconds(60))
                .is_none(),
            "refused: its address has no idle connection to give up"
        );
        drop(call);
        // Idle from the first look after its request ended, closed 10 s later.
        registry.reap(seconds(10), t0 + seconds(61));
        assert!(!registry.entries[&id].closing);
        registry.reap(seconds(10), t0 + seconds(70));
        assert!(!registry.entries[&id].closing);
        registry.reap(seconds(10), t0 + seconds(71));
        assert!(registry.entries[&id].closing);
    }

    #[test]
    fn a_request_begun_and_ended_between_two_looks_restarts_the_idle_time() {
        let t0 = Instant::now();
        let mut registry = Registry::default();
        let c = conn([127, 0, 0, 1]);
        let id = registry.admit(Arc::clone(&c), 8, t0).unwrap();
        registry.reap(seconds(10), t0 + seconds(9));
        c.begun.fetch_add(1, Ordering::Relaxed);
        registry.reap(seconds(10), t0 + seconds(10));
        assert!(!registry.entries[&id].closing);
        registry.reap(seconds(10), t0 + seconds(19));
        assert!(!registry.entries[&id].closing);
        registry.reap(seconds(10), t0 + seconds(20));
        assert!(registry.entries[&id].closing);
        assert!(registry.open_per_address.is_empty());
    }
}
