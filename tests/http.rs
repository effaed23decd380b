//! HTTP tests: every route of the server, through a real server on a loopback port.

use std::io::Read;

use disan_tests::{TestServer, config_with_web, repo_root};
use disan_types::{ApiError, Health, SiteDetail, SiteSummary};

/// A web folder like `cargo xtask web` writes: the real page (`web/`) and a viewer build with
/// precompressed variants (small stand-in files: these tests are about serving them).
fn web_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    disan_tests::copy_tree(&repo_root().join("web"), dir.path());
    let viewer = dir.path().join("viewer");
    std::fs::create_dir(&viewer).unwrap();
    let wasm: Vec<u8> = b"\0asm\x01\0\0\0"
        .iter()
        .copied()
        .chain((0..20_000u32).flat_map(|i| (i % 251).to_le_bytes()))
        .collect();
    std::fs::write(viewer.join("disan_viewer_bg.wasm"), &wasm).unwrap();
    let mut br = Vec::new();
    brotli::CompressorReader::new(&wasm[..], 4096, 9, 22)
        .read_to_end(&mut br)
        .unwrap();
    std::fs::write(viewer.join("disan_viewer_bg.wasm.br"), br).unwrap();
    let mut gz = Vec::new();
    flate2::read::GzEncoder::new(&wasm[..], flate2::Compression::best())
        .read_to_end(&mut gz)
        .unwrap();
    std::fs::write(viewer.join("disan_viewer_bg.wasm.gz"), gz).unwrap();
    std::fs::write(
        viewer.join("disan_viewer.js"),
        "export default function init() {}\n",
    )
    .unwrap();
    dir
}

fn site_list(s: &TestServer) -> Vec<SiteSummary> {
    s.get_json("/api/sites")
}

fn site_detail(s: &TestServer, slug: &str) -> SiteDetail {
    s.get_json(&format!("/api/sites/{slug}"))
}

fn server() -> (TestServer, tempfile::TempDir) {
    let web = web_dir();
    (TestServer::start(config_with_web(web.path())).unwrap(), web)
}

#[test]
fn healthz_counts_the_sites() {
    let (s, _web) = server();
    let mut r = s.client().get(&s.url("/healthz")).call().unwrap();
    assert_eq!(r.status(), 200);
    let h: Health = r.body_mut().read_json().unwrap();
    assert_eq!(h.status, "ok");
    assert!(h.sites >= 2, "{h:?}");
}

#[test]
fn site_list_is_bilingual_and_links_to_tours() {
    let (s, _web) = server();
    let mut r = s.client().get(&s.url("/api/sites")).call().unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let sites: Vec<SiteSummary> = r.body_mut().read_json().unwrap();
    assert!(sites.len() >= 2);
    let a1 = sites
        .iter()
        .find(|s| s.slug == "doi-a1")
        .expect("Hill A1 listed");
    assert_eq!(a1.name.vi, "Đồi A1");
    assert_eq!(a1.name.en, "Hill A1 (Éliane 2)");
    assert_eq!(a1.tour_url, "/tour/doi-a1");
    assert_eq!(a1.position.accuracy_m, 300);
    for site in &sites {
        assert!(
            !site.name.vi.is_empty() && !site.name.en.is_empty(),
            "{site:?}"
        );
        assert!(
            !site.summary.vi.is_empty() && !site.summary.en.is_empty(),
            "{site:?}"
        );
    }
}

