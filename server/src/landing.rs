//! The landing pages a QR code opens: `GET /s/{slug}` (a site, `?stop=N` for a tour stop) and
//! `GET /r/{id}` (a published relic). Server-rendered HTML (askama `templates/landing.html`)
//! that is whole without JavaScript: the name, a poster, the short text and the way to the 3D
//! and 2D tours first, then the rest; link previews (OpenGraph, Twitter) and schema.org
//! JSON-LD. The light 3D tour is offered first under `Save-Data: on` (and, by
//! `/landing.js`, on a slow connection). [`Target`] is the grammar of what a short link names.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::picture;
use disan_types::relic::PublicRelic;
use disan_types::rules;
use disan_types::{Lang, ModelLevel, ModelRef, SiteDetail};

use crate::error::Error;
use crate::tour2d::language;
use crate::{AppState, Snapshot};

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/s/{slug}", web::get().to(site_page))
        .route("/r/{id}", web::get().to(relic_page))
        .route(
            "/landing.css",
            crate::web::embedded_route("text/css; charset=utf-8", 3600, STYLE),
        )
        .route(
            "/landing.js",
            crate::web::embedded_route(
                "text/javascript; charset=utf-8",
                3600,
                include_str!("../templates/landing.js"),
            ),
        );
}

/// What a short link (and its QR code) names: a site, one stop of its tour, or a relic.
/// Written `s.{slug}`, `s.{slug}.{stop}` and `r.{id}` (slugs have no dots) in `/qr/…` names
/// and files; its page is [`Target::path`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Site(String),
    /// A stop of the site's tour, numbered from 1.
    Stop(String, u32),
    Relic(i64),
}

impl Target {
    /// Parses a target's name; `None` for anything that is not one.
    pub fn parse(name: &str) -> Option<Target> {
        let mut parts = name.split('.');
        let target = match (parts.next()?, parts.next()?, parts.next()) {
            ("s", slug, None) if rules::is_valid_slug(slug) => Target::Site(slug.to_owned()),
            ("s", slug, Some(n)) if rules::is_valid_slug(slug) => {
                Target::Stop(slug.to_owned(), stop_number(n)?)
            }
            ("r", id, None) if canonical_number(id) => Target::Relic(id.parse().ok()?),
            _ => return None,
        };
        parts.next().is_none().then_some(target)
    }

    pub fn name(&self) -> String {
        match self {
            Target::Site(slug) => format!("s.{slug}"),
            Target::Stop(slug, n) => format!("s.{slug}.{n}"),
            Target::Relic(id) => format!("r.{id}"),
        }
    }

    /// The landing page's path (and query): what the QR code holds after the public URL.
    pub fn path(&self) -> String {
        match self {
            Target::Site(slug) => format!("/s/{slug}"),
            Target::Stop(slug, n) => format!("/s/{slug}?stop={n}"),
            Target::Relic(id) => format!("/r/{id}"),
        }
    }

    /// Whether the snapshot has it (a site, a stop of its tour, a published relic).
    pub fn exists(&self, snapshot: &Snapshot) -> bool {
        match self {
            Target::Site(slug) => snapshot.catalog.get(slug).is_some(),
            Target::Stop(slug, n) => snapshot
                .catalog
                .get(slug)
                .is_some_and(|s| (1..=s.tour.len()).contains(&(*n as usize))),
            Target::Relic(id) => snapshot.relics.contains_key(id),
        }
    }

    /// Every target of the snapshot: each site, each of its stops, each published relic.
    pub fn all(snapshot: &Snapshot) -> Vec<Target> {
        let mut out = Vec::new();
        for site in snapshot.catalog.sites() {
            out.push(Target::Site(site.site.slug.clone()));
            for n in 1..=site.tour.len() {
                out.push(Target::Stop(site.site.slug.clone(), n as u32));
            }
        }
        out.extend(snapshot.relics.keys().map(|id| Target::Relic(*id)));
        out
    }
}

/// Digits without a leading zero (so every number has one spelling).
fn canonical_number(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 18
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'))
}

fn stop_number(text: &str) -> Option<u32> {
    if !canonical_number(text) || text.len() > 4 {
        return None;
    }
    text.parse().ok().filter(|n| *n >= 1)
}

