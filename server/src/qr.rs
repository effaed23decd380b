//! QR codes and printable signs: `GET /qr/{target}.svg`, `GET /qr/{target}.png?size=N` and
//! `GET /qr/{target}/sign` (an A5 or A4 page, `?paper=a4`), for every site, tour stop and
//! published relic ([`Target`]). A code holds the absolute short URL of the target's landing
//! page on the public URL (`--public-url`), at error-correction level H (up to 30 % of the code
//! may be dirty or torn: signs stand outdoors) with the standard four-module quiet zone, made by the `qrcode` crate.
//! The sign is one SVG drawing (the same for the page and for `disan qr`): the code, the name
//! in Vietnamese and English, one line of text, the short URL written out, the attribution.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use disan_types::Lang;
use qrcode::{EcLevel, QrCode};

use crate::error::Error;
use crate::landing::Target;
use crate::tour2d::language;
use crate::{AppState, Snapshot};

/// Modules of white around the code (the standard's minimum).
pub const QUIET_ZONE: u32 = 4;
/// Side of a PNG when no `size` is asked for, and the limits of `size`, in pixels.
pub const PNG_DEFAULT: u32 = 512;
pub const PNG_MAX: u32 = 4096;

pub fn config(cfg: &mut web::ServiceConfig) {
    cfg.route("/qr/{file}", web::get().to(file))
        .route("/qr/{target}/sign", web::get().to(sign_page))
        .route(
            "/sign.css",
            crate::web::embedded_route(
                "text/css; charset=utf-8",
                3600,
                include_str!("../templates/sign.css"),
            ),
        );
}

/// The code for `url`.
pub fn code(url: &str) -> QrCode {
    // Level H holds up to 1,273 bytes; a public URL is at most 200 characters
    // (`config::PublicUrl`) and a target's path a few dozen.
    QrCode::with_error_correction_level(url, EcLevel::H)
        .expect("a public URL and a target's path fit a QR code")
}

/// The code's dark modules, row by row, with the quiet zone: `(side, dark[y * side + x])`.
pub fn modules(code: &QrCode) -> (u32, Vec<bool>) {
    let width = code.width() as u32;
    let side = width + 2 * QUIET_ZONE;
    let colors = code.to_colors();
    let mut dark = vec![false; (side * side) as usize];
    for y in 0..width {
        for x in 0..width {
            if colors[(y * width + x) as usize] == qrcode::Color::Dark {
                dark[((y + QUIET_ZONE) * side + x + QUIET_ZONE) as usize] = true;
            }
        }
    }
    (side, dark)
}

/// The code as an SVG path (one unit per module, quiet zone included): `(side, d)`.
fn path_data(code: &QrCode) -> (u32, String) {
    use std::fmt::Write;
    let (side, dark) = modules(code);
    let mut d = String::new();
    for y in 0..side {
        let mut x = 0;
        while x < side {
            if dark[(y * side + x) as usize] {
                let start = x;
                while x < side && dark[(y * side + x) as usize] {
                    x += 1;
                }
                let _ = write!(d, "M{start} {y}h{}v1h-{}z", x - start, x - start);
            } else {
                x += 1;
            }
        }
    }
    (side, d)
}

#[derive(Template)]
#[template(path = "code.svg", escape = "html")]
struct CodeSvg<'a> {
    side: u32,
    d: &'a str,
    url: &'a str,
}

/// The code as a standalone SVG file (8 px per module when shown at its own size; askama
/// `templates/code.svg`).
pub fn svg(url: &str) -> String {
    let (side, d) = path_data(&code(url));
    crate::web::render(&CodeSvg { side, d: &d, url })
}

