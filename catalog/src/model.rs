//! Facts about a site model read from its bytes (a GLB or glTF JSON): it must parse as glTF
//! 2.0; its `anchor:<name>` nodes are the named points that tour stops and hotspots refer to;
//! its bounds and triangle count come from the accessors of its meshes.

use std::collections::BTreeMap;

use disan_types::rules::ANCHOR_PREFIX;

/// Deepest node hierarchy accepted.
pub const MAX_DEPTH: usize = 64;

/// What is wrong with a model's bytes.
/// The most a site model's compressed data may unpack to.
const MAX_UNPACKED: u64 = 1 << 30;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("is not valid glTF: {0}")]
    NotGltf(String),
    #[error("has no scene")]
    NoScene,
    #[error("has a node hierarchy deeper than {MAX_DEPTH} levels")]
    TooDeep,
}

/// What the content checks and the API need to know about a model.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModelFacts {
    /// Anchor positions by name (without the prefix), in model coordinates.
    pub anchors: BTreeMap<String, [f32; 3]>,
    /// The smallest box holding every mesh of the scene, in model coordinates; `None` without
    /// meshes.
    pub bounds: Option<[[f32; 3]; 2]>,
    /// Triangles drawn by the scene (each mesh counted once per node that uses it).
    pub triangles: u64,
}

type Mat4 = [[f32; 4]; 4];

const IDENTITY: Mat4 = [
    [1.0, 0.0, 0.0, 0.0],
    [0.0, 1.0, 0.0, 0.0],
    [0.0, 0.0, 1.0, 0.0],
    [0.0, 0.0, 0.0, 1.0],
];

fn mul(a: &Mat4, b: &Mat4) -> Mat4 {
    let mut out = [[0.0; 4]; 4];
    for (c, col) in out.iter_mut().enumerate() {
        for (r, cell) in col.iter_mut().enumerate() {
            *cell = (0..4).map(|k| a[k][r] * b[c][k]).sum();
        }
    }
    out
}

fn apply(m: &Mat4, p: [f32; 3]) -> [f32; 3] {
    let mut out = [0.0; 3];
    for (r, o) in out.iter_mut().enumerate() {
        *o = m[0][r] * p[0] + m[1][r] * p[1] + m[2][r] * p[2] + m[3][r];
    }
    out
}

impl ModelFacts {
    /// Reads the facts of the model in `bytes`.
    /// Quantised and meshopt-compressed models (what `cargo xtask assets` writes) are decoded
    /// first.
    pub fn read(bytes: &[u8]) -> Result<ModelFacts, ModelError> {
        let plain = disan_pack::readable_glb(bytes, MAX_UNPACKED).map_err(|p| {
            let p: Vec<String> = p.iter().map(ToString::to_string).collect();
            ModelError::NotGltf(p.join("; "))
        })?;
        let gltf =
            gltf::Gltf::from_slice(&plain).map_err(|e| ModelError::NotGltf(e.to_string()))?;
        let scene = gltf
            .default_scene()
            .or_else(|| gltf.scenes().next())
            .ok_or(ModelError::NoScene)?;
        let mut facts = ModelFacts::default();
        let mut stack: Vec<(gltf::Node, Mat4, usize)> =
            scene.nodes().map(|n| (n, IDENTITY, 0)).collect();
        while let Some((node, parent, depth)) = stack.pop() {
            if depth > MAX_DEPTH {
                return Err(ModelError::TooDeep);
            }
            let world = mul(&parent, &node.transform().matrix());
            if let Some(name) = node.name().and_then(|n| n.strip_prefix(ANCHOR_PREFIX)) {
                facts
                    .anchors
                    .insert(name.to_owned(), [world[3][0], world[3][1], world[3][2]]);
            }
            if let Some(mesh) = node.mesh() {
                for primitive in mesh.primitives() {
                    facts.count(&primitive, &world);
                }
            }
            stack.extend(node.children().map(|c| (c, world, depth + 1)));
        }
        Ok(facts)
    }

    fn count(&mut self, primitive: &gltf::Primitive, world: &Mat4) {
        let vertices = primitive
            .get(&gltf::Semantic::Positions)
            .map_or(0, |a| a.count() as u64);
        let elements = primitive.indices().map_or(vertices, |a| a.count() as u64);
        self.triangles += match primitive.mode() {
            gltf::mesh::Mode::Triangles => elements / 3,
            gltf::mesh::Mode::TriangleStrip | gltf::mesh::Mode::TriangleFan => {
                elements.saturating_sub(2)
            }
            _ => 0,
        };
        let bb = primitive.bounding_box();
        for corner in 0..8 {
            let pick = |axis: usize| {
                if corner >> axis & 1 == 0 {
                    bb.min[axis]
                } else {
                    bb.max[axis]
                }
            };
            let p = apply(world, [pick(0), pick(1), pick(2)]);
            let b = self.bounds.get_or_insert([p, p]);
            for axis in 0..3 {
                b[0][axis] = b[0][axis].min(p[axis]);
                b[1][axis] = b[1][axis].max(p[axis]);
            }
        }
    }
}
