//! A small WebDriver client for Debian's ChromeDriver driving headless Chromium with software
//! WebGL (SwiftShader): enough to open pages, click, run scripts and take screenshots.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use base64::Engine;
use serde_json::{Value, json};

/// Debian's Chromium, which every browser test and benchmark runs.
pub const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A headless Chromium session; the browser and the driver end when this is dropped.
pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts ChromeDriver and a headless Chromium with a `width`×`height` window.
    pub fn start(width: u32, height: u32) -> anyhow::Result<Browser> {
        for tool in [CHROMIUM, CHROMEDRIVER] {
            if !Path::new(tool).exists() {
                bail!(
                    "{tool} is missing: the browser test needs Debian's packages \
                     (`apt-get install chromium chromium-driver`; `cargo xtask test` installs them)"
                );
            }
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting chromedriver")?;
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .build(),
        );
        let profile = tempfile::tempdir()?;
        let mut browser = Browser {
            driver,
            base: format!("http://127.0.0.1:{port}"),
            session: String::new(),
            agent,
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let ready = browser
                .agent
                .get(&format!("{}/status", browser.base))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                break;
            }
            if Instant::now() > deadline {
                bail!("chromedriver did not start");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--use-angle=swiftshader".to_owned(),
            "--enable-unsafe-swiftshader".to_owned(),
            "--ignore-gpu-blocklist".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", browser._profile.path().display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
            // The browser's console, network failures (404s) and CSP reports included.
            "goog:loggingPrefs": {"browser": "ALL"},
        }}});
        let v = browser.post("/session", caps)?;
        browser.session = v["sessionId"].as_str().context("no session id")?.to_owned();
        Ok(browser)
    }

    fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        let mut r = self
            .agent
            .post(&format!("{}{}", self.base, path))
            .send_json(body)?;
        Self::value(r.body_mut().read_json()?)
    }

    fn get(&self, path: &str) -> anyhow::Result<Value> {
        let mut r = self.agent.get(&format!("{}{}", self.base, path)).call()?;
        Self::value(r.body_mut().with_config().limit(64 << 20).read_json()?)
    }

    fn value(v: Value) -> anyhow::Result<Value> {
        let value = v.get("value").cloned().unwrap_or(Value::Null);
        if let Some(err) = value.get("error") {
            bail!("webdriver: {err}: {}", value["message"]);
        }
        Ok(value)
    }

    fn session_path(&self, rest: &str) -> String {
        format!("/session/{}{}", self.session, rest)
    }

    /// The browser console's entries since the last call (each with `level` and `message`):
    /// what the page logged, and what the browser logged about it (failed requests, CSP).
    pub fn console(&self) -> anyhow::Result<Vec<Value>> {
        let v = self.post(&self.session_path("/se/log"), json!({"type": "browser"}))?;
        Ok(v.as_array().cloned().unwrap_or_default())
    }

    pub fn goto(&self, url: &str) -> anyhow::Result<()> {
        self.post(&self.session_path("/url"), json!({"url": url}))
            .map(|_| ())
    }

    /// Runs `script` (a function body whose last argument is a callback) and returns what it
    /// passes to the callback.
    pub fn eval_async(&self, script: &str, args: Value) -> anyhow::Result<Value> {
        // Software rendering keeps the page's thread busy: give scripts minutes, not seconds.
        self.post(&self.session_path("/timeouts"), json!({"script": 300_000}))?;
        self.post(
            &self.session_path("/execute/async"),
            json!({"script": script, "args": args}),
        )
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its result.
    pub fn eval(&self, script: &str, args: Value) -> anyhow::Result<Value> {
        self.post(
            &self.session_path("/execute/sync"),
            json!({"script": script, "args": args}),
        )
    }

    fn element(&self, selector: &str) -> anyhow::Result<String> {
        let el = self.post(
            &self.session_path("/element"),
            json!({"using": "css selector", "value": selector}),
        )?;
        Ok(el[ELEMENT_KEY].as_str().context("element id")?.to_owned())
    }

    /// Runs a Chrome DevTools Protocol command (ChromeDriver's `goog/cdp/execute`).
    pub fn cdp(&self, cmd: &str, params: Value) -> anyhow::Result<Value> {
        self.post(
            &self.session_path("/goog/cdp/execute"),
            json!({"cmd": cmd, "params": params}),
        )
    }

    /// Grants or denies a permission to the page, e.g. `clipboard-read`.
    pub fn set_permission(&self, name: &str, state: &str) -> anyhow::Result<()> {
        self.post(
            &self.session_path("/permissions"),
            json!({"descriptor": {"name": name}, "state": state}),
        )
        .map(|_| ())
    }

    /// Clicks the first element matching a CSS selector, as a user would.
    pub fn click(&self, selector: &str) -> anyhow::Result<()> {
        let id = self.element(selector)?;
        self.post(
            &self.session_path(&format!("/element/{id}/click")),
            json!({}),
        )
        .map(|_| ())
    }

    /// The rendered text of the first element matching a CSS selector (read by the driver,
    /// so it works with the page's JavaScript disabled).
    pub fn text(&self, selector: &str) -> anyhow::Result<String> {
        let id = self.element(selector)?;
        let v = self.get(&self.session_path(&format!("/element/{id}/text")))?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Whether the first element matching a CSS selector is shown.
    pub fn displayed(&self, selector: &str) -> anyhow::Result<bool> {
        let id = self.element(selector)?;
        let v = self.get(&self.session_path(&format!("/element/{id}/displayed")))?;
        Ok(v == Value::Bool(true))
    }

    /// The page's address.
    pub fn url(&self) -> anyhow::Result<String> {
        let v = self.get(&self.session_path("/url"))?;
        Ok(v.as_str().unwrap_or_default().to_owned())
    }

    /// Types `text` into the first element matching a CSS selector, key by key, as a user
    /// would. WebDriver's special keys work too: `\u{E015}` is Arrow Down, `\u{E007}` Enter.
    pub fn type_into(&self, selector: &str, text: &str) -> anyhow::Result<()> {
        let id = self.element(selector)?;
        self.post(
            &self.session_path(&format!("/element/{id}/value")),
            json!({"text": text}),
        )
        .map(|_| ())
    }

    /// Performs W3C WebDriver input actions (pointer, wheel, touch), then releases them.
    pub fn actions(&self, sources: Value) -> anyhow::Result<()> {
        self.post(&self.session_path("/actions"), json!({"actions": sources}))?;
        self.agent
            .delete(&format!("{}{}", self.base, self.session_path("/actions")))
            .call()?;
        Ok(())
    }

    /// Polls `condition` (a script returning a boolean) until it holds or `limit` passes.
    pub fn wait_for(&self, condition: &str, limit: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            if self.eval(condition, json!([]))? == Value::Bool(true) {
                return Ok(());
            }
            if Instant::now() > deadline {
                // What the page looked like, so a failure on CI can be read without a rerun.
                let page = self
                    .eval(
                        "const a = document.activeElement; \
                         return `url ${location.href}; focus ${a ? a.tagName + '#' + a.id : 'none'}; \
                         text ${document.body ? document.body.innerText.replace(/\\s+/g, ' ').slice(0, 600) : ''}`;",
                        json!([]),
                    )
                    .unwrap_or_else(|e| Value::String(format!("(page not readable: {e})")));
                bail!("timed out after {limit:?} waiting for: {condition}\npage: {page}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// A PNG screenshot of the page.
    pub fn screenshot(&self) -> anyhow::Result<Vec<u8>> {
        let v = self.get(&self.session_path("/screenshot"))?;
        let b64 = v.as_str().context("screenshot is base64 text")?;
        Ok(base64::engine::general_purpose::STANDARD.decode(b64)?)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            self.agent
                .delete(&format!("{}/session/{}", self.base, self.session))
                .call()
                .ok();
        }
        self.driver.kill().ok();
        self.driver.wait().ok();
    }
}

/// An RGB image decoded from PNG.
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<[u8; 3]>,
}

impl Image {
    pub fn from_png(bytes: &[u8]) -> anyhow::Result<Image> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info()?;
        let mut buf = vec![0; reader.output_buffer_size().context("image size")?];
        let info = reader.next_frame(&mut buf)?;
        let channels = info.color_type.samples();
        let rgb = buf[..info.buffer_size()]
            .chunks_exact(channels)
            .map(|p| match channels {
                1 | 2 => [p[0]; 3],
                _ => [p[0], p[1], p[2]],
            })
            .collect();
        Ok(Image {
            width: info.width,
            height: info.height,
            rgb,
        })
    }

    /// The part inside the rectangle (x, y, w, h), clipped to the image.
    pub fn crop(&self, x: u32, y: u32, w: u32, h: u32) -> Image {
        let (x1, y1) = ((x + w).min(self.width), (y + h).min(self.height));
        let mut rgb = Vec::new();
        for row in y.min(y1)..y1 {
            for col in x.min(x1)..x1 {
                rgb.push(self.rgb[(row * self.width + col) as usize]);
            }
        }
        Image {
            width: x1 - x.min(x1),
            height: y1 - y.min(y1),
            rgb,
        }
    }

    /// The most common colour and the share of pixels that have it.
    pub fn dominant(&self) -> ([u8; 3], f64) {
        let mut counts = std::collections::HashMap::new();
        for p in &self.rgb {
            *counts.entry(*p).or_insert(0usize) += 1;
        }
        let (color, n) = counts
            .into_iter()
            .max_by_key(|(_, n)| *n)
            .unwrap_or(([0; 3], 0));
        (color, n as f64 / self.rgb.len().max(1) as f64)
    }

    /// How many different colours, after dropping the low 3 bits of each channel.
    pub fn distinct_colors(&self) -> usize {
        self.rgb
            .iter()
            .map(|p| p.map(|c| c >> 3))
            .collect::<std::collections::HashSet<_>>()
            .len()
    }

    /// Mean absolute difference per channel with an image of the same size, 0–255.
    pub fn mean_difference(&self, other: &Image) -> f64 {
        let n = self.rgb.len().min(other.rgb.len()).max(1);
        let sum: u64 = self
            .rgb
            .iter()
            .zip(&other.rgb)
            .map(|(a, b)| (0..3).map(|k| a[k].abs_diff(b[k]) as u64).sum::<u64>())
            .sum();
        sum as f64 / (n * 3) as f64
    }
}
