//! `cargo xtask bench landing`: what a visitor who scans a QR code waits for. For every site,
//! the landing page (`/s/{slug}`) and, side by side, the existing tour page (`/tour/{slug}`),
//! each in a fresh headless Chromium with a cold cache under Chrome DevTools' "Slow 4G"
//! (562.5 ms, 1.44 Mbit/s down, 675 kbit/s up) and "Regular 3G" (100 ms, 750 kbit/s down,
//! 250 kbit/s up) presets: first contentful paint, and the bytes transferred until the page's
//! `load` event (the first useful view: the HTML, its stylesheet and script, the poster).
//! Then Google Lighthouse (npm `lighthouse` in `bench/lighthouse`, mobile defaults: simulated
//! Slow 4G and a 4× slower CPU, in Debian's Chromium) on every landing page and, beside them,
//! on one site's 2D tour page and tour page: the performance and accessibility scores.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use disan_webdriver::Browser;
use serde_json::json;

use crate::server::ServerProcess;

/// A network: name, latency (ms), down and up (bytes per second).
const NETWORKS: [(&str, f64, f64, f64); 2] = [
    ("Slow 4G", 562.5, 1_440_000.0 / 8.0, 675_000.0 / 8.0),
    ("Regular 3G", 100.0, 750_000.0 / 8.0, 250_000.0 / 8.0),
];

/// First contentful paint (ms) and bytes transferred by `load`.
fn load(
    server: &ServerProcess,
    path: &str,
    net: (&str, f64, f64, f64),
) -> anyhow::Result<(f64, u64)> {
    let browser = Browser::start(412, 823)?;
    browser.cdp("Network.enable", json!({}))?;
    browser.cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}))?;
    browser.cdp(
        "Network.emulateNetworkConditions",
        json!({"offline": false, "latency": net.1, "downloadThroughput": net.2, "uploadThroughput": net.3}),
    )?;
    browser.goto(&server.url(path))?;
    browser
        .wait_for(
            "return document.readyState === 'complete' && \
             performance.getEntriesByName('first-contentful-paint').length > 0;",
            Duration::from_secs(300),
        )
        .with_context(|| format!("waiting for {path} to load"))?;
    let v = browser.eval(
        "const fcp = performance.getEntriesByName('first-contentful-paint')[0].startTime; \
         const end = performance.getEntriesByType('navigation')[0].loadEventEnd; \
         const bytes = performance.getEntriesByType('navigation').concat( \
           performance.getEntriesByType('resource').filter((e) => e.responseEnd <= end)) \
           .reduce((n, e) => n + (e.transferSize || 0), 0); \
         return [fcp, bytes];",
        json!([]),
    )?;
    let (Some(fcp), Some(bytes)) = (v[0].as_f64(), v[1].as_u64()) else {
        bail!("{path}: no paint timing: {v}");
    };
    Ok((fcp, bytes))
}

/// Lighthouse's report of one page: performance and accessibility (0–100), FCP and LCP (ms),
/// total bytes.
struct Audit {
    performance: f64,
    accessibility: f64,
    fcp: f64,
    lcp: f64,
    bytes: f64,
}

