//! Resumable uploads: the tus 1.0 core protocol with its creation and termination extensions,
//! under `/api/admin/uploads` (staff only; each upload belongs to its creator). A model is
//! sent in as many `PATCH`es as the link needs: the bytes stream to a file in the uploads
//! folder as they arrive (never held in memory), so when a connection is cut the server keeps
//! what it received, `HEAD` tells the client where to continue, and the file's length is the
//! offset (right after a client disconnect or a killed server alike). A finished upload is
//! then named when creating a relic or a model version.

use std::io::Write;
use std::path::PathBuf;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use futures_util::StreamExt;

use crate::AppState;
use crate::auth::Staff;
use crate::db::{Db, DbError, now};
use crate::error::Error;
use crate::sessions::secret;

/// The protocol version spoken.
pub const TUS_VERSION: &str = "1.0.0";

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("a tus request needs the header Tus-Resumable: 1.0.0")]
    TusVersion,
    #[error("the upload is {length} bytes; the limit is {max} bytes")]
    TooLarge { length: u64, max: u64 },
    #[error("more bytes than the upload's length ({length})")]
    PastEnd { length: u64 },
    #[error("the header {0} is missing or not valid")]
    BadHeader(&'static str),
    #[error("a PATCH body must be application/offset+octet-stream")]
    WrongType,
    #[error("no upload {0}")]
    NotFound(String),
    #[error("the upload is at byte {at}, not {sent}")]
    Offset { at: u64, sent: u64 },
    #[error("the upload is busy with another request")]
    Busy,
    #[error("the upload is not finished: {at} of {length} bytes")]
    Unfinished { at: u64, length: u64 },
    #[error("the uploads folder failed: {0}")]
    Io(String),
}

/// A finished or unfinished upload.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: String,
    pub length: u64,
    pub filename: String,
    pub path: PathBuf,
}

impl Upload {
    /// Bytes received so far: the file's length.
    pub fn offset(&self) -> u64 {
        std::fs::metadata(&self.path).map_or(0, |m| m.len())
    }
}

fn part_path(state: &AppState, id: &str) -> PathBuf {
    state.config.uploads_dir.join(format!("{id}.part"))
}

/// The upload `id` of the user `user_id`.
pub async fn find(state: &AppState, user_id: i64, id: &str) -> Result<Upload, Error> {
    let valid = id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let row: Option<(i64, String)> = if valid {
        sqlx::query_as("SELECT length, filename FROM uploads WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&state.db.pool)
            .await
            .map_err(DbError::from)?
    } else {
        None
    };
    let (length, filename) = row.ok_or_else(|| UploadError::NotFound(id.to_owned()))?;
    Ok(Upload {
        id: id.to_owned(),
        length: length as u64,
        filename,
        path: part_path(state, id),
    })
}

/// A finished upload of `user_id` (its bytes are all there).
pub async fn finished(state: &AppState, user_id: i64, id: &str) -> Result<Upload, Error> {
    let upload = find(state, user_id, id).await?;
    let at = upload.offset();
    if at != upload.length {
        return Err(UploadError::Unfinished {
            at,
            length: upload.length,
        }
        .into());
    }
    Ok(upload)
}

/// Forgets an upload and removes its file (after its bytes were stored, or when cancelled).
pub async fn remove(db: &Db, upload: &Upload) -> Result<(), DbError> {
    sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(&upload.id)
        .execute(&db.pool)
        .await?;
    std::fs::remove_file(&upload.path).ok();
    Ok(())
}

pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/uploads",
        web::method(actix_web::http::Method::OPTIONS).to(options),
    )
    .route("/uploads", web::post().to(create))
    .route("/uploads/{id}", web::head().to(status))
    .route("/uploads/{id}", web::get().to(status))
    .route("/uploads/{id}", web::patch().to(append))
    .route("/uploads/{id}", web::delete().to(terminate));
}

fn tus(resp: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    resp.insert_header(("tus-resumable", TUS_VERSION))
}

fn require_tus(req: &HttpRequest) -> Result<(), Error> {
    match req.headers().get("tus-resumable") {
        Some(v) if v == TUS_VERSION => Ok(()),
        _ => Err(UploadError::TusVersion.into()),
    }
}

fn number(req: &HttpRequest, name: &'static str) -> Result<u64, Error> {
    req.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| UploadError::BadHeader(name).into())
}

async fn options(state: web::Data<AppState>) -> HttpResponse {
    tus(&mut HttpResponse::NoContent())
        .insert_header(("tus-version", TUS_VERSION))
        .insert_header(("tus-extension", "creation,termination"))
        .insert_header(("tus-max-size", state.config.max_upload_bytes().to_string()))
        .finish()
}

