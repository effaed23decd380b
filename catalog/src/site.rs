//! One site file (`content/sites/<slug>.toml`) read from its bytes and checked against what
//! the asset store holds: pure functions, every problem reported with its field.

use std::collections::BTreeMap;

use disan_types::picture;
use disan_types::rules::{self, HOTSPOTS, PITCH, STOP_DISTANCE, TOUR_STOPS};
use disan_types::{
    CameraPose, Commune, Hotspot, Link, Localized, ModelLevel, ModelRef, Position, SiteDetail,
    SiteKind, SiteSummary, TourStop,
};
use serde::Deserialize;
use unicode_normalization::is_nfc;

use crate::model::{ModelError, ModelFacts};
use crate::paths::safe_relative;
use crate::problem::What;
use crate::province::{self, Province};

/// One site file as people write it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteFile {
    pub slug: String,
    #[serde(rename = "type")]
    pub kind: SiteKind,
    pub name: Localized,
    pub summary: Localized,
    pub description: Localized,
    pub ranking: Localized,
    pub visiting: Localized,
    pub position: Position,
    pub commune: Commune,
    pub models: Vec<ModelFile>,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub tour: Vec<StopFile>,
    #[serde(default)]
    pub hotspots: Vec<HotspotFile>,
}

/// A tour stop: looks at an anchor of the full model from these angles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopFile {
    pub anchor: String,
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
    pub caption: Localized,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotspotFile {
    pub id: String,
    pub anchor: String,
    pub title: Localized,
    pub text: Localized,
    #[serde(default)]
    pub link: Option<Link>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    pub level: ModelLevel,
    /// Path in the asset store, e.g. `models/doi-a1.glb`.
    pub path: String,
}

impl SiteFile {
    /// Reads a site file from its bytes.
    pub fn parse(bytes: &[u8]) -> Result<SiteFile, What> {
        let text = std::str::from_utf8(bytes).map_err(|_| What::NotUtf8)?;
        toml::from_str(text).map_err(|e| What::NotASiteFile(e.message().to_owned()))
    }

    /// The full model's path, if the file names one.
    pub fn full_model(&self) -> Option<&str> {
        self.models
            .iter()
            .find(|m| m.level == ModelLevel::Full)
            .map(|m| m.path.as_str())
    }

    /// The asset store paths this site needs: its models and its tour stills.
    pub fn asset_paths(&self) -> Vec<String> {
        let models = self.models.iter().map(|m| m.path.clone());
        let stills = (1..=self.tour.len())
            .flat_map(|n| picture::every(&rules::tour_image_path(&self.slug, n)));
        models.chain(stills).collect()
    }
}

/// What the checks know of a file in the asset store.
#[derive(Debug, Clone, PartialEq)]
pub struct AssetInfo {
    pub bytes: u64,
    /// For a model: what it asks of the graphics device once shown (`disan_pack::footprint`).
    pub footprint: Option<disan_pack::Footprint>,
    /// For a site's full model: the facts read from its bytes.
    pub model: Option<Result<ModelFacts, ModelError>>,
}

/// The files of the asset store that the checks looked at, by path, and the store's name for
/// messages (e.g. the folder).
#[derive(Debug, Clone, Default)]
pub struct Assets {
    pub store: String,
    pub files: BTreeMap<String, AssetInfo>,
}