/// The words of the landing pages.
pub struct Words {
    pub locale: &'static str,
    pub other_locale: &'static str,
    pub other_code: &'static str,
    pub other_name: &'static str,
    pub stop: &'static str,
    pub tours: &'static str,
    pub open_3d: &'static str,
    pub open_3d_light: &'static str,
    pub full_anyway: &'static str,
    pub light_note: &'static str,
    pub tour_2d: &'static str,
    pub about: &'static str,
    pub relics: &'static str,
    pub at_site: &'static str,
    pub getting_there: &'static str,
    pub nearby: &'static str,
    pub sources: &'static str,
    pub object_type: &'static str,
    pub period: &'static str,
    pub material: &'static str,
    pub dimensions: &'static str,
    pub credits: &'static str,
    pub licence: &'static str,
    pub offline: &'static str,
    pub save_offline: &'static str,
    pub saved: &'static str,
    pub saving: &'static str,
    pub save_failed: &'static str,
    pub saved_list: &'static str,
    pub attribution: &'static str,
    pub directions: [&'static str; 8],
    pub decimal: char,
}

pub const VI: Words = Words {
    locale: "vi_VN",
    other_locale: "en_US",
    other_code: "en",
    other_name: "English",
    stop: "Điểm dừng",
    tours: "Tham quan",
    open_3d: "Mở tham quan 3D",
    open_3d_light: "Mở tham quan 3D (bản nhẹ)",
    full_anyway: "Vẫn mở bản đầy đủ",
    light_note: "Đang tiết kiệm dữ liệu: tham quan 3D chỉ tải mô hình nhẹ.",
    tour_2d: "Tham quan 2D (ảnh)",
    about: "Giới thiệu",
    relics: "Hiện vật số hoá",
    at_site: "Tại điểm:",
    getting_there: "Đường đến và lưu ý khi tham quan",
    nearby: "Điểm gần đây",
    sources: "Nguồn",
    object_type: "Loại hiện vật",
    period: "Niên đại",
    material: "Chất liệu",
    dimensions: "Kích thước",
    credits: "Số hoá",
    licence: "Giấy phép",
    offline: "Dùng khi không có mạng",
    save_offline: "Lưu điểm này để xem ngoại tuyến",
    saved: "Đã lưu: mở được khi không có mạng.",
    saving: "Đang lưu…",
    save_failed: "Chưa lưu được; hãy thử lại khi có mạng.",
    saved_list: "Các điểm đã lưu",
    attribution: "Di sản tỉnh Điện Biên — Disan, bản đồ di sản 3D mã nguồn mở.",
    directions: [
        "về phía bắc",
        "về phía đông bắc",
        "về phía đông",
        "về phía đông nam",
        "về phía nam",
        "về phía tây nam",
        "về phía tây",
        "về phía tây bắc",
    ],
    decimal: ',',
};

pub const EN: Words = Words {
    locale: "en_US",
    other_locale: "vi_VN",
    other_code: "vi",
    other_name: "Tiếng Việt",
    stop: "Stop",
    tours: "Tours",
    open_3d: "Open the 3D tour",
    open_3d_light: "Open the 3D tour (light)",
    full_anyway: "Open the full one anyway",
    light_note: "Saving data: the 3D tour downloads the light model only.",
    tour_2d: "2D tour (pictures)",
    about: "About",
    relics: "Digitised relics",
    at_site: "At:",
    getting_there: "Getting there and visiting",
    nearby: "Nearby",
    sources: "Sources",
    object_type: "Object",
    period: "Period",
    material: "Material",
    dimensions: "Dimensions",
    credits: "Digitised by",
    licence: "Licence",
    offline: "Offline",
    save_offline: "Save this place for offline use",
    saved: "Saved: it opens without a network.",
    saving: "Saving…",
    save_failed: "Not saved; try again with a network.",
    saved_list: "Saved places",
    attribution: "Heritage of Điện Biên province — Disan, the open-source 3D heritage map.",
    directions: [
        "north",
        "north-east",
        "east",
        "south-east",
        "south",
        "south-west",
        "west",
        "north-west",
    ],
    decimal: '.',
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Vi => &VI,
        Lang::En => &EN,
    }
}

