//! Compressed glTF as a library: what makes a model small on the wire, and what makes it
//! ordinary again. [`compress`] turns a plain GLB (float attributes, one binary chunk) into the
//! form the derivatives and the site models ship in, as meshoptimizer's gltfpack does:
//! triangles reordered for the vertex cache and vertices for fetch, positions as 16-bit
//! integers with the dequantisation on a node (`KHR_mesh_quantization`), normals as 8-bit
//! octahedral vectors, texture coordinates with exponent-coded mantissas, colours as bytes,
//! each buffer view packed with meshoptimizer's codec (`EXT_meshopt_compression`).
//! [`Unpacker`] decodes such views and such attributes back into floats and 32-bit indices
//! in one new buffer, rewriting the JSON to point at it: the viewer ([`plain_glb`]) and the
//! upload checks (which add Draco through the same [`Unpacker`]) then read an ordinary glTF.
//!
//! Every size comes from the file, so each is checked before it is read or allocated; a
//! stream that does not decode is a [`Problem`] naming the buffer view or accessor.
//! Pure functions on bytes: no IO; builds for wasm32 (the viewer links the decoding half).

mod compress;
mod glb;
pub mod image;
mod memory;
mod unpack;

pub use compress::{CompressError, compress, position_bits};
pub use glb::{glb, split};
pub use memory::{Footprint, footprint, gpu_bytes};
pub use unpack::{Unpacker, plain_glb, readable_glb};

pub const MESHOPT: &str = "EXT_meshopt_compression";
pub const QUANTIZATION: &str = "KHR_mesh_quantization";
pub const WEBP: &str = "EXT_texture_webp";

/// A part of a file that could not be made plain: where (a JSON path such as
/// `bufferViews[3]`), by which extension, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub at: String,
    pub ext: &'static str,
    pub why: String,
}

impl Problem {
    pub fn new(at: impl Into<String>, ext: &'static str, why: impl Into<String>) -> Problem {
        Problem {
            at: at.into(),
            ext,
            why: why.into(),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.at, self.ext, self.why)
    }
}

const FLOAT: u64 = 5126;
const UNSIGNED_INT: u64 = 5125;
const ARRAY_BUFFER: u64 = 34962;
const ELEMENT_ARRAY_BUFFER: u64 = 34963;

/// Whether the document lists `name` in `extensionsUsed`.
pub fn uses(root: &serde_json::Value, name: &str) -> bool {
    root.get("extensionsUsed")
        .and_then(serde_json::Value::as_array)
        .is_some_and(|a| a.iter().any(|e| e == name))
}

/// Components per element of an accessor type (`VEC3`: 3).
pub fn components(kind: &str) -> Option<usize> {
    Some(match kind {
        "SCALAR" => 1,
        "VEC2" => 2,
        "VEC3" => 3,
        "VEC4" => 4,
        _ => return None,
    })
}

/// Bytes per component.
fn width(component: u64) -> Option<usize> {
    Some(match component {
        5120 | 5121 => 1,
        5122 | 5123 => 2,
        5125 | 5126 => 4,
        _ => return None,
    })
}

/// One stored integer (or float) as a float: normalised integers to [0, 1] or [-1, 1] as
/// the glTF specification says.
fn scalar(component: u64, normalized: bool, b: &[u8]) -> Option<f32> {
    Some(match (component, b) {
        (5120, [x, ..]) => {
            let v = f32::from(*x as i8);
            if normalized { (v / 127.0).max(-1.0) } else { v }
        }
        (5121, [x, ..]) => {
            let v = f32::from(*x);
            if normalized { v / 255.0 } else { v }
        }
        (5122, [a, b, ..]) => {
            let v = f32::from(i16::from_le_bytes([*a, *b]));
            if normalized {
                (v / 32767.0).max(-1.0)
            } else {
                v
            }
        }
        (5123, [a, b, ..]) => {
            let v = f32::from(u16::from_le_bytes([*a, *b]));
            if normalized { v / 65535.0 } else { v }
        }
        (5125, [a, b, c, d, ..]) => u32::from_le_bytes([*a, *b, *c, *d]) as f32,
        (5126, [a, b, c, d, ..]) => f32::from_le_bytes([*a, *b, *c, *d]),
        _ => return None,
    })
}

