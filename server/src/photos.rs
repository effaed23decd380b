//! A relic's photos (JPEG, PNG or WebP): `POST /api/admin/relics/{id}/photos` with a finished
//! upload and a caption (checked on its bytes by `disan_relic::photo`, given a thumbnail, the
//! files stored content-addressed before the row), `DELETE …/photos/{photo}` (soft: the files
//! and the row stay). Published relics show them in `/api/relics/{id}` and on their page.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use disan_types::admin::{NewPhoto, StaffPhoto};
use disan_types::relic::PublicPhoto;
use disan_types::{ErrorCode, Localized};

use crate::AppState;
use crate::audit::{self, Action};
use crate::auth::Staff;
use crate::db::{Db, DbError, now};
use crate::error::Error;
use crate::relics::{self, RelicError, file_url, staff_url};
use crate::storage::sha256_hex;
use crate::uploads;

/// Where a photo's files are in the relic store.
pub(crate) fn photo_path(hash: &str, mime: &str) -> String {
    let ext = match mime {
        "image/png" => "png",
        "image/webp" => "webp",
        _ => "jpg",
    };
    format!("photos/{hash}.{ext}")
}

pub(crate) fn thumb_path(hash: &str) -> String {
    format!("thumbs/{hash}.jpg")
}

pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.route("/relics/{id}/photos", web::post().to(add))
        .route("/relics/{id}/photos/{photo}", web::delete().to(remove));
}

type PhotoRow = (
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    String,
    String,
    String,
    i64,
);

async fn rows(db: &Db, relic: i64) -> Result<Vec<PhotoRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT p.id, p.original, p.mime, p.bytes, p.width, p.height, p.thumb, p.caption, \
         u.name, p.created_at FROM relic_photos p JOIN users u ON u.id = p.created_by \
         WHERE p.relic_id = $1 AND p.removed = 0 ORDER BY p.id",
    )
    .bind(relic)
    .fetch_all(&db.pool)
    .await?)
}

/// A relic's photos as staff see them.
pub async fn staff(db: &Db, relic: i64) -> Result<Vec<StaffPhoto>, DbError> {
    Ok(rows(db, relic)
        .await?
        .into_iter()
        .map(
            |(id, original, mime, bytes, width, height, thumb, caption, by, at)| StaffPhoto {
                id,
                url: staff_url(&photo_path(&original, &mime)),
                thumb_url: staff_url(&thumb_path(&thumb)),
                mime,
                width: width as u32,
                height: height as u32,
                bytes: bytes as u64,
                caption: serde_json::from_str(&caption).unwrap_or_default(),
                created_by: by,
                created_at: at,
            },
        )
        .collect())
}

/// The photos of every published relic, by relic, as the public sees them.
pub async fn published(db: &Db) -> Result<HashMap<i64, Vec<PublicPhoto>>, DbError> {
    let rows: Vec<(i64, String, String, i64, i64, String, String)> = sqlx::query_as(
        "SELECT p.relic_id, p.original, p.mime, p.width, p.height, p.thumb, p.caption \
         FROM relic_photos p JOIN relics r ON r.id = p.relic_id \
         WHERE r.state = 'published' AND r.deleted = 0 AND p.removed = 0 ORDER BY p.id",
    )
    .fetch_all(&db.pool)
    .await?;
    let mut by_relic: HashMap<i64, Vec<PublicPhoto>> = HashMap::new();
    for (relic, original, mime, width, height, thumb, caption) in rows {
        let (path, thumb_path) = (photo_path(&original, &mime), thumb_path(&thumb));
        by_relic.entry(relic).or_default().push(PublicPhoto {
            url: file_url(&path),
            path,
            thumb_url: file_url(&thumb_path),
            thumb_path,
            width: width as u32,
            height: height as u32,
            caption: serde_json::from_str::<Localized>(&caption).unwrap_or_default(),
        });
    }
    Ok(by_relic)
}

