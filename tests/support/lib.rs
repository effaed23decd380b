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
    /// The database's folder, when the test named none.
    _data: Option<tempfile::TempDir>,
}

impl TestServer {
    /// Starts the real server (`disan_server::start`) on its own thread and runtime. Unless
    /// the config names them, the server gets a fresh database, uploads folder and relic store
    /// in a temporary folder (never the working copy's `data/`).
    pub fn start(mut config: Config) -> anyhow::Result<TestServer> {
        let dir = tempfile::tempdir()?;
        let defaults = Config::default();
        if config.database == defaults.database {
            config.database = format!("sqlite://{}/disan.db", dir.path().display());
        }
        if config.uploads_dir == defaults.uploads_dir {
            config.uploads_dir = dir.path().join("uploads");
        }
        if config.relics_dir == defaults.relics_dir {
            config.relics_dir = dir.path().join("relics");
        }
        let data = Some(dir);
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                match disan_server::start(config).await {
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
            _data: data,
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

/// Runs a future to its end on a runtime of its own (for what a test does as the command line
/// would, e.g. adding an account).
pub fn block<F: Future>(f: F) -> F::Output {
    actix_web::rt::System::new().block_on(f)
}

/// A staff login as a browser holds it: the session cookie and the page's CSRF token.
#[derive(Debug, Clone)]
pub struct StaffLogin {
    /// `disan_session=…`, for the `Cookie` header.
    pub cookie: String,
    pub csrf: String,
}

/// The `name=value` parts of a response's `Set-Cookie` headers.
pub fn set_cookies<B>(resp: &ureq::http::Response<B>) -> Vec<String> {
    resp.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_owned)
        .collect()
}

/// The value of the cookie `name` among `Set-Cookie` headers.
pub fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies.iter().find_map(|c| {
        let pair = c.split(';').next()?;
        let (n, v) = pair.split_once('=')?;
        (n.trim() == name).then(|| v.trim().to_owned())
    })
}

/// The value of the hidden `csrf` field of a page's (first) form.
pub fn hidden_csrf(html: &str) -> String {
    let at = html
        .find(r#"name="csrf" value=""#)
        .expect("the page has a csrf field");
    let rest = &html[at + r#"name="csrf" value=""#.len()..];
    rest[..rest.find('"').expect("closed")].to_owned()
}

impl TestServer {
    /// A client that neither fails on 4xx and 5xx nor follows redirects.
    pub fn plain_client(&self) -> ureq::Agent {
        ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .max_redirects(0)
                .build(),
        )
    }

    fn db(&self) -> disan_server::db::Db {
        block(disan_server::db::Db::open(&self.state.config.database)).expect("database")
    }

    /// Adds a staff account, as `disan user add` does.
    pub fn add_user(&self, name: &str, role: disan_types::admin::Role, password: &str) {
        let db = self.db();
        block(disan_server::accounts::add(&db, name, role, password)).expect("user added");
    }

    /// Makes an API token, as `disan token add` does.
    pub fn add_token(&self, user: &str, name: &str) -> String {
        let db = self.db();
        block(disan_server::tokens::add(&db, user, name)).expect("token added")
    }

    /// Logs in through the form as a browser does (GET the form, POST it with its cookie);
    /// panics unless the login succeeds.
    pub fn login(&self, name: &str, password: &str) -> StaffLogin {
        let (status, cookie) = self.try_login(name, password);
        assert_eq!(status, 303, "login of {name}");
        let cookie = cookie.expect("a session cookie");
        let html = self
            .plain_client()
            .get(&self.url("/admin"))
            .header("cookie", &cookie)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap();
        StaffLogin {
            csrf: hidden_csrf(&html),
            cookie,
        }
    }

    /// Posts the login form (with the form's own cookie and field) and returns the status and
    /// the session cookie (`disan_session=…`) if one was set.
    pub fn try_login(&self, name: &str, password: &str) -> (u16, Option<String>) {
        self.try_login_via(name, password, None)
    }

    /// [`TestServer::try_login`] with an `X-Forwarded-For` header, as a reverse proxy sends.
    pub fn try_login_via(
        &self,
        name: &str,
        password: &str,
        forwarded_for: Option<&str>,
    ) -> (u16, Option<String>) {
        let agent = self.plain_client();
        let mut form = agent.get(&self.url("/admin/login")).call().unwrap();
        let login_cookie = cookie_value(&set_cookies(&form), "disan_login").expect("form cookie");
        let csrf = hidden_csrf(&form.body_mut().read_to_string().unwrap());
        let mut post = agent
            .post(&self.url("/admin/login"))
            .header("cookie", &format!("disan_login={login_cookie}"));
        if let Some(f) = forwarded_for {
            post = post.header("x-forwarded-for", f);
        }
        let resp = post
            .send_form([("name", name), ("password", password), ("csrf", &csrf)])
            .unwrap();
        let session = cookie_value(&set_cookies(&resp), "disan_session")
            .filter(|v| !v.is_empty())
            .map(|v| format!("disan_session={v}"));
        (resp.status().as_u16(), session)
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

/// A staff member using the JSON API with a token, as a script does.
pub struct Staff<'a> {
    pub s: &'a TestServer,
    /// `Bearer …`, for the `Authorization` header.
    pub auth: String,
}

impl Staff<'_> {
    /// Acts as `user` through a new API token.
    pub fn with_token<'a>(s: &'a TestServer, user: &str) -> Staff<'a> {
        Staff {
            s,
            auth: format!("Bearer {}", s.add_token(user, "tests")),
        }
    }

