//! Derivatives made off the request: an upload is checked and its master stored, and the
//! model version is written `processing`; a job then reads and checks the master again (a
//! queued job holds only ids, not a decoded scan, and a resumed one has nothing else), makes
//! the full model, the poster and the light model (each step written to the database, so the staff
//! pages and the API show how far it is, from any node), stores them, and marks the version
//! `ready` in one transaction with the relic's current model moving to it. Until then a new
//! relic cannot be published and a published one keeps showing its version before.
//!
//! One job runs at a time ([`AppState::derive_slots`]); jobs a stop or a crash interrupted
//! resume at start-up ([`resume`]). Files are content-addressed and written before the row
//! that names them, so a job cut at any moment leaves nothing half-made in view.

use std::sync::Arc;

use actix_web::web;
use disan_relic::derive::{self, Step};
use disan_types::admin::RelicMeta;
use disan_types::picture;

use crate::AppState;
use crate::db::{DbError, now};
use crate::error::Error;
use crate::relics::{self, RelicError, master_path, model_path, poster_path};
use crate::storage::sha256_hex;

/// Runs the job of `relic`'s model `version` in the background; failures are logged and
/// written on the version.
pub fn spawn(state: Arc<AppState>, relic: i64, version: i64) {
    actix_web::rt::spawn(async move {
        if let Err(e) = run(&state, relic, version, &mut |_| {}).await {
            log::error!("relic {relic} version {version}: derivatives failed: {e}");
        }
    });
}

/// Starts the jobs of every version still `processing`.
pub async fn resume(state: Arc<AppState>) -> Result<(), Error> {
    let pending: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT relic_id, version FROM relic_models WHERE status = 'processing' \
         ORDER BY created_at, relic_id, version",
    )
    .fetch_all(&state.db.pool)
    .await
    .map_err(DbError::from)?;
    for (relic, version) in pending {
        log::info!("relic {relic} version {version}: making its derivatives again");
        spawn(state.clone(), relic, version);
    }
    Ok(())
}

async fn set_step(state: &AppState, relic: i64, version: i64, done: u32, step: &str) {
    let written = sqlx::query(
        "UPDATE relic_models SET steps_done = $1, step = $2 \
         WHERE relic_id = $3 AND version = $4 AND status = 'processing'",
    )
    .bind(i64::from(done))
    .bind(step)
    .bind(relic)
    .bind(version)
    .execute(&state.db.pool)
    .await;
    if let Err(e) = written {
        log::warn!("relic {relic} version {version}: progress not written: {e}");
    }
}

/// Makes the derivatives of `relic`'s model `version` now (waiting for a free slot), telling
/// `progress` each step; marks the version failed if they cannot be made. Nothing to do when
/// the version is not `processing`.
pub async fn run(
    state: &AppState,
    relic: i64,
    version: i64,
    progress: &mut dyn FnMut(Step),
) -> Result<(), Error> {
    let _slot = state
        .derive_slots
        .acquire()
        .await
        .map_err(|e| RelicError::Corrupt(e.to_string()))?;
    let row: Option<(String, String, String)> = sqlx::query_as(
        "SELECT m.master, m.status, d.body FROM relic_models m \
         JOIN relics r ON r.id = m.relic_id \
         JOIN relic_metadata d ON d.relic_id = r.id AND d.version = r.meta_version \
         WHERE m.relic_id = $1 AND m.version = $2",
    )
    .bind(relic)
    .bind(version)
    .fetch_optional(&state.db.pool)
    .await
    .map_err(DbError::from)?;
    let Some((master, status, body)) = row else {
        return Err(RelicError::Unknown(relic).into());
    };
    if status != "processing" {
        return Ok(());
    }
    let made = make(state, relic, version, &master, &body, progress).await;
    if let Err(e) = &made {
        let failed = sqlx::query(
            "UPDATE relic_models SET status = 'failed', step = $1 \
             WHERE relic_id = $2 AND version = $3 AND status = 'processing'",
        )
        .bind(e.to_string())
        .bind(relic)
        .bind(version)
        .execute(&state.db.pool)
        .await;
        if let Err(db) = failed {
            log::error!("relic {relic} version {version}: not marked failed: {db}");
        }
    }
    made
}

