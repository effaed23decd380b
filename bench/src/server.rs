//! The real `disan` binary as a child process on a loopback port, for the benchmarks: the
//! bench measures the server as it is shipped, and does not link it.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

/// A running `disan`; killed when dropped.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts `bin` (the `disan` binary; `cargo xtask bench` passes it in `DISAN_BIN`) on the
    /// repository's content and assets and the web build in `web_dir`.
    pub fn start(bin: &Path, root: &Path, web_dir: &Path) -> anyhow::Result<ServerProcess> {
        ServerProcess::start_with(bin, root, web_dir, &[])
    }

    /// [`ServerProcess::start`] with more flags (a database and relic store, say).
    pub fn start_with(
        bin: &Path,
        root: &Path,
        web_dir: &Path,
        flags: &[std::ffi::OsString],
    ) -> anyhow::Result<ServerProcess> {
        let mut child = Command::new(bin)
            .args(flags)
            .args(["--bind", "127.0.0.1:0"])
            .arg("--content-dir")
            .arg(root.join("content"))
            .arg("--assets-dir")
            .arg(root.join("assets"))
            .arg("--web-dir")
            .arg(web_dir)
            .env("RUST_LOG", "info")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", bin.display()))?;
        let stderr = child.stderr.take().context("no stderr")?;
        let mut lines = BufReader::new(stderr).lines();
        let base = loop {
            let Some(line) = lines.next() else {
                bail!("{} exited before listening", bin.display());
            };
            let line = line?;
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.trim().trim_end_matches('/').to_owned();
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Ok(ServerProcess { child, base })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
