//! `disan sweep`: removes what a crash or an abandoned upload left behind, never anything
//! still referenced. Relic files (masters, derivatives) no model version names are removed
//! once older than the grace period (a relic being created writes its files a moment before
//! its rows, so young files are left alone); uploads not finished within the grace period are
//! cancelled, and upload files without a row are removed; sessions that ended (expired or
//! logged out) are forgotten.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, SystemTime};

use crate::config::Config;
use crate::db::{Db, DbError, now};

/// What a sweep removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub relic_files: Vec<String>,
    pub uploads: Vec<String>,
    /// Ended sessions forgotten.
    pub sessions: u64,
}

fn older_than(path: &Path, grace: Duration) -> bool {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .is_some_and(|age| age > grace)
}

/// Sweeps the relic store and the uploads folder of `config`.
pub async fn sweep(config: &Config, db: &Db, grace: Duration) -> Result<Swept, DbError> {
    let mut swept = Swept::default();
    // A job writes its files before the row that names them: the grace period covers it.
    let rows: Vec<(String, String, String, String, String)> = sqlx::query_as(
        "SELECT master, full_model, light_model, high_model, poster FROM relic_models",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut referenced = HashSet::new();
    for (master, full, light, high, poster) in rows {
        referenced.insert(format!("masters/{master}"));
        referenced.insert(format!("models/{full}.glb"));
        referenced.insert(format!("models/{light}.glb"));
        referenced.insert(format!("models/{high}.glb"));
        referenced.insert(format!("posters/{poster}.jpg"));
    }
    // Photos, removed ones too (removing is soft).
    let photos: Vec<(String, String, String)> =
        sqlx::query_as("SELECT original, mime, thumb FROM relic_photos")
            .fetch_all(&db.pool)
            .await?;
    for (original, mime, thumb) in photos {
        referenced.insert(crate::photos::photo_path(&original, &mime));
        referenced.insert(crate::photos::thumb_path(&thumb));
    }
    for folder in ["masters", "models", "posters", "photos", "thumbs"] {
        let Ok(entries) = std::fs::read_dir(config.relics_dir.join(folder)) else {
            continue;
        };
        for entry in entries.flatten() {
            let name = format!("{folder}/{}", entry.file_name().to_string_lossy());
            let path = entry.path();
            if !referenced.contains(&name)
                && path.is_file()
                && older_than(&path, grace)
                && std::fs::remove_file(&path).is_ok()
            {
                swept.relic_files.push(name);
            }
        }
    }
    let cutoff = now() - grace.as_secs() as i64;
    let stale: Vec<(String,)> = sqlx::query_as("SELECT id FROM uploads WHERE created_at < $1")
        .bind(cutoff)
        .fetch_all(&db.pool)
        .await?;
    for (id,) in stale {
        sqlx::query("DELETE FROM uploads WHERE id = $1")
            .bind(&id)
            .execute(&db.pool)
            .await?;
        std::fs::remove_file(config.uploads_dir.join(format!("{id}.part"))).ok();
        swept.uploads.push(id);
    }
    let live: HashSet<String> = sqlx::query_as::<_, (String,)>("SELECT id FROM uploads")
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(|r| format!("{}.part", r.0))
        .collect();
    if let Ok(entries) = std::fs::read_dir(&config.uploads_dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !live.contains(&name)
                && older_than(&entry.path(), grace)
                && std::fs::remove_file(entry.path()).is_ok()
            {
                swept.uploads.push(name);
            }
        }
    }
    let ended = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR revoked = 1")
        .bind(now())
        .execute(&db.pool)
        .await?;
    swept.sessions = ended.rows_affected();
    swept.relic_files.sort();
    swept.uploads.sort();
    Ok(swept)
}
