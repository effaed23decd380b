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

/// Waits until the viewer shows `slug` with its full model swapped in, and has drawn `frames`
/// more frames since.
fn wait_shown(browser: &Browser, slug: &str, frames: u32) {
    let cond = format!(
        "const d = document.body.dataset; return d.viewer === 'failed' || \
         (d.viewer === 'ready' && d.site === '{slug}' && d.level === 'full');"
    );
    browser.wait_for(&cond, LIMIT).unwrap();
    let state = browser
        .eval(
            "return document.body.dataset.viewer + ' ' + document.getElementById('status').textContent;",
            json!([]),
        )
        .unwrap();
    assert!(
        state.as_str().unwrap().starts_with("ready"),
        "viewer failed on {slug}: {state}"
    );
    wait_frames(browser, frames);
    let site = browser
        .eval("return document.body.dataset.site;", json!([]))
        .unwrap();
    assert_eq!(site, json!(slug), "the viewer moved on from {slug}");
}

/// Waits until the viewer has drawn `frames` more frames.
fn wait_frames(browser: &Browser, frames: u32) {
    let now = browser
        .eval("return Number(document.body.dataset.frames);", json!([]))
        .unwrap()
        .as_u64()
        .unwrap();
    browser
        .wait_for(
            &format!(
                "return Number(document.body.dataset.frames) >= {};",
                now + u64::from(frames)
            ),
            LIMIT,
        )
        .unwrap();
}

/// An editor, Lan, with an API token, for tests that publish relics.
fn editor(server: &TestServer) -> disan_tests::Staff<'_> {
    server.add_user(
        "lan",
        disan_types::admin::Role::Editor,
        "mật khẩu của Lan 2026",
    );
    disan_tests::Staff::with_token(server, "lan")
}

