//! Disan's HTTP server: the web app, the site API and the model files, from `content/` and
//! `assets/` on disk. `main.rs` only reads the config and calls [`run`].

pub mod config;
pub mod content;
pub mod files;
pub mod map;
pub mod search;
pub mod sites;
pub mod tour2d;
pub mod web;

use std::fmt::Display;
use std::net::SocketAddr;

use actix_web::dev::Server;
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, middleware};
use disan_types::ApiError;

pub use config::Config;
use content::Catalog;
use files::StaticDir;
use search::SearchIndex;

/// Everything the handlers share, built once at start-up.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    pub catalog: Catalog,
    /// Derived from the catalog at start-up.
    pub search: SearchIndex,
    /// The province map (`/map.svg`) in each language, drawn once at start-up.
    pub map_svg: disan_types::Localized,
    pub assets: StaticDir,
    pub viewer: StaticDir,
}

impl AppState {
    /// Checks the config and loads the content; fails with every problem found.
    pub fn new(config: Config) -> anyhow::Result<AppState> {
        config.validate()?;
        let catalog = Catalog::load(&config.content_dir, &config.assets_dir)?;
        let search = SearchIndex::from_sites(catalog.sites())?;
        let map_svg = disan_types::Localized {
            vi: map::map_svg(&catalog, disan_types::Lang::Vi),
            en: map::map_svg(&catalog, disan_types::Lang::En),
        };
        Ok(AppState {
            search,
            map_svg,
            assets: StaticDir::new(&config.assets_dir, "public, max-age=3600", false),
            viewer: StaticDir::new(&config.web_dir.join("viewer"), "no-cache", true),
            catalog,
            config,
        })
    }
}

/// The JSON body of an error response.
pub(crate) fn error_body(status: StatusCode, code: &str, message: &impl Display) -> HttpResponse {
    HttpResponse::build(status).json(ApiError {
        error: code.to_owned(),
        message: message.to_string(),
    })
}

/// The route table: one `config` per area.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.configure(sites::config)
        .configure(search::config)
        .configure(map::config)
        .configure(tour2d::config)
        .configure(web::config);
}

/// Binds the listener and returns the server (not yet polled) and the address it got.
pub fn start(config: Config) -> anyhow::Result<(Server, SocketAddr)> {
    let bind = config.bind;
    let state = actix_web::web::Data::new(AppState::new(config)?);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .wrap(middleware::Compress::default())
            .wrap(middleware::Logger::new("%r %s %b %Dms"))
            .configure(routes)
            .default_service(actix_web::web::to(not_found))
    })
    .workers(2)
    .bind(bind)?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| anyhow::anyhow!("bound to no address"))?;
    Ok((server.run(), addr))
}

async fn not_found(req: actix_web::HttpRequest) -> HttpResponse {
    error_body(
        StatusCode::NOT_FOUND,
        "not_found",
        &format!("nothing at {}", req.path()),
    )
}

/// Runs the server until it is stopped.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let (server, addr) = start(config)?;
    log::info!("Disan listening on http://{addr}/");
    server.await?;
    Ok(())
}
