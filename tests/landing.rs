//! QR codes and landing pages over HTTP against a real server: every code, as PNG and as SVG
//! (rendered to pixels by resvg), is decoded by an independent decoder (rqrr), also with a
//! blot over 15 % of it, and the URL it holds opens the right site, stop or relic; the landing
//! pages (language, link previews, JSON-LD, Save-Data, sizes, bad input), escaping of what
//! staff typed, the printable signs, and the scan counts.

use disan_tests::webdriver::Image;
use disan_tests::{Staff, TestServer, config_with_web};
use disan_types::admin::Role;
use disan_types::{SiteDetail, SiteSummary};
use serde_json::{Value, json};

const PASSWORD: &str = "mật khẩu Mường Thanh 1954";

fn server() -> (TestServer, tempfile::TempDir) {
    let web = tempfile::tempdir().unwrap();
    let s = TestServer::start(config_with_web(web.path())).unwrap();
    s.add_user("lan", Role::Editor, PASSWORD);
    (s, web)
}

/// `GET path` with headers: the status, the headers and the body as text.
fn get(
    s: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, ureq::http::HeaderMap, Vec<u8>) {
    let mut req = s.plain_client().get(&s.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut resp = req.call().unwrap();
    let body = resp
        .body_mut()
        .with_config()
        .limit(1 << 26)
        .read_to_vec()
        .unwrap();
    (resp.status().as_u16(), resp.headers().clone(), body)
}

fn page(s: &TestServer, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let (status, _, body) = get(s, path, headers);
    (status, String::from_utf8(body).unwrap())
}

/// Greyscale pixels of an image.
struct Grey {
    width: usize,
    height: usize,
    luma: Vec<u8>,
}

impl Grey {
    fn from_png(bytes: &[u8]) -> Grey {
        let img = Image::from_png(bytes).unwrap();
        Grey {
            width: img.width as usize,
            height: img.height as usize,
            luma: img.rgb.iter().map(|p| p[0]).collect(),
        }
    }

    /// An SVG drawn to pixels by resvg, `px` wide, on white.
    fn from_svg(svg: &str, px: u32) -> Grey {
        use resvg::{tiny_skia, usvg};
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let size = tree.size();
        let scale = px as f32 / size.width();
        let height = (size.height() * scale).ceil() as u32;
        let mut pixmap = tiny_skia::Pixmap::new(px, height).unwrap();
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale, scale),
            &mut pixmap.as_mut(),
        );
        Grey {
            width: px as usize,
            height: height as usize,
            luma: pixmap.pixels().iter().map(|p| p.red()).collect(),
        }
    }

    /// The bounding box of the dark pixels: (x, y, w, h).
    fn dark_box(&self) -> (usize, usize, usize, usize) {
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for y in 0..self.height {
            for x in 0..self.width {
                if self.luma[y * self.width + x] < 128 {
                    (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
                }
            }
        }
        (x0, y0, x1 - x0 + 1, y1 - y0 + 1)
    }

    /// Paints a dark grey square blot covering `share` of the code (its dark bounding box) in
    /// its middle, where dirt or a hand meets a sign, clear of the finder patterns in three
    /// corners and the alignment pattern near the fourth.
    fn blot(&mut self, share: f64) {
        let (x, y, w, h) = self.dark_box();
        let side = ((w * h) as f64 * share).sqrt().round() as usize;
        let (bx, by) = (x + w * 30 / 100, y + h * 30 / 100);
        let (bx, by) = (bx.min(x + w - side), by.min(y + h - side));
        for row in by..by + side {
            for col in bx..bx + side {
                self.luma[row * self.width + col] = 90;
            }
        }
    }

    /// Every code the independent decoder finds, as text.
    fn decode(&self) -> Vec<String> {
        let mut img =
            rqrr::PreparedImage::prepare_from_greyscale(self.width, self.height, |x, y| {
                self.luma[y * self.width + x]
            });
        img.detect_grids()
            .iter()
            .filter_map(|g| g.decode().ok().map(|(_, text)| text))
            .collect()
    }
}