    pub fn agent(&self) -> ureq::Agent {
        self.s.plain_client()
    }

    /// Starts a tus upload of `length` bytes; returns its id.
    pub fn create_upload(&self, length: usize) -> String {
        let resp = self
            .agent()
            .post(&self.s.url("/api/admin/uploads"))
            .header("authorization", &self.auth)
            .header("tus-resumable", "1.0.0")
            .header("upload-length", &length.to_string())
            .header("upload-metadata", "filename c2Nhbi56aXA=")
            .send_empty()
            .unwrap();
        assert_eq!(resp.status(), 201);
        assert_eq!(resp.headers()["tus-resumable"], "1.0.0");
        let location = resp.headers()["location"].to_str().unwrap().to_owned();
        location.rsplit('/').next().unwrap().to_owned()
    }

    pub fn patch(&self, id: &str, offset: usize, bytes: &[u8]) -> (u16, Option<String>) {
        let resp = self
            .agent()
            .patch(&self.s.url(&format!("/api/admin/uploads/{id}")))
            .header("authorization", &self.auth)
            .header("tus-resumable", "1.0.0")
            .header("content-type", "application/offset+octet-stream")
            .header("upload-offset", &offset.to_string())
            .send(bytes)
            .unwrap();
        let offset = resp
            .headers()
            .get("upload-offset")
            .map(|v| v.to_str().unwrap().to_owned());
        (resp.status().as_u16(), offset)
    }

    pub fn offset(&self, id: &str) -> u64 {
        let resp = self
            .agent()
            .head(&self.s.url(&format!("/api/admin/uploads/{id}")))
            .header("authorization", &self.auth)
            .header("tus-resumable", "1.0.0")
            .call()
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.headers()["upload-offset"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    /// `GET path` as this staff member: the status and the body.
    pub fn bytes(&self, path: &str) -> (u16, Vec<u8>) {
        let mut r = self
            .agent()
            .get(&self.s.url(path))
            .header("authorization", &self.auth)
            .call()
            .unwrap();
        let body = r.body_mut().with_config().limit(1 << 30).read_to_vec();
        (r.status().as_u16(), body.unwrap())
    }

    /// Uploads `bytes` in one go; returns the upload's id.
    pub fn upload(&self, bytes: &[u8]) -> String {
        let id = self.create_upload(bytes.len());
        let (status, offset) = self.patch(&id, 0, bytes);
        assert_eq!(status, 204);
        assert_eq!(offset.unwrap(), bytes.len().to_string());
        id
    }

    /// Uploads `model`, creates a relic of it with `meta`, waits for its derivatives and
    /// publishes it: its id.
    pub fn publish(&self, model: &[u8], meta: serde_json::Value) -> i64 {
        let upload = self.upload(model);
        let (status, body) = self.send(
            "POST",
            "/api/admin/relics",
            Some(serde_json::json!({"meta": meta, "upload": upload})),
        );
        assert_eq!(status, 201, "{body}");
        let id = body["id"].as_i64().unwrap();
        self.ready(id);
        let (status, body) = self.send("POST", &format!("/api/admin/relics/{id}/publish"), None);
        assert_eq!(status, 200, "{body}");
        id
    }

    /// The relic once no version of it is still being prepared (its derivatives are made in
    /// the background), after seeing its progress go forward.
    pub fn ready(&self, id: i64) -> disan_types::admin::AdminRelic {
        let started = std::time::Instant::now();
        let mut seen = Vec::new();
        loop {
            let (status, body) = self.send("GET", &format!("/api/admin/relics/{id}"), None);
            assert_eq!(status, 200, "{body}");
            let relic: disan_types::admin::AdminRelic = serde_json::from_value(body).unwrap();
            let pending: Vec<_> = relic
                .versions
                .iter()
                .filter(|v| v.status == disan_types::admin::ModelStatus::Processing)
                .collect();
            if pending.is_empty() {
                for v in &relic.versions {
                    assert_eq!(
                        v.status,
                        disan_types::admin::ModelStatus::Ready,
                        "{:?}",
                        v.progress
                    );
                    assert_eq!(v.progress.done, v.progress.of);
                }
                for w in seen.windows(2) {
                    assert!(w[0] <= w[1], "progress only goes forward: {seen:?}");
                }
                return relic;
            }
            seen.extend(pending.iter().map(|v| v.progress.done));
            assert!(
                started.elapsed() < std::time::Duration::from_secs(300),
                "relic {id} still processing: {:?}",
                pending[0].progress
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
    }

    pub fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let url = self.s.url(path);
        let agent = self.agent();
        let resp = match (method, body) {
            ("GET", _) => agent.get(&url).header("authorization", &self.auth).call(),
            ("DELETE", _) => agent
                .delete(&url)
                .header("authorization", &self.auth)
                .call(),
            ("POST", Some(b)) => agent
                .post(&url)
                .header("authorization", &self.auth)
                .send_json(b),
            ("POST", None) => agent
                .post(&url)
                .header("authorization", &self.auth)
                .send_empty(),
            ("PATCH", Some(b)) => agent
                .patch(&url)
                .header("authorization", &self.auth)
                .send_json(b),
            other => panic!("{other:?}"),
        };
        let mut resp = resp.unwrap();
        let status = resp.status().as_u16();
        let text = resp.body_mut().read_to_string().unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
        )
    }
}