/// A relic's metadata with its title and description, at Hill A1, the rest left empty.
fn relic_meta(title: [&str; 2], description: [&str; 2]) -> Value {
    json!({
        "title": {"vi": title[0], "en": title[1]},
        "description": {"vi": description[0], "en": description[1]},
        "place": {"site": "doi-a1"},
        "object_type": {"vi": "", "en": ""}, "period": {"vi": "", "en": ""},
        "material": {"vi": "", "en": ""}, "dimensions": "", "credits": "", "licence": "CC BY 4.0",
        "dublin_core": {"identifier": "", "creator": "", "date": "", "rights": "", "source": ""}
    })
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

/// Waits until `slug` is shown (full model, `frames` more frames), then returns the canvas
/// screenshot saved as `name`, checked to show a model.
fn shot_of(browser: &Browser, slug: &str, frames: u32, name: &str) -> Image {
    wait_shown(browser, slug, frames);
    let shot = canvas_shot(browser, name);
    assert_shows_a_model(&shot, name);
    shot
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

/// Bevy's winit loop throws once on start to leave the JavaScript stack: that is normal.
const BENIGN: &str = "Using exceptions for control flow";

/// The page logged no errors (bevy's benign start-up exception is filtered by the page), the
/// browser's console has no error either (a failed request such as a 404 is one), and no
/// Content-Security-Policy violation happened.
fn assert_no_page_errors(browser: &Browser) {
    let errors = browser
        .eval("return window.disanErrors || ['no error log'];", json!([]))
        .unwrap();
    assert_eq!(errors, json!([]), "page errors");
    assert_no_browser_errors(browser);
}

/// No Content-Security-Policy violation and no error in the browser's console (for pages
/// without the page's own error log, such as the 2D tour).
fn assert_no_browser_errors(browser: &Browser) {
    let violations = browser
        .eval(
            "return window.cspViolations || ['no CSP probe'];",
            json!([]),
        )
        .unwrap();
    assert_eq!(violations, json!([]), "Content-Security-Policy violations");
    let console: Vec<String> = browser
        .console()
        .unwrap()
        .into_iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .filter(|m| !m.contains(BENIGN))
        .collect();
    assert!(console.is_empty(), "console errors: {console:#?}");
}

/// Records every `securitypolicyviolation` of every page in `window.cspViolations`; added
/// through the DevTools protocol, so it runs before the page's own scripts.
const CSP_PROBE: &str = "window.cspViolations = []; \
  document.addEventListener('securitypolicyviolation', (e) => \
    window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));";

/// One browser at a time, a real server on the web build, and a headless Chromium that
/// records CSP violations.
fn session() -> (std::sync::MutexGuard<'static, ()>, TestServer, Browser) {
    let one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let server = TestServer::start(config_with_web(&web_dir())).unwrap();
    let browser = Browser::start(720, 540).unwrap();
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": CSP_PROBE}),
        )
        .unwrap();
    (one, server, browser)
}

#[test]
fn tour_shows_the_model_and_switches_sites() {
    let (_one, server, browser) = session();

    // A QR code or a link opens the tour URL directly.
    browser.goto(&server.url("/tour/doi-a1")).unwrap();
    let a1 = shot_of(&browser, "doi-a1", 3, "doi-a1");
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
    let museum = shot_of(&browser, "bao-tang-chien-thang-dien-bien-phu", 3, "museum");
    let page = browser
        .eval(
            "return [location.pathname, window.__samePage === true];",
            json!([]),
        )
        .unwrap();
    assert_eq!(page[0], "/tour/bao-tang-chien-thang-dien-bien-phu");
    assert_eq!(page[1], true, "the page was reloaded");
    // Each site was fetched once, by the page, which handed it to the viewer; each model came
    // from the URL the API gave.
    let fetched = browser
        .eval(
            "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);",
            json!([]),
        )
        .unwrap();
    let fetched: Vec<&str> = fetched
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for slug in ["doi-a1", "bao-tang-chien-thang-dien-bien-phu"] {
        let api = format!("/api/sites/{slug}");
        let times = fetched.iter().filter(|p| **p == api).count();
        assert_eq!(times, 1, "{api} fetched {times} times: {fetched:?}");
        for model in site_detail(&server, slug).models {
            assert!(
                fetched.contains(&model.url.as_str()),
                "{} not fetched",
                model.url
            );
        }
    }
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

    assert_no_page_errors(&browser);
}

#[test]
fn home_page_lists_sites_in_both_languages() {
    let (_one, server, browser) = session();
    open_home(&browser, &server);
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
    assert!(
        !text_of(&browser, "status").is_empty(),
        "home page prompts to choose a site"
    );
    assert_no_page_errors(&browser);
}

/// The orbit camera as the viewer writes it on the page: yaw, pitch, distance, target x, y, z.
fn camera_state(browser: &Browser) -> [f64; 6] {
    let v = browser
        .eval("return document.body.dataset.camera;", json!([]))
        .unwrap();
    let parts: Vec<f64> = v
        .as_str()
        .unwrap_or("")
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    parts
        .try_into()
        .unwrap_or_else(|_| panic!("camera state {v}"))
}

/// The orbit camera's (yaw, pitch, distance).
fn camera(browser: &Browser) -> [f64; 3] {
    let c = camera_state(browser);
    [c[0], c[1], c[2]]
}

/// The point the camera looks at (x, y, z).
fn camera_target(browser: &Browser) -> [f64; 3] {
    let c = camera_state(browser);
    [c[3], c[4], c[5]]
}

/// Waits until the camera differs from `before` and two more frames are drawn.
fn wait_camera_moved(browser: &Browser, before: [f64; 3]) -> [f64; 3] {
    let cond = format!(
        "return (document.body.dataset.camera || '').split(' ').slice(0, 3).join(' ') !== '{:.3} {:.3} {:.3}';",
        before[0], before[1], before[2]
    );
    browser.wait_for(&cond, LIMIT).unwrap();
    let frames: u64 = browser
        .eval("return Number(document.body.dataset.frames);", json!([]))
        .unwrap()
        .as_u64()
        .unwrap();
    browser
        .wait_for(
            &format!(
                "return Number(document.body.dataset.frames) >= {};",
                frames + 2
            ),
            LIMIT,
        )
        .unwrap();
    camera(browser)
}

fn drag(kind: &str, from: (i64, i64), to: (i64, i64)) -> Value {
    json!({"type": "pointer", "id": kind, "parameters": {"pointerType": kind}, "actions": [
        {"type": "pointerMove", "duration": 0, "x": from.0, "y": from.1, "origin": "viewport"},
        {"type": "pointerDown", "button": 0},
        {"type": "pointerMove", "duration": 600, "x": (from.0 + to.0) / 2, "y": (from.1 + to.1) / 2, "origin": "viewport"},
        {"type": "pointerMove", "duration": 600, "x": to.0, "y": to.1, "origin": "viewport"},
        {"type": "pause", "duration": 300},
        {"type": "pointerUp", "button": 0},
    ]})
}

#[test]
fn orbit_controls_turn_and_zoom_with_mouse_and_touch() {
    let (_one, server, browser) = session();
    // The viewer running without a site: a tour, then back to the map in the page.
    browser.goto(&server.url("/tour/pu-vap")).unwrap();
    wait_shown(&browser, "pu-vap", 1);
    browser.click("#to-map").unwrap();
    browser
        .wait_for("return document.body.dataset.viewer === 'idle';", LIMIT)
        .unwrap();
    // Record whether the progress bar shows while the model downloads, and which models show.
    browser
        .eval(
            "window.__progressSeen = false; const bar = document.getElementById('progress'); \
             new MutationObserver(() => { if (!bar.hidden) window.__progressSeen = true; }) \
               .observe(bar, {attributes: true}); \
             window.__levels = []; \
             new MutationObserver(() => { const l = document.body.dataset.level; \
               if (l && window.__levels[window.__levels.length - 1] !== l) window.__levels.push(l); }) \
               .observe(document.body, {attributes: true, attributeFilter: ['data-level']}); \
             return true;",
            json!([]),
        )
        .unwrap();
    // What the viewer holds with no site, once the tour's model is freed: the same count
    // for a second (an idle viewer draws no frames to wait for).
    let meshes = |b: &Browser| -> Option<usize> {
        b.eval("return document.body.dataset.meshes;", json!([]))
            .unwrap()
            .as_str()
            .and_then(|m| m.parse().ok())
    };
    let (mut idle, mut same) = (meshes(&browser), 0);
    let since = std::time::Instant::now();
    while same < 4 && since.elapsed() < LIMIT {
        std::thread::sleep(Duration::from_millis(250));
        let now = meshes(&browser);
        same = if now == idle { same + 1 } else { 0 };
        idle = now;
    }
    let idle_meshes: usize = idle.expect("the viewer reports its meshes");
    browser.click("a[data-slug='ham-do-cat']").unwrap();
    wait_shown(&browser, "ham-do-cat", 3);
    assert_eq!(
        browser
            .eval("return window.__progressSeen;", json!([]))
            .unwrap(),
        true,
        "no progress bar while loading"
    );
    assert_eq!(
        browser.eval("return window.__levels;", json!([])).unwrap(),
        json!(["light", "full"]),
        "the light model shows first, then the full one"
    );
    // Once the full model is on screen the light one is freed: the viewer holds the full
    // model's meshes (one per primitive) and the hotspots' marker, no more.
    let primitives = |file: &str| {
        let glb = std::fs::read(repo_root().join("assets/models").join(file)).unwrap();
        let plain = disan_pack::plain_glb(&glb, 1 << 30).unwrap();
        let gltf = gltf::Gltf::from_slice(&plain).unwrap();
        gltf.meshes().map(|m| m.primitives().count()).sum::<usize>()
    };
    let (light, full) = (
        primitives("ham-do-cat.light.glb"),
        primitives("ham-do-cat.glb"),
    );
    let held = idle_meshes + full + 1;
    let freed = browser.wait_for(
        &format!("return document.body.dataset.meshes === '{held}';"),
        LIMIT,
    );
    assert!(
        freed.is_ok(),
        "meshes held: {} (the full model's {full} + 1 marker; the light one had {light})",
        browser
            .eval("return document.body.dataset.meshes;", json!([]))
            .unwrap()
    );
    let bytes: u64 = browser
        .eval("return document.body.dataset.gpuBytes;", json!([]))
        .unwrap()
        .as_str()
        .and_then(|b| b.parse().ok())
        .unwrap();
    assert!(bytes > 100_000, "{bytes} bytes held for a full model");
    let start_shot = canvas_shot(&browser, "ham-do-cat");
    assert_shows_a_model(&start_shot, "ham-do-cat");

    let (cx, cy) = canvas_point(&browser, 0.5);

    // Mouse drag turns the camera around the model.
    let c0 = camera(&browser);
    browser
        .actions(json!([drag("mouse", (cx - 80, cy), (cx + 80, cy + 20))]))
        .unwrap();
    let c1 = wait_camera_moved(&browser, c0);
    assert!(
        (c1[0] - c0[0]).abs() > 0.2,
        "yaw did not turn: {c0:?} → {c1:?}"
    );
    let turned = canvas_shot(&browser, "ham-do-cat-turned");
    assert!(
        start_shot.mean_difference(&turned) > 3.0,
        "picture did not change"
    );

    // The wheel zooms in.
    browser
        .actions(json!([{"type": "wheel", "id": "wheel", "actions": [
            {"type": "scroll", "x": cx, "y": cy, "deltaX": 0, "deltaY": -300, "duration": 300, "origin": "viewport"},
        ]}]))
        .unwrap();
    let c2 = wait_camera_moved(&browser, c1);
    assert!(c2[2] < c1[2], "wheel did not zoom in: {c1:?} → {c2:?}");

    // One finger turns; two fingers spreading apart zoom in.
    browser
        .actions(json!([drag("touch", (cx + 60, cy), (cx - 60, cy))]))
        .unwrap();
    let c3 = wait_camera_moved(&browser, c2);
    assert!(
        (c3[0] - c2[0]).abs() > 0.1,
        "touch drag did not turn: {c2:?} → {c3:?}"
    );
    let finger = |id: &str, from: i64, to: i64| {
        json!({"type": "pointer", "id": id, "parameters": {"pointerType": "touch"}, "actions": [
            {"type": "pointerMove", "duration": 0, "x": from, "y": cy, "origin": "viewport"},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerMove", "duration": 600, "x": (from + to) / 2, "y": cy, "origin": "viewport"},
            {"type": "pointerMove", "duration": 600, "x": to, "y": cy, "origin": "viewport"},
            {"type": "pause", "duration": 300},
            {"type": "pointerUp", "button": 0},
        ]})
    };
    browser
        .actions(json!([
            finger("f1", cx - 30, cx - 150),
            finger("f2", cx + 30, cx + 150)
        ]))
        .unwrap();
    let c4 = wait_camera_moved(&browser, c3);
    assert!(c4[2] < c3[2], "pinch did not zoom in: {c3:?} → {c4:?}");

    assert_no_page_errors(&browser);
}

#[test]
fn every_site_shows_its_own_model() {
    let (_one, server, browser) = session();
    browser.goto(&server.url("/")).unwrap();
    browser
        .wait_for("return document.body.dataset.viewer === 'off' && document.querySelectorAll('#site-list a').length > 0;", LIMIT)
        .unwrap();
    let slugs: Vec<String> = browser
        .eval(
            "return [...document.querySelectorAll('#site-list a')].map(a => a.dataset.slug);",
            json!([]),
        )
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(slugs.len(), 14, "{slugs:?}");
    let mut previous: Option<Image> = None;
    for slug in &slugs {
        browser.click(&format!("a[data-slug='{slug}']")).unwrap();
        let shot = shot_of(&browser, slug, 2, &format!("site-{slug}"));
        if let Some(prev) = &previous {
            let diff = prev.mean_difference(&shot);
            assert!(
                diff > 4.0,
                "{slug} looks like the site before it ({diff:.1})"
            );
        }
        previous = Some(shot);
    }
    assert_no_page_errors(&browser);
}

/// Opens the home page and waits for the site list and the idle viewer.
fn open_home(browser: &Browser, server: &TestServer) {
    browser.goto(&server.url("/")).unwrap();
    browser
        .wait_for(
            "return document.querySelectorAll('#site-list a').length >= 3 && document.body.dataset.viewer === 'off';",
            LIMIT,
        )
        .unwrap();
}

/// The text of the element with this id.
fn text_of(browser: &Browser, id: &str) -> String {
    browser
        .eval(
            "return document.getElementById(arguments[0]).textContent;",
            json!([id]),
        )
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// A site's detail from the API, as the viewer gets it.
fn site_detail(server: &TestServer, slug: &str) -> disan_types::SiteDetail {
    server.get_json(&format!("/api/sites/{slug}"))
}

/// The visible search results: `[title, kind line, marked words]` per option.
fn search_results(browser: &Browser) -> Vec<Value> {
    browser
        .eval(
            "const list = document.getElementById('search-results'); \
             if (list.hidden) return []; \
             return [...list.querySelectorAll('[role=option]')].map(li => [ \
               li.querySelector('.t').textContent, li.querySelector('.k').textContent, \
               [...li.querySelectorAll('mark')].map(m => m.textContent)]);",
            json!([]),
        )
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Empties the search box and types `text` into it.
fn search_anew(browser: &Browser, text: &str) {
    browser
        .eval("document.getElementById('search').value = '';", json!([]))
        .unwrap();
    browser.type_into("#search", text).unwrap();
}

#[test]
fn search_box_finds_sites_as_you_type_and_opens_them_by_keyboard() {
    let (_one, server, browser) = session();
    // A Vietnamese user (the browser itself is in English).
    browser.goto(&server.url("/")).unwrap();
    browser
        .eval("localStorage.setItem('disan-lang', 'vi');", json!([]))
        .unwrap();
    browser.goto(&server.url("/")).unwrap();
    browser
        .wait_for(
            "return document.querySelectorAll('#site-list a').length >= 3 && document.documentElement.lang === 'vi';",
            LIMIT,
        )
        .unwrap();
    // Typed without diacritics, the way phones often type.
    browser.type_into("#search", "pa khoang").unwrap();
    browser
        .wait_for(
            "return !document.getElementById('search-results').hidden && \
             document.querySelectorAll('#search-results [role=option]').length > 0;",
            LIMIT,
        )
        .unwrap();
    let results = search_results(&browser);
    assert_eq!(results[0][0], "Hồ Pá Khoang", "{results:?}");
    std::fs::write(
        screenshot_dir().join("search.png"),
        browser.screenshot().unwrap(),
    )
    .unwrap();
    // Marked as written (`khoảng`, "about", folds to the same letters and is marked too).
    let marks = results[0][2].as_array().unwrap();
    assert!(
        marks.contains(&json!("Pá")) && marks.contains(&json!("Khoang")),
        "{results:?}"
    );
    let expanded = browser
        .eval(
            "return document.getElementById('search').getAttribute('aria-expanded');",
            json!([]),
        )
        .unwrap();
    assert_eq!(expanded, "true");
    // The home page starts no viewer (none to take the keyboard while typing); the keyboard and
    // the results stay where they were.
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        browser
            .eval("return document.body.dataset.viewer;", json!([]))
            .unwrap(),
        json!("off")
    );
    let kept = browser
        .eval(
            "return [document.activeElement.id, document.getElementById('search-results').hidden];",
            json!([]),
        )
        .unwrap();
    assert_eq!(kept, json!(["search", false]));

    // Arrow Down selects the first result, Enter opens it: the URL changes, the viewer follows.
    browser.type_into("#search", "\u{E015}").unwrap();
    let active = browser
        .eval(
            "const id = document.getElementById('search').getAttribute('aria-activedescendant'); \
             return id && document.getElementById(id).getAttribute('aria-selected');",
            json!([]),
        )
        .unwrap();
    assert_eq!(active, "true");
    browser.type_into("#search", "\u{E007}").unwrap();
    let path = browser
        .eval("return location.pathname;", json!([]))
        .unwrap();
    assert_eq!(path, "/tour/ho-pa-khoang");
    assert!(search_results(&browser).is_empty(), "results closed");
    wait_shown(&browser, "ho-pa-khoang", 1);
    // The viewer, started now, did not take the keyboard.
    let focused = browser
        .eval("return document.activeElement.id;", json!([]))
        .unwrap();
    assert_ne!(focused, json!("viewer-canvas"));

    // In English, a typo and a describing word; a hit of a tour stop or hotspot names its site.
    browser.click("#lang-toggle").unwrap();
    search_anew(&browser, "westrenmost");
    browser
        .wait_for(
            "return [...document.querySelectorAll('#search-results .t')].some(t => t.textContent.includes('westernmost'));",
            LIMIT,
        )
        .unwrap();
    let results = search_results(&browser);
    assert!(
        results
            .iter()
            .all(|r| r[1].as_str().unwrap().contains("A Pa Chải") || r[1] == "Site"),
        "{results:?}"
    );
    // Nothing found says so.
    search_anew(&browser, "zzqqxx");
    browser
        .wait_for(
            "return document.querySelector('#search-results li.empty')?.textContent.includes('zzqqxx') === true;",
            LIMIT,
        )
        .unwrap();
    assert_no_page_errors(&browser);
}

#[test]
fn map_pins_open_sites_and_the_map_button_returns() {
    let (_one, server, browser) = session();
    browser.goto(&server.url("/")).unwrap();
    browser
        .wait_for(
            "return document.querySelectorAll('#map .pins a[data-slug]').length === 14 && !document.getElementById('map').hidden;",
            LIMIT,
        )
        .unwrap();
    let png = browser.screenshot().unwrap();
    std::fs::write(screenshot_dir().join("map.png"), &png).unwrap();
    // The map is drawn: the outline's colour covers a good part of the stage.
    let stage = browser
        .eval(
            "const r = document.getElementById('map').getBoundingClientRect(); return [r.x, r.y, r.width, r.height].map(Math.round);",
            json!([]),
        )
        .unwrap();
    let v: Vec<u32> = stage
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap() as u32)
        .collect();
    let map = Image::from_png(&png).unwrap().crop(v[0], v[1], v[2], v[3]);
    assert!(map.distinct_colors() > 3, "the map has no drawing");

    browser
        .click("#map .pins a[data-slug='ho-pa-khoang']")
        .unwrap();
    let path = browser
        .eval("return location.pathname;", json!([]))
        .unwrap();
    assert_eq!(path, "/tour/ho-pa-khoang");
    wait_shown(&browser, "ho-pa-khoang", 1);
    let hidden = browser
        .eval("return document.getElementById('map').hidden;", json!([]))
        .unwrap();
    assert_eq!(hidden, true);

    // Back to the map with its button; the browser's Back button returns to the site.
    browser.click("#to-map").unwrap();
    browser
        .wait_for(
            "return location.pathname === '/' && !document.getElementById('map').hidden;",
            LIMIT,
        )
        .unwrap();
    browser.eval("history.back();", json!([])).unwrap();
    browser
        .wait_for(
            "return location.pathname === '/tour/ho-pa-khoang' && document.getElementById('map').hidden;",
            LIMIT,
        )
        .unwrap();
    assert_no_page_errors(&browser);
}

/// JavaScript that is true once both the URL and the tour panel are at stop `n`.
fn at_stop(n: usize) -> String {
    format!(
        "return location.hash === '#stop={n}' && document.getElementById('tour-panel').dataset.stop === '{n}';"
    )
}

/// Opens `slug`'s tour at stop `n` and waits until the tour panel shows it.
fn open_stop(browser: &Browser, server: &TestServer, slug: &str, n: usize) {
    browser
        .goto(&server.url(&format!("/tour/{slug}#stop={n}")))
        .unwrap();
    browser.wait_for(&at_stop(n), LIMIT).unwrap();
}

#[test]
fn tour_captions_follow_the_stop_in_the_url() {
    let (_one, server, browser) = session();
    let detail = site_detail(&server, "doi-a1");
    let caption = |n: usize| -> String {
        let lang = browser
            .eval("return document.documentElement.lang;", json!([]))
            .unwrap();
        let lang = disan_types::Lang::from_code(lang.as_str().unwrap()).unwrap();
        detail.tour[n - 1].caption.get(lang).to_owned()
    };
    let shown = || -> Value {
        browser
            .eval(
                "return [location.hash, document.getElementById('stop-count').textContent, document.getElementById('caption').textContent];",
                json!([]),
            )
            .unwrap()
    };
    let total = detail.tour.len();
    // A deep link starts at its stop.
    open_stop(&browser, &server, "doi-a1", 3);
    assert_eq!(
        shown(),
        json!(["#stop=3", format!("3/{total}"), caption(3)])
    );

    // Next (button) and previous (arrow key) move the stop and the URL.
    browser.click("#stop-next").unwrap();
    browser
        .wait_for("return location.hash === '#stop=4';", LIMIT)
        .unwrap();
    assert_eq!(
        shown(),
        json!(["#stop=4", format!("4/{total}"), caption(4)])
    );
    browser.type_into("body", "\u{E012}").unwrap();
    browser.wait_for(&at_stop(3), LIMIT).unwrap();
    // Back and Forward of the browser.
    browser.eval("history.back();", json!([])).unwrap();
    browser.wait_for(&at_stop(4), LIMIT).unwrap();
    assert_eq!(shown()[2], json!(caption(4)));
    // The last stop disables Next; the language toggle translates the caption.
    open_stop(&browser, &server, "doi-a1", total);
    let disabled = browser
        .eval(
            "return document.getElementById('stop-next').disabled;",
            json!([]),
        )
        .unwrap();
    assert_eq!(disabled, true);
    // The last stop suggests the nearest other sites.
    browser
        .wait_for(
            "return document.querySelectorAll('#next-sites a[data-slug]').length === 3;",
            LIMIT,
        )
        .unwrap();
    let next = browser
        .eval(
            "return [...document.querySelectorAll('#next-sites a[data-slug]')].map(a => a.dataset.slug);",
            json!([]),
        )
        .unwrap();
    let p = detail.site.position;
    let nearby: disan_types::NearbyResponse = server.get_json(&format!(
        "/api/nearby?lat={}&lon={}&radius_km=500",
        p.lat, p.lon
    ));
    let want: Vec<&str> = nearby
        .sites
        .iter()
        .map(|s| s.site.slug.as_str())
        .filter(|s| *s != "doi-a1")
        .take(3)
        .collect();
    assert_eq!(next, json!(want));
    let before = shown()[2].clone();
    browser.click("#lang-toggle").unwrap();
    browser
        .wait_for(
            &format!(
                "return document.getElementById('caption').textContent !== {};",
                before
            ),
            LIMIT,
        )
        .unwrap();
    assert_eq!(shown()[2], json!(caption(total)));
    assert_no_page_errors(&browser);
}

#[test]
fn camera_glides_to_the_stop_in_the_url() {
    let (_one, server, browser) = session();
    let detail = site_detail(&server, "ho-pa-khoang");
    // Reached when the viewer reports the stop and its camera is at the stop's pose.
    let wait_at_stop = |n: usize| {
        browser
            .wait_for(
                &format!("return document.body.dataset.view === 'stop={n}';"),
                LIMIT,
            )
            .unwrap();
        let pose = detail.tour[n - 1].pose;
        let [yaw, pitch, distance] = camera(&browser);
        let turn = (yaw - f64::from(pose.yaw)).rem_euclid(std::f64::consts::TAU);
        assert!(
            turn.min(std::f64::consts::TAU - turn) < 0.01,
            "yaw {yaw} vs {pose:?}"
        );
        assert!(
            (pitch - f64::from(pose.pitch)).abs() < 0.01,
            "pitch {pitch} vs {pose:?}"
        );
        assert!(
            (distance - f64::from(pose.distance)).abs() < 0.5,
            "distance {distance} vs {pose:?}"
        );
    };
    // A deep link to stop 2.
    browser
        .goto(&server.url("/tour/ho-pa-khoang#stop=2"))
        .unwrap();
    wait_shown(&browser, "ho-pa-khoang", 1);
    wait_at_stop(2);
    let at_two = shot_of(&browser, "ho-pa-khoang", 2, "stop-2");
    // Next: the URL, the caption and the picture change, the camera gliding over several
    // frames (bevy advances at most 0.25 s a frame, the glide takes 1.5 s).
    watch_views(&browser);
    browser.click("#stop-next").unwrap();
    wait_at_stop(3);
    let glide_frames = frames_moving_to(&browser, "stop=3");
    assert!(glide_frames >= 5, "glided in {glide_frames} frames");
    let at_three = shot_of(&browser, "ho-pa-khoang", 2, "stop-3");
    let hash = browser.eval("return location.hash;", json!([])).unwrap();
    assert_eq!(hash, "#stop=3");
    assert!(
        at_two.mean_difference(&at_three) > 3.0,
        "the picture did not change between stops 2 and 3"
    );
    // A user who asks the system for less motion gets the next stop at once.
    browser
        .cdp(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]}),
        )
        .unwrap();
    watch_views(&browser);
    browser.click("#stop-next").unwrap();
    wait_at_stop(4);
    let jump_frames = frames_moving_to(&browser, "stop=4");
    assert!(
        jump_frames <= 1,
        "reduced motion, yet moved for {jump_frames} frames"
    );
    assert_no_page_errors(&browser);
}

