//! `cargo xtask bench viewer`: Disan's viewer (bevy, wasm) against Google's `<model-viewer>`
//! (three.js) in the same headless Chromium run, over emulated "Fast 4G" (Chrome DevTools'
//! preset: 9 Mbit/s down, 1.5 Mbit/s up, 60 ms × 2.75 latency), cold cache, loading the same
//! site's model from the same server. Measures the time from navigation to the first frame
//! with the model on screen, and the bytes transferred. With `--scan`, the model is a
//! scan-like relic instead (150 k triangles, a 2048² JPEG texture, published with
//! `disan import`): Disan's relic page (light level first) against model-viewer on the same
//! relic's full and light derivatives.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use disan_webdriver::Browser;

use crate::server::ServerProcess;
use serde_json::{Value, json};

/// What one page load took.
struct Load {
    first_frame_ms: f64,
    transferred: u64,
}

/// Marks the first frame on which the viewer reports the model ready.
const OUR_PROBE: &str = "new MutationObserver(() => { \
    const b = document.body; \
    if (b && b.dataset.viewer === 'ready' && Number(b.dataset.frames) >= 1 && !window.__firstFrame) \
      window.__firstFrame = performance.now(); \
  }).observe(document, {attributes: true, subtree: true, childList: true});";

fn load(server: &ServerProcess, path: &str) -> anyhow::Result<Load> {
    let browser = Browser::start(720, 540)?;
    browser.cdp("Network.enable", json!({}))?;
    browser.cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}))?;
    browser.cdp(
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": 60.0 * 2.75,
            "downloadThroughput": 9_000_000.0 / 8.0 * 0.9,
            "uploadThroughput": 1_500_000.0 / 8.0 * 0.9,
        }),
    )?;
    browser.cdp(
        "Page.addScriptToEvaluateOnNewDocument",
        json!({"source": OUR_PROBE}),
    )?;
    browser.goto(&server.url(path))?;
    browser
        .wait_for(
            "return window.__firstFrame !== undefined || window.__error !== undefined || document.body.dataset.viewer === 'failed';",
            Duration::from_secs(600),
        )
        .with_context(|| format!("waiting for the first frame of {path}"))?;
    let v: Value = browser.eval(
        "return [window.__firstFrame || null, window.__error || document.body.dataset.viewer || null, \
         performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource')) \
           .reduce((n, e) => n + (e.transferSize || 0), 0), \
         performance.getEntriesByType('resource').filter((e) => /\\.(wasm|glb|js)$/.test(e.name)) \
           .map((e) => `${new URL(e.name).pathname.split('/').pop()} ${Math.round(e.startTime)}–${Math.round(e.responseEnd)}`)];",
        json!([]),
    )?;
    let Some(first_frame_ms) = v[0].as_f64() else {
        bail!("{path} did not show its model: {}", v[1]);
    };
    // Where the time went: each script, wasm and model file, from request to last byte (ms).
    let files: Vec<&str> = v[3]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    println!("  {path}: {}", files.join(", "));
    Ok(Load {
        first_frame_ms,
        transferred: v[2].as_u64().unwrap_or(0),
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Publishes a scan-like relic of 150 k triangles with a 2048² JPEG into a fresh data folder
/// (`disan user add`, `disan import`), and returns the server flags that use it.
fn scan_relic(bin: &Path, root: &Path) -> anyhow::Result<Vec<std::ffi::OsString>> {
    use std::io::Write;
    let data = root.join("target/bench-viewer-data");
    std::fs::remove_dir_all(&data).ok();
    let folder = data.join("import");
    std::fs::create_dir_all(&folder)?;
    let spec = disan_assetgen::scan::ScanSpec {
        cells: 274,
        tiles: 1,
        texture_px: 2048,
        size_m: 20.0,
        ..Default::default()
    };
    eprintln!("publishing a scan of {} triangles…", spec.triangles());
    std::fs::write(folder.join("scan.glb"), spec.generate().to_glb())?;
    std::fs::write(
        folder.join("scan.toml"),
        "model = \"scan.glb\"\n[title]\nvi = \"Bản quét\"\nen = \"A scan\"\n\
         [description]\nvi = \"Bản quét dày.\"\nen = \"A dense scan.\"\n\
         [place]\nsite = \"doi-a1\"\n",
    )?;
    let flags: Vec<std::ffi::OsString> = vec![
        "--database".into(),
        format!("sqlite://{}/disan.db", data.display()).into(),
        "--relics-dir".into(),
        data.join("relics").into(),
        "--uploads-dir".into(),
        data.join("uploads").into(),
    ];
    let mut add = std::process::Command::new(bin)
        .args(["user", "add", "bench", "--role", "editor"])
        .args(&flags)
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    add.stdin
        .take()
        .context("stdin")?
        .write_all(b"a bench password\n")?;
    if !add.wait()?.success() {
        bail!("disan user add failed");
    }
    let import = std::process::Command::new(bin)
        .arg("import")
        .arg(&folder)
        .args(["--user", "bench"])
        .args(&flags)
        .status()?;
    if !import.success() {
        bail!("disan import failed");
    }
    Ok(flags)
}

pub fn run(
    bin: &Path,
    root: &Path,
    web_dir: &Path,
    slug: &str,
    runs: usize,
    scan: bool,
) -> anyhow::Result<()> {
    if scan {
        return run_scan(bin, root, web_dir, runs);
    }
    // The repository's content and assets, the given web build, the shipped binary.
    let server = ServerProcess::start(bin, root, web_dir)?;
    let cases = [
        (
            "Disan viewer (light model first)".to_owned(),
            format!("/tour/{slug}"),
        ),
        (
            "model-viewer, full model".to_owned(),
            format!("/viewer/mv/page.html?src=/assets/models/{slug}.glb"),
        ),
        (
            "model-viewer, light model".to_owned(),
            format!("/viewer/mv/page.html?src=/assets/models/{slug}.light.glb"),
        ),
    ];
    measure(&server, web_dir, slug, runs, &cases)
}

/// The scan-like relic (see [`scan_relic`]) in Disan's viewer and in model-viewer.
fn run_scan(bin: &Path, root: &Path, web_dir: &Path, runs: usize) -> anyhow::Result<()> {
    let flags = scan_relic(bin, root)?;
    let server = ServerProcess::start_with(bin, root, web_dir, &flags)?;
    let relic: Value = json_at(&server.url("/api/relics/1"))?;
    let url = |level: &str| -> anyhow::Result<String> {
        let models = relic["models"].as_array().context("the relic's models")?;
        let m = models.iter().find(|m| m["level"] == level);
        Ok(m.and_then(|m| m["url"].as_str())
            .context("a model of that level")?
            .to_owned())
    };
    let cases = [
        (
            "Disan viewer (light model first)".to_owned(),
            "/relic/1".to_owned(),
        ),
        (
            "model-viewer, full model".to_owned(),
            format!("/viewer/mv/page.html?src={}", url("full")?),
        ),
        (
            "model-viewer, light model".to_owned(),
            format!("/viewer/mv/page.html?src={}", url("light")?),
        ),
    ];
    measure(
        &server,
        web_dir,
        "scan relic (150k triangles, 2048² JPEG)",
        runs,
        &cases,
    )
}

/// The JSON at `url`, read in a browser (the bench links no HTTP client of its own).
fn json_at(url: &str) -> anyhow::Result<Value> {
    let browser = Browser::start(320, 240)?;
    browser.goto(url)?;
    let text = browser.eval("return document.body.innerText;", json!([]))?;
    Ok(serde_json::from_str(text.as_str().unwrap_or_default())?)
}

/// Loads each case `runs` times and prints the table.
fn measure(
    server: &ServerProcess,
    web_dir: &Path,
    slug: &str,
    runs: usize,
    cases: &[(String, String)],
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for (name, path) in cases {
        let mut times = Vec::new();
        let mut bytes = 0;
        for i in 0..runs {
            let l = load(server, path)?;
            eprintln!(
                "{name} run {}: {:.0} ms, {} bytes",
                i + 1,
                l.first_frame_ms,
                l.transferred
            );
            times.push(l.first_frame_ms);
            bytes = l.transferred;
        }
        rows.push((name.clone(), median(times), bytes));
    }
    let wasm = |ext: &str| {
        std::fs::metadata(web_dir.join(format!("viewer/disan_viewer_bg.wasm{ext}")))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    println!(
        "\nWeb build: wasm {} raw, {} gzip, {} brotli.\n",
        wasm(""),
        wasm(".gz"),
        wasm(".br")
    );
    println!(
        "| page (site {slug}, Fast 4G, cold cache, SwiftShader) | first frame, median of {runs} (ms) | transferred (bytes) |"
    );
    println!("|---|---:|---:|");
    for (name, ms, bytes) in &rows {
        println!("| {name} | {ms:.0} | {bytes} |");
    }
    println!(
        "\nDisan ÷ model-viewer (full model): {:.2}; ÷ model-viewer (light model): {:.2}",
        rows[0].1 / rows[1].1,
        rows[0].1 / rows[2].1
    );
    Ok(())
}
