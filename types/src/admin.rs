//! The staff API (`/api/admin/…`): roles, who is logged in, the audit log.

use serde::{Deserialize, Serialize};

/// What a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Uploads, edits and publishes relics.
    Editor,
    /// An editor who also deletes, restores and manages users.
    Admin,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Editor, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether this role may do what `needed` may.
    pub fn includes(self, needed: Role) -> bool {
        self == Role::Admin || self == needed
    }
}

/// How a request proved who sent it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// The session cookie of a login in the browser.
    Session,
    /// An API token (`Authorization: Bearer …`).
    Token,
}

/// `GET /api/admin/me`: who the request is from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: Role,
    pub via: AuthMethod,
    /// The session's CSRF token, to send as `X-CSRF-Token` with every change made through the
    /// session cookie (absent for API tokens, which need none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf: Option<String>,
}

/// One line of the audit log: who did what, when, to which relic and version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix time, seconds.
    pub at: i64,
    /// The staff member's name; `cli` for the command line on the server.
    pub actor: String,
    /// What was done, e.g. `login`, `logout`, `login_failed`, `user_add`, `token_add`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relic: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// More about it (e.g. the account or token concerned).
    #[serde(default)]
    pub detail: String,
}

/// `GET /api/admin/audit`: newest first; `next_before` pages on (`?before=`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_before: Option<i64>,
}

/// How bad a problem with an uploaded model is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The model is refused.
    Error,
    /// The model is accepted; staff should know.
    Warning,
}

/// One problem found in an uploaded model: a stable code, where it is (a file, a glTF path
/// such as `accessors[3]`, a zip entry), and what is wrong in both languages.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelProblem {
    pub code: String,
    pub severity: Severity,
    pub at: String,
    pub message: crate::Localized,
}

/// A texture of an uploaded model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TextureInfo {
    /// `images[N]` and its file name when it has one.
    pub at: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

/// What staff see of a model before publishing it.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct ModelReport {
    /// `glb`, `gltf` (JSON with embedded data) or `zip` (a `.gltf` with its files).
    pub format: String,
    /// Size of the upload.
    pub bytes: u64,
    pub triangles: u64,
    pub vertices: u64,
    pub meshes: u32,
    pub primitives: u32,
    pub materials: u32,
    pub textures: Vec<TextureInfo>,
    /// Width, height and depth of the scene's bounding box, in model units (metres).
    pub size: [f64; 3],
    /// The box's centre: far from the origin for georeferenced scans.
    pub center: [f64; 3],
    /// Extensions the model uses.
    pub extensions: Vec<String>,
    /// What is accepted but worth knowing (budgets, units).
    pub warnings: Vec<ModelProblem>,
}

/// The 422 body of a refused model or metadata: every problem found, in one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub error: crate::ErrorCode,
    pub message: String,
    pub problems: Vec<ModelProblem>,
}

/// Where a relic is: at one of the sites, or at its own position in the province.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct RelicPlace {
    /// A site's slug.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

/// The Dublin Core fields a museum fills for an object.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct DublinCore {
    /// The museum's inventory number or another identifier.
    pub identifier: String,
    /// Who made the object.
    pub creator: String,
    /// When it was made (free text or ISO 8601, e.g. `1954`, `1954-05-07`).
    pub date: String,
    /// Rights over the object and its images.
    pub rights: String,
    /// Where the object or the record comes from.
    pub source: String,
}

/// What staff write about a relic; every metadata version is one of these.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct RelicMeta {
    /// Required in both languages.
    pub title: crate::Localized,
    /// Required in both languages.
    pub description: crate::Localized,
    pub place: RelicPlace,
    /// E.g. weapon, tool, vehicle, document, structure.
    pub object_type: crate::Localized,
    /// Period or date, e.g. "1954".
    pub period: crate::Localized,
    pub material: crate::Localized,
    /// E.g. "34 × 20 × 8 cm".
    pub dimensions: String,
    /// Who scanned and processed the model.
    pub credits: String,
    /// The model's licence, e.g. "CC BY 4.0".
    pub licence: String,
    pub dublin_core: DublinCore,
    /// The model's up axis as scanned: `y` (glTF's) or `z`.
    pub up_axis: UpAxis,
}

/// A model's up axis as delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpAxis {
    #[default]
    Y,
    Z,
}

/// Where a relic is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RelicState {
    Draft,
    Published,
    Unpublished,
}