/// From now on, logs each view the viewer reports (`data-view`; empty while the camera moves)
/// with the frame count at the end of the frame that reported it.
fn watch_views(browser: &Browser) {
    browser
        .eval(
            "const log = window.viewLog = []; \
             new MutationObserver((records) => { \
               const frame = Number(document.body.dataset.frames); \
               records.forEach((r, i) => log.push([ \
                 i + 1 < records.length ? records[i + 1].oldValue : document.body.dataset.view, \
                 frame])); \
             }).observe(document.body, { attributeFilter: ['data-view'], attributeOldValue: true });",
            json!([]),
        )
        .unwrap();
}

/// Frames between the camera starting to move (logged by [`watch_views`]) and arriving at
/// `view`.
fn frames_moving_to(browser: &Browser, view: &str) -> i64 {
    let n = browser
        .eval(
            "const log = window.viewLog; \
             const start = log.find((e) => e[0] === ''); \
             const end = log.find((e) => e[0] === arguments[0]); \
             return start && end ? end[1] - start[1] : null;",
            json!([view]),
        )
        .unwrap();
    n.as_i64()
        .unwrap_or_else(|| panic!("no move to {view} logged: {n}"))
}

#[test]
fn autoplay_walks_the_stops_until_paused_or_at_the_end() {
    let (_one, server, browser) = session();
    let pressed = |b: &Browser| {
        b.eval(
            "return document.getElementById('stop-play').getAttribute('aria-pressed');",
            json!([]),
        )
        .unwrap()
    };
    open_stop(&browser, &server, "doi-a1", 1);
    browser.click("#stop-play").unwrap();
    assert_eq!(pressed(&browser), "true");
    browser.wait_for(&at_stop(2), LIMIT).unwrap();
    // Paused: no step for longer than an autoplay period (6 s).
    browser.click("#stop-play").unwrap();
    assert_eq!(pressed(&browser), "false");
    let paused_at = browser.eval("return location.hash;", json!([])).unwrap();
    std::thread::sleep(Duration::from_secs(8));
    let later = browser.eval("return location.hash;", json!([])).unwrap();
    assert_eq!(paused_at, later, "autoplay went on after pause");
    // From the stop before the last, it steps once more and ends itself.
    let total = site_detail(&server, "doi-a1").tour.len();
    open_stop(&browser, &server, "doi-a1", total - 1);
    browser.click("#stop-play").unwrap();
    browser.wait_for(&at_stop(total), LIMIT).unwrap();
    browser
        .wait_for(
            "return document.getElementById('stop-play').getAttribute('aria-pressed') === 'false';",
            LIMIT,
        )
        .unwrap();
    // Played again at the last stop, the tour starts over.
    browser.click("#stop-play").unwrap();
    browser.wait_for(&at_stop(1), LIMIT).unwrap();
    assert_eq!(pressed(&browser), "true");
    browser.click("#stop-play").unwrap();
    assert_eq!(pressed(&browser), "false");
    assert_no_page_errors(&browser);
}

#[test]
fn language_follows_the_browser_until_the_user_chooses() {
    let (_one, server, browser) = session();
    let page_lang = |b: &Browser| {
        b.eval("return document.documentElement.lang;", json!([]))
            .unwrap()
    };
    let agent = browser
        .eval("return navigator.userAgent;", json!([]))
        .unwrap();
    for (languages, want) in [("vi-VN,vi;q=0.9,en;q=0.5", "vi"), ("en-GB,en;q=0.9", "en")] {
        browser
            .cdp(
                "Network.setUserAgentOverride",
                json!({"userAgent": agent, "acceptLanguage": languages}),
            )
            .unwrap();
        open_home(&browser, &server);
        assert_eq!(page_lang(&browser), want, "browser languages {languages}");
    }
    // The user's choice is remembered, over the browser's languages.
    browser.click("#lang-toggle").unwrap();
    assert_eq!(page_lang(&browser), "vi");
    open_stop(&browser, &server, "doi-a1", 1);
    assert_eq!(page_lang(&browser), "vi");
    let caption = text_of(&browser, "caption");
    let want = site_detail(&server, "doi-a1").tour[0]
        .caption
        .get(disan_types::Lang::Vi)
        .to_owned();
    assert_eq!(caption, want);
    assert_no_page_errors(&browser);
}

#[test]
fn hotspots_open_from_buttons_and_deep_links_and_lead_to_other_sites() {
    let (_one, server, browser) = session();
    let detail = site_detail(&server, "doi-a1");
    let lang = || {
        let l = browser
            .eval("return document.documentElement.lang;", json!([]))
            .unwrap();
        disan_types::Lang::from_code(l.as_str().unwrap()).unwrap()
    };
    let panel = || -> Value {
        browser
            .eval(
                "const p = document.getElementById('hotspot-panel'); \
                 return [p.hidden, p.dataset.hotspot, document.getElementById('hotspot-title').textContent, \
                 document.getElementById('hotspot-text').textContent];",
                json!([]),
            )
            .unwrap()
    };
    // A deep link opens the hotspot's panel with its text.
    let crater = detail.hotspots.iter().find(|h| h.id == "crater").unwrap();
    browser
        .goto(&server.url("/tour/doi-a1#hotspot=crater"))
        .unwrap();
    browser
        .wait_for(
            "return document.getElementById('hotspot-panel').dataset.hotspot === 'crater';",
            LIMIT,
        )
        .unwrap();
    let l = lang();
    assert_eq!(
        panel(),
        json!([false, "crater", crater.title.get(l), crater.text.get(l)])
    );
    // Escape closes it; its button in the tour panel opens it again.
    browser.type_into("body", "\u{E00C}").unwrap();
    browser
        .wait_for(
            "return document.getElementById('hotspot-panel').hidden && location.hash === '';",
            LIMIT,
        )
        .unwrap();
    let linked = detail
        .hotspots
        .iter()
        .find(|h| h.link.is_some())
        .expect("a hotspot of Đồi A1 links to another site");
    browser.click("#hotspots-summary").unwrap();
    browser
        .click(&format!("#hotspots button[data-hotspot='{}']", linked.id))
        .unwrap();
    browser
        .wait_for(
            &format!(
                "return document.getElementById('hotspot-panel').dataset.hotspot === '{}' && location.hash === '#hotspot={}';",
                linked.id, linked.id
            ),
            LIMIT,
        )
        .unwrap();
    assert_eq!(panel()[3], json!(linked.text.get(l)));
    std::fs::write(
        screenshot_dir().join("hotspot.png"),
        browser.screenshot().unwrap(),
    )
    .unwrap();
    // Its link leads to the other site (at its stop, when it names one).
    let link = linked.link.as_ref().unwrap();
    browser.click("#hotspot-link").unwrap();
    let want = match link.stop {
        Some(n) => format!("/tour/{}#stop={n}", link.site),
        None => format!("/tour/{}", link.site),
    };
    browser
        .wait_for(
            &format!("return location.pathname + location.hash === '{want}';"),
            LIMIT,
        )
        .unwrap();
    assert_no_page_errors(&browser);
}

/// A point of the 3D view in page pixels: across its middle, `down` (0…1) of its height down.
fn canvas_point(browser: &Browser, down: f64) -> (i64, i64) {
    let p = browser
        .eval(
            "const r = document.getElementById('viewer-canvas').getBoundingClientRect(); \
             return [Math.round(r.x + r.width / 2), Math.round(r.y + r.height * arguments[0])];",
            json!([down]),
        )
        .unwrap();
    (p[0].as_i64().unwrap(), p[1].as_i64().unwrap())
}

/// Where the viewer reports a hotspot's marker, in page pixels.
fn marker_position(browser: &Browser, id: &str) -> Option<(i64, i64)> {
    let v = browser
        .eval(
            "const c = document.getElementById('viewer-canvas').getBoundingClientRect(); \
             return [c.x, c.y, c.width, c.height, document.body.dataset.markers || ''];",
            json!([]),
        )
        .unwrap();
    let n = |i: usize| v[i].as_f64().unwrap();
    v[4].as_str().unwrap().split(';').find_map(|m| {
        let mut parts = m.split_whitespace();
        (parts.next()? == id).then_some(())?;
        let x: f64 = parts.next()?.parse().ok()?;
        let y: f64 = parts.next()?.parse().ok()?;
        let inside = x > 20.0 && y > 20.0 && x < n(2) - 20.0 && y < n(3) - 20.0;
        let (px, py) = ((n(0) + x) as i64, (n(1) + y) as i64);
        // Not under a panel of the page.
        let free = browser
            .eval(
                "return document.elementFromPoint(arguments[0], arguments[1])?.id === 'viewer-canvas';",
                json!([px, py]),
            )
            .ok()?
            == json!(true);
        (inside && free).then_some((px, py))
    })
}

#[test]
fn hotspot_markers_open_on_click_and_the_camera_turns_to_them() {
    let (_one, server, browser) = session();
    // The camera turns to a hotspot given in the URL.
    browser
        .goto(&server.url("/tour/doi-a1#hotspot=tank"))
        .unwrap();
    wait_shown(&browser, "doi-a1", 1);
    browser
        .wait_for(
            "return document.body.dataset.view === 'hotspot=tank';",
            LIMIT,
        )
        .unwrap();
    // Close the panel, go back to the whole model, then click a marker that is on screen.
    browser.goto(&server.url("/tour/doi-a1#stop=1")).unwrap();
    wait_shown(&browser, "doi-a1", 1);
    browser
        .wait_for("return document.body.dataset.view === 'stop=1';", LIMIT)
        .unwrap();
    let detail = site_detail(&server, "doi-a1");
    let (id, (x, y)) = detail
        .hotspots
        .iter()
        .find_map(|h| marker_position(&browser, &h.id).map(|p| (h.id.clone(), p)))
        .expect("a hotspot marker is on screen at the first stop");
    // The marker is drawn there, unlit, in its own flat orange (`hotspots.rs`).
    let scale = browser.eval("return devicePixelRatio;", json!([])).unwrap();
    let scale = scale.as_f64().unwrap();
    let shot = Image::from_png(&browser.screenshot().unwrap()).unwrap();
    let (px, py) = ((x as f64 * scale) as u32, (y as f64 * scale) as u32);
    let around = shot.crop(px.saturating_sub(4), py.saturating_sub(4), 9, 9);
    let orange = [242, 140, 38];
    assert!(
        around
            .rgb
            .iter()
            .any(|p| p.iter().zip(orange).all(|(a, b)| a.abs_diff(b) <= 8)),
        "no marker colour {orange:?} around marker {id} at {px},{py}: {:?}",
        around.rgb
    );
    browser
        .actions(json!([{
            "type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
            "actions": [
                {"type": "pointerMove", "x": x, "y": y, "duration": 0},
                {"type": "pointerDown", "button": 0},
                {"type": "pause", "duration": 1200},
                {"type": "pointerUp", "button": 0},
            ],
        }]))
        .unwrap();
    browser
        .wait_for(
            &format!(
                "return location.hash === '#hotspot={id}' && document.getElementById('hotspot-panel').dataset.hotspot === '{id}';"
            ),
            LIMIT,
        )
        .unwrap();
    browser
        .wait_for(
            &format!("return document.body.dataset.view === 'hotspot={id}';"),
            LIMIT,
        )
        .unwrap();
    assert_no_page_errors(&browser);
}

#[test]
fn reset_returns_to_the_whole_model_and_share_copies_the_link() {
    let (_one, server, browser) = session();
    browser.goto(&server.url("/tour/pu-vap")).unwrap();
    wait_shown(&browser, "pu-vap", 1);
    let home = camera(&browser);
    // Go to a stop, then back to the whole view with the reset button.
    browser.click("#stop-next").unwrap();
    browser
        .wait_for("return document.body.dataset.view === 'stop=2';", LIMIT)
        .unwrap();
    assert_ne!(camera(&browser), home);
    browser.click("#reset-view").unwrap();
    browser
        .wait_for(
            "return document.body.dataset.view === 'home' && location.hash === '';",
            LIMIT,
        )
        .unwrap();
    let back = camera(&browser);
    for (a, b) in back.iter().zip(home) {
        assert!((a - b).abs() < 0.01, "{back:?} vs {home:?}");
    }
    // Share copies the page's address (there is no share sheet on Linux).
    browser.set_permission("clipboard-read", "granted").unwrap();
    browser
        .set_permission("clipboard-write", "granted")
        .unwrap();
    browser.click("#share").unwrap();
    browser
        .wait_for(
            "return document.getElementById('notice').textContent !== '';",
            LIMIT,
        )
        .unwrap();
    let copied = browser
        .eval("return navigator.clipboard.readText();", json!([]))
        .unwrap();
    assert_eq!(copied, json!(server.url("/tour/pu-vap")));
    assert_no_page_errors(&browser);
}

