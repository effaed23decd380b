//! Culture and older history: the Pú Vạp ruins, the Bản Phủ citadel and temple, the Black Thai
//! village of Bản Mển and the Mường Luân stupa.

use super::{broadleaf, grass, mat, tree_ring, water};
use crate::glb::{Detail, Material, Model};
use crate::mesh::{Mesh, noise};

/// A roofless ruin: walls of uneven height around a three-bay plan.
fn ruin(m: &mut Model, x: f32, z: f32, y: f32, turn: f32, seed: u32) {
    let brick = mat("ruined-walls", [168, 150, 128], 0.0, 0.95);
    let (w, d) = (14.0, 7.0);
    let walls = [
        (0.0, -d / 2.0, w, 0.5),
        (0.0, d / 2.0, w, 0.5),
        (-w / 2.0, 0.0, 0.5, d),
        (w / 2.0, 0.0, 0.5, d),
        (-w / 6.0, 0.0, 0.4, d),
        (w / 6.0, 0.0, 0.4, d),
    ];
    for (i, (ox, oz, ww, dd)) in walls.into_iter().enumerate() {
        let h = 1.2 + 2.8 * (0.5 + 0.5 * noise(i as f32 * 3.1, 0.7, seed));
        let (c, s) = (turn.cos(), turn.sin());
        let wall = Mesh::cuboid(ww, h, dd).rotated_y(turn);
        m.add(
            "ruins",
            &brick,
            &wall,
            [x + c * ox + s * oz, y - 0.2, z - s * ox + c * oz],
        );
    }
}

/// Pú Vạp: the ruins of two French-style houses on a hilltop resort.
pub fn pu_vap(detail: Detail) -> Model {
    let mut m = Model::new("pu-vap", detail);
    let ground = |x: f32, z: f32| {
        20.0 * (-(x * x + z * z) / (2.0 * 45.0f32.powi(2))).exp()
            + 1.5 * noise(x / 10.0, z / 10.0, 91)
    };
    m.add(
        "hilltop",
        &grass(),
        &Mesh::terrain(180.0, m.cells(80), ground),
        [0.0, 0.0, 0.0],
    );
    ruin(&mut m, -14.0, -6.0, ground(-14.0, -6.0), 0.2, 1);
    ruin(&mut m, 22.0, 14.0, ground(22.0, 14.0), -0.5, 2);
    for k in 0..24u32 {
        let x = -80.0 + (k * 53 % 160) as f32;
        let z = -80.0 + (k * 29 % 160) as f32;
        if x.abs() < 35.0 && z.abs() < 28.0 {
            continue;
        }
        broadleaf(&mut m, x, z, ground(x, z) - 0.3, 9.0 + (k % 3) as f32 * 2.0);
    }
    m.anchor("first-villa", [-14.0, ground(-14.0, -6.0) + 3.0, -6.0]);
    m.anchor("second-villa", [22.0, ground(22.0, 14.0) + 3.0, 14.0]);
    m.anchor("hilltop", [0.0, ground(0.0, 0.0) + 0.5, 0.0]);
    m
}

/// A curved temple roof: a prism with upturned ends.
fn temple(m: &mut Model, x: f32, z: f32, y: f32) {
    let wall = mat("temple-walls", [196, 160, 96], 0.0, 0.7);
    let tile = mat("roof-tiles", [142, 62, 40], 0.0, 0.7);
    let red = mat("temple-red", [150, 30, 26], 0.0, 0.6);
    m.add("temple", &wall, &Mesh::cuboid(12.0, 4.0, 8.0), [x, y, z]);
    let roof = Mesh::prism(&[(-6.5, 0.0), (6.5, 0.0), (0.0, 3.0)], 14.0)
        .rotated_y(std::f32::consts::FRAC_PI_2);
    m.add("temple-roof", &tile, &roof, [x, y + 4.0, z]);
    for side in [-7.2f32, 7.2] {
        m.add(
            "temple-roof",
            &tile,
            &Mesh::cylinder(0.4, 0.1, 1.4, 6),
            [x + side, y + 4.0, z],
        );
    }
    m.add(
        "temple-gate",
        &red,
        &Mesh::cuboid(3.0, 3.2, 0.4),
        [x, y, z + 4.2],
    );
}