#[test]
fn site_detail_points_to_a_model_that_is_served() {
    let (s, _web) = server();
    let mut r = s.client().get(&s.url("/api/sites/doi-a1")).call().unwrap();
    assert_eq!(r.status(), 200);
    let site: SiteDetail = r.body_mut().read_json().unwrap();
    let model = site.first_model().expect("a model");
    assert_eq!(model.url, "/assets/models/doi-a1.light.glb");
    assert_eq!(model.level, disan_types::ModelLevel::Light);
    assert!(
        site.models
            .iter()
            .any(|m| m.level == disan_types::ModelLevel::Full && m.bytes > model.bytes)
    );
    let mut r = s.client().get(&s.url(&model.url)).call().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "model/gltf-binary");
    assert!(r.headers().contains_key("etag"));
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let bytes = r
        .body_mut()
        .with_config()
        .limit(50 << 20)
        .read_to_vec()
        .unwrap();
    assert_eq!(&bytes[..4], b"glTF");
    assert_eq!(bytes.len() as u64, model.bytes);
}

#[test]
fn site_detail_has_its_tour_and_hotspots_placed_on_the_model() {
    let (s, _web) = server();
    let sites = site_list(&s);
    assert_eq!(sites.len(), 14);
    for summary in &sites {
        let site = site_detail(&s, &summary.slug);
        let slug = &site.site.slug;
        assert!((4..=8).contains(&site.tour.len()), "{slug}: tour");
        assert!((3..=6).contains(&site.hotspots.len()), "{slug}: hotspots");
        for stop in &site.tour {
            assert!(!stop.caption.vi.is_empty() && !stop.caption.en.is_empty());
            assert!(stop.pose.distance > 1.0 && stop.pose.pitch > 0.0);
            assert_ne!(
                stop.pose.target, [0.0; 3],
                "{slug}: {} unresolved",
                stop.anchor
            );
        }
        for h in &site.hotspots {
            // A hotspot and a stop on the same anchor point at the same place.
            if let Some(stop) = site.tour.iter().find(|t| t.anchor == h.anchor) {
                assert_eq!(stop.pose.target, h.position, "{slug}: {}", h.id);
            }
            if let Some(link) = &h.link {
                assert!(sites.iter().any(|o| o.slug == link.site), "{link:?}");
            }
        }
    }
}

#[test]
fn unknown_site_is_a_json_404() {
    let (s, _web) = server();
    for path in ["/api/sites/nowhere", "/tour/nowhere"] {
        let mut r = s.client().get(&s.url(path)).call().unwrap();
        assert_eq!(r.status(), 404, "{path}");
        let e: ApiError = r.body_mut().read_json().unwrap();
        assert_eq!(e.error, "unknown_site");
        assert!(e.message.contains("nowhere"), "{e:?}");
    }
    let mut r = s.client().get(&s.url("/no/such/route")).call().unwrap();
    assert_eq!(r.status(), 404);
    let e: ApiError = r.body_mut().read_json().unwrap();
    assert_eq!(e.error, "not_found");
}

#[test]
fn home_and_tour_pages_are_the_web_app() {
    let (s, _web) = server();
    for path in ["/", "/tour/doi-a1", "/tour/ham-do-cat"] {
        let mut r = s.client().get(&s.url(path)).call().unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        // A page that opens on a model preloads the viewer's wasm from its first byte; the
        // home page (map, list, search) leaves it until a site is chosen.
        let link = r
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_owned());
        let html = r.body_mut().read_to_string().unwrap();
        assert!(html.contains("id=\"viewer-canvas\""), "{path}");
        assert!(html.contains("/app/main.js"), "{path}");
        match path {
            "/" => assert_eq!(link, None),
            _ => {
                let link = link.unwrap_or_default();
                assert!(
                    link.starts_with("</viewer/disan_viewer_bg.wasm>; rel=preload; as=fetch"),
                    "{path}: {link}"
                );
            }
        }
    }
}

#[test]
fn missing_web_build_is_explained() {
    let empty = tempfile::tempdir().unwrap();
    let s = TestServer::start(config_with_web(empty.path())).unwrap();
    let mut r = s.client().get(&s.url("/")).call().unwrap();
    assert_eq!(r.status(), 503);
    let e: ApiError = r.body_mut().read_json().unwrap();
    assert!(e.message.contains("cargo xtask web"), "{e:?}");
}