#[test]
fn a_failed_model_download_offers_a_retry_that_works() {
    let (_one, server, browser) = session();
    open_home(&browser, &server);
    // The network drops every model download.
    browser.cdp("Network.enable", json!({})).unwrap();
    browser
        .cdp(
            "Network.setBlockedURLs",
            json!({"urls": ["*/assets/models/*"]}),
        )
        .unwrap();
    browser
        .click("#site-list a[data-slug='thap-muong-luan']")
        .unwrap();
    browser
        .wait_for(
            "return document.body.dataset.viewer === 'failed' && !document.getElementById('retry').hidden;",
            LIMIT,
        )
        .unwrap();
    assert!(
        !text_of(&browser, "status").is_empty(),
        "the failure is explained"
    );
    // The network comes back; Retry loads the model.
    browser
        .cdp("Network.setBlockedURLs", json!({"urls": []}))
        .unwrap();
    // The blocked downloads were errors, as they should be: both logs start afresh.
    browser.eval("window.disanErrors = [];", json!([])).unwrap();
    browser.console().unwrap();
    browser.click("#retry").unwrap();
    browser
        .wait_for("return document.body.dataset.viewer !== 'failed';", LIMIT)
        .unwrap();
    shot_of(&browser, "thap-muong-luan", 2, "after-retry");
    let hidden = browser
        .eval("return document.getElementById('retry').hidden;", json!([]))
        .unwrap();
    assert_eq!(hidden, true);
    assert_no_page_errors(&browser);
}

#[test]
fn keyboard_and_two_fingers_move_the_camera_and_pan_stays_near_the_model() {
    let (_one, server, browser) = session();
    browser.goto(&server.url("/tour/ban-men")).unwrap();
    wait_shown(&browser, "ban-men", 1);
    // Arrow keys on the focused 3D view turn the camera (and do not change the tour stop).
    browser
        .eval(
            "document.getElementById('viewer-canvas').focus();",
            json!([]),
        )
        .unwrap();
    let c0 = camera(&browser);
    browser
        .actions(json!([{"type": "key", "id": "keys", "actions": [
            {"type": "keyDown", "value": "\u{E012}"},
            {"type": "pause", "duration": 1500},
            {"type": "keyUp", "value": "\u{E012}"},
        ]}]))
        .unwrap();
    let c1 = wait_camera_moved(&browser, c0);
    assert!(
        (c1[0] - c0[0]).abs() > 0.05,
        "ArrowLeft did not turn: {c0:?} → {c1:?}"
    );
    let hash = browser.eval("return location.hash;", json!([])).unwrap();
    assert_eq!(hash, "", "the arrow went to the 3D view, not to the tour");

    // Two fingers moving together pan: the target moves, the distance barely changes.
    let (cx, cy) = canvas_point(&browser, 1.0 / 3.0);
    let t0 = camera_target(&browser);
    let finger = |id: &str, x: i64| {
        json!({"type": "pointer", "id": id, "parameters": {"pointerType": "touch"}, "actions": [
            {"type": "pointerMove", "duration": 0, "x": x, "y": cy, "origin": "viewport"},
            {"type": "pointerDown", "button": 0},
            {"type": "pointerMove", "duration": 600, "x": x + 60, "y": cy + 40, "origin": "viewport"},
            {"type": "pointerMove", "duration": 600, "x": x + 120, "y": cy + 80, "origin": "viewport"},
            {"type": "pause", "duration": 300},
            {"type": "pointerUp", "button": 0},
        ]})
    };
    browser
        .actions(json!([finger("f1", cx - 100), finger("f2", cx - 20)]))
        .unwrap();
    browser
        .wait_for(
            &format!(
                "return (document.body.dataset.camera || '').split(' ').slice(3).join(' ') !== '{:.2} {:.2} {:.2}';",
                t0[0], t0[1], t0[2]
            ),
            LIMIT,
        )
        .unwrap();
    let t1 = camera_target(&browser);
    let moved =
        ((t1[0] - t0[0]).powi(2) + (t1[1] - t0[1]).powi(2) + (t1[2] - t0[2]).powi(2)).sqrt();
    assert!(moved > 0.5, "two fingers did not pan: {t0:?} → {t1:?}");
    assert_no_page_errors(&browser);
}

#[test]
fn every_control_of_a_tour_is_reachable_by_keyboard() {
    let (_one, server, browser) = session();
    open_stop(&browser, &server, "doi-a1", 2);
    wait_shown(&browser, "doi-a1", 1);
    // Every control on screen, numbered, with the points of interest unfolded (a native
    // <summary>, opened with Enter or Space).
    let controls = browser
        .eval(
            "document.getElementById('hotspots-box').open = true; \
             const all = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')] \
               .filter(e => !e.disabled && e.getClientRects().length > 0); \
             all.forEach((e, i) => { e.dataset.kbd = i; }); \
             return all.map(e => e.id || e.getAttribute('href') || e.textContent.trim());",
            json!([]),
        )
        .unwrap();
    let controls: Vec<String> = serde_json::from_value(controls).unwrap();
    assert!(controls.len() > 20, "{controls:?}");
    browser
        .eval("document.activeElement?.blur();", json!([]))
        .unwrap();
    let tab = json!([{
        "type": "key", "id": "keyboard",
        "actions": [{"type": "keyDown", "value": "\u{E004}"}, {"type": "keyUp", "value": "\u{E004}"}],
    }]);
    let mut reached = std::collections::HashSet::new();
    for _ in 0..controls.len() + 5 {
        browser.actions(tab.clone()).unwrap();
        let focused = browser
            .eval(
                "return document.activeElement?.dataset?.kbd ?? null;",
                json!([]),
            )
            .unwrap();
        if let Some(k) = focused.as_str() {
            reached.insert(k.parse::<usize>().unwrap());
        }
    }
    let missed: Vec<&String> = controls
        .iter()
        .enumerate()
        .filter(|(i, _)| !reached.contains(i))
        .map(|(_, c)| c)
        .collect();
    assert!(missed.is_empty(), "not reachable with Tab: {missed:?}");
    assert_no_page_errors(&browser);
}

/// Runs axe-core (npm, pinned in `tests/axe/`) on the page as it is now and returns its
/// violations, one line each (rule, impact, the first elements it names).
fn axe_violations(browser: &Browser) -> Vec<String> {
    let path = repo_root().join("tests/axe/node_modules/axe-core/axe.min.js");
    let axe = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run `cargo xtask test`, which installs it)",
            path.display()
        )
    });
    // The source is the script itself: WebDriver scripts are not the page's, so the page's
    // Content-Security-Policy (no eval) does not stop them.
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];\n\
         axe.run(document, {{resultTypes: ['violations']}}).then((r) => done(r.violations.map((v) => \
           `${{v.id}} (${{v.impact}}): ${{v.help}} — ${{v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}}`)), \
           (e) => done(['axe failed: ' + e]));"
    );
    let v = browser.eval_async(&script, json!([])).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn pages_pass_axe_core_without_violations() {
    let (_one, server, browser) = session();
    // The home page with its map and list, in both languages.
    open_home(&browser, &server);
    assert_eq!(axe_violations(&browser), Vec::<String>::new(), "home page");
    browser.click("#lang-toggle").unwrap();
    assert_eq!(
        axe_violations(&browser),
        Vec::<String>::new(),
        "home page, English"
    );
    // A tour page with the tour panel open at a stop and a hotspot's panel.
    browser
        .goto(&server.url("/tour/doi-a1#hotspot=tank"))
        .unwrap();
    browser
        .wait_for(
            "return !document.getElementById('hotspot-panel').hidden && !document.getElementById('tour-panel').hidden;",
            LIMIT,
        )
        .unwrap();
    assert_eq!(axe_violations(&browser), Vec::<String>::new(), "tour page");
    // The 2D tour, server-rendered.
    open_2d(&browser, &server);
    assert_eq!(axe_violations(&browser), Vec::<String>::new(), "2D tour");
    assert_no_browser_errors(&browser);
}

/// The 2D tour of Đồi A1, loaded.
fn open_2d(browser: &Browser, server: &TestServer) {
    browser.goto(&server.url("/tour/doi-a1/2d")).unwrap();
    browser
        .wait_for("return document.readyState === 'complete';", LIMIT)
        .unwrap();
}