/// Bản Phủ citadel: the earthen ramparts with four gates, the temple of Hoàng Công Chất
/// inside, and the Nậm Rốm river behind.
pub fn ban_phu_citadel(detail: Detail) -> Model {
    let mut m = Model::new("thanh-ban-phu", detail);
    let ground =
        |x: f32, z: f32| 0.6 * noise(x / 14.0, z / 14.0, 101) - if z < -62.0 { 3.0 } else { 0.0 };
    m.add(
        "ground",
        &grass(),
        &Mesh::terrain(180.0, m.cells(60), ground),
        [0.0, 0.0, 0.0],
    );
    let earth = mat("ramparts", [124, 100, 68], 0.0, 1.0);
    let bank = [(-3.5, 0.0), (3.5, 0.0), (1.2, 3.5), (-1.2, 3.5)];
    let side = 90.0;
    let half_gap = 4.0;
    let piece = (side - 2.0 * half_gap) / 2.0;
    for k in 0..4 {
        let turn = k as f32 * std::f32::consts::FRAC_PI_2;
        for sgn in [-1.0f32, 1.0] {
            let along = sgn * (half_gap + piece / 2.0);
            let wall = Mesh::prism(&bank, piece).rotated_y(std::f32::consts::FRAC_PI_2 + turn);
            let (c, s) = (turn.cos(), turn.sin());
            let (ox, oz) = (side / 2.0, along);
            m.add(
                "ramparts",
                &earth,
                &wall,
                [c * ox + s * oz, -0.3, -s * ox + c * oz],
            );
        }
    }
    temple(&mut m, 0.0, 0.0, ground(0.0, 0.0));
    let river: Vec<[f32; 3]> = (0..=20)
        .map(|i| {
            let x = -90.0 + i as f32 * 9.0;
            [x, -2.2, -76.0 + 5.0 * (x / 25.0).sin()]
        })
        .collect();
    m.add(
        "river",
        &water(),
        &Mesh::ribbon(&river, 14.0),
        [0.0, 0.0, 0.0],
    );
    for (x, z) in [(-14.0, 10.0), (14.0, 10.0), (-12.0, -12.0), (13.0, -13.0)] {
        broadleaf(&mut m, x, z, ground(x, z) - 0.3, 9.0);
    }
    tree_ring(&mut m, 24, 82.0, 10, ground, true);
    m.anchor("temple", [0.0, ground(0.0, 0.0) + 6.0, 0.0]);
    m.anchor("south-gate", [0.0, 2.0, side / 2.0]);
    m.anchor("ramparts", [side / 2.0, 3.2, 20.0]);
    m.anchor("river", [0.0, -2.0, -76.0]);
    m
}

/// A Black Thai stilt house: posts, a raised floor and walls, under the tall rounded
/// "tortoise shell" roof with its ridge horns.
fn stilt_house(m: &mut Model, x: f32, z: f32, y: f32, turn: f32, len: f32) {
    let wood = mat("house-timber", [120, 88, 58], 0.0, 0.9);
    let thatch = mat("tortoise-roof", [104, 84, 56], 0.0, 1.0);
    let (c, s) = (turn.cos(), turn.sin());
    let at = |ox: f32, oz: f32, dy: f32| [x + c * ox + s * oz, y + dy, z - s * ox + c * oz];
    for i in 0..4 {
        for j in [-1.0f32, 1.0] {
            let ox = -len / 2.0 + 0.4 + i as f32 * (len - 0.8) / 3.0;
            m.add(
                "house-posts",
                &wood,
                &Mesh::cylinder(0.18, 0.18, 2.2, 6),
                at(ox, j * 3.0, 0.0),
            );
        }
    }
    m.add(
        "house-floors",
        &wood,
        &Mesh::cuboid(len, 0.3, 6.6).rotated_y(turn),
        at(0.0, 0.0, 2.2),
    );
    m.add(
        "house-walls",
        &wood,
        &Mesh::cuboid(len - 0.6, 2.0, 5.8).rotated_y(turn),
        at(0.0, 0.0, 2.5),
    );
    // The roof: a half-ellipsoid stretched along the house, reaching low over the walls.
    let shell = Mesh::sphere(1.0, 20)
        .scaled([len * 0.62, 4.6, 4.3])
        .rotated_y(turn);
    m.add("house-roofs", &thatch, &shell, at(0.0, 0.0, 2.0));
    for end in [-1.0f32, 1.0] {
        let horn = Mesh::cylinder(0.12, 0.05, 1.2, 5);
        m.add(
            "house-roof-horns",
            &wood,
            &horn,
            at(end * len * 0.3, 0.0, 10.2),
        );
    }
}

