//! Installing the tools the build and the tests need on a fresh machine: the wasm32 target,
//! the wasm-bindgen CLI at the exact version of the library, Debian's Chromium and ChromeDriver.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::{Workspace, run};

pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let out = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .context("rustup is needed to add the wasm32-unknown-unknown target")?;
    if !String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    Ok(())
}

/// The wasm-bindgen version in Cargo.lock: the CLI must be exactly this one.
pub fn locked_wasm_bindgen_version(ws: &Workspace) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(ws.root.join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\""
            && let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = "))
        {
            return Ok(v.trim_matches('"').to_owned());
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

/// The `wasm-bindgen` CLI at exactly the locked version: one on PATH if it matches, else the
/// one installed under `target/tools/` (installed there when missing).
pub fn wasm_bindgen(ws: &Workspace) -> anyhow::Result<PathBuf> {
    let want = locked_wasm_bindgen_version(ws)?;
    let version = |bin: &Path| {
        Command::new(bin)
            .arg("--version")
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
    };
    let wanted = format!("wasm-bindgen {want}");
    let root = ws.target.join("tools");
    let local = root.join("bin").join("wasm-bindgen");
    for candidate in [PathBuf::from("wasm-bindgen"), local.clone()] {
        if version(&candidate).as_deref() == Some(wanted.as_str()) {
            return Ok(candidate);
        }
    }
    eprintln!(
        "wasm-bindgen {want} is needed; installing it into {}",
        root.display()
    );
    let install = |locked: bool| {
        let mut c = ws.cargo();
        c.args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &want,
            "--force",
            "--root",
        ])
        .arg(&root);
        if locked {
            c.arg("--locked");
        }
        run(&mut c)
    };
    // The CLI's own lock file can name a crate version the registry no longer serves.
    install(true).or_else(|e| {
        eprintln!("installing with --locked failed ({e}); trying with fresh dependencies");
        install(false)
    })?;
    match version(&local) {
        Some(v) if v == wanted => Ok(local),
        other => bail!("installed wasm-bindgen reports {other:?}, not {wanted:?}"),
    }
}

/// Debian's Chromium and ChromeDriver for the browser test: installed when missing and
/// running as root, otherwise a clear message says what to run.
pub fn ensure_chromium() -> anyhow::Result<()> {
    if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "the browser test needs Debian's Chromium and ChromeDriver: run \
             `sudo apt-get install -y chromium chromium-driver`"
        );
    }
    apt_install(&["chromium", "chromium-driver"])
}

/// The Khronos glTF Validator (npm `gltf-validator`, pinned in its lock file) for the asset
/// tests, installed with `npm ci` when missing.
pub fn ensure_gltf_validator(ws: &Workspace) -> anyhow::Result<()> {
    npm_ci(&ws.root.join("tests/gltf-validator"), "gltf-validator")
}

/// glTF Transform with Google's Draco encoder and meshoptimizer (npm, pinned in
/// `tests/gltf-transform/`'s lock file): compresses test scans the way contractors' tools do.
pub fn ensure_gltf_transform(ws: &Workspace) -> anyhow::Result<()> {
    npm_ci(
        &ws.root.join("tests/gltf-transform"),
        "@gltf-transform/core",
    )
}

/// meshoptimizer's gltfpack (npm, pinned in `bench/gltfpack/`'s lock file): the peer of
/// `cargo xtask bench relic`.
pub fn ensure_gltfpack(ws: &Workspace) -> anyhow::Result<()> {
    npm_ci(&ws.root.join("bench/gltfpack"), "gltfpack")
}

/// Google Lighthouse (npm, pinned in `bench/lighthouse`'s lock file), run on the landing
/// pages by `cargo xtask bench landing`.
pub fn ensure_lighthouse(ws: &Workspace) -> anyhow::Result<()> {
    npm_ci(&ws.root.join("bench/lighthouse"), "lighthouse")
}

/// axe-core (npm, pinned in `tests/axe/`'s lock file), the accessibility engine the browser
/// tests run on the pages.
pub fn ensure_axe(ws: &Workspace) -> anyhow::Result<()> {
    npm_ci(&ws.root.join("tests/axe"), "axe-core")
}

/// Google's `<model-viewer>` (npm `@google/model-viewer`, pinned in its lock file), the peer of
/// `cargo xtask bench viewer`; returns its folder.
pub fn ensure_model_viewer(ws: &Workspace) -> anyhow::Result<PathBuf> {
    let dir = ws.root.join("bench/model-viewer");
    // The decoder of the meshopt-compressed models came later: a folder installed before it
    // is installed again.
    npm_ci(&dir, "meshoptimizer")?;
    Ok(dir)
}

/// `npm ci` in `dir` unless `node_modules/<package>` is there; Debian's Node.js and npm first
/// when npm is missing.
fn npm_ci(dir: &Path, package: &str) -> anyhow::Result<()> {
    if dir.join("node_modules").join(package).is_dir() {
        return Ok(());
    }
    let has_npm = Command::new("npm").arg("--version").output().is_ok();
    if !has_npm && is_root() {
        apt_install(&["nodejs", "npm"])?;
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir))
    .with_context(|| format!("installing npm {package} needs Node.js and npm"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// Installs Debian packages (as root), after refreshing the package lists.
fn apt_install(packages: &[&str]) -> anyhow::Result<()> {
    run(Command::new("apt-get").arg("update").arg("-qq"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
