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

/// The 422 body of a refused model: every problem found, in one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelRefused {
    pub error: crate::ErrorCode,
    pub message: String,
    pub problems: Vec<ModelProblem>,
}
