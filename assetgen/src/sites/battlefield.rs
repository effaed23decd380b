//! The battlefield sites of Điện Biên Phủ: the museum, the hills, the bunker, the monument and
//! the campaign headquarters.

use super::{broadleaf, grass, mat, stairs, tree, tree_ring};
use crate::glb::{Detail, Model};
use crate::mesh::{Mesh, noise};

/// Điện Biên Phủ Victory Museum: a round hall under a roof shaped like a netted helmet.
pub fn museum(detail: Detail) -> Model {
    let mut m = Model::new("bao-tang-chien-thang-dien-bien-phu", detail);
    let ground = Mesh::terrain(160.0, m.cells(32), |x, z| {
        0.4 * noise(x / 18.0, z / 18.0, 1) - 0.3
    });
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
    m.anchor("entrance", [0.0, 2.0, 22.0]);
    m.anchor("roof", [0.0, 22.5, 0.0]);
    m.anchor("brim", [-29.0, 8.5, 8.0]);
    m.anchor("flag", [36.6, 22.0, 10.0]);
    m.anchor("plaza", [20.0, 0.5, 32.0]);
    m
}

/// Hill A1: the hill with the blast crater, the tank wreck and the memorial.
pub fn hill_a1(detail: Detail) -> Model {
    let mut m = Model::new("doi-a1", detail);
    let hill = |x: f32, z: f32| {
        let r2 = x * x + z * z;
        let crater =
            7.0 * (-((x - 10.0).powi(2) + (z + 6.0).powi(2)) / (2.0 * 5.5f32.powi(2))).exp();
        30.0 * (-r2 / (2.0 * 32.0f32.powi(2))).exp() + 1.2 * noise(x / 9.0, z / 9.0, 7) - crater
    };
    let terrain = Mesh::terrain(180.0, m.cells(90), hill);
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
    m.anchor("summit", [0.0, hill(0.0, 0.0) + 1.0, 0.0]);
    m.anchor("tank", [tx, ty + 2.2, tz]);
    m.anchor("crater", [10.0, hill(10.0, -6.0) + 0.5, -6.0]);
    m.anchor("memorial", [mx, my + 9.5, mz]);
    m.anchor("east-slope", [40.0, hill(40.0, 10.0) + 0.5, 10.0]);
    m
}

