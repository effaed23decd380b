//! The page around the canvas: the site's name, the download progress bar and the status line
//! in the page's language, and the viewer's state as `data-` attributes on `<body>` (for the
//! page's scripts and the browser tests). On the desktop, the window title.

use bevy::prelude::*;
use disan_types::{Lang, Localized};

use crate::camera::Orbit;
use crate::loading::Progress;
use crate::site::{CurrentSite, Failure, Phase};

pub(super) fn plugin(app: &mut App) {
    // The page is written after the asset stores are counted, in the same frame.
    app.add_systems(Last, (crate::memory::count, show).chain());
}

fn text(vi: &str, en: &str) -> Localized {
    Localized {
        vi: vi.into(),
        en: en.into(),
    }
}

/// The status line for a phase, in both languages.
fn status(phase: &Phase) -> Localized {
    match phase {
        Phase::Idle => text(
            "Chọn một điểm di tích để xem mô hình 3D.",
            "Choose a site to see its 3D model.",
        ),
        Phase::FetchingSite => text("Đang tải thông tin điểm di tích…", "Loading the site…"),
        Phase::LoadingModel => text("Đang tải mô hình 3D…", "Loading the 3D model…"),
        Phase::Ready => text("", ""),
        Phase::Failed(Failure::UnknownSite) => text(
            "Không có điểm di tích này. Hãy chọn một điểm trong danh sách.",
            "There is no such site. Please choose one from the list.",
        ),
        Phase::Failed(Failure::Network(_)) => text(
            "Không tải được dữ liệu. Hãy kiểm tra kết nối mạng rồi tải lại trang.",
            "The data could not be loaded. Check the connection and reload the page.",
        ),
        Phase::Failed(Failure::Model(_)) => text(
            "Không tải được mô hình 3D của điểm này.",
            "The 3D model of this site could not be loaded.",
        ),
        Phase::Failed(Failure::TooBig(mb)) => Localized {
            vi: format!(
                "Mô hình 3D này cần khoảng {mb} MB bộ nhớ đồ hoạ, quá sức một điện thoại. Hãy xem bản 2D hoặc ảnh."
            ),
            en: format!(
                "This 3D model needs about {mb} MB of graphics memory, more than a phone has. See the 2D tour or the picture instead."
            ),
        },
        Phase::Failed(Failure::Unsupported(list)) => Localized {
            vi: format!(
                "Trình xem chưa hiển thị được mô hình này (cần {}). Hãy xem bản 2D hoặc ảnh.",
                list.join(", ")
            ),
            en: format!(
                "This viewer cannot show this model (it needs {}). See the 2D tour or the picture instead.",
                list.join(", ")
            ),
        },
    }
}

/// What the page shows; written to the DOM only when it changes.
#[derive(Default, PartialEq, Clone)]
struct View {
    phase: &'static str,
    slug: String,
    name: String,
    status: String,
    /// Download progress in [0, 1] while a download is under way.
    progress: Option<f64>,
    /// Yaw, pitch and distance of the orbit camera, then its target x, y, z.
    camera: String,
    /// `light` or `full`: which model is on screen.
    level: &'static str,
    memory: crate::memory::Memory,
}

