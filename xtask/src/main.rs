//! `cargo xtask`: Disan's build chores in Rust, no shell scripts.
//!
//! - `cargo xtask serve [server flags]`: builds the web viewer, then runs the server on
//!   127.0.0.1:8080 with the repository's content and assets.
//! - `cargo xtask test`: formatting, clippy (native and wasm32), the web build, every test
//!   (the browser test included). This is what CI runs.
//! - `cargo xtask web [--dev]`: builds the viewer for wasm32 and runs wasm-bindgen into
//!   `target/web/` (with `.br`/`.gz` variants unless `--dev`).
//! - `cargo xtask assets`: regenerates the site models in `assets/models/`.
//! - `cargo xtask bench search [--relics N] [--rounds R]`: Disan's search against SQLite FTS5
//!   on the same corpus and queries (release build; prints tables). Not part of `test`.
//! - `cargo xtask bench viewer [--site SLUG | --scan] [--runs N]`: the viewer's first frame against
//!   Google's `<model-viewer>` over emulated Fast 4G in headless Chromium; wasm sizes.
//! - `cargo xtask bench landing`: every site's landing page beside its tour page, cold, over
//!   emulated Slow 4G and Regular 3G: bytes to the first view and first contentful paint.
//! - `cargo xtask bench models`: the shipped models' and derivatives' bytes against gltfpack's
//!   on the same input with matching settings.
//! - `cargo xtask bench relic [--triangles N] [--texture PX]`: time and peak memory to check a
//!   scan and make its derivatives, against the Khronos validator and gltfpack.
//! - `cargo xtask fuzz [--iterations N] [--seed S]`: the mutation fuzzer of the model checks,
//!   long (release build with overflow checks; 1 000 000 inputs by default).

mod tools;
mod web;

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().unwrap_or_default();
    let rest: Vec<String> = args.collect();
    let ws = Workspace::find()?;
    match cmd.as_str() {
        "serve" => serve(&ws, &rest),
        "test" => test(&ws, &rest),
        "web" => {
            let dev = rest.iter().any(|a| a == "--dev");
            web::build(&ws, dev).map(|_| ())
        }
        "assets" => assets(&ws),
        "bench" => bench(&ws, &rest),
        "fuzz" => fuzz(&ws, &rest),
        _ => {
            eprintln!(
                "usage: cargo xtask <serve|test|web [--dev]|assets|bench|fuzz>\n\n\
                 serve   build the web viewer and run the server on 127.0.0.1:8080\n\
                 test    fmt, clippy, web build and every test (what CI runs)\n\
                 web     build the wasm viewer into target/web (--dev: faster, bigger)\n\
                 assets  regenerate the site models in assets/models\n\
                 bench   search [--relics N] [--rounds R]: search vs SQLite FTS5\n\
                 \x20       viewer [--site SLUG | --scan] [--runs N]: first frame vs <model-viewer>\n\
                 \x20       landing: landing pages vs tour pages over Slow 4G and 3G\n\
                 \x20       models: compressed models and derivatives vs gltfpack\n\
                 \x20       relic [--triangles N] [--texture PX]: checks and derivatives vs gltfpack\n\
                 fuzz    [--iterations N] [--seed S]: the model checks under mutated input"
            );
            if cmd.is_empty() || cmd == "help" || cmd == "--help" {
                Ok(())
            } else {
                bail!("unknown command {cmd:?}")
            }
        }
    }
}

/// `cargo xtask bench <what> [flags]`: runs the benchmark binary in release mode.
fn bench(ws: &Workspace, args: &[String]) -> anyhow::Result<()> {
    match args.first().map(String::as_str) {
        Some("search") => run(ws
            .cargo()
            .args(["run", "--release", "-p", "disan-bench", "--"])
            .args(args)),
        Some("models") => {
            tools::ensure_gltfpack(ws)?;
            tools::ensure_chromium()?;
            // The pictures are drawn by model-viewer, served from a folder of its own (no
            // viewer build needed).
            let web = ws.target.join("bench-models-web");
            model_viewer_files(ws, &web.join("viewer/mv"))?;
            run(ws
                .cargo()
                .args(["build", "--release", "-p", "disan-server", "--bin", "disan"]))?;
            run(ws
                .cargo()
                .args(["run", "--release", "-p", "disan-bench", "--"])
                .args(args)
                .arg("--web-dir")
                .arg(&web)
                .arg("--bin")
                .arg(ws.target.join("release/disan")))
        }
        Some("relic") => {
            tools::ensure_gltf_validator(ws)?;
            tools::ensure_gltfpack(ws)?;
            run(ws
                .cargo()
                .args(["run", "--release", "-p", "disan-bench", "--"])
                .args(args))
        }
        Some("viewer") => {
            tools::ensure_chromium()?;
            web::build(ws, false)?;
            // The peer is served by the same server, precompressed like the viewer.
            model_viewer_files(ws, &ws.web_dir().join("viewer/mv"))?;
            bench_with_server(ws, args)
        }
        Some("landing") => {
            tools::ensure_chromium()?;
            tools::ensure_lighthouse(ws)?;
            web::build(ws, false)?;
            bench_with_server(ws, args)
        }
        _ => bail!(
            "usage: cargo xtask bench search [--relics N] [--rounds R] | viewer [--site SLUG | --scan] [--runs N] | landing | models | relic [--triangles N] [--texture PX]"
        ),
    }
}