pub struct Poster {
    pub src: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
    /// `srcset`s of its WebP and JPEG forms, where it has them.
    pub srcset: Option<(String, String)>,
}

impl Poster {
    /// A still at `src` (a JPEG `width` × `height`), offered in every size and format when
    /// `variants` says they are stored.
    fn new(src: &str, (width, height): (u32, u32), alt: String, variants: bool) -> Poster {
        Poster {
            srcset: variants.then(|| {
                (
                    picture::srcset(src, width, picture::Format::Webp),
                    picture::srcset(src, width, picture::Format::Jpeg),
                )
            }),
            src: src.to_owned(),
            width,
            height,
            alt,
        }
    }

    /// How wide the poster shows: the column (38rem) or the screen less its margins.
    pub fn sizes(&self) -> &'static str {
        "(min-width: 40rem) 38rem, calc(100vw - 2rem)"
    }
}

pub struct StopView {
    pub n: usize,
    pub count: usize,
    pub caption: String,
}

/// A way into the 3D tour and what it downloads.
pub struct Download {
    pub href: String,
    pub size: String,
}

pub struct Near {
    pub name: String,
    pub href: String,
    pub distance: String,
    pub direction: &'static str,
}

#[derive(Template)]
#[template(path = "landing.html", escape = "html")]
pub struct Page {
    pub lang: &'static str,
    pub t: &'static Words,
    pub base: String,
    pub canonical: String,
    pub canonical_vi: String,
    pub canonical_en: String,
    pub other_href: String,
    pub title: String,
    pub name: String,
    pub summary: String,
    pub poster: Option<Poster>,
    pub stop: Option<StopView>,
    pub three_d: Download,
    pub light: Download,
    pub save_data: bool,
    pub two_d_href: Option<String>,
    pub description: String,
    pub facts: Vec<(&'static str, String)>,
    pub site: Option<(String, String)>,
    pub relics: Vec<(String, String)>,
    pub visiting: String,
    pub commune: String,
    pub map_href: String,
    pub lat: String,
    pub lon: String,
    pub accuracy_m: u32,
    pub nearby: Vec<Near>,
    pub sources: Vec<String>,
    pub offline_bytes: u64,
    pub offline_size: String,
    pub offline_files: String,
    pub json_ld: String,
}

/// `1.9 MB`, `840 kB` (`1,9 MB` in Vietnamese).
pub fn size_text(bytes: u64, lang: Lang) -> String {
    let text = if bytes >= 1_000_000 {
        format!("{:.1} MB", bytes as f64 / 1e6)
    } else {
        format!("{} kB", bytes.div_ceil(1000).max(1))
    };
    text.replace('.', &words(lang).decimal.to_string())
}

fn distance_text(km: f64, lang: Lang) -> String {
    let text = if km < 10.0 {
        format!("{km:.1} km")
    } else {
        format!("{km:.0} km")
    };
    text.replace('.', &words(lang).decimal.to_string())
}

/// The compass point from `from` towards `to` (both `(lat, lon)`), of eight.
pub fn direction(from: (f64, f64), to: (f64, f64)) -> usize {
    use geo::{Bearing, Haversine, Point};
    let bearing = Haversine.bearing(Point::new(from.1, from.0), Point::new(to.1, to.0));
    ((bearing.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8
}

/// JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` escaped so no text can
/// end the element.
pub fn json_for_script(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `Save-Data: on` (Chrome's data saver, some in-app browsers).
fn save_data(req: &HttpRequest) -> bool {
    req.headers()
        .get("save-data")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("on"))
}

/// The viewer's file, as it downloads (brotli when built so), if the web build is there.
async fn viewer_bytes(state: &AppState) -> u64 {
    let Some(web) = &state.web else { return 0 };
    for name in [
        "viewer/disan_viewer_bg.wasm.br",
        "viewer/disan_viewer_bg.wasm",
    ] {
        if let Ok(size) = web.size(name).await {
            return size;
        }
    }
    0
}

fn model_bytes(models: &[ModelRef], level: ModelLevel) -> u64 {
    models
        .iter()
        .find(|m| m.level == level)
        .map_or(0, |m| m.bytes)
}

/// What every landing page takes from its request.
struct Common {
    lang: Lang,
    base: String,
    path: String,
    /// The tour stop asked for (`?stop=N`), checked against the tour.
    stop: Option<usize>,
    save_data: bool,
    /// The viewer's download (0 without a web build).
    viewer_bytes: u64,
}

impl Common {
    async fn new(state: &AppState, req: &HttpRequest, path: String, stop: Option<usize>) -> Common {
        Common {
            lang: language(req),
            base: state.public_base(),
            path,
            stop,
            save_data: save_data(req),
            viewer_bytes: viewer_bytes(state).await,
        }
    }

    /// This page's path in a language (the stop kept).
    fn href(&self, lang: Option<Lang>) -> String {
        let mut query: Vec<String> = self.stop.iter().map(|n| format!("stop={n}")).collect();
        query.extend(lang.map(|l| format!("lang={}", l.code())));
        match query.is_empty() {
            true => self.path.clone(),
            false => format!("{}?{}", self.path, query.join("&")),
        }
    }
}

/// The landing pages' stylesheet, inlined (allowed by its hash in the page's policy): the
/// page shows from its first response. Also served at `/landing.css` for the saved list.
pub const STYLE: &str = include_str!("../templates/landing.css");

fn respond(state: &AppState, page: &Page) -> HttpResponse {
    let mut response =
        crate::web::html_page(page, "public, max-age=300", "Accept-Language, Save-Data");
    response.headers_mut().insert(
        actix_web::http::header::CONTENT_SECURITY_POLICY,
        state.landing_policy.clone(),
    );
    response
}

#[derive(serde::Deserialize)]
struct StopQuery {
    stop: Option<String>,
}

/// The stop asked for by `?stop=N`: `Ok(None)` without one, an error for one the tour lacks.
fn stop_asked(query: &StopQuery, site: &SiteDetail) -> Result<Option<usize>, Error> {
    let Some(text) = &query.stop else {
        return Ok(None);
    };
    match stop_number(text) {
        Some(n) if (n as usize) <= site.tour.len() => Ok(Some(n as usize)),
        _ => Err(Error::BadParameter(format!(
            "`stop` must be a stop of the tour, from 1 to {}, not {text:?}",
            site.tour.len()
        ))),
    }
}

async fn site_page(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<StopQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let slug = slug.into_inner();
    let snapshot = state.snapshot();
    let site = snapshot
        .catalog
        .get(&slug)
        .ok_or_else(|| Error::UnknownSite(slug.clone()))?;
    let stop = stop_asked(&query, site)?;
    let target = match stop {
        Some(n) => Target::Stop(slug.clone(), n as u32),
        None => Target::Site(slug.clone()),
    };
    crate::scans::count(&state, &req, &target);
    let common = Common::new(&state, &req, format!("/s/{slug}"), stop).await;
    Ok(respond(&state, &site_landing(&snapshot, site, &common)))
}

async fn relic_page(
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let snapshot = state.snapshot();
    let relic = canonical_number(&id)
        .then(|| id.parse::<i64>().ok())
        .flatten()
        .and_then(|id| snapshot.relics.get(&id))
        .ok_or_else(|| Error::NotFound(req.path().to_owned()))?;
    crate::scans::count(&state, &req, &Target::Relic(relic.id));
    let common = Common::new(&state, &req, format!("/r/{}", relic.id), None).await;
    Ok(respond(&state, &relic_landing(&snapshot, relic, &common)))
}

/// The three nearest other sites to `from`, with distance and direction.
fn nearby(snapshot: &Snapshot, from: (f64, f64), not: &str, lang: Lang) -> Vec<Near> {
    let mut all: Vec<_> = snapshot
        .catalog
        .summaries()
        .filter(|s| s.slug != not)
        .map(|s| {
            let to = (s.position.lat, s.position.lon);
            (disan_search::distance_km(from, to), s, direction(from, to))
        })
        .collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    all.into_iter()
        .take(3)
        .map(|(km, s, dir)| Near {
            name: s.name.get(lang).to_owned(),
            href: format!("/s/{}?lang={}", s.slug, lang.code()),
            distance: distance_text(km, lang),
            direction: words(lang).directions[dir],
        })
        .collect()
}

fn map_href(lat: f64, lon: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat:.5}&mlon={lon:.5}#map=15/{lat:.5}/{lon:.5}")
}

impl Page {
    /// The inline stylesheet (see [`STYLE`]).
    fn style(&self) -> &'static str {
        STYLE
    }
}

/// The landing page of a site, or of one stop of its tour.
fn site_landing(snapshot: &Snapshot, site: &SiteDetail, common: &Common) -> Page {
    let (lang, stop, viewer_bytes) = (common.lang, common.stop, common.viewer_bytes);
    let t = words(lang);
    let s = &site.site;
    let name = s.name.get(lang).to_owned();
    let stop_data = stop.and_then(|n| site.tour.get(n - 1).map(|st| (n, st)));
    let poster_stop = stop_data.map(|(_, st)| st).or(site.tour.first());
    // Every still has its variants (the content checks see to it).
    let poster = poster_stop.map(|st| {
        Poster::new(
            &st.image,
            rules::TOUR_IMAGE_SIZE,
            st.caption.get(lang).to_owned(),
            true,
        )
    });
    let fragment = stop.map(|n| format!("#stop={n}")).unwrap_or_default();
    let light_b = model_bytes(&site.models, ModelLevel::Light);
    let full_b = model_bytes(&site.models, ModelLevel::Full).max(light_b);
    let three_d = Download {
        href: format!("{}{fragment}", s.tour_url),
        size: size_text(viewer_bytes + light_b + full_b, lang),
    };
    let light = Download {
        href: format!("{}?light{fragment}", s.tour_url),
        size: size_text(viewer_bytes + light_b, lang),
    };
    let two_d_href = Some(format!(
        "{}?lang={}{}",
        s.tour_2d_url,
        lang.code(),
        stop.map(|n| format!("#stop-{n}")).unwrap_or_default()
    ));
    let canonical = format!("{}{}", common.base, common.href(None));
    let title = match stop_data {
        Some((n, _)) => format!("{name} — {} {n}", t.stop),
        None => name.clone(),
    };
    let image = poster.as_ref().map(|p| format!("{}{}", common.base, p.src));
    let json_ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "TouristAttraction",
        "name": name,
        "description": s.summary.get(lang),
        "url": canonical,
        "image": image,
        "inLanguage": lang.code(),
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": s.position.lat,
            "longitude": s.position.lon,
        },
        "address": {
            "@type": "PostalAddress",
            "addressLocality": s.commune.current,
            "addressRegion": "Điện Biên",
            "addressCountry": "VN",
        },
    });
    let offline = offline_files_site(site, &common.path, lang);
    Page {
        lang: lang.code(),
        t,
        base: common.base.clone(),
        canonical_vi: format!("{}{}", common.base, common.href(Some(Lang::Vi))),
        canonical_en: format!("{}{}", common.base, common.href(Some(Lang::En))),
        canonical,
        other_href: common.href(Some(if lang == Lang::Vi { Lang::En } else { Lang::Vi })),
        title,
        name,
        summary: s.summary.get(lang).to_owned(),
        poster,
        stop: stop_data.map(|(n, st)| StopView {
            n,
            count: site.tour.len(),
            caption: st.caption.get(lang).to_owned(),
        }),
        three_d,
        light,
        save_data: common.save_data,
        two_d_href,
        description: site.description.get(lang).to_owned(),
        facts: Vec::new(),
        site: None,
        relics: snapshot
            .site_relics
            .get(&s.slug)
            .into_iter()
            .flatten()
            .map(|r| (r.title.get(lang).to_owned(), format!("/r/{}", r.id)))
            .collect(),
        visiting: site.visiting.get(lang).to_owned(),
        commune: s.commune.current.clone(),
        map_href: map_href(s.position.lat, s.position.lon),
        lat: format!("{:.4}", s.position.lat),
        lon: format!("{:.4}", s.position.lon),
        accuracy_m: s.position.accuracy_m,
        nearby: nearby(snapshot, (s.position.lat, s.position.lon), &s.slug, lang),
        sources: site.sources.clone(),
        offline_bytes: offline.1 + viewer_bytes,
        offline_size: size_text(offline.1 + viewer_bytes, lang),
        offline_files: offline.0.join(" "),
        json_ld: json_for_script(&json_ld),
    }
}

