//! `cargo xtask bench models`: Disan's compressed models against meshoptimizer's gltfpack (npm,
//! pinned in `bench/gltfpack/`) on the same input, in the same run, with matching settings:
//! meshopt compression (`-c`), the same position bits (`-vp`), named nodes kept (`-kn`: the
//! anchors), the same triangle target (`-si`) and textures as they are (gltfpack resizes only
//! when it re-encodes to KTX2/WebP). For each of the 14 site models (full and light: Disan's
//! `disan_pack::compress` on the generator's plain GLB) and for scan-like models (Disan's light
//! and full derivatives, `disan_relic::derive`, from the scan as uploaded): bytes, bytes
//! without images (the geometry each tool wrote), triangles; and the ratio to gltfpack. Then
//! each scan's derivatives and the largest site's models are drawn beside their source by
//! `<model-viewer>` from the same camera (`pictures.rs`): how far each tool's picture is from
//! the source's. gltfpack's npm build cannot write WebP, so it keeps the scan's JPEG where
//! Disan writes WebP.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use disan_assetgen::Detail;
use disan_assetgen::scan::ScanSpec;
use disan_relic::derive::Budget;
use disan_relic::{Limits, check};
use disan_types::admin::UpAxis;

/// Bytes of a GLB that are its images' views.
fn image_bytes(glb: &[u8]) -> u64 {
    let Ok((json, _)) = disan_pack::split(glb) else {
        return 0;
    };
    let doc: serde_json::Value = serde_json::from_slice(json).unwrap_or_default();
    let views = &doc["bufferViews"];
    doc["images"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["bufferView"].as_u64())
        .filter_map(|v| views[v as usize]["byteLength"].as_u64())
        .sum()
}

