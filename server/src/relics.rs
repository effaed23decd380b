//! Relics: staff create them from metadata and a finished upload, edit them (every edit a new
//! metadata version), add model versions, publish, unpublish, delete (softly) and restore
//! them, under `/api/admin/relics`; the public sees published ones at `/api/relics/{id}`, their
//! files at `/relics/files/…`, in search and with their site.
//!
//! Invariants: a model is checked completely before anything is stored; files are written
//! (content-addressed, never overwritten) before the database rows that point at them, in one
//! transaction with the audit entry; masters are kept as uploaded; no version is ever removed,
//! so nothing a staff member does destroys a published version's files.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use disan_relic::{Limits, derive, meta};
use disan_types::admin::{
    AdminRelic, Download, ModelProblem, ModelReport, ModelStatus, ModelVersion, NewRelic,
    NewVersion, Progress, RelicLine, RelicMeta, RelicState, Role,
};
use disan_types::relic::{Poster, PublicRelic, relic_url};
use disan_types::{ErrorCode, ModelLevel, ModelRef};

use crate::AppState;
use crate::accounts::User;
use crate::audit::{self, Action};
use crate::auth::Staff;
use crate::db::{Db, DbError, now};
use crate::error::Error;
use crate::jobs;
use crate::storage::sha256_hex;
use crate::uploads::{self, Upload};