/// The code as a greyscale PNG `size` pixels square: whole pixels per module, centred.
pub fn png(url: &str, size: u32) -> Result<Vec<u8>, Error> {
    let (side, dark) = modules(&code(url));
    if !(side..=PNG_MAX).contains(&size) {
        return Err(Error::BadParameter(format!(
            "`size` must be from {side} (one pixel per module of this code) to {PNG_MAX} pixels, not {size}"
        )));
    }
    let scale = size / side;
    let offset = (size - side * scale) / 2;
    let mut pixels = vec![255u8; (size * size) as usize];
    for y in 0..side * scale {
        for x in 0..side * scale {
            if dark[((y / scale) * side + x / scale) as usize] {
                pixels[((y + offset) * size + x + offset) as usize] = 0;
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, size, size);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::High);
    let mut writer = encoder
        .write_header()
        .map_err(|e| Error::BadParameter(e.to_string()))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| Error::BadParameter(e.to_string()))?;
    writer
        .finish()
        .map_err(|e| Error::BadParameter(e.to_string()))?;
    Ok(out)
}

/// What a sign says.
pub struct SignText {
    pub name_vi: String,
    pub name_en: String,
    /// A second line under the names (a stop's number), in both languages.
    pub detail: Option<String>,
    pub url: String,
}

/// The absolute short URL of a target.
pub fn url(base: &str, target: &Target) -> String {
    format!("{base}{}", target.path())
}

/// What the sign of a target (which must exist) says.
pub fn sign_text(snapshot: &Snapshot, base: &str, target: &Target) -> Option<SignText> {
    let (name_vi, name_en, detail) = match target {
        Target::Site(slug) | Target::Stop(slug, _) => {
            let site = snapshot.catalog.get(slug)?;
            let detail = match target {
                Target::Stop(_, n) => Some(format!("Điểm dừng {n} · Stop {n}")),
                _ => None,
            };
            (site.site.name.vi.clone(), site.site.name.en.clone(), detail)
        }
        Target::Relic(id) => {
            let relic = snapshot.relics.get(id)?;
            (relic.title.vi.clone(), relic.title.en.clone(), None)
        }
    };
    Some(SignText {
        name_vi,
        name_en,
        detail,
        url: url(base, target),
    })
}

/// The line of text every sign carries, in both languages.
pub const SIGN_LINE_VI: &str = "Quét mã để xem tham quan 3D, ảnh và thông tin";
pub const SIGN_LINE_EN: &str = "Scan for the 3D tour, pictures and information";
pub const SIGN_ATTRIBUTION: &str = "Tỉnh Điện Biên · Điện Biên province — Disan, bản đồ di sản 3D";

/// A font size (mm) at which `text` fits `width` mm, at most `max`.
fn fit(text: &str, max: f64, width: f64) -> f64 {
    let chars = text.chars().count().max(1) as f64;
    // An average glyph of a sans-serif face is about 0.55 em wide.
    (width / (0.55 * chars)).min(max)
}

#[derive(Template)]
#[template(path = "sign.svg", escape = "html")]
struct SignSvg<'a> {
    name_vi: &'a str,
    name_en: &'a str,
    detail: Option<&'a str>,
    url: &'a str,
    short: &'a str,
    vi_size: String,
    en_size: String,
    url_size: String,
    side: u32,
    d: String,
    qr_x: String,
    qr_scale: String,
    line_vi: &'static str,
    line_en: &'static str,
    attribution: &'static str,
}

/// The sign as one SVG drawing, 148 × 210 units (millimetres of an A5 page; an A4 page is the
/// same drawing at √2 the size), from askama `templates/sign.svg`.
pub fn sign_svg(text: &SignText) -> String {
    let (side, d) = path_data(&code(&text.url));
    let short = text
        .url
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let qr_mm = 104.0;
    crate::web::render(&SignSvg {
        name_vi: &text.name_vi,
        name_en: &text.name_en,
        detail: text.detail.as_deref(),
        url: &text.url,
        short,
        vi_size: format!("{:.2}", fit(&text.name_vi, 10.0, 128.0)),
        en_size: format!("{:.2}", fit(&text.name_en, 7.0, 128.0)),
        url_size: format!("{:.2}", fit(short, 5.5, 128.0)),
        side,
        d,
        qr_x: format!("{:.3}", (148.0 - qr_mm) / 2.0),
        qr_scale: format!("{:.5}", qr_mm / f64::from(side)),
        line_vi: SIGN_LINE_VI,
        line_en: SIGN_LINE_EN,
        attribution: SIGN_ATTRIBUTION,
    })
}