#[test]
fn viewer_is_served_compressed_as_the_client_accepts() {
    let (s, web) = server();
    let raw = std::fs::read(web.path().join("viewer/disan_viewer_bg.wasm")).unwrap();
    let url = s.url("/viewer/disan_viewer_bg.wasm");
    for (accept, encoding) in [
        ("br, gzip", Some("br")),
        ("gzip, deflate", Some("gzip")),
        ("br;q=0, gzip", Some("gzip")),
        ("identity", None),
    ] {
        let mut r = s
            .client()
            .get(&url)
            .header("accept-encoding", accept)
            .call()
            .unwrap();
        assert_eq!(r.status(), 200, "{accept}");
        assert_eq!(r.headers()["content-type"], "application/wasm");
        assert_eq!(r.headers()["vary"], "Accept-Encoding");
        let body = r
            .body_mut()
            .with_config()
            .limit(100 << 20)
            .read_to_vec()
            .unwrap();
        let got = r
            .headers()
            .get("content-encoding")
            .map(|v| v.to_str().unwrap());
        let decoded = match encoding {
            Some("br") => {
                assert_eq!(got, Some("br"), "{accept}");
                let mut out = Vec::new();
                brotli::Decompressor::new(&body[..], 4096)
                    .read_to_end(&mut out)
                    .unwrap();
                assert_eq!(
                    r.headers()["x-decoded-length"].to_str().unwrap(),
                    raw.len().to_string()
                );
                out
            }
            Some(_) => {
                assert_eq!(got, Some("gzip"), "{accept}");
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&body[..])
                    .read_to_end(&mut out)
                    .unwrap();
                out
            }
            None => {
                assert!(got.is_none() || got == Some("identity"), "{got:?}");
                body
            }
        };
        assert_eq!(decoded, raw, "{accept}");
    }
}

#[test]
fn etag_gives_304() {
    let (s, _web) = server();
    for (path, accept) in [
        ("/assets/models/doi-a1.glb", "identity"),
        ("/viewer/disan_viewer_bg.wasm", "br"),
        ("/viewer/disan_viewer_bg.wasm", "identity"),
    ] {
        let r = s
            .client()
            .get(&s.url(path))
            .header("accept-encoding", accept)
            .call()
            .unwrap();
        let etag = r.headers()["etag"].to_str().unwrap().to_owned();
        let mut again = s
            .client()
            .get(&s.url(path))
            .header("accept-encoding", accept)
            .header("if-none-match", &etag)
            .call()
            .unwrap();
        assert_eq!(again.status(), 304, "{path} {accept}");
        assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
        assert!(again.body_mut().read_to_vec().unwrap().is_empty());
        let other = s
            .client()
            .get(&s.url(path))
            .header("accept-encoding", accept)
            .header("if-none-match", "\"something-else\"")
            .call()
            .unwrap();
        assert_eq!(other.status(), 200, "{path}");
    }
}