#[derive(Debug, thiserror::Error)]
pub enum RelicError {
    #[error("no relic {0}")]
    Unknown(i64),
    #[error("the relic is {state}: it cannot be {wanted}")]
    WrongState { state: String, wanted: &'static str },
    #[error("the relic has {} problem(s): {}", .1.len(), summary(.1))]
    Refused(ErrorCode, Vec<ModelProblem>),
    #[error("the relic's stored data is not readable: {0}")]
    Corrupt(String),
}

fn summary(problems: &[ModelProblem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.at, p.message.en))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Where a relic's files are in the relic store.
pub(crate) fn master_path(hash: &str) -> String {
    format!("masters/{hash}")
}

pub(crate) fn model_path(hash: &str) -> String {
    format!("models/{hash}.glb")
}

pub(crate) fn poster_path(hash: &str) -> String {
    format!("posters/{hash}.jpg")
}

/// The URL of a derivative file, served only while its relic is published.
pub fn file_url(path: &str) -> String {
    format!("/relics/files/{path}")
}

/// The staff URL of any file of the relic store (every version, masters included).
pub fn staff_url(path: &str) -> String {
    format!("/api/admin/files/{path}")
}

/// A model version's master, stored: its SHA-256 name and size, and the check's report. Its
/// derivatives are made by a job ([`crate::jobs`]).
struct Stored {
    master: String,
    master_bytes: u64,
    report: ModelReport,
}

/// Reads a finished upload and checks it; returns its bytes and report. Blocking.
fn process(upload: &Upload, limits: &Limits) -> Result<(Vec<u8>, ModelReport), Error> {
    let master =
        std::fs::read(&upload.path).map_err(|e| uploads::UploadError::Io(e.to_string()))?;
    let model = disan_relic::check(&master, limits)
        .map_err(|r| RelicError::Refused(ErrorCode::InvalidModel, r.problems()))?;
    Ok((master, model.report))
}

pub(crate) fn limits(state: &AppState) -> Limits {
    Limits {
        max_bytes: state.config.max_upload_bytes(),
        max_triangles: state.config.max_triangles,
        ..Limits::default()
    }
}

/// The metadata's problems against the catalogue being served.
fn meta_problems(state: &AppState, meta: &RelicMeta) -> Vec<ModelProblem> {
    let snapshot = state.snapshot();
    let is_site = |slug: &str| snapshot.catalog.get(slug).is_some();
    let km_outside =
        |lat: f64, lon: f64| snapshot.catalog.province().distance_outside_m(lat, lon) / 1000.0;
    meta::check(meta, &is_site, &km_outside)
        .iter()
        .map(disan_relic::Found::problem)
        .collect()
}

/// Checks the metadata and the upload together (every problem in one answer) and, when both
/// are good, stores the master. Nothing is stored when anything is wrong.
async fn check_and_store(
    state: &AppState,
    meta: &RelicMeta,
    upload: &Upload,
) -> Result<Stored, Error> {
    let mut problems = meta_problems(state, meta);
    let limits = limits(state);
    let u = upload.clone();
    let processed = web::block(move || process(&u, &limits))
        .await
        .map_err(|e| RelicError::Corrupt(e.to_string()))?;
    let (master, report) = match processed {
        Ok(p) if problems.is_empty() => p,
        Ok(_) => return Err(RelicError::Refused(ErrorCode::InvalidRelic, problems).into()),
        Err(Error::Relic(RelicError::Refused(code, model))) => {
            problems.extend(model);
            return Err(RelicError::Refused(code, problems).into());
        }
        Err(e) => return Err(e),
    };
    let stored = Stored {
        master: sha256_hex(&master),
        master_bytes: master.len() as u64,
        report,
    };
    state
        .relic_files
        .put_new(&master_path(&stored.master), master)
        .await?;
    Ok(stored)
}

async fn insert_model(
    tx: &mut sqlx::SqliteConnection,
    relic: i64,
    version: i64,
    upload: &Upload,
    p: &Stored,
    user: i64,
) -> Result<(), DbError> {
    let report = serde_json::to_string(&p.report).unwrap_or_default();
    sqlx::query(
        "INSERT INTO relic_models (relic_id, version, master, master_name, master_bytes, format, \
         full_model, full_bytes, report, created_by, created_at, status, steps_done, step) \
         VALUES ($1, $2, $3, $4, $5, $6, '', 0, $7, $8, $9, 'processing', 0, 'queued')",
    )
    .bind(relic)
    .bind(version)
    .bind(&p.master)
    .bind(&upload.filename)
    .bind(p.master_bytes as i64)
    .bind(&p.report.format)
    .bind(report)
    .bind(user)
    .bind(now())
    .execute(tx)
    .await?;
    Ok(())
}

async fn insert_meta(
    tx: &mut sqlx::SqliteConnection,
    relic: i64,
    version: i64,
    meta: &RelicMeta,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO relic_metadata (relic_id, version, body, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(relic)
    .bind(version)
    .bind(serde_json::to_string(meta).unwrap_or_default())
    .bind(user)
    .bind(now())
    .execute(tx)
    .await?;
    Ok(())
}

type RelicRow = (String, i64, i64, i64, String, i64, i64);

/// A relic as staff see it.
pub async fn load(db: &Db, id: i64) -> Result<AdminRelic, Error> {
    let row: Option<RelicRow> = sqlx::query_as(
        "SELECT r.state, r.deleted, r.meta_version, r.model_version, u.name, r.created_at, \
         r.updated_at FROM relics r JOIN users u ON u.id = r.created_by WHERE r.id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await
    .map_err(DbError::from)?;
    let (state, deleted, meta_version, model_version, created_by, created_at, updated_at) =
        row.ok_or(RelicError::Unknown(id))?;
    let (body,): (String,) =
        sqlx::query_as("SELECT body FROM relic_metadata WHERE relic_id = $1 AND version = $2")
            .bind(id)
            .bind(meta_version)
            .fetch_one(&db.pool)
            .await
            .map_err(DbError::from)?;
    let meta: RelicMeta =
        serde_json::from_str(&body).map_err(|e| RelicError::Corrupt(e.to_string()))?;
    let versions = versions(db, id).await?;
    let model = versions
        .iter()
        .find(|v| v.version == model_version)
        .cloned()
        .ok_or_else(|| RelicError::Corrupt(format!("no model version {model_version}")))?;
    Ok(AdminRelic {
        id,
        state: RelicState::from_code(&state).unwrap_or(RelicState::Draft),
        deleted: deleted != 0,
        meta_version,
        meta,
        model,
        versions,
        photos: crate::photos::staff(db, id).await?,
        created_by,
        created_at,
        updated_at,
    })
}

type ModelRow = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    String,
    i64,
    String,
    i64,
    String,
    i64,
    String,
    String,
    i64,
    String,
);

async fn versions(db: &Db, id: i64) -> Result<Vec<ModelVersion>, Error> {
    let rows: Vec<ModelRow> = sqlx::query_as(
        "SELECT m.version, m.master_name, m.master, m.full_model, m.full_bytes, m.report, u.name, \
         m.created_at, m.light_model, m.light_bytes, m.high_model, m.high_bytes, m.poster, \
         m.status, m.steps_done, m.step FROM relic_models m \
         JOIN users u ON u.id = m.created_by \
         WHERE m.relic_id = $1 ORDER BY m.version DESC",
    )
    .bind(id)
    .fetch_all(&db.pool)
    .await
    .map_err(DbError::from)?;
    rows.into_iter()
        .map(
            |(
                version,
                master_name,
                master,
                full,
                full_bytes,
                report,
                created_by,
                created_at,
                light,
                light_bytes,
                high,
                high_bytes,
                poster,
                status,
                steps_done,
                step,
            )| {
                let status = ModelStatus::from_code(&status)
                    .ok_or_else(|| RelicError::Corrupt(format!("model status {status:?}")))?;
                // Until the derivatives are made, their files have no names.
                let url = |hash: &str, path: fn(&str) -> String| {
                    if hash.is_empty() {
                        String::new()
                    } else {
                        staff_url(&path(hash))
                    }
                };
                Ok(ModelVersion {
                    version,
                    status,
                    progress: Progress {
                        done: steps_done as u32,
                        of: derive::STEPS,
                        step,
                    },
                    master_name,
                    master_url: staff_url(&master_path(&master)),
                    master,
                    report: serde_json::from_str(&report)
                        .map_err(|e| RelicError::Corrupt(e.to_string()))?,
                    full_url: url(&full, model_path),
                    full_bytes: full_bytes as u64,
                    light_url: url(&light, model_path),
                    light_bytes: light_bytes as u64,
                    high_url: url(&high, model_path),
                    high_bytes: high_bytes as u64,
                    poster_url: url(&poster, poster_path),
                    download_s: Download::of(full_bytes as u64),
                    created_by,
                    created_at,
                })
            },
        )
        .collect()
}

/// A published relic's row: its metadata and its shown model version's files.
#[derive(sqlx::FromRow)]
struct PublishedRow {
    id: i64,
    model_version: i64,
    body: String,
    full_model: String,
    full_bytes: i64,
    full_gpu_bytes: i64,
    full_texture_side: i64,
    light_model: String,
    light_bytes: i64,
    light_gpu_bytes: i64,
    light_texture_side: i64,
    high_model: String,
    high_bytes: i64,
    high_gpu_bytes: i64,
    high_texture_side: i64,
    poster: String,
    poster_bytes: i64,
    poster_variant_bytes: i64,
}

/// Every published relic that is not deleted, as the public sees it.
pub async fn published(db: &Db) -> Result<Vec<PublicRelic>, DbError> {
    let rows: Vec<PublishedRow> = sqlx::query_as(
        "SELECT r.id, r.model_version, d.body, m.full_model, m.full_bytes, m.full_gpu_bytes, \
         m.full_texture_side, m.light_model, m.light_bytes, m.light_gpu_bytes, \
         m.light_texture_side, m.high_model, m.high_bytes, m.high_gpu_bytes, \
         m.high_texture_side, m.poster, m.poster_bytes, m.poster_variant_bytes FROM relics r \
         JOIN relic_metadata d ON d.relic_id = r.id AND d.version = r.meta_version \
         JOIN relic_models m ON m.relic_id = r.id AND m.version = r.model_version \
         WHERE r.state = 'published' AND r.deleted = 0 AND m.status = 'ready' ORDER BY r.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut photos = crate::photos::published(db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let id = row.id;
            let meta: RelicMeta = serde_json::from_str(&row.body)
                .inspect_err(|e| log::error!("relic {id}: unreadable metadata: {e}"))
                .ok()?;
            let model = |level, hash: &str, bytes: i64, gpu: i64, side: i64| {
                let path = model_path(hash);
                ModelRef {
                    level,
                    url: file_url(&path),
                    path,
                    bytes: bytes as u64,
                    gpu_bytes: gpu as u64,
                    texture_side: side as u32,
                }
            };
            let mut models = Vec::new();
            // A small model is its own light model: then there is one file.
            if !row.light_model.is_empty() && row.light_model != row.full_model {
                models.push(model(
                    ModelLevel::Light,
                    &row.light_model,
                    row.light_bytes,
                    row.light_gpu_bytes,
                    row.light_texture_side,
                ));
            }
            models.push(model(
                ModelLevel::Full,
                &row.full_model,
                row.full_bytes,
                row.full_gpu_bytes,
                row.full_texture_side,
            ));
            if !row.high_model.is_empty() {
                models.push(model(
                    ModelLevel::High,
                    &row.high_model,
                    row.high_bytes,
                    row.high_gpu_bytes,
                    row.high_texture_side,
                ));
            }
            let (poster, poster_bytes, variant_bytes) =
                (row.poster, row.poster_bytes, row.poster_variant_bytes);
            let version = row.model_version;
            Some(PublicRelic {
                id,
                url: relic_url(id),
                title: meta.title,
                description: meta.description,
                object_type: meta.object_type,
                period: meta.period,
                material: meta.material,
                dimensions: meta.dimensions,
                credits: meta.credits,
                licence: meta.licence,
                dublin_core: meta.dublin_core,
                site: meta.place.site,
                // Placed by the snapshot: the relic's own position or its site's.
                position: disan_types::Position {
                    lat: meta.place.lat.unwrap_or(f64::NAN),
                    lon: meta.place.lon.unwrap_or(f64::NAN),
                    accuracy_m: 50,
                },
                models,
                poster: (!poster.is_empty()).then(|| {
                    let path = poster_path(&poster);
                    let (width, height) = disan_types::relic::POSTER_SIZE;
                    Poster {
                        url: file_url(&path),
                        path,
                        width,
                        height,
                        bytes: poster_bytes as u64,
                        variant_bytes: variant_bytes as u64,
                    }
                }),
                photos: photos.remove(&id).unwrap_or_default(),
                version,
            })
        })
        .collect())
}

pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.route("/relics", web::get().to(list))
        .route("/relics", web::post().to(create))
        .route("/relics/{id}", web::get().to(get))
        .route("/relics/{id}", web::patch().to(edit))
        .route("/relics/{id}", web::delete().to(delete))
        .route("/relics/{id}/versions", web::post().to(new_version))
        // publish, unpublish, restore (and delete, as the pages' forms post it)
        .route("/relics/{id}/{action}", web::post().to(act))
        .route("/files/{tail:.*}", web::get().to(staff_file));
}

/// Any file of the relic store, for staff: every version stays retrievable.
async fn staff_file(
    state: web::Data<AppState>,
    _staff: Staff,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let path = req
        .uri()
        .path()
        .strip_prefix("/api/admin/files/")
        .unwrap_or("");
    state.relic_files.serve(&req, path).await
}

pub fn public(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/relics/{id}", web::get().to(public_relic))
        .route("/relics/files/{tail:.*}", web::get().to(public_file));
}

/// The relic, refused to editors once deleted (only admins see and restore deleted ones).
pub async fn visible(state: &AppState, staff: &Staff, id: i64) -> Result<AdminRelic, Error> {
    let relic = load(&state.db, id).await?;
    if relic.deleted && staff.user.role != Role::Admin {
        return Err(RelicError::Unknown(id).into());
    }
    Ok(relic)
}

