//! The web build: viewer → wasm32 (size profile) → wasm-bindgen → `target/web/`, with the page
//! and precompressed `.br`/`.gz` variants for the server to send.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;

use crate::{Workspace, run, tools};

/// A separate target folder, so wasm builds never wait on native builds' lock.
pub fn wasm_target_dir(ws: &Workspace) -> PathBuf {
    ws.target.join("web-build")
}

/// Sizes of the built viewer, for the notes and the benchmarks.
#[derive(Debug)]
pub struct WebBuild {
    pub wasm_raw: u64,
    pub wasm_gzip: Option<u64>,
    pub wasm_brotli: Option<u64>,
}

pub fn build(ws: &Workspace, dev: bool) -> anyhow::Result<WebBuild> {
    let started = Instant::now();
    tools::ensure_wasm_target()?;
    let wasm_bindgen = tools::wasm_bindgen(ws)?;
    let profile = if dev { "web-dev" } else { "web" };
    let target_dir = wasm_target_dir(ws);
    run(ws
        .cargo()
        .args(["build", "--package", "disan-viewer", "--lib"])
        .args(["--target", "wasm32-unknown-unknown", "--profile", profile])
        .arg("--target-dir")
        .arg(&target_dir))?;
    let wasm = target_dir
        .join("wasm32-unknown-unknown")
        .join(profile)
        .join("disan_viewer.wasm");

    let out = ws.web_dir();
    let viewer = out.join("viewer");
    if viewer.exists() {
        std::fs::remove_dir_all(&viewer)
            .with_context(|| format!("clearing {}", viewer.display()))?;
    }
    std::fs::create_dir_all(&viewer)?;
    let mut bindgen = std::process::Command::new(&wasm_bindgen);
    bindgen.args([
        "--target",
        "web",
        "--no-typescript",
        "--out-name",
        "disan_viewer",
    ]);
    if !dev {
        // Function names only help reading stack traces, and they are a large part of the file.
        bindgen.args(["--remove-name-section", "--remove-producers-section"]);
    }
    run(bindgen.arg("--out-dir").arg(&viewer).arg(&wasm))?;
    copy_page(&ws.root.join("web"), &out)?;

    let bg = viewer.join("disan_viewer_bg.wasm");
    let mut result = WebBuild {
        wasm_raw: std::fs::metadata(&bg)?.len(),
        wasm_gzip: None,
        wasm_brotli: None,
    };
    if !dev {
        // The folder names the settings: other settings never reuse these outputs.
        let cache = target_dir.join(format!("compressed-br{BROTLI_QUALITY}-gz9"));
        for file in [bg.clone(), viewer.join("disan_viewer.js")] {
            let (gz, br) = precompress_cached(&file, &cache)?;
            if file == bg {
                result.wasm_gzip = Some(gz);
                result.wasm_brotli = Some(br);
            }
        }
    }
    eprintln!(
        "web build ({profile}) in {:.0} s: wasm {} raw, {} gzip, {} brotli → {}",
        started.elapsed().as_secs_f64(),
        mb(Some(result.wasm_raw)),
        mb(result.wasm_gzip),
        mb(result.wasm_brotli),
        out.display()
    );
    Ok(result)
}

fn mb(bytes: Option<u64>) -> String {
    bytes.map_or("-".into(), |b| format!("{:.2} MB", b as f64 / 1e6))
}

/// [`precompress`], but reuses the variants made last time when `file` has not changed: the
/// best brotli level takes about a minute on the wasm file, too slow for every test run.
fn precompress_cached(file: &Path, cache: &Path) -> anyhow::Result<(u64, u64)> {
    let name = file.file_name().context("file without a name")?;
    let kept = cache.join(name);
    let data = std::fs::read(file)?;
    let (gz, br) = (with_suffix(file, "gz"), with_suffix(file, "br"));
    let (kept_gz, kept_br) = (with_suffix(&kept, "gz"), with_suffix(&kept, "br"));
    if std::fs::read(&kept).is_ok_and(|k| k == data) && kept_gz.exists() && kept_br.exists() {
        std::fs::copy(&kept_gz, &gz)?;
        std::fs::copy(&kept_br, &br)?;
        return Ok((std::fs::metadata(&gz)?.len(), std::fs::metadata(&br)?.len()));
    }
    let sizes = precompress(file)?;
    std::fs::create_dir_all(cache)?;
    // The copy of the source goes last: an interrupted run leaves no match, so nothing stale.
    std::fs::remove_file(&kept).ok();
    std::fs::copy(&gz, &kept_gz)?;
    std::fs::copy(&br, &kept_br)?;
    std::fs::write(&kept, &data)?;
    Ok(sizes)
}

/// The best level: 12 % smaller than level 9 on the wasm file, for about a minute.
const BROTLI_QUALITY: i32 = 11;

/// Writes `file.gz` and `file.br` beside `file`; returns their sizes.
pub fn precompress(file: &Path) -> anyhow::Result<(u64, u64)> {
    let data = std::fs::read(file)?;
    let gz_path = with_suffix(file, "gz");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&data)?;
    let gz = gz.finish()?;
    std::fs::write(&gz_path, &gz)?;

    let br_path = with_suffix(file, "br");
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: 24,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut br, &params)?;
    std::fs::write(&br_path, &br)?;
    Ok((gz.len() as u64, br.len() as u64))
}

fn with_suffix(file: &Path, ext: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Copies the page (`web/`: the HTML shell, its modules, stylesheet, icons and manifest) into
/// the web build, replacing what an earlier build left.
pub fn copy_page(from: &Path, to: &Path) -> anyhow::Result<()> {
    let app = to.join("app");
    if app.exists() {
        std::fs::remove_dir_all(&app).with_context(|| format!("clearing {}", app.display()))?;
    }
    copy_tree(from, to)
}

fn copy_tree(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| from.display().to_string())? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)
                .with_context(|| format!("copying {}", entry.path().display()))?;
        }
    }
    Ok(())
}
