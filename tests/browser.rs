//! The viewer in real headless Chromium (Debian's package, software WebGL2): open a tour URL,
//! wait for rendered frames, check the screenshot shows the model; switch sites from the list.
//!
//! Needs the web build: `cargo xtask web` (`cargo xtask test` does it and sets `DISAN_WEB_DIR`).

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use disan_tests::webdriver::{Browser, Image};
use disan_tests::{TestServer, config_with_web, repo_root};
use serde_json::{Value, json};

/// One browser at a time: software rendering takes both cores.
static BROWSER: Mutex<()> = Mutex::new(());

/// How long a page may take to show a model; a safety net, the tests wait for frames.
const LIMIT: Duration = Duration::from_secs(240);

fn web_dir() -> PathBuf {
    let dir = std::env::var_os("DISAN_WEB_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/web"));
    for file in [
        "index.html",
        "viewer/disan_viewer_bg.wasm",
        "viewer/disan_viewer.js",
    ] {
        assert!(
            dir.join(file).is_file(),
            "{} is missing: run `cargo xtask web` first (or `cargo xtask test`)",
            dir.join(file).display()
        );
    }
    dir
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Waits until the viewer shows `slug` and has drawn `frames` frames since.
fn wait_shown(browser: &Browser, slug: &str, frames: u32) {
    let cond = format!(
        "const d = document.body.dataset; return d.viewer === 'failed' || \
         (d.viewer === 'ready' && d.site === '{slug}' && Number(d.frames) >= {frames});"
    );
    browser.wait_for(&cond, LIMIT).unwrap();
    let state = browser
        .eval("return document.body.dataset.viewer + ' ' + document.getElementById('status').textContent;", json!([]))
        .unwrap();
    assert!(
        state.as_str().unwrap().starts_with("ready"),
        "viewer failed on {slug}: {state}"
    );
}

/// The canvas part of a screenshot, also saved as `<name>.png` for people to look at.
fn canvas_shot(browser: &Browser, name: &str) -> Image {
    let png = browser.screenshot().unwrap();
    std::fs::write(screenshot_dir().join(format!("{name}.png")), &png).unwrap();
    let rect = browser
        .eval(
            "const r = document.getElementById('viewer-canvas').getBoundingClientRect(); \
             return [r.x, r.y, r.width, r.height].map(v => v * devicePixelRatio);",
            json!([]),
        )
        .unwrap();
    let r: Vec<u32> = rect
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap().round() as u32)
        .collect();
    let image = Image::from_png(&png).unwrap();
    let canvas = image.crop(r[0], r[1], r[2], r[3]);
    assert!(canvas.width > 100 && canvas.height > 100, "canvas {r:?}");
    canvas
}

fn assert_shows_a_model(canvas: &Image, name: &str) {
    let (color, share) = canvas.dominant();
    assert!(
        share < 0.6,
        "{name}: {:.0}% of the canvas is one colour {color:?}: no model drawn",
        share * 100.0
    );
    let colors = canvas.distinct_colors();
    assert!(
        colors > 40,
        "{name}: only {colors} colours: no shaded model"
    );
}

fn page_errors(browser: &Browser) -> Vec<Value> {
    browser
        .eval("return window.disanErrors || ['no error log'];", json!([]))
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn tour_shows_the_model_and_switches_sites() {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let server = TestServer::start(config_with_web(&web_dir())).unwrap();
    let browser = Browser::start(720, 540).unwrap();

    // A QR code or a link opens the tour URL directly.
    browser.goto(&server.url("/tour/doi-a1")).unwrap();
    wait_shown(&browser, "doi-a1", 3);
    let a1 = canvas_shot(&browser, "doi-a1");
    assert_shows_a_model(&a1, "doi-a1");
    let shown = browser
        .eval(
            "return [document.documentElement.lang, document.getElementById('site-name').textContent];",
            json!([]),
        )
        .unwrap();
    let expected = if shown[0] == "en" {
        "Hill A1 (Éliane 2)"
    } else {
        "Đồi A1"
    };
    assert_eq!(shown[1], expected, "site name shown");

    // Choosing another site in the list swaps the model without reloading the page.
    browser
        .eval("window.__samePage = true; return true;", json!([]))
        .unwrap();
    browser
        .click("a[data-slug='bao-tang-chien-thang-dien-bien-phu']")
        .unwrap();
    wait_shown(&browser, "bao-tang-chien-thang-dien-bien-phu", 3);
    let museum = canvas_shot(&browser, "bao-tang-chien-thang-dien-bien-phu");
    assert_shows_a_model(&museum, "museum");
    let page = browser
        .eval(
            "return [location.pathname, window.__samePage === true];",
            json!([]),
        )
        .unwrap();
    assert_eq!(page[0], "/tour/bao-tang-chien-thang-dien-bien-phu");
    assert_eq!(page[1], true, "the page was reloaded");
    let diff = a1.mean_difference(&museum);
    assert!(
        diff > 6.0,
        "the two sites look the same (difference {diff:.1})"
    );

    // Back goes to the previous site.
    browser
        .eval("history.back(); return true;", json!([]))
        .unwrap();
    wait_shown(&browser, "doi-a1", 2);

    let errors = page_errors(&browser);
    assert!(errors.is_empty(), "page errors: {errors:?}");
}

#[test]
fn home_page_lists_sites_in_both_languages() {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let server = TestServer::start(config_with_web(&web_dir())).unwrap();
    let browser = Browser::start(720, 540).unwrap();
    browser.goto(&server.url("/")).unwrap();
    browser
        .wait_for(
            "return document.querySelectorAll('#site-list a').length >= 3 && document.body.dataset.viewer === 'idle';",
            LIMIT,
        )
        .unwrap();
    let names = |b: &Browser| {
        b.eval(
            "return [document.documentElement.lang, [...document.querySelectorAll('#site-list a')].map(a => a.firstChild.textContent)];",
            json!([]),
        )
        .unwrap()
    };
    let before = names(&browser);
    browser.click("#lang-toggle").unwrap();
    let after = names(&browser);
    assert_ne!(before[0], after[0], "language did not change");
    let all: Vec<String> = [&before[1], &after[1]]
        .iter()
        .flat_map(|v| {
            v.as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_str().unwrap().to_owned())
        })
        .collect();
    assert!(all.iter().any(|n| n == "Đồi A1"), "{all:?}");
    assert!(all.iter().any(|n| n == "Hill A1 (Éliane 2)"), "{all:?}");
    let status = browser
        .eval(
            "return document.getElementById('status').textContent;",
            json!([]),
        )
        .unwrap();
    assert!(
        !status.as_str().unwrap().is_empty(),
        "home page prompts to choose a site"
    );
    let errors = page_errors(&browser);
    assert!(errors.is_empty(), "page errors: {errors:?}");
}
