//! The guided tour in 3D: the camera follows the view in the page's URL — a tour stop
//! (`#stop=N`, set by the page's tour panel) or a hotspot (`#hotspot=id`, set by the page or by
//! clicking a marker) — gliding there once the model is framed; without a view, or when the
//! page calls [`reset_view`], back to the overview.

use std::sync::atomic::{AtomicBool, Ordering};

use bevy::prelude::*;

use disan_types::rules::View;

use crate::camera::{self, Glide, Orbit};
use crate::site::{CurrentSite, SiteShown};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Tour>().add_systems(
        Update,
        follow_view.after(camera::orbit_input).before(camera::glide),
    );
}

/// The view asked for: the URL's fragment in the browser, the second argument on the desktop.
fn requested_view() -> Option<View> {
    #[cfg(target_arch = "wasm32")]
    let fragment = web_sys::window()?.location().hash().ok()?;
    #[cfg(not(target_arch = "wasm32"))]
    let fragment = std::env::args().nth(2)?;
    match View::parse(&fragment) {
        View::Overview => None,
        view => Some(view),
    }
}

/// Set by the page (`reset_view()`): back to the overview of the model.
static RESET: AtomicBool = AtomicBool::new(false);

/// Called by the page's reset button: the camera glides back to the overview of the model.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen::prelude::wasm_bindgen)]
pub fn reset_view() {
    RESET.store(true, Ordering::Relaxed);
}

/// Which view the camera is at or on its way to, for which site.
#[derive(Resource, Default, Debug)]
struct Tour {
    /// Where the camera was when it framed the model: the overview.
    home: Option<Orbit>,
    /// The site whose model has been framed by the camera (views start from there).
    framed: Option<String>,
    slug: Option<String>,
    view: Option<View>,
}

fn follow_view(
    current: Res<CurrentSite>,
    mut shown: MessageReader<SiteShown>,
    mut tour: ResMut<Tour>,
    mut glide: ResMut<Glide>,
    orbits: Query<&Orbit>,
) {
    if shown.read().count() > 0 {
        // The camera has just framed a new model: apply the view (again) from there.
        tour.framed = current.slug.clone();
        tour.home = orbits.single().ok().copied();
        tour.slug = None;
        glide.stop();
    }
    let reset = RESET.swap(false, Ordering::Relaxed);
    let Some(detail) = &current.detail else {
        return;
    };
    if current.slug.is_none() || tour.framed != current.slug {
        return;
    }
    let view = requested_view();
    let left_view = tour.view.is_some() && view.is_none();
    if tour.slug == current.slug && tour.view == view && !reset {
        return;
    }
    tour.slug = current.slug.clone();
    tour.view = view.clone();
    glide.stop();
    let Ok(orbit) = orbits.single() else {
        return;
    };
    let Some(view) = view else {
        // No view (any more), or the reset button: back to the overview.
        if let (true, Some(home)) = (reset || left_view, tour.home) {
            glide.start(*orbit, home, "home".into());
        }
        return;
    };
    let to = match &view {
        View::Overview => None,
        View::Stop(n) => detail.tour.get(*n as usize - 1).map(|s| Orbit {
            target: Vec3::from(s.pose.target),
            yaw: s.pose.yaw,
            pitch: s.pose.pitch,
            distance: s.pose.distance,
            ..*orbit
        }),
        // A hotspot: turn towards it from where the camera is, closer in.
        View::Hotspot(id) => detail.hotspots.iter().find(|h| &h.id == id).map(|h| Orbit {
            target: Vec3::from(h.position),
            distance: orbit.min_distance.max(orbit.distance * 0.5),
            ..*orbit
        }),
    };
    if let Some(to) = to {
        glide.start(*orbit, to.within_limits(), view.fragment());
    }
}