/// Makes the public side (API, files, search, site lists) follow a change.
pub(crate) async fn refresh(state: &AppState) -> Result<(), Error> {
    state
        .refresh_relics()
        .await
        .map_err(|e| RelicError::Corrupt(format!("the public catalogue was not updated: {e}")))?;
    Ok(())
}

#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    deleted: bool,
}

/// The relics, newest change first: the deleted ones (admins) or the others.
pub async fn lines(db: &Db, deleted: bool) -> Result<Vec<RelicLine>, Error> {
    let rows: Vec<(i64, String, i64, i64, i64, String)> = sqlx::query_as(
        "SELECT r.id, r.state, r.deleted, r.model_version, r.updated_at, d.body FROM relics r \
         JOIN relic_metadata d ON d.relic_id = r.id AND d.version = r.meta_version \
         WHERE r.deleted = $1 ORDER BY r.updated_at DESC, r.id DESC",
    )
    .bind(i64::from(deleted))
    .fetch_all(&db.pool)
    .await
    .map_err(DbError::from)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, st, deleted, model_version, updated_at, body)| RelicLine {
                id,
                title: serde_json::from_str::<RelicMeta>(&body)
                    .map(|m| m.title)
                    .unwrap_or_default(),
                state: RelicState::from_code(&st).unwrap_or(RelicState::Draft),
                deleted: deleted != 0,
                model_version,
                updated_at,
            },
        )
        .collect())
}

