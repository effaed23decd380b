//! Reading assets by their URL with download progress: bevy's default asset source reads paths
//! on the page's own server (`assets/models/x.glb` is `/assets/models/x.glb`), the `http` and
//! `https` sources read other origins (a CDN): models are loaded by the URL the API gives.

use std::path::Path;
use std::sync::Arc;

use bevy::asset::io::{AssetReader, AssetReaderError, PathStream, Reader, VecReader};
use bevy::prelude::*;

use crate::net::{self, Counter, NetError, Server};

/// Bytes of assets downloaded so far, for the progress bar.
#[derive(Resource, Clone, Debug, Default, Deref)]
pub struct Progress(pub Counter);

/// An asset source over HTTP: with no scheme, paths on the page's server; with one, that
/// scheme's URLs (`https` + `cdn.example/x.glb`).
#[derive(Clone)]
pub struct HttpReader {
    server: Server,
    progress: Progress,
    scheme: Option<&'static str>,
}

impl HttpReader {
    pub fn new(server: Server, progress: Progress, scheme: Option<&'static str>) -> HttpReader {
        HttpReader {
            server,
            progress,
            scheme,
        }
    }
}

/// The asset path that loads `url` (an absolute path on the server, or a full URL).
pub fn asset_path(url: &str) -> String {
    match url.strip_prefix('/') {
        Some(path) => path.to_owned(),
        None => url.to_owned(),
    }
}

impl AssetReader for HttpReader {
    async fn read<'a>(&'a self, path: &'a Path) -> Result<impl Reader + 'a, AssetReaderError> {
        let path_text = path.to_string_lossy();
        let url = match self.scheme {
            None => self.server.url(&format!("/{path_text}")),
            Some(scheme) => format!("{scheme}://{path_text}"),
        };
        match net::get(&url, Some(&self.progress)).await {
            Ok(bytes) => Ok(VecReader::new(bytes)),
            Err(NetError::Status(403 | 404)) => Err(AssetReaderError::NotFound(path.to_owned())),
            Err(NetError::Status(status)) => Err(AssetReaderError::HttpError(status)),
            Err(NetError::Network(message)) => Err(AssetReaderError::Io(Arc::new(
                std::io::Error::other(message),
            ))),
        }
    }

    async fn read_meta<'a>(&'a self, path: &'a Path) -> Result<impl Reader + 'a, AssetReaderError> {
        // Meta files are never used (`AssetMetaCheck::Never`).
        Err::<VecReader, _>(AssetReaderError::NotFound(path.to_owned()))
    }

    async fn read_directory<'a>(
        &'a self,
        path: &'a Path,
    ) -> Result<Box<PathStream>, AssetReaderError> {
        Err(AssetReaderError::NotFound(path.to_owned()))
    }

    async fn is_directory<'a>(&'a self, _path: &'a Path) -> Result<bool, AssetReaderError> {
        Ok(false)
    }
}
