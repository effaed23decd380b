//! The poster: a still of the model, 800 × 500 JPEG (with its half-width and WebP forms),
//! drawn by the project's software renderer (`disan_assetgen::render`, which draws the 2D
//! tour's stills) from the full model's triangles: recentred and Y-up as the viewer shows it,
//! seen from above at an angle, framed to its bounding sphere. Each triangle takes its
//! material's colour, or its texture's at its centre (scan triangles are a few pixels across
//! at this size). It stands for the model on the relic's page before the 3D view, in link
//! previews and in the staff list.

use disan_assetgen::render::{Pose, Triangle, render_triangles};
use disan_types::admin::UpAxis;

use crate::Model;
use crate::derive::{Primitive, image_bytes};
use crate::document::{Mat4, apply};
use disan_assetgen::picture::Variant;

pub const WIDTH: u32 = disan_types::relic::POSTER_SIZE.0;
pub const HEIGHT: u32 = disan_types::relic::POSTER_SIZE.1;

/// Largest texture side sampled: plenty for 800 × 500.
const TEXTURE: u32 = 512;

fn linear(srgb: u8) -> f32 {
    let c = f32::from(srgb) / 255.0;
    if c <= 0.04045 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

/// How one material colours a triangle.
struct Look<'i> {
    factor: [f32; 4],
    /// The base colour texture and the texture coordinate set it uses.
    texture: Option<(&'i image::RgbImage, u32)>,
    two_sided: bool,
}

impl Look<'_> {
    fn color(&self, prim: &Primitive, t: &[u32]) -> [f32; 3] {
        let [r, g, b, _] = self.factor;
        let mut c = [r, g, b];
        let uvs = self.texture.and_then(|(img, set)| {
            let uv = if set == 1 { &prim.uv1 } else { &prim.uv0 };
            Some((img, uv.as_ref()?))
        });
        if let Some((img, uv)) = uvs {
            let (mut u, mut v) = (0.0, 0.0);
            for &i in t {
                u += uv[i as usize][0] / 3.0;
                v += uv[i as usize][1] / 3.0;
            }
            let wrap = |x: f32, n: u32| (((x - x.floor()) * n as f32) as u32).min(n - 1);
            let p = img.get_pixel(wrap(u, img.width()), wrap(v, img.height()));
            for k in 0..3 {
                c[k] *= linear(p[k]);
            }
        } else if let Some(colors) = &prim.colors {
            for (k, ck) in c.iter_mut().enumerate() {
                *ck *= t.iter().map(|&i| colors[i as usize][k]).sum::<f32>() / 3.0;
            }
        }
        c
    }
}

/// The poster of `model`, from its decoded (and simplified) `meshes`, in every form
/// (`disan_types::picture::VARIANTS`: the JPEG first); none if it could not be encoded.
pub(crate) fn pictures(model: &Model, meshes: &[Vec<Primitive>], up: UpAxis) -> Vec<Variant> {
    let doc = &model.document;
    let images: Vec<Option<image::RgbImage>> = (0..doc.images().len())
        .map(|n| {
            let img = image::load_from_memory(image_bytes(model, n)).ok()?;
            Some(img.thumbnail(TEXTURE, TEXTURE).to_rgb8())
        })
        .collect();
    let looks: Vec<Look> = doc
        .materials()
        .map(|m| {
            let pbr = m.pbr_metallic_roughness();
            let texture = pbr.base_color_texture().and_then(|t| {
                let img = images.get(t.texture().source().index())?.as_ref()?;
                Some((img, t.tex_coord()))
            });
            Look {
                factor: pbr.base_color_factor(),
                texture,
                two_sided: m.double_sided(),
            }
        })
        .collect();
    let plain = Look {
        factor: [0.8, 0.8, 0.8, 1.0],
        texture: None,
        two_sided: true,
    };

    // Where each mesh is drawn, as the checks found it.
    let instances = crate::document::instances(doc).unwrap_or_default();
    let c = model.report.center;
    let place = |m: &Mat4, p: [f32; 3]| -> [f32; 3] {
        let a = apply(m, p.map(f64::from));
        let w: [f64; 3] = std::array::from_fn(|r| a[r] - c[r]);
        match up {
            UpAxis::Z => [w[0] as f32, w[2] as f32, -w[1] as f32],
            UpAxis::Y => [w[0] as f32, w[1] as f32, w[2] as f32],
        }
    };
    let mut triangles = Vec::new();
    let (mut min, mut max) = ([f32::INFINITY; 3], [f32::NEG_INFINITY; 3]);
    for (mesh, world) in &instances {
        for prim in meshes.get(*mesh).into_iter().flatten() {
            let look = prim.material.and_then(|m| looks.get(m)).unwrap_or(&plain);
            let placed: Vec<[f32; 3]> = prim.positions.iter().map(|p| place(world, *p)).collect();
            for t in prim.indices.chunks_exact(3) {
                let corners = [t[0], t[1], t[2]].map(|i| placed[i as usize]);
                for p in corners {
                    for k in 0..3 {
                        min[k] = min[k].min(p[k]);
                        max[k] = max[k].max(p[k]);
                    }
                }
                triangles.push(Triangle {
                    corners,
                    color: look.color(prim, t),
                    two_sided: look.two_sided,
                });
            }
        }
    }
    let (target, radius) = if triangles.is_empty() {
        ([0.0; 3], 1.0)
    } else {
        let target: [f32; 3] = std::array::from_fn(|k| (min[k] + max[k]) / 2.0);
        let d: f32 = (0..3)
            .map(|k| (max[k] - min[k]).powi(2))
            .sum::<f32>()
            .sqrt();
        (target, (d / 2.0).max(1e-3))
    };
    // Drawn at a size the renderer's near plane (0.3) never cuts into: a radius of 10.
    let scale = 10.0 / radius;
    for t in &mut triangles {
        for p in &mut t.corners {
            *p = std::array::from_fn(|k| (p[k] - target[k]) * scale);
        }
    }
    let pose = frame(&triangles, 0.6, 0.6);
    let still = render_triangles(triangles, pose, WIDTH, HEIGHT);
    disan_assetgen::picture::variants(&still.rgb, still.width, still.height).unwrap_or_default()
}

