//! Reading a site model (GLB): it must parse as glTF 2.0, and its `anchor:<name>` nodes give
//! the named points that tour stops and hotspots refer to.

use std::collections::BTreeMap;
use std::path::Path;

/// The prefix of anchor node names.
pub const ANCHOR_PREFIX: &str = "anchor:";

type Mat4 = [[f32; 4]; 4];

fn mul(a: &Mat4, b: &Mat4) -> Mat4 {
    let mut out = [[0.0; 4]; 4];
    for (c, col) in out.iter_mut().enumerate() {
        for (r, cell) in col.iter_mut().enumerate() {
            *cell = (0..4).map(|k| a[k][r] * b[c][k]).sum();
        }
    }
    out
}

/// The anchors of the model at `path`, by name, in model coordinates.
pub fn anchors(path: &Path) -> Result<BTreeMap<String, [f32; 3]>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    let gltf = gltf::Gltf::from_slice(&bytes).map_err(|e| format!("is not valid glTF: {e}"))?;
    let scene = gltf
        .default_scene()
        .or_else(|| gltf.scenes().next())
        .ok_or("has no scene")?;
    let mut out = BTreeMap::new();
    let identity: Mat4 = [
        [1.0, 0.0, 0.0, 0.0],
        [0.0, 1.0, 0.0, 0.0],
        [0.0, 0.0, 1.0, 0.0],
        [0.0, 0.0, 0.0, 1.0],
    ];
    let mut stack: Vec<(gltf::Node, Mat4, usize)> =
        scene.nodes().map(|n| (n, identity, 0)).collect();
    while let Some((node, parent, depth)) = stack.pop() {
        if depth > 64 {
            return Err("has a node hierarchy deeper than 64 levels".into());
        }
        let world = mul(&parent, &node.transform().matrix());
        if let Some(name) = node.name().and_then(|n| n.strip_prefix(ANCHOR_PREFIX)) {
            out.insert(name.to_owned(), [world[3][0], world[3][1], world[3][2]]);
        }
        stack.extend(node.children().map(|c| (c, world, depth + 1)));
    }
    Ok(out)
}
