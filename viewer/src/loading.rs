//! Reading assets from the server's `/assets/` with download progress, as bevy's default asset
//! source.

use std::path::Path;
use std::sync::Arc;

use bevy::asset::io::{AssetReader, AssetReaderError, PathStream, Reader, VecReader};
use bevy::prelude::*;

use crate::net::{self, Counter, NetError, Server};

/// Bytes of assets downloaded so far, for the progress bar.
#[derive(Resource, Clone, Debug, Default, Deref)]
pub struct Progress(pub Counter);

/// Bevy's default asset source: `models/x.glb` is fetched from `/assets/models/x.glb`.
#[derive(Clone)]
pub struct HttpReader {
    server: Server,
    progress: Progress,
}

impl HttpReader {
    pub fn new(server: Server, progress: Progress) -> HttpReader {
        HttpReader { server, progress }
    }
}

impl AssetReader for HttpReader {
    async fn read<'a>(&'a self, path: &'a Path) -> Result<impl Reader + 'a, AssetReaderError> {
        let url = self
            .server
            .url(&format!("/assets/{}", path.to_string_lossy()));
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
