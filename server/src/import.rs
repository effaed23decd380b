//! `disan import DIR`: publishes a folder of relics in one go. Each `*.toml` file in the folder
//! is one relic's metadata (the fields of the API's `RelicMeta`) with `model = "file"` (a
//! `.glb`, `.gltf` or `.zip` beside it) and optionally `publish = false`. Every model goes
//! through the same checks and storage as an upload; a model already stored (same SHA-256) is
//! skipped, so running the import again changes nothing. Progress is reported per relic.

use std::path::{Path, PathBuf};

use disan_types::admin::{AuthMethod, RelicMeta};
use serde::Deserialize;

use crate::AppState;
use crate::accounts::User;
use crate::auth::Staff;
use crate::error::Error;
use crate::relics::{self, Change};
use crate::storage::sha256_hex;
use crate::uploads::Upload;

/// One metadata file.
#[derive(Debug, Deserialize)]
struct Entry {
    /// The model file, relative to the folder.
    model: PathBuf,
    #[serde(default = "yes")]
    publish: bool,
    #[serde(flatten)]
    meta: RelicMeta,
}

fn yes() -> bool {
    true
}

/// What happened to one metadata file.
#[derive(Debug)]
pub enum Outcome {
    Published(i64),
    Draft(i64),
    /// Its model is already stored, as part of this relic.
    Skipped(i64),
    Failed(String),
}

/// The metadata files of `dir`, sorted.
pub fn entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Imports one metadata file as `user`.
pub async fn one(state: &AppState, user: &User, file: &Path) -> Outcome {
    match import(state, user, file).await {
        Ok(outcome) => outcome,
        Err(message) => Outcome::Failed(message),
    }
}

async fn import(state: &AppState, user: &User, file: &Path) -> Result<Outcome, String> {
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let entry: Entry = toml::from_str(&text).map_err(|e| e.to_string())?;
    let dir = file.parent().unwrap_or(Path::new("."));
    let model = dir.join(&entry.model);
    let bytes = std::fs::read(&model).map_err(|e| format!("{}: {e}", model.display()))?;
    if let Some(id) = relics::with_master(&state.db, &sha256_hex(&bytes))
        .await
        .map_err(|e| e.to_string())?
    {
        return Ok(Outcome::Skipped(id));
    }
    drop(bytes);
    let source = Upload {
        id: String::new(),
        length: 0,
        filename: entry
            .model
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        path: model,
    };
    let id = relics::create_relic(state, user, &entry.meta, &source)
        .await
        .map_err(|e| describe(&e))?;
    // Here and now, not in the background: the command ends when its relics are ready.
    crate::jobs::run(state, id, 1, &mut |_| {})
        .await
        .map_err(|e| describe(&e))?;
    if !entry.publish {
        return Ok(Outcome::Draft(id));
    }
    let staff = Staff {
        user: user.clone(),
        via: AuthMethod::Token,
        csrf: None,
        session: None,
    };
    relics::change(state, &staff, id, Change::Publish)
        .await
        .map_err(|e| describe(&e))?;
    Ok(Outcome::Published(id))
}

/// An error as the command line shows it: every problem on its own line.
fn describe(e: &Error) -> String {
    match e {
        Error::Relic(relics::RelicError::Refused(_, problems)) => problems
            .iter()
            .map(|p| format!("\n    {}: {} ({})", p.at, p.message.en, p.code))
            .collect(),
        other => other.to_string(),
    }
}
