//! Generates Disan's site models deterministically from code: the same source always writes
//! the same GLB bytes, so the committed files in `assets/models/` can be checked for drift.

pub mod glb;
pub mod mesh;
pub mod picture;
pub mod render;
pub mod scan;
pub mod sites;
pub mod texture;

use std::path::{Path, PathBuf};

use anyhow::Context;

pub use glb::{Detail, Model};

/// Every generated model at one level of detail, by site slug.
pub fn models(detail: Detail) -> Vec<(&'static str, Model)> {
    type Build = fn(Detail) -> Model;
    let sites: [(&'static str, Build); 14] = [
        ("bao-tang-chien-thang-dien-bien-phu", sites::museum),
        ("doi-a1", sites::hill_a1),
        ("ham-do-cat", sites::de_castries_bunker),
        (
            "tuong-dai-chien-thang-dien-bien-phu",
            sites::victory_monument,
        ),
        ("doi-him-lam", sites::him_lam_hill),
        ("doi-doc-lap", sites::doc_lap_hill),
        ("so-chi-huy-chien-dich-muong-phang", sites::command_post),
        ("deo-pha-din", sites::pha_din_pass),
        ("ho-pa-khoang", sites::pa_khoang_lake),
        ("a-pa-chai", sites::a_pa_chai),
        ("pu-vap", sites::pu_vap),
        ("thanh-ban-phu", sites::ban_phu_citadel),
        ("ban-men", sites::ban_men),
        ("thap-muong-luan", sites::muong_luan_stupa),
    ];
    sites
        .into_iter()
        .map(|(slug, build)| (slug, build(detail)))
        .collect()
}

/// Where a site's model lives below the assets folder (`disan_types::rules::model_path`).
pub fn model_path(slug: &str, detail: Detail) -> PathBuf {
    let level = match detail {
        Detail::Full => disan_types::ModelLevel::Full,
        Detail::Light => disan_types::ModelLevel::Light,
    };
    PathBuf::from(disan_types::rules::model_path(slug, level))
}

/// What was written for one site.
#[derive(Debug, Clone)]
pub struct Written {
    pub slug: &'static str,
    pub detail: Detail,
    pub path: PathBuf,
    pub bytes: usize,
    pub triangles: usize,
}

/// Writes every model below `assets_dir`, replacing each file atomically.
pub fn write_all(assets_dir: &Path) -> anyhow::Result<Vec<Written>> {
    let mut out = Vec::new();
    let all = models(Detail::Full)
        .into_iter()
        .chain(models(Detail::Light))
        .map(|(slug, m)| (slug, m.detail, m));
    for (slug, detail, model) in all {
        let path = assets_dir.join(model_path(slug, detail));
        let glb = model.to_glb();
        write_file(&path, &glb)?;
        out.push(Written {
            slug,
            detail,
            path,
            bytes: glb.len(),
            triangles: model.triangles(),
        });
    }
    Ok(out)
}

pub use disan_types::rules::TOUR_IMAGE_SIZE;

/// `model` seen from `pose` in every stored form ([`picture::variants`], the full-width JPEG
/// first): what the 2D tour and the landing pages show for that stop.
pub fn tour_pictures(model: &Model, pose: render::Pose) -> anyhow::Result<Vec<picture::Variant>> {
    let (w, h) = TOUR_IMAGE_SIZE;
    let img = render::render(model, pose, w, h);
    picture::variants(&img.rgb, w, h)
}

/// Writes `bytes` to `path` atomically, creating its folder.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path.parent().context("file has a folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("replacing {}", path.display()))
}