#[test]
fn the_csp_probe_sees_a_blocked_inline_script_and_the_console_a_404() {
    let (_one, server, browser) = session();
    open_2d(&browser, &server);
    // What an injected inline script would be: the policy blocks it, the probe records it.
    browser
        .eval(
            "const s = document.createElement('script'); s.textContent = 'window.ran = 1'; \
             document.body.append(s); return null;",
            json!([]),
        )
        .unwrap();
    browser
        .wait_for("return window.cspViolations.length > 0;", LIMIT)
        .unwrap();
    let ran = browser.eval("return window.ran || 0;", json!([])).unwrap();
    assert_eq!(ran, json!(0), "an inline script ran");
    // A missing file is an error in the browser's console, which the checks read.
    browser
        .eval(
            "const i = document.createElement('img'); i.src = '/assets/nothing-here.png'; \
             document.body.append(i); return null;",
            json!([]),
        )
        .unwrap();
    let mut seen = Vec::new();
    for _ in 0..50 {
        seen.extend(browser.console().unwrap());
        if seen.iter().any(|e| {
            e["level"] == "SEVERE" && e["message"].as_str().unwrap_or_default().contains("404")
        }) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("no 404 in the console: {seen:#?}");
}

/// The page's path and query.
fn page_url(browser: &Browser) -> String {
    browser
        .eval("return location.pathname + location.search;", json!([]))
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn staff_publish_a_relic_and_visitors_find_it_and_see_it_in_3d() {
    let (_one, server, browser) = session();
    let password = "mật khẩu của Lan 2026";
    server.add_user("lan", disan_types::admin::Role::Editor, password);

    // Log in (in Vietnamese): the staff pages send there first.
    browser.goto(&server.url("/admin?lang=vi")).unwrap();
    browser
        .wait_for("return location.pathname === '/admin/login';", LIMIT)
        .unwrap();
    assert!(page_url(&browser).ends_with("?lang=vi"));
    assert_eq!(axe_violations(&browser), Vec::<String>::new(), "login page");
    browser.type_into("#name", "lan").unwrap();
    browser.type_into("#password", password).unwrap();
    browser.click("form.card button[type=submit]").unwrap();
    browser
        .wait_for(
            "return location.pathname === '/admin' && !!document.querySelector('.empty');",
            LIMIT,
        )
        .unwrap();
    assert!(text_of(&browser, "main").contains("Chưa có hiện vật nào"));

    // A new relic: metadata, a scan as delivered (a zip of glTF, bin and JPEG textures).
    browser.click("a.button").unwrap();
    browser
        .wait_for("return location.pathname === '/admin/relics/new';", LIMIT)
        .unwrap();
    assert_eq!(
        axe_violations(&browser),
        Vec::<String>::new(),
        "new relic form"
    );
    for (field, text) in [
        ("#title-vi", "Khẩu pháo 105 ly"),
        ("#title-en", "The 105 mm howitzer"),
        (
            "#description-vi",
            "Khẩu pháo của quân đội Pháp, thu được năm 1954.",
        ),
        (
            "#description-en",
            "A French army howitzer, captured in 1954.",
        ),
        ("#type-vi", "Vũ khí"),
        ("#type-en", "Weapon"),
        ("#dimensions", "5,9 × 2,2 × 1,8 m"),
    ] {
        browser.type_into(field, text).unwrap();
    }
    browser
        .eval(
            "document.getElementById('site').value = 'bao-tang-chien-thang-dien-bien-phu';",
            json!([]),
        )
        .unwrap();
    let scan = disan_assetgen::scan::ScanSpec {
        cells: 80,
        tiles: 2,
        texture_px: 1024,
        ..Default::default()
    }
    .generate()
    .to_zip("howitzer/");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("howitzer.zip");
    std::fs::write(&file, &scan).unwrap();
    browser.type_into("#file", file.to_str().unwrap()).unwrap();
    // What the progress line says, kept across the page change that follows.
    browser
        .eval(
            "const seen = []; new MutationObserver(() => { \
               seen.push(document.getElementById('progress-text').textContent); \
               sessionStorage.setItem('progress', JSON.stringify(seen)); \
             }).observe(document.getElementById('progress-box'), \
               {subtree: true, childList: true, characterData: true, attributes: true});",
            json!([]),
        )
        .unwrap();
    browser.click("#relic-form button[type=submit]").unwrap();
    browser
        .wait_for(
            "return /^\\/admin\\/relics\\/[0-9]+$/.test(location.pathname);",
            LIMIT,
        )
        .unwrap();
    let id: i64 = page_url(&browser)
        .trim_start_matches("/admin/relics/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let seen = browser
        .eval(
            "return JSON.parse(sessionStorage.getItem('progress') || '[]');",
            json!([]),
        )
        .unwrap();
    let seen: Vec<String> = serde_json::from_value(seen).unwrap();
    assert!(
        seen.iter()
            .any(|s| s.starts_with("Đang tải lên") && s.contains('%')),
        "upload progress shown: {seen:?}"
    );
    assert!(seen.iter().any(|s| s.contains("kiểm tra")), "{seen:?}");

    // The models for the viewer are prepared in the background: while they are, the page
    // shows how far it is and has no publish button; it reloads itself when they are ready.
    let preparing = browser
        .eval(
            "const p = document.getElementById('preparing'); \
             return p ? [p.textContent, !!document.querySelector('.actions form button')] : null;",
            json!([]),
        )
        .unwrap();
    if let Some([text, publish]) = preparing.as_array().map(|a| [a[0].clone(), a[1].clone()]) {
        assert!(text.as_str().unwrap().contains("Đang"), "{text}");
        assert_eq!(publish, json!(false), "no publish button while preparing");
    }
    eprintln!("relic page on arrival: preparing = {preparing}");
    browser
        .wait_for(
            "return !document.getElementById('preparing') && \
             !!document.querySelector('.actions form button') && !!document.querySelector('img.poster');",
            LIMIT,
        )
        .unwrap();

    // The quality report, before publishing.
    let report = text_of(&browser, "report");
    assert!(report.contains(&(80 * 80 * 2 * 4).to_string()), "{report}");
    assert!(
        report.contains("3G ≈") && report.contains("4G ≈"),
        "{report}"
    );
    assert!(report.contains("1024 × 1024 jpeg"), "{report}");
    assert_eq!(axe_violations(&browser), Vec::<String>::new(), "relic page");

    // A photo, with its caption, through the same resumable upload.
    browser
        .click(&format!("a[href^='/admin/relics/{id}/photo']"))
        .unwrap();
    browser
        .wait_for(
            &format!("return location.pathname === '/admin/relics/{id}/photo';"),
            LIMIT,
        )
        .unwrap();
    let photo = dir.path().join("howitzer.jpg");
    std::fs::write(
        &photo,
        &disan_assetgen::scan::ScanSpec {
            cells: 2,
            tiles: 1,
            texture_px: 600,
            ..Default::default()
        }
        .generate()
        .textures[0],
    )
    .unwrap();
    browser.type_into("#file", photo.to_str().unwrap()).unwrap();
    browser
        .type_into("#caption-vi", "Khẩu pháo nhìn từ phía trước")
        .unwrap();
    browser
        .type_into("#caption-en", "The howitzer from the front")
        .unwrap();
    browser.click("#relic-form button[type=submit]").unwrap();
    browser
        .wait_for(
            &format!(
                "return location.pathname === '/admin/relics/{id}' && \
                 !!document.querySelector('#photos img[alt=\"Khẩu pháo nhìn từ phía trước\"]');"
            ),
            LIMIT,
        )
        .unwrap();
    assert_eq!(
        axe_violations(&browser),
        Vec::<String>::new(),
        "relic page with a photo"
    );

    // Edit the texts: the form comes filled in; the change is a new metadata version.
    browser
        .click(&format!("a[href^='/admin/relics/{id}/edit']"))
        .unwrap();
    browser
        .wait_for(
            &format!("return location.pathname === '/admin/relics/{id}/edit';"),
            LIMIT,
        )
        .unwrap();
    let filled = browser
        .eval("return [document.getElementById('title-vi').value, document.getElementById('site').value];", json!([]))
        .unwrap();
    assert_eq!(
        filled,
        json!(["Khẩu pháo 105 ly", "bao-tang-chien-thang-dien-bien-phu"])
    );
    browser.type_into("#period-vi", "1953–1954").unwrap();
    browser.click("#relic-form button[type=submit]").unwrap();
    browser
        .wait_for(
            &format!("return location.pathname === '/admin/relics/{id}';"),
            LIMIT,
        )
        .unwrap();
    let meta: Value = {
        let token = server.add_token("lan", "check");
        let agent = server.client();
        let mut resp = agent
            .get(&server.url(&format!("/api/admin/relics/{id}")))
            .header("authorization", &format!("Bearer {token}"))
            .call()
            .unwrap();
        resp.body_mut().read_json().unwrap()
    };
    assert_eq!(meta["meta_version"], 2);
    assert_eq!(meta["meta"]["period"]["vi"], "1953–1954");
    assert_eq!(meta["meta"]["title"]["en"], "The 105 mm howitzer");

    browser.click(".actions form button").unwrap();
    browser
        .wait_for(
            "return !!document.querySelector('.state.published');",
            LIMIT,
        )
        .unwrap();
    assert_no_browser_errors(&browser);

    // A visitor finds it by typing without diacritics, and opens it.
    open_home(&browser, &server);
    browser.type_into("#search", "khau phao 105").unwrap();
    browser
        .wait_for(
            "return [...document.querySelectorAll('#search-results .k')].some(k => /Hiện vật|Relic/.test(k.textContent));",
            LIMIT,
        )
        .unwrap();
    let results = search_results(&browser);
    let at = results
        .iter()
        .position(|r| {
            let kind = r[1].as_str().unwrap_or_default();
            kind.contains("Hiện vật") || kind.contains("Relic")
        })
        .unwrap();
    browser
        .type_into("#search", &format!("{}\u{E007}", "\u{E015}".repeat(at + 1)))
        .unwrap();
    browser
        .wait_for(
            &format!("return location.pathname === '/relic/{id}';"),
            LIMIT,
        )
        .unwrap();
    shot_of(&browser, &format!("relic-{id}"), 3, "relic");
    let title = text_of(&browser, "relic-title");
    assert!(
        title == "Khẩu pháo 105 ly" || title == "The 105 mm howitzer",
        "{title}"
    );
    assert!(text_of(&browser, "relic-facts").contains("5,9 × 2,2 × 1,8 m"));
    assert_eq!(
        axe_violations(&browser),
        Vec::<String>::new(),
        "public relic page"
    );
    assert_no_page_errors(&browser);
}

#[test]
fn landing_page_reads_and_links_with_javascript_disabled() {
    let (_one, server, browser) = session();
    browser
        .cdp(
            "Emulation.setScriptExecutionDisabled",
            json!({"value": true}),
        )
        .unwrap();
    browser.goto(&server.url("/s/doi-a1?lang=vi")).unwrap();
    assert_eq!(browser.text("h1").unwrap(), "Đồi A1");
    let site = site_detail(&server, "doi-a1");
    assert_eq!(browser.text("p.summary").unwrap(), site.site.summary.vi);
    assert!(browser.displayed("img.poster").unwrap());
    assert!(browser.displayed("#open-3d").unwrap());
    // Saving for offline use needs the script: without it the offer stays hidden.
    assert!(!browser.displayed("#offline").unwrap(), "no script ran");
    // The poster is drawn: the top of the page is not one flat colour.
    let shot = Image::from_png(&browser.screenshot().unwrap()).unwrap();
    assert!(
        shot.crop(0, 0, 720, 400).distinct_colors() > 50,
        "a picture"
    );
    // The language toggle, then the 2D tour, then a nearby site: plain links.
    browser.click(r#"header a[hreflang="en"]"#).unwrap();
    assert_eq!(browser.text("h1").unwrap(), "Hill A1 (Éliane 2)");
    browser.click(r#"a[href^="/tour/doi-a1/2d"]"#).unwrap();
    assert!(browser.url().unwrap().contains("/tour/doi-a1/2d?lang=en"));
    assert_eq!(browser.text("h1").unwrap(), "Hill A1 (Éliane 2)");
    browser
        .goto(&server.url("/s/doi-a1?stop=2&lang=vi"))
        .unwrap();
    assert!(
        browser
            .text(".stop")
            .unwrap()
            .contains(&site.tour[1].caption.vi)
    );
    browser.click(r#"ul.links a[href^="/s/"]"#).unwrap();
    let url = browser.url().unwrap();
    let slug = url.split("/s/").nth(1).unwrap().split('?').next().unwrap();
    assert_ne!(slug, "doi-a1");
    assert_eq!(
        browser.text("h1").unwrap(),
        site_detail(&server, slug).site.name.vi
    );
}

#[test]
fn a_saved_place_opens_offline_and_removing_it_frees_the_cache() {
    let (_one, server, browser) = session();
    browser.goto(&server.url("/s/doi-a1?lang=vi")).unwrap();
    browser
        .wait_for("return !document.getElementById('offline').hidden;", LIMIT)
        .unwrap();
    let violations = axe_violations(&browser);
    assert!(
        violations.is_empty(),
        "axe on the landing page: {violations:#?}"
    );
    // The inline stylesheet applies (its hash is in the policy; a mismatch would be a CSP
    // violation, which `assert_no_browser_errors` below reports too).
    let header = browser
        .eval(
            "return getComputedStyle(document.querySelector('header')).backgroundColor;",
            json!([]),
        )
        .unwrap();
    assert_eq!(header, "rgb(122, 46, 29)");
    // The offer says what it takes.
    let offer = browser.text("#save-offline").unwrap();
    assert!(offer.contains(" MB"), "{offer}");
    browser.click("#save-offline").unwrap();
    browser
        .wait_for(
            "return ['saved', 'failed'].includes(document.body.dataset.offline);",
            LIMIT,
        )
        .unwrap();
    assert_eq!(
        browser
            .eval("return document.body.dataset.offline;", json!([]))
            .unwrap(),
        "saved",
        "{}",
        browser.text("#offline-status").unwrap()
    );
    assert_no_browser_errors(&browser);
    // No network: the browser offline and the server gone.
    browser.cdp("Network.enable", json!({})).unwrap();
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": true, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
        )
        .unwrap();
    let landing = server.url("/s/doi-a1?lang=vi");
    let base = server.url("");
    drop(server);
    assert!(ureq::get(&landing).call().is_err(), "the server is stopped");
    browser.goto(&landing).unwrap();
    assert_eq!(browser.text("h1").unwrap(), "Đồi A1");
    // Offline the light 3D tour is offered (the page finds the server gone).
    browser
        .wait_for(
            "return !document.getElementById('open-3d-light').hidden && \
             document.getElementById('open-3d').hidden;",
            Duration::from_secs(20),
        )
        .unwrap();
    assert!(browser.displayed("#open-3d-light").unwrap());
    browser
        .goto(&format!("{base}/tour/doi-a1/2d?lang=vi"))
        .unwrap();
    assert!(browser.text("h1").unwrap().contains("Đồi A1"));
    browser
        .wait_for(
            "return document.images[0].complete && document.images[0].naturalWidth > 0;",
            Duration::from_secs(20),
        )
        .unwrap();
    browser.goto(&format!("{base}/tour/doi-a1?light")).unwrap();
    browser
        .wait_for(
            "const d = document.body.dataset; return d.viewer === 'failed' || \
             (d.viewer === 'ready' && d.site === 'doi-a1' && Number(d.frames) > 2);",
            LIMIT,
        )
        .unwrap();
    let level = browser
        .eval(
            "return document.body.dataset.viewer + ' ' + document.body.dataset.level;",
            json!([]),
        )
        .unwrap();
    assert_eq!(level, "ready light", "the light model, offline");
    assert_shows_a_model(&canvas_shot(&browser, "offline-doi-a1"), "offline doi-a1");
    // The saved list shows it; removing it empties the caches.
    browser.goto(&format!("{base}/saved")).unwrap();
    browser
        .wait_for(
            "return document.body.dataset.saved === '1';",
            Duration::from_secs(20),
        )
        .unwrap();
    assert!(browser.text("#saved-list").unwrap().contains("Đồi A1"));
    browser.click("#saved-list button").unwrap();
    browser
        .wait_for(
            "return document.body.dataset.saved === '0';",
            Duration::from_secs(20),
        )
        .unwrap();
    assert!(browser.displayed("#saved-empty").unwrap());
    let left = browser
        .eval_async(
            "const done = arguments[arguments.length - 1]; \
             caches.keys().then((k) => done(k.filter((n) => n.startsWith('disan-'))));",
            json!([]),
        )
        .unwrap();
    assert_eq!(left, json!([]), "no cache left");
}

/// The quarters' colours (sRGB): red top left, green top right, blue bottom left, yellow
/// bottom right.
const QUARTERS: [[u8; 3]; 4] = [[220, 40, 40], [40, 180, 60], [40, 70, 220], [230, 210, 40]];

/// A 2 m square facing +Z whose texture (64 × 64) has one of [`QUARTERS`] in each quarter,
/// unlit (`KHR_materials_unlit`, as photogrammetry is), its texture moved by `transform`
/// (`KHR_texture_transform`) when given. The texture is a PNG, or with `webp` a WebP named
/// only through `EXT_texture_webp`. As a GLB.
fn quartered_square(transform: Option<Value>, webp: bool) -> Vec<u8> {
    let mut png = png_of(|x, y| QUARTERS[(y / 32) * 2 + x / 32]);
    if webp {
        let mut out = std::io::Cursor::new(Vec::new());
        image::load_from_memory(&png)
            .unwrap()
            .write_to(&mut out, image::ImageFormat::WebP)
            .unwrap();
        png = out.into_inner();
    }
    let mime = if webp { "image/webp" } else { "image/png" };
    let mut base = json!({"index": 0});
    if let Some(t) = transform {
        base["extensions"] = json!({ "KHR_texture_transform": t });
    }
    // Pointing down, away from any light: lit, the square would be dark; unlit, it is not.
    let material = json!({"pbrMetallicRoughness": {"baseColorTexture": base,
        "metallicFactor": 0.0}, "doubleSided": true,
        "extensions": {"KHR_materials_unlit": {}}});
    let mut glb = square_glb([0.0, -1.0, 0.0], material, &[(png, mime)]);
    if webp {
        // The texture names its image only through the extension, as some exporters write it.
        let (json, bin) = disan_pack::split(&glb).unwrap();
        let mut doc: Value = serde_json::from_slice(json).unwrap();
        doc["textures"] = json!([{"extensions": {"EXT_texture_webp": {"source": 0}}}]);
        disan_pack::push(&mut doc["extensionsUsed"], json!("EXT_texture_webp"));
        doc["extensionsRequired"] = json!(["EXT_texture_webp"]);
        glb = disan_pack::glb(&doc, bin.unwrap());
    }
    glb
}

/// A 2 m square facing +Z (its vertex normals `normal`), its texture coordinates with glTF's
/// origin at the image's top left, drawn with `material`; `images` (bytes and type), texture
/// `i` showing image `i`. The extensions the material names are listed as used. As a GLB.
fn square_glb(normal: [f32; 3], material: Value, images: &[(Vec<u8>, &str)]) -> Vec<u8> {
    let f = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let positions = f(&[-1., -1., 0., 1., -1., 0., 1., 1., 0., -1., 1., 0.]);
    let normals = f(&normal.repeat(4));
    let uvs = f(&[0., 1., 1., 1., 1., 0., 0., 0.]);
    let indices: Vec<u8> = [0u16, 1, 2, 0, 2, 3]
        .iter()
        .flat_map(|i| i.to_le_bytes())
        .collect();
    let mut bin = Vec::new();
    let mut views = Vec::new();
    let parts = [&positions, &normals, &uvs, &indices];
    for part in parts
        .into_iter()
        .chain(images.iter().map(|(bytes, _)| bytes))
    {
        views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": part.len()}));
        bin.extend_from_slice(part);
        while !bin.len().is_multiple_of(4) {
            bin.push(0);
        }
    }
    let used: Vec<&str> = ["KHR_materials_unlit", "KHR_texture_transform"]
        .into_iter()
        .filter(|e| material.to_string().contains(e))
        .collect();
    let mut doc = json!({
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{
            "attributes": {"POSITION": 0, "NORMAL": 1, "TEXCOORD_0": 2},
            "indices": 3, "material": 0}]}],
        "materials": [material],
        "textures": (0..images.len()).map(|i| json!({"source": i})).collect::<Vec<_>>(),
        "images": images.iter().enumerate()
            .map(|(i, (_, mime))| json!({"bufferView": 4 + i, "mimeType": mime}))
            .collect::<Vec<_>>(),
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 4, "type": "VEC3",
             "min": [-1.0, -1.0, 0.0], "max": [1.0, 1.0, 0.0]},
            {"bufferView": 1, "componentType": 5126, "count": 4, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5126, "count": 4, "type": "VEC2"},
            {"bufferView": 3, "componentType": 5123, "count": 6, "type": "SCALAR"}
        ],
        "bufferViews": views,
        "buffers": [{"byteLength": bin.len()}]
    });
    if !used.is_empty() {
        doc["extensionsUsed"] = json!(used);
    }
    disan_pack::glb(&doc, &bin)
}

