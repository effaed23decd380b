//! Serving files from a folder safely: path checks, content types, ETag/304 and
//! precompressed (`.br`, `.gz`) variants. Used by `/assets/` and `/viewer/`.

use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("bad path: {0}")]
    BadPath(&'static str),
    #[error("no such file: {0}")]
    NotFound(String),
    #[error("cannot read file: {0}")]
    Io(String),
}

impl ResponseError for FileError {
    fn status_code(&self) -> StatusCode {
        match self {
            FileError::BadPath(_) => StatusCode::BAD_REQUEST,
            FileError::NotFound(_) => StatusCode::NOT_FOUND,
            FileError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            FileError::BadPath(_) => "bad_path",
            FileError::NotFound(_) => "not_found",
            FileError::Io(_) => "io",
        };
        crate::error_body(self.status_code(), code, self)
    }
}

/// Checks that `path` is a plain relative path with no way out of its folder: no `..`, no
/// absolute or drive paths, no backslashes, no hidden names, no empty segments.
pub fn safe_relative(path: &str) -> Result<PathBuf, &'static str> {
    if path.is_empty() {
        return Err("empty path");
    }
    if path.contains('\0') {
        return Err("NUL byte in path");
    }
    if path.contains('\\') {
        return Err("backslash in path");
    }
    if path.starts_with('/') {
        return Err("absolute path");
    }
    let mut out = PathBuf::new();
    for segment in path.split('/') {
        match segment {
            "" => return Err("empty path segment"),
            "." | ".." => return Err("dot segment in path"),
            s if s.starts_with('.') => return Err("hidden file name in path"),
            s if s.contains(':') => return Err("':' in path"),
            s => out.push(s),
        }
    }
    debug_assert!(out.components().all(|c| matches!(c, Component::Normal(_))));
    Ok(out)
}

/// A folder served over HTTP.
#[derive(Debug, Clone)]
pub struct StaticDir {
    root: PathBuf,
    cache_control: &'static str,
    precompressed: bool,
}

impl StaticDir {
    /// `precompressed`: serve `name.br` / `name.gz` beside `name` when the client accepts them.
    pub fn new(root: &Path, cache_control: &'static str, precompressed: bool) -> StaticDir {
        StaticDir {
            root: root.canonicalize().unwrap_or_else(|_| root.to_owned()),
            cache_control,
            precompressed,
        }
    }

    /// Serves the file named by the raw (still percent-encoded) URL path `raw` below this folder.
    pub async fn serve(&self, req: &HttpRequest, raw: &str) -> Result<HttpResponse, FileError> {
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| FileError::BadPath("path is not valid UTF-8"))?;
        let rel = safe_relative(&decoded).map_err(FileError::BadPath)?;
        let not_found = || FileError::NotFound(decoded.to_string());
        let full = self
            .root
            .join(&rel)
            .canonicalize()
            .map_err(|_| not_found())?;
        // Symbolic links must not lead out of the folder either.
        if !full.starts_with(&self.root) || !full.is_file() {
            return Err(not_found());
        }

        let (file, encoding) = self.pick_variant(req, &full);
        let meta = std::fs::metadata(&file).map_err(|e| FileError::Io(e.to_string()))?;
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let etag = format!(
            "\"{:x}-{:x}{}\"",
            meta.len(),
            mtime,
            encoding.map_or(String::new(), |e| format!("-{e}"))
        );

        let not_modified = if_none_match(req, &etag);
        let mut resp = if not_modified {
            HttpResponse::NotModified()
        } else {
            HttpResponse::Ok()
        };
        resp.insert_header((header::ETAG, etag.clone()))
            .insert_header((header::CACHE_CONTROL, self.cache_control));
        if self.precompressed {
            resp.insert_header((header::VARY, "Accept-Encoding"));
        }
        if not_modified {
            return Ok(resp.finish());
        }
        let bytes = actix_web::web::block(move || std::fs::read(file))
            .await
            .map_err(|e| FileError::Io(e.to_string()))?
            .map_err(|e| FileError::Io(e.to_string()))?;
        resp.insert_header((header::CONTENT_TYPE, content_type(&full)));
        match encoding {
            Some(enc) => {
                resp.insert_header((header::CONTENT_ENCODING, enc));
                if let Ok(m) = std::fs::metadata(&full) {
                    resp.insert_header(("x-decoded-length", m.len().to_string()));
                }
            }
            // Tells the compression middleware to leave the body as it is.
            None => {
                resp.insert_header((
                    header::CONTENT_ENCODING,
                    HeaderValue::from_static("identity"),
                ));
            }
        }
        Ok(resp.body(bytes))
    }

    fn pick_variant(&self, req: &HttpRequest, full: &Path) -> (PathBuf, Option<&'static str>) {
        if self.precompressed {
            for (enc, ext) in [("br", "br"), ("gzip", "gz")] {
                if accepts(req, enc) {
                    let mut name = full.as_os_str().to_owned();
                    name.push(".");
                    name.push(ext);
                    let candidate = PathBuf::from(name);
                    if candidate.is_file() {
                        return (candidate, Some(enc));
                    }
                }
            }
        }
        (full.to_owned(), None)
    }
}

/// Whether `Accept-Encoding` allows `encoding` (a q of 0 forbids it).
fn accepts(req: &HttpRequest, encoding: &str) -> bool {
    let Some(value) = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value.split(',').any(|item| {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim();
        let q_zero = parts.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        name.eq_ignore_ascii_case(encoding) && !q_zero
    })
}

fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers()
        .get_all(header::IF_NONE_MATCH)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim())
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// The media type of a file, from its extension.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "glb" => "model/gltf-binary",
        "gltf" => "model/gltf+json",
        "bin" => "application/octet-stream",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "webp" => "image/webp",
        "ktx2" => "image/ktx2",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" | "geojson" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn safe_paths() {
        for ok in ["a.glb", "models/a.glb", "x/y/z.png"] {
            assert!(safe_relative(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            ".git/config",
            "a\\b",
            "C:/x",
            "a\0b",
            "models/",
        ] {
            assert!(safe_relative(bad).is_err(), "{bad:?}");
        }
    }
}
