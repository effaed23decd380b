//! Triangle meshes built from simple shapes: boxes, solids of revolution, arches, terrain.

use std::f32::consts::TAU;

/// An indexed triangle mesh, Y up, metres.
#[derive(Clone, Debug, Default)]
pub struct Mesh {
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub indices: Vec<u32>,
}

fn sub(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn cross(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn normalize(v: [f32; 3]) -> [f32; 3] {
    let len = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    if len > 1e-12 {
        [v[0] / len, v[1] / len, v[2] / len]
    } else {
        [0.0, 1.0, 0.0]
    }
}

impl Mesh {
    pub fn triangles(&self) -> usize {
        self.indices.len() / 3
    }

    /// Appends `other`, moved by `offset`.
    pub fn merge(&mut self, other: &Mesh, offset: [f32; 3]) {
        let base = self.positions.len() as u32;
        self.positions.extend(
            other
                .positions
                .iter()
                .map(|p| [p[0] + offset[0], p[1] + offset[1], p[2] + offset[2]]),
        );
        self.normals.extend_from_slice(&other.normals);
        self.indices.extend(other.indices.iter().map(|i| i + base));
    }

    /// Rotates about the Y axis by `angle` radians.
    pub fn rotated_y(mut self, angle: f32) -> Mesh {
        let (s, c) = angle.sin_cos();
        let rot = |v: [f32; 3]| [c * v[0] + s * v[2], v[1], -s * v[0] + c * v[2]];
        self.positions = self.positions.into_iter().map(rot).collect();
        self.normals = self.normals.into_iter().map(rot).collect();
        self
    }

    /// Recomputes normals as the area-weighted average of the faces around each vertex.
    fn smooth_normals(&mut self) {
        let mut acc = vec![[0.0f32; 3]; self.positions.len()];
        for t in self.indices.chunks_exact(3) {
            let [a, b, c] = [t[0], t[1], t[2]].map(|i| self.positions[i as usize]);
            let n = cross(sub(b, a), sub(c, a));
            for &i in t {
                let v = &mut acc[i as usize];
                v[0] += n[0];
                v[1] += n[1];
                v[2] += n[2];
            }
        }
        self.normals = acc.into_iter().map(normalize).collect();
    }

    /// An axis-aligned box with its base centred on the origin.
    pub fn cuboid(w: f32, h: f32, d: f32) -> Mesh {
        let (x, z) = (w / 2.0, d / 2.0);
        let faces: [([f32; 3], [[f32; 3]; 4]); 6] = [
            (
                [1., 0., 0.],
                [[x, 0., z], [x, 0., -z], [x, h, -z], [x, h, z]],
            ),
            (
                [-1., 0., 0.],
                [[-x, 0., -z], [-x, 0., z], [-x, h, z], [-x, h, -z]],
            ),
            (
                [0., 1., 0.],
                [[-x, h, z], [x, h, z], [x, h, -z], [-x, h, -z]],
            ),
            (
                [0., -1., 0.],
                [[-x, 0., -z], [x, 0., -z], [x, 0., z], [-x, 0., z]],
            ),
            (
                [0., 0., 1.],
                [[-x, 0., z], [x, 0., z], [x, h, z], [-x, h, z]],
            ),
            (
                [0., 0., -1.],
                [[x, 0., -z], [-x, 0., -z], [-x, h, -z], [x, h, -z]],
            ),
        ];
        let mut m = Mesh::default();
        for (n, quad) in faces {
            let base = m.positions.len() as u32;
            m.positions.extend_from_slice(&quad);
            m.normals.extend_from_slice(&[n; 4]);
            m.indices
                .extend_from_slice(&[base, base + 1, base + 2, base, base + 2, base + 3]);
        }
        m
    }

    /// A solid of revolution about Y: `profile` is a list of (radius, height) from bottom to
    /// top; a radius of 0 closes the shape at that end.
    pub fn lathe(profile: &[(f32, f32)], segments: u32) -> Mesh {
        let mut m = Mesh::default();
        for &(r, y) in profile {
            for s in 0..segments {
                let a = TAU * s as f32 / segments as f32;
                m.positions.push([r * a.cos(), y, -r * a.sin()]);
            }
        }
        for (ring, pair) in profile.windows(2).enumerate() {
            let ring = ring as u32;
            for s in 0..segments {
                let a = ring * segments + s;
                let b = ring * segments + (s + 1) % segments;
                let (c, d) = (a + segments, b + segments);
                // Skip the triangles that collapse at a pole.
                if pair[0].0 > 0.0 {
                    m.indices.extend_from_slice(&[a, b, d]);
                }
                if pair[1].0 > 0.0 {
                    m.indices.extend_from_slice(&[a, d, c]);
                }
            }
        }
        m.smooth_normals();
        m
    }

    /// A closed cylinder (or frustum) standing on the origin, with flat caps.
    pub fn cylinder(r_bottom: f32, r_top: f32, h: f32, segments: u32) -> Mesh {
        let mut m = Mesh::default();
        let slope = (r_bottom - r_top) / h;
        let dir = |s: u32| {
            let a = TAU * s as f32 / segments as f32;
            (a.cos(), -a.sin())
        };
        for (r, y) in [(r_bottom, 0.0), (r_top, h)] {
            for s in 0..segments {
                let (c, sn) = dir(s);
                m.positions.push([r * c, y, r * sn]);
                m.normals.push(normalize([c, slope, sn]));
            }
        }
        for s in 0..segments {
            let (a, b) = (s, (s + 1) % segments);
            let (c, d) = (a + segments, b + segments);
            m.indices.extend_from_slice(&[a, b, d, a, d, c]);
        }
        for (r, y, up) in [(r_bottom, 0.0, false), (r_top, h, true)] {
            if r <= 0.0 {
                continue;
            }
            let n = if up {
                [0.0, 1.0, 0.0]
            } else {
                [0.0, -1.0, 0.0]
            };
            let centre = m.positions.len() as u32;
            m.positions.push([0.0, y, 0.0]);
            m.normals.push(n);
            for s in 0..segments {
                let (c, sn) = dir(s);
                m.positions.push([r * c, y, r * sn]);
                m.normals.push(n);
            }
            for s in 0..segments {
                let (a, b) = (centre + 1 + s, centre + 1 + (s + 1) % segments);
                if up {
                    m.indices.extend_from_slice(&[centre, a, b]);
                } else {
                    m.indices.extend_from_slice(&[centre, b, a]);
                }
            }
        }
        m
    }

    /// A half-cylinder shell along Z: the arched roof of a bunker.
    pub fn arch(radius: f32, length: f32, thickness: f32, segments: u32) -> Mesh {
        let mut m = Mesh::default();
        let half = length / 2.0;
        for (r, outward) in [(radius, 1.0f32), (radius - thickness, -1.0)] {
            let base = m.positions.len() as u32;
            for s in 0..=segments {
                let a = std::f32::consts::PI * s as f32 / segments as f32;
                let (x, y) = (r * a.cos(), r * a.sin());
                let n = [outward * a.cos(), outward * a.sin(), 0.0];
                m.positions.push([x, y, -half]);
                m.positions.push([x, y, half]);
                m.normals.push(n);
                m.normals.push(n);
            }
            for s in 0..segments {
                let (a, b, c, d) = (
                    base + 2 * s,
                    base + 2 * s + 1,
                    base + 2 * s + 2,
                    base + 2 * s + 3,
                );
                if outward > 0.0 {
                    m.indices.extend_from_slice(&[a, d, b, a, c, d]);
                } else {
                    m.indices.extend_from_slice(&[a, b, d, a, d, c]);
                }
            }
        }
        m
    }

    /// Terrain from a height function over a square of side `size` centred on the origin.
    pub fn terrain(size: f32, cells: u32, height: impl Fn(f32, f32) -> f32) -> Mesh {
        let mut m = Mesh::default();
        let n = cells + 1;
        for j in 0..n {
            for i in 0..n {
                let x = -size / 2.0 + size * i as f32 / cells as f32;
                let z = -size / 2.0 + size * j as f32 / cells as f32;
                m.positions.push([x, height(x, z), z]);
            }
        }
        for j in 0..cells {
            for i in 0..cells {
                let a = j * n + i;
                let (b, c, d) = (a + 1, a + n, a + n + 1);
                m.indices.extend_from_slice(&[a, c, d, a, d, b]);
            }
        }
        m.smooth_normals();
        m
    }

    /// A convex polygon in the XY plane (counter-clockwise, metres) extruded along Z, centred
    /// on Z = 0: roofs, ramparts, markers. Flat normals.
    pub fn prism(profile: &[(f32, f32)], length: f32) -> Mesh {
        let mut m = Mesh::default();
        let half = length / 2.0;
        let n = profile.len();
        for i in 0..n {
            let (a, b) = (profile[i], profile[(i + 1) % n]);
            let normal = normalize([b.1 - a.1, a.0 - b.0, 0.0]);
            let base = m.positions.len() as u32;
            m.positions.extend_from_slice(&[
                [a.0, a.1, half],
                [b.0, b.1, half],
                [b.0, b.1, -half],
                [a.0, a.1, -half],
            ]);
            m.normals.extend_from_slice(&[normal; 4]);
            m.indices
                .extend_from_slice(&[base, base + 2, base + 1, base, base + 3, base + 2]);
        }
        for (z, normal) in [(half, [0.0, 0.0, 1.0]), (-half, [0.0, 0.0, -1.0])] {
            let base = m.positions.len() as u32;
            for &(x, y) in profile {
                m.positions.push([x, y, z]);
                m.normals.push(normal);
            }
            for i in 1..n as u32 - 1 {
                if z > 0.0 {
                    m.indices.extend_from_slice(&[base, base + i, base + i + 1]);
                } else {
                    m.indices.extend_from_slice(&[base, base + i + 1, base + i]);
                }
            }
        }
        m
    }

    /// A sphere of radius `r` centred on (0, r, 0), so it rests on the origin.
    pub fn sphere(r: f32, segments: u32) -> Mesh {
        let rings = (segments / 2).max(3);
        let profile: Vec<(f32, f32)> = (0..=rings)
            .map(|i| {
                let a = std::f32::consts::PI * i as f32 / rings as f32;
                (r * a.sin(), r - r * a.cos())
            })
            .collect();
        Mesh::lathe(&profile, segments)
    }

    /// Scales by (sx, sy, sz), keeping normals perpendicular to the surface.
    pub fn scaled(mut self, s: [f32; 3]) -> Mesh {
        for p in &mut self.positions {
            *p = [p[0] * s[0], p[1] * s[1], p[2] * s[2]];
        }
        for n in &mut self.normals {
            *n = normalize([n[0] / s[0], n[1] / s[1], n[2] / s[2]]);
        }
        self
    }

    /// Rotates about the X axis by `angle` radians.
    pub fn rotated_x(mut self, angle: f32) -> Mesh {
        let (s, c) = angle.sin_cos();
        let rot = |v: [f32; 3]| [v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]];
        self.positions = self.positions.into_iter().map(rot).collect();
        self.normals = self.normals.into_iter().map(rot).collect();
        self
    }

    /// A flat strip of `width` along a polyline (roads, rivers, paths), facing up.
    pub fn ribbon(points: &[[f32; 3]], width: f32) -> Mesh {
        let mut m = Mesh::default();
        for (i, p) in points.iter().enumerate() {
            let prev = points[i.saturating_sub(1)];
            let next = points[(i + 1).min(points.len() - 1)];
            let dir = normalize([next[0] - prev[0], 0.0, next[2] - prev[2]]);
            let side = [-dir[2] * width / 2.0, 0.0, dir[0] * width / 2.0];
            m.positions.push([p[0] - side[0], p[1], p[2] - side[2]]);
            m.positions.push([p[0] + side[0], p[1], p[2] + side[2]]);
        }
        for i in 0..points.len().saturating_sub(1) as u32 {
            let (a, b, c, d) = (2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 3);
            m.indices.extend_from_slice(&[a, b, d, a, d, c]);
        }
        m.smooth_normals();
        // Face up whichever way the strip was walked.
        for t in m.indices.chunks_exact_mut(3) {
            let [a, b, c] = [t[0], t[1], t[2]].map(|i| m.positions[i as usize]);
            if cross(sub(b, a), sub(c, a))[1] < 0.0 {
                t.swap(1, 2);
            }
        }
        m.smooth_normals();
        m
    }

    /// The axis-aligned bounds, as (min, max).
    pub fn bounds(&self) -> ([f32; 3], [f32; 3]) {
        let mut min = [f32::INFINITY; 3];
        let mut max = [f32::NEG_INFINITY; 3];
        for p in &self.positions {
            for ((lo, hi), v) in min.iter_mut().zip(max.iter_mut()).zip(p) {
                *lo = lo.min(*v);
                *hi = hi.max(*v);
            }
        }
        (min, max)
    }
}

/// Smooth deterministic value noise in [-1, 1], for terrain.
pub fn noise(x: f32, z: f32, seed: u32) -> f32 {
    fn hash(i: i32, j: i32, seed: u32) -> f32 {
        let mut h = (i as u32).wrapping_mul(0x9E37_79B1)
            ^ (j as u32).wrapping_mul(0x85EB_CA77)
            ^ seed.wrapping_mul(0xC2B2_AE3D);
        h ^= h >> 15;
        h = h.wrapping_mul(0x2C1B_3C6D);
        h ^= h >> 12;
        (h & 0xFFFF) as f32 / 32767.5 - 1.0
    }
    let (xi, zi) = (x.floor(), z.floor());
    let (fx, fz) = (x - xi, z - zi);
    let (sx, sz) = (fx * fx * (3.0 - 2.0 * fx), fz * fz * (3.0 - 2.0 * fz));
    let (i, j) = (xi as i32, zi as i32);
    let top = hash(i, j, seed) * (1.0 - sx) + hash(i + 1, j, seed) * sx;
    let bottom = hash(i, j + 1, seed) * (1.0 - sx) + hash(i + 1, j + 1, seed) * sx;
    top * (1.0 - sz) + bottom * sz
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_consistent() {
        for m in [
            Mesh::cuboid(1.0, 2.0, 3.0),
            Mesh::cylinder(1.0, 0.5, 2.0, 12),
            Mesh::arch(4.0, 20.0, 0.3, 16),
            Mesh::terrain(10.0, 8, |x, z| x * z * 0.01),
            Mesh::prism(&[(-1.0, 0.0), (1.0, 0.0), (0.0, 1.0)], 4.0),
            Mesh::sphere(2.0, 12),
            Mesh::cuboid(1.0, 1.0, 1.0)
                .scaled([2.0, 0.5, 1.0])
                .rotated_x(0.3),
            Mesh::ribbon(&[[0.0, 0.0, 0.0], [5.0, 0.0, 1.0], [9.0, 1.0, -2.0]], 3.0),
        ] {
            assert_eq!(m.positions.len(), m.normals.len());
            assert_eq!(m.indices.len() % 3, 0);
            assert!(m.indices.iter().all(|&i| (i as usize) < m.positions.len()));
            for n in &m.normals {
                let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
                assert!((len - 1.0).abs() < 1e-3, "normal {n:?}");
            }
            // Triangles wind counter-clockwise seen from the side their normals face.
            for t in m.indices.chunks_exact(3) {
                let [a, b, c] = [t[0], t[1], t[2]].map(|i| m.positions[i as usize]);
                let face = cross(sub(b, a), sub(c, a));
                let n = t.iter().fold([0.0; 3], |acc, &i| {
                    let v = m.normals[i as usize];
                    [acc[0] + v[0], acc[1] + v[1], acc[2] + v[2]]
                });
                let dot = face[0] * n[0] + face[1] * n[1] + face[2] * n[2];
                assert!(dot >= -1e-6, "triangle {t:?} winds against its normals");
            }
        }
    }

    #[test]
    fn cuboid_bounds() {
        let (min, max) = Mesh::cuboid(2.0, 3.0, 4.0).bounds();
        assert_eq!(min, [-1.0, 0.0, -2.0]);
        assert_eq!(max, [1.0, 3.0, 2.0]);
    }
}
