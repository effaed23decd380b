//! The site models, one function per site, built from simple shapes so each is recognisable.

use crate::glb::{Material, Model};
use crate::mesh::{Mesh, noise};

/// An opaque material from an sRGB colour (0–255) given as a designer would pick it.
fn mat(name: &'static str, rgb: [u8; 3], metallic: f32, roughness: f32) -> Material {
    let lin = |c: u8| (c as f32 / 255.0).powf(2.2);
    Material {
        name,
        color: [lin(rgb[0]), lin(rgb[1]), lin(rgb[2]), 1.0],
        metallic,
        roughness,
    }
}

fn grass() -> Material {
    mat("grass", [92, 128, 60], 0.0, 0.95)
}

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

/// Điện Biên Phủ Victory Museum: a round hall under a roof shaped like a netted helmet.
pub fn museum() -> Model {
    let mut m = Model::new("bao-tang-chien-thang-dien-bien-phu");
    let ground = Mesh::terrain(160.0, 32, |x, z| 0.4 * noise(x / 18.0, z / 18.0, 1) - 0.3);
    m.add("ground", &grass(), &ground, [0.0, 0.0, 0.0]);
    let stone = mat("plaza-stone", [196, 190, 176], 0.0, 0.8);
    m.add(
        "plaza",
        &stone,
        &Mesh::cylinder(42.0, 42.0, 0.3, 48),
        [0.0, 0.0, 0.0],
    );
    let wall = mat("wall", [228, 222, 205], 0.0, 0.7);
    m.add(
        "hall",
        &wall,
        &Mesh::cylinder(21.0, 21.0, 7.0, 48),
        [0.0, 0.3, 0.0],
    );
    let glass = mat("glass", [60, 80, 90], 0.3, 0.2);
    m.add(
        "windows",
        &glass,
        &Mesh::cylinder(21.2, 21.2, 2.0, 48),
        [0.0, 2.5, 0.0],
    );
    let helmet = mat("helmet-olive", [96, 110, 62], 0.0, 0.85);
    let profile = [
        (23.0, 7.0),
        (31.0, 7.6),
        (30.5, 8.6),
        (26.0, 9.2),
        (25.0, 12.0),
        (22.0, 16.0),
        (16.0, 19.5),
        (8.0, 21.5),
        (0.0, 22.2),
    ];
    m.add(
        "helmet-roof",
        &helmet,
        &Mesh::lathe(&profile, 64),
        [0.0, 0.3, 0.0],
    );
    // The camouflage netting: darker bands and ribs over the dome.
    let net = mat("helmet-net", [62, 74, 40], 0.0, 0.95);
    for (r0, y0, r1, y1) in [
        (25.3, 12.5, 24.6, 13.2),
        (21.4, 16.6, 20.3, 17.3),
        (14.2, 20.0, 12.4, 20.5),
    ] {
        m.add(
            "netting",
            &net,
            &Mesh::cylinder(r0, r1, y1 - y0, 64),
            [0.0, 0.3 + y0, 0.0],
        );
    }
    for k in 0..16 {
        let rib = Mesh::cuboid(0.5, 0.6, 24.0).rotated_y(k as f32 * std::f32::consts::PI / 16.0);
        m.add("netting", &net, &rib, [0.0, 0.3 + 21.8, 0.0]);
    }
    let steel = mat("steel", [170, 170, 175], 0.8, 0.35);
    let red = mat("flag-red", [200, 24, 30], 0.0, 0.7);
    m.add(
        "flagpole",
        &steel,
        &Mesh::cylinder(0.2, 0.15, 24.0, 8),
        [34.0, 0.3, 10.0],
    );
    m.add(
        "flag",
        &red,
        &Mesh::cuboid(5.0, 3.2, 0.1),
        [36.6, 20.8, 10.0],
    );
    for k in 0..14 {
        let a = k as f32 / 14.0 * std::f32::consts::TAU + 0.2;
        tree(
            &mut m,
            52.0 * a.cos(),
            52.0 * a.sin(),
            -0.2,
            9.0 + 3.0 * (k % 3) as f32,
        );
    }
    m
}