/// The files a site needs offline beyond the page and the viewer (which `/sw.js` knows):
/// its landing page, 2D tour and stills, its API answer and light model; and the bytes of the
/// stills and the model (the pages and the answer are a few kB).
fn offline_files_site(site: &SiteDetail, landing: &str, lang: Lang) -> (Vec<String>, u64) {
    let s = &site.site;
    let mut files = vec![
        landing.to_owned(),
        format!("{landing}?lang={}", lang.code()),
        s.tour_2d_url.clone(),
        format!("{}?lang={}", s.tour_2d_url, lang.code()),
        s.tour_url.clone(),
        format!("{}?light", s.tour_url),
        format!("/api/sites/{}", s.slug),
    ];
    // Every form of each still: offline, the browser picks one as it would online.
    files.extend(site.tour.iter().flat_map(|st| picture::every(&st.image)));
    let mut bytes: u64 = site.tour.iter().map(|st| st.image_bytes).sum();
    if let Some(m) = site.first_model() {
        files.push(m.url.clone());
        bytes += m.bytes;
    }
    (files, bytes)
}

/// The landing page of a published relic.
fn relic_landing(snapshot: &Snapshot, relic: &PublicRelic, common: &Common) -> Page {
    let (lang, viewer_bytes) = (common.lang, common.viewer_bytes);
    let t = words(lang);
    let name = relic.title.get(lang).to_owned();
    let poster = relic.poster.as_ref().map(|p| {
        Poster::new(
            &p.url,
            (p.width, p.height),
            name.clone(),
            p.variant_bytes > 0,
        )
    });
    let light_b = model_bytes(&relic.models, ModelLevel::Light);
    let full_b = model_bytes(&relic.models, ModelLevel::Full).max(light_b);
    let canonical = format!("{}{}", common.base, common.href(None));
    let site = relic
        .site
        .as_deref()
        .and_then(|slug| snapshot.catalog.get(slug));
    let summary = first_sentence(relic.description.get(lang));
    let mut facts = Vec::new();
    for (label, value) in [
        (t.object_type, relic.object_type.get(lang)),
        (t.period, relic.period.get(lang)),
        (t.material, relic.material.get(lang)),
        (t.dimensions, relic.dimensions.as_str()),
        (t.credits, relic.credits.as_str()),
        (t.licence, relic.licence.as_str()),
    ] {
        if !value.trim().is_empty() {
            facts.push((label, value.to_owned()));
        }
    }
    let (lat, lon) = (relic.position.lat, relic.position.lon);
    let json_ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": name,
        "description": relic.description.get(lang),
        "url": canonical,
        "image": poster.as_ref().map(|p| format!("{}{}", common.base, p.src)),
        "inLanguage": lang.code(),
        "license": relic.licence,
        "creditText": relic.credits,
        "material": relic.material.get(lang),
        "temporalCoverage": relic.period.get(lang),
        "contentLocation": {
            "@type": "Place",
            "name": site.map(|s| s.site.name.get(lang)),
            "geo": { "@type": "GeoCoordinates", "latitude": lat, "longitude": lon },
        },
    });
    let mut offline_files = vec![
        common.path.clone(),
        format!("{}?lang={}", common.path, lang.code()),
        relic.url.clone(),
        format!("{}?light", relic.url),
    ];
    offline_files.push(format!("/api/relics/{}", relic.id));
    if let Some(p) = &relic.poster {
        match p.variant_bytes > 0 {
            true => offline_files.extend(picture::every(&p.url)),
            false => offline_files.push(p.url.clone()),
        }
    }
    offline_files.extend(
        relic
            .models
            .iter()
            .find(|m| m.level == ModelLevel::Light)
            .map(|m| m.url.clone()),
    );
    let offline_bytes = viewer_bytes
        + light_b
        + relic
            .poster
            .as_ref()
            .map_or(0, |p| p.bytes + p.variant_bytes);
    Page {
        lang: lang.code(),
        t,
        base: common.base.clone(),
        canonical_vi: format!("{}{}", common.base, common.href(Some(Lang::Vi))),
        canonical_en: format!("{}{}", common.base, common.href(Some(Lang::En))),
        canonical,
        other_href: common.href(Some(if lang == Lang::Vi { Lang::En } else { Lang::Vi })),
        title: name.clone(),
        name,
        summary,
        poster,
        stop: None,
        three_d: Download {
            href: relic.url.clone(),
            size: size_text(viewer_bytes + light_b + full_b, lang),
        },
        light: Download {
            href: format!("{}?light", relic.url),
            size: size_text(viewer_bytes + light_b, lang),
        },
        save_data: common.save_data,
        two_d_href: None,
        description: relic.description.get(lang).to_owned(),
        facts,
        site: site.map(|s| {
            (
                s.site.name.get(lang).to_owned(),
                format!("/s/{}?lang={}", s.site.slug, lang.code()),
            )
        }),
        relics: Vec::new(),
        visiting: site.map_or(String::new(), |s| s.visiting.get(lang).to_owned()),
        commune: site.map_or(String::new(), |s| s.site.commune.current.clone()),
        map_href: map_href(lat, lon),
        lat: format!("{lat:.4}"),
        lon: format!("{lon:.4}"),
        accuracy_m: relic.position.accuracy_m,
        nearby: nearby(
            snapshot,
            (lat, lon),
            relic.site.as_deref().unwrap_or(""),
            lang,
        ),
        sources: Vec::new(),
        offline_bytes,
        offline_size: size_text(offline_bytes, lang),
        offline_files: offline_files.join(" "),
        json_ld: json_for_script(&json_ld),
    }
}

