//! Published relics as the public API gives them (`/api/relics/{id}`, and listed with their
//! site in `/api/sites/{slug}`).

use serde::{Deserialize, Serialize};

use crate::admin::DublinCore;
use crate::{Localized, ModelRef, Position};

/// The page of a relic.
pub fn relic_url(id: i64) -> String {
    format!("/relic/{id}")
}

/// A published relic.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublicRelic {
    pub id: i64,
    /// Its page, `/relic/{id}`.
    pub url: String,
    pub title: Localized,
    pub description: Localized,
    pub object_type: Localized,
    pub period: Localized,
    pub material: Localized,
    pub dimensions: String,
    pub credits: String,
    pub licence: String,
    pub dublin_core: DublinCore,
    /// The site it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    /// Where it is: its own position, or its site's.
    pub position: Position,
    /// The model files, as for sites: the light one first, then the full one.
    pub models: Vec<ModelRef>,
    /// A still of the model (JPEG), shown before the 3D view and in link previews.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poster: Option<Poster>,
    /// Photos of it, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<PublicPhoto>,
    /// The model version shown.
    pub version: i64,
}

/// A relic's poster: a still of its model.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Poster {
    /// Absolute URL path, under `/relics/files/`.
    pub url: String,
    /// Path in the relic store.
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    /// The bytes of its half-width and WebP forms, stored at [`crate::picture::variant`]'s
    /// names; 0 for a poster drawn before there were any.
    #[serde(default)]
    pub variant_bytes: u64,
}

/// A photo of a relic, public while the relic is published.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPhoto {
    /// The photo as uploaded, under `/relics/files/`.
    pub url: String,
    pub path: String,
    /// A JPEG at most 480 pixels a side.
    pub thumb_url: String,
    pub thumb_path: String,
    pub width: u32,
    pub height: u32,
    pub caption: Localized,
}

/// The size every poster is drawn at.
pub const POSTER_SIZE: (u32, u32) = (800, 500);

/// A relic as listed with its site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelicLink {
    pub id: i64,
    pub title: Localized,
    pub url: String,
}