async fn add(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<i64>,
    body: web::Json<NewPhoto>,
) -> Result<HttpResponse, Error> {
    let id = *id;
    let relic = relics::visible(&state, &staff, id).await?;
    let NewPhoto { upload, caption } = body.into_inner();
    let upload = uploads::finished(&state, staff.user.id, &upload).await?;
    let mut problems: Vec<_> = disan_relic::meta::check_caption(&caption)
        .iter()
        .map(disan_relic::Found::problem)
        .collect();
    let limits = relics::limits(&state);
    let path = upload.path.clone();
    let checked = web::block(move || {
        let bytes = std::fs::read(&path).map_err(|e| uploads::UploadError::Io(e.to_string()))?;
        let photo = disan_relic::photo::check(&bytes, &limits);
        Ok::<_, Error>((bytes, photo))
    })
    .await
    .map_err(|e| RelicError::Corrupt(e.to_string()))??;
    let (bytes, photo) = checked;
    // A bad photo is a problem of the relic's data, like its texts: every one in one answer.
    let photo = match photo {
        Ok(p) if problems.is_empty() => p,
        Ok(_) => return Err(RelicError::Refused(ErrorCode::InvalidRelic, problems).into()),
        Err(refused) => {
            problems.extend(refused.problems());
            return Err(RelicError::Refused(ErrorCode::InvalidRelic, problems).into());
        }
    };
    let (original, thumb, size) = (
        sha256_hex(&bytes),
        sha256_hex(&photo.thumb),
        bytes.len() as i64,
    );
    let files = &state.relic_files;
    files
        .put_new(&photo_path(&original, &photo.mime), bytes)
        .await?;
    files.put_new(&thumb_path(&thumb), photo.thumb).await?;
    let mut tx = state.db.pool.begin().await.map_err(DbError::from)?;
    let (photo_id,): (i64,) = sqlx::query_as(
        "INSERT INTO relic_photos (relic_id, original, mime, bytes, width, height, thumb, \
         caption, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         RETURNING id",
    )
    .bind(id)
    .bind(&original)
    .bind(&photo.mime)
    .bind(size)
    .bind(i64::from(photo.width))
    .bind(i64::from(photo.height))
    .bind(&thumb)
    .bind(serde_json::to_string(&caption).unwrap_or_default())
    .bind(staff.user.id)
    .bind(now())
    .fetch_one(&mut *tx)
    .await
    .map_err(DbError::from)?;
    audit::record(
        &mut *tx,
        &staff.user.name,
        Action::PhotoAdd,
        Some((id, None)),
        &format!("photo {photo_id}: {}", upload.filename),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    uploads::remove(&state.db, &upload).await?;
    if relic.state == disan_types::admin::RelicState::Published {
        relics::refresh(&state).await?;
    }
    Ok(HttpResponse::Created().json(relics::load(&state.db, id).await?))
}

async fn remove(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let (id, photo) = path.into_inner();
    Ok(HttpResponse::Ok().json(remove_photo(&state, &staff, id, photo).await?))
}

/// Removes a photo from a relic (softly: its files and row stay), with its audit entry; the
/// public side follows. Returns the relic.
pub async fn remove_photo(
    state: &AppState,
    staff: &Staff,
    id: i64,
    photo: i64,
) -> Result<disan_types::admin::AdminRelic, Error> {
    let relic = relics::visible(state, staff, id).await?;
    let mut tx = state.db.pool.begin().await.map_err(DbError::from)?;
    let done = sqlx::query(
        "UPDATE relic_photos SET removed = 1 WHERE id = $1 AND relic_id = $2 AND removed = 0",
    )
    .bind(photo)
    .bind(id)
    .execute(&mut *tx)
    .await
    .map_err(DbError::from)?;
    if done.rows_affected() == 0 {
        return Err(Error::NotFound(format!(
            "/api/admin/relics/{id}/photos/{photo}"
        )));
    }
    audit::record(
        &mut *tx,
        &staff.user.name,
        Action::PhotoRemove,
        Some((id, None)),
        &format!("photo {photo}"),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    if relic.state == disan_types::admin::RelicState::Published {
        relics::refresh(state).await?;
    }
    relics::load(&state.db, id).await
}