async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, Error> {
    if query.deleted {
        staff.require(Role::Admin)?;
    }
    Ok(HttpResponse::Ok().json(lines(&state.db, query.deleted).await?))
}

/// Creates a draft relic from checked metadata and a model file (an upload, or a file of
/// `disan import`): every problem of both in one refusal, nothing stored then; the master,
/// then the rows and the audit entry in one transaction. Returns the relic's id; its model
/// (version 1) is `processing` until a job ([`crate::jobs`]) has made its derivatives.
pub async fn create_relic(
    state: &AppState,
    user: &User,
    meta: &RelicMeta,
    upload: &Upload,
) -> Result<i64, Error> {
    let p = check_and_store(state, meta, upload).await?;
    let t = now();
    let mut tx = state.db.pool.begin().await.map_err(DbError::from)?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO relics (state, deleted, meta_version, model_version, created_by, created_at, \
         updated_at) VALUES ('draft', 0, 1, 1, $1, $2, $2) RETURNING id",
    )
    .bind(user.id)
    .bind(t)
    .fetch_one(&mut *tx)
    .await
    .map_err(DbError::from)?;
    insert_meta(&mut tx, id, 1, meta, user.id).await?;
    insert_model(&mut tx, id, 1, upload, &p, user.id).await?;
    audit::record(
        &mut *tx,
        &user.name,
        Action::RelicCreate,
        Some((id, Some(1))),
        &upload.filename,
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}

/// The relic whose model (any version) is the master with this SHA-256, if one exists.
pub async fn with_master(db: &Db, master: &str) -> Result<Option<i64>, Error> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT relic_id FROM relic_models WHERE master = $1 LIMIT 1")
            .bind(master)
            .fetch_optional(&db.pool)
            .await
            .map_err(DbError::from)?;
    Ok(row.map(|r| r.0))
}

async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    body: web::Json<NewRelic>,
) -> Result<HttpResponse, Error> {
    let NewRelic { meta, upload } = body.into_inner();
    let upload = uploads::finished(&state, staff.user.id, &upload).await?;
    let id = create_relic(&state, &staff.user, &meta, &upload).await?;
    uploads::remove(&state.db, &upload).await?;
    jobs::spawn(state.clone().into_inner(), id, 1);
    let relic = load(&state.db, id).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/admin/relics/{id}")))
        .json(relic))
}

async fn get(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(visible(&state, &staff, *id).await?))
}

