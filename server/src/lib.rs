//! Disan's HTTP server: the web app, the site API and the files, from `content/` and an asset
//! store. `main.rs` only parses the command line and calls [`run`].
//!
//! Everything the API answers comes from one immutable [`Snapshot`] (catalogue, search index,
//! map), held behind an atomic swap in [`AppState`]: [`AppState::rebuild`] makes a new one off
//! the request path and replaces the old in one step, while requests in flight finish on the
//! snapshot they started with.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod map;
pub mod search;
pub mod sessions;
pub mod sites;
pub mod storage;
pub mod throttle;
pub mod tokens;
pub mod tour2d;
pub mod uploads;
pub mod web;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware};
use arc_swap::ArcSwap;
use disan_catalog::{Catalog, Problems};
use disan_search::SearchIndex;

pub use config::Config;
use db::Db;
pub use error::Error;
use storage::Storage;

/// What the API answers from, built in one piece and never changed afterwards.
#[derive(Debug)]
pub struct Snapshot {
    pub catalog: Catalog,
    /// Derived from the catalogue.
    pub search: SearchIndex,
    /// The province map (`/map.svg`) in each language, drawn from the catalogue.
    pub map_svg: disan_types::Localized,
}

/// Why a snapshot could not be built; the one being served stays.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Content(#[from] Problems),
    #[error("the search index failed: {0}")]
    Search(#[from] tantivy::TantivyError),
}

impl Snapshot {
    /// Loads and checks the content and derives the index and the map from it.
    pub fn build(config: &Config) -> Result<Snapshot, RebuildError> {
        let catalog = Catalog::load(&config.content_dir, &config.assets_dir)?;
        let search = SearchIndex::from_sites(catalog.sites())?;
        let map_svg = disan_types::Localized {
            vi: map::map_svg(&catalog, disan_types::Lang::Vi),
            en: map::map_svg(&catalog, disan_types::Lang::En),
        };
        Ok(Snapshot {
            catalog,
            search,
            map_svg,
        })
    }
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    snapshot: ArcSwap<Snapshot>,
    /// Held while a rebuild runs, so two never race to replace the snapshot.
    rebuilding: Mutex<()>,
    /// Models and tour stills, served under `/assets/`.
    pub assets: Storage,
    /// The web build (`index.html`, the page's modules, the viewer), served under `/`.
    pub web: Option<Storage>,
    /// Staff accounts, sessions, tokens, the audit log, relics.
    pub db: Db,
    /// Uploads a request is appending to right now (one request per upload at a time).
    pub busy_uploads: Mutex<std::collections::HashSet<String>>,
}

impl AppState {
    /// Checks the config and builds the first snapshot; fails with every problem found.
    pub fn new(config: Config, db: Db) -> anyhow::Result<AppState> {
        config.validate()?;
        let snapshot = Snapshot::build(&config)?;
        let assets = Storage::local(&config.assets_dir, "public, max-age=3600", false)?;
        let web = Storage::local(&config.web_dir, "no-cache", true).ok();
        Ok(AppState {
            snapshot: ArcSwap::from_pointee(snapshot),
            rebuilding: Mutex::new(()),
            assets,
            web,
            db,
            busy_uploads: Mutex::default(),
            config,
        })
    }

    /// The snapshot to answer a request from: keep it for the whole request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// Builds a new snapshot from the content as it is now and swaps it in; on any problem the
    /// current one stays and the problems are returned. Blocking: call it off the request
    /// path (e.g. in `actix_web::web::block`). Uploads call this after storing a change.
    pub fn rebuild(&self) -> Result<Arc<Snapshot>, RebuildError> {
        let _one_at_a_time = self.rebuilding.lock().unwrap_or_else(|e| e.into_inner());
        let next = Arc::new(Snapshot::build(&self.config)?);
        self.snapshot.store(next.clone());
        log::info!("catalogue rebuilt: {} sites", next.catalog.len());
        Ok(next)
    }
}

/// The route table: one `config` per area. Staff pages and the staff API are never cached.
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::web::scope;
    let no_store = || middleware::DefaultHeaders::new().add(("cache-control", "no-store"));
    cfg.service(
        scope("/api/admin")
            .wrap(no_store())
            .configure(admin::api)
            .configure(audit::api)
            .configure(uploads::api),
    )
    .service(scope("/admin").wrap(no_store()).configure(admin::pages))
    .configure(admin::stylesheet)
    .configure(sites::config)
    .configure(search::config)
    .configure(map::config)
    .configure(tour2d::config)
    .configure(web::config);
}

/// Query strings and forms that do not parse are answered like every other error.
fn extractor_errors(cfg: &mut actix_web::web::ServiceConfig) {
    use actix_web::web::{FormConfig, QueryConfig};
    cfg.app_data(
        QueryConfig::default().error_handler(|e, _| Error::BadParameter(e.to_string()).into()),
    )
    .app_data(
        FormConfig::default().error_handler(|e, _| Error::BadParameter(e.to_string()).into()),
    );
}

/// Opens the database, binds the listener and returns the server (not yet polled), the shared
/// state (for [`AppState::rebuild`]) and the address it got.
pub async fn start(config: Config) -> anyhow::Result<(Server, Arc<AppState>, SocketAddr)> {
    let bind = config.bind;
    let workers = config.workers();
    let db = Db::open(&config.database).await?;
    let state = Arc::new(AppState::new(config, db)?);
    let data = actix_web::web::Data::from(state.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .configure(extractor_errors)
            .wrap(web::security_headers())
            .wrap(middleware::Compress::default())
            .wrap(middleware::Logger::new("%r %s %b %Dms"))
            .configure(routes)
            .default_service(actix_web::web::to(web::fallback))
    })
    .workers(workers)
    .bind(bind)?;
    let addr = server
        .addrs()
        .first()
        .copied()
        .ok_or_else(|| anyhow::anyhow!("bound to no address"))?;
    Ok((server.run(), state, addr))
}

/// Runs the server until it is stopped. On Unix, `SIGHUP` rebuilds the snapshot from the
/// content as it is now (`kill -HUP <pid>` after editing `content/`), without a restart.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let (server, state, addr) = start(config).await?;
    #[cfg(unix)]
    actix_web::rt::spawn(rebuild_on_hangup(state));
    #[cfg(not(unix))]
    drop(state);
    log::info!("Disan listening on http://{addr}/");
    server.await?;
    Ok(())
}

/// Rebuilds the snapshot at every `SIGHUP`, off the request threads; a refused rebuild is
/// logged with every problem and the served snapshot stays.
#[cfg(unix)]
async fn rebuild_on_hangup(state: Arc<AppState>) {
    use actix_web::rt::signal::unix::{SignalKind, signal};
    let Ok(mut hangups) = signal(SignalKind::hangup()) else {
        log::warn!("cannot listen for SIGHUP: reloading needs a restart");
        return;
    };
    while hangups.recv().await.is_some() {
        let state = state.clone();
        match actix_web::web::block(move || state.rebuild()).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => log::error!("SIGHUP: the content was not reloaded: {e}"),
            Err(e) => log::error!("SIGHUP: the rebuild did not run: {e}"),
        }
    }
}
