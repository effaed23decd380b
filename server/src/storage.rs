//! Files the server hands out — models, tour stills, the viewer build — read through one
//! storage abstraction, the `object_store` crate (a local folder by default; S3 and others by
//! configuration later). Files stream to the client, never read whole into memory; `Range`
//! requests get `206`, every answer says `Accept-Ranges: bytes`; ETags give `304`; optional
//! precompressed variants (`name.br`, `name.gz`) are picked by `Accept-Encoding`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use actix_web::http::header::{
    self, AcceptEncoding, Encoding, EntityTag, Header, HeaderValue, IfNoneMatch, Preference,
};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpRequest, HttpResponse};
use disan_catalog::paths::safe_relative;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt};

use crate::error::Error;

/// Bytes as lower-case hex digits.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of `bytes` in hex: the name content-addressed files are stored under (and how
/// session and token secrets are kept).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// Why a file could not be served.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("bad path: {0}")]
    BadPath(&'static str),
    #[error("no such file: {0}")]
    NotFound(String),
    #[error("the range {range:?} is not within the file's {size} bytes")]
    BadRange { range: String, size: u64 },
    #[error("storage failed: {0}")]
    Storage(String),
}

/// A store of files served under one URL prefix.
#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// For a local folder: its real path, so symbolic links cannot lead out of it.
    local_root: Option<PathBuf>,
    cache_control: &'static str,
    precompressed: bool,
}

impl Storage {
    /// The folder `root` on the local filesystem. `precompressed`: serve `name.br` /
    /// `name.gz` beside `name` when the client accepts them.
    pub fn local(
        root: &Path,
        cache_control: &'static str,
        precompressed: bool,
    ) -> Result<Storage, FileError> {
        let real = root
            .canonicalize()
            .map_err(|e| FileError::Storage(format!("{}: {e}", root.display())))?;
        let store = LocalFileSystem::new_with_prefix(&real)
            .map_err(|e| FileError::Storage(e.to_string()))?
            .with_fsync(true);
        Ok(Storage {
            store: Arc::new(store),
            local_root: Some(real),
            cache_control,
            precompressed,
        })
    }

    fn location(&self, rel: &str) -> Result<StorePath, FileError> {
        safe_relative(rel).map_err(FileError::BadPath)?;
        let not_found = || FileError::NotFound(rel.to_owned());
        if let Some(root) = &self.local_root {
            // Symbolic links must not lead out of the folder.
            let real = root.join(rel).canonicalize().map_err(|_| not_found())?;
            if !real.starts_with(root) || !real.is_file() {
                return Err(not_found());
            }
        }
        StorePath::parse(rel).map_err(|_| FileError::BadPath("not a storage path"))
    }

    /// Stores `bytes` as `rel` unless a file is there already (names are content hashes, so
    /// the same name is the same bytes: a store never overwrites). Written whole or not at all
    /// (the store writes a temporary file and renames it), and flushed to disk with its folder
    /// before this returns (the store is opened with fsync).
    pub async fn put_new(&self, rel: &str, bytes: Vec<u8>) -> Result<(), FileError> {
        safe_relative(rel).map_err(FileError::BadPath)?;
        let location =
            StorePath::parse(rel).map_err(|_| FileError::BadPath("not a storage path"))?;
        let options = object_store::PutOptions {
            mode: object_store::PutMode::Create,
            ..Default::default()
        };
        match self.store.put_opts(&location, bytes.into(), options).await {
            Ok(_) | Err(object_store::Error::AlreadyExists { .. }) => {}
            Err(e) => return Err(FileError::Storage(e.to_string())),
        }
        Ok(())
    }

    /// The size of the file `rel`, in bytes.
    pub async fn size(&self, rel: &str) -> Result<u64, FileError> {
        Ok(self.version(rel).await?.0)
    }

    /// The size of the file `rel` and a tag that changes when it does.
    pub async fn version(&self, rel: &str) -> Result<(u64, String), FileError> {
        let location = self.location(rel)?;
        let meta = self
            .store
            .head(&location)
            .await
            .map_err(|e| FileError::Storage(e.to_string()))?;
        let tag = meta
            .e_tag
            .unwrap_or_else(|| format!("{:x}", meta.last_modified.timestamp()));
        Ok((meta.size, tag))
    }

