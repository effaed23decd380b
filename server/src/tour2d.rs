//! The 2D tour: `GET /tour/{slug}/2d`, a plain HTML page with a still image and caption per
//! tour stop. No JavaScript and no WebGL, small images: for old phones and very slow links.

use std::fmt::Write;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, ResponseError, web};
use disan_types::{Lang, Localized, SiteDetail};

use crate::AppState;

#[derive(Debug, thiserror::Error)]
pub enum Tour2dError {
    #[error("no site with slug {0:?}")]
    UnknownSite(String),
}

impl ResponseError for Tour2dError {
    fn status_code(&self) -> StatusCode {
        StatusCode::NOT_FOUND
    }

    fn error_response(&self) -> HttpResponse {
        crate::error_body(self.status_code(), "unknown_site", self)
    }
}

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/tour/{slug}/2d", web::get().to(page));
}

/// The page's language: `?lang=vi|en`, else the browser's `Accept-Language`, else Vietnamese.
pub fn language(req: &HttpRequest) -> Lang {
    let from_query = req
        .query_string()
        .split('&')
        .filter_map(|kv| kv.strip_prefix("lang="))
        .find_map(Lang::from_code);
    let from_header = || {
        req.headers()
            .get(header::ACCEPT_LANGUAGE)?
            .to_str()
            .ok()?
            .split(',')
            .find_map(|item| Lang::from_code(item.split(';').next()?.trim()))
    };
    from_query.or_else(from_header).unwrap_or_default()
}

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn t(vi: &str, en: &str, lang: Lang) -> String {
    Localized {
        vi: vi.into(),
        en: en.into(),
    }
    .get(lang)
    .to_owned()
}

async fn page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, Tour2dError> {
    let slug = slug.into_inner();
    let site = state
        .catalog
        .get(&slug)
        .ok_or(Tour2dError::UnknownSite(slug))?;
    let lang = language(&req);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::VARY, "Accept-Language"))
        .body(render(site, lang)))
}

/// The whole page for one site in one language.
pub fn render(site: &SiteDetail, lang: Lang) -> String {
    let s = &site.site;
    let name = escape(s.name.get(lang));
    let (w, h) = (640, 400);
    let other = match lang {
        Lang::Vi => ("en", "English"),
        Lang::En => ("vi", "Tiếng Việt"),
    };
    let mut html = String::new();
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{name} — {tour} — Disan</title>\n<style>\
         body{{margin:0 auto;max-width:42rem;padding:0 .75rem 2rem;font:16px/1.45 system-ui,sans-serif;color:#1f2a1c;background:#f4f1ea}}\
         nav{{display:flex;gap:1rem;padding:.6rem 0;flex-wrap:wrap}}a{{color:#7a2e1d}}\
         figure{{margin:1.25rem 0}}img{{width:100%;height:auto;display:block;border-radius:.3rem;background:#cfd8dc}}\
         figcaption{{margin-top:.35rem}}.n{{font-weight:600;margin-right:.4rem}}</style>\n</head>\n<body>\n",
        code = lang.code(),
        tour = t("Tham quan 2D", "2D tour", lang),
    );
    let _ = write!(
        html,
        "<nav><a href=\"/\">Disan</a><a href=\"/tour/{slug}\">{three_d}</a>\
         <a href=\"?lang={other_code}\" hreflang=\"{other_code}\" lang=\"{other_code}\">{other_name}</a></nav>\n\
         <h1>{name}</h1>\n<p>{summary}</p>\n",
        slug = s.slug,
        three_d = t("Xem mô hình 3D", "See the 3D model", lang),
        other_code = other.0,
        other_name = other.1,
        summary = escape(s.summary.get(lang)),
    );
    let total = site.tour.len();
    for (i, stop) in site.tour.iter().enumerate() {
        let caption = escape(stop.caption.get(lang));
        let loading = if i == 0 { "eager" } else { "lazy" };
        let _ = writeln!(
            html,
            "<figure id=\"stop-{n}\"><img src=\"{src}\" width=\"{w}\" height=\"{h}\" alt=\"{caption}\" loading=\"{loading}\">\
             <figcaption><span class=\"n\">{n}/{total}</span>{caption}</figcaption></figure>",
            n = i + 1,
            src = stop.image,
        );
    }
    let _ = write!(
        html,
        "<h2>{about}</h2>\n<p>{description}</p>\n<h2>{visit}</h2>\n<p>{visiting}</p>\n\
         <p><small>{position}: {lat:.4}, {lon:.4} (± {acc} m) · {commune}</small></p>\n</body>\n</html>\n",
        about = t("Giới thiệu", "About", lang),
        description = escape(site.description.get(lang)),
        visit = t("Tham quan", "Visiting", lang),
        visiting = escape(site.visiting.get(lang)),
        position = t("Vị trí", "Position", lang),
        lat = s.position.lat,
        lon = s.position.lon,
        acc = s.position.accuracy_m,
        commune = escape(&s.commune.current),
    );
    html
}