/// Where a colour shows on `canvas`: its share of the pixels and their mean position (0–1).
fn where_colour(canvas: &Image, colour: [u8; 3]) -> (f64, f64, f64) {
    let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for (i, p) in canvas.rgb.iter().enumerate() {
        if p.iter().zip(colour).all(|(a, b)| a.abs_diff(b) <= 16) {
            n += 1.0;
            sx += (i as u32 % canvas.width) as f64 / canvas.width as f64;
            sy += (i as u32 / canvas.width) as f64 / canvas.height as f64;
        }
    }
    let share = n / canvas.rgb.len() as f64;
    (share, sx / n.max(1.0), sy / n.max(1.0))
}

/// Publishes `model` (a square) as a relic, opens it in the viewer and returns the canvas with
/// the relic's panel hidden.
fn square_canvas(
    server: &TestServer,
    browser: &Browser,
    lan: &disan_tests::Staff,
    model: &[u8],
    name: &str,
) -> Image {
    let meta = relic_meta(
        ["Bảng màu", "Colour chart"],
        ["Bốn màu, mỗi góc một màu.", "Four colours, one per corner."],
    );
    let id = lan.publish(model, meta);
    // The derivative's texture is a WebP now; the browser decodes it for the viewer.
    browser.goto(&server.url(&format!("/relic/{id}"))).unwrap();
    shot_of(
        browser,
        &format!("relic-{id}"),
        3,
        &format!("square-{name}-page"),
    );
    // The 3D view alone: the panel (with the poster, which has these colours too) hidden.
    browser
        .eval(
            "document.getElementById('relic-panel').hidden = true;",
            json!([]),
        )
        .unwrap();
    let canvas = canvas_shot(browser, &format!("square-{name}"));
    assert!(
        !browser.displayed("#relic-poster").unwrap(),
        "the poster is out of the picture"
    );
    canvas
}

/// Publishes a [`quartered_square`] as a relic, opens it in the viewer and returns where each
/// of [`QUARTERS`] shows on the canvas (the relic's panel hidden).
fn square_on_screen(
    server: &TestServer,
    browser: &Browser,
    lan: &disan_tests::Staff,
    model: &[u8],
    name: &str,
) -> Vec<([u8; 3], (f64, f64, f64))> {
    let canvas = square_canvas(server, browser, lan, model, name);
    assert_no_page_errors(browser);
    // Unlit, each quarter shows its texels' own colour (within lossy WebP's error): decoded and
    // kept in sRGB correctly, not darkened or washed out.
    QUARTERS
        .iter()
        .map(|&c| (c, where_colour(&canvas, c)))
        .collect()
}

#[test]
fn textures_show_their_colours_the_right_way_up() {
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let [red, green, blue, yellow] = QUARTERS;
    // As drawn; then with the texture turned 90° clockwise (the extension's own example without
    // its scale): on screen, top left shows blue, top right red, bottom left yellow, bottom
    // right green. Turned the wrong way, they would not.
    let show = |model: Vec<u8>, name| square_on_screen(&server, &browser, &lan, &model, name);
    let plain = show(quartered_square(None, false), "plain");
    // Uploaded with its texture as WebP (`EXT_texture_webp`), as some exporters write it.
    let webp = show(quartered_square(None, true), "webp");
    let turn = json!({"offset": [0.0, 1.0], "rotation": std::f64::consts::FRAC_PI_2});
    let turned = show(quartered_square(Some(turn), false), "turned");
    for (seen, [tl, tr, bl, br]) in [
        (&plain, [red, green, blue, yellow]),
        (&webp, [red, green, blue, yellow]),
        (&turned, [blue, red, yellow, green]),
    ] {
        let at = |c: [u8; 3]| seen.iter().find(|s| s.0 == c).unwrap().1;
        let [tl, tr, bl, br] = [tl, tr, bl, br].map(at);
        let all = format!("{seen:?}");
        // Each quarter shows (the camera frames the square close: a corner may leave the canvas).
        for q in [tl, tr, bl, br] {
            assert!(
                q.0 > 0.003,
                "a quarter at {:.2} % of the canvas; {all}",
                q.0 * 100.0
            );
        }
        // Right way up, and the columns kept: which side is left depends on where the camera
        // stands, the same for both squares.
        assert!(tl.2 < bl.2 && tr.2 < br.2, "upside down: {all}");
        assert_eq!(tl.1 < tr.1, bl.1 < br.1, "columns mixed: {all}");
        let plain_red = plain[0].1;
        let plain_green = plain[1].1;
        assert_eq!(tl.1 < tr.1, plain_red.1 < plain_green.1, "mirrored: {all}");
    }
    assert_no_page_errors(&browser);
}

/// A georeferenced scan (1,000 km from the origin, as exporters of projected coordinates
/// write it) of more than 65,535 vertices, under the full level's triangle budget: its
/// derivative keeps every vertex with 32-bit indices, quantised and meshopt-compressed, and the
/// viewer decodes and shows it whole, recentred.
#[test]
fn a_far_scan_of_more_than_65_535_vertices_shows_whole() {
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let spec = disan_assetgen::scan::ScanSpec {
        cells: 260,
        tiles: 1,
        texture_px: 256,
        size_m: 40.0,
        offset: [500_000.0, 120.0, -1_000_000.0],
        ..Default::default()
    };
    assert!(spec.triangles() < 150_000);
    let meta = relic_meta(
        ["Mảnh đồi quét 3D", "A scanned hillside"],
        ["Một bản quét dày.", "A dense scan."],
    );
    let id = lan.publish(&spec.generate().to_glb(), meta);
    let relic: Value = server.get_json(&format!("/api/relics/{id}"));
    let full = relic["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["level"] == "full")
        .unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, glb) = lan.bytes(&full);
    assert_eq!(status, 200);
    // The API tells the graphics memory it will take before it is downloaded.
    let gpu = relic["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["level"] == "full")
        .unwrap()["gpu_bytes"]
        .as_u64();
    assert_eq!(gpu, disan_pack::gpu_bytes(&glb));
    assert!(gpu > Some(68_121 * 36));
    let plain = disan_pack::readable_glb(&glb, 1 << 30).unwrap();
    let gltf = gltf::Gltf::from_slice(&plain).unwrap();
    let prim = gltf.meshes().next().unwrap().primitives().next().unwrap();
    let vertices = prim.get(&gltf::Semantic::Positions).unwrap().count();
    assert!(vertices > 65_535, "{vertices} vertices");
    assert_eq!(
        prim.indices().unwrap().data_type(),
        gltf::accessor::DataType::U32
    );
    assert!(glb.len() * 2 < plain.len(), "{} bytes shipped", glb.len());
    // Recentred: every vertex, placed by its node, within the scan's own 40 m of the origin,
    // where 32-bit floats hold millimetres (at 1,000 km they step by 6 cm).
    let position = prim.get(&gltf::Semantic::Positions).unwrap();
    let (min, max) = (position.min().unwrap(), position.max().unwrap());
    let node = gltf.nodes().find(|n| n.mesh().is_some()).unwrap();
    let (t, _, scale) = node.transform().decomposed();
    for axis in 0..3 {
        for bound in [&min, &max] {
            let local = bound[axis].as_f64().unwrap() as f32;
            let world = t[axis] + scale[axis] * local;
            assert!(
                world.abs() <= 40.0,
                "axis {axis}: {world} m from the origin"
            );
        }
    }

    browser.goto(&server.url(&format!("/relic/{id}"))).unwrap();
    wait_shown(&browser, &format!("relic-{id}"), 3);
    browser
        .eval(
            "document.getElementById('relic-panel').hidden = true;",
            json!([]),
        )
        .unwrap();
    wait_frames(&browser, 2);
    let shot = canvas_shot(&browser, "far-scan");
    assert_shows_a_model(&shot, "far-scan");
    // Nothing jitters: frames later, with the camera still, the same picture.
    wait_frames(&browser, 3);
    let again = canvas_shot(&browser, "far-scan-again");
    let moved = shot
        .rgb
        .iter()
        .zip(&again.rgb)
        .filter(|(a, b)| a.iter().zip(b.iter()).any(|(x, y)| x.abs_diff(*y) > 8))
        .count();
    assert!(
        moved * 1000 <= shot.rgb.len(),
        "{moved} of {} pixels changed between still frames",
        shot.rgb.len()
    );
    assert_no_page_errors(&browser);
}

/// The visitor's own choice of detail: the light model only (less data and graphics memory),
/// remembered across pages, and back to the full one; a pressed toggle button, named in the
/// page's language.
#[test]
fn the_light_model_only_is_the_visitors_choice() {
    let (_one, server, browser) = session();
    browser.goto(&server.url("/tour/doi-a1")).unwrap();
    wait_shown(&browser, "doi-a1", 1);
    let pressed = |b: &Browser| {
        b.eval(
            "return document.getElementById('detail').getAttribute('aria-pressed');",
            json!([]),
        )
        .unwrap()
    };
    assert_eq!(pressed(&browser), json!("false"));
    let label = browser
        .eval(
            "return document.getElementById('detail').textContent;",
            json!([]),
        )
        .unwrap();
    let lang = browser
        .eval("return document.documentElement.lang;", json!([]))
        .unwrap();
    let want = if lang == "en" {
        "Light model (saves data)"
    } else {
        "Bản nhẹ (tiết kiệm dữ liệu)"
    };
    assert_eq!(label, json!(want), "in {lang}");
    let light_shown = |b: &Browser, slug: &str| {
        b.wait_for(
            &format!(
                "const d = document.body.dataset; \
                 return d.viewer === 'ready' && d.site === '{slug}' && d.level === 'light';"
            ),
            LIMIT,
        )
        .unwrap();
    };
    browser.click("#detail").unwrap();
    // The page starts again with the light model only, and keeps to it.
    light_shown(&browser, "doi-a1");
    assert_eq!(pressed(&browser), json!("true"));
    wait_frames(&browser, 4);
    let level = browser
        .eval("return document.body.dataset.level;", json!([]))
        .unwrap();
    assert_eq!(level, json!("light"), "the full model stays unloaded");
    // Remembered on the next site; and switched back.
    browser.goto(&server.url("/tour/pu-vap")).unwrap();
    light_shown(&browser, "pu-vap");
    assert_eq!(pressed(&browser), json!("true"));
    browser.click("#detail").unwrap();
    wait_shown(&browser, "pu-vap", 1);
    assert_eq!(pressed(&browser), json!("false"));
    browser
        .eval(
            "localStorage.removeItem('disan-detail'); return true;",
            json!([]),
        )
        .unwrap();
    assert_no_page_errors(&browser);
}

/// The square of [`quartered_square`] with its colours in the vertices (`COLOR_0`, linear as
/// glTF says) and no texture: four quads of one colour each, as scans without textures come.
fn vertex_coloured_square() -> Vec<u8> {
    let linear = |c: u8| {
        let c = f32::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let (mut positions, mut normals, mut colours, mut indices) = (vec![], vec![], vec![], vec![]);
    for (q, colour) in QUARTERS.iter().enumerate() {
        // Quarters in reading order: top left, top right, bottom left, bottom right.
        let (x0, y0) = ((q % 2) as f32 - 1.0, if q < 2 { 0.0 } else { -1.0 });
        let base = (positions.len() / 3) as u16;
        for (dx, dy) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)] {
            positions.extend([x0 + dx, y0 + dy, 0.0]);
            normals.extend([0.0, -1.0, 0.0]);
            colours.extend(colour.map(linear));
        }
        indices.extend([base, base + 1, base + 2, base, base + 2, base + 3]);
    }
    let f = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    let indices: Vec<u8> = indices.iter().flat_map(|i| i.to_le_bytes()).collect();
    let mut bin = Vec::new();
    let mut views = Vec::new();
    for part in [f(&positions), f(&normals), f(&colours), indices] {
        views.push(json!({"buffer": 0, "byteOffset": bin.len(), "byteLength": part.len()}));
        bin.extend_from_slice(&part);
    }
    let doc = json!({
        "asset": {"version": "2.0"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [{"primitives": [{
            "attributes": {"POSITION": 0, "NORMAL": 1, "COLOR_0": 2},
            "indices": 3, "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"metallicFactor": 0.0}, "doubleSided": true,
            "extensions": {"KHR_materials_unlit": {}}}],
        "extensionsUsed": ["KHR_materials_unlit"],
        "accessors": [
            {"bufferView": 0, "componentType": 5126, "count": 16, "type": "VEC3",
             "min": [-1.0, -1.0, 0.0], "max": [1.0, 1.0, 0.0]},
            {"bufferView": 1, "componentType": 5126, "count": 16, "type": "VEC3"},
            {"bufferView": 2, "componentType": 5126, "count": 16, "type": "VEC3"},
            {"bufferView": 3, "componentType": 5123, "count": 24, "type": "SCALAR"}
        ],
        "bufferViews": views,
        "buffers": [{"byteLength": bin.len()}]
    });
    disan_pack::glb(&doc, &bin)
}

/// Vertex colours (stored as bytes in the derivative) show as captured, each where it belongs.
#[test]
fn vertex_colours_show_as_captured() {
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let seen = square_on_screen(
        &server,
        &browser,
        &lan,
        &vertex_coloured_square(),
        "colours",
    );
    let all = format!("{seen:?}");
    let [tl, tr, bl, br] = [0, 1, 2, 3].map(|q| seen[q].1);
    for q in [tl, tr, bl, br] {
        assert!(
            q.0 > 0.003,
            "a quarter at {:.2} % of the canvas; {all}",
            q.0 * 100.0
        );
    }
    assert!(tl.2 < bl.2 && tr.2 < br.2, "upside down: {all}");
    assert_eq!(tl.1 < tr.1, bl.1 < br.1, "columns mixed: {all}");
    assert_no_page_errors(&browser);
}

/// The colours (sRGB) of the three upright bands of [`pbr_square`]'s base colour: red, yellow,
/// green from left to right.
const BANDS: [[u8; 3]; 3] = [[200, 30, 30], [200, 180, 30], [30, 180, 40]];

/// A 64 × 64 RGB PNG whose texel at (x, y) is `texel(x, y)`.
fn png_of(texel: impl Fn(usize, usize) -> [u8; 3]) -> Vec<u8> {
    let texels: Vec<u8> = (0..64 * 64).flat_map(|i| texel(i % 64, i / 64)).collect();
    png_bytes(&texels, png::ColorType::Rgb)
}

/// 64 × 64 `texels` of `color` as a PNG.
fn png_bytes(texels: &[u8], color: png::ColorType) -> Vec<u8> {
    png_sized(texels, 64, color)
}

/// `side` × `side` `texels` of `color` as a PNG.
fn png_sized(texels: &[u8], side: u32, color: png::ColorType) -> Vec<u8> {
    let mut png = Vec::new();
    {
        let mut e = png::Encoder::new(&mut png, side, side);
        e.set_color(color);
        e.set_compression(png::Compression::Fast);
        e.write_header().unwrap().write_image_data(texels).unwrap();
    }
    png
}

/// A 2 m square facing +Z, lit (a PBR object, not a scan), its base colour texture in
/// [`BANDS`]. With `maps`, a normal map turns the left band's normals 60° towards +X (the
/// sun's side), keeps the middle band's and turns the right band's 60° towards −X; an
/// occlusion map darkens the lower half to a quarter of the ambient light (texel 64: as data,
/// 0.25; read as a colour it would be 0.05).
fn pbr_square(maps: bool) -> Vec<u8> {
    let band = |x: usize| x * 3 / 64;
    let colour = png_of(|x, _| BANDS[band(x)]);
    let normal = png_of(|x, _| [[238, 128, 191], [128, 128, 255], [17, 128, 191]][band(x)]);
    let occlusion = png_of(|_, y| if y < 32 { [255; 3] } else { [64; 3] });
    let mut material = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0},
        "metallicFactor": 0.0, "roughnessFactor": 1.0}});
    if maps {
        material["normalTexture"] = json!({"index": 1, "scale": 1.0});
        material["occlusionTexture"] = json!({"index": 2, "strength": 1.0});
    }
    let png = "image/png";
    square_glb(
        [0.0, 0.0, 1.0],
        material,
        &[(colour, png), (normal, png), (occlusion, png)],
    )
}