/// The first sentence of a text (up to 200 characters), for the summary line and previews.
fn first_sentence(text: &str) -> String {
    let cut = text
        .char_indices()
        .find(|(i, c)| *c == '.' && text[i + 1..].starts_with([' ', '\n']))
        .map_or(text.len(), |(i, _)| i + 1);
    let sentence = text[..cut].trim();
    if sentence.chars().count() <= 200 {
        return sentence.to_owned();
    }
    let mut out: String = sentence.chars().take(199).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_have_one_spelling() {
        for (name, target) in [
            ("s.doi-a1", Target::Site("doi-a1".into())),
            ("s.doi-a1.3", Target::Stop("doi-a1".into(), 3)),
            ("r.42", Target::Relic(42)),
        ] {
            assert_eq!(Target::parse(name), Some(target.clone()), "{name}");
            assert_eq!(target.name(), name);
        }
        assert_eq!(Target::Stop("x".into(), 3).path(), "/s/x?stop=3");
        for bad in [
            "",
            "s",
            "s.",
            "s.Doi",
            "s.doi-a1.0",
            "s.doi-a1.03",
            "s.a.1.2",
            "r.042",
            "r.x",
            "r.-1",
            "x.doi",
            "s.doi/../x",
            "r.1.2",
        ] {
            assert_eq!(Target::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn directions_and_sizes() {
        let c = (21.38, 103.02);
        assert_eq!(direction(c, (21.48, 103.02)), 0);
        assert_eq!(direction(c, (21.38, 103.12)), 2);
        assert_eq!(direction(c, (21.28, 103.02)), 4);
        assert_eq!(direction(c, (21.30, 102.94)), 5);
        assert_eq!(size_text(1_950_000, Lang::En), "1.9 MB");
        assert_eq!(size_text(1_950_000, Lang::Vi), "1,9 MB");
        assert_eq!(size_text(84_100, Lang::En), "85 kB");
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("3.5 m tall. Two."), "3.5 m tall.");
    }

    #[test]
    fn json_in_a_script_cannot_end_it() {
        let v = serde_json::json!({"name": "</script><script>alert(1)</script>&"});
        let text = json_for_script(&v);
        assert!(!text.contains('<') && !text.contains('&'), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, v);
    }
}
