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
pub mod import;
pub mod jobs;
pub mod landing;
pub mod map;
pub mod offline;
pub mod photos;
pub mod qr;
pub mod relic_pages;
pub mod relics;
pub mod scans;
pub mod search;
pub mod sessions;
pub mod sites;
pub mod storage;
pub mod sweep;
pub mod throttle;
pub mod tokens;
pub mod tour2d;
pub mod uploads;
pub mod users_page;
pub mod web;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use actix_web::dev::Server;
use actix_web::{App, HttpServer, middleware};
use arc_swap::ArcSwap;
use disan_catalog::{Catalog, Problems};
use disan_search::{SearchDoc, SearchIndex};
use disan_types::relic::{PublicRelic, RelicLink};

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
    /// Published relics, by id.
    pub relics: BTreeMap<i64, PublicRelic>,
    /// The published relics of each site, by slug.
    pub site_relics: HashMap<String, Vec<RelicLink>>,
    /// The relic store's paths that are public (the published versions' derivatives).
    pub relic_files: HashSet<String>,
}

/// Why a snapshot could not be built; the one being served stays.
#[derive(Debug, thiserror::Error)]
pub enum RebuildError {
    #[error(transparent)]
    Content(#[from] Problems),
    #[error("the search index failed: {0}")]
    Search(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Db(#[from] db::DbError),
    #[error("the rebuild did not run: {0}")]
    Interrupted(String),
}

impl Snapshot {
    /// Loads and checks the content and derives the index and the map from it, with the
    /// published relics.
    pub fn build(config: &Config, relics: Vec<PublicRelic>) -> Result<Snapshot, RebuildError> {
        let catalog = Catalog::load(&config.content_dir, &config.assets_dir)?;
        let map_svg = disan_types::Localized {
            vi: map::map_svg(&catalog, disan_types::Lang::Vi),
            en: map::map_svg(&catalog, disan_types::Lang::En),
        };
        Snapshot::assemble(catalog, map_svg, relics, None)
    }

    /// The same catalogue and map with other published relics: what a relic change needs,
    /// without reading the content again. The search index is updated, not rebuilt: only the
    /// documents of relics published, changed or removed since this snapshot are.
    pub fn with_relics(&self, relics: Vec<PublicRelic>) -> Result<Snapshot, RebuildError> {
        Snapshot::assemble(
            self.catalog.clone(),
            self.map_svg.clone(),
            relics,
            Some(self),
        )
    }

    /// `relics` placed on `catalog`; the search index built anew, or updated from `previous`.
    fn assemble(
        catalog: Catalog,
        map_svg: disan_types::Localized,
        relics: Vec<PublicRelic>,
        previous: Option<&Snapshot>,
    ) -> Result<Snapshot, RebuildError> {
        let mut by_id = BTreeMap::new();
        let mut site_relics: HashMap<String, Vec<RelicLink>> = HashMap::new();
        let mut relic_files = HashSet::new();
        let mut relic_docs = Vec::new();
        let mut changed = Vec::new();
        for relic in relics {
            let Some((relic, site)) = place(&catalog, relic) else {
                continue;
            };
            if relic.site.as_deref() == site.map(|s| s.site.slug.as_str()) {
                site_relics
                    .entry(relic.site.clone().unwrap_or_default())
                    .or_default()
                    .push(RelicLink {
                        id: relic.id,
                        title: relic.title.clone(),
                        url: relic.url.clone(),
                    });
            }
            relic_files.extend(relic.models.iter().map(|m| m.path.clone()));
            if let Some(p) = &relic.poster {
                relic_files.insert(p.path.clone());
                if p.variant_bytes > 0 {
                    relic_files.extend(disan_types::picture::every(&p.path));
                }
            }
            for photo in &relic.photos {
                relic_files.extend([photo.path.clone(), photo.thumb_path.clone()]);
            }
            if previous.and_then(|p| p.relics.get(&relic.id)) != Some(&relic) {
                changed.push(relic.id);
                if let Some(site) = site {
                    relic_docs.push(SearchDoc::from_relic(&relic, site));
                }
            }
            by_id.insert(relic.id, relic);
        }
        let search = match previous {
            Some(p) => {
                let gone = p.relics.keys().filter(|id| !by_id.contains_key(id));
                let remove: Vec<i64> = changed.iter().chain(gone).copied().collect();
                p.search.update(&remove, relic_docs)?
            }
            None => {
                let mut docs: Vec<SearchDoc> =
                    catalog.sites().flat_map(SearchDoc::from_site).collect();
                docs.extend(relic_docs);
                SearchIndex::build(docs)?
            }
        };
        Ok(Snapshot {
            catalog,
            search,
            map_svg,
            relics: by_id,
            site_relics,
            relic_files,
        })
    }
}

/// Where a published relic is shown: at its site (taking the site's position), or at its own
/// position, found with the nearest site; `None` when its site left the content and it has no
/// position of its own (it cannot be placed, so it is not shown).
fn place(
    catalog: &Catalog,
    mut relic: PublicRelic,
) -> Option<(PublicRelic, Option<&disan_types::SiteDetail>)> {
    let site = match relic.site.as_deref().and_then(|s| catalog.get(s)) {
        Some(site) => {
            relic.position = site.site.position;
            Some(site)
        }
        None if !relic.position.lat.is_finite() => {
            log::warn!("relic {}: its site is not in the content", relic.id);
            return None;
        }
        None => catalog.sites().min_by(|a, b| {
            let d = |s: &disan_types::SiteDetail| {
                disan_search::distance_km(
                    (relic.position.lat, relic.position.lon),
                    (s.site.position.lat, s.site.position.lon),
                )
            };
            d(a).total_cmp(&d(b))
        }),
    };
    Some((relic, site))
}

/// Everything the handlers share.
#[derive(Debug)]
pub struct AppState {
    pub config: Config,
    snapshot: ArcSwap<Snapshot>,
    /// Held while a rebuild runs, so two never race to replace the snapshot.
    rebuilding: tokio::sync::Mutex<()>,
    /// Models and tour stills, served under `/assets/`.
    pub assets: Storage,
    /// The web build (`index.html`, the page's modules, the viewer), served under `/`.
    pub web: Option<Storage>,
    /// The relics' files: masters as uploaded and derivatives, by content hash.
    pub relic_files: Storage,
    /// Staff accounts, sessions, tokens, the audit log, relics.
    pub db: Db,
    /// Uploads a request is appending to right now (one request per upload at a time).
    pub busy_uploads: Mutex<HashSet<String>>,
    /// Derivative jobs run one at a time (each takes a core and memory in proportion to its
    /// scan); the others wait their turn.
    pub derive_slots: tokio::sync::Semaphore,
    /// The address the server listens on, once bound (the port when `--bind` gave 0).
    pub bound: std::sync::OnceLock<SocketAddr>,
    /// The landing pages' Content-Security-Policy (their inline stylesheet's hash in it),
    /// made once.
    pub landing_policy: actix_web::http::header::HeaderValue,
}

impl AppState {
    /// The start of every absolute link (QR codes, link previews): `--public-url`, else
    /// `http://` and the address the server is bound to.
    pub fn public_base(&self) -> String {
        match (&self.config.public_url, self.bound.get()) {
            (None, Some(addr)) => format!("http://{addr}"),
            _ => self.config.public_base(),
        }
    }

    /// Checks the config, opens the stores and builds the first snapshot (with the published
    /// relics from `db`); fails with every problem found.
    pub async fn open(config: Config, db: Db) -> anyhow::Result<AppState> {
        config.validate()?;
        let relics = relics::published(&db).await?;
        let snapshot = Snapshot::build(&config, relics)?;
        let assets = Storage::local(&config.assets_dir, "public, max-age=3600", false)?;
        let web = Storage::local(&config.web_dir, "no-cache", true).ok();
        std::fs::create_dir_all(&config.relics_dir)?;
        std::fs::create_dir_all(&config.uploads_dir)?;
        let relic_files = Storage::local(
            &config.relics_dir,
            "public, max-age=31536000, immutable",
            false,
        )?;
        Ok(AppState {
            snapshot: ArcSwap::from_pointee(snapshot),
            rebuilding: tokio::sync::Mutex::new(()),
            relic_files,
            assets,
            web,
            db,
            busy_uploads: Mutex::default(),
            derive_slots: tokio::sync::Semaphore::new(1),
            bound: std::sync::OnceLock::new(),
            landing_policy: actix_web::http::header::HeaderValue::from_str(
                &web::policy_with_style(landing::STYLE),
            )
            .expect("a policy is header text"),
            config,
        })
    }

    /// The snapshot to answer a request from: keep it for the whole request.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot.load_full()
    }

    /// Builds a new snapshot from the content and the published relics as they are now (the
    /// building off the async threads) and swaps it in; on any problem the current one stays
    /// and the problems are returned. `SIGHUP` calls this after `content/` was edited.
    pub async fn rebuild(&self) -> Result<Arc<Snapshot>, RebuildError> {
        let config = self.config.clone();
        self.swap(move |_, relics| Snapshot::build(&config, relics))
            .await
    }

    /// Swaps in a snapshot with the published relics as they are now, on the catalogue being
    /// served. Relic changes call this after their transaction.
    pub async fn refresh_relics(&self) -> Result<Arc<Snapshot>, RebuildError> {
        self.swap(|current, relics| current.with_relics(relics))
            .await
    }

    async fn swap(
        &self,
        make: impl FnOnce(&Snapshot, Vec<PublicRelic>) -> Result<Snapshot, RebuildError>
        + Send
        + 'static,
    ) -> Result<Arc<Snapshot>, RebuildError> {
        let _one_at_a_time = self.rebuilding.lock().await;
        let relics = relics::published(&self.db).await?;
        let current = self.snapshot();
        let next = actix_web::web::block(move || make(&current, relics))
            .await
            .map_err(|e| RebuildError::Interrupted(e.to_string()))??;
        let next = Arc::new(next);
        self.snapshot.store(next.clone());
        log::info!(
            "catalogue rebuilt: {} sites, {} relics",
            next.catalog.len(),
            next.relics.len()
        );
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
            .configure(uploads::api)
            // Before the relics' `/relics/{id}/{action}`.
            .configure(photos::api)
            .configure(scans::api)
            .configure(relics::api),
    )
    .service(
        scope("/admin")
            .wrap(no_store())
            .configure(admin::pages)
            .configure(relic_pages::pages)
            .configure(scans::pages)
            .configure(users_page::pages),
    )
    .configure(admin::stylesheet)
    .configure(relic_pages::script)
    .configure(relics::public)
    .configure(sites::config)
    .configure(search::config)
    .configure(map::config)
    .configure(tour2d::config)
    .configure(landing::config)
    .configure(qr::config)
    .configure(offline::config)
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
    let state = Arc::new(AppState::open(config, db).await?);
    // Jobs a stop or a crash interrupted go on.
    jobs::resume(state.clone()).await?;
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
    state.bound.set(addr).ok();
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
        if let Err(e) = state.rebuild().await {
            log::error!("SIGHUP: the content was not reloaded: {e}");
        }
    }
}
