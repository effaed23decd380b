//! The site catalogue: reads `content/sites/*.toml` (the source of truth), checks it against
//! the models and the province outline, and reports every problem at once with its file and
//! field.

pub mod model;
pub mod province;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use disan_types::{
    CameraPose, Commune, Hotspot, Link, Localized, ModelLevel, ModelRef, Position, SiteDetail,
    SiteKind, SiteSummary, TourStop,
};
use serde::Deserialize;
use unicode_normalization::is_nfc;

/// One site file as people write it.
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StopFile {
    pub anchor: String,
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
    pub caption: Localized,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotspotFile {
    pub id: String,
    pub anchor: String,
    pub title: Localized,
    pub text: Localized,
    #[serde(default)]
    pub link: Option<Link>,
}

/// How many tour stops and hotspots a site has.
pub const TOUR_STOPS: std::ops::RangeInclusive<usize> = 4..=8;
pub const HOTSPOTS: std::ops::RangeInclusive<usize> = 3..=6;
/// The province outline, relative to the content folder.
pub const PROVINCE: &str = "province/dien-bien.geojson";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    pub level: ModelLevel,
    /// Path relative to the assets folder.
    pub path: String,
}

/// One thing wrong with the content, located by file and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: PathBuf,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}: {}: {}",
                self.file.display(),
                self.field,
                self.message
            )
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("cannot read content folder {path}: {source}")]
    ReadDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("content has {} problem(s):\n{}", .0.len(), list(.0))]
    Invalid(Vec<Problem>),
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// All sites, checked, in a stable order, and the province they lie in.
#[derive(Debug, Clone)]
pub struct Catalog {
    sites: BTreeMap<String, SiteDetail>,
    province: province::Province,
}

