//! What the tests of the `disan` binary share: the binary itself, run from the repository
//! without the test run's `DISAN_*` variables, and a real server process on a loopback port.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// The `disan` binary with `args`, run from the repository, with none of the test run's
/// `DISAN_*` variables.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_disan"));
    cmd.args(args).current_dir(root());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("DISAN_")) {
        cmd.env_remove(k);
    }
    cmd
}

/// A real `disan` process on a loopback port, killed when dropped.
pub struct Running {
    pub child: std::process::Child,
    pub addr: String,
}

impl Running {
    pub fn start(content: &Path) -> Running {
        let data = std::env::temp_dir().join(format!("disan-hup-data-{}", std::process::id()));
        Running::start_with(content, &data)
    }

    /// The server with its database, uploads and relic store in `data`.
    pub fn start_with(content: &Path, data: &Path) -> Running {
        use std::io::{BufRead, BufReader};
        let mut cmd = command(&["--bind", "127.0.0.1:0", "--workers", "1", "--content-dir"]);
        cmd.arg(content)
            .arg("--database")
            .arg(format!("sqlite://{}/disan.db", data.display()))
            .arg("--uploads-dir")
            .arg(data.join("uploads"))
            .arg("--relics-dir")
            .arg(data.join("relics"))
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped());
        let mut child = cmd.spawn().expect("disan starts");
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("disan exited early").unwrap();
            if let Some(rest) = line.split("listening on http://").nth(1) {
                break rest.trim().trim_end_matches('/').to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines.by_ref() {});
        Running { child, addr }
    }

    /// The body of `GET path`.
    pub fn get(&self, path: &str) -> String {
        self.get_with(path, "").1
    }

    /// The status line and body of `GET path` with `headers` (each ending in `\r\n`).
    pub fn get_with(&self, path: &str, headers: &str) -> (String, String) {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\n{headers}Connection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        (
            head.lines().next().unwrap_or("").to_owned(),
            body.to_owned(),
        )
    }

    pub fn hang_up(&self) {
        let ok = Command::new("kill")
            .args(["-HUP", &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -HUP");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// One HTTP/1.1 request on a new connection: the status and the body (0 and nothing when the
/// server is gone).
pub fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let (status, _, body) = http_full(addr, method, path, headers, body);
    (status, body)
}

/// As [`http`], with the response's head (status line and headers) too.
pub fn http_full(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String, Vec<u8>) {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(addr) else {
        return (0, String::new(), Vec::new());
    };
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .ok();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    if stream.write_all(head.as_bytes()).is_err() || stream.write_all(body).is_err() {
        return (0, String::new(), Vec::new());
    }
    let mut response = Vec::new();
    if stream.read_to_end(&mut response).is_err() {
        return (0, String::new(), Vec::new());
    }
    let Some(split) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return (0, String::new(), Vec::new());
    };
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body = response[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = dechunk(&body);
    }
    (status, head, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        let end = (start + size).min(data.len());
        out.extend_from_slice(&data[start..end]);
        data = &data[(end + 2).min(data.len())..];
    }
    out
}