/// Triangles of a GLB as the upload checks count them (compressed input decoded).
fn triangles(glb: &[u8]) -> anyhow::Result<u64> {
    let model = check(glb, &Limits::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(model.report.triangles)
}

/// The longest side of the box of a plain GLB's meshes.
fn extent(glb: &[u8]) -> anyhow::Result<f32> {
    let facts = disan_catalog::ModelFacts::read(glb)?;
    let [min, max] = facts.bounds.context("the model has meshes")?;
    Ok((0..3).map(|k| max[k] - min[k]).fold(0.0, f32::max))
}

struct Row {
    name: String,
    ours: Vec<u8>,
    theirs: Vec<u8>,
    /// What both were made from, when the row's pictures are compared.
    source: Option<std::rc::Rc<Vec<u8>>>,
}

fn gltfpack(root: &Path, input: &[u8], bits: u32, ratio: f64) -> anyhow::Result<Vec<u8>> {
    let dir = tempfile::tempdir()?;
    let (i, o) = (dir.path().join("in.glb"), dir.path().join("out.glb"));
    std::fs::write(&i, input)?;
    let cli = root.join("bench/gltfpack/node_modules/gltfpack/cli.js");
    let mut cmd = Command::new("node");
    cmd.arg(&cli).arg("-i").arg(&i).arg("-o").arg(&o);
    cmd.args(["-c", "-kn", "-vp", &bits.to_string()]);
    if ratio < 1.0 {
        cmd.args(["-si", &format!("{ratio:.6}")]);
    }
    let out = cmd.output().context("node runs gltfpack")?;
    if !out.status.success() {
        bail!("gltfpack failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(std::fs::read(&o)?)
}

/// The site whose models' pictures are compared (the largest).
const PICTURED_SITE: &str = "doi-a1";

/// `pictures`: the `disan` binary and a web folder with model-viewer's files, to draw the
/// models (`cargo xtask bench models` passes them).
pub fn run(root: &Path, pictures: Option<(PathBuf, PathBuf)>) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for detail in [Detail::Full, Detail::Light] {
        for (slug, model) in disan_assetgen::models(detail) {
            let plain = model.to_plain_glb();
            let bits = disan_pack::position_bits(extent(&plain)?);
            let ours = disan_pack::compress(&plain)?;
            let theirs = gltfpack(root, &plain, bits, 1.0)?;
            let level = if detail == Detail::Full { "" } else { ".light" };
            eprintln!("{slug}{level}: {} vs {} bytes", ours.len(), theirs.len());
            rows.push(Row {
                name: format!("{slug}{level}"),
                ours,
                theirs,
                source: (slug == PICTURED_SITE).then(|| std::rc::Rc::new(plain)),
            });
        }
    }
    // Scan-like uploads: 600 k triangles with a 2048² JPEG, as a contractor delivers them.
    let spec = ScanSpec {
        cells: 548,
        tiles: 1,
        texture_px: 2048,
        size_m: 30.0,
        ..ScanSpec::default()
    };
    eprintln!("generating a scan of {} triangles…", spec.triangles());
    let scan = std::rc::Rc::new(spec.generate().to_glb());
    let model = check(&scan, &Limits::default()).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bits = disan_pack::position_bits(extent(&scan)?);
    for (name, budget) in [("scan full", Budget::FULL), ("scan light", Budget::LIGHT)] {
        let ours = disan_relic::derive::derive(&model, UpAxis::Y, budget);
        let ratio = budget.triangles as f64 / spec.triangles() as f64;
        let theirs = gltfpack(root, &scan, bits, ratio)?;
        rows.push(Row {
            name: format!("{name} ({}k tris)", budget.triangles / 1000),
            ours,
            theirs,
            source: Some(scan.clone()),
        });
    }

    println!(
        "\n| model | Disan bytes | gltfpack bytes | ratio | Disan without images | gltfpack without images | ratio | triangles Disan / gltfpack |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let (mut all_ours, mut all_theirs, mut geo_ours, mut geo_theirs) = (0u64, 0u64, 0u64, 0u64);
    for r in &rows {
        let (o, t) = (r.ours.len() as u64, r.theirs.len() as u64);
        let (go, gt) = (o - image_bytes(&r.ours), t - image_bytes(&r.theirs));
        all_ours += o;
        all_theirs += t;
        geo_ours += go;
        geo_theirs += gt;
        println!(
            "| {} | {o} | {t} | {:.2} | {go} | {gt} | {:.2} | {} / {} |",
            r.name,
            o as f64 / t as f64,
            go as f64 / gt as f64,
            triangles(&r.ours)?,
            triangles(&r.theirs)?
        );
    }
    println!(
        "| **all** | {all_ours} | {all_theirs} | {:.2} | {geo_ours} | {geo_theirs} | {:.2} | |",
        all_ours as f64 / all_theirs as f64,
        geo_ours as f64 / geo_theirs as f64
    );
    println!("\ngoal: ≤ 1.10 × gltfpack's bytes at the same triangles and texture size");
    if let Some((bin, web)) = pictures {
        print_pictures(root, &bin, &web, &rows)?;
    }
    Ok(())
}

fn print_pictures(root: &Path, bin: &Path, web: &Path, rows: &[Row]) -> anyhow::Result<()> {
    use crate::pictures::{Stills, VISIBLE, difference};
    let mut stills = Stills::start(bin, root, web)?;
    println!(
        "\n| model | PSNR Disan (dB) | PSNR gltfpack (dB) | pixels visibly off, Disan | gltfpack |"
    );
    println!("|---|---:|---:|---:|---:|");
    for r in rows {
        let Some(source) = &r.source else {
            continue;
        };
        eprintln!("drawing {} …", r.name);
        let before = stills.picture(&format!("{} source", r.name), source)?;
        let ours = difference(
            &before,
            &stills.picture(&format!("{} disan", r.name), &r.ours)?,
        );
        let theirs = difference(
            &before,
            &stills.picture(&format!("{} gltfpack", r.name), &r.theirs)?,
        );
        println!(
            "| {} | {:.1} | {:.1} | {:.2} % | {:.2} % |",
            r.name,
            ours.psnr,
            theirs.psnr,
            ours.visible * 100.0,
            theirs.visible * 100.0
        );
    }
    println!(
        "\nDrawn by <model-viewer> in headless Chromium, {VISIBLE}/255 a visible difference; \
         pictures in target/bench-models/."
    );
    Ok(())
}