/// Google's `<model-viewer>` with meshoptimizer's decoder and the bench's pages, in `mv`
/// (served as `/viewer/mv/`), the scripts precompressed like the viewer's.
fn model_viewer_files(ws: &Workspace, mv: &Path) -> anyhow::Result<()> {
    let peer = tools::ensure_model_viewer(ws)?;
    std::fs::create_dir_all(mv)?;
    let js = mv.join("model-viewer.min.js");
    std::fs::copy(
        peer.join("node_modules/@google/model-viewer/dist/model-viewer.min.js"),
        &js,
    )?;
    web::precompress(&js)?;
    let decoder = mv.join("meshopt_decoder.js");
    std::fs::copy(
        peer.join("node_modules/meshoptimizer/meshopt_decoder.cjs"),
        &decoder,
    )?;
    web::precompress(&decoder)?;
    for file in ["page.html", "page.js", "page.css", "still.html", "still.js"] {
        std::fs::copy(peer.join(file), mv.join(file))?;
    }
    Ok(())
}

/// A benchmark that runs the shipped binary (release) as a child process, on the web build.
fn bench_with_server(ws: &Workspace, args: &[String]) -> anyhow::Result<()> {
    run(ws
        .cargo()
        .args(["build", "--release", "-p", "disan-server", "--bin", "disan"]))?;
    run(ws
        .cargo()
        .args(["run", "--release", "-p", "disan-bench", "--"])
        .args(args)
        .arg("--web-dir")
        .arg(ws.web_dir())
        .arg("--bin")
        .arg(ws.target.join("release/disan")))
}

/// `cargo xtask fuzz`: the model checks' mutation fuzzer (`relic/tests/fuzz.rs`), long.
fn fuzz(ws: &Workspace, args: &[String]) -> anyhow::Result<()> {
    let mut iterations = "1000000".to_owned();
    let mut seed = "13741585".to_owned();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--iterations" => iterations = value.clone(),
            "--seed" => seed = value.clone(),
            other => bail!("unknown flag {other:?}: cargo xtask fuzz [--iterations N] [--seed S]"),
        }
    }
    run(ws
        .cargo()
        .args([
            "test",
            "--release",
            "-p",
            "disan-relic",
            "--test",
            "fuzz",
            "--",
            "--nocapture",
        ])
        .env("CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS", "true")
        .env("DISAN_FUZZ_ITERATIONS", iterations)
        .env("DISAN_FUZZ_SEED", seed))
}

/// Paths of the workspace this xtask belongs to.
pub struct Workspace {
    pub root: PathBuf,
    pub target: PathBuf,
}

impl Workspace {
    fn find() -> anyhow::Result<Workspace> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .context("xtask lives in the workspace")?
            .to_owned();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|t| if t.is_absolute() { t } else { root.join(t) })
            .unwrap_or_else(|| root.join("target"));
        Ok(Workspace { root, target })
    }

    /// Where `cargo xtask web` puts the page and the viewer.
    pub fn web_dir(&self) -> PathBuf {
        self.target.join("web")
    }

    pub fn cargo(&self) -> Command {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        c.current_dir(&self.root);
        c
    }
}

/// Runs `cmd`, failing with its command line when it fails.
pub fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let line = format!("{cmd:?}");
    eprintln!("$ {line}");
    let status = cmd
        .status()
        .with_context(|| format!("cannot start {line}"))?;
    if !status.success() {
        bail!("{line} failed ({status})");
    }
    Ok(())
}

fn serve(ws: &Workspace, flags: &[String]) -> anyhow::Result<()> {
    web::build(ws, false)?;
    run(ws
        .cargo()
        .args([
            "run",
            "--release",
            "--package",
            "disan-server",
            "--bin",
            "disan",
            "--",
        ])
        .arg("--web-dir")
        .arg(ws.web_dir())
        .args(flags))
}

