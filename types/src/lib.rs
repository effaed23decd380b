//! Serde types shared by the Disan server and the viewer: the wire format of the HTTP API.
//!
//! Architecture invariant: this crate does no IO and builds for `wasm32-unknown-unknown`.
//! The viewer talks to the server only through these types.

use serde::{Deserialize, Serialize};

pub mod admin;
mod map;
pub mod picture;
pub mod relic;
pub mod rules;
mod search;

pub use map::{
    Feature, FeatureCollection, NearbyResponse, NearbySite, PointGeometry, SiteProperties,
};
pub use search::{Facets, HitKind, SearchHit, SearchResponse, SnippetPart};

/// A language of the user interface and of the content. Vietnamese comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Vi, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// Parses a language code such as `vi`, `en`, `en-GB` or `vi-VN`.
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A text given in every language of the product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub vi: String,
    pub en: String,
}

impl Localized {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }
}

/// What kind of place a site is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    Museum,
    HistoricRelic,
    Monument,
    Natural,
    Spiritual,
    CulturalVillage,
}

impl SiteKind {
    pub const ALL: [SiteKind; 6] = [
        SiteKind::Museum,
        SiteKind::HistoricRelic,
        SiteKind::Monument,
        SiteKind::Natural,
        SiteKind::Spiritual,
        SiteKind::CulturalVillage,
    ];

    /// The code used in JSON and in query strings, e.g. `historic_relic`.
    pub fn code(self) -> &'static str {
        match self {
            SiteKind::Museum => "museum",
            SiteKind::HistoricRelic => "historic_relic",
            SiteKind::Monument => "monument",
            SiteKind::Natural => "natural",
            SiteKind::Spiritual => "spiritual",
            SiteKind::CulturalVillage => "cultural_village",
        }
    }

    pub fn from_code(code: &str) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> Localized {
        let (vi, en) = match self {
            SiteKind::Museum => ("Bảo tàng", "Museum"),
            SiteKind::HistoricRelic => ("Di tích lịch sử", "Historic relic"),
            SiteKind::Monument => ("Tượng đài", "Monument"),
            SiteKind::Natural => ("Danh thắng", "Natural site"),
            SiteKind::Spiritual => ("Di tích tâm linh", "Spiritual site"),
            SiteKind::CulturalVillage => ("Bản văn hoá", "Cultural village"),
        };
        Localized {
            vi: vi.to_owned(),
            en: en.to_owned(),
        }
    }
}

/// A WGS84 position with how far it may be from the truth.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    /// Radius within which the real place lies; large for estimated positions.
    pub accuracy_m: u32,
}

/// The administrative unit a site lies in, after the 1 July 2025 reorganisation and before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commune {
    pub current: String,
    pub former: String,
}

/// One entry of `GET /api/sites`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteSummary {
    pub slug: String,
    pub name: Localized,
    /// Serialised as `type`.
    #[serde(rename = "type")]
    pub kind: SiteKind,
    pub position: Position,
    pub commune: Commune,
    pub summary: Localized,
    /// Where the web app opens this site's tour, e.g. `/tour/doi-a1`.
    pub tour_url: String,
    /// The 2D tour, e.g. `/tour/doi-a1/2d`: plain HTML, works without JavaScript or WebGL.
    pub tour_2d_url: String,
}

/// How detailed a model is, least first: the light one is shown first, the full one replaces
/// it, and the high one (large textures, more triangles) replaces that when the visitor asks
/// for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelLevel {
    Light,
    Full,
    High,
}

/// A model file of a site, as served under `/assets/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelRef {
    pub level: ModelLevel,
    /// Absolute URL path, e.g. `/assets/models/doi-a1.glb`.
    pub url: String,
    /// Path relative to the assets root, e.g. `models/doi-a1.glb`.
    pub path: String,
    pub bytes: u64,
    /// The graphics memory the model takes once shown (`disan_pack::gpu_bytes`), so a page can
    /// choose a level before downloading it; 0 when not known.
    #[serde(default)]
    pub gpu_bytes: u64,
    /// The longest side of its textures in pixels (`disan_pack::footprint`), so a page skips a
    /// level the device's largest texture cannot hold; 0 when none or not known.
    #[serde(default)]
    pub texture_side: u32,
}