/// The pose at `yaw` and `pitch` that looks at the origin from as close as keeps every
/// corner inside the frame, with a margin: the model fills the poster whatever its shape.
fn frame(triangles: &[Triangle], yaw: f32, pitch: f32) -> Pose {
    // The renderer's vertical field of view is 45°; the poster is WIDTH × HEIGHT.
    let tan_v = std::f32::consts::FRAC_PI_8.tan() * 0.9;
    let tan_h = tan_v * WIDTH as f32 / HEIGHT as f32;
    let dir = [
        pitch.cos() * yaw.sin(),
        pitch.sin(),
        pitch.cos() * yaw.cos(),
    ];
    // right = forward × up with forward = -dir; up' = right × forward.
    let right = {
        let r = [dir[2], 0.0, -dir[0]];
        let l = (r[0] * r[0] + r[2] * r[2]).sqrt().max(1e-6);
        [r[0] / l, 0.0, r[2] / l]
    };
    let up = [
        -(right[1] * dir[2] - right[2] * dir[1]),
        -(right[2] * dir[0] - right[0] * dir[2]),
        -(right[0] * dir[1] - right[1] * dir[0]),
    ];
    let dot = |a: [f32; 3], b: [f32; 3]| a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
    let corners = || triangles.iter().flat_map(|t| t.corners);
    let mut target = [0.0f32; 3];
    let mut distance: f32 = 1.0;
    // Closest distance that fits, then the target moved to the middle of what is seen (the
    // near side of a model looks bigger than the far one); twice, then fitted again.
    for round in 0..3 {
        distance = 1.0;
        for p in corners() {
            let q: [f32; 3] = std::array::from_fn(|k| p[k] - target[k]);
            let ahead = dot(q, dir);
            distance = distance
                .max(dot(q, right).abs() / tan_h + ahead)
                .max(dot(q, up).abs() / tan_v + ahead);
        }
        if round == 2 {
            break;
        }
        let (mut lo, mut hi) = ([f32::INFINITY; 2], [f32::NEG_INFINITY; 2]);
        for p in corners() {
            let q: [f32; 3] = std::array::from_fn(|k| p[k] - target[k]);
            let z = (distance - dot(q, dir)).max(1e-3);
            let s = [dot(q, right) / (z * tan_h), dot(q, up) / (z * tan_v)];
            for k in 0..2 {
                lo[k] = lo[k].min(s[k]);
                hi[k] = hi[k].max(s[k]);
            }
        }
        let shift = [
            (lo[0] + hi[0]) / 2.0 * tan_h * distance,
            (lo[1] + hi[1]) / 2.0 * tan_v * distance,
        ];
        for k in 0..3 {
            target[k] += right[k] * shift[0] + up[k] * shift[1];
        }
    }
    Pose {
        target,
        yaw,
        pitch,
        distance,
    }
}
