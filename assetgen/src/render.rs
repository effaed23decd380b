//! A small software rasteriser: draws a model from a tour stop's camera pose into a still
//! image, for the 2D tour (phones without WebGL, very slow links). Flat-shaded triangles with
//! a z-buffer, the same sun and sky as the viewer, 2×2 supersampling.

use crate::glb::Model;

/// Where the camera looks from, as in the viewer's orbit camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pose {
    pub target: [f32; 3],
    pub yaw: f32,
    pub pitch: f32,
    pub distance: f32,
}

/// An sRGB image, row-major.
#[derive(Clone, Debug)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

type V3 = [f32; 3];

fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn dot(a: V3, b: V3) -> f32 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}
fn norm(v: V3) -> V3 {
    let l = dot(v, v).sqrt().max(1e-12);
    [v[0] / l, v[1] / l, v[2] / l]
}

/// Vertical field of view, as bevy's default perspective.
const FOV_Y: f32 = std::f32::consts::FRAC_PI_4;
const NEAR: f32 = 0.3;

fn to_srgb(linear: f32) -> u8 {
    let c = linear.clamp(0.0, 1.0);
    let s = if c <= 0.003_130_8 {
        c * 12.92
    } else {
        1.055 * c.powf(1.0 / 2.4) - 0.055
    };
    (s * 255.0 + 0.5) as u8
}

/// One triangle to draw: its corners in world space, its colour (linear RGB), and whether
/// its back is drawn too (scans' winding is not always consistent).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Triangle {
    pub corners: [[f32; 3]; 3],
    pub color: [f32; 3],
    pub two_sided: bool,
}

/// Renders `model` seen from `pose` at `width`×`height`.
pub fn render(model: &Model, pose: Pose, width: u32, height: u32) -> Image {
    let triangles = model.parts.iter().flat_map(|part| {
        let [r, g, b, _] = part.material.color;
        let m = &part.mesh;
        m.indices.chunks_exact(3).map(move |t| Triangle {
            corners: [t[0], t[1], t[2]].map(|i| m.positions[i as usize]),
            color: [r, g, b],
            two_sided: false,
        })
    });
    render_triangles(triangles, pose, width, height)
}

/// Renders `triangles` seen from `pose` at `width`×`height`: what [`render`] does for a
/// generated model, for any mesh (an uploaded scan's poster, say).
pub fn render_triangles(
    triangles: impl IntoIterator<Item = Triangle>,
    pose: Pose,
    width: u32,
    height: u32,
) -> Image {
    const SS: u32 = 2;
    let (w, h) = (width * SS, height * SS);
    let eye = {
        let (p, y) = (pose.pitch, pose.yaw);
        let dir = [p.cos() * y.sin(), p.sin(), p.cos() * y.cos()];
        [
            pose.target[0] + dir[0] * pose.distance,
            pose.target[1] + dir[1] * pose.distance,
            pose.target[2] + dir[2] * pose.distance,
        ]
    };
    // Camera basis: looking along -z in view space.
    let forward = norm(sub(pose.target, eye));
    let right = norm(cross(forward, [0.0, 1.0, 0.0]));
    let up = cross(right, forward);
    let to_view = |p: V3| {
        let d = sub(p, eye);
        [dot(d, right), dot(d, up), -dot(d, forward)]
    };
    let f = 1.0 / (FOV_Y / 2.0).tan();
    let aspect = w as f32 / h as f32;
    let project = |v: V3| {
        // v[2] < 0 in front of the camera.
        let x = f / aspect * v[0] / -v[2];
        let y = f * v[1] / -v[2];
        [
            (x + 1.0) * 0.5 * w as f32,
            (1.0 - y) * 0.5 * h as f32,
            -v[2],
        ]
    };

    // Sky: the viewer's clear colour, lighter towards the horizon.
    let mut color = vec![[0.0f32; 3]; (w * h) as usize];
    for row in 0..h {
        let t = row as f32 / h as f32;
        let sky = [0.50 + 0.2 * t, 0.66 + 0.15 * t, 0.79 + 0.1 * t];
        for col in 0..w {
            color[(row * w + col) as usize] = sky;
        }
    }
    let mut depth = vec![f32::INFINITY; (w * h) as usize];
    let sun = norm([40.0, 80.0, 30.0]);

    for Triangle {
        corners: world,
        color: base,
        two_sided,
    } in triangles
    {
        let mut normal = norm(cross(sub(world[1], world[0]), sub(world[2], world[0])));
        if dot(normal, sub(eye, world[0])) <= 0.0 {
            if !two_sided {
                continue; // facing away
            }
            normal = normal.map(|c| -c);
        }
        let light = 0.35 + 0.75 * dot(normal, sun).max(0.0);
        let shade = [base[0] * light, base[1] * light, base[2] * light];
        // Clip against the near plane, then fan-triangulate.
        let view = world.map(to_view);
        let mut poly: Vec<V3> = Vec::with_capacity(4);
        for i in 0..3 {
            let (a, b) = (view[i], view[(i + 1) % 3]);
            let (ain, bin) = (a[2] <= -NEAR, b[2] <= -NEAR);
            if ain {
                poly.push(a);
            }
            if ain != bin {
                let s = (-NEAR - a[2]) / (b[2] - a[2]);
                poly.push([a[0] + (b[0] - a[0]) * s, a[1] + (b[1] - a[1]) * s, -NEAR]);
            }
        }
        if poly.len() < 3 {
            continue;
        }
        let screen: Vec<V3> = poly.into_iter().map(project).collect();
        for k in 1..screen.len() - 1 {
            fill(
                [screen[0], screen[k], screen[k + 1]],
                shade,
                (w, h),
                &mut color,
                &mut depth,
            );
        }
    }

    // Downsample 2×2 and convert to sRGB.
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for row in 0..height {
        for col in 0..width {
            let mut acc = [0.0f32; 3];
            for dy in 0..SS {
                for dx in 0..SS {
                    let c = color[((row * SS + dy) * w + col * SS + dx) as usize];
                    for k in 0..3 {
                        acc[k] += c[k];
                    }
                }
            }
            let n = (SS * SS) as f32;
            rgb.extend(acc.map(|a| to_srgb(a / n)));
        }
    }
    Image { width, height, rgb }
}

