//! The province outline (`content/province/dien-bien.geojson`, GeoJSON) read from its bytes,
//! and the test that a position lies inside it.

use geo::{Closest, ClosestPoint, Contains, Distance, Haversine, LineString, Point, Polygon};

/// How far outside the simplified outline a site may lie.
pub const TOLERANCE_M: f64 = 1_000.0;

/// What is wrong with an outline file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProvinceError {
    #[error("is not JSON: {0}")]
    NotJson(String),
    #[error("has no polygon (geometry type {0:?})")]
    NoPolygon(Option<String>),
    #[error("polygon has no rings")]
    NoRings,
    #[error("ring is not an array")]
    RingNotArray,
    #[error("coordinate is not [lon, lat]")]
    BadCoordinate,
    #[error("outline has fewer than 4 points")]
    TooFewPoints,
}

#[derive(Debug, Clone)]
pub struct Province {
    outline: Polygon<f64>,
}

impl Province {
    /// Reads the first polygon of a GeoJSON FeatureCollection, Feature or geometry.
    pub fn parse(bytes: &[u8]) -> Result<Province, ProvinceError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| ProvinceError::NotJson(e.to_string()))?;
        let geometry = match json["type"].as_str() {
            Some("FeatureCollection") => &json["features"][0]["geometry"],
            Some("Feature") => &json["geometry"],
            _ => &json,
        };
        let rings = match geometry["type"].as_str() {
            Some("Polygon") => &geometry["coordinates"],
            Some("MultiPolygon") => &geometry["coordinates"][0],
            other => return Err(ProvinceError::NoPolygon(other.map(str::to_owned))),
        };
        let ring = |v: &serde_json::Value| -> Result<LineString<f64>, ProvinceError> {
            v.as_array()
                .ok_or(ProvinceError::RingNotArray)?
                .iter()
                .map(|c| match (c[0].as_f64(), c[1].as_f64()) {
                    (Some(lon), Some(lat)) => Ok((lon, lat)),
                    _ => Err(ProvinceError::BadCoordinate),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(LineString::from)
        };
        let rings = rings.as_array().ok_or(ProvinceError::NoRings)?;
        let exterior = ring(rings.first().ok_or(ProvinceError::NoRings)?)?;
        if exterior.0.len() < 4 {
            return Err(ProvinceError::TooFewPoints);
        }
        let interiors = rings[1..].iter().map(ring).collect::<Result<Vec<_>, _>>()?;
        Ok(Province {
            outline: Polygon::new(exterior, interiors),
        })
    }

    /// The outline (x = longitude, y = latitude).
    pub fn outline(&self) -> &Polygon<f64> {
        &self.outline
    }

    /// Metres from (lat, lon) to the province: 0 inside.
    pub fn distance_outside_m(&self, lat: f64, lon: f64) -> f64 {
        let p = Point::new(lon, lat);
        if self.outline.contains(&p) {
            return 0.0;
        }
        match self.outline.exterior().closest_point(&p) {
            Closest::Intersection(_) => 0.0,
            Closest::SinglePoint(q) => Haversine.distance(p, q),
            Closest::Indeterminate => f64::INFINITY,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_and_neighbours() {
        let bytes = include_bytes!("../../content/province/dien-bien.geojson");
        let p = Province::parse(bytes).unwrap();
        // Điện Biên Phủ (inside), A Pa Chải (on the tri-border, inside within tolerance).
        assert_eq!(p.distance_outside_m(21.3869, 103.0156), 0.0);
        assert!(p.distance_outside_m(22.400638, 102.143919) < TOLERANCE_M);
        // Hà Nội and Sơn La city are far outside.
        assert!(p.distance_outside_m(21.0285, 105.8542) > 100_000.0);
        assert!(p.distance_outside_m(21.3256, 103.9188) > 10_000.0);
    }

    #[test]
    fn broken_outlines() {
        for (text, want) in [
            ("nope", "is not JSON"),
            (r#"{"type":"Point","coordinates":[1,2]}"#, "has no polygon"),
            (
                r#"{"type":"Polygon","coordinates":[[[1,2],[3,4]]]}"#,
                "fewer than 4",
            ),
            (
                r#"{"type":"Polygon","coordinates":[[[1,"x"]]]}"#,
                "[lon, lat]",
            ),
        ] {
            let e = Province::parse(text.as_bytes()).unwrap_err().to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }
}
