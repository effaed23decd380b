//! The province outline (`content/province/dien-bien.geojson`) and the test that a position lies
//! inside it.

use std::path::Path;

use geo::{Closest, ClosestPoint, Contains, Distance, Haversine, LineString, Point, Polygon};

/// How far outside the simplified outline a site may lie.
pub const TOLERANCE_M: f64 = 1_000.0;

#[derive(Debug, Clone)]
pub struct Province {
    outline: Polygon<f64>,
}

impl Province {
    /// Reads the first polygon of a GeoJSON FeatureCollection, Feature or geometry.
    pub fn load(path: &Path) -> Result<Province, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read: {e}"))?;
        let json: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("is not JSON: {e}"))?;
        let geometry = match json["type"].as_str() {
            Some("FeatureCollection") => &json["features"][0]["geometry"],
            Some("Feature") => &json["geometry"],
            _ => &json,
        };
        let rings = match geometry["type"].as_str() {
            Some("Polygon") => &geometry["coordinates"],
            Some("MultiPolygon") => &geometry["coordinates"][0],
            other => return Err(format!("has no polygon (geometry type {other:?})")),
        };
        let ring = |v: &serde_json::Value| -> Result<LineString<f64>, String> {
            v.as_array()
                .ok_or("ring is not an array")?
                .iter()
                .map(|c| match (c[0].as_f64(), c[1].as_f64()) {
                    (Some(lon), Some(lat)) => Ok((lon, lat)),
                    _ => Err("coordinate is not [lon, lat]".to_owned()),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(LineString::from)
        };
        let rings = rings.as_array().ok_or("polygon has no rings")?;
        let exterior = ring(rings.first().ok_or("polygon has no rings")?)?;
        if exterior.0.len() < 4 {
            return Err("outline has fewer than 4 points".into());
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
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/province/dien-bien.geojson");
        let p = Province::load(&path).unwrap();
        // Điện Biên Phủ (inside), A Pa Chải (on the tri-border, inside within tolerance).
        assert_eq!(p.distance_outside_m(21.3869, 103.0156), 0.0);
        assert!(p.distance_outside_m(22.400638, 102.143919) < TOLERANCE_M);
        // Hà Nội and Sơn La city are far outside.
        assert!(p.distance_outside_m(21.0285, 105.8542) > 100_000.0);
        assert!(p.distance_outside_m(21.3256, 103.9188) > 10_000.0);
    }
}
