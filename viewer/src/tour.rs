//! The guided tour in 3D: the camera follows the stop in the page's URL (`#stop=N`, which the
//! page's tour panel sets), gliding there with an ease-in-out in [`GLIDE_SECONDS`] (at once when
//! the user asks the system for reduced motion). Touching the controls during a glide ends it.

use bevy::prelude::*;

use crate::camera::{self, Orbit};
use crate::site::{CurrentSite, SiteShown};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Tour>().add_systems(
        Update,
        (follow_stop, glide)
            .chain()
            .after(camera::orbit_input)
            .before(camera::place_camera),
    );
}

/// How long the camera takes from one stop to the next.
pub const GLIDE_SECONDS: f32 = 1.5;

/// Which stop the camera is at or on its way to, for which site.
#[derive(Resource, Default, Debug)]
struct Tour {
    /// The site whose model has been framed by the camera (stop poses start from there).
    framed: Option<String>,
    slug: Option<String>,
    stop: Option<usize>,
    glide: Option<Glide>,
}

#[derive(Debug, Clone, Copy)]
struct Glide {
    from: Orbit,
    to: Orbit,
    elapsed: f32,
    duration: f32,
    /// What the glide last set, to notice the user taking over.
    last: Orbit,
}

/// The stop asked for: `#stop=N` in the browser (from 1), the second argument on the desktop.
fn requested_stop() -> Option<usize> {
    #[cfg(target_arch = "wasm32")]
    let text = web_sys::window()?
        .location()
        .hash()
        .ok()?
        .strip_prefix("#stop=")?
        .to_owned();
    #[cfg(not(target_arch = "wasm32"))]
    let text = std::env::args().nth(2)?;
    text.parse().ok().filter(|n| *n >= 1)
}

/// Whether the user asked the system for less motion.
fn reduced_motion() -> bool {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| {
                w.match_media("(prefers-reduced-motion: reduce)")
                    .ok()
                    .flatten()
            })
            .is_some_and(|m| m.matches())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        false
    }
}

/// Tells the page (and the tests) which stop the camera has reached: `data-stop` on `<body>`.
fn report_stop(stop: Option<usize>) {
    #[cfg(target_arch = "wasm32")]
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let text = stop.map(|n| n.to_string()).unwrap_or_default();
        body.dataset().set("stop", &text).ok();
    }
    #[cfg(not(target_arch = "wasm32"))]
    let _ = stop;
}

fn follow_stop(
    current: Res<CurrentSite>,
    mut shown: MessageReader<SiteShown>,
    mut tour: ResMut<Tour>,
    orbits: Query<&Orbit>,
) {
    if shown.read().count() > 0 {
        // The camera has just framed a new model: apply the stop (again) from there.
        tour.framed = current.slug.clone();
        tour.slug = None;
        tour.glide = None;
    }
    // Wait until the model is on screen and framed: the stop's pose refers to it.
    let Some(detail) = &current.detail else {
        return;
    };
    if current.slug.is_none() || tour.framed != current.slug {
        return;
    }
    let stop = requested_stop();
    if tour.slug == current.slug && tour.stop == stop {
        return;
    }
    tour.slug = current.slug.clone();
    tour.stop = stop;
    tour.glide = None;
    let (Some(n), Ok(orbit)) = (stop, orbits.single()) else {
        report_stop(None);
        return;
    };
    let Some(pose) = detail.tour.get(n - 1).map(|s| s.pose) else {
        report_stop(None);
        return;
    };
    let to = Orbit {
        target: Vec3::from(pose.target),
        yaw: pose.yaw,
        pitch: pose.pitch,
        distance: pose.distance,
        ..*orbit
    }
    .within_limits();
    let duration = if reduced_motion() { 0.0 } else { GLIDE_SECONDS };
    tour.glide = Some(Glide {
        from: *orbit,
        to,
        elapsed: 0.0,
        duration,
        last: *orbit,
    });
}

fn glide(time: Res<Time>, mut tour: ResMut<Tour>, mut orbits: Query<&mut Orbit>) {
    let stop = tour.stop;
    let Some(g) = tour.glide.as_mut() else {
        return;
    };
    let Ok(mut orbit) = orbits.single_mut() else {
        return;
    };
    if *orbit != g.last {
        // The user turned or zoomed: the camera is theirs now.
        tour.glide = None;
        return;
    }
    g.elapsed += time.delta_secs();
    let t = if g.duration > 0.0 {
        (g.elapsed / g.duration).min(1.0)
    } else {
        1.0
    };
    let eased = t * t * (3.0 - 2.0 * t);
    *orbit = g.from.lerp(&g.to, eased);
    g.last = *orbit;
    if t >= 1.0 {
        tour.glide = None;
        report_stop(stop);
    }
}