/// Checks one parsed site file named `file_stem`.toml against the assets and the province;
/// reports each problem with its field and returns the site's API form.
pub fn check(
    file_stem: &str,
    site: &SiteFile,
    assets: &Assets,
    province: Option<&Province>,
    report: &mut dyn FnMut(&str, What),
) -> SiteDetail {
    if !rules::is_valid_slug(&site.slug) {
        report("slug", What::BadSlug(site.slug.clone()));
    }
    if file_stem != site.slug {
        report("slug", What::SlugNotFileName(site.slug.clone()));
    }
    for (field, text) in [
        ("name", &site.name),
        ("summary", &site.summary),
        ("description", &site.description),
        ("ranking", &site.ranking),
        ("visiting", &site.visiting),
    ] {
        check_text(field, text, report);
    }
    let p = &site.position;
    if !(-90.0..=90.0).contains(&p.lat) || !(-180.0..=180.0).contains(&p.lon) {
        report(
            "position",
            What::NotWgs84 {
                lat: p.lat,
                lon: p.lon,
            },
        );
    } else if let Some(province) = province {
        let metres = province.distance_outside_m(p.lat, p.lon);
        if metres > province::TOLERANCE_M {
            report(
                "position",
                What::OutsideProvince {
                    lat: p.lat,
                    lon: p.lon,
                    metres,
                },
            );
        }
    }
    for (i, source) in site.sources.iter().enumerate() {
        if looks_like_a_path(source) {
            report(
                &format!("sources[{i}]"),
                What::SourceIsAPath(source.clone()),
            );
        }
    }
    let models = check_models(site, assets, report);
    let anchors = match site.full_model().and_then(|p| assets.files.get(p)) {
        Some(AssetInfo {
            model: Some(Ok(facts)),
            ..
        }) => Some(&facts.anchors),
        Some(AssetInfo {
            model: Some(Err(e)),
            ..
        }) => {
            report("models", What::Model(e.clone()));
            None
        }
        // Without a readable full model (already reported), anchors cannot be checked.
        _ => None,
    };
    let (mut tour, hotspots) = check_tour(site, anchors, report);
    for (i, stop) in tour.iter_mut().enumerate() {
        let path = rules::tour_image_path(&site.slug, i + 1);
        match assets.files.get(&path) {
            Some(file) => stop.image_bytes = file.bytes,
            None => report(
                &format!("tour[{i}]"),
                What::MissingTourImage(format!("{}/{path}", assets.store)),
            ),
        }
        // Its half-width and WebP forms, which the pages offer in `srcset` (and a saved place
        // keeps, whichever the browser picks).
        for &(size, format) in &picture::VARIANTS[1..] {
            let variant = picture::variant(&path, size, format);
            match assets.files.get(&variant) {
                Some(file) => stop.image_bytes += file.bytes,
                None if assets.files.contains_key(&path) => report(
                    &format!("tour[{i}]"),
                    What::MissingTourImage(format!("{}/{variant}", assets.store)),
                ),
                None => {}
            }
        }
        debug_assert_eq!(stop.image, rules::asset_url(&path));
    }
    SiteDetail {
        site: SiteSummary {
            tour_url: rules::tour_url(&site.slug),
            tour_2d_url: rules::tour_2d_url(&site.slug),
            slug: site.slug.clone(),
            name: site.name.clone(),
            kind: site.kind,
            position: site.position,
            commune: site.commune.clone(),
            summary: site.summary.clone(),
        },
        description: site.description.clone(),
        ranking: site.ranking.clone(),
        visiting: site.visiting.clone(),
        models,
        tour,
        hotspots,
        sources: site.sources.clone(),
        relics: Vec::new(),
    }
}

/// A source must be something a reader can find, not a file of the build environment.
fn looks_like_a_path(source: &str) -> bool {
    let s = source.trim();
    s.starts_with('/')
        || s.starts_with("./")
        || s.starts_with("../")
        || s.contains("/../")
        || [".csv", ".toml", ".txt", ".json", ".md"]
            .iter()
            .any(|ext| s.split_whitespace().any(|w| w.ends_with(ext)))
}

fn check_models(
    site: &SiteFile,
    assets: &Assets,
    report: &mut dyn FnMut(&str, What),
) -> Vec<ModelRef> {
    if site.models.is_empty() {
        report("models", What::NoModels);
    } else {
        let count = |level| site.models.iter().filter(|m| m.level == level).count();
        if count(ModelLevel::Full) != 1 {
            report("models", What::FullModels(count(ModelLevel::Full)));
        }
        if count(ModelLevel::Light) > 1 {
            report("models", What::LightModels);
        }
    }
    let mut refs = Vec::new();
    for (i, model) in site.models.iter().enumerate() {
        let field = format!("models[{i}].path");
        if !model.path.ends_with(".glb") {
            report(&field, What::NotGlb(model.path.clone()));
        }
        if let Err(reason) = safe_relative(&model.path) {
            report(
                &field,
                What::UnsafePath {
                    path: model.path.clone(),
                    reason,
                },
            );
            continue;
        }
        match assets.files.get(&model.path) {
            None => report(
                &field,
                What::MissingAsset {
                    path: model.path.clone(),
                    store: assets.store.clone(),
                },
            ),
            Some(info) => refs.push(ModelRef {
                level: model.level,
                url: rules::asset_url(&model.path),
                path: model.path.clone(),
                bytes: info.bytes,
                gpu_bytes: info.footprint.unwrap_or_default().gpu_bytes,
                texture_side: info.footprint.unwrap_or_default().texture_side,
            }),
        }
    }
    refs
}