/// Which of [`BANDS`] a lit pixel shows, by its hue; `None` for the sky and the edges.
fn band_of(p: [u8; 3]) -> Option<usize> {
    let [r, g, b] = p.map(i32::from);
    if r > g + 60 && r > b + 60 {
        Some(0)
    } else if r > b + 60 && g > b + 60 && (r - g).abs() < 60 {
        Some(1)
    } else if g > r + 60 && g > b + 60 {
        Some(2)
    } else {
        None
    }
}

/// Publishes `model`, opens it in the viewer (its panel hidden), zooms out as far as the
/// camera goes (the whole model in the picture) and returns the canvas.
fn relic_canvas(
    server: &TestServer,
    browser: &Browser,
    lan: &disan_tests::Staff,
    model: &[u8],
    name: &str,
) -> Image {
    let meta = relic_meta(
        ["Tấm mẫu chiếu sáng", "Lighting sample"],
        ["Ba dải màu.", "Three bands of colour."],
    );
    let id = lan.publish(model, meta);
    browser.goto(&server.url(&format!("/relic/{id}"))).unwrap();
    wait_shown(browser, &format!("relic-{id}"), 2);
    browser
        .eval(
            "document.getElementById('relic-panel').hidden = true;",
            json!([]),
        )
        .unwrap();
    let (x, y) = canvas_point(browser, 0.5);
    let before = camera(browser);
    browser
        .actions(json!([{"type": "wheel", "id": "wheel", "actions": [
            {"type": "scroll", "x": x, "y": y, "deltaX": 0, "deltaY": 3000, "duration": 300,
             "origin": "viewport"},
        ]}]))
        .unwrap();
    wait_camera_moved(browser, before);
    wait_frames(browser, 3);
    canvas_shot(browser, name)
}

/// A PBR object's normal and occlusion maps are read as linear data and turn the light the
/// way glTF means: the same square drawn with and without them, pixel by pixel.
#[test]
fn normal_and_occlusion_maps_shade_a_lit_object() {
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let plain = relic_canvas(&server, &browser, &lan, &pbr_square(false), "pbr-plain");
    let mapped = relic_canvas(&server, &browser, &lan, &pbr_square(true), "pbr-mapped");
    assert_eq!((plain.width, plain.height), (mapped.width, mapped.height));
    // Each band's pixels (found by hue in the plain picture), their upper and lower thirds by
    // height on screen: the brightest channel's mean in each picture.
    let bright = |p: [u8; 3]| f64::from(*p.iter().max().unwrap());
    let mut report = String::new();
    let mut cells = Vec::new();
    for band in 0..3 {
        let mut at: Vec<usize> = (0..plain.rgb.len())
            .filter(|&i| band_of(plain.rgb[i]) == Some(band))
            .collect();
        assert!(
            at.len() as f64 > plain.rgb.len() as f64 * 0.003,
            "band {band} shows in {} pixels",
            at.len()
        );
        at.sort_by_key(|&i| i as u32 / plain.width);
        let third = at.len() / 3;
        let mean = |image: &Image, part: &[usize]| {
            part.iter().map(|&i| bright(image.rgb[i])).sum::<f64>() / part.len() as f64
        };
        let (top, bottom) = (&at[..third], &at[at.len() - third..]);
        let cell = [
            mean(&plain, top),
            mean(&mapped, top),
            mean(&plain, bottom),
            mean(&mapped, bottom),
        ];
        report += &format!(
            "band {band}: plain/mapped top {:.0}/{:.0}, bottom {:.0}/{:.0}; ",
            cell[0], cell[1], cell[2], cell[3]
        );
        cells.push(cell);
    }
    let [left, middle, right] = [cells[0], cells[1], cells[2]];
    // Upper half (no occlusion): turned towards the sun, brighter; a flat texel, as before
    // (read as a colour, it would turn the normal away); turned away, in shade.
    assert!(left[1] > left[0] + 5.0, "{report}");
    assert!((middle[1] - middle[0]).abs() <= 8.0, "{report}");
    assert!(right[1] < right[0] - 25.0, "{report}");
    // Lower half: the ambient light at a quarter. Where only the ambient light falls (the
    // right band), a quarter of it still shows (as a colour, the map would black it out).
    assert!(middle[3] < middle[1] - 4.0, "{report}");
    assert!(right[3] < right[1] * 0.6 && right[3] > 40.0, "{report}");
    // Without maps, both halves are lit alike.
    assert!((middle[2] - middle[0]).abs() <= 8.0, "{report}");
    assert_no_page_errors(&browser);
}

/// The page chooses a level before downloading it: on a device whose memory (as the browser
/// tells it) leaves too little graphics memory for the full model (whose need the API gives),
/// only the light one is downloaded.
#[test]
fn a_level_too_big_for_the_device_is_never_downloaded() {
    use disan_types::ModelLevel;
    let (_one, server, browser) = session();
    let site = site_detail(&server, "doi-a1");
    let model = |level| site.models.iter().find(|m| m.level == level).unwrap();
    let (light, full) = (model(ModelLevel::Light), model(ModelLevel::Full));
    assert!(
        0 < light.gpu_bytes && light.gpu_bytes < full.gpu_bytes,
        "{} {}",
        light.gpu_bytes,
        full.gpu_bytes
    );
    // A device whose budget (64 MB of graphics memory per GB) falls between the two levels.
    let gb = (light.gpu_bytes + full.gpu_bytes) as f64 / 2.0 / (64u64 << 20) as f64;
    browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": format!(
                "Object.defineProperty(Navigator.prototype, 'deviceMemory', {{get: () => {gb}}});"
            )}),
        )
        .unwrap();
    browser.goto(&server.url("/tour/doi-a1")).unwrap();
    browser
        .wait_for(
            "const d = document.body.dataset; \
             return d.viewer === 'ready' && d.site === 'doi-a1' && d.level === 'light';",
            LIMIT,
        )
        .unwrap();
    wait_frames(&browser, 4);
    let level = browser
        .eval("return document.body.dataset.level;", json!([]))
        .unwrap();
    assert_eq!(level, json!("light"));
    let asked = requested(&browser);
    assert!(asked.contains(&light.url), "{asked:?}");
    assert!(
        !asked.contains(&full.url),
        "the full model was downloaded: {asked:?}"
    );
    assert_no_page_errors(&browser);
}

/// [`quartered_square`] with its right half transparent (alpha 0 in an RGBA PNG) and the
/// material's `alphaMode` `MASK`: the left quarters show, the right ones are cut away.
fn masked_square() -> Vec<u8> {
    let texels: Vec<u8> = (0..64 * 64)
        .flat_map(|i| {
            let (x, y) = (i % 64, i / 64);
            let [r, g, b] = QUARTERS[(y / 32) * 2 + x / 32];
            [r, g, b, if x < 32 { 255 } else { 0 }]
        })
        .collect();
    let material = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0},
        "metallicFactor": 0.0}, "doubleSided": true, "alphaMode": "MASK",
        "extensions": {"KHR_materials_unlit": {}}});
    let png = png_bytes(&texels, png::ColorType::Rgba);
    square_glb([0.0, -1.0, 0.0], material, &[(png, "image/png")])
}

/// An alpha-masked texture (the derivative keeps its alpha in WebP) cuts the surface away
/// where it is transparent.
#[test]
fn alpha_masks_cut_the_surface_away() {
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let seen = square_on_screen(&server, &browser, &lan, &masked_square(), "masked");
    let all = format!("{seen:?}");
    let [tl, tr, bl, br] = [0, 1, 2, 3].map(|q| seen[q].1);
    for q in [tl, bl] {
        assert!(q.0 > 0.003, "a kept quarter at {:.2} %; {all}", q.0 * 100.0);
    }
    for q in [tr, br] {
        assert!(q.0 < 0.0005, "a cut quarter at {:.2} %; {all}", q.0 * 100.0);
    }
    assert_no_page_errors(&browser);
}

/// The paths of the files the page has requested so far.
fn requested(browser: &Browser) -> Vec<String> {
    let asked = browser
        .eval(
            "return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);",
            json!([]),
        )
        .unwrap();
    serde_json::from_value(asked).unwrap()
}