/// Where the camera looks from: a point on the model, angles in radians and a distance in
/// metres (yaw about the vertical axis, pitch above the horizon).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct CameraPose {
    pub target: [f32; 3],
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
}

/// One stop of a site's guided tour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TourStop {
    /// The named point of the model the stop looks at.
    pub anchor: String,
    pub pose: CameraPose,
    pub caption: Localized,
    /// A still image of the stop for the 2D tour, e.g. `/assets/tours/doi-a1/1.jpg` (640 × 400;
    /// also at half width and as WebP, at `picture::variant`'s names).
    pub image: String,
    /// The still's size in bytes, all its forms (`picture::VARIANTS`) together: what keeping
    /// the 2D tour offline takes.
    #[serde(default)]
    pub image_bytes: u64,
}

/// Where a hotspot leads: another site, optionally at one of its tour stops (numbered from 1).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub site: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop: Option<u32>,
}

/// A marked point on the model with a short text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hotspot {
    pub id: String,
    pub anchor: String,
    /// The anchor's position in the model (metres, Y up).
    pub position: [f32; 3],
    pub title: Localized,
    pub text: Localized,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Link>,
}

/// `GET /api/sites/{slug}`: everything the viewer needs to show a site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SiteDetail {
    #[serde(flatten)]
    pub site: SiteSummary,
    pub description: Localized,
    pub ranking: Localized,
    pub visiting: Localized,
    pub models: Vec<ModelRef>,
    pub tour: Vec<TourStop>,
    pub hotspots: Vec<Hotspot>,
    pub sources: Vec<String>,
    /// The published relics kept at the site.
    #[serde(default)]
    pub relics: Vec<relic::RelicLink>,
}

impl SiteDetail {
    /// The model to show first: the least detailed.
    pub fn first_model(&self) -> Option<&ModelRef> {
        self.models.iter().min_by_key(|m| m.level)
    }
}

/// What the viewer shows: a site's or a relic's models, with the tour and hotspots a site has.
/// The JSON of a [`SiteDetail`] and of a [`relic::PublicRelic`] (whose `title` is the name)
/// both read as a scene; other fields are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scene {
    #[serde(alias = "title")]
    pub name: Localized,
    pub models: Vec<ModelRef>,
    #[serde(default)]
    pub tour: Vec<TourStop>,
    #[serde(default)]
    pub hotspots: Vec<Hotspot>,
}

impl Scene {
    /// The model to show first: the least detailed.
    pub fn first_model(&self) -> Option<&ModelRef> {
        self.models.iter().min_by_key(|m| m.level)
    }

    /// The model to show after one of `level`: the least detailed of those more detailed.
    pub fn next_model(&self, level: ModelLevel) -> Option<&ModelRef> {
        self.models
            .iter()
            .filter(|m| m.level > level)
            .min_by_key(|m| m.level)
    }
}

/// The JSON body of every error response: a stable code and a readable message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    pub error: ErrorCode,
    pub message: String,
}

/// The stable, machine-readable code of an error response (`"error"` in the body), for
/// clients to match on; each has one HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No route or no file at the path (404).
    NotFound,
    /// No site with the slug in the path (404).
    UnknownSite,
    /// A file path with `..`, a hidden name or the like (400).
    BadPath,
    /// A `Range` header outside the file (416).
    BadRange,
    /// A query parameter that cannot be used; the message names it (400).
    BadParameter,
    /// A search without words or a point (400).
    EmptyQuery,
    /// A search of more than 200 characters (400).
    QueryTooLong,
    /// The web app has not been built (503).
    NotBuilt,
    /// The file store failed (500).
    Storage,
    /// The search index failed (500).
    SearchFailed,
    /// A staff route without a valid session or API token (401).
    Unauthenticated,
    /// A staff route the account's role does not allow (403).
    Forbidden,
    /// A change through the session cookie without the session's CSRF token (403).
    BadCsrf,
    /// The database failed (500).
    Database,
    /// An uploaded model with problems; the body lists every one (422).
    InvalidModel,
    /// A relic's metadata with problems; the body lists every one (422).
    InvalidRelic,
    /// An upload longer than the limit, or more bytes than it said (413).
    UploadTooLarge,
    /// An upload's offset is not the server's, it is in use, or it is not finished (409).
    UploadConflict,
    /// A tus request without `Tus-Resumable: 1.0.0` (412).
    TusVersion,
    /// A body of a type the route does not take (415).
    UnsupportedMedia,
    /// A change the relic's state does not allow, e.g. restoring a relic not deleted (409).
    WrongState,
}

