//! The site API: `GET /api/sites` and `GET /api/sites/{slug}` (with the site's published
//! relics).

use actix_web::web;
use disan_types::{SiteDetail, SiteSummary};

use crate::AppState;
use crate::error::Error;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/sites", web::get().to(list))
        .route("/api/sites/{slug}", web::get().to(one));
}

async fn list(state: web::Data<AppState>) -> web::Json<Vec<SiteSummary>> {
    web::Json(state.snapshot().catalog.summaries().cloned().collect())
}

async fn one(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<web::Json<SiteDetail>, Error> {
    let slug = slug.into_inner();
    let snapshot = state.snapshot();
    let mut site = snapshot
        .catalog
        .get(&slug)
        .cloned()
        .ok_or(Error::UnknownSite(slug))?;
    if let Some(relics) = snapshot.site_relics.get(&site.site.slug) {
        site.relics = relics.clone();
    }
    Ok(web::Json(site))
}
