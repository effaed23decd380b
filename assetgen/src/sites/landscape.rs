//! The landscapes: the Pha Đin pass, Pá Khoang lake and the A Pa Chải tri-border peak.

use super::{grass, mat, stairs, tree, tree_ring, water};
use crate::glb::{Detail, Model};
use crate::mesh::{Mesh, noise};

/// Pha Đin Pass: a mountain ridge with the road winding over it in hairpin bends and the
/// stele at the top.
pub fn pha_din_pass(detail: Detail) -> Model {
    let mut m = Model::new("deo-pha-din", detail);
    let ground = |x: f32, z: f32| {
        let ridge = 55.0 * (-(x * x) / (2.0 * 45.0f32.powi(2))).exp();
        ridge * (1.0 - 0.25 * (z / 90.0).powi(2)) + 3.0 * noise(x / 15.0, z / 15.0, 61)
    };
    m.add(
        "mountain",
        &grass(),
        &Mesh::terrain(200.0, m.cells(90), ground),
        [0.0, 0.0, 0.0],
    );
    // The road climbs one flank in hairpins, crosses the saddle and descends the other.
    let asphalt = mat("road", [70, 70, 72], 0.0, 0.8);
    let mut points = Vec::new();
    let legs = 7;
    for leg in 0..legs {
        let x0 = -85.0 + leg as f32 * (170.0 / legs as f32);
        let x1 = x0 + 170.0 / legs as f32;
        let (za, zb) = if leg % 2 == 0 {
            (-50.0, 50.0)
        } else {
            (50.0, -50.0)
        };
        for i in 0..=16 {
            let t = i as f32 / 16.0;
            let z = za + (zb - za) * t;
            let x = x0 + (x1 - x0) * t * t * (3.0 - 2.0 * t);
            points.push([x, ground(x, z) + 0.25, z]);
        }
    }
    m.add(
        "road",
        &asphalt,
        &Mesh::ribbon(&points, 5.0),
        [0.0, 0.0, 0.0],
    );
    let stone = mat("stele-stone", [222, 216, 200], 0.0, 0.6);
    let (sx, sz) = (4.0, 8.0);
    m.add(
        "stele",
        &stone,
        &Mesh::cuboid(3.0, 0.6, 2.0),
        [sx, ground(sx, sz), sz],
    );
    m.add(
        "stele",
        &stone,
        &Mesh::cuboid(1.4, 4.0, 0.5),
        [sx, ground(sx, sz) + 0.6, sz],
    );
    for k in 0..40u32 {
        let x = -90.0 + (k * 37 % 180) as f32;
        let z = -90.0 + (k * 71 % 180) as f32;
        if (z - 50.0).abs() < 8.0 || (z + 50.0).abs() < 8.0 {
            continue;
        }
        tree(&mut m, x, z, ground(x, z) - 0.3, 8.0 + (k % 3) as f32 * 2.0);
    }
    m.anchor("stele", [sx, ground(sx, sz) + 4.5, sz]);
    m.anchor("hairpins", [-60.0, ground(-60.0, 50.0) + 1.0, 50.0]);
    m.anchor("saddle", [0.0, ground(0.0, 0.0) + 1.0, 0.0]);
    m.anchor("far-slope", [70.0, ground(70.0, 0.0) + 1.0, 0.0]);
    m
}