/// General de Castries' bunker: an arched steel roof over sandbag walls, in the flat valley.
pub fn de_castries_bunker(detail: Detail) -> Model {
    let mut m = Model::new("ham-do-cat", detail);
    let earth = mat("earth", [138, 112, 78], 0.0, 1.0);
    let ground = Mesh::terrain(120.0, m.cells(40), |x, z| {
        0.25 * noise(x / 12.0, z / 12.0, 11)
    });
    m.add("ground", &earth, &ground, [0.0, 0.0, 0.0]);
    let grass_patch = Mesh::terrain(120.0, m.cells(24), |x, z| {
        let d = (x * x / 900.0 + z * z / 400.0).sqrt();
        if d < 1.0 {
            -1.0
        } else {
            0.15 + 0.3 * noise(x / 7.0, z / 7.0, 5)
        }
    });
    m.add("grass", &grass(), &grass_patch, [0.0, 0.0, 0.0]);

    let sand = mat("sandbags", [196, 176, 128], 0.0, 1.0);
    if detail == Detail::Light {
        // One block per wall instead of every bag.
        for (x, z, w, d) in [
            (-4.4, 0.0, 0.5, 20.2),
            (4.4, 0.0, 0.5, 20.2),
            (-2.6, 10.2, 3.0, 0.5),
            (2.6, 10.2, 3.0, 0.5),
            (0.0, -10.2, 8.8, 0.5),
        ] {
            m.add(
                "sandbag-walls",
                &sand,
                &Mesh::cuboid(w, 1.9, d),
                [x, 0.0, z],
            );
        }
    } else {
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
    m.anchor("roof", [0.0, 6.6, 0.0]);
    m.anchor("doorway", [0.0, 1.2, 10.4]);
    m.anchor("sandbags", [4.6, 1.2, -4.0]);
    m.anchor("trench", [0.0, 0.3, 20.0]);
    m.anchor("wire", [14.0, 1.0, 0.0]);
    m
}

/// A standing figure of the bronze group: legs, body, head, and one arm raised or lowered.
fn figure(m: &mut Model, x: f32, z: f32, y: f32, h: f32, arm_up: bool, facing: f32) {
    let bronze = mat("bronze", [120, 84, 44], 0.85, 0.4);
    let s = h / 12.6;
    let body = Mesh::cylinder(1.0 * s, 0.8 * s, 5.5 * s, 12).scaled([1.0, 1.0, 0.7]);
    m.add("bronze-group", &bronze, &body, [x, y + 4.5 * s, z]);
    for side in [-0.45f32, 0.45] {
        let leg = Mesh::cylinder(0.45 * s, 0.35 * s, 4.6 * s, 8);
        let (lx, lz) = (side * s * facing.cos(), -side * s * facing.sin());
        m.add("bronze-group", &bronze, &leg, [x + lx, y, z + lz]);
    }
    m.add(
        "bronze-group",
        &bronze,
        &Mesh::sphere(0.75 * s, 12),
        [x, y + 10.0 * s, z],
    );
    let arm_len = 4.2 * s;
    let arm = if arm_up {
        Mesh::cuboid(0.5 * s, arm_len, 0.5 * s).rotated_x(-0.25)
    } else {
        Mesh::cuboid(0.5 * s, arm_len, 0.5 * s).rotated_x(2.9)
    }
    .rotated_y(facing);
    let (ax, az) = (1.1 * s * facing.cos(), -1.1 * s * facing.sin());
    m.add("bronze-group", &bronze, &arm, [x + ax, y + 9.3 * s, z + az]);
}

/// The Victory Monument on Hill D1: the bronze group on its pedestal at the top of a stairway,
/// with the stone relief wall below.
pub fn victory_monument(detail: Detail) -> Model {
    let mut m = Model::new("tuong-dai-chien-thang-dien-bien-phu", detail);
    let hill = |x: f32, z: f32| {
        22.0 * (-(x * x + z * z) / (2.0 * 30.0f32.powi(2))).exp()
            + 0.8 * noise(x / 10.0, z / 10.0, 21)
    };
    m.add(
        "hill",
        &grass(),
        &Mesh::terrain(170.0, m.cells(80), hill),
        [0.0, 0.0, 0.0],
    );
    let stone = mat("granite", [176, 170, 160], 0.0, 0.7);
    let top = hill(0.0, 0.0);
    m.add(
        "summit-plaza",
        &stone,
        &Mesh::cylinder(9.0, 9.0, 1.0, 32),
        [0.0, top - 0.6, 0.0],
    );
    m.add(
        "pedestal",
        &stone,
        &Mesh::cuboid(7.0, 3.6, 5.0),
        [0.0, top + 0.4, 0.0],
    );
    let base = top + 4.0;
    figure(&mut m, 0.0, 0.0, base, 12.6, true, 0.0);
    figure(&mut m, -1.8, 0.8, base, 10.5, false, 0.3);
    figure(&mut m, 1.8, 0.8, base, 10.5, false, -0.3);
    let red = mat("flag-red", [200, 24, 30], 0.0, 0.7);
    m.add(
        "flag",
        &red,
        &Mesh::cuboid(0.2, 3.2, 4.6),
        [0.3, base + 13.5, -2.0],
    );
    stairs(&mut m, &stone, (0.0, 60.0), (0.0, 9.0), 36, 6.0, &hill);
    m.add(
        "relief-wall",
        &stone,
        &Mesh::cuboid(58.0, 5.0, 1.5),
        [0.0, hill(0.0, 64.0) - 0.5, 64.0],
    );
    let relief = mat("relief-bronze", [110, 80, 46], 0.7, 0.5);
    for k in 0..12 {
        let x = -26.0 + k as f32 * 4.7;
        let panel = Mesh::cuboid(3.8, 3.6, 0.3);
        m.add("relief-panels", &relief, &panel, [x, hill(0.0, 64.0), 63.1]);
    }
    tree_ring(&mut m, 16, 58.0, 4, hill, true);
    m.anchor("bronze-group", [0.0, base + 12.6, 0.0]);
    m.anchor("pedestal", [0.0, top + 2.0, 2.6]);
    m.anchor("stairway", [0.0, hill(0.0, 35.0) + 0.5, 35.0]);
    m.anchor("relief", [0.0, hill(0.0, 64.0) + 2.5, 63.0]);
    m.anchor("flag", [0.3, base + 15.0, -2.0]);
    m
}

/// Zigzag trench segments around a hill, following the ground.
fn trenches(m: &mut Model, hill: &impl Fn(f32, f32) -> f32, radius: f32, count: u32, seed: u32) {
    let trench = mat("trench-earth", [108, 82, 56], 0.0, 1.0);
    let n = count * 6;
    let points: Vec<[f32; 3]> = (0..=n)
        .map(|i| {
            let a = i as f32 / n as f32 * std::f32::consts::TAU;
            let r = radius + if i % 2 == 0 { 2.0 } else { -2.0 } + noise(i as f32, 1.5, seed);
            let (x, z) = (r * a.cos(), r * a.sin());
            [x, hill(x, z) + 0.08, z]
        })
        .collect();
    m.add(
        "trenches",
        &trench,
        &Mesh::ribbon(&points, 1.6),
        [0.0, 0.0, 0.0],
    );
}

/// Him Lam Hill: the first strongpoint to fall, with its trenches, bunker mounds and stele.
pub fn him_lam_hill(detail: Detail) -> Model {
    let mut m = Model::new("doi-him-lam", detail);
    let hill = |x: f32, z: f32| {
        let a = 18.0 * (-((x + 15.0).powi(2) + z * z) / (2.0 * 22.0f32.powi(2))).exp();
        let b = 14.0 * (-((x - 25.0).powi(2) + (z - 10.0).powi(2)) / (2.0 * 18.0f32.powi(2))).exp();
        a + b + 0.9 * noise(x / 8.0, z / 8.0, 31)
    };
    m.add(
        "hills",
        &grass(),
        &Mesh::terrain(170.0, m.cells(80), hill),
        [0.0, 0.0, 0.0],
    );
    trenches(&mut m, &hill, 14.0, 5, 31);
    trenches(&mut m, &hill, 26.0, 7, 32);
    let earth = mat("bunker-mound", [118, 96, 70], 0.0, 1.0);
    for (x, z) in [(-15.0, 0.0), (-8.0, 9.0), (-22.0, -7.0), (25.0, 10.0)] {
        let mound = Mesh::sphere(2.6, 12).scaled([1.0, 0.5, 1.0]);
        m.add("bunkers", &earth, &mound, [x, hill(x, z) - 0.4, z]);
    }
    let stone = mat("stele-stone", [226, 220, 206], 0.0, 0.6);
    let (sx, sz) = (-15.0, -14.0);
    m.add(
        "stele",
        &stone,
        &Mesh::cuboid(6.0, 0.6, 4.0),
        [sx, hill(sx, sz) - 0.2, sz],
    );
    m.add(
        "stele",
        &stone,
        &Mesh::cuboid(2.2, 5.5, 0.6),
        [sx, hill(sx, sz) + 0.4, sz],
    );
    tree_ring(&mut m, 20, 62.0, 5, hill, true);
    m.anchor("stele", [sx, hill(sx, sz) + 5.0, sz]);
    m.anchor("trenches", [0.0, hill(0.0, 14.0) + 0.5, 14.0]);
    m.anchor("bunker", [-15.0, hill(-15.0, 0.0) + 1.0, 0.0]);
    m.anchor("second-hill", [25.0, hill(25.0, 10.0) + 1.0, 10.0]);
    m
}

/// Độc Lập Hill: the northern strongpoint's ring of trenches, and the martyrs' cemetery with
/// its rows of graves and memorial tower.
pub fn doc_lap_hill(detail: Detail) -> Model {
    let mut m = Model::new("doi-doc-lap", detail);
    let hill = |x: f32, z: f32| {
        16.0 * (-((x + 20.0).powi(2) + (z + 5.0).powi(2)) / (2.0 * 20.0f32.powi(2))).exp()
            + 0.7 * noise(x / 9.0, z / 9.0, 41)
    };
    m.add(
        "hill",
        &grass(),
        &Mesh::terrain(170.0, m.cells(80), hill),
        [0.0, 0.0, 0.0],
    );
    trenches(&mut m, &hill, 12.0, 5, 41);
    let path = mat("cemetery-paving", [190, 184, 170], 0.0, 0.8);
    let (cx, cz) = (30.0, 15.0);
    m.add(
        "cemetery",
        &path,
        &Mesh::cuboid(34.0, 0.3, 30.0),
        [cx, hill(cx, cz) - 0.1, cz],
    );
    let grave = mat("gravestones", [232, 228, 218], 0.0, 0.6);
    for row in 0..8 {
        for col in 0..12 {
            let (x, z) = (cx - 14.0 + col as f32 * 2.5, cz - 10.0 + row as f32 * 2.6);
            m.add(
                "graves",
                &grave,
                &Mesh::cuboid(0.9, 0.9, 0.5),
                [x, hill(cx, cz) + 0.2, z],
            );
        }
    }
    let tower = mat("memorial-tower", [240, 236, 226], 0.0, 0.5);
    m.add(
        "memorial",
        &tower,
        &Mesh::cylinder(1.6, 0.5, 12.0, 4),
        [cx, hill(cx, cz) + 0.2, cz + 13.0],
    );
    tree_ring(&mut m, 18, 64.0, 6, hill, false);
    m.anchor("strongpoint", [-20.0, hill(-20.0, -5.0) + 1.0, -5.0]);
    m.anchor("trenches", [-8.0, hill(-8.0, -5.0) + 0.5, -5.0]);
    m.anchor("cemetery", [cx, hill(cx, cz) + 1.0, cz]);
    m.anchor("memorial", [cx, hill(cx, cz) + 12.0, cz + 13.0]);
    m
}

/// A stilt hut with a thatched pitched roof.
fn hut(m: &mut Model, x: f32, z: f32, y: f32, w: f32, d: f32, turn: f32) {
    let wood = mat("timber", [112, 82, 52], 0.0, 0.9);
    let thatch = mat("thatch", [150, 122, 70], 0.0, 1.0);
    for (px, pz) in [(-1.0, -1.0), (1.0, -1.0), (-1.0, 1.0), (1.0, 1.0)] {
        let post = Mesh::cylinder(0.15, 0.15, 1.6, 6);
        let (ox, oz) = (px * w * 0.45, pz * d * 0.45);
        let (c, s) = (turn.cos(), turn.sin());
        m.add(
            "huts",
            &wood,
            &post,
            [x + c * ox + s * oz, y, z - s * ox + c * oz],
        );
    }
    m.add(
        "huts",
        &wood,
        &Mesh::cuboid(w, 2.2, d).rotated_y(turn),
        [x, y + 1.6, z],
    );
    let roof = Mesh::prism(
        &[(-w * 0.65, 0.0), (w * 0.65, 0.0), (0.0, w * 0.55)],
        d * 1.25,
    );
    m.add("hut-roofs", &thatch, &roof.rotated_y(turn), [x, y + 3.8, z]);
}

/// The campaign headquarters at Mường Phăng: huts in old forest at the foot of a mountain,
/// and the mouth of the tunnel through the hill.
pub fn command_post(detail: Detail) -> Model {
    let mut m = Model::new("so-chi-huy-chien-dich-muong-phang", detail);
    let ground = |x: f32, z: f32| {
        let mountain =
            45.0 * (-((x + 10.0).powi(2) + (z + 70.0).powi(2)) / (2.0 * 40.0f32.powi(2))).exp();
        mountain + 1.5 * noise(x / 12.0, z / 12.0, 51)
    };
    m.add(
        "forest-floor",
        &mat("forest-floor", [70, 98, 52], 0.0, 1.0),
        &Mesh::terrain(180.0, m.cells(80), ground),
        [0.0, 0.0, 0.0],
    );
    let huts = [
        (-8.0, 6.0, 6.0, 4.0, 0.3),
        (6.0, 10.0, 5.0, 3.5, -0.2),
        (14.0, -4.0, 4.0, 3.0, 0.8),
    ];
    for (x, z, w, d, turn) in huts {
        hut(&mut m, x, z, ground(x, z), w, d, turn);
    }
    // Tunnel mouth cut into the slope: a dark arch with a timber frame.
    let dark = mat("tunnel-dark", [18, 16, 14], 0.0, 1.0);
    let frame = mat("timber", [112, 82, 52], 0.0, 0.9);
    let (tx, tz) = (-12.0, -22.0);
    let ty = ground(tx, tz);
    m.add("tunnel", &dark, &Mesh::cuboid(2.4, 2.4, 0.6), [tx, ty, tz]);
    m.add(
        "tunnel",
        &frame,
        &Mesh::arch(1.6, 0.6, 0.3, 12),
        [tx, ty + 2.2, tz + 0.3],
    );
    m.add(
        "tunnel",
        &frame,
        &Mesh::cuboid(0.3, 2.3, 0.5),
        [tx - 1.45, ty, tz + 0.3],
    );
    m.add(
        "tunnel",
        &frame,
        &Mesh::cuboid(0.3, 2.3, 0.5),
        [tx + 1.45, ty, tz + 0.3],
    );
    let path = mat("path", [128, 102, 70], 0.0, 1.0);
    let points: Vec<[f32; 3]> = (0..=12)
        .map(|i| {
            let t = i as f32 / 12.0;
            let (x, z) = (
                tx + (6.0 - tx) * t + 3.0 * (t * 6.0).sin(),
                tz + 2.0 + (10.0 - tz) * t,
            );
            [x, ground(x, z) + 0.06, z]
        })
        .collect();
    m.add("path", &path, &Mesh::ribbon(&points, 1.4), [0.0, 0.0, 0.0]);
    let stone = mat("monument-stone", [210, 204, 190], 0.0, 0.6);
    let (mx, mz) = (22.0, 18.0);
    m.add(
        "victory-monument",
        &stone,
        &Mesh::cuboid(4.0, 1.0, 4.0),
        [mx, ground(mx, mz) - 0.3, mz],
    );
    m.add(
        "victory-monument",
        &stone,
        &Mesh::prism(&[(-1.2, 0.0), (1.2, 0.0), (0.5, 7.0), (-0.5, 7.0)], 1.2),
        [mx, ground(mx, mz) + 0.7, mz],
    );
    // Old forest: dense broadleaf trees all around the clearing.
    for k in 0..70u32 {
        let a = k as f32 * 2.399_963;
        let r = 24.0 + 62.0 * ((k as f32 + 0.5) / 70.0).sqrt();
        let (x, z) = (r * a.cos(), r * a.sin());
        let h = 10.0 + 6.0 * (0.5 + 0.5 * noise(x / 5.0, z / 5.0, 52));
        broadleaf(&mut m, x, z, ground(x, z) - 0.3, h);
    }
    m.anchor("general-hut", [-8.0, ground(-8.0, 6.0) + 5.5, 6.0]);
    m.anchor("staff-huts", [6.0, ground(6.0, 10.0) + 5.0, 10.0]);
    m.anchor("tunnel", [tx, ty + 1.5, tz + 0.5]);
    m.anchor("monument", [mx, ground(mx, mz) + 7.5, mz]);
    m.anchor("mountain", [-10.0, ground(-10.0, -70.0), -70.0]);
    m
}