/// Checks the tour and the hotspots against the model's anchors and builds their API form.
fn check_tour(
    site: &SiteFile,
    anchors: Option<&BTreeMap<String, [f32; 3]>>,
    report: &mut dyn FnMut(&str, What),
) -> (Vec<TourStop>, Vec<Hotspot>) {
    let anchor = |field: &str, name: &str, report: &mut dyn FnMut(&str, What)| {
        let Some(anchors) = anchors else {
            return [0.0; 3];
        };
        let found = anchors.get(name).copied();
        if found.is_none() {
            report(
                field,
                What::UnknownAnchor {
                    name: name.to_owned(),
                    known: anchors.keys().cloned().collect(),
                },
            );
        }
        found.unwrap_or_default()
    };
    if !TOUR_STOPS.contains(&site.tour.len()) {
        report("tour", What::TourLength(site.tour.len()));
    }
    if !HOTSPOTS.contains(&site.hotspots.len()) {
        report("hotspots", What::HotspotCount(site.hotspots.len()));
    }
    let mut tour = Vec::new();
    for (i, stop) in site.tour.iter().enumerate() {
        let field = format!("tour[{i}]");
        let target = anchor(&format!("{field}.anchor"), &stop.anchor, report);
        if !stop.yaw.is_finite() {
            report(&format!("{field}.yaw"), What::NotANumber);
        }
        if !PITCH.contains(&stop.pitch) {
            report(&format!("{field}.pitch"), What::Pitch(stop.pitch));
        }
        if !STOP_DISTANCE.contains(&stop.distance) {
            report(&format!("{field}.distance"), What::Distance(stop.distance));
        }
        check_text(&format!("{field}.caption"), &stop.caption, report);
        tour.push(TourStop {
            anchor: stop.anchor.clone(),
            pose: CameraPose {
                target,
                yaw: stop.yaw,
                pitch: stop.pitch,
                distance: stop.distance,
            },
            caption: stop.caption.clone(),
            image: rules::asset_url(&rules::tour_image_path(&site.slug, i + 1)),
            image_bytes: 0,
        });
    }
    let mut hotspots: Vec<Hotspot> = Vec::new();
    for (i, h) in site.hotspots.iter().enumerate() {
        let field = format!("hotspots[{i}]");
        if !rules::is_valid_hotspot_id(&h.id) {
            report(&format!("{field}.id"), What::BadSlug(h.id.clone()));
        } else if hotspots.iter().any(|o| o.id == h.id) {
            report(&format!("{field}.id"), What::DuplicateHotspot(h.id.clone()));
        }
        let position = anchor(&format!("{field}.anchor"), &h.anchor, report);
        check_text(&format!("{field}.title"), &h.title, report);
        check_text(&format!("{field}.text"), &h.text, report);
        hotspots.push(Hotspot {
            id: h.id.clone(),
            anchor: h.anchor.clone(),
            position,
            title: h.title.clone(),
            text: h.text.clone(),
            link: h.link.clone(),
        });
    }
    (tour, hotspots)
}

/// Both languages present and NFC.
fn check_text(field: &str, text: &Localized, report: &mut dyn FnMut(&str, What)) {
    for (lang, value) in [("vi", &text.vi), ("en", &text.en)] {
        if value.trim().is_empty() {
            report(&format!("{field}.{lang}"), What::EmptyText);
        } else if !is_nfc(value) {
            report(&format!("{field}.{lang}"), What::NotNfc);
        }
    }
}
