//! Hotspot markers in 3D: a flat orange ball (unlit) at each hotspot of the site on screen;
//! clicking or tapping one opens it (the URL becomes `#hotspot=id`, which the page's panel and
//! the camera follow). Their positions on screen are reported as `data-markers` on `<body>`.

use bevy::input::touch::Touches;
use bevy::prelude::*;

use crate::camera::{self, Orbit};
use crate::shading::{MeshSurface, Surface};
use crate::site::{CurrentSite, SiteShown};
use crate::ui;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Markers>()
        .add_systems(Update, (place_markers, pick.after(camera::place_camera)))
        .add_systems(PostUpdate, report.after(TransformSystems::Propagate));
}

/// One hotspot's marker.
#[derive(Component, Debug)]
struct Marker {
    id: String,
    radius: f32,
}

/// For which site the markers are placed.
#[derive(Resource, Default)]
struct Markers {
    slug: Option<String>,
}

fn place_markers(
    mut commands: Commands,
    current: Res<CurrentSite>,
    mut shown: MessageReader<SiteShown>,
    mut markers: ResMut<Markers>,
    existing: Query<Entity, With<Marker>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut surfaces: ResMut<Assets<Surface>>,
) {
    let framed = shown.read().last().copied();
    if framed.is_none() && markers.slug == current.slug {
        return;
    }
    for e in &existing {
        commands.entity(e).despawn();
    }
    markers.slug = None;
    let (Some(site), Some(detail)) = (framed, &current.detail) else {
        return;
    };
    markers.slug = current.slug.clone();
    // Big enough to see and to hit on the whole model, small enough not to hide it.
    let radius = (site.radius * 0.02).max(0.5);
    let mesh = meshes.add(Sphere::new(radius));
    let surface = surfaces.add(Surface {
        color: Color::srgb(0.95, 0.55, 0.15).into(),
        unlit: true,
        ..default()
    });
    for h in &detail.hotspots {
        commands.spawn((
            Marker {
                id: h.id.clone(),
                radius,
            },
            Mesh3d(mesh.clone()),
            MeshSurface(surface.clone()),
            Transform::from_translation(Vec3::from(h.position)),
        ));
    }
}

/// The marker under a screen point: the nearest along the ray, with some slack for fingers.
fn marker_at<'a>(
    point: Vec2,
    camera: &Camera,
    camera_at: &GlobalTransform,
    markers: impl Iterator<Item = (&'a Marker, &'a GlobalTransform)>,
) -> Option<&'a Marker> {
    let ray = camera.viewport_to_world(camera_at, point).ok()?;
    markers
        .filter_map(|(m, at)| {
            let to = at.translation() - ray.origin;
            let along = to.dot(*ray.direction);
            let off = (to - *ray.direction * along).length();
            (along > 0.0 && off <= m.radius * 2.0).then_some((along, m))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, m)| m)
}

/// Opens a hotspot: the URL's fragment names it.
fn open(id: &str) {
    #[cfg(target_arch = "wasm32")]
    if let Some(w) = web_sys::window() {
        w.location()
            .set_hash(&disan_types::rules::View::Hotspot(id.to_owned()).fragment())
            .ok();
    }
    #[cfg(not(target_arch = "wasm32"))]
    tracing::info!("hotspot {id}");
}

/// A click or tap that did not move (a drag turns the camera instead) opens the marker under it.
fn pick(
    buttons: Res<ButtonInput<MouseButton>>,
    touches: Res<Touches>,
    windows: Query<&Window>,
    cameras: Query<(&Camera, &GlobalTransform), With<Orbit>>,
    markers: Query<(&Marker, &GlobalTransform)>,
    mut pressed_at: Local<Option<Vec2>>,
) {
    let Ok(window) = windows.single() else {
        return;
    };
    let cursor = window.cursor_position();
    if buttons.just_pressed(MouseButton::Left) {
        *pressed_at = cursor;
    }
    let mut taps: Vec<Vec2> = touches
        .iter_just_released()
        .filter(|t| t.start_position().distance(t.position()) < 8.0)
        .map(|t| t.position())
        .collect();
    if buttons.just_released(MouseButton::Left)
        && let (Some(from), Some(to)) = (pressed_at.take(), cursor)
        && from.distance(to) < 5.0
    {
        taps.push(to);
    }
    let Ok((camera, camera_at)) = cameras.single() else {
        return;
    };
    for tap in taps {
        if let Some(m) = marker_at(tap, camera, camera_at, markers.iter()) {
            open(&m.id);
        }
    }
}

/// Where each marker is on screen, in CSS pixels of the canvas: `id x y;…`.
fn report(
    cameras: Query<(&Camera, &GlobalTransform), With<Orbit>>,
    markers: Query<(&Marker, &GlobalTransform)>,
    mut last: Local<String>,
) {
    let Ok((camera, camera_at)) = cameras.single() else {
        return;
    };
    let mut text = String::new();
    for (m, at) in &markers {
        if let Ok(p) = camera.world_to_viewport(camera_at, at.translation()) {
            text.push_str(&format!("{} {:.0} {:.0};", m.id, p.x, p.y));
        }
    }
    if *last == text {
        return;
    }
    ui::set_body_data("markers", &text);
    *last = text;
}
