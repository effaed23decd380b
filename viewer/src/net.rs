//! HTTP GET to the Disan server, reporting download progress: `fetch` in the browser, a
//! blocking client on the desktop.

use std::sync::{Arc, Mutex};

use bevy::prelude::Resource;

/// Where the server is: the page's own origin in the browser, `DISAN_SERVER` on the desktop.
#[derive(Resource, Clone, Debug)]
pub struct Server {
    base: String,
}

impl Server {
    pub fn from_env() -> Server {
        #[cfg(target_arch = "wasm32")]
        let base = String::new();
        #[cfg(not(target_arch = "wasm32"))]
        let base = std::env::var("DISAN_SERVER")
            .unwrap_or_else(|_| "http://127.0.0.1:8080".into())
            .trim_end_matches('/')
            .to_owned();
        Server { base }
    }

    /// The URL of an absolute path on the server, e.g. `/api/sites`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

/// Bytes received so far and the expected total, shared with the UI.
#[derive(Clone, Debug, Default)]
pub struct Counter(Arc<Mutex<(u64, Option<u64>)>>);

impl Counter {
    fn start(&self, total: Option<u64>) {
        if let Ok(mut c) = self.0.lock() {
            c.1 = match (c.1, total) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
        }
    }

    fn add(&self, n: u64) {
        if let Ok(mut c) = self.0.lock() {
            c.0 += n;
        }
    }

    /// (received, total) in bytes.
    pub fn get(&self) -> (u64, Option<u64>) {
        self.0.lock().map(|c| *c).unwrap_or((0, None))
    }

    pub fn reset(&self) {
        if let Ok(mut c) = self.0.lock() {
            *c = (0, None);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetError {
    /// The server answered with this status.
    Status(u16),
    /// No answer: offline, refused, aborted.
    Network(String),
}

impl std::fmt::Display for NetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NetError::Status(s) => write!(f, "HTTP status {s}"),
            NetError::Network(m) => write!(f, "network error: {m}"),
        }
    }
}

/// GETs `url`, counting the bytes into `counter` as they arrive.
#[cfg(target_arch = "wasm32")]
pub async fn get(url: &str, counter: Option<&Counter>) -> Result<Vec<u8>, NetError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let js = |e: wasm_bindgen::JsValue| NetError::Network(format!("{e:?}"));
    let window = web_sys::window().ok_or_else(|| NetError::Network("no window".into()))?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(js)?
        .dyn_into()
        .map_err(js)?;
    if !resp.ok() {
        return Err(NetError::Status(resp.status()));
    }
    let total = resp
        .headers()
        .get("content-length")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    if let Some(c) = counter {
        c.start(total);
    }
    let Some(body) = resp.body() else {
        return Ok(Vec::new());
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut bytes = Vec::with_capacity(total.unwrap_or(0) as usize);
    loop {
        let result = JsFuture::from(reader.read()).await.map_err(js)?;
        let done = js_sys::Reflect::get(&result, &"done".into())
            .map_err(js)?
            .as_bool()
            .unwrap_or(true);
        if done {
            break;
        }
        let chunk =
            js_sys::Uint8Array::new(&js_sys::Reflect::get(&result, &"value".into()).map_err(js)?);
        let start = bytes.len();
        bytes.resize(start + chunk.length() as usize, 0);
        chunk.copy_to(&mut bytes[start..]);
        if let Some(c) = counter {
            c.add(chunk.length() as u64);
        }
    }
    Ok(bytes)
}

/// GETs `url`, counting the bytes into `counter` as they arrive.
#[cfg(not(target_arch = "wasm32"))]
pub async fn get(url: &str, counter: Option<&Counter>) -> Result<Vec<u8>, NetError> {
    use std::io::Read;

    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build(),
    );
    let resp = agent
        .get(url)
        .call()
        .map_err(|e| NetError::Network(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(NetError::Status(resp.status().as_u16()));
    }
    let total = resp
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    if let Some(c) = counter {
        c.start(total);
    }
    let mut reader = resp.into_body().into_reader();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| NetError::Network(e.to_string()))?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&buf[..n]);
        if let Some(c) = counter {
            c.add(n as u64);
        }
    }
    Ok(bytes)
}