/// Fills one screen-space triangle with a z-test.
fn fill(tri: [V3; 3], shade: V3, (w, h): (u32, u32), color: &mut [V3], depth: &mut [f32]) {
    let [a, b, c] = tri;
    let area = (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
    if area.abs() < 1e-9 {
        return;
    }
    let min_x = a[0].min(b[0]).min(c[0]).floor().max(0.0) as i64;
    let max_x = a[0].max(b[0]).max(c[0]).ceil().min(w as f32 - 1.0) as i64;
    let min_y = a[1].min(b[1]).min(c[1]).floor().max(0.0) as i64;
    let max_y = a[1].max(b[1]).max(c[1]).ceil().min(h as f32 - 1.0) as i64;
    for y in min_y..=max_y {
        for x in min_x..=max_x {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let w0 = ((b[0] - px) * (c[1] - py) - (b[1] - py) * (c[0] - px)) / area;
            let w1 = ((c[0] - px) * (a[1] - py) - (c[1] - py) * (a[0] - px)) / area;
            let w2 = 1.0 - w0 - w1;
            if w0 < 0.0 || w1 < 0.0 || w2 < 0.0 {
                continue;
            }
            // Perspective-correct depth: interpolate 1/z.
            let inv_z = w0 / a[2] + w1 / b[2] + w2 / c[2];
            let z = 1.0 / inv_z;
            let i = (y as u32 * w + x as u32) as usize;
            if z < depth[i] {
                depth[i] = z;
                color[i] = shade;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::glb::{Detail, Material};
    use crate::mesh::Mesh;

    #[test]
    fn a_box_in_front_of_the_camera_is_drawn_in_the_middle() {
        let mut m = Model::new("box", Detail::Full);
        let red = Material {
            name: "red",
            color: [1.0, 0.0, 0.0, 1.0],
            metallic: 0.0,
            roughness: 1.0,
            texture: None,
        };
        m.add("box", &red, &Mesh::cuboid(2.0, 2.0, 2.0), [0.0, -1.0, 0.0]);
        let pose = Pose {
            target: [0.0; 3],
            yaw: 0.3,
            pitch: 0.3,
            distance: 8.0,
        };
        let img = render(&m, pose, 64, 48);
        let px = |x: u32, y: u32| {
            let i = ((y * img.width + x) * 3) as usize;
            [img.rgb[i], img.rgb[i + 1], img.rgb[i + 2]]
        };
        let centre = px(32, 24);
        assert!(
            centre[0] > 100 && centre[1] < 40 && centre[2] < 40,
            "{centre:?}"
        );
        let corner = px(1, 1);
        assert!(corner[2] > corner[0], "sky in the corner: {corner:?}");
    }
}
