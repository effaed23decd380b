//! The web app: `GET /` and `GET /tour/{slug}` (the same page), the viewer build under
//! `/viewer/`, models and textures under `/assets/`, and `GET /healthz`.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use disan_types::Health;

use crate::AppState;
use crate::files::FileError;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("no site with slug {0:?}")]
    UnknownSite(String),
    #[error("the web app is not built: {0} is missing (run `cargo xtask web`)")]
    NotBuilt(String),
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            WebError::UnknownSite(_) => StatusCode::NOT_FOUND,
            WebError::NotBuilt(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let code = match self {
            WebError::UnknownSite(_) => "unknown_site",
            WebError::NotBuilt(_) => "not_built",
        };
        crate::error_body(self.status_code(), code, self)
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/tour/{slug}", web::get().to(tour))
        .route("/healthz", web::get().to(healthz))
        .route("/viewer/{tail:.*}", web::get().to(viewer))
        .route("/assets/{tail:.*}", web::get().to(assets));
}

async fn index(state: web::Data<AppState>) -> Result<HttpResponse, WebError> {
    page(&state)
}

async fn tour(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let slug = slug.into_inner();
    if state.catalog.get(&slug).is_none() {
        return Err(WebError::UnknownSite(slug));
    }
    page(&state)
}

fn page(state: &AppState) -> Result<HttpResponse, WebError> {
    let path = state.config.web_dir.join("index.html");
    let html = std::fs::read(&path).map_err(|_| WebError::NotBuilt(path.display().to_string()))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(html))
}

async fn healthz(state: web::Data<AppState>) -> web::Json<Health> {
    web::Json(Health {
        status: "ok".into(),
        sites: state.catalog.len(),
    })
}

/// The part of the raw request path after `prefix`, still percent-encoded.
fn tail<'a>(req: &'a HttpRequest, prefix: &str) -> &'a str {
    req.uri().path().strip_prefix(prefix).unwrap_or("")
}

async fn viewer(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, FileError> {
    state.viewer.serve(&req, tail(&req, "/viewer/")).await
}

async fn assets(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, FileError> {
    state.assets.serve(&req, tail(&req, "/assets/")).await
}
