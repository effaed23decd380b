//! The sites on the map: `GET /map.svg` (the province outline with a pin per site, drawn on
//! the server so the page shows it without WebGL or the viewer), `GET /api/nearby` (sites by
//! great-circle distance from a point) and `GET /api/sites.geojson` (RFC 7946 points).

use actix_web::{HttpRequest, HttpResponse, web};
use disan_types::{
    Feature, FeatureCollection, NearbyResponse, NearbySite, PointGeometry, SiteProperties,
};
use serde::Deserialize;

use std::fmt::Write;

use disan_types::Lang;

use crate::AppState;
use disan_catalog::Catalog;
use disan_search::distance_km;

/// Default search radius of `/api/nearby`.
pub const DEFAULT_RADIUS_KM: f64 = 50.0;
/// Largest radius accepted: half the Earth's circumference covers every point.
pub const MAX_RADIUS_KM: f64 = 20_050.0;

#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("{0}")]
    BadParameter(String),
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/map.svg", web::get().to(svg))
        .route("/api/nearby", web::get().to(nearby))
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

async fn nearby(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, crate::Error> {
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
                ))
                .into());
            }
        },
    };
    let mut sites: Vec<NearbySite> = state
        .snapshot()
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
pub fn feature_collection(catalog: &Catalog) -> FeatureCollection {
    FeatureCollection {
        kind: "FeatureCollection".into(),
        features: catalog
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
        .body(
            serde_json::to_string(&feature_collection(&state.snapshot().catalog))
                .unwrap_or_default(),
        )
}

/// Width of the map's view box; the height follows the province's shape.
pub const MAP_WIDTH: f64 = 1000.0;
const MAP_MARGIN: f64 = 24.0;

/// Projects longitude/latitude onto the map: equirectangular, with longitudes shortened by the
/// cosine of the province's middle latitude so that shapes keep their proportions.
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    min_lon: f64,
    max_lat: f64,
    scale_x: f64,
    scale_y: f64,
    /// Height of the view box.
    pub height: f64,
}

impl Projection {
    pub fn fit(outline: &geo::Polygon<f64>) -> Projection {
        let (mut min_lon, mut max_lon) = (f64::INFINITY, f64::NEG_INFINITY);
        let (mut min_lat, mut max_lat) = (f64::INFINITY, f64::NEG_INFINITY);
        for c in outline.exterior().coords() {
            min_lon = min_lon.min(c.x);
            max_lon = max_lon.max(c.x);
            min_lat = min_lat.min(c.y);
            max_lat = max_lat.max(c.y);
        }
        let shrink = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let scale_x = (MAP_WIDTH - 2.0 * MAP_MARGIN) / ((max_lon - min_lon) * shrink) * shrink;
        let scale_y = scale_x / shrink;
        Projection {
            min_lon,
            max_lat,
            scale_x,
            scale_y,
            height: (max_lat - min_lat) * scale_y + 2.0 * MAP_MARGIN,
        }
    }

    /// `(x, y)` in the view box, y down.
    pub fn point(&self, lat: f64, lon: f64) -> (f64, f64) {
        (
            MAP_MARGIN + (lon - self.min_lon) * self.scale_x,
            MAP_MARGIN + (self.max_lat - lat) * self.scale_y,
        )
    }
}

struct Pin<'a> {
    url: &'a str,
    slug: &'a str,
    name: &'a str,
    kind: &'static str,
    x: String,
    y: String,
}

#[derive(askama::Template)]
#[template(path = "map.svg", escape = "html")]
struct MapSvg<'a> {
    width: f64,
    height: String,
    lang: &'static str,
    title: &'static str,
    outline: String,
    pins: Vec<Pin<'a>>,
    attribution_x: f64,
    attribution_y: f64,
    attribution: &'static str,
}

/// The province map as an SVG document (askama template `templates/map.svg`): the outline, a
/// link per site (a pin with the site's name as its accessible name and tooltip), and the
/// outline's attribution.
pub fn map_svg(catalog: &Catalog, lang: Lang) -> String {
    use askama::Template;
    let outline = catalog.province().outline();
    let proj = Projection::fit(outline);
    let t = |vi: &'static str, en: &'static str| if lang == Lang::Vi { vi } else { en };
    let mut path = String::new();
    for (i, c) in outline.exterior().coords().enumerate() {
        let (x, y) = proj.point(c.y, c.x);
        let _ = write!(path, "{}{x:.1} {y:.1}", if i == 0 { "M" } else { "L" });
    }
    path.push('Z');
    let pins = catalog
        .summaries()
        .map(|s| {
            let (x, y) = proj.point(s.position.lat, s.position.lon);
            Pin {
                url: &s.tour_url,
                slug: &s.slug,
                name: s.name.get(lang),
                kind: s.kind.code(),
                x: format!("{x:.1}"),
                y: format!("{y:.1}"),
            }
        })
        .collect();
    MapSvg {
        width: MAP_WIDTH,
        height: format!("{:.0}", proj.height),
        lang: lang.code(),
        title: t(
            "Bản đồ tỉnh Điện Biên và các điểm di tích",
            "Map of Điện Biên province and its sites",
        ),
        outline: path,
        pins,
        attribution_x: MAP_WIDTH - 4.0,
        attribution_y: MAP_MARGIN,
        attribution: t(
            "Ranh giới tỉnh: geoBoundaries, CC BY-SA 4.0",
            "Province outline: geoBoundaries, CC BY-SA 4.0",
        ),
    }
    .render()
    .unwrap_or_else(|e| format!("<!-- template error: {e} -->"))
}

async fn svg(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let lang = crate::tour2d::language(&req);
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header(("cache-control", "public, max-age=300"))
        .insert_header(("vary", "Accept-Language"))
        .body(state.snapshot().map_svg.get(lang).to_owned())
}