impl Catalog {
    /// Loads and checks `content_dir/sites/*.toml` against the files in `assets_dir`.
    pub fn load(content_dir: &Path, assets_dir: &Path) -> Result<Catalog, ContentError> {
        let sites_dir = content_dir.join("sites");
        let entries = std::fs::read_dir(&sites_dir).map_err(|source| ContentError::ReadDir {
            path: sites_dir.clone(),
            source,
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();

        let mut problems = Vec::new();
        let mut sites = BTreeMap::new();
        let mut links = Vec::new();
        let province_path = content_dir.join(PROVINCE);
        let province = match province::Province::load(&province_path) {
            Ok(p) => Some(p),
            Err(message) => {
                problems.push(Problem {
                    file: province_path,
                    field: String::new(),
                    message: format!("province outline {message}"),
                });
                None
            }
        };
        if files.is_empty() {
            problems.push(Problem {
                file: sites_dir.clone(),
                field: String::new(),
                message: "no site files (*.toml)".into(),
            });
        }
        for file in files {
            let mut report = |field: &str, message: String| {
                problems.push(Problem {
                    file: file.clone(),
                    field: field.to_owned(),
                    message,
                })
            };
            let text = match std::fs::read(&file).map(String::from_utf8) {
                Ok(Ok(text)) => text,
                Ok(Err(_)) => {
                    report("", "is not valid UTF-8".into());
                    continue;
                }
                Err(e) => {
                    report("", format!("cannot be read: {e}"));
                    continue;
                }
            };
            let site: SiteFile = match toml::from_str(&text) {
                Ok(site) => site,
                Err(e) => {
                    report("", format!("is not a valid site file: {}", e.message()));
                    continue;
                }
            };
            check_site(&file, &site, assets_dir, &mut report);
            if let Some(province) = &province {
                let off = province.distance_outside_m(site.position.lat, site.position.lon);
                if off > province::TOLERANCE_M {
                    report(
                        "position",
                        format!(
                            "({}, {}) is {:.1} km outside Điện Biên province",
                            site.position.lat,
                            site.position.lon,
                            off / 1000.0
                        ),
                    );
                }
            }
            // Without a readable full model (already reported), anchors cannot be checked.
            let model_file = site
                .models
                .iter()
                .find(|m| m.level == ModelLevel::Full)
                .map(|m| assets_dir.join(&m.path))
                .filter(|p| p.is_file());
            let anchors = match model_file.map(|p| model::anchors(&p)) {
                Some(Ok(a)) => Some(a),
                Some(Err(message)) => {
                    report("models", format!("the full model {message}"));
                    None
                }
                None => None,
            };
            let (tour, hotspots) = check_tour(&site, &anchors, &mut report);
            for (i, stop) in tour.iter().enumerate() {
                let file = assets_dir.join(stop.image.trim_start_matches("/assets/"));
                if !file.is_file() {
                    report(
                        &format!("tour[{i}]"),
                        format!(
                            "the 2D tour image {} is missing (run `cargo xtask assets`)",
                            file.display()
                        ),
                    );
                }
            }
            for (i, h) in site.hotspots.iter().enumerate() {
                if let Some(link) = &h.link {
                    links.push((
                        file.clone(),
                        format!("hotspots[{i}].link"),
                        site.slug.clone(),
                        link.clone(),
                    ));
                }
            }
            if sites.contains_key(&site.slug) {
                report("slug", format!("{:?} is used by another file", site.slug));
                continue;
            }
            let models = site
                .models
                .iter()
                .map(|m| ModelRef {
                    level: m.level,
                    url: format!("/assets/{}", m.path),
                    path: m.path.clone(),
                    bytes: std::fs::metadata(assets_dir.join(&m.path))
                        .map(|md| md.len())
                        .unwrap_or(0),
                })
                .collect();
            let detail = SiteDetail {
                site: SiteSummary {
                    tour_url: format!("/tour/{}", site.slug),
                    tour_2d_url: format!("/tour/{}/2d", site.slug),
                    slug: site.slug.clone(),
                    name: site.name,
                    kind: site.kind,
                    position: site.position,
                    commune: site.commune,
                    summary: site.summary,
                },
                description: site.description,
                ranking: site.ranking,
                visiting: site.visiting,
                models,
                tour,
                hotspots,
                sources: site.sources,
            };
            sites.insert(site.slug, detail);
        }
        for (file, field, from, link) in links {
            let message = match sites.get(&link.site) {
                None => Some(format!("links to {:?}, which is not a site", link.site)),
                Some(_) if link.site == from => Some("links to its own site".to_owned()),
                Some(target) => match link.stop {
                    Some(n) if n == 0 || n as usize > target.tour.len() => Some(format!(
                        "links to stop {n} of {:?}, which has {} stops",
                        link.site,
                        target.tour.len()
                    )),
                    _ => None,
                },
            };
            if let Some(message) = message {
                problems.push(Problem {
                    file,
                    field,
                    message,
                });
            }
        }
        match province {
            Some(province) if problems.is_empty() => Ok(Catalog { sites, province }),
            _ => Err(ContentError::Invalid(problems)),
        }
    }

    pub fn len(&self) -> usize {
        self.sites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    pub fn get(&self, slug: &str) -> Option<&SiteDetail> {
        self.sites.get(slug)
    }

    /// The province outline.
    pub fn province(&self) -> &province::Province {
        &self.province
    }

    /// Every site, in slug order.
    pub fn sites(&self) -> impl Iterator<Item = &SiteDetail> {
        self.sites.values()
    }

    pub fn summaries(&self) -> impl Iterator<Item = &SiteSummary> {
        self.sites.values().map(|d| &d.site)
    }
}

/// A slug is lowercase ASCII letters, digits and single hyphens: it appears in URLs.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn check_site(
    file: &Path,
    site: &SiteFile,
    assets_dir: &Path,
    report: &mut dyn FnMut(&str, String),
) {
    if !is_valid_slug(&site.slug) {
        report(
            "slug",
            format!(
                "{:?} must be lowercase ASCII words joined by '-'",
                site.slug
            ),
        );
    }
    if file.file_stem().and_then(|s| s.to_str()) != Some(site.slug.as_str()) {
        report(
            "slug",
            format!("{:?} does not match the file name", site.slug),
        );
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
            format!("({}, {}) is not a WGS84 latitude/longitude", p.lat, p.lon),
        );
    }
    if site.models.is_empty() {
        report("models", "a site needs at least one model".into());
    } else {
        let count = |level| site.models.iter().filter(|m| m.level == level).count();
        if count(ModelLevel::Full) != 1 {
            report(
                "models",
                format!(
                    "needs exactly one full model, has {}",
                    count(ModelLevel::Full)
                ),
            );
        }
        if count(ModelLevel::Light) > 1 {
            report("models", "has more than one light model".into());
        }
    }
    for (i, model) in site.models.iter().enumerate() {
        let field = format!("models[{i}].path");
        if !model.path.ends_with(".glb") {
            report(&field, format!("{:?} is not a .glb file", model.path));
        }
        if crate::files::safe_relative(&model.path).is_err() {
            report(
                &field,
                format!("{:?} is not a plain relative path", model.path),
            );
        } else if !assets_dir.join(&model.path).is_file() {
            report(
                &field,
                format!(
                    "{:?} does not exist in {}",
                    model.path,
                    assets_dir.display()
                ),
            );
        }
    }
}

/// Checks the tour and the hotspots against the model's anchors and builds their API form.
fn check_tour(
    site: &SiteFile,
    anchors: &Option<BTreeMap<String, [f32; 3]>>,
    report: &mut dyn FnMut(&str, String),
) -> (Vec<TourStop>, Vec<Hotspot>) {
    let anchor = |field: &str, name: &str, report: &mut dyn FnMut(&str, String)| {
        let Some(anchors) = anchors else {
            return [0.0; 3];
        };
        let found = anchors.get(name).copied();
        if found.is_none() {
            let known: Vec<&str> = anchors.keys().map(String::as_str).collect();
            report(
                field,
                format!(
                    "anchor {name:?} is not in the model (it has: {})",
                    known.join(", ")
                ),
            );
        }
        found.unwrap_or_default()
    };
    if !TOUR_STOPS.contains(&site.tour.len()) {
        report(
            "tour",
            format!(
                "has {} stops; a tour has {} to {}",
                site.tour.len(),
                TOUR_STOPS.start(),
                TOUR_STOPS.end()
            ),
        );
    }
    if !HOTSPOTS.contains(&site.hotspots.len()) {
        report(
            "hotspots",
            format!(
                "has {} hotspots; a site has {} to {}",
                site.hotspots.len(),
                HOTSPOTS.start(),
                HOTSPOTS.end()
            ),
        );
    }
    let mut tour = Vec::new();
    for (i, stop) in site.tour.iter().enumerate() {
        let field = format!("tour[{i}]");
        let target = anchor(&format!("{field}.anchor"), &stop.anchor, report);
        if !(stop.yaw.is_finite()) {
            report(&format!("{field}.yaw"), "is not a number".into());
        }
        if !(0.05..=1.52).contains(&stop.pitch) {
            report(
                &format!("{field}.pitch"),
                format!("{} is not between 0.05 and 1.52 radians", stop.pitch),
            );
        }
        if !(1.0..=2000.0).contains(&stop.distance) {
            report(
                &format!("{field}.distance"),
                format!("{} is not between 1 and 2000 m", stop.distance),
            );
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
            image: format!("/assets/tours/{}/{}.jpg", site.slug, i + 1),
        });
    }
    let mut hotspots: Vec<Hotspot> = Vec::new();
    for (i, h) in site.hotspots.iter().enumerate() {
        let field = format!("hotspots[{i}]");
        if !is_valid_slug(&h.id) {
            report(
                &format!("{field}.id"),
                format!("{:?} must be lowercase ASCII words joined by '-'", h.id),
            );
        } else if hotspots.iter().any(|o| o.id == h.id) {
            report(&format!("{field}.id"), format!("{:?} is used twice", h.id));
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
fn check_text(field: &str, text: &Localized, report: &mut dyn FnMut(&str, String)) {
    for (lang, value) in [("vi", &text.vi), ("en", &text.en)] {
        if value.trim().is_empty() {
            report(&format!("{field}.{lang}"), "is empty".into());
        } else if !is_nfc(value) {
            report(&format!("{field}.{lang}"), "is not NFC-normalised".into());
        }
    }
}