fn show(
    current: Res<CurrentSite>,
    progress: Res<Progress>,
    orbits: Query<&Orbit>,
    memory: Res<crate::memory::Memory>,
    mut last: Local<Option<View>>,
    mut frames: Local<u64>,
) {
    let lang = page_lang();
    let (received, total) = progress.get();
    let view = View {
        phase: current.phase.name(),
        slug: current.slug.clone().unwrap_or_default(),
        name: current
            .detail
            .as_ref()
            .map(|d| d.name.get(lang).to_owned())
            .unwrap_or_default(),
        status: status(&current.phase).get(lang).to_owned(),
        level: match current.level {
            Some(disan_types::ModelLevel::Light) => "light",
            Some(disan_types::ModelLevel::Full) => "full",
            Some(disan_types::ModelLevel::High) => "high",
            None => "",
        },
        memory: *memory,
        camera: orbits
            .iter()
            .next()
            .map(|o| {
                let t = o.target;
                format!(
                    "{:.3} {:.3} {:.3} {:.2} {:.2} {:.2}",
                    o.yaw, o.pitch, o.distance, t.x, t.y, t.z
                )
            })
            .unwrap_or_default(),
        progress: match (&current.phase, total) {
            (Phase::LoadingModel, Some(t)) if t > 0 => Some((received as f64 / t as f64).min(1.0)),
            (Phase::LoadingModel | Phase::FetchingSite, _) => Some(0.0),
            _ => None,
        },
    };
    if let Phase::Failed(failure) = &current.phase
        && last.as_ref().is_none_or(|l| l.phase != "failed")
    {
        tracing::warn!("site {:?} failed: {failure:?}", view.slug);
    }
    if current.phase == Phase::Ready && last.as_ref().is_some_and(|l| l.phase == "ready") {
        *frames += 1;
    } else {
        *frames = 0;
    }
    if last.as_ref() != Some(&view) {
        write(&view);
        *last = Some(view);
    }
    set_body_data("frames", &frames.to_string());
}

#[cfg(target_arch = "wasm32")]
fn page_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .and_then(|l| Lang::from_code(&l))
        .unwrap_or_default()
}

#[cfg(not(target_arch = "wasm32"))]
fn page_lang() -> Lang {
    std::env::var("DISAN_LANG")
        .ok()
        .and_then(|l| Lang::from_code(&l))
        .unwrap_or_default()
}

#[cfg(target_arch = "wasm32")]
fn write(view: &View) {
    use wasm_bindgen::JsCast;

    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(body) = doc.body() {
        let data = body.dataset();
        data.set("viewer", view.phase).ok();
        data.set("site", &view.slug).ok();
        data.set("camera", &view.camera).ok();
        // Before the level, so an observer of `data-level` reads the counts of that level.
        data.set("meshes", &view.memory.meshes.to_string()).ok();
        data.set("textures", &view.memory.textures.to_string()).ok();
        data.set("gpuBytes", &view.memory.bytes.to_string()).ok();
        data.set("level", view.level).ok();
    }
    if let Some(el) = doc.get_element_by_id("site-name") {
        el.set_text_content(Some(&view.name));
    }
    if let Some(el) = doc.get_element_by_id("status") {
        el.set_text_content(Some(&view.status));
    }
    if let Some(bar) = doc
        .get_element_by_id("progress")
        .and_then(|e| e.dyn_into::<web_sys::HtmlProgressElement>().ok())
    {
        match view.progress {
            Some(p) => {
                bar.set_hidden(false);
                bar.set_value(p);
            }
            None => bar.set_hidden(true),
        }
    }
    if !view.name.is_empty() {
        doc.set_title(&format!("{} — Disan", view.name));
    }
}

/// Sets `data-<key>` on the page's `<body>`, where the page and the tests read the viewer's
/// state; nothing on the desktop.
pub fn set_body_data(key: &str, value: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        body.dataset().set(key, value).ok();
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (key, value);
}

#[cfg(not(target_arch = "wasm32"))]
fn write(view: &View) {
    tracing::info!("{} {} {} {}", view.phase, view.slug, view.name, view.status);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_the_viewer_cannot_show_is_named_with_the_way_out() {
        let phase = Phase::Failed(Failure::Unsupported(vec!["KHR_texture_basisu".into()]));
        let line = status(&phase);
        assert!(line.vi.contains("(cần KHR_texture_basisu)"), "{}", line.vi);
        assert!(line.vi.contains("bản 2D"), "{}", line.vi);
        assert!(
            line.en.contains("(it needs KHR_texture_basisu)"),
            "{}",
            line.en
        );
        assert!(line.en.contains("2D tour"), "{}", line.en);
        let line = status(&Phase::Failed(Failure::TooBig(300)));
        assert!(
            line.vi.contains("300 MB") && line.vi.contains("bản 2D"),
            "{}",
            line.vi
        );
        assert!(
            line.en.contains("300 MB") && line.en.contains("2D tour"),
            "{}",
            line.en
        );
    }
}
