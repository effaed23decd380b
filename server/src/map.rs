//! The sites on the map: `GET /api/nearby` (sites by great-circle distance from a point) and
//! `GET /api/sites.geojson` (every site as an RFC 7946 point feature).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use disan_types::{
    Feature, FeatureCollection, NearbyResponse, NearbySite, PointGeometry, SiteProperties,
};
use serde::Deserialize;

use crate::AppState;
use crate::search::distance_km;

/// Default search radius of `/api/nearby`.
pub const DEFAULT_RADIUS_KM: f64 = 50.0;
/// Largest radius accepted: half the Earth's circumference covers every point.
pub const MAX_RADIUS_KM: f64 = 20_050.0;

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("{0}")]
    BadParameter(String),
}

impl ResponseError for MapError {
    fn status_code(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    fn error_response(&self) -> HttpResponse {
        crate::error_body(self.status_code(), "bad_parameter", self)
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/nearby", web::get().to(nearby))
        .route("/api/sites.geojson", web::get().to(geojson));
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NearbyParams {
    lat: Option<String>,
    lon: Option<String>,
    radius_km: Option<String>,
}

fn coordinate(name: &str, value: Option<&str>, max: f64) -> Result<f64, MapError> {
    let value = value.ok_or_else(|| MapError::BadParameter(format!("`{name}` is missing")))?;
    match value.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= max => Ok(v),
        _ => Err(MapError::BadParameter(format!(
            "`{name}` must be a number of degrees from −{max} to {max}, not {value:?}"
        ))),
    }
}

async fn nearby(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, MapError> {
    let p: NearbyParams = serde_urlencoded::from_str(req.query_string())
        .map_err(|e| MapError::BadParameter(format!("bad query string: {e}")))?;
    let lat = coordinate("lat", p.lat.as_deref(), 90.0)?;
    let lon = coordinate("lon", p.lon.as_deref(), 180.0)?;
    let radius_km = match p.radius_km.as_deref() {
        None => DEFAULT_RADIUS_KM,
        Some(text) => match text.trim().parse::<f64>() {
            Ok(r) if r.is_finite() && r > 0.0 && r <= MAX_RADIUS_KM => r,
            _ => {
                return Err(MapError::BadParameter(format!(
                    "`radius_km` must be a number above 0 and at most {MAX_RADIUS_KM}, not {text:?}"
                )));
            }
        },
    };
    let mut sites: Vec<NearbySite> = state
        .catalog
        .summaries()
        .map(|s| NearbySite {
            distance_km: distance_km((lat, lon), (s.position.lat, s.position.lon)),
            site: s.clone(),
        })
        .filter(|n| n.distance_km <= radius_km)
        .collect();
    sites.sort_by(|a, b| a.distance_km.total_cmp(&b.distance_km));
    Ok(HttpResponse::Ok().json(NearbyResponse {
        lat,
        lon,
        radius_km,
        sites,
    }))
}

/// Rounds a coordinate to 6 decimals (about 0.1 m), as RFC 7946 § 11.2 suggests.
fn round6(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

/// Every site as a GeoJSON point feature, `[lon, lat]`.
pub fn feature_collection(state: &AppState) -> FeatureCollection {
    FeatureCollection {
        kind: "FeatureCollection".into(),
        features: state
            .catalog
            .summaries()
            .map(|s| Feature {
                kind: "Feature".into(),
                id: s.slug.clone(),
                geometry: PointGeometry {
                    kind: "Point".into(),
                    coordinates: [round6(s.position.lon), round6(s.position.lat)],
                },
                properties: SiteProperties {
                    slug: s.slug.clone(),
                    name: s.name.clone(),
                    site_type: s.kind,
                    accuracy_m: s.position.accuracy_m,
                    commune: s.commune.current.clone(),
                    tour_url: s.tour_url.clone(),
                },
            })
            .collect(),
    }
}

async fn geojson(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/geo+json")
        .insert_header(("cache-control", "public, max-age=300"))
        .body(serde_json::to_string(&feature_collection(&state)).unwrap_or_default())
}