async fn make(
    state: &AppState,
    relic: i64,
    version: i64,
    master: &str,
    body: &str,
    progress: &mut dyn FnMut(Step),
) -> Result<(), Error> {
    let meta: RelicMeta =
        serde_json::from_str(body).map_err(|e| RelicError::Corrupt(e.to_string()))?;
    let bytes = state.relic_files.read(&master_path(master)).await?;
    let limits = relics::limits(state);
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let work = web::block(move || {
        let model = disan_relic::check(&bytes, &limits)
            .map_err(|r| RelicError::Corrupt(format!("the master no longer passes: {r}")))?;
        Ok::<_, RelicError>(derive::all(&model, meta.up_axis, &mut |step| {
            let _ = tx.send(step);
        }))
    });
    while let Some(step) = rx.recv().await {
        set_step(state, relic, version, step.before(), step.code()).await;
        progress(step);
    }
    let d = work
        .await
        .map_err(|_| RelicError::Corrupt("making the derivatives stopped".into()))??;
    // Each file hashed once: its name in the store and in the row.
    let hashes = [&d.full, &d.light, &d.poster].map(|b| sha256_hex(b));
    let sizes = [&d.full, &d.light, &d.poster].map(|b| b.len() as i64);
    let high = d.high.as_deref().map(|b| (sha256_hex(b), b.len() as i64));
    let files = &state.relic_files;
    files.put_new(&model_path(&hashes[0]), d.full).await?;
    files.put_new(&model_path(&hashes[1]), d.light).await?;
    if let (Some((hash, _)), Some(bytes)) = (&high, d.high) {
        files.put_new(&model_path(hash), bytes).await?;
    }
    let poster = poster_path(&hashes[2]);
    let mut variant_bytes = 0;
    for v in d.poster_variants {
        variant_bytes += v.bytes.len() as i64;
        files
            .put_new(&picture::variant(&poster, v.size, v.format), v.bytes)
            .await?;
    }
    files.put_new(&poster, d.poster).await?;

    let (high_hash, high_bytes) = high.unwrap_or_default();
    let gpu = |f: derive::Footprint| f.gpu_bytes as i64;
    let side = |f: derive::Footprint| i64::from(f.texture_side);
    let mut tx = state.db.pool.begin().await.map_err(DbError::from)?;
    sqlx::query(
        "UPDATE relic_models SET full_model = $1, full_bytes = $2, light_model = $3, \
         light_bytes = $4, poster = $5, poster_bytes = $6, status = 'ready', steps_done = $7, \
         step = '', poster_variant_bytes = $10, full_gpu_bytes = $11, light_gpu_bytes = $12, \
         high_model = $13, high_bytes = $14, high_gpu_bytes = $15, full_texture_side = $16, \
         light_texture_side = $17, high_texture_side = $18 \
         WHERE relic_id = $8 AND version = $9 AND status = 'processing'",
    )
    .bind(&hashes[0])
    .bind(sizes[0])
    .bind(&hashes[1])
    .bind(sizes[1])
    .bind(&hashes[2])
    .bind(sizes[2])
    .bind(i64::from(derive::STEPS))
    .bind(relic)
    .bind(version)
    .bind(variant_bytes)
    .bind(gpu(d.full_footprint))
    .bind(gpu(d.light_footprint))
    .bind(high_hash)
    .bind(high_bytes)
    .bind(gpu(d.high_footprint))
    .bind(side(d.full_footprint))
    .bind(side(d.light_footprint))
    .bind(side(d.high_footprint))
    .execute(&mut *tx)
    .await
    .map_err(DbError::from)?;
    // The relic shows its newest ready version.
    sqlx::query(
        "UPDATE relics SET model_version = $1, updated_at = $2 \
         WHERE id = $3 AND model_version < $1",
    )
    .bind(version)
    .bind(now())
    .bind(relic)
    .execute(&mut *tx)
    .await
    .map_err(DbError::from)?;
    let (state_code,): (String,) = sqlx::query_as("SELECT state FROM relics WHERE id = $1")
        .bind(relic)
        .fetch_one(&mut *tx)
        .await
        .map_err(DbError::from)?;
    tx.commit().await.map_err(DbError::from)?;
    if state_code == "published" {
        state.refresh_relics().await.map_err(|e| {
            RelicError::Corrupt(format!("the public catalogue was not updated: {e}"))
        })?;
    }
    Ok(())
}
