//! Offline use: `GET /sw.js`, the service worker (`templates/sw.js` with its version and the
//! files every saved place needs written in), and `GET /saved`, the list of saved places
//! (filled and emptied by `/landing.js` from the browser's caches). What a place needs is
//! named on its landing page (`data-files` of `#offline`).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::Lang;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::Error;
use crate::tour2d::language;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/sw.js", web::get().to(service_worker))
        .route("/saved", web::get().to(saved));
}

/// The files every saved place needs, beside the web build's `app/` files and the viewer.
const SHARED: [&str; 12] = [
    "/",
    "/saved",
    "/api/rules",
    "/api/sites",
    "/map.svg?lang=vi",
    "/map.svg?lang=en",
    "/landing.css",
    "/landing.js",
    "/tour2d.css",
    "/favicon.ico",
    "/manifest.webmanifest",
    "/viewer/disan_viewer.js",
];

/// The shell's URLs and a version that changes when any of them (or this server) does.
pub async fn shell(state: &AppState) -> (Vec<String>, String) {
    let mut urls: Vec<String> = SHARED.iter().map(|s| (*s).to_owned()).collect();
    let mut hash = Sha256::new();
    hash.update(env!("CARGO_PKG_VERSION"));
    hash.update(include_str!("../templates/sw.js"));
    hash.update(include_str!("../templates/landing.js"));
    hash.update(include_str!("../templates/landing.css"));
    if let Some(web) = &state.web {
        let mut files = web.list("app").await.unwrap_or_default();
        files.push("viewer/disan_viewer.js".to_owned());
        files.push("viewer/disan_viewer_bg.wasm".to_owned());
        files.push("index.html".to_owned());
        for f in &files {
            if let Ok((size, tag)) = web.version(f).await {
                hash.update(format!("{f} {size} {tag}\n"));
            }
        }
        urls.extend(
            files
                .iter()
                .filter(|f| f.starts_with("app/"))
                .map(|f| format!("/{f}")),
        );
        urls.push("/viewer/disan_viewer_bg.wasm".to_owned());
    }
    let version = crate::storage::hex(&hash.finalize()[..6]);
    (urls, version)
}

async fn service_worker(state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let (urls, version) = shell(&state).await;
    let body = format!(
        "const VERSION = \"{version}\";\nconst SHELL = {};\n{}",
        serde_json::to_string(&urls).unwrap_or_else(|_| "[]".to_owned()),
        include_str!("../templates/sw.js")
    );
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/javascript; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(body))
}

#[derive(Template)]
#[template(path = "saved.html", escape = "html")]
struct SavedPage {
    lang: &'static str,
    other_code: &'static str,
    other_name: &'static str,
    title: &'static str,
    intro: &'static str,
    remove: &'static str,
    empty: &'static str,
    noscript: &'static str,
}

async fn saved(req: HttpRequest) -> HttpResponse {
    let lang = language(&req);
    let page = match lang {
        Lang::Vi => SavedPage {
            lang: "vi",
            other_code: "en",
            other_name: "English",
            title: "Các điểm đã lưu",
            intro: "Những điểm này mở được khi không có mạng. Xoá một điểm để giải phóng bộ nhớ.",
            remove: "Xoá",
            empty: "Chưa lưu điểm nào. Trên trang của một điểm, chọn “Lưu điểm này để xem ngoại tuyến”.",
            noscript: "Cần bật JavaScript để lưu và xem các điểm ngoại tuyến.",
        },
        Lang::En => SavedPage {
            lang: "en",
            other_code: "vi",
            other_name: "Tiếng Việt",
            title: "Saved places",
            intro: "These places open without a network. Remove one to free the space it takes.",
            remove: "Remove",
            empty: "Nothing saved yet. On a place's page, choose “Save this place for offline use”.",
            noscript: "Saving places for offline use needs JavaScript.",
        },
    };
    crate::web::html_page(&page, "no-cache", "Accept-Language")
}
