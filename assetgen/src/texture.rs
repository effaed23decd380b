//! Procedural detail textures (PNG, made with `image`): greyscale-ish patterns around white
//! that the material's colour tints, so a model looks the same on average with or without them.

use image::{ImageBuffer, Rgb};

use crate::mesh::noise;

/// The kinds of surface that get a texture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Texture {
    /// Tufts and patches: grass, forest floor, paddies.
    Grass,
    /// Clods and stones: earth, ramparts, trenches.
    Earth,
    /// Courses of bricks or stone blocks.
    Brick,
    /// A knotted net over a mottled ground: the museum's helmet roof.
    Net,
    /// Straw or thatch: long streaks.
    Thatch,
}

/// Side of every texture, in pixels (the budget is 2048).
pub const SIZE: u32 = 256;

/// Metres of surface one texture covers before it repeats.
pub fn repeat_m(t: Texture) -> f32 {
    match t {
        Texture::Grass | Texture::Earth => 8.0,
        Texture::Brick => 2.0,
        Texture::Net => 6.0,
        Texture::Thatch => 3.0,
    }
}

/// Brightness in [0, 1] at pixel (x, y) of a tileable pattern.
fn value(t: Texture, x: u32, y: u32) -> f32 {
    let s = SIZE as f32;
    // Tileable value noise: the lattice wraps every `period` cells.
    let tile = |fx: f32, fy: f32, period: f32, seed: u32| {
        let p = period as i32;
        let (u, v) = (fx / s * period, fy / s * period);
        let (i, j) = (u.floor() as i32, v.floor() as i32);
        let (du, dv) = (u - u.floor(), v - v.floor());
        let (su, sv) = (du * du * (3.0 - 2.0 * du), dv * dv * (3.0 - 2.0 * dv));
        let h = |a: i32, b: i32| {
            // noise() at integer points is the lattice hash.
            noise(a.rem_euclid(p) as f32, b.rem_euclid(p) as f32, seed)
        };
        let top = h(i, j) * (1.0 - su) + h(i + 1, j) * su;
        let bottom = h(i, j + 1) * (1.0 - su) + h(i + 1, j + 1) * su;
        top * (1.0 - sv) + bottom * sv
    };
    let (fx, fy) = (x as f32, y as f32);
    match t {
        Texture::Grass => 0.88 + 0.08 * tile(fx, fy, 8.0, 1) + 0.06 * tile(fx, fy, 32.0, 2),
        Texture::Earth => 0.86 + 0.1 * tile(fx, fy, 6.0, 3) + 0.05 * tile(fx, fy, 48.0, 4),
        Texture::Brick => {
            let rows = 8.0;
            let row = (fy / s * rows).floor();
            let shift = if row as i32 % 2 == 0 { 0.0 } else { 0.5 };
            let bx = (fx / s * 4.0 + shift).fract();
            let by = (fy / s * rows).fract();
            let mortar = bx < 0.04 || by < 0.08;
            if mortar {
                0.7
            } else {
                0.92 + 0.06 * tile(fx, fy, 16.0, 5)
            }
        }
        Texture::Net => {
            let cells = 16.0;
            let (cx, cy) = ((fx / s * cells).fract(), (fy / s * cells).fract());
            let cord = (cx - cy).abs() < 0.06 || (cx + cy - 1.0).abs() < 0.06;
            let ground = 0.86 + 0.1 * tile(fx, fy, 4.0, 6);
            if cord { ground * 0.72 } else { ground }
        }
        Texture::Thatch => 0.86 + 0.1 * tile(fx * 0.1, fy * 4.0, 16.0, 7).abs(),
    }
}

/// The PNG bytes of a texture. Deterministic.
pub fn png(t: Texture) -> Vec<u8> {
    let img: ImageBuffer<Rgb<u8>, Vec<u8>> = ImageBuffer::from_fn(SIZE, SIZE, |x, y| {
        let v = (value(t, x, y).clamp(0.0, 1.0) * 255.0).round() as u8;
        Rgb([v, v, v])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoding a PNG in memory cannot fail");
    out
}
