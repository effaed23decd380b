//! The 2D tour: `GET /tour/{slug}/2d`, a plain HTML page (askama template
//! `templates/tour2d.html`) with a still image and caption per tour stop. No JavaScript and no
//! WebGL, small images: for old phones and very slow links.

use actix_web::http::header::{self, AcceptLanguage, Header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::{Lang, SiteDetail, picture};

use crate::AppState;
use crate::error::Error;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/tour/{slug}/2d", web::get().to(page)).route(
        "/tour2d.css",
        crate::web::embedded_route(
            "text/css; charset=utf-8",
            3600,
            include_str!("../templates/tour2d.css"),
        ),
    );
}

/// The page's language: `?lang=vi|en`, else the best of the browser's `Accept-Language` (by
/// q-value), else Vietnamese.
pub fn language(req: &HttpRequest) -> Lang {
    let from_query = req
        .query_string()
        .split('&')
        .filter_map(|kv| kv.strip_prefix("lang="))
        .find_map(Lang::from_code);
    from_query
        .or_else(|| preferred_language(req))
        .unwrap_or_default()
}

/// The language the browser prefers most among ours, from `Accept-Language`'s q-values.
pub fn preferred_language(req: &HttpRequest) -> Option<Lang> {
    let header = AcceptLanguage::parse(req).ok()?;
    let mut items: Vec<_> = header
        .0
        .into_iter()
        .filter(|i| i.quality > header::Quality::ZERO)
        .collect();
    // Stable: equal q-values keep the browser's order.
    items.sort_by_key(|i| std::cmp::Reverse(i.quality));
    items.into_iter().find_map(|i| match i.item {
        header::Preference::Specific(tag) => Lang::from_code(tag.primary_language()),
        header::Preference::Any => None,
    })
}

/// The words of the page in each language.
struct Words {
    tour: &'static str,
    nav: &'static str,
    three_d: &'static str,
    about: &'static str,
    visit: &'static str,
    position: &'static str,
    sources: &'static str,
}

const VI: Words = Words {
    tour: "Tham quan 2D",
    nav: "Điều hướng",
    three_d: "Xem mô hình 3D",
    about: "Giới thiệu",
    visit: "Tham quan",
    position: "Vị trí",
    sources: "Nguồn",
};

const EN: Words = Words {
    tour: "2D tour",
    nav: "Navigation",
    three_d: "See the 3D model",
    about: "About",
    visit: "Visiting",
    position: "Position",
    sources: "Sources",
};

struct Stop<'a> {
    n: usize,
    image: &'a str,
    /// `srcset`s of the still's WebP and JPEG forms (`picture`).
    webp: String,
    jpeg: String,
    caption: &'a str,
}

#[derive(Template)]
#[template(path = "tour2d.html", escape = "html")]
struct Page<'a> {
    lang: &'static str,
    t: &'a Words,
    name: &'a str,
    summary: &'a str,
    tour_url: &'a str,
    other_code: &'static str,
    other_name: &'static str,
    stops: Vec<Stop<'a>>,
    width: u32,
    height: u32,
    /// How wide a still shows: the column (40.5rem) or the screen less its margins.
    sizes: &'static str,
    description: &'a str,
    visiting: &'a str,
    lat: String,
    lon: String,
    accuracy_m: u32,
    commune: &'a str,
    sources: &'a [String],
}

async fn page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let slug = slug.into_inner();
    let snapshot = state.snapshot();
    let site = snapshot
        .catalog
        .get(&slug)
        .ok_or(Error::UnknownSite(slug))?;
    let lang = language(&req);
    Ok(crate::web::html_page(
        &page_of(site, lang),
        "public, max-age=300",
        "Accept-Language",
    ))
}

/// The whole page for one site in one language.
fn page_of(site: &SiteDetail, lang: Lang) -> Page<'_> {
    let s = &site.site;
    let (other_code, other_name) = match lang {
        Lang::Vi => ("en", "English"),
        Lang::En => ("vi", "Tiếng Việt"),
    };
    let (width, height) = disan_types::rules::TOUR_IMAGE_SIZE;
    Page {
        lang: lang.code(),
        t: if lang == Lang::Vi { &VI } else { &EN },
        name: s.name.get(lang),
        summary: s.summary.get(lang),
        tour_url: &s.tour_url,
        other_code,
        other_name,
        stops: site
            .tour
            .iter()
            .enumerate()
            .map(|(i, stop)| Stop {
                n: i + 1,
                image: &stop.image,
                webp: picture::srcset(&stop.image, width, picture::Format::Webp),
                jpeg: picture::srcset(&stop.image, width, picture::Format::Jpeg),
                caption: stop.caption.get(lang),
            })
            .collect(),
        width,
        height,
        sizes: "(min-width: 42rem) 40.5rem, calc(100vw - 1.5rem)",
        description: site.description.get(lang),
        visiting: site.visiting.get(lang),
        lat: format!("{:.4}", s.position.lat),
        lon: format!("{:.4}", s.position.lon),
        accuracy_m: s.position.accuracy_m,
        commune: &s.commune.current,
        sources: &site.sources,
    }
}