/// glTF's primitive modes with triangles: `TRIANGLES`, `TRIANGLE_STRIP`, `TRIANGLE_FAN`.
pub const TRIANGLES: u32 = 4;
pub const TRIANGLE_STRIP: u32 = 5;
pub const TRIANGLE_FAN: u32 = 6;

/// A primitive's triangles (`mode` as glTF numbers it) as a list of corner indices: lists as
/// they are, strips and fans unrolled with each triangle wound as glTF says (a strip's odd
/// triangles turned back, a fan's `(i, i + 1, 0)`); `None` for points and lines.
pub fn triangle_list(mode: u32, indices: Vec<u32>) -> Option<Vec<u32>> {
    let n = indices.len();
    match mode {
        TRIANGLES => Some(indices),
        TRIANGLE_STRIP => Some(
            (0..n.saturating_sub(2))
                .flat_map(|i| match i % 2 {
                    0 => [indices[i], indices[i + 1], indices[i + 2]],
                    _ => [indices[i + 1], indices[i], indices[i + 2]],
                })
                .collect(),
        ),
        TRIANGLE_FAN => Some(
            (1..n.saturating_sub(1))
                .flat_map(|i| [indices[i], indices[i + 1], indices[0]])
                .collect(),
        ),
        _ => None,
    }
}

/// Textures that name their image through `EXT_texture_webp` read it as their own `source`
/// (the image's bytes and type say it is WebP), and the extension leaves the document, so a
/// glTF reader without it (the gltf crate) reads the file; the browser or an image library
/// decodes the WebP. Returns whether the document used it.
pub fn webp_sources(root: &mut serde_json::Value) -> bool {
    if !uses(root, WEBP) {
        return false;
    }
    let textures = root
        .get_mut("textures")
        .and_then(serde_json::Value::as_array_mut);
    for texture in textures.into_iter().flatten() {
        let webp = texture.get("extensions").and_then(|e| e.get(WEBP));
        if let Some(source) = webp.and_then(|w| w.get("source")).cloned() {
            texture["source"] = source;
        }
        unpack::remove_extension(texture, WEBP);
    }
    drop_extensions(root, &[WEBP]);
    true
}

/// Takes `names` off the document's `extensionsUsed` and `extensionsRequired` (a list left
/// empty goes too).
pub(crate) fn drop_extensions(root: &mut serde_json::Value, names: &[&str]) {
    for key in ["extensionsUsed", "extensionsRequired"] {
        if let Some(list) = root.get_mut(key).and_then(serde_json::Value::as_array_mut) {
            list.retain(|e| !e.as_str().is_some_and(|e| names.contains(&e)));
            if list.is_empty()
                && let Some(o) = root.as_object_mut()
            {
                o.remove(key);
            }
        }
    }
}

/// A JSON number as an index into a glTF array.
pub fn index(v: &serde_json::Value) -> Option<usize> {
    v.as_u64().and_then(|v| usize::try_from(v).ok())
}

/// Appends `item` to the array `list` (made one if it is not); returns its index.
pub fn push(list: &mut serde_json::Value, item: serde_json::Value) -> usize {
    if !list.is_array() {
        *list = serde_json::json!([]);
    }
    match list.as_array_mut() {
        Some(a) => {
            a.push(item);
            a.len() - 1
        }
        None => 0,
    }
}

/// Every mesh primitive of `root`, as (mesh, primitive) indices.
fn primitives(root: &serde_json::Value) -> Vec<(usize, usize)> {
    let meshes = root.get("meshes").and_then(serde_json::Value::as_array);
    meshes
        .into_iter()
        .flatten()
        .enumerate()
        .flat_map(|(m, mesh)| {
            let n = mesh["primitives"].as_array().map_or(0, Vec::len);
            (0..n).map(move |p| (m, p))
        })
        .collect()
}
