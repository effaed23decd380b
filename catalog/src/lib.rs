//! Disan's site content as a library. The checks are pure functions on bytes — a site file
//! ([`site`]), a model ([`model`]), the province outline ([`province`]) — returning typed
//! [`Problem`]s (file, field, what is wrong), so the server, the command line, tools and future
//! uploads share them. [`Catalog::check`] puts a whole catalogue together from such bytes;
//! [`Catalog::load`] is the thin filesystem walk on top (`content/` and an assets folder).
//!
//! Architecture invariant: everything but [`Catalog::load`] does no IO.

pub mod model;
pub mod paths;
pub mod problem;
pub mod province;
pub mod site;

use std::collections::BTreeMap;
use std::path::Path;

use disan_types::{SiteDetail, SiteSummary};

pub use model::{ModelError, ModelFacts};
pub use problem::{Problem, Problems, What};
pub use province::Province;
pub use site::{AssetInfo, Assets, SiteFile};

/// The province outline, relative to the content folder.
pub const PROVINCE: &str = "province/dien-bien.geojson";
/// The folder of site files, relative to the content folder.
pub const SITES: &str = "sites";

/// The bytes a catalogue is made from: the outline, the site files by name (`doi-a1.toml`),
/// and what the asset store holds of the files they name.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// How to name the content folder in messages (e.g. `content`).
    pub content: String,
    pub province: Vec<u8>,
    pub sites: Vec<(String, Vec<u8>)>,
    pub assets: Assets,
}

/// All sites, checked, in a stable order, and the province they lie in.
#[derive(Debug, Clone)]
pub struct Catalog {
    sites: BTreeMap<String, SiteDetail>,
    province: Province,
}

impl Catalog {
    /// Checks every input and builds the catalogue, or lists every problem found.
    pub fn check(inputs: &Inputs) -> Result<Catalog, Problems> {
        let mut problems = Vec::new();
        let name = |file: &str| format!("{}/{file}", inputs.content);
        let province = match Province::parse(&inputs.province) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(Problem {
                    file: name(PROVINCE),
                    field: String::new(),
                    what: What::Province(e),
                });
                None
            }
        };
        if inputs.sites.is_empty() {
            problems.push(Problem {
                file: name(SITES),
                field: String::new(),
                what: What::NoSiteFiles,
            });
        }
        let mut sites: BTreeMap<String, SiteDetail> = BTreeMap::new();
        let mut files: BTreeMap<String, String> = BTreeMap::new();
        for (file_name, bytes) in &inputs.sites {
            let file = name(&format!("{SITES}/{file_name}"));
            let mut report = |field: &str, what: What| {
                problems.push(Problem {
                    file: file.clone(),
                    field: field.to_owned(),
                    what,
                })
            };
            let parsed = match SiteFile::parse(bytes) {
                Ok(site) => site,
                Err(what) => {
                    report("", what);
                    continue;
                }
            };
            let stem = file_name.strip_suffix(".toml").unwrap_or(file_name);
            let detail = site::check(
                stem,
                &parsed,
                &inputs.assets,
                province.as_ref(),
                &mut report,
            );
            if sites.contains_key(&parsed.slug) {
                report("slug", What::SlugTaken(parsed.slug.clone()));
                continue;
            }
            files.insert(parsed.slug.clone(), file);
            sites.insert(parsed.slug, detail);
        }
        for (slug, detail) in &sites {
            for (i, h) in detail.hotspots.iter().enumerate() {
                let Some(link) = &h.link else { continue };
                let what = match sites.get(&link.site) {
                    None => Some(What::LinkNotASite(link.site.clone())),
                    Some(_) if &link.site == slug => Some(What::LinkToSelf),
                    Some(target) => match link.stop {
                        Some(n) if n == 0 || n as usize > target.tour.len() => {
                            Some(What::LinkStop {
                                site: link.site.clone(),
                                stop: n,
                                stops: target.tour.len(),
                            })
                        }
                        _ => None,
                    },
                };
                if let Some(what) = what {
                    problems.push(Problem {
                        file: files[slug].clone(),
                        field: format!("hotspots[{i}].link"),
                        what,
                    });
                }
            }
        }
        match province {
            Some(province) if problems.is_empty() => Ok(Catalog { sites, province }),
            _ => Err(Problems(problems)),
        }
    }

    /// Reads `content_dir` (the outline and `sites/*.toml`) and what `assets_dir` holds of the
    /// files the sites name, then [`Catalog::check`]s them.
    pub fn load(content_dir: &Path, assets_dir: &Path) -> Result<Catalog, Problems> {
        Catalog::check(&Inputs::read(content_dir, assets_dir))
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
    pub fn province(&self) -> &Province {
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

impl Inputs {
    /// The filesystem walk: reads what [`Catalog::check`] needs from the two folders. A file
    /// that cannot be read is left out, so the check reports it as missing or unreadable.
    pub fn read(content_dir: &Path, assets_dir: &Path) -> Inputs {
        let mut inputs = Inputs {
            content: content_dir.display().to_string(),
            province: std::fs::read(content_dir.join(PROVINCE)).unwrap_or_default(),
            sites: Vec::new(),
            assets: Assets {
                store: assets_dir.display().to_string(),
                files: BTreeMap::new(),
            },
        };
        let mut names: Vec<String> = std::fs::read_dir(content_dir.join(SITES))
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .filter_map(|e| e.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        names.sort();
        for name in names {
            let Ok(bytes) = std::fs::read(content_dir.join(SITES).join(&name)) else {
                continue;
            };
            if let Ok(site) = SiteFile::parse(&bytes) {
                let full = site.full_model().map(str::to_owned);
                for path in site.asset_paths() {
                    if paths::safe_relative(&path).is_err() {
                        continue;
                    }
                    let file = assets_dir.join(&path);
                    let Ok(meta) = std::fs::metadata(&file) else {
                        continue;
                    };
                    if !meta.is_file() {
                        continue;
                    }
                    let glb = path.ends_with(".glb").then(|| std::fs::read(&file));
                    let model = (full.as_deref() == Some(path.as_str())).then(|| match &glb {
                        Some(Ok(b)) => ModelFacts::read(b),
                        Some(Err(e)) => Err(ModelError::NotGltf(e.to_string())),
                        None => Err(ModelError::NotGltf("not a .glb file".into())),
                    });
                    let footprint = match &glb {
                        Some(Ok(b)) => disan_pack::footprint(b),
                        _ => None,
                    };
                    inputs.assets.files.insert(
                        path,
                        AssetInfo {
                            bytes: meta.len(),
                            footprint,
                            model,
                        },
                    );
                }
            }
            inputs.sites.push((name, bytes));
        }
        inputs
    }
}
