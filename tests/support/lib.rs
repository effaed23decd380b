//! Test support shared by the workspace-level tests: a real Disan server on a loopback port and
//! a small HTTP client around it.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use disan_server::Config;

pub use disan_webdriver as webdriver;

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repository")
        .to_owned()
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The repository's own content and assets on an ephemeral loopback port, with `web_dir` as
/// given.
pub fn config_with_web(web_dir: &Path) -> Config {
    let root = repo_root();
    Config {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        content_dir: root.join("content"),
        assets_dir: root.join("assets"),
        web_dir: web_dir.to_owned(),
        workers: std::num::NonZeroUsize::new(2),
        ..Config::default()
    }
}

/// A running server; stopped when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    /// The server's shared state, for what a test does as the server itself would (e.g.
    /// [`disan_server::AppState::rebuild`]).
    pub state: std::sync::Arc<disan_server::AppState>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Starts the real server (`disan_server::start`) on its own thread and runtime.
    pub fn start(config: Config) -> anyhow::Result<TestServer> {
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                match disan_server::start(config) {
                    Ok((server, state, addr)) => {
                        tx.send(Ok((server.handle(), state, addr))).ok();
                        server.await.ok();
                    }
                    Err(e) => {
                        tx.send(Err(e)).ok();
                    }
                }
            });
        });
        let (handle, state, addr) = rx.recv()??;
        Ok(TestServer {
            addr,
            state,
            handle,
            thread: Some(thread),
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// An HTTP client that returns 4xx and 5xx responses instead of failing.
    pub fn client(&self) -> ureq::Agent {
        ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build(),
        )
    }

    /// GETs `path` and reads the JSON body (panics on any failure: for tests).
    pub fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        self.client()
            .get(&self.url(path))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .body_mut()
            .read_json()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
    }

    /// Sends `raw_path` exactly as given (no client-side normalisation) and returns the
    /// status code and body.
    pub fn raw_get(&self, raw_path: &str) -> (u16, String) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(self.addr).expect("connect");
        write!(
            stream,
            "GET {raw_path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .expect("write request");
        let mut response = Vec::new();
        stream.read_to_end(&mut response).expect("read response");
        let text = String::from_utf8_lossy(&response).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = text
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_owned())
            .unwrap_or_default();
        (status, body)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        std::thread::spawn(move || actix_web::rt::System::new().block_on(stop))
            .join()
            .ok();
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
    }
}