/// Bản Mển: Black Thai stilt houses along a lane, between rice fields.
pub fn ban_men(detail: Detail) -> Model {
    let mut m = Model::new("ban-men", detail);
    let ground = |x: f32, z: f32| 0.3 * noise(x / 12.0, z / 12.0, 111);
    m.add(
        "village-ground",
        &grass(),
        &Mesh::terrain(160.0, m.cells(48), ground),
        [0.0, 0.0, 0.0],
    );
    let paddy = mat("rice-paddies", [150, 176, 72], 0.0, 0.9);
    let bund = mat("paddy-water", [96, 124, 110], 0.2, 0.3);
    for row in 0..3 {
        for col in 0..5 {
            let (x, z) = (-60.0 + col as f32 * 24.0, 38.0 + row as f32 * 14.0);
            m.add(
                "rice-paddies",
                &paddy,
                &Mesh::cuboid(22.0, 0.35, 12.0),
                [x, 0.0, z],
            );
            m.add(
                "paddy-edges",
                &bund,
                &Mesh::cuboid(23.0, 0.2, 13.0),
                [x, -0.1, z],
            );
        }
    }
    let lane = mat("lane", [150, 124, 92], 0.0, 1.0);
    let points: Vec<[f32; 3]> = (0..=16)
        .map(|i| {
            let x = -75.0 + i as f32 * 9.4;
            [x, 0.35, 4.0 * (x / 30.0).sin()]
        })
        .collect();
    m.add("lane", &lane, &Mesh::ribbon(&points, 3.0), [0.0, 0.0, 0.0]);
    let houses = [
        (-42.0, -12.0, 0.1, 11.0),
        (-20.0, -14.0, -0.1, 12.0),
        (4.0, -13.0, 0.05, 10.0),
        (26.0, -15.0, 0.15, 12.0),
        (-30.0, 16.0, 3.1, 10.0),
        (-6.0, 15.0, 3.2, 11.0),
        (20.0, 17.0, 3.0, 10.0),
    ];
    for (x, z, turn, len) in houses {
        stilt_house(&mut m, x, z, ground(x, z), turn, len);
    }
    let loom_frame = mat("loom", [96, 70, 46], 0.0, 0.9);
    let brocade = mat("brocade", [170, 40, 60], 0.0, 0.7);
    m.add(
        "loom",
        &loom_frame,
        &Mesh::cuboid(1.6, 1.4, 1.0),
        [-4.0, 0.0, 3.0],
    );
    m.add(
        "loom",
        &brocade,
        &Mesh::cuboid(1.2, 0.05, 1.6),
        [-4.0, 1.4, 3.0],
    );
    for k in 0..14u32 {
        let x = -70.0 + (k * 41 % 140) as f32;
        broadleaf(&mut m, x, -40.0 - (k % 3) as f32 * 8.0, 0.0, 10.0);
    }
    m.anchor("stilt-house", [-20.0, 8.0, -14.0]);
    m.anchor("roof", [26.0, 6.5, -15.0]);
    m.anchor("loom", [-4.0, 1.6, 3.0]);
    m.anchor("rice-fields", [-12.0, 0.5, 52.0]);
    m.anchor("lane", [0.0, 0.5, 0.0]);
    m
}

/// A stepped square tier.
fn tier(m: &mut Model, material: &Material, size: f32, height: f32, y: f32) {
    m.add(
        "stupa",
        material,
        &Mesh::cuboid(size, height, size),
        [0.0, y, 0.0],
    );
}

/// Mường Luân stupa: the Lao-style brick stupa on its square terraces by the Mã river.
pub fn muong_luan_stupa(detail: Detail) -> Model {
    let mut m = Model::new("thap-muong-luan", detail);
    let ground =
        |x: f32, z: f32| 0.5 * noise(x / 10.0, z / 10.0, 121) - if x > 40.0 { 4.0 } else { 0.0 };
    m.add(
        "ground",
        &grass(),
        &Mesh::terrain(140.0, m.cells(56), ground),
        [0.0, 0.0, 0.0],
    );
    let brick = mat("old-brick", [150, 88, 62], 0.0, 0.9);
    let plaster = mat("lime-plaster", [214, 204, 184], 0.0, 0.8);
    m.add(
        "terrace",
        &plaster,
        &Mesh::cuboid(16.0, 0.6, 16.0),
        [0.0, -0.1, 0.0],
    );
    let mut y = 0.5;
    for (size, h) in [(9.0, 1.6), (7.6, 1.4), (6.2, 1.2), (4.8, 1.0)] {
        tier(&mut m, &brick, size, h, y);
        y += h;
    }
    // The bell and the tall tapering spire, 15.5 m in all.
    let bell = Mesh::lathe(
        &[(2.2, 0.0), (2.4, 0.8), (2.0, 2.4), (1.2, 3.4), (0.8, 3.8)],
        16,
    );
    m.add("stupa", &brick, &bell, [0.0, y, 0.0]);
    y += 3.8;
    let spire = Mesh::lathe(
        &[
            (0.8, 0.0),
            (0.7, 1.0),
            (0.9, 1.3),
            (0.55, 2.4),
            (0.7, 2.7),
            (0.3, 4.4),
            (0.0, 5.9),
        ],
        12,
    );
    m.add("stupa", &brick, &spire, [0.0, y, 0.0]);
    let river: Vec<[f32; 3]> = (0..=14)
        .map(|i| {
            let z = -70.0 + i as f32 * 10.0;
            [56.0 + 4.0 * (z / 20.0).sin(), -3.2, z]
        })
        .collect();
    m.add(
        "river",
        &water(),
        &Mesh::ribbon(&river, 24.0),
        [0.0, 0.0, 0.0],
    );
    tree_ring(&mut m, 18, 40.0, 12, ground, true);
    m.anchor("stupa", [0.0, 7.5, 0.0]);
    m.anchor("spire", [0.0, 15.5, 0.0]);
    m.anchor("terraces", [4.6, 1.5, 0.0]);
    m.anchor("river", [56.0, -3.0, 0.0]);
    m
}