/// A relic whose texture is 4096² has a high level (its full one shrinks it to 2048²). The
/// visitor's "High detail" button asks for it where the device takes it: the page then steps
/// light → full → high and holds the high level's texture alone. A device whose largest
/// texture is 2048 (as its WebGL says, emulated here) is not offered it and never downloads
/// it, even when the choice was made on another device.
#[test]
fn the_high_level_is_the_visitors_choice_where_the_device_takes_it() {
    use disan_types::ModelLevel;
    use disan_types::relic::PublicRelic;
    const SIDE: usize = 4096;
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let texels: Vec<u8> = (0..SIDE * SIDE)
        .flat_map(|i| {
            let (x, y) = (i % SIDE, i / SIDE);
            QUARTERS[(y / (SIDE / 2)) * 2 + x / (SIDE / 2)]
        })
        .collect();
    let png = png_sized(&texels, SIDE as u32, png::ColorType::Rgb);
    drop(texels);
    let material = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0},
        "metallicFactor": 0.0}, "doubleSided": true,
        "extensions": {"KHR_materials_unlit": {}}});
    let model = square_glb([0.0, 0.0, 1.0], material, &[(png, "image/png")]);
    let meta = relic_meta(
        ["Bảng màu lớn", "Large colour chart"],
        [
            "Bốn màu, ảnh 4096 điểm ảnh.",
            "Four colours, a 4096-pixel texture.",
        ],
    );
    let id = lan.publish(&model, meta);
    let relic: PublicRelic = server.get_json(&format!("/api/relics/{id}"));
    let sides: Vec<(ModelLevel, u32)> = relic
        .models
        .iter()
        .map(|m| (m.level, m.texture_side))
        .collect();
    assert_eq!(
        sides,
        [
            (ModelLevel::Light, 128),
            (ModelLevel::Full, 2048),
            (ModelLevel::High, 4096)
        ]
    );
    let url = |level| {
        let m = relic.models.iter().find(|m| m.level == level).unwrap();
        m.url.clone()
    };
    let (full, high) = (url(ModelLevel::Full), url(ModelLevel::High));
    let page = server.url(&format!("/relic/{id}"));
    let scene = format!("relic-{id}");
    let level = |b: &Browser| {
        b.eval("return document.body.dataset.level;", json!([]))
            .unwrap()
    };
    let high_button = |b: &Browser| {
        b.eval(
            "const h = document.getElementById('high'); \
             return [!h.hidden, h.getAttribute('aria-pressed'), h.textContent];",
            json!([]),
        )
        .unwrap()
    };

    // A device whose WebGL takes textures of 2048 at most, though high detail was chosen.
    let emulated = browser
        .cdp(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({"source": "const get = WebGL2RenderingContext.prototype.getParameter; \
                WebGL2RenderingContext.prototype.getParameter = function (p) { \
                  return p === this.MAX_TEXTURE_SIZE ? 2048 : get.call(this, p); };"}),
        )
        .unwrap();
    browser.goto(&page).unwrap();
    browser
        .eval(
            "localStorage.setItem('disan-detail', 'high'); return true;",
            json!([]),
        )
        .unwrap();
    browser.goto(&page).unwrap();
    wait_shown(&browser, &scene, 3);
    assert_eq!(level(&browser), json!("full"));
    assert_eq!(high_button(&browser)[0], json!(false), "not offered");
    let asked = requested(&browser);
    assert!(asked.contains(&full), "{asked:?}");
    assert!(
        !asked.contains(&high),
        "the high level was downloaded: {asked:?}"
    );
    browser
        .cdp(
            "Page.removeScriptToEvaluateOnNewDocument",
            json!({"identifier": emulated["identifier"]}),
        )
        .unwrap();

    // This machine's WebGL takes 4096: offered, not chosen, not downloaded.
    browser
        .eval(
            "localStorage.removeItem('disan-detail'); return true;",
            json!([]),
        )
        .unwrap();
    browser.goto(&page).unwrap();
    wait_shown(&browser, &scene, 3);
    let lang = browser
        .eval("return document.documentElement.lang;", json!([]))
        .unwrap();
    let label = if lang == "en" {
        "High detail"
    } else {
        "Chi tiết cao"
    };
    assert_eq!(high_button(&browser), json!([true, "false", label]));
    assert_eq!(level(&browser), json!("full"));
    assert!(!requested(&browser).contains(&high));

    // Chosen: the page starts again and steps up to the high level, which replaces the full one.
    browser.click("#high").unwrap();
    browser
        .wait_for(
            &format!(
                "const d = document.body.dataset; \
                 return d.viewer === 'failed' || (d.site === '{scene}' && d.level === 'high');"
            ),
            LIMIT,
        )
        .unwrap();
    assert_eq!(level(&browser), json!("high"));
    assert_eq!(high_button(&browser)[1], json!("true"));
    wait_frames(&browser, 3);
    // The high level's texture with its mipmaps, the full one's freed.
    let texture = (SIDE * SIDE * 4 * 4 / 3) as u64;
    let held = browser.wait_for(
        &format!(
            "return Number(document.body.dataset.gpuBytes) < {};",
            texture + (texture / 4)
        ),
        LIMIT,
    );
    let bytes: u64 = browser
        .eval("return document.body.dataset.gpuBytes;", json!([]))
        .unwrap()
        .as_str()
        .and_then(|b| b.parse().ok())
        .unwrap();
    assert!(
        held.is_ok() && bytes >= texture,
        "{bytes} bytes held for one {SIDE}² texture of {texture}"
    );
    browser
        .eval(
            "document.getElementById('relic-panel').hidden = true;",
            json!([]),
        )
        .unwrap();
    let shot = canvas_shot(&browser, "high-level");
    assert_shows_a_model(&shot, "high-level");
    // And back: remembered as the full model.
    browser.click("#high").unwrap();
    wait_shown(&browser, &scene, 1);
    assert_eq!(high_button(&browser)[1], json!("false"));
    browser
        .eval(
            "localStorage.removeItem('disan-detail'); return true;",
            json!([]),
        )
        .unwrap();
    assert_no_page_errors(&browser);
}

/// A half-transparent surface (`alphaMode` `BLEND`, base colour alpha 0.5): each quarter shows
/// its colour mixed half and half with the sky behind it, in linear light (as glTF and the
/// GPU's blending do) — never the opaque colour, never the sky alone.
#[test]
fn alpha_blended_surfaces_show_what_is_behind_them() {
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let texture = png_of(|x, y| QUARTERS[(y / 32) * 2 + x / 32]);
    let material = json!({"pbrMetallicRoughness": {"baseColorTexture": {"index": 0},
        "baseColorFactor": [1.0, 1.0, 1.0, 0.5], "metallicFactor": 0.0},
        "doubleSided": true, "alphaMode": "BLEND", "extensions": {"KHR_materials_unlit": {}}});
    let model = square_glb([0.0, 0.0, 1.0], material, &[(texture, "image/png")]);
    let canvas = square_canvas(&server, &browser, &lan, &model, "blended");
    // The sky: the viewer's clear colour (sRGB 0.74, 0.83, 0.90), seen beside the square.
    let sky = [189, 212, 230];
    assert!(
        where_colour(&canvas, sky).0 > 0.003,
        "no sky in the picture"
    );
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let srgb = |l: f64| {
        let c = if l <= 0.0031308 {
            l * 12.92
        } else {
            1.055 * l.powf(1.0 / 2.4) - 0.055
        };
        (c * 255.0).round() as u8
    };
    let mut report = format!("sky {sky:?}; ");
    for colour in QUARTERS {
        let mixed: [u8; 3] =
            std::array::from_fn(|i| srgb((linear(colour[i]) + linear(sky[i])) / 2.0));
        let (opaque, half) = (
            where_colour(&canvas, colour).0,
            where_colour(&canvas, mixed).0,
        );
        report += &format!(
            "{colour:?}: opaque {:.2} %, mixed {mixed:?} {:.2} %; ",
            opaque * 100.0,
            half * 100.0
        );
        assert!(opaque < 0.0005 && half > 0.003, "{report}");
    }
    eprintln!("{report}");
    assert_no_page_errors(&browser);
}

/// `glb` without its normals (scans often come without): the viewer computes them, so a lit
/// surface shades as it would with its own.
fn without_normals(glb: &[u8]) -> Vec<u8> {
    let (json, bin) = disan_pack::split(glb).unwrap();
    let mut doc: Value = serde_json::from_slice(json).unwrap();
    for mesh in doc["meshes"].as_array_mut().unwrap() {
        for prim in mesh["primitives"].as_array_mut().unwrap() {
            prim["attributes"].as_object_mut().unwrap().remove("NORMAL");
        }
    }
    disan_pack::glb(&doc, bin.unwrap())
}

/// A lit object uploaded without normals shows as it does with them: the same bands, within
/// a few levels (the normals computed from its triangles face the way its own did).
#[test]
fn a_lit_object_without_normals_shades_as_with_them() {
    let (_one, server, browser) = session();
    let lan = editor(&server);
    let with = relic_canvas(&server, &browser, &lan, &pbr_square(false), "pbr-normals");
    let bare = without_normals(&pbr_square(false));
    let without = relic_canvas(&server, &browser, &lan, &bare, "pbr-no-normals");
    assert_eq!((with.width, with.height), (without.width, without.height));
    for band in 0..3 {
        let at: Vec<usize> = (0..with.rgb.len())
            .filter(|&i| band_of(with.rgb[i]) == Some(band))
            .collect();
        assert!(
            at.len() as f64 > with.rgb.len() as f64 * 0.003,
            "band {band} shows in {} pixels",
            at.len()
        );
        let mean = |image: &Image| {
            let sum: f64 = at
                .iter()
                .map(|&i| image.rgb[i].iter().map(|&c| f64::from(c)).sum::<f64>())
                .sum();
            sum / at.len() as f64 / 3.0
        };
        let (a, b) = (mean(&with), mean(&without));
        assert!(
            (a - b).abs() < 6.0,
            "band {band}: {a:.1} with normals, {b:.1} without"
        );
    }
    assert_no_page_errors(&browser);
}

/// Each file the page requested: its path, when the request started and when its last byte
/// came (ms since navigation).
fn timeline(browser: &Browser) -> Vec<(String, f64, f64)> {
    let entries = browser
        .eval(
            "return performance.getEntriesByType('resource') \
               .map((e) => [new URL(e.name).pathname, e.startTime, e.responseEnd]);",
            json!([]),
        )
        .unwrap();
    serde_json::from_value(entries).unwrap()
}

const WASM: &str = "/viewer/disan_viewer_bg.wasm";

/// The home page (map, list, search) downloads no viewer: on a slow link nothing of it comes
/// until a site is chosen, then it does, and the site shows. On a fast link the browser fetches
/// the wasm when idle, so a chosen site opens sooner.
#[test]
fn the_home_page_downloads_the_viewer_only_when_wanted() {
    let (_one, server, browser) = session();
    browser.cdp("Network.enable", json!({})).unwrap();
    // A slow 3G link (as the browser reports it to the page).
    let slow = json!({"offline": false, "latency": 400.0, "downloadThroughput": 50_000.0,
        "uploadThroughput": 50_000.0, "connectionType": "cellular3g"});
    browser
        .cdp("Network.emulateNetworkConditions", slow)
        .unwrap();
    browser.goto(&server.url("/")).unwrap();
    browser
        .wait_for(
            "return document.querySelectorAll('#site-list a').length === 14;",
            LIMIT,
        )
        .unwrap();
    let link = browser
        .eval(
            "return (navigator.connection || {}).effectiveType || null;",
            json!([]),
        )
        .unwrap();
    assert_ne!(link, json!("4g"), "the emulated link reads as slow");
    // Idle for a while: still no viewer.
    std::thread::sleep(Duration::from_secs(3));
    let asked = requested(&browser);
    assert!(
        !asked.iter().any(|p| p.starts_with("/viewer/")),
        "the home page fetched the viewer: {asked:?}"
    );
    assert_eq!(
        browser
            .eval("return document.body.dataset.viewer;", json!([]))
            .unwrap(),
        json!("off"),
        "the viewer was not started"
    );
    // A site chosen in the list: the viewer comes, and the site shows.
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": false, "latency": 0.0, "downloadThroughput": -1.0,
                "uploadThroughput": -1.0}),
        )
        .unwrap();
    browser.click("a[data-slug='doi-a1']").unwrap();
    wait_shown(&browser, "doi-a1", 1);
    assert!(requested(&browser).iter().any(|p| p == WASM));
    assert_no_page_errors(&browser);

    // On a fast link the home page has the browser fetch the wasm once idle.
    let fast = Browser::start(720, 540).unwrap();
    fast.goto(&server.url("/")).unwrap();
    let prefetched = fast.wait_for(
        &format!(
            "return performance.getEntriesByType('resource') \
               .some((e) => new URL(e.name).pathname === '{WASM}' && e.responseEnd > 0);"
        ),
        LIMIT,
    );
    assert!(prefetched.is_ok(), "not prefetched: {:?}", requested(&fast));
    assert_eq!(
        fast.eval("return document.body.dataset.viewer;", json!([]))
            .unwrap(),
        json!("off"),
        "prefetched, not started"
    );
}

/// A tour page's downloads overlap: the wasm starts with the page (its response preloads it)
/// rather than after the page's scripts, and the model the viewer shows first starts while the
/// wasm is still coming, each fetched once.
#[test]
fn a_tours_model_downloads_while_the_viewer_does() {
    let (_one, server, browser) = session();
    browser.cdp("Network.enable", json!({})).unwrap();
    browser
        .cdp("Network.setCacheDisabled", json!({"cacheDisabled": true}))
        .unwrap();
    // A 4G link: the wasm takes about two seconds.
    browser
        .cdp(
            "Network.emulateNetworkConditions",
            json!({"offline": false, "latency": 40.0, "downloadThroughput": 1_000_000.0,
                "uploadThroughput": 200_000.0}),
        )
        .unwrap();
    browser.goto(&server.url("/tour/doi-a1")).unwrap();
    wait_shown(&browser, "doi-a1", 1);
    let files = timeline(&browser);
    let find = |path: &str| {
        let all: Vec<_> = files.iter().filter(|f| f.0 == path).collect();
        assert_eq!(all.len(), 1, "{path} fetched once: {files:?}");
        all[0].clone()
    };
    let wasm = find(WASM);
    let main = find("/app/main.js");
    let light = find("/assets/models/doi-a1.light.glb");
    assert!(
        wasm.1 < main.2,
        "the wasm waited for the scripts: {files:?}"
    );
    assert!(light.1 < wasm.2, "the model waited for the wasm: {files:?}");
    assert_no_page_errors(&browser);
}
