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
    /// The model version shown.
    pub version: i64,
}

/// A relic as listed with its site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelicLink {
    pub id: i64,
    pub title: Localized,
    pub url: String,
}
