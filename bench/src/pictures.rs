//! Picture differences for `cargo xtask bench models`: a model and the models made from it,
//! each drawn by Google's `<model-viewer>` (three.js, a renderer neither tool wrote) in
//! headless Chromium from the same camera, the pictures compared pixel by pixel with the
//! source's: PSNR over the frame, and the share of pixels that differ visibly (by more than
//! [`VISIBLE`] of 255 in a channel).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use disan_webdriver::{Browser, Image};
use serde_json::json;

use crate::server::ServerProcess;

/// A channel difference a person sees on a phone screen.
pub const VISIBLE: u8 = 24;

/// The picture size.
const SIZE: (u32, u32) = (640, 480);

/// A server and a browser that draw models.
pub struct Stills {
    server: ServerProcess,
    browser: Browser,
    /// Where the models are written for the server (`/viewer/mv/cmp/…`).
    dir: PathBuf,
    shots: PathBuf,
    n: usize,
}

impl Stills {
    /// Starts `bin` on `web_dir`, which holds model-viewer's files in `viewer/mv/`.
    pub fn start(bin: &Path, root: &Path, web_dir: &Path) -> anyhow::Result<Stills> {
        let dir = web_dir.join("viewer/mv/cmp");
        std::fs::create_dir_all(&dir)?;
        let shots = root.join("target/bench-models");
        std::fs::create_dir_all(&shots)?;
        Ok(Stills {
            server: ServerProcess::start(bin, root, web_dir)?,
            browser: Browser::start(SIZE.0, SIZE.1)?,
            dir,
            shots,
            n: 0,
        })
    }

    /// `glb` drawn from the fixed camera, saved as `target/bench-models/<name>.png`.
    pub fn picture(&mut self, name: &str, glb: &[u8]) -> anyhow::Result<Image> {
        self.n += 1;
        let file = format!("{}.glb", self.n);
        std::fs::write(self.dir.join(&file), glb)?;
        let url = self
            .server
            .url(&format!("/viewer/mv/still.html?src=/viewer/mv/cmp/{file}"));
        self.browser.goto(&url)?;
        self.browser
            .wait_for(
                "return window.__ready === true || window.__error !== undefined;",
                Duration::from_secs(600),
            )
            .with_context(|| format!("drawing {name}"))?;
        let error = self
            .browser
            .eval("return window.__error || null;", json!([]))?;
        if !error.is_null() {
            bail!("model-viewer could not show {name}: {error}");
        }
        let png = self.browser.screenshot()?;
        let slug: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        std::fs::write(self.shots.join(format!("{slug}.png")), &png)?;
        std::fs::remove_file(self.dir.join(&file)).ok();
        Image::from_png(&png)
    }
}

/// How a picture differs from the source's.
#[derive(Clone, Copy, Debug)]
pub struct Difference {
    /// Peak signal-to-noise ratio over every channel of the frame, in dB (higher is closer;
    /// 99 for identical pictures).
    pub psnr: f64,
    /// Share of pixels with a channel more than [`VISIBLE`] off.
    pub visible: f64,
}

pub fn difference(source: &Image, other: &Image) -> Difference {
    let n = source.rgb.len().min(other.rgb.len()).max(1);
    let (mut squares, mut visible) = (0.0f64, 0usize);
    for (a, b) in source.rgb.iter().zip(&other.rgb) {
        let mut off = 0;
        for k in 0..3 {
            let d = a[k].abs_diff(b[k]);
            squares += f64::from(d) * f64::from(d);
            off = off.max(d);
        }
        if off > VISIBLE {
            visible += 1;
        }
    }
    let mse = squares / (n * 3) as f64;
    Difference {
        psnr: match mse {
            0.0 => 99.0,
            _ => 10.0 * (255.0f64 * 255.0 / mse).log10(),
        },
        visible: visible as f64 / n as f64,
    }
}
