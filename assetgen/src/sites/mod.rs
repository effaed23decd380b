//! The site models, one function per site, built from simple shapes so each is recognisable.

mod battlefield;
mod culture;
mod landscape;

pub use battlefield::{
    command_post, de_castries_bunker, doc_lap_hill, hill_a1, him_lam_hill, museum, victory_monument,
};
pub use culture::{ban_men, ban_phu_citadel, muong_luan_stupa, pu_vap};
pub use landscape::{a_pa_chai, pa_khoang_lake, pha_din_pass};

use crate::glb::{Material, Model};
use crate::mesh::Mesh;
use crate::texture::Texture;

/// An opaque material from an sRGB colour (0–255) given as a designer would pick it, with the
/// detail texture its kind of surface gets.
fn mat(name: &'static str, rgb: [u8; 3], metallic: f32, roughness: f32) -> Material {
    let lin = |c: u8| (c as f32 / 255.0).powf(2.2);
    let texture = match name {
        "grass" | "forest-floor" | "montane-forest" | "rice-paddies" => Some(Texture::Grass),
        "earth" | "crater-earth" | "trench-earth" | "ramparts" | "bunker-mound" | "path"
        | "lane" | "trench" => Some(Texture::Earth),
        "old-brick" | "ruined-walls" | "granite" | "plaza-stone" | "stairway" => {
            Some(Texture::Brick)
        }
        "helmet-olive" => Some(Texture::Net),
        "thatch" | "tortoise-roof" => Some(Texture::Thatch),
        _ => None,
    };
    Material {
        name,
        color: [lin(rgb[0]), lin(rgb[1]), lin(rgb[2]), 1.0],
        metallic,
        roughness,
        texture,
    }
}

fn grass() -> Material {
    mat("grass", [92, 128, 60], 0.0, 0.95)
}

fn water() -> Material {
    mat("water", [52, 96, 120], 0.1, 0.15)
}

/// A conifer-like tree: trunk and cone.
fn tree(model: &mut Model, x: f32, z: f32, y: f32, height: f32) {
    let trunk = mat("trunk", [90, 64, 40], 0.0, 0.9);
    let leaves = mat("leaves", [46, 92, 44], 0.0, 0.9);
    model.add(
        "trees-trunks",
        &trunk,
        &Mesh::cylinder(0.25, 0.2, height * 0.35, 6),
        [x, y, z],
    );
    model.add(
        "trees-crowns",
        &leaves,
        &Mesh::cylinder(height * 0.22, 0.0, height * 0.75, 8),
        [x, y + height * 0.25, z],
    );
}

/// A broadleaf tree: trunk and round crown.
fn broadleaf(model: &mut Model, x: f32, z: f32, y: f32, height: f32) {
    let trunk = mat("trunk", [90, 64, 40], 0.0, 0.9);
    let leaves = mat("broadleaves", [58, 104, 48], 0.0, 0.9);
    model.add(
        "trees-trunks",
        &trunk,
        &Mesh::cylinder(0.3, 0.25, height * 0.5, 6),
        [x, y, z],
    );
    let r = height * 0.3;
    model.add(
        "trees-crowns",
        &leaves,
        &Mesh::sphere(r, 8),
        [x, y + height * 0.4, z],
    );
}

/// Places `n` trees on a ring of radius `r` (with jitter), standing on `height`.
fn tree_ring(
    model: &mut Model,
    n: u32,
    r: f32,
    seed: u32,
    height: impl Fn(f32, f32) -> f32,
    broad: bool,
) {
    for k in 0..n {
        let a = k as f32 / n as f32 * std::f32::consts::TAU + 0.37 * seed as f32;
        let rr = r * (1.0 + 0.15 * crate::mesh::noise(k as f32 * 1.7, 0.5, seed));
        let (x, z) = (rr * a.cos(), rr * a.sin());
        let h = 7.0 + 2.5 * (k % 4) as f32;
        if broad {
            broadleaf(model, x, z, height(x, z) - 0.3, h);
        } else {
            tree(model, x, z, height(x, z) - 0.3, h);
        }
    }
}

/// Steps up a slope from `from` to `to` (x, z), each standing on `height`.
fn stairs(
    model: &mut Model,
    material: &Material,
    from: (f32, f32),
    to: (f32, f32),
    steps: u32,
    width: f32,
    height: &impl Fn(f32, f32) -> f32,
) {
    let (dx, dz) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dz * dz).sqrt();
    let angle = dz.atan2(dx);
    let depth = len / steps as f32;
    for i in 0..steps {
        let t = (i as f32 + 0.5) / steps as f32;
        let (x, z) = (from.0 + dx * t, from.1 + dz * t);
        let step = Mesh::cuboid(depth * 1.05, 0.6, width).rotated_y(-angle);
        model.add("stairs", material, &step, [x, height(x, z) - 0.3, z]);
    }
}