/// The target named in a `/qr/…` path, if the snapshot has it.
fn target(state: &AppState, name: &str) -> Result<Target, Error> {
    Target::parse(name)
        .filter(|t| t.exists(&state.snapshot()))
        .ok_or_else(|| {
            Error::NotFound(format!(
                "/qr/{name}: no site, tour stop or published relic is called so (codes are \
                 named s.SLUG, s.SLUG.STOP or r.ID)"
            ))
        })
}

#[derive(serde::Deserialize)]
struct PngQuery {
    size: Option<String>,
}

async fn file(
    state: web::Data<AppState>,
    name: web::Path<String>,
    q: web::Query<PngQuery>,
) -> Result<HttpResponse, Error> {
    let name = name.into_inner();
    let base = state.public_base();
    let ok = |kind: &'static str, body: Vec<u8>| {
        HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, kind))
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(body)
    };
    if let Some(stem) = name.strip_suffix(".svg") {
        let t = target(&state, stem)?;
        return Ok(ok("image/svg+xml", svg(&url(&base, &t)).into_bytes()));
    }
    if let Some(stem) = name.strip_suffix(".png") {
        let t = target(&state, stem)?;
        let size = match &q.size {
            None => PNG_DEFAULT,
            Some(text) => text.parse().map_err(|_| {
                Error::BadParameter(format!(
                    "`size` must be a whole number of pixels, not {text:?}"
                ))
            })?,
        };
        return Ok(ok("image/png", png(&url(&base, &t), size)?));
    }
    Err(Error::NotFound(format!(
        "/qr/{name}: a code is a .svg or a .png (or /qr/NAME/sign)"
    )))
}

#[derive(Template)]
#[template(path = "sign.html", escape = "html")]
struct SignPage {
    lang: &'static str,
    title: String,
    paper: &'static str,
    drawing: String,
    other_paper: &'static str,
    print_hint: &'static str,
    back: &'static str,
    landing: String,
}

#[derive(serde::Deserialize)]
struct SignQuery {
    paper: Option<String>,
}

async fn sign_page(
    state: web::Data<AppState>,
    name: web::Path<String>,
    q: web::Query<SignQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, Error> {
    let t = target(&state, &name)?;
    let paper = match q.paper.as_deref() {
        None | Some("a5") => "a5",
        Some("a4") => "a4",
        Some(other) => {
            return Err(Error::BadParameter(format!(
                "`paper` is a5 or a4, not {other:?}"
            )));
        }
    };
    let text = sign_text(&state.snapshot(), &state.public_base(), &t)
        .ok_or_else(|| Error::NotFound(req.path().to_owned()))?;
    let lang = language(&req);
    let page = SignPage {
        lang: lang.code(),
        title: text.name_vi.clone(),
        paper,
        drawing: sign_svg(&text),
        other_paper: if paper == "a5" { "a4" } else { "a5" },
        print_hint: match lang {
            Lang::Vi => "In trang này (Ctrl+P) trên khổ giấy đã chọn, không lề, tỉ lệ 100 %.",
            Lang::En => "Print this page (Ctrl+P) on the paper chosen, no margins, at 100 %.",
        },
        back: match lang {
            Lang::Vi => "Trang của mã",
            Lang::En => "The code's page",
        },
        landing: t.path(),
    };
    Ok(crate::web::html_page(
        &page,
        "public, max-age=300",
        "Accept-Language",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_a_quiet_zone_and_level_h() {
        let c = code("https://disan.example.vn/s/doi-a1");
        assert_eq!(c.error_correction_level(), EcLevel::H);
        let (side, dark) = modules(&c);
        assert_eq!(side, c.width() as u32 + 8);
        for i in 0..side {
            for j in 0..QUIET_ZONE {
                assert!(!dark[(j * side + i) as usize] && !dark[(i * side + j) as usize]);
            }
        }
        assert!(png("https://x/s/a", 10).is_err());
        assert!(png("https://x/s/a", PNG_MAX + 1).is_err());
    }

    #[test]
    fn sign_text_is_escaped() {
        let svg = sign_svg(&SignText {
            name_vi: "<script>alert(1)</script>".into(),
            name_en: "A & B".into(),
            detail: None,
            url: "https://x/r/1".into(),
        });
        assert!(!svg.contains("<script>") && svg.contains("&#60;script&#62;"));
        assert!(svg.contains("A &#38; B"));
    }
}

/// What `disan qr` writes for each sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SignFormat {
    /// The sign as an SVG drawing (A5; scales to A4), for the print shop's own software.
    Svg,
    /// The sign as a PDF page (A5), printed from the same drawing by Chromium.
    Pdf,
}

/// A browser that prints to PDF, if one is installed.
pub fn chromium() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .iter()
    .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
    .find(|p| p.is_file())
}

#[derive(Template)]
#[template(path = "sign_print.html", escape = "html")]
struct SignDocument<'a> {
    title: &'a str,
    drawing: String,
}