    /// The paths of the files under the folder `prefix`, sorted.
    pub async fn list(&self, prefix: &str) -> Result<Vec<String>, FileError> {
        use futures_util::TryStreamExt;
        let prefix =
            StorePath::parse(prefix).map_err(|_| FileError::BadPath("not a storage path"))?;
        let mut out: Vec<String> = self
            .store
            .list(Some(&prefix))
            .map_ok(|m| m.location.to_string())
            .try_collect()
            .await
            .map_err(|e| FileError::Storage(e.to_string()))?;
        out.sort();
        Ok(out)
    }

    /// The whole of the file `rel`.
    pub async fn read(&self, rel: &str) -> Result<Vec<u8>, FileError> {
        let location = self.location(rel)?;
        let got = self
            .store
            .get(&location)
            .await
            .map_err(|e| FileError::Storage(e.to_string()))?;
        let bytes = got
            .bytes()
            .await
            .map_err(|e| FileError::Storage(e.to_string()))?;
        Ok(bytes.to_vec())
    }

    /// Serves the file named by the raw (still percent-encoded) URL path `raw`.
    pub async fn serve(&self, req: &HttpRequest, raw: &str) -> Result<HttpResponse, Error> {
        let decoded = percent_encoding::percent_decode_str(raw)
            .decode_utf8()
            .map_err(|_| FileError::BadPath("path is not valid UTF-8"))?;
        let location = self.location(&decoded)?;
        let range = req
            .headers()
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let not_found = || FileError::NotFound(decoded.to_string());
        let head = |location: StorePath| async move {
            self.store.head(&location).await.map_err(|e| match e {
                object_store::Error::NotFound { .. } => not_found(),
                e => FileError::Storage(e.to_string()),
            })
        };
        let file = head(location.clone()).await?;
        // Ranges are of the file itself: a compressed variant is only sent whole.
        let (location, encoding, meta) = match range {
            Some(_) => (location, None, file.clone()),
            None => match self.pick_variant(req, &location).await {
                Some((variant, encoding, meta)) => (variant, Some(encoding), meta),
                None => (location, None, file.clone()),
            },
        };
        let tag = EntityTag::new_strong(format!(
            "{}{}",
            meta.e_tag
                .clone()
                .unwrap_or_else(|| format!("{:x}-{:x}", meta.size, meta.last_modified.timestamp()))
                .replace('"', ""),
            encoding.map_or(String::new(), |e| format!("-{e}"))
        ));
        let etag = tag.to_string();

        let mut resp = HttpResponse::build(StatusCode::OK);
        resp.insert_header((header::ETAG, etag.clone()))
            .insert_header((header::CACHE_CONTROL, self.cache_control))
            .insert_header((header::ACCEPT_RANGES, "bytes"));
        if self.precompressed {
            resp.insert_header((header::VARY, "Accept-Encoding"));
        }
        if not_modified(req, &tag) {
            resp.status(StatusCode::NOT_MODIFIED);
            return Ok(resp.finish());
        }
        resp.insert_header((header::CONTENT_TYPE, content_type(&decoded)));
        match encoding {
            Some(enc) => {
                resp.insert_header((header::CONTENT_ENCODING, enc));
                resp.insert_header(("x-decoded-length", file.size.to_string()));
            }
            // Tells the compression middleware to leave the body as it is.
            None => {
                resp.insert_header((
                    header::CONTENT_ENCODING,
                    HeaderValue::from_static("identity"),
                ));
            }
        }
        let if_range_ok = req
            .headers()
            .get(header::IF_RANGE)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.trim() == etag);
        let wanted = match range.as_deref() {
            Some(r) if if_range_ok => {
                Some(
                    parse_range(r, meta.size).ok_or_else(|| FileError::BadRange {
                        range: r.to_owned(),
                        size: meta.size,
                    })?,
                )
            }
            _ => None,
        };
        let options = GetOptions {
            range: wanted
                .clone()
                .flatten()
                .map(|r| GetRange::Bounded(r.start..r.end)),
            head: req.method() == Method::HEAD,
            ..GetOptions::default()
        };
        let got = self
            .store
            .get_opts(&location, options)
            .await
            .map_err(|e| FileError::Storage(e.to_string()))?;
        if let Some(Some(r)) = &wanted {
            resp.status(StatusCode::PARTIAL_CONTENT).insert_header((
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{}", r.start, r.end - 1, meta.size),
            ));
        }
        let length = got.range.end - got.range.start;
        if req.method() == Method::HEAD {
            resp.no_chunking(length);
            return Ok(resp.finish());
        }
        Ok(resp.no_chunking(length).streaming(got.into_stream()))
    }

    /// The precompressed variant the client accepts, with its encoding and metadata, when
    /// this store keeps them and one is there.
    async fn pick_variant(
        &self,
        req: &HttpRequest,
        location: &StorePath,
    ) -> Option<(StorePath, &'static str, object_store::ObjectMeta)> {
        if !self.precompressed {
            return None;
        }
        let accepted = AcceptEncoding::parse(req).ok()?;
        for (enc, name, ext) in [
            (Encoding::brotli(), "br", "br"),
            (Encoding::gzip(), "gzip", "gz"),
        ] {
            let ok = accepted.iter().any(|item| {
                item.quality > header::Quality::ZERO
                    && matches!(&item.item, Preference::Specific(e) if *e == enc)
            });
            if !ok {
                continue;
            }
            let candidate = StorePath::from(format!("{location}.{ext}"));
            if let Ok(meta) = self.store.head(&candidate).await {
                return Some((candidate, name, meta));
            }
        }
        None
    }
}

