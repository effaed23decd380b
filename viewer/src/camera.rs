//! The orbit camera: drag to turn, wheel or pinch to zoom, framed on each new model, with
//! limits so the model cannot be lost.

use std::f32::consts::{PI, TAU};

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::input::mouse::{AccumulatedMouseMotion, AccumulatedMouseScroll, MouseScrollUnit};
use bevy::input::touch::{TouchInput, Touches};
use bevy::prelude::*;

use crate::site::SiteShown;
use crate::ui;

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(ClearColor(Color::srgb(0.74, 0.83, 0.90)))
        .init_resource::<Glide>()
        .add_systems(Startup, spawn)
        .add_systems(
            Update,
            (frame_new_model, orbit_input, glide, place_camera).chain(),
        );
}

/// How long the camera takes to glide to a new view.
pub const GLIDE_SECONDS: f32 = 1.5;

/// A camera move in progress (to a tour stop or a hotspot): eased in and out over
/// [`GLIDE_SECONDS`], at once when the user asks the system for reduced motion, ended by the
/// user's own controls. When it arrives, `data-view` on `<body>` names where it is.
#[derive(Resource, Default, Debug)]
pub struct Glide(Option<GlideState>);

#[derive(Debug, Clone)]
struct GlideState {
    from: Orbit,
    to: Orbit,
    elapsed: f32,
    duration: f32,
    /// What the glide last set, to notice the user taking over.
    last: Orbit,
    label: String,
}

impl Glide {
    pub fn start(&mut self, from: Orbit, to: Orbit, label: String) {
        let duration = if reduced_motion() { 0.0 } else { GLIDE_SECONDS };
        self.0 = Some(GlideState {
            from,
            to,
            elapsed: 0.0,
            duration,
            last: from,
            label,
        });
        report_view("");
    }

    pub fn stop(&mut self) {
        self.0 = None;
    }
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

/// Tells the page (and the tests) which view the camera has reached.
fn report_view(label: &str) {
    ui::set_body_data("view", label);
}

pub(crate) fn glide(time: Res<Time>, mut glide: ResMut<Glide>, mut orbits: Query<&mut Orbit>) {
    let Some(g) = glide.0.as_mut() else {
        return;
    };
    let Ok(mut orbit) = orbits.single_mut() else {
        return;
    };
    if *orbit != g.last {
        // The user turned or zoomed: the camera is theirs now.
        glide.0 = None;
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
        report_view(&g.label);
        glide.0 = None;
    }
}

/// Where the camera looks from: angles and distance around a target point.
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct Orbit {
    pub target: Vec3,
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
    pub min_distance: f32,
    pub max_distance: f32,
    /// The target stays within `reach` of `center` (the model's), so the model can't be lost.
    pub center: Vec3,
    pub reach: f32,
}

impl Default for Orbit {
    fn default() -> Self {
        Orbit {
            target: Vec3::ZERO,
            yaw: 0.7,
            pitch: 0.6,
            distance: 80.0,
            min_distance: 5.0,
            max_distance: 500.0,
            center: Vec3::ZERO,
            reach: 100.0,
        }
    }
}

impl Orbit {
    const MIN_PITCH: f32 = *disan_types::rules::PITCH.start();
    const MAX_PITCH: f32 = *disan_types::rules::PITCH.end();

    /// Turns by a drag of (dx, dy) pixels.
    pub fn turn(&mut self, dx: f32, dy: f32) {
        self.yaw -= dx * 0.006;
        self.pitch = (self.pitch + dy * 0.004).clamp(Self::MIN_PITCH, Self::MAX_PITCH);
    }

    /// Zooms by a factor (< 1 is closer), within the limits.
    pub fn zoom(&mut self, factor: f32) {
        self.distance = (self.distance * factor).clamp(self.min_distance, self.max_distance);
    }

    /// Slides the target sideways and up or down by a drag of (dx, dy) pixels, as if the
    /// model were dragged along; never further than `reach` from the model's centre.
    pub fn pan(&mut self, dx: f32, dy: f32) {
        let right = Vec3::new(self.yaw.cos(), 0.0, -self.yaw.sin());
        let up = Vec3::Y;
        let scale = self.distance * 0.0015;
        self.target += (-right * dx + up * dy) * scale;
        self.keep_target_near();
    }

    fn keep_target_near(&mut self) {
        let off = self.target - self.center;
        if off.length() > self.reach {
            self.target = self.center + off.normalize() * self.reach;
        }
    }

    /// The same orbit with pitch, distance and target brought within the limits.
    pub fn within_limits(mut self) -> Orbit {
        self.pitch = self.pitch.clamp(Self::MIN_PITCH, Self::MAX_PITCH);
        self.distance = self.distance.clamp(self.min_distance, self.max_distance);
        self.keep_target_near();
        self
    }

    /// The orbit a fraction `t` (0…1) of the way to `to`: the target in a straight line, the
    /// yaw the short way round, the distance evenly in scale (so zooming feels even).
    pub fn lerp(&self, to: &Orbit, t: f32) -> Orbit {
        let turn = (to.yaw - self.yaw + PI).rem_euclid(TAU) - PI;
        Orbit {
            target: self.target.lerp(to.target, t),
            yaw: self.yaw + turn * t,
            pitch: self.pitch + (to.pitch - self.pitch) * t,
            distance: self.distance * (to.distance / self.distance).powf(t),
            ..*to
        }
    }

