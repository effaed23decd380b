//! The map API: `GET /api/nearby` and `GET /api/sites.geojson` (RFC 7946).

use serde::{Deserialize, Serialize};

use crate::{Localized, SiteKind, SiteSummary};

/// A site and how far it is from the point asked about.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NearbySite {
    /// Great-circle distance in kilometres.
    pub distance_km: f64,
    #[serde(flatten)]
    pub site: SiteSummary,
}

/// `GET /api/nearby?lat=..&lon=..&radius_km=..`: the sites within the radius, nearest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NearbyResponse {
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
    pub sites: Vec<NearbySite>,
}

/// A GeoJSON `FeatureCollection` of sites.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureCollection {
    /// Always `"FeatureCollection"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub features: Vec<Feature>,
}

/// One site as a GeoJSON `Feature` with a point geometry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Feature {
    /// Always `"Feature"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The site's slug.
    pub id: String,
    pub geometry: PointGeometry,
    pub properties: SiteProperties,
}

/// A GeoJSON `Point`: `[longitude, latitude]`, in that order (RFC 7946 § 3.1.1).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PointGeometry {
    /// Always `"Point"`.
    #[serde(rename = "type")]
    pub kind: String,
    pub coordinates: [f64; 2],
}

/// What a site's feature carries besides its point.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteProperties {
    pub slug: String,
    pub name: Localized,
    #[serde(rename = "type")]
    pub site_type: SiteKind,
    pub accuracy_m: u32,
    pub commune: String,
    pub tour_url: String,
}