/// Hill A1: the hill with the blast crater, the tank wreck and the memorial.
pub fn hill_a1() -> Model {
    let mut m = Model::new("doi-a1");
    let hill = |x: f32, z: f32| {
        let r2 = x * x + z * z;
        let crater =
            7.0 * (-((x - 10.0).powi(2) + (z + 6.0).powi(2)) / (2.0 * 5.5f32.powi(2))).exp();
        30.0 * (-r2 / (2.0 * 32.0f32.powi(2))).exp() + 1.2 * noise(x / 9.0, z / 9.0, 7) - crater
    };
    let terrain = Mesh::terrain(180.0, 90, hill);
    m.add("hill", &grass(), &terrain, [0.0, 0.0, 0.0]);
    let earth = mat("crater-earth", [122, 92, 62], 0.0, 1.0);
    let crater_floor = Mesh::cylinder(4.5, 5.5, 0.6, 24);
    m.add(
        "crater",
        &earth,
        &crater_floor,
        [10.0, hill(10.0, -6.0) - 0.3, -6.0],
    );

    let tank = mat("tank-olive", [70, 76, 52], 0.4, 0.6);
    let (tx, tz) = (-6.0, 4.0);
    let ty = hill(tx, tz) - 0.2;
    let body = Mesh::cuboid(6.4, 1.5, 3.2).rotated_y(0.5);
    m.add("tank", &tank, &body, [tx, ty, tz]);
    m.add(
        "tank",
        &tank,
        &Mesh::cylinder(1.4, 1.2, 0.9, 16),
        [tx, ty + 1.5, tz],
    );
    let gun = Mesh::cuboid(4.2, 0.3, 0.3).rotated_y(0.5);
    m.add(
        "tank",
        &tank,
        &gun,
        [tx + 2.2 * 0.5f32.cos(), ty + 1.9, tz - 2.2 * 0.5f32.sin()],
    );
    let tracks = mat("tank-tracks", [40, 40, 38], 0.5, 0.7);
    for side in [-1.0f32, 1.0] {
        let (dx, dz) = (side * 1.7 * 0.5f32.sin(), side * 1.7 * 0.5f32.cos());
        let track = Mesh::cuboid(6.8, 0.9, 0.7).rotated_y(0.5);
        m.add("tank-tracks", &tracks, &track, [tx + dx, ty - 0.1, tz + dz]);
    }

    let stone = mat("memorial-stone", [236, 232, 222], 0.0, 0.6);
    let (mx, mz) = (-14.0, -12.0);
    let my = hill(mx, mz);
    m.add(
        "memorial",
        &stone,
        &Mesh::cuboid(5.0, 0.8, 5.0),
        [mx, my - 0.3, mz],
    );
    m.add(
        "memorial",
        &stone,
        &Mesh::cylinder(1.2, 0.6, 9.0, 4),
        [mx, my + 0.5, mz],
    );
    for k in 0..18 {
        let a = k as f32 / 18.0 * std::f32::consts::TAU;
        let r = 55.0 + 8.0 * noise(k as f32, 0.5, 3);
        let (x, z) = (r * a.cos(), r * a.sin());
        tree(&mut m, x, z, hill(x, z) - 0.3, 8.0 + 2.0 * (k % 4) as f32);
    }
    m
}

/// General de Castries' bunker: an arched steel roof over sandbag walls, in the flat valley.
pub fn de_castries_bunker() -> Model {
    let mut m = Model::new("ham-do-cat");
    let earth = mat("earth", [138, 112, 78], 0.0, 1.0);
    let ground = Mesh::terrain(120.0, 40, |x, z| 0.25 * noise(x / 12.0, z / 12.0, 11));
    m.add("ground", &earth, &ground, [0.0, 0.0, 0.0]);
    let grass_patch = Mesh::terrain(120.0, 24, |x, z| {
        let d = (x * x / 900.0 + z * z / 400.0).sqrt();
        if d < 1.0 {
            -1.0
        } else {
            0.15 + 0.3 * noise(x / 7.0, z / 7.0, 5)
        }
    });
    m.add("grass", &grass(), &grass_patch, [0.0, 0.0, 0.0]);

    let sand = mat("sandbags", [196, 176, 128], 0.0, 1.0);
    let bag = Mesh::cuboid(0.9, 0.38, 0.5);
    for course in 0..5 {
        let y = course as f32 * 0.38;
        let shift = if course % 2 == 0 { 0.0 } else { 0.45 };
        for side in [-4.4f32, 4.4] {
            for k in 0..22 {
                let z = -10.0 + shift + k as f32 * 0.92;
                m.add(
                    "sandbag-walls",
                    &sand,
                    &bag.clone().rotated_y(std::f32::consts::FRAC_PI_2),
                    [side, y, z],
                );
            }
        }
        for k in 0..9 {
            let x = -4.0 + shift + k as f32 * 0.92;
            if (-1.2..1.2).contains(&x) {
                continue; // the doorway
            }
            m.add("sandbag-walls", &sand, &bag, [x, y, 10.2]);
            m.add("sandbag-walls", &sand, &bag, [x, y, -10.2]);
        }
    }
    let steel = mat("arched-steel", [112, 116, 110], 0.7, 0.45);
    m.add(
        "steel-roof",
        &steel,
        &Mesh::arch(4.6, 20.8, 0.15, 24),
        [0.0, 1.9, 0.0],
    );
    let rib_mat = mat("steel-ribs", [86, 88, 84], 0.7, 0.5);
    for k in 0..9 {
        let z = -9.6 + k as f32 * 2.4;
        m.add(
            "steel-roof-ribs",
            &rib_mat,
            &Mesh::arch(4.75, 0.25, 0.2, 24),
            [0.0, 1.9, z],
        );
    }
    let dark = mat("doorway", [24, 22, 20], 0.0, 1.0);
    m.add(
        "doorway",
        &dark,
        &Mesh::cuboid(2.2, 2.0, 0.2),
        [0.0, 0.0, 10.3],
    );
    let trench = mat("trench", [96, 74, 50], 0.0, 1.0);
    m.add(
        "trench",
        &trench,
        &Mesh::cuboid(1.6, 0.15, 14.0),
        [0.0, 0.02, 17.5],
    );
    let wood = mat("posts", [80, 60, 40], 0.0, 0.9);
    for k in 0..12 {
        let a = k as f32 / 12.0 * std::f32::consts::TAU;
        m.add(
            "wire-posts",
            &wood,
            &Mesh::cylinder(0.08, 0.08, 1.4, 6),
            [14.0 * a.cos(), 0.0, 18.0 * a.sin()],
        );
    }
    for k in 0..10 {
        let a = k as f32 / 10.0 * std::f32::consts::TAU + 0.3;
        tree(
            &mut m,
            40.0 * a.cos(),
            40.0 * a.sin(),
            0.0,
            7.0 + 2.0 * (k % 3) as f32,
        );
    }
    m
}