impl ErrorCode {
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::NotFound,
        ErrorCode::UnknownSite,
        ErrorCode::BadPath,
        ErrorCode::BadRange,
        ErrorCode::BadParameter,
        ErrorCode::EmptyQuery,
        ErrorCode::QueryTooLong,
        ErrorCode::NotBuilt,
        ErrorCode::Storage,
        ErrorCode::SearchFailed,
        ErrorCode::Unauthenticated,
        ErrorCode::Forbidden,
        ErrorCode::BadCsrf,
        ErrorCode::Database,
        ErrorCode::InvalidModel,
        ErrorCode::InvalidRelic,
        ErrorCode::UploadTooLarge,
        ErrorCode::UploadConflict,
        ErrorCode::TusVersion,
        ErrorCode::UnsupportedMedia,
        ErrorCode::WrongState,
    ];

    /// The code as written in JSON, e.g. `unknown_site`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::NotFound => "not_found",
            ErrorCode::UnknownSite => "unknown_site",
            ErrorCode::BadPath => "bad_path",
            ErrorCode::BadRange => "bad_range",
            ErrorCode::BadParameter => "bad_parameter",
            ErrorCode::EmptyQuery => "empty_query",
            ErrorCode::QueryTooLong => "query_too_long",
            ErrorCode::NotBuilt => "not_built",
            ErrorCode::Storage => "storage",
            ErrorCode::SearchFailed => "search_failed",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::BadCsrf => "bad_csrf",
            ErrorCode::Database => "database",
            ErrorCode::InvalidModel => "invalid_model",
            ErrorCode::InvalidRelic => "invalid_relic",
            ErrorCode::UploadTooLarge => "upload_too_large",
            ErrorCode::UploadConflict => "upload_conflict",
            ErrorCode::TusVersion => "tus_version",
            ErrorCode::UnsupportedMedia => "unsupported_media",
            ErrorCode::WrongState => "wrong_state",
        }
    }

    /// The HTTP status answered with this code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::NotFound | ErrorCode::UnknownSite => 404,
            ErrorCode::BadPath
            | ErrorCode::BadParameter
            | ErrorCode::EmptyQuery
            | ErrorCode::QueryTooLong => 400,
            ErrorCode::BadRange => 416,
            ErrorCode::NotBuilt => 503,
            ErrorCode::Unauthenticated => 401,
            ErrorCode::InvalidModel | ErrorCode::InvalidRelic => 422,
            ErrorCode::UploadTooLarge => 413,
            ErrorCode::UploadConflict | ErrorCode::WrongState => 409,
            ErrorCode::TusVersion => 412,
            ErrorCode::UnsupportedMedia => 415,
            ErrorCode::Forbidden | ErrorCode::BadCsrf => 403,
            ErrorCode::Storage | ErrorCode::SearchFailed | ErrorCode::Database => 500,
        }
    }
}

impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.code() == *other
    }
}