    pub fn eye(&self) -> Vec3 {
        let dir = Vec3::new(
            self.pitch.cos() * self.yaw.sin(),
            self.pitch.sin(),
            self.pitch.cos() * self.yaw.cos(),
        );
        self.target + dir * self.distance
    }
}

fn spawn(mut commands: Commands) {
    let orbit = Orbit::default();
    commands.spawn((
        Camera3d::default(),
        // `shading.wgsl` has its own tone curve.
        Tonemapping::None,
        Transform::from_translation(orbit.eye()).looking_at(orbit.target, Vec3::Y),
        orbit,
    ));
}

fn frame_new_model(mut shown: MessageReader<SiteShown>, mut orbits: Query<&mut Orbit>) {
    let Some(site) = shown.read().last().copied() else {
        return;
    };
    for mut orbit in &mut orbits {
        *orbit = Orbit {
            target: site.center,
            distance: site.radius * 0.85,
            min_distance: site.radius * 0.2,
            max_distance: site.radius * 3.0,
            center: site.center,
            reach: site.radius,
            ..Orbit::default()
        };
    }
}

/// Pixels of turn or pan per frame a held arrow key is worth.
const KEY_STEP: f32 = 12.0;

pub(crate) fn orbit_input(
    buttons: Res<ButtonInput<MouseButton>>,
    keys: Res<ButtonInput<KeyCode>>,
    motion: Res<AccumulatedMouseMotion>,
    scroll: Res<AccumulatedMouseScroll>,
    touches: Res<Touches>,
    mut touch_input: MessageReader<TouchInput>,
    mut orbits: Query<&mut Orbit>,
) {
    let mut turn = Vec2::ZERO;
    let mut pan = Vec2::ZERO;
    let mut zoom = 1.0;
    // A drag that ends within one frame still counts. Left turns; right or middle pans.
    let held = |b| buttons.pressed(b) || buttons.just_released(b);
    if held(MouseButton::Left) {
        turn += motion.delta;
    } else if held(MouseButton::Right) || held(MouseButton::Middle) {
        pan += motion.delta;
    }
    if scroll.delta.y != 0.0 {
        let lines = match scroll.unit {
            MouseScrollUnit::Line => scroll.delta.y,
            MouseScrollUnit::Pixel => scroll.delta.y / 100.0,
        };
        zoom *= 0.9f32.powf(lines);
    }
    // Keyboard (when the 3D view has focus): arrows turn, Shift+arrows pan, +/- zoom.
    let axis =
        |plus, minus| f32::from(i8::from(keys.pressed(plus)) - i8::from(keys.pressed(minus)));
    let arrows = Vec2::new(
        axis(KeyCode::ArrowLeft, KeyCode::ArrowRight),
        axis(KeyCode::ArrowUp, KeyCode::ArrowDown),
    ) * KEY_STEP;
    if keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]) {
        pan += arrows;
    } else {
        turn += arrows;
    }
    if keys.any_pressed([KeyCode::Equal, KeyCode::NumpadAdd]) {
        zoom *= 0.97;
    }
    if keys.any_pressed([KeyCode::Minus, KeyCode::NumpadSubtract]) {
        zoom /= 0.97;
    }
    // A touch's delta only changes in frames with touch input: a finger held still must not
    // keep turning the camera. One finger turns; two pinch to zoom and move together to pan.
    let touched = touch_input.read().count() > 0;
    let fingers: Vec<_> = touches.iter().filter(|_| touched).collect();
    match fingers.as_slice() {
        [one] => turn += one.delta(),
        [a, b] => {
            let before = a.previous_position().distance(b.previous_position());
            let now = a.position().distance(b.position());
            if before > 1.0 && now > 1.0 {
                zoom *= before / now;
            }
            pan += (a.delta() + b.delta()) / 2.0;
        }
        _ => {}
    }
    if turn == Vec2::ZERO && pan == Vec2::ZERO && zoom == 1.0 {
        return;
    }
    for mut orbit in &mut orbits {
        orbit.turn(turn.x, turn.y);
        orbit.pan(pan.x, pan.y);
        orbit.zoom(zoom);
    }
}

pub(crate) fn place_camera(mut cameras: Query<(&Orbit, &mut Transform), Changed<Orbit>>) {
    for (orbit, mut transform) in &mut cameras {
        *transform = Transform::from_translation(orbit.eye()).looking_at(orbit.target, Vec3::Y);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold() {
        let mut o = Orbit::default();
        o.turn(0.0, 1e6);
        assert!(o.pitch <= Orbit::MAX_PITCH);
        o.turn(0.0, -1e6);
        assert!(o.pitch >= Orbit::MIN_PITCH);
        o.zoom(1e-6);
        assert_eq!(o.distance, o.min_distance);
        o.zoom(1e6);
        assert_eq!(o.distance, o.max_distance);
        assert!(o.eye().y > o.target.y, "camera stays above the ground");
        o.pan(1e6, -1e6);
        assert!(
            o.target.distance(o.center) <= o.reach * 1.0001,
            "target stays near"
        );
    }

    #[test]
    fn lerp_goes_the_short_way_and_ends_there() {
        let from = Orbit {
            yaw: 3.0,
            ..Orbit::default()
        };
        let to = Orbit {
            target: Vec3::new(10.0, 2.0, -4.0),
            yaw: -3.0,
            pitch: 0.3,
            distance: 20.0,
            ..Orbit::default()
        };
        assert_eq!(from.lerp(&to, 0.0).eye(), from.eye());
        assert!(from.lerp(&to, 1.0).eye().distance(to.eye()) < 1e-3);
        // From 3.0 to −3.0 the short way is through π (0.28 rad), not through 0.
        let half = from.lerp(&to, 0.5);
        assert!((half.yaw - 3.0).abs() < 0.2, "{}", half.yaw);
        assert!(half.distance < from.distance && half.distance > to.distance);
    }
}