/// Pá Khoang Lake: a wide reservoir among forested hills, with small islands and a dam.
pub fn pa_khoang_lake(detail: Detail) -> Model {
    let mut m = Model::new("ho-pa-khoang", detail);
    let level = 0.0;
    let ground = |x: f32, z: f32| {
        let r = (x * x / 1.4 + z * z).sqrt();
        let basin = -6.0 + 30.0 * ((r - 55.0) / 35.0).clamp(0.0, 1.0).powi(2);
        let islands = 9.0 * (-((x - 20.0).powi(2) + (z + 12.0).powi(2)) / 60.0).exp()
            + 7.0 * (-((x + 25.0).powi(2) + (z - 18.0).powi(2)) / 40.0).exp();
        basin + islands + 2.0 * noise(x / 14.0, z / 14.0, 71)
    };
    m.add(
        "hills",
        &grass(),
        &Mesh::terrain(220.0, m.cells(96), ground),
        [0.0, 0.0, 0.0],
    );
    let lake = Mesh::cylinder(80.0, 80.0, 0.2, 64).scaled([1.2, 1.0, 1.0]);
    m.add("water", &water(), &lake, [0.0, level - 0.2, 0.0]);
    let concrete = mat("dam", [168, 164, 156], 0.0, 0.8);
    let dam = Mesh::prism(&[(-4.0, -3.0), (4.0, -3.0), (1.5, 3.0), (-1.5, 3.0)], 40.0);
    m.add("dam", &concrete, &dam.rotated_y(0.3), [78.0, 0.0, -30.0]);
    for (x, z) in [(20.0, -12.0), (-25.0, 18.0)] {
        tree(&mut m, x, z, ground(x, z) - 0.3, 6.0);
        tree(
            &mut m,
            x + 2.5,
            z + 1.5,
            ground(x + 2.5, z + 1.5) - 0.3,
            5.0,
        );
    }
    tree_ring(&mut m, 36, 92.0, 7, ground, true);
    m.anchor("lake", [0.0, 0.5, 0.0]);
    m.anchor("island", [20.0, ground(20.0, -12.0) + 1.0, -12.0]);
    m.anchor("dam", [78.0, 3.0, -30.0]);
    m.anchor("hills", [-80.0, ground(-80.0, 40.0) + 1.0, 40.0]);
    m
}

/// The A Pa Chải tri-border marker: the granite three-faced marker on the summit of Khoan La
/// San, with the long stairway up the ridge.
pub fn a_pa_chai(detail: Detail) -> Model {
    let mut m = Model::new("a-pa-chai", detail);
    let ground = |x: f32, z: f32| {
        let peak = 40.0 * (-(x * x + z * z) / (2.0 * 28.0f32.powi(2))).exp();
        let ridge = 18.0 * (-(x * x) / (2.0 * 10.0f32.powi(2))).exp() * (z / 90.0).clamp(0.0, 1.0);
        peak + ridge + 2.5 * noise(x / 10.0, z / 10.0, 81)
    };
    let forest = mat("montane-forest", [58, 92, 54], 0.0, 1.0);
    m.add(
        "mountain",
        &forest,
        &Mesh::terrain(180.0, m.cells(90), ground),
        [0.0, 0.0, 0.0],
    );
    let granite = mat("granite", [150, 148, 144], 0.1, 0.6);
    let top = ground(0.0, 0.0);
    m.add(
        "summit-platform",
        &granite,
        &Mesh::cylinder(6.0, 6.0, 0.8, 6),
        [0.0, top - 0.3, 0.0],
    );
    // Three faces, one towards each country.
    let r = 1.4;
    let face = |a: f32| (r * a.cos(), r * a.sin());
    let tri: Vec<(f32, f32)> = [0.0f32, 2.094, 4.189].iter().map(|&a| face(a)).collect();
    let marker = Mesh::prism(&tri, 4.5).rotated_x(-std::f32::consts::FRAC_PI_2);
    m.add("marker", &granite, &marker, [0.0, top + 0.5, 0.0]);
    let cap = Mesh::cylinder(1.2, 0.0, 1.0, 3);
    m.add("marker", &granite, &cap, [0.0, top + 5.0, 0.0]);
    let steps = mat("stairway", [176, 170, 158], 0.0, 0.8);
    stairs(&mut m, &steps, (0.0, 85.0), (0.0, 7.0), 70, 2.2, &ground);
    tree_ring(&mut m, 30, 70.0, 8, ground, false);
    m.anchor("marker", [0.0, top + 6.0, 0.0]);
    m.anchor("platform", [3.0, top + 0.6, 3.0]);
    m.anchor("stairway", [0.0, ground(0.0, 45.0) + 0.5, 45.0]);
    m.anchor("ridge", [0.0, ground(0.0, 80.0) + 0.5, 80.0]);
    m
}