/// The one URL a code holds, checked to be on the server's address.
fn decoded_path(s: &TestServer, grey: &Grey) -> String {
    let found = grey.decode();
    assert_eq!(found.len(), 1, "one code decoded: {found:?}");
    let base = format!("http://{}", s.addr);
    found[0]
        .strip_prefix(&base)
        .unwrap_or_else(|| panic!("{} is not on {base}", found[0]))
        .to_owned()
}

/// Text as the templates write it (askama's HTML escaping).
fn esc(text: &str) -> String {
    text.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let at = text
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} missing"));
    let rest = &text[at + start.len()..];
    &rest[..rest.find(end).unwrap_or_else(|| panic!("{end:?} missing"))]
}

fn json_ld(html: &str) -> Value {
    serde_json::from_str(between(
        html,
        r#"<script type="application/ld+json">"#,
        "</script>",
    ))
    .unwrap()
}

/// Publishes a relic with `title` at `site` (a small scan; its derivatives made); its id.
/// Every picture `html` offers in a `srcset` (`<source>` and `<img>`): each is served as the
/// format it claims and decodes at the width it claims. Their URLs, smallest WebP first.
fn check_srcsets(s: &TestServer, html: &str) -> Vec<String> {
    let mut urls = Vec::new();
    for part in html.split(r#"srcset=""#).skip(1) {
        let set = &part[..part.find('"').unwrap()];
        let webp =
            html[..html.find(set).unwrap()].ends_with(r#"<source type="image/webp" srcset=""#);
        for candidate in set.split(", ") {
            let (url, w) = candidate.split_once(' ').unwrap();
            let width: u32 = w.strip_suffix('w').unwrap().parse().unwrap();
            let (status, headers, bytes) = get(s, url, &[]);
            assert_eq!(status, 200, "{url}");
            let (mime, format) = match webp {
                true => ("image/webp", image::ImageFormat::WebP),
                false => ("image/jpeg", image::ImageFormat::Jpeg),
            };
            assert_eq!(headers["content-type"], mime, "{url}");
            let img = image::load_from_memory_with_format(&bytes, format)
                .unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!(img.width(), width, "{url}");
            urls.push(url.to_owned());
        }
    }
    urls
}

fn publish_relic(s: &TestServer, title: &str, site: &str) -> i64 {
    let lan = Staff::with_token(s, "lan");
    let scan = disan_assetgen::scan::ScanSpec {
        cells: 8,
        tiles: 1,
        texture_px: 128,
        ..Default::default()
    }
    .generate()
    .to_zip("relic/");
    let meta = json!({
        "title": {"vi": title, "en": title},
        "description": {
            "vi": format!("{title} được tìm thấy ở Điện Biên Phủ. Hiện vật thứ hai."),
            "en": format!("{title} was found at Điện Biên Phủ. A second sentence.")
        },
        "place": {"site": site},
        "object_type": {"vi": "Vũ khí", "en": "Weapon"},
        "period": {"vi": "1954", "en": "1954"},
        "material": {"vi": "Thép", "en": "Steel"},
        "dimensions": "5.9 × 2.2 × 1.8 m",
        "credits": "Bảo tàng <b>Chiến thắng</b>",
        "licence": "CC BY 4.0",
        "dublin_core": {"identifier": "X-1", "creator": "", "date": "1954",
            "rights": "CC BY 4.0", "source": ""}
    });
    lan.publish(&scan, meta)
}

#[test]
fn every_code_decodes_to_its_page_even_with_a_blot() {
    let (s, _web) = server();
    let relic = publish_relic(&s, "Khẩu pháo 105 ly", "doi-a1");
    let sites: Vec<SiteSummary> = s.get_json("/api/sites");
    let mut targets = vec![(format!("r.{relic}"), format!("/r/{relic}"))];
    for site in &sites {
        let detail: SiteDetail = s.get_json(&format!("/api/sites/{}", site.slug));
        targets.push((format!("s.{}", site.slug), format!("/s/{}", site.slug)));
        for n in 1..=detail.tour.len() {
            targets.push((
                format!("s.{}.{n}", site.slug),
                format!("/s/{}?stop={n}", site.slug),
            ));
        }
    }
    assert!(targets.len() > 14 * 4, "{} codes", targets.len());
    for (n, (name, path)) in targets.iter().enumerate() {
        let (status, headers, png) = get(&s, &format!("/qr/{name}.png?size=330"), &[]);
        assert_eq!(status, 200, "{name}");
        assert_eq!(headers["content-type"], "image/png");
        let mut grey = Grey::from_png(&png);
        assert_eq!((grey.width, grey.height), (330, 330));
        assert_eq!(&decoded_path(&s, &grey), path, "PNG of {name}");
        // The quiet zone: four modules of white all round (a module's size from the top
        // left finder pattern, seven modules of dark in its first row).
        let (x, y, w, h) = grey.dark_box();
        let run = (x..grey.width)
            .take_while(|&c| grey.luma[y * grey.width + c] < 128)
            .count();
        let module = run / 7;
        assert!(module >= 1 && run % 7 == 0, "{name}: finder row {run} px");
        for margin in [x, y, grey.width - x - w, grey.height - y - h] {
            assert!(
                margin >= 4 * module,
                "{name}: quiet zone {margin} px, module {module} px"
            );
        }
        grey.blot(0.15);
        assert_eq!(&decoded_path(&s, &grey), path, "PNG of {name} with a blot");

        // The SVG of a few (drawing every one takes a while): the same URL.
        if n % 7 == 0 {
            let (status, headers, svg) = get(&s, &format!("/qr/{name}.svg"), &[]);
            assert_eq!(status, 200);
            assert_eq!(headers["content-type"], "image/svg+xml");
            let mut grey = Grey::from_svg(std::str::from_utf8(&svg).unwrap(), 400);
            assert_eq!(&decoded_path(&s, &grey), path, "SVG of {name}");
            grey.blot(0.15);
            assert_eq!(&decoded_path(&s, &grey), path, "SVG of {name} with a blot");
        }

        // The URL it holds opens the page of what it names.
        let (status, html) = page(&s, path, &[]);
        assert_eq!(status, 200, "{path}");
        if let Some(stop) = path.split("?stop=").nth(1) {
            let slug = &path[3..path.find('?').unwrap()];
            let detail: SiteDetail = s.get_json(&format!("/api/sites/{slug}"));
            let n: usize = stop.parse().unwrap();
            let caption = esc(&detail.tour[n - 1].caption.vi);
            assert!(html.contains(&caption), "{path} shows its stop's caption");
            assert!(html.contains(&format!(r#"href="/tour/{slug}#stop={n}""#)));
        } else if path.starts_with("/r/") {
            assert!(html.contains("<h1>Khẩu pháo 105 ly</h1>"), "{path}");
        } else {
            let slug = &path[3..];
            let site = sites.iter().find(|x| x.slug == slug).unwrap();
            let name = esc(&site.name.vi);
            assert!(html.contains(&format!("<h1>{name}</h1>")), "{path}");
        }
    }

    // A public URL set: the codes hold it.
    let web = tempfile::tempdir().unwrap();
    let mut config = config_with_web(web.path());
    config.public_url = Some("https://disan.example.vn/".parse().unwrap());
    let other = TestServer::start(config).unwrap();
    let (_, _, png) = get(&other, "/qr/s.doi-a1.3.png", &[]);
    assert_eq!(
        Grey::from_png(&png).decode(),
        ["https://disan.example.vn/s/doi-a1?stop=3"]
    );

    // Bad names and sizes: a clear 4xx.
    for (path, status, words) in [
        (
            "/qr/s.nowhere.svg",
            404,
            "no site, tour stop or published relic",
        ),
        ("/qr/s.doi-a1.99.svg", 404, "no site, tour stop"),
        ("/qr/r.999999.png", 404, "published relic"),
        ("/qr/s.doi-a1.03.png", 404, "s.SLUG.STOP"),
        ("/qr/s.doi-a1.gif", 404, ".svg or a .png"),
        ("/qr/s.doi-a1.png?size=12", 400, "`size` must be from"),
        ("/qr/s.doi-a1.png?size=99999", 400, "4096"),
        ("/qr/s.doi-a1.png?size=big", 400, "whole number"),
        ("/qr/s.doi-a1/sign?paper=a3", 400, "a5 or a4"),
        ("/qr/s.nowhere/sign", 404, "no site"),
    ] {
        let (got, body) = page(&s, path, &[]);
        assert_eq!(got, status, "{path}: {body}");
        assert!(body.contains(words), "{path}: {body}");
    }
}

#[test]
fn landing_pages_are_whole_without_javascript_in_either_language() {
    let (s, _web) = server();
    let site: SiteDetail = s.get_json("/api/sites/doi-a1");
    let (status, headers, body) = get(&s, "/s/doi-a1", &[("accept-language", "vi-VN,vi;q=0.9")]);
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let vary = headers["vary"].to_str().unwrap();
    assert!(vary.contains("Accept-Language") && vary.contains("Save-Data"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let html = String::from_utf8(body).unwrap();
    // The stylesheet is inline, so the first view needs one response; the policy allows that
    // one stylesheet by its hash, and no other.
    assert!(!html.contains(r#"rel="stylesheet""#));
    let style = html
        .split_once("<style>")
        .and_then(|(_, rest)| rest.split_once("</style>"))
        .map(|(css, _)| css)
        .expect("an inline stylesheet");
    assert!(style.contains("font:") && style.contains(".poster"));
    let hash = {
        use base64::Engine;
        use sha2::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(style))
    };
    assert!(
        csp.contains(&format!("style-src 'self' 'sha256-{hash}';")),
        "{csp}"
    );
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
        "{csp}"
    );
    assert!(html.contains(r#"<html lang="vi">"#));
    assert!(html.contains("<h1>Đồi A1</h1>"));
    assert!(html.contains(&site.site.summary.vi));
    assert!(html.contains(&site.description.vi));
    // The first useful view: name, poster, summary, then the tours.
    let poster = &site.tour[0].image;
    let img = html.find(r#"<img class="poster""#).unwrap();
    assert!(html.find("<h1>").unwrap() < img && img < html.find("<h2>").unwrap());
    assert!(html[img..].starts_with(&format!(r#"<img class="poster" src="{poster}""#)));
    assert!(html.contains(r#"href="/tour/doi-a1""#), "3D tour");
    assert!(
        html.contains(r#"href="/tour/doi-a1/2d?lang=vi""#),
        "2D tour"
    );
    assert_eq!(get(&s, poster, &[]).0, 200);
    // The poster in the sizes and formats a phone picks from: WebP where it is understood.
    let picture = between(&html, "<picture>", "</picture>");
    assert!(
        picture.starts_with(r#"<source type="image/webp" srcset=""#),
        "{picture}"
    );
    assert!(picture.contains(r#" sizes="(min-width: 40rem) 38rem, calc(100vw - 2rem)""#));
    let offered = check_srcsets(&s, picture);
    assert_eq!(offered.len(), 4, "{offered:?}");
    let webp = offered
        .iter()
        .find(|u| u.ends_with(".webp") && !u.contains(".half."))
        .unwrap();
    // The tour's 2D page offers its stills the same way.
    let (_, two_d) = page(&s, "/tour/doi-a1/2d", &[]);
    assert_eq!(check_srcsets(&s, &two_d).len(), 4 * site.tour.len());
    // No inline script, and no inline style but the one stylesheet.
    assert!(!html.contains(" style=") && html.matches("<style").count() == 1);
    assert_eq!(html.matches("<script").count(), 2);
    assert!(html.contains(r#"<script src="/landing.js" type="module"></script>"#));
    // Link previews, absolute.
    let base = format!("http://{}", s.addr);
    assert!(html.contains(r#"<meta property="og:title" content="Đồi A1">"#));
    assert!(html.contains(&format!(
        r#"<meta property="og:image" content="{base}{poster}">"#
    )));
    assert!(html.contains(&format!(
        r#"<meta property="og:url" content="{base}/s/doi-a1">"#
    )));
    assert!(html.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "TouristAttraction");
    assert_eq!(ld["geo"]["latitude"], site.site.position.lat);
    assert_eq!(ld["geo"]["longitude"], site.site.position.lon);
    assert_eq!(ld["image"], format!("{base}{poster}"));
    // Nearby sites: three, each with a distance and a direction, each a working link.
    let nearby = between(&html, "<h2>Điểm gần đây</h2>", "</ul>");
    assert_eq!(nearby.matches("<li>").count(), 3, "{nearby}");
    assert_eq!(nearby.matches(" km về phía ").count(), 3, "{nearby}");
    for link in nearby.split(r#"href=""#).skip(1) {
        let href = &link[..link.find('"').unwrap()].replace("&#38;", "&");
        assert_eq!(page(&s, href, &[]).0, 200, "{href}");
    }
    // Keeping it offline takes the stills and the light model (and the viewer, not built here).
    let offline: u64 =
        site.tour.iter().map(|st| st.image_bytes).sum::<u64>() + site.first_model().unwrap().bytes;
    assert!(offline > 0);
    assert!(
        html.contains(&format!(r#"data-bytes="{offline}""#)),
        "{offline}"
    );
    // The 3D tour's size is written on its button.
    let models: u64 = site.models.iter().map(|m| m.bytes).sum();
    let size = disan_server::landing::size_text(models, disan_types::Lang::Vi);
    assert!(
        between(&html, r#"id="open-3d""#, "</a>").contains(&format!("<small>{size}</small>")),
        "{size}"
    );

    // English from the browser's languages, or chosen by the toggle.
    let (_, en) = page(
        &s,
        "/s/doi-a1",
        &[("accept-language", "en-GB,en;q=0.8,vi;q=0.5")],
    );
    assert!(en.contains(r#"<html lang="en">"#) && en.contains("<h1>Hill A1 (Éliane 2)</h1>"));
    assert!(
        en.contains(" km north")
            || en.contains(" km south")
            || en.contains(" km east")
            || en.contains(" km west")
    );
    assert!(en.contains(r#"<a href="/s/doi-a1?lang=vi" hreflang="vi" lang="vi">Tiếng Việt</a>"#));
    let (_, toggled) = page(&s, "/s/doi-a1?lang=en", &[("accept-language", "vi")]);
    assert!(toggled.contains("<h1>Hill A1 (Éliane 2)</h1>"));
    // A stop keeps its number through the toggle.
    let (_, stop) = page(&s, "/s/doi-a1?stop=2&lang=en", &[]);
    assert!(
        stop.contains(r#"href="/s/doi-a1?stop=2&#38;lang=vi""#),
        "{stop}"
    );
    assert!(stop.contains(&esc(&site.tour[1].caption.en)));
    assert!(stop.contains(&format!(r#"src="{}""#, site.tour[1].image)));

    // Save-Data: the light 3D tour first, with the download it saves said.
    let light = |html: &str| between(html, r#"id="open-3d-light""#, ">").to_owned();
    assert!(light(&html).contains("hidden"), "light hidden by default");
    let (_, saving) = page(&s, "/s/doi-a1", &[("save-data", "on")]);
    assert!(!light(&saving).contains("hidden"));
    assert!(between(&saving, r#"id="open-3d""#, ">").contains("hidden"));
    assert!(saving.contains(r#"href="/tour/doi-a1?light""#));
    assert!(!between(&saving, r#"id="light-note""#, ">").contains("hidden"));

    // Bad input: a clear 4xx.
    for (path, status) in [
        ("/s/nowhere", 404),
        ("/s/doi-a1?stop=0", 400),
        ("/s/doi-a1?stop=99", 400),
        ("/s/doi-a1?stop=x", 400),
        ("/r/123456", 404),
        ("/r/01", 404),
        ("/r/x", 404),
    ] {
        let (got, body) = page(&s, path, &[]);
        assert_eq!(got, status, "{path}: {body}");
    }

    // Small: the HTML (its stylesheet inside), compressed, and the poster, to the first view.
    let gz = |bytes: &[u8]| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).unwrap();
        e.finish().unwrap().len()
    };
    let text = gz(html.as_bytes());
    assert!(text <= 30_000, "HTML + CSS {text} bytes compressed");
    // With the largest poster a phone fetches: the WebP, or the JPEG where there is no WebP.
    for url in [webp.as_str(), poster] {
        let (_, _, poster_bytes) = get(&s, url, &[]);
        assert!(
            text + poster_bytes.len() <= 60_000,
            "first view with {url}: {} bytes",
            text + poster_bytes.len()
        );
    }
}

#[test]
fn what_staff_typed_is_text_on_landing_pages_previews_and_signs() {
    let (s, _web) = server();
    let xss = "<script>alert(1)</script>";
    let id = publish_relic(&s, xss, "doi-a1");
    let (status, html) = page(&s, &format!("/r/{id}"), &[]);
    assert_eq!(status, 200);
    assert!(!html.contains(xss) && !html.contains("<b>"), "escaped");
    assert!(html.contains("<h1>&#60;script&#62;alert(1)&#60;/script&#62;</h1>"));
    assert!(html.contains(r#"<meta property="og:title" content="&#60;script&#62;"#));
    assert!(html.contains("Bảo tàng &#60;b&#62;Chiến thắng&#60;/b&#62;"));
    // The JSON-LD holds the title as data, and nothing in it ends its element.
    let ld = json_ld(&html);
    assert_eq!(ld["@type"], "CreativeWork");
    assert_eq!(ld["name"], xss);
    assert_eq!(ld["license"], "CC BY 4.0");
    // The relic's page: its site, its poster, the 3D view, facts.
    assert!(html.contains(r#"<a href="/s/doi-a1?lang=vi">Đồi A1</a>"#));
    assert!(html.contains(&format!(r#"href="/relic/{id}""#)));
    assert!(html.contains("<dt>Chất liệu</dt><dd>Thép</dd>"));
    let poster = between(&html, r#"<img class="poster" src=""#, "\"").to_owned();
    assert_eq!(get(&s, &poster, &[]).0, 200);
    // The poster drawn at publishing comes at half width and as WebP too (800 and 400 wide).
    let offered = check_srcsets(&s, between(&html, "<picture>", "</picture>"));
    assert_eq!(offered.len(), 4, "{offered:?}");
    assert!(
        offered
            .iter()
            .all(|u| u.starts_with("/relics/files/posters/"))
    );
    // Its site lists it.
    let (_, site) = page(&s, "/s/doi-a1", &[]);
    assert!(site.contains(&format!(r#"<a href="/r/{id}">&#60;script&#62;"#)));
    // The sign too.
    let (status, sign) = page(&s, &format!("/qr/r.{id}/sign"), &[]);
    assert_eq!(status, 200);
    assert!(!sign.contains(xss) && sign.contains(&esc(xss)));
}

#[test]
fn signs_are_print_ready_pages_with_a_decodable_code() {
    let (s, _web) = server();
    let (status, html) = page(&s, "/qr/s.doi-a1.3/sign", &[]);
    assert_eq!(status, 200);
    assert!(html.contains(r#"<link rel="stylesheet" href="/sign.css">"#));
    assert!(html.contains(r#"<main class="sheet a5">"#));
    let svg = format!(
        "<svg{}</svg>",
        between(&html, "<svg", "</main>")
            .rsplit_once("</svg>")
            .unwrap()
            .0
    );
    for words in [
        "Đồi A1",
        "Hill A1 (Éliane 2)",
        "Điểm dừng 3 · Stop 3",
        "Quét mã",
        "Scan for the 3D tour",
    ] {
        assert!(svg.contains(words), "{words}");
    }
    let short = format!("{}/s/doi-a1?stop=3", s.addr);
    assert!(svg.contains(&esc(&short)), "the short URL written out");
    // The drawing's code decodes, drawn at print resolution.
    let grey = Grey::from_svg(&svg, 1200);
    assert_eq!(decoded_path(&s, &grey), "/s/doi-a1?stop=3");
    let (_, a4) = page(&s, "/qr/s.doi-a1/sign?paper=a4", &[]);
    assert!(a4.contains(r#"<main class="sheet a4">"#));
    let (_, _, css) = get(&s, "/sign.css", &[]);
    let css = String::from_utf8(css).unwrap();
    assert!(css.contains("size: A5") && css.contains("size: A4") && css.contains("@media print"));
}

#[test]
fn scans_are_counted_per_day_without_machines() {
    let (s, _web) = server();
    let phone = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/120 Mobile Safari/537.36 Zalo iOS";
    for _ in 0..3 {
        assert_eq!(page(&s, "/s/doi-a1", &[("user-agent", phone)]).0, 200);
    }
    assert_eq!(
        page(&s, "/s/doi-a1?stop=2", &[("user-agent", phone)]).0,
        200
    );
    // A link preview, a crawler and a prefetch are not people.
    page(
        &s,
        "/s/doi-a1",
        &[("user-agent", "facebookexternalhit/1.1")],
    );
    page(&s, "/s/doi-a1", &[("user-agent", "Googlebot/2.1")]);
    page(
        &s,
        "/s/doi-a1",
        &[("user-agent", phone), ("sec-purpose", "prefetch")],
    );
    // Nor is a link followed within Disan: the language toggle, a nearby site.
    let from_a1 = s.url("/s/doi-a1");
    page(
        &s,
        "/s/doi-a1?lang=en",
        &[("user-agent", phone), ("referer", &from_a1)],
    );
    page(
        &s,
        "/s/ho-pa-khoang",
        &[("user-agent", phone), ("sec-fetch-site", "same-origin")],
    );
    // A link shared in a chat and opened from there is.
    page(
        &s,
        "/s/ho-pa-khoang",
        &[
            ("user-agent", phone),
            ("referer", "https://chat.zalo.me/"),
            ("sec-fetch-site", "cross-site"),
        ],
    );
    // Staff only.
    assert_eq!(page(&s, "/api/admin/scans", &[]).0, 401);
    let lan = Staff::with_token(&s, "lan");
    let today = disan_server::scans::day(disan_server::db::now());
    let started = std::time::Instant::now();
    let counts = loop {
        let (status, body) = lan.send("GET", "/api/admin/scans", None);
        assert_eq!(status, 200, "{body}");
        let counts = body["counts"].as_array().unwrap().clone();
        let total: i64 = counts.iter().map(|c| c["opens"].as_i64().unwrap()).sum();
        if total >= 5 || started.elapsed().as_secs() > 10 {
            break counts;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let get_count = |target: &str| {
        counts
            .iter()
            .find(|c| c["target"] == target && c["day"] == today.as_str())
            .map_or(0, |c| c["opens"].as_i64().unwrap())
    };
    assert_eq!(get_count("s.doi-a1"), 3, "{counts:?}");
    assert_eq!(get_count("s.doi-a1.2"), 1, "{counts:?}");
    assert_eq!(get_count("s.ho-pa-khoang"), 1, "{counts:?}");
    // Nothing that could name a person: the table holds a target, a day and a count.
    for c in &counts {
        let keys: Vec<_> = c.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["day", "opens", "target"]);
    }
    // The staff page lists every code with its sign and counts.
    let login = s.login("lan", PASSWORD);
    let (status, html) = page(&s, "/admin/scans", &[("cookie", &login.cookie)]);
    assert_eq!(status, 200);
    assert!(
        html.contains("<code>s.doi-a1</code></td><td>3</td><td>3</td>"),
        "{html}"
    );
    assert!(html.contains(r#"<a href="/qr/s.doi-a1.2/sign?lang=vi">"#));
    // The most opened first, then the rest in the catalogue's order.
    let at = |code: &str| html.find(&format!("<code>{code}</code>")).unwrap();
    assert!(at("s.doi-a1") < at("s.doi-a1.2") && at("s.doi-a1.2") < at("s.a-pa-chai"));
    assert!(at("s.a-pa-chai") < at("s.ban-men"));
    assert_eq!(page(&s, "/admin/scans", &[]).0, 303, "login first");
}
