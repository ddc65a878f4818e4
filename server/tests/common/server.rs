//! The server under test, run in this process on a runtime of its own, reading the time
//! from the test's `FixedClock`.
//!
//! Its own runtime (on its own thread) rather than a task on the test's: the tests block
//! their runtime now and then (running the CLI, stopping the server), and a server task
//! paused there in the middle of a SQLite write would hold the lock the CLI waits for.

use directory::FixedClock;
use gatehouse::config::Config;
use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One run of the server, from start to stop.
pub struct Server {
    pub addr: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), String>>>,
}

impl Server {
    /// Opens the directory on `clock`, migrates it and serves on an ephemeral port; returns
    /// once requests are answered.
    pub fn start(config: Config, clock: FixedClock) -> Self {
        init_logging(&config);
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let addr = listener.local_addr().expect("the bound address");
        let (ready, is_ready) = mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("gatehouse-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| format!("cannot start the runtime: {e}"))?;
                runtime.block_on(async move {
                    let dir = gatehouse::cli::open_directory_with_clock(&config, Arc::new(clock))
                        .await
                        .map_err(|failure| failure.message)?;
                    let listener = tokio::net::TcpListener::from_std(listener)
                        .map_err(|e| format!("cannot use the listener: {e}"))?;
                    let _ = ready.send(());
                    let shutdown = async move {
                        let _ = stopped.await;
                    };
                    let result =
                        gatehouse::web::serve_on(listener, config, dir.clone(), shutdown).await;
                    let _ = dir.close().await;
                    result
                })
            })
            .expect("start the server thread");
        match is_ready.recv_timeout(Duration::from_secs(60)) {
            Ok(()) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let failure = thread.join().map_or_else(
                    |_| "the server thread panicked".to_string(),
                    |result| result.err().unwrap_or_default(),
                );
                panic!("gatehouse failed to start: {failure}");
            }
            Err(mpsc::RecvTimeoutError::Timeout) => panic!("gatehouse did not start within 60 s"),
        }
        Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Asks for a graceful shutdown and waits for it; panics if the server failed or took
    /// longer than `within`.
    pub fn stop(&mut self, within: Duration) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let Some(thread) = self.thread.take() else {
            return;
        };
        let deadline = Instant::now() + within;
        while !thread.is_finished() {
            assert!(
                Instant::now() < deadline,
                "gatehouse did not stop within {within:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        match thread.join() {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => panic!("gatehouse stopped with an error: {failure}"),
            Err(_) => panic!("the server thread panicked"),
        }
    }
}

impl Drop for Server {
    /// A test that ends (or fails) with the server running: stop it without judging how.
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let deadline = Instant::now() + Duration::from_secs(10);
            while !thread.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Server logs go to stderr only when `GATEHOUSE_TEST_LOG` is set. Every server in this
/// process shares the one global subscriber, so the first to start installs it and the
/// others' attempts fail harmlessly.
fn init_logging(config: &Config) {
    if std::env::var_os("GATEHOUSE_TEST_LOG").is_none() {
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(&config.log_filter))
        .with_test_writer()
        .try_init();
}
