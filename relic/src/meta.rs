//! The checks of a relic's metadata: titles and descriptions in both languages, NFC text of
//! bounded length without control characters, and a place that is a known site or a position
//! inside the province (the caller says which sites exist and how far outside a point is).

use disan_types::Localized;
use disan_types::admin::RelicMeta;
use unicode_normalization::is_nfc;

use crate::problem::{Found, Issue};

/// Longest title.
pub const MAX_TITLE: usize = 200;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 20_000;
/// Longest short field (type, period, material, credits, Dublin Core values…).
pub const MAX_FIELD: usize = 500;

fn text(found: &mut Vec<Found>, at: &str, value: &str, required: bool, max: usize) {
    let problem = if value.trim().is_empty() {
        required.then_some(Issue::Required)
    } else if !is_nfc(value) {
        Some(Issue::NotNfc)
    } else if value.chars().count() > max {
        Some(Issue::TooLong { max })
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        Some(Issue::ControlCharacters)
    } else {
        None
    };
    if let Some(issue) = problem {
        found.push(Found::new(at, issue));
    }
}

fn both(found: &mut Vec<Found>, at: &str, value: &Localized, required: bool, max: usize) {
    text(found, &format!("{at}.vi"), &value.vi, required, max);
    text(found, &format!("{at}.en"), &value.en, required, max);
}

/// Every problem of `meta`. `is_site` says whether a slug names a site; `km_outside` how far a
/// point (lat, lon) is outside the province (0 inside).
pub fn check(
    meta: &RelicMeta,
    is_site: &dyn Fn(&str) -> bool,
    km_outside: &dyn Fn(f64, f64) -> f64,
) -> Vec<Found> {
    let mut found = Vec::new();
    both(&mut found, "title", &meta.title, true, MAX_TITLE);
    both(
        &mut found,
        "description",
        &meta.description,
        true,
        MAX_DESCRIPTION,
    );
    both(
        &mut found,
        "object_type",
        &meta.object_type,
        false,
        MAX_FIELD,
    );
    both(&mut found, "period", &meta.period, false, MAX_FIELD);
    both(&mut found, "material", &meta.material, false, MAX_FIELD);
    for (at, value) in [
        ("dimensions", &meta.dimensions),
        ("credits", &meta.credits),
        ("licence", &meta.licence),
        ("dublin_core.identifier", &meta.dublin_core.identifier),
        ("dublin_core.creator", &meta.dublin_core.creator),
        ("dublin_core.date", &meta.dublin_core.date),
        ("dublin_core.rights", &meta.dublin_core.rights),
        ("dublin_core.source", &meta.dublin_core.source),
    ] {
        text(&mut found, at, value, false, MAX_FIELD);
    }
    let place = &meta.place;
    match (&place.site, place.lat, place.lon) {
        (None, None, None) => found.push(Found::new("place", Issue::NoPlace)),
        (Some(slug), _, _) if !is_site(slug) => {
            let shown: String = slug.chars().take(80).collect();
            found.push(Found::new("place.site", Issue::UnknownSite(shown)));
        }
        (_, Some(lat), Some(lon)) => {
            if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
                found.push(Found::new("place", Issue::BadPosition));
            } else {
                let km = km_outside(lat, lon);
                if km > 0.5 {
                    found.push(Found::new("place", Issue::OutsideProvince { km }));
                }
            }
        }
        (None, _, _) | (Some(_), Some(_), None) | (Some(_), None, Some(_)) => {
            found.push(Found::new("place", Issue::BadPosition));
        }
        (Some(_), None, None) => {}
    }
    found
}

/// The problems of a photo's caption (optional; NFC, no control characters, not too long).
pub fn check_caption(caption: &Localized) -> Vec<Found> {
    let mut found = Vec::new();
    both(&mut found, "caption", caption, false, MAX_FIELD);
    found
}