/// `Upload-Metadata`'s `filename`, if any (base64 values, comma-separated pairs).
fn filename(req: &HttpRequest) -> String {
    let meta = req
        .headers()
        .get("upload-metadata")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    meta.split(',')
        .filter_map(|pair| {
            let (k, v) = pair.trim().split_once(' ')?;
            (k == "filename").then_some(v)
        })
        .find_map(|v| base64::engine::general_purpose::STANDARD.decode(v).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .map(|s| s.chars().filter(|c| !c.is_control()).take(200).collect())
        .unwrap_or_else(|| "model".to_owned())
}

async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    require_tus(&req)?;
    let length = number(&req, "upload-length")?;
    let max = state.config.max_upload_bytes();
    if length > max {
        return Err(UploadError::TooLarge { length, max }.into());
    }
    let id = secret();
    std::fs::create_dir_all(&state.config.uploads_dir)
        .and_then(|_| std::fs::File::create(part_path(&state, &id)))
        .map_err(|e| UploadError::Io(e.to_string()))?;
    sqlx::query(
        "INSERT INTO uploads (id, user_id, length, filename, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(staff.user.id)
    .bind(length as i64)
    .bind(filename(&req))
    .bind(now())
    .execute(&state.db.pool)
    .await
    .map_err(DbError::from)?;
    Ok(tus(&mut HttpResponse::Created())
        .insert_header((header::LOCATION, format!("/api/admin/uploads/{id}")))
        .insert_header(("upload-offset", "0"))
        .finish())
}

/// `HEAD`: where the upload is (`Upload-Offset`), for the client to continue from there.
/// `GET` answers the same as JSON.
async fn status(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let upload = find(&state, staff.user.id, &id).await?;
    let offset = upload.offset();
    let mut resp = tus(&mut HttpResponse::Ok())
        .insert_header(("upload-offset", offset.to_string()))
        .insert_header(("upload-length", upload.length.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .take();
    if req.method() == actix_web::http::Method::HEAD {
        return Ok(resp.finish());
    }
    Ok(resp.json(serde_json::json!({
        "id": upload.id,
        "offset": offset,
        "length": upload.length,
        "filename": upload.filename,
    })))
}

/// Removes the id from the busy set when the request ends, however it ends.
struct Busy<'a> {
    set: &'a std::sync::Mutex<std::collections::HashSet<String>>,
    id: String,
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.id);
    }
}

async fn append(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    req: HttpRequest,
    mut body: web::Payload,
) -> Result<HttpResponse, Error> {
    require_tus(&req)?;
    let offset_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v == "application/offset+octet-stream");
    if !offset_type {
        return Err(UploadError::WrongType.into());
    }
    let sent = number(&req, "upload-offset")?;
    let upload = find(&state, staff.user.id, &id).await?;
    if !state
        .busy_uploads
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(upload.id.clone())
    {
        return Err(UploadError::Busy.into());
    }
    let _busy = Busy {
        set: &state.busy_uploads,
        id: upload.id.clone(),
    };
    let at = upload.offset();
    if at != sent {
        return Err(UploadError::Offset { at, sent }.into());
    }
    // A body that says it is longer than what is left is refused before a byte is written.
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| at + n > upload.length) {
        return Err(UploadError::PastEnd {
            length: upload.length,
        }
        .into());
    }
    let io = |e: std::io::Error| UploadError::Io(e.to_string());
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&upload.path)
        .map_err(io)?;
    let mut written = at;
    let mut past_end = false;
    while let Some(chunk) = body.next().await {
        // A cut connection ends the body early: what arrived is kept.
        let Ok(chunk) = chunk else { break };
        let room = (upload.length - written) as usize;
        let take = chunk.len().min(room);
        file.write_all(&chunk[..take]).map_err(io)?;
        written += take as u64;
        if take < chunk.len() {
            past_end = true;
            break;
        }
    }
    // A (chunked) body that ran past the length: what it wrote is taken back.
    let keep = if past_end { at } else { written };
    // On disk before the answer says so.
    web::block(move || file.set_len(keep).and_then(|()| file.sync_data()))
        .await
        .map_err(|e| UploadError::Io(e.to_string()))?
        .map_err(io)?;
    if past_end {
        return Err(UploadError::PastEnd {
            length: upload.length,
        }
        .into());
    }
    Ok(tus(&mut HttpResponse::NoContent())
        .insert_header(("upload-offset", written.to_string()))
        .finish())
}

async fn terminate(
    state: web::Data<AppState>,
    staff: Staff,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    require_tus(&req)?;
    let upload = find(&state, staff.user.id, &id).await?;
    remove(&state.db, &upload).await?;
    Ok(tus(&mut HttpResponse::build(StatusCode::NO_CONTENT)).finish())
}