impl RelicState {
    pub fn code(self) -> &'static str {
        match self {
            RelicState::Draft => "draft",
            RelicState::Published => "published",
            RelicState::Unpublished => "unpublished",
        }
    }

    pub fn from_code(code: &str) -> Option<RelicState> {
        [
            RelicState::Draft,
            RelicState::Published,
            RelicState::Unpublished,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// Where a model version's derivatives are: being made (in the background, after the
/// upload was checked and stored), ready, or failed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelStatus {
    Processing,
    #[default]
    Ready,
    Failed,
}

impl ModelStatus {
    pub fn code(self) -> &'static str {
        match self {
            ModelStatus::Processing => "processing",
            ModelStatus::Ready => "ready",
            ModelStatus::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<ModelStatus> {
        [
            ModelStatus::Processing,
            ModelStatus::Ready,
            ModelStatus::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// How far the making of a version's derivatives is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Steps done, of `of`.
    pub done: u32,
    pub of: u32,
    /// The step under way (`queued`, `full`, `poster`, `light`), or why it failed.
    pub step: String,
}

/// One model version as staff see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    pub version: i64,
    /// Whether its derivatives are ready; until they are, the relic shows the version before
    /// (or, for a new relic, cannot be published).
    #[serde(default)]
    pub status: ModelStatus,
    #[serde(default)]
    pub progress: Progress,
    /// The upload's file name.
    pub master_name: String,
    /// SHA-256 of the master as uploaded (kept untouched).
    pub master: String,
    /// Where staff download the master, byte for byte as uploaded.
    pub master_url: String,
    pub report: ModelReport,
    /// Where staff get the model the viewer loads (self-contained GLB, recentred, Y up);
    /// the public gets it under `/relics/files/` while this version is published.
    pub full_url: String,
    pub full_bytes: u64,
    /// Where staff get the light model (the first view: a few thousand triangles).
    pub light_url: String,
    pub light_bytes: u64,
    /// Where staff get the high level (the scan's own detail, shown on a visitor's request);
    /// empty when the master holds no more than the full model keeps.
    #[serde(default)]
    pub high_url: String,
    #[serde(default)]
    pub high_bytes: u64,
    /// Where staff get the poster (a JPEG still of the model); empty for versions made
    /// before posters were.
    #[serde(default)]
    pub poster_url: String,
    /// Estimated download of the full model: seconds over 3G and 4G.
    pub download_s: Download,
    pub created_by: String,
    pub created_at: i64,
}

/// Seconds a download takes over typical mobile links (3G: 1.6 Mbit/s, 4G: 9 Mbit/s, with a
/// round trip of latency).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Download {
    pub g3: f64,
    pub g4: f64,
}

impl Download {
    pub fn of(bytes: u64) -> Download {
        let bits = bytes as f64 * 8.0;
        Download {
            g3: 0.3 + bits / 1.6e6,
            g4: 0.15 + bits / 9.0e6,
        }
    }
}

/// A relic as staff see it (`/api/admin/relics/{id}`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminRelic {
    pub id: i64,
    pub state: RelicState,
    pub deleted: bool,
    pub meta_version: i64,
    pub meta: RelicMeta,
    /// The current model version.
    pub model: ModelVersion,
    /// Every model version, newest first.
    pub versions: Vec<ModelVersion>,
    /// Its photos, in order (removed ones not listed).
    #[serde(default)]
    pub photos: Vec<StaffPhoto>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A photo of a relic as staff see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPhoto {
    pub id: i64,
    /// The photo as uploaded (kept untouched), for staff.
    pub url: String,
    /// Its thumbnail (JPEG, at most 480 pixels a side), for staff.
    pub thumb_url: String,
    pub mime: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub caption: crate::Localized,
    pub created_by: String,
    pub created_at: i64,
}

/// `POST /api/admin/relics/{id}/photos`: a finished upload (JPEG, PNG or WebP) and its caption.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewPhoto {
    pub upload: String,
    #[serde(default)]
    pub caption: crate::Localized,
}

/// `POST /api/admin/relics`: a draft from metadata and a finished upload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewRelic {
    pub meta: RelicMeta,
    /// The id of a finished upload (`/api/admin/uploads`).
    pub upload: String,
}

/// `POST /api/admin/relics/{id}/versions`: a new model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewVersion {
    pub upload: String,
}

/// A line of `GET /api/admin/relics`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RelicLine {
    pub id: i64,
    pub title: crate::Localized,
    pub state: RelicState,
    pub deleted: bool,
    pub model_version: i64,
    pub updated_at: i64,
}