/// The sign as a print-ready HTML page of its own (for printing to PDF).
fn sign_document(text: &SignText) -> String {
    crate::web::render(&SignDocument {
        title: &text.name_vi,
        drawing: sign_svg(text),
    })
}

/// Writes every code and sign of the snapshot into `out`: `NAME.svg`, `NAME.png` (1024 px)
/// and `NAME.sign.svg` or `.sign.pdf`, for each target NAME; `progress` is told after each.
pub fn write_all(
    snapshot: &Snapshot,
    base: &str,
    out: &std::path::Path,
    format: SignFormat,
    mut progress: impl FnMut(usize, usize, &str),
) -> anyhow::Result<usize> {
    use anyhow::Context;
    std::fs::create_dir_all(out).with_context(|| format!("cannot make {}", out.display()))?;
    let browser = match format {
        SignFormat::Svg => None,
        SignFormat::Pdf => Some(chromium().context(
            "--format pdf prints the signs with Chromium, and none is on the PATH \
             (install the chromium package, or use --format svg)",
        )?),
    };
    let targets = Target::all(snapshot);
    for (n, target) in targets.iter().enumerate() {
        let name = target.name();
        let text = sign_text(snapshot, base, target).context("a target without a page")?;
        let write = |file: String, bytes: &[u8]| {
            std::fs::write(out.join(&file), bytes)
                .with_context(|| format!("cannot write {}", out.join(file).display()))
        };
        write(format!("{name}.svg"), svg(&text.url).as_bytes())?;
        write(
            format!("{name}.png"),
            &png(&text.url, 1024).map_err(|e| anyhow::anyhow!("{e}"))?,
        )?;
        match &browser {
            None => write(format!("{name}.sign.svg"), sign_svg(&text).as_bytes())?,
            Some(browser) => {
                let page = out.join(format!("{name}.sign.html"));
                std::fs::write(&page, sign_document(&text))?;
                let pdf = out.join(format!("{name}.sign.pdf"));
                let status = std::process::Command::new(browser)
                    .args([
                        "--headless",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--no-pdf-header-footer",
                    ])
                    .arg(format!("--print-to-pdf={}", pdf.display()))
                    .arg(format!(
                        "file://{}",
                        page.canonicalize().unwrap_or(page.clone()).display()
                    ))
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .status()
                    .with_context(|| format!("cannot run {}", browser.display()))?;
                std::fs::remove_file(&page).ok();
                if !status.success() || !pdf.is_file() {
                    anyhow::bail!("{} could not print {name}'s sign", browser.display());
                }
            }
        }
        progress(n + 1, targets.len(), &name);
    }
    Ok(targets.len())
}