fn lighthouse(root: &Path, url: &str) -> anyhow::Result<Audit> {
    let cli = root.join("bench/lighthouse/node_modules/lighthouse/cli/index.js");
    if !cli.is_file() {
        bail!(
            "Lighthouse is not installed: `cargo xtask bench landing` runs npm ci in bench/lighthouse"
        );
    }
    let out = tempfile::NamedTempFile::new()?;
    let status = std::process::Command::new("node")
        .arg(&cli)
        .arg(url)
        .args([
            "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
            "--only-categories=performance,accessibility",
            "--output=json",
        ])
        .arg(format!("--output-path={}", out.path().display()))
        .env("CHROME_PATH", disan_webdriver::CHROMIUM)
        .status()
        .context("running Lighthouse (node)")?;
    if !status.success() {
        bail!("Lighthouse failed on {url}: {status}");
    }
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(out.path())?)?;
    let score = |c: &str| report["categories"][c]["score"].as_f64().unwrap_or(0.0) * 100.0;
    let value = |a: &str| {
        report["audits"][a]["numericValue"]
            .as_f64()
            .unwrap_or(f64::NAN)
    };
    Ok(Audit {
        performance: score("performance"),
        accessibility: score("accessibility"),
        fcp: value("first-contentful-paint"),
        lcp: value("largest-contentful-paint"),
        bytes: value("total-byte-weight"),
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

pub fn run(bin: &Path, root: &Path, web_dir: &Path) -> anyhow::Result<()> {
    let server = ServerProcess::start(bin, root, web_dir)?;
    let mut slugs: Vec<String> = std::fs::read_dir(root.join("content/sites"))?
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".toml").map(str::to_owned)
        })
        .collect();
    slugs.sort();
    // (page kind, network) → per-site (fcp, bytes)
    let pages = [("landing", "/s/"), ("tour page", "/tour/")];
    let mut results = vec![Vec::new(); pages.len() * NETWORKS.len()];
    println!("| site | page | bytes to the first view | FCP Slow 4G (ms) | FCP Regular 3G (ms) |");
    println!("|---|---|---:|---:|---:|");
    for slug in &slugs {
        for (p, (name, prefix)) in pages.iter().enumerate() {
            let mut cells = Vec::new();
            let mut bytes = 0;
            for (n, net) in NETWORKS.iter().enumerate() {
                let (fcp, b) = load(&server, &format!("{prefix}{slug}"), *net)?;
                results[p * NETWORKS.len() + n].push((fcp, b));
                cells.push(format!("{fcp:.0}"));
                bytes = b;
            }
            println!(
                "| {slug} | {name} | {bytes} | {} | {} |",
                cells[0], cells[1]
            );
        }
    }
    println!(
        "\n| page | bytes: median / worst | FCP Slow 4G: median / worst (ms) | FCP Regular 3G: median / worst (ms) |"
    );
    println!("|---|---:|---:|---:|");
    let mut medians = Vec::new();
    for (p, (name, _)) in pages.iter().enumerate() {
        let mut row = format!("| {name} |");
        let bytes: Vec<f64> = results[p * NETWORKS.len()]
            .iter()
            .map(|r| r.1 as f64)
            .collect();
        row += &format!(
            " {:.0} / {:.0} |",
            median(bytes.clone()),
            bytes.iter().copied().fold(0.0, f64::max)
        );
        let mut m = Vec::new();
        for n in 0..NETWORKS.len() {
            let fcp: Vec<f64> = results[p * NETWORKS.len() + n]
                .iter()
                .map(|r| r.0)
                .collect();
            m.push(median(fcp.clone()));
            row += &format!(
                " {:.0} / {:.0} |",
                median(fcp.clone()),
                fcp.iter().copied().fold(0.0, f64::max)
            );
        }
        medians.push((median(bytes), m));
        println!("{row}");
    }
    println!(
        "\nlanding ÷ tour page: bytes {:.2}, FCP Slow 4G {:.2}, FCP Regular 3G {:.2}",
        medians[0].0 / medians[1].0,
        medians[0].1[0] / medians[1].1[0],
        medians[0].1[1] / medians[1].1[1]
    );

    println!(
        "\nLighthouse {} (mobile defaults)\n\n| page | performance | accessibility | FCP (ms) | LCP (ms) | bytes |",
        lighthouse_version(root)
    );
    println!("|---|---:|---:|---:|---:|---:|");
    let row = |name: &str, a: &Audit| {
        println!(
            "| {name} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |",
            a.performance, a.accessibility, a.fcp, a.lcp, a.bytes
        );
    };
    let mut worst: Option<Audit> = None;
    for slug in &slugs {
        let a = lighthouse(root, &server.url(&format!("/s/{slug}")))?;
        row(&format!("/s/{slug}"), &a);
        worst = Some(match worst {
            Some(w) => Audit {
                performance: w.performance.min(a.performance),
                accessibility: w.accessibility.min(a.accessibility),
                fcp: w.fcp.max(a.fcp),
                lcp: w.lcp.max(a.lcp),
                bytes: w.bytes.max(a.bytes),
            },
            None => a,
        });
    }
    if let Some(w) = &worst {
        row("landing pages, worst", w);
    }
    let peer = slugs.iter().find(|s| *s == "doi-a1").unwrap_or(&slugs[0]);
    for path in [format!("/tour/{peer}/2d"), format!("/tour/{peer}")] {
        row(&path, &lighthouse(root, &server.url(&path))?);
    }
    Ok(())
}

/// The installed Lighthouse's version, from its package file.
fn lighthouse_version(root: &Path) -> String {
    std::fs::read(root.join("bench/lighthouse/node_modules/lighthouse/package.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}
