//! The web app: `GET /`, `GET /tour/{slug}` and `GET /relic/{id}` (the same page), the page's modules and
//! stylesheet under `/app/`, the viewer build under `/viewer/`, the icon and web app manifest,
//! models and stills under `/assets/`, `GET /api/rules` and `GET /healthz`; the security
//! headers every response carries.

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::{HttpRequest, HttpResponse, web};
use disan_types::Health;
use disan_types::rules::Rules;

use crate::AppState;
use crate::error::Error;
use crate::storage::FileError;

/// The Content-Security-Policy of every response: scripts, styles and everything else only
/// from this origin, no inline script or style; `'wasm-unsafe-eval'` lets the viewer's
/// WebAssembly compile; `blob:` lets a model loader read back the images it unpacked from a
/// GLB (three.js fetches them: without it `<model-viewer>`, the benchmarks' peer, shows
/// textured models white).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: blob:; connect-src 'self' blob:; worker-src 'self' blob:; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The Content-Security-Policy of a page with one inline stylesheet, `css`: the policy above,
/// with that stylesheet (and only it) allowed by its SHA-256, so a first view needs no second
/// request on a slow connection. Still no inline script.
pub fn policy_with_style(css: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(css));
    CONTENT_SECURITY_POLICY.replace(
        "style-src 'self'",
        &format!("style-src 'self' 'sha256-{hash}'"),
    )
}

/// Headers on every response: the CSP, no MIME sniffing, the origin only as referrer.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(index))
        .route("/tour/{slug}", web::get().to(tour))
        .route("/relic/{id}", web::get().to(relic))
        .route("/healthz", web::get().to(healthz))
        .route("/api/rules", web::get().to(rules))
        .route("/favicon.ico", web::get().to(web_file))
        .route("/manifest.webmanifest", web::get().to(web_file))
        .route("/app/{tail:.*}", web::get().to(web_file))
        .route("/viewer/{tail:.*}", web::get().to(web_file))
        .route("/assets/{tail:.*}", web::get().to(assets));
}

async fn index(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Error> {
    page(&state, &req, Shows::Map).await
}

async fn tour(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let slug = slug.into_inner();
    if state.snapshot().catalog.get(&slug).is_none() {
        return Err(Error::UnknownSite(slug));
    }
    page(&state, &req, Shows::Model).await
}

/// A published relic's page: the same page, which shows the relic.
async fn relic(
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let published = id
        .parse::<i64>()
        .is_ok_and(|id| state.snapshot().relics.contains_key(&id));
    if !published {
        return Err(Error::NotFound(req.path().to_owned()));
    }
    page(&state, &req, Shows::Model).await
}

/// What a page opens on: the map and list (no 3D viewer until a site is chosen) or a model.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shows {
    Map,
    Model,
}

/// The viewer's wasm, preloaded by a page that opens on a model (a `Link` header, so the
/// download starts with the HTML, beside the page's modules; the script's `fetch` takes it
/// over). The home page leaves it: it needs no viewer until a site is chosen.
pub const VIEWER_PRELOAD: &str =
    "</viewer/disan_viewer_bg.wasm>; rel=preload; as=fetch; crossorigin; type=\"application/wasm\"";

/// The page's HTML shell, from the web build.
async fn page(state: &AppState, req: &HttpRequest, shows: Shows) -> Result<HttpResponse, Error> {
    let not_built = || {
        Error::NotBuilt(
            state
                .config
                .web_dir
                .join("index.html")
                .display()
                .to_string(),
        )
    };
    let web = state.web.as_ref().ok_or_else(not_built)?;
    match web.serve(req, "index.html").await {
        Err(Error::File(FileError::NotFound(_))) => Err(not_built()),
        Ok(mut response) if shows == Shows::Model => {
            let link = header::HeaderValue::from_static(VIEWER_PRELOAD);
            response.headers_mut().insert(header::LINK, link);
            Ok(response)
        }
        other => other,
    }
}

/// A file of the web build at the request's own path.
async fn web_file(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let path = req.uri().path().trim_start_matches('/');
    match &state.web {
        Some(web) => web.serve(&req, path).await,
        None => Err(FileError::NotFound(path.to_owned()).into()),
    }
}

async fn healthz(state: web::Data<AppState>) -> web::Json<Health> {
    web::Json(Health {
        status: "ok".into(),
        sites: state.snapshot().catalog.len(),
    })
}

async fn rules() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(Rules::get())
}

async fn assets(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, Error> {
    let tail = req.uri().path().strip_prefix("/assets/").unwrap_or("");
    state.assets.serve(&req, tail).await
}

/// A page rendered from its template (a template that fails shows why, never a 500 page).
pub fn render(page: &impl askama::Template) -> String {
    page.render()
        .unwrap_or_else(|e| format!("template error: {e}"))
}

/// A public server-rendered page: HTML, cached as `cache_control` says, varying on `vary`.
pub fn html_page(page: &impl askama::Template, cache_control: &str, vary: &str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, cache_control.to_owned()))
        .insert_header((header::VARY, vary.to_owned()))
        .body(render(page))
}

/// A file built into the binary (a stylesheet, a script of the server's pages), cached for
/// `max_age` seconds.
fn embedded(content_type: &'static str, max_age: u32, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, format!("public, max-age={max_age}")))
        .body(body)
}

/// A `GET` route answering with a built-in file (the staff pages' stylesheet and scripts).
pub fn embedded_route(
    content_type: &'static str,
    max_age: u32,
    body: &'static str,
) -> actix_web::Route {
    web::get().to(move || async move { embedded(content_type, max_age, body) })
}

/// Any other path: a JSON 404.
pub async fn fallback(req: HttpRequest) -> Result<HttpResponse, Error> {
    Err(Error::NotFound(req.path().to_owned()))
}