/// RFC 7386 JSON merge patch: `patch` laid over `target`.
fn merge(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// `PATCH`: a JSON merge patch of the metadata; a new metadata version.
async fn edit(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, Error> {
    let id = *id;
    let relic = visible(&state, &staff, id).await?;
    let mut value = serde_json::to_value(&relic.meta).unwrap_or_default();
    merge(&mut value, &body);
    let meta: RelicMeta =
        serde_json::from_value(value).map_err(|e| Error::BadParameter(e.to_string()))?;
    let problems = meta_problems(&state, &meta);
    if !problems.is_empty() {
        return Err(RelicError::Refused(ErrorCode::InvalidRelic, problems).into());
    }
    let version = relic.meta_version + 1;
    let mut tx = state.db.pool.begin().await.map_err(DbError::from)?;
    insert_meta(&mut tx, id, version, &meta, staff.user.id).await?;
    sqlx::query("UPDATE relics SET meta_version = $1, updated_at = $2 WHERE id = $3")
        .bind(version)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    audit::record(
        &mut *tx,
        &staff.user.name,
        Action::RelicEdit,
        Some((id, None)),
        &format!("metadata version {version}"),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    if relic.state == RelicState::Published {
        refresh(&state).await?;
    }
    Ok(HttpResponse::Ok().json(load(&state.db, id).await?))
}

async fn new_version(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: web::Json<NewVersion>,
) -> Result<HttpResponse, Error> {
    let id = *id;
    let relic = visible(&state, &staff, id).await?;
    let upload = uploads::finished(&state, staff.user.id, &body.upload).await?;
    let p = check_and_store(&state, &relic.meta, &upload).await?;
    let version = relic.versions.first().map_or(0, |v| v.version) + 1;
    // The relic's current model moves to this version when its derivatives are ready.
    let mut tx = state.db.pool.begin().await.map_err(DbError::from)?;
    insert_model(&mut tx, id, version, &upload, &p, staff.user.id).await?;
    sqlx::query("UPDATE relics SET updated_at = $1 WHERE id = $2")
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    audit::record(
        &mut *tx,
        &staff.user.name,
        Action::RelicVersion,
        Some((id, Some(version))),
        &upload.filename,
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    uploads::remove(&state.db, &upload).await?;
    jobs::spawn(state.clone().into_inner(), id, version);
    Ok(HttpResponse::Created().json(load(&state.db, id).await?))
}

/// Publishes, unpublishes, deletes or restores a relic (deleting and restoring: admins), with
/// its audit entry; the public side follows.
pub async fn change(
    state: &AppState,
    staff: &Staff,
    id: i64,
    change: Change,
) -> Result<AdminRelic, Error> {
    if matches!(change, Change::Delete | Change::Restore) {
        staff.require(Role::Admin)?;
    }
    let relic = visible(state, staff, id).await?;
    let (allowed, sql, action, wanted) = match change {
        Change::Publish if relic.model.status != ModelStatus::Ready => {
            return Err(RelicError::WrongState {
                state: format!("still being prepared ({})", relic.model.status.code()),
                wanted: "published",
            }
            .into());
        }
        Change::Publish => (
            !relic.deleted && relic.state != RelicState::Published,
            "UPDATE relics SET state = 'published', updated_at = $1 WHERE id = $2",
            Action::RelicPublish,
            "published",
        ),
        Change::Unpublish => (
            !relic.deleted && relic.state == RelicState::Published,
            "UPDATE relics SET state = 'unpublished', updated_at = $1 WHERE id = $2",
            Action::RelicUnpublish,
            "unpublished",
        ),
        Change::Delete => (
            !relic.deleted,
            "UPDATE relics SET deleted = 1, updated_at = $1 WHERE id = $2",
            Action::RelicDelete,
            "deleted",
        ),
        Change::Restore => (
            relic.deleted,
            "UPDATE relics SET deleted = 0, updated_at = $1 WHERE id = $2",
            Action::RelicRestore,
            "restored",
        ),
    };
    if !allowed {
        let state = if relic.deleted {
            "deleted".to_owned()
        } else {
            relic.state.code().to_owned()
        };
        return Err(RelicError::WrongState { state, wanted }.into());
    }
    let mut tx = state.db.pool.begin().await.map_err(DbError::from)?;
    sqlx::query(sql)
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    audit::record(
        &mut *tx,
        &staff.user.name,
        action,
        Some((id, Some(relic.model.version))),
        "",
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    let public_before = relic.state == RelicState::Published && !relic.deleted;
    if public_before || change == Change::Publish {
        refresh(state).await?;
    }
    load(&state.db, id).await
}

/// What [`change`] does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Publish,
    Unpublish,
    Delete,
    Restore,
}

impl Change {
    /// The change a URL's last segment names (`…/{id}/publish`).
    pub fn from_action(action: &str) -> Option<Change> {
        match action {
            "publish" => Some(Change::Publish),
            "unpublish" => Some(Change::Unpublish),
            "delete" => Some(Change::Delete),
            "restore" => Some(Change::Restore),
            _ => None,
        }
    }
}

async fn act(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i64, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let (id, action) = path.into_inner();
    let to = Change::from_action(&action).ok_or_else(|| Error::NotFound(req.path().to_owned()))?;
    Ok(HttpResponse::Ok().json(change(&state, &staff, id, to).await?))
}

async fn delete(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    Ok(HttpResponse::Ok().json(change(&state, &staff, *id, Change::Delete).await?))
}

async fn public_relic(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let snapshot = state.snapshot();
    let relic = id
        .parse::<i64>()
        .ok()
        .and_then(|id| snapshot.relics.get(&id))
        .ok_or_else(|| Error::NotFound(format!("/api/relics/{id}")))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=60"))
        .json(relic))
}

/// A derivative of a published relic (content-addressed, so cached for good); anything else
/// in the relic store — masters, drafts, unpublished or deleted versions — is not public.
async fn public_file(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let path = req
        .uri()
        .path()
        .strip_prefix("/relics/files/")
        .unwrap_or("");
    if !state.snapshot().relic_files.contains(path) {
        return Err(Error::NotFound(req.path().to_owned()));
    }
    state.relic_files.serve(&req, path).await
}
