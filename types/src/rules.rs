//! The rules that the content checks, the server, the viewer and the page share, written once:
//! slugs and hotspot ids, the URL fragment that names a view, camera limits, the anchor-node
//! prefix and where a site's files live. The page gets them from `GET /api/rules` ([`Rules`]).

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

use crate::ModelLevel;

/// Longest slug or hotspot id, in bytes.
pub const MAX_SLUG_LEN: usize = 80;

/// A slug is lowercase ASCII letters, digits and single inner hyphens: it appears in URLs.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_LEN
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A hotspot id follows the slug rule: it appears in the URL's fragment (`#hotspot=tank`).
pub fn is_valid_hotspot_id(id: &str) -> bool {
    is_valid_slug(id)
}

/// The same rule as [`is_valid_slug`], as a JavaScript regular expression for the page.
pub const SLUG_PATTERN: &str = "^[a-z0-9]+(?:-[a-z0-9]+)*$";

/// The number in `#stop=N`, as a JavaScript regular expression: digits, no leading zero (the
/// grammar [`View::parse`] reads).
pub const STOP_PATTERN: &str = "^[1-9][0-9]*$";

/// The prefix of the glTF node names that mark a model's anchors (`anchor:summit`).
pub const ANCHOR_PREFIX: &str = "anchor:";

/// How far above the horizon the camera may look from, in radians (tour stops and free look).
pub const PITCH: RangeInclusive<f32> = 0.05..=(std::f32::consts::FRAC_PI_2 - 0.05);
/// How far from its target a tour stop may put the camera, in metres.
pub const STOP_DISTANCE: RangeInclusive<f32> = 1.0..=2000.0;
/// How many stops a guided tour has.
pub const TOUR_STOPS: RangeInclusive<usize> = 4..=8;
/// How many hotspots a site has.
pub const HOTSPOTS: RangeInclusive<usize> = 3..=6;

/// The view a URL's fragment names: the whole model, a tour stop or a hotspot.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum View {
    /// No fragment (or one that names nothing): the whole model.
    #[default]
    Overview,
    /// A tour stop, numbered from 1: `#stop=3`.
    Stop(u32),
    /// A hotspot by id: `#hotspot=crater`.
    Hotspot(String),
}

impl View {
    /// Reads a fragment, with or without its `#`. Anything else is the overview.
    pub fn parse(fragment: &str) -> View {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        if let Some(n) = fragment.strip_prefix("stop=") {
            // Digits only, no leading zero: `+3`, ` 3`, `03` or `3.0` name no stop.
            let canonical = n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0');
            match n.parse::<u32>() {
                Ok(n) if canonical => View::Stop(n),
                _ => View::Overview,
            }
        } else if let Some(id) = fragment.strip_prefix("hotspot=") {
            if is_valid_hotspot_id(id) {
                View::Hotspot(id.to_owned())
            } else {
                View::Overview
            }
        } else {
            View::Overview
        }
    }

    /// The fragment without `#` (`stop=3`, `hotspot=crater`; empty for the overview); the
    /// viewer also reports it as `data-view` once the camera is there (`home` for the overview).
    pub fn fragment(&self) -> String {
        match self {
            View::Overview => String::new(),
            View::Stop(n) => format!("stop={n}"),
            View::Hotspot(id) => format!("hotspot={id}"),
        }
    }

    /// The tour stop the page's panel shows for this view: the stop named, else the first.
    pub fn panel_stop(&self) -> u32 {
        match self {
            View::Stop(n) => *n,
            _ => 1,
        }
    }
}

/// The page of a site's tour: `/tour/doi-a1`.
pub fn tour_url(slug: &str) -> String {
    format!("/tour/{slug}")
}

/// The 2D tour of a site: `/tour/doi-a1/2d`.
pub fn tour_2d_url(slug: &str) -> String {
    format!("/tour/{slug}/2d")
}

/// Where a site's model of a level lives in the asset store: `models/doi-a1.light.glb`.
pub fn model_path(slug: &str, level: ModelLevel) -> String {
    match level {
        ModelLevel::Full => format!("models/{slug}.glb"),
        ModelLevel::Light => format!("models/{slug}.light.glb"),
        ModelLevel::High => format!("models/{slug}.high.glb"),
    }
}

/// The size of a tour stop's still (its JPEG; see `picture` for its other forms).
pub const TOUR_IMAGE_SIZE: (u32, u32) = (640, 400);

/// Where the still of a site's tour stop `n` (from 1) lives in the asset store.
pub fn tour_image_path(slug: &str, n: usize) -> String {
    format!("tours/{slug}/{n}.jpg")
}

/// The URL path under which the server serves an asset store path.
pub fn asset_url(path: &str) -> String {
    format!("/assets/{path}")
}

/// `GET /api/rules`: the shared rules, for the page's script.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rules {
    /// [`SLUG_PATTERN`], for slugs and hotspot ids.
    pub slug_pattern: String,
    /// [`STOP_PATTERN`], for the number of `#stop=N`.
    pub stop_pattern: String,
    /// The stop the page shows when the URL names none.
    pub default_stop: u32,
    pub pitch: [f32; 2],
    pub stop_distance: [f32; 2],
}

impl Rules {
    pub fn get() -> Rules {
        Rules {
            slug_pattern: SLUG_PATTERN.to_owned(),
            stop_pattern: STOP_PATTERN.to_owned(),
            default_stop: View::Overview.panel_stop(),
            pitch: [*PITCH.start(), *PITCH.end()],
            stop_distance: [*STOP_DISTANCE.start(), *STOP_DISTANCE.end()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for ok in ["doi-a1", "a", "ham-do-cat", "x9"] {
            assert!(is_valid_slug(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "a--b",
            "Doi_A1",
            "đồi",
            "a b",
            &"a".repeat(81),
        ] {
            assert!(!is_valid_slug(bad), "{bad:?}");
        }
    }

    #[test]
    fn fragments() {
        for (text, view) in [
            ("#stop=3", View::Stop(3)),
            ("stop=12", View::Stop(12)),
            ("#stop=0", View::Overview),
            ("#stop=x", View::Overview),
            ("#stop=+3", View::Overview),
            ("#stop=03", View::Overview),
            ("#stop=", View::Overview),
            ("#hotspot=crater", View::Hotspot("crater".into())),
            ("#hotspot=", View::Overview),
            ("#hotspot=Bad_Id", View::Overview),
            ("", View::Overview),
            ("#other", View::Overview),
        ] {
            assert_eq!(View::parse(text), view, "{text:?}");
            if view != View::Overview {
                assert_eq!(View::parse(&view.fragment()), view);
            }
        }
        assert_eq!(View::Overview.panel_stop(), 1);
    }

    #[test]
    fn paths() {
        assert_eq!(model_path("doi-a1", ModelLevel::Full), "models/doi-a1.glb");
        assert_eq!(
            asset_url(&model_path("doi-a1", ModelLevel::Light)),
            "/assets/models/doi-a1.light.glb"
        );
        assert_eq!(tour_image_path("doi-a1", 2), "tours/doi-a1/2.jpg");
    }
}
