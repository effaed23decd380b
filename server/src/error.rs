//! The server's one error type: every area's errors convert into [`Error`], and each maps in
//! one place to a stable [`ErrorCode`] (shared with clients through `disan-types`) and its
//! HTTP status, answered as a JSON [`ApiError`] body.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use disan_types::{ApiError, ErrorCode};

use crate::auth::AuthError;
use crate::db::DbError;
use crate::map::MapError;
use crate::relics::RelicError;
use crate::search::SearchError;
use crate::storage::FileError;
use crate::uploads::UploadError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("nothing at {0}")]
    NotFound(String),
    #[error("no site with slug {0:?}")]
    UnknownSite(String),
    #[error("the web app is not built: {0} is missing (run `cargo xtask web`)")]
    NotBuilt(String),
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Search(#[from] SearchError),
    #[error(transparent)]
    Map(#[from] MapError),
    /// A query string or form that does not parse; the message names the field.
    #[error("{0}")]
    BadParameter(String),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Upload(#[from] UploadError),
    #[error(transparent)]
    Relic(#[from] RelicError),
}

/// An account the request named cannot be (a bad name, a short password, a name taken…):
/// the caller's input, so a 400 naming it; the database failing is the database's error.
impl From<crate::accounts::AccountError> for Error {
    fn from(e: crate::accounts::AccountError) -> Self {
        match e {
            crate::accounts::AccountError::Db(e) => Error::Db(e),
            other => Error::BadParameter(other.to_string()),
        }
    }
}

impl Error {
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::NotFound(_) => ErrorCode::NotFound,
            Error::UnknownSite(_) => ErrorCode::UnknownSite,
            Error::NotBuilt(_) => ErrorCode::NotBuilt,
            Error::File(e) => match e {
                FileError::BadPath(_) => ErrorCode::BadPath,
                FileError::NotFound(_) => ErrorCode::NotFound,
                FileError::BadRange { .. } => ErrorCode::BadRange,
                FileError::Storage(_) => ErrorCode::Storage,
            },
            Error::Search(e) => match e {
                SearchError::EmptyQuery => ErrorCode::EmptyQuery,
                SearchError::QueryTooLong { .. } => ErrorCode::QueryTooLong,
                SearchError::BadParameter(_) => ErrorCode::BadParameter,
                SearchError::Index(_) => ErrorCode::SearchFailed,
            },
            Error::Map(MapError::BadParameter(_)) | Error::BadParameter(_) => {
                ErrorCode::BadParameter
            }
            Error::Auth(e) => match e {
                AuthError::Unauthenticated => ErrorCode::Unauthenticated,
                AuthError::Forbidden { .. } => ErrorCode::Forbidden,
                AuthError::BadCsrf | AuthError::CrossOrigin(_) => ErrorCode::BadCsrf,
            },
            Error::Db(_) => ErrorCode::Database,
            Error::Upload(e) => match e {
                UploadError::TusVersion => ErrorCode::TusVersion,
                UploadError::TooLarge { .. } | UploadError::PastEnd { .. } => {
                    ErrorCode::UploadTooLarge
                }
                UploadError::BadHeader(_) => ErrorCode::BadParameter,
                UploadError::WrongType => ErrorCode::UnsupportedMedia,
                UploadError::NotFound(_) => ErrorCode::NotFound,
                UploadError::Offset { .. } | UploadError::Busy | UploadError::Unfinished { .. } => {
                    ErrorCode::UploadConflict
                }
                UploadError::Io(_) => ErrorCode::Storage,
            },
            Error::Relic(e) => match e {
                RelicError::Unknown(_) => ErrorCode::NotFound,
                RelicError::WrongState { .. } => ErrorCode::WrongState,
                RelicError::Refused(code, _) => *code,
                RelicError::Corrupt(_) => ErrorCode::Database,
            },
        }
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.code().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        let mut resp = HttpResponse::build(self.status_code());
        match self {
            Error::File(FileError::BadRange { size, .. }) => {
                resp.insert_header(("content-range", format!("bytes */{size}")));
            }
            Error::Upload(e) => {
                resp.insert_header(("tus-resumable", crate::uploads::TUS_VERSION));
                if let UploadError::Offset { at, .. } = e {
                    resp.insert_header(("upload-offset", at.to_string()));
                }
            }
            Error::Auth(AuthError::Unauthenticated) => {
                resp.insert_header(("www-authenticate", "Bearer realm=\"disan\""));
            }
            _ => {}
        }
        if self.status_code().is_server_error() {
            log::error!("{self}");
        }
        if let Error::Relic(RelicError::Refused(code, problems)) = self {
            return resp.json(disan_types::admin::Refusal {
                error: *code,
                message: self.to_string(),
                problems: problems.clone(),
            });
        }
        resp.json(ApiError {
            error: self.code(),
            message: self.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_reached() {
        let errors = [
            Error::NotFound("/x".into()),
            Error::UnknownSite("x".into()),
            Error::NotBuilt("x".into()),
            FileError::BadPath("x").into(),
            FileError::NotFound("x".into()).into(),
            FileError::BadRange {
                range: "bytes=9-".into(),
                size: 1,
            }
            .into(),
            FileError::Storage("x".into()).into(),
            SearchError::EmptyQuery.into(),
            SearchError::QueryTooLong { chars: 201 }.into(),
            SearchError::BadParameter("x".into()).into(),
            SearchError::Index(tantivy::TantivyError::InternalError("x".into())).into(),
            MapError::BadParameter("x".into()).into(),
            AuthError::Unauthenticated.into(),
            AuthError::Forbidden {
                name: "x".into(),
                has: disan_types::admin::Role::Editor,
                needed: disan_types::admin::Role::Admin,
            }
            .into(),
            AuthError::BadCsrf.into(),
            DbError::Query(sqlx::Error::PoolClosed).into(),
            UploadError::TusVersion.into(),
            UploadError::TooLarge { length: 2, max: 1 }.into(),
            UploadError::Busy.into(),
            UploadError::WrongType.into(),
            RelicError::Refused(ErrorCode::InvalidModel, vec![]).into(),
            RelicError::Refused(ErrorCode::InvalidRelic, vec![]).into(),
            RelicError::WrongState {
                state: "draft".into(),
                wanted: "unpublished",
            }
            .into(),
        ];
        for code in ErrorCode::ALL {
            assert!(
                errors.iter().any(|e: &Error| e.code() == code),
                "{code:?} is never answered"
            );
        }
    }
}
