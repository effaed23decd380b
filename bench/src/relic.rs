//! `cargo xtask bench relic`: time and peak memory to check a scan and make its derivatives,
//! against the peers on the same file in the same run: the Khronos glTF Validator (checking)
//! and meshoptimizer's gltfpack (simplifying to the same triangle budget; it keeps textures as
//! they are, since it resizes them only when compressing them to formats the viewer does not
//! read yet, so Disan's side does more: it also resizes and re-encodes the texture). The scan is generated: a dense terrain-like mesh (2 M triangles by default,
//! 32-bit indices) with an 8192² JPEG texture.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use disan_assetgen::scan::ScanSpec;
use disan_relic::derive::{self, Budget, Step};
use disan_relic::{Limits, check};
use disan_types::admin::UpAxis;

/// A process's peak resident memory so far (kB).
fn peak_kb(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Starts this process's peak-memory count afresh.
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").ok();
}

/// Runs `cmd`, returning its wall time and the largest resident size seen while it ran (MB).
fn measure(cmd: &mut Command) -> anyhow::Result<(Duration, u64)> {
    let start = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {cmd:?}"))?;
    let mut peak = 0;
    loop {
        peak = peak.max(peak_kb(child.id()));
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                let mut err = String::new();
                if let Some(mut e) = child.stderr.take() {
                    std::io::Read::read_to_string(&mut e, &mut err).ok();
                }
                bail!("{cmd:?} failed: {err}");
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok((start.elapsed(), peak / 1024))
}

pub fn run(root: &Path, triangles: u64, texture: u32) -> anyhow::Result<()> {
    let cells = ((triangles as f64 / 2.0).sqrt().round() as u32).max(1);
    let spec = ScanSpec {
        cells,
        tiles: 1,
        texture_px: texture,
        size_m: 30.0,
        ..ScanSpec::default()
    };
    eprintln!(
        "generating a scan of {} triangles with a {texture}² JPEG…",
        spec.triangles()
    );
    let bytes = spec.generate().to_glb();
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("scan.glb");
    std::fs::write(&input, &bytes)?;

    let me = std::process::id();
    reset_peak();
    let before = peak_kb(me);
    let started = Instant::now();
    let model = check(&bytes, &Limits::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let t_check = started.elapsed();
    // What a job does: the full model, the poster, the light model, each step timed.
    let mut marks: Vec<(Step, Instant)> = Vec::new();
    let d = derive::all(&model, UpAxis::Y, &mut |step| {
        marks.push((step, Instant::now()))
    });
    let ended = Instant::now();
    let until = |i: usize| marks.get(i + 1).map_or(ended, |m| m.1) - marks[i].1;
    let (t_full, t_poster, t_light) = (until(0), until(1), until(2));
    let (full, light) = (d.full, d.light);
    let peak_mb = peak_kb(me).max(before) / 1024;
    drop(model);
    let full_report = check(&full, &Limits::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let light_report = check(&light, &Limits::default()).map_err(|e| anyhow::anyhow!("{e}"))?;

    let validator = root.join("tests/gltf-validator/validate.mjs");
    let (t_validator, m_validator) = measure(Command::new("node").arg(&validator).arg(&input))?;
    let gltfpack = root.join("bench/gltfpack/node_modules/gltfpack/cli.js");
    let ratio = Budget::FULL.triangles as f64 / spec.triangles() as f64;
    let packed = dir.path().join("packed.glb");
    let (t_pack, m_pack) = measure(
        Command::new("node")
            .arg(&gltfpack)
            .args(["-i"])
            .arg(&input)
            .arg("-o")
            .arg(&packed)
            // gltfpack resizes textures only when it also compresses them (KTX2/WebP, which
            // the viewer does not read yet): it simplifies and keeps the textures as they are.
            .args(["-si", &format!("{ratio:.4}")]),
    )?;
    let packed_bytes = std::fs::metadata(&packed).map_or(0, |m| m.len());

    let s = |d: Duration| d.as_secs_f64();
    println!(
        "\nrelic bench: {} triangles, {texture}² JPEG, {:.1} MB GLB",
        spec.triangles(),
        bytes.len() as f64 / 1e6
    );
    println!(
        "{:<44} {:>10} {:>12} {:>8}",
        "step", "Disan", "peer", "ratio"
    );
    println!(
        "{:<44} {:>9.2}s {:>11.2}s {:>8.2}",
        "check the upload (peer: Khronos validator)",
        s(t_check),
        s(t_validator),
        s(t_check) / s(t_validator)
    );
    println!(
        "{:<44} {:>9.2}s {:>11.2}s {:>8.2}",
        "full model, 150k tris (peer: gltfpack -si)",
        s(t_full),
        s(t_pack),
        s(t_full) / s(t_pack)
    );
    println!("{:<44} {:>9.2}s", "poster, 800×500 JPEG", s(t_poster));
    println!("{:<44} {:>9.2}s", "light model, 4k tris, 128²", s(t_light));
    println!(
        "{:<44} {:>9.2}s {:>11}",
        "check + every derivative (goal ≤ 60 s)",
        s(t_check + t_full + t_poster + t_light),
        ""
    );
    println!(
        "{:<44} {:>8} MB {:>9} MB",
        "peak memory (goal ≤ 2048 MB; peer: gltfpack)", peak_mb, m_pack
    );
    println!(
        "{:<44} {:>8} MB",
        "peak memory of the Khronos validator", m_validator
    );
    println!(
        "{:<44} {:>10} {:>12}",
        "full model triangles", full_report.report.triangles, ""
    );
    println!(
        "{:<44} {:>8.1} MB {:>9.1} MB",
        "full model size (peer: gltfpack output)",
        full.len() as f64 / 1e6,
        packed_bytes as f64 / 1e6
    );
    println!(
        "{:<44} {:>8.0} kB   ({} triangles)",
        "light model size (goal ≤ 200 kB)",
        light.len() as f64 / 1024.0,
        light_report.report.triangles
    );
    Ok(())
}