#[test]
fn path_tricks_never_leave_the_folder() {
    let (s, _web) = server();
    for path in [
        "/assets/../Cargo.toml",
        "/assets/models/../../Cargo.toml",
        "/assets/%2e%2e/Cargo.toml",
        "/assets/%2E%2E%2FCargo.toml",
        "/assets/models/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/..%2fCargo.toml",
        "/assets/..%5cCargo.toml",
        "/assets/%252e%252e/Cargo.toml",
        "/assets//etc/passwd",
        "/assets/%2fetc%2fpasswd",
        "/assets/.%2e/Cargo.toml",
        "/assets/models/%00.glb",
        "/assets/%ff%fe",
        "/assets/C:/Windows/win.ini",
        "/viewer/../index.html",
        "/viewer/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/",
        "/assets/models",
    ] {
        let (status, body) = s.raw_get(path);
        assert!(
            status == 400 || status == 404,
            "{path} gave {status}: {body}"
        );
        assert!(!body.contains("[workspace]"), "{path} leaked a file");
        assert!(!body.contains("root:"), "{path} leaked a file");
    }
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_assets_folder_are_not_followed() {
    let assets = tempfile::tempdir().unwrap();
    disan_tests::copy_tree(&repo_root().join("assets"), assets.path());
    std::os::unix::fs::symlink(
        repo_root().join("Cargo.toml"),
        assets.path().join("escape.glb"),
    )
    .unwrap();
    let web = web_dir();
    let mut config = config_with_web(web.path());
    config.assets_dir = assets.path().to_owned();
    let s = TestServer::start(config).unwrap();
    let (status, body) = s.raw_get("/assets/escape.glb");
    assert_eq!(status, 404, "{body}");
    let (status, _) = s.raw_get("/assets/models/doi-a1.glb");
    assert_eq!(status, 200);
}

#[test]
fn api_responses_are_compressed() {
    let (s, _web) = server();
    let r = s
        .client()
        .get(&s.url("/api/sites"))
        .header("accept-encoding", "gzip")
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-encoding"], "gzip");
}

#[test]
fn two_d_tour_is_plain_html_with_an_image_per_stop() {
    let (s, _web) = server();
    let sites = site_list(&s);
    for summary in &sites {
        let site = site_detail(&s, &summary.slug);
        assert_eq!(summary.tour_2d_url, format!("/tour/{}/2d", summary.slug));
        for (lang, query, accept) in [
            ("vi", "", "vi-VN,vi;q=0.9"),
            ("en", "", "en-GB,en;q=0.8"),
            ("en", "?lang=en", "vi"),
            ("vi", "?lang=vi", "en"),
        ] {
            let mut r = s
                .client()
                .get(&s.url(&format!("{}{query}", summary.tour_2d_url)))
                .header("accept-language", accept)
                .call()
                .unwrap();
            assert_eq!(r.status(), 200);
            let html = r.body_mut().read_to_string().unwrap();
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
            assert!(!html.contains("<script"), "the 2D tour needs no JavaScript");
            let name = if lang == "vi" {
                &site.site.name.vi
            } else {
                &site.site.name.en
            };
            let escaped = |t: &str| {
                t.replace('&', "&amp;")
                    .replace('"', "&quot;")
                    .replace('\'', "&#39;")
            };
            assert!(html.contains(&escaped(name)), "{}: name", summary.slug);
            for stop in &site.tour {
                let caption = if lang == "vi" {
                    &stop.caption.vi
                } else {
                    &stop.caption.en
                };
                assert!(
                    html.contains(&escaped(caption)),
                    "{}: {caption}",
                    summary.slug
                );
                assert!(html.contains(&format!("src=\"{}\"", stop.image)));
            }
        }
        for stop in &site.tour {
            let mut r = s.client().get(&s.url(&stop.image)).call().unwrap();
            assert_eq!(r.status(), 200, "{}", stop.image);
            assert_eq!(r.headers()["content-type"], "image/jpeg");
            let bytes = r.body_mut().read_to_vec().unwrap();
            assert!(
                bytes.len() <= 80_000,
                "{}: {} bytes",
                stop.image,
                bytes.len()
            );
            assert_eq!(&bytes[..2], &[0xFF, 0xD8], "{} is a JPEG", stop.image);
        }
    }
    let r = s.client().get(&s.url("/tour/nowhere/2d")).call().unwrap();
    assert_eq!(r.status(), 404);
}

#[test]
fn ranges_of_a_model_are_answered_206() {
    let (s, _web) = server();
    let path = "/assets/models/doi-a1.glb";
    let whole = std::fs::read(repo_root().join("assets/models/doi-a1.glb")).unwrap();
    let len = whole.len();
    let mut r = s.client().get(&s.url(path)).call().unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["accept-ranges"], "bytes");
    assert_eq!(r.body_mut().read_to_vec().unwrap(), whole);
    for (range, from, to) in [
        ("bytes=0-11".to_owned(), 0, 12),
        (format!("bytes={}-", len - 100), len - 100, len),
        ("bytes=-64".to_owned(), len - 64, len),
        (format!("bytes=1000-{}", len + 5000), 1000, len),
    ] {
        let mut r = s
            .client()
            .get(&s.url(path))
            .header("range", &range)
            .call()
            .unwrap();
        assert_eq!(r.status(), 206, "{range}");
        assert_eq!(
            r.headers()["content-range"],
            format!("bytes {from}-{}/{len}", to - 1).as_str(),
            "{range}"
        );
        assert_eq!(
            r.body_mut().read_to_vec().unwrap(),
            &whole[from..to],
            "{range}"
        );
    }
    // Outside the file: 416 with the size, as JSON.
    let mut r = s
        .client()
        .get(&s.url(path))
        .header("range", &format!("bytes={}-", len + 1))
        .call()
        .unwrap();
    assert_eq!(r.status(), 416);
    assert_eq!(
        r.headers()["content-range"],
        format!("bytes */{len}").as_str()
    );
    let e: ApiError = r.body_mut().read_json().unwrap();
    assert_eq!(e.error, "bad_range");
    // A stale If-Range: the whole file, 200.
    let r = s
        .client()
        .get(&s.url(path))
        .header("range", "bytes=0-9")
        .header("if-range", "\"not-this-version\"")
        .call()
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[test]
fn every_response_carries_the_security_headers() {
    let (s, _web) = server();
    for path in [
        "/",
        "/tour/doi-a1",
        "/tour/doi-a1/2d",
        "/api/sites",
        "/map.svg",
        "/assets/models/doi-a1.glb",
        "/viewer/disan_viewer.js",
        "/no/such/route",
    ] {
        let r = s.client().get(&s.url(path)).call().unwrap();
        let csp = r.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval';"),
            "{path}: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("style-src 'self';"), "{path}: {csp}");
        assert_eq!(r.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            r.headers()["referrer-policy"],
            "strict-origin-when-cross-origin",
            "{path}"
        );
    }
}

#[test]
fn the_page_gets_the_shared_rules_from_the_server() {
    let (s, _web) = server();
    let rules: disan_types::rules::Rules = s.get_json("/api/rules");
    assert_eq!(rules, disan_types::rules::Rules::get());
    assert_eq!(rules.slug_pattern, disan_types::rules::SLUG_PATTERN);
}

#[test]
fn model_sizes_in_the_api_are_the_files_sizes() {
    let (s, _web) = server();
    for summary in site_list(&s) {
        for m in site_detail(&s, &summary.slug).models {
            let on_disk = std::fs::metadata(repo_root().join("assets").join(&m.path))
                .unwrap()
                .len();
            assert!(m.bytes > 0, "{}", m.url);
            assert_eq!(m.bytes, on_disk, "{}", m.url);
            assert_eq!(m.url, format!("/assets/{}", m.path));
        }
    }
}

#[test]
fn the_language_is_the_browsers_best_by_q_value() {
    let (s, _web) = server();
    for (accept, lang) in [
        ("fr, en;q=0.5, vi;q=0.8", "vi"),
        ("vi;q=0.1, en", "en"),
        ("en-GB;q=0.9, vi-VN;q=0.95", "vi"),
        ("de, fr", "vi"),
        ("en;q=0, vi;q=0", "vi"),
        ("*", "vi"),
    ] {
        let mut r = s
            .client()
            .get(&s.url("/tour/doi-a1/2d"))
            .header("accept-language", accept)
            .call()
            .unwrap();
        let html = r.body_mut().read_to_string().unwrap();
        assert!(
            html.contains(&format!("<html lang=\"{lang}\">")),
            "{accept}"
        );
    }
}
