//! Every way site content can be wrong, as a type: a [`Problem`] names the file, the field and
//! [`What`] is wrong, so the server, the command line and future uploads can all report it.

use std::fmt;

use crate::model::ModelError;
use crate::province::ProvinceError;

/// One thing wrong with the content, located by file and field (`tour[2].pitch`; empty when
/// the whole file is meant).
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: String,
    pub field: String,
    pub what: What,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file, self.what)
        } else {
            write!(f, "{}: {}: {}", self.file, self.field, self.what)
        }
    }
}

/// What is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum What {
    #[error("province outline {0}")]
    Province(ProvinceError),
    #[error("no site files (*.toml)")]
    NoSiteFiles,
    #[error("cannot be read: {0}")]
    Unreadable(String),
    #[error("is not valid UTF-8")]
    NotUtf8,
    #[error("is not a valid site file: {0}")]
    NotASiteFile(String),
    #[error("{0:?} must be lowercase ASCII words joined by '-'")]
    BadSlug(String),
    #[error("{0:?} does not match the file name")]
    SlugNotFileName(String),
    #[error("{0:?} is used by another file")]
    SlugTaken(String),
    #[error("is empty")]
    EmptyText,
    #[error("is not NFC-normalised")]
    NotNfc,
    #[error("({lat}, {lon}) is not a WGS84 latitude/longitude")]
    NotWgs84 { lat: f64, lon: f64 },
    #[error("({lat}, {lon}) is {:.1} km outside Điện Biên province", .metres / 1000.0)]
    OutsideProvince { lat: f64, lon: f64, metres: f64 },
    #[error("a site needs at least one model")]
    NoModels,
    #[error("needs exactly one full model, has {0}")]
    FullModels(usize),
    #[error("has more than one light model")]
    LightModels,
    #[error("{0:?} is not a .glb file")]
    NotGlb(String),
    #[error("{path:?} is not a plain relative path ({reason})")]
    UnsafePath { path: String, reason: &'static str },
    #[error("{path:?} does not exist in {store}")]
    MissingAsset { path: String, store: String },
    #[error("the full model {0}")]
    Model(ModelError),
    #[error("has {0} stops; a tour has {min} to {max}", min = disan_types::rules::TOUR_STOPS.start(), max = disan_types::rules::TOUR_STOPS.end())]
    TourLength(usize),
    #[error("has {0} hotspots; a site has {min} to {max}", min = disan_types::rules::HOTSPOTS.start(), max = disan_types::rules::HOTSPOTS.end())]
    HotspotCount(usize),
    #[error("anchor {name:?} is not in the model (it has: {})", .known.join(", "))]
    UnknownAnchor { name: String, known: Vec<String> },
    #[error("is not a number")]
    NotANumber,
    #[error("{0} is not between {min:.2} and {max:.2} radians", min = disan_types::rules::PITCH.start(), max = disan_types::rules::PITCH.end())]
    Pitch(f32),
    #[error("{0} is not between {min} and {max} m", min = disan_types::rules::STOP_DISTANCE.start(), max = disan_types::rules::STOP_DISTANCE.end())]
    Distance(f32),
    #[error("the 2D tour image {0} is missing (run `cargo xtask assets`)")]
    MissingTourImage(String),
    #[error("{0:?} is used twice")]
    DuplicateHotspot(String),
    #[error("links to {0:?}, which is not a site")]
    LinkNotASite(String),
    #[error("links to its own site")]
    LinkToSelf,
    #[error("links to stop {stop} of {site:?}, which has {stops} stops")]
    LinkStop {
        site: String,
        stop: u32,
        stops: usize,
    },
    #[error(
        "{0:?} is a file path; cite a public document (outlet, title and date, or the ranking decision)"
    )]
    SourceIsAPath(String),
}

/// All the problems of one content check.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("content has {} problem(s):\n{}", .0.len(), list(.0))]
pub struct Problems(pub Vec<Problem>);

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  - {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}