fn test(ws: &Workspace, rest: &[String]) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    run(ws.cargo().args(["fmt", "--all", "--check"]))?;
    run(ws.cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    tools::ensure_wasm_target()?;
    run(ws
        .cargo()
        .args([
            "clippy",
            "--package",
            "disan-viewer",
            "--target",
            "wasm32-unknown-unknown",
            "--target-dir",
        ])
        .arg(web::wasm_target_dir(ws))
        .args(["--", "-D", "warnings"]))?;
    tools::ensure_chromium()?;
    tools::ensure_gltf_validator(ws)?;
    tools::ensure_gltf_transform(ws)?;
    tools::ensure_axe(ws)?;
    web::build(ws, rest.iter().any(|a| a == "--dev"))?;
    let (passed, failed) = run_tests(
        ws.cargo()
            .args(["test", "--workspace"])
            .env("DISAN_WEB_DIR", ws.web_dir()),
    )?;
    eprintln!(
        "xtask test: finished in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    // The closing line CI reads: the totals over every test binary.
    println!("tests: {passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} test(s) failed");
    }
    Ok(())
}

/// Runs `cargo test`, echoing its output, and adds up the `test result:` lines.
fn run_tests(cmd: &mut Command) -> anyhow::Result<(u64, u64)> {
    use std::io::{BufRead, BufReader};

    eprintln!("$ {cmd:?}");
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot start cargo test")?;
    let stdout = child.stdout.take().context("cargo test output")?;
    let (mut passed, mut failed) = (0, 0);
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split(['.', ';']) {
                let mut words = part.split_whitespace();
                if let (Some(n), Some(what)) = (words.next(), words.next()) {
                    match (n.parse::<u64>(), what) {
                        (Ok(n), "passed") => passed += n,
                        (Ok(n), "failed") => failed += n,
                        _ => {}
                    }
                }
            }
        }
    }
    let status = child.wait()?;
    if !status.success() && failed == 0 {
        bail!("cargo test failed ({status})");
    }
    Ok((passed, failed))
}

fn assets(ws: &Workspace) -> anyhow::Result<()> {
    let assets_dir = ws.root.join("assets");
    let written = disan_assetgen::write_all(&assets_dir)?;
    println!(
        "{:<40} {:>6} {:>10} {:>10}",
        "site", "detail", "bytes", "triangles"
    );
    for w in &written {
        let detail = format!("{:?}", w.detail).to_lowercase();
        println!(
            "{:<40} {:>6} {:>10} {:>10}",
            w.slug, detail, w.bytes, w.triangles
        );
    }
    // The 2D tour: one still per tour stop, rendered from the full model at the stop's pose.
    println!("\n{:<40} {:>6} {:>10}", "2D tour", "stops", "max bytes");
    for (slug, model) in disan_assetgen::models(disan_assetgen::Detail::Full) {
        let file = ws.root.join("content/sites").join(format!("{slug}.toml"));
        let bytes = std::fs::read(&file).with_context(|| file.display().to_string())?;
        let site = disan_catalog::SiteFile::parse(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        let glb = assets_dir.join(disan_assetgen::model_path(
            slug,
            disan_assetgen::Detail::Full,
        ));
        let bytes = std::fs::read(&glb).with_context(|| glb.display().to_string())?;
        let anchors = disan_catalog::ModelFacts::read(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: {e}", glb.display()))?
            .anchors;
        let dir = assets_dir.join("tours").join(slug);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let mut largest = 0;
        for (i, stop) in site.tour.iter().enumerate() {
            let target = *anchors
                .get(&stop.anchor)
                .with_context(|| format!("{slug}: no anchor {:?}", stop.anchor))?;
            let pose = disan_assetgen::render::Pose {
                target,
                yaw: stop.yaw,
                pitch: stop.pitch,
                distance: stop.distance,
            };
            let jpeg = disan_types::rules::tour_image_path(slug, i + 1);
            for v in disan_assetgen::tour_pictures(&model, pose)? {
                if (v.size, v.format) == disan_types::picture::VARIANTS[0] {
                    largest = largest.max(v.bytes.len());
                }
                let path = disan_types::picture::variant(&jpeg, v.size, v.format);
                disan_assetgen::write_file(&assets_dir.join(path), &v.bytes)?;
            }
        }
        println!("{:<40} {:>6} {:>10}", slug, site.tour.len(), largest);
    }
    Ok(())
}