/// Whether `If-None-Match` names the current version (or `*`).
fn not_modified(req: &HttpRequest, tag: &EntityTag) -> bool {
    match IfNoneMatch::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(items)) => items.iter().any(|t| t.weak_eq(tag)),
        Err(_) => false,
    }
}

/// A single `bytes=` range of a file of `size` bytes: `Some(Some(range))` to send part,
/// `Some(None)` to send it whole (several ranges, another unit, or a header that does not
/// parse, which RFC 9110 says to ignore), `None` when the range lies outside the file.
fn parse_range(value: &str, size: u64) -> Option<Option<std::ops::Range<u64>>> {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return Some(None);
    };
    if spec.contains(',') {
        return Some(None);
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return Some(None);
    };
    let (start, end) = (start.trim(), end.trim());
    let number = |t: &str| t.parse::<u64>().ok();
    let range = match (start.is_empty(), number(start), number(end)) {
        // The last `n` bytes.
        (true, _, Some(n)) if n > 0 && size > 0 => size.saturating_sub(n)..size,
        (true, _, Some(_)) => return None,
        (false, Some(start), _) if end.is_empty() => start..size,
        (false, Some(start), Some(last)) if last >= start => {
            start..last.saturating_add(1).min(size)
        }
        (false, Some(_), Some(_)) => return None,
        _ => return Some(None),
    };
    if range.start >= size || range.is_empty() {
        return None;
    }
    Some(Some(range))
}

/// The media type of a file, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e)
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
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "html" => "text/html; charset=utf-8",
        "json" | "geojson" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        for (text, want) in [
            ("bytes=0-9", Some(Some(0..10))),
            ("bytes=10-", Some(Some(10..100))),
            ("bytes=-10", Some(Some(90..100))),
            ("bytes=90-200", Some(Some(90..100))),
            ("bytes=0-0", Some(Some(0..1))),
            ("bytes=0-1,5-6", Some(None)),
            ("items=0-1", Some(None)),
            ("bytes=100-", None),
            ("bytes=5-2", None),
            ("bytes=-0", None),
            ("bytes=x-1", Some(None)),
            ("bytes=", Some(None)),
            ("bytes=3-x", Some(None)),
        ] {
            assert_eq!(parse_range(text, 100), want, "{text}");
        }
    }
}
