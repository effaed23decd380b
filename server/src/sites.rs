//! The site API: `GET /api/sites` and `GET /api/sites/{slug}`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use disan_types::{SiteDetail, SiteSummary};

use crate::AppState;

#[derive(Debug, thiserror::Error)]
pub enum SitesError {
    #[error("no site with slug {0:?}")]
    UnknownSite(String),
}

impl ResponseError for SitesError {
    fn status_code(&self) -> StatusCode {
        match self {
            SitesError::UnknownSite(_) => StatusCode::NOT_FOUND,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            SitesError::UnknownSite(_) => "unknown_site",
        };
        crate::error_body(self.status_code(), code, self)
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/sites", web::get().to(list))
        .route("/api/sites/{slug}", web::get().to(one));
}

async fn list(state: web::Data<AppState>) -> web::Json<Vec<SiteSummary>> {
    web::Json(state.catalog.summaries().cloned().collect())
}

async fn one(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<web::Json<SiteDetail>, SitesError> {
    let slug = slug.into_inner();
    match state.catalog.get(&slug) {
        Some(site) => Ok(web::Json(site.clone())),
        None => Err(SitesError::UnknownSite(slug)),
    }
}