/// `GET /healthz`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub sites: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_kind_codes_match_serde() {
        for kind in SiteKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.code());
            assert_eq!(SiteKind::from_code(kind.code()), Some(kind));
        }
        assert_eq!(SiteKind::from_code("castle"), None);
    }

    #[test]
    fn error_codes_compare_with_their_serde_names() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_value(code).unwrap();
            assert!(code == json.as_str().unwrap(), "{code:?}");
            assert!((400..600).contains(&code.status()));
        }
        assert!(ErrorCode::UnknownSite == "unknown_site");
        assert!(ErrorCode::NotFound != "unknown_site");
    }

    #[test]
    fn sites_and_relics_read_as_scenes() {
        let model = r#"{"level": "full", "url": "/relics/files/models/a.glb", "path": "models/a.glb", "bytes": 9}"#;
        let relic = format!(
            r#"{{"id": 1, "title": {{"vi": "Pháo", "en": "Gun"}}, "models": [{model}], "site": "doi-a1"}}"#
        );
        let scene: Scene = serde_json::from_str(&relic).unwrap();
        assert_eq!(scene.name.en, "Gun");
        assert!(scene.tour.is_empty() && scene.hotspots.is_empty());
        assert_eq!(scene.first_model().unwrap().bytes, 9);
    }

    #[test]
    fn levels_are_shown_least_detailed_first() {
        let model = |level: &str, bytes: u64| {
            serde_json::json!({"level": level, "url": "/m.glb", "path": "m.glb", "bytes": bytes,
                "gpu_bytes": bytes * 4, "texture_side": 4096})
        };
        let scene: Scene = serde_json::from_value(serde_json::json!({
            "name": {"vi": "A", "en": "A"},
            "models": [model("high", 300), model("full", 200), model("light", 100)],
        }))
        .unwrap();
        let bytes = |m: Option<&ModelRef>| m.map(|m| m.bytes);
        assert_eq!(bytes(scene.first_model()), Some(100));
        assert_eq!(bytes(scene.next_model(ModelLevel::Light)), Some(200));
        assert_eq!(bytes(scene.next_model(ModelLevel::Full)), Some(300));
        assert_eq!(bytes(scene.next_model(ModelLevel::High)), None);
        assert_eq!(scene.models[0].texture_side, 4096);
        // Without the full level (too big for the device), the high one follows the light.
        let mut skipped = scene.clone();
        skipped.models.retain(|m| m.level != ModelLevel::Full);
        assert_eq!(bytes(skipped.next_model(ModelLevel::Light)), Some(300));
    }

    #[test]
    fn lang_codes() {
        for (code, want) in [
            ("vi", Some(Lang::Vi)),
            ("vi-VN", Some(Lang::Vi)),
            ("EN", Some(Lang::En)),
            ("en_GB", Some(Lang::En)),
            ("fr", None),
            ("", None),
        ] {
            assert_eq!(Lang::from_code(code), want, "{code}");
        }
    }

    #[test]
    fn detail_flattens_summary() {
        let json = serde_json::json!({
            "slug": "x", "name": {"vi": "X", "en": "X"}, "type": "historic_relic",
            "position": {"lat": 21.0, "lon": 103.0, "accuracy_m": 300},
            "commune": {"current": "a", "former": "b"},
            "summary": {"vi": "s", "en": "s"}, "tour_url": "/tour/x", "tour_2d_url": "/tour/x/2d",
            "description": {"vi": "d", "en": "d"}, "ranking": {"vi": "r", "en": "r"},
            "visiting": {"vi": "v", "en": "v"},
            "models": [{"level": "full", "url": "/assets/m.glb", "path": "m.glb", "bytes": 3}],
            "tour": [{"anchor": "a", "caption": {"vi": "c", "en": "c"}, "image": "/assets/tours/x/1.jpg",
                      "pose": {"target": [0.0, 1.0, 2.0], "yaw": 0.5, "pitch": 0.4, "distance": 30.0}}],
            "hotspots": [{"id": "h", "anchor": "a", "position": [0.0, 1.0, 2.0],
                          "title": {"vi": "t", "en": "t"}, "text": {"vi": "x", "en": "x"},
                          "link": {"site": "y", "stop": 2}}],
            "sources": []
        });
        let d: SiteDetail = serde_json::from_value(json).unwrap();
        assert_eq!(d.site.kind, SiteKind::HistoricRelic);
        assert_eq!(d.first_model().unwrap().url, "/assets/m.glb");
    }
}
